//! The worker's state behind the gloo glue: the reducer, the reconnect
//! policy, the socket and the clocks. Socket frames are reduced here
//! directly (the hot path); everything else happens on the timer tick or on
//! a command.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use shared::bridge::{socket_url, LinkConfig, LinkPhase, LinkStatus};
use shared::sim::{SimConfig, Simulator};
use shared::{Diff, Event, MessageKind, Reducer, Severity};

use crate::outbox::Outbox;
use crate::policy::{Action, LinkPolicy, PolicyConfig, WakeReason};
use crate::rates::{RateMeter, Totals};
use crate::socket::{Socket, SocketSink};

/// Messages per second the built-in simulator produces in demo mode.
const DEMO_MESSAGES_PER_SEC: f64 = 400.0;
/// Nodes of the demo mesh.
const DEMO_NODES: usize = 48;
/// Diagnostics are posted at least this often.
const STATUS_INTERVAL_MILLIS: f64 = 1000.0;
/// A tick this much later than scheduled means the machine slept.
const CLOCK_JUMP_MILLIS: f64 = 5_000.0;

/// Called with the socket's open/close (rare) so the glue can post status.
pub type Notify = Rc<dyn Fn()>;

pub struct Link {
    reducer: Reducer,
    policy: LinkPolicy,
    outbox: Outbox,
    meter: RateMeter,
    config: Option<LinkConfig>,
    socket: Option<Socket>,
    /// Bumped per socket, so events of a replaced socket are ignored.
    generation: u64,
    demo: Option<Simulator>,
    paused: bool,
    visible: bool,
    online: bool,
    quiet: bool,
    quiet_periods: u64,
    opened_before: bool,
    reconnects: u64,
    lost_at_millis: Option<f64>,
    last_frame_millis: f64,
    last_tick_millis: f64,
    last_status_millis: f64,
    reduce_millis_total: f64,
    events_at_pause: u64,
    status_due: bool,
}

impl Link {
    pub fn new() -> Self {
        Link {
            reducer: Reducer::new(),
            policy: LinkPolicy::new(PolicyConfig::default()),
            outbox: Outbox::default(),
            meter: RateMeter::new(1000.0),
            config: None,
            socket: None,
            generation: 0,
            demo: None,
            paused: false,
            visible: true,
            online: true,
            quiet: false,
            quiet_periods: 0,
            opened_before: false,
            reconnects: 0,
            lost_at_millis: None,
            last_frame_millis: 0.0,
            last_tick_millis: 0.0,
            last_status_millis: f64::NEG_INFINITY,
            reduce_millis_total: 0.0,
            events_at_pause: 0,
            status_due: true,
        }
    }

    pub fn reducer_mut(&mut self) -> &mut Reducer {
        &mut self.reducer
    }

    pub fn flush_interval_millis(&self) -> u32 {
        self.config.as_ref().map_or(250, |config| config.flush_interval_millis.clamp(16, 10_000))
    }

    /// New settings: drop any socket and start over.
    pub fn configure(this: &Rc<RefCell<Link>>, config: LinkConfig, notify: Notify) {
        let mut link = this.borrow_mut();
        link.socket = None;
        link.demo = None;
        // Another source: nothing of the old one may linger on screen.
        let same_source = link.config.as_ref().is_some_and(|old| {
            (old.ws_url.as_str(), old.project.as_str(), old.demo)
                == (config.ws_url.as_str(), config.project.as_str(), config.demo)
        });
        if link.config.is_some() && !same_source {
            link.reducer.reset();
            link.lost_at_millis = None;
            link.opened_before = false;
        }
        if config.demo {
            let sim = Simulator::new(SimConfig { n_nodes: DEMO_NODES, ..SimConfig::default() });
            let now = now_millis();
            link.reducer.apply(sim.snapshot(now as i64), now as i64);
            link.demo = Some(sim);
            link.policy.demo();
            link.config = Some(config);
            link.status_due = true;
            return;
        }
        link.config = Some(config);
        if link.policy.start() == Action::Connect {
            drop(link);
            Link::connect(this, notify);
        }
    }

    pub fn set_token(&mut self, token: Option<String>) {
        if let Some(config) = self.config.as_mut() {
            config.token = token;
        }
    }

    pub fn retry_now(this: &Rc<RefCell<Link>>, notify: Notify) {
        let action = this.borrow_mut().policy.retry_now();
        if action == Action::Connect {
            Link::connect(this, notify);
        }
    }

    pub fn wake(this: &Rc<RefCell<Link>>, reason: WakeReason, notify: Notify) {
        let action = this.borrow_mut().policy.wake(reason);
        if action == Action::Connect {
            Link::connect(this, notify);
        }
        this.borrow_mut().status_due = true;
    }

