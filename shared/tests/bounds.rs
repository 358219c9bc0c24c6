//! Streams millions of messages (simulated, adversarial) through the
//! reducer and asserts every buffer stays within its bound throughout, and
//! that diffs stay bounded no matter how much arrived between them.

use shared::limits::{MAX_CHART_SERIES, MAX_EVENTS, MAX_LOG_LINES_PER_NODE, MAX_LOG_STREAMS, MAX_POINTS_PER_SERIES};
use shared::protocol::{ChartPoint, Message, Payload, Severity};
use shared::sim::{Mix, SimConfig, Simulator};
use shared::Reducer;

const N_MESSAGES: u64 = 2_000_000;

fn message(payload: Payload) -> Message {
    Message { ts_millis: Some(0), seq: None, pos: None, payload }
}

#[test]
fn millions_of_simulated_messages_stay_bounded() {
    for mix in [Mix::Mixed, Mix::EventsAndLogs] {
        let mut sim = Simulator::new(SimConfig { n_nodes: 2_000, seed: 7, mix });
        let mut reducer = Reducer::new();
        reducer.apply(sim.snapshot(0), 0);
        for i in 0..N_MESSAGES {
            reducer.apply(sim.next_message(i as i64), i as i64);
            if i % 250_000 == 0 {
                reducer.assert_within_bounds();
                let diff = reducer.take_diff();
                assert!(diff.events.items.len() <= MAX_EVENTS);
                assert!(diff.logs.iter().all(|log| log.lines.items.len() <= MAX_LOG_LINES_PER_NODE));
                assert!(diff.series.iter().all(|s| s.points.items.len() <= MAX_POINTS_PER_SERIES));
            }
        }
        reducer.assert_within_bounds();
        let counters = reducer.counters();
        assert_eq!(counters.messages(), N_MESSAGES + 1);
        if mix == Mix::EventsAndLogs {
            assert!(counters.evicted_events > 0 && counters.evicted_log_lines > 0);
        }
    }
}

#[test]
fn adversarial_growth_is_capped_and_counted() {
    let mut reducer = Reducer::new();
    // Endless distinct series and log streams.
    for i in 0..(MAX_CHART_SERIES + 500) {
        let point = ChartPoint { t_millis: 0.0, y: 0.0 };
        reducer.apply(message(Payload::ChartPoint { series: format!("s{i}"), point }), 0);
    }
    for i in 0..(MAX_LOG_STREAMS + 50) {
        reducer.apply(message(Payload::LogChunk { node_id: format!("n{i}"), text: "x\n".into() }), 0);
    }
    reducer.assert_within_bounds();
    assert_eq!(reducer.counters().dropped_series_points, 500);
    assert_eq!(reducer.counters().dropped_log_chunks, 50);

    // 50,000 events between two diffs: the diff carries the newest 2000.
    reducer.take_diff();
    for i in 0..50_000 {
        let payload = Payload::Event { message: format!("{i}"), severity: Severity::Warn, node_id: None };
        reducer.apply(message(payload), 0);
    }
    let diff = reducer.take_diff();
    assert_eq!(diff.events.items.len(), MAX_EVENTS);
    assert_eq!(diff.events.skipped, 50_000 - MAX_EVENTS as u64);
    assert_eq!(diff.events.items.last().map(|e| e.message.as_str()), Some("49999"));

    // One endless line never grows past the cap.
    for _ in 0..200 {
        reducer.apply(message(Payload::LogChunk { node_id: "n0".into(), text: "y".repeat(4096) }), 0);
    }
    reducer.assert_within_bounds();
}

#[test]
fn coalescing_sends_each_id_once() {
    let mut sim = Simulator::new(SimConfig { n_nodes: 50, seed: 3, mix: Mix::Mixed });
    let mut reducer = Reducer::new();
    reducer.apply(sim.snapshot(0), 0);
    reducer.take_diff();
    for i in 0..20_000 {
        reducer.apply(sim.next_message(i), i);
    }
    let diff = reducer.take_diff();
    let mut node_ids: Vec<&str> =
        diff.node_upserts.iter().map(|n| n.id.as_str()).chain(diff.node_removals.iter().map(String::as_str)).collect();
    let total = node_ids.len();
    node_ids.sort_unstable();
    node_ids.dedup();
    assert_eq!(node_ids.len(), total);
    assert!(total <= 50, "{total} node changes for a 50-node graph");
}

