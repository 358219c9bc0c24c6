//! `AppState` natively (signals in a reactive root): a diff is applied,
//! then published section by section; a selection the diff deleted is
//! cleared after publishing; intents change only what they name.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use app::settings::{resolve, DeployConfig, Deployment, Page, Theme};
use app::state::{AppState, CommandSink};
use app::watchdog::WorkerHealth;
use shared::bridge::Command;
use shared::ring::RingDelta;
use shared::{ChartPoint, Diff, Event, LogDelta, MeshEdge, MeshNode, SeriesDelta, Severity, Status};
use sycamore::reactive::{create_root, Signal};

mod steps;

fn node(id: &str) -> MeshNode {
    MeshNode { id: id.into(), kind: "svc".into(), label: id.into(), status: Status::Ok, meta: vec![] }
}

fn edge(id: &str, source: &str, target: &str) -> MeshEdge {
    MeshEdge { id: id.into(), source: source.into(), target: target.into(), kind: None, stats: None }
}

fn snapshot() -> Diff {
    Diff {
        graph_reset: true,
        node_upserts: vec![node("n1"), node("n2")],
        edge_upserts: vec![edge("e1", "n1", "n2")],
        logs: vec![LogDelta { node_id: "n2".into(), lines: delta(vec!["up".to_owned()]), partial: String::new() }],
        ..Diff::default()
    }
}

fn delta<T>(items: Vec<T>) -> RingDelta<T> {
    RingDelta { items, ..RingDelta::default() }
}

/// Runs `body` with a state whose commands are recorded, each with the
/// nodes version seen when it was sent.
fn with_state(body: impl FnOnce(&AppState, &RefCell<Vec<(Command, u64)>>)) {
    let sent: Rc<RefCell<Vec<(Command, u64)>>> = Rc::default();
    let version_slot: Rc<Cell<Option<Signal<u64>>>> = Rc::default();
    let (record, versions) = (sent.clone(), version_slot.clone());
    let commands: CommandSink = Rc::new(move |command| {
        let version = versions.get().map_or(0, |v| v.get_untracked());
        record.borrow_mut().push((command, version));
    });
    let settings = resolve(&Deployment::from_config(&DeployConfig::default()), &[], &Page::new("http:", "h"));
    let _root = create_root(|| {
        let state = AppState::new(settings, commands);
        version_slot.set(Some(state.nodes_version));
        body(&state, &sent);
    });
}

/// A clock that says 100, 101, 102, ... (one tick per reading).
fn ticking_clock() -> impl Fn() -> f64 {
    let now = Cell::new(99.0);
    move || {
        now.set(now.get() + 1.0);
        now.get()
    }
}

#[test]
fn a_diff_is_applied_then_published_by_section() {
    with_state(|state, _| {
        state.apply_diff(snapshot(), ticking_clock());
        let versions = || {
            (
                state.nodes_version.get_untracked(),
                state.edges_version.get_untracked(),
                state.events_version.get_untracked(),
            )
        };
        assert_eq!(versions(), (1, 1, 0));
        assert_eq!(state.view.borrow().nodes.len(), 2);
        assert!(state.graph_change.with_untracked(|change| change.rebuilt));
        assert_eq!(state.logs_touched.get_clone_untracked().into_iter().collect::<Vec<_>>(), ["n2"]);
        // Clock readings: start 100, data applied 101, publishing from 102
        // to 103: two tasks of 1 ms.
        let stats = state.apply_stats.get_clone_untracked();
        assert_eq!(
            (stats.diffs, stats.first_nodes_at_millis, stats.p50_millis, stats.data_p50_millis, stats.task_p99_millis),
            (1, Some(103.0), 2.0, 1.0, 1.0)
        );

        let events = Diff {
            events: delta(vec![Event {
                ts_millis: 1,
                severity: Severity::Info,
                message: "hi".into(),
                node_id: None,
                local: false,
            }]),
            series: vec![SeriesDelta {
                series: "cpu:n1".into(),
                points: delta(vec![ChartPoint { t_millis: 1.0, y: 2.0 }]),
            }],
            ..Diff::default()
        };
        state.apply_diff(events.clone(), ticking_clock());
        assert_eq!(versions(), (1, 1, 1));
        assert_eq!(state.events_added.get_untracked(), 1);
        assert_eq!(state.series_names.get_clone_untracked(), ["cpu:n1"]);
        assert_eq!(state.series_touched.get_clone_untracked().into_iter().collect::<Vec<_>>(), ["cpu:n1"]);
        // The first nodes' time is kept; later diffs only count.
        state.apply_diff(events, ticking_clock());
        assert_eq!(state.events_added.get_untracked(), 2);
        let stats = state.apply_stats.get_clone_untracked();
        assert_eq!((stats.diffs, stats.first_nodes_at_millis), (3, Some(103.0)));
    });
}

