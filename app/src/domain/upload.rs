//! Uploaded evidence: the file's kind is read from its first bytes (never from its name or the type the
//! browser claims), and photos lose their metadata (EXIF with GPS position, camera serial, XMP, comments)
//! before they are stored. Plain byte handling without I/O.

use thiserror::Error;

/// Largest accepted file.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Most files accepted with one submission.
pub const MAX_FILES: usize = 3;

/// Files one application draft may take in a day: four times what it holds at once
/// (`documents::MAX_DOCUMENTS`), so a resident can replace every document and more, while a script
/// filling the disk through one draft stops after 48 files (240 MB at most).
pub const DRAFT_UPLOADS_PER_DAY: u32 = 48;
/// Files the reporter of one report may add in a day: four replies of three files.
pub const REPORT_FILES_PER_DAY: u32 = 12;
/// Files one household may send with its declarations of changes in a day.
pub const DECLARATION_FILES_PER_DAY: u32 = 12;

/// The day (in China time, counted from 1970) an upload at `unix_seconds` is counted against.
pub fn allowance_day(unix_seconds: i64) -> i64 {
    (unix_seconds + 8 * 3600).div_euclid(86_400)
}

/// What a sender is told once the day's files for this subject are spent.
pub fn allowance_spent(limit: u32) -> String {
    format!("今天已上传{limit}个文件，达到每天的上限，请明天再上传")
}

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

    pub const ALL: [Self; 3] = [Self::Jpeg, Self::Png, Self::Pdf];

    pub fn from_content_type(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.content_type() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Jpeg | Self::Png => "照片",
            Self::Pdf => "PDF 文件",
        }
    }
}

/// The `accept` attribute of every file input: the kinds `accept` takes.
pub fn accept_attribute() -> String {
    FileKind::ALL.map(FileKind::content_type).join(",")
}

/// Photos larger than this are scaled down in the browser (when it runs JavaScript) before upload.
pub const SHRINK_ABOVE_BYTES: f64 = 1024.0 * 1024.0;
/// The longest side of a scaled-down photo: an A4 page such as a 户口簿 page stays readable.
pub const SHRUNK_LONGEST_SIDE: u32 = 2000;
/// JPEG quality of a scaled-down photo.
pub const SHRUNK_QUALITY: f64 = 0.82;

/// Whether a chosen file is a photo worth scaling down before upload.
pub fn worth_shrinking(content_type: &str, bytes: f64) -> bool {
    matches!(FileKind::from_content_type(content_type), Some(FileKind::Jpeg | FileKind::Png))
        && bytes > SHRINK_ABOVE_BYTES
}

/// The size a photo of `width` × `height` is drawn at before upload: its longest side at most
/// `SHRUNK_LONGEST_SIDE`, proportions kept, never enlarged.
pub fn shrunk_dimensions(width: u32, height: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= SHRUNK_LONGEST_SIDE {
        return (width, height);
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(SHRUNK_LONGEST_SIDE) + u64::from(longest) / 2) / u64::from(longest))
            .max(1) as u32
    };
    (scale(width), scale(height))
}

/// The name of a scaled-down photo, which is always a JPEG: `IMG_001.png` becomes `IMG_001.jpg`.
pub fn shrunk_file_name(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let stem = if stem.is_empty() { "照片" } else { stem };
    format!("{stem}.jpg")
}

/// "5.2MB" or "640KB", for telling the person what the scaling saved.
pub fn describe_bytes(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1}MB", bytes / (1024.0 * 1024.0))
    } else {
        format!("{}KB", (bytes / 1024.0).ceil() as u64)
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
    #[error("这个 PDF 文件带有作者、制作软件或时间等信息，可能暴露您的身份。请把内容截图或拍照后上传")]
    IdentifyingPdf,
}

/// What a sender is told when the server's disk is too full to keep another file.
pub const DISK_FULL_MESSAGE: &str =
    "服务器存储空间不足，暂时不能保存上传的文件。请稍后再试，或先不带文件提交";

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

/// Checks a file sent where the sender stays anonymous (reports, objections): as `accept`, and a PDF
/// that may name who made it is refused, since its metadata cannot be removed reliably (it may sit
/// compressed inside object streams).
pub fn accept_anonymous(bytes: &[u8]) -> Result<(FileKind, Vec<u8>), UploadError> {
    let accepted = accept(bytes)?;
    if accepted.0 == FileKind::Pdf && pdf_may_identify(bytes) {
        return Err(UploadError::IdentifyingPdf);
    }
    Ok(accepted)
}

