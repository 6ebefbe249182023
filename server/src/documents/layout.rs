//! A small page layout for forms: headings, paragraphs and bordered table rows on A4, breaking pages
//! where the next line would not fit. Laid out first as marks, then drawn, so that the footer can say
//! "第 1 页 共 3 页". Written here rather than taken from a crate: the forms need only these three
//! shapes, and the PDF writer (krilla) draws glyphs and lines, not tables.

use super::{wrap, DocumentFont};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;
use krilla::Document;

pub const A4_WIDTH: f32 = 595.0;
pub const A4_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 48.0;
/// Room kept under the last row for the footer.
const BOTTOM: f32 = A4_HEIGHT - 64.0;
const PADDING: f32 = 5.0;
const LINE_HEIGHT: f32 = 1.5;

pub const CONTENT_WIDTH: f32 = A4_WIDTH - 2.0 * MARGIN;

enum Mark {
    Text { x: f32, baseline: f32, size: f32, text: String },
    Rule { from: (f32, f32), to: (f32, f32) },
}

/// A cell of a table row: its share of the width and its text.
pub struct Cell<'a> {
    pub share: f32,
    pub text: &'a str,
}

pub fn cell(share: f32, text: &str) -> Cell<'_> {
    Cell { share, text }
}

pub struct Layout<'f> {
    font: &'f DocumentFont,
    pages: Vec<Vec<Mark>>,
    y: f32,
}

impl<'f> Layout<'f> {
    pub fn new(font: &'f DocumentFont) -> Self {
        Self { font, pages: vec![Vec::new()], y: MARGIN }
    }

    fn marks(&mut self) -> &mut Vec<Mark> {
        self.pages.last_mut().expect("a layout always has a page")
    }

    /// Starts the next page (a form that must begin on a page of its own).
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    pub fn gap(&mut self, height: f32) {
        self.y = (self.y + height).min(BOTTOM);
    }

    /// A line of `size` centred on the page.
    pub fn centred(&mut self, text: &str, size: f32) {
        let x = (A4_WIDTH - self.font.width(text, size)) / 2.0;
        self.y += size * LINE_HEIGHT;
        let baseline = self.y - size * 0.3;
        self.marks().push(Mark::Text { x: x.max(MARGIN), baseline, size, text: text.into() });
    }

    /// Text across the page, wrapped, continuing on the next page when it reaches the bottom.
    pub fn paragraph(&mut self, text: &str, size: f32) {
        for line in wrap(self.font, text, size, CONTENT_WIDTH) {
            if self.y + size * LINE_HEIGHT > BOTTOM {
                self.new_page();
            }
            self.y += size * LINE_HEIGHT;
            let baseline = self.y - size * 0.3;
            self.marks().push(Mark::Text { x: MARGIN, baseline, size, text: line });
        }
    }

    /// A bordered row of cells at least `min_height` high. A row moves whole to the next page when it
    /// fits there; a row taller than a page is cut between lines, each part in its own border.
    pub fn row(&mut self, cells: &[Cell], size: f32, min_height: f32) {
        let total: f32 = cells.iter().map(|c| c.share).sum();
        let widths: Vec<f32> = cells.iter().map(|c| CONTENT_WIDTH * c.share / total).collect();
        let mut lines: Vec<Vec<String>> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| wrap(self.font, c.text, size, w - 2.0 * PADDING))
            .collect();
        let leading = size * LINE_HEIGHT;
        loop {
            let needed = lines.iter().map(Vec::len).max().unwrap_or(0) as f32 * leading + 2.0 * PADDING;
            let height = needed.max(min_height);
            let page_body = BOTTOM - MARGIN;
            if self.y + height > BOTTOM && height <= page_body && self.y > MARGIN {
                self.new_page();
            }
            let fitting = (((BOTTOM - self.y - 2.0 * PADDING) / leading).floor() as usize).max(1);
            let rest: Vec<Vec<String>> =
                lines.iter_mut().map(|l| l.split_off(fitting.min(l.len()))).collect();
            let drawn = if rest.iter().all(Vec::is_empty) { height } else { BOTTOM - self.y };
            self.draw_row(&widths, &lines, size, drawn);
            if rest.iter().all(Vec::is_empty) {
                return;
            }
            lines = rest;
            self.new_page();
        }
    }

    fn draw_row(&mut self, widths: &[f32], lines: &[Vec<String>], size: f32, height: f32) {
        let (top, bottom) = (self.y, self.y + height);
        let mut x = MARGIN;
        let mut marks = vec![
            Mark::Rule { from: (MARGIN, top), to: (MARGIN + CONTENT_WIDTH, top) },
            Mark::Rule { from: (MARGIN, bottom), to: (MARGIN + CONTENT_WIDTH, bottom) },
            Mark::Rule { from: (MARGIN, top), to: (MARGIN, bottom) },
        ];
        for (width, cell_lines) in widths.iter().zip(lines) {
            for (n, line) in cell_lines.iter().enumerate() {
                let baseline = top + PADDING + (n as f32 + 1.0) * size * LINE_HEIGHT - size * 0.3;
                marks.push(Mark::Text { x: x + PADDING, baseline, size, text: line.clone() });
            }
            x += width;
            marks.push(Mark::Rule { from: (x, top), to: (x, bottom) });
        }
        self.marks().extend(marks);
        self.y = bottom;
    }

    /// The PDF: every page with `footer(page, pages)` at its foot, the title in the metadata.
    pub fn into_pdf(self, title: &str, footer: impl Fn(usize, usize) -> String) -> Result<Vec<u8>, String> {
        let mut document = Document::new();
        document.set_metadata(Metadata::new().title(title.into()).language("zh-CN".into()));
        let pages = self.pages.len();
        for (n, marks) in self.pages.iter().enumerate() {
            let settings = PageSettings::from_wh(A4_WIDTH, A4_HEIGHT).ok_or("A4 is a valid page size")?;
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke { width: 0.6, ..Stroke::default() }));
            for mark in marks {
                if let Mark::Rule { from, to } = mark {
                    let mut path = PathBuilder::new();
                    path.move_to(from.0, from.1);
                    path.line_to(to.0, to.1);
                    if let Some(path) = path.finish() {
                        surface.draw_path(&path);
                    }
                }
            }
            surface.set_stroke(None);
            surface.set_fill(Some(Fill::default()));
            let footer =
                Mark::Text { x: MARGIN, baseline: A4_HEIGHT - 36.0, size: 8.0, text: footer(n + 1, pages) };
            for mark in marks.iter().chain([&footer]) {
                if let Mark::Text { x, baseline, size, text } = mark {
                    let font = self.font.pdf.clone();
                    let at = Point::from_xy(*x, *baseline);
                    surface.draw_text(at, font, *size, text, false, TextDirection::Auto);
                }
            }
            surface.finish();
            page.finish();
        }
        document.finish().map_err(|e| format!("{e:?}"))
    }
}
