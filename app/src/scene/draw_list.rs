//! One frame of the topology as plain data. The semantic zoom (`zoom`)
//! says which group regions show dots and which a box; boxes and the lines
//! between them come from the lens's groups (`boxes`), dots and their edges
//! from the dot regions only (`dots`), in buckets of one ink, width and
//! opacity, so the canvas paints each as one path. What the filter and
//! focus leave out is faded, or left out when there is too much of it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use shared::View as MeshView;

use super::boxes::{group_boxes, link_lines, screen_rect, GroupBox, LinkLine};
use super::detail::{Detail, EdgeClass};
use super::dots::dots;
use super::ink::{Ink, Tone};
use super::viewport::{Point, Size, Viewport};
use super::zoom::{Look, Zoom};
use crate::components::edges::is_bad_error_rate;
use crate::layout::{Layout, Rect, REGION_HEADER};
use crate::lens::Lens;

/// Edges of one class, as screen segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeBucket {
    pub class: EdgeClass,
    pub ink: Ink,
    pub alpha: f64,
    pub width_px: f64,
    pub segments: Vec<(Point, Point)>,
}

/// Nodes of one tone, as screen centres (all the same shape and size).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeBucket {
    pub tone: Tone,
    pub centres: Vec<Point>,
}

/// A label's text and where its baseline starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Label<'a> {
    pub at: Point,
    pub text: &'a str,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ring {
    pub centre: Point,
    pub radius_px: f64,
    pub width_px: f64,
}

/// A region showing its dots: its outline and its name, on screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionFrame<'a> {
    pub group: &'a str,
    pub rect: Rect,
    pub title: String,
    /// The band above the first row of dots, on screen (the title's room).
    pub header_px: f64,
}

/// What the keyboard and the pointer can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target<'a> {
    Node(&'a str),
    Group(&'a str),
}

/// Everything one frame is drawn from.
pub struct Frame<'a> {
    pub view: &'a MeshView,
    pub layout: &'a Layout,
    pub lens: &'a Lens,
    pub viewport: &'a Viewport,
    pub screen: Size,
    pub selected: Option<&'a str>,
    /// Groups the user opened (they show dots among boxes).
    pub expanded: &'a BTreeSet<String>,
    /// The group the keyboard is on.
    pub cursor: Option<&'a str>,
}

/// What one frame paints, in order: background, region frames, links,
/// boxes, faded edges, edge buckets, faded nodes, node buckets, labels,
/// selection. Empty buckets are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawList<'a> {
    pub detail: Detail,
    #[serde(borrow)]
    pub frames: Vec<RegionFrame<'a>>,
    pub links: Vec<LinkLine>,
    #[serde(borrow)]
    pub boxes: Vec<GroupBox<'a>>,
    pub faded_edges: Vec<(Point, Point)>,
    pub edges: Vec<EdgeBucket>,
    pub faded_nodes: Vec<NodeBucket>,
    pub nodes: Vec<NodeBucket>,
    pub label_font_px: f64,
    #[serde(borrow)]
    pub labels: Vec<Label<'a>>,
    pub selection: Option<Ring>,
    /// The selected node's edges that the filter and focus show (from,
    /// to, bad), drawn over the others while its region shows dots: where
    /// it talks to, at a glance, in a dense graph.
    pub selected_edges: Vec<(Point, Point, bool)>,
    /// Around the focused node, a wider ring.
    pub focus_ring: Option<Ring>,
    /// Shown dots and boxes on screen, for keyboard and pointer (the
    /// page's: not sent to a paint worker).
    #[serde(skip)]
    pub targets: Vec<(Target<'a>, Point)>,
}

