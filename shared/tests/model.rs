//! Property test: for random streams (with hostile frames and local clear
//! commands mixed in) split at random flush points, a `View` fed only with
//! diffs equals the reducer's state, and both equal a naive reference model
//! that applies PROTOCOL.md's reference semantics with plain maps and
//! vectors.

use proptest::prelude::*;
use shared::encode::{encode_batch, encode_message};
use shared::limits::{MAX_EVENTS, MAX_EVENT_MESSAGE_BYTES, MAX_LOG_LINE_BYTES};
use shared::protocol::{ChartPoint, EdgeStats, MeshEdge, MeshNode, Message, Payload, Pos, Severity, Status};
use shared::{DecodeErrorKind, Reducer, View};

#[path = "support/reference_model.rs"]
mod reference_model;
use reference_model::Model;

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
