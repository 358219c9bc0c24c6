//! Frames for the server: sent when open, queued (bounded) while not, never
//! carried over to another source, and every refusal reported.

use super::*;

#[test]
fn frames_queued_for_one_project_never_go_to_another() {
    check(
        &[Configure(config("a")), Send("q1"), Send("q2"), Configure(config("b")), Opened],
        &[
            "disconnect",
            CONNECT_A,
            "disconnect",
            r#"refused: not sent: 2 queued frames dropped; the link switched from project "a" at ws://h/ws to project "b" at ws://h/ws"#,
            CONNECT_B,
        ],
    );
    let other_server = LinkConfig { ws_url: "ws://other/ws".into(), ..config("a") };
    check(
        &[Configure(config("a")), Send("q1"), Configure(other_server), Opened],
        &[
            "disconnect",
            CONNECT_A,
            "disconnect",
            r#"refused: not sent: 1 queued frame dropped; the link switched from project "a" at ws://h/ws to project "a" at ws://other/ws"#,
            "connect ws://other/ws?project=a",
        ],
    );
    check(
        &[Configure(config("a")), Send("q1"), Configure(demo())],
        &[
            "disconnect",
            CONNECT_A,
            "disconnect",
            r#"refused: not sent: 1 queued frame dropped; the link switched from project "a" at ws://h/ws to the demo"#,
        ],
    );
}

#[test]
fn the_queue_survives_a_reconfiguration_of_the_same_source() {
    let slower = LinkConfig { flush_interval_millis: 1000, ..with_token("a", "t") };
    check(
        &[Configure(config("a")), Send("q1"), Configure(slower), Opened],
        &["disconnect", CONNECT_A, "disconnect", CONNECT_A, &auth("t"), "send q1"],
    );
    // Frames sent before any configuration go to the first source.
    check(&[Send("q0"), Configure(config("a")), Opened], &["disconnect", CONNECT_A, "send q0"]);
}

#[test]
fn sends_go_out_when_open_and_wait_otherwise() {
    check(
        &[Configure(config("a")), Send("early"), Opened, Send("live")],
        &["disconnect", CONNECT_A, "send early", "send live"],
    );
    // Open by the policy but not by the socket (closing): queued.
    let mut harness = Harness::new();
    harness.run(&[Configure(config("a")), Opened]);
    harness.socket_open = false;
    harness.run(&[Send("late"), Closed(1006, ""), RetryNow, Opened]);
    assert_eq!(harness.seen(), ["disconnect", CONNECT_A, "disconnect", CONNECT_A, "send late"]);
}

#[test]
fn refusals_are_reported() {
    check(&[Configure(demo()), Send("x")], &["disconnect", "refused: not sent: demo mode has no server"]);
    let mut harness = Harness::new();
    harness.run(&[Configure(config("a"))]);
    for _ in 0..MAX_OUTBOX_FRAMES {
        harness.run(&[Send("q")]);
    }
    assert_eq!(harness.status().queued_outgoing as usize, MAX_OUTBOX_FRAMES);
    harness.run(&[Send("one too many")]);
    assert_eq!(harness.seen().last().copied(), Some("refused: not sent: 256 frames already wait for the connection"));
}
