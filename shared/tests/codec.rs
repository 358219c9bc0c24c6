//! The worker boundary's codec: every message type round-trips through
//! bincode 1 (gloo-worker's default codec), including a diff produced by
//! the reducer from a simulated stream.

use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::bridge::{Command, LinkConfig, LinkPhase, LinkStatus, WorkerEvent};
use shared::sim::{Mix, SimConfig, Simulator};
use shared::{Reducer, View};

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let bytes = bincode::serialize(value).expect("encodes");
    let back: T = bincode::deserialize(&bytes).expect("decodes");
    assert_eq!(&back, value);
}

#[test]
fn commands_round_trip() {
    let commands = [
        Command::Configure(LinkConfig { token: Some("t".into()), demo: true, ..LinkConfig::default() }),
        Command::RetryNow,
        Command::Pause,
        Command::Resume,
        Command::PageVisible(false),
        Command::Wake,
        Command::Send("{\"type\":\"ping\"}".into()),
        Command::SetToken(None),
        Command::WatchLog(Some("n1".into())),
        Command::ClearNode("__proto__".into()),
        Command::ClearEdge("e".into()),
        Command::ClearEvents,
    ];
    for command in &commands {
        round_trip(command);
    }
}

#[test]
fn worker_events_round_trip() {
    let mut sim = Simulator::new(SimConfig { n_nodes: 300, seed: 9, mix: Mix::Mixed });
    let mut reducer = Reducer::new();
    reducer.apply(sim.snapshot(0), 0);
    for i in 0..20_000 {
        reducer.apply(sim.next_message(i), i);
    }
    reducer.apply_frame("not json", 0);
    let diff = reducer.take_diff();
    assert!(!diff.node_upserts.is_empty() && !diff.events.items.is_empty() && !diff.logs.is_empty());
    let event = WorkerEvent::Diff(Box::new(diff.clone()));
    round_trip(&event);
    round_trip(&WorkerEvent::Status(Box::new(LinkStatus {
        phase: LinkPhase::Waiting,
        retry_in_millis: Some(900),
        ..LinkStatus::default()
    })));
    round_trip(&WorkerEvent::SendRefused("queue full".into()));

    // What crosses the boundary means the same on the other side.
    let bytes = bincode::serialize(&event).expect("encodes");
    let Ok(WorkerEvent::Diff(received)) = bincode::deserialize::<WorkerEvent>(&bytes) else {
        panic!("not a diff");
    };
    let mut view = View::default();
    view.apply_diff(*received);
    assert_eq!(view, reducer.to_view());
}
