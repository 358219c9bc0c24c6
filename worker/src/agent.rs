//! The gloo-worker glue: commands in, diffs and status out on a clock. The
//! socket reduces frames directly on the shared `Link`; this module only
//! routes commands, runs the interval timer and posts to subscribers.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use gloo_worker::{HandlerId, Worker, WorkerDestroyHandle, WorkerScope};
use shared::bridge::{Command, WorkerEvent};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::WorkerGlobalScope;

use crate::link::{Link, Notify};
use crate::policy::WakeReason;

/// Messages the worker sends itself from JS callbacks.
#[derive(Debug)]
pub enum Tick {
    /// The flush timer fired.
    Clock,
    /// The socket opened or closed: post status now.
    StatusNow,
    /// The browser went online or offline.
    Online(bool),
}

pub struct MeshWorker {
    link: Rc<RefCell<Link>>,
    subscribers: HashSet<HandlerId>,
    timer: Option<Timer>,
    _online_listeners: Vec<Closure<dyn FnMut()>>,
}

struct Timer {
    handle: i32,
    interval_millis: u32,
    _callback: Closure<dyn FnMut()>,
}

impl Worker for MeshWorker {
    type Message = Tick;
    type Input = Command;
    type Output = WorkerEvent;

    fn create(scope: &WorkerScope<Self>) -> Self {
        let mut listeners = Vec::new();
        if let Some(global) = global() {
            for (name, online) in [("online", true), ("offline", false)] {
                let scope = scope.clone();
                let listener = Closure::<dyn FnMut()>::new(move || scope.send_message(Tick::Online(online)));
                let _ = global.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
                listeners.push(listener);
            }
        }
        let link = Rc::new(RefCell::new(Link::new()));
        if let Some(global) = global() {
            link.borrow_mut().set_online(global.navigator().on_line());
        }
        MeshWorker { link, subscribers: HashSet::new(), timer: None, _online_listeners: listeners }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, message: Tick) {
        match message {
            Tick::Clock => {
                let (diff, status) = Link::tick(&self.link, notifier(scope));
                if let Some(diff) = diff {
                    self.post(scope, WorkerEvent::Diff(Box::new(diff)));
                }
                if let Some(status) = status {
                    self.post(scope, WorkerEvent::Status(status));
                }
            }
            Tick::StatusNow => self.post_status(scope),
            Tick::Online(online) => {
                self.link.borrow_mut().set_online(online);
                if online {
                    Link::wake(&self.link, WakeReason::Online, notifier(scope));
                }
                self.post_status(scope);
            }
        }
    }

    fn connected(&mut self, _scope: &WorkerScope<Self>, id: HandlerId) {
        self.subscribers.insert(id);
    }

    fn disconnected(&mut self, _scope: &WorkerScope<Self>, id: HandlerId) {
        self.subscribers.remove(&id);
    }

    fn received(&mut self, scope: &WorkerScope<Self>, command: Command, id: HandlerId) {
        match command {
            Command::Configure(config) => {
                Link::configure(&self.link, config, notifier(scope));
                self.ensure_timer(scope);
                self.post_status(scope);
            }
            Command::RetryNow => {
                Link::retry_now(&self.link, notifier(scope));
                self.post_status(scope);
            }
            Command::Pause => {
                self.link.borrow_mut().set_paused(true);
                self.post_status(scope);
            }
            Command::Resume => {
                self.link.borrow_mut().set_paused(false);
                self.flush_now(scope);
            }
            Command::PageVisible(visible) => {
                self.link.borrow_mut().set_visible(visible);
                if visible {
                    Link::wake(&self.link, WakeReason::PageShown, notifier(scope));
                    self.flush_now(scope);
                }
            }
            Command::Wake => {
                Link::wake(&self.link, WakeReason::PageShown, notifier(scope));
                self.post_status(scope);
            }
            Command::Send(frame) => {
                if let Err(why) = self.link.borrow_mut().send(frame) {
                    scope.respond(id, WorkerEvent::SendRefused(why));
                }
            }
            Command::SetToken(token) => self.link.borrow_mut().set_token(token),
            Command::WatchLog(node_id) => {
                let watch = node_id.map_or(shared::LogWatch::Nothing, shared::LogWatch::Node);
                self.link.borrow_mut().reducer_mut().watch_log(watch);
            }
            Command::ClearNode(node_id) => self.link.borrow_mut().reducer_mut().clear_node(&node_id),
            Command::ClearEdge(edge_id) => self.link.borrow_mut().reducer_mut().clear_edge(&edge_id),
            Command::ClearEvents => self.link.borrow_mut().reducer_mut().clear_events(),
        }
    }

    fn destroy(&mut self, _scope: &WorkerScope<Self>, _destruct: WorkerDestroyHandle<Self>) {
        if let (Some(timer), Some(global)) = (self.timer.take(), global()) {
            global.clear_interval_with_handle(timer.handle);
        }
    }
}

impl MeshWorker {
    fn post(&self, scope: &WorkerScope<Self>, event: WorkerEvent) {
        for id in &self.subscribers {
            scope.respond(*id, event.clone());
        }
    }

    fn post_status(&self, scope: &WorkerScope<Self>) {
        let status = self.link.borrow().status(crate::link::now_millis());
        self.post(scope, WorkerEvent::Status(status));
    }

    /// Posts what was held (paused or hidden) as one diff, then status.
    fn flush_now(&self, scope: &WorkerScope<Self>) {
        let diff = self.link.borrow_mut().take_diff_now();
        if let Some(diff) = diff {
            self.post(scope, WorkerEvent::Diff(Box::new(diff)));
        }
        self.post_status(scope);
    }

    /// (Re)starts the flush timer at the configured interval.
    fn ensure_timer(&mut self, scope: &WorkerScope<Self>) {
        let interval_millis = self.link.borrow().flush_interval_millis();
        if self.timer.as_ref().is_some_and(|timer| timer.interval_millis == interval_millis) {
            return;
        }
        let Some(global) = global() else {
            return;
        };
        if let Some(old) = self.timer.take() {
            global.clear_interval_with_handle(old.handle);
        }
        let tick_scope = scope.clone();
        let callback = Closure::<dyn FnMut()>::new(move || tick_scope.send_message(Tick::Clock));
        let Ok(handle) = global.set_interval_with_callback_and_timeout_and_arguments_0(
            callback.as_ref().unchecked_ref(),
            interval_millis as i32,
        ) else {
            return;
        };
        self.timer = Some(Timer { handle, interval_millis, _callback: callback });
    }
}

fn notifier(scope: &WorkerScope<MeshWorker>) -> Notify {
    let scope = scope.clone();
    Rc::new(move || scope.send_message(Tick::StatusNow))
}

fn global() -> Option<WorkerGlobalScope> {
    js_sys::global().dyn_into::<WorkerGlobalScope>().ok()
}
