//! The auth token: where it comes from, that it survives reconfiguration,
//! that it goes first on every open, fresh, and is never queued or shown.

use super::*;

#[test]
fn a_token_set_before_the_first_configure_is_kept() {
    check(&[Token(Some("t0")), Configure(config("a")), Opened], &["disconnect", CONNECT_A, &auth("t0")]);
}

#[test]
fn the_token_survives_a_project_switch_and_reconfiguration() {
    check(
        &[Configure(config("a")), Token(Some("t1")), Configure(config("b")), Opened],
        &["disconnect", CONNECT_A, "disconnect", CONNECT_B, &auth("t1")],
    );
    check(
        &[Configure(with_token("a", "t1")), Configure(config("a")), Opened],
        &["disconnect", CONNECT_A, "disconnect", CONNECT_A, &auth("t1")],
    );
    check(
        &[Token(Some("t1")), Configure(demo()), Configure(config("a")), Opened],
        &["disconnect", "disconnect", CONNECT_A, &auth("t1")],
    );
}

#[test]
fn a_configured_token_replaces_and_set_token_none_clears() {
    check(&[Token(Some("t1")), Configure(with_token("a", "t2")), Opened], &["disconnect", CONNECT_A, &auth("t2")]);
    check(&[Configure(with_token("a", "t1")), Token(Some("t2")), Opened], &["disconnect", CONNECT_A, &auth("t2")]);
    check(&[Configure(with_token("a", "t1")), Token(None), Opened], &["disconnect", CONNECT_A]);
}

#[test]
fn the_auth_frame_goes_first_on_every_open() {
    check(
        &[Configure(with_token("a", "t1")), Send("q1"), Opened, Send("now"), Closed(1006, ""), RetryNow, Opened],
        &["disconnect", CONNECT_A, &auth("t1"), "send q1", "send now", "disconnect", CONNECT_A, &auth("t1")],
    );
    // A token set while open is used from the next open on.
    check(
        &[Configure(config("a")), Opened, Token(Some("t2")), Closed(1000, ""), RetryNow, Opened],
        &["disconnect", CONNECT_A, "disconnect", CONNECT_A, &auth("t2")],
    );
}

#[test]
fn a_refused_auth_frame_is_never_queued() {
    // The socket refuses the auth frame: the queued frames wait (nothing goes
    // out unauthenticated); the next open sends a fresh auth frame only.
    check(
        &[
            Configure(config("a")),
            Token(Some("old")),
            Send("q1"),
            OpenedRefusingAfter(0),
            Closed(1006, ""),
            Token(Some("new")),
            RetryNow,
            Opened,
        ],
        &[
            "disconnect",
            CONNECT_A,
            r#"socket refuses {"type":"auth","token":"old"}"#,
            "disconnect",
            CONNECT_A,
            &auth("new"),
            "send q1",
        ],
    );
    // Auth accepted, a queued frame refused: it and those after it wait, in
    // order, behind the next open's fresh auth frame.
    check(
        &[
            Configure(with_token("a", "t")),
            Send("q1"),
            Send("q2"),
            Send("q3"),
            OpenedRefusingAfter(2),
            Closed(1006, ""),
            RetryNow,
            Opened,
        ],
        &[
            "disconnect",
            CONNECT_A,
            &auth("t"),
            "send q1",
            "socket refuses q2",
            "disconnect",
            CONNECT_A,
            &auth("t"),
            "send q2",
            "send q3",
        ],
    );
}

#[test]
fn deliver_hands_back_only_queued_frames() {
    // (frames the socket accepts, what it saw sent, what comes back)
    let cases: [(usize, &[&str], &[&str]); 5] = [
        (0, &[], &["a", "b"]),
        (1, &["AUTH"], &["a", "b"]),
        (2, &["AUTH", "a"], &["b"]),
        (3, &["AUTH", "a", "b"], &[]),
        (9, &["AUTH", "a", "b"], &[]),
    ];
    for (accepts, expected_sent, expected_unsent) in cases {
        let outgoing = Outgoing { auth: Some("AUTH".into()), queued: vec!["a".into(), "b".into()] };
        let mut sent = Vec::new();
        let unsent = outgoing.deliver(|frame| {
            if sent.len() == accepts {
                return Err("refused".into());
            }
            sent.push(frame.to_owned());
            Ok(())
        });
        assert_eq!(sent, expected_sent, "accepts {accepts}");
        assert_eq!(unsent, expected_unsent, "accepts {accepts}");
    }
    let without_auth = Outgoing { auth: None, queued: vec!["a".into(), "b".into()] };
    assert_eq!(without_auth.deliver(|frame| if frame == "b" { Err("no".into()) } else { Ok(()) }), ["b"]);
}

#[test]
fn debug_output_never_shows_the_token() {
    let mut core = LinkCore::new(clock_text);
    core.set_token(Some("s3cret-token".into()));
    core.configure(config("a"), START_MILLIS);
    let actions = core.opened(START_MILLIS);
    assert!(matches!(actions.first(), Some(Action::Flush(Outgoing { auth: Some(_), .. }))), "{actions:?}");
    let shown = format!("{actions:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}
