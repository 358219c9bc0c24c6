//! Details of the selected node: status, kind, meta, incident edges with
//! their stats, log size and the node's chart series.

use shared::{MeshEdge, View as MeshView};
use sycamore::prelude::*;

use crate::components::charts::is_series_of;
use crate::components::edges::{edge_row, is_bad_error_rate, EdgeRow};
use crate::format::status_class;
use crate::lens::GraphIndex;
use crate::state::AppState;

/// Incident edges listed at most (a hub node may have thousands).
pub const MAX_DETAIL_EDGES: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct NodeDetails {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub status: String,
    pub status_class: &'static str,
    pub meta: Vec<(String, String)>,
    pub edges: Vec<EdgeRow>,
    pub n_edges: usize,
    pub series: Vec<String>,
    /// The node is gone (deleted) but its id is still selected.
    pub missing: bool,
}

/// Everything the panel shows for `node_id`. Its edges come from the
/// graph index (`graph`: the lens's, in step with `view`), so the work
/// follows the node's degree, not the graph's size: the panel is redone
/// on every diff that touches the node or its edges.
pub fn node_details(view: &MeshView, graph: &GraphIndex, node_id: &str) -> NodeDetails {
    let node = view.nodes.get(node_id);
    let mut incident: Vec<_> = graph.incident(node_id).filter_map(|edge_id| view.edges.get(edge_id)).collect();
    // The failing edges first (a hub's list is cut at MAX_DETAIL_EDGES,
    // and they are what the panel is opened for), each part in natural
    // order: rows move only when an edge starts or stops failing.
    let failing = |edge: &MeshEdge| is_bad_error_rate(edge.stats.as_ref().and_then(|s| s.error_rate));
    crate::sort::sort_by(&mut incident, |a, b| {
        failing(b).cmp(&failing(a)).then_with(|| crate::natural::natural_cmp(&a.id, &b.id))
    });
    NodeDetails {
        id: node_id.to_owned(),
        label: node.map_or_else(|| node_id.to_owned(), |n| n.label.clone()),
        kind: node.map(|n| n.kind.clone()).unwrap_or_default(),
        status: node.map(|n| n.status.as_wire().to_owned()).unwrap_or_default(),
        status_class: node.map_or("st-unknown", |n| status_class(&n.status)),
        meta: node.map(|n| n.meta.iter().map(|m| (m.key.clone(), m.display_value())).collect()).unwrap_or_default(),
        n_edges: incident.len(),
        edges: incident.into_iter().take(MAX_DETAIL_EDGES).map(|edge| edge_row(view, edge)).collect(),
        series: view.series.keys().filter(|name| is_series_of(name, node_id)).cloned().collect(),
        missing: node.is_none(),
    }
}

#[component]
pub fn DetailsPanel() -> View {
    let state = use_context::<AppState>();
    let selected = state.selected_node;
    let (view_cell, lens_cell) = (state.view.clone(), state.lens.clone());
    // Recomputed only when the selection changes or a diff touched the
    // selected node or its edges.
    let details = create_signal(None::<NodeDetails>);
    let mut shown_for: Option<String> = None;
    let series_names = state.series_names;
    create_effect(move || {
        let current = selected.get_clone();
        // A new series may be the node's chart (series come rarely).
        series_names.track();
        let relevant = state.graph_change.with(|change| current.is_some() && change.selected_touched);
        if relevant || current != shown_for {
            details.set(current.as_ref().map(|id| node_details(&view_cell.borrow(), lens_cell.borrow().graph(), id)));
            shown_for = current;
        }
    });
    // The log's length follows the selected node's log (each diff that
    // brings it lines), without the edge scan above.
    let (logs_touched, logs_view) = (state.logs_touched, state.view.clone());
    let log_lines = create_memo(move || {
        logs_touched.track();
        selected.with(|id| id.as_ref().map_or(0, |id| logs_view.borrow().logs.get(id).map_or(0, |log| log.lines.len())))
    });
    let (close_state, focus_state) = (state.clone(), state.clone());
    let handle_close = move |_| close_state.select_node(None);
    let focused = state.focus;
    let handle_focus = move |_| {
        if let Some(node_id) = selected.get_clone_untracked() {
            focus_state.focus_on(node_id);
        }
    };
    let focus_pressed = move || {
        selected.with(|id| focused.with(|f| f.as_ref().is_some_and(|f| Some(&f.node_id) == id.as_ref()))).to_string()
    };
    view! {
        section(class="panel panel-details", aria-labelledby="details-title") {
            header(class="panel-head") {
                h2(id="details-title") { "Node details" }
                (if selected.with(Option::is_some) {
                    let (handle_close, handle_focus) = (handle_close.clone(), handle_focus.clone());
                    view! {
                        div(class="controls") {
                            button(class="btn btn-small btn-toggle", on:click=handle_focus, aria-pressed=focus_pressed,
                                title="Show only this node and its neighbours (f in the topology)", data-testid="focus-button") { "Focus" }
                            button(class="btn btn-small", on:click=handle_close, aria-label="Close details") { "Close" }
                        }
                    }
                } else { view! {} })
            }
            div(class="details", data-testid="details", id="node-details", tabindex="-1") {
                (match details.get_clone() {
                    None => view! { p(class="empty") { "Select a node in the topology or the nodes table." } },
                    Some(details) => details_view(details, log_lines),
                })
            }
        }
    }
}