/// PDF keys that can name who made a file, with what and when: the document information dictionary
/// (`/Info` and its entries), the XMP stream (`/Metadata`), and object streams (`/ObjStm`), inside
/// which either may be hidden compressed.
const PDF_IDENTIFYING_KEYS: [&[u8]; 8] = [
    b"/Info",
    b"/Author",
    b"/Creator",
    b"/Producer",
    b"/CreationDate",
    b"/ModDate",
    b"/Metadata",
    b"/ObjStm",
];

pub fn pdf_may_identify(bytes: &[u8]) -> bool {
    PDF_IDENTIFYING_KEYS.iter().any(|key| bytes.windows(key.len()).any(|w| w == *key))
}

/// A JPEG without its metadata segments. APP0 (JFIF), ICC colour profiles (APP2) and Adobe colour
/// information (APP14) stay because decoders need them; EXIF and XMP (APP1), IPTC (APP13), the other
/// application segments and comments go. Of the EXIF data only the camera's rotation is kept, in a
/// new EXIF segment of its own, so a photo taken upright is still shown upright. The image data is
/// copied up to its end marker; what a phone appends after it (the video of a "motion photo", a second
/// image) goes.
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
        } else if let Some(orientation) = (marker == 0xE1).then(|| exif_orientation(payload)).flatten() {
            out.extend_from_slice(&orientation_only_exif(orientation));
        }
        if marker == 0xDA {
            // Start of scan: the compressed image follows up to the end marker (FF D9), which cannot
            // occur inside the data (an FF there is followed by 00 or a restart marker).
            let data = &bytes[end..];
            let image_end = data.windows(2).position(|w| w == [0xFF, 0xD9]).map_or(data.len(), |at| at + 2);
            out.extend_from_slice(&data[..image_end]);
            return Ok(out);
        }
        at = end;
    }
}

/// The EXIF Orientation tag (1 upright … 8) of an APP1 payload, when it says anything but upright.
pub fn exif_orientation(payload: &[u8]) -> Option<u16> {
    let tiff = payload.strip_prefix(b"Exif\0\0")?;
    let big_endian = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        let b: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if big_endian { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    };
    let u32_at = |at: usize| {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    };
    if u16_at(2)? != 42 {
        return None;
    }
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = usize::from(u16_at(ifd)?);
    let entry = (0..entries).map(|i| ifd + 2 + 12 * i).find(|&e| u16_at(e) == Some(0x0112))?;
    // Type SHORT (3), one value, stored in the entry itself.
    (u16_at(entry + 2)? == 3).then_some(())?;
    u16_at(entry + 8).filter(|o| (2..=8).contains(o))
}

