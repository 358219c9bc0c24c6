//! The edges table: source → target (and the edge's kind) with live stats
//! in units, the edges the one filter and the focus show, by route or by a
//! number with the worst first (`EdgeSort`), virtualized like the nodes
//! table.

use std::ops::Range;

use shared::{MeshEdge, View as MeshView};
use sycamore::prelude::*;

use crate::components::nodes::count_text;
use crate::components::scroll_frame::{indexed_list_model, ListModel, ScrollFrame};
use crate::components::slots::{field, slots};
use crate::format::{compact, latency_millis, percent};
use crate::lens::{EdgeSort, Lens};
use crate::state::AppState;

/// An error rate at or above this is shown as bad.
pub const BAD_ERROR_RATE: f64 = 0.05;

/// Whether an edge's error rate (unknown: not) is bad: the one rule the
/// tables, the details and the topology colour an edge by.
pub fn is_bad_error_rate(error_rate: Option<f64>) -> bool {
    error_rate.is_some_and(|rate| rate >= BAD_ERROR_RATE)
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EdgeRow {
    pub id: String,
    pub route: String,
    /// The edge's kind ("http"), or empty: tells apart edges between the
    /// same two nodes.
    pub kind: String,
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
        kind: edge.kind.clone().unwrap_or_default(),
        throughput: stats.and_then(|s| s.throughput).map_or_else(dash, |t| format!("{} /s", compact(t))),
        latency: stats.and_then(|s| s.latency_millis).map_or_else(dash, latency_millis),
        errors: error_rate.map_or_else(dash, percent),
        errors_bad: is_bad_error_rate(error_rate),
    }
}

/// A row's tooltip: its whole name (a narrow embed may cut it), its kind,
/// and its id.
pub fn edge_title(row: &EdgeRow) -> String {
    match row.kind.as_str() {
        "" => format!("{} · {}", row.route, row.id),
        kind => format!("{} ({kind}) · {}", row.route, row.id),
    }
}

/// The rows at positions `window` of the lens's edge order.
pub fn edge_rows(view: &MeshView, lens: &Lens, window: Range<usize>) -> Vec<EdgeRow> {
    lens.edges().window(window).into_iter().filter_map(|id| view.edges.get(id)).map(|e| edge_row(view, e)).collect()
}

/// One slot of the table.
fn edge_row_view(row: ReadSignal<EdgeRow>) -> View {
    let error_class = move || if row.with(|r| r.errors_bad) { "status-text st-error" } else { "" };
    view! {
        div(class="row edges-grid", title=field(row, edge_title)) {
            span(class="cell-main") {
                span(class="label") { (field(row, |r| r.route.clone())) }
                span(class="muted id") { (field(row, |r| r.kind.clone())) }
            }
            span { (field(row, |r| r.throughput.clone())) }
            span { (field(row, |r| r.latency.clone())) }
            span(class=error_class) { (field(row, |r| r.errors.clone())) }
        }
    }
}

/// The sort control, in step with the lens (which may open sorted by the
/// URL).
fn sort_choice(state: &AppState) -> Signal<String> {
    let choice = create_signal(state.edge_sort.get_untracked().name().to_owned());
    let sort_state = state.clone();
    create_effect(move || sort_state.set_edge_sort(EdgeSort::parse(&choice.get_clone()).unwrap_or_default()));
    let edge_sort = state.edge_sort;
    super::follow_state(choice, Box::new(move || edge_sort.with(|sort| sort.name().to_owned())));
    choice
}

#[component]
pub fn EdgesPanel() -> View {
    let state = use_context::<AppState>();
    let sort = sort_choice(&state);
    // The sort the page opened with (a link's `edgeSort`): marked on its
    // option, as the control's value is set before its options are there.
    let opened = state.edge_sort.get_untracked().name();
    let (for_len, for_rows, for_view) = (state.lens.clone(), state.lens.clone(), state.view.clone());
    let ListModel { total, window, rows, on_screen } = indexed_list_model(
        *state.lens_version,
        move || for_len.borrow().edges().len(),
        move |range| edge_rows(&for_view.borrow(), &for_rows.borrow(), range),
    );
    let (view_cell, lens) = (state.view.clone(), state.lens.clone());
    let count = move || count_text(total.get(), view_cell.borrow().edges.len(), lens.borrow().is_narrowed());
    view! {
        // The sort names the column that must stay in a narrow embed.
        section(class="panel panel-edges", aria-labelledby="edges-title", data-sort=move || sort.get_clone()) {
            header(class="panel-head") {
                h2(id="edges-title") { "Edges " span(class="count", data-testid="edge-count") { (count) } }
                div(class="controls") {
                    select(aria-label="Sort edges", bind:value=sort) {
                        option(value="route", selected=opened == "route") { "Sort: route" }
                        option(value="errors", selected=opened == "errors") { "Sort: errors (worst first)" }
                        option(value="latency", selected=opened == "latency") { "Sort: latency (slowest first)" }
                        option(value="throughput", selected=opened == "throughput") {
                            "Sort: throughput (busiest first)"
                        }
                    }
                }
            }
            div(class="table-head edges-grid", aria-hidden="true") {
                span { "Edge" } span { "Throughput" } span { "Latency" } span { "Errors" }
            }
            ScrollFrame(total_rows=total, window=window, on_screen=on_screen, label="Edges") {
                (slots(rows, edge_row_view))
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
        // The kind tells apart two edges between the same nodes; none: empty.
        assert_eq!(row.kind, "tcp");
        let kindless = edge_row(&view, &MeshEdge { kind: None, ..edge.clone() });
        assert_eq!(kindless.kind, "");
        // The tooltip names the edge whole.
        assert_eq!((edge_title(&row), edge_title(&kindless)), ("api → pg (tcp) · e1".into(), "api → pg · e1".into()));
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
        // Edges show by source, then target, naturally; the filter narrows them.
        view.edges.insert("e1".into(), edge.clone());
        view.edges.insert("e2".into(), MeshEdge { id: "e2".into(), source: "api".into(), ..edge.clone() });
        view.edges
            .insert("e4".into(), MeshEdge { id: "e4".into(), source: "api9".into(), stats: None, ..edge.clone() });
        view.edges.insert("e3".into(), MeshEdge { id: "e3".into(), source: "api10".into(), kind: None, ..edge });
        let routes = |query: &str| {
            let mut lens = Lens::default();
            lens.set_query(crate::filter::parse(query).expect("a query"), &view);
            lens.rebuild(&view);
            edge_rows(&view, &lens, 0..9).into_iter().map(|row| row.id).collect::<Vec<_>>()
        };
        assert_eq!(routes(""), ["e1", "e2", "e4", "e3"]);
        assert_eq!(routes("kind:tcp errors>5%"), ["e1", "e2"]);
        assert_eq!(routes("postgres"), Vec::<String>::new());
        assert_eq!(routes("pg-main"), ["e1", "e2", "e4", "e3"]);
    }
}
