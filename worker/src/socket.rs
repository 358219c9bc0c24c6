//! A WebSocket with its JS callbacks kept alive for as long as it lives, and
//! detached when it is dropped, so a replaced socket can never report into
//! the state of its successor. A text frame over the frame limit is
//! reported by its length and never copied into wasm memory.

use std::rc::Rc;

use shared::limits::MAX_FRAME_BYTES;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

/// Where a socket reports. `text` is the hot path: called once per frame.
pub trait SocketSink {
    fn opened(&self);
    fn text(&self, frame: String);
    /// A text frame of `len_utf16` UTF-16 units, over `MAX_FRAME_BYTES`
    /// (so over it in UTF-8 bytes too), left uncopied in JS.
    fn oversize(&self, len_utf16: usize);
    fn binary(&self, len_bytes: usize);
    /// The close event's code and reason (1006: failed or dropped).
    fn closed(&self, code: u16, reason: String);
}

#[derive(Debug)]
pub struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    /// Starts opening `url`; events go to `sink`.
    pub fn open(url: &str, sink: Rc<dyn SocketSink>) -> Result<Socket, String> {
        let ws = WebSocket::new(url).map_err(|error| format!("cannot open {url}: {}", js_text(&error)))?;
        ws.set_binary_type(BinaryType::Arraybuffer);

        let open_sink = sink.clone();
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| open_sink.opened());
        let message_sink = sink.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            deliver_message(&event.data(), &*message_sink);
        });
        let on_close =
            Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| sink.closed(event.code(), event.reason()));
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Socket { ws, _on_open: on_open, _on_message: on_message, _on_close: on_close })
    }

    /// Sends a text frame on an open socket.
    pub fn send(&self, frame: &str) -> Result<(), String> {
        self.ws.send_with_str(frame).map_err(|error| js_text(&error))
    }

    pub fn is_open(&self) -> bool {
        self.ws.ready_state() == WebSocket::OPEN
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// Hands a message event's `data` to `sink`. The length of a JS string is
/// read without copying it (in UTF-16 units: a string with more units than
/// `MAX_FRAME_BYTES` has at least as many UTF-8 bytes), so an oversize frame
/// costs no wasm memory; any other text is copied in (`text_copy`), whole,
/// and the decoder checks its bytes.
pub fn deliver_message(data: &JsValue, sink: &dyn SocketSink) {
    if let Some(text) = data.dyn_ref::<js_sys::JsString>() {
        let len_utf16 = text.length() as usize;
        if len_utf16 > MAX_FRAME_BYTES {
            sink.oversize(len_utf16);
        } else if let Some(text) = crate::text_copy::copy(text, len_utf16 as u32).or_else(|| data.as_string()) {
            sink.text(text);
        }
    } else if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
        sink.binary(buffer.byte_length() as usize);
    } else {
        sink.binary(0);
    }
}

/// A readable text for a thrown JS value.
pub fn js_text(value: &wasm_bindgen::JsValue) -> String {
    value
        .as_string()
        .or_else(|| value.dyn_ref::<js_sys::Error>().map(|error| String::from(error.message())))
        .unwrap_or_else(|| format!("{value:?}"))
}
