//! The gloo-worker glue: commands in, diffs and status out on a clock. The
//! socket reduces frames directly on the shared `Link`; this module only
//! routes commands, runs the interval timer and posts what the link queued.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use gloo_worker::{HandlerId, Worker, WorkerDestroyHandle, WorkerScope};
use shared::bridge::{Command, WorkerEvent};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::WorkerGlobalScope;

use crate::link::Link;
use crate::policy::WakeReason;

/// Messages the worker sends itself from JS callbacks.
#[derive(Debug)]
pub enum Tick {
    /// The flush timer fired.
    Clock,
    /// The socket opened or closed: post what the link queued.
    Drain,
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
        let drain_scope = scope.clone();
        let link = Link::new(Rc::new(move || drain_scope.send_message(Tick::Drain)));
        if let Some(global) = global() {
            link.borrow_mut().set_online(global.navigator().on_line());
            // Nobody listens yet: nothing to post.
            link.borrow_mut().take_posts();
        }
        MeshWorker { link, subscribers: HashSet::new(), timer: None, _online_listeners: listeners }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, message: Tick) {
        match message {
            Tick::Clock => self.link.borrow_mut().tick(),
            Tick::Drain => {}
            Tick::Online(online) => self.link.borrow_mut().set_online(online),
        }
        self.drain(scope);
    }

    fn connected(&mut self, _scope: &WorkerScope<Self>, id: HandlerId) {
        self.subscribers.insert(id);
    }

    fn disconnected(&mut self, _scope: &WorkerScope<Self>, id: HandlerId) {
        self.subscribers.remove(&id);
    }

    fn received(&mut self, scope: &WorkerScope<Self>, command: Command, _id: HandlerId) {
        let mut link = self.link.borrow_mut();
        let configure = matches!(command, Command::Configure(_));
        match command {
            Command::Configure(config) => link.configure(config),
            Command::RetryNow => link.retry_now(),
            Command::Pause => link.set_paused(true),
            Command::Resume => link.set_paused(false),
            Command::PageVisible(visible) => link.set_visible(visible),
            Command::Wake => link.wake(WakeReason::PageShown),
            Command::Send(frame) => link.send(frame),
            Command::SetToken(token) => link.set_token(token),
            Command::WatchLog(node_id) => link.watch_log(node_id),
            Command::ClearNode(node_id) => link.clear_node(node_id),
            Command::ClearEdge(edge_id) => link.clear_edge(edge_id),
            Command::ClearEvents => link.clear_events(),
            Command::Rewind(at_millis) => link.rewind(at_millis),
            Command::SaveSession => link.save_session(),
            Command::OpenSession(file) => link.open_session(&file),
            Command::Applied { data_millis, graph_changes } => link.applied(data_millis, graph_changes),
        }
        drop(link);
        if configure {
            self.ensure_timer(scope);
        }
        self.drain(scope);
    }

    fn destroy(&mut self, _scope: &WorkerScope<Self>, _destruct: WorkerDestroyHandle<Self>) {
        if let (Some(timer), Some(global)) = (self.timer.take(), global()) {
            global.clear_interval_with_handle(timer.handle);
        }
    }
}

impl MeshWorker {
    /// Posts everything the link queued, in order, to every subscriber.
    fn drain(&self, scope: &WorkerScope<Self>) {
        let posts = self.link.borrow_mut().take_posts();
        for event in posts {
            for id in &self.subscribers {
                scope.respond(*id, event.clone());
            }
        }
    }

    /// (Re)starts the flush timer at the configured interval.
    fn ensure_timer(&mut self, scope: &WorkerScope<Self>) {
        let interval_millis = self.link.borrow().tick_interval_millis();
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

fn global() -> Option<WorkerGlobalScope> {
    js_sys::global().dyn_into::<WorkerGlobalScope>().ok()
}
