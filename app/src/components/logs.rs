//! The log of the selected node: monospace, virtualized over the 1000 lines
//! kept, following the tail until the reader scrolls up and again once they
//! are back at the bottom. Logs are filtered by node, as events are: the
//! log of a node the filter or focus hides is held back (one click shows it).

use std::ops::Range;

use shared::view::LogView;
use sycamore::prelude::*;

use crate::components::on_screen::rows_while_on_screen;
use crate::components::scroll_frame::ScrollFrame;
use crate::components::slots::{field, slots};
use crate::state::AppState;

/// The lines of a window; the unfinished last line counts as a row.
pub fn log_rows(log: &LogView, window: Range<usize>) -> Vec<String> {
    let partial = (!log.partial.is_empty()).then_some(&log.partial);
    log.lines.iter().chain(partial).skip(window.start).take(window.len()).cloned().collect()
}

pub fn log_row_count(log: &LogView) -> usize {
    log.lines.len() + usize::from(!log.partial.is_empty())
}

#[component]
pub fn LogsPanel() -> View {
    let state = use_context::<AppState>();
    let selected = state.selected_node;
    let follow = create_signal(true);
    let log_version = log_version(&state);
    let (held, show_anyway) = held_back(&state);
    let view_cell = state.view.clone();
    let total = create_memo(move || {
        log_version.track();
        if held.get() {
            return 0;
        }
        selected.with(|id| id.as_ref().and_then(|id| view_cell.borrow().logs.get(id).map(log_row_count)).unwrap_or(0))
    });
    let (window, on_screen) = (create_signal(0..0), create_signal(true));
    let view_cell = state.view.clone();
    let rows = rows_while_on_screen(*on_screen, move || {
        log_version.track();
        let range = window.get_clone();
        if held.get() {
            return Vec::new();
        }
        selected.with(|id| {
            id.as_ref()
                .and_then(|id| view_cell.borrow().logs.get(id).map(|log| log_rows(log, range)))
                .unwrap_or_default()
        })
    });
    let view_cell = state.view.clone();
    let title = move || {
        selected.with(|id| match id {
            None => "none selected".to_owned(),
            Some(id) => view_cell.borrow().nodes.get(id).map_or_else(|| id.clone(), |node| node.label.clone()),
        })
    };
    view! {
        section(class="panel panel-logs", aria-labelledby="logs-title") {
            header(class="panel-head") {
                h2(id="logs-title") { "Logs " span(class="count") { (title) } }
                label(class="follow") {
                    input(r#type="checkbox", bind:checked=follow)
                    "Follow"
                }
            }
            (if selected.with(Option::is_none) {
                view! { p(class="empty") { "Select a node to see its log." } }
            } else if held.get() {
                let show_anyway = show_anyway.clone();
                let handle_show = move |_| show_anyway();
                view! {
                    p(class="empty", data-testid="log-hidden") {
                        "This node is outside the filter or focus. "
                        button(class="btn btn-small", on:click=handle_show) { "Show its log" }
                    }
                }
            } else if total.get() == 0 {
                view! { p(class="empty") { "No log lines for this node yet." } }
            } else {
                view! {}
            })
            div(class="logs", data-testid="logs") {
                ScrollFrame(total_rows=total, window=window, on_screen=on_screen, label="Log lines", follow=follow, rows_removed_on_top=*state.log_lines_dropped) {
                    (slots(rows, |line: ReadSignal<String>| view! { div(class="row") { (field(line, String::clone)) } }))
                }
            }
        }
    }
}

/// Bumped when the selected node's log changed (which node's log changed
/// matters only for the node on screen).
fn log_version(state: &AppState) -> Signal<u64> {
    let (selected, logs_touched) = (state.selected_node, state.logs_touched);
    let version = create_signal(0u64);
    create_effect(move || {
        let touched = logs_touched.with(|ids| selected.with(|id| id.as_ref().is_some_and(|id| ids.contains(id))));
        if touched {
            version.update(|v| *v += 1);
        }
    });
    version
}

/// Whether the selected node's log is held back (the lens hides the node
/// and the reader has not asked to see it), and how they ask.
fn held_back(state: &AppState) -> (ReadSignal<bool>, impl Fn() + Clone) {
    let asked_for = create_signal(None::<String>);
    let (selected, shown_version, lens) = (state.selected_node, state.shown_version, state.lens.clone());
    let held = create_memo(move || {
        shown_version.track();
        let lens = lens.borrow();
        selected.with(|id| {
            id.as_deref().is_some_and(|id| {
                lens.is_narrowed() && !lens.shows_node(id) && asked_for.with(|asked| asked.as_deref() != Some(id))
            })
        })
    });
    (held, move || asked_for.set(selected.get_clone_untracked()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_line_is_the_last_row() {
        let log = LogView { lines: ["a", "b"].map(String::from).into(), partial: "c".into() };
        assert_eq!(log_row_count(&log), 3);
        assert_eq!(log_rows(&log, 1..5), ["b", "c"]);
        let whole = LogView { lines: ["a"].map(String::from).into(), partial: String::new() };
        assert_eq!(log_rows(&whole, 0..5), ["a"]);
    }
}
