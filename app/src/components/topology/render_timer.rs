//! Where the page paints the topology itself: times the browser's
//! rendering of each draw's frame for the pacer (browser only).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::canvas::Shared;
use crate::browser::now_millis;

/// Times the browser's rendering of the frame a draw was in: a message
/// posted from the animation frame is handled in the first task after that
/// frame, once its style, layout, paint and the canvas's rasterizing are
/// done. The pacer counts it with the draw's own cost.
pub struct RenderTimer {
    port: web_sys::MessagePort,
    /// The port that hears it, held so it lives as long as the timer.
    _receiver: web_sys::MessagePort,
    drawn_at: Rc<Cell<Option<f64>>>,
}

impl RenderTimer {
    pub fn new(topology: &Shared, shown: Rc<Cell<f64>>) -> Option<RenderTimer> {
        let channel = web_sys::MessageChannel::new().ok()?;
        let drawn_at: Rc<Cell<Option<f64>>> = Rc::default();
        let (waiting, topology) = (drawn_at.clone(), Rc::downgrade(topology));
        let on_message = Closure::<dyn FnMut()>::new(move || {
            let (Some(at), Some(topology)) = (waiting.take(), topology.upgrade()) else { return };
            let millis = now_millis() - at;
            topology.borrow_mut().pacer.rendered(millis);
            shown.set(millis);
        });
        let receiver = channel.port1();
        receiver.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        Some(RenderTimer { port: channel.port2(), _receiver: receiver, drawn_at })
    }

    pub fn start(&self, drawn_at: f64) {
        self.drawn_at.set(Some(drawn_at));
        let _ = self.port.post_message(&wasm_bindgen::JsValue::NULL);
    }
}
