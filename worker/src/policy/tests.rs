//! The reconnect policy, natively: backoff, resets, close codes and wakes.

use super::*;

fn policy() -> LinkPolicy {
    LinkPolicy::new(PolicyConfig::default())
}

/// Fails `failures` connects in a row; then, when `open_for_millis` is
/// given, opens and keeps the link that long; then the link closes with
/// `close_code`, and the next retry is drawn with `unit_random`. Checks the
/// attempt count and the wait before the next try.
fn check_close(
    failures: u32,
    open_for_millis: Option<f64>,
    close_code: Option<u16>,
    unit_random: f64,
    expected_attempt: u32,
    expected_wait_millis: f64,
) {
    let mut p = policy();
    assert_eq!(p.start(), Action::Connect);
    let mut now = 1_000_000.0;
    for _ in 0..failures {
        p.closed(now, None, "refused", 0.5);
        now += 1e6;
        assert_eq!(p.tick(now), Action::Connect);
    }
    if let Some(open_for_millis) = open_for_millis {
        p.opened(now);
        now += open_for_millis;
    }
    p.closed(now, close_code, "closed", unit_random);
    let case = format!("failures {failures}, open {open_for_millis:?}, code {close_code:?}, random {unit_random}");
    assert_eq!(p.phase(), LinkPhase::Waiting, "{case}");
    assert_eq!(p.attempt(), expected_attempt, "{case}");
    let wait = p.retry_in_millis(now).unwrap_or(f64::NAN);
    assert!((wait - expected_wait_millis).abs() < 1e-6, "{case}: waits {wait}, expected {expected_wait_millis}");
}

#[test]
fn failed_connects_back_off_exponentially() {
    check_close(0, None, Some(1006), 1.0, 1, 800.0);
    check_close(0, None, None, 0.5, 1, 400.0);
    check_close(2, None, None, 1.0, 3, 2592.0);
    check_close(6, None, None, 1.0, 7, 27_209.779_2);
    check_close(30, None, None, 1.0, 31, 30_000.0);
    // The floor keeps an unlucky draw from a hot loop.
    check_close(0, None, None, 0.0, 1, 100.0);
}

#[test]
fn a_short_lived_link_keeps_backing_off() {
    check_close(2, Some(9_999.0), None, 1.0, 3, 2592.0);
    check_close(2, Some(9_999.0), Some(1000), 0.5, 3, 1296.0);
}

#[test]
fn a_healthy_link_that_drops_retries_spread_over_seconds() {
    check_close(0, Some(10_000.0), None, 1.0, 1, RECONNECT_SPREAD_MILLIS);
    check_close(0, Some(60_000.0), Some(1006), 0.5, 1, 2500.0);
    check_close(4, Some(60_000.0), Some(1000), 0.999, 1, 4995.0);
    check_close(0, Some(60_000.0), Some(1001), 0.0, 1, 100.0);
}

#[test]
fn a_server_restart_retries_spread_over_seconds() {
    check_close(0, Some(60_000.0), Some(CLOSE_SERVER_RESTART), 1.0, 1, 5000.0);
    // Even from a link that was not healthy yet: never a narrower window.
    check_close(1, Some(2_000.0), Some(CLOSE_SERVER_RESTART), 1.0, 2, 5000.0);
    check_close(0, None, Some(CLOSE_SERVER_RESTART), 0.25, 1, 1250.0);
    // Past the spread the backoff window is the wider one.
    check_close(5, Some(2_000.0), Some(CLOSE_SERVER_RESTART), 1.0, 6, 15_116.544);
}

#[test]
fn too_slow_and_try_later_back_off_even_after_a_healthy_link() {
    // The count is not reset: attempt 6 after 5 failures and this close.
    check_close(5, Some(60_000.0), Some(CLOSE_CLIENT_TOO_SLOW), 1.0, 6, 15_116.544);
    check_close(7, Some(60_000.0), Some(CLOSE_TRY_AGAIN_LATER), 0.5, 8, 15_000.0);
    // The first of them waits at least the spread window, not 800 ms.
    check_close(0, Some(60_000.0), Some(CLOSE_TRY_AGAIN_LATER), 1.0, 1, 5000.0);
    check_close(0, Some(60_000.0), Some(CLOSE_CLIENT_TOO_SLOW), 0.5, 1, 2500.0);
    check_close(1, Some(1_000.0), Some(CLOSE_CLIENT_TOO_SLOW), 1.0, 2, 5000.0);
}

