//! The regions zoomed in: their nodes as dots in buckets by tone and their
//! edges in buckets by class, what the filter and focus show at full
//! strength and the rest faded (or left out when there is too much of it).
//! Only the nodes of dot regions are visited, and their edges: a frame of
//! boxes costs the boxes. Edges into a box are drawn as the box's links.
//! A pan or zoom draws a frame per animation frame, so an edge costs a few
//! look-ups: its ends' places come from one map made in the node pass, and
//! an edge no bucket takes is dropped before any.

use super::detail::{Detail, EdgeClass, Weight};
use super::draw_list::{EdgeBucket, Frame, Label, NodeBucket, Target};
use super::ink::{Ink, Tone};
use super::viewport::Point;
use super::zoom::{Look, Zoom};
use crate::lens::FastMap;

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

/// A node of a dot region: where it is on screen (or off it), whether the
/// filter and focus show it, and whether its region is on screen (its
/// edges are then visited from it).
#[derive(Debug, Clone, Copy)]
struct Placed {
    at: Point,
    shown: bool,
    visited: bool,
}

/// The nodes and edges of the dot regions on screen.
pub fn dots<'a>(frame: &Frame<'a>, zoom: &Zoom<'a>, detail: &Detail) -> Dots<'a> {
    let mut out = Dots { edges: edge_buckets(detail), ..Dots::default() };
    let mut placed = node_buckets(frame, zoom, &mut out);
    place_off_screen(frame, zoom, &mut placed);
    // An end not placed is in a box (its edges are the box's link).
    let place = |node_id: &str| placed.get(node_id).copied();
    let lens = frame.lens;
    let classes: Vec<EdgeClass> = out.edges.iter().map(|bucket| bucket.class).collect();
    // The bucket an edge goes to; None when neither a bucket nor faded
    // context would take it (then no look-up is spent on it).
    let bucket_of = |class: EdgeClass| {
        let bucket = classes.iter().position(|c| *c == class);
        (bucket.is_some() || zoom.faded_context).then_some(bucket)
    };
    // `a` and `b`: the edge's source and target.
    let mut add = |edge_id: &str, bucket: Option<usize>, a: Placed, b: Placed| {
        if !frame.screen.shows(a.at) && !frame.screen.shows(b.at) {
            return;
        }
        // Full strength between two nodes shown; an edge the filter lists
        // for one end only (the edges table shows it) leads to a faded node.
        if a.shown && b.shown && lens.shows_edge(edge_id) {
            if let Some(bucket) = bucket.and_then(|index| out.edges.get_mut(index)) {
                bucket.segments.push((a.at, b.at));
            }
        } else if zoom.faded_context {
            out.faded_edges.push((a.at, b.at));
        }
    };
    if zoom.all_dots() {
        // In the view's order (the same for the same graph), no look-up.
        for edge in frame.view.edges.values() {
            let Some(bucket) = bucket_of(EdgeClass::of(edge.stats.as_ref())) else { continue };
            let (Some(a), Some(b)) = (place(&edge.source), place(&edge.target)) else { continue };
            add(&edge.id, bucket, a, b);
        }
    } else {
        // The lens's index of the edges (the view's, kept in step with each
        // diff): small entries with their ids inline, cheaper to look up
        // than the view's edges; each node's in id order.
        let graph = lens.graph();
        for region in zoom.regions.iter().filter(|r| r.look == Look::Dots && r.on_screen) {
            for (node_id, _) in frame.layout.members(region.group) {
                let Some(here) = place(node_id) else { continue };
                for edge_id in graph.incident(node_id) {
                    let Some(edge) = graph.facts(edge_id) else { continue };
                    let Some(bucket) = bucket_of(EdgeClass::of_numbers(edge.throughput, edge.error_rate)) else {
                        continue;
                    };
                    let from_source = edge.source == node_id;
                    let Some(there) = place(if from_source { &edge.target } else { &edge.source }) else { continue };
                    // Each edge once: from its source, or from its target
                    // when its source's edges are not visited.
                    if !from_source && there.visited {
                        continue;
                    }
                    let (a, b) = if from_source { (here, there) } else { (there, here) };
                    add(edge_id, bucket, a, b);
                }
            }
        }
    }
    out.edges.retain(|bucket| !bucket.segments.is_empty());
    if out.faded_edges.len() > MAX_FADED_EDGES {
        out.faded_edges.clear();
    }
    out
}

/// The nodes of the dot regions off screen: an edge from one may still
/// cross the screen.
fn place_off_screen<'a>(frame: &Frame<'a>, zoom: &Zoom<'a>, placed: &mut FastMap<&'a str, Placed>) {
    for region in zoom.regions.iter().filter(|r| r.look == Look::Dots && !r.on_screen) {
        placed.reserve(frame.layout.n_members(region.group));
        for (node_id, world) in frame.layout.members(region.group) {
            let at = frame.viewport.to_screen(world.into());
            placed.insert(node_id, Placed { at, shown: frame.lens.shows_node(node_id), visited: false });
        }
    }
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

/// The nodes of the dot regions on screen, in buckets by tone: shown, or
/// faded; labels and keyboard targets for the shown ones. Returns where
/// every node of those regions is (on screen or not: their edges may
/// cross the screen).
fn node_buckets<'a>(frame: &Frame<'a>, zoom: &Zoom<'a>, out: &mut Dots<'a>) -> FastMap<&'a str, Placed> {
    let mut shown = Tone::PAINT_ORDER.map(|tone| NodeBucket { tone, centres: Vec::new() });
    let mut faded = Tone::PAINT_ORDER.map(|tone| NodeBucket { tone, centres: Vec::new() });
    let mut placed = FastMap::default();
    for region in zoom.regions.iter().filter(|r| r.look == Look::Dots && r.on_screen) {
        placed.reserve(frame.layout.n_members(region.group));
        for (node_id, world) in frame.layout.members(region.group) {
            let centre = frame.viewport.to_screen(world.into());
            let visible = frame.lens.shows_node(node_id);
            placed.insert(node_id, Placed { at: centre, shown: visible, visited: true });
            let Some(node) = frame.view.nodes.get(node_id) else { continue };
            if !frame.screen.shows(centre) {
                continue;
            }
            let tone = Tone::of(&node.status);
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
    placed
}
