//! The worker watchdog's rule: silence while visible means stopped; hidden
//! or stalled pages are not judged; only the worker speaking revives it.
#![cfg(not(target_arch = "wasm32"))]

use app::watchdog::{Watchdog, WorkerHealth, WORKER_START_LIMIT_MILLIS};

/// What happens to the watchdog, at a page time in milliseconds.
#[derive(Clone, Copy)]
enum Step {
    Heard(f64),
    Shown(f64),
    Hidden(f64),
    /// Checks every 250 ms from the previous check up to this time.
    ChecksUntil(f64),
    /// One check at this time (after however long a gap).
    CheckAt(f64),
}

/// Runs `steps` on a visible page at flush 250 ms; returns the time each
/// verdict change was seen at, as "t=<ms> running|stopped".
fn verdicts(steps: &[Step]) -> Vec<String> {
    let mut dog = Watchdog::new(0.0, true);
    let mut last_check = 0.0;
    let mut seen = vec!["t=0 running".to_owned()];
    let note = |now: f64, health: &WorkerHealth, seen: &mut Vec<String>| {
        let word = if *health == WorkerHealth::Running { "running" } else { "stopped" };
        if !seen.last().is_some_and(|last| last.ends_with(word)) {
            seen.push(format!("t={now} {word}"));
        }
    };
    for step in steps {
        match *step {
            Step::Heard(now) => {
                dog.heard(now);
                note(now, dog.health(), &mut seen);
            }
            Step::Shown(now) => dog.visibility_changed(true, now),
            Step::Hidden(now) => dog.visibility_changed(false, now),
            Step::ChecksUntil(end) => {
                while last_check + 250.0 <= end {
                    last_check += 250.0;
                    let health = dog.check(last_check).clone();
                    note(last_check, &health, &mut seen);
                }
            }
            Step::CheckAt(now) => {
                last_check = now;
                let health = dog.check(now).clone();
                note(now, &health, &mut seen);
            }
        }
    }
    seen
}

use Step::*;

#[test]
fn silence_while_visible_means_stopped() {
    // Status every second: running throughout.
    let steps: Vec<Step> =
        (1..=10).flat_map(|s| [ChecksUntil(f64::from(s) * 1000.0), Heard(f64::from(s) * 1000.0)]).collect();
    assert_eq!(verdicts(&steps), ["t=0 running"]);
    // The worker goes quiet after t=1000: stopped once 2.5 s have passed.
    assert_eq!(verdicts(&[Heard(1000.0), ChecksUntil(8000.0)]), ["t=0 running", "t=3750 stopped"]);
    // A stopped worker that speaks again runs again.
    assert_eq!(
        verdicts(&[Heard(1000.0), ChecksUntil(5000.0), Heard(5100.0), ChecksUntil(6000.0)]),
        ["t=0 running", "t=3750 stopped", "t=5100 running"]
    );
}

#[test]
fn a_hidden_page_does_not_judge_and_restarts_the_clock_when_shown() {
    // Hidden from t=1500 to t=60000 with no messages: not judged; once
    // shown, the worker gets the full limit again.
    assert_eq!(
        verdicts(&[Heard(1000.0), Hidden(1500.0), ChecksUntil(60_000.0), Shown(60_000.0), ChecksUntil(70_000.0)]),
        ["t=0 running", "t=62750 stopped"]
    );
    // A verdict reached before hiding stands while hidden and after showing.
    assert_eq!(
        verdicts(&[
            Heard(1000.0),
            ChecksUntil(4000.0),
            Hidden(4000.0),
            ChecksUntil(9000.0),
            Shown(9000.0),
            CheckAt(9250.0)
        ]),
        ["t=0 running", "t=3750 stopped"]
    );
}

#[test]
fn a_stalled_page_restarts_the_clock() {
    // The page's own timer ran 5 s late (a long task): no verdict then;
    // the worker gets the full limit from there.
    assert_eq!(
        verdicts(&[Heard(1000.0), ChecksUntil(1250.0), CheckAt(6250.0), ChecksUntil(12_000.0)]),
        ["t=0 running", "t=9000 stopped"]
    );
}

#[test]
fn a_worker_that_never_speaks_gets_the_start_limit() {
    let start = WORKER_START_LIMIT_MILLIS;
    let stopped_at = format!("t={} stopped", start + 250.0);
    assert_eq!(verdicts(&[ChecksUntil(start + 1000.0)]), ["t=0 running".to_owned(), stopped_at]);
}
