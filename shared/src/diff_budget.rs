//! How many graph changes the next diff may carry: as many as the page's
//! data task applies within `TARGET_DATA_MILLIS` in its slow diffs, not
//! only its typical ones. Learnt from what the page reports after each
//! live diff (its data task's time and the graph changes in it; a snapshot
//! fill's inserts cost more than live changes and are not reported). Only
//! the data task: publishing re-renders what is on screen, bounded by the
//! screen whatever the diff's size, and with every panel in view it is most
//! of a diff's cost; learnt from, it shrank diffs to the minimum without
//! making them cheaper, and the graph fell further behind every second
//! (26 s after 70 s at steady load, in BENCHMARKS.md). The cost of one
//! change is tracked as a running mean and a running mean deviation, the
//! way TCP tracks a round trip and its spread, and a diff is sized to the
//! mean plus `DEVIATIONS` deviations. When the page's main thread waits for
//! a busy machine's cores, its diffs cost several times their median in
//! their slowest few percent; a diff sized to the mean alone then holds a
//! frame whenever it is preempted. On a quiet machine the deviation is
//! small and the diffs are as large as the mean allows.
//!
//! A slow page or a busy machine gets smaller diffs; the rest waits in the
//! reducer's dirty queues (each id once, latest value, oldest first across
//! nodes and edges), so under a stream faster than the page can follow,
//! what lags is how fresh the queued changes are (`Diff::graph_lag_diffs`),
//! never a frame.
//!
//! Bounds: never below `MIN_GRAPH_CHANGES_PER_DIFF` (the graph keeps
//! moving however slow the page), never above `MAX_GRAPH_CHANGES_PER_DIFF`.
//! A snapshot (or any reset) fills the page at full pace: as many diffs of
//! the maximum as the new graph needs, marked `Diff::snapshot_fill` (a
//! one-off the page accounts apart from the live pace).

use crate::diff::Diff;
use crate::limits::MAX_GRAPH_CHANGES_PER_DIFF;
use crate::reducer::Reducer;

