//! Deletes the files nothing refers to: documents removed from a draft or left in a purged draft, files
//! of posts that failed after the files were written, temporary files a crash left behind. A file is
//! kept until a grace period after it was last written or sent again, so that an upload whose row is
//! still being written keeps its file.

use super::EvidenceFiles;
use app::domain::application::Draft;
use app::store::{Leftovers, Store};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a file nothing refers to is kept after it was last written or sent again: longer than any
/// request takes between writing a file and storing the row that refers to it.
pub const GRACE: Duration = Duration::from_secs(24 * 3600);

/// Upload counts (`FileStore::spend_upload_allowance`) are kept for today and yesterday only.
const ALLOWANCE_DAYS_KEPT: i64 = 2;
/// Sent verification codes are kept a day (the per-phone limits look back ten minutes).
const CODES_KEPT_SECONDS: i64 = 24 * 3600;
const DRAFTS_PER_PAGE: u32 = 200;

/// What one sweep did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub deleted: u64,
    pub freed_bytes: u64,
    /// Files past the grace period but still referred to, or sent again meanwhile.
    pub kept: u64,
}

/// Purges drafts older than `draft_retention_days`, old upload counts and verification codes older than a
/// day (kept that long for the per-phone limits), then deletes the files that nothing refers to and that
/// were last written before `now - GRACE`.
pub async fn sweep(
    files: &EvidenceFiles,
    store: &dyn Store,
    now: SystemTime,
    draft_retention_days: u32,
) -> anyhow::Result<Swept> {
    let unix_now = i64::try_from(now.duration_since(UNIX_EPOCH)?.as_secs())?;
    let today = app::domain::upload::allowance_day(unix_now);
    let before = Leftovers {
        drafts: unix_now - i64::from(draft_retention_days) * 86_400,
        allowance_day: today - ALLOWANCE_DAYS_KEPT + 1,
        codes: unix_now - CODES_KEPT_SECONDS,
    };
    store.purge_leftovers(&before).await?;
    let in_drafts = files_in_drafts(files, store).await?;
    let cutoff = now - GRACE;
    let mut swept = Swept::default();
    for folder in subfolders(&files.dir).await? {
        let (stored, temporary) = stale_files(&folder, cutoff).await?;
        let in_use: HashSet<String> = store.files_in_use(&stored).await?.into_iter().collect();
        let unreferenced: Vec<PathBuf> = stored
            .iter()
            .filter(|hash| !in_use.contains(*hash) && !in_drafts.contains(*hash))
            .map(|hash| folder.join(hash))
            .collect();
        swept.kept += (stored.len() - unreferenced.len()) as u64;
        for path in unreferenced.into_iter().chain(temporary) {
            match files.delete_if_stale(&path, cutoff).await? {
                Some(bytes) => {
                    swept.deleted += 1;
                    swept.freed_bytes += bytes;
                }
                None => swept.kept += 1,
            }
        }
    }
    Ok(swept)
}

/// Every document named by a draft. A draft that does not open stops the sweep: its files are unknown.
async fn files_in_drafts(files: &EvidenceFiles, store: &dyn Store) -> anyhow::Result<HashSet<String>> {
    let mut hashes = HashSet::new();
    let mut after = String::new();
    loop {
        let page = store.sealed_drafts_after(&after, DRAFTS_PER_PAGE).await?;
        let Some((last, _)) = page.last() else { return Ok(hashes) };
        after = last.clone();
        for (_, sealed) in &page {
            let draft: Draft = files.sealer.open(sealed)?;
            hashes.extend(draft.documents.into_iter().map(|d| d.sha256));
        }
    }
}

impl EvidenceFiles {
    /// Deletes the file if it was still last written before `cutoff`, checked while no upload can find
    /// it; returns its size when deleted.
    async fn delete_if_stale(&self, path: &Path, cutoff: SystemTime) -> std::io::Result<Option<u64>> {
        let _alone = self.writing.write().await;
        let metadata = match tokio::fs::metadata(path).await {
            Ok(metadata) => metadata,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        if metadata.modified()? >= cutoff {
            return Ok(None);
        }
        tokio::fs::remove_file(path).await?;
        Ok(Some(metadata.len()))
    }
}

async fn subfolders(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut folders = Vec::new();
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(folders),
        Err(e) => return Err(e),
    };
    while let Some(entry) = entries.next_entry().await? {
        if entry.file_type().await?.is_dir() {
            folders.push(entry.path());
        }
    }
    Ok(folders)
}

/// The stored files (by hash) and temporary files (by path) of `folder` last written before `cutoff`.
/// Anything else in the folder is left alone.
async fn stale_files(folder: &Path, cutoff: SystemTime) -> std::io::Result<(Vec<String>, Vec<PathBuf>)> {
    let (mut stored, mut temporary) = (Vec::new(), Vec::new());
    let mut entries = tokio::fs::read_dir(folder).await?;
    while let Some(entry) = entries.next_entry().await? {
        let metadata = entry.metadata().await?;
        if !metadata.is_file() || metadata.modified()? >= cutoff {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_sha256(&name) {
            stored.push(name);
        } else if name.ends_with(".part") && name.get(..64).is_some_and(is_sha256) {
            temporary.push(entry.path());
        }
    }
    Ok((stored, temporary))
}

fn is_sha256(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Sweeps every `every` while the server runs, the first time one period after start (so that starting
/// several instances, or restarting one, does not walk the whole folder at once); each instance sweeps (a
/// file deleted twice is harmless).
pub fn spawn(
    files: EvidenceFiles,
    store: std::sync::Arc<dyn Store>,
    draft_retention_days: u32,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tick.tick().await;
            // The machine's clock, not the services' `Clock`: the sweep compares with the files' times,
            // which the file system writes by it.
            match sweep(&files, store.as_ref(), SystemTime::now(), draft_retention_days).await {
                Ok(swept) => tracing::info!(?swept, "unreferenced files swept"),
                Err(e) => tracing::error!(error = %e, "sweeping unreferenced files failed"),
            }
        }
    })
}