#[test]
fn a_deleted_selection_is_cleared_after_the_diff_is_published() {
    with_state(|state, sent| {
        state.apply_diff(snapshot(), ticking_clock());
        state.select_node(Some("n2".into()));
        // A diff touching the graph elsewhere keeps the selection.
        state.apply_diff(Diff { node_upserts: vec![node("n3")], ..Diff::default() }, ticking_clock());
        assert_eq!(state.selected_node.get_clone_untracked().as_deref(), Some("n2"));
        let removal = Diff {
            node_removals: vec!["n2".into()],
            edge_removals: vec!["e1".into()],
            log_removals: vec!["n2".into()],
            ..Diff::default()
        };
        state.apply_diff(removal, ticking_clock());
        assert_eq!(state.selected_node.get_clone_untracked(), None);
        // WatchLog(None) went out after the removal's nodes version (3) was published.
        let commands: Vec<_> =
            sent.borrow().iter().filter(|(command, _)| !matches!(command, Command::Applied { .. })).cloned().collect();
        assert_eq!(commands, [(Command::WatchLog(Some("n2".into())), 1), (Command::WatchLog(None), 3)]);
    });
}

#[test]
fn each_apply_reports_its_cost_and_graph_changes_to_the_worker() {
    with_state(|state, sent| {
        // The clock ticks 1 ms a reading: start, data applied, then
        // publishing's start and end; the worker is told the data's 1 ms.
        state.apply_diff(snapshot(), ticking_clock());
        state.apply_diff(Diff { events: delta(vec![]), ..Diff::default() }, ticking_clock());
        let reports: Vec<_> = sent.borrow().iter().map(|(command, _)| command.clone()).collect();
        assert_eq!(
            reports,
            [
                Command::Applied { data_millis: 1.0, graph_changes: 3 },
                Command::Applied { data_millis: 1.0, graph_changes: 0 },
            ]
        );
    });
}

#[test]
fn intents_change_what_they_name() {
    with_state(|state, sent| {
        state.set_filter("pg".into());
        assert_eq!(state.filter.get_clone_untracked(), "pg");
        state.cycle_theme();
        assert_eq!(state.theme.get_untracked(), Theme::Light);
        state.set_theme(Theme::Dark);
        assert_eq!(state.theme.get_untracked(), Theme::Dark);
        state.count_embed_ignored();
        state.count_embed_ignored();
        assert_eq!(state.embed_ignored.get_untracked(), 2);
        state.record_csp_violations(4);
        assert_eq!(state.csp_violations.get_untracked(), 4);
        state.show_notice("refused".into());
        assert_eq!(state.notice.get_clone_untracked().as_deref(), Some("refused"));
        state.dismiss_notice();
        assert_eq!(state.notice.get_clone_untracked(), None);
        state.report_worker(WorkerHealth::Stopped("silent".into()));
        assert_eq!(state.worker.get_clone_untracked(), WorkerHealth::Stopped("silent".into()));
        state.select_node(Some("n1".into()));
        state.set_project("p2".into());
        assert_eq!(state.settings.with_untracked(|s| s.link.project.clone()), "p2");
        let commands: Vec<Command> = sent.borrow().iter().map(|(command, _)| command.clone()).collect();
        let link = state.settings.with_untracked(|s| s.link.clone());
        assert_eq!(commands, [Command::WatchLog(Some("n1".into())), Command::WatchLog(None), Command::Configure(link)]);
    });
}

