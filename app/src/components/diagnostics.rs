//! Diagnostics: the worker's counters (rates, errors by kind, orphans,
//! gaps, evictions, reduce time) and the main thread's cost of applying
//! diffs.

use shared::bridge::LinkStatus;
use shared::{Counters, DecodeErrorKind};
use sycamore::prelude::*;

use crate::format::{bytes, compact};
use crate::state::{AppState, ApplyStats};

/// One labelled figure; `bad` marks a figure worth a look.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub label: String,
    pub value: String,
    pub bad: bool,
}

fn figure(label: &str, value: String, bad: bool) -> Figure {
    Figure { label: label.to_owned(), value, bad }
}

/// What the page itself counted (not the worker).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PageCounts {
    pub embed_ignored: u64,
    pub csp_violations: u64,
}

pub fn figures(status: &LinkStatus, counters: &Counters, apply: &ApplyStats, page: PageCounts) -> Vec<Figure> {
    let mut out = vec![
        figure("Messages/s", compact(status.messages_per_sec), false),
        figure("Bytes/s", bytes(status.bytes_per_sec), false),
        figure("Worker reduce ms/s", format!("{:.1}", status.reduce_millis_per_sec), false),
        figure("Diff apply p50", format!("{:.2} ms", apply.p50_millis), false),
        figure("Diff apply p99", format!("{:.2} ms", apply.p99_millis), apply.p99_millis > 8.0),
        figure("Diffs applied", compact(apply.diffs as f64), false),
        figure("Messages", compact(counters.messages() as f64), false),
        figure("Frames", compact(counters.frames as f64), false),
    ];
    for kind in DecodeErrorKind::ALL {
        let count = counters.errors_of(kind);
        out.push(figure(&capitalized(kind.label()), compact(count as f64), count > 0));
    }
    out.extend([
        figure("Orphan status", compact(counters.orphan_node_status as f64), false),
        figure("Orphan stats", compact(counters.orphan_edge_stats as f64), false),
        figure("Seq gaps", format!("{} ({} missing)", counters.seq_gaps, counters.seq_missing), counters.seq_gaps > 0),
        figure("Seq resets", compact(counters.seq_resets as f64), false),
        figure("Evicted events", compact(counters.evicted_events as f64), false),
        figure("Evicted log lines", compact(counters.evicted_log_lines as f64), false),
        figure("Evicted points", compact(counters.evicted_points as f64), false),
        figure("Lines cut", compact(counters.log_lines_cut as f64), false),
        figure(
            "Dropped (bounds)",
            compact((counters.dropped_series_points + counters.dropped_log_chunks) as f64),
            false,
        ),
        figure("Reconnects", compact(status.reconnects as f64), false),
        figure("Quiet periods", compact(status.quiet_periods as f64), false),
        figure("Queued to send", compact(f64::from(status.queued_outgoing)), status.queued_outgoing > 0),
        figure("Embed messages ignored", compact(page.embed_ignored as f64), page.embed_ignored > 0),
        figure("CSP violations", compact(page.csp_violations as f64), page.csp_violations > 0),
    ]);
    out
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[component]
pub fn DiagnosticsPanel() -> View {
    let state = use_context::<AppState>();
    let view_cell = state.view.clone();
    let status = state.status;
    let apply = state.apply_stats;
    let (embed_ignored, csp_violations) = (state.embed_ignored, state.csp_violations);
    let items = create_memo(move || {
        let counters = view_cell.borrow().counters.clone();
        let page = PageCounts { embed_ignored: embed_ignored.get(), csp_violations: csp_violations.get() };
        status.with(|status| apply.with(|apply| figures(status, &counters, apply, page)))
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
                span(class="muted id", data-testid="link-url") { (url()) }
            }
            dl(class="diag", data-testid="diagnostics") {
                Indexed(
                    list=items,
                    view=|f: Figure| {
                        let class = if f.bad { "bad" } else { "" };
                        let key = f.label.to_lowercase().replace(' ', "-");
                        view! { div(class=class, data-figure=key) { dt { (f.label) } dd { (f.value) } } }
                    },
                )
            }
            p(class="last-error") { (last_error()) }
        }
    }
}
