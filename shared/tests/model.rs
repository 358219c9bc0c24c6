//! Property test: for random streams (with hostile frames and local clear
//! commands mixed in) split at random flush points, a `View` fed only with
//! diffs equals the reducer's state, and both equal a naive reference model
//! that applies PROTOCOL.md's reference semantics with plain maps and
//! vectors.

use std::collections::{BTreeMap, VecDeque};

use proptest::prelude::*;
use shared::encode::{encode_batch, encode_message};
use shared::limits::{
    MAX_EVENTS, MAX_EVENT_MESSAGE_BYTES, MAX_LOG_LINES_PER_NODE, MAX_LOG_LINE_BYTES, MAX_POINTS_PER_SERIES,
};
use shared::protocol::{ChartPoint, EdgeStats, MeshEdge, MeshNode, Message, Payload, Pos, Severity, Status};
use shared::view::LogView;
use shared::{Counters, DecodeErrorKind, Event, Reducer, View};

/// One step of a test stream.
#[derive(Debug, Clone)]
enum Step {
    /// Messages sent as one frame (a batch when more than one).
    Frame(Vec<Message>),
    /// A frame that must change nothing but counters, and the errors it is.
    Hostile(String, Vec<DecodeErrorKind>),
    Binary(usize),
    ClearNode(String),
    ClearEdge(String),
    ClearEvents,
    /// The worker's tick: take a diff and apply it to the view.
    Flush,
}

#[derive(Debug, Default)]
struct Model {
    nodes: BTreeMap<String, MeshNode>,
    edges: BTreeMap<String, MeshEdge>,
    events: Vec<Event>,
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
    last_error: Option<DecodeErrorKind>,
}

#[derive(Debug, Default, Clone, Copy)]
struct LogCounts {
    evicted: u64,
    cut: u64,
}

impl Model {
    fn frame(&mut self, text: &str, messages: &[Message], now_millis: i64) {
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

    fn errors(&mut self, len_bytes: usize, errors: &[DecodeErrorKind]) {
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

    fn delete_node(&mut self, id: &str) {
        self.nodes.remove(id);
        self.edges.retain(|_, edge| edge.source != id && edge.target != id);
        if let Some(text) = self.log_text.remove(id) {
            let counts = log_counts(&text);
            self.deleted_logs.evicted += counts.evicted;
            self.deleted_logs.cut += counts.cut;
        }
    }

    fn clear_events(&mut self) {
        self.events.clear();
        self.events_since_diff = 0;
    }

    /// The receiver took a diff: events pushed and evicted since the last
    /// one were never shown.
    fn diff_taken(&mut self) {
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

    fn expected_view(&self) -> View {
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
            nodes: self.nodes.clone(),
            edges: self.edges.clone(),
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

fn id() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "c", "d", "__proto__"]).prop_map(str::to_owned)
}

fn edge_id() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["e1", "e2", "e3", "e4"]).prop_map(str::to_owned)
}

fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(vec!["ok", "error", "degraded", "weird"]).prop_map(Status::from_wire)
}

fn node() -> impl Strategy<Value = MeshNode> {
    (id(), status(), "[a-z]{0,3}").prop_map(|(id, status, label)| MeshNode {
        kind: "svc".into(),
        label,
        status,
        meta: Vec::new(),
        id,
    })
}

fn edge() -> impl Strategy<Value = MeshEdge> {
    (edge_id(), id(), id(), prop::option::of(0u32..100)).prop_map(|(id, source, target, throughput)| MeshEdge {
        id,
        source,
        target,
        kind: None,
        stats: throughput.map(|t| EdgeStats { throughput: Some(f64::from(t)), ..EdgeStats::default() }),
    })
}

/// Log text pieces that exercise joins, CRLF, multi-byte chars and cuts.
fn log_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ab\n\r]{0,6}",
        "[é\n]{0,4}",
        (1usize..1200).prop_map(|n| "x\n".repeat(n)),
        (MAX_LOG_LINE_BYTES - 2..MAX_LOG_LINE_BYTES + 3).prop_map(|n| "é".repeat(n / 2) + "\n"),
    ]
}

fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        3 => node().prop_map(Payload::NodeUpsert),
        3 => (id(), status()).prop_map(|(id, status)| Payload::NodeStatus { id, status }),
        1 => id().prop_map(|id| Payload::NodeDelete { id }),
        3 => edge().prop_map(Payload::EdgeUpsert),
        2 => (edge_id(), 0u32..10).prop_map(|(id, t)| Payload::EdgeStats {
            id,
            stats: EdgeStats { throughput: Some(f64::from(t)), ..EdgeStats::default() }
        }),
        1 => edge_id().prop_map(|id| Payload::EdgeDelete { id }),
        3 => (event_text(), prop::sample::select(Severity::ALL.to_vec()), prop::option::of(id()))
            .prop_map(|(message, severity, node_id)| Payload::Event { message, severity, node_id }),
        3 => (id(), log_text()).prop_map(|(node_id, text)| Payload::LogChunk { node_id, text }),
        3 => (prop::sample::select(vec!["cpu", "mem"]), 0u32..1000, -5i32..5).prop_map(|(series, t, y)| {
            Payload::ChartPoint {
                series: series.into(),
                point: ChartPoint { t_millis: f64::from(t), y: f64::from(y) },
            }
        }),
        1 => (prop::collection::vec(node(), 0..4), prop::collection::vec(edge(), 0..4), any::<bool>())
            .prop_map(|(nodes, edges, partial)| Payload::Snapshot { nodes, edges, partial }),
        1 => Just(Payload::SnapshotEnd),
        1 => (0u64..50).prop_map(|offset| Payload::Resumed { since: Pos { epoch: "e".into(), offset } }),
    ]
}