fn details_view(details: NodeDetails, log_lines: ReadSignal<usize>) -> View {
    let NodeDetails { id, label, kind, status, status_class, meta, edges, n_edges, series, missing } = details;
    let dot_class = format!("dot {status_class}");
    let status_class = format!("status-text {status_class}");
    let status_text = if missing { "deleted".to_owned() } else { status };
    let meta_rows =
        View::from(meta.into_iter().map(|(key, value)| view! { dt { (key) } dd { (value) } }).collect::<Vec<View>>());
    let edge_items = View::from(
        edges
            .into_iter()
            .map(|edge| {
                let stats = format!("{} · {} · ", edge.throughput, edge.latency);
                let errors_class = if edge.errors_bad { "status-text st-error" } else { "" };
                view! {
                    li {
                        span(class="msg") { (edge.route) " " span(class="muted id") { (edge.kind) } }
                        span(class="muted") { (stats) span(class=errors_class) { (edge.errors) } }
                    }
                }
            })
            .collect::<Vec<View>>(),
    );
    let more =
        if n_edges > MAX_DETAIL_EDGES { format!("and {} more", n_edges - MAX_DETAIL_EDGES) } else { String::new() };
    let series_text = if series.is_empty() { "none".to_owned() } else { series.join(", ") };
    view! {
        h3(class="detail-title") { i(class=dot_class) " " (label) }
        dl {
            dt { "Id" } dd(class="id") { (id) }
            dt { "Kind" } dd { (kind) }
            dt { "Status" } dd(class=status_class) { (status_text) }
            dt { "Log lines" } dd(data-testid="log-line-count") { (move || log_lines.get().to_string()) }
            dt { "Charts" } dd { (series_text) }
            (meta_rows)
        }
        h3 { "Edges (" (n_edges) ")" }
        ul { (edge_items) }
        p(class="muted") { (more) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::{MeshEdge, MeshNode, MetaEntry, Status};

    use crate::lens::Lens;

    #[test]
    fn details_gather_meta_edges_and_series() {
        let mut view = MeshView::default();
        view.nodes.insert(
            "n1".into(),
            MeshNode {
                id: "n1".into(),
                kind: "postgres".into(),
                label: "pg-1".into(),
                status: Status::Degraded,
                meta: vec![MetaEntry { key: "region".into(), json: "\"eu\"".into() }],
            },
        );
        for (id, source, target) in [("a", "n1", "n2"), ("b", "n3", "n1"), ("c", "n2", "n3")] {
            view.edges.insert(
                id.into(),
                MeshEdge { id: id.into(), source: source.into(), target: target.into(), kind: None, stats: None },
            );
        }
        view.series.insert("cpu:n1".into(), Default::default());
        view.series.insert("cpu:n11".into(), Default::default());
        let mut lens = Lens::default();
        lens.rebuild(&view);
        let details = node_details(&view, lens.graph(), "n1");
        assert_eq!(details.meta, [("region".to_owned(), "eu".to_owned())]);
        assert_eq!(details.n_edges, 2);
        let edges: Vec<&str> = details.edges.iter().map(|row| row.id.as_str()).collect();
        assert_eq!(edges, ["a", "b"]);
        assert_eq!(details.series, ["cpu:n1"]);
        assert!(!details.missing);
        assert!(node_details(&view, lens.graph(), "gone").missing);
    }

    #[test]
    fn a_hubs_failing_edges_come_first_and_are_never_cut() {
        // 60 edges e0..e59 from the hub; e55 fails at 20 %, e57 at exactly
        // the bad rate (5 %), e3 at 1 % (not failing). 50 are listed.
        let mut view = MeshView::default();
        for i in 0..60 {
            let error_rate = match i {
                55 => Some(0.2),
                57 => Some(0.05),
                3 => Some(0.01),
                _ => None,
            };
            let stats = Some(shared::EdgeStats { error_rate, ..Default::default() });
            let id = format!("e{i}");
            let edge = MeshEdge { id: id.clone(), source: "hub".into(), target: format!("n{i}"), kind: None, stats };
            view.edges.insert(id, edge);
        }
        let mut lens = Lens::default();
        lens.rebuild(&view);
        let details = node_details(&view, lens.graph(), "hub");
        let listed: Vec<&str> = details.edges.iter().map(|row| row.id.as_str()).collect();
        let mut expected = vec!["e55".to_owned(), "e57".to_owned()];
        expected.extend((0..48).map(|i| format!("e{i}")));
        assert_eq!(details.n_edges, 60);
        assert_eq!(listed, expected);
        let bad: Vec<bool> = details.edges.iter().take(4).map(|row| row.errors_bad).collect();
        assert_eq!(bad, [true, true, false, false]);
    }
}
