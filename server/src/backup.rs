//! `server backup --to DIR` and `server restore --from DIR`.
//!
//! A backup is taken while the portal serves: SQLite's `VACUUM INTO` writes a consistent copy of the
//! database in one read transaction, then the uploaded files are copied. Files are written before the
//! database records them and are never changed (their name is their SHA-256), so every file the copy
//! refers to is already on disk when it is copied. `manifest.json` lists every file with its SHA-256;
//! a restore checks them all before it writes anything and refuses a backup that does not match, and
//! only restores into a data directory without a database or files. For PostgreSQL the database is
//! backed up with `pg_dump` (see README.md); this command then copies the files and the manifest.

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const MANIFEST: &str = "manifest.json";
const DATABASE_FILE: &str = "portal.db";
/// Uploaded files live here, below the data directory (see `startup`).
const FILES: &str = "evidence";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// Unix seconds when the copy was taken.
    pub taken_at: i64,
    /// `sqlite` (the database is in the backup) or `postgres` (it is not: pg_dump).
    pub database: String,
    /// Every file of the backup but the manifest, by its path inside the backup.
    pub files: Vec<BackedUpFile>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct BackedUpFile {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// The SQLite file of a `sqlite://` URL; `None` for PostgreSQL.
fn sqlite_file(database_url: &str) -> Option<PathBuf> {
    let path = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

fn sha256_of(path: &Path) -> anyhow::Result<(String, u64)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok((hex::encode(Sha256::digest(&bytes)), bytes.len() as u64))
}

/// Every regular file below `dir`, as paths relative to `base`.
fn files_below(base: &Path, dir: &Path, found: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files_below(base, &path, found)?;
        } else if path.extension().is_none_or(|e| e != "part") {
            found.push(path.strip_prefix(base)?.to_path_buf());
        }
    }
    Ok(())
}

pub async fn backup(database_url: &str, data_dir: &Path, to: &Path) -> anyhow::Result<Manifest> {
    if to.exists() && std::fs::read_dir(to)?.next().is_some() {
        bail!("{} is not empty: a backup goes into a new folder", to.display());
    }
    std::fs::create_dir_all(to)?;
    let database = match sqlite_file(database_url) {
        Some(_) => {
            use sqlx::Connection;
            let mut db = sqlx::SqliteConnection::connect(database_url).await?;
            let target = to.join(DATABASE_FILE);
            sqlx::query("VACUUM INTO $1").bind(target.to_string_lossy().as_ref()).execute(&mut db).await?;
            db.close().await?;
            "sqlite"
        }
        None => "postgres",
    };
    let mut copied = Vec::new();
    files_below(data_dir, &data_dir.join(FILES), &mut copied)?;
    for relative in &copied {
        let target = to.join(relative);
        std::fs::create_dir_all(target.parent().expect("a file has a folder"))?;
        std::fs::copy(data_dir.join(relative), &target)?;
    }
    let mut files = Vec::new();
    let mut paths = copied;
    if database == "sqlite" {
        paths.push(PathBuf::from(DATABASE_FILE));
    }
    for relative in paths {
        let (sha256, bytes) = sha256_of(&to.join(&relative))?;
        files.push(BackedUpFile { path: relative.to_string_lossy().into_owned(), sha256, bytes });
    }
    let manifest = Manifest {
        taken_at: app::services::Clock::unix_now(&app::services::SystemClock),
        database: database.into(),
        files,
    };
    std::fs::write(to.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(manifest)
}

/// Checks the backup in `from` against its manifest, then copies it into the (empty) data directory.
pub fn restore(database_url: &str, data_dir: &Path, from: &Path) -> anyhow::Result<Manifest> {
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(from.join(MANIFEST))
            .with_context(|| format!("no {MANIFEST} in {}", from.display()))?,
    )?;
    for file in &manifest.files {
        if file.path.split(['/', '\\']).any(|part| part == ".." || part.is_empty()) {
            bail!("the manifest names a path outside the backup: {}", file.path);
        }
        let (sha256, bytes) = sha256_of(&from.join(&file.path))?;
        if sha256 != file.sha256 || bytes != file.bytes {
            bail!("{} does not match the manifest: the backup is damaged or was changed", file.path);
        }
    }
    let database_file = sqlite_file(database_url);
    if manifest.database == "sqlite" && database_file.is_none() {
        bail!("this backup holds a SQLite database; DATABASE_URL must name a sqlite:// file to restore into");
    }
    if database_file.as_ref().is_some_and(|f| f.exists()) || data_dir.join(FILES).exists() {
        bail!("{} already holds a portal: restore into an empty data folder", data_dir.display());
    }
    for file in &manifest.files {
        let target = match (&database_file, file.path.as_str()) {
            (Some(database), DATABASE_FILE) => database.clone(),
            _ => data_dir.join(&file.path),
        };
        std::fs::create_dir_all(target.parent().unwrap_or(Path::new(".")))?;
        std::fs::copy(from.join(&file.path), &target)?;
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;
    use std::path::PathBuf;

    #[test]
    fn the_sqlite_file_comes_from_the_url() {
        assert_eq!(sqlite_file("sqlite://data/portal.db"), Some(PathBuf::from("data/portal.db")));
        assert_eq!(
            sqlite_file("sqlite:///var/lib/portal.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/portal.db"))
        );
        assert_eq!(sqlite_file("postgres://u@h/db"), None);
    }
}