/// An APP1 segment carrying nothing but the EXIF Orientation tag.
fn orientation_only_exif(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0; 2 + 4]); // value padding, no next directory
    let payload_length = 6 + tiff.len();
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&u16::try_from(payload_length + 2).unwrap_or(u16::MAX).to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    segment
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

    #[test]
    fn the_allowance_day_turns_at_midnight_in_china() {
        // 2026-12-02 15:59:59 UTC is 23:59:59 in China; a second later it is the 3rd there.
        let before_midnight = 1_796_227_199;
        assert_eq!(allowance_day(before_midnight) + 1, allowance_day(before_midnight + 1));
        assert_eq!(allowance_day(before_midnight + 1), allowance_day(before_midnight + 86_400));
    }

    #[test]
    fn only_large_photos_are_scaled_down_before_upload() {
        assert!(worth_shrinking("image/jpeg", 4.0 * 1024.0 * 1024.0));
        assert!(worth_shrinking("image/png", SHRINK_ABOVE_BYTES + 1.0));
        assert!(!worth_shrinking("image/jpeg", SHRINK_ABOVE_BYTES));
        assert!(!worth_shrinking("application/pdf", 4.0 * 1024.0 * 1024.0));
        assert!(!worth_shrinking("image/heic", 4.0 * 1024.0 * 1024.0));
    }

    #[test]
    fn a_phone_photo_keeps_its_proportions_and_is_never_enlarged() {
        assert_eq!(shrunk_dimensions(4000, 3000), (2000, 1500));
        assert_eq!(shrunk_dimensions(3024, 4032), (1500, 2000));
        assert_eq!(shrunk_dimensions(1200, 900), (1200, 900));
        assert_eq!(shrunk_dimensions(20000, 3), (2000, 1));
    }

    #[test]
    fn a_scaled_down_photo_is_named_as_a_jpeg_and_its_size_is_told_in_plain_units() {
        assert_eq!(shrunk_file_name("IMG_001.png"), "IMG_001.jpg");
        assert_eq!(shrunk_file_name("户口簿.jpeg"), "户口簿.jpg");
        assert_eq!(shrunk_file_name("photo"), "photo.jpg");
        assert_eq!(shrunk_file_name(".png"), "照片.jpg");
        assert_eq!(describe_bytes(5.0 * 1024.0 * 1024.0 + 200_000.0), "5.2MB");
        assert_eq!(describe_bytes(640.0 * 1024.0), "640KB");
    }

    #[test]
    fn the_accept_list_names_every_kind_the_server_takes() {
        assert_eq!(accept_attribute(), "image/jpeg,image/png,application/pdf");
    }

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

    /// An EXIF segment (little-endian, as most phones write it) with GPS data, a camera model and the
    /// Orientation tag.
    fn exif_with_rotation(orientation: u16) -> Vec<u8> {
        let mut tiff = b"II\x2a\0\x08\0\0\0".to_vec();
        let entries: [(u16, u16, u32, u32); 3] = [
            (0x0110, 2, 4, u32::from_le_bytes(*b"Mi9\0")),
            (0x0112, 3, 1, u32::from(orientation)),
            (0x8825, 4, 1, 50),
        ];
        tiff.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, count, value) in entries {
            tiff.extend_from_slice(&tag.to_le_bytes());
            tiff.extend_from_slice(&kind.to_le_bytes());
            tiff.extend_from_slice(&count.to_le_bytes());
            tiff.extend_from_slice(&value.to_le_bytes());
        }
        tiff.extend_from_slice(&[0; 4]);
        tiff.extend_from_slice(b"GPSLatitude 39.0 N");
        [b"Exif\0\0".as_slice(), &tiff].concat()
    }

    #[test]
    fn the_camera_rotation_survives_and_nothing_else_of_the_exif_data() {
        let mut photo = vec![0xFF, 0xD8];
        photo.extend(segment(0xE1, &exif_with_rotation(6)));
        photo.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        photo.extend_from_slice(&[0x12, 0xFF, 0xD9]);
        let cleaned = strip_jpeg(&photo).unwrap();
        let text = String::from_utf8_lossy(&cleaned);
        assert!(!text.contains("GPS") && !text.contains("Mi9"));
        let length = usize::from(u16::from_be_bytes([cleaned[4], cleaned[5]]));
        assert_eq!(&cleaned[2..4], &[0xFF, 0xE1]);
        assert_eq!(exif_orientation(&cleaned[6..4 + length]), Some(6));
        assert!(cleaned.ends_with(&[0x12, 0xFF, 0xD9]));
    }

    #[test]
    fn an_upright_or_unreadable_exif_segment_leaves_no_exif_behind() {
        assert_eq!(exif_orientation(&exif_with_rotation(1)), None);
        assert_eq!(exif_orientation(&exif_with_rotation(9)), None);
        assert_eq!(exif_orientation(b"Exif\0\0MM\0*GPSLatitude 39.0 N"), None);
        assert_eq!(exif_orientation(b"Exif\0\0II"), None);
        assert_eq!(exif_orientation(b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>"), None);
        let mut photo = vec![0xFF, 0xD8];
        photo.extend(segment(0xE1, &exif_with_rotation(1)));
        photo.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        photo.extend_from_slice(&[0xFF, 0xD9]);
        assert!(!strip_jpeg(&photo).unwrap().windows(4).any(|w| w == b"Exif"));
    }

    #[test]
    fn what_a_phone_appends_after_the_image_goes() {
        let mut motion_photo = jpeg_with_gps();
        // A "motion photo": the video follows the image's end marker, with the place it was taken.
        motion_photo.extend_from_slice(b"\0\0\0\x18ftypmp42 GPS 38.9N 100.4E");
        let (_, cleaned) = accept(&motion_photo).unwrap();
        assert!(cleaned.ends_with(&[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]));
        assert!(!cleaned.windows(4).any(|w| w == b"ftyp"));
    }

    #[test]
    fn anonymous_senders_cannot_send_a_pdf_that_may_name_them() {
        let signed =
            b"%PDF-1.7\n1 0 obj<</Author(Li Si)/Producer(WPS)>>endobj\ntrailer<</Info 1 0 R>>".to_vec();
        let compressed = b"%PDF-1.7\n1 0 obj<</Type/ObjStm/N 3>>stream\nx\x9c..endstream".to_vec();
        let plain = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>".to_vec();
        assert_eq!(accept_anonymous(&signed).unwrap_err(), UploadError::IdentifyingPdf);
        assert_eq!(accept_anonymous(&compressed).unwrap_err(), UploadError::IdentifyingPdf);
        assert_eq!(accept_anonymous(&plain).unwrap().0, FileKind::Pdf);
        assert_eq!(accept(&signed).unwrap().0, FileKind::Pdf, "applicants' own documents are kept as sent");
        assert_eq!(accept_anonymous(&jpeg_with_gps()).unwrap().0, FileKind::Jpeg);
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
