//! Frames of small meshes with hand-computed screen positions: dots in
//! buckets with labels and selection, the level of detail far out, labels
//! only while few, what the filter fades, and boxes with their links.

use std::collections::BTreeSet;

use shared::{EdgeStats, MeshEdge, MeshNode, Status};

use super::super::detail::Shape;
use super::*;
use crate::filter::parse;

/// A view of `nodes` (id, kind, status; labelled "label <id>") and `edges`
/// (source, target, throughput, error rate).
pub(super) fn mesh(nodes: &[(&str, &str, Status)], edges: &[(&str, &str, f64, Option<f64>)]) -> MeshView {
    let mut view = MeshView::default();
    for (id, kind, status) in nodes {
        let label = format!("label {id}");
        let node = MeshNode { id: (*id).into(), kind: (*kind).into(), label, status: status.clone(), meta: vec![] };
        view.nodes.insert((*id).into(), node);
    }
    for (index, (source, target, throughput, error_rate)) in edges.iter().enumerate() {
        let stats = EdgeStats { throughput: Some(*throughput), error_rate: *error_rate, ..EdgeStats::default() };
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
    view
}

/// The lens (with `query`) and the layout (by kind, for a 2:1 panel) of a view.
pub(super) fn lens_and_layout(view: &MeshView, query: &str, aspect: f64) -> (Lens, Layout) {
    let mut lens = Lens::default();
    lens.set_query(parse(query).expect("a query"), view);
    lens.rebuild(view);
    let mut layout = Layout::default();
    layout.rebuild(view.nodes.values().map(|n| (n.id.as_str(), n.kind.as_str())), aspect);
    (lens, layout)
}

pub(super) fn build<'a>(
    view: &'a MeshView,
    (lens, layout): &'a (Lens, Layout),
    viewport: &'a Viewport,
    screen: Size,
    selected: Option<&'a str>,
    expanded: &'a BTreeSet<String>,
) -> DrawList<'a> {
    DrawList::build(&Frame { view, layout, lens, viewport, screen, selected, expanded, cursor: None })
}

fn p(x: f64, y: f64) -> Point {
    Point::new(x, y)
}