    pub fn set_online(&mut self, online: bool) {
        self.online = online;
        self.status_due = true;
    }

    pub fn set_paused(&mut self, paused: bool) {
        if paused && !self.paused {
            self.events_at_pause = self.reducer.counters().messages_of(MessageKind::Event);
        }
        self.paused = paused;
        self.status_due = true;
    }

    pub fn set_visible(&mut self, visible: bool) {
        self.visible = visible;
    }

    /// Queues or sends a frame for the server; `Err` says why it was refused.
    pub fn send(&mut self, frame: String) -> Result<(), String> {
        match &self.socket {
            Some(socket) if socket.is_open() && self.policy.phase() == LinkPhase::Open => socket.send(&frame),
            _ if self.demo.is_some() => Err("not sent: demo mode has no server".into()),
            _ => {
                let queued = self.outbox.push(frame);
                self.status_due = true;
                queued
            }
        }
    }

    fn connect(this: &Rc<RefCell<Link>>, notify: Notify) {
        let mut link = this.borrow_mut();
        link.socket = None;
        link.generation += 1;
        let Some(config) = link.config.clone() else {
            return;
        };
        let sink = Rc::new(Sink { link: Rc::downgrade(this), generation: link.generation, notify });
        match Socket::open(&socket_url(&config.ws_url, &config.project), sink) {
            Ok(socket) => link.socket = Some(socket),
            Err(why) => link.policy.closed(now_millis(), &why, js_sys::Math::random()),
        }
        link.status_due = true;
    }

    fn opened(&mut self) {
        let now = now_millis();
        self.policy.opened(now);
        self.reducer.connection_opened();
        self.last_frame_millis = now;
        self.quiet = false;
        if self.opened_before {
            self.reconnects += 1;
        }
        self.opened_before = true;
        if let Some(lost_at) = self.lost_at_millis.take() {
            let message = format!("connection lost {} – {}", local_clock(lost_at), local_clock(now));
            self.reducer.push_local_event(Event {
                ts_millis: now as i64,
                severity: Severity::Warn,
                message,
                node_id: None,
                local: true,
            });
        }
        if let (Some(socket), Some(config)) = (&self.socket, &self.config) {
            let mut frames: Vec<String> = Vec::new();
            if let Some(token) = &config.token {
                frames.push(auth_frame(token));
            }
            frames.extend(self.outbox.drain());
            // A refused send keeps that frame and the rest queued, in order,
            // for the next open: nothing is dropped silently.
            let mut pending = frames.into_iter();
            while let Some(frame) = pending.next() {
                if socket.send(&frame).is_err() {
                    let unsent: Vec<String> = std::iter::once(frame).chain(pending).collect();
                    for frame in unsent.into_iter().rev() {
                        self.outbox.push_front(frame);
                    }
                    break;
                }
            }
        }
        self.status_due = true;
    }

    fn closed(&mut self, why: String) {
        let now = now_millis();
        if self.policy.phase() == LinkPhase::Open && self.lost_at_millis.is_none() {
            self.lost_at_millis = Some(now);
        }
        self.socket = None;
        let why = if self.online { why } else { format!("{why}; browser offline") };
        self.policy.closed(now, &why, js_sys::Math::random());
        self.status_due = true;
    }

    fn frame(&mut self, frame: &str) {
        let start = perf_now();
        let now = now_millis();
        self.reducer.apply_frame(frame, now as i64);
        self.last_frame_millis = now;
        self.quiet = false;
        self.reduce_millis_total += perf_now() - start;
    }

