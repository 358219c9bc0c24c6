//! Paints a draw list on the canvas, in its order, in the stylesheet's
//! colours (browser only; what to paint is decided by the scene).

use std::f64::consts::TAU;

use web_sys::CanvasRenderingContext2d;

use crate::layout::Rect;
use crate::scene::boxes::{count_variants, health_variants, GroupBox, LinkLine, Mark};
use crate::scene::detail::Shape;
use crate::scene::dots::{FADED_EDGE_ALPHA, FADED_NODE_ALPHA};
use crate::scene::draw_list::{NodeBucket, RegionFrame};
use crate::scene::ink::Palette;
use crate::scene::link_labels;
use crate::scene::plate::{text_plate, BOX_INSET_PX, HEALTH_LINE_PX};
use crate::scene::titles::{first_whole, header_holds_title, header_title, small_titles, TitlePlace, OUTSIDE_TITLE_PX};
use crate::scene::viewport::Point;
use crate::scene::{DrawList, Ink, Size, Tone};

/// The selected node's edges are drawn this wide.
const SELECTED_EDGE_WIDTH_PX: f64 = 2.0;
const MARK_PX: f64 = 4.0;

struct Painter<'a> {
    ctx: &'a CanvasRenderingContext2d,
    palette: &'a Palette,
}

impl Painter<'_> {
    fn colour(&self, ink: Ink) -> &str {
        self.palette.colour(ink)
    }

    fn stroke(&self, ink: Ink, width: f64, alpha: f64) {
        self.ctx.set_global_alpha(alpha);
        self.ctx.set_stroke_style_str(self.colour(ink));
        self.ctx.set_line_width(width);
        self.ctx.stroke();
    }

    fn fill(&self, ink: Ink, alpha: f64) {
        self.ctx.set_global_alpha(alpha);
        self.ctx.set_fill_style_str(self.colour(ink));
        self.ctx.fill();
    }

    fn text(&self, text: &str, x: f64, y: f64, font: &str, ink: Ink) {
        self.ctx.set_global_alpha(1.0);
        self.ctx.set_font(font);
        self.ctx.set_fill_style_str(self.colour(ink));
        let _ = self.ctx.fill_text(text, x, y);
    }
}

/// Paints `list`: background, region outlines, links, boxes, faded and
/// shown edges, faded and shown nodes, region names, labels, selection.
pub fn paint(ctx: &CanvasRenderingContext2d, list: &DrawList, size: Size, palette: &Palette) {
    let painter = Painter { ctx, palette };
    ctx.set_global_alpha(1.0);
    ctx.set_fill_style_str(painter.colour(Ink::Background));
    ctx.fill_rect(0.0, 0.0, size.width, size.height);
    frame_outlines(&painter, &list.frames);
    links(&painter, list.links.iter().filter(|link| !link.over_boxes()));
    for group_box in &list.boxes {
        paint_box(&painter, group_box);
    }
    marks(&painter, &list.boxes);
    links(&painter, list.links.iter().filter(|link| link.over_boxes()));
    for group_box in &list.boxes {
        box_texts(&painter, group_box);
    }
    link_labels(&painter, &list.links, &list.boxes, &list.frames, size);
    if !list.faded_edges.is_empty() {
        ctx.begin_path();
        for (a, b) in &list.faded_edges {
            ctx.move_to(a.x, a.y);
            ctx.line_to(b.x, b.y);
        }
        painter.stroke(Ink::HealthyEdge, 0.6, FADED_EDGE_ALPHA);
    }
    for bucket in &list.edges {
        ctx.begin_path();
        for (a, b) in &bucket.segments {
            ctx.move_to(a.x, a.y);
            ctx.line_to(b.x, b.y);
        }
        painter.stroke(bucket.ink, bucket.width_px, bucket.alpha);
    }
    selected_edges(&painter, &list.selected_edges);
    nodes(&painter, &list.faded_nodes, list, FADED_NODE_ALPHA);
    nodes(&painter, &list.nodes, list, 1.0);
    // Over the nodes: a name written inside its region's corner stays
    // whole (the members under its plate show through it, faint).
    frame_titles(&painter, &list.frames);
    small_region_titles(&painter, list, size.width);
    if !list.labels.is_empty() {
        let font = format!("{}px system-ui, sans-serif", list.label_font_px);
        ctx.set_text_align("center");
        for label in &list.labels {
            painter.text(label.text, label.at.x, label.at.y, &font, Ink::Label);
        }
        ctx.set_text_align("start");
    }
    for ring in [&list.selection, &list.focus_ring].into_iter().flatten() {
        ctx.begin_path();
        let _ = ctx.arc(ring.centre.x, ring.centre.y, ring.radius_px, 0.0, TAU);
        painter.stroke(Ink::Selection, ring.width_px, 1.0);
    }
    ctx.set_global_alpha(1.0);
}

