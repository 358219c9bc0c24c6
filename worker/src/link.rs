//! The browser glue around [`LinkCore`]: it feeds the core the clock
//! (`Date.now`), randomness (`Math.random`) and socket events, and carries
//! out the actions that come back (open or drop the socket, send frames,
//! queue posts for the page). Socket frames are reduced directly (the hot
//! path); the gloo agent drains the queued posts after every input.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use shared::bridge::WorkerEvent;

use crate::link_core::{Action, LinkCore};
use crate::policy::WakeReason;
use crate::socket::{Socket, SocketSink};

/// Asks the agent to drain the link's posts; socket callbacks call it.
pub type Notify = Rc<dyn Fn()>;

pub struct Link {
    core: LinkCore,
    socket: Option<Socket>,
    /// Bumped per socket, so events of a replaced socket are ignored.
    generation: u64,
    /// What the page must be sent, oldest first.
    posts: Vec<WorkerEvent>,
    notify: Notify,
    /// This link, for the sinks of the sockets it opens.
    this: Weak<RefCell<Link>>,
}

impl Link {
    pub fn new(notify: Notify) -> Rc<RefCell<Link>> {
        Rc::new_cyclic(|this| {
            RefCell::new(Link {
                core: LinkCore::new(local_clock),
                socket: None,
                generation: 0,
                posts: Vec::new(),
                notify,
                this: this.clone(),
            })
        })
    }

    pub fn watch_log(&mut self, node_id: Option<String>) {
        self.core.watch_log(node_id);
    }

    pub fn clear_node(&mut self, node_id: String) {
        self.core.clear_node(node_id, now_millis());
    }

    pub fn clear_edge(&mut self, edge_id: String) {
        self.core.clear_edge(edge_id, now_millis());
    }

    pub fn applied(&mut self, millis: f64, graph_changes: u32) {
        self.core.applied(millis, graph_changes);
    }

    pub fn clear_events(&mut self) {
        self.core.clear_events(now_millis());
    }

    pub fn save_session(&mut self) {
        let actions = self.core.save_session();
        self.carry_out(actions);
    }

    pub fn open_session(&mut self, file: &[u8]) {
        let actions = self.core.open_session(file);
        self.carry_out(actions);
    }

    /// Show an earlier moment (`Some`) or the live state.
    pub fn rewind(&mut self, at_millis: Option<i64>) {
        self.core.rewind(at_millis);
    }

    pub fn tick_interval_millis(&self) -> u32 {
        self.core.tick_interval_millis()
    }

    /// The posts queued since the last call, oldest first.
    pub fn take_posts(&mut self) -> Vec<WorkerEvent> {
        std::mem::take(&mut self.posts)
    }

    pub fn configure(&mut self, config: shared::bridge::LinkConfig) {
        let actions = self.core.configure(config, now_millis());
        self.carry_out(actions);
    }

    pub fn set_token(&mut self, token: Option<String>) {
        self.core.set_token(token);
    }

    pub fn retry_now(&mut self) {
        let actions = self.core.retry_now();
        self.carry_out(actions);
    }

    pub fn wake(&mut self, reason: WakeReason) {
        let actions = self.core.wake(reason, now_millis(), js_sys::Math::random());
        self.carry_out(actions);
    }

    pub fn set_online(&mut self, online: bool) {
        let actions = self.core.set_online(online, now_millis(), js_sys::Math::random());
        self.carry_out(actions);
    }

    pub fn set_paused(&mut self, paused: bool) {
        let actions = self.core.set_paused(paused);
        self.carry_out(actions);
    }

    pub fn set_visible(&mut self, visible: bool) {
        let actions = self.core.set_visible(visible, now_millis(), js_sys::Math::random());
        self.carry_out(actions);
    }

    /// Sends, queues or refuses a frame for the server.
    pub fn send(&mut self, frame: String) {
        let socket_open = self.socket.as_ref().is_some_and(Socket::is_open);
        let actions = self.core.send(frame, socket_open);
        self.carry_out(actions);
    }

    /// The clock: the demo feed (timed as reduce work), then the core's tick.
    pub fn tick(&mut self) {
        let now = now_millis();
        let start = perf_now();
        self.core.demo_step(now);
        self.core.add_reduce_millis(perf_now() - start);
        let actions = self.core.tick(now, js_sys::Math::random());
        self.carry_out(actions);
    }

