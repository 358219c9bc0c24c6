//! A group zoomed out: a box with its name, its node count (shown of all
//! while the filter or focus narrows), a status histogram, and a mark for
//! every unhealthy member at its place (moved below the texts: `plate`);
//! and between boxes, one line per pair of groups for all their edges
//! (width by summed throughput, red when the worst error rate is bad,
//! labelled when there is room).

use serde::{Deserialize, Serialize};
use shared::{Status, View as MeshView};

use super::ink::Tone;
use super::plate;
use super::route::{self, Route};
use super::viewport::{Point, Size, Viewport};
use super::zoom::{Look, Zoom};
use crate::format::{compact, percent};
use crate::layout::{Layout, Rect};
use crate::lens::Lens;

/// Marks drawn in one box at most (the histogram still counts them all).
pub const MAX_MARKS_PER_BOX: usize = 2000;
/// A link is at least this long on screen (between boxes closer than
/// this it reaches into both).
const MIN_LINK_PX: f64 = 16.0;
/// Links between regions whose centres are closer than this on screen
/// carry no label.
const LABEL_FROM_PX: f64 = 140.0;
/// Labelled links at most (the most troubled first, then the busiest).
const MAX_LINK_LABELS: usize = 8;
/// A box is outlined in alarm from this share of its members in error
/// (or in error and degraded together, for the degraded colour).
const ALARM_ERROR_SHARE: f64 = 0.10;
const ALARM_UNHEALTHY_SHARE: f64 = 0.25;
/// Links routed around the regions between their ends, at most per frame
/// (the rest are straight): each try of a bow checks 40 points of it
/// against every region on screen (60 groups fitted: +0.3 ms a frame
/// natively, `cargo bench -p app --bench scene`).
const MAX_ROUTED_LINKS: usize = 64;
/// A bowed link keeps this far from the regions it passes, in px, beyond
/// its half width.
const LINK_CLEARANCE_PX: f64 = 4.0;
/// A link is drawn bad from this share of its edges at a bad error rate.
const BAD_LINK_SHARE: f64 = 0.10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupBox<'a> {
    pub group: &'a str,
    /// On screen, in px.
    pub rect: Rect,
    pub count: String,
    /// "3 error · 12 degraded", or empty; of the shown members while the
    /// filter or focus narrows, as the histogram and the alarm.
    pub health: String,
    /// Status segments in the legend's order: (tone, share of the members).
    pub histogram: Vec<(Tone, f64)>,
    /// Error and degraded members where they sit (below the texts).
    pub marks: Vec<Mark>,
    /// Error when `ALARM_ERROR_SHARE` of the members are in error,
    /// degraded when `ALARM_UNHEALTHY_SHARE` are unhealthy.
    pub alarm: Option<Tone>,
    /// The filter or focus shows none of its nodes.
    pub dimmed: bool,
    /// The keyboard is on it.
    pub cursor: bool,
}

/// An unhealthy member where it sits in its box.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    pub tone: Tone,
    pub at: Point,
    /// The filter or focus hides the member: drawn faint, so that the
    /// members that match stand out (a filter for one region must not
    /// show the other regions' errors at full strength).
    pub faded: bool,
}

/// All the edges between two groups, as one line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkLine {
    pub from: Point,
    pub to: Point,
    pub width_px: f64,
    /// At least `BAD_LINK_SHARE` of its edges have a bad error rate.
    pub bad: bool,
    /// Every edge of it is outside the filter or focus.
    pub dimmed: bool,
    pub label: Option<String>,
    /// Where it bows around a region between its ends: the control point
    /// of a quadratic curve (`route`); `None`: straight.
    pub bend: Option<Point>,
    /// It runs straight across a region it does not join (no bow cleared).
    pub across: bool,
}

impl GroupBox<'_> {
    /// Where the box marks a member whose place in its region is `at`.
    pub fn mark_place(&self, at: Point) -> Point {
        plate::mark_place(self.rect, !self.health.is_empty(), at)
    }
}

impl LinkLine {
    /// Painted over the boxes (under their texts): a troubled link that
    /// does not run across a region it does not join, so that it shows
    /// where it meets its boxes; over a third box it would read as that
    /// group's trouble, so then it goes under the boxes with the others.
    pub fn over_boxes(&self) -> bool {
        self.bad && !self.across
    }

