//! The UI's one state: the plain `View` the worker's diffs are applied to,
//! and a version signal per section so a panel re-renders only when its
//! section changed. Changed only through intent-named methods.

use std::cell::RefCell;
use std::collections::{BTreeSet, VecDeque};
use std::rc::Rc;

use shared::bridge::{Command, LinkStatus};
use shared::{Diff, View};
use sycamore::prelude::*;

use crate::settings::{Settings, Theme};

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
            series: diff.series.iter().map(|series| series.series.clone()).collect(),
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
    /// The selected node, or one of its edges, changed.
    pub selected_touched: bool,
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
            selected_touched,
        }
    }
}

/// Main-thread cost of applying diffs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplyStats {
    pub diffs: u64,
    pub p50_millis: f64,
    pub p99_millis: f64,
    /// The share of p50 spent applying data (the rest is re-rendering).
    pub data_p50_millis: f64,
    /// When the first nodes were applied, on the page clock (ms since
    /// navigation): time to first node on screen.
    pub first_nodes_at_millis: Option<f64>,
    /// Graph changes the worker still holds for the next diffs (it sends
    /// at most a budget per diff).
    pub pending_graph_changes: u64,
}

/// Sends commands to the worker (a no-op in tests and server renders).
pub type CommandSink = Rc<dyn Fn(Command)>;

#[derive(Clone)]
pub struct AppState {
    pub view: Rc<RefCell<View>>,
    pub nodes_version: Signal<u64>,
    /// What the last diff changed in the graph (for incremental views).
    pub graph_change: Signal<Rc<GraphChange>>,
    pub edges_version: Signal<u64>,
    pub events_version: Signal<u64>,
    /// Events appended so far (lets the list keep the reader's place).
    pub events_added: Signal<u64>,
    /// Node ids whose log changed in the last diff.
    pub logs_touched: Signal<BTreeSet<String>>,
    /// Series that changed in the last diff.
    pub series_touched: Signal<BTreeSet<String>>,
    /// Names of all series, in order (changes rarely).
    pub series_names: Signal<Vec<String>>,
    pub status: Signal<LinkStatus>,
    pub selected_node: Signal<Option<String>>,
    pub apply_stats: Signal<ApplyStats>,
    pub notice: Signal<Option<String>>,
    /// The nodes table's text filter (the embedding portal may set it).
    pub node_filter: Signal<String>,
    /// Embed messages ignored (wrong origin, version or shape).
    pub embed_ignored: Signal<u64>,
    /// Content-Security-Policy violations the page reported.
    pub csp_violations: Signal<u64>,
    /// Cost of the last topology canvas draw (read by diagnostics).
    pub topology_draw_millis: Rc<std::cell::Cell<f64>>,
    pub settings: Signal<Settings>,
    /// The theme in force (starts from the settings; the user may switch).
    pub theme: Signal<Theme>,
    apply_samples: Rc<RefCell<ApplySamples>>,
    commands: CommandSink,
}

impl AppState {
    pub fn new(settings: Settings, commands: CommandSink) -> Self {
        AppState {
            view: Rc::new(RefCell::new(View::default())),
            nodes_version: create_signal(0),
            graph_change: create_signal(Rc::new(GraphChange { rebuilt: true, ..GraphChange::default() })),
            edges_version: create_signal(0),
            events_version: create_signal(0),
            events_added: create_signal(0),
            logs_touched: create_signal(BTreeSet::new()),
            series_touched: create_signal(BTreeSet::new()),
            series_names: create_signal(Vec::new()),
            status: create_signal(LinkStatus::default()),
            selected_node: create_signal(None),
            apply_stats: create_signal(ApplyStats::default()),
            notice: create_signal(None),
            node_filter: create_signal(String::new()),
            embed_ignored: create_signal(0),
            csp_violations: create_signal(0),
            topology_draw_millis: Rc::new(std::cell::Cell::new(0.0)),
            theme: create_signal(settings.theme),
            settings: create_signal(settings),
            apply_samples: Rc::new(RefCell::new(ApplySamples::default())),
            commands,
        }
    }

