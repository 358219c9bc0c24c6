//! Diagnostics: the worker's counters (rates, errors by kind, orphans,
//! gaps, evictions, reduce time) and the main thread's cost of applying
//! diffs.

use shared::bridge::LinkStatus;
use shared::{Counters, DecodeErrorKind};
use sycamore::prelude::*;

use crate::components::timeline::span_text;
use crate::format::{bytes, clock, compact};
use crate::state::{AppState, ApplyStats};

/// One labelled figure; `bad` marks a figure worth a look.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub label: String,
    pub value: String,
    /// The exact number behind `value` (for tools reading the page).
    pub raw: f64,
    pub bad: bool,
}

fn count(label: &str, n: u64, bad: bool) -> Figure {
    exact(label, n as f64, compact(n as f64), bad)
}

fn exact(label: &str, raw: f64, value: String, bad: bool) -> Figure {
    Figure { label: label.to_owned(), value, raw, bad }
}

/// What the page itself counted (not the worker).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PageCounts {
    pub embed_ignored: u64,
    pub csp_violations: u64,
    pub topology_draw_millis: f64,
    pub topology_render_millis: f64,
}

pub fn figures(status: &LinkStatus, counters: &Counters, apply: &ApplyStats, page: PageCounts) -> Vec<Figure> {
    // Before a rate window has closed on this connection: no figure.
    let rate = |label: &str, value: Option<f64>, show: &dyn Fn(f64) -> String| match value {
        Some(value) => exact(label, value, show(value), false),
        None => exact(label, f64::NAN, "—".to_owned(), false),
    };
    let rates = status.rates;
    let mut out = vec![
        rate("Messages/s", rates.map(|r| r.messages_per_sec), &compact),
        rate("Bytes/s", rates.map(|r| r.bytes_per_sec), &bytes),
        rate("Worker reduce ms/s", rates.map(|r| r.reduce_millis_per_sec), &|v| format!("{v:.1}")),
    ];
    out.extend(apply_figures(apply));
    out.extend([
        exact("Topology draw", page.topology_draw_millis, format!("{:.1} ms", page.topology_draw_millis), false),
        exact(
            "Topology rendering",
            page.topology_render_millis,
            format!("{:.1} ms", page.topology_render_millis),
            false,
        ),
        exact("Diffs applied", apply.diffs as f64, compact(apply.diffs as f64), false),
        exact("Messages", counters.messages() as f64, compact(counters.messages() as f64), false),
        exact("Frames", counters.frames as f64, compact(counters.frames as f64), false),
        exact("Worker memory", status.worker_memory_bytes as f64, bytes(status.worker_memory_bytes as f64), false),
        exact(
            "First nodes at",
            apply.first_nodes_at_millis.unwrap_or(f64::NAN),
            apply.first_nodes_at_millis.map_or_else(|| "–".to_owned(), |ms| format!("{ms:.0} ms")),
            false,
        ),
    ]);
    for kind in DecodeErrorKind::ALL {
        let errors = counters.errors_of(kind);
        out.push(count(&capitalized(kind.label()), errors, errors > 0));
    }
    out.extend(history_figures(status));
    out.extend(stream_figures(counters));
    out.extend([
        count("Pending graph changes", apply.pending_graph_changes, false),
        // Diffs the oldest of them has missed: how stale the graph shown is.
        exact("Graph lag", f64::from(apply.graph_lag_diffs), diffs_text(f64::from(apply.graph_lag_diffs)), false),
        exact("Graph lag p99", apply.graph_lag_p99_diffs, diffs_text(apply.graph_lag_p99_diffs), false),
        // The worker sizes diffs to this page's pace (`DiffBudget`).
        count("Graph changes per diff", u64::from(status.diff_graph_budget), false),
        count("Re-checks waiting", apply.rechecks_waiting, false),
        count("Reconnects", status.reconnects, false),
        count("Quiet periods", status.quiet_periods, false),
        count("Queued to send", u64::from(status.queued_outgoing), status.queued_outgoing > 0),
        count("Embed messages ignored", page.embed_ignored, page.embed_ignored > 0),
        count("CSP violations", page.csp_violations, page.csp_violations > 0),
    ]);
    out
}

/// What applying diffs costs the page: both tasks, the re-checks, the
/// long tasks and the snapshot's fill.
fn apply_figures(apply: &ApplyStats) -> Vec<Figure> {
    vec![
        exact("Diff apply p50", apply.p50_millis, format!("{:.2} ms", apply.p50_millis), false),
        exact("Diff apply p99", apply.p99_millis, format!("{:.2} ms", apply.p99_millis), apply.p99_millis > 8.0),
        exact("Diff data p50", apply.data_p50_millis, format!("{:.2} ms", apply.data_p50_millis), false),
        exact("Diff data p99", apply.data_p99_millis, format!("{:.2} ms", apply.data_p99_millis), false),
        exact(
            "Diff task p99",
            apply.task_p99_millis,
            format!("{:.2} ms", apply.task_p99_millis),
            apply.task_p99_millis > 8.0,
        ),
        exact(
            "Re-check step p99",
            apply.recheck_p99_millis,
            format!("{:.2} ms", apply.recheck_p99_millis),
            apply.recheck_p99_millis > 8.0,
        ),
        count("Long tasks", apply.long_tasks, apply.long_tasks > 0),
        count("Snapshot fill steps", apply.fill_diffs, false),
        exact("Longest fill step", apply.fill_longest_millis, format!("{:.0} ms", apply.fill_longest_millis), false),
        exact("Snapshot fill time", apply.fill_total_millis, format!("{:.0} ms", apply.fill_total_millis), false),
        exact("Longest task", apply.longest_task_millis, format!("{:.0} ms", apply.longest_task_millis), false),
    ]
}

