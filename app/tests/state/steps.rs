//! A diff's two tasks (data, then publishing) and a snapshot's fill in
//! bounded steps: the order they run in, and what each costs in the
//! diagnostics.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use shared::bridge::Command;
use shared::Diff;

use super::{edge, node, snapshot, ticking_clock, with_state};

#[test]
fn long_tasks_count_only_after_the_first_nodes_are_shown() {
    use app::state::ApplyStats;
    let mut stats = ApplyStats::default();
    // Loading: nothing shown yet, nothing counted.
    stats.note_long_task(50.0, 300.0);
    assert_eq!((stats.long_tasks, stats.longest_task_millis), (0, 0.0));
    stats.first_nodes_at_millis = Some(1_000.0);
    // Before the first nodes (the snapshot's own apply): not counted.
    stats.note_long_task(900.0, 120.0);
    stats.note_long_task(1_000.0, 64.0);
    stats.note_long_task(5_000.0, 90.0);
    stats.note_long_task(6_000.0, 51.0);
    assert_eq!((stats.long_tasks, stats.longest_task_millis), (3, 90.0));
}

#[test]
fn a_snapshot_fill_is_kept_apart_from_the_live_pace() {
    with_state(|state, sent| {
        // Three fill diffs, then a live one: the percentiles are the live
        // one's (2 ms on the ticking clock), the fill is counted apart.
        let fill = |id: &str| Diff { node_upserts: vec![node(id)], snapshot_fill: true, ..Diff::default() };
        state.apply_diff(Diff { graph_reset: true, ..fill("n1") }, ticking_clock());
        state.apply_diff(fill("n2"), || 500.0 + 0.0);
        let slow = Cell::new(1_000.0);
        state.apply_diff(fill("n3"), move || {
            slow.set(slow.get() + 40.0);
            slow.get()
        });
        state.apply_diff(Diff { node_upserts: vec![node("n4")], ..Diff::default() }, ticking_clock());
        let stats = state.apply_stats.get_clone_untracked();
        assert_eq!((stats.diffs, stats.fill_diffs), (4, 3));
        // Its clock reads 1,040 and 1,080 (data), then 1,120 and 1,160.
        assert_eq!((stats.fill_longest_millis, stats.filled_at_millis), (80.0, Some(1_160.0)));
        // All three together: 2 ms on the ticking clock, none, 80 ms.
        assert_eq!(stats.fill_total_millis, 82.0);
        // Only the live diff's cost goes to the worker.
        let reports: Vec<_> = sent.borrow().iter().map(|(command, _)| command.clone()).collect();
        assert_eq!(reports, [Command::Applied { data_millis: 1.0, graph_changes: 1 }]);
        assert_eq!((stats.p50_millis, stats.p99_millis), (2.0, 2.0));
        // Its data task alone: the 1 ms it reported to the worker.
        assert_eq!((stats.data_p50_millis, stats.data_p99_millis), (1.0, 1.0));
        // Long tasks count during the fill as after it (a fill is applied
        // in bounded steps, `fill_steps.rs`).
        let mut stats = stats;
        stats.note_long_task(1_100.0, 70.0);
        stats.note_long_task(1_200.0, 55.0);
        assert_eq!((stats.long_tasks, stats.longest_task_millis), (2, 70.0));
    });
}

#[test]
fn the_graph_lag_each_live_diff_reports_is_shown_with_its_p99() {
    with_state(|state, _| {
        state.apply_diff(snapshot(), ticking_clock());
        // 100 live diffs: lags 0..=99 diffs, the worker's queue ten times
        // the lag; the latest is shown, and the p99 of those kept.
        for lag in 0..100_u32 {
            let live = Diff {
                node_upserts: vec![node("n1")],
                pending_graph_changes: u64::from(lag) * 10,
                graph_lag_diffs: lag,
                ..Diff::default()
            };
            state.apply_diff(live, ticking_clock());
        }
        let stats = state.apply_stats.get_clone_untracked();
        assert_eq!((stats.pending_graph_changes, stats.graph_lag_diffs), (990, 99));
        // 101 samples (the snapshot's 0 and 0..=99): the 99th percentile
        // is the 100th smallest, 98.
        assert_eq!(stats.graph_lag_p99_diffs, 98.0);
    });
}

