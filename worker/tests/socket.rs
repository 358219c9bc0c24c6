//! The socket glue in headless Chromium against a local feed (started by
//! `cargo xtask test`, which passes its URL as MESHVIEW_TEST_WS_URL at
//! build time): it opens, receives the snapshot and stream frames whole,
//! they reduce to a graph, and a dropped socket reports nothing more. And
//! an oversize text frame is counted without being copied into wasm memory.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use shared::limits::MAX_FRAME_BYTES;
use shared::{DecodeErrorKind, Reducer};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use worker::link_core::LinkCore;
use worker::socket::{deliver_message, Socket, SocketSink};

wasm_bindgen_test_configure!(run_in_browser);

const WS_URL: Option<&str> = option_env!("MESHVIEW_TEST_WS_URL");

#[derive(Default)]
struct Recorder {
    opened: RefCell<bool>,
    frames: RefCell<Vec<String>>,
    closed: RefCell<Option<String>>,
}

impl SocketSink for Recorder {
    fn opened(&self) {
        *self.opened.borrow_mut() = true;
    }
    fn text(&self, frame: String) {
        self.frames.borrow_mut().push(frame.to_owned());
    }
    fn oversize(&self, _len_utf16: usize) {}
    fn binary(&self, _len_bytes: usize) {}
    fn closed(&self, code: u16, reason: String) {
        *self.closed.borrow_mut() = Some(format!("{code} {reason}"));
    }
}

/// Feeds a link core as the worker's glue does, and records text frames.
struct CoreSink {
    core: RefCell<LinkCore>,
    texts: RefCell<Vec<usize>>,
}

impl SocketSink for CoreSink {
    fn opened(&self) {}
    fn text(&self, frame: String) {
        self.texts.borrow_mut().push(frame.len());
        self.core.borrow_mut().frame(frame, 0.0);
    }
    fn oversize(&self, len_utf16: usize) {
        self.core.borrow_mut().oversize_frame(len_utf16, 0.0);
    }
    fn binary(&self, len_bytes: usize) {
        self.core.borrow_mut().binary_frame(len_bytes, 0.0);
    }
    fn closed(&self, _code: u16, _reason: String) {}
}

fn wasm_memory_bytes() -> u32 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length()
}

fn message_event(data: &wasm_bindgen::JsValue) -> web_sys::MessageEvent {
    let init = web_sys::MessageEventInit::new();
    init.set_data(data);
    web_sys::MessageEvent::new_with_event_init_dict("message", &init).expect("a message event")
}

fn oversize_errors(sink: &CoreSink) -> Option<u64> {
    sink.core.borrow_mut().reducer_mut().counters().errors_by_kind.get(DecodeErrorKind::Oversize.index()).copied()
}

#[wasm_bindgen_test]
fn an_oversize_text_frame_is_counted_without_a_copy() {
    let sink = CoreSink { core: RefCell::new(LinkCore::new(|_| String::new())), texts: RefCell::default() };
    let huge = js_sys::JsString::from("x").repeat(200 * 1024 * 1024);
    let event = message_event(&huge);
    let before = wasm_memory_bytes();
    deliver_message(&event.data(), &sink);
    let grown = wasm_memory_bytes() - before;
    assert!(grown <= 4 * 1024 * 1024, "wasm memory grew by {grown} bytes for an oversize frame");
    assert!(sink.texts.borrow().is_empty(), "the oversize frame reached the text path");
    assert_eq!(oversize_errors(&sink), Some(1));

    // One unit over the limit is oversize too; at the limit it is text.
    let limit = js_sys::JsString::from("x").repeat(MAX_FRAME_BYTES as i32);
    deliver_message(&message_event(&limit.concat(&"x".into())).data(), &sink);
    assert_eq!(oversize_errors(&sink), Some(2));
    deliver_message(&message_event(&limit).data(), &sink);
    deliver_message(&message_event(&"[]".into()).data(), &sink);
    assert_eq!(*sink.texts.borrow(), [MAX_FRAME_BYTES, 2]);
    assert_eq!(oversize_errors(&sink), Some(2));
}

