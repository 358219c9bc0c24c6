//! The messages across the worker boundary: one enum per direction. Plain
//! shapes only (externally tagged enums, no `flatten`, no skipped fields):
//! gloo-worker's bincode codec carries them, and a test round-trips them.
//! `Debug` never shows an auth token (logs and panic messages are read by
//! more people than the token is meant for).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::diff::Diff;
use crate::history::{HistoryBudget, HistoryStatus};
use crate::session::SessionMeta;

/// UI -> worker.
///
/// The auth token is the link's credential, kept by the worker across
/// `Configure`s: `SetToken` sets or clears it; a `Configure` whose config
/// carries `Some(token)` replaces it, one with `None` keeps it. So a token
/// survives project switches and reconfiguration, and one that arrives
/// before the first `Configure` is kept.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Use these settings and (re)connect; the first command the UI sends.
    /// Frames still queued for another source (URL, project or demo) are
    /// dropped and reported with `SendRefused`, never sent to the new one.
    Configure(LinkConfig),
    /// Connect now, whatever the state (skips any backoff wait).
    RetryNow,
    /// Keep reducing but hold diffs until `Resume`.
    Pause,
    /// Post one combined diff of everything held, then go on live.
    Resume,
    /// The page was hidden (no diffs are posted) or shown again.
    PageVisible(bool),
    /// The page regained focus or was restored: reconnect at once if waiting.
    Wake,
    /// Send this text frame to the server (queued, bounded, while not open).
    Send(String),
    /// Set (`Some`) or clear (`None`) the auth token, sent first on every
    /// open from the next one on; kept across `Configure`s.
    SetToken(Option<String>),
    /// Carry this node's log in diffs (and no other), or none.
    WatchLog(Option<String>),
    /// Remove a node locally (with its edges and log), as `node-delete` would.
    ClearNode(String),
    /// Remove an edge locally.
    ClearEdge(String),
    /// Empty the event list.
    ClearEvents,
    /// Show the state at this moment (epoch ms, clamped to the history),
    /// or the live state again (`None`). The live state goes on meanwhile.
    Rewind(Option<i64>),
    /// Save the history window as a session file (posted back as
    /// `WorkerEvent::SessionFile`).
    SaveSession,
    /// Open this session file instead of the link (until `Configure`).
    OpenSession(Vec<u8>),
    /// The page applied the data of a diff carrying `graph_changes` in
    /// `data_millis`: its data task, the part that grows with the changes
    /// (publishing them re-renders what is on screen, bounded by the
    /// screen, not by the diff). The worker sizes the next diffs to it
    /// (`DiffBudget`).
    Applied { data_millis: f64, graph_changes: u32 },
}

/// Where and how the worker connects.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkConfig {
    /// Absolute `ws:`/`wss:` URL without the `project` parameter.
    pub ws_url: String,
    pub project: String,
    /// `Some` replaces the worker's auth token, `None` keeps the one it has
    /// (see [`Command`]). Sent as the first frame after every open; never put
    /// in the URL.
    pub token: Option<String>,
    /// Run the built-in simulator instead of a socket.
    pub demo: bool,
    /// How often a diff is posted.
    pub flush_interval_millis: u32,
    /// An open link silent this long is shown as quiet.
    pub idle_limit_millis: u32,
    /// How much of the past to keep for time travel.
    pub history: HistoryBudget,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            ws_url: String::new(),
            project: "default".into(),
            token: None,
            demo: false,
            flush_interval_millis: crate::limits::DEFAULT_FLUSH_INTERVAL_MILLIS,
            idle_limit_millis: crate::limits::DEFAULT_IDLE_LIMIT_MILLIS,
            history: HistoryBudget::default(),
        }
    }
}

/// Shows whether a token is there, never the token.
struct Redacted<'a>(&'a Option<String>);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Some(<redacted>)" } else { "None" })
    }
}

