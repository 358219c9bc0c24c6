//! Data-driven cases for every payload type and rule of PROTOCOL.md: a
//! stream of JSON frames in, a readable dump of the resulting state out.
//! Each case is checked twice: on the reducer itself and on a `View` fed
//! only with diffs (taken after every frame), which must agree.

use shared::limits::{MAX_EVENTS, MAX_LOG_LINE_BYTES};
use shared::{Reducer, View};

const NOW_MILLIS: i64 = 1_000;

fn check(frames: &[&str], expected: &str) {
    let mut reducer = Reducer::new();
    let mut view = View::default();
    for frame in frames {
        reducer.apply_frame(frame, NOW_MILLIS);
        view.apply_diff(reducer.take_diff());
        reducer.assert_within_bounds();
    }
    let actual = dump(&reducer.to_view());
    assert_eq!(actual.trim(), expected.trim(), "\nframes: {frames:#?}");
    assert_eq!(dump(&view), actual, "view built from diffs differs from the reducer");
}

/// A compact, stable text form of a state; empty sections are left out.
fn dump(view: &View) -> String {
    let mut out = String::new();
    let nodes: Vec<String> =
        view.nodes.values().map(|n| format!("{}({}:{})", n.id, n.kind, n.status.as_wire())).collect();
    if !nodes.is_empty() {
        out += &format!("nodes: {}\n", nodes.join(" "));
    }
    let edges: Vec<String> = view
        .edges
        .values()
        .map(|e| {
            let stats = e.stats.as_ref().and_then(|s| s.throughput).map(|t| format!(" t={t}")).unwrap_or_default();
            format!("{}:{}->{}{stats}", e.id, e.source, e.target)
        })
        .collect();
    if !edges.is_empty() {
        out += &format!("edges: {}\n", edges.join(" "));
    }
    for event in &view.events {
        out += &format!("event: {} {} {}\n", event.ts_millis, event.severity.as_wire(), event.message);
    }
    for (node_id, log) in &view.logs {
        out += &format!("log {node_id}: {:?} partial={:?}\n", log.lines, log.partial);
    }
    for (name, points) in &view.series {
        let points: Vec<String> = points.iter().map(|p| format!("{}/{}", p.t_millis, p.y)).collect();
        out += &format!("series {name}: {}\n", points.join(" "));
    }
    let c = &view.counters;
    let mut counts = Vec::new();
    for (name, value) in [
        ("orphan_status", c.orphan_node_status),
        ("orphan_stats", c.orphan_edge_stats),
        ("gaps", c.seq_gaps),
        ("missing", c.seq_missing),
        ("resets", c.seq_resets),
        ("cut", c.log_lines_cut),
    ] {
        if value > 0 {
            counts.push(format!("{name}={value}"));
        }
    }
    for kind in shared::DecodeErrorKind::ALL {
        if c.errors_of(kind) > 0 {
            counts.push(format!("{}={}", kind.label(), c.errors_of(kind)));
        }
    }
    if !counts.is_empty() {
        out += &format!("counters: {}\n", counts.join(" "));
    }
    out
}

const A: &str = r#"{"data":{"type":"node-upsert","node":{"id":"a","kind":"svc","label":"A","status":"ok"}}}"#;
const B: &str = r#"{"data":{"type":"node-upsert","node":{"id":"b","kind":"pg","label":"B","status":"idle"}}}"#;
const AB: &str = r#"{"data":{"type":"edge-upsert","edge":{"id":"ab","source":"a","target":"b"}}}"#;