impl<'a> DrawList<'a> {
    pub fn build(frame: &Frame<'a>) -> DrawList<'a> {
        let detail = Detail::at(frame.viewport.scale, frame.view.edges.len());
        let groups = frame.lens.groups();
        let shown = |group: &str| groups.group(group).map_or(0, |stats| stats.n_shown());
        let zoom = Zoom::decide(frame.layout, shown, frame.viewport, frame.screen, frame.expanded);
        let dots = dots(frame, &zoom, &detail);
        let n_on_screen = dots.nodes.iter().map(|bucket| bucket.centres.len()).sum();
        let (label_font_px, labels) = match detail.labels(n_on_screen) {
            Some(style) => {
                let offset = |at: Point| Point { x: at.x + style.dx, y: at.y + style.dy };
                let placed =
                    dots.labels.into_iter().map(|(rank, label)| (rank, Label { at: offset(label.at), ..label }));
                let dots: Vec<Point> = dots.nodes.iter().flat_map(|bucket| bucket.centres.iter().copied()).collect();
                (style.font_px, declutter(placed.collect(), style.font_px, &dots, detail.node_radius_px))
            }
            None => (0.0, Vec::new()),
        };
        let boxes = group_boxes(&zoom, frame.layout, frame.lens, frame.view, frame.viewport, frame.cursor);
        // A node's place on screen: its dot, or where its box marks it.
        let placed = |node_id: &str| {
            let at = frame.viewport.to_screen(frame.layout.position(node_id)?.into());
            let group = frame.layout.group_of(node_id);
            Some(boxes.iter().find(|b| Some(b.group) == group).map_or(at, |b| b.mark_place(at)))
        };
        let (ring_px, ring_width_px) = detail.selection_ring_px();
        let selection =
            frame.selected.and_then(placed).map(|centre| Ring { centre, radius_px: ring_px, width_px: ring_width_px });
        let focus_ring = frame.lens.focus().and_then(|focus| placed(&focus.node_id)).map(|centre| Ring {
            centre,
            radius_px: ring_px + FOCUS_RING_GAP_PX,
            width_px: 1.5,
        });
        let mut targets = dots.targets;
        let box_centre = |b: &GroupBox<'a>| Point::new(b.rect.x + b.rect.width / 2.0, b.rect.y + b.rect.height / 2.0);
        targets.extend(boxes.iter().map(|b| (Target::Group(b.group), box_centre(b))));
        DrawList {
            detail,
            frames: region_frames(frame, &zoom),
            links: link_lines(&zoom, frame.lens, frame.viewport, frame.screen),
            boxes,
            faded_edges: dots.faded_edges,
            edges: dots.edges,
            faded_nodes: dots.faded_nodes,
            nodes: dots.nodes,
            label_font_px,
            labels,
            selected_edges: selected_edges(frame, &zoom),
            selection,
            focus_ring,
            targets,
        }
    }
}

/// A selected hub's edges drawn at most (its busiest few hundred say where
/// it talks to; thousands would cover the picture).
const MAX_SELECTED_EDGES: usize = 500;

/// The selected node's shown edges, in id order, as the scene draws
/// edges: one by one between regions of dots (an edge into a box is part
/// of its group's link, and is not drawn over the box's texts); an end
/// without a place is left out.
fn selected_edges(frame: &Frame, zoom: &Zoom) -> Vec<(Point, Point, bool)> {
    let Some(node_id) = frame.selected else { return Vec::new() };
    let dotted = |id: &str| {
        let group = frame.layout.group_of(id);
        zoom.regions.iter().any(|region| Some(region.group) == group && region.look == Look::Dots)
    };
    if !dotted(node_id) {
        return Vec::new();
    }
    let (graph, lens) = (frame.lens.graph(), frame.lens);
    let at = |id: &str| {
        let world = if dotted(id) { frame.layout.position(id) } else { None };
        world.map(|world| frame.viewport.to_screen(world.into()))
    };
    let shown = graph.incident(node_id).filter(|edge_id| !lens.is_narrowed() || lens.shows_edge(edge_id));
    shown
        .take(MAX_SELECTED_EDGES)
        .filter_map(|edge_id| {
            let (source, target) = graph.ends(edge_id)?;
            let bad = is_bad_error_rate(graph.facts(edge_id)?.error_rate);
            Some((at(source)?, at(target)?, bad))
        })
        .collect()
}

/// The focus ring sits this far outside the selection ring.
const FOCUS_RING_GAP_PX: f64 = 5.0;

/// A label's width, estimated from its length (no canvas to measure with).
const LABEL_CHAR_WIDTH: f64 = 0.58;

/// The labels (centred on their point) that cover no dot and no label
/// placed before them, most wanted first (lower rank), in the order given
/// otherwise: a dense row shows every other label; zoomed in, all. At most 400 labels against
/// as many dots, only while labels show at all.
fn declutter<'a>(mut labels: Vec<(u8, Label<'a>)>, font_px: f64, dots: &[Point], radius: f64) -> Vec<Label<'a>> {
    crate::sort::sort_by_key(&mut labels, |(rank, _)| *rank);
    let dot_rects: Vec<Rect> = dots
        .iter()
        .map(|c| Rect { x: c.x - radius, y: c.y - radius, width: 2.0 * radius, height: 2.0 * radius })
        .collect();
    let mut kept: Vec<(Rect, Label)> = Vec::with_capacity(labels.len());
    for (_, label) in labels {
        let width = label.text.chars().count() as f64 * font_px * LABEL_CHAR_WIDTH;
        let rect = Rect { x: label.at.x - width / 2.0, y: label.at.y - font_px, width, height: font_px + 2.0 };
        let padded = Rect { x: rect.x - 2.0, width: rect.width + 4.0, ..rect };
        let clear =
            !kept.iter().any(|(other, _)| padded.overlaps(other)) && !dot_rects.iter().any(|dot| rect.overlaps(dot));
        if clear {
            kept.push((rect, label));
        }
    }
    kept.into_iter().map(|(_, label)| label).collect()
}

/// The outlines and names of the regions showing dots.
fn region_frames<'a>(frame: &Frame<'a>, zoom: &Zoom<'a>) -> Vec<RegionFrame<'a>> {
    let groups = frame.lens.groups();
    zoom.regions
        .iter()
        .filter(|region| region.look == Look::Dots && region.on_screen)
        .map(|region| {
            let stats = groups.group(region.group);
            let n = stats.map_or(0, |stats| stats.n_nodes);
            let title = match stats {
                Some(stats) if frame.lens.is_narrowed() => format!("{} · {} of {n}", region.group, stats.n_shown()),
                _ => format!("{} · {n}", region.group),
            };
            let rect = screen_rect(region.world, frame.viewport);
            RegionFrame { group: region.group, rect, title, header_px: REGION_HEADER * frame.viewport.scale }
        })
        .collect()
}

#[cfg(test)]
mod box_member_tests;
#[cfg(test)]
mod link_tests;
#[cfg(test)]
mod tests;