/// Short texts, and texts around the event message bound.
fn event_text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z<>&]{0,5}",
        1 => (MAX_EVENT_MESSAGE_BYTES / 2 - 1..MAX_EVENT_MESSAGE_BYTES / 2 + 2).prop_map(|n| "ü".repeat(n) + "!"),
    ]
}

fn message() -> impl Strategy<Value = Message> {
    (prop::option::of(0i64..10_000), prop::option::of(0u64..20), payload())
        .prop_map(|(ts_millis, seq, payload)| Message { ts_millis, seq, pos: None, payload })
}

fn hostile() -> impl Strategy<Value = (String, Vec<DecodeErrorKind>)> {
    use DecodeErrorKind::*;
    prop::sample::select(vec![
        ("{".to_owned(), vec![InvalidJson]),
        ("null".to_owned(), vec![NotAMessage]),
        ("[1,2]".to_owned(), vec![NotAMessage, NotAMessage]),
        (r#"{"data":{"type":"warp"}}"#.to_owned(), vec![UnknownType]),
        (r#"{"data":{"type":"node-upsert","node":{"id":"a"}}}"#.to_owned(), vec![BadFields]),
        (r#"{"data":{"type":"edge-stats","id":"e1","stats":{"throughput":"fast"}}}"#.to_owned(), vec![BadFields]),
        ("[".repeat(10_000) + &"]".repeat(10_000), vec![NotAMessage]),
        (
            format!(r#"{{"data":{{"type":"event","message":"{}"}}}}"#, "x".repeat(shared::limits::MAX_FRAME_BYTES)),
            vec![Oversize],
        ),
    ])
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => prop::collection::vec(message(), 1..4).prop_map(Step::Frame),
        1 => hostile().prop_map(|(text, errors)| Step::Hostile(text, errors)),
        1 => (0usize..100).prop_map(Step::Binary),
        1 => id().prop_map(Step::ClearNode),
        1 => edge_id().prop_map(Step::ClearEdge),
        1 => Just(Step::ClearEvents),
        3 => Just(Step::Flush),
    ]
}

/// Events in bulk, to cross the event bound within a short stream.
fn burst_of_events(n: usize) -> Step {
    Step::Frame(
        (0..n)
            .map(|i| Message {
                ts_millis: Some(i as i64),
                seq: None,
                pos: None,
                payload: Payload::Event { message: format!("burst {i}"), severity: Severity::Info, node_id: None },
            })
            .collect(),
    )
}

fn run(steps: &[Step]) {
    const NOW_MILLIS: i64 = 77;
    let mut reducer = Reducer::new();
    let mut view = View::default();
    let mut model = Model::default();
    for step in steps {
        match step {
            Step::Frame(messages) => {
                let text = if messages.len() == 1 {
                    messages.first().map(encode_message).unwrap_or_default()
                } else {
                    encode_batch(messages)
                };
                reducer.apply_frame(&text, NOW_MILLIS);
                model.frame(&text, messages, NOW_MILLIS);
            }
            Step::Hostile(text, errors) => {
                reducer.apply_frame(text, NOW_MILLIS);
                model.errors(text.len(), errors);
            }
            Step::Binary(len) => {
                reducer.apply_binary_frame(*len);
                model.errors(*len, &[DecodeErrorKind::Binary]);
            }
            Step::ClearNode(id) => {
                reducer.clear_node(id);
                model.delete_node(id);
            }
            Step::ClearEdge(id) => {
                reducer.clear_edge(id);
                model.edges.remove(id);
            }
            Step::ClearEvents => {
                reducer.clear_events();
                model.clear_events();
            }
            Step::Flush => {
                view.apply_diff(reducer.take_diff());
                model.diff_taken();
            }
        }
        reducer.assert_within_bounds();
    }
    // A diff carries a bounded share of the graph changes: drain the rest.
    view.apply_diff(reducer.take_diff());
    model.diff_taken();
    while reducer.has_changes() {
        view.apply_diff(reducer.take_diff());
    }
    let mut reduced = reducer.to_view();
    assert_eq!(view, reduced, "view from diffs != reducer");
    // The last error's text is the reducer's own words; its kind is checked.
    let last_error = reduced.counters.last_error.take();
    let last_kind = last_error.as_deref().and_then(|text| text.split(':').next());
    assert_eq!(last_kind, model.last_error.map(DecodeErrorKind::label), "last error");
    assert_eq!(reduced, model.expected_view(), "reducer != reference model");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn diffs_reducer_and_model_agree(steps in prop::collection::vec(step(), 0..60)) {
        run(&steps);
    }

    #[test]
    fn agree_across_the_event_bound(
        before in prop::collection::vec(step(), 0..20),
        burst in 1usize..2 * MAX_EVENTS,
        after in prop::collection::vec(step(), 0..20),
    ) {
        let mut steps = before;
        steps.push(burst_of_events(burst));
        steps.extend(after);
        run(&steps);
    }
}