/// What one diff's data task on the page should cost at most, but for its
/// rare slowest diffs (publishing comes on top, in a task of its own).
pub const TARGET_DATA_MILLIS: f64 = 4.0;
/// The smallest graph budget per diff.
pub const MIN_GRAPH_CHANGES_PER_DIFF: usize = 250;
/// Reports of fewer changes than this say more about the page's fixed
/// costs than about a change's: they are not learnt from.
const MIN_CHANGES_TO_LEARN: u32 = 200;
/// Weight of the newest report in the running mean and deviation.
const GAIN: f64 = 0.25;
/// A slow diff's cost per change, in deviations above the mean.
const DEVIATIONS: f64 = 2.0;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiffBudget {
    /// The page's cost of one graph change (ms): running mean and mean
    /// deviation; the first report counts as deviating by half itself.
    cost: Option<Cost>,
    /// Filling a new graph: graph changes handed out since its reset.
    fill: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Cost {
    mean_millis: f64,
    deviation_millis: f64,
}

impl Cost {
    fn slow_millis(self) -> f64 {
        self.mean_millis + DEVIATIONS * self.deviation_millis
    }
}

impl DiffBudget {
    /// The page applied the data of a diff of `graph_changes` in
    /// `data_millis`.
    pub fn report(&mut self, data_millis: f64, graph_changes: u32) {
        if graph_changes < MIN_CHANGES_TO_LEARN || !data_millis.is_finite() || data_millis < 0.0 {
            return;
        }
        let sample = data_millis / f64::from(graph_changes);
        self.cost = Some(match self.cost {
            None => Cost { mean_millis: sample, deviation_millis: sample / 2.0 },
            Some(Cost { mean_millis: mean, deviation_millis: deviation }) => Cost {
                mean_millis: mean + GAIN * (sample - mean),
                deviation_millis: deviation + GAIN * ((sample - mean).abs() - deviation),
            },
        });
    }

    /// Graph changes the next diff may carry: the maximum while a snapshot
    /// fills the page; the minimum until the page has reported a live diff
    /// (a page's cost per change varies tenfold with the machine and the
    /// mix of changes: the first live diff after a fill, at the maximum,
    /// took 20–50 ms at 1k nodes), then what fits in the target at a slow
    /// diff's cost per change.
    pub fn graph_changes(&self) -> usize {
        if self.fill.is_some() {
            return MAX_GRAPH_CHANGES_PER_DIFF;
        }
        match self.cost.map(Cost::slow_millis) {
            None => MIN_GRAPH_CHANGES_PER_DIFF,
            Some(cost) if cost > 0.0 => {
                ((TARGET_DATA_MILLIS / cost) as usize).clamp(MIN_GRAPH_CHANGES_PER_DIFF, MAX_GRAPH_CHANGES_PER_DIFF)
            }
            Some(_) => MAX_GRAPH_CHANGES_PER_DIFF,
        }
    }

    /// Takes the next diff from `reducer` within the budget. A reset in it
    /// (a snapshot, a new source) starts a fill, which lasts until the
    /// snapshot is complete (a split one arrives over several frames) and
    /// as many graph changes as the graph holds have been handed out.
    pub fn take_diff(&mut self, reducer: &mut Reducer) -> Diff {
        if reducer.reset_pending() {
            self.fill = Some(0);
        }
        let mut diff = reducer.take_diff_within(self.graph_changes());
        if let Some(handed) = self.fill.as_mut() {
            *handed += diff.graph_changes();
            diff.snapshot_fill = true;
            let graph_size = reducer.nodes().len() + reducer.edges().len();
            if !reducer.graph_stale() && *handed >= graph_size {
                self.fill = None;
            }
        }
        diff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count` reports of `millis` for 2,048 changes (costs in powers of
    /// two, so the arithmetic below is exact).
    fn reports(millis: f64, count: usize) -> impl Iterator<Item = (f64, u32)> + Clone {
        std::iter::repeat_n((millis, 2_048), count)
    }

    #[test]
    fn the_budget_is_what_the_page_applies_within_the_target_in_its_slow_diffs() {
        assert_eq!((TARGET_DATA_MILLIS, GAIN, DEVIATIONS), (4.0, 0.25, 2.0), "the cases are worked out for these");
        // Worked out by hand from the rule (mean m, deviation d, cost c:
        // m += (c - m) / 4, d += (|c - m| - d) / 4, budget 4 / (m + 2d)),
        // with c = 4/2048 ms for a "fast" diff.
        let fast = |count| reports(4.0, count);
        let slow = |millis, count| reports(millis, count);
        let cases: Vec<(Vec<(f64, u32)>, usize)> = vec![
            // Nothing learnt yet: small, until the page says what a change costs.
            (vec![], MIN_GRAPH_CHANGES_PER_DIFF),
            // One report: its cost plus twice half of it (2c): 1,024.
            (fast(1).collect(), 1_024),
            // A page that keeps to its pace: the deviation fades, towards
            // 2,048 (4 / (c (1 + 0.75^32))).
            (fast(32).collect(), 2_047),
            // Diffs that alternate between c and 3c: the mean is 2c but
            // the spread makes it ~4.4c: 462 instead of 1,024.
            (fast(1).chain(slow(12.0, 1)).cycle().take(32).collect(), 462),
            // One diff at 5c after a steady pace: 2c + 2 * ~c, 511...
            (fast(31).chain(slow(20.0, 1)).collect(), 511),
            // ...and the budget comes back as fast diffs follow.
            (fast(31).chain(slow(20.0, 1)).chain(fast(8)).collect(), 1_116),
            (fast(31).chain(slow(20.0, 1)).chain(fast(16)).collect(), 1_801),
            // A page that applies in no time: as many as allowed.
            (vec![(0.0, 4_000)], MAX_GRAPH_CHANGES_PER_DIFF),
            // Fast page: capped at the maximum.
            (reports(0.5, 32).collect(), MAX_GRAPH_CHANGES_PER_DIFF),
            // Very slow page: never below the minimum.
            (vec![(256.0, 2_048)], MIN_GRAPH_CHANGES_PER_DIFF),
            // Small diffs teach nothing.
            (vec![(4.0, 2_048), (50.0, 100)], 1_024),
            (vec![(50.0, 100)], MIN_GRAPH_CHANGES_PER_DIFF),
            // Nonsense is ignored.
            (vec![(f64::NAN, 4_000), (-1.0, 4_000), (4.0, 2_048), (f64::INFINITY, 2_048)], 1_024),
        ];
        for (reports, expected) in cases {
            let mut budget = DiffBudget::default();
            for &(millis, changes) in &reports {
                budget.report(millis, changes);
            }
            assert_eq!(budget.graph_changes(), expected, "{reports:?}");
        }
    }
}
