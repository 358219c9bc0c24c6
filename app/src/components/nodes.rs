//! The nodes table: filter by text, status and kind, sort by a column,
//! virtualized so 100,000 rows scroll as smoothly as 10. In natural (id)
//! order with no filter, a refresh costs the rows in view, not the table.

use std::ops::Range;

use shared::{MeshNode, View as MeshView};
use sycamore::prelude::*;

use crate::components::scroll_frame::{list_model, window_items, ListModel, ScrollFrame};
use crate::format::status_class;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeSort {
    Id,
    Label,
    Kind,
    Status,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeQuery {
    pub text: String,
    /// Wire name of a status, or empty for all.
    pub status: String,
    pub kind: String,
    pub sort: Option<NodeSort>,
}

impl NodeQuery {
    fn is_natural(&self) -> bool {
        self.text.is_empty()
            && self.status.is_empty()
            && self.kind.is_empty()
            && matches!(self.sort, None | Some(NodeSort::Id))
    }

    fn matches(&self, node: &MeshNode) -> bool {
        let text = self.text.to_lowercase();
        (text.is_empty() || node.id.to_lowercase().contains(&text) || node.label.to_lowercase().contains(&text))
            && (self.status.is_empty() || node.status.as_wire() == self.status)
            && (self.kind.is_empty() || node.kind == self.kind)
    }
}

/// The ids to show in order, or `None` for the view's natural id order.
pub fn query_nodes(view: &MeshView, query: &NodeQuery) -> Option<Vec<String>> {
    if query.is_natural() {
        return None;
    }
    let mut nodes: Vec<&MeshNode> = view.nodes.values().filter(|node| query.matches(node)).collect();
    match query.sort {
        Some(NodeSort::Label) => nodes.sort_by(|a, b| a.label.cmp(&b.label)),
        Some(NodeSort::Kind) => nodes.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.id.cmp(&b.id))),
        Some(NodeSort::Status) => {
            nodes.sort_by(|a, b| a.status.as_wire().cmp(b.status.as_wire()).then_with(|| a.id.cmp(&b.id)))
        }
        Some(NodeSort::Id) | None => {}
    }
    Some(nodes.into_iter().map(|node| node.id.clone()).collect())
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeRow {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub status: String,
    pub status_class: &'static str,
    pub selected: bool,
}

/// The rows of a window, from the natural order or a query's order.
pub fn node_rows(
    view: &MeshView,
    order: Option<&[String]>,
    window: Range<usize>,
    selected: Option<&str>,
) -> Vec<NodeRow> {
    let row = |node: &MeshNode| NodeRow {
        id: node.id.clone(),
        label: node.label.clone(),
        kind: node.kind.clone(),
        status: node.status.as_wire().to_owned(),
        status_class: status_class(&node.status),
        selected: selected == Some(node.id.as_str()),
    };
    window_items(view.nodes.values(), order, |id| view.nodes.get(id), window).into_iter().map(row).collect()
}

/// The filter input's text: a local copy kept in step with the state's
/// filter (which the portal may also set), written back only through
/// `set_filter`.
fn filter_text(state: &AppState) -> Signal<String> {
    let shared_filter = state.node_filter;
    let text = create_signal(shared_filter.get_clone_untracked());
    create_effect(move || {
        let from_state = shared_filter.get_clone();
        if text.with_untracked(|typed| *typed != from_state) {
            text.set(from_state);
        }
    });
    let filter_state = state.clone();
    create_effect(move || filter_state.set_filter(text.get_clone()));
    text
}

/// The table's query, kept in step with the filter, status and sort controls.
fn node_query(text: Signal<String>, status: Signal<String>, sort_choice: Signal<String>) -> Signal<NodeQuery> {
    let query = create_signal(NodeQuery::default());
    create_effect(move || {
        let sort = match sort_choice.get_clone().as_str() {
            "label" => NodeSort::Label,
            "kind" => NodeSort::Kind,
            "status" => NodeSort::Status,
            _ => NodeSort::Id,
        };
        query.set(NodeQuery {
            text: text.get_clone(),
            status: status.get_clone(),
            kind: String::new(),
            sort: Some(sort),
        });
    });
    query
}