#[test]
fn a_long_pause_folds_into_one_bounded_diff() {
    // While paused (or hidden) the worker keeps reducing and takes no diff;
    // on resume one diff must carry everything, within the bounds.
    let mut sim = Simulator::new(SimConfig { n_nodes: 500, seed: 4, mix: Mix::Mixed });
    let mut reducer = Reducer::new();
    let mut view = shared::View::default();
    reducer.apply(sim.snapshot(0), 0);
    view.apply_diff(reducer.take_diff());
    for i in 0..300_000 {
        reducer.apply(sim.next_message(i), i);
    }
    let diff = reducer.take_diff();
    assert!(diff.node_upserts.len() + diff.node_removals.len() <= 500);
    assert!(diff.events.items.len() <= MAX_EVENTS && diff.events.skipped > 0);
    assert!(diff.series.iter().all(|s| s.points.items.len() <= MAX_POINTS_PER_SERIES));
    view.apply_diff(diff);
    assert_eq!(view, reducer.to_view());
}

#[test]
fn a_diff_carries_a_bounded_share_of_graph_changes_and_none_starve() {
    use shared::limits::MAX_GRAPH_CHANGES_PER_DIFF;
    let mut sim = Simulator::new(SimConfig { n_nodes: 10_000, seed: 5, mix: Mix::Mixed });
    let mut reducer = Reducer::new();
    let mut view = shared::View::default();
    reducer.apply(sim.snapshot(0), 0);
    let first = reducer.take_diff();
    assert!(first.graph_reset);
    assert_eq!(first.node_upserts.len(), MAX_GRAPH_CHANGES_PER_DIFF, "nodes come first");
    assert!(first.pending_graph_changes > 30_000);
    view.apply_diff(first);
    // Constant churn while the backlog drains: every diff stays within the
    // budget and the view still converges.
    let mut diffs = 0;
    for i in 0..200_000 {
        reducer.apply(sim.next_message(i), i);
        if i % 5_000 == 0 {
            let diff = reducer.take_diff();
            let changes =
                diff.node_upserts.len() + diff.node_removals.len() + diff.edge_upserts.len() + diff.edge_removals.len();
            assert!(changes <= MAX_GRAPH_CHANGES_PER_DIFF);
            view.apply_diff(diff);
            diffs += 1;
        }
    }
    while reducer.has_changes() {
        view.apply_diff(reducer.take_diff());
        diffs += 1;
    }
    assert!(diffs > 40);
    assert_eq!(view, reducer.to_view());
}

#[test]
fn log_lines_are_bounded_across_all_nodes_and_the_view_follows() {
    use shared::limits::MAX_LOG_LINES_TOTAL;
    let mut reducer = Reducer::new();
    let mut view = shared::View::default();
    let n_nodes = 1_000;
    // 1,000 nodes × 600 lines = 600,000 lines > the total bound.
    for round in 0..60 {
        for node in 0..n_nodes {
            let text: String = (0..10).map(|i| format!("node {node} round {round} line {i}\n")).collect();
            reducer.apply(message(Payload::LogChunk { node_id: format!("n{node}"), text }), 0);
        }
        view.apply_diff(reducer.take_diff());
        reducer.assert_within_bounds();
    }
    while reducer.has_changes() {
        view.apply_diff(reducer.take_diff());
    }
    let total: usize = view.logs.values().map(|log| log.lines.len()).sum();
    assert_eq!(total, MAX_LOG_LINES_TOTAL);
    assert_eq!(view, reducer.to_view());
    // The newest lines survive: the last round is whole for every node.
    assert!(view.logs.values().all(|log| log.lines.back().is_some_and(|line| line.contains("round 59 line 9"))));
}