/// The selected node's edges over the others: healthy ones in the
/// selection's colour, troubled ones in their own on a casing of it (so
/// they stand out from the other troubled edges).
fn selected_edges(painter: &Painter, edges: &[(Point, Point, bool)]) {
    let ctx = painter.ctx;
    for bad in [false, true] {
        ctx.begin_path();
        let mut any = false;
        for (a, b, _) in edges.iter().filter(|(_, _, is_bad)| *is_bad == bad) {
            ctx.move_to(a.x, a.y);
            ctx.line_to(b.x, b.y);
            any = true;
        }
        if any && bad {
            painter.stroke(Ink::Selection, SELECTED_EDGE_WIDTH_PX + 3.0, 0.9);
            painter.stroke(Ink::BadEdge, SELECTED_EDGE_WIDTH_PX, 1.0);
        } else if any {
            painter.stroke(Ink::Selection, SELECTED_EDGE_WIDTH_PX, 0.9);
        }
    }
}

fn nodes(painter: &Painter, buckets: &[NodeBucket], list: &DrawList, alpha: f64) {
    let (ctx, radius) = (painter.ctx, list.detail.node_radius_px);
    for bucket in buckets {
        ctx.begin_path();
        for centre in &bucket.centres {
            if list.detail.shape == Shape::Square {
                ctx.rect(centre.x - radius, centre.y - radius, 2.0 * radius, 2.0 * radius);
            } else {
                ctx.move_to(centre.x + radius, centre.y);
                let _ = ctx.arc(centre.x, centre.y, radius, 0.0, TAU);
            }
        }
        painter.fill(Ink::Status(bucket.tone), alpha);
    }
}

/// Regions showing dots: a thin outline.
fn frame_outlines(painter: &Painter, frames: &[RegionFrame]) {
    painter.ctx.begin_path();
    for frame in frames {
        let r = frame.rect;
        painter.ctx.rect(r.x, r.y, r.width, r.height);
    }
    painter.stroke(Ink::Outline, 1.0, 1.0);
}

/// A region's name stands this far in from its sides.
const TITLE_INSET_PX: f64 = 8.0;

/// Regions showing dots: the group's name in the header, shortened to fit.
fn frame_titles(painter: &Painter, frames: &[RegionFrame]) {
    for frame in frames.iter().filter(|frame| header_holds_title(frame)) {
        let r = frame.rect;
        painter.ctx.save();
        painter.ctx.begin_path();
        painter.ctx.rect(r.x, r.y, r.width, r.height);
        painter.ctx.clip();
        let baseline = r.y + (frame.header_px * 0.45 + 5.0).min(18.0);
        let font = "600 12px system-ui, sans-serif";
        painter.ctx.set_font(font);
        let width_of = |text: &str| painter.ctx.measure_text(text).map_or(0.0, |m| m.width());
        if let Some(title) = header_title(frame, r.width - 2.0 * TITLE_INSET_PX, width_of) {
            painter.text(&title, r.x + TITLE_INSET_PX, baseline, font, Ink::Label);
        }
        painter.ctx.restore();
    }
}

/// The names of the regions too small to hold them, where `small_titles`
/// puts them.
fn small_region_titles(painter: &Painter, list: &DrawList, screen_width: f64) {
    let font = "600 11px system-ui, sans-serif";
    painter.ctx.set_font(font);
    let width_of = |text: &str| text_width(painter.ctx, text);
    for (r, place) in small_titles(&list.frames, &list.boxes, screen_width, width_of) {
        match place {
            TitlePlace::Above(title) => painter.text(&title, r.x, r.y - 5.0, font, Ink::Label),
            TitlePlace::Inside(title) => {
                painter.ctx.begin_path();
                painter.ctx.rect(r.x + 1.0, r.y + 1.0, width_of(&title) + 6.0, OUTSIDE_TITLE_PX - 1.0);
                painter.fill(Ink::BoxFill, 0.9);
                painter.text(&title, r.x + 4.0, r.y + OUTSIDE_TITLE_PX - 4.0, font, Ink::Label);
            }
        }
    }
}

/// Lines between groups.
fn links<'a>(painter: &Painter, links: impl Iterator<Item = &'a LinkLine>) {
    for link in links {
        painter.ctx.begin_path();
        painter.ctx.move_to(link.from.x, link.from.y);
        match link.bend {
            Some(bend) => painter.ctx.quadratic_curve_to(bend.x, bend.y, link.to.x, link.to.y),
            None => painter.ctx.line_to(link.to.x, link.to.y),
        }
        let ink = if link.bad { Ink::BadEdge } else { Ink::HealthyEdge };
        painter.stroke(ink, link.width_px, if link.dimmed { 0.12 } else { 0.55 });
    }
}