#[test]
fn the_delay_is_jittered_after_the_cap() {
    let p = policy();
    let bounds: Vec<f64> = (1..=12).map(|attempt| p.delay_millis(attempt, false, 1.0).round()).collect();
    assert_eq!(
        bounds,
        [800.0, 1440.0, 2592.0, 4666.0, 8398.0, 15_117.0, 27_210.0, 30_000.0, 30_000.0, 30_000.0, 30_000.0, 30_000.0]
    );
    assert_eq!(p.delay_millis(40, false, 0.5), 15_000.0);
    assert_eq!(p.delay_millis(u32::MAX, false, 0.25), 7_500.0);
    assert_eq!(p.delay_millis(1, true, 0.5), 2_500.0);
    assert_eq!(p.delay_millis(40, true, 0.5), 15_000.0);
}

#[test]
fn never_gives_up_and_waits_the_jittered_delay() {
    let mut p = policy();
    assert_eq!(p.start(), Action::Connect);
    let mut now = 0.0;
    for attempt in 1..=200u32 {
        p.closed(now, None, "connection refused", 0.5);
        assert_eq!(p.phase(), LinkPhase::Waiting);
        assert_eq!(p.attempt(), attempt);
        let wait = p.retry_in_millis(now).unwrap_or_default();
        assert!(wait <= 15_000.0 + 1e-6, "{wait}");
        assert_eq!(p.tick(now + wait - 1.0), Action::None);
        now += wait;
        assert_eq!(p.tick(now), Action::Connect);
        assert_eq!(p.phase(), LinkPhase::Connecting);
    }
}

#[test]
fn retry_now_connects_at_once_in_every_phase_but_demo() {
    let mut p = policy();
    assert_eq!(p.retry_now(), Action::Connect); // idle
    assert_eq!(p.retry_now(), Action::Connect); // connecting
    p.opened(0.0);
    assert_eq!(p.retry_now(), Action::Connect); // open
    p.closed(0.0, None, "x", 0.9);
    assert_eq!(p.retry_now(), Action::Connect); // waiting
    assert_eq!(p.phase(), LinkPhase::Connecting);
    p.demo();
    assert_eq!(p.retry_now(), Action::None);
}

/// Waits `planned_wait_millis` after 8 failures (so the backoff window is
/// the 30 s cap), wakes at `now` with `unit_random`, and checks the wait.
fn check_wake(planned_random: f64, wake_random: f64, expected_wait_millis: f64) {
    for reason in [WakeReason::Online, WakeReason::PageShown, WakeReason::ClockJump] {
        let mut p = policy();
        p.start();
        for _ in 0..8 {
            p.closed(0.0, None, "refused", planned_random);
            p.tick(1e9);
        }
        p.closed(0.0, None, "refused", planned_random);
        p.wake(reason, 0.0, wake_random);
        assert_eq!(p.phase(), LinkPhase::Waiting, "{reason:?} does not connect at once");
        assert_eq!(p.retry_in_millis(0.0), Some(expected_wait_millis), "{reason:?}");
        assert_eq!(p.tick(expected_wait_millis - 1.0), Action::None);
        assert_eq!(p.tick(expected_wait_millis), Action::Connect);
    }
}

#[test]
fn a_wake_reconnects_after_a_short_jittered_delay() {
    check_wake(1.0, 0.5, 500.0);
    check_wake(1.0, 0.999, 999.0);
    check_wake(0.5, 0.25, 250.0);
    // Never later than already planned.
    check_wake(0.01, 0.9, 300.0);
}

#[test]
fn a_wake_leaves_other_phases_alone() {
    for reason in [WakeReason::Online, WakeReason::PageShown, WakeReason::ClockJump] {
        let mut p = policy();
        p.wake(reason, 0.0, 0.0);
        assert_eq!(p.phase(), LinkPhase::Idle);
        p.start();
        p.wake(reason, 0.0, 0.0);
        assert_eq!(p.phase(), LinkPhase::Connecting);
        p.opened(0.0);
        p.wake(reason, 0.0, 0.0);
        assert_eq!((p.phase(), p.retry_in_millis(0.0)), (LinkPhase::Open, None));
    }
}