    /// The clock tick: backoff timers, demo feed, silence and sleep
    /// detection, then at most one diff and (at least once a second) status.
    pub fn tick(this: &Rc<RefCell<Link>>, notify: Notify) -> (Option<Diff>, Option<LinkStatus>) {
        let now = now_millis();
        let mut link = this.borrow_mut();
        let late_by = now - link.last_tick_millis - f64::from(link.flush_interval_millis());
        let slept = link.last_tick_millis > 0.0 && late_by > CLOCK_JUMP_MILLIS;
        let previous_tick = std::mem::replace(&mut link.last_tick_millis, now);
        let idle_limit = link.config.as_ref().map_or(15_000.0, |config| f64::from(config.idle_limit_millis));
        let silent_for = now - link.last_frame_millis;
        let mut action = link.policy.tick(now);
        if slept {
            if link.policy.phase() == LinkPhase::Open && silent_for > idle_limit {
                // The link may have died while the machine slept: probe it
                // by reconnecting rather than trusting a socket that says open.
                link.policy.closed(now, "link silent after sleep", 0.0);
                action = link.policy.wake(WakeReason::ClockJump);
            } else if action == Action::None {
                action = link.policy.wake(WakeReason::ClockJump);
            }
        }
        if link.policy.phase() == LinkPhase::Open && silent_for > idle_limit && !link.quiet {
            link.quiet = true;
            link.quiet_periods += 1;
            link.status_due = true;
        }
        link.run_demo(previous_tick, now);
        if action == Action::Connect {
            drop(link);
            Link::connect(this, notify);
            link = this.borrow_mut();
        }
        let counters = link.reducer.counters();
        let totals =
            Totals { messages: counters.messages(), bytes: counters.bytes, reduce_millis: link.reduce_millis_total };
        let window_closed = link.meter.sample(now, totals);
        let diff = link.take_diff_now();
        let status_due = link.status_due || window_closed || now - link.last_status_millis >= STATUS_INTERVAL_MILLIS;
        let status = status_due.then(|| {
            link.status_due = false;
            link.last_status_millis = now;
            link.status(now)
        });
        (diff, status)
    }

    fn run_demo(&mut self, previous_tick: f64, now: f64) {
        let Some(sim) = self.demo.as_mut() else {
            return;
        };
        let elapsed = if previous_tick > 0.0 { (now - previous_tick).clamp(0.0, 2_000.0) } else { 0.0 };
        let count = (elapsed * DEMO_MESSAGES_PER_SEC / 1000.0).round() as usize;
        let start = perf_now();
        for _ in 0..count {
            let message = sim.next_message(now as i64);
            self.reducer.apply(message, now as i64);
        }
        self.last_frame_millis = now;
        self.reduce_millis_total += perf_now() - start;
    }

    /// A diff, unless nothing changed or the page holds diffs (paused or
    /// hidden); used by the tick, on resume and on page shown.
    pub fn take_diff_now(&mut self) -> Option<Diff> {
        (!self.paused && self.visible && self.reducer.has_changes()).then(|| self.reducer.take_diff())
    }

    pub fn status(&self, now: f64) -> LinkStatus {
        let counters = self.reducer.counters();
        let rates = self.meter.rates();
        LinkStatus {
            phase: self.policy.phase(),
            attempt: self.policy.attempt(),
            retry_in_millis: self.policy.retry_in_millis(now).map(|millis| millis.round() as u32),
            reason: self.policy.reason().to_owned(),
            quiet: self.quiet,
            graph_stale: self.reducer.graph_stale(),
            paused: self.paused,
            online: self.online,
            url: self.config.as_ref().map(|config| socket_url(&config.ws_url, &config.project)).unwrap_or_default(),
            messages_per_sec: rates.messages_per_sec,
            bytes_per_sec: rates.bytes_per_sec,
            reduce_millis_per_sec: rates.reduce_millis_per_sec,
            events_while_paused: if self.paused {
                counters.messages_of(MessageKind::Event).saturating_sub(self.events_at_pause)
            } else {
                0
            },
            n_nodes: self.reducer.nodes().len() as u64,
            n_edges: self.reducer.edges().len() as u64,
            quiet_periods: self.quiet_periods,
            reconnects: self.reconnects,
            queued_outgoing: self.outbox.len() as u32,
            worker_memory_bytes: wasm_memory_bytes(),
        }
    }
}

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
        self.with_link(Link::opened);
        (self.notify)();
    }
    fn text(&self, frame: &str) {
        self.with_link(|link| link.frame(frame));
    }
    fn binary(&self, len_bytes: usize) {
        self.with_link(|link| {
            link.reducer.apply_binary_frame(len_bytes);
            link.last_frame_millis = now_millis();
        });
    }
    fn closed(&self, why: String) {
        self.with_link(|link| link.closed(why));
        (self.notify)();
    }
}

/// The auth frame PROTOCOL.md asks for after every open.
fn auth_frame(token: &str) -> String {
    serde_json::json!({ "type": "auth", "token": token }).to_string()
}

fn wasm_memory_bytes() -> u64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|memory| memory.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0, |buffer| u64::from(buffer.byte_length()))
}

pub fn now_millis() -> f64 {
    js_sys::Date::now()
}

fn perf_now() -> f64 {
    use wasm_bindgen::JsCast;
    js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .ok()
        .and_then(|global| global.performance())
        .map_or_else(js_sys::Date::now, |performance| performance.now())
}

/// `HH:MM:SS` in the user's local time.
fn local_clock(epoch_millis: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(epoch_millis));
    format!("{:02}:{:02}:{:02}", date.get_hours(), date.get_minutes(), date.get_seconds())
}
