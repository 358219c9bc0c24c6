//! The nodes table: the nodes the one filter and the focus show, in natural
//! order of a chosen column, virtualized so 100,000 rows scroll as smoothly
//! as 10. The order is the lens's, kept incrementally: a refresh costs the
//! rows in view, not the table.

use std::ops::Range;

use shared::{MeshNode, View as MeshView};
use sycamore::prelude::*;

use crate::components::scroll_frame::{indexed_list_model, ListModel, ScrollFrame};
use crate::components::slots::{field, slots};
use crate::format::status_class;
use crate::lens::{Lens, NodeSort};
use crate::state::AppState;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeRow {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub status: String,
    pub status_class: &'static str,
    pub selected: bool,
}

/// The rows at positions `window` of the lens's order.
pub fn node_rows(view: &MeshView, lens: &Lens, window: Range<usize>, selected: Option<&str>) -> Vec<NodeRow> {
    let row = |node: &MeshNode| NodeRow {
        id: node.id.clone(),
        label: node.label.clone(),
        kind: node.kind.clone(),
        status: node.status.as_wire().to_owned(),
        status_class: status_class(&node.status),
        selected: selected == Some(node.id.as_str()),
    };
    lens.nodes().window(window).into_iter().filter_map(|id| view.nodes.get(id)).map(row).collect()
}

/// "12" when everything shows, "3 of 12" when the filter or focus narrows.
pub fn count_text(shown: usize, all: usize, narrowed: bool) -> String {
    if narrowed {
        format!("{shown} of {all}")
    } else {
        format!("{all}")
    }
}

/// One slot of the table: selects its row's node on click, Enter or Space.
fn node_row_view(app: AppState, row: ReadSignal<NodeRow>) -> View {
    let class = move || if row.with(|r| r.selected) { "row nodes-grid selected" } else { "row nodes-grid" };
    let dot_class = move || row.with(|r| format!("dot {}", r.status_class));
    let status_class = move || row.with(|r| format!("status-text {}", r.status_class));
    let id_attr = move || row.with(|r| r.id.clone());
    let pressed = move || row.with(|r| r.selected.to_string());
    let key_app = app.clone();
    let handle_select = move |_| app.select_node(Some(row.with_untracked(|r| r.id.clone())));
    let handle_key = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Enter" || event.key() == " " {
            event.prevent_default();
            key_app.select_node(Some(row.with_untracked(|r| r.id.clone())));
        }
    };
    view! {
        div(class=class, role="button", tabindex="0", data-node-id=id_attr, on:click=handle_select,
            on:keydown=handle_key, aria-pressed=pressed) {
            span(class="cell-main") {
                i(class=dot_class)
                span(class="label") { (field(row, |r| r.label.clone())) }
                span(class="muted id") { (field(row, |r| r.id.clone())) }
            }
            span(class="muted") { (field(row, |r| r.kind.clone())) }
            span(class=status_class) { (field(row, |r| r.status.clone())) }
        }
    }
}

/// The sort control, in step with the lens (which may open sorted by the
/// URL).
fn sort_choice(state: &AppState) -> Signal<String> {
    let choice = create_signal(state.node_sort.get_untracked().name().to_owned());
    let sort_state = state.clone();
    create_effect(move || sort_state.set_node_sort(NodeSort::parse(&choice.get_clone()).unwrap_or_default()));
    let node_sort = state.node_sort;
    super::follow_state(choice, Box::new(move || node_sort.with(|sort| sort.name().to_owned())));
    choice
}

#[component]
pub fn NodesPanel() -> View {
    let state = use_context::<AppState>();
    let sort = sort_choice(&state);
    // The sort the page opened with (a link's `nodeSort`): marked on its
    // option, as the control's value is set before its options are there.
    let opened = state.node_sort.get_untracked().name();
    let (for_len, for_rows, for_view) = (state.lens.clone(), state.lens.clone(), state.view.clone());
    let selected = state.selected_node;
    let ListModel { total, window, rows, on_screen } = indexed_list_model(
        *state.lens_version,
        move || for_len.borrow().nodes().len(),
        move |range| {
            let selected = selected.get_clone();
            node_rows(&for_view.borrow(), &for_rows.borrow(), range, selected.as_deref())
        },
    );
    let (view_cell, lens) = (state.view.clone(), state.lens.clone());
    let count = move || count_text(total.get(), view_cell.borrow().nodes.len(), lens.borrow().is_narrowed());
    let app = state.clone();
    view! {
        section(class="panel panel-nodes", aria-labelledby="nodes-title") {
            header(class="panel-head") {
                h2(id="nodes-title") { "Nodes " span(class="count", data-testid="node-count") { (count) } }
                div(class="controls") {
                    select(aria-label="Sort nodes", bind:value=sort) {
                        option(value="id", selected=opened == "id") { "Sort: id" }
                        option(value="label", selected=opened == "label") { "Sort: label" }
                        option(value="kind", selected=opened == "kind") { "Sort: kind" }
                        option(value="status", selected=opened == "status") { "Sort: status (worst first)" }
                    }
                }
            }
            div(class="table-head nodes-grid", aria-hidden="true") { span { "Node" } span { "Kind" } span { "Status" } }
            ScrollFrame(total_rows=total, window=window, on_screen=on_screen, label="Nodes") {
                ({ let app = app.clone(); slots(rows, move |row| node_row_view(app.clone(), row)) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::parse;
    use shared::Status;

    fn view_of(nodes: &[(&str, &str, &str)]) -> MeshView {
        let mut view = MeshView::default();
        for (id, kind, status) in nodes {
            let node = MeshNode {
                id: (*id).into(),
                kind: (*kind).into(),
                label: id.to_uppercase(),
                status: Status::from_wire(status),
                meta: vec![],
            };
            view.nodes.insert((*id).into(), node);
        }
        view
    }

    fn ids(view: &MeshView, query: &str, sort: NodeSort, window: Range<usize>) -> Vec<String> {
        let mut lens = Lens::default();
        lens.set_query(parse(query).expect("a query"), view);
        lens.set_sort(sort, view);
        lens.rebuild(view);
        node_rows(view, &lens, window, None).into_iter().map(|row| row.id).collect()
    }

    #[test]
    fn filtered_sorted_naturally_and_windowed() {
        let view = view_of(&[("n10", "pg", "error"), ("n9", "svc", "ok"), ("n100", "svc", "error")]);
        assert_eq!(ids(&view, "", NodeSort::Id, 0..10), ["n9", "n10", "n100"]);
        assert_eq!(ids(&view, "", NodeSort::Id, 1..2), ["n10"]);
        assert_eq!(ids(&view, "status:error", NodeSort::Id, 0..10), ["n10", "n100"]);
        assert_eq!(ids(&view, "", NodeSort::Kind, 0..10), ["n10", "n9", "n100"]);
        assert_eq!(ids(&view, "-kind:pg", NodeSort::Status, 0..10), ["n100", "n9"]);
        assert_eq!(ids(&view, "", NodeSort::Status, 5..9), Vec::<String>::new());
        assert_eq!((count_text(2, 3, true), count_text(3, 3, false)), ("2 of 3".to_owned(), "3".to_owned()));
    }
}