    /// The point at `t` (0..=1) along its line or curve.
    pub fn along(&self, t: f64) -> Point {
        route::along(self.from, self.to, self.bend, t)
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// "3 error · 12 degraded", then shorter forms for narrow boxes.
pub fn health_variants(health: &str) -> Vec<String> {
    let short = health.replace(" error", " err").replace(" degraded", " deg");
    let first = short.split(" · ").next().unwrap_or_default().to_owned();
    vec![health.to_owned(), short, first]
}

/// "1,653 nodes" or "567 of 1,653", then shorter forms for narrow boxes.
pub fn count_variants(count: &str) -> Vec<String> {
    let short = count.strip_suffix(" nodes").map_or_else(|| count.replace(" of ", "/"), str::to_owned);
    vec![count.to_owned(), short]
}

pub fn screen_rect(world: Rect, viewport: &Viewport) -> Rect {
    let corner = viewport.to_screen(Point::new(world.x, world.y));
    Rect { x: corner.x, y: corner.y, width: world.width * viewport.scale, height: world.height * viewport.scale }
}

fn centre(rect: Rect) -> Point {
    Point::new(rect.x + rect.width / 2.0, rect.y + rect.height / 2.0)
}

/// Where the way from `rect`'s centre to `towards` leaves `rect` (or
/// `towards` itself, inside it).
fn border_towards(rect: Rect, towards: Point) -> Point {
    let from = centre(rect);
    let (dx, dy) = (towards.x - from.x, towards.y - from.y);
    // The share of the way at which each pair of sides is reached.
    let reach = |half: f64, delta: f64| if delta == 0.0 { f64::INFINITY } else { half / delta.abs() };
    let share = reach(rect.width / 2.0, dx).min(reach(rect.height / 2.0, dy)).min(1.0);
    Point::new(from.x + dx * share, from.y + dy * share)
}

/// A link between two regions, from border to border, so that it does
/// not run over the boxes it joins (their marks and texts stay clear),
/// and its middle, where its label goes, lies between them. Across a gap
/// narrower than `MIN_LINK_PX` it reaches into both, so that it still
/// shows; regions that overlap have no way between their borders: centre
/// to centre.
fn border_to_border(a: Rect, b: Rect) -> (Point, Point) {
    let (centre_a, centre_b) = (centre(a), centre(b));
    let (from, to) = (border_towards(a, centre_b), border_towards(b, centre_a));
    let (dx, dy) = (centre_b.x - centre_a.x, centre_b.y - centre_a.y);
    let (length, gap) = (dx.hypot(dy), (to.x - from.x) * dx + (to.y - from.y) * dy);
    if gap < 0.0 || length <= MIN_LINK_PX {
        return (centre_a, centre_b);
    }
    let gap = gap / length;
    if gap >= MIN_LINK_PX {
        return (from, to);
    }
    // Each end moves back along the line by half the shortfall.
    let back = (MIN_LINK_PX - gap) / 2.0 / length;
    (Point::new(from.x - dx * back, from.y - dy * back), Point::new(to.x + dx * back, to.y + dy * back))
}

/// The boxes of the regions zoomed out and on screen.
pub fn group_boxes<'a>(
    zoom: &Zoom<'a>,
    layout: &Layout,
    lens: &Lens,
    view: &MeshView,
    viewport: &Viewport,
    cursor: Option<&str>,
) -> Vec<GroupBox<'a>> {
    let boxed = zoom.regions.iter().filter(|region| region.look == Look::Box && region.on_screen);
    boxed
        .filter_map(|region| {
            let stats = lens.groups().group(region.group)?;
            let n = stats.n_nodes;
            let count = if lens.is_narrowed() {
                format!("{} of {}", thousands(stats.n_shown()), thousands(n))
            } else {
                format!("{} nodes", thousands(n))
            };
            // The histogram and the health line count what the count
            // counts: the shown members while the filter or focus narrows.
            let (n_counted, by_status) = stats.counted(lens.is_narrowed());
            let share = |count: usize| count as f64 / n_counted.max(1) as f64;
            let histogram = Tone::ALL
                .iter()
                .zip(*by_status)
                .filter(|(_, count)| *count > 0)
                .map(|(tone, count)| (*tone, share(count)))
                .collect();
            let (errors, degraded) = (by_status.get(3).copied(), by_status.get(2).copied());
            let (errors, degraded) = (errors.unwrap_or(0), degraded.unwrap_or(0));
            let alarm = if share(errors) >= ALARM_ERROR_SHARE {
                Some(Tone::Error)
            } else {
                (share(errors + degraded) >= ALARM_UNHEALTHY_SHARE).then_some(Tone::Degraded)
            };
            let health = match (errors, degraded) {
                (0, 0) => String::new(),
                (e, 0) => format!("{} error", thousands(e)),
                (0, d) => format!("{} degraded", thousands(d)),
                (e, d) => format!("{} error · {} degraded", thousands(e), thousands(d)),
            };
            let rect = screen_rect(region.world, viewport);
            let marks = stats
                .unhealthy
                .iter()
                .take(MAX_MARKS_PER_BOX)
                .filter_map(|id| {
                    let tone = match view.nodes.get(&id.0)?.status {
                        Status::Error => Tone::Error,
                        _ => Tone::Degraded,
                    };
                    let at = viewport.to_screen(layout.position(&id.0)?.into());
                    let at = plate::mark_place(rect, !health.is_empty(), at);
                    Some(Mark { tone, at, faded: lens.is_narrowed() && !lens.shows_node(&id.0) })
                })
                .collect();
            Some(GroupBox {
                group: region.group,
                rect,
                count,
                health,
                histogram,
                marks,
                alarm,
                dimmed: lens.is_narrowed() && stats.n_shown() == 0,
                cursor: cursor == Some(region.group),
            })
        })
        .collect()
}

