//! What the worker posts to the UI on each tick: the changes since the last
//! diff, coalesced and bounded, plus cumulative counters. Plain types only
//! (no untagged enums, `flatten` or skipped fields) so bincode carries them.

use serde::{Deserialize, Serialize};

use crate::decode::DecodeErrorKind;
use crate::protocol::{ChartPoint, MeshEdge, MeshNode, MessageKind, Severity};
use crate::ring::RingDelta;

/// An entry of the event list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The envelope time (or receive time) in epoch milliseconds.
    pub ts_millis: i64,
    pub severity: Severity,
    pub message: String,
    pub node_id: Option<String>,
    /// Made by this client (e.g. a connection gap), not sent by the server.
    pub local: bool,
}

/// The changes since the previous diff. Applying every diff in order to an
/// empty `View` yields the reducer's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// The worker started over (a new project or server): drop everything
    /// before applying the rest of this diff.
    pub view_reset: bool,
    /// A snapshot replaced the graph: drop all nodes and edges first; the
    /// upserts here and in the next diffs then rebuild it.
    pub graph_reset: bool,
    /// Nodes inserted or changed (each id at most once).
    pub node_upserts: Vec<MeshNode>,
    /// Nodes removed (never also in `node_upserts`).
    pub node_removals: Vec<String>,
    pub edge_upserts: Vec<MeshEdge>,
    pub edge_removals: Vec<String>,
    /// New events, oldest first, at most `MAX_EVENTS`.
    pub events: RingDelta<Event>,
    /// Per-node log changes.
    pub logs: Vec<LogDelta>,
    /// Nodes whose log was removed (the node was deleted).
    pub log_removals: Vec<String>,
    /// Per-series chart changes.
    pub series: Vec<SeriesDelta>,
    /// Series removed (the shown moment changed to one without them).
    pub series_removals: Vec<String>,
    /// The receiver is being moved to another moment (time travel): what
    /// changed is the user's doing, so views may redraw at once.
    pub moved: bool,
    /// Graph changes still queued in the worker for the next diffs.
    pub pending_graph_changes: u64,
    /// Nodes and edges in the worker's graph, the queued changes included:
    /// what the receiver's graph holds once it has caught up. A fill sizes
    /// the receiver's maps to it once (`view::reserve_for`) instead of
    /// growing them row by row.
    pub graph_size: GraphSize,
    /// How many diffs the oldest of those has missed (0: none waits): how
    /// far behind the stream the receiver's graph is, in diff intervals.
    pub graph_lag_diffs: u32,
    /// Part of a snapshot filling the receiver's graph at full pace
    /// (`DiffBudget`): a one-off, not the live pace.
    pub snapshot_fill: bool,
    /// Totals since the worker started.
    pub counters: Counters,
}

/// How many nodes and edges a graph holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphSize {
    pub nodes: u32,
    pub edges: u32,
}

/// New lines of one node's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogDelta {
    pub node_id: String,
    /// Complete lines, oldest first.
    pub lines: RingDelta<String>,
    /// The unfinished last line as it stands now (may be empty).
    pub partial: String,
}

/// New points of one chart series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesDelta {
    pub series: String,
    pub points: RingDelta<ChartPoint>,
}

/// Cumulative counters of the stream and the reducer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counters {
    pub frames: u64,
    pub bytes: u64,
    /// Messages applied, by `MessageKind::index`.
    pub messages_by_kind: [u64; MessageKind::COUNT],
    /// Frames or messages not applied, by `DecodeErrorKind::index`.
    pub errors_by_kind: [u64; 6],
    /// The most recent decode error, for diagnostics.
    pub last_error: Option<String>,
    pub orphan_node_status: u64,
    pub orphan_edge_stats: u64,
    /// Times `seq` jumped forward, and the messages those jumps skipped.
    pub seq_gaps: u64,
    pub seq_missing: u64,
    /// Times `seq` went back (normal after a reconnect).
    pub seq_resets: u64,
    /// Messages whose `ts` was missing or unparsable.
    pub ts_fallbacks: u64,
    pub evicted_events: u64,
    pub evicted_log_lines: u64,
    pub evicted_points: u64,
    /// Log lines cut at `MAX_LOG_LINE_BYTES`.
    pub log_lines_cut: u64,
    /// Chart points dropped because `MAX_CHART_SERIES` series exist.
    pub dropped_series_points: u64,
    /// Log chunks dropped because `MAX_LOG_STREAMS` logs exist.
    pub dropped_log_chunks: u64,
    /// Events pushed and evicted between two diffs (never shown).
    pub skipped_events: u64,
    /// Event messages cut at `MAX_EVENT_MESSAGE_BYTES`.
    pub event_messages_cut: u64,
    /// Unfinished log lines dropped to keep logs within `MAX_LOG_BYTES_TOTAL`.
    pub dropped_log_partials: u64,
    /// Messages whose `seq` was present but invalid (read as absent).
    pub invalid_seq: u64,
    /// Messages whose `pos` was present but invalid (read as absent).
    pub invalid_pos: u64,
    /// Messages kept after their lone surrogate escapes became U+FFFD.
    pub repaired_surrogates: u64,
    /// Extra numeric edge stats past `MAX_EXTRA_EDGE_STATS`, left out.
    pub dropped_edge_stats: u64,
    /// Times the server resumed the stream instead of sending a snapshot.
    pub resumes: u64,
    /// Messages that came with a `resumed` in its frame (the replay).
    pub resumed_messages: u64,
}

impl Counters {
    /// All messages applied.
    pub fn messages(&self) -> u64 {
        self.messages_by_kind.iter().sum()
    }

    /// All decode errors.
    pub fn errors(&self) -> u64 {
        self.errors_by_kind.iter().sum()
    }

    pub fn messages_of(&self, kind: MessageKind) -> u64 {
        self.messages_by_kind.get(kind.index()).copied().unwrap_or(0)
    }

    pub fn errors_of(&self, kind: DecodeErrorKind) -> u64 {
        self.errors_by_kind.get(kind.index()).copied().unwrap_or(0)
    }
}

impl Diff {
    /// Nodes and edges inserted, changed or removed.
    pub fn graph_changes(&self) -> usize {
        self.node_upserts.len() + self.node_removals.len() + self.edge_upserts.len() + self.edge_removals.len()
    }

    /// True when the diff changes nothing but counters.
    pub fn is_empty(&self) -> bool {
        !self.view_reset
            && !self.graph_reset
            && self.node_upserts.is_empty()
            && self.node_removals.is_empty()
            && self.edge_upserts.is_empty()
            && self.edge_removals.is_empty()
            && self.events.is_empty()
            && self.logs.is_empty()
            && self.log_removals.is_empty()
            && self.series.is_empty()
            && self.series_removals.is_empty()
    }
}