fn diffs_text(diffs: f64) -> String {
    if diffs == 1.0 {
        "1 diff".to_owned()
    } else {
        format!("{diffs:.0} diffs")
    }
}

/// The time-travel history: what it keeps against its budget.
fn history_figures(status: &LinkStatus) -> Vec<Figure> {
    let history = &status.history;
    let kept_millis = history.start_millis.zip(history.end_millis).map_or(0, |(start, end)| end - start);
    let budget = history.budget.unwrap_or_default();
    vec![
        exact("History kept", kept_millis as f64, span_text(kept_millis), false),
        exact("History memory", history.bytes as f64, bytes(history.bytes as f64), false),
        exact(
            "History budget",
            budget.max_bytes as f64,
            format!("{} or {}", span_text(budget.max_age_millis as i64), bytes(budget.max_bytes as f64)),
            false,
        ),
        count("History checkpoints", u64::from(history.checkpoints), false),
        count("Checkpoints let go", history.checkpoints_dropped, false),
        exact(
            "History recording",
            f64::from(u8::from(history.paused_since_millis.is_some())),
            match history.paused_since_millis {
                Some(since) => format!("paused since {}: stream too fast for the budget", clock(since)),
                None => "on".to_owned(),
            },
            history.paused_since_millis.is_some(),
        ),
        exact(
            "History over budget",
            f64::from(u8::from(history.state_over_budget)),
            if history.state_over_budget { "state too large" } else { "no" }.to_owned(),
            history.state_over_budget,
        ),
    ]
}

/// Every counter of the stream and the reducer besides messages, frames
/// and decode errors: what was repaired, dropped, cut or evicted, each on
/// its own line.
fn stream_figures(counters: &Counters) -> Vec<Figure> {
    vec![
        count("Orphan status", counters.orphan_node_status, false),
        count("Orphan stats", counters.orphan_edge_stats, false),
        exact(
            "Seq gaps",
            counters.seq_gaps as f64,
            format!("{} ({} missing)", counters.seq_gaps, counters.seq_missing),
            counters.seq_gaps > 0,
        ),
        count("Seq missing", counters.seq_missing, counters.seq_missing > 0),
        count("Seq resets", counters.seq_resets, false),
        count("Invalid seq", counters.invalid_seq, counters.invalid_seq > 0),
        count("Invalid pos", counters.invalid_pos, counters.invalid_pos > 0),
        count("Ts fallbacks", counters.ts_fallbacks, false),
        count("Repaired strings", counters.repaired_surrogates, counters.repaired_surrogates > 0),
        count("Resumes", counters.resumes, false),
        count("Resumed messages", counters.resumed_messages, false),
        count("Evicted events", counters.evicted_events, false),
        count("Skipped events", counters.skipped_events, false),
        count("Event messages cut", counters.event_messages_cut, counters.event_messages_cut > 0),
        count("Evicted log lines", counters.evicted_log_lines, false),
        count("Log lines cut", counters.log_lines_cut, counters.log_lines_cut > 0),
        count("Dropped log tails", counters.dropped_log_partials, counters.dropped_log_partials > 0),
        count("Dropped log chunks", counters.dropped_log_chunks, counters.dropped_log_chunks > 0),
        count("Evicted points", counters.evicted_points, false),
        count("Dropped points", counters.dropped_series_points, counters.dropped_series_points > 0),
        count("Dropped edge stats", counters.dropped_edge_stats, counters.dropped_edge_stats > 0),
        count("Bytes received", counters.bytes, false),
    ]
}

/// An error kind's label (ASCII, this crate's own words) with a capital:
/// ASCII only, which keeps Unicode's upper-case tables (~5 KB gzip) out of
/// the wasm.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| std::iter::once(first.to_ascii_uppercase()).chain(chars).collect()).unwrap_or_default()
}

#[component]
pub fn DiagnosticsPanel() -> View {
    let state = use_context::<AppState>();
    let view_cell = state.view.clone();
    let status = state.status;
    let apply = state.apply_stats;
    let (embed_ignored, csp_violations) = (state.embed_ignored, state.csp_violations);
    let (draw_millis, render_millis) = (state.topology_draw_millis.clone(), state.topology_render_millis.clone());
    // Refreshed with each status (once a second), not with every diff:
    // people read these figures, they do not watch them flicker.
    let items = create_memo(move || {
        let counters = view_cell.borrow().counters.clone();
        let page = PageCounts {
            embed_ignored: embed_ignored.get(),
            csp_violations: csp_violations.get(),
            topology_draw_millis: draw_millis.get(),
            topology_render_millis: render_millis.get(),
        };
        status.with(|status| apply.with_untracked(|apply| figures(status, &counters, apply, page)))
    });
    let view_cell = state.view.clone();
    let last_error = move || {
        status.track();
        view_cell.borrow().counters.last_error.clone().map(|e| format!("Last error: {e}")).unwrap_or_default()
    };
    let url = move || status.with(|s| format!("{} · {}", s.url, s.reason));
    view! {
        section(class="panel panel-diagnostics", aria-labelledby="diag-title") {
            header(class="panel-head") {
                h2(id="diag-title") { "Diagnostics" }
                span(class="muted id", data-testid="link-url") { (url) }
            }
            dl(class="diag", data-testid="diagnostics") {
                Indexed(
                    list=items,
                    view=|f: Figure| {
                        let class = if f.bad { "bad" } else { "" };
                        let key = f.label.to_lowercase().replace(' ', "-");
                        let raw = f.raw.to_string();
                        view! { div(class=class, data-figure=key) { dt { (f.label) } dd(data-value=raw) { (f.value) } } }
                    },
                )
            }
            p(class="last-error") { (last_error) }
        }
    }
}
