//! The regions zoomed in: their nodes as dots in buckets by tone and their
//! edges in buckets by class, what the filter and focus show at full
//! strength and the rest faded (or left out when there is too much of it).
//! Only the nodes of dot regions are visited, and their edges: a frame of
//! boxes costs the boxes. Edges into a box are drawn as the box's links.

use std::collections::HashSet;

use shared::MeshEdge;

use super::detail::{Detail, EdgeClass, Weight};
use super::draw_list::{EdgeBucket, Frame, Label, NodeBucket, Target};
use super::ink::{Ink, Tone};
use super::viewport::Point;
use super::zoom::{Look, Zoom};

/// Edges are painted healthy first, then bad on top; light to heavy.
const EDGE_PAINT_ORDER: [EdgeClass; 6] = [
    EdgeClass { weight: Weight::Light, bad: false },
    EdgeClass { weight: Weight::Medium, bad: false },
    EdgeClass { weight: Weight::Heavy, bad: false },
    EdgeClass { weight: Weight::Light, bad: true },
    EdgeClass { weight: Weight::Medium, bad: true },
    EdgeClass { weight: Weight::Heavy, bad: true },
];
/// Faded things: what the filter or focus leaves out, for context.
pub const FADED_NODE_ALPHA: f64 = 0.18;
pub const FADED_EDGE_ALPHA: f64 = 0.12;
/// More faded edges than this are noise, not context: none are drawn.
pub const MAX_FADED_EDGES: usize = 600;

/// What the dot regions draw.
#[derive(Debug, Default)]
pub struct Dots<'a> {
    pub edges: Vec<EdgeBucket>,
    pub faded_edges: Vec<(Point, Point)>,
    pub nodes: Vec<NodeBucket>,
    pub faded_nodes: Vec<NodeBucket>,
    /// Labels with their priority (lower first: the selection, errors,
    /// degraded, the rest), for decluttering.
    pub labels: Vec<(u8, Label<'a>)>,
    pub targets: Vec<(Target<'a>, Point)>,
}

/// The nodes and edges of the dot regions on screen.
pub fn dots<'a>(frame: &Frame<'a>, zoom: &Zoom<'a>, detail: &Detail) -> Dots<'a> {
    let mut out = Dots { edges: edge_buckets(detail), ..Dots::default() };
    node_buckets(frame, zoom, &mut out);
    let looks = zoom.looks();
    let dotted = |node_id: &str| {
        frame.layout.group_of(node_id).and_then(|group| looks.get(group)).is_some_and(|look| *look == Look::Dots)
    };
    for edge in candidate_edges(frame, zoom) {
        // An edge into a box is part of the box's link.
        if !dotted(&edge.source) || !dotted(&edge.target) {
            continue;
        }
        let class = EdgeClass::of(edge.stats.as_ref());
        let (Some(a), Some(b)) = (frame.layout.position(&edge.source), frame.layout.position(&edge.target)) else {
            continue;
        };
        let (a, b) = (frame.viewport.to_screen(a.into()), frame.viewport.to_screen(b.into()));
        if !frame.screen.shows(a) && !frame.screen.shows(b) {
            continue;
        }
        // Full strength between two nodes shown; an edge the filter lists
        // for one end only (the edges table shows it) leads to a faded node.
        let lens = frame.lens;
        if lens.shows_edge(&edge.id) && lens.shows_node(&edge.source) && lens.shows_node(&edge.target) {
            if let Some(bucket) = out.edges.iter_mut().find(|bucket| bucket.class == class) {
                bucket.segments.push((a, b));
            }
        } else if zoom.faded_context {
            out.faded_edges.push((a, b));
        }
    }
    out.edges.retain(|bucket| !bucket.segments.is_empty());
    if out.faded_edges.len() > MAX_FADED_EDGES {
        out.faded_edges.clear();
    }
    out
}

fn edge_buckets(detail: &Detail) -> Vec<EdgeBucket> {
    EDGE_PAINT_ORDER
        .iter()
        .filter(|class| class.bad || detail.healthy_edges)
        .map(|&class| EdgeBucket {
            class,
            ink: if class.bad { Ink::BadEdge } else { Ink::HealthyEdge },
            alpha: detail.edge_alpha(class.bad),
            width_px: detail.edge_width_px(class.weight),
            segments: Vec::new(),
        })
        .collect()
}

/// Every edge when every region shows dots; else the edges of the dot
/// regions' nodes, each once.
fn candidate_edges<'a>(frame: &Frame<'a>, zoom: &Zoom) -> Vec<&'a MeshEdge> {
    if zoom.all_dots() {
        return frame.view.edges.values().collect();
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut edges = Vec::new();
    for region in zoom.regions.iter().filter(|r| r.look == Look::Dots && r.on_screen) {
        for (node_id, _) in frame.layout.members(region.group) {
            for edge_id in frame.lens.graph().incident(node_id) {
                if seen.insert(edge_id) {
                    edges.extend(frame.view.edges.get(edge_id));
                }
            }
        }
    }
    edges
}

/// The nodes of the dot regions on screen, in buckets by tone: shown, or
/// faded; labels and keyboard targets for the shown ones.
fn node_buckets<'a>(frame: &Frame<'a>, zoom: &Zoom<'a>, out: &mut Dots<'a>) {
    let mut shown = Tone::PAINT_ORDER.map(|tone| NodeBucket { tone, centres: Vec::new() });
    let mut faded = Tone::PAINT_ORDER.map(|tone| NodeBucket { tone, centres: Vec::new() });
    for region in zoom.regions.iter().filter(|r| r.look == Look::Dots && r.on_screen) {
        for (node_id, world) in frame.layout.members(region.group) {
            let Some(node) = frame.view.nodes.get(node_id) else { continue };
            let centre = frame.viewport.to_screen(world.into());
            if !frame.screen.shows(centre) {
                continue;
            }
            let tone = Tone::of(&node.status);
            let visible = frame.lens.shows_node(node_id);
            let buckets = if visible { &mut shown } else { &mut faded };
            if !visible && !zoom.faded_context {
                continue;
            }
            if let Some(bucket) = buckets.iter_mut().find(|bucket| bucket.tone == tone) {
                bucket.centres.push(centre);
            }
            if visible {
                let priority = if frame.selected == Some(node_id) {
                    0
                } else {
                    match tone {
                        Tone::Error => 1,
                        Tone::Degraded => 2,
                        _ => 3,
                    }
                };
                out.labels.push((priority, Label { at: centre, text: node.label.as_str() }));
                out.targets.push((Target::Node(node.id.as_str()), centre));
            }
        }
    }
    out.nodes = shown.into_iter().filter(|bucket| !bucket.centres.is_empty()).collect();
    out.faded_nodes = faded.into_iter().filter(|bucket| !bucket.centres.is_empty()).collect();
}
