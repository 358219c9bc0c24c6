//! Runs a step as a task of its own, soon after the current one: a message
//! to itself on a `MessageChannel` (unlike a zero timer, not clamped after
//! nesting nor throttled in a hidden page). Steps run in the order given,
//! one per task, inside the reactive scope the queue was made in. And
//! `later`: a step at the next animation frame, or at the end of this task.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use sycamore::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

type Step = Box<dyn FnOnce()>;

pub struct NextTask {
    port: web_sys::MessagePort,
    /// The port that hears it, held so it lives as long as the queue.
    _receiver: web_sys::MessagePort,
    steps: Rc<RefCell<VecDeque<Step>>>,
}

impl NextTask {
    /// `None` where the browser has no `MessageChannel`.
    pub fn new() -> Option<NextTask> {
        let channel = web_sys::MessageChannel::new().ok()?;
        let steps: Rc<RefCell<VecDeque<Step>>> = Rc::default();
        let (queue, scope) = (steps.clone(), use_current_scope());
        let on_message = Closure::<dyn FnMut()>::new(move || {
            // Taken out before it runs: a step may queue another.
            let step = queue.borrow_mut().pop_front();
            if let Some(step) = step {
                scope.run_in(step);
            }
        });
        let receiver = channel.port1();
        receiver.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        Some(NextTask { port: channel.port2(), _receiver: receiver, steps })
    }

    /// Queues `step`; if the message cannot be posted, runs it now.
    pub fn run(&self, step: Step) {
        self.steps.borrow_mut().push_back(step);
        if self.port.post_message(&JsValue::NULL).is_err() {
            let step = self.steps.borrow_mut().pop_back();
            if let Some(step) = step {
                step();
            }
        }
    }
}

/// Runs `step` at the next animation frame, or at the end of the current
/// task (a microtask): one closure type for all such steps (each is a shim
/// of its own in wasm).
pub fn later(step: Box<dyn FnOnce()>, at_frame: bool) {
    let Some(window) = web_sys::window() else { return };
    let callback = Closure::once_into_js(step);
    if at_frame {
        drop(window.request_animation_frame(callback.unchecked_ref()));
    } else {
        window.queue_microtask(callback.unchecked_ref());
    }
}