impl fmt::Debug for LinkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let LinkConfig { ws_url, project, token, demo, flush_interval_millis, idle_limit_millis, history } = self;
        f.debug_struct("LinkConfig")
            .field("ws_url", ws_url)
            .field("project", project)
            .field("token", &Redacted(token))
            .field("demo", demo)
            .field("flush_interval_millis", flush_interval_millis)
            .field("idle_limit_millis", idle_limit_millis)
            .field("history", history)
            .finish()
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Configure(config) => f.debug_tuple("Configure").field(config).finish(),
            Command::RetryNow => f.write_str("RetryNow"),
            Command::Pause => f.write_str("Pause"),
            Command::Resume => f.write_str("Resume"),
            Command::PageVisible(visible) => f.debug_tuple("PageVisible").field(visible).finish(),
            Command::Wake => f.write_str("Wake"),
            Command::Send(frame) => f.debug_tuple("Send").field(frame).finish(),
            Command::SetToken(token) => f.debug_tuple("SetToken").field(&Redacted(token)).finish(),
            Command::WatchLog(node_id) => f.debug_tuple("WatchLog").field(node_id).finish(),
            Command::ClearNode(node_id) => f.debug_tuple("ClearNode").field(node_id).finish(),
            Command::ClearEdge(edge_id) => f.debug_tuple("ClearEdge").field(edge_id).finish(),
            Command::ClearEvents => f.write_str("ClearEvents"),
            Command::Rewind(at_millis) => f.debug_tuple("Rewind").field(at_millis).finish(),
            Command::SaveSession => f.write_str("SaveSession"),
            Command::OpenSession(bytes) => write!(f, "OpenSession(<{} bytes>)", bytes.len()),
            Command::Applied { data_millis, graph_changes } => f
                .debug_struct("Applied")
                .field("data_millis", data_millis)
                .field("graph_changes", graph_changes)
                .finish(),
        }
    }
}

/// Worker -> UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WorkerEvent {
    /// The changes since the last diff.
    Diff(Box<Diff>),
    /// Connection state and diagnostics, at least once a second.
    Status(Box<LinkStatus>),
    /// A `Send` command could not be queued; the text says why.
    SendRefused(String),
    /// A saved session file, to download as `name`.
    SessionFile { name: String, bytes: Vec<u8> },
    /// A session could not be saved or opened; the text says why.
    SessionError(String),
}

/// The phase of the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkPhase {
    /// Not configured yet.
    Idle,
    /// A socket is opening.
    Connecting,
    /// The socket is open.
    Open,
    /// Waiting before the next attempt.
    Waiting,
    /// The built-in simulator feeds the view.
    Demo,
}

/// A connection's rates over one window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LinkRates {
    pub messages_per_sec: f64,
    pub bytes_per_sec: f64,
    /// Worker time spent decoding and reducing, per second of wall time.
    pub reduce_millis_per_sec: f64,
}

/// What the connection badge and diagnostics show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkStatus {
    pub phase: LinkPhase,
    /// Consecutive failed attempts (0 once the link stayed healthy).
    pub attempt: u32,
    /// Until the next attempt, while waiting.
    pub retry_in_millis: Option<u32>,
    /// Why the link is in this phase, in words.
    pub reason: String,
    /// Open but silent for longer than the idle limit.
    pub quiet: bool,
    /// The graph may be out of date until the server's snapshot arrives.
    pub graph_stale: bool,
    /// A snapshot in several frames has begun and not ended: the graph is
    /// filling (stale until its last frame).
    pub snapshot_arriving: bool,
    pub paused: bool,
    /// The browser says it is online.
    pub online: bool,
    /// The URL in use (without any token).
    pub url: String,
    /// The connection's rates over the last closed window; `None` until
    /// one has closed since the link opened.
    pub rates: Option<LinkRates>,
    /// Events that arrived while paused (for "N new events").
    pub events_while_paused: u64,
    pub n_nodes: u64,
    pub n_edges: u64,
    /// Times the link was found quiet.
    pub quiet_periods: u64,
    /// Times the link opened after the first.
    pub reconnects: u64,
    /// Frames waiting to be sent until the link opens.
    pub queued_outgoing: u32,
    /// The worker's WebAssembly memory (it only grows; flat = bounded).
    pub worker_memory_bytes: u64,
    /// The time-travel history: its window, size, budget and marks.
    pub history: HistoryStatus,
    /// The moment the page is shown, while not live.
    pub rewound_to_millis: Option<i64>,
    /// A session file is open instead of the link.
    pub recording: Option<SessionMeta>,
    /// Graph changes the next diff may carry (sized to the page's pace).
    pub diff_graph_budget: u32,
}

