//! Resuming: which connects carry `since`, and what a resumed link shows
//! (no gap event, no stale graph) against one that got a snapshot.

use super::*;

/// A snapshot at k7:10 holding node n, then one message at k7:11.
const SNAPSHOT_AT_10: &str = r#"{"pos":"k7:10","data":{"type":"snapshot","nodes":[{"id":"n","kind":"k","label":"l","status":"ok"}],"edges":[]}}"#;
const STATUS_AT_11: &str = r#"{"seq":11,"pos":"k7:11","data":{"type":"node-status","id":"n","status":"error"}}"#;
const RESUMED_AFTER_11: &str = r#"[{"data":{"type":"resumed","since":"k7:11"}},{"seq":12,"pos":"k7:12","data":{"type":"node-status","id":"n","status":"ok"}}]"#;
const SNAPSHOT_AT_20: &str = r#"{"pos":"k7:20","data":{"type":"snapshot","nodes":[{"id":"n","kind":"k","label":"l","status":"ok"}],"edges":[]}}"#;
const RESUME_A: &str = "connect ws://h/ws?project=a&since=k7%3A11";

/// Configured, opened, a snapshot and a message applied, then the link
/// drops at t1002.
fn dropped_after_11() -> Vec<In> {
    vec![
        Configure(config("a")),
        Opened,
        Frame(SNAPSHOT_AT_10),
        Frame(STATUS_AT_11),
        Wait(2_000.0),
        Closed(1006, ""),
        Wait(5_000.0),
    ]
}

fn gap_events(harness: &mut Harness) -> Vec<String> {
    let view = harness.core.reducer_mut().to_view();
    view.events.iter().filter(|event| event.local).map(|event| event.message.clone()).collect()
}

#[test]
fn a_reconnect_to_the_same_source_asks_to_resume_after_the_last_position() {
    let mut inputs = dropped_after_11();
    inputs.push(RetryNow);
    check(&inputs, &["disconnect", CONNECT_A, "disconnect", RESUME_A]);
    // On the clock too (the backoff's own retry).
    let mut harness = Harness::new();
    harness.run(&dropped_after_11()).run(&[Wait(60_000.0), Tick]);
    assert_eq!(harness.seen().last().copied(), Some(RESUME_A));
}

#[test]
fn no_since_on_first_load_without_positions_or_after_a_switch() {
    // First load: nothing applied yet.
    check(&[Configure(config("a"))], &["disconnect", CONNECT_A]);
    // A server without positions never gets since.
    let inputs =
        [Configure(config("a")), Opened, Frame(r#"{"data":{"type":"event","message":"x"}}"#), Closed(1006, "")];
    let mut harness = Harness::new();
    harness.run(&inputs).run(&[RetryNow]);
    assert_eq!(harness.seen().last().copied(), Some(CONNECT_A));
    // After a project switch and back: the view started over.
    let mut harness = Harness::new();
    harness.run(&dropped_after_11()).run(&[Configure(config("b")), Configure(config("a"))]);
    assert_eq!(harness.seen().last().copied(), Some(CONNECT_A));
}

#[test]
fn the_position_is_url_encoded() {
    let mut harness = Harness::new();
    let odd_epoch = r#"{"pos":"a b&c/é:3","data":{"type":"snapshot","nodes":[],"edges":[]}}"#;
    harness.run(&[Configure(config("a")), Opened, Frame(odd_epoch), Closed(1006, ""), RetryNow]);
    assert_eq!(harness.seen().last().copied(), Some("connect ws://h/ws?project=a&since=a%20b%26c%2F%C3%A9%3A3"));
}

#[test]
fn a_resumed_link_is_live_at_once_without_a_gap_event() {
    let mut harness = Harness::new();
    harness.run(&dropped_after_11()).run(&[RetryNow, Opened]);
    assert!(!harness.status().graph_stale, "stale while the resume is on its way");
    harness.run(&[Frame(RESUMED_AFTER_11), Wait(60_000.0), Tick]);
    let status = harness.status();
    assert!(!status.graph_stale);
    assert_eq!(status.phase, LinkPhase::Open);
    assert_eq!(gap_events(&mut harness), Vec::<String>::new());
    let counters = harness.core.reducer_mut().counters().clone();
    assert_eq!((counters.resumes, counters.resumed_messages), (1, 1));
    assert_eq!(harness.core.reducer_mut().last_pos().map(ToString::to_string), Some("k7:12".into()));
}

#[test]
fn a_link_that_got_a_snapshot_instead_shows_the_gap() {
    let mut harness = Harness::new();
    harness.run(&dropped_after_11()).run(&[RetryNow, Opened, Wait(100.0), Frame(SNAPSHOT_AT_20)]);
    assert_eq!(gap_events(&mut harness), ["connection lost t1002 – t1007"]);
    assert!(!harness.status().graph_stale);
}

#[test]
fn a_connection_lost_before_its_first_frame_keeps_the_first_loss() {
    let mut harness = Harness::new();
    harness.run(&dropped_after_11()).run(&[RetryNow, Opened, Wait(1_000.0), Closed(1006, "")]);
    assert_eq!(gap_events(&mut harness), Vec::<String>::new(), "not decided yet");
    harness.run(&[Wait(1_000.0), RetryNow]);
    assert_eq!(harness.seen().last().copied(), Some(RESUME_A));
    harness.run(&[Opened, Frame(SNAPSHOT_AT_20)]);
    assert_eq!(gap_events(&mut harness), ["connection lost t1002 – t1009"]);
}

#[test]
fn a_silent_new_connection_gets_the_gap_event_after_a_while() {
    let mut harness = Harness::new();
    harness.run(&dropped_after_11()).run(&[RetryNow, Opened, Wait(4_000.0), Tick]);
    assert_eq!(gap_events(&mut harness), Vec::<String>::new());
    harness.run(&[Wait(1_000.0), Tick]);
    assert_eq!(gap_events(&mut harness), ["connection lost t1002 – t1007"]);
    // The graph the server never refreshed is shown stale from then on.
    assert!(harness.status().graph_stale);
}