/// The links' labels, on a plate, where `link_labels::place` finds room.
fn link_labels(painter: &Painter, links: &[LinkLine], boxes: &[GroupBox], frames: &[RegionFrame], screen: Size) {
    let font = "11px system-ui, sans-serif";
    painter.ctx.set_font(font);
    let regions: Vec<Rect> = boxes.iter().map(|b| b.rect).chain(frames.iter().map(|f| f.rect)).collect();
    let width_of = |text: &str| painter.ctx.measure_text(text).map_or(0.0, |m| m.width());
    for (link, plate) in link_labels::place(links, width_of, &regions, screen) {
        let Some(label) = &link.label else { continue };
        painter.ctx.begin_path();
        painter.ctx.rect(plate.x, plate.y, plate.width, plate.height);
        painter.fill(Ink::Background, 0.85);
        let ink = if link.bad { Ink::BadEdge } else { Ink::Label };
        painter.text(label, plate.x + link_labels::PLATE_PADDING_PX, plate.y + 12.0, font, ink);
    }
}

/// A group box: fill, and outline (alarm colour, or the cursor's).
fn paint_box(painter: &Painter, group_box: &GroupBox) {
    let (ctx, r) = (painter.ctx, group_box.rect);
    let alpha = if group_box.dimmed { 0.45 } else { 1.0 };
    ctx.begin_path();
    ctx.rect(r.x, r.y, r.width, r.height);
    painter.fill(Ink::BoxFill, alpha);
    let (outline, width) = match (group_box.cursor, group_box.alarm) {
        (true, _) => (Ink::Selection, 3.0),
        (false, Some(tone)) => (Ink::Status(tone), 2.0),
        (false, None) => (Ink::Outline, 1.0),
    };
    painter.stroke(outline, width, alpha);
}

/// Every box's unhealthy marks: one path per tone and strength (faint in
/// a dimmed box, or where the filter or focus hides the member).
fn marks(painter: &Painter, boxes: &[GroupBox]) {
    for tone in [Tone::Degraded, Tone::Error] {
        for faint in [false, true] {
            painter.ctx.begin_path();
            let mut any = false;
            for group_box in boxes {
                let wanted = |mark: &&Mark| mark.tone == tone && (group_box.dimmed || mark.faded) == faint;
                for mark in group_box.marks.iter().filter(wanted) {
                    painter.ctx.rect(mark.at.x - MARK_PX / 2.0, mark.at.y - MARK_PX / 2.0, MARK_PX, MARK_PX);
                    any = true;
                }
            }
            if any {
                painter.fill(Ink::Status(tone), if faint { FADED_NODE_ALPHA } else { 1.0 });
            }
        }
    }
}

/// The first of `variants` (longest first) that fits `room_px` in `font`.
fn fitting_variant<'v>(
    ctx: &CanvasRenderingContext2d,
    font: &str,
    variants: &'v [String],
    room_px: f64,
) -> Option<&'v str> {
    ctx.set_font(font);
    let texts: Vec<&str> = variants.iter().map(String::as_str).collect();
    first_whole(&texts, room_px, &|text: &str| text_width(ctx, text))
}

/// `text`'s width in the context's font (a failed measure fits nowhere).
fn text_width(ctx: &CanvasRenderingContext2d, text: &str) -> f64 {
    ctx.measure_text(text).map_or(f64::INFINITY, |m| m.width())
}

/// A box's plate: name, count, health line and histogram (when it fits).
fn box_texts(painter: &Painter, group_box: &GroupBox) {
    let (ctx, r) = (painter.ctx, group_box.rect);
    let alpha = if group_box.dimmed { 0.45 } else { 1.0 };
    let Some(plate) = text_plate(r, !group_box.health.is_empty()) else { return };
    ctx.save();
    ctx.begin_path();
    ctx.rect(r.x, r.y, r.width, r.height);
    ctx.clip();
    let inset = BOX_INSET_PX;
    // The texts' width: the plate's, less its margins.
    let plate_width = plate.width - inset;
    let health_line = if group_box.health.is_empty() { 0.0 } else { HEALTH_LINE_PX };
    ctx.begin_path();
    ctx.rect(plate.x, plate.y, plate.width, plate.height);
    painter.fill(Ink::BoxFill, 0.9);
    painter.text(group_box.group, r.x + inset, r.y + inset + 12.0, "600 13px system-ui, sans-serif", Ink::Text);
    let font = "12px system-ui, sans-serif";
    if let Some(count) = fitting_variant(ctx, font, &count_variants(&group_box.count), plate_width) {
        painter.text(count, r.x + inset, r.y + inset + 28.0, font, Ink::Label);
    }
    if !group_box.health.is_empty() {
        // The colour of the worst status the health line counts.
        let tone = group_box.histogram.iter().any(|(tone, _)| *tone == Tone::Error);
        let ink = Ink::Status(if tone { Tone::Error } else { Tone::Degraded });
        let font = "600 11.5px system-ui, sans-serif";
        if let Some(text) = fitting_variant(ctx, font, &health_variants(&group_box.health), plate_width) {
            painter.text(text, r.x + inset, r.y + inset + 43.0, font, ink);
        }
    }
    let mut x = r.x + inset;
    for (tone, share) in &group_box.histogram {
        let width = share * plate_width;
        ctx.begin_path();
        ctx.rect(x, r.y + inset + 36.0 + health_line, width, 6.0);
        painter.fill(Ink::Status(*tone), alpha);
        x += width;
    }
    ctx.restore();
}
