//! A bad message costs only itself: data-driven cases for input that used
//! to cost a whole batch or a whole message (numbers out of range, lone
//! surrogates, fields another type uses with another shape, lenient
//! envelope fields, odd severities, capped ids, huge stats objects).

use shared::decode::DecodeNotes;
use shared::limits::{MAX_EXTRA_EDGE_STATS, MAX_ID_BYTES};
use shared::protocol::{Payload, Pos, Severity};
use shared::{decode_frame, DecodeErrorKind};

const GOOD: &str = r#"{"data":{"type":"node-delete","id":"a"}}"#;

/// Decodes `frame`; compares message kinds and error kinds, in order.
fn check(frame: &str, messages: &[&str], errors: &[DecodeErrorKind]) -> shared::DecodedFrame {
    let decoded = decode_frame(frame);
    let kinds: Vec<&str> = decoded.messages.iter().map(|m| m.payload.kind().wire_name()).collect();
    let error_kinds: Vec<DecodeErrorKind> = decoded.errors.iter().map(|e| e.kind).collect();
    let shown: String = frame.chars().take(160).collect();
    assert_eq!((kinds.as_slice(), error_kinds.as_slice()), (messages, errors), "frame: {shown}");
    decoded
}

fn one_payload(frame: &str) -> Payload {
    let decoded = decode_frame(frame);
    assert_eq!(decoded.errors, vec![], "{frame}");
    match decoded.messages.as_slice() {
        [message] => message.payload.clone(),
        other => panic!("expected one message from {frame}, got {other:?}"),
    }
}

