//! Applying a diff to the plain `View`, without signals: what it touched,
//! how the graph changed, whether the selection went with it. `AppState`
//! then publishes the result; keeping the two apart makes both testable
//! and keeps commands out of the middle of an apply.

use std::collections::{BTreeSet, VecDeque};

use shared::{Diff, View};

use crate::lens::Lens;

/// Apply times kept for the p50/p99 shown in diagnostics (a minute of diffs).
const MAX_APPLY_SAMPLES: usize = 240;

/// What one diff touched, so only those panels refresh.
#[derive(Debug, Default, PartialEq)]
pub struct Touched {
    pub nodes: bool,
    pub edges: bool,
    pub events: bool,
    pub logs: BTreeSet<String>,
    pub series: BTreeSet<String>,
}

impl Touched {
    pub fn of(diff: &Diff) -> Touched {
        let all = diff.view_reset;
        Touched {
            nodes: all || diff.graph_reset || !diff.node_upserts.is_empty() || !diff.node_removals.is_empty(),
            edges: all || diff.graph_reset || !diff.edge_upserts.is_empty() || !diff.edge_removals.is_empty(),
            events: all || !diff.events.is_empty(),
            logs: diff.logs.iter().map(|log| log.node_id.clone()).chain(diff.log_removals.iter().cloned()).collect(),
            series: diff
                .series
                .iter()
                .map(|series| series.series.clone())
                .chain(diff.series_removals.iter().cloned())
                .collect(),
        }
    }
}

/// How one diff changed the graph, in ids, so graph views can update
/// incrementally instead of rescanning the graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphChange {
    /// The whole graph was replaced (snapshot or view reset): rebuild.
    pub rebuilt: bool,
    /// Nodes inserted or changed: (node id, kind).
    pub upserted: Vec<(String, String)>,
    pub removed: Vec<String>,
    /// Edges inserted or changed, and removed (ids).
    pub edges_upserted: Vec<String>,
    pub edges_removed: Vec<String>,
    /// The selected node, or one of its edges, changed.
    pub selected_touched: bool,
    /// The change is a move in time the user asked for (redraw at once).
    pub moved: bool,
}

impl GraphChange {
    /// Read before `view` applies `diff` (removed edges' endpoints are
    /// still known then). Costs the diff's size, not the graph's.
    pub fn of(diff: &Diff, view: &View, selected: Option<&str>) -> GraphChange {
        let rebuilt = diff.view_reset || diff.graph_reset;
        let selected_touched = selected.is_some_and(|id| {
            rebuilt
                || diff.node_upserts.iter().any(|n| n.id == id)
                || diff.node_removals.iter().any(|n| n == id)
                || diff.edge_upserts.iter().any(|e| e.source == id || e.target == id)
                || diff.edge_removals.iter().filter_map(|e| view.edges.get(e)).any(|e| e.source == id || e.target == id)
        });
        GraphChange {
            rebuilt,
            upserted: diff.node_upserts.iter().map(|n| (n.id.clone(), n.kind.clone())).collect(),
            removed: diff.node_removals.clone(),
            edges_upserted: diff.edge_upserts.iter().map(|e| e.id.clone()).collect(),
            edges_removed: diff.edge_removals.clone(),
            selected_touched,
            moved: diff.moved,
        }
    }
}

/// Main-thread cost of applying diffs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplyStats {
    pub diffs: u64,
    /// A diff's whole main-thread cost: its data and publishing tasks.
    pub p50_millis: f64,
    pub p99_millis: f64,
    /// The data task alone (the rest is publishing and re-rendering): p50
    /// and p99.
    pub data_p50_millis: f64,
    pub data_p99_millis: f64,
    /// The longer of a diff's two tasks: how long it held the main thread
    /// at once (what delays input and frames).
    pub task_p99_millis: f64,
    /// When the first nodes were applied, on the page clock (ms since
    /// navigation): time to first node on screen.
    pub first_nodes_at_millis: Option<f64>,
    /// Graph changes the worker still holds for the next diffs (it sends
    /// at most a budget per diff).
    pub pending_graph_changes: u64,
    /// How many diffs the oldest of them has missed (how far the graph
    /// shown is behind the stream, in diff intervals), and its p99.
    pub graph_lag_diffs: u32,
    pub graph_lag_p99_diffs: f64,
    /// The lens's re-check steps (one per frame while edges wait; see
    /// `Lens::settle`): p99 of their durations, and edges still waiting.
    pub recheck_p99_millis: f64,
    pub rechecks_waiting: u64,
    /// Main-thread tasks over 50 ms (the browser's long tasks) since the
    /// first nodes were shown, and the longest.
    pub long_tasks: u64,
    pub longest_task_millis: f64,
    /// Steps that filled the page with a snapshot at full pace (a fill
    /// diff is applied in several, `fill_steps.rs`; not in the percentiles
    /// above: a one-off, not the live pace), the longest (its data and
    /// publishing together), all of them together, and when the last one
    /// was applied (page clock).
    pub fill_diffs: u64,
    pub fill_longest_millis: f64,
    pub fill_total_millis: f64,
    pub filled_at_millis: Option<f64>,
}