#[test]
fn nodes() {
    check(&[A, B], "nodes: a(svc:ok) b(pg:idle)");
    check(&[A, r#"{"data":{"type":"node-status","id":"a","status":"error"}}"#], "nodes: a(svc:error)");
    check(&[A, r#"{"data":{"type":"node-status","id":"a","status":"melting"}}"#], "nodes: a(svc:melting)");
    check(&[r#"{"data":{"type":"node-status","id":"ghost","status":"error"}}"#], "counters: orphan_status=1");
    check(&[A, r#"{"data":{"type":"node-delete","id":"a"}}"#], "");
    check(
        &[A, r#"{"data":{"type":"node-upsert","node":{"id":"a","kind":"redis","label":"A2","status":"stopped"}}}"#],
        "nodes: a(redis:stopped)",
    );
}

#[test]
fn edges_and_cascade() {
    check(&[A, B, AB], "nodes: a(svc:ok) b(pg:idle)\nedges: ab:a->b");
    // Endpoints need not exist yet.
    check(&[AB], "edges: ab:a->b");
    check(&[AB, r#"{"data":{"type":"edge-stats","id":"ab","stats":{"throughput":12.5}}}"#], "edges: ab:a->b t=12.5");
    check(&[r#"{"data":{"type":"edge-stats","id":"zz","stats":{}}}"#], "counters: orphan_stats=1");
    check(&[AB, r#"{"data":{"type":"edge-delete","id":"ab"}}"#], "");
    // Deleting either endpoint removes the edge and that node's log.
    check(
        &[
            A,
            B,
            AB,
            r#"{"data":{"type":"log-chunk","nodeId":"b","text":"x\n"}}"#,
            r#"{"data":{"type":"node-delete","id":"b"}}"#,
        ],
        "nodes: a(svc:ok)",
    );
    // An edge upserted again with the same endpoints takes the new value,
    // and still dies with either endpoint.
    let ab_again =
        r#"{"data":{"type":"edge-upsert","edge":{"id":"ab","source":"a","target":"b","stats":{"throughput":7}}}}"#;
    check(&[AB, ab_again], "edges: ab:a->b t=7");
    check(&[AB, ab_again, r#"{"data":{"type":"node-delete","id":"b"}}"#], "");
    // An edge re-pointed to other endpoints no longer dies with the old one.
    check(
        &[
            AB,
            r#"{"data":{"type":"edge-upsert","edge":{"id":"ab","source":"c","target":"d"}}}"#,
            r#"{"data":{"type":"node-delete","id":"a"}}"#,
        ],
        "edges: ab:c->d",
    );
    // A self-loop is removed once.
    check(
        &[
            r#"{"data":{"type":"edge-upsert","edge":{"id":"aa","source":"a","target":"a"}}}"#,
            r#"{"data":{"type":"node-delete","id":"a"}}"#,
        ],
        "",
    );
}

#[test]
fn snapshot_replaces_the_graph_and_keeps_the_rest() {
    check(
        &[
            A,
            AB,
            r#"{"ts":"1970-01-01T00:00:02Z","data":{"type":"event","message":"kept","severity":"warn"}}"#,
            r#"{"data":{"type":"snapshot","nodes":[{"id":"z","kind":"q","label":"Z","status":"running"}],"edges":[{"id":"zz","source":"z","target":"z"}]}}"#,
        ],
        "nodes: z(q:running)\nedges: zz:z->z\nevent: 2000 warn kept",
    );
}

#[test]
fn events() {
    check(
        &[r#"{"ts":"1970-01-01T00:00:01.5Z","data":{"type":"event","message":"m","severity":"error","nodeId":"a"}}"#],
        "event: 1500 error m",
    );
    // Unknown severity reads as info; missing ts uses the receive time.
    check(&[r#"{"data":{"type":"event","message":"m","severity":"loud"}}"#], "event: 1000 info m");
    check(&[r#"{"ts":"yesterday","data":{"type":"event","message":"m","severity":"debug"}}"#], "event: 1000 debug m");
}

#[test]
fn logs() {
    check(
        &[
            r#"{"data":{"type":"log-chunk","nodeId":"a","text":"one\ntw"}}"#,
            r#"{"data":{"type":"log-chunk","nodeId":"a","text":"o\nthree"}}"#,
        ],
        r#"log a: ["one", "two"] partial="three""#,
    );
    let long = "x".repeat(MAX_LOG_LINE_BYTES + 10);
    let frame = format!(r#"{{"data":{{"type":"log-chunk","nodeId":"a","text":"{long}\nok\n"}}}}"#);
    let expected = format!("log a: [{:?}, \"ok\"] partial=\"\"\ncounters: cut=1", "x".repeat(MAX_LOG_LINE_BYTES));
    check(&[&frame], &expected);
}

#[test]
fn charts() {
    check(
        &[
            r#"{"data":{"type":"chart-point","series":"cpu","value":{"t":1,"y":0.5}}}"#,
            r#"[{"data":{"type":"chart-point","series":"cpu","value":{"t":2,"y":1}}},{"data":{"type":"chart-point","series":"mem","value":{"t":2,"y":3}}}]"#,
        ],
        "series cpu: 1/0.5 2/1\nseries mem: 2/3",
    );
}

#[test]
fn seq_gaps_and_resets() {
    let msg = |seq: u64| format!(r#"{{"seq":{seq},"data":{{"type":"edge-delete","id":"x"}}}}"#);
    let frames: Vec<String> = [1, 2, 3, 7, 8, 2, 3].into_iter().map(msg).collect();
    let frames: Vec<&str> = frames.iter().map(String::as_str).collect();
    check(&frames, "counters: gaps=1 missing=3 resets=1");
}

#[test]
fn bad_input_is_counted_and_loses_nothing_else() {
    check(
        &[
            "not json",
            "42",
            r#"{"data":{"type":"teleport","id":"a"}}"#,
            r#"{"data":{"type":"node-status","id":7,"status":"ok"}}"#,
            r#"[{"data":{"type":"node-upsert"}}, {"data":{"type":"node-upsert","node":{"id":"a","kind":"k","label":"l","status":"ok"}}}, 5]"#,
        ],
        "nodes: a(k:ok)\ncounters: invalid JSON=1 not a message=2 unknown type=1 bad fields=2",
    );
}

#[test]
fn events_keep_the_newest() {
    let frames: Vec<String> = (0..MAX_EVENTS + 3)
        .map(|i| format!(r#"{{"data":{{"type":"event","message":"e{i}","severity":"info"}}}}"#))
        .collect();
    let mut reducer = Reducer::new();
    for frame in &frames {
        reducer.apply_frame(frame, 0);
    }
    let diff = reducer.take_diff();
    assert_eq!(diff.events.items.len(), MAX_EVENTS);
    assert_eq!(diff.events.skipped, 3);
    assert_eq!(diff.events.items.first().map(|e| e.message.as_str()), Some("e3"));
    assert_eq!(diff.counters.evicted_events, 3);
}

#[test]
fn reset_starts_the_view_over() {
    let mut reducer = Reducer::new();
    let mut view = View::default();
    reducer.apply_frame(A, 0);
    reducer.apply_frame(r#"{"data":{"type":"event","message":"old","severity":"info"}}"#, 0);
    view.apply_diff(reducer.take_diff());
    reducer.reset();
    reducer.apply_frame(B, 0);
    let diff = reducer.take_diff();
    assert!(diff.view_reset);
    view.apply_diff(diff);
    assert_eq!(dump(&view), "nodes: b(pg:idle)\n");
    assert_eq!(view, reducer.to_view());
}

#[test]
fn a_snapshot_too_big_for_one_frame_arrives_whole_in_several() {
    use shared::encode::encode_snapshot_frames;
    use shared::sim::{SimConfig, Simulator};
    let sim = Simulator::new(SimConfig { n_nodes: 3_000, ..SimConfig::default() });
    let snapshot = sim.snapshot(0);
    let frames = encode_snapshot_frames(&snapshot, 64 * 1024);
    assert!(frames.len() > 10 && frames.iter().all(|f| f.len() <= 64 * 1024));
    let mut split = Reducer::new();
    split.apply_frame(A, 0); // stale content the snapshot must replace
    for frame in &frames {
        split.apply_frame(frame, 0);
    }
    // Both through JSON, so numbers are read the same way.
    let mut whole = Reducer::new();
    whole.apply_frame(&shared::encode::encode_message(&snapshot), 0);
    let (split, whole_view) = (split, whole.to_view());
    assert!(split.to_view().nodes == whole_view.nodes, "nodes differ");
    assert!(split.to_view().edges == whole_view.edges, "edges differ");
    assert_eq!(split.counters().errors(), 0);
}

#[test]
fn only_the_watched_log_crosses_and_arrives_whole() {
    use shared::LogWatch;
    let chunk =
        |node: &str, text: &str| format!(r#"{{"data":{{"type":"log-chunk","nodeId":"{node}","text":"{text}"}}}}"#);
    let mut reducer = Reducer::new();
    let mut view = View::default();
    reducer.watch_log(LogWatch::Node("a".into()));
    reducer.apply_frame(&chunk("a", "a1\\n"), 0);
    reducer.apply_frame(&chunk("b", "b1\\nb2\\n"), 0);
    view.apply_diff(reducer.take_diff());
    assert_eq!(view.logs.keys().collect::<Vec<_>>(), ["a"]);
    // Switching: b arrives with everything kept so far, a is dropped.
    reducer.watch_log(LogWatch::Node("b".into()));
    reducer.apply_frame(&chunk("a", "a2\\n"), 0);
    let diff = reducer.take_diff();
    assert_eq!(diff.log_removals, ["a"]);
    view.apply_diff(diff);
    assert_eq!(dump(&view), "log b: [\"b1\", \"b2\"] partial=\"\"\n");
    assert_eq!(view, reducer.to_view());
    reducer.watch_log(LogWatch::Nothing);
    view.apply_diff(reducer.take_diff());
    assert!(view.logs.is_empty());
}

#[test]
fn every_diff_says_how_large_the_graph_is_and_a_fill_makes_room_for_it_at_once() {
    use shared::diff_budget::DiffBudget;
    use shared::GraphSize;
    let node = |i: usize| format!(r#"{{"id":"n{i}","kind":"svc","label":"n{i}","status":"ok"}}"#);
    // Edge i joins node i mod 3,000 to the next: each node has four edges.
    let edge = |i: usize| format!(r#"{{"id":"e{i}","source":"n{}","target":"n{}"}}"#, i % 3_000, (i + 1) % 3_000);
    let nodes: Vec<String> = (0..3_000).map(node).collect();
    let edges: Vec<String> = (0..6_000).map(edge).collect();
    let snapshot =
        format!(r#"{{"data":{{"type":"snapshot","nodes":[{}],"edges":[{}]}}}}"#, nodes.join(","), edges.join(","));
    let mut reducer = Reducer::new();
    reducer.apply_frame(&snapshot, NOW_MILLIS);
    let mut budget = DiffBudget::default();
    let mut view = View::default();
    // The first diff of the fill carries a part of the graph and its size.
    let first = budget.take_diff(&mut reducer);
    assert!(first.snapshot_fill && first.graph_changes() < 9_000, "{}", first.graph_changes());
    assert_eq!(first.graph_size, GraphSize { nodes: 3_000, edges: 6_000 });
    view.apply_diff(first);
    assert!(view.nodes.capacity() >= 3_000 && view.edges.capacity() >= 6_000, "room for the whole graph at once");
    loop {
        let diff = budget.take_diff(&mut reducer);
        if !diff.snapshot_fill {
            break;
        }
        view.apply_diff(diff);
    }
    assert_eq!((view.nodes.len(), view.edges.len()), (3_000, 6_000));
    // Live diffs say the size too, and make no room ahead.
    reducer.apply_frame(r#"{"data":{"type":"node-delete","id":"n2999"}}"#, NOW_MILLIS);
    let live = reducer.take_diff();
    assert!(!live.snapshot_fill);
    assert_eq!(live.graph_size, GraphSize { nodes: 2_999, edges: 6_000 - 4 }, "n2999 took its four edges");
    let mut fresh = View::default();
    fresh.apply_diff(live);
    assert!(fresh.nodes.capacity() < 3_000 && fresh.edges.capacity() < 6_000);
}
