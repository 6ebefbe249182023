//! Uploaded evidence: the file's kind is read from its first bytes (never from its name or the type the
//! browser claims), and photos lose their metadata (EXIF with GPS position, camera serial, XMP, comments)
//! before they are stored. Plain byte handling without I/O.

use thiserror::Error;

/// Largest accepted file.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Most files accepted with one submission.
pub const MAX_FILES: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Pdf,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Pdf => "application/pdf",
        }
    }

    pub fn from_content_type(value: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::Pdf].into_iter().find(|k| k.content_type() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Jpeg | Self::Png => "照片",
            Self::Pdf => "PDF 文件",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum UploadError {
    #[error("文件太大，每个文件不能超过5MB，请拍照时选择较小的尺寸")]
    TooLarge,
    #[error("只能上传照片（JPG、PNG）或 PDF 文件")]
    UnsupportedType,
    #[error("文件已损坏，无法读取，请重新拍照或选择文件")]
    Damaged,
    #[error("最多上传{MAX_FILES}个文件")]
    TooMany,
}

/// The kind of file these bytes are, by their signature.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else {
        None
    }
}

/// Checks an uploaded file and returns what may be stored: its kind and its bytes, photos without
/// metadata.
pub fn accept(bytes: &[u8]) -> Result<(FileKind, Vec<u8>), UploadError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(UploadError::TooLarge);
    }
    let kind = sniff(bytes).ok_or(UploadError::UnsupportedType)?;
    let cleaned = match kind {
        FileKind::Jpeg => strip_jpeg(bytes)?,
        FileKind::Png => strip_png(bytes)?,
        FileKind::Pdf => bytes.to_vec(),
    };
    Ok((kind, cleaned))
}

/// A JPEG without its metadata segments. APP0 (JFIF), ICC colour profiles (APP2) and Adobe colour
/// information (APP14) stay because decoders need them; EXIF and XMP (APP1), IPTC (APP13), the other
/// application segments and comments go. Everything from the start of the image data on is copied.
pub fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, UploadError> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut at = 2;
    loop {
        if at + 4 > bytes.len() || bytes[at] != 0xFF {
            return Err(UploadError::Damaged);
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let end = at + 2 + length;
        if length < 2 || end > bytes.len() {
            return Err(UploadError::Damaged);
        }
        let payload = &bytes[at + 4..end];
        let keep = match marker {
            0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
            0xEE => payload.starts_with(b"Adobe"),
            0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(&bytes[at..end]);
        }
        if marker == 0xDA {
            // Start of scan: the compressed image follows up to the end.
            out.extend_from_slice(&bytes[end..]);
            return Ok(out);
        }
        at = end;
    }
}

/// A PNG without its text, time and EXIF chunks.
pub fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, UploadError> {
    const DROPPED: [&[u8; 4]; 5] = [b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"];
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..8]);
    let mut at = 8;
    while at < bytes.len() {
        if at + 12 > bytes.len() {
            return Err(UploadError::Damaged);
        }
        let length = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        let end =
            at.checked_add(12 + length).filter(|end| *end <= bytes.len()).ok_or(UploadError::Damaged)?;
        let kind = &bytes[at + 4..at + 8];
        if !DROPPED.iter().any(|d| d.as_slice() == kind) {
            out.extend_from_slice(&bytes[at..end]);
        }
        if kind == b"IEND" {
            return Ok(out);
        }
        at = end;
    }
    Err(UploadError::Damaged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    /// A JPEG skeleton with EXIF GPS data, a comment, and image data after the start of scan.
    fn jpeg_with_gps() -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        j.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        j.extend(segment(0xE1, b"Exif\0\0MM\0*GPSLatitude 39.0 N"));
        j.extend(segment(0xFE, b"taken at home"));
        j.extend(segment(0xDB, &[0; 65]));
        j.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        j.extend_from_slice(&[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]);
        j
    }

    #[test]
    fn kinds_come_from_the_bytes() {
        assert_eq!(sniff(&jpeg_with_gps()), Some(FileKind::Jpeg));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(accept(b"GIF89a....").unwrap_err(), UploadError::UnsupportedType);
        assert_eq!(accept(&vec![0xFF; MAX_FILE_BYTES + 1]).unwrap_err(), UploadError::TooLarge);
    }

    #[test]
    fn jpeg_metadata_is_removed_and_the_image_kept() {
        let original = jpeg_with_gps();
        let (kind, cleaned) = accept(&original).unwrap();
        assert_eq!(kind, FileKind::Jpeg);
        let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        assert!(contains(&original, b"GPSLatitude"));
        assert!(!contains(&cleaned, b"Exif") && !contains(&cleaned, b"GPS") && !contains(&cleaned, b"home"));
        assert!(contains(&cleaned, b"JFIF"));
        assert!(cleaned.ends_with(&[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]));
    }

    #[test]
    fn a_truncated_jpeg_is_damaged() {
        let original = jpeg_with_gps();
        assert_eq!(strip_jpeg(&original[..30]).unwrap_err(), UploadError::Damaged);
    }

    #[test]
    fn png_text_chunks_are_removed() {
        let chunk = |kind: &[u8; 4], data: &[u8]| {
            let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0; 4]);
            c
        };
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &[0; 13]));
        png.extend(chunk(b"tEXt", b"Comment\0GPS 39N"));
        png.extend(chunk(b"IDAT", &[1, 2, 3]));
        png.extend(chunk(b"IEND", &[]));
        let cleaned = strip_png(&png).unwrap();
        assert_eq!(cleaned.len(), png.len() - (12 + 15));
        assert!(!cleaned.windows(3).any(|w| w == b"GPS"));
        assert_eq!(strip_png(&png[..20]).unwrap_err(), UploadError::Damaged);
    }
}
