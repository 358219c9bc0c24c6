//! Drawing that can wait for the next animation frames (the charts): asked
//! for by a diff, done at a frame within a time budget, the rest at the
//! frames after. A diff's own tasks then only apply data and update the
//! DOM, and a frame never draws more than its budget and one job over it,
//! however many charts are on screen.
//!
//! Pure: the glue keeps the jobs (each chart asks once until its job has
//! run), asks for a frame when one waits, and calls `run_frame` in it with
//! the page's clock.

/// Drawing done per animation frame (ms) before the rest waits for the
/// next: a quarter of a 60 Hz frame, leaving the browser the rest.
pub const FRAME_DRAW_BUDGET_MILLIS: f64 = 4.0;

/// One frame's drawing: runs the jobs `next` hands out, in turn, until
/// `clock_millis` says `budget_millis` has passed since the frame began;
/// at least one a frame, so drawing always moves on. Jobs run with
/// nothing borrowed (`next` takes each out first), so a job may ask for
/// more. True when the budget ran out (jobs may wait for the next frame).
pub fn run_frame<J>(
    budget_millis: f64,
    mut clock_millis: impl FnMut() -> f64,
    mut next: impl FnMut() -> Option<J>,
    mut run: impl FnMut(J),
) -> bool {
    let start = clock_millis();
    while let Some(job) = next() {
        run(job);
        if clock_millis() - start >= budget_millis {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::collections::VecDeque;

    use super::*;

    type Jobs = VecDeque<(&'static str, f64)>;

    /// Runs one frame where each job costs the milliseconds it carries,
    /// on a clock at `at`; what ran, and whether the budget ran out.
    fn frame(jobs: &mut Jobs, at: f64) -> (Vec<&'static str>, bool) {
        let now = Cell::new(at);
        let mut ran = Vec::new();
        let out_of_time = run_frame(
            FRAME_DRAW_BUDGET_MILLIS,
            || now.get(),
            || jobs.pop_front(),
            |(name, cost)| {
                ran.push(name);
                now.set(now.get() + cost);
            },
        );
        (ran, out_of_time)
    }

    #[test]
    fn a_frame_draws_within_its_budget_and_the_rest_waits() {
        // (chart, its drawing's cost in ms)
        let mut jobs: Jobs = [("a", 1.5), ("b", 1.5), ("c", 1.5), ("d", 0.5), ("e", 6.0), ("f", 0.5)].into();
        // a, b: 3 ms; c takes it to 4.5: the budget is spent after c.
        assert_eq!(frame(&mut jobs, 100.0), (vec!["a", "b", "c"], true));
        // d (0.5), then e runs over alone: one job over the budget at most.
        assert_eq!(frame(&mut jobs, 116.7), (vec!["d", "e"], true));
        assert_eq!(frame(&mut jobs, 133.4), (vec!["f"], false));
        assert!(jobs.is_empty());
        // A job over the whole budget still runs: drawing always moves on.
        let mut jobs: Jobs = [("slow", 9.0), ("quick", 0.1)].into();
        assert_eq!(frame(&mut jobs, 0.0), (vec!["slow"], true));
        assert_eq!(frame(&mut jobs, 20.0), (vec!["quick"], false));
        // Nothing waits: a frame runs nothing.
        assert_eq!(frame(&mut jobs, 40.0), (vec![], false));
    }
}