#[test]
fn a_small_graph_in_buckets_with_labels_and_selection() {
    // Regions of 132 × 120 (3 columns, 2 rows kept), in two shelves for a
    // 2:1 panel: gateway at (0, 0), service at (192, 0), worker at (0, 180);
    // slots 30 in and 54 down, 36 apart. Panned by (10, 20) at zoom 1 on a
    // screen 300 × 200 (drawn up to 320 × 220): the workers are off screen.
    let view = mesh(
        &[
            ("g0", "gateway", Status::Ok),
            ("s0", "service", Status::Error),
            ("s1", "service", Status::Ok),
            ("w0", "worker", Status::Stopped),
            ("w1", "worker", Status::Stopped),
        ],
        &[
            ("g0", "s0", 1500.0, Some(0.01)), // heavy, healthy
            ("s0", "s1", 10.0, Some(0.2)),    // light, bad
            ("g0", "w0", 300.0, Some(0.0)),   // medium, healthy; one end on screen
            ("w0", "w1", 300.0, Some(0.0)),   // both ends off screen: left out
            ("g0", "gone", 300.0, Some(0.0)), // an end without a place: left out
        ],
    );
    let scene = lens_and_layout(&view, "", 2.0);
    let viewport = Viewport { scale: 1.0, offset: p(10.0, 20.0) };
    let none = BTreeSet::new();
    let list = build(&view, &scene, &viewport, Size { width: 300.0, height: 200.0 }, Some("s1"), &none);

    let edges: Vec<_> = list.edges.iter().map(|b| (b.class.bad, b.width_px, b.alpha, b.segments.clone())).collect();
    assert_eq!(
        edges,
        [
            (false, 1.0, 0.35, vec![(p(40.0, 74.0), p(40.0, 254.0))]),
            (false, 2.2, 0.35, vec![(p(40.0, 74.0), p(232.0, 74.0))]),
            (true, 0.6, 0.75, vec![(p(232.0, 74.0), p(268.0, 74.0))]),
        ]
    );
    assert_eq!(
        list.nodes,
        [
            NodeBucket { tone: Tone::Ok, centres: vec![p(40.0, 74.0), p(268.0, 74.0)] },
            NodeBucket { tone: Tone::Error, centres: vec![p(232.0, 74.0)] },
        ]
    );
    assert!(list.faded_nodes.is_empty() && list.faded_edges.is_empty() && list.boxes.is_empty());
    // Labels centred under their dots, baseline 20 px down (radius 7, a
    // 2 px gap, an 11 px font); s0's (about 51 px wide) would run into s1's, and s1 is
    // selected: s0's goes.
    let labels: Vec<_> = list.labels.iter().map(|l| (l.at, l.text)).collect();
    assert_eq!(labels, [(p(268.0, 94.0), "label s1"), (p(40.0, 94.0), "label g0")]);
    assert_eq!(list.selection, Some(Ring { centre: p(268.0, 74.0), radius_px: 11.0, width_px: 2.5 }));
    // s1's one edge (from s0, bad) over the others.
    assert_eq!(list.selected_edges, [(p(232.0, 74.0), p(268.0, 74.0), true)]);
    let frames: Vec<_> = list.frames.iter().map(|f| (f.group, f.rect, f.title.as_str())).collect();
    assert!(list.frames.iter().all(|f| f.header_px == 54.0));
    let rect = |x, y| Rect { x, y, width: 132.0, height: 120.0 };
    assert_eq!(frames, [("gateway", rect(10.0, 20.0), "gateway · 1"), ("service", rect(202.0, 20.0), "service · 2")]);
    let targets: Vec<_> = list.targets.iter().map(|(t, _)| *t).collect();
    assert_eq!(targets, [Target::Node("g0"), Target::Node("s0"), Target::Node("s1")]);
    // g0's: to s0 and to w0 (off screen, still drawn towards); not to
    // "gone" (no place); none without a selection.
    let screen = Size { width: 300.0, height: 200.0 };
    let list = build(&view, &scene, &viewport, screen, Some("g0"), &none);
    let expected = [(p(40.0, 74.0), p(232.0, 74.0), false), (p(40.0, 74.0), p(40.0, 254.0), false)];
    assert_eq!(list.selected_edges, expected);
    assert!(build(&view, &scene, &viewport, screen, None, &none).selected_edges.is_empty());
}

#[test]
fn far_out_on_a_big_graph_only_bad_edges_are_drawn_as_small_squares() {
    // 8,001 edges between two nodes: one bad, the rest healthy. One shelf:
    // a at (30, 54), b at (192 + 30, 54); at zoom 1/8, (3.75, 6.75) and (27.75, 6.75).
    let mut edges = vec![("a", "b", 10.0, Some(0.0)); 8_000];
    edges.push(("b", "a", 10.0, Some(0.5)));
    let view = mesh(&[("a", "gateway", Status::Ok), ("b", "service", Status::Ok)], &edges);
    let scene = lens_and_layout(&view, "", 2.0);
    let viewport = Viewport { scale: 0.125, offset: p(0.0, 0.0) };
    let none = BTreeSet::new();
    let list = build(&view, &scene, &viewport, Size { width: 100.0, height: 100.0 }, None, &none);
    assert_eq!(list.edges.len(), 1);
    let bad = list.edges.first().cloned();
    assert_eq!(
        bad.map(|b| (b.ink, b.width_px, b.alpha, b.segments)),
        Some((Ink::BadEdge, 0.4, 0.3, vec![(p(27.75, 6.75), p(3.75, 6.75))]))
    );
    assert_eq!(list.detail.shape, Shape::Square);
    assert!(list.labels.is_empty() && list.selection.is_none());
}

