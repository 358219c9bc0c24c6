//! The event list: newest first, coloured by severity, filtered by
//! severity and by node (the events of the nodes the one filter and the
//! focus show), virtualized over the 2000 kept. New events appear at the
//! top without moving what the reader is looking at; a click on an event
//! selects its node.

use std::ops::Range;

use shared::{Event, Severity, View as MeshView};
use sycamore::prelude::*;

use crate::components::scroll_frame::{list_model, window_items, ListModel, ScrollFrame};
use crate::components::slots::{field, slots};
use crate::format::clock;
use crate::lens::Lens;
use crate::state::AppState;

/// Whether an event shows: severe enough, and (while the filter or a
/// focus narrows the nodes) about a node shown. The dashboard's own events
/// (connection lost, ...) always show; mesh events about no node only
/// when nothing is narrowed.
fn shows(event: &Event, min_severity: Severity, lens: &Lens) -> bool {
    event.severity >= min_severity
        && (event.local || !lens.is_narrowed() || event.node_id.as_deref().is_some_and(|id| lens.shows_node(id)))
}

/// Positions (into `view.events`, oldest first) to show newest first, or
/// `None` when every event is shown. Costs the 2000 events at most, and
/// runs only when events came or the shown nodes changed.
pub fn query_events(view: &MeshView, min_severity: Severity, lens: &Lens) -> Option<Vec<usize>> {
    if min_severity == Severity::Debug && !lens.is_narrowed() {
        return None;
    }
    let shown = view.events.iter().enumerate().rev().filter(|(_, event)| shows(event, min_severity, lens));
    Some(shown.map(|(at, _)| at).collect())
}

/// How many of the `newest` events (the ones a diff just added) show: the
/// rows the list gained on top, which the reader's place moves down by.
pub fn shown_among_newest(view: &MeshView, newest: usize, min_severity: Severity, lens: &Lens) -> u64 {
    view.events.iter().rev().take(newest).filter(|event| shows(event, min_severity, lens)).count() as u64
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventRow {
    pub time: String,
    pub severity: &'static str,
    pub message: String,
    pub node_id: Option<String>,
    pub local: bool,
}

pub fn event_rows(view: &MeshView, order: Option<&[usize]>, window: Range<usize>) -> Vec<EventRow> {
    let row = |event: &Event| EventRow {
        time: clock(event.ts_millis),
        severity: event.severity.as_wire(),
        message: event.message.clone(),
        node_id: event.node_id.clone(),
        local: event.local,
    };
    window_items(view.events.iter().rev(), order, |at| view.events.get(*at), window).into_iter().map(row).collect()
}

/// One slot of the list; with a node, a click (or Enter) selects it (one
/// listener on the list serves every row).
fn event_row_view(row: ReadSignal<EventRow>) -> View {
    let class = move || if row.with(|r| r.local) { "row events-grid local-event" } else { "row events-grid" };
    let severity_class = move || row.with(|r| format!("sev sev-{}", r.severity));
    let title = move || {
        row.with(|r| match &r.node_id {
            Some(node_id) => format!("{} (node {node_id}; select it)", r.message),
            None => r.message.clone(),
        })
    };
    let with_node = move |value: &'static str| move || row.with(|r| r.node_id.as_ref().map(|_| value));
    let node_attr = move || row.with(|r| r.node_id.clone());
    view! {
        div(class=class, title=title, role=with_node("button"), tabindex=with_node("0"), data-event-node=node_attr) {
            span(class="ts") { (field(row, |r| r.time.clone())) }
            span(class=severity_class) { (field(row, |r| r.severity.to_owned())) }
            span(class="msg") { (field(row, |r| r.message.clone())) }
        }
    }
}

/// The node of the event row an event happened in, if any.
fn event_node_of(event: &web_sys::Event) -> Option<String> {
    use wasm_bindgen::JsCast;
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    target.closest("[data-event-node]").ok().flatten()?.get_attribute("data-event-node")
}

#[component]
pub fn EventsPanel() -> View {
    let state = use_context::<AppState>();
    let severity = create_signal(String::from("debug"));
    let min_severity = create_memo(move || Severity::from_wire(&severity.get_clone()));
    let (for_order, for_len, for_rows, lens) =
        (state.view.clone(), state.view.clone(), state.view.clone(), state.lens.clone());
    let shown_version = state.shown_version;
    let ListModel { total, window, rows, on_screen } = list_model(
        state.events_version,
        move || {
            shown_version.track();
            query_events(&for_order.borrow(), min_severity.get(), &lens.borrow())
        },
        move || for_len.borrow().events.len(),
        move |order, range| event_rows(&for_rows.borrow(), order, range),
    );
    let rows_added_on_top = shown_rows_added(&state, min_severity);
    let clear_state = state.clone();
    let handle_clear = move |_| clear_state.clear_events();
    let (click_state, key_state) = (state.clone(), state.clone());
    let handle_click = move |event: web_sys::MouseEvent| {
        if let Some(node_id) = event_node_of(&event) {
            click_state.select_node(Some(node_id));
        }
    };
    let handle_key = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Enter" {
            if let Some(node_id) = event_node_of(&event) {
                key_state.select_node(Some(node_id));
            }
        }
    };
    view! {
        section(class="panel panel-events", aria-labelledby="events-title") {
            header(class="panel-head") {
                h2(id="events-title") { "Events " span(class="count", data-testid="event-count") { (move || total.get().to_string()) } }
                div(class="controls") {
                    select(aria-label="Lowest severity", bind:value=severity) {
                        option(value="debug") { "All severities" } option(value="info") { "Info and up" }
                        option(value="warn") { "Warn and up" } option(value="error") { "Errors only" }
                    }
                    button(class="btn btn-small", on:click=handle_clear, title="Empty the event list") { "Clear" }
                }
            }
            div(class="events-list", on:click=handle_click, on:keydown=handle_key) {
                ScrollFrame(total_rows=total, window=window, on_screen=on_screen, label="Events", rows_added_on_top=*rows_added_on_top) {
                    (slots(rows, event_row_view))
                }
            }
        }
    }
}