    /// Applies a worker diff and wakes only the panels it touched.
    /// `elapsed_millis` times the apply (a clock is passed in so this stays
    /// testable natively).
    pub fn apply_diff(&self, diff: Diff, clock_millis: impl Fn() -> f64) {
        let start = clock_millis();
        let touched = Touched::of(&diff);
        let graph_change = (touched.nodes || touched.edges).then(|| {
            let selected = self.selected_node.get_clone_untracked();
            GraphChange::of(&diff, &self.view.borrow(), selected.as_deref())
        });
        let pending_graph_changes = diff.pending_graph_changes;
        let events_added = diff.events.items.len() as u64;
        let series_count_before = if diff.view_reset { usize::MAX } else { self.view.borrow().series.len() };
        self.view.borrow_mut().apply_diff(diff);
        let data_millis = clock_millis() - start;
        let view = self.view.borrow();
        debug_assert!(view.events.len() <= shared::limits::MAX_EVENTS);
        if view.series.len() != series_count_before {
            self.series_names.set(view.series.keys().cloned().collect());
        }
        // A deleted node cannot stay selected (its log went with it).
        let selection_gone = touched.nodes
            && self.selected_node.with_untracked(|selected| {
                selected.as_ref().is_some_and(|id| !view.nodes.contains_key(id) && !view.logs.contains_key(id))
            });
        drop(view);
        if selection_gone {
            self.select_node(None);
        }
        batch(|| {
            if let Some(change) = graph_change {
                self.graph_change.set(Rc::new(change));
            }
            if touched.nodes {
                self.nodes_version.update(|v| *v += 1);
            }
            if touched.edges {
                self.edges_version.update(|v| *v += 1);
            }
            if touched.events {
                self.events_version.update(|v| *v += 1);
                self.events_added.update(|n| *n += events_added);
            }
            if !touched.logs.is_empty() {
                self.logs_touched.set(touched.logs);
            }
            if !touched.series.is_empty() {
                self.series_touched.set(touched.series);
            }
        });
        let end = clock_millis();
        if touched.nodes
            && self.apply_stats.with_untracked(|s| s.first_nodes_at_millis.is_none())
            && !self.view.borrow().nodes.is_empty()
        {
            self.apply_stats.update(|s| s.first_nodes_at_millis = Some(end));
        }
        self.record_apply(ApplyTiming { total_millis: end - start, data_millis }, pending_graph_changes);
    }

    pub fn set_status(&self, status: LinkStatus) {
        self.status.set(status);
    }

    /// Selects a node (or none); the worker then sends that node's log only.
    pub fn select_node(&self, node_id: Option<String>) {
        if self.selected_node.with_untracked(|current| *current == node_id) {
            return;
        }
        self.send(Command::WatchLog(node_id.clone()));
        self.selected_node.set(node_id);
    }

    /// Auto → light → dark → auto.
    pub fn cycle_theme(&self) {
        self.theme.set(match self.theme.get() {
            Theme::Auto => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Auto,
        });
    }

    pub fn show_notice(&self, text: String) {
        self.notice.set(Some(text));
    }

    /// Switches to another project: the worker starts over on it.
    pub fn set_project(&self, project: String) {
        self.settings.update(|settings| settings.link.project = project);
        let link = self.settings.with_untracked(|settings| settings.link.clone());
        self.select_node(None);
        self.send(Command::Configure(link));
    }

    pub fn send(&self, command: Command) {
        (self.commands)(command);
    }

    pub fn pause(&self) {
        self.send(Command::Pause);
    }

    pub fn resume(&self) {
        self.send(Command::Resume);
    }

    pub fn retry_now(&self) {
        self.send(Command::RetryNow);
    }

    pub fn clear_events(&self) {
        self.send(Command::ClearEvents);
    }

    fn record_apply(&self, timing: ApplyTiming, pending_graph_changes: u64) {
        let mut samples = self.apply_samples.borrow_mut();
        let (p50_millis, p99_millis) = samples.total.record(timing.total_millis);
        let (data_p50_millis, _) = samples.data.record(timing.data_millis);
        self.apply_stats.update(|stats| {
            stats.diffs += 1;
            stats.p50_millis = p50_millis;
            stats.p99_millis = p99_millis;
            stats.data_p50_millis = data_p50_millis;
            stats.pending_graph_changes = pending_graph_changes;
        });
    }
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
        sorted.sort_by(f64::total_cmp);
        let at = |q: f64| sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        (at(0.5), at(0.99))
    }
}

#[derive(Debug, Default)]
struct ApplySamples {
    /// The whole apply: data and the re-rendering it triggers.
    total: Samples,
    /// Applying the diff to the `View` alone.
    data: Samples,
}

#[derive(Debug, Clone, Copy)]
struct ApplyTiming {
    total_millis: f64,
    data_millis: f64,
}
