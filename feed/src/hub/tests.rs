//! The hub natively: positions, history, resume or snapshot, and messages
//! numbered elsewhere.

use super::*;

fn status(id: &str) -> Message {
    Message {
        ts_millis: Some(1),
        seq: None,
        pos: None,
        payload: Payload::NodeStatus { id: id.into(), status: shared::Status::Ok },
    }
}

fn upsert(id: &str) -> Message {
    let node = shared::MeshNode {
        id: id.into(),
        kind: "k".into(),
        label: id.into(),
        status: shared::Status::Ok,
        meta: Vec::new(),
    };
    Message { ts_millis: Some(1), seq: None, pos: None, payload: Payload::NodeUpsert(node) }
}

fn hub(history_max_messages: usize) -> Arc<Hub> {
    Hub::new("ep", (history_max_messages, usize::MAX), Arc::default())
}

fn pos(offset: u64) -> Pos {
    Pos { epoch: "ep".into(), offset }
}

/// The (seq, pos) of every message in a frame.
fn stamps(frame: &str) -> Vec<(Option<u64>, Option<String>)> {
    shared::decode_frame(frame).messages.into_iter().map(|m| (m.seq, m.pos.map(|p| p.to_string()))).collect()
}

#[test]
fn every_message_gets_the_next_offset_as_pos_and_seq() {
    let hub = hub(100);
    let mut subscription = hub.subscribe(None, 0);
    assert_eq!(hub.publish(vec![upsert("a"), status("a")], 5), pos(2));
    assert_eq!(hub.publish(vec![status("a")], 5), pos(3));
    let first = subscription.frames.try_recv().unwrap();
    assert_eq!(stamps(&first.frame), [(Some(1), Some("ep:1".into())), (Some(2), Some("ep:2".into()))]);
    let second = subscription.frames.try_recv().unwrap();
    assert_eq!(stamps(&second.frame), [(Some(3), Some("ep:3".into()))]);
    assert!(second.frame.as_str().starts_with('{'), "one message is an object frame");
}

#[test]
fn the_snapshot_carries_the_position_it_reflects() {
    let hub = hub(100);
    hub.publish(vec![upsert("a"), upsert("b")], 5);
    let Start::Snapshot(frames) = hub.subscribe(None, 0).start else { panic!("no snapshot") };
    let decoded = shared::decode_frame(frames.first().unwrap());
    let snapshot = decoded.messages.first().unwrap();
    assert_eq!(snapshot.pos, Some(pos(2)));
    let Payload::Snapshot { nodes, partial: false, .. } = &snapshot.payload else { panic!("{snapshot:?}") };
    assert_eq!(nodes.len(), 2);
}

#[test]
fn a_client_resumes_with_exactly_what_it_missed() {
    let hub = hub(100);
    hub.publish(vec![upsert("a"), status("a"), status("a")], 5);
    hub.publish(vec![status("a")], 5);
    let Start::Resumed(frames) = hub.subscribe(Some(&pos(2)), 0).start else { panic!("not resumed") };
    assert_eq!(frames.len(), 1, "the replay shares the frame of resumed");
    let decoded = shared::decode_frame(frames.first().unwrap());
    assert!(
        matches!(decoded.messages.first().map(|m| &m.payload), Some(Payload::Resumed { since }) if *since == pos(2))
    );
    let replayed: Vec<_> = decoded.messages.iter().skip(1).map(|m| m.pos.clone()).collect();
    assert_eq!(replayed, [Some(pos(3)), Some(pos(4))]);
    let Start::Resumed(frames) = hub.subscribe(Some(&pos(4)), 0).start else { panic!("not resumed at the head") };
    assert_eq!(stamps(frames.first().unwrap()), [(None, None)], "resumed alone");
}

#[test]
fn what_cannot_be_resumed_gets_a_snapshot() {
    let hub = hub(2);
    for message in [upsert("a"), status("a"), status("a"), status("a")] {
        hub.publish(vec![message], 5);
    }
    let other_epoch = Pos { epoch: "other".into(), offset: 3 };
    for since in [pos(1), pos(9), other_epoch] {
        let start = hub.subscribe(Some(&since), 0).start;
        assert!(matches!(start, Start::Snapshot(_)), "{since:?}: {start:?}");
    }
    assert!(matches!(hub.subscribe(Some(&pos(2)), 0).start, Start::Resumed(_)), "3 and 4 are held");
}

#[test]
fn messages_numbered_elsewhere_must_follow() {
    let hub = hub(100);
    assert_eq!(hub.accept("ep", 1, vec![upsert("a")], 5), Ok(()));
    let gap = hub.accept("ep", 3, vec![status("a")], 5);
    assert_eq!(gap, Err(OutOfOrder { expected: pos(2), got: pos(3) }));
    assert_eq!(hub.accept("ep", 2, vec![status("a"), status("a")], 5), Ok(()));
    assert_eq!(hub.position(), pos(3));
    // A new epoch starts at 1 and starts the history over; the graph stays.
    assert!(hub.accept("e2", 4, vec![status("a")], 5).is_err());
    assert_eq!(hub.accept("e2", 1, vec![status("a")], 5), Ok(()));
    assert!(matches!(hub.subscribe(Some(&pos(3)), 0).start, Start::Snapshot(_)));
    let (at, snapshot) = hub.snapshot_message(0);
    assert_eq!(at, Pos { epoch: "e2".into(), offset: 1 });
    assert!(matches!(snapshot.payload, Payload::Snapshot { ref nodes, .. } if nodes.len() == 1));
}

#[test]
fn a_restored_graph_reaches_clients_as_a_snapshot() {
    let hub = hub(100);
    hub.publish(vec![upsert("a")], 5);
    let mut subscription = hub.subscribe(Some(&pos(1)), 0);
    let (_, snapshot) = {
        let other = self::hub(100);
        other.publish(vec![upsert("b"), upsert("c")], 5);
        other.snapshot_message(0)
    };
    hub.restore(snapshot, &pos(10), 0);
    assert_eq!(hub.position(), pos(10));
    let frame = subscription.frames.try_recv().unwrap();
    let decoded = shared::decode_frame(&frame.frame);
    assert!(
        matches!(decoded.messages.first().map(|m| &m.payload), Some(Payload::Snapshot { nodes, .. }) if nodes.len() == 2)
    );
    assert_eq!(hub.publish(vec![status("b")], 5), pos(11));
}

#[test]
fn a_rebased_hub_keeps_its_graph_and_starts_a_new_history() {
    let hub = hub(100);
    hub.publish(vec![upsert("a"), upsert("b")], 5);
    hub.rebase(&Pos { epoch: "e2".into(), offset: 0 });
    assert!(matches!(hub.subscribe(Some(&pos(2)), 0).start, Start::Snapshot(_)));
    assert_eq!(hub.accept("e2", 1, vec![upsert("c")], 5), Ok(()));
    let (at, snapshot) = hub.snapshot_message(0);
    assert_eq!(at, Pos { epoch: "e2".into(), offset: 1 });
    assert!(matches!(snapshot.payload, Payload::Snapshot { ref nodes, .. } if nodes.len() == 3));
}
