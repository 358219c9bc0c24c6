//! The stream worker's entry point (browser only). The worker that owns
//! the WebSocket, the decoder, the reducer and the diff clock (crate
//! `worker`) runs the page's own wasm module: `app/stream_loader.js` loads
//! it and calls `streamWorkerMain`. One module for the page, the stream
//! worker and the paint worker means one copy of the standard library,
//! serde, bincode and the glue instead of two, and no second set of
//! unhashed files that a deployment could serve from another version.

use gloo_worker::Registrable;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use worker::MeshWorker;

/// The stream worker's loader, next to the page (`app/stream_loader.js`).
const STREAM_LOADER: &str = "./stream_loader.js";

/// The worker's entry point (the page's module started in the worker).
#[wasm_bindgen(js_name = streamWorkerMain)]
pub fn stream_worker_main() {
    // Exported, so callable from the page too (`wasmBindings`): there it
    // must not take over the window's messages (the embed API's).
    if !js_sys::global().is_instance_of::<web_sys::DedicatedWorkerGlobalScope>() {
        return;
    }
    console_error_panic_hook::set_once();
    MeshWorker::registrar().encoding::<worker::codec::OnePassBincode>().register();
}

/// Where the page starts the stream worker: its loader, told which module
/// script to run (the page's own).
/// (Without it the loader refuses to start, and the watchdog shows the
/// worker as stopped.)
pub fn loader_url() -> String {
    crate::paint_worker::loader_url(STREAM_LOADER).unwrap_or_else(|| STREAM_LOADER.to_owned())
}