#[test]
fn far_out_a_healthy_edge_to_a_node_the_filter_hides_is_still_faded_context() {
    // 7,500 healthy edges a–b (not drawn far out on a big graph) and 501
    // healthy ones a–c, where the filter hides c: those lead to a faded
    // node, and are drawn faded. gateway holds a at (30, 54) and c at
    // (66, 54), service b at (192 + 30, 54); at zoom 1/8, (3.75, 6.75),
    // (8.25, 6.75) and (27.75, 6.75).
    let mut edges = vec![("a", "b", 10.0, Some(0.0)); 7_500];
    edges.extend(vec![("a", "c", 10.0, Some(0.0)); 501]);
    let nodes = [("a", "gateway", Status::Ok), ("b", "service", Status::Ok), ("c", "gateway", Status::Error)];
    let view = mesh(&nodes, &edges);
    let scene = lens_and_layout(&view, "status:ok", 2.0);
    let viewport = Viewport { scale: 0.125, offset: p(0.0, 0.0) };
    let none = BTreeSet::new();
    let list = build(&view, &scene, &viewport, Size { width: 100.0, height: 100.0 }, None, &none);
    assert!(list.edges.is_empty(), "healthy edges are not drawn this far out: {:?}", list.edges);
    assert_eq!(list.faded_edges, vec![(p(3.75, 6.75), p(8.25, 6.75)); 501]);
    assert_eq!(list.faded_nodes, [NodeBucket { tone: Tone::Error, centres: vec![p(8.25, 6.75)] }]);
}

#[test]
fn the_same_graph_draws_the_same_frame() {
    // 40 nodes in a ring with chords, all dots: two lenses and layouts of
    // the same view (each map seeded afresh) give one and the same frame,
    // every bucket in the same order.
    let ids: Vec<String> = (0..40).map(|i| format!("n{i}")).collect();
    let nodes: Vec<_> = ids.iter().map(|id| (id.as_str(), "svc", Status::Ok)).collect();
    let pairs: Vec<(String, String, f64, Option<f64>)> = (0..40)
        .flat_map(|i| [(i, (i + 1) % 40), (i, (i + 7) % 40)])
        .map(|(a, b)| (format!("n{a}"), format!("n{b}"), 10.0 * (1 + a % 3) as f64, Some(0.001 * b as f64)))
        .collect();
    let edges: Vec<_> = pairs.iter().map(|(a, b, busy, errors)| (a.as_str(), b.as_str(), *busy, *errors)).collect();
    let view = mesh(&nodes, &edges);
    let viewport = Viewport { scale: 1.0, offset: p(0.0, 0.0) };
    let none = BTreeSet::new();
    let screen = Size { width: 1000.0, height: 900.0 };
    let (one, other) = (lens_and_layout(&view, "", 1.0), lens_and_layout(&view, "", 1.0));
    let first = build(&view, &one, &viewport, screen, None, &none);
    assert_eq!(first.edges.iter().map(|b| b.segments.len()).sum::<usize>(), 80, "every edge drawn");
    assert_eq!(first, build(&view, &other, &viewport, screen, None, &none));
}

