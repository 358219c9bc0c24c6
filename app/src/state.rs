//! The UI's one state: the plain `View` the worker's diffs are applied to,
//! and a version signal per section so a panel re-renders only when its
//! section changed. Components get read-only handles (`ReadOnly`,
//! `ViewCell`) and change the state only through the intent-named methods
//! here.

mod apply;
mod fill_steps;
mod find;
mod publish;
mod read_only;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, VecDeque};
use std::rc::Rc;

use shared::bridge::{Command, LinkStatus};
use shared::Diff;
use sycamore::prelude::*;

use crate::filter::ParseError;
use crate::lens::{EdgeSort, Focus, GroupBy, NodeSort};
use crate::settings::{Settings, Theme};
use crate::watchdog::WorkerHealth;

pub use apply::{apply_to_view, apply_with_lens, Applied, ApplyStats, GraphChange, Tasks, Touched};
pub use fill_steps::{split_graph, MAX_FILL_CHANGES_PER_STEP};
pub use read_only::{LensCell, ReadOnly, ViewCell};

use apply::ApplySamples;
use publish::{Unpublished, Wakeups};

/// Sends commands to the worker (a no-op in tests and server renders).
pub type CommandSink = Rc<dyn Fn(Command)>;

#[derive(Clone)]
pub struct AppState {
    pub view: ViewCell,
    /// Bumped by each diff that touched nodes. A writable `Signal` only
    /// because `scroll_frame::list_model` takes one; only `apply_diff`
    /// writes it (the same holds for the edges and events versions).
    pub nodes_version: Signal<u64>,
    /// What the last diff changed in the graph (for incremental views).
    pub graph_change: ReadOnly<Rc<GraphChange>>,
    pub edges_version: Signal<u64>,
    pub events_version: Signal<u64>,
    /// Events appended so far (lets the list keep the reader's place).
    pub events_added: ReadOnly<u64>,
    /// Lines the selected node's log has lost from its front so far (lets
    /// the log keep the place of a reader scrolled back).
    pub log_lines_dropped: ReadOnly<u64>,
    /// Node ids whose log changed in the last diff.
    pub logs_touched: ReadOnly<BTreeSet<String>>,
    /// Series that changed in the last diff.
    pub series_touched: ReadOnly<BTreeSet<String>>,
    /// Names of all series, in order (changes rarely).
    pub series_names: ReadOnly<Vec<String>>,
    pub status: ReadOnly<LinkStatus>,
    pub selected_node: ReadOnly<Option<String>>,
    pub apply_stats: ReadOnly<ApplyStats>,
    pub notice: ReadOnly<Option<String>>,
    /// The one filter of every view, as typed (the URL's `q`, the embed
    /// API's `setFilter`). README, "Filtering".
    pub filter: ReadOnly<String>,
    /// Why the filter's text does not parse (the views keep the last
    /// filter that did).
    pub filter_error: ReadOnly<Option<ParseError>>,
    /// The node focused on and how many hops around it are shown.
    pub focus: ReadOnly<Option<Focus>>,
    pub group_by: ReadOnly<GroupBy>,
    /// The tables' sorts.
    pub node_sort: ReadOnly<NodeSort>,
    pub edge_sort: ReadOnly<EdgeSort>,
    /// What every view shows (filter, focus, table orders, groups), kept
    /// in step with the diffs; read it through `lens.borrow()`.
    pub lens: LensCell,
    /// Bumped whenever the lens may show something else: after a diff that
    /// touched the graph, and when the filter, focus, sort or grouping
    /// changed (the tables and the topology follow it).
    pub lens_version: ReadOnly<u64>,
    /// Bumped only when the shown nodes or edges changed (the event list
    /// follows it).
    pub shown_version: ReadOnly<u64>,
    /// Bumped to ask the topology to centre the selected node (search).
    pub reveal_request: ReadOnly<u64>,
    /// Embed messages ignored (wrong origin, source, version, shape or size).
    pub embed_ignored: ReadOnly<u64>,
    /// Content-Security-Policy violations the page reported.
    pub csp_violations: ReadOnly<u64>,
    /// Cost of the last topology canvas draw, set by the canvas after each
    /// draw and read by diagnostics (a plain cell: nothing tracks it).
    pub topology_draw_millis: Rc<Cell<f64>>,
    /// The browser's rendering of the frame of the last topology draw
    /// (style, layout, paint, rasterizing the canvas), as the pacer counts it.
    pub topology_render_millis: Rc<Cell<f64>>,
    pub settings: ReadOnly<Settings>,
    /// The theme in force (starts from the settings; the user may switch).
    pub theme: ReadOnly<Theme>,
    /// Whether the worker still answers (see `watchdog.rs`).
    pub worker: ReadOnly<WorkerHealth>,
    apply_samples: Rc<RefCell<ApplySamples>>,
    /// A diff whose data is applied and whose publishing step waits.
    unpublished: Rc<RefCell<Option<Unpublished>>>,
    /// Diffs (and steps of a fill, `fill_steps.rs`) not applied yet, in
    /// the order they came.
    waiting: Rc<RefCell<VecDeque<Diff>>>,
    /// Wake-ups a fill's part left for the part after it (`publish.rs`).
    held_back: Rc<Cell<Wakeups>>,
    commands: CommandSink,
}

