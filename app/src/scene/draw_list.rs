//! One frame of the topology as plain data, built in one pass over the
//! edges and one over the nodes: edges in buckets by class, nodes in
//! buckets by tone, then the labels and the selection ring. A bucket has
//! one ink, width and opacity, so the canvas paints it as one path.

use shared::{MeshNode, View as MeshView};

use super::detail::{Detail, EdgeClass, Weight};
use super::ink::{Ink, Tone};
use super::viewport::{Point, Size, Viewport};
use crate::layout::Layout;

/// Edges are painted healthy first, then bad on top; light to heavy.
const EDGE_PAINT_ORDER: [EdgeClass; 6] = [
    EdgeClass { weight: Weight::Light, bad: false },
    EdgeClass { weight: Weight::Medium, bad: false },
    EdgeClass { weight: Weight::Heavy, bad: false },
    EdgeClass { weight: Weight::Light, bad: true },
    EdgeClass { weight: Weight::Medium, bad: true },
    EdgeClass { weight: Weight::Heavy, bad: true },
];

/// Edges of one class, as screen segments.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeBucket {
    pub class: EdgeClass,
    pub ink: Ink,
    pub alpha: f64,
    pub width_px: f64,
    pub segments: Vec<(Point, Point)>,
}

/// Nodes of one tone, as screen centres (all the same shape and size).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBucket {
    pub tone: Tone,
    pub centres: Vec<Point>,
}

/// A label's text and where its baseline starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Label<'a> {
    pub at: Point,
    pub text: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    pub centre: Point,
    pub radius_px: f64,
    pub width_px: f64,
}

/// What one frame paints, in order: background, edge buckets, node
/// buckets, labels, selection. Empty buckets are left out.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawList<'a> {
    pub detail: Detail,
    pub edges: Vec<EdgeBucket>,
    pub nodes: Vec<NodeBucket>,
    pub label_font_px: f64,
    pub labels: Vec<Label<'a>>,
    pub selection: Option<Ring>,
}

impl<'a> DrawList<'a> {
    /// The frame for `view` placed by `layout`, seen through `viewport` on
    /// a screen of `screen`; only what is on screen (give or take an
    /// overhang) is listed, except the selection ring.
    pub fn build(
        view: &'a MeshView,
        layout: &Layout,
        viewport: &Viewport,
        screen: Size,
        selected: Option<&str>,
    ) -> DrawList<'a> {
        let detail = Detail::at(viewport.scale, view.edges.len());
        let edges = edge_buckets(view, layout, viewport, screen, &detail);
        let labels_possible = detail.labels(0).is_some();
        let (nodes, labels) = node_buckets(view, layout, viewport, screen, labels_possible);
        let n_on_screen = nodes.iter().map(|bucket| bucket.centres.len()).sum();
        let (label_font_px, labels) = match detail.labels(n_on_screen) {
            Some(style) => {
                let offset = |at: Point| Point { x: at.x + style.dx, y: at.y + style.dy };
                (style.font_px, labels.into_iter().map(|label| Label { at: offset(label.at), ..label }).collect())
            }
            None => (0.0, Vec::new()),
        };
        let selection = selected.and_then(|node_id| layout.position(node_id)).map(|world| {
            let (radius_px, width_px) = detail.selection_ring_px();
            Ring { centre: viewport.to_screen(world.into()), radius_px, width_px }
        });
        DrawList { detail, edges, nodes, label_font_px, labels, selection }
    }
}

/// The nodes that have a place, with their position in layout units.
pub fn placed<'v: 'l, 'l>(view: &'v MeshView, layout: &'l Layout) -> impl Iterator<Item = (&'v MeshNode, Point)> + 'l {
    view.nodes.values().filter_map(|node| Some((node, layout.position(&node.id)?.into())))
}

/// One pass over the edges; an edge is listed when either end is on screen.
fn edge_buckets(
    view: &MeshView,
    layout: &Layout,
    viewport: &Viewport,
    screen: Size,
    detail: &Detail,
) -> Vec<EdgeBucket> {
    let mut buckets: Vec<EdgeBucket> = EDGE_PAINT_ORDER
        .iter()
        .filter(|class| class.bad || detail.healthy_edges)
        .map(|&class| EdgeBucket {
            class,
            ink: if class.bad { Ink::BadEdge } else { Ink::HealthyEdge },
            alpha: detail.edge_alpha(class.bad),
            width_px: detail.edge_width_px(class.weight),
            segments: Vec::new(),
        })
        .collect();
    for edge in view.edges.values() {
        let class = EdgeClass::of(edge.stats.as_ref());
        let Some(bucket) = buckets.iter_mut().find(|bucket| bucket.class == class) else { continue };
        let (Some(a), Some(b)) = (layout.position(&edge.source), layout.position(&edge.target)) else { continue };
        let (a, b) = (viewport.to_screen(a.into()), viewport.to_screen(b.into()));
        if screen.shows(a) || screen.shows(b) {
            bucket.segments.push((a, b));
        }
    }
    buckets.retain(|bucket| !bucket.segments.is_empty());
    buckets
}