/// Grows by the rows each diff adds on top of the list as filtered (the
/// events it brought that show), not by every event it brought: under
/// "Errors only" a diff of 30 events may add 3 rows.
fn shown_rows_added(state: &AppState, min_severity: ReadSignal<Severity>) -> Signal<u64> {
    let (events_added, view, lens) = (state.events_added, state.view.clone(), state.lens.clone());
    let (shown, seen) = (create_signal(0u64), create_signal(events_added.get_untracked()));
    create_effect(move || {
        let now = events_added.get();
        let added = now.saturating_sub(seen.get_untracked());
        seen.set(now);
        if added > 0 {
            let count =
                shown_among_newest(&view.borrow(), added as usize, min_severity.get_untracked(), &lens.borrow());
            shown.update(|rows| *rows += count);
        }
    });
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_of(events: &[(Severity, &str, Option<&str>)]) -> MeshView {
        let mut view = MeshView::default();
        for (i, (severity, message, node_id)) in events.iter().enumerate() {
            view.events.push_back(Event {
                ts_millis: i as i64 * 1000,
                severity: *severity,
                message: (*message).into(),
                node_id: node_id.map(str::to_owned),
                local: false,
            });
        }
        view
    }

    fn messages(view: &MeshView, min_severity: Severity, query: &str, window: Range<usize>) -> Vec<String> {
        let mut lens = Lens::default();
        lens.set_query(crate::filter::parse(query).expect("a query"), view);
        lens.rebuild(view);
        let order = query_events(view, min_severity, &lens);
        event_rows(view, order.as_deref(), window).into_iter().map(|row| row.message).collect()
    }

    #[test]
    fn newest_first_filtered_by_severity_and_node_and_windowed() {
        let mut view = view_of(&[
            (Severity::Info, "deployed", Some("n1")),
            (Severity::Error, "failed", Some("n2")),
            (Severity::Debug, "health", None),
            (Severity::Warn, "slow", Some("n1")),
        ]);
        for (id, kind) in [("n1", "api"), ("n2", "db")] {
            let node = shared::MeshNode {
                id: id.into(),
                kind: kind.into(),
                label: id.into(),
                status: shared::Status::Ok,
                meta: vec![],
            };
            view.nodes.insert(id.into(), node);
        }
        view.events.push_back(Event {
            ts_millis: 9,
            severity: Severity::Warn,
            message: "connection lost".into(),
            node_id: None,
            local: true,
        });
        let all = ["connection lost", "slow", "health", "failed", "deployed"];
        assert_eq!(messages(&view, Severity::Debug, "", 0..10), all);
        assert_eq!(messages(&view, Severity::Debug, "", 2..4), ["health", "failed"]);
        assert_eq!(messages(&view, Severity::Warn, "", 0..10), ["connection lost", "slow", "failed"]);
        // By node: n1's events, and the dashboard's own; not the node-less mesh event.
        assert_eq!(messages(&view, Severity::Debug, "kind:api", 0..10), ["connection lost", "slow", "deployed"]);
        assert_eq!(messages(&view, Severity::Error, "kind:api", 0..10), Vec::<String>::new());
        // The rows the newest events add on top, as filtered.
        let lens = Lens::default();
        let added = |newest: usize, min: Severity| shown_among_newest(&view, newest, min, &lens);
        assert_eq!([added(0, Severity::Debug), added(2, Severity::Debug), added(9, Severity::Debug)], [0, 2, 5]);
        assert_eq!([added(3, Severity::Warn), added(5, Severity::Error), added(2, Severity::Error)], [2, 1, 0]);
    }
}