impl Default for LinkStatus {
    fn default() -> Self {
        LinkStatus {
            phase: LinkPhase::Idle,
            attempt: 0,
            retry_in_millis: None,
            reason: "starting".into(),
            quiet: false,
            graph_stale: false,
            snapshot_arriving: false,
            paused: false,
            online: true,
            url: String::new(),
            rates: None,
            events_while_paused: 0,
            n_nodes: 0,
            n_edges: 0,
            quiet_periods: 0,
            reconnects: 0,
            queued_outgoing: 0,
            worker_memory_bytes: 0,
            history: HistoryStatus::default(),
            rewound_to_millis: None,
            recording: None,
            diff_graph_budget: crate::limits::MAX_GRAPH_CHANGES_PER_DIFF as u32,
        }
    }
}

/// The URL the worker opens: `ws_url` with `project` added to its query.
pub fn socket_url(ws_url: &str, project: &str) -> String {
    let separator = if ws_url.contains('?') { '&' } else { '?' };
    format!("{ws_url}{separator}project={}", percent_encode(project))
}

/// Percent-encodes everything but RFC 3986 unreserved characters (for a
/// query parameter's value).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_token() {
        let config = LinkConfig { token: Some("s3cret".into()), project: "p1".into(), ..LinkConfig::default() };
        let cases = [
            (
                format!("{config:?}"),
                r#"LinkConfig { ws_url: "", project: "p1", token: Some(<redacted>), demo: false, flush_interval_millis: 250, idle_limit_millis: 15000, history: HistoryBudget { max_age_millis: 900000, max_bytes: 67108864 } }"#,
            ),
            (
                format!("{:?}", Command::Configure(config.clone())),
                r#"Configure(LinkConfig { ws_url: "", project: "p1", token: Some(<redacted>), demo: false, flush_interval_millis: 250, idle_limit_millis: 15000, history: HistoryBudget { max_age_millis: 900000, max_bytes: 67108864 } })"#,
            ),
            (format!("{:?}", Command::SetToken(Some("s3cret".into()))), "SetToken(Some(<redacted>))"),
            (format!("{:?}", Command::SetToken(None)), "SetToken(None)"),
            (format!("{:#?}", Command::SetToken(Some("s3cret".into()))), "SetToken(\n    Some(<redacted>),\n)"),
            (format!("{:?}", Command::Send("{}".into())), r#"Send("{}")"#),
            (format!("{:?}", Command::WatchLog(Some("n1".into()))), r#"WatchLog(Some("n1"))"#),
            (format!("{:?}", Command::RetryNow), "RetryNow"),
            (format!("{:?}", Command::OpenSession(vec![0; 1000])), "OpenSession(<1000 bytes>)"),
        ];
        for (shown, expected) in cases {
            assert_eq!(shown, expected);
        }
    }

    #[test]
    fn socket_url_adds_an_encoded_project() {
        assert_eq!(socket_url("ws://h/ws", "default"), "ws://h/ws?project=default");
        assert_eq!(socket_url("wss://h/ws?x=1", "a b&c/é"), "wss://h/ws?x=1&project=a%20b%26c%2F%C3%A9");
    }
}