impl AppState {
    pub fn new(settings: Settings, commands: CommandSink) -> Self {
        let lens = LensCell::default();
        let filter_error = find::open_lens(&lens, &settings);
        AppState {
            view: ViewCell::default(),
            nodes_version: create_signal(0),
            graph_change: ReadOnly::new(Rc::new(GraphChange { rebuilt: true, ..GraphChange::default() })),
            edges_version: create_signal(0),
            events_version: create_signal(0),
            events_added: ReadOnly::new(0),
            log_lines_dropped: ReadOnly::new(0),
            logs_touched: ReadOnly::new(BTreeSet::new()),
            series_touched: ReadOnly::new(BTreeSet::new()),
            series_names: ReadOnly::new(Vec::new()),
            status: ReadOnly::new(LinkStatus::default()),
            selected_node: ReadOnly::new(None),
            apply_stats: ReadOnly::new(ApplyStats::default()),
            notice: ReadOnly::new(None),
            filter: ReadOnly::new(settings.filter.clone()),
            filter_error: ReadOnly::new(filter_error),
            focus: ReadOnly::new(settings.focus.clone()),
            group_by: ReadOnly::new(settings.group_by.clone()),
            node_sort: ReadOnly::new(settings.node_sort),
            edge_sort: ReadOnly::new(settings.edge_sort),
            lens,
            lens_version: ReadOnly::new(0),
            shown_version: ReadOnly::new(0),
            reveal_request: ReadOnly::new(0),
            embed_ignored: ReadOnly::new(0),
            csp_violations: ReadOnly::new(0),
            topology_draw_millis: Rc::new(Cell::new(0.0)),
            topology_render_millis: Rc::new(Cell::new(0.0)),
            theme: ReadOnly::new(settings.theme),
            settings: ReadOnly::new(settings),
            worker: ReadOnly::new(WorkerHealth::Running),
            apply_samples: Rc::new(RefCell::new(ApplySamples::default())),
            unpublished: Rc::default(),
            waiting: Rc::default(),
            held_back: Rc::default(),
            commands,
        }
    }

    /// The worker's latest status.
    pub fn set_status(&self, status: LinkStatus) {
        self.status.writer().set(status);
    }

    /// What the watchdog concluded about the worker (no-op if unchanged).
    pub fn report_worker(&self, health: WorkerHealth) {
        if self.worker.with_untracked(|current| *current != health) {
            self.worker.writer().set(health);
        }
    }

    /// Selects a node (or none); the worker then sends that node's log only.
    pub fn select_node(&self, node_id: Option<String>) {
        if self.selected_node.with_untracked(|current| *current == node_id) {
            return;
        }
        self.send(Command::WatchLog(node_id.clone()));
        self.selected_node.writer().set(node_id);
    }

    pub fn set_theme(&self, theme: Theme) {
        self.theme.writer().set(theme);
    }

    /// Auto → light → dark → auto.
    pub fn cycle_theme(&self) {
        self.set_theme(match self.theme.get() {
            Theme::Auto => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Auto,
        });
    }

    pub fn show_notice(&self, text: String) {
        self.notice.writer().set(Some(text));
    }

    pub fn dismiss_notice(&self) {
        self.notice.writer().set(None);
    }

    /// An embed message was ignored (counted in diagnostics).
    pub fn count_embed_ignored(&self) {
        self.embed_ignored.writer().update(|n| *n += 1);
    }

    /// The browser reported a long task (see `ApplyStats::note_long_task`).
    pub fn note_long_task(&self, start_millis: f64, duration_millis: f64) {
        self.apply_stats.writer().update(|stats| stats.note_long_task(start_millis, duration_millis));
    }

    /// The page's count of CSP violations so far.
    pub fn record_csp_violations(&self, count: u64) {
        if self.csp_violations.get_untracked() != count {
            self.csp_violations.writer().set(count);
        }
    }

    /// Switches to another project: the worker starts over on it.
    pub fn set_project(&self, project: String) {
        self.settings.writer().update(|settings| settings.link.project = project);
        let link = self.settings.with_untracked(|settings| settings.link.clone());
        self.select_node(None);
        self.send(Command::Configure(link));
    }

    /// A fresh auth token for the next connection.
    pub fn set_token(&self, token: Option<String>) {
        self.send(Command::SetToken(token));
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

    /// Save the history window as a session file (the worker posts it back).
    pub fn save_session(&self) {
        self.send(Command::SaveSession);
    }

    /// Open a session file instead of the link (the worker checks it).
    pub fn open_session(&self, file: Vec<u8>) {
        self.send(Command::OpenSession(file));
    }

    /// Leave a recording: the link as configured, from an empty view.
    pub fn back_to_live_stream(&self) {
        let link = self.settings.with_untracked(|settings| settings.link.clone());
        self.send(Command::Configure(link));
    }

    /// Show the dashboard as it was at `at_millis`, or live again (`None`).
    pub fn rewind(&self, at_millis: Option<i64>) {
        self.send(Command::Rewind(at_millis));
    }

    pub fn clear_events(&self) {
        self.send(Command::ClearEvents);
    }

    /// The page was shown or hidden (hidden pages get no diffs).
    pub fn page_visible(&self, visible: bool) {
        self.send(Command::PageVisible(visible));
    }

    /// The page came back (focus, back-forward cache): check the link now.
    pub fn wake(&self) {
        self.send(Command::Wake);
    }

    fn send(&self, command: Command) {
        (self.commands)(command);
    }
}
