//! Scaling photos down in the browser before a form with a file field is posted (`forms::FileField`).
//! The rules (which files, what size) are in `domain::upload`; this is the browser side: decode with
//! `createImageBitmap` (which applies the camera's rotation), draw on a canvas, encode as JPEG, and put
//! the smaller files back into the input so the ordinary form post sends them. Anything that fails
//! leaves the original file in place: the server still checks every file it receives.

use leptos::html::Input;
use leptos::prelude::*;

/// Called when the person picks files. On the server no change event ever happens, so there it
/// has nothing to do.
#[cfg(not(feature = "hydrate"))]
pub fn shrink_chosen_photos(_input: NodeRef<Input>, _progress: WriteSignal<Option<String>>) {}

#[cfg(feature = "hydrate")]
pub use browser::shrink_chosen_photos;

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use crate::domain::upload::{
        describe_bytes, shrunk_dimensions, shrunk_file_name, worth_shrinking, SHRUNK_QUALITY,
    };
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Blob, CanvasRenderingContext2d, DataTransfer, File, FilePropertyBag, HtmlButtonElement,
        HtmlCanvasElement, HtmlInputElement, ImageBitmap,
    };

    pub fn shrink_chosen_photos(input: NodeRef<Input>, progress: WriteSignal<Option<String>>) {
        let Some(input) = input.get_untracked() else { return };
        let Some(chosen) = input.files() else { return };
        let files: Vec<File> = (0..chosen.length()).filter_map(|i| chosen.get(i)).collect();
        if !files.iter().any(|f| worth_shrinking(&f.type_(), f.size())) {
            // Photos picked before may still be scaling: their result no longer applies.
            progress.set(None);
            set_buttons_disabled(&input, false);
            return;
        }
        progress.set(Some("正在缩小照片，请稍候…".to_string()));
        set_buttons_disabled(&input, true);
        leptos::task::spawn_local(async move {
            let before: f64 = files.iter().map(|f| f.size()).sum();
            let mut sent = Vec::with_capacity(files.len());
            for file in files {
                sent.push(shrink(&file).await.ok().flatten().unwrap_or(file));
            }
            let after: f64 = sent.iter().map(|f| f.size()).sum();
            // The person may have picked other files meanwhile: those are handled by their own change.
            if !input.files().is_some_and(|now| js_sys::Object::is(&now, &chosen)) {
                return;
            }
            let replaced = after < before && replace_files(&input, &sent).is_ok();
            progress.set(replaced.then(|| {
                format!("照片已缩小：{} → {}，可以提交", describe_bytes(before), describe_bytes(after))
            }));
            set_buttons_disabled(&input, false);
        });
    }

    /// The photo drawn at its upload size and encoded as JPEG; `None` when it is not worth it or
    /// the result is not smaller.
    async fn shrink(file: &File) -> Result<Option<File>, JsValue> {
        if !worth_shrinking(&file.type_(), file.size()) {
            return Ok(None);
        }
        let window = web_sys::window().ok_or("no window")?;
        let bitmap: ImageBitmap =
            JsFuture::from(window.create_image_bitmap_with_blob(file)?).await?.dyn_into()?;
        let (width, height) = shrunk_dimensions(bitmap.width(), bitmap.height());
        let canvas: HtmlCanvasElement =
            window.document().ok_or("no document")?.create_element("canvas")?.dyn_into()?;
        canvas.set_width(width);
        canvas.set_height(height);
        let context: CanvasRenderingContext2d =
            canvas.get_context("2d")?.ok_or("no 2d context")?.dyn_into()?;
        // A transparent PNG would turn black as a JPEG.
        context.set_fill_style_str("#fff");
        context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
        context.draw_image_with_image_bitmap_and_dw_and_dh(
            &bitmap,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )?;
        bitmap.close();
        let blob = jpeg_of(&canvas).await?;
        if blob.size() >= file.size() {
            return Ok(None);
        }
        let options = FilePropertyBag::new();
        options.set_type("image/jpeg");
        File::new_with_blob_sequence_and_options(
            &js_sys::Array::of1(&blob),
            &shrunk_file_name(&file.name()),
            &options,
        )
        .map(Some)
    }

    async fn jpeg_of(canvas: &HtmlCanvasElement) -> Result<Blob, JsValue> {
        let mut encode = |resolve: js_sys::Function, reject: js_sys::Function| {
            let done = Closure::once_into_js(move |blob: JsValue| {
                let _ = resolve.call1(&JsValue::NULL, &blob);
            });
            if let Err(e) = canvas.to_blob_with_type_and_encoder_options(
                done.unchecked_ref(),
                "image/jpeg",
                &JsValue::from_f64(SHRUNK_QUALITY),
            ) {
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        };
        // toBlob hands over null when the canvas could not be encoded.
        JsFuture::from(js_sys::Promise::new(&mut encode)).await?.dyn_into()
    }

    fn replace_files(input: &HtmlInputElement, files: &[File]) -> Result<(), JsValue> {
        let transfer = DataTransfer::new()?;
        for file in files {
            transfer.items().add_with_file(file)?;
        }
        input.set_files(transfer.files().as_ref());
        Ok(())
    }

    /// The form's buttons wait while photos are scaled, so the originals are not posted halfway.
    fn set_buttons_disabled(input: &HtmlInputElement, disabled: bool) {
        let Some(buttons) = input.form().and_then(|form| form.query_selector_all("button").ok()) else {
            return;
        };
        for button in (0..buttons.length()).filter_map(|i| buttons.item(i)) {
            if let Ok(button) = button.dyn_into::<HtmlButtonElement>() {
                button.set_disabled(disabled);
            }
        }
    }
}
