//! The bounded reducer: applies stream messages in O(1) amortized time each
//! (a snapshot costs its own size) and hands out coalesced, bounded diffs.
//! Pure: no I/O, no clock (time comes in as an argument), no web APIs.

use serde::{Deserialize, Serialize};

mod dirty;
mod frozen;
mod graph;
mod hash;
pub use hash::IdKey;
mod logs;
mod node_log;
mod read;
mod retarget;
mod validate;

use hash::{FastMap, FastSet};

use crate::decode::{decode_frame_into, oversize_error, DecodeError, DecodeErrorKind, DecodeNotes, DecodedFrame};
use crate::diff::{Counters, Diff, Event, GraphSize};
use crate::limits::{
    MAX_CHART_SERIES, MAX_EVENTS, MAX_EVENT_MESSAGE_BYTES, MAX_GRAPH_CHANGES_PER_DIFF, MAX_POINTS_PER_SERIES,
};
use crate::protocol::{ChartPoint, Message, Payload, Pos};
use crate::ring::TrackedRing;

pub use frozen::{Frozen, FrozenBytes};
pub use graph::Applied;
use graph::Graph;
use logs::LogStore;
pub use logs::LogWatch;

/// The longest decode error text kept for diagnostics.
const MAX_ERROR_DETAIL_CHARS: usize = 200;

/// The client's whole state of one project view, and what changed since the
/// last diff.
/// Serializable whole (a session file holds one): its maps, rings and
/// bookkeeping, so a loaded state goes on exactly as the saved one would.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reducer {
    graph: Graph,
    events: TrackedRing<Event>,
    logs: LogStore,
    series: FastMap<String, TrackedRing<ChartPoint>>,
    dirty_series: FastSet<String>,
    /// Series the receiver holds that this state no longer has (after a
    /// `retarget`): removed in the next diff.
    removed_series: FastSet<String>,
    counters: Counters,
    last_seq: Option<u64>,
    /// The position of the last message applied that carried one.
    last_pos: Option<Pos>,
    /// The graph may be out of date (the link dropped) until a snapshot.
    graph_stale: bool,
    /// A `partial` snapshot arrived and its `snapshot-end` has not.
    snapshot_open: bool,
    /// `reset` was called since the last diff.
    view_reset_pending: bool,
    /// `retarget` was called since the last diff.
    moved_pending: bool,
    /// Where each frame is decoded: its buffers are kept from frame to
    /// frame (empty between frames, so not part of the state).
    #[serde(skip)]
    decoded: DecodedFrame,
}

impl Default for Reducer {
    fn default() -> Self {
        Reducer {
            graph: Graph::default(),
            events: TrackedRing::new(MAX_EVENTS),
            logs: LogStore::default(),
            series: FastMap::default(),
            dirty_series: FastSet::default(),
            removed_series: FastSet::default(),
            counters: Counters::default(),
            last_seq: None,
            last_pos: None,
            graph_stale: false,
            snapshot_open: false,
            view_reset_pending: false,
            moved_pending: false,
            decoded: DecodedFrame::default(),
        }
    }
}

impl Reducer {
    pub fn new() -> Self {
        Reducer::default()
    }

    /// Decodes a text frame and applies every good message in it; errors are
    /// counted. `now_millis` stamps messages without a usable `ts`.
    pub fn apply_frame(&mut self, text: &str, now_millis: i64) {
        self.counters.frames += 1;
        self.counters.bytes += text.len() as u64;
        let mut decoded = std::mem::take(&mut self.decoded);
        decode_frame_into(text, &mut decoded);
        for error in decoded.errors.drain(..) {
            self.count_error(error);
        }
        self.count_notes(decoded.notes);
        // Messages after a `resumed` in the same frame are the replay.
        let mut in_replay = false;
        for message in decoded.messages.drain(..) {
            let resumed = matches!(message.payload, Payload::Resumed { .. });
            self.counters.resumed_messages += u64::from(in_replay && !resumed);
            in_replay |= resumed;
            self.apply(message, now_millis);
        }
        self.decoded = decoded;
    }

    /// Counts a text frame that was over the limit before it was even
    /// copied (`len` is its length in UTF-16 units, a lower bound on bytes).
    pub fn count_oversize_frame(&mut self, len: usize) {
        self.counters.frames += 1;
        self.count_error(oversize_error(len));
    }