/// One line per pair of groups of which one at least is a box (and one
/// at least on screen), from region border to region border, bowed around
/// the regions between (at most `MAX_ROUTED_LINKS` of them, the most
/// troubled and busiest first); the most troubled, then the busiest, long
/// enough ones are labelled.
pub fn link_lines(zoom: &Zoom, lens: &Lens, viewport: &Viewport, screen: Size) -> Vec<LinkLine> {
    let mut lines = unlabelled_links(zoom, lens, viewport);
    let mut order: Vec<usize> = (0..lines.len()).collect();
    crate::sort::sort_by(&mut order, |a, b| {
        let key = |at: &usize| lines.get(*at).map_or((false, 0.0), |c| (c.line.bad, c.throughput));
        let (ka, kb) = (key(a), key(b));
        kb.0.cmp(&ka.0).then(kb.1.total_cmp(&ka.1))
    });
    let regions: Vec<(&str, Rect)> = zoom
        .regions
        .iter()
        .filter(|region| region.on_screen)
        .map(|region| (region.group, screen_rect(region.world, viewport)))
        .collect();
    let mut budget = MAX_LINK_LABELS;
    for (rank, at) in order.into_iter().enumerate() {
        let Some(Candidate { line, label, groups, rects, .. }) = lines.get_mut(at) else { continue };
        if rank < MAX_ROUTED_LINKS {
            let others: Vec<Rect> =
                regions.iter().filter(|(group, _)| !groups.contains(group)).map(|(_, rect)| *rect).collect();
            let clearance = line.width_px / 2.0 + LINK_CLEARANCE_PX;
            match route::route(rects[0], rects[1], &others, screen, clearance) {
                Route::Straight => {}
                Route::Bowed(from, bend, to) => (line.from, line.bend, line.to) = (from, Some(bend), to),
                Route::Across => line.across = true,
            }
        }
        if budget > 0 && label.is_some() && !line.dimmed {
            line.label = label.take();
            budget -= 1;
        }
    }
    lines.into_iter().map(|candidate| candidate.line).collect()
}

/// A link before its label and route are chosen.
struct Candidate<'a> {
    line: LinkLine,
    /// The label it would have (if its regions are far enough apart).
    label: Option<String>,
    throughput: f64,
    /// The groups it joins, and their regions on screen.
    groups: [&'a str; 2],
    rects: [Rect; 2],
}

