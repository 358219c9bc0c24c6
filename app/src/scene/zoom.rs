//! Semantic zoom: which group regions show their nodes as dots and which
//! as one box. While at most `MAX_DOTS_ON_SCREEN` of the nodes the filter
//! and focus show would be on screen, every region shows its dots; above
//! that, each region is a box, except the groups the user opened (a click
//! on a box, a search) and groups small enough to read anyway. Zooming in
//! puts fewer nodes on screen, so boxes open by themselves. What is on screen is estimated from the share of
//! each region in view: O(groups), not O(nodes).

use std::collections::BTreeSet;

use super::viewport::{Size, Viewport};
use crate::layout::{Layout, Rect};

/// More dots than this on screen cannot be read: groups show instead.
pub const MAX_DOTS_ON_SCREEN: usize = 300;
/// A group this small shows its dots even among boxes (a box would hide
/// less than it takes).
pub const SMALL_GROUP_DOTS: usize = 16;
/// Nodes the filter or focus leave out are still drawn, faded, for
/// context, while at most this many nodes are in the dot regions on screen.
pub const MAX_FADED_CONTEXT: usize = 4000;

/// How a region is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    Dots,
    Box,
}

/// A region as this frame draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionView<'a> {
    pub group: &'a str,
    pub world: Rect,
    pub look: Look,
    /// Any of it is on screen.
    pub on_screen: bool,
}

/// The looks of every region, and whether faded context fits.
#[derive(Debug, Clone, PartialEq)]
pub struct Zoom<'a> {
    /// In the layout's order of regions (`layout::group_order`).
    pub regions: Vec<RegionView<'a>>,
    /// Nodes outside the filter or focus are drawn faded (else hidden).
    pub faded_context: bool,
}

/// The share of `world` (a rectangle in layout units) that is on screen.
fn share_on_screen(world: Rect, viewport: &Viewport, screen: Size) -> f64 {
    let (x0, y0) = (world.x * viewport.scale + viewport.offset.x, world.y * viewport.scale + viewport.offset.y);
    let (w, h) = (world.width * viewport.scale, world.height * viewport.scale);
    let seen = |start: f64, length: f64, room: f64| (start + length).min(room) - start.max(0.0);
    let (seen_w, seen_h) = (seen(x0, w, screen.width).max(0.0), seen(y0, h, screen.height).max(0.0));
    if w <= 0.0 || h <= 0.0 {
        return 0.0;
    }
    (seen_w * seen_h) / (w * h)
}

impl<'a> Zoom<'a> {
    /// `shown(group)`: how many of its nodes the filter and focus show.
    pub fn decide(
        layout: &'a Layout,
        shown: impl Fn(&str) -> usize,
        viewport: &Viewport,
        screen: Size,
        expanded: &BTreeSet<String>,
    ) -> Zoom<'a> {
        let mut shown_on_screen = 0.0;
        let mut regions: Vec<RegionView<'a>> = layout
            .regions()
            .map(|(group, world)| {
                let share = share_on_screen(world, viewport, screen);
                shown_on_screen += shown(group) as f64 * share;
                RegionView { group, world, look: Look::Dots, on_screen: share > 0.0 }
            })
            .collect();
        if shown_on_screen > MAX_DOTS_ON_SCREEN as f64 {
            for region in &mut regions {
                if !expanded.contains(region.group) && shown(region.group) > SMALL_GROUP_DOTS {
                    region.look = Look::Box;
                }
            }
        }
        let in_dots: f64 = regions
            .iter()
            .filter(|region| region.look == Look::Dots)
            .map(|region| layout.n_members(region.group) as f64 * share_on_screen(region.world, viewport, screen))
            .sum();
        Zoom { regions, faded_context: in_dots <= MAX_FADED_CONTEXT as f64 }
    }

    pub fn look_of(&self, group: &str) -> Option<Look> {
        self.regions.iter().find(|region| region.group == group).map(|region| region.look)
    }

    /// Whether every region shows dots (nothing is boxed).
    pub fn all_dots(&self) -> bool {
        self.regions.iter().all(|region| region.look == Look::Dots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::viewport::Point;

    /// Groups a (200 nodes), b (150) and c (10), packed for a wide panel.
    fn layout() -> Layout {
        let mut nodes: Vec<(String, &str)> = Vec::new();
        for (group, n) in [("a", 200), ("b", 150), ("c", 10)] {
            nodes.extend((0..n).map(|i| (format!("{group}{i}"), group)));
        }
        let mut layout = Layout::default();
        layout.rebuild(nodes.iter().map(|(id, group)| (id.as_str(), *group)), 3.0);
        layout
    }

    fn looks(zoom: &Zoom) -> Vec<(String, Look, bool)> {
        zoom.regions.iter().map(|r| (r.group.to_owned(), r.look, r.on_screen)).collect()
    }

    #[test]
    fn boxes_above_a_few_hundred_dots_on_screen_and_dots_below() {
        let layout = layout();
        let screen = Size { width: 1200.0, height: 400.0 };
        let fitted = Viewport::fit(layout.bounds().unwrap_or_default(), screen);
        let all = |group: &str| layout.n_members(group);
        let none: BTreeSet<String> = BTreeSet::new();
        // Fitted: 360 on screen: every region a box, but c's 10 nodes show.
        let zoom = Zoom::decide(&layout, all, &fitted, screen, &none);
        let boxed = |g: &str| (g.to_owned(), Look::Box, true);
        assert_eq!(looks(&zoom), [boxed("a"), boxed("b"), ("c".to_owned(), Look::Dots, true)]);
        // A filter showing 100 of them: dots everywhere, faded context fits.
        let few = |group: &str| if group == "a" { 100 } else { 0 };
        let zoom = Zoom::decide(&layout, few, &fitted, screen, &none);
        assert!(zoom.all_dots() && zoom.faded_context);
        // A group the user opened shows its dots among the boxes.
        let opened: BTreeSet<String> = ["b".to_owned()].into();
        let zoom = Zoom::decide(&layout, all, &fitted, screen, &opened);
        assert_eq!(
            (zoom.look_of("a"), zoom.look_of("b"), zoom.look_of("x")),
            (Some(Look::Box), Some(Look::Dots), None)
        );
        // Zoomed into a corner of a: few of its nodes are on screen, so dots.
        let a = layout.region("a").unwrap_or(Rect { x: 0.0, y: 0.0, width: 0.0, height: 0.0 });
        let close = Viewport { scale: 2.0, offset: Point::new(-a.x * 2.0, -a.y * 2.0) };
        let zoom = Zoom::decide(&layout, all, &close, Size { width: 300.0, height: 200.0 }, &none);
        assert_eq!(zoom.look_of("a"), Some(Look::Dots));
        assert_eq!(zoom.regions.iter().filter(|r| r.on_screen).count(), 1);
    }

    #[test]
    fn the_share_on_screen_is_the_visible_area() {
        let world = Rect { x: 0.0, y: 0.0, width: 100.0, height: 100.0 };
        let screen = Size { width: 50.0, height: 200.0 };
        let at =
            |scale: f64, x: f64, y: f64| share_on_screen(world, &Viewport { scale, offset: Point::new(x, y) }, screen);
        assert_eq!(at(1.0, 0.0, 0.0), 0.5);
        assert_eq!(at(1.0, -75.0, 150.0), 0.25 * 0.5);
        assert_eq!(at(1.0, 60.0, 0.0), 0.0);
        assert_eq!(at(0.5, 0.0, 0.0), 1.0);
    }
}