#[test]
fn one_chatty_node_cannot_grow_the_reducer() {
    // Lines leave through the per-node bound here, never the total one: the
    // bookkeeping for the total bound must not pile up regardless.
    let mut reducer = Reducer::new();
    for i in 0..500_000 {
        reducer.apply(message(Payload::LogChunk { node_id: "hot".into(), text: format!("line {i}\n") }), 0);
        if i % 100_000 == 0 {
            reducer.assert_within_bounds();
        }
    }
    reducer.assert_within_bounds();
}

#[test]
fn log_bytes_are_bounded_across_all_nodes_unfinished_lines_included() {
    use shared::limits::{MAX_LOG_BYTES_TOTAL, MAX_LOG_LINE_BYTES, MAX_LOG_PARTIAL_BYTES_TOTAL};
    let mut reducer = Reducer::new();
    let line = "l".repeat(MAX_LOG_LINE_BYTES - 1) + "\n";
    // Complete lines past the byte bound: the oldest lines overall go.
    let n_lines = 2 * MAX_LOG_BYTES_TOTAL / MAX_LOG_LINE_BYTES;
    for i in 0..n_lines {
        reducer.apply(message(Payload::LogChunk { node_id: format!("n{}", i % 1000), text: line.clone() }), 0);
    }
    reducer.assert_within_bounds();
    assert!(reducer.counters().evicted_log_lines >= (n_lines / 2 - 1) as u64);
    // Unfinished lines count too, and may hold a quarter of the bytes: the
    // node whose tail tips that over gives its tail up.
    let tail = "t".repeat(MAX_LOG_LINE_BYTES);
    let n_tails = MAX_LOG_PARTIAL_BYTES_TOTAL / MAX_LOG_LINE_BYTES + 500;
    for i in 0..n_tails {
        reducer.apply(message(Payload::LogChunk { node_id: format!("p{i}"), text: tail.clone() }), 0);
    }
    reducer.assert_within_bounds();
    assert_eq!(reducer.counters().dropped_log_partials, 500);
    // A dropped tail drops the rest of its line too; the next line is kept.
    let last = format!("p{}", n_tails - 1);
    reducer.apply(message(Payload::LogChunk { node_id: last.clone(), text: "rest\nnext\n".into() }), 0);
    let view = reducer.to_view();
    assert_eq!(view.logs.get(&last).map(|log| Vec::from(log.lines.clone())), Some(vec!["next".to_owned()]));
}

#[test]
fn event_messages_are_cut_at_a_char_boundary() {
    use shared::limits::MAX_EVENT_MESSAGE_BYTES;
    let mut reducer = Reducer::new();
    let long = "é".repeat(MAX_EVENT_MESSAGE_BYTES); // twice the bound in bytes
    reducer.apply(message(Payload::Event { message: long, severity: Severity::Info, node_id: None }), 0);
    let view = reducer.to_view();
    let kept = view.events.front().map(|event| event.message.clone()).unwrap_or_default();
    assert_eq!(kept, "é".repeat(MAX_EVENT_MESSAGE_BYTES / 2));
    assert_eq!(reducer.counters().event_messages_cut, 1);
}

#[test]
fn log_owner_ids_are_bounded_in_bytes() {
    use shared::limits::{MAX_ID_BYTES, MAX_LOG_OWNER_ID_BYTES_TOTAL};
    let mut reducer = Reducer::new();
    let fits = MAX_LOG_OWNER_ID_BYTES_TOTAL / MAX_ID_BYTES;
    for i in 0..fits + 10 {
        let node_id = format!("{i:0>width$}", width = MAX_ID_BYTES);
        reducer.apply(message(Payload::LogChunk { node_id, text: "x".into() }), 0);
    }
    reducer.assert_within_bounds();
    assert_eq!(reducer.counters().dropped_log_chunks, 10);
    // A node that already has a log keeps taking chunks.
    let first = format!("{:0>width$}", 0, width = MAX_ID_BYTES);
    reducer.apply(message(Payload::LogChunk { node_id: first, text: "y\n".into() }), 0);
    assert_eq!(reducer.counters().dropped_log_chunks, 10);
}