/// The steps handed to `defer`, run when the test says.
type Deferred = Rc<RefCell<Vec<Box<dyn FnOnce()>>>>;

/// A `defer` that keeps the steps in `deferred`.
fn defer_into(deferred: &Deferred) -> impl Fn(Box<dyn FnOnce()>) + 'static {
    let deferred = deferred.clone();
    move |step| deferred.borrow_mut().push(step)
}

#[test]
fn a_diff_publishes_in_a_step_of_its_own_and_in_order() {
    with_state(|state, sent| {
        let deferred: Deferred = Rc::default();
        // One clock, read four times a diff (start, data applied, then
        // publishing's start and end): 1 ms for the data, 3 for publishing.
        let (now, reads) = (Rc::new(Cell::new(0.0)), Rc::new(Cell::new(0)));
        let clock = || {
            let (now, reads) = (now.clone(), reads.clone());
            move || {
                reads.set(reads.get() + 1);
                now.set(now.get() + if reads.get() % 4 == 0 { 3.0 } else { 1.0 });
                now.get()
            }
        };
        state.apply_diff_then(snapshot(), clock(), defer_into(&deferred));
        // The data is in; nothing is published or reported yet.
        assert_eq!(state.view.borrow().nodes.len(), 2);
        assert_eq!(state.nodes_version.get_untracked(), 0);
        assert!(sent.borrow().is_empty());
        assert_eq!(deferred.borrow().len(), 1);

        // A second diff before the first one's step: that step runs first
        // (reported before the second diff is applied), then the second
        // waits for its own.
        let second = Diff { node_upserts: vec![node("n3")], ..Diff::default() };
        state.apply_diff_then(second, clock(), defer_into(&deferred));
        assert_eq!(state.nodes_version.get_untracked(), 1);
        assert_eq!(sent.borrow().len(), 1);
        assert_eq!(sent.borrow()[0], (Command::Applied { data_millis: 1.0, graph_changes: 3 }, 1));

        // The first step, run late, finds nothing left to do; the second
        // publishes the second diff.
        let steps: Vec<_> = deferred.borrow_mut().drain(..).collect();
        assert_eq!(steps.len(), 2);
        for step in steps {
            step();
        }
        assert_eq!(state.nodes_version.get_untracked(), 2);
        let reports: Vec<_> = sent.borrow().iter().map(|(command, _)| command.clone()).collect();
        assert_eq!(
            reports,
            [
                Command::Applied { data_millis: 1.0, graph_changes: 3 },
                Command::Applied { data_millis: 1.0, graph_changes: 1 }
            ]
        );
        // Each diff: data 1 ms (what the worker is told), publishing 3 ms:
        // 4 ms in all, 3 at once.
        let stats = state.apply_stats.get_clone_untracked();
        assert_eq!((stats.diffs, stats.p99_millis, stats.data_p50_millis, stats.task_p99_millis), (2, 4.0, 1.0, 3.0));
    });
}

