//! The link's decisions as a pure state machine: when to connect, what to
//! send on open, what to queue or refuse, when a link is quiet, when a diff
//! and status are due. Time, randomness and socket events come in as
//! arguments; `Action`s come out for the browser glue (`link.rs`) to carry
//! out. Native, so it is tested with plain `cargo test`.
//!
//! A reconnect to the same server and project asks to resume after the
//! last position applied (`&since=`, see `resume.rs`); whether the link
//! lost anything is known only from the new connection's first frame, so
//! the "connection lost" event waits for it.
//!
//! The auth token is the link's credential, held apart from the settings:
//! `set_token` sets or clears it; `configure` replaces it only when its
//! config carries one, so it survives project switches and reconfiguration,
//! and a token that arrives before the first `configure` is kept.

use std::fmt;

use shared::bridge::{socket_url, LinkConfig, LinkPhase};
use shared::diff_budget::DiffBudget;
use shared::history::{History, Input, MarkKind};
use shared::limits::{
    DEFAULT_FLUSH_INTERVAL_MILLIS, DEFAULT_IDLE_LIMIT_MILLIS, FLUSH_INTERVAL_MILLIS_RANGE, IDLE_LIMIT_MILLIS_RANGE,
};
use shared::session::SessionMeta;
use shared::sim::Simulator;
use shared::{Diff, Reducer};

use crate::outbox::Outbox;
use crate::policy::{LinkPolicy, PolicyConfig};
use crate::rates::RateMeter;

/// Messages per second the built-in simulator produces in demo mode.
const DEMO_MESSAGES_PER_SEC: f64 = 400.0;
/// Nodes of the demo mesh.
const DEMO_NODES: usize = 48;
/// The demo never makes up for more than this much lost time at once.
const DEMO_MAX_STEP_MILLIS: f64 = 2_000.0;
/// Diagnostics are posted at least this often.
const STATUS_INTERVAL_MILLIS: f64 = 1000.0;
/// The clock ticks at least this often, whatever the diff interval, so
/// status (the page's sign of a live worker) and retries are never late by
/// a slow diff interval; diffs still go out once per diff interval.
pub const MAX_TICK_INTERVAL_MILLIS: u32 = 500;
/// A tick this much later than scheduled means the machine slept.
const CLOCK_JUMP_MILLIS: f64 = 5_000.0;
/// Rates are measured over windows this long.
const RATE_WINDOW_MILLIS: f64 = 1000.0;

/// What the glue must do, in order.
#[derive(Debug, PartialEq)]
pub enum Action {
    /// Close any current socket and open one to this URL.
    Connect(String),
    /// Close any current socket (its events must not reach the link).
    Disconnect,
    /// Send these on the socket that just opened; what it refuses goes
    /// back through [`LinkCore::requeue`].
    Flush(Outgoing),
    /// Send this frame the UI asked for now; a refusal is shown to the UI.
    Send(String),
    /// Post this diff to the page.
    PostDiff(Box<Diff>),
    /// Post the status as it is after the actions before this one.
    PostStatus,
    /// Post a session file to the page (to download as `name`).
    PostSessionFile { name: String, bytes: Vec<u8> },
    /// A session could not be saved or opened; the text says why.
    SessionError(String),
    /// Tell the UI that frames were not (and will not be) sent, and why.
    Refused(String),
}

/// What goes out on a fresh open: the auth frame first, built for this open
/// and never queued, then the frames that waited in the outbox.
#[derive(PartialEq)]
pub struct Outgoing {
    pub auth: Option<String>,
    pub queued: Vec<String>,
}

/// A close or failure the policy hears about.
struct Lost {
    close_code: Option<u16>,
    why: String,
}

/// The built-in simulator and when it last produced messages.
struct Demo {
    sim: Simulator,
    last_step_millis: f64,
}

/// The state the page is shown while it looks at an earlier moment.
struct Rewound {
    shown: Reducer,
    at_millis: i64,
}