#[test]
fn labels_only_while_at_most_400_dots_are_on_screen_and_never_overlap() {
    // (nodes, opened, scale, dots on screen, labels): one region of up to
    // 816 × 840 units, on a screen of 1000 × 900. Labels ("label n000",
    // about 64 px) are wider than the 36 px between dots: every other one in
    // a row shows (19 columns: 10 in each of the 15 full rows, 8 in the
    // last). At scale 2 (72 px apart, 81 px labels) the same, on the 14
    // columns and 12 rows on screen: 7 a row.
    let cases = [
        (300, false, 1.0, 300, 158),
        (300, true, 2.0, 168, 84),
        (401, true, 1.0, 401, 0),
        (401, false, 1.0, 0, 0),
        (10, false, 0.45, 10, 0),
    ];
    for (n_nodes, opened, scale, n_dots, n_labels) in cases {
        let ids: Vec<String> = (0..n_nodes).map(|i| format!("n{i:03}")).collect();
        let nodes: Vec<_> = ids.iter().map(|id| (id.as_str(), "gateway", Status::Idle)).collect();
        let view = mesh(&nodes, &[]);
        let scene = lens_and_layout(&view, "", 1.0);
        let viewport = Viewport { scale, offset: p(0.0, 0.0) };
        let expanded: BTreeSet<String> = if opened { ["gateway".to_owned()].into() } else { BTreeSet::new() };
        let list = build(&view, &scene, &viewport, Size { width: 1000.0, height: 900.0 }, None, &expanded);
        let on_screen: usize = list.nodes.iter().map(|b| b.centres.len()).sum();
        assert_eq!((on_screen, list.labels.len()), (n_dots, n_labels), "{n_nodes} nodes at {scale}");
        assert_eq!(list.boxes.len(), usize::from(n_dots == 0), "{n_nodes} nodes at {scale}");
    }
}

#[test]
fn what_the_filter_leaves_out_is_faded() {
    // One service region: a, b, c at (30, 54), (66, 54), (102, 54).
    let view = mesh(
        &[("a", "svc", Status::Error), ("b", "svc", Status::Ok), ("c", "svc", Status::Ok)],
        &[("a", "b", 10.0, None), ("b", "c", 10.0, None)],
    );
    let scene = lens_and_layout(&view, "status:error", 2.0);
    let viewport = Viewport { scale: 1.0, offset: p(0.0, 0.0) };
    let none = BTreeSet::new();
    let list = build(&view, &scene, &viewport, Size { width: 400.0, height: 300.0 }, None, &none);
    assert_eq!(list.nodes, [NodeBucket { tone: Tone::Error, centres: vec![p(30.0, 54.0)] }]);
    assert_eq!(list.faded_nodes, [NodeBucket { tone: Tone::Ok, centres: vec![p(66.0, 54.0), p(102.0, 54.0)] }]);
    // a–b leads to a faded node (b), as does b–c: both faded.
    assert!(list.edges.is_empty());
    assert_eq!(list.faded_edges, [(p(30.0, 54.0), p(66.0, 54.0)), (p(66.0, 54.0), p(102.0, 54.0))]);
    assert_eq!(list.targets, [(Target::Node("a"), p(30.0, 54.0))]);
    assert_eq!(list.frames.first().map(|f| f.title.as_str()), Some("svc · 1 of 3"));
    assert_eq!(list.focus_ring, None);
    // A focus on b: b rings wider than a selection (11 + 5), a–b–c all in it.
    let mut focused = scene.0.clone();
    focused.set_focus(Some(crate::lens::Focus::new("b", 1)), &view);
    let scene = (focused, scene.1.clone());
    let list = build(&view, &scene, &viewport, Size { width: 400.0, height: 300.0 }, None, &none);
    assert_eq!(list.focus_ring, Some(Ring { centre: p(66.0, 54.0), radius_px: 16.0, width_px: 1.5 }));
}

