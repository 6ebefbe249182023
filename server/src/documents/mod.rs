//! Documents made on the server: the 审批表 (`approval_form`) and the 授权书 and 承诺书 (`consent_forms`)
//! as A4 PDFs, and the resident's receipt as a PNG (`receipt`). All need a font with Chinese glyphs; the PDF embeds only the glyphs it uses
//! (krilla subsets the font), so a form stays a few tens of kilobytes.

pub mod approval_form;
pub mod consent_forms;
mod layout;
pub mod receipt;

use ab_glyph::{Font as _, FontRef};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The font of every document, read once from disk on first use (it is several megabytes: an instance
/// that never prints does not hold it).
pub struct DocumentFont {
    /// The font file, held once: the PDF writer shares it, `outlines` reads it.
    bytes: Arc<Vec<u8>>,
    /// For the PDF writer, which subsets and embeds it.
    pdf: krilla::text::Font,
}

impl DocumentFont {
    pub fn load(path: &Path) -> Result<Self, String> {
        let bytes = Arc::new(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
        FontRef::try_from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let pdf = krilla::text::Font::new(bytes.clone().into(), 0)
            .ok_or_else(|| format!("{}: not a font the PDF writer reads", path.display()))?;
        Ok(Self { bytes, pdf })
    }

    /// The glyphs, for measuring text (line breaks) and drawing the receipt. Reading the font's table
    /// directory is cheap; take it once per text, not per character.
    pub fn outlines(&self) -> FontRef<'_> {
        FontRef::try_from_slice(&self.bytes).expect("the font was read when it was loaded")
    }

    /// Width of `text` set at `size` (the em size, in points or pixels), from the glyphs' advances.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let outlines = self.outlines();
        text.chars().map(|c| advance(&outlines, c, size)).sum()
    }
}

/// The advance of one character set at `size`.
fn advance(outlines: &FontRef<'_>, c: char, size: f32) -> f32 {
    let em = outlines.units_per_em().unwrap_or(1000.0);
    outlines.h_advance_unscaled(outlines.glyph_id(c)) * size / em
}

/// The configured font, loaded when first asked for; `None` (logged once) when it cannot be read, so
/// that the portal serves on and only the documents answer 503.
pub struct Fonts {
    path: PathBuf,
    loaded: OnceLock<Option<Arc<DocumentFont>>>,
}

impl Fonts {
    pub fn new(path: PathBuf) -> Self {
        Self { path, loaded: OnceLock::new() }
    }

    pub fn get(&self) -> Option<Arc<DocumentFont>> {
        self.loaded
            .get_or_init(|| match DocumentFont::load(&self.path) {
                Ok(font) => Some(Arc::new(font)),
                Err(e) => {
                    tracing::error!(error = %e, "the document font did not load: PDFs and receipts answer 503");
                    None
                }
            })
            .clone()
    }
}

/// Lines of `text` no wider than `width` at `size`: Chinese breaks between any two characters, so the
/// text is cut where the next character would not fit; a newline always starts a line.
pub fn wrap(font: &DocumentFont, text: &str, size: f32, width: f32) -> Vec<String> {
    let outlines = font.outlines();
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0.0;
        for c in paragraph.chars() {
            let advance = advance(&outlines, c, size);
            if used + advance > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            line.push(c);
            used += advance;
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
pub(crate) fn test_font() -> Option<DocumentFont> {
    let path = crate::config::Config::default().document_font;
    DocumentFont::load(&path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_before_the_character_that_would_not_fit_and_at_newlines() {
        let font = test_font().expect("the document font is installed (scripts/setup.sh)");
        let one = font.width("救", 10.0);
        assert!(one > 5.0, "a Chinese character is about as wide as it is high: {one}");
        let lines = wrap(&font, "最低生活保障审核\n临时救助", 10.0, one * 3.5);
        assert_eq!(lines, ["最低生", "活保障", "审核", "临时救", "助"]);
    }
}
