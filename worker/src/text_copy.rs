//! A text frame into wasm memory, fast. wasm-bindgen copies a JS string
//! by walking it one UTF-16 unit at a time in JS while it is ASCII (the
//! whole of a typical frame): ~30 µs for a 100-message frame of 19 KB, a
//! tenth of what decoding it costs. `TextEncoder.encodeInto` does the same
//! natively in ~1 µs; its bytes are then copied into a `String` of the
//! exact length (`Uint8Array::copy_to`: one native copy, no unsafe code).
//! That takes several calls into JS, though, each with a fixed cost: a
//! short frame (a single message) is copied faster by wasm-bindgen's walk.

use std::cell::RefCell;

use js_sys::{JsString, Uint8Array};
use wasm_bindgen::prelude::*;

/// The scratch buffer is kept between frames up to this size; a larger
/// one (a frame of many non-ASCII characters, up to 3 bytes per UTF-16
/// unit of `MAX_FRAME_BYTES`) is let go after use.
const MAX_KEPT_SCRATCH_BYTES: u32 = 1 << 20;

/// Frames up to this many UTF-16 units are copied by wasm-bindgen's own
/// walk (~1.5 ns a unit), which costs less than the calls `encodeInto`
/// takes (in a profile of single-message frames, `encodeInto`'s calls were
/// 10 % of the worker's time).
const MAX_WALKED_UNITS: u32 = 1024;

#[wasm_bindgen]
extern "C" {
    /// What `encodeInto` did: UTF-16 units read, bytes written.
    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeIntoResult) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;

    /// A `TextEncoder`, bound here for an `encodeInto` that takes the JS
    /// string itself (web-sys's takes a `&str`, copied into wasm first).
    #[wasm_bindgen(js_name = TextEncoder)]
    type Utf8Encoder;
    #[wasm_bindgen(constructor, js_class = "TextEncoder", catch)]
    fn new() -> Result<Utf8Encoder, JsValue>;
    #[wasm_bindgen(method, js_class = "TextEncoder", js_name = encodeInto)]
    fn encode_into(this: &Utf8Encoder, source: &JsString, destination: &Uint8Array) -> EncodeIntoResult;
}

thread_local! {
    static ENCODER: Option<Utf8Encoder> = Utf8Encoder::new().ok();
    /// The scratch buffer and its length (kept here: reading a typed
    /// array's length is a call into JS).
    static SCRATCH: RefCell<Option<(Uint8Array, u32)>> = const { RefCell::new(None) };
}

/// `text`, of `len_utf16` UTF-16 units, as a `String`; `None` only where
/// the browser has no `TextEncoder` for a long one (then the caller copies
/// it the slow way).
pub fn copy(text: &JsString, len_utf16: u32) -> Option<String> {
    if len_utf16 <= MAX_WALKED_UNITS {
        return JsValue::as_string(text);
    }
    ENCODER.with(|encoder| {
        let encoder = encoder.as_ref()?;
        // ASCII fits in one byte per unit; anything else in three.
        let mut written = encode(encoder, text, len_utf16)?;
        if written.0 < len_utf16 {
            written = encode(encoder, text, len_utf16.saturating_mul(3))?;
        }
        let bytes = SCRATCH.with(|scratch| {
            let scratch = scratch.borrow();
            let mut bytes = vec![0; written.1 as usize];
            if let Some((scratch, _)) = scratch.as_ref() {
                scratch.subarray(0, written.1).copy_to(&mut bytes);
            }
            bytes
        });
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            if scratch.as_ref().is_some_and(|(_, length)| *length > MAX_KEPT_SCRATCH_BYTES) {
                *scratch = None;
            }
        });
        String::from_utf8(bytes).ok()
    })
}

/// Encodes `text` into a scratch buffer of at least `room` bytes: (units
/// read, bytes written).
fn encode(encoder: &Utf8Encoder, text: &JsString, room: u32) -> Option<(u32, u32)> {
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        if scratch.as_ref().is_none_or(|(_, length)| *length < room) {
            let length = room.max(1024);
            *scratch = Some((Uint8Array::new_with_length(length), length));
        }
        let result = encoder.encode_into(text, &scratch.as_ref()?.0);
        Some((result.read(), result.written()))
    })
}
