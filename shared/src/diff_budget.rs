//! How many graph changes the next diff may carry: as many as the page
//! applies within `TARGET_APPLY_MILLIS`, learnt from what it reports after
//! each diff (its apply time and the graph changes in it). A slow page or
//! a busy machine gets smaller diffs; the rest waits in the reducer's FIFO
//! dirty queues (each id once, latest value), so under a stream faster than
//! the page can follow, what lags is how fresh the last few thousand
//! changes are, never a frame.
//!
//! Bounds: never below `MIN_GRAPH_CHANGES_PER_DIFF` (the graph keeps
//! moving however slow the page), never above `MAX_GRAPH_CHANGES_PER_DIFF`;
//! after a snapshot or a reset the first `CATCH_UP_DIFFS` diffs carry the
//! maximum, so a new graph fills in at full pace (a snapshot's first
//! screen is allowed to cost more than a frame).

use crate::diff::Diff;
use crate::limits::MAX_GRAPH_CHANGES_PER_DIFF;

/// What one diff's apply on the page should cost at most, typically.
pub const TARGET_APPLY_MILLIS: f64 = 6.0;
/// The smallest graph budget per diff.
pub const MIN_GRAPH_CHANGES_PER_DIFF: usize = 250;
/// Diffs after a graph reset that carry the maximum.
pub const CATCH_UP_DIFFS: u32 = 8;
/// Reports of fewer changes than this say more about the page's fixed
/// costs than about a change's: they are not learnt from.
const MIN_CHANGES_TO_LEARN: u32 = 200;
/// Weight of the newest report in the running estimate.
const SMOOTHING: f64 = 0.3;

#[derive(Debug, Clone, PartialEq)]
pub struct DiffBudget {
    /// The page's cost of one graph change, smoothed (ms).
    millis_per_change: Option<f64>,
    /// Diffs left that carry the maximum (after a reset).
    catch_up_left: u32,
}

impl Default for DiffBudget {
    fn default() -> Self {
        DiffBudget { millis_per_change: None, catch_up_left: CATCH_UP_DIFFS }
    }
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

    /// Graph changes the next diff may carry.
    pub fn graph_changes(&self) -> usize {
        match self.millis_per_change {
            Some(cost) if self.catch_up_left == 0 && cost > 0.0 => {
                ((TARGET_APPLY_MILLIS / cost) as usize).clamp(MIN_GRAPH_CHANGES_PER_DIFF, MAX_GRAPH_CHANGES_PER_DIFF)
            }
            _ => MAX_GRAPH_CHANGES_PER_DIFF,
        }
    }

    /// Notes a diff about to be posted (a reset starts a catch-up).
    pub fn posted(&mut self, diff: &Diff) {
        if diff.view_reset || diff.graph_reset {
            self.catch_up_left = CATCH_UP_DIFFS;
        } else {
            self.catch_up_left = self.catch_up_left.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settled() -> DiffBudget {
        let mut budget = DiffBudget::default();
        for _ in 0..CATCH_UP_DIFFS {
            budget.posted(&Diff::default());
        }
        budget
    }

    #[test]
    fn the_budget_is_what_the_page_applies_within_the_target() {
        // (reports as (ms, changes), budget after them)
        let cases: [(&[(f64, u32)], usize); 7] = [
            (&[], MAX_GRAPH_CHANGES_PER_DIFF),
            // 3 µs a change: 2,000 fit in 6 ms.
            (&[(12.0, 4_000)], 2_000),
            // Fast page: capped at the maximum.
            (&[(2.0, 4_000)], MAX_GRAPH_CHANGES_PER_DIFF),
            // Very slow page: never below the minimum.
            (&[(400.0, 4_000)], MIN_GRAPH_CHANGES_PER_DIFF),
            // Small diffs teach nothing.
            (&[(12.0, 4_000), (50.0, 100)], 2_000),
            // Smoothed: 3 µs then 6 µs -> 3.9 µs -> 1,538.
            (&[(12.0, 4_000), (12.0, 2_000)], 1_538),
            // Nonsense is ignored.
            (&[(f64::NAN, 4_000), (-1.0, 4_000), (12.0, 4_000)], 2_000),
        ];
        for (reports, expected) in cases {
            let mut budget = settled();
            for &(millis, changes) in reports {
                budget.report(millis, changes);
            }
            assert_eq!(budget.graph_changes(), expected, "{reports:?}");
        }
    }

    #[test]
    fn a_reset_carries_the_maximum_for_the_catch_up_diffs() {
        let mut budget = settled();
        budget.report(12.0, 4_000);
        assert_eq!(budget.graph_changes(), 2_000);
        budget.posted(&Diff { graph_reset: true, ..Diff::default() });
        for _ in 0..CATCH_UP_DIFFS {
            assert_eq!(budget.graph_changes(), MAX_GRAPH_CHANGES_PER_DIFF);
            budget.posted(&Diff::default());
        }
        assert_eq!(budget.graph_changes(), 2_000);
    }
}
