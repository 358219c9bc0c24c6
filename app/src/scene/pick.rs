//! Hit-testing: which node a click selects.

use super::detail::pick_reach_px;
use super::viewport::{Point, Viewport};

/// The node nearest to the screen point `at`, if within reach of its dot;
/// `nodes` are ids with positions in layout units. On a tie, the first.
pub fn pick<'a>(nodes: impl IntoIterator<Item = (&'a str, Point)>, viewport: &Viewport, at: Point) -> Option<&'a str> {
    let reach = pick_reach_px(viewport.scale);
    nodes
        .into_iter()
        .filter_map(|(node_id, world)| {
            let centre = viewport.to_screen(world);
            let distance = (centre.x - at.x).hypot(centre.y - at.y);
            (distance <= reach).then_some((distance, node_id))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, node_id)| node_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three nodes in a row, 36 units apart, and one far away.
    const NODES: [(&str, (f64, f64)); 4] =
        [("a", (0.0, 0.0)), ("b", (36.0, 0.0)), ("c", (72.0, 0.0)), ("far", (0.0, 360.0))];

    fn check(scale: f64, offset: (f64, f64), at: (f64, f64), expected: Option<&str>) {
        let viewport = Viewport { scale, offset: offset.into() };
        let nodes = NODES.iter().map(|(id, world)| (*id, Point::from(*world)));
        assert_eq!(pick(nodes, &viewport, at.into()), expected, "scale {scale}, offset {offset:?}, click {at:?}");
    }

    #[test]
    fn a_click_selects_the_nearest_dot_within_reach() {
        // Zoom 1: dots of radius 7, reach 13.
        check(1.0, (0.0, 0.0), (0.0, 0.0), Some("a"));
        check(1.0, (0.0, 0.0), (13.0, 0.0), Some("a"));
        check(1.0, (0.0, 0.0), (0.0, 13.5), None);
        check(1.0, (0.0, 0.0), (25.0, 0.0), Some("b")); // 25 from a, 11 from b
        check(1.0, (0.0, 0.0), (18.0, 0.0), None); // halfway: out of both reaches
        check(1.0, (0.0, 0.0), (5.0, 355.0), Some("far"));
        // Panned by (100, 50): a is at (100, 50) on screen.
        check(1.0, (100.0, 50.0), (100.0, 60.0), Some("a"));
        check(1.0, (100.0, 50.0), (0.0, 0.0), None);
        // Zoom 4: dots of radius 12 (capped), reach 18; b is at (144, 0).
        check(4.0, (0.0, 0.0), (126.0, 0.0), Some("b"));
        check(4.0, (0.0, 0.0), (125.0, 0.0), None);
        // Zoom 0.25: reach 9.5; c is at (18, 0), b at (9, 0).
        check(0.25, (0.0, 0.0), (17.0, 0.0), Some("c"));
        check(0.25, (0.0, 0.0), (30.0, 0.0), None);
        // Reaches overlap when zoomed out: halfway between two, the first listed.
        check(0.25, (0.0, 0.0), (4.5, 0.0), Some("a"));
        check(0.25, (0.0, 0.0), (13.5, 0.0), Some("b"));
    }

    #[test]
    fn nothing_to_pick_from_picks_nothing() {
        assert_eq!(pick([], &Viewport::default(), Point::new(0.0, 0.0)), None);
    }
}
