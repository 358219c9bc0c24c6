//! The clock and what the UI is told: reconnect timing through the core,
//! quiet and sleeping links, diffs held while paused or hidden, bounds on
//! the settings, and frame accounting.

use super::*;

const NODE_N: &str = r#"{"data":{"type":"node-upsert","node":{"id":"n","kind":"k","label":"l","status":"ok"}}}"#;

#[test]
fn close_codes_reach_the_policy() {
    let mut harness = Harness::new();
    // Three failed connects, then a healthy link that the server closes
    // with "too slow": the backoff goes on (attempt 4), it does not reset.
    harness.run(&[Configure(config("a"))]);
    for _ in 0..3 {
        harness.run(&[Closed(1006, ""), Wait(60_000.0), Tick]);
    }
    harness.run(&[Opened, Wait(60_000.0), Closed(4001, "too slow")]);
    let status = harness.status();
    assert_eq!((status.phase, status.attempt), (LinkPhase::Waiting, 4));
    assert_eq!(status.reason, "closed by server (code 4001: too slow)");
    // A plain close of a healthy link resets it, and spreads the retry.
    harness.run(&[Wait(60_000.0), Tick, Opened, Wait(60_000.0), Random(0.9), Closed(1001, "")]);
    let status = harness.status();
    assert_eq!((status.attempt, status.retry_in_millis), (1, Some(4500)));
    assert_eq!(status.reason, "closed by server (code 1001)");
}

#[test]
fn the_close_reason_is_in_words() {
    let cases = [
        (1006, "", "connection failed or dropped"),
        (1000, "", "closed by server (code 1000)"),
        (4003, "bad token", "closed by server (code 4003: bad token)"),
    ];
    for (code, reason, expected) in cases {
        let mut harness = Harness::new();
        harness.run(&[Configure(config("a")), Closed(code, reason)]);
        assert_eq!(harness.status().reason, expected);
        harness.run(&[Online(false), Closed(code, reason)]);
        assert_eq!(harness.status().reason, format!("{expected}; browser offline"));
    }
}

#[test]
fn a_wake_reconnects_soon_and_retry_now_at_once() {
    let waiting = [Configure(config("a")), Opened, Wait(60_000.0), Random(0.9), Closed(1006, "")];
    let mut harness = Harness::new();
    harness.run(&waiting).run(&[Random(0.5), Wake]);
    assert_eq!(harness.status().retry_in_millis, Some(500));
    harness.run(&[Wait(499.0), Tick]);
    assert_eq!(harness.seen().last().copied(), Some("disconnect"));
    harness.run(&[Wait(1.0), Tick]);
    assert_eq!(harness.seen().last().copied(), Some(CONNECT_A));
    // A zero draw connects within the call; online and page shown alike.
    for wake in [Wake, Online(true), Visible(true)] {
        let mut harness = Harness::new();
        harness.run(&waiting).run(&[Random(0.0), wake.clone()]);
        assert_eq!(harness.seen().last().copied(), Some(CONNECT_A), "{wake:?}");
    }
    let mut harness = Harness::new();
    harness.run(&waiting).run(&[RetryNow]);
    assert_eq!(harness.seen().last().copied(), Some(CONNECT_A));
}

#[test]
fn a_silent_link_is_quiet_until_a_frame_arrives() {
    let mut harness = Harness::new();
    harness.run(&[Configure(config("a")), Opened, Tick, Wait(15_000.0), Tick]);
    assert!(!harness.status().quiet);
    harness.run(&[Wait(250.0), Tick]);
    assert!(harness.status().quiet);
    harness.run(&[Wait(250.0), Tick, Frame("[]")]);
    let status = harness.status();
    assert_eq!((status.quiet, status.quiet_periods), (false, 1));
}

#[test]
fn a_silent_link_after_sleep_is_probed() {
    let mut harness = Harness::new();
    harness.run(&[Configure(config("a")), Opened, Tick, Random(0.5), Wait(60_000.0), Tick]);
    assert_eq!(harness.seen(), ["disconnect", CONNECT_A, "disconnect"]);
    let status = harness.status();
    assert_eq!((status.phase, status.retry_in_millis), (LinkPhase::Waiting, Some(500)));
    // A link that kept talking is trusted.
    let mut harness = Harness::new();
    harness.run(&[Configure(config("a")), Opened, Tick, Wait(60_000.0), Frame("[]"), Tick]);
    assert_eq!(harness.status().phase, LinkPhase::Open);
}

#[test]
fn settings_are_held_to_their_bounds() {
    let flush = |millis| LinkConfig { flush_interval_millis: millis, ..config("a") };
    let mut core = LinkCore::new(clock_text);
    assert_eq!(core.flush_interval_millis(), DEFAULT_FLUSH_INTERVAL_MILLIS);
    for (asked, expected) in [(0, 16), (16, 16), (500, 500), (10_000, 10_000), (u32::MAX, 10_000)] {
        core.configure(flush(asked), START_MILLIS);
        assert_eq!(core.flush_interval_millis(), expected, "asked {asked}");
    }
    // An idle limit of 10 ms is raised to the 1 s floor.
    let mut harness = Harness::new();
    let twitchy = LinkConfig { idle_limit_millis: 10, ..config("a") };
    harness.run(&[Configure(twitchy), Opened, Tick, Wait(500.0), Tick]);
    assert!(!harness.status().quiet);
    harness.run(&[Wait(501.0), Tick]);
    assert!(harness.status().quiet);
}

