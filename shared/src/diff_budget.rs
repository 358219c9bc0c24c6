//! How many graph changes the next diff may carry: as many as the page
//! applies within `TARGET_APPLY_MILLIS`, learnt from what it reports after
//! each live diff (its apply time and the graph changes in it; a snapshot
//! fill's inserts cost more than live changes and are not reported). A slow page or
//! a busy machine gets smaller diffs; the rest waits in the reducer's FIFO
//! dirty queues (each id once, latest value), so under a stream faster than
//! the page can follow, what lags is how fresh the last few thousand
//! changes are, never a frame.
//!
//! Bounds: never below `MIN_GRAPH_CHANGES_PER_DIFF` (the graph keeps
//! moving however slow the page), never above `MAX_GRAPH_CHANGES_PER_DIFF`.
//! A snapshot (or any reset) fills the page at full pace: as many diffs of
//! the maximum as the new graph needs, marked `Diff::snapshot_fill` (a
//! one-off the page accounts apart from the live pace).

use crate::diff::Diff;
use crate::limits::MAX_GRAPH_CHANGES_PER_DIFF;
use crate::reducer::Reducer;

/// What one diff's apply on the page should cost at most, typically.
pub const TARGET_APPLY_MILLIS: f64 = 6.0;
/// The smallest graph budget per diff.
pub const MIN_GRAPH_CHANGES_PER_DIFF: usize = 250;
/// Reports of fewer changes than this say more about the page's fixed
/// costs than about a change's: they are not learnt from.
const MIN_CHANGES_TO_LEARN: u32 = 200;
/// Weight of the newest report in the running estimate.
const SMOOTHING: f64 = 0.3;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiffBudget {
    /// The page's cost of one graph change, smoothed (ms).
    millis_per_change: Option<f64>,
    /// Filling a new graph: graph changes handed out since its reset.
    fill: Option<usize>,
}

impl DiffBudget {
    /// The page applied a diff of `graph_changes` in `apply_millis`.
    pub fn report(&mut self, apply_millis: f64, graph_changes: u32) {
        if graph_changes < MIN_CHANGES_TO_LEARN || !apply_millis.is_finite() || apply_millis < 0.0 {
            return;
        }
        let sample = apply_millis / f64::from(graph_changes);
        self.millis_per_change = Some(match self.millis_per_change {
            Some(held) => held + SMOOTHING * (sample - held),
            None => sample,
        });
    }

    /// Graph changes the next diff may carry: the maximum while a snapshot
    /// fills the page; the minimum until the page has reported a live diff
    /// (a page's cost per change varies tenfold with the machine and the
    /// mix of changes: the first live diff after a fill, at the maximum,
    /// took 20–50 ms at 1k nodes), then what fits in the target.
    pub fn graph_changes(&self) -> usize {
        if self.fill.is_some() {
            return MAX_GRAPH_CHANGES_PER_DIFF;
        }
        match self.millis_per_change {
            None => MIN_GRAPH_CHANGES_PER_DIFF,
            Some(cost) if cost > 0.0 => {
                ((TARGET_APPLY_MILLIS / cost) as usize).clamp(MIN_GRAPH_CHANGES_PER_DIFF, MAX_GRAPH_CHANGES_PER_DIFF)
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

    #[test]
    fn the_budget_is_what_the_page_applies_within_the_target() {
        // (reports as (ms, changes), budget after them)
        let cases: [(&[(f64, u32)], usize); 9] = [
            // Nothing learnt yet: small, until the page says what a change costs.
            (&[], MIN_GRAPH_CHANGES_PER_DIFF),
            // A page that applies in no time: as many as allowed.
            (&[(0.0, 4_000)], MAX_GRAPH_CHANGES_PER_DIFF),
            // 3 µs a change: 2,000 fit in 6 ms.
            (&[(12.0, 4_000)], 2_000),
            // Fast page: capped at the maximum.
            (&[(2.0, 4_000)], MAX_GRAPH_CHANGES_PER_DIFF),
            // Very slow page: never below the minimum.
            (&[(400.0, 4_000)], MIN_GRAPH_CHANGES_PER_DIFF),
            // Small diffs teach nothing.
            (&[(12.0, 4_000), (50.0, 100)], 2_000),
            (&[(50.0, 100)], MIN_GRAPH_CHANGES_PER_DIFF),
            // Smoothed: 3 µs then 6 µs -> 3.9 µs -> 1,538.
            (&[(12.0, 4_000), (12.0, 2_000)], 1_538),
            // Nonsense is ignored.
            (&[(f64::NAN, 4_000), (-1.0, 4_000), (12.0, 4_000)], 2_000),
        ];
        for (reports, expected) in cases {
            let mut budget = DiffBudget::default();
            for &(millis, changes) in reports {
                budget.report(millis, changes);
            }
            assert_eq!(budget.graph_changes(), expected, "{reports:?}");
        }
    }
}