    fn carry_out(&mut self, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Connect(url) => self.connect(&url),
                Action::Disconnect => self.drop_socket(),
                Action::Flush(outgoing) => {
                    let unsent = match &self.socket {
                        Some(socket) => outgoing.deliver(|frame| socket.send(frame)),
                        None => outgoing.queued,
                    };
                    if !unsent.is_empty() {
                        self.core.requeue(unsent);
                    }
                }
                Action::Send(frame) => {
                    let sent = self.socket.as_ref().map_or(Err("no socket".to_owned()), |socket| socket.send(&frame));
                    if let Err(why) = sent {
                        self.posts.push(WorkerEvent::SendRefused(why));
                    }
                }
                Action::PostDiff(diff) => self.posts.push(WorkerEvent::Diff(diff)),
                Action::PostStatus => {
                    let mut status = self.core.status(now_millis());
                    status.worker_memory_bytes = wasm_memory_bytes();
                    self.posts.push(WorkerEvent::Status(Box::new(status)));
                }
                Action::Refused(why) => self.posts.push(WorkerEvent::SendRefused(why)),
                Action::PostSessionFile { name, bytes } => self.posts.push(WorkerEvent::SessionFile { name, bytes }),
                Action::SessionError(why) => self.posts.push(WorkerEvent::SessionError(why)),
            }
        }
    }

    fn drop_socket(&mut self) {
        self.socket = None;
        self.generation += 1;
    }

    fn connect(&mut self, url: &str) {
        self.drop_socket();
        let sink = Rc::new(Sink { link: self.this.clone(), generation: self.generation, notify: self.notify.clone() });
        match Socket::open(url, sink) {
            Ok(socket) => self.socket = Some(socket),
            Err(why) => self.core.connect_failed(why, now_millis(), js_sys::Math::random()),
        }
    }
}

/// Where one socket reports: into the link, while it is the current one.
struct Sink {
    link: Weak<RefCell<Link>>,
    generation: u64,
    notify: Notify,
}

impl Sink {
    fn with_link(&self, f: impl FnOnce(&mut Link)) {
        let Some(link) = self.link.upgrade() else {
            return;
        };
        let Ok(mut link) = link.try_borrow_mut() else {
            return;
        };
        if link.generation == self.generation {
            f(&mut link);
        }
    }
}

impl SocketSink for Sink {
    fn opened(&self) {
        self.with_link(|link| {
            let actions = link.core.opened(now_millis());
            link.carry_out(actions);
        });
        (self.notify)();
    }
    fn text(&self, frame: String) {
        self.with_link(|link| {
            let start = perf_now();
            link.core.frame(frame, now_millis());
            link.core.add_reduce_millis(perf_now() - start);
        });
    }
    fn oversize(&self, len_utf16: usize) {
        self.with_link(|link| link.core.oversize_frame(len_utf16, now_millis()));
    }
    fn binary(&self, len_bytes: usize) {
        self.with_link(|link| link.core.binary_frame(len_bytes, now_millis()));
    }
    fn closed(&self, code: u16, reason: String) {
        self.with_link(|link| {
            let actions = link.core.closed(code, &reason, now_millis(), js_sys::Math::random());
            link.carry_out(actions);
        });
        (self.notify)();
    }
}

fn wasm_memory_bytes() -> u64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|memory| memory.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0, |buffer| u64::from(buffer.byte_length()))
}

fn now_millis() -> f64 {
    js_sys::Date::now()
}

thread_local! {
    /// The worker's `performance`, looked up once: read twice per frame, and
    /// finding it each time (the global, its type, the getter) cost 7 % of
    /// the worker's time at 25,000 single-message frames a second.
    static PERFORMANCE: Option<web_sys::Performance> = {
        use wasm_bindgen::JsCast;
        js_sys::global().dyn_into::<web_sys::WorkerGlobalScope>().ok().and_then(|global| global.performance())
    };
}

fn perf_now() -> f64 {
    PERFORMANCE.with(|performance| performance.as_ref().map_or_else(js_sys::Date::now, web_sys::Performance::now))
}

/// `HH:MM:SS` in the user's local time.
fn local_clock(epoch_millis: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(epoch_millis));
    format!("{:02}:{:02}:{:02}", date.get_hours(), date.get_minutes(), date.get_seconds())
}
