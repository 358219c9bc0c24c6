//! The domain types of the mesh stream (PROTOCOL.md), as the client holds
//! them. Their serde derives are the plain shape that crosses the worker
//! boundary (bincode); the JSON wire shape lives in `decode` and `encode`.

use serde::{Deserialize, Serialize};

/// One decoded stream message: the envelope and its payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The server's `ts` in epoch milliseconds; `None` when missing or
    /// unparsable (the receive time is used instead).
    pub ts_millis: Option<i64>,
    /// The per-connection sequence number, when the server sends one.
    pub seq: Option<u64>,
    /// The message's place in the server's history, when it keeps one.
    pub pos: Option<Pos>,
    /// What the message does to the state.
    pub payload: Payload,
}

/// The payload types of the protocol (docs/protocol.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Payload {
    /// Insert or replace the node with `node.id`.
    NodeUpsert(MeshNode),
    /// Set the status of an existing node (an unknown id is an orphan).
    NodeStatus { id: String, status: Status },
    /// Remove the node, its incident edges and its log.
    NodeDelete { id: String },
    /// Insert or replace the edge with `edge.id`.
    EdgeUpsert(MeshEdge),
    /// Replace the stats of an existing edge (an unknown id is an orphan).
    EdgeStats { id: String, stats: EdgeStats },
    /// Remove the edge.
    EdgeDelete { id: String },
    /// Append an event stamped with the envelope time.
    Event { message: String, severity: Severity, node_id: Option<String> },
    /// Append text (possibly several or partial lines) to a node's log.
    LogChunk { node_id: String, text: String },
    /// Append a point to a named chart series.
    ChartPoint { series: String, point: ChartPoint },
    /// Replace the whole graph at once. A `partial` snapshot holds only the
    /// first part: upserts follow, and the graph is complete at `SnapshotEnd`.
    Snapshot { nodes: Vec<MeshNode>, edges: Vec<MeshEdge>, partial: bool },
    /// The end of a partial snapshot: the graph is complete again.
    SnapshotEnd,
    /// The server resumed the stream after `since`: the missed messages
    /// follow, and the state needs no snapshot.
    Resumed { since: Pos },
}

/// A place in a server's history: `offset` grows by exactly 1 per message
/// of a project within one `epoch`; a new epoch means a new history.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pos {
    pub epoch: String,
    pub offset: u64,
}

impl Pos {
    /// Reads the wire form `<epoch>:<offset>`; the epoch is non-empty, at
    /// most [`MAX_EPOCH_BYTES`] and holds no `:`.
    pub fn parse(text: &str) -> Option<Pos> {
        let (epoch, offset) = text.rsplit_once(':')?;
        let valid_epoch = !epoch.is_empty() && epoch.len() <= MAX_EPOCH_BYTES && !epoch.contains(':');
        let valid_offset = !offset.is_empty() && offset.bytes().all(|b| b.is_ascii_digit());
        if !(valid_epoch && valid_offset) {
            return None;
        }
        Some(Pos { epoch: epoch.to_owned(), offset: offset.parse().ok()? })
    }

    /// The position right after this one in the same epoch.
    pub fn next(&self) -> Pos {
        Pos { epoch: self.epoch.clone(), offset: self.offset.saturating_add(1) }
    }
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.epoch, self.offset)
    }
}

/// The longest epoch a position may carry.
pub const MAX_EPOCH_BYTES: usize = 64;

/// A node of the mesh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeshNode {
    pub id: String,
    pub kind: String,
    pub label: String,
    pub status: Status,
    /// `meta` entries sorted by key; each value is kept as its JSON text so
    /// that nothing the server sent is lost or reinterpreted.
    pub meta: Vec<MetaEntry>,
}

/// One `meta` entry of a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaEntry {
    pub key: String,
    /// The value as compact JSON text (`"eu-west"`, `42`, `{"a":1}`).
    pub json: String,
}

impl MetaEntry {
    /// The value for display: a JSON string without its quotes, anything
    /// else as its JSON text.
    pub fn display_value(&self) -> String {
        match serde_json::from_str::<String>(&self.json) {
            Ok(text) => text,
            Err(_) => self.json.clone(),
        }
    }
}

/// An edge of the mesh; its endpoints need not exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeshEdge {
    pub id: String,
    pub source: String,
    pub target: String,
    pub kind: Option<String>,
    pub stats: Option<EdgeStats>,
}

/// Live numbers of an edge. Unknown numeric fields are kept in `other`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EdgeStats {
    pub throughput: Option<f64>,
    pub latency_millis: Option<f64>,
    /// Fraction of failed requests, 0..=1.
    pub error_rate: Option<f64>,
    pub bytes: Option<f64>,
    /// Other numeric fields, sorted by name.
    pub other: Vec<(String, f64)>,
}

