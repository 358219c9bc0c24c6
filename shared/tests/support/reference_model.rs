//! The reference model of the property test: the protocol's reference
//! semantics with plain maps and vectors, and every counter counted
//! independently of the reducer.

use std::collections::{BTreeMap, VecDeque};

use shared::limits::{
    MAX_EVENTS, MAX_EVENT_MESSAGE_BYTES, MAX_LOG_LINES_PER_NODE, MAX_LOG_LINE_BYTES, MAX_POINTS_PER_SERIES,
};
use shared::protocol::{ChartPoint, MeshEdge, MeshNode, Message, Payload};
use shared::view::LogView;
use shared::{Counters, DecodeErrorKind, Event, View};

#[derive(Debug, Default)]
pub struct Model {
    nodes: BTreeMap<String, MeshNode>,
    pub edges: BTreeMap<String, MeshEdge>,
    pub events: Vec<Event>,
    /// Every chunk of each node's log since it was (re)created, joined.
    log_text: BTreeMap<String, String>,
    series: BTreeMap<String, Vec<ChartPoint>>,
    /// Counters as the contract defines them, counted independently.
    counters: Counters,
    last_seq: Option<u64>,
    /// Events pushed since the last diff or clear (for `skipped_events`).
    events_since_diff: usize,
    /// Log counters of node logs that were deleted since.
    deleted_logs: LogCounts,
    pub last_error: Option<DecodeErrorKind>,
}

#[derive(Debug, Default, Clone, Copy)]
struct LogCounts {
    evicted: u64,
    cut: u64,
}

impl Model {
    pub fn frame(&mut self, text: &str, messages: &[Message], now_millis: i64) {
        self.counters.frames += 1;
        self.counters.bytes += text.len() as u64;
        let mut in_replay = false;
        for message in messages {
            let resumed = matches!(message.payload, Payload::Resumed { .. });
            self.counters.resumed_messages += u64::from(in_replay && !resumed);
            in_replay |= resumed;
            self.count(message);
            self.apply(message, now_millis);
        }
    }

    pub fn errors(&mut self, len_bytes: usize, errors: &[DecodeErrorKind]) {
        self.counters.frames += 1;
        self.counters.bytes += len_bytes as u64;
        for kind in errors {
            if let Some(count) = self.counters.errors_by_kind.get_mut(kind.index()) {
                *count += 1;
            }
            self.last_error = Some(*kind);
        }
    }

    fn count(&mut self, message: &Message) {
        if let Some(count) = self.counters.messages_by_kind.get_mut(message.payload.kind().index()) {
            *count += 1;
        }
        self.counters.ts_fallbacks += u64::from(message.ts_millis.is_none());
        if let Some(seq) = message.seq {
            match self.last_seq {
                Some(last) if seq == last + 1 => {}
                Some(last) if seq > last => {
                    self.counters.seq_gaps += 1;
                    self.counters.seq_missing += seq - last - 1;
                }
                Some(_) => self.counters.seq_resets += 1,
                None => {}
            }
            self.last_seq = Some(seq);
        }
        match &message.payload {
            Payload::NodeStatus { id, .. } if !self.nodes.contains_key(id) => self.counters.orphan_node_status += 1,
            Payload::EdgeStats { id, .. } if !self.edges.contains_key(id) => self.counters.orphan_edge_stats += 1,
            Payload::Event { message, .. } if message.len() > MAX_EVENT_MESSAGE_BYTES => {
                self.counters.event_messages_cut += 1;
            }
            Payload::ChartPoint { series, .. } => {
                let kept = self.series.get(series).map_or(0, Vec::len);
                self.counters.evicted_points += u64::from(kept >= MAX_POINTS_PER_SERIES);
            }
            Payload::Resumed { .. } => self.counters.resumes += 1,
            _ => {}
        }
    }

