//! Session files in the browser: the worker's saved file downloaded under
//! its name, and a file the user picks (or drops on the page) read and
//! handed to the worker, which checks it. A file over the size cap is
//! refused before it is read.

use shared::limits::MAX_SESSION_FILE_BYTES;
use shared::session::SESSION_EXTENSION;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use worker::socket::js_text;

use crate::state::AppState;

/// Offers `bytes` to the user as a download named `name`.
pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|error| js_text(&error))?;
    download_blob(name, &blob)
}

/// Offers `blob` to the user as a download named `name`.
pub fn download_blob(name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|error| js_text(&error))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|error| js_text(&error))?.dyn_into().map_err(|_| "not an anchor")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The click has started the download; the URL can go once it is read.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
    Ok(())
}

/// Reads `file` and opens it as a session (the worker checks the rest).
pub fn open_file(state: AppState, file: web_sys::File) {
    let size = file.size();
    if size > MAX_SESSION_FILE_BYTES as f64 {
        state.show_notice(format!(
            "not opened: {} is {:.0} MB; a session file is at most {} MB",
            file.name(),
            size / 1e6,
            MAX_SESSION_FILE_BYTES / 1_000_000
        ));
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => state.open_session(js_sys::Uint8Array::new(&buffer).to_vec()),
            Err(error) => {
                state.show_notice(format!("not opened: {} could not be read: {}", file.name(), js_text(&error)))
            }
        }
    });
}

/// Files dropped anywhere on the page open as sessions.
pub fn install_drop(state: AppState) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let over = Closure::<dyn FnMut(web_sys::DragEvent)>::new(|event: web_sys::DragEvent| {
        if carries_files(&event) {
            event.prevent_default();
        }
    });
    let drop = Closure::<dyn FnMut(web_sys::DragEvent)>::new(move |event: web_sys::DragEvent| {
        if !carries_files(&event) {
            return;
        }
        event.prevent_default();
        let file = event.data_transfer().and_then(|data| data.files()).and_then(|files| files.get(0));
        if let Some(file) = file {
            open_file(state.clone(), file);
        }
    });
    let _ = document.add_event_listener_with_callback("dragover", over.as_ref().unchecked_ref());
    let _ = document.add_event_listener_with_callback("drop", drop.as_ref().unchecked_ref());
    // Listeners for the page's whole life.
    over.forget();
    drop.forget();
}

fn carries_files(event: &web_sys::DragEvent) -> bool {
    event
        .data_transfer()
        .is_some_and(|data| data.types().iter().any(|kind| kind.as_string().as_deref() == Some("Files")))
}

/// What the file picker accepts.
pub fn accepted_types() -> String {
    format!(".{SESSION_EXTENSION}")
}