/// One row of the table: selects its node on click, Enter or Space.
fn node_row_view(app: AppState, row: NodeRow) -> View {
    let NodeRow { id, label, kind, status, status_class, selected } = row;
    let class = if selected { "row nodes-grid selected" } else { "row nodes-grid" };
    let dot_class = format!("dot {status_class}");
    let status_class = format!("status-text {status_class}");
    let (id_attr, id_text) = (id.clone(), id.clone());
    let key_app = app.clone();
    let key_id = id.clone();
    let handle_select = move |_| app.select_node(Some(id.clone()));
    let handle_key = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Enter" || event.key() == " " {
            event.prevent_default();
            key_app.select_node(Some(key_id.clone()));
        }
    };
    view! {
        div(class=class, role="button", tabindex="0", data-node-id=id_attr, on:click=handle_select,
            on:keydown=handle_key) {
            span(class="cell-main") {
                i(class=dot_class)
                span(class="label") { (label) }
                span(class="muted id") { (id_text) }
            }
            span(class="muted") { (kind) }
            span(class=status_class) { (status) }
        }
    }
}

#[component]
pub fn NodesPanel() -> View {
    let state = use_context::<AppState>();
    let text = filter_text(&state);
    let status_filter = create_signal(String::new());
    let sort_choice = create_signal(String::from("id"));
    let query = node_query(text, status_filter, sort_choice);
    let (for_order, for_len, for_rows) = (state.view.clone(), state.view.clone(), state.view.clone());
    let selected = state.selected_node;
    let ListModel { total, window, rows } = list_model(
        state.nodes_version,
        move || query.with(|query| query_nodes(&for_order.borrow(), query)),
        move || for_len.borrow().nodes.len(),
        move |order, range| {
            let selected = selected.get_clone();
            node_rows(&for_rows.borrow(), order, range, selected.as_deref())
        },
    );
    let view_cell = state.view.clone();
    let count_text = move || {
        let shown = total.get();
        let all = view_cell.borrow().nodes.len();
        if shown == all {
            format!("{all}")
        } else {
            format!("{shown} of {all}")
        }
    };
    let app = state.clone();
    view! {
        section(class="panel panel-nodes", aria-labelledby="nodes-title") {
            header(class="panel-head") {
                h2(id="nodes-title") { "Nodes " span(class="count", data-testid="node-count") { (count_text()) } }
                div(class="controls") {
                    input(r#type="search", placeholder="Filter id or label", aria-label="Filter nodes", bind:value=text)
                    select(aria-label="Node status", bind:value=status_filter) {
                        option(value="") { "Any status" }
                        option(value="ok") { "ok" } option(value="running") { "running" }
                        option(value="degraded") { "degraded" } option(value="error") { "error" }
                        option(value="starting") { "starting" } option(value="idle") { "idle" }
                        option(value="stopped") { "stopped" }
                    }
                    select(aria-label="Sort nodes", bind:value=sort_choice) {
                        option(value="id") { "Sort: id" } option(value="label") { "Sort: label" }
                        option(value="kind") { "Sort: kind" } option(value="status") { "Sort: status" }
                    }
                }
            }
            div(class="table-head nodes-grid", aria-hidden="true") { span { "Node" } span { "Kind" } span { "Status" } }
            ScrollFrame(total_rows=total, window=window, label="Nodes") {
                Indexed(
                    list=rows,
                    view=move |row: NodeRow| node_row_view(app.clone(), row),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Status;

    fn view_of(nodes: &[(&str, &str, &str)]) -> MeshView {
        let mut view = MeshView::default();
        for (id, kind, status) in nodes {
            view.nodes.insert(
                (*id).into(),
                MeshNode {
                    id: (*id).into(),
                    kind: (*kind).into(),
                    label: id.to_uppercase(),
                    status: Status::from_wire(status),
                    meta: vec![],
                },
            );
        }
        view
    }

    fn ids(view: &MeshView, query: NodeQuery, window: Range<usize>) -> Vec<String> {
        let order = query_nodes(view, &query);
        node_rows(view, order.as_deref(), window, None).into_iter().map(|row| row.id).collect()
    }

    #[test]
    fn filter_sort_and_window() {
        let view = view_of(&[("c", "pg", "error"), ("a", "svc", "ok"), ("b", "svc", "error")]);
        assert_eq!(ids(&view, NodeQuery::default(), 0..10), ["a", "b", "c"]);
        assert_eq!(ids(&view, NodeQuery::default(), 1..2), ["b"]);
        let errors = NodeQuery { status: "error".into(), ..NodeQuery::default() };
        assert_eq!(ids(&view, errors, 0..10), ["b", "c"]);
        let by_kind = NodeQuery { sort: Some(NodeSort::Kind), text: "".into(), ..NodeQuery::default() };
        assert_eq!(ids(&view, by_kind, 0..10), ["c", "a", "b"]);
        let text = NodeQuery { text: "B".into(), ..NodeQuery::default() };
        assert_eq!(ids(&view, text, 0..10), ["b"]);
        assert_eq!(
            ids(&view, NodeQuery { sort: Some(NodeSort::Status), ..NodeQuery::default() }, 5..9),
            Vec::<String>::new()
        );
    }
}