impl ApplyStats {
    /// Records one diff of a snapshot's fill (apart from the live
    /// percentiles); `end_millis` is when its apply ended.
    pub fn record_fill(&mut self, total_millis: f64, end_millis: f64) {
        self.diffs += 1;
        self.fill_diffs += 1;
        self.fill_longest_millis = self.fill_longest_millis.max(total_millis);
        self.fill_total_millis += total_millis;
        self.filled_at_millis = Some(end_millis);
    }

    /// A long task ran from `start_millis` (page clock) for
    /// `duration_millis`; those before the first nodes (loading) are not
    /// counted. A snapshot's fill counts: it is applied in steps of a
    /// bounded size (`fill_steps.rs`).
    pub fn note_long_task(&mut self, start_millis: f64, duration_millis: f64) {
        if self.first_nodes_at_millis.is_some_and(|shown| start_millis >= shown) {
            self.long_tasks += 1;
            self.longest_task_millis = self.longest_task_millis.max(duration_millis);
        }
    }
}

/// What applying one diff to the view changed, ready to publish.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    pub touched: Touched,
    /// Only when nodes or edges changed.
    pub graph_change: Option<GraphChange>,
    pub events_added: u64,
    /// Lines of the selected node's log that left its front to make room.
    pub selected_log_dropped: u64,
    /// All series names, only when the set of series changed.
    pub series_names: Option<Vec<String>>,
    /// The selected node is gone, and its log with it.
    pub selection_gone: bool,
    /// The lens shows other nodes or edges (`apply_with_lens`).
    pub shown_changed: bool,
    pub pending_graph_changes: u64,
    pub graph_lag_diffs: u32,
}

/// Applies `diff` to `lens` and `view` (data only: no signals, no
/// commands). The lens follows the diff first, reading its nodes and edges
/// while they are at hand; a graph reset rebuilds the lens afterwards.
pub fn apply_with_lens(view: &mut View, lens: &mut Lens, diff: Diff, selected: Option<&str>) -> Applied {
    let shown_changed = lens.follow(&diff, view);
    let rebuilt = diff.view_reset || diff.graph_reset;
    let mut applied = apply_to_view(view, diff, selected);
    if rebuilt {
        lens.rebuild(view);
    }
    applied.shown_changed = shown_changed || rebuilt;
    applied
}

/// Applies `diff` to `view` (data only: no signals, no commands).
pub fn apply_to_view(view: &mut View, diff: Diff, selected: Option<&str>) -> Applied {
    let touched = Touched::of(&diff);
    let graph_change = (touched.nodes || touched.edges).then(|| GraphChange::of(&diff, view, selected));
    let (view_reset, pending_graph_changes, graph_lag_diffs) =
        (diff.view_reset, diff.pending_graph_changes, diff.graph_lag_diffs);
    let series_removed = !diff.series_removals.is_empty();
    let events_added = diff.events.items.len() as u64;
    let selected_log_dropped = selected_log_dropped(view, &diff, selected);
    let series_before = view.series.len();
    view.apply_diff(diff);
    debug_assert!(view.events.len() <= shared::limits::MAX_EVENTS);
    let series_names = series_set_changed(view_reset || series_removed, series_before, view.series.len())
        .then(|| view.series.keys().cloned().collect());
    // A deleted node cannot stay selected (its log went with it).
    let selection_gone =
        touched.nodes && selected.is_some_and(|id| !view.nodes.contains_key(id) && !view.logs.contains_key(id));
    Applied {
        touched,
        graph_change,
        events_added,
        selected_log_dropped,
        series_names,
        selection_gone,
        shown_changed: false,
        pending_graph_changes,
        graph_lag_diffs,
    }
}

/// How many lines the selected node's log loses from its front to the
/// lines `diff` brings (its log is bounded), before the diff is applied.
fn selected_log_dropped(view: &View, diff: &Diff, selected: Option<&str>) -> u64 {
    let Some(id) = selected else { return 0 };
    let Some(delta) = diff.logs.iter().find(|delta| delta.node_id == id) else { return 0 };
    let held = view.logs.get(id).map_or(0, |log| log.lines.len());
    delta.lines.dropped_from_front(held, shared::limits::MAX_LOG_LINES_PER_NODE) as u64
}

