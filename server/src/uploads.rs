//! Evidence and documents on disk, outside the database: each is named by the SHA-256 of its (already
//! cleaned) content, so the same file sent twice is stored once and the database row carries the hash that
//! proves the file was not changed. The bytes are sealed (AES-256-GCM, like personal data in the database):
//! ID cards, bills and certificates carry ID numbers and health information. A file is written to a
//! temporary name, flushed to disk and then renamed, so a crash never leaves half a file under a real name.
//! A file is refused (`ErrorKind::StorageFull`, `is_disk_full`) while the disk has less than the
//! configured reserve free, so the database and the logs never meet a full disk. Files nothing refers to
//! any more (removed from a draft, drafts purged, uploads whose post failed) are deleted by `sweep`.

pub mod sweep;

use app::domain::upload::{accept, accept_anonymous, FileKind, UploadError, MAX_FILES};
use app::features::cases::FileVault;
use app::sealing::Sealer;
use axum::{
    body::Body,
    extract::{FromRequest, Multipart, Request},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
    Form,
};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

#[derive(Clone)]
pub struct EvidenceFiles {
    dir: PathBuf,
    sealer: Arc<Sealer>,
    /// Bytes that must stay free on the disk after a file is written.
    reserve_bytes: u64,
    /// Held to write or re-send a file, taken alone to delete one: a file the sweep found unreferenced
    /// cannot be deleted between an upload of the same content finding it and the upload's row.
    writing: Arc<tokio::sync::RwLock<()>>,
}

/// A file accepted and written: (SHA-256, content type, size), as `app::store` records it.
pub type SavedFile = (String, String, u64);

impl EvidenceFiles {
    pub fn new(dir: impl Into<PathBuf>, sealer: Arc<Sealer>, reserve_bytes: u64) -> Self {
        Self { dir: dir.into(), sealer, reserve_bytes, writing: Arc::default() }
    }

    fn path_of(&self, sha256: &str) -> PathBuf {
        self.dir.join(&sha256[..2]).join(sha256)
    }

    /// Writes the file unless a file with the same content is already there.
    pub async fn save(&self, content_type: &str, bytes: &[u8]) -> std::io::Result<SavedFile> {
        let sha256: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        let path = self.path_of(&sha256);
        let _writing = self.writing.read().await;
        if tokio::fs::try_exists(&path).await? {
            // Sent again: the sweep's grace period starts over, as for a new file.
            let file = tokio::fs::OpenOptions::new().append(true).open(&path).await?.into_std().await;
            file.set_modified(std::time::SystemTime::now())?;
            return Ok((sha256, content_type.to_string(), bytes.len() as u64));
        }
        let folder = path.parent().unwrap_or(Path::new("."));
        tokio::fs::create_dir_all(folder).await?;
        // Sealing adds a third (base64) and a few bytes.
        let needed = self.reserve_bytes.saturating_add(bytes.len() as u64 * 4 / 3 + 1024);
        if free_bytes(folder)? < needed {
            tracing::error!(reserve = self.reserve_bytes, "an upload was refused: the disk is nearly full");
            return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "disk nearly full"));
        }
        // Unique per write: two simultaneous uploads of the same photo must not share a temporary file.
        let temporary = folder.join(format!("{sha256}.{:016x}.part", rand::random::<u64>()));
        let mut file = tokio::fs::File::create(&temporary).await?;
        file.write_all(self.sealer.seal_bytes(bytes).as_bytes()).await?;
        file.sync_all().await?;
        tokio::fs::rename(&temporary, &path).await?;
        // The new name itself must reach the disk before the database records the file.
        tokio::fs::File::open(folder).await?.sync_all().await?;
        Ok((sha256, content_type.to_string(), bytes.len() as u64))
    }

    /// Saves every accepted file of a form.
    pub async fn save_all(&self, form: &PostedForm) -> std::io::Result<Vec<SavedFile>> {
        self.keep(&form.files).await
    }

    /// The stored bytes, checked against their hash.
    pub async fn read(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a SHA-256"));
        }
        let sealed = tokio::fs::read_to_string(self.path_of(sha256)).await?;
        let bytes = self
            .sealer
            .open_bytes(&sealed)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        let actual: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        if actual != sha256 {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "file changed on disk"));
        }
        Ok(bytes)
    }
}