#[test]
fn diffs_wait_while_paused_or_hidden() {
    let opened = [Configure(config("a")), Opened, Tick];
    let live = ["disconnect", CONNECT_A, "status", "status", "diff", "status"];
    let mut inputs = opened.to_vec();
    inputs.extend([Pause, Frame(NODE_N), Tick, Resume]);
    check_posts(&inputs, &[&live[..], &["status", "status", "diff", "status"]].concat());
    let mut inputs = opened.to_vec();
    inputs.extend([Visible(false), Frame(NODE_N), Wait(2_000.0), Tick, Visible(true)]);
    check_posts(&inputs, &[&live[..], &["status", "diff", "status"]].concat());
}

#[test]
fn a_reconnect_after_a_loss_leaves_a_local_event() {
    let mut harness = Harness::new();
    harness.run(&[Configure(config("a")), Opened, Wait(2_000.0), Closed(1006, ""), Wait(5_000.0), RetryNow, Opened]);
    // The first frame of the new connection is a snapshot: the gap stays.
    harness.run(&[Wait(300.0), Frame(r#"{"data":{"type":"snapshot","nodes":[],"edges":[]}}"#)]);
    let diff = harness.core.reducer_mut().take_diff();
    let messages: Vec<&str> = diff.events.items.iter().map(|event| event.message.as_str()).collect();
    assert_eq!(messages, ["connection lost t1002 – t1007"]);
    assert_eq!(harness.status().reconnects, 1);
}

#[test]
fn a_project_switch_starts_from_an_empty_view() {
    let mut harness = Harness::new();
    harness.run(&[Configure(config("a")), Opened]);
    harness.run(&[Frame(NODE_N)]);
    assert_eq!(harness.status().n_nodes, 1);
    harness.run(&[Configure(config("a"))]);
    assert_eq!(harness.status().n_nodes, 1, "same source: the view stays");
    harness.run(&[Configure(config("b"))]);
    assert_eq!(harness.status().n_nodes, 0);
}

#[test]
fn demo_mode_feeds_the_view_on_the_clock() {
    let mut harness = Harness::new();
    harness.run(&[Configure(demo())]);
    let status = harness.status();
    assert_eq!((status.phase, status.n_nodes), (LinkPhase::Demo, 48));
    let before = harness.core.reducer_mut().counters().messages();
    harness.core.demo_step(START_MILLIS + 500.0);
    assert_eq!(harness.core.reducer_mut().counters().messages() - before, 200);
    harness.run(&[RetryNow, Wake]);
    assert_eq!(harness.seen(), ["disconnect"]);
}

#[test]
fn an_oversize_frame_is_counted_without_its_text() {
    let mut core = LinkCore::new(clock_text);
    core.oversize_frame(MAX_FRAME_BYTES + 1, START_MILLIS);
    let counters = core.reducer_mut().counters();
    assert_eq!(counters.errors_by_kind[DecodeErrorKind::Oversize.index()], 1);
    assert_eq!(counters.frames, 1);
}

#[test]
fn a_slow_diff_interval_still_ticks_twice_a_second() {
    // Diffs every 2 s, but status at least once a second: the page takes a
    // worker silent for 2.5 s for stopped, whatever the diff interval.
    let mut harness = Harness::new();
    let slow = LinkConfig { flush_interval_millis: 2_000, ..config("a") };
    harness.run(&[Configure(slow), Opened, Frame(NODE_N), Tick]);
    assert_eq!(harness.core.tick_interval_millis(), 500);
    harness.log.clear();
    let mut posts_at = Vec::new();
    for step in 1..=12 {
        harness.run(&[Wait(500.0), Frame(NODE_N), Tick]);
        for post in harness.log.drain(..) {
            posts_at.push(format!("{post}@{}", step * 500));
        }
    }
    assert_eq!(
        posts_at,
        [
            "status@1000",
            "diff@2000",
            "status@2000",
            "status@3000",
            "diff@4000",
            "status@4000",
            "status@5000",
            "diff@6000",
            "status@6000",
        ]
    );
    // A fast interval ticks at its own pace and posts a diff on each tick.
    let mut harness = Harness::new();
    let fast = LinkConfig { flush_interval_millis: 100, ..config("a") };
    harness.run(&[Configure(fast), Opened, Tick]);
    assert_eq!(harness.core.tick_interval_millis(), 100);
    harness.log.clear();
    harness.run(&[Wait(100.0), Frame(NODE_N), Tick, Wait(100.0), Frame(NODE_N), Tick]);
    assert_eq!(harness.log.iter().filter(|post| *post == "diff").count(), 2);
}

#[test]
fn rates_are_of_the_connection_and_unknown_until_a_window_closes() {
    let mut harness = Harness::new();
    // Ticks before the open close windows of nothing.
    harness.run(&[Configure(config("a")), Tick, Wait(1_500.0), Tick]);
    assert!(harness.status().rates.is_some());
    // On open the rates are forgotten: half a second of frames says
    // nothing yet (not "0 msg/s" from the window before).
    harness.run(&[Opened, Tick, Frame(NODE_N), Frame(NODE_N), Wait(500.0), Tick]);
    assert_eq!(harness.status().rates, None);
    // A second after the open's first tick: two messages in one second.
    harness.run(&[Wait(500.0), Tick]);
    assert_eq!(harness.status().rates.map(|r| r.messages_per_sec), Some(2.0));
    // A reconnect starts over.
    harness.run(&[Closed(1006, ""), Wait(60_000.0), Tick, Opened, Tick]);
    assert_eq!(harness.status().rates, None);
}