/// One chart point: `t` in epoch milliseconds, `y` the value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChartPoint {
    pub t_millis: f64,
    pub y: f64,
}

/// A node status; any string outside the known set is kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    Idle,
    Starting,
    Running,
    Ok,
    Degraded,
    Error,
    Stopped,
    /// A status this client does not know, shown as unknown.
    Other(String),
}

impl Status {
    /// The status named by a wire string.
    pub fn from_wire(text: &str) -> Status {
        match text {
            "idle" => Status::Idle,
            "starting" => Status::Starting,
            "running" => Status::Running,
            "ok" => Status::Ok,
            "degraded" => Status::Degraded,
            "error" => Status::Error,
            "stopped" => Status::Stopped,
            other => Status::Other(other.to_owned()),
        }
    }

    /// The wire string of this status.
    pub fn as_wire(&self) -> &str {
        match self {
            Status::Idle => "idle",
            Status::Starting => "starting",
            Status::Running => "running",
            Status::Ok => "ok",
            Status::Degraded => "degraded",
            Status::Error => "error",
            Status::Stopped => "stopped",
            Status::Other(text) => text,
        }
    }
}

/// Severity of an event; anything unknown is read as `Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    Debug,
    Info,
    Warn,
    Error,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 4] = [Severity::Debug, Severity::Info, Severity::Warn, Severity::Error];

    /// The severity named by a wire string (`Info` for anything unknown).
    pub fn from_wire(text: &str) -> Severity {
        match text {
            "debug" => Severity::Debug,
            "warn" => Severity::Warn,
            "error" => Severity::Error,
            _ => Severity::Info,
        }
    }

    /// The wire string of this severity.
    pub fn as_wire(self) -> &'static str {
        match self {
            Severity::Debug => "debug",
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }
}

/// The kind of a payload, for counting messages by type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    NodeUpsert,
    NodeStatus,
    NodeDelete,
    EdgeUpsert,
    EdgeStats,
    EdgeDelete,
    Event,
    LogChunk,
    ChartPoint,
    Snapshot,
    SnapshotEnd,
    Resumed,
}

impl MessageKind {
    /// How many kinds there are (the size of counter arrays).
    pub const COUNT: usize = 12;

    /// Every kind, in the protocol's order.
    pub const ALL: [MessageKind; MessageKind::COUNT] = [
        MessageKind::NodeUpsert,
        MessageKind::NodeStatus,
        MessageKind::NodeDelete,
        MessageKind::EdgeUpsert,
        MessageKind::EdgeStats,
        MessageKind::EdgeDelete,
        MessageKind::Event,
        MessageKind::LogChunk,
        MessageKind::ChartPoint,
        MessageKind::Snapshot,
        MessageKind::SnapshotEnd,
        MessageKind::Resumed,
    ];

    /// The `data.type` string of this kind.
    pub fn wire_name(self) -> &'static str {
        match self {
            MessageKind::NodeUpsert => "node-upsert",
            MessageKind::NodeStatus => "node-status",
            MessageKind::NodeDelete => "node-delete",
            MessageKind::EdgeUpsert => "edge-upsert",
            MessageKind::EdgeStats => "edge-stats",
            MessageKind::EdgeDelete => "edge-delete",
            MessageKind::Event => "event",
            MessageKind::LogChunk => "log-chunk",
            MessageKind::ChartPoint => "chart-point",
            MessageKind::Snapshot => "snapshot",
            MessageKind::SnapshotEnd => "snapshot-end",
            MessageKind::Resumed => "resumed",
        }
    }

    /// The kind named by a `data.type` string, if it is a known one.
    pub fn from_wire(text: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|kind| kind.wire_name() == text)
    }

    /// A dense index (0..COUNT) for counter arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl Payload {
    /// The kind of this payload.
    pub fn kind(&self) -> MessageKind {
        match self {
            Payload::NodeUpsert(_) => MessageKind::NodeUpsert,
            Payload::NodeStatus { .. } => MessageKind::NodeStatus,
            Payload::NodeDelete { .. } => MessageKind::NodeDelete,
            Payload::EdgeUpsert(_) => MessageKind::EdgeUpsert,
            Payload::EdgeStats { .. } => MessageKind::EdgeStats,
            Payload::EdgeDelete { .. } => MessageKind::EdgeDelete,
            Payload::Event { .. } => MessageKind::Event,
            Payload::LogChunk { .. } => MessageKind::LogChunk,
            Payload::ChartPoint { .. } => MessageKind::ChartPoint,
            Payload::Snapshot { .. } => MessageKind::Snapshot,
            Payload::SnapshotEnd => MessageKind::SnapshotEnd,
            Payload::Resumed { .. } => MessageKind::Resumed,
        }
    }
}