/// One pass over the nodes: the buckets and, when `with_labels`, every node
/// on screen as a label at its centre.
fn node_buckets<'a>(
    view: &'a MeshView,
    layout: &Layout,
    viewport: &Viewport,
    screen: Size,
    with_labels: bool,
) -> (Vec<NodeBucket>, Vec<Label<'a>>) {
    let mut buckets = Tone::PAINT_ORDER.map(|tone| NodeBucket { tone, centres: Vec::new() });
    let mut labels = Vec::new();
    for (node, world) in placed(view, layout) {
        let centre = viewport.to_screen(world);
        if !screen.shows(centre) {
            continue;
        }
        let tone = Tone::of(&node.status);
        if let Some(bucket) = buckets.iter_mut().find(|bucket| bucket.tone == tone) {
            bucket.centres.push(centre);
        }
        if with_labels {
            labels.push(Label { at: centre, text: node.label.as_str() });
        }
    }
    let buckets = buckets.into_iter().filter(|bucket| !bucket.centres.is_empty()).collect();
    (buckets, labels)
}

#[cfg(test)]
mod tests {
    use shared::{EdgeStats, MeshEdge, Status};

    use super::super::detail::Shape;
    use super::*;

    /// A view of `nodes` (id, kind, status; labelled "label <id>") and
    /// `edges` (source, target, throughput, error rate), laid out afresh.
    fn fixture(nodes: &[(&str, &str, Status)], edges: &[(&str, &str, f64, f64)]) -> (MeshView, Layout) {
        let mut view = MeshView::default();
        for (id, kind, status) in nodes {
            let label = format!("label {id}");
            let node = MeshNode { id: (*id).into(), kind: (*kind).into(), label, status: status.clone(), meta: vec![] };
            view.nodes.insert((*id).into(), node);
        }
        for (index, (source, target, throughput, error_rate)) in edges.iter().enumerate() {
            let stats =
                EdgeStats { throughput: Some(*throughput), error_rate: Some(*error_rate), ..EdgeStats::default() };
            let id = format!("e{index}");
            let edge = MeshEdge {
                id: id.clone(),
                source: (*source).into(),
                target: (*target).into(),
                kind: None,
                stats: Some(stats),
            };
            view.edges.insert(id, edge);
        }
        let mut layout = Layout::default();
        layout.rebuild(view.nodes.values().map(|n| (n.id.as_str(), n.kind.as_str())));
        (view, layout)
    }

    fn p(x: f64, y: f64) -> Point {
        Point::new(x, y)
    }

