//! The edges table: source → target with live stats in units, filterable
//! by text and kind, virtualized like the nodes table.

use std::ops::Range;

use shared::{MeshEdge, View as MeshView};
use sycamore::prelude::*;

use crate::components::scroll_frame::{list_model, window_items, ListModel, ScrollFrame};
use crate::format::{compact, latency_millis, percent};
use crate::state::AppState;

/// An error rate at or above this is shown as bad.
pub const BAD_ERROR_RATE: f64 = 0.05;

/// Edge ids matching `text` (in id, source, target or kind), or `None`
/// for all edges in id order.
pub fn query_edges(view: &MeshView, text: &str) -> Option<Vec<String>> {
    if text.is_empty() {
        return None;
    }
    let text = text.to_lowercase();
    let hit = |edge: &MeshEdge| {
        [Some(&edge.id), Some(&edge.source), Some(&edge.target), edge.kind.as_ref()]
            .into_iter()
            .flatten()
            .any(|field| field.to_lowercase().contains(&text))
    };
    Some(view.edges.values().filter(|edge| hit(edge)).map(|edge| edge.id.clone()).collect())
}

#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRow {
    pub id: String,
    pub route: String,
    pub throughput: String,
    pub latency: String,
    pub errors: String,
    pub errors_bad: bool,
}

/// A row of an edge; endpoints show as their node labels when known.
pub fn edge_row(view: &MeshView, edge: &MeshEdge) -> EdgeRow {
    let stats = edge.stats.as_ref();
    let dash = || "–".to_owned();
    let error_rate = stats.and_then(|s| s.error_rate);
    let name = |id: &str| view.nodes.get(id).map_or_else(|| id.to_owned(), |node| node.label.clone());
    EdgeRow {
        id: edge.id.clone(),
        route: format!("{} → {}", name(&edge.source), name(&edge.target)),
        throughput: stats.and_then(|s| s.throughput).map_or_else(dash, |t| format!("{} /s", compact(t))),
        latency: stats.and_then(|s| s.latency_millis).map_or_else(dash, latency_millis),
        errors: error_rate.map_or_else(dash, percent),
        errors_bad: error_rate.is_some_and(|rate| rate >= BAD_ERROR_RATE),
    }
}

pub fn edge_rows(view: &MeshView, order: Option<&[String]>, window: Range<usize>) -> Vec<EdgeRow> {
    window_items(view.edges.values(), order, |id| view.edges.get(id), window)
        .into_iter()
        .map(|edge| edge_row(view, edge))
        .collect()
}

#[component]
pub fn EdgesPanel() -> View {
    let state = use_context::<AppState>();
    let text = create_signal(String::new());
    let (for_order, for_len, for_rows) = (state.view.clone(), state.view.clone(), state.view.clone());
    let ListModel { total, window, rows } = list_model(
        state.edges_version,
        move || text.with(|text| query_edges(&for_order.borrow(), text)),
        move || for_len.borrow().edges.len(),
        move |order, range| edge_rows(&for_rows.borrow(), order, range),
    );
    view! {
        section(class="panel panel-edges", aria-labelledby="edges-title") {
            header(class="panel-head") {
                h2(id="edges-title") { "Edges " span(class="count", data-testid="edge-count") { (total.get()) } }
                div(class="controls") {
                    input(r#type="search", placeholder="Filter id, node or kind", aria-label="Filter edges", bind:value=text)
                }
            }
            div(class="table-head edges-grid", aria-hidden="true") {
                span { "Edge" } span { "Throughput" } span { "Latency" } span { "Errors" }
            }
            ScrollFrame(total_rows=total, window=window, label="Edges") {
                Indexed(
                    list=rows,
                    view=|row: EdgeRow| {
                        let EdgeRow { id, route, throughput, latency, errors, errors_bad } = row;
                        let error_class = if errors_bad { "status-text st-error" } else { "" };
                        view! {
                            div(class="row edges-grid", title=id) {
                                span(class="msg") { (route) }
                                span { (throughput) }
                                span { (latency) }
                                span(class=error_class) { (errors) }
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
    use shared::EdgeStats;

    #[test]
    fn stats_with_units_and_filter() {
        let edge = MeshEdge {
            id: "e1".into(),
            source: "api".into(),
            target: "pg".into(),
            kind: Some("tcp".into()),
            stats: Some(EdgeStats {
                throughput: Some(1530.0),
                latency_millis: Some(4.25),
                error_rate: Some(0.07),
                ..EdgeStats::default()
            }),
        };
        let mut view = MeshView::default();
        let row = edge_row(&view, &edge);
        assert_eq!(
            (row.route.as_str(), row.throughput.as_str(), row.latency.as_str(), row.errors.as_str()),
            ("api → pg", "1.5k /s", "4.2 ms", "7.0 %")
        );
        assert!(row.errors_bad);
        let bare = edge_row(&view, &MeshEdge { stats: None, ..edge.clone() });
        assert_eq!(bare.throughput, "–");
        view.nodes.insert(
            "pg".into(),
            shared::MeshNode {
                id: "pg".into(),
                kind: "postgres".into(),
                label: "pg-main".into(),
                status: shared::Status::Ok,
                meta: vec![],
            },
        );
        assert_eq!(edge_row(&view, &edge).route, "api → pg-main");
        view.edges.insert("e1".into(), edge);
        assert_eq!(query_edges(&view, "PG"), Some(vec!["e1".to_owned()]));
        assert_eq!(query_edges(&view, "redis"), Some(vec![]));
    }
}
