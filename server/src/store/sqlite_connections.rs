//! SQLite's connections, held here rather than in sqlx pools: a pooled connection is pinged when taken
//! (unless told not to) and again, in a spawned task, when it goes back, and whoever waits for it waits for
//! both. Each ping is a round trip to the connection's thread; with about forty statements per application
//! those round trips (thread switches, on two cores) were most of the write path's cost.
//!
//! `Connections` is a fixed set: the readers (several) or the writer (one, so writes queue in order).
//! Whoever waits for a connection joins one queue, served in arrival order, and takes whichever
//! connection frees first (a queue per connection let a request wait behind a slow holder while
//! others were free: the status page's p99 at 256 connections was three times its mean).

use sqlx::{
    sqlite::{Sqlite, SqliteConnectOptions, SqliteConnection},
    ConnectOptions, Connection, Database, TransactionManager,
};
use std::{
    ops::{Deref, DerefMut},
    sync::Arc,
};
use tokio::sync::{Mutex, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

type Manager = <Sqlite as Database>::TransactionManager;

/// A slot holds `None` once closed.
type Slot = Arc<Mutex<Option<SqliteConnection>>>;

pub struct Connections {
    slots: Vec<Slot>,
    /// One per slot: a holder of a permit always finds a free slot. Closed by `close`.
    permits: Arc<Semaphore>,
}

/// A connection, held until dropped. The slot is freed before the permit (fields drop in order).
pub struct Taken {
    slot: OwnedMutexGuard<Option<SqliteConnection>>,
    _permit: OwnedSemaphorePermit,
}

/// A write transaction (`BEGIN IMMEDIATE`); rolled back unless committed.
pub struct WriteTx {
    taken: Taken,
    open: bool,
}

impl Connections {
    pub async fn open(options: &SqliteConnectOptions, count: usize) -> Result<Self, sqlx::Error> {
        let mut slots = Vec::with_capacity(count);
        for _ in 0..count {
            slots.push(Arc::new(Mutex::new(Some(options.connect().await?))));
        }
        Ok(Self { permits: Arc::new(Semaphore::new(slots.len())), slots })
    }

    /// A free connection, or else the first to free once those who came before are served.
    pub async fn take(&self) -> Result<Taken, sqlx::Error> {
        let permit = self.permits.clone().acquire_owned().await.map_err(|_| sqlx::Error::PoolClosed)?;
        // With a permit a slot is free, unless `close` is taking them.
        let free = self.slots.iter().find_map(|slot| slot.clone().try_lock_owned().ok());
        match free {
            Some(slot) if slot.is_some() => Ok(Taken { slot, _permit: permit }),
            _ => Err(sqlx::Error::PoolClosed),
        }
    }

    /// A write transaction that takes SQLite's write lock at once (see `SqliteStore::begin_write`).
    pub async fn begin(&self) -> Result<WriteTx, sqlx::Error> {
        let mut taken = self.take().await?;
        Manager::begin(&mut taken, Some("BEGIN IMMEDIATE".into())).await?;
        Ok(WriteTx { taken, open: true })
    }

    /// Closes each connection once its holder is done; later takes fail as on a closed pool.
    pub async fn close(&self) {
        self.permits.close();
        for slot in &self.slots {
            if let Some(connection) = slot.lock().await.take() {
                let _ = connection.close().await;
            }
        }
    }
}

impl WriteTx {
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        Manager::commit(&mut self.taken).await?;
        self.open = false;
        Ok(())
    }

    pub async fn rollback(mut self) -> Result<(), sqlx::Error> {
        Manager::rollback(&mut self.taken).await?;
        self.open = false;
        Ok(())
    }
}

impl Drop for WriteTx {
    /// Queues the rollback on the connection: it runs before the next holder's first statement.
    fn drop(&mut self) {
        if self.open {
            Manager::start_rollback(&mut self.taken);
        }
    }
}

impl Deref for Taken {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        self.slot.as_ref().expect("a closed connection is never taken")
    }
}

