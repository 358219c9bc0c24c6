//! The socket glue in headless Chromium against a local feed (started by
//! `cargo xtask test`, which passes its URL as MESHVIEW_TEST_WS_URL at
//! build time): it opens, receives the snapshot and stream frames whole,
//! they reduce to a graph, and a dropped socket reports nothing more.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use shared::Reducer;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use worker::socket::{Socket, SocketSink};

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
    fn text(&self, frame: &str) {
        self.frames.borrow_mut().push(frame.to_owned());
    }
    fn binary(&self, _len_bytes: usize) {}
    fn closed(&self, why: String) {
        *self.closed.borrow_mut() = Some(why);
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