    fn apply(&mut self, message: &Message, now_millis: i64) {
        match &message.payload {
            Payload::NodeUpsert(node) => {
                self.nodes.insert(node.id.clone(), node.clone());
            }
            Payload::NodeStatus { id, status } => {
                if let Some(node) = self.nodes.get_mut(id) {
                    node.status = status.clone();
                }
            }
            Payload::NodeDelete { id } => self.delete_node(id),
            Payload::EdgeUpsert(edge) => {
                self.edges.insert(edge.id.clone(), edge.clone());
            }
            Payload::EdgeStats { id, stats } => {
                if let Some(edge) = self.edges.get_mut(id) {
                    edge.stats = Some(stats.clone());
                }
            }
            Payload::EdgeDelete { id } => {
                self.edges.remove(id);
            }
            Payload::Event { message: text, severity, node_id } => {
                self.counters.evicted_events += u64::from(self.events.len() >= MAX_EVENTS);
                self.events_since_diff += 1;
                self.events.push(Event {
                    ts_millis: message.ts_millis.unwrap_or(now_millis),
                    severity: *severity,
                    message: cut(text, MAX_EVENT_MESSAGE_BYTES),
                    node_id: node_id.clone(),
                    local: false,
                });
            }
            Payload::LogChunk { node_id, text } => self.log_text.entry(node_id.clone()).or_default().push_str(text),
            Payload::ChartPoint { series, point } => self.series.entry(series.clone()).or_default().push(*point),
            Payload::Snapshot { nodes, edges, .. } => {
                self.nodes = nodes.iter().map(|n| (n.id.clone(), n.clone())).collect();
                self.edges = edges.iter().map(|e| (e.id.clone(), e.clone())).collect();
            }
            Payload::SnapshotEnd | Payload::Resumed { .. } => {}
        }
    }

    pub fn delete_node(&mut self, id: &str) {
        self.nodes.remove(id);
        self.edges.retain(|_, edge| edge.source != id && edge.target != id);
        if let Some(text) = self.log_text.remove(id) {
            let counts = log_counts(&text);
            self.deleted_logs.evicted += counts.evicted;
            self.deleted_logs.cut += counts.cut;
        }
    }

    pub fn clear_events(&mut self) {
        self.events.clear();
        self.events_since_diff = 0;
    }

    /// The receiver took a diff: events pushed and evicted since the last
    /// one were never shown.
    pub fn diff_taken(&mut self) {
        let kept = self.events.len().min(MAX_EVENTS);
        self.counters.skipped_events += self.events_since_diff.saturating_sub(kept) as u64;
        self.events_since_diff = 0;
    }

    fn expected_counters(&self) -> Counters {
        let mut counters = self.counters.clone();
        let logs = self.log_text.values().map(|text| log_counts(text)).fold(self.deleted_logs, |sum, counts| {
            LogCounts { evicted: sum.evicted + counts.evicted, cut: sum.cut + counts.cut }
        });
        counters.evicted_log_lines = logs.evicted;
        counters.log_lines_cut = logs.cut;
        counters.last_error = None;
        counters
    }

    pub fn expected_view(&self) -> View {
        let newest = |len: usize, bound: usize| len.saturating_sub(bound);
        let logs = self
            .log_text
            .iter()
            .map(|(node_id, text)| {
                let mut pieces: Vec<&str> = text.split('\n').collect();
                let partial = cut(pieces.pop().unwrap_or_default(), MAX_LOG_LINE_BYTES);
                let lines: Vec<String> = pieces
                    .iter()
                    .map(|line| cut(line.strip_suffix('\r').unwrap_or(line), MAX_LOG_LINE_BYTES))
                    .collect();
                let start = newest(lines.len(), MAX_LOG_LINES_PER_NODE);
                (node_id.clone(), LogView { lines: lines.into_iter().skip(start).collect(), partial })
            })
            .collect();
        View {
            nodes: self.nodes.iter().map(|(id, node)| (id.clone(), node.clone())).collect(),
            edges: self.edges.iter().map(|(id, edge)| (id.clone(), edge.clone())).collect(),
            events: self.events.iter().skip(newest(self.events.len(), MAX_EVENTS)).cloned().collect(),
            logs,
            series: self
                .series
                .iter()
                .map(|(name, points)| {
                    let start = newest(points.len(), MAX_POINTS_PER_SERIES);
                    (name.clone(), points.iter().skip(start).copied().collect::<VecDeque<_>>())
                })
                .collect(),
            counters: self.expected_counters(),
        }
    }
}

/// Lines of one log's whole text beyond the per-node bound, and lines cut.
fn log_counts(text: &str) -> LogCounts {
    let mut complete: Vec<&str> = text.split('\n').collect();
    complete.pop();
    LogCounts {
        evicted: complete.len().saturating_sub(MAX_LOG_LINES_PER_NODE) as u64,
        cut: complete.iter().filter(|line| line.len() > MAX_LOG_LINE_BYTES).count() as u64,
    }
}

fn cut(line: &str, max_bytes: usize) -> String {
    let mut end = line.len().min(max_bytes);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line.get(..end).unwrap_or_default().to_owned()
}