    /// Counts a binary frame, which the protocol does not use.
    pub fn apply_binary_frame(&mut self, len_bytes: usize) {
        self.counters.frames += 1;
        self.counters.bytes += len_bytes as u64;
        self.count_error(DecodeError {
            kind: DecodeErrorKind::Binary,
            detail: format!("binary frame of {len_bytes} bytes"),
        });
    }

    /// Applies one decoded message.
    pub fn apply(&mut self, message: Message, now_millis: i64) {
        let kind = message.payload.kind();
        if let Some(count) = self.counters.messages_by_kind.get_mut(kind.index()) {
            *count += 1;
        }
        self.track_seq(message.seq);
        if let Some(pos) = message.pos {
            self.last_pos = Some(pos);
        }
        let ts_millis = message.ts_millis.unwrap_or_else(|| {
            self.counters.ts_fallbacks += 1;
            now_millis
        });
        match message.payload {
            Payload::NodeUpsert(node) => self.graph.upsert_node(node),
            Payload::NodeStatus { id, status } => {
                if self.graph.set_node_status(&id, status) == Applied::Orphan {
                    self.counters.orphan_node_status += 1;
                }
            }
            Payload::NodeDelete { id } => self.delete_node(&id),
            Payload::EdgeUpsert(edge) => self.graph.upsert_edge(edge),
            Payload::EdgeStats { id, stats } => {
                if self.graph.set_edge_stats(&id, stats) == Applied::Orphan {
                    self.counters.orphan_edge_stats += 1;
                }
            }
            Payload::EdgeDelete { id } => self.graph.delete_edge(&id),
            Payload::Event { mut message, severity, node_id } => {
                if cut_at_char_boundary(&mut message, MAX_EVENT_MESSAGE_BYTES) {
                    self.counters.event_messages_cut += 1;
                }
                self.push_event(Event { ts_millis, severity, message, node_id, local: false });
            }
            Payload::LogChunk { node_id, text } => self.append_log(node_id, &text),
            Payload::ChartPoint { series, point } => self.push_point(series, point),
            Payload::Snapshot { nodes, edges, partial } => {
                self.graph.replace(nodes, edges);
                self.snapshot_open = partial;
                self.graph_stale = partial;
            }
            Payload::SnapshotEnd => {
                if std::mem::take(&mut self.snapshot_open) {
                    self.graph_stale = false;
                }
            }
            Payload::Resumed { .. } => {
                self.counters.resumes += 1;
                self.graph_stale = self.snapshot_open;
            }
        }
    }

    /// Forgets everything (another project or server); the next diff tells
    /// the receiver to do the same.
    pub fn reset(&mut self) {
        let watch = self.logs.current_watch().clone();
        *self = Reducer { view_reset_pending: true, ..Reducer::new() };
        self.logs.watch(watch);
    }

    /// Chooses which logs diffs carry. A newly watched log arrives whole in
    /// the next diff; logs no longer watched are removed from the receiver.
    pub fn watch_log(&mut self, watch: LogWatch) {
        self.logs.watch(watch);
    }

    /// A new connection opened: `seq` starts afresh, and the graph is stale
    /// (if there is one) until the server's snapshot arrives.
    pub fn connection_opened(&mut self) {
        self.last_seq = None;
        let interrupted_snapshot = std::mem::take(&mut self.snapshot_open);
        self.graph_stale = interrupted_snapshot || !self.graph.is_empty();
    }

    /// Adds an event made by the client itself (e.g. a connection gap).
    pub fn push_local_event(&mut self, event: Event) {
        self.push_event(Event { local: true, ..event });
    }

    /// Removes a node as `node-delete` would (edges and log too).
    pub fn clear_node(&mut self, node_id: &str) {
        self.delete_node(node_id);
    }

    pub fn clear_edge(&mut self, edge_id: &str) {
        self.graph.delete_edge(edge_id);
    }

    pub fn clear_events(&mut self) {
        self.events.clear();
    }

    /// `take_diff_within` the largest budget.
    pub fn take_diff(&mut self) -> Diff {
        self.take_diff_within(MAX_GRAPH_CHANGES_PER_DIFF)
    }

