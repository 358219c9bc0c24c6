//! The regions zoomed in: their nodes as dots in buckets by tone and their
//! edges in buckets by class, what the filter and focus show at full
//! strength and the rest faded (or left out when there is too much of it).
//! Only the nodes of dot regions that are on screen are visited (a region's
//! grid gives them without a scan), and their edges: a frame costs what it
//! shows, not the graph. An edge is drawn when either end is on screen;
//! edges into a box are drawn as the box's links. A pan or zoom draws a
//! frame per animation frame, so an edge costs a few look-ups, none when no
//! bucket takes it.

use super::detail::{Detail, EdgeClass, Weight};
use super::draw_list::{EdgeBucket, Frame, Label, NodeBucket, Target};
use super::ink::{Ink, Tone};
use super::viewport::Point;
use super::zoom::{Look, Zoom};
use crate::layout::{group_order, Grid};
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
/// filter and focus show it, and whether it is on screen (its edges are
/// then visited from it).
#[derive(Debug, Clone, Copy)]
struct Placed {
    at: Point,
    shown: bool,
    visited: bool,
}

/// The nodes of the dot regions on screen, in the order visited (the same
/// for the same graph and view), and where each is.
#[derive(Default)]
struct Seen<'a> {
    order: Vec<(&'a str, Placed)>,
    at: FastMap<&'a str, Placed>,
    /// For each dot region (in the zoom's order), whether every node of
    /// it is on screen.
    whole: Vec<bool>,
}

/// Where an edge's far end is. When the dot regions hold no more nodes off
/// screen than on it, every one is placed up front (`complete`: a node not
/// found is in a box); otherwise, as when a found node's group is open
/// around it at full size, the ones off screen are placed from their
/// region's grid when an edge reaches them, so the frame costs what is on
/// screen, not the graph.
struct Places<'f, 'a> {
    frame: &'f Frame<'a>,
    seen: Seen<'a>,
    complete: bool,
    /// The dot regions' grids, in the regions' order (when not `complete`).
    grids: Vec<(&'a str, Grid)>,
}

impl<'f, 'a> Places<'f, 'a> {
    fn of(frame: &'f Frame<'a>, zoom: &Zoom<'a>, mut seen: Seen<'a>) -> Places<'f, 'a> {
        let dot_regions = || zoom.regions.iter().filter(|region| region.look == Look::Dots);
        let in_dots: usize = dot_regions().map(|region| frame.layout.n_members(region.group)).sum();
        let complete = in_dots <= 2 * seen.order.len();
        let mut grids = Vec::new();
        for (index, region) in dot_regions().enumerate() {
            if !complete {
                grids.extend(frame.layout.grid(region.group).map(|grid| (region.group, grid)));
            } else if !seen.whole.get(index).copied().unwrap_or(false) {
                for (node_id, world) in frame.layout.members(region.group) {
                    if !seen.at.contains_key(node_id) {
                        let at = frame.viewport.to_screen(world.into());
                        seen.at.insert(node_id, Placed { at, shown: frame.lens.shows_node(node_id), visited: false });
                    }
                }
            }
        }
        Places { frame, seen, complete, grids }
    }

    /// None: the node is in a box (its edges are the box's link).
    fn get(&self, node_id: &str) -> Option<Placed> {
        if let Some(placed) = self.seen.at.get(node_id) {
            return Some(*placed);
        }
        if self.complete {
            return None;
        }
        let (group, slot) = self.frame.layout.slot_of(node_id)?;
        let found = self.grids.binary_search_by(|(held, _)| group_order(held, group)).ok();
        let grid = found.and_then(|at| self.grids.get(at))?.1;
        let at = self.frame.viewport.to_screen(grid.position(slot).into());
        Some(Placed { at, shown: self.frame.lens.shows_node(node_id), visited: false })
    }
}

/// The nodes and edges of the dot regions on screen.
pub fn dots<'a>(frame: &Frame<'a>, zoom: &Zoom<'a>, detail: &Detail) -> Dots<'a> {
    let mut out = Dots { edges: edge_buckets(detail), ..Dots::default() };
    let places = Places::of(frame, zoom, node_buckets(frame, zoom, &mut out));
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
    if zoom.all_dots() && places.complete {
        // Most of the graph on screen: every edge in the view's order (the
        // same for the same graph), no look-up for one no bucket takes.
        for edge in frame.view.edges.values() {
            let Some(bucket) = bucket_of(EdgeClass::of(edge.stats.as_ref())) else { continue };
            let (Some(a), Some(b)) = (places.get(&edge.source), places.get(&edge.target)) else { continue };
            add(&edge.id, bucket, a, b);
        }
    } else {
        // The edges of the nodes on screen, from the lens's index of the
        // view's edges (small entries with their ids inline; each node's
        // in id order).
        let graph = lens.graph();
        for &(node_id, here) in &places.seen.order {
            for edge_id in graph.incident(node_id) {
                let Some(edge) = graph.facts(edge_id) else { continue };
                let Some(bucket) = bucket_of(EdgeClass::of_numbers(edge.throughput, edge.error_rate)) else {
                    continue;
                };
                let from_source = edge.source == node_id;
                let Some(there) = places.get(if from_source { &edge.target } else { &edge.source }) else { continue };
                // Each edge once: from its source, or from its target when
                // its source is not on screen.
                if !from_source && there.visited {
                    continue;
                }
                let (a, b) = if from_source { (here, there) } else { (there, here) };
                add(edge_id, bucket, a, b);
            }
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

/// The nodes of the dot regions on screen, in buckets by tone: shown, or
/// faded; labels and keyboard targets for the shown ones. Returns them
/// with where each is, with those of the regions only the overhang
/// reaches (not drawn: their edges may be).
fn node_buckets<'a>(frame: &Frame<'a>, zoom: &Zoom<'a>, out: &mut Dots<'a>) -> Seen<'a> {
    let mut shown = Tone::PAINT_ORDER.map(|tone| NodeBucket { tone, centres: Vec::new() });
    let mut faded = Tone::PAINT_ORDER.map(|tone| NodeBucket { tone, centres: Vec::new() });
    let mut seen = Seen::default();
    let area = frame.viewport.world_shown(frame.screen);
    for region in zoom.regions.iter().filter(|r| r.look == Look::Dots) {
        let before = seen.order.len();
        for (node_id, world) in frame.layout.members_within(region.group, area) {
            let centre = frame.viewport.to_screen(world.into());
            if !frame.screen.shows(centre) {
                continue;
            }
            let visible = frame.lens.shows_node(node_id);
            let placed = Placed { at: centre, shown: visible, visited: true };
            seen.order.push((node_id, placed));
            seen.at.insert(node_id, placed);
            if !region.on_screen || (!visible && !zoom.faded_context) {
                continue;
            }
            let Some(node) = frame.view.nodes.get(node_id) else { continue };
            let tone = Tone::of(&node.status);
            let buckets = if visible { &mut shown } else { &mut faded };
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
        seen.whole.push(seen.order.len() - before == frame.layout.n_members(region.group));
    }
    out.nodes = shown.into_iter().filter(|bucket| !bucket.centres.is_empty()).collect();
    out.faded_nodes = faded.into_iter().filter(|bucket| !bucket.centres.is_empty()).collect();
    seen
}

#[cfg(test)]
mod tests;