#[test]
fn many_nodes_show_as_boxes_with_histograms_marks_and_links() {
    // api: 300 nodes (30 in error, 30 degraded); db: 100 ok; three edges
    // api → db. Regions: api 708 × 732, db 420 × 444 at x 768 (one shelf
    // for a 3:1 panel). Fitted on 1200 × 400: 400 nodes are too many for dots.
    let mut nodes: Vec<(String, &str, Status)> = Vec::new();
    for i in 0..300 {
        let status = match i % 10 {
            0 => Status::Error,
            1 => Status::Degraded,
            _ => Status::Ok,
        };
        nodes.push((format!("api{i}"), "api", status));
    }
    nodes.extend((0..100).map(|i| (format!("db{i}"), "db", Status::Ok)));
    let borrowed: Vec<_> = nodes.iter().map(|(id, kind, status)| (id.as_str(), *kind, status.clone())).collect();
    let edges = [("api1", "db1", 100.0, Some(0.01)), ("api2", "db2", 200.4, Some(0.3)), ("db3", "api3", 50.0, None)];
    let view = mesh(&borrowed, &edges);
    let scene = lens_and_layout(&view, "", 3.0);
    let screen = Size { width: 1200.0, height: 400.0 };
    let viewport = Viewport::fit(scene.1.bounds().unwrap_or_default(), screen);
    let none = BTreeSet::new();
    let list = build(&view, &scene, &viewport, screen, None, &none);
    assert!(list.nodes.is_empty() && list.edges.is_empty() && list.frames.is_empty());
    let boxes: Vec<_> =
        list.boxes.iter().map(|b| (b.group, b.count.as_str(), b.health.as_str(), b.marks.len(), b.alarm)).collect();
    // 10 % of api in error: its outline is the error colour.
    assert_eq!(
        boxes,
        [("api", "300 nodes", "30 error · 30 degraded", 60, Some(Tone::Error)), ("db", "100 nodes", "", 0, None)]
    );
    let histogram = list.boxes.first().map(|b| b.histogram.clone()).unwrap_or_default();
    assert_eq!(histogram, [(Tone::Ok, 240.0 / 300.0), (Tone::Degraded, 30.0 / 300.0), (Tone::Error, 30.0 / 300.0)]);
    // No filter: every mark at full strength.
    assert!(list.boxes.iter().flat_map(|b| &b.marks).all(|mark| !mark.faded));
    let link = list.links.first().cloned();
    let link = link.map(|l| (l.bad, (l.width_px * 1000.0).round(), l.label));
    // Width 1 + ln(1 + 350.4) / 2; bad: one edge in three fails; the worst of 1 % and 30 %.
    assert_eq!(link, Some((true, 3931.0, Some("350/s · worst 30 % err".to_owned()))));
    assert_eq!(list.links.len(), 1);
    // Side by side, more than 16 px apart: the line runs from api's right
    // side to db's left side, over neither box.
    let rects: Vec<_> = list.boxes.iter().map(|b| b.rect).collect();
    let (Some(api), Some(db), Some(link)) = (rects.first(), rects.get(1), list.links.first()) else {
        panic!("two boxes and a link: {rects:?}");
    };
    assert!(db.x - (api.x + api.width) > 16.0, "{rects:?}");
    assert_eq!((link.from.x, link.to.x), (api.x + api.width, db.x));
    assert!(link.from.y > api.y && link.from.y < api.y + api.height, "{link:?} {api:?}");
    assert!(link.to.y > db.y && link.to.y < db.y + db.height, "{link:?} {db:?}");
    let targets: Vec<_> = list.targets.iter().map(|(t, _)| *t).collect();
    assert_eq!(targets, [Target::Group("api"), Target::Group("db")]);
}