impl DerefMut for Taken {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.slot.as_mut().expect("a closed connection is never taken")
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.taken
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Row;

    async fn writer_on_a_fresh_file() -> (Connections, std::path::PathBuf) {
        let file = format!("writer-test-{}-{}.db", std::process::id(), rand::random::<u32>());
        let path = std::env::temp_dir().join(file);
        let options = SqliteConnectOptions::new().filename(&path).create_if_missing(true);
        let writer = Connections::open(&options, 1).await.unwrap();
        sqlx::query("CREATE TABLE t (n INTEGER)").execute(&mut *writer.take().await.unwrap()).await.unwrap();
        (writer, path)
    }

    async fn count(writer: &Connections) -> i64 {
        let row = sqlx::query("SELECT COUNT(*) FROM t")
            .fetch_one(&mut *writer.take().await.unwrap())
            .await
            .unwrap();
        row.get(0)
    }

    #[tokio::test]
    async fn a_transaction_dropped_uncommitted_is_rolled_back_before_the_next_write() {
        let (writer, path) = writer_on_a_fresh_file().await;
        let mut tx = writer.begin().await.unwrap();
        sqlx::query("INSERT INTO t VALUES (1)").execute(&mut *tx).await.unwrap();
        drop(tx);
        let mut tx = writer.begin().await.expect("no transaction left open");
        sqlx::query("INSERT INTO t VALUES (2)").execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&writer).await, 1);
        writer.close().await;
        assert!(matches!(writer.take().await, Err(sqlx::Error::PoolClosed)));
        let _ = std::fs::remove_file(path);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn simultaneous_writers_take_their_turn() {
        let (writer, path) = writer_on_a_fresh_file().await;
        let writer = Arc::new(writer);
        let writes = (0..32).map(|n| {
            let writer = writer.clone();
            tokio::spawn(async move {
                let mut tx = writer.begin().await.unwrap();
                sqlx::query("INSERT INTO t VALUES (?)").bind(n).execute(&mut *tx).await.unwrap();
                tx.commit().await.unwrap();
            })
        });
        for write in writes.collect::<Vec<_>>() {
            write.await.unwrap();
        }
        assert_eq!(count(&writer).await, 32);
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod reader_tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_free_reader_is_taken_before_waiting_for_a_busy_one() {
        let options = SqliteConnectOptions::new().filename(":memory:");
        let readers = Connections::open(&options, 2).await.unwrap();
        let first = readers.take().await.unwrap();
        let second = tokio::time::timeout(std::time::Duration::from_secs(1), readers.take()).await;
        let second = second.expect("the second connection is free").unwrap();
        let third = tokio::spawn(async move { readers.take().await.map(|_| ()) });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!third.is_finished(), "both taken: the third waits");
        drop((first, second));
        third.await.unwrap().unwrap();
    }

    /// Whether `future` is still waiting, polled once (a first poll joins the queue).
    fn waiting<F: std::future::Future + Unpin>(future: &mut F) -> bool {
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        std::pin::Pin::new(future).poll(&mut context).is_pending()
    }

    #[tokio::test]
    async fn waiters_are_served_in_arrival_order_whichever_connection_frees() {
        let options = SqliteConnectOptions::new().filename(":memory:");
        let readers = Connections::open(&options, 2).await.unwrap();
        let (first, second) = (readers.take().await.unwrap(), readers.take().await.unwrap());
        let mut early = Box::pin(readers.take());
        assert!(waiting(&mut early));
        let mut late = Box::pin(readers.take());
        assert!(waiting(&mut late));
        drop(second); // the early waiter came first, whichever connection it would have waited for
        let soon = std::time::Duration::from_secs(1);
        let early = tokio::time::timeout(soon, early).await.expect("the early waiter is served").unwrap();
        assert!(waiting(&mut late), "the late waiter waits for the next connection to free");
        drop(first);
        tokio::time::timeout(soon, late).await.expect("then the late one").unwrap();
        drop(early);
    }
}
