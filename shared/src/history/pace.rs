//! When recording is not worth what it costs. Recording a stream costs the
//! worker about as much again as decoding and reducing it (checkpoints,
//! the copies a change makes of what a checkpoint shares, packing), and a
//! stream so fast that the byte budget holds only a few seconds of it buys
//! almost nothing for that: nobody rewinds half a second. So the history
//! pauses while the budget would hold less than `MIN_WINDOW_MILLIS`, keeps
//! what it holds when it pauses (the last few seconds, within the budget),
//! and resumes once the stream has slowed to a rate at which the budget
//! holds that window again.
//!
//! The rate is the input bytes per second of stream time, over windows of
//! `RATE_WINDOW_MILLIS`: O(1) per input.

/// A history that cannot keep this much of the stream pauses instead.
pub const MIN_WINDOW_MILLIS: i64 = 10_000;
/// The rate is measured over windows this long (stream time).
const RATE_WINDOW_MILLIS: i64 = 1_000;
/// Recording resumes below this share of the rate estimated to hold
/// `MIN_WINDOW_MILLIS` (so a stream hovering at the edge does not flap).
const RESUME_MARGIN: f64 = 0.8;

#[derive(Debug, Default)]
pub(super) struct Pace {
    /// Where the current rate window began, and its input bytes so far.
    window: Option<(i64, usize)>,
    /// Input bytes per second over the last complete window.
    last_rate: Option<f64>,
    paused: Option<Paused>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Paused {
    since_millis: i64,
    /// Recording resumes once a complete window's rate is at most this.
    resume_at_or_below: f64,
}

impl Pace {
    /// Counts one input of `bytes` at `at_millis`.
    pub(super) fn note(&mut self, at_millis: i64, bytes: usize) {
        let (start, sum) = self.window.get_or_insert((at_millis, 0));
        let elapsed_millis = at_millis - *start;
        if elapsed_millis >= RATE_WINDOW_MILLIS {
            self.last_rate = Some(*sum as f64 * 1000.0 / elapsed_millis as f64);
            *start = at_millis;
            *sum = 0;
        }
        *sum += bytes;
    }

    /// Pauses recording at `at_millis`, when the history holds only
    /// `window_millis` of the stream with its budget full.
    pub(super) fn pause(&mut self, at_millis: i64, window_millis: i64) {
        let rate = self.last_rate.unwrap_or_else(|| self.current_rate(at_millis));
        // What the budget holds shrinks with the rate: at `rate` it held
        // `window_millis`, so it holds the minimum at this rate.
        let held = window_millis.max(RATE_WINDOW_MILLIS) as f64 / MIN_WINDOW_MILLIS as f64;
        self.paused = Some(Paused { since_millis: at_millis, resume_at_or_below: rate * held * RESUME_MARGIN });
    }

    /// The moment recording paused, while it is paused.
    pub(super) fn paused_since(&self) -> Option<i64> {
        self.paused.map(|paused| paused.since_millis)
    }

    /// While paused: true once the stream has slowed enough (a window
    /// that closed after the pause, at or below the resume rate).
    pub(super) fn may_resume(&self) -> bool {
        let Some(paused) = self.paused else { return false };
        let window_closed_since = self.window.is_some_and(|(start, _)| start > paused.since_millis);
        window_closed_since && self.last_rate.is_some_and(|rate| rate <= paused.resume_at_or_below)
    }

    pub(super) fn resume(&mut self) {
        self.paused = None;
    }

    /// Another budget holds another window: while paused, resume at the
    /// next closed rate window whatever the rate (and find out again).
    pub(super) fn reconsider(&mut self) {
        if let Some(paused) = self.paused.as_mut() {
            paused.resume_at_or_below = f64::INFINITY;
        }
    }

    fn current_rate(&self, at_millis: i64) -> f64 {
        self.window.map_or(0.0, |(start, sum)| sum as f64 * 1000.0 / (at_millis - start).max(1) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `bytes_per_sec` for `secs` seconds from `from_millis`, 10 inputs a second.
    fn feed(pace: &mut Pace, from_millis: i64, secs: i64, bytes_per_sec: usize) -> i64 {
        let mut at = from_millis;
        for _ in 0..secs * 10 {
            pace.note(at, bytes_per_sec / 10);
            at += 100;
        }
        at
    }

    #[test]
    fn the_rate_is_bytes_per_second_of_stream_time() {
        let mut pace = Pace::default();
        let at = feed(&mut pace, 0, 3, 50_000);
        pace.note(at, 0);
        assert_eq!(pace.last_rate, Some(50_000.0));
    }

    #[test]
    fn resumes_only_after_the_stream_slows_below_the_rate_that_holds_the_minimum() {
        let mut pace = Pace::default();
        let at = feed(&mut pace, 0, 3, 1_000_000);
        // At 1 MB/s the budget held 2 s: it holds 10 s at 200 kB/s, and
        // recording resumes at 80 % of that, 160 kB/s.
        pace.pause(at, 2_000);
        assert_eq!(pace.paused_since(), Some(at));
        let at = feed(&mut pace, at, 3, 500_000);
        assert!(!pace.may_resume(), "500 kB/s is still too fast");
        let at = feed(&mut pace, at, 3, 170_000);
        assert!(!pace.may_resume(), "170 kB/s is within the margin");
        feed(&mut pace, at, 3, 150_000);
        assert!(pace.may_resume());
        pace.resume();
        assert_eq!(pace.paused_since(), None);
        assert!(!pace.may_resume());
    }

    #[test]
    fn a_window_measured_before_the_pause_does_not_resume_it() {
        let mut pace = Pace::default();
        let at = feed(&mut pace, 0, 2, 100);
        pace.pause(at + 50, 500);
        assert!(!pace.may_resume());
    }
}
