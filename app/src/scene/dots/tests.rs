//! The dot regions' edges against a scan of every edge: whichever way a
//! frame visits them (from the nodes on screen, or every edge when most of
//! the graph is on screen), it draws each edge with an end on screen once,
//! in its bucket or faded, wherever its other end is.

use std::collections::BTreeSet;

use shared::{EdgeStats, MeshEdge, MeshNode, Status, View as MeshView};

use super::*;
use crate::filter::parse;
use crate::layout::Layout;
use crate::lens::Lens;
use crate::scene::{Size, Viewport};

/// Groups in the order of the layout's regions, and groups whose order
/// is not their bytes' (numbers compared as numbers, "no value" last).
const KNOWN_KINDS: [&str; 3] = ["gateway", "service", "worker"];
const OTHER_GROUPS: [&str; 3] = ["zone-9", "zone-10", crate::lens::NO_VALUE];

/// 1,200 nodes (400 of each of `kinds`, every 7th in error) and 3,600
/// edges between pseudo-random pairs, every 5th with a bad error rate.
fn big_mesh(kinds: [&str; 3]) -> MeshView {
    let mut view = MeshView::default();
    for i in 0..1_200 {
        let id = format!("n{i}");
        let status = if i % 7 == 0 { Status::Error } else { Status::Ok };
        let kind = kinds[i % 3].to_owned();
        view.nodes.insert(id.clone(), MeshNode { id, kind, label: format!("node {i}"), status, meta: vec![] });
    }
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |below: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % below
    };
    for i in 0..3_600 {
        let (source, target) = (format!("n{}", next(1_200)), format!("n{}", next(1_200)));
        let error_rate = Some(if i % 5 == 0 { 0.3 } else { 0.0 });
        let stats = EdgeStats { throughput: Some(next(1_000) as f64), error_rate, ..EdgeStats::default() };
        let id = format!("e{i}");
        view.edges.insert(id.clone(), MeshEdge { id, source, target, kind: None, stats: Some(stats) });
    }
    view
}

/// What a scan of every edge says a frame draws: per edge class, and
/// faded; each list sorted.
type Drawn = (Vec<(EdgeClass, Vec<(Point, Point)>)>, Vec<(Point, Point)>);

fn sorted(mut segments: Vec<(Point, Point)>) -> Vec<(Point, Point)> {
    let key = |(a, b): &(Point, Point)| [a.x, a.y, b.x, b.y].map(f64::to_bits);
    segments.sort_by_key(key);
    segments
}

fn scanned(frame: &Frame, zoom: &Zoom, detail: &Detail) -> Drawn {
    let dots: BTreeSet<&str> = zoom.regions.iter().filter(|r| r.look == Look::Dots).map(|r| r.group).collect();
    let at = |node_id: &str| {
        let in_dots = frame.layout.group_of(node_id).is_some_and(|group| dots.contains(group));
        let world = frame.layout.position(node_id).filter(|_| in_dots)?;
        Some(frame.viewport.to_screen(world.into()))
    };
    let mut classes: Vec<(EdgeClass, Vec<(Point, Point)>)> = Vec::new();
    let mut faded = Vec::new();
    for edge in frame.view.edges.values() {
        let (Some(a), Some(b)) = (at(&edge.source), at(&edge.target)) else { continue };
        if !frame.screen.shows(a) && !frame.screen.shows(b) {
            continue;
        }
        let class = EdgeClass::of(edge.stats.as_ref());
        let lens = frame.lens;
        if lens.shows_node(&edge.source) && lens.shows_node(&edge.target) && lens.shows_edge(&edge.id) {
            if class.bad || detail.healthy_edges {
                match classes.iter_mut().find(|(c, _)| *c == class) {
                    Some((_, segments)) => segments.push((a, b)),
                    None => classes.push((class, vec![(a, b)])),
                }
            }
        } else if zoom.faded_context {
            faded.push((a, b));
        }
    }
    if faded.len() > MAX_FADED_EDGES {
        faded.clear();
    }
    classes.sort_by_key(|(class, _)| EDGE_PAINT_ORDER.iter().position(|c| c == class));
    (classes.into_iter().map(|(class, segments)| (class, sorted(segments))).collect(), sorted(faded))
}

#[test]
fn each_edge_with_an_end_on_screen_is_drawn_once_wherever_its_other_end_is() {
    for kinds in [KNOWN_KINDS, OTHER_GROUPS] {
        frames_draw_what_a_scan_finds(kinds);
    }
}

fn frames_draw_what_a_scan_finds(kinds: [&str; 3]) {
    let view = big_mesh(kinds);
    let mut layout = Layout::default();
    layout.rebuild(view.nodes.values().map(|n| (n.id.as_str(), n.kind.as_str())), 2.0);
    let screen = Size { width: 400.0, height: 300.0 };
    let bounds = layout.bounds().expect("a laid-out graph");
    let viewports = [
        // At full size: a corner of the first region, the gap between the
        // first two (edges to both, most ends far off screen), and the
        // middle of the second.
        (Viewport { scale: 1.0, offset: Point::new(0.0, 0.0) }, true),
        (Viewport { scale: 1.0, offset: Point::new(-700.0, -300.0) }, true),
        (Viewport { scale: 1.0, offset: Point::new(-1_200.0, -400.0) }, true),
        (Viewport { scale: 0.5, offset: Point::new(-300.0, -100.0) }, true),
        // Far out, just past the right of the graph: the last regions are
        // off screen (their frames end 1 px left of it) while their last
        // column of nodes is within the overhang, and so are their edges.
        (Viewport { scale: 0.25, offset: Point::new(-bounds.2 * 0.25 - 1.0, 0.0) }, true),
        // The whole graph: every node on screen.
        (Viewport::fit(bounds, screen), true),
        // Nowhere near it.
        (Viewport { scale: 2.0, offset: Point::new(90_000.0, 90_000.0) }, false),
    ];
    let every_group: BTreeSet<String> = kinds.iter().map(|kind| (*kind).to_owned()).collect();
    let one_group: BTreeSet<String> = [kinds[1].to_owned()].into();
    for query in ["", "status:ok"] {
        let mut lens = Lens::default();
        lens.set_query(parse(query).expect("a query"), &view);
        lens.rebuild(&view);
        for (viewport, draws) in &viewports {
            for expanded in [&every_group, &one_group] {
                let frame = Frame {
                    view: &view,
                    layout: &layout,
                    lens: &lens,
                    viewport,
                    screen,
                    selected: None,
                    expanded,
                    cursor: None,
                };
                let groups = lens.groups();
                let shown = |group: &str| groups.group(group).map_or(0, |stats| stats.n_shown());
                let zoom = Zoom::decide(&layout, shown, viewport, screen, expanded);
                let detail = Detail::at(viewport.scale, view.edges.len());
                let drawn = dots(&frame, &zoom, &detail);
                let got: Drawn = (
                    drawn.edges.iter().map(|bucket| (bucket.class, sorted(bucket.segments.clone()))).collect(),
                    sorted(drawn.faded_edges.clone()),
                );
                let expected = scanned(&frame, &zoom, &detail);
                let case = format!("{kinds:?}, {query:?} at {viewport:?}, {} groups opened", expanded.len());
                assert_eq!(got, expected, "{case}");
                let n_drawn = expected.0.iter().map(|(_, s)| s.len()).sum::<usize>() + expected.1.len();
                assert_eq!(n_drawn > 0, *draws, "{case}: {n_drawn} edges");
            }
        }
    }
}
