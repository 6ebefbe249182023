//! The receipt as a PNG to keep in the phone's album: the reference, the township, what happens next and
//! by when, the hotlines; no name or ID number. 720 pixels wide (a 360 px screen at twice the density),
//! grey levels only, so that it stays small.

use super::{wrap, DocumentFont};
use ab_glyph::{point, Font as _, Glyph, PxScale, ScaleFont as _};
use app::areas::application::Receipt;

const WIDTH: u32 = 720;
const MARGIN: f32 = 40.0;
const LINE_HEIGHT: f32 = 1.45;

/// Grey levels, 0 = black, 255 = white.
struct Canvas {
    pixels: Vec<u8>,
    height: u32,
}

/// A line of the receipt: its text and size in pixels.
type Line = (String, f32);

pub fn receipt_png(font: &DocumentFont, receipt: &Receipt) -> Result<Vec<u8>, String> {
    let lines = receipt_lines(font, receipt);
    let height = MARGIN * 2.0 + lines.iter().map(|(_, size)| size * LINE_HEIGHT).sum::<f32>();
    let mut canvas =
        Canvas { pixels: vec![255; (WIDTH * height.ceil() as u32) as usize], height: height.ceil() as u32 };
    let mut y = MARGIN;
    for (text, size) in &lines {
        y += size * LINE_HEIGHT;
        canvas.draw_text(font, text, *size, MARGIN, y - size * 0.35);
    }
    canvas.encode()
}

/// The receipt's words, wrapped to the image's width.
fn receipt_lines(font: &DocumentFont, receipt: &Receipt) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let width = WIDTH as f32 - 2.0 * MARGIN;
    let mut add = |text: &str, size: f32| {
        lines.extend(wrap(font, text, size, width).into_iter().map(|l| (l, size)));
    };
    add("张掖市社会救助 申请回执", 34.0);
    add("申请编号", 24.0);
    add(&receipt.reference, 44.0);
    add(&format!("提交日期：{}", receipt.submitted_on), 24.0);
    add(&format!("申请救助：{}", receipt.types.join("、")), 24.0);
    add(&format!("受理单位：{}人民政府（街道办事处）", receipt.township), 24.0);
    if receipt.emergency {
        add("您说明了情况紧急，乡镇（街道）会优先处理，可以先行救助。", 24.0);
    }
    add("接下来", 30.0);
    for (n, step) in (1..).zip(receipt.next_steps()) {
        add(&format!("{n}. {step}"), 24.0);
    }
    add("查询进度：在张掖市社会救助服务平台「进度查询」中，用申请编号和手机短信查询。", 24.0);
    for line in &receipt.hotlines {
        add(&format!("咨询电话：{line}"), 24.0);
    }
    lines
}

impl Canvas {
    /// Draws `text` with its baseline at `baseline`, blending each glyph's coverage into the page.
    fn draw_text(&mut self, font: &DocumentFont, text: &str, size: f32, left: f32, baseline: f32) {
        let outlines = font.outlines();
        // ab_glyph scales by the line height; the layout (`wrap`) measures by the em.
        let em = outlines.units_per_em().unwrap_or(1000.0);
        let scale = PxScale::from(size * outlines.height_unscaled() / em);
        let scaled = outlines.as_scaled(scale);
        let mut x = left;
        for c in text.chars() {
            let id = outlines.glyph_id(c);
            let glyph = Glyph { id, scale, position: point(x, baseline) };
            x += scaled.h_advance(id);
            let Some(outlined) = outlines.outline_glyph(glyph) else { continue };
            let bounds = outlined.px_bounds();
            outlined.draw(|gx, gy, coverage| {
                let (px, py) = (bounds.min.x as i64 + i64::from(gx), bounds.min.y as i64 + i64::from(gy));
                if (0..i64::from(WIDTH)).contains(&px) && (0..i64::from(self.height)).contains(&py) {
                    let pixel = &mut self.pixels[(py as u32 * WIDTH + px as u32) as usize];
                    *pixel = (f32::from(*pixel) * (1.0 - coverage.min(1.0))) as u8;
                }
            });
        }
    }

    fn encode(&self) -> Result<Vec<u8>, String> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, WIDTH, self.height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&self.pixels).map_err(|e| e.to_string())?;
        writer.finish().map_err(|e| e.to_string())?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt() -> Receipt {
        Receipt {
            reference: "ZY20261204-ABC123".into(),
            submitted_on: "2026年12月4日".into(),
            types: vec!["最低生活保障（低保）".into()],
            emergency: true,
            township: "东街街道".into(),
            acceptance_due: "2026年12月11日".into(),
            decision_due: "2027年1月12日".into(),
            documents: Vec::new(),
            hotlines: vec!["张掖市12345政务服务便民热线 12345".into()],
        }
    }

    #[test]
    fn the_receipt_decodes_as_a_picture_with_ink_on_it() {
        let font = crate::documents::test_font().expect("the document font is installed (scripts/setup.sh)");
        let bytes = receipt_png(&font, &receipt()).unwrap();
        println!("receipt image: {} bytes", bytes.len());
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!(info.width, WIDTH);
        assert!(info.height > 600, "every line has its room: {}", info.height);
        let dark = pixels.iter().filter(|p| **p < 128).count();
        assert!(dark > pixels.len() / 100, "text was drawn: {dark} dark pixels");
        assert!(bytes.len() < 150_000, "small enough for a phone: {} bytes", bytes.len());
    }
}