    /// What changed since the last diff: each id once, at most
    /// `graph_budget` graph changes (1..=`MAX_GRAPH_CHANGES_PER_DIFF`; the
    /// rest, oldest first, in the next diffs), each ring bounded by its
    /// capacity: the receiver's work per diff is bounded whatever the
    /// message rate or graph size (`DiffBudget` sizes it to the page).
    pub fn take_diff_within(&mut self, graph_budget: usize) -> Diff {
        let graph = self.graph.take_changes(graph_budget.clamp(1, MAX_GRAPH_CHANGES_PER_DIFF));
        let events = self.events.take_delta();
        self.counters.skipped_events += events.skipped;
        let (logs, log_removals) = self.logs.take_deltas();
        let mut series = Vec::new();
        for name in self.dirty_series.drain() {
            if let Some(ring) = self.series.get_mut(&name) {
                series.push(crate::diff::SeriesDelta { points: ring.take_delta(), series: name });
            }
        }
        let mut series_removals: Vec<String> = self.removed_series.drain().collect();
        series_removals.sort_unstable();
        Diff {
            view_reset: std::mem::take(&mut self.view_reset_pending),
            graph_reset: graph.reset,
            node_upserts: graph.node_upserts,
            node_removals: graph.node_removals,
            edge_upserts: graph.edge_upserts,
            edge_removals: graph.edge_removals,
            events,
            logs,
            log_removals,
            series,
            series_removals,
            moved: std::mem::take(&mut self.moved_pending),
            pending_graph_changes: graph.pending as u64,
            graph_size: GraphSize {
                nodes: u32::try_from(self.graph.nodes().len()).unwrap_or(u32::MAX),
                edges: u32::try_from(self.graph.edges().len()).unwrap_or(u32::MAX),
            },
            graph_lag_diffs: graph.lag_diffs,
            snapshot_fill: false,
            counters: self.counters.clone(),
        }
    }

    /// The next diff starts the receiver over (a snapshot or a new source).
    pub fn reset_pending(&self) -> bool {
        self.view_reset_pending || self.graph.reset_pending()
    }

    /// True when `take_diff` would carry more than counters.
    pub fn has_changes(&self) -> bool {
        self.view_reset_pending
            || self.graph.has_changes()
            || self.events.has_news()
            || self.logs.has_changes()
            || !self.dirty_series.is_empty()
            || !self.removed_series.is_empty()
            || self.moved_pending
    }

    fn delete_node(&mut self, node_id: &str) {
        self.graph.delete_node(node_id);
        self.logs.remove(node_id);
    }

    fn push_event(&mut self, event: Event) {
        if self.events.push(event).is_some() {
            self.counters.evicted_events += 1;
        }
    }

    fn append_log(&mut self, node_id: String, text: &str) {
        self.logs.append(&node_id, text, &mut self.counters);
    }

    fn push_point(&mut self, name: String, point: ChartPoint) {
        if !self.dirty_series.contains(&name) {
            if !self.series.contains_key(&name) && self.series.len() >= MAX_CHART_SERIES {
                self.counters.dropped_series_points += 1;
                return;
            }
            self.dirty_series.insert(name.clone());
        }
        let ring = self.series.entry(name).or_insert_with(|| TrackedRing::new(MAX_POINTS_PER_SERIES));
        if ring.push(point).is_some() {
            self.counters.evicted_points += 1;
        }
    }

    fn track_seq(&mut self, seq: Option<u64>) {
        let Some(seq) = seq else {
            return;
        };
        match self.last_seq {
            Some(last) if seq == last.wrapping_add(1) => {}
            Some(last) if seq > last => {
                self.counters.seq_gaps += 1;
                self.counters.seq_missing += seq - last - 1;
            }
            Some(_) => self.counters.seq_resets += 1,
            None => {}
        }
        self.last_seq = Some(seq);
    }

    fn count_notes(&mut self, notes: DecodeNotes) {
        self.counters.invalid_seq += u64::from(notes.invalid_seq);
        self.counters.invalid_pos += u64::from(notes.invalid_pos);
        self.counters.repaired_surrogates += u64::from(notes.repaired_surrogates);
        self.counters.dropped_edge_stats += u64::from(notes.dropped_edge_stats);
    }

    fn count_error(&mut self, error: DecodeError) {
        if let Some(count) = self.counters.errors_by_kind.get_mut(error.kind.index()) {
            *count += 1;
        }
        let mut detail = error.detail;
        if let Some((end, _)) = detail.char_indices().nth(MAX_ERROR_DETAIL_CHARS) {
            detail.truncate(end);
        }
        self.counters.last_error = Some(format!("{}: {detail}", error.kind.label()));
    }
}

/// Cuts `text` to at most `max_bytes` at a char boundary; true if it was cut.
pub(crate) fn cut_at_char_boundary(text: &mut String, max_bytes: usize) -> bool {
    if text.len() <= max_bytes {
        return false;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    // The bound is on memory: give back what the cut freed.
    text.shrink_to_fit();
    true
}
