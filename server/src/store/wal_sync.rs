//! Group commit for SQLite. Fully synchronous commits flush the write-ahead log once per commit: about
//! 3.4 ms on the development machine's disk, so about 290 writes per second for the whole portal, each
//! waiting its turn. Instead the writer commits with `synchronous = NORMAL` (the commit is written to the
//! log in the operating system's cache: it survives the process being killed, not yet a power cut) and
//! every write is acknowledged only after `flush_after_commit` has flushed the log to disk. One flush covers
//! every commit made before it started, so writers that commit while a flush runs share the next one: each
//! write still waits for the disk, but many wait together.
//!
//! Written by hand because SQLite has no group commit of its own and sqlx offers no after-commit hook.

use app::store::StoreError;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

pub(super) struct WalSync {
    /// The `-wal` file beside the database; `None` for an in-memory database.
    wal: Option<PathBuf>,
    /// Commits made so far (counted after each returned).
    committed: AtomicU64,
    /// How many of those the last completed flush covers; held while a flush runs.
    flushed: tokio::sync::Mutex<u64>,
    /// Flushes done so far.
    flushes: AtomicU64,
}

impl WalSync {
    pub(super) fn new(database: &Path) -> Self {
        let wal = (!database.as_os_str().is_empty()).then(|| {
            let mut name = database.as_os_str().to_owned();
            name.push("-wal");
            PathBuf::from(name)
        });
        Self {
            wal,
            committed: AtomicU64::new(0),
            flushed: tokio::sync::Mutex::new(0),
            flushes: AtomicU64::new(0),
        }
    }

    /// Returns once the commit that has just returned is on disk.
    pub(super) async fn flush_after_commit(&self) -> Result<(), StoreError> {
        let ticket = self.committed.fetch_add(1, Ordering::SeqCst) + 1;
        self.flush_covering(ticket).await
    }

    /// Returns once the log is on disk up to the commit counted as `ticket`.
    async fn flush_covering(&self, ticket: u64) -> Result<(), StoreError> {
        let Some(wal) = &self.wal else { return Ok(()) };
        let mut flushed = self.flushed.lock().await;
        if *flushed >= ticket {
            return Ok(()); // a flush that started after this commit has finished
        }
        let covers = self.committed.load(Ordering::SeqCst);
        let wal = wal.clone();
        tokio::task::spawn_blocking(move || flush(&wal))
            .await
            .map_err(|e| StoreError::Unavailable(format!("flushing the database log: {e}")))?
            .map_err(|e| StoreError::Unavailable(format!("flushing the database log: {e}")))?;
        *flushed = covers;
        self.flushes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// `fdatasync` of the log. Linux flushes a file's pages through any descriptor, a read-only one included.
fn flush(wal: &Path) -> std::io::Result<()> {
    match std::fs::File::open(wal) {
        Ok(file) => file.sync_data(),
        // No log: the last connection closed and checkpointed it into the database, which SQLite flushed.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::WalSync;
    use std::path::Path;
    use std::sync::atomic::Ordering;

    #[test]
    fn the_log_is_the_file_beside_the_database() {
        let sync = WalSync::new(Path::new("/data/portal.db"));
        assert_eq!(sync.wal.as_deref(), Some(Path::new("/data/portal.db-wal")));
        assert_eq!(WalSync::new(Path::new("")).wal, None);
    }

    #[tokio::test]
    async fn commits_made_while_waiting_share_one_flush() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("portal.db-wal"), b"frames").unwrap();
        let sync = WalSync::new(&dir.path().join("portal.db"));
        let tickets: Vec<u64> = (0..10).map(|_| sync.committed.fetch_add(1, Ordering::SeqCst) + 1).collect();
        for ticket in tickets {
            sync.flush_covering(ticket).await.unwrap();
        }
        assert_eq!(sync.flushes.load(Ordering::SeqCst), 1);
        sync.flush_after_commit().await.unwrap();
        assert_eq!(sync.flushes.load(Ordering::SeqCst), 2, "a later commit needs a flush of its own");
    }

    #[tokio::test]
    async fn a_missing_log_was_checkpointed_already() {
        let dir = tempfile::tempdir().unwrap();
        WalSync::new(&dir.path().join("portal.db")).flush_after_commit().await.unwrap();
    }
}