/// The ids the nodes table shows, in order.
fn shown(state: &AppState) -> Vec<String> {
    state.lens.borrow().nodes().ids().map(str::to_owned).collect()
}

#[test]
fn the_filter_and_the_focus_narrow_every_view_and_follow_the_diffs() {
    with_state(|state, _| {
        let chain = Diff {
            graph_reset: true,
            node_upserts: vec![node("n1"), node("n2"), node("n10"), node("n3")],
            edge_upserts: vec![edge("e1", "n1", "n2"), edge("e2", "n2", "n3"), edge("e3", "n3", "n10")],
            ..Diff::default()
        };
        state.apply_diff(chain, ticking_clock());
        assert_eq!(shown(state), ["n1", "n2", "n3", "n10"], "natural order");
        let versions = (state.lens_version.get_untracked(), state.shown_version.get_untracked());
        state.set_filter("-id:n2".into());
        assert_eq!(shown(state), ["n1", "n3", "n10"]);
        assert_eq!(
            (state.lens_version.get_untracked(), state.shown_version.get_untracked()),
            (versions.0 + 1, versions.1 + 1)
        );
        // Text that does not parse keeps the last filter, and says why.
        state.set_filter("-id:n2 status:".into());
        assert_eq!(shown(state), ["n1", "n3", "n10"]);
        assert_eq!(state.filter_error.with_untracked(|e| e.as_ref().map(|e| (e.start, e.end))), Some((7, 14)));
        state.set_filter(String::new());
        assert_eq!((shown(state).len(), state.filter_error.get_clone_untracked()), (4, None));
        // Focus: n2 and its neighbours; more hops reach further; Esc leaves.
        state.focus_on("n2".into());
        assert_eq!(state.selected_node.get_clone_untracked().as_deref(), Some("n2"));
        assert_eq!(shown(state), ["n1", "n2", "n3"]);
        state.set_focus_hops(2);
        assert_eq!(shown(state), ["n1", "n2", "n3", "n10"]);
        state.set_focus_hops(1);
        // A diff: n10 joins n2 directly (into the focus); n1 turns into an error and is filtered out.
        let mut failing = node("n1");
        failing.status = Status::Error;
        state.apply_diff(Diff { edge_upserts: vec![edge("e4", "n10", "n2")], ..Diff::default() }, ticking_clock());
        assert_eq!(shown(state), ["n1", "n2", "n3", "n10"]);
        state.set_filter("-status:error".into());
        state.apply_diff(Diff { node_upserts: vec![failing], ..Diff::default() }, ticking_clock());
        assert_eq!(shown(state), ["n2", "n3", "n10"]);
        state.leave_focus();
        assert_eq!(
            (shown(state), state.focus.get_clone_untracked()),
            (vec!["n2".to_owned(), "n3".into(), "n10".into()], None)
        );
    });
}

#[test]
fn the_url_opens_the_page_filtered_and_focused() {
    let pairs =
        |query: &[(&str, &str)]| query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Vec<_>>();
    let settings = resolve(
        &Deployment::from_config(&DeployConfig::default()),
        &pairs(&[("q", "kind:svc -id:n1"), ("focus", "n2"), ("hops", "2")]),
        &Page::new("http:", "h"),
    );
    let _root = create_root(|| {
        let state = AppState::new(settings, Rc::new(|_| {}));
        state.apply_diff(
            Diff {
                graph_reset: true,
                node_upserts: vec![node("n1"), node("n2"), node("n3"), node("n4")],
                edge_upserts: vec![edge("e1", "n1", "n2"), edge("e2", "n2", "n3"), edge("e3", "n3", "n4")],
                ..Diff::default()
            },
            ticking_clock(),
        );
        assert_eq!(state.filter.get_clone_untracked(), "kind:svc -id:n1");
        assert_eq!(shown(&state), ["n2", "n3", "n4"]);
    });
}