/// What one diff of at most `budget` graph changes carries, as ids in
/// order (nodes as `n:id`, edges as `e:id`), and its lag.
fn take_ids(reducer: &mut Reducer, budget: usize) -> (Vec<String>, u32) {
    let diff = reducer.take_diff_within(budget);
    let nodes = diff.node_upserts.iter().map(|n| format!("n:{}", n.id));
    let edges = diff.edge_upserts.iter().map(|e| format!("e:{}", e.id));
    (nodes.chain(edges).collect(), diff.graph_lag_diffs)
}

#[test]
fn graph_changes_are_served_oldest_first_across_nodes_and_edges_with_their_lag() {
    let node = |id: &str| {
        format!(r#"{{"data":{{"type":"node-upsert","node":{{"id":"{id}","kind":"k","label":"L","status":"ok"}}}}}}"#)
    };
    let edge =
        |id: &str| format!(r#"{{"data":{{"type":"edge-upsert","edge":{{"id":"{id}","source":"x","target":"y"}}}}}}"#);
    let ids = |list: &[&str]| list.iter().map(|id| (*id).to_owned()).collect::<Vec<String>>();
    let mut reducer = Reducer::new();
    // Before the first diff: an edge, then a node (the same interval).
    reducer.apply_frame(&edge("e1"), 0);
    reducer.apply_frame(&node("a"), 0);
    // Of one interval, nodes first; the edge left has missed one diff.
    assert_eq!(take_ids(&mut reducer, 1), (ids(&["n:a"]), 1));
    reducer.apply_frame(&node("b"), 0);
    reducer.apply_frame(&node("c"), 0);
    // The older edge before the newer nodes.
    assert_eq!(take_ids(&mut reducer, 1), (ids(&["e:e1"]), 1));
    // Nothing new: the nodes left wait one more diff each time.
    assert_eq!(take_ids(&mut reducer, 1), (ids(&["n:b"]), 2));
    // Marked again while waiting: it keeps its place and its age.
    reducer.apply_frame(&node("c"), 0);
    reducer.apply_frame(&edge("e2"), 0);
    assert_eq!(take_ids(&mut reducer, 1), (ids(&["n:c"]), 1));
    assert_eq!(take_ids(&mut reducer, 10), (ids(&["e:e2"]), 0));
    assert_eq!(take_ids(&mut reducer, 10), (vec![], 0));
}

/// Status flaps on 10k nodes at full speed (30k msg/s, so ~7,500 messages
/// a 250 ms interval) bring more changed nodes per diff than a small
/// budget carries: edges must still get their turn, and the lag must stay
/// bounded.
#[test]
fn node_churn_beyond_the_budget_does_not_starve_edges() {
    const BUDGET: usize = 1_000;
    const MESSAGES_PER_INTERVAL: i64 = 7_500;
    let mut sim = Simulator::new(SimConfig { n_nodes: 10_000, seed: 11, mix: Mix::Mixed });
    let mut reducer = Reducer::new();
    reducer.apply(sim.snapshot(0), 0);
    while reducer.has_changes() {
        reducer.take_diff();
    }
    let (mut edge_changes, mut worst_lag) = (0, 0);
    for interval in 0..80 {
        for i in 0..MESSAGES_PER_INTERVAL {
            let at = interval * MESSAGES_PER_INTERVAL + i;
            reducer.apply(sim.next_message(at), at);
        }
        let diff = reducer.take_diff_within(BUDGET);
        let changes =
            diff.node_upserts.len() + diff.node_removals.len() + diff.edge_upserts.len() + diff.edge_removals.len();
        assert_eq!(changes, BUDGET, "more is queued than a diff carries");
        if interval >= 40 {
            edge_changes += diff.edge_upserts.len() + diff.edge_removals.len();
            worst_lag = worst_lag.max(diff.graph_lag_diffs);
        }
    }
    // Edge stats are 35 % of the mix, status flaps 25 %: edges take about
    // half of every diff once the queues are old enough.
    assert!(edge_changes > 40 * BUDGET / 4, "edges got {edge_changes} of {} changes", 40 * BUDGET);
    // Waiting ids soak up repeats, so the backlog levels off.
    assert!(worst_lag < 40, "the oldest change waited {worst_lag} diffs");
}
