//! Split snapshots and resumed streams: when the graph counts as stale,
//! what the reducer remembers as its position, and what it counts.

use shared::encode::encode_snapshot_frames;
use shared::protocol::{Message, Payload, Pos};
use shared::sim::{SimConfig, Simulator};
use shared::Reducer;

const NODE_A: &str =
    r#"{"pos":"e:1","data":{"type":"node-upsert","node":{"id":"a","kind":"k","label":"a","status":"ok"}}}"#;

fn pos(offset: u64) -> Option<Pos> {
    Some(Pos { epoch: "e".into(), offset })
}

#[test]
fn a_partial_snapshot_is_stale_until_its_end() {
    let mut reducer = Reducer::new();
    reducer.apply_frame(NODE_A, 0);
    reducer.connection_opened();
    assert!(reducer.graph_stale(), "a reconnect makes the held graph stale");
    assert!(!reducer.snapshot_arriving(), "no snapshot has begun");
    reducer.apply_frame(r#"{"pos":"e:9","data":{"type":"snapshot","nodes":[],"edges":[],"partial":true}}"#, 0);
    assert!(reducer.graph_stale(), "still stale: only the first part arrived");
    assert!(reducer.snapshot_arriving());
    assert_eq!(reducer.nodes().len(), 0, "the partial snapshot replaced the graph");
    reducer
        .apply_frame(r#"[{"data":{"type":"node-upsert","node":{"id":"b","kind":"k","label":"b","status":"ok"}}}]"#, 0);
    assert!(reducer.graph_stale());
    reducer.apply_frame(r#"{"pos":"e:9","data":{"type":"snapshot-end"}}"#, 0);
    assert!(!reducer.graph_stale());
    assert!(!reducer.snapshot_arriving());
    assert_eq!(reducer.nodes().map(|n| n.id.clone()).collect::<Vec<_>>(), ["b"]);
    assert_eq!(reducer.last_pos().cloned(), pos(9));
}

#[test]
fn a_stray_snapshot_end_changes_nothing() {
    let mut reducer = Reducer::new();
    reducer.apply_frame(NODE_A, 0);
    reducer.connection_opened();
    reducer.apply_frame(r#"{"data":{"type":"snapshot-end"}}"#, 0);
    assert!(reducer.graph_stale(), "snapshot-end without a partial snapshot does not make the graph fresh");
}

#[test]
fn a_split_snapshot_interrupted_by_a_reconnect_stays_stale() {
    let sim = Simulator::new(SimConfig { n_nodes: 2_000, ..SimConfig::default() });
    let frames = encode_snapshot_frames(&sim.snapshot(0), 64 * 1024);
    assert!(frames.first().is_some_and(|f| f.contains(r#""partial":true"#)));
    assert!(frames.last().is_some_and(|f| f.contains("snapshot-end")));
    let mut reducer = Reducer::new();
    for frame in frames.iter().take(frames.len() / 2) {
        reducer.apply_frame(frame, 0);
    }
    assert!(reducer.graph_stale() && reducer.snapshot_arriving());
    reducer.connection_opened();
    assert!(reducer.graph_stale());
    assert!(!reducer.snapshot_arriving(), "the cut snapshot is not arriving any more");
    for frame in &frames {
        reducer.apply_frame(frame, 0);
    }
    assert!(!reducer.graph_stale());
    assert_eq!(reducer.nodes().len(), 2_000);
}

#[test]
fn resumed_is_fresh_at_once_and_counts_the_replay() {
    let mut reducer = Reducer::new();
    reducer.apply_frame(NODE_A, 0);
    assert_eq!(reducer.last_pos().cloned(), pos(1));
    reducer.connection_opened();
    assert!(reducer.graph_stale());
    let replay = r#"[{"data":{"type":"resumed","since":"e:1"}},
        {"pos":"e:2","data":{"type":"node-status","id":"a","status":"error"}},
        {"pos":"e:3","data":{"type":"node-delete","id":"a"}}]"#;
    reducer.apply_frame(replay, 0);
    assert!(!reducer.graph_stale());
    assert_eq!(reducer.last_pos().cloned(), pos(3));
    assert_eq!((reducer.counters().resumes, reducer.counters().resumed_messages), (1, 2));
    // Live messages in later frames are not counted as replayed.
    reducer.apply_frame(r#"{"pos":"e:4","data":{"type":"node-delete","id":"b"}}"#, 0);
    assert_eq!((reducer.counters().resumes, reducer.counters().resumed_messages), (1, 2));
    assert_eq!(reducer.last_pos().cloned(), pos(4));
}

#[test]
fn messages_without_a_position_keep_the_last_one() {
    let mut reducer = Reducer::new();
    reducer.apply_frame(NODE_A, 0);
    reducer
        .apply(Message { ts_millis: None, seq: None, pos: None, payload: Payload::NodeDelete { id: "a".into() } }, 0);
    assert_eq!(reducer.last_pos().cloned(), pos(1));
    reducer.reset();
    assert_eq!(reducer.last_pos(), None, "another project starts without a position");
}

#[test]
fn an_oversize_frame_counted_before_copying_is_one_error() {
    let mut reducer = Reducer::new();
    reducer.count_oversize_frame(200 * 1024 * 1024);
    let counters = reducer.counters();
    assert_eq!((counters.frames, counters.errors_of(shared::DecodeErrorKind::Oversize)), (1, 1));
    assert!(counters.last_error.as_deref().is_some_and(|e| e.starts_with("oversize frame")));
}