/// Text frames reach the sink byte for byte, whatever their characters and
/// size (short ones are copied by wasm-bindgen; longer ones through a
/// buffer sized for ASCII first, then for three bytes a unit; a buffer over
/// 1 MiB is let go after use): the same frames in
/// another order must not change a byte either.
#[wasm_bindgen_test]
fn text_frames_arrive_byte_for_byte() {
    let big_accented = "é".repeat(600_000);
    let cases: Vec<(js_sys::JsString, String)> = vec![
        ("".into(), String::new()),
        (
            r#"[{"data":{"type":"node-status","id":"n1","status":"ok"}}]"#.into(),
            r#"[{"data":{"type":"node-status","id":"n1","status":"ok"}}]"#.to_owned(),
        ),
        ("caf\u{e9} · 日本 😀".into(), "caf\u{e9} · 日本 😀".to_owned()),
        ("x".repeat(70_000).as_str().into(), "x".repeat(70_000)),
        // A lone surrogate is not UTF-8: it arrives as U+FFFD.
        (
            js_sys::JsString::from("a").concat(&js_sys::JsString::from_char_code1(0xD83D)).concat(&"b".into()),
            "a\u{FFFD}b".to_owned(),
        ),
        (big_accented.as_str().into(), big_accented.clone()),
        ("après".into(), "après".to_owned()),
        // Either side of the length from which the copy takes `encodeInto`
        // (1,024 units), in more bytes than units.
        ("é".repeat(1024).as_str().into(), "é".repeat(1024)),
        ("é".repeat(1025).as_str().into(), "é".repeat(1025)),
    ];
    for round in 0..2 {
        let sink = Recorder::default();
        let mut order: Vec<&(js_sys::JsString, String)> = cases.iter().collect();
        if round == 1 {
            order.reverse();
        }
        for (text, _) in &order {
            deliver_message(&message_event(text).data(), &sink);
        }
        let frames = sink.frames.borrow();
        assert_eq!(frames.len(), order.len(), "round {round}");
        for (got, (_, want)) in frames.iter().zip(&order) {
            assert!(got == want, "round {round}: {} bytes, expected {} ({:?}…)", got.len(), want.len(), want.get(..12));
        }
    }
}

async fn sleep_millis(millis: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global: web_sys::Window = wasm_bindgen::JsCast::unchecked_into(js_sys::global());
        let _ = global.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

async fn until(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..100 {
        if condition() {
            return;
        }
        sleep_millis(50).await;
    }
    panic!("timed out waiting for {what}");
}

#[wasm_bindgen_test]
async fn receives_and_reduces_a_live_stream() {
    let url = format!("{}?project=glue", WS_URL.expect("MESHVIEW_TEST_WS_URL: run through `cargo xtask test`"));
    let recorder = Rc::new(Recorder::default());
    let socket = Socket::open(&url, recorder.clone()).expect("socket opens");
    until("open", || *recorder.opened.borrow()).await;
    until("a few frames", || recorder.frames.borrow().len() >= 3).await;
    assert!(socket.is_open());
    socket.send(r#"{"type":"auth","token":"t"}"#).expect("send on an open socket");

    let mut reducer = Reducer::new();
    for frame in recorder.frames.borrow().iter() {
        reducer.apply_frame(frame, 0);
    }
    assert!(reducer.nodes().len() > 10, "the snapshot came first");
    assert_eq!(reducer.counters().errors(), 0, "{:?}", reducer.counters().last_error);

    // Dropping the socket detaches it: nothing more is reported.
    drop(socket);
    let seen = recorder.frames.borrow().len();
    sleep_millis(300).await;
    assert_eq!(recorder.frames.borrow().len(), seen);
    assert!(recorder.closed.borrow().is_none());
}

#[wasm_bindgen_test]
async fn a_refused_connection_reports_a_close() {
    let recorder = Rc::new(Recorder::default());
    // Port 9 (discard) on loopback: nothing listens there.
    let _socket = Socket::open("ws://127.0.0.1:9/ws", recorder.clone()).expect("socket object");
    until("the close", || recorder.closed.borrow().is_some()).await;
    assert!(!*recorder.opened.borrow());
}
