//! The paint worker's side (browser only): paints the topology's frames
//! off the page's main thread. The worker runs the page's own wasm module
//! (`app/paint_loader.js` loads it and calls `paintWorkerMain`): one
//! download and one compiled module for both, instead of a second wasm of
//! ~40 KB gzip that repeated the painter, the allocator and the glue.
//! It owns an `OffscreenCanvas`. It says `"ready"` once it listens (a
//! message sent to a worker before then is lost); then each
//! message is one encoded frame (`scene::paint_frame`), answered with
//! `[picture, millis]`: the painted picture as an `ImageBitmap`
//! (transferred, not copied), or null for bytes that were not a frame, and
//! how long the painting took.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, DedicatedWorkerGlobalScope, MessageEvent, OffscreenCanvas};

use crate::components::topology::paint::paint;
use crate::scene::paint_frame::{decode, PaintFrame};
use crate::scene::Size;

/// The worker's entry point (the page's module started in the worker).
#[wasm_bindgen(js_name = paintWorkerMain)]
pub fn paint_worker_main() {
    console_error_panic_hook::set_once();
    run();
}

/// The URL of the page's module script (wasm-bindgen's glue), which the
/// paint worker loads too.
pub fn module_script_url() -> String {
    IMPORT_META.with(ImportMeta::url)
}

/// `loader`'s URL, telling it which module script to run (`?module=`, the
/// page's own): how the page starts both of its workers.
pub fn loader_url(loader: &str) -> Option<String> {
    let query = web_sys::UrlSearchParams::new().ok()?;
    query.set("module", &module_script_url());
    Some(format!("{loader}?{}", String::from(query.to_string())))
}

#[wasm_bindgen]
extern "C" {
    type ImportMeta;

    #[wasm_bindgen(method, getter)]
    fn url(this: &ImportMeta) -> String;

    #[wasm_bindgen(thread_local_v2, js_namespace = import, js_name = meta)]
    static IMPORT_META: ImportMeta;
}

/// Starts listening for frames.
fn run() {
    // Exported, so callable from the page too (`wasmBindings`): there it
    // must not take over the window's messages.
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else { return };
    let Ok(canvas) = OffscreenCanvas::new(1, 1) else { return };
    // An `OffscreenCanvasRenderingContext2D` has the methods of the page's
    // 2D context by the same names (the HTML standard defines both from
    // the same parts), and web-sys calls them by name: one painter serves
    // the page and the worker.
    let Some(ctx) = canvas.get_context("2d").ok().flatten().map(JsCast::unchecked_into::<CanvasRenderingContext2d>)
    else {
        return;
    };
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let started = now_millis(&replies);
        let bytes = js_sys::Uint8Array::new(&event.data()).to_vec();
        let picture = decode(&bytes).map(|frame| paint_frame(&canvas, &ctx, &frame));
        let millis = JsValue::from_f64(now_millis(&replies) - started);
        let picture = picture.flatten().map_or(JsValue::NULL, JsValue::from);
        let transfer = if picture.is_null() { js_sys::Array::new() } else { js_sys::Array::of1(&picture) };
        let _ = replies.post_message_with_transfer(&js_sys::Array::of2(&picture, &millis), &transfer);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

/// What the worker says once it listens.
pub const READY: &str = "ready";

/// Paints `frame` and takes the picture off the canvas.
fn paint_frame(
    canvas: &OffscreenCanvas,
    ctx: &CanvasRenderingContext2d,
    frame: &PaintFrame,
) -> Option<web_sys::ImageBitmap> {
    let (width, height) = (frame.width_px.max(1), frame.height_px.max(1));
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    let ratio = frame.device_pixel_ratio;
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    let size = Size { width: f64::from(width) / ratio, height: f64::from(height) / ratio };
    paint(ctx, &frame.list, size, &frame.palette);
    canvas.transfer_to_image_bitmap().ok()
}

fn now_millis(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}