/// Series are added one by one, or dropped by a view reset or by a move to
/// another moment (removals): the set of names changed exactly when the
/// count did, or the diff reset or removed some.
fn series_set_changed(view_reset: bool, count_before: usize, count_after: usize) -> bool {
    view_reset || count_before != count_after
}

/// The last `MAX_APPLY_SAMPLES` durations, for percentiles.
#[derive(Debug, Default)]
struct Samples(VecDeque<f64>);

impl Samples {
    /// Adds a sample; returns (p50, p99) of those kept.
    fn record(&mut self, millis: f64) -> (f64, f64) {
        if self.0.len() >= MAX_APPLY_SAMPLES {
            self.0.pop_front();
        }
        self.0.push_back(millis);
        let mut sorted: Vec<f64> = self.0.iter().copied().collect();
        crate::sort::sort_by(&mut sorted, f64::total_cmp);
        let at = |q: f64| sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        (at(0.5), at(0.99))
    }
}

/// What one diff cost the main thread, in its two tasks: applying the
/// data, then publishing what changed (signals and the re-rendering they
/// wake).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tasks {
    pub data_millis: f64,
    pub publish_millis: f64,
}

impl Tasks {
    pub fn total_millis(self) -> f64 {
        self.data_millis + self.publish_millis
    }

    pub fn longest_millis(self) -> f64 {
        self.data_millis.max(self.publish_millis)
    }
}

/// What a diff said of the graph changes still queued in the worker.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Queue {
    pub pending_graph_changes: u64,
    pub graph_lag_diffs: u32,
}

/// Apply durations: the whole apply (data and the re-rendering it
/// triggers), the data alone, and the longer task.
#[derive(Debug, Default)]
pub struct ApplySamples {
    total: Samples,
    data: Samples,
    task: Samples,
    recheck: Samples,
    lag: Samples,
}

impl ApplySamples {
    /// Records one apply into `stats`.
    pub fn record(&mut self, stats: &mut ApplyStats, tasks: Tasks, queue: Queue) {
        let (p50_millis, p99_millis) = self.total.record(tasks.total_millis());
        let (data_p50_millis, data_p99_millis) = self.data.record(tasks.data_millis);
        let (_, task_p99_millis) = self.task.record(tasks.longest_millis());
        stats.diffs += 1;
        stats.p50_millis = p50_millis;
        stats.p99_millis = p99_millis;
        stats.data_p50_millis = data_p50_millis;
        stats.data_p99_millis = data_p99_millis;
        stats.task_p99_millis = task_p99_millis;
        stats.pending_graph_changes = queue.pending_graph_changes;
        stats.graph_lag_diffs = queue.graph_lag_diffs;
        stats.graph_lag_p99_diffs = self.lag.record(f64::from(queue.graph_lag_diffs)).1;
    }

    /// Records one re-check step of the lens into `stats`.
    pub fn record_recheck(&mut self, stats: &mut ApplyStats, millis: f64, waiting: usize) {
        stats.recheck_p99_millis = self.recheck.record(millis).1;
        stats.rechecks_waiting = waiting as u64;
    }
}

#[cfg(test)]
mod tests {
    use shared::limits::MAX_LOG_LINES_PER_NODE;
    use shared::ring::RingDelta;
    use shared::LogDelta;

    use super::*;

    #[test]
    fn a_diff_says_how_many_lines_the_selected_log_lost_from_its_front() {
        // n1's log holds 3 lines short of full; a diff brings 5 (or, reset, 5).
        let lines = |n: usize| (0..n).map(|i| format!("line {i}")).collect::<Vec<_>>();
        let log_delta = |reset: bool| LogDelta {
            node_id: "n1".into(),
            lines: RingDelta { reset, items: lines(5), skipped: 0 },
            partial: String::new(),
        };
        // (selected, reset) → lines n1's log lost from its front
        let cases = [(Some("n1"), false, 2), (Some("n2"), false, 0), (None, false, 0), (Some("n1"), true, 0)];
        for (selected, reset, dropped) in cases {
            let mut view = View::default();
            view.logs.entry("n1".into()).or_default().lines.extend(lines(MAX_LOG_LINES_PER_NODE - 3));
            let diff = Diff { logs: vec![log_delta(reset)], ..Diff::default() };
            let applied = apply_to_view(&mut view, diff, selected);
            assert_eq!(applied.selected_log_dropped, dropped, "{selected:?} reset {reset}");
        }
    }
}
