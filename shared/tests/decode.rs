//! Decoding frames: data-driven cases for each error kind and for hostile
//! input, and a round-trip property through the encoder.

use proptest::prelude::*;
use shared::encode::{encode_batch, encode_message};
use shared::limits::{MAX_FRAME_BYTES, MAX_ID_BYTES};
use shared::protocol::{ChartPoint, EdgeStats, MeshEdge, MeshNode, Message, MetaEntry, Payload, Pos, Severity, Status};
use shared::{decode_frame, decode_frame_into, DecodeErrorKind, DecodedFrame};

/// Decodes `frame` and compares the kinds of messages and errors, in order.
fn check(frame: &str, messages: &[&str], errors: &[DecodeErrorKind]) {
    let decoded = decode_frame(frame);
    let kinds: Vec<&str> = decoded.messages.iter().map(|m| m.payload.kind().wire_name()).collect();
    let error_kinds: Vec<DecodeErrorKind> = decoded.errors.iter().map(|e| e.kind).collect();
    let shown = if frame.len() > 120 { frame.get(..120).unwrap_or("<long>") } else { frame };
    assert_eq!((kinds.as_slice(), error_kinds.as_slice()), (messages, errors), "frame: {shown}");
}

const NODE: &str = r#"{"data":{"type":"node-upsert","node":{"id":"a","kind":"k","label":"l","status":"ok"}}}"#;

#[test]
fn frames_and_batches() {
    check(NODE, &["node-upsert"], &[]);
    check(&format!(" \n[{NODE},{NODE}]"), &["node-upsert", "node-upsert"], &[]);
    check("[]", &[], &[]);
    // Unknown fields anywhere are ignored, in any key order.
    check(
        r#"{"extra":1,"data":{"status":"ok","future":[1,{"x":2}],"id":"a","type":"node-status"},"seq":3}"#,
        &["node-status"],
        &[],
    );
}

