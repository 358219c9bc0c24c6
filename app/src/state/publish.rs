//! A worker diff on the page: its data applied in one task, what it
//! touched published in the next (`next_task.rs`), a snapshot's fill in
//! bounded steps (`fill_steps.rs`), and what each step cost recorded for
//! the diagnostics and told to the worker.
//!
//! A fill's part with more of the fill waiting behind it publishes the
//! graph's change (the topology draws every part) but holds the tables'
//! and filters' wake-ups back for the part after it: the tables would be
//! laid out for a state that lasts one task (at 10k nodes ~50 ms of the
//! page's time over a fill), and nobody reads a table that grows by a
//! thousand rows a task.

use std::rc::Rc;

use shared::bridge::Command;
use shared::Diff;
use sycamore::prelude::*;

use super::apply::{apply_with_lens, Applied, Queue, Tasks};
use super::fill_steps::{split_graph, MAX_FILL_CHANGES_PER_STEP};
use super::AppState;

/// The wake-ups a publish may hold back for a later one.
#[derive(Clone, Copy, Default)]
pub(super) struct Wakeups {
    nodes: bool,
    edges: bool,
    lens: bool,
    shown: bool,
}

impl Wakeups {
    fn or(self, other: Wakeups) -> Wakeups {
        Wakeups {
            nodes: self.nodes || other.nodes,
            edges: self.edges || other.edges,
            lens: self.lens || other.lens,
            shown: self.shown || other.shown,
        }
    }
}

/// A diff applied to the data, waiting for its publishing step.
pub(super) struct Unpublished {
    applied: Applied,
    data_millis: f64,
    graph_changes: u32,
    fill: bool,
}

/// Runs a step as a task of its own (or at once, where there is no way to
/// defer).
type Defer = Rc<dyn Fn(Box<dyn FnOnce()>)>;
type Clock = Rc<dyn Fn() -> f64>;

impl AppState {
    /// Applies a worker diff to the data, then publishes what it touched
    /// (waking only those panels), then clears a selection the diff deleted,
    /// all at once (tests, and where the page has no way to defer).
    /// `clock_millis` times the apply (passed in to stay testable natively).
    pub fn apply_diff(&self, diff: Diff, clock_millis: impl Fn() -> f64 + 'static) {
        self.apply_diff_then(diff, clock_millis, |step| step());
    }

    /// Applies a diff's data now and hands `defer` the step that publishes
    /// what it changed (the signals, and the re-rendering they wake), to run
    /// as a task of its own: a diff at its bounds holds the main thread as
    /// two shorter tasks, with input and rendering free to come between.
    /// A snapshot's fill diff is applied in parts (`fill_steps.rs`), one
    /// per step, each step publishing the part before it. A diff that
    /// arrives while an earlier one's step still waits has that step run
    /// first, and waits behind the parts still to come, so steps publish in
    /// order and never pile up; one that starts the view over (`view_reset`)
    /// drops what still waits.
    pub fn apply_diff_then(
        &self,
        diff: Diff,
        clock_millis: impl Fn() -> f64 + 'static,
        defer: impl Fn(Box<dyn FnOnce()>) + 'static,
    ) {
        let mut waiting = self.waiting.borrow_mut();
        if diff.view_reset {
            // It starts the view over: what waits would be applied only to
            // be dropped (as when a user scrubs through time faster than a
            // slow page fills each moment).
            waiting.clear();
        }
        if diff.snapshot_fill {
            waiting.extend(split_graph(diff, MAX_FILL_CHANGES_PER_STEP));
        } else {
            waiting.push_back(diff);
        }
        drop(waiting);
        self.step(Rc::new(clock_millis), Rc::new(defer));
    }