#[test]
fn a_fill_diff_is_applied_a_part_per_step_and_a_later_diff_waits_behind_it() {
    use app::state::MAX_FILL_CHANGES_PER_STEP;
    with_state(|state, _| {
        let deferred: Deferred = Rc::default();
        let step_size = MAX_FILL_CHANGES_PER_STEP;
        let fill = Diff {
            graph_reset: true,
            snapshot_fill: true,
            node_upserts: (0..step_size * 2 + step_size / 2).map(|i| node(&format!("n{i}"))).collect(),
            ..Diff::default()
        };
        state.apply_diff_then(fill, ticking_clock(), defer_into(&deferred));
        assert_eq!(state.view.borrow().nodes.len(), step_size, "the first part at once");
        assert_eq!(state.nodes_version.get_untracked(), 0, "published at the next step");

        // A live diff arrives: the next part is applied (and the first
        // published) in its task; the diff itself waits for the parts.
        let live = Diff { node_removals: vec!["n0".into()], ..Diff::default() };
        state.apply_diff_then(live, ticking_clock(), defer_into(&deferred));
        assert_eq!(state.view.borrow().nodes.len(), step_size * 2);
        // The topology has the first part; the tables wait for the fill's
        // last part (more of the fill waits behind this one).
        assert_eq!(state.graph_change.get_clone_untracked().upserted.len(), step_size);
        assert_eq!((state.nodes_version.get_untracked(), state.lens_version.get_untracked()), (0, 0));

        // Each step after: one part (or diff) more, each published before
        // the next is applied; the steps end when nothing waits.
        let mut seen = Vec::new();
        while !deferred.borrow().is_empty() {
            let step = deferred.borrow_mut().remove(0);
            step();
            let upserted = state.graph_change.get_clone_untracked().upserted.len();
            seen.push((state.view.borrow().nodes.len(), upserted, state.nodes_version.get_untracked()));
        }
        let (half, last_part, all) = (step_size / 2, step_size * 2 + step_size / 2, step_size * 2 + step_size / 2 - 1);
        // (nodes in the view, in the topology's last change, tables' version)
        assert_eq!(seen, [(last_part, step_size, 0), (all, half, 1), (all, 0, 2), (all, 0, 2)]);
        assert_eq!(state.lens_version.get_untracked(), 2, "woken with the fill's last part, then the live diff");
        let stats = state.apply_stats.get_clone_untracked();
        assert_eq!((stats.fill_diffs, stats.diffs), (3, 4), "three fill steps, one live diff");
    });
}

#[test]
fn a_fill_wakes_the_tables_for_what_its_earlier_parts_held_back() {
    use app::state::MAX_FILL_CHANGES_PER_STEP;
    with_state(|state, _| {
        let deferred: Deferred = Rc::default();
        // Two parts: the nodes, then only edges.
        let ids: Vec<String> = (0..MAX_FILL_CHANGES_PER_STEP).map(|i| format!("n{i}")).collect();
        let fill = Diff {
            graph_reset: true,
            snapshot_fill: true,
            node_upserts: ids.iter().map(|id| node(id)).collect(),
            edge_upserts: ids.iter().map(|id| edge(&format!("e{id}"), id, "n0")).collect(),
            ..Diff::default()
        };
        state.apply_diff_then(fill, ticking_clock(), defer_into(&deferred));
        while !deferred.borrow().is_empty() {
            let step = deferred.borrow_mut().remove(0);
            step();
        }
        let versions = (state.nodes_version.get_untracked(), state.edges_version.get_untracked());
        assert_eq!(versions, (1, 1), "the nodes' wake-up came with the edges' part");
        assert_eq!(state.lens_version.get_untracked(), 1);
    });
}

#[test]
fn a_view_reset_drops_the_parts_still_waiting() {
    use app::state::MAX_FILL_CHANGES_PER_STEP;
    with_state(|state, _| {
        let deferred: Deferred = Rc::default();
        let fill = Diff {
            graph_reset: true,
            snapshot_fill: true,
            node_upserts: (0..MAX_FILL_CHANGES_PER_STEP * 3).map(|i| node(&format!("old{i}"))).collect(),
            ..Diff::default()
        };
        state.apply_diff_then(fill, ticking_clock(), defer_into(&deferred));
        assert_eq!(state.view.borrow().nodes.len(), MAX_FILL_CHANGES_PER_STEP);
        // Another project: its view starts over, and the old fill's two
        // parts still waiting are never applied.
        let reset = Diff { view_reset: true, node_upserts: vec![node("new")], ..Diff::default() };
        state.apply_diff_then(reset, ticking_clock(), defer_into(&deferred));
        let mut most_nodes = state.view.borrow().nodes.len();
        while !deferred.borrow().is_empty() {
            let step = deferred.borrow_mut().remove(0);
            step();
            most_nodes = most_nodes.max(state.view.borrow().nodes.len());
        }
        assert_eq!(most_nodes, 1, "no old part applied after the reset came");
        let ids: Vec<String> = state.view.borrow().nodes.keys().cloned().collect();
        assert_eq!(ids, ["new"]);
        let stats = state.apply_stats.get_clone_untracked();
        assert_eq!((stats.fill_diffs, stats.diffs), (1, 2), "one fill step, then the reset");
    });
}
