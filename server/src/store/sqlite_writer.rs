//! SQLite's one writing connection, taken in turn. Held here rather than in a sqlx pool of one: a pool
//! pings a connection when it is taken and again, in a spawned task, when it goes back, and the next
//! writer waits for both. Each ping is a round trip to the connection's thread, and at about thirty
//! writes per application those round trips (thread switches, on two cores) were the write path's cost.

use sqlx::{
    sqlite::{Sqlite, SqliteConnectOptions, SqliteConnection},
    ConnectOptions, Connection, Database, TransactionManager,
};
use std::{
    ops::{Deref, DerefMut},
    sync::Arc,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

type Manager = <Sqlite as Database>::TransactionManager;

pub struct Writer {
    /// `None` once closed.
    connection: Arc<Mutex<Option<SqliteConnection>>>,
}

/// The writing connection, held until dropped; the writes waiting for it queue in order.
pub struct Taken(OwnedMutexGuard<Option<SqliteConnection>>);

/// A write transaction on the writing connection (`BEGIN IMMEDIATE`); rolled back unless committed.
pub struct WriteTx {
    taken: Taken,
    open: bool,
}

impl Writer {
    pub async fn connect(options: &SqliteConnectOptions) -> Result<Self, sqlx::Error> {
        let connection = options.connect().await?;
        Ok(Self { connection: Arc::new(Mutex::new(Some(connection))) })
    }

    /// The connection, once the writes before this one are done with it.
    pub async fn take(&self) -> Result<Taken, sqlx::Error> {
        let guard = self.connection.clone().lock_owned().await;
        match *guard {
            Some(_) => Ok(Taken(guard)),
            None => Err(sqlx::Error::PoolClosed),
        }
    }

    /// A write transaction that takes SQLite's write lock at once (see `SqliteStore::begin_write`).
    pub async fn begin(&self) -> Result<WriteTx, sqlx::Error> {
        let mut taken = self.take().await?;
        Manager::begin(&mut taken, Some("BEGIN IMMEDIATE".into())).await?;
        Ok(WriteTx { taken, open: true })
    }

    /// Closes the connection after the writes queued before; later writes fail as on a closed pool.
    pub async fn close(&self) {
        if let Some(connection) = self.connection.lock().await.take() {
            let _ = connection.close().await;
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
    /// Queues the rollback on the connection: it runs before the next write's first statement.
    fn drop(&mut self) {
        if self.open {
            Manager::start_rollback(&mut self.taken);
        }
    }
}

impl Deref for Taken {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        self.0.as_ref().expect("a closed writer is never taken")
    }
}

impl DerefMut for Taken {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.0.as_mut().expect("a closed writer is never taken")
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

    async fn writer_on_a_fresh_file() -> (Writer, std::path::PathBuf) {
        let path = std::env::temp_dir().join(format!(
            "writer-test-{}-{}.db",
            std::process::id(),
            rand::random::<u32>()
        ));
        let options = SqliteConnectOptions::new().filename(&path).create_if_missing(true);
        let writer = Writer::connect(&options).await.unwrap();
        sqlx::query("CREATE TABLE t (n INTEGER)").execute(&mut *writer.take().await.unwrap()).await.unwrap();
        (writer, path)
    }

    async fn count(writer: &Writer) -> i64 {
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
