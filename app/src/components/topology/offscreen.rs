//! Painting the topology in the paint worker (browser only). The page
//! builds each frame's draw list as before and sends it; the worker paints
//! it on its own canvas and sends the picture back, which the page's canvas
//! shows through a `bitmaprenderer` context: neither the painting nor the
//! rasterizing is on the main thread. One frame at a time: a frame wanted
//! while one is being painted (or before the worker listens) is drawn once
//! it is back.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Event, HtmlCanvasElement, ImageBitmap, ImageBitmapRenderingContext, MessageEvent, Worker, WorkerOptions, WorkerType,
};

use super::canvas::Topology;
use crate::paint_worker::READY;
use crate::scene::StandIn;

/// The paint worker's loader, next to the page (`app/paint_loader.js`); it
/// is told which module script to run (`?module=`, the page's own).
const PAINT_LOADER: &str = "./paint_loader.js";

/// What the paint worker says.
pub enum Answer {
    /// It listens.
    Ready,
    /// A frame painted (the picture; none for a frame it could not read)
    /// in this many milliseconds.
    Painted(Option<ImageBitmap>, f64),
    /// Its script failed (not found, refused, threw): the page paints.
    Failed,
}

pub struct PaintWorker {
    worker: Worker,
    /// A frame is being painted, or the worker does not listen yet.
    busy: bool,
    /// A frame was wanted while one was being painted.
    wanted: bool,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl PaintWorker {
    /// Starts the worker; `on_answer` hears what it says. `None` where the
    /// browser has no `OffscreenCanvas` or module workers (the page then
    /// paints itself).
    pub fn start(on_answer: impl FnMut(Answer) + 'static) -> Option<PaintWorker> {
        let global = js_sys::global();
        for needed in ["OffscreenCanvas", "ImageBitmapRenderingContext"] {
            if !js_sys::Reflect::has(&global, &JsValue::from_str(needed)).unwrap_or(false) {
                return None;
            }
        }
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        options.set_name("meshview-paint");
        let loader = crate::paint_worker::loader_url(PAINT_LOADER)?;
        let worker = Worker::new_with_options(&loader, &options).ok()?;
        // The loader waits for the page's compiled module (shared, not
        // copied: the worker compiles nothing).
        worker.post_message(&wasm_bindgen::module()).ok()?;
        let on_answer = Rc::new(RefCell::new(on_answer));
        let hears_error = on_answer.clone();
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| (hears_error.borrow_mut())(Answer::Failed));
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let answer = if data.as_string().as_deref() == Some(READY) {
                Answer::Ready
            } else {
                let answer = js_sys::Array::from(&data);
                let picture = answer.get(0).dyn_into::<ImageBitmap>().ok();
                Answer::Painted(picture, answer.get(1).as_f64().unwrap_or(0.0))
            };
            (on_answer.borrow_mut())(answer);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(PaintWorker { worker, busy: true, wanted: true, _on_message: on_message, _on_error: on_error })
    }

    /// True while a frame is being painted: the caller should not build
    /// another (it is drawn when this one is back).
    pub fn is_busy(&mut self) -> bool {
        self.wanted |= self.busy;
        self.busy
    }

    /// Sends one encoded frame (its buffer is transferred, not copied).
    pub fn send(&mut self, frame: &[u8]) {
        let bytes = js_sys::Uint8Array::from(frame);
        let transfer = js_sys::Array::of1(&bytes.buffer());
        self.busy = self.worker.post_message_with_transfer(&bytes, &transfer).is_ok();
    }

    /// A frame is back, or the worker listens; true when a frame was
    /// wanted meanwhile.
    pub fn answered(&mut self) -> bool {
        self.busy = false;
        std::mem::take(&mut self.wanted)
    }
}

impl Drop for PaintWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Shows a painted picture on the page's canvas.
pub fn show(canvas: &HtmlCanvasElement, picture: &ImageBitmap) {
    let context = canvas.get_context("bitmaprenderer").ok().flatten();
    if let Some(context) = context.and_then(|c| c.dyn_into::<ImageBitmapRenderingContext>().ok()) {
        context.transfer_from_image_bitmap(picture);
        say_painted_by(canvas, "worker");
    }
}

/// Moves the picture on the canvas to where the camera now puts it, until
/// the picture drawn for the camera's view comes (`scene::stand_in`): a
/// CSS transform, done by the compositor. Writes the style only when the
/// move changes.
pub fn follow_camera(canvas: &HtmlCanvasElement, topology: &mut Topology) {
    let Some(shown) = topology.shown else { return };
    let stand_in = StandIn::between(&shown, topology.camera.viewport());
    if stand_in == topology.stand_in {
        return;
    }
    topology.stand_in = stand_in;
    let style = canvas.style();
    let _ = match stand_in.css_transform() {
        Some(transform) => style.set_property("transform", &transform),
        None => style.remove_property("transform").map(drop),
    };
}

/// Marks who painted the canvas's picture (`data-painted-by`: `worker` or
/// `page`), for tests and for a reader of the page; set once per change.
pub fn say_painted_by(canvas: &HtmlCanvasElement, painter: &str) {
    if canvas.get_attribute(PAINTED_BY).as_deref() != Some(painter) {
        let _ = canvas.set_attribute(PAINTED_BY, painter);
    }
}

const PAINTED_BY: &str = "data-painted-by";