/// The worker decodes every frame into the same `DecodedFrame`: whatever
/// the frame before left there (messages, errors, notes, a batch given up
/// halfway for the slow path) is gone, and nothing is doubled.
#[test]
fn a_reused_frame_holds_only_the_last_one() {
    let frames = [
        format!("[{NODE},{NODE}]"),
        format!(r#"[{NODE},{{"seq":"x","data":{{"type":"node-delete","id":"a"}}}},{NODE}]"#),
        // The fast path parses two elements before the third fails it.
        format!(
            r#"[{NODE},{NODE},{{"data":{{"type":"chart-point","series":"s","value":{{"t":1e999,"y":1}}}}}},{NODE}]"#
        ),
        "[1,".to_owned(),
        r#"{"data":{"type":"warp"}}"#.to_owned(),
        NODE.to_owned(),
        "[]".to_owned(),
        format!("[{NODE},{NODE},{NODE}]"),
    ];
    let mut reused = DecodedFrame::default();
    for (index, frame) in frames.iter().enumerate() {
        decode_frame_into(frame, &mut reused);
        assert_eq!(reused, decode_frame(frame), "frame {index}: {frame}");
    }
    let expected: [(usize, usize, u32); 8] =
        [(2, 0, 0), (3, 0, 1), (3, 1, 0), (0, 1, 0), (0, 1, 0), (1, 0, 0), (0, 0, 0), (3, 0, 0)];
    let mut counted = Vec::new();
    for frame in &frames {
        decode_frame_into(frame, &mut reused);
        counted.push((reused.messages.len(), reused.errors.len(), reused.notes.invalid_seq));
    }
    assert_eq!(counted, expected);
}

#[test]
fn each_error_kind() {
    use DecodeErrorKind::*;
    check("", &[], &[InvalidJson]);
    check("{\"data\":", &[], &[InvalidJson]);
    check("[1,", &[], &[InvalidJson]);
    check("true", &[], &[NotAMessage]);
    check(r#""text""#, &[], &[NotAMessage]);
    check(r#"{"no":"data"}"#, &[], &[NotAMessage]);
    check(r#"{"data":{"type":"quantum"}}"#, &[], &[UnknownType]);
    check(r#"{"data":{"type":"event"}}"#, &[], &[BadFields]);
    check(r#"{"data":{"type":"event","message":5}}"#, &[], &[BadFields]);
    check(r#"{"data":{"type":"chart-point","series":"s","value":{"t":"now","y":1}}}"#, &[], &[BadFields]);
    check(r#"{"data":{"type":"edge-stats","id":"e","stats":{"latencyMs":"slow"}}}"#, &[], &[BadFields]);
    check(
        &format!(r#"{{"data":{{"type":"edge-delete","id":"{}"}}}}"#, "e".repeat(MAX_ID_BYTES + 1)),
        &[],
        &[BadFields],
    );
    check(r#"{"data":{"type":"resumed","since":"no position"}}"#, &[], &[BadFields]);
    check(r#"{"data":{"type":"snapshot","nodes":[],"edges":[],"partial":"yes"}}"#, &[], &[BadFields]);
    // A bad element costs only itself.
    check(
        &format!(r#"[{NODE},{{"data":{{"type":"quantum"}}}},7,{{"data":{{"type":"event"}}}},{NODE}]"#),
        &["node-upsert", "node-upsert"],
        &[UnknownType, NotAMessage, BadFields],
    );
    let oversize = format!(r#"{{"data":{{"type":"event","message":"{}"}}}}"#, "x".repeat(MAX_FRAME_BYTES));
    check(&oversize, &[], &[Oversize]);
}

#[test]
fn hostile_input_never_panics() {
    use DecodeErrorKind::*;
    let deep_array = "[".repeat(200_000) + &"]".repeat(200_000);
    // Valid JSON, skipped without recursion, and not a message.
    check(&deep_array, &[], &[NotAMessage]);
    let deep_object = r#"{"a":"#.repeat(100_000) + "1" + &"}".repeat(100_000);
    check(&deep_object, &[], &[NotAMessage]);
    // Deep nesting inside an ignored field of an otherwise good message.
    let deep_extra =
        format!(r#"{{"x":{}1{},"data":{{"type":"node-delete","id":"a"}}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    check(&deep_extra, &["node-delete"], &[]);
    let deep_meta = format!(
        r#"{{"data":{{"type":"node-upsert","node":{{"id":"a","kind":"k","label":"l","status":"ok","meta":{{"m":{}0{}}}}}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    check(&deep_meta, &["node-upsert"], &[]);
    check("\u{0}\u{1}\u{ffff}", &[], &[InvalidJson]);
    let huge =
        format!(r#"{{"data":{{"type":"log-chunk","nodeId":"a","text":"{}"}}}}"#, "é".repeat(MAX_FRAME_BYTES / 4));
    check(&huge, &["log-chunk"], &[]);
    for id in ["__proto__", "constructor", "", "hasOwnProperty", "<script>"] {
        let frame = format!(r#"{{"data":{{"type":"node-delete","id":"{id}"}}}}"#);
        let decoded = decode_frame(&frame);
        assert_eq!(decoded.messages.first().map(|m| &m.payload), Some(&Payload::NodeDelete { id: id.into() }));
    }
}

#[test]
fn envelope_fields() {
    let decoded = decode_frame(
        r#"{"ts":"2026-11-26T19:00:00.125Z","seq":1041,"data":{"type":"node-status","id":"pg-1","status":"error"}}"#,
    );
    assert_eq!(
        decoded.messages,
        vec![Message {
            ts_millis: Some(1_795_719_600_125),
            seq: Some(1041),
            pos: None,
            payload: Payload::NodeStatus { id: "pg-1".into(), status: Status::Error },
        }]
    );
    // An unusable ts is not an error: the receive time is used later.
    for ts in [r#""soon""#, "12", "null", "{}"] {
        let frame = format!(r#"{{"ts":{ts},"data":{{"type":"node-delete","id":"a"}}}}"#);
        assert_eq!(decode_frame(&frame).messages.first().map(|m| m.ts_millis), Some(None), "{ts}");
    }
}

#[test]
fn node_meta_and_edge_stats_keep_what_was_sent() {
    let decoded = decode_frame(
        r#"[{"data":{"type":"node-upsert","node":{"id":"a","kind":"k","label":"l","status":"ok","meta":{"zone":"b","n":3,"tags":["x"]}}}},
            {"data":{"type":"edge-upsert","edge":{"id":"e","source":"a","target":"b","stats":{"throughput":1,"latencyMs":2.5,"errorRate":null,"queue":4,"note":"ignored"}}}}]"#,
    );
    let node = match decoded.messages.first().map(|m| &m.payload) {
        Some(Payload::NodeUpsert(node)) => node.clone(),
        other => panic!("{other:?}"),
    };
    let meta: Vec<(&str, &str)> = node.meta.iter().map(|m| (m.key.as_str(), m.json.as_str())).collect();
    assert_eq!(meta, [("n", "3"), ("tags", r#"["x"]"#), ("zone", r#""b""#)]);
    assert_eq!(node.meta.get(2).map(MetaEntry::display_value), Some("b".to_owned()));
    let stats = match decoded.messages.get(1).map(|m| &m.payload) {
        Some(Payload::EdgeUpsert(MeshEdge { stats: Some(stats), .. })) => stats.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        stats,
        EdgeStats {
            throughput: Some(1.0),
            latency_millis: Some(2.5),
            error_rate: None,
            bytes: None,
            other: vec![("queue".into(), 4.0)]
        }
    );
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z]{0,6}", any::<String>(), Just("__proto__".to_owned()), Just("<b>\"\\\n".to_owned())]
}

/// Numbers of at most 15 significant digits: serde_json's fast float path
/// reads those exactly (longer decimals may differ in the last bit, which
/// the dashboard accepts for speed).
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![(-1i64 << 30..1i64 << 30).prop_map(|n| n as f64 / 64.0), Just(0.0), Just(-0.5)]
}

fn message() -> impl Strategy<Value = Message> {
    let node = (text(), text(), text(), text(), prop::collection::btree_map("[a-z]{1,4}", 0u32..9, 0..3))
        .prop_map(|(id, kind, label, status, meta)| MeshNode {
            id,
            kind,
            label,
            status: Status::from_wire(&status),
            meta: meta.into_iter().map(|(key, n)| MetaEntry { key, json: n.to_string() }).collect(),
        })
        .boxed();
    let stats = (
        prop::option::of(number()),
        prop::option::of(number()),
        prop::collection::btree_map("[a-z]{6}", number(), 0..2),
    )
        .prop_map(|(throughput, error_rate, other)| EdgeStats {
            throughput,
            latency_millis: None,
            error_rate,
            bytes: None,
            other: other.into_iter().collect(),
        })
        .boxed();
    let edge = (text(), text(), text(), prop::option::of(text()), prop::option::of(stats.clone()))
        .prop_map(|(id, source, target, kind, stats)| MeshEdge { id, source, target, kind, stats })
        .boxed();
    let payload = prop_oneof![
        node.clone().prop_map(Payload::NodeUpsert),
        (text(), text()).prop_map(|(id, s)| Payload::NodeStatus { id, status: Status::from_wire(&s) }),
        text().prop_map(|id| Payload::NodeDelete { id }),
        edge.clone().prop_map(Payload::EdgeUpsert),
        (text(), stats).prop_map(|(id, stats)| Payload::EdgeStats { id, stats }),
        text().prop_map(|id| Payload::EdgeDelete { id }),
        (text(), prop::sample::select(Severity::ALL.to_vec()), prop::option::of(text()))
            .prop_map(|(message, severity, node_id)| Payload::Event { message, severity, node_id }),
        (text(), text()).prop_map(|(node_id, text)| Payload::LogChunk { node_id, text }),
        (text(), number(), number())
            .prop_map(|(series, t_millis, y)| Payload::ChartPoint { series, point: ChartPoint { t_millis, y } }),
        (prop::collection::vec(node, 0..3), prop::collection::vec(edge, 0..3))
            .prop_map(|(nodes, edges)| Payload::Snapshot { nodes, edges, partial: false }),
        Just(Payload::Snapshot { nodes: Vec::new(), edges: Vec::new(), partial: true }),
        Just(Payload::SnapshotEnd),
        pos().prop_map(|since| Payload::Resumed { since }),
    ];
    (
        prop::option::of(-1_000_000_000_000i64..10_000_000_000_000),
        prop::option::of(any::<u64>()),
        prop::option::of(pos()),
        payload,
    )
        .prop_map(|(ts_millis, seq, pos, payload)| Message { ts_millis, seq, pos, payload })
}

fn pos() -> impl Strategy<Value = Pos> {
    ("[a-zA-Z0-9_-]{1,12}", any::<u64>()).prop_map(|(epoch, offset)| Pos { epoch, offset })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn encode_then_decode_round_trips(messages in prop::collection::vec(message(), 1..5)) {
        for message in &messages {
            let decoded = decode_frame(&encode_message(message));
            prop_assert_eq!(decoded.errors, vec![]);
            prop_assert_eq!(&decoded.messages, &vec![message.clone()]);
        }
        let decoded = decode_frame(&encode_batch(&messages));
        prop_assert_eq!(decoded.messages, messages);
    }

    #[test]
    fn any_text_decodes_without_panicking(text in any::<String>()) {
        let _ = decode_frame(&text);
    }
}
