//! The live region: tells screen readers which node is selected, with its
//! status and edges, and what a focus shows. It speaks when the selection
//! or the focus changes, or the selected node's status does; not on every
//! diff.

use shared::View as MeshView;
use sycamore::prelude::*;

use crate::lens::Lens;
use crate::state::AppState;

/// The sentence for the selected node (and the focus, if any).
pub fn announcement(view: &MeshView, lens: &Lens, selected: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(node_id) = selected {
        parts.push(match view.nodes.get(node_id) {
            Some(node) => {
                let edges = lens.graph().degree(node_id);
                let plural = if edges == 1 { "" } else { "s" };
                let hidden = if lens.is_narrowed() && !lens.shows_node(node_id) { ", outside the filter" } else { "" };
                format!(
                    "Selected {} ({}), {}, status {}, {edges} edge{plural}{hidden}.",
                    node.label,
                    node.id,
                    node.kind,
                    node.status.as_wire()
                )
            }
            None => format!("Selected {node_id}, no longer in the mesh."),
        });
    }
    if let Some(focus) = lens.focus() {
        let label = view.nodes.get(&focus.node_id).map(|node| node.label.as_str());
        let (_, reach) = super::focus_bar::focus_summary(focus, label, lens.nodes().len());
        parts.push(format!("Focus on {}: {reach}.", focus.node_id));
    }
    parts.join(" ")
}

#[component]
pub fn Announcer() -> View {
    let state = use_context::<AppState>();
    let (selected, focus, view_cell, lens) = (state.selected_node, state.focus, state.view.clone(), state.lens.clone());
    let graph_change = state.graph_change;
    let text = create_signal(String::new());
    create_effect(move || {
        focus.track();
        // The selected node's own changes (its status) count; others do not.
        let touched = graph_change.with(|change| change.selected_touched);
        let sentence = selected.with(|id| announcement(&view_cell.borrow(), &lens.borrow(), id.as_deref()));
        if touched || text.with_untracked(|current| *current != sentence) {
            text.set(sentence);
        }
    });
    view! {
        div(class="sr-only", role="status", aria-live="polite", aria-atomic="true", data-testid="announcer") { (move || text.get_clone()) }
    }
}

#[cfg(test)]
mod tests {
    use shared::{MeshEdge, MeshNode, Status};

    use super::*;
    use crate::lens::Focus;

    #[test]
    fn says_the_node_its_status_its_edges_and_the_focus() {
        let mut view = MeshView::default();
        for (id, status) in [("n1", "error"), ("n2", "ok")] {
            let node = MeshNode {
                id: id.into(),
                kind: "db".into(),
                label: format!("pg-{id}"),
                status: Status::from_wire(status),
                meta: vec![],
            };
            view.nodes.insert(id.into(), node);
        }
        let edge = MeshEdge { id: "e".into(), source: "n1".into(), target: "n2".into(), kind: None, stats: None };
        view.edges.insert("e".into(), edge);
        let mut lens = Lens::default();
        lens.rebuild(&view);
        assert_eq!(announcement(&view, &lens, Some("n1")), "Selected pg-n1 (n1), db, status error, 1 edge.");
        assert_eq!(announcement(&view, &lens, Some("n9")), "Selected n9, no longer in the mesh.");
        lens.set_focus(Some(Focus::new("n2", 1)), &view);
        lens.set_query(crate::filter::parse("status:ok").expect("a query"), &view);
        assert_eq!(
            announcement(&view, &lens, Some("n1")),
            "Selected pg-n1 (n1), db, status error, 1 edge, outside the filter. Focus on n2: 1 node within 1 hop."
        );
        assert_eq!(announcement(&view, &lens, None), "Focus on n2: 1 node within 1 hop.");
        // A focus on an id no node has (a label, say) is said to be one.
        lens.set_focus(Some(Focus::new("pg-n2", 2)), &view);
        assert_eq!(
            announcement(&view, &lens, None),
            "Focus on pg-n2: no node has this id now (focus takes a node id)."
        );
    }
}