/// The lines, straight from border to border, unlabelled.
fn unlabelled_links<'a>(zoom: &Zoom<'a>, lens: &Lens, viewport: &Viewport) -> Vec<Candidate<'a>> {
    let region = |group: &str| zoom.regions.iter().find(|r| r.group == group);
    lens.groups()
        .links()
        .filter(|((a, b), _)| a != b)
        .filter_map(|((a, b), stats)| {
            let (a, b) = (region(a)?, region(b)?);
            // Between two regions of dots, the edges are drawn one by one.
            let ((world_a, seen_a), (world_b, seen_b)) = ((a.world, a.on_screen), (b.world, b.on_screen));
            if (!seen_a && !seen_b) || (a.look == Look::Dots && b.look == Look::Dots) {
                return None;
            }
            let (rect_a, rect_b) = (screen_rect(world_a, viewport), screen_rect(world_b, viewport));
            let (from, to) = border_to_border(rect_a, rect_b);
            let (centre_a, centre_b) = (centre(rect_a), centre(rect_b));
            let long = (centre_b.x - centre_a.x).hypot(centre_b.y - centre_a.y) >= LABEL_FROM_PX;
            let throughput = stats.throughput();
            let label = long.then(|| match stats.worst_error_rate() {
                Some(rate) => format!("{}/s · worst {} err", compact(throughput), percent(rate)),
                None => format!("{}/s", compact(throughput)),
            });
            let line = LinkLine {
                from,
                to,
                width_px: (1.0 + throughput.max(0.0).ln_1p() / 2.0).clamp(1.0, 8.0),
                bad: stats.n_bad as f64 >= BAD_LINK_SHARE * stats.n_edges as f64 && stats.n_bad > 0,
                dimmed: lens.is_narrowed() && stats.n_shown == 0,
                label: None,
                bend: None,
                across: false,
            };
            Some(Candidate { line, label, throughput, groups: [a.group, b.group], rects: [rect_a, rect_b] })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_in_thousands() {
        let cases = [(0, "0"), (999, "999"), (1000, "1,000"), (12_345, "12,345"), (1_234_567, "1,234,567")];
        for (n, text) in cases {
            assert_eq!(thousands(n), text);
        }
    }

    #[test]
    fn narrow_boxes_get_shorter_texts() {
        let counts: [(&str, &[&str]); 2] =
            [("1,653 nodes", &["1,653 nodes", "1,653"]), ("567 of 1,653", &["567 of 1,653", "567/1,653"])];
        for (text, variants) in counts {
            assert_eq!(count_variants(text), variants, "{text}");
        }
        let healths: [(&str, &[&str]); 2] = [
            ("3 error · 12 degraded", &["3 error · 12 degraded", "3 err · 12 deg", "3 err"]),
            ("12 degraded", &["12 degraded", "12 deg", "12 deg"]),
        ];
        for (text, variants) in healths {
            assert_eq!(health_variants(text), variants, "{text}");
        }
    }

    fn rect(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect { x, y, width, height }
    }

    #[test]
    fn links_run_from_border_to_border() {
        // (a, b, from, to) for 100 × 100 boxes: side by side, 100 px
        // apart; one above a 100 × 40 one; diagonal, to (300, 150) (the
        // centres' slope 1/2 leaves a through its right side at y 75, and
        // enters b through its left side at y 175); 6 px apart (the 16 px
        // link reaches 5 px into each); touching (8 px into each); and
        // overlapping (centre to centre).
        let cases = [
            (rect(0.0, 0.0, 100.0, 100.0), rect(200.0, 0.0, 100.0, 100.0), (100.0, 50.0), (200.0, 50.0)),
            (rect(0.0, 0.0, 100.0, 100.0), rect(0.0, 300.0, 100.0, 40.0), (50.0, 100.0), (50.0, 300.0)),
            (rect(0.0, 0.0, 100.0, 100.0), rect(300.0, 150.0, 100.0, 100.0), (100.0, 75.0), (300.0, 175.0)),
            (rect(0.0, 0.0, 100.0, 100.0), rect(106.0, 0.0, 100.0, 100.0), (95.0, 50.0), (111.0, 50.0)),
            (rect(0.0, 0.0, 100.0, 100.0), rect(100.0, 0.0, 100.0, 100.0), (92.0, 50.0), (108.0, 50.0)),
            (rect(0.0, 0.0, 100.0, 100.0), rect(50.0, 0.0, 100.0, 100.0), (50.0, 50.0), (100.0, 50.0)),
        ];
        for (a, b, from, to) in cases {
            let (got_from, got_to) = border_to_border(a, b);
            assert_eq!(((got_from.x, got_from.y), (got_to.x, got_to.y)), (from, to), "{a:?} to {b:?}");
        }
    }
}
