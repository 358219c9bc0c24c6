//! The event list: newest first, coloured by severity, filterable by
//! severity, text and node, virtualized over the 2000 kept. New events
//! appear at the top without moving what the reader is looking at.

use std::ops::Range;

use shared::{Event, Severity, View as MeshView};
use sycamore::prelude::*;

use crate::components::scroll_frame::{list_model, window_items, ListModel, ScrollFrame};
use crate::format::clock;
use crate::state::AppState;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventQuery {
    /// Lowest severity shown.
    pub min_severity: Option<Severity>,
    /// Matched against the message and the node id.
    pub text: String,
}

impl EventQuery {
    fn is_all(&self) -> bool {
        self.text.is_empty() && self.min_severity.is_none_or(|s| s == Severity::Debug)
    }

    fn matches(&self, event: &Event) -> bool {
        let text = self.text.to_lowercase();
        self.min_severity.is_none_or(|min| event.severity >= min)
            && (text.is_empty()
                || event.message.to_lowercase().contains(&text)
                || event.node_id.as_deref().is_some_and(|id| id.to_lowercase().contains(&text)))
    }
}

/// Positions (into `view.events`, oldest first) to show newest first, or
/// `None` when every event is shown.
pub fn query_events(view: &MeshView, query: &EventQuery) -> Option<Vec<usize>> {
    if query.is_all() {
        return None;
    }
    Some(view.events.iter().enumerate().rev().filter(|(_, event)| query.matches(event)).map(|(at, _)| at).collect())
}

#[derive(Debug, Clone, PartialEq)]
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

#[component]
pub fn EventsPanel() -> View {
    let state = use_context::<AppState>();
    let text = create_signal(String::new());
    let severity = create_signal(String::from("debug"));
    let query = create_memo(move || EventQuery {
        min_severity: Some(Severity::from_wire(&severity.get_clone())),
        text: text.get_clone(),
    });
    let (for_order, for_len, for_rows) = (state.view.clone(), state.view.clone(), state.view.clone());
    let ListModel { total, window, rows } = list_model(
        state.events_version,
        move || query.with(|query| query_events(&for_order.borrow(), query)),
        move || for_len.borrow().events.len(),
        move |order, range| event_rows(&for_rows.borrow(), order, range),
    );
    let clear_state = state.clone();
    let handle_clear = move |_| clear_state.clear_events();
    view! {
        section(class="panel panel-events", aria-labelledby="events-title") {
            header(class="panel-head") {
                h2(id="events-title") { "Events " span(class="count", data-testid="event-count") { (total.get()) } }
                div(class="controls") {
                    input(r#type="search", placeholder="Filter text or node", aria-label="Filter events", bind:value=text)
                    select(aria-label="Lowest severity", bind:value=severity) {
                        option(value="debug") { "All severities" } option(value="info") { "Info and up" }
                        option(value="warn") { "Warn and up" } option(value="error") { "Errors only" }
                    }
                    button(class="btn btn-small", on:click=handle_clear, title="Empty the event list") { "Clear" }
                }
            }
            ScrollFrame(total_rows=total, window=window, label="Events", rows_added_on_top=*state.events_added) {
                Indexed(
                    list=rows,
                    view=|row: EventRow| {
                        let EventRow { time, severity, message, node_id, local } = row;
                        let class = if local { "row events-grid local-event" } else { "row events-grid" };
                        let severity_class = format!("sev sev-{severity}");
                        let title = match &node_id { Some(id) => format!("{message} (node {id})"), None => message.clone() };
                        view! {
                            div(class=class, title=title) {
                                span(class="ts") { (time) }
                                span(class=severity_class) { (severity) }
                                span(class="msg") { (message) }
                            }
                        }
                    },
                )
            }
        }
    }
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

    fn messages(view: &MeshView, query: EventQuery, window: Range<usize>) -> Vec<String> {
        let order = query_events(view, &query);
        event_rows(view, order.as_deref(), window).into_iter().map(|row| row.message).collect()
    }

    #[test]
    fn newest_first_filtered_and_windowed() {
        let view = view_of(&[
            (Severity::Info, "deployed", Some("n1")),
            (Severity::Error, "failed", Some("n2")),
            (Severity::Debug, "health", None),
            (Severity::Warn, "slow", Some("n1")),
        ]);
        assert_eq!(messages(&view, EventQuery::default(), 0..10), ["slow", "health", "failed", "deployed"]);
        assert_eq!(messages(&view, EventQuery::default(), 1..3), ["health", "failed"]);
        let warn = EventQuery { min_severity: Some(Severity::Warn), ..EventQuery::default() };
        assert_eq!(messages(&view, warn, 0..10), ["slow", "failed"]);
        let node = EventQuery { text: "N1".into(), ..EventQuery::default() };
        assert_eq!(messages(&view, node, 0..10), ["slow", "deployed"]);
    }
}