#[test]
fn edges_into_a_box_are_its_link_and_edges_between_dots_stay_edges() {
    // api: 320 nodes, a box when fitted; gw: 2 nodes, dots (a small group).
    let mut nodes: Vec<(String, &str)> = (0..320).map(|i| (format!("api{i}"), "api")).collect();
    nodes.extend([("gw0".to_owned(), "gw"), ("gw1".to_owned(), "gw")]);
    let borrowed: Vec<_> = nodes.iter().map(|(id, kind)| (id.as_str(), *kind, Status::Ok)).collect();
    let edges = [("gw0", "api5", 100.0, Some(0.01)), ("gw1", "api6", 50.0, Some(0.2)), ("gw0", "gw1", 10.0, Some(0.0))];
    let view = mesh(&borrowed, &edges);
    let scene = lens_and_layout(&view, "", 2.0);
    let screen = Size { width: 1000.0, height: 500.0 };
    let viewport = Viewport::fit(scene.1.bounds().unwrap_or_default(), screen);
    let none = BTreeSet::new();
    let list = build(&view, &scene, &viewport, screen, None, &none);
    assert_eq!(list.boxes.iter().map(|b| b.group).collect::<Vec<_>>(), ["api"]);
    assert_eq!(list.nodes.iter().map(|b| b.centres.len()).sum::<usize>(), 2);
    assert_eq!(list.edges.iter().map(|b| b.segments.len()).sum::<usize>(), 1, "only gw0–gw1");
    let links: Vec<_> = list.links.iter().map(|l| (l.bad, (l.width_px * 1000.0).round())).collect();
    // One of the two edges fails (20 %): bad. Width 1 + ln(1 + 150) / 2.
    assert_eq!(links, [(true, 3509.0)]);
    // gw0 selected: its edge to gw1 stands out; the one into the api box
    // is part of the link, not drawn over the box.
    let list = build(&view, &scene, &viewport, screen, Some("gw0"), &none);
    let dots: Vec<Point> = list.nodes.iter().flat_map(|bucket| bucket.centres.iter().copied()).collect();
    let selected: Vec<_> =
        list.selected_edges.iter().map(|(a, b, bad)| (dots.contains(a), dots.contains(b), *bad)).collect();
    assert_eq!(selected, [(true, true, false)]);
}

#[test]
fn a_filter_fades_the_marks_of_the_members_it_hides() {
    // api: 5,000 nodes, 500 in error and 500 degraded. Every filter below
    // shows more than `MAX_DOTS_ON_SCREEN` of them, so api stays a box; its
    // marks of the members the filter hides fade, the others stay strong.
    let nodes: Vec<(String, Status)> = (0..5_000)
        .map(|i| {
            let status = match i % 10 {
                0 => Status::Error,
                1 => Status::Degraded,
                _ => Status::Ok,
            };
            (format!("api{i}"), status)
        })
        .collect();
    let borrowed: Vec<_> = nodes.iter().map(|(id, status)| (id.as_str(), "api", status.clone())).collect();
    let view = mesh(&borrowed, &[]);
    // (filter, strong marks, faint marks, health line, histogram): the
    // health line and histogram count the shown members, as the count does.
    let all = vec![(Tone::Ok, 0.8), (Tone::Degraded, 0.1), (Tone::Error, 0.1)];
    let cases = [
        ("", 1_000, 0, "500 error · 500 degraded", all),
        ("status:error", 500, 500, "500 error", vec![(Tone::Error, 1.0)]),
        ("status:degraded", 500, 500, "500 degraded", vec![(Tone::Degraded, 1.0)]),
        ("status:ok", 0, 1_000, "", vec![(Tone::Ok, 1.0)]),
    ];
    for (query, strong, faint, health, histogram) in cases {
        let scene = lens_and_layout(&view, query, 3.0);
        let screen = Size { width: 1200.0, height: 400.0 };
        let viewport = Viewport::fit(scene.1.bounds().unwrap_or_default(), screen);
        let none = BTreeSet::new();
        let list = build(&view, &scene, &viewport, screen, None, &none);
        assert_eq!(list.boxes.len(), 1, "{query:?}: api as a box");
        let api = list.boxes.first().map(|b| (b.health.as_str(), b.histogram.clone()));
        assert_eq!(api, Some((health, histogram)), "{query:?}");
        let marks: Vec<_> = list.boxes.iter().flat_map(|b| b.marks.iter()).collect();
        let count = |faded: bool, tone: Option<Tone>| {
            marks.iter().filter(|m| m.faded == faded && tone.is_none_or(|tone| m.tone == tone)).count()
        };
        assert_eq!((count(false, None), count(true, None)), (strong, faint), "{query:?}");
        if query == "status:error" {
            assert_eq!((count(false, Some(Tone::Error)), count(true, Some(Tone::Degraded))), (500, 500));
        }
    }
}