#[async_trait::async_trait]
impl FileVault for EvidenceFiles {
    async fn keep(&self, files: &[(&'static str, Vec<u8>)]) -> std::io::Result<Vec<SavedFile>> {
        let mut saved = Vec::with_capacity(files.len());
        for (content_type, bytes) in files {
            saved.push(self.save(content_type, bytes).await?);
        }
        Ok(saved)
    }
}

/// Bytes free on the disk of `dir` for an unprivileged writer.
fn free_bytes(dir: &Path) -> std::io::Result<u64> {
    let stats = rustix::fs::statvfs(dir)?;
    Ok(stats.f_bavail.saturating_mul(stats.f_frsize))
}

/// Whether saving failed only because the disk is nearly full: the sender gets
/// `upload::DISK_FULL_MESSAGE` next to the file field, not an error page.
pub fn is_disk_full(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::StorageFull
}

/// A multipart form: its text fields, the accepted (cleaned) files, and why a file was refused, if one was
/// (the text is kept either way, so that the form can come back filled in).
#[derive(Debug, Default)]
pub struct PostedForm {
    pub fields: Vec<(String, String)>,
    pub files: Vec<(&'static str, Vec<u8>)>,
    pub refused_file: Option<UploadError>,
}

impl PostedForm {
    /// The text fields read as a serde struct, the way `axum_extra::extract::Form` reads a form without
    /// files (a repeated name into a `Vec`). Multipart has no serde reader, so the fields are encoded back
    /// into a form body and read from that; `None` when they are not that form's (a field repeated that
    /// the form has once).
    pub fn fields_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        let body = serde_html_form::to_string(&self.fields).ok()?;
        serde_html_form::from_str(&body).ok()
    }

    /// Why a file was refused, said next to the file field.
    pub fn file_problem(&self) -> Option<String> {
        self.refused_file.as_ref().map(|refused| format!("{refused}。其他内容已保留，请重新选择文件"))
    }
}

/// A stored file shown to staff: its own content type, inline, sandboxed (no scripts, no access to the
/// portal's origin), never cached.
pub fn file_response(bytes: Vec<u8>, content_type: &str) -> Response {
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    let content_type =
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The form did not arrive whole (connection lost, or more than the body limit).
#[derive(Debug, thiserror::Error)]
#[error("表单没有完整收到，请检查网络后重新提交（文件太大也会这样）")]
pub struct Incomplete;

/// Reads a multipart form. Empty file inputs (nothing chosen) are skipped; each file of `file_field` is
/// checked by its content and cleaned of metadata.
pub async fn read_form(multipart: Multipart, file_field: &str) -> Result<PostedForm, Incomplete> {
    read_form_checked(multipart, file_field, accept).await
}

/// `read_form` for senders who stay anonymous (reports, objections): PDFs that may name their author
/// are refused as well.
pub async fn read_anonymous_form(multipart: Multipart, file_field: &str) -> Result<PostedForm, Incomplete> {
    read_form_checked(multipart, file_field, accept_anonymous).await
}

/// Room for the largest files a form may carry plus its text.
pub const UPLOAD_BODY_LIMIT: usize =
    app::domain::upload::MAX_FILES * app::domain::upload::MAX_FILE_BYTES + 256 * 1024;

/// Reads and drops a form answered before it was read (the sender's session is gone). Without this the
/// server answers while the browser is still sending its photo and closes the connection under it: the
/// browser shows a reset connection instead of the answer. Bounded by the route's body limit.
pub async fn discard(mut multipart: Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// `discard` for a form read from the raw request.
pub async fn discard_request(request: Request) {
    let _ = axum::body::to_bytes(request.into_body(), UPLOAD_BODY_LIMIT).await;
}

type FileCheck = fn(&[u8]) -> Result<(FileKind, Vec<u8>), UploadError>;

async fn read_form_checked(
    mut multipart: Multipart,
    file_field: &str,
    accept: FileCheck,
) -> Result<PostedForm, Incomplete> {
    let mut form = PostedForm::default();
    while let Some(field) = multipart.next_field().await.map_err(|_| Incomplete)? {
        let name = field.name().unwrap_or("").to_string();
        if name != file_field {
            form.fields.push((name, read_text(field).await?));
            continue;
        }
        let bytes = field.bytes().await.map_err(|_| Incomplete)?;
        if bytes.is_empty() {
            continue;
        }
        if form.files.len() == MAX_FILES {
            form.refused_file = Some(UploadError::TooMany);
            continue;
        }
        match accept(&bytes) {
            Ok((kind, cleaned)) => form.files.push((kind.content_type(), cleaned)),
            Err(refused) => form.refused_file = Some(refused),
        }
    }
    Ok(form)
}

/// The most a text field keeps, in bytes: above every field's own limit (the longest, 10,000
/// characters, is 30 KB), so the form's check still refuses it and says why, while a post of
/// megabytes in every field (the body limit leaves room for the files) is not held whole.
pub const MAX_TEXT_FIELD_BYTES: usize = 64 * 1024;

/// A text part, cut at `MAX_TEXT_FIELD_BYTES`; the rest is read and dropped. Invalid UTF-8 (and a
/// character split by the cut, in a field the check refuses anyway) reads as replacement characters,
/// as `Field::text` reads it.
async fn read_text(mut field: axum::extract::multipart::Field<'_>) -> Result<String, Incomplete> {
    let mut kept = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| Incomplete)? {
        let room = MAX_TEXT_FIELD_BYTES.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    Ok(String::from_utf8_lossy(&kept).into_owned())
}

/// Reads a form that has a file input but may come without a file part: multipart as `read_form` does,
/// URL-encoded as text fields only.
pub async fn read_form_with_optional_files(
    request: Request,
    file_field: &str,
) -> Result<PostedForm, Incomplete> {
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if content_type.is_some_and(|v| v.starts_with("multipart/form-data")) {
        let multipart = Multipart::from_request(request, &()).await.map_err(|_| Incomplete)?;
        return read_form(multipart, file_field).await;
    }
    let Form(fields) =
        Form::<Vec<(String, String)>>::from_request(request, &()).await.map_err(|_| Incomplete)?;
    Ok(PostedForm { fields, ..PostedForm::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_are_stored_by_content_and_checked_when_read() {
        let dir = std::env::temp_dir().join(format!("evidence-test-{}", std::process::id()));
        let files = EvidenceFiles::new(&dir, Arc::new(Sealer::new("test data key")), 0);
        let (sha, kind, size) = files.save("application/pdf", b"%PDF-1.4 test").await.unwrap();
        assert_eq!((kind.as_str(), size), ("application/pdf", 13));
        assert_eq!(files.save("application/pdf", b"%PDF-1.4 test").await.unwrap().0, sha, "stored once");
        assert_eq!(files.read(&sha).await.unwrap(), b"%PDF-1.4 test");
        let on_disk = std::fs::read(dir.join(&sha[..2]).join(&sha)).unwrap();
        assert!(!on_disk.windows(8).any(|w| w == b"PDF-1.4 "), "sealed on disk");
        let other_key = EvidenceFiles::new(&dir, Arc::new(Sealer::new("another key")), 0);
        assert!(other_key.read(&sha).await.is_err(), "only the portal's key opens it");
        std::fs::write(dir.join(&sha[..2]).join(&sha), b"changed").unwrap();
        assert!(files.read(&sha).await.is_err(), "a changed file is refused");
        assert!(files.read("../../etc/passwd").await.is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn simultaneous_uploads_of_the_same_photo_all_succeed_and_the_file_stays_readable() {
        let dir = std::env::temp_dir().join(format!("evidence-same-{}", std::process::id()));
        let files = EvidenceFiles::new(&dir, Arc::new(Sealer::new("test data key")), 0);
        let photo = vec![0xA5u8; 256 * 1024];
        let saves: Vec<_> = (0..8)
            .map(|_| {
                let (files, photo) = (files.clone(), photo.clone());
                tokio::spawn(async move { files.save("image/jpeg", &photo).await })
            })
            .collect();
        let mut hashes = Vec::new();
        for save in saves {
            hashes.push(save.await.unwrap().unwrap().0);
        }
        hashes.dedup();
        assert_eq!(hashes.len(), 1);
        assert_eq!(files.read(&hashes[0]).await.unwrap(), photo);
        let written = walk_files(&dir);
        assert_eq!(written.len(), 1, "no temporary file left: {written:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn nothing_is_written_when_the_disk_would_be_left_without_its_reserve() {
        let dir = std::env::temp_dir().join(format!("evidence-full-{}", std::process::id()));
        let files = EvidenceFiles::new(&dir, Arc::new(Sealer::new("test data key")), u64::MAX / 2);
        let refused = files.save("application/pdf", b"%PDF-1.4 test").await.unwrap_err();
        assert!(is_disk_full(&refused));
        let written = walk_files(&dir);
        assert!(written.is_empty(), "{written:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn walk_files(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|entry| {
                let path = entry.path();
                if path.is_dir() {
                    walk_files(&path)
                } else {
                    vec![path]
                }
            })
            .collect()
    }
}