    /// Publishes what waits to be, applies the next diff (or part) waiting,
    /// and has `defer` run the next step.
    fn step(&self, clock_millis: Clock, defer: Defer) {
        self.publish_waiting(&*clock_millis);
        let Some(diff) = self.waiting.borrow_mut().pop_front() else { return };
        let start = clock_millis();
        let (graph_changes, fill) = (diff.graph_changes() as u32, diff.snapshot_fill);
        let selected = self.selected_node.get_clone_untracked();
        // The re-checks the diff leaves wait for the next frames
        // (`settle_lens`), one bounded step each.
        let applied =
            apply_with_lens(&mut self.view.borrow_mut(), &mut self.lens.borrow_mut(), diff, selected.as_deref());
        let data_millis = clock_millis() - start;
        *self.unpublished.borrow_mut() = Some(Unpublished { applied, data_millis, graph_changes, fill });
        let (state, next) = (self.clone(), defer.clone());
        defer(Box::new(move || state.step(clock_millis, next)));
    }

    /// Publishes the applied diff still waiting, if any, and records what
    /// the diff cost: both its tasks (the worker sizes the next live diffs
    /// to that), and the longer of them (what held the main thread at once).
    fn publish_waiting(&self, clock_millis: &dyn Fn() -> f64) {
        let Some(Unpublished { applied, data_millis, graph_changes, fill }) = self.unpublished.borrow_mut().take()
        else {
            return;
        };
        let start = clock_millis();
        let (selection_gone, nodes_touched) = (applied.selection_gone, applied.touched.nodes);
        let queue =
            Queue { pending_graph_changes: applied.pending_graph_changes, graph_lag_diffs: applied.graph_lag_diffs };
        let more_fill = fill && self.waiting.borrow().front().is_some_and(|next| next.snapshot_fill);
        self.publish(applied, more_fill);
        if selection_gone {
            self.select_node(None);
        }
        let end = clock_millis();
        let task = Tasks { data_millis, publish_millis: end - start };
        self.apply_stats.writer().update(|stats| {
            if nodes_touched && stats.first_nodes_at_millis.is_none() && !self.view.borrow().nodes.is_empty() {
                stats.first_nodes_at_millis = Some(end);
            }
            if fill {
                stats.record_fill(task.total_millis(), end);
            } else {
                self.apply_samples.borrow_mut().record(stats, task, queue);
            }
        });
        // A fill's inserts cost more than the live pace's changes: not told.
        // The worker is told the data task's cost: what a diff's size
        // decides. Publishing re-renders what is on screen whatever the
        // size (with every panel in view it is most of the apply), so a
        // budget learnt from both would shrink diffs without making them
        // cheaper, and the graph would fall behind.
        if !fill {
            self.send(Command::Applied { data_millis, graph_changes });
        }
    }

    /// Sets the signals for what one diff changed, in one batch; with
    /// `hold_back`, the tables' and filters' wake-ups wait for the next.
    fn publish(&self, applied: Applied, hold_back: bool) {
        let Applied { touched, graph_change, events_added, selected_log_dropped, series_names, shown_changed, .. } =
            applied;
        let wakeups = Wakeups {
            nodes: touched.nodes,
            edges: touched.edges,
            lens: graph_change.is_some(),
            // With nothing narrowed everything shows: nothing that follows
            // the shown set needs waking (nodes come and go every diff).
            shown: shown_changed && self.lens.borrow().is_narrowed(),
        }
        .or(self.held_back.take());
        let wake = if hold_back {
            self.held_back.set(wakeups);
            Wakeups::default()
        } else {
            wakeups
        };
        batch(|| {
            if wake.lens {
                self.lens_version.writer().update(|v| *v += 1);
            }
            if wake.shown {
                self.shown_version.writer().update(|v| *v += 1);
            }
            if let Some(names) = series_names {
                self.series_names.writer().set(names);
            }
            if let Some(change) = graph_change {
                self.graph_change.writer().set(Rc::new(change));
            }
            if wake.nodes {
                self.nodes_version.update(|v| *v += 1);
            }
            if wake.edges {
                self.edges_version.update(|v| *v += 1);
            }
            if touched.events {
                self.events_version.update(|v| *v += 1);
                self.events_added.writer().update(|n| *n += events_added);
            }
            if selected_log_dropped > 0 {
                self.log_lines_dropped.writer().update(|n| *n += selected_log_dropped);
            }
            if !touched.logs.is_empty() {
                self.logs_touched.writer().set(touched.logs);
            }
            if !touched.series.is_empty() {
                self.series_touched.writer().set(touched.series);
            }
        });
    }
}