/// The state behind the link, minus anything the browser owns.
pub struct LinkCore {
    reducer: Reducer,
    /// The live state's recent past (time travel).
    history: History,
    /// How many graph changes a live diff may carry (the page's pace).
    diff_budget: DiffBudget,
    /// While the page shows an earlier moment: that state, and the moment.
    /// Diffs then come from it; the live reducer goes on meanwhile.
    rewound: Option<Rewound>,
    /// A moment the page asked for (`Some(None)`: live), done on the tick.
    rewind_request: Option<Option<i64>>,
    /// A session file is open: no link; the history is the recording's.
    recording: Option<SessionMeta>,
    policy: LinkPolicy,
    outbox: Outbox,
    meter: RateMeter,
    config: Option<LinkConfig>,
    /// The credential; `config.token` is always `None` once configured.
    token: Option<String>,
    demo: Option<Demo>,
    /// Formats epoch millis as a local wall clock (the glue knows the zone).
    local_clock: fn(f64) -> String,
    paused: bool,
    visible: bool,
    online: bool,
    quiet: bool,
    quiet_periods: u64,
    opened_before: bool,
    reconnects: u64,
    lost_at_millis: Option<f64>,
    /// When the current connection opened, until its first frame arrives.
    first_frame_due: Option<f64>,
    /// The current connection asked to resume (its URL has `since`).
    resume_asked: bool,
    last_frame_millis: f64,
    last_tick_millis: f64,
    /// When the last diff was posted (diffs are paced by the diff interval).
    last_diff_millis: f64,
    last_status_millis: f64,
    reduce_millis_total: f64,
    events_at_pause: u64,
    status_due: bool,
}

impl LinkCore {
    pub fn new(local_clock: fn(f64) -> String) -> Self {
        LinkCore {
            reducer: Reducer::new(),
            history: History::default(),
            diff_budget: DiffBudget::default(),
            rewound: None,
            rewind_request: None,
            recording: None,
            policy: LinkPolicy::new(PolicyConfig::default()),
            outbox: Outbox::default(),
            meter: RateMeter::new(RATE_WINDOW_MILLIS),
            config: None,
            token: None,
            demo: None,
            local_clock,
            paused: false,
            visible: true,
            online: true,
            quiet: false,
            quiet_periods: 0,
            opened_before: false,
            reconnects: 0,
            lost_at_millis: None,
            first_frame_due: None,
            resume_asked: false,
            last_frame_millis: 0.0,
            last_tick_millis: 0.0,
            last_diff_millis: f64::NEG_INFINITY,
            last_status_millis: f64::NEG_INFINITY,
            reduce_millis_total: 0.0,
            events_at_pause: 0,
            status_due: true,
        }
    }

    pub fn reducer_mut(&mut self) -> &mut Reducer {
        &mut self.reducer
    }

    /// How often the glue should call `tick`.
    /// How often the glue must call `tick`.
    pub fn tick_interval_millis(&self) -> u32 {
        self.flush_interval_millis().min(MAX_TICK_INTERVAL_MILLIS)
    }

    pub fn flush_interval_millis(&self) -> u32 {
        let range = FLUSH_INTERVAL_MILLIS_RANGE;
        self.config.as_ref().map_or(DEFAULT_FLUSH_INTERVAL_MILLIS, |config| {
            config.flush_interval_millis.clamp(*range.start(), *range.end())
        })
    }

    fn idle_limit_millis(&self) -> f64 {
        let range = IDLE_LIMIT_MILLIS_RANGE;
        f64::from(
            self.config.as_ref().map_or(DEFAULT_IDLE_LIMIT_MILLIS, |config| {
                config.idle_limit_millis.clamp(*range.start(), *range.end())
            }),
        )
    }

    /// Sets (`Some`) or clears (`None`) the token sent on every open.
    pub fn set_token(&mut self, token: Option<String>) {
        self.token = token;
    }

    /// The socket opened: the auth frame, then what waited, go out.
    pub fn opened(&mut self, now_millis: f64) -> Vec<Action> {
        self.policy.opened(now_millis);
        self.record(now_millis, Input::ConnectionOpened);
        // Rates are of this connection's stream.
        self.meter.restart();
        self.last_frame_millis = now_millis;
        self.quiet = false;
        if self.opened_before {
            self.reconnects += 1;
        }
        self.opened_before = true;
        // Whether anything was lost is known at the first frame.
        self.first_frame_due = Some(now_millis);
        self.status_due = true;
        let outgoing = Outgoing { auth: self.token.as_deref().map(auth_frame), queued: self.outbox.drain().collect() };
        let mut actions = Vec::new();
        if outgoing.auth.is_some() || !outgoing.queued.is_empty() {
            actions.push(Action::Flush(outgoing));
        }
        actions.push(Action::PostStatus);
        actions
    }

