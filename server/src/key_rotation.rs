//! `server rotate-data-key`: seals every sealed value in the database and every uploaded file again under
//! the current `PORTAL_DATA_KEY`, opening them with it or with `PORTAL_PREVIOUS_DATA_KEY`.
//!
//! Resumable by construction: a value or file already under the current key is skipped, so a run that was
//! interrupted is simply started again. Safe beside serving instances (restarted with both keys first):
//! a value is replaced only if it did not change since it was read, and a file is replaced by rename, so a
//! reader sees the old sealed file or the new one, both of which open.

use anyhow::Context;
use app::audit::AuditEvent;
use app::sealing::Sealer;
use app::services::{Clock, SystemClock};
use app::store::{Resealed, SealedColumn, Store};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Values read, re-sealed and written per transaction.
const BATCH: u32 = 500;

#[derive(Debug, Default)]
pub struct Rotation {
    /// Values and files sealed again by this run (those already under the current key are not counted).
    pub values: u64,
    pub files: u64,
    /// What opens with none of the configured keys, by table and key or by file: left as it is.
    pub unreadable: Vec<String>,
}

/// Re-seals the database's values, then the files under `evidence_dir`.
pub async fn rotate(store: &dyn Store, sealer: &Sealer, evidence_dir: &Path) -> anyhow::Result<Rotation> {
    let mut rotation = Rotation::default();
    for column in SealedColumn::ALL {
        reseal_column(store, sealer, column, &mut rotation).await?;
    }
    reseal_files(sealer, evidence_dir, &mut rotation)?;
    if rotation.files > 0 {
        let detail = format!("{} files", rotation.files);
        store
            .append_audit(&AuditEvent::at(
                SystemClock.unix_now(),
                "operator",
                "data.files_resealed",
                "evidence",
                detail,
            ))
            .await?;
    }
    Ok(rotation)
}

async fn reseal_column(
    store: &dyn Store,
    sealer: &Sealer,
    column: SealedColumn,
    rotation: &mut Rotation,
) -> anyhow::Result<()> {
    let (table, _, _) = column.names();
    let mut after = column.first_key();
    loop {
        let page = store.sealed_values(column, &after, BATCH).await?;
        let Some((last, _)) = page.last() else { return Ok(()) };
        after = last.clone();
        let mut batch = Vec::new();
        for (key, old) in page {
            match sealer.reseal(&old) {
                Ok(None) => {}
                Ok(Some(new)) => batch.push(Resealed { key, old, new }),
                Err(e) => rotation.unreadable.push(format!("{table} {key:?}: {e}")),
            }
        }
        if !batch.is_empty() {
            let detail = format!("{} values", batch.len());
            let audit = AuditEvent::at(SystemClock.unix_now(), "operator", "data.resealed", table, detail);
            rotation.values += store.replace_sealed(column, &batch, &audit).await?;
        }
    }
}

fn reseal_files(sealer: &Sealer, dir: &Path, rotation: &mut Rotation) -> anyhow::Result<()> {
    for path in sealed_files(dir)? {
        let sealed = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        match sealer.reseal(&sealed) {
            Ok(None) => {}
            Ok(Some(new)) => {
                replace_file(&path, &new)?;
                rotation.files += 1;
            }
            Err(e) => rotation.unreadable.push(format!("{}: {e}", path.display())),
        }
    }
    Ok(())
}

/// The stored files below `dir` (`<2 hex>/<sha256>`), leaving out temporary `.part` files.
fn sealed_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if !dir.exists() {
        return Ok(files);
    }
    for folder in std::fs::read_dir(dir)? {
        let folder = folder?.path();
        if !folder.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&folder)? {
            let file = file?.path();
            if file.is_file() && file.extension().is_none() {
                files.push(file);
            }
        }
    }
    Ok(files)
}

/// Written beside, flushed, renamed over the old file, and the rename flushed: never half a file.
fn replace_file(path: &Path, content: &str) -> anyhow::Result<()> {
    let temporary = path.with_extension(format!("{:016x}.part", rand::random::<u64>()));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(content.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)?;
    if let Some(folder) = path.parent() {
        std::fs::File::open(folder)?.sync_all()?;
    }
    Ok(())
}