    #[test]
    fn a_small_graph_in_buckets_with_labels_and_selection() {
        // Layout: gateways at x 0, services at 156 (36 + a 120 gap), workers
        // at 312; rows 36 apart. Panned by (10, 20) at zoom 1 on a screen
        // 250 px wide (drawn up to 270): the workers are off screen.
        let (view, layout) = fixture(
            &[
                ("g0", "gateway", Status::Ok),
                ("s0", "service", Status::Error),
                ("s1", "service", Status::Ok),
                ("w0", "worker", Status::Stopped),
                ("w1", "worker", Status::Stopped),
            ],
            &[
                ("g0", "s0", 1500.0, 0.01), // heavy, healthy
                ("s0", "s1", 10.0, 0.2),    // light, bad
                ("g0", "w0", 300.0, 0.0),   // medium, healthy; one end on screen
                ("w0", "w1", 300.0, 0.0),   // both ends off screen: left out
                ("g0", "gone", 300.0, 0.0), // an end without a place: left out
            ],
        );
        let viewport = Viewport { scale: 1.0, offset: p(10.0, 20.0) };
        let screen = Size { width: 250.0, height: 200.0 };
        let list = DrawList::build(&view, &layout, &viewport, screen, Some("s1"));

        let edges: Vec<_> = list.edges.iter().map(|b| (b.class.bad, b.width_px, b.alpha, b.segments.clone())).collect();
        assert_eq!(
            edges,
            [
                (false, 1.2, 0.35, vec![(p(10.0, 20.0), p(322.0, 20.0))]),
                (false, 2.2, 0.35, vec![(p(10.0, 20.0), p(166.0, 20.0))]),
                (true, 0.6, 0.75, vec![(p(166.0, 20.0), p(166.0, 56.0))]),
            ]
        );
        assert_eq!(
            list.edges.iter().map(|b| b.ink).collect::<Vec<_>>(),
            [Ink::HealthyEdge, Ink::HealthyEdge, Ink::BadEdge]
        );
        // Error painted last, over the calmer tones.
        assert_eq!(
            list.nodes,
            [
                NodeBucket { tone: Tone::Ok, centres: vec![p(10.0, 20.0), p(166.0, 56.0)] },
                NodeBucket { tone: Tone::Error, centres: vec![p(166.0, 20.0)] },
            ]
        );
        // Labels 11 px to the right of the centre (radius 7 + 4), 4 px down.
        assert_eq!(list.label_font_px, 11.0);
        let labels: Vec<_> = list.labels.iter().map(|l| (l.at, l.text)).collect();
        assert_eq!(labels, [(p(21.0, 24.0), "label g0"), (p(177.0, 24.0), "label s0"), (p(177.0, 60.0), "label s1")]);
        assert_eq!(list.selection, Some(Ring { centre: p(166.0, 56.0), radius_px: 11.0, width_px: 2.5 }));
    }

    #[test]
    fn far_out_on_a_big_graph_only_bad_edges_are_drawn_as_small_squares() {
        // 8,001 edges between two nodes: one bad, the rest healthy.
        let mut edges = vec![("a", "b", 10.0, 0.0); 8_000];
        edges.push(("b", "a", 10.0, 0.5));
        let (view, layout) = fixture(&[("a", "gateway", Status::Ok), ("b", "service", Status::Ok)], &edges);
        let viewport = Viewport { scale: 0.125, offset: p(0.0, 0.0) };
        let list = DrawList::build(&view, &layout, &viewport, Size { width: 100.0, height: 100.0 }, None);
        // b is at 156 × 0.125 = 19.5; the line is as thin as allowed, and faint.
        assert_eq!(list.edges.len(), 1);
        let bad = list.edges.first().cloned();
        assert_eq!(
            bad.map(|b| (b.ink, b.width_px, b.alpha, b.segments)),
            Some((Ink::BadEdge, 0.4, 0.3, vec![(p(19.5, 0.0), p(0.0, 0.0))]))
        );
        assert_eq!(list.detail.shape, Shape::Square);
        assert!(list.labels.is_empty() && list.selection.is_none());
    }

    #[test]
    fn labels_only_while_at_most_400_nodes_are_on_screen() {
        // (nodes, scale, labels): the first column, 16 rows to a sub-column,
        // so 400 nodes are 25 sub-columns, at x 0 to 864 and y 0 to 540.
        let cases = [(400, 1.0, 400), (401, 1.0, 0), (10, 0.5, 10), (10, 0.45, 0)];
        for (n_nodes, scale, n_labels) in cases {
            let ids: Vec<String> = (0..n_nodes).map(|i| format!("n{i:03}")).collect();
            let nodes: Vec<_> = ids.iter().map(|id| (id.as_str(), "gateway", Status::Idle)).collect();
            let (view, layout) = fixture(&nodes, &[]);
            let viewport = Viewport { scale, offset: p(0.0, 0.0) };
            let list = DrawList::build(&view, &layout, &viewport, Size { width: 1000.0, height: 600.0 }, None);
            let on_screen: usize = list.nodes.iter().map(|b| b.centres.len()).sum();
            assert_eq!((on_screen, list.labels.len()), (n_nodes, n_labels), "{n_nodes} nodes at {scale}");
        }
    }

    #[test]
    fn placed_lists_only_nodes_with_a_place() {
        let (mut view, layout) = fixture(&[("a", "gateway", Status::Ok)], &[]);
        let late = MeshNode {
            id: "late".into(),
            kind: "queue".into(),
            label: String::new(),
            status: Status::Ok,
            meta: vec![],
        };
        view.nodes.insert("late".into(), late);
        let ids: Vec<_> = placed(&view, &layout).map(|(node, at)| (node.id.as_str(), at)).collect();
        assert_eq!(ids, [("a", p(0.0, 0.0))]);
    }
}