    /// Queued frames the socket refused on open go back to the front, in
    /// order, for the next open: nothing is dropped silently.
    pub fn requeue(&mut self, unsent: Vec<String>) {
        for frame in unsent.into_iter().rev() {
            self.outbox.push_front(frame);
        }
        self.status_due = true;
    }

    /// The socket closed with a close event.
    pub fn closed(&mut self, code: u16, reason: &str, now_millis: f64, unit_random: f64) -> Vec<Action> {
        self.lost(Lost { close_code: Some(code), why: close_text(code, reason) }, now_millis, unit_random);
        // Closed before its first frame: the gap goes on from the first loss.
        self.first_frame_due = None;
        vec![Action::Disconnect, Action::PostStatus]
    }

    /// The socket could not even be created (e.g. a malformed URL).
    pub fn connect_failed(&mut self, why: String, now_millis: f64, unit_random: f64) {
        self.lost(Lost { close_code: None, why }, now_millis, unit_random);
    }

    fn lost(&mut self, lost: Lost, now_millis: f64, unit_random: f64) {
        if self.policy.phase() == LinkPhase::Open && self.lost_at_millis.is_none() {
            self.lost_at_millis = Some(now_millis);
            self.history.mark(now_millis as i64, MarkKind::Disconnected);
        }
        let why = if self.online { lost.why } else { format!("{}; browser offline", lost.why) };
        self.policy.closed(now_millis, lost.close_code, &why, unit_random);
        self.status_due = true;
    }

    /// A diff, unless nothing changed or the page holds diffs. While the
    /// page looks at an earlier moment, diffs come from that state (Pause
    /// holds only the live ones).
    fn take_diff_now(&mut self) -> Option<Diff> {
        if !self.visible {
            return None;
        }
        match self.rewound.as_mut() {
            Some(rewound) => rewound.shown.has_changes().then(|| rewound.shown.take_diff()),
            None => (!self.paused && self.reducer.has_changes()).then(|| self.diff_budget.take_diff(&mut self.reducer)),
        }
    }
}

impl fmt::Debug for Outgoing {
    /// Shows that an auth frame goes out, never the token in it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outgoing")
            .field("auth", &self.auth.as_ref().map(|_| "<redacted>"))
            .field("queued", &self.queued)
            .finish()
    }
}

impl Outgoing {
    /// Sends the auth frame, then the queued frames, in order, stopping at
    /// the first refusal. Returns the queued frames that were not sent (all
    /// of them if the auth frame was refused: nothing goes out unauthenticated)
    /// for [`LinkCore::requeue`]; the auth frame is never among them, since a
    /// fresh one is built on the next open.
    pub fn deliver(self, mut send: impl FnMut(&str) -> Result<(), String>) -> Vec<String> {
        if let Some(auth) = &self.auth {
            if send(auth).is_err() {
                return self.queued;
            }
        }
        let mut queued = self.queued.into_iter();
        while let Some(frame) = queued.next() {
            if send(&frame).is_err() {
                return std::iter::once(frame).chain(queued).collect();
            }
        }
        Vec::new()
    }
}

/// The auth frame PROTOCOL.md asks for after every open, in its field order.
fn auth_frame(token: &str) -> String {
    #[derive(serde::Serialize)]
    struct Auth<'a> {
        r#type: &'static str,
        token: &'a str,
    }
    serde_json::to_string(&Auth { r#type: "auth", token }).unwrap_or_default()
}

/// Why a socket closed, in words for the status line.
fn close_text(code: u16, reason: &str) -> String {
    match code {
        1006 => "connection failed or dropped".to_owned(),
        _ if reason.is_empty() => format!("closed by server (code {code})"),
        _ => format!("closed by server (code {code}: {reason})"),
    }
}

/// The source a config reads from, in words; frames never cross sources.
fn source_name(config: &LinkConfig) -> String {
    if config.demo {
        "the demo".to_owned()
    } else {
        format!("project {:?} at {}", config.project, config.ws_url)
    }
}

fn config_url(config: &LinkConfig) -> String {
    socket_url(&config.ws_url, &config.project)
}

mod clock;
mod commands;
mod frames;
mod resume;
mod rewind;
mod session;
mod source;
#[cfg(test)]
mod tests;