#[test]
fn a_number_out_of_range_costs_only_its_message() {
    use DecodeErrorKind::BadFields;
    let huge_y = r#"{"data":{"type":"chart-point","series":"s","value":{"t":1,"y":1e999}}}"#;
    check(&format!("[{GOOD},{huge_y},{GOOD}]"), &["node-delete", "node-delete"], &[BadFields]);
    check(huge_y, &[], &[BadFields]);
    check(
        &format!("[{GOOD},{}]", r#"{"seq":-1e400,"data":{"type":"node-delete","id":"b"}}"#),
        &["node-delete"; 2],
        &[],
    );
    // In a field the message's type does not read, it costs nothing.
    check(&format!("[{}]", r#"{"data":{"type":"node-delete","id":"b","weight":1e999}}"#), &["node-delete"], &[]);
}

#[test]
fn a_field_of_another_type_is_just_an_unknown_field() {
    for (frame, kind) in [
        (r#"{"data":{"type":"event","message":"m","value":"x"}}"#, "event"),
        (r#"{"data":{"value":"x","message":"m","type":"event"}}"#, "event"),
        (r#"{"data":{"type":"node-status","id":"a","status":"ok","node":5,"nodes":"no"}}"#, "node-status"),
        (r#"{"data":{"type":"chart-point","series":"s","value":{"t":1,"y":2},"message":{},"id":7}}"#, "chart-point"),
        (r#"{"data":{"type":"edge-stats","id":"e","stats":{},"edge":"x","text":false}}"#, "edge-stats"),
        (r#"{"data":{"type":"log-chunk","nodeId":"a","text":"t","severity":[1],"series":null}}"#, "log-chunk"),
        (r#"{"data":{"type":"snapshot-end","nodes":1,"since":2}}"#, "snapshot-end"),
    ] {
        check(frame, &[kind], &[]);
    }
    // The type's own fields are still checked, wherever `type` stands.
    check(r#"{"data":{"message":7,"type":"event"}}"#, &[], &[DecodeErrorKind::BadFields]);
    check(r#"{"data":{"id":"a","type":"node-status"}}"#, &[], &[DecodeErrorKind::BadFields]);
}

#[test]
fn lone_surrogates_become_replacement_characters() {
    let frame = r#"{"data":{"type":"event","message":"cut \ud83d","nodeId":"n\udc00"}}"#;
    let decoded = check(frame, &["event"], &[]);
    assert_eq!(decoded.notes, DecodeNotes { repaired_surrogates: 1, ..DecodeNotes::default() });
    assert_eq!(
        decoded.messages.first().map(|m| m.payload.clone()),
        Some(Payload::Event {
            message: "cut \u{FFFD}".into(),
            severity: Severity::Info,
            node_id: Some("n\u{FFFD}".into())
        })
    );
    // Inside a batch only that element is repaired; a real pair is kept.
    let batch = format!(
        r#"[{GOOD},{{"data":{{"type":"node-delete","id":"\ud800"}}}},{{"data":{{"type":"node-delete","id":"\ud83d\ude00"}}}}]"#
    );
    let decoded = check(&batch, &["node-delete"; 3], &[]);
    let ids: Vec<Payload> = decoded.messages.into_iter().map(|m| m.payload).collect();
    assert_eq!(
        ids,
        vec![
            Payload::NodeDelete { id: "a".into() },
            Payload::NodeDelete { id: "\u{FFFD}".into() },
            Payload::NodeDelete { id: "😀".into() },
        ]
    );
}

#[test]
fn severities_that_are_not_strings_are_info() {
    for (severity, expected) in [
        (r#""warn""#, Severity::Warn),
        (r#""fatal""#, Severity::Info),
        ("5", Severity::Info),
        ("null", Severity::Info),
        (r#"{"level":"error"}"#, Severity::Info),
        ("[\"error\"]", Severity::Info),
        ("1e999", Severity::Info),
    ] {
        let frame = format!(r#"{{"data":{{"type":"event","message":"m","severity":{severity}}}}}"#);
        assert_eq!(
            one_payload(&frame),
            Payload::Event { message: "m".into(), severity: expected, node_id: None },
            "{severity}"
        );
    }
}

#[test]
fn invalid_seq_ts_and_pos_are_absent_and_noted() {
    for (envelope, seq, has_ts, pos, notes) in [
        (r#""seq":7,"ts":"2026-11-26T19:00:00Z","pos":"e1:41""#, Some(7), true, Some(("e1", 41)), (0, 0)),
        (r#""seq":-1"#, None, false, None, (1, 0)),
        (r#""seq":1.5"#, None, false, None, (1, 0)),
        (r#""seq":"7""#, None, false, None, (1, 0)),
        (r#""seq":null"#, None, false, None, (1, 0)),
        (r#""seq":18446744073709551616"#, None, false, None, (1, 0)),
        (r#""ts":12,"seq":{"a":1}"#, None, false, None, (1, 0)),
        (r#""pos":"no-offset""#, None, false, None, (0, 1)),
        (r#""pos":"a:b:1""#, None, false, None, (0, 1)),
        (r#""pos":":1""#, None, false, None, (0, 1)),
        (r#""pos":"e:-1""#, None, false, None, (0, 1)),
        (r#""pos":17"#, None, false, None, (0, 1)),
        (r#""ts":1e999,"pos":-1e999"#, None, false, None, (0, 1)),
    ] {
        let frame = format!(r#"{{{envelope},"data":{{"type":"node-delete","id":"a"}}}}"#);
        let decoded = check(&frame, &["node-delete"], &[]);
        let message = decoded.messages.first().cloned().expect("one message");
        assert_eq!(message.seq, seq, "{envelope}");
        assert_eq!(message.ts_millis.is_some(), has_ts, "{envelope}");
        assert_eq!(
            message.pos,
            pos.map(|(epoch, offset): (&str, u64)| Pos { epoch: epoch.into(), offset }),
            "{envelope}"
        );
        assert_eq!((decoded.notes.invalid_seq, decoded.notes.invalid_pos), notes, "{envelope}");
    }
}

#[test]
fn ids_and_series_names_are_capped() {
    let at_cap = "i".repeat(MAX_ID_BYTES);
    let over = "i".repeat(MAX_ID_BYTES + 1);
    for template in [
        r#"{"data":{"type":"node-delete","id":"ID"}}"#,
        r#"{"data":{"type":"edge-upsert","edge":{"id":"e","source":"ID","target":"t"}}}"#,
        r#"{"data":{"type":"log-chunk","nodeId":"ID","text":"x"}}"#,
        r#"{"data":{"type":"event","message":"m","nodeId":"ID"}}"#,
        r#"{"data":{"type":"chart-point","series":"ID","value":{"t":1,"y":2}}}"#,
        r#"{"data":{"type":"snapshot","nodes":[{"id":"ID","kind":"k","label":"l","status":"ok"}],"edges":[]}}"#,
    ] {
        assert_eq!(decode_frame(&template.replace("ID", &at_cap)).messages.len(), 1, "{template}");
        check(&template.replace("ID", &over), &[], &[DecodeErrorKind::BadFields]);
    }
}

#[test]
fn huge_stats_objects_are_sorted_and_capped_in_n_log_n() {
    // Descending names: an insert-in-place would move the whole vector for
    // every field (quadratic; this case would not finish).
    let n_fields = 150_000;
    let fields: Vec<String> = (0..n_fields).rev().map(|i| format!(r#""k{i:06}":{i}"#)).collect();
    let frame =
        format!(r#"{{"data":{{"type":"edge-stats","id":"e","stats":{{"throughput":3,{}}}}}}}"#, fields.join(","));
    let decoded = check(&frame, &["edge-stats"], &[]);
    assert_eq!(decoded.notes.dropped_edge_stats as usize, n_fields - MAX_EXTRA_EDGE_STATS);
    let Some(Payload::EdgeStats { stats, .. }) = decoded.messages.first().map(|m| m.payload.clone()) else {
        panic!("no stats");
    };
    assert_eq!(stats.throughput, Some(3.0));
    let expected: Vec<(String, f64)> = (0..MAX_EXTRA_EDGE_STATS).map(|i| (format!("k{i:06}"), i as f64)).collect();
    assert_eq!(stats.other, expected);
    // A repeated name keeps its last value.
    let repeated = r#"{"data":{"type":"edge-stats","id":"e","stats":{"q":1,"q":2,"p":0}}}"#;
    let Payload::EdgeStats { stats, .. } = one_payload(repeated) else { panic!("not stats") };
    assert_eq!(stats.other, vec![("p".to_owned(), 0.0), ("q".to_owned(), 2.0)]);
}

#[test]
fn split_snapshots_and_resume_decode() {
    assert_eq!(
        one_payload(r#"{"pos":"e:9","data":{"type":"snapshot","nodes":[],"edges":[],"partial":true}}"#),
        Payload::Snapshot { nodes: vec![], edges: vec![], partial: true }
    );
    assert_eq!(one_payload(r#"{"data":{"type":"snapshot-end"}}"#), Payload::SnapshotEnd);
    assert_eq!(
        one_payload(r#"{"data":{"type":"resumed","since":"7f3a:120"}}"#),
        Payload::Resumed { since: Pos { epoch: "7f3a".into(), offset: 120 } }
    );
}
