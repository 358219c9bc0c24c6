//! Hit-testing: which node a click selects, or which group box it opens.

use super::detail::pick_reach_px;
use super::draw_list::{DrawList, Target};
use super::viewport::{Point, Viewport};
use crate::layout::Rect;

/// A thing drawn that a click or the keyboard can reach, kept from the
/// last frame (owned: the frame borrowed the view).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    Node(String),
    Group(String),
}

/// The reachable things of a frame: where each is, and the boxes' areas.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reachable {
    pub targets: Vec<(Reach, Point)>,
    pub boxes: Vec<(String, Rect)>,
    pub scale: f64,
}

impl Reachable {
    pub fn of(list: &DrawList, scale: f64) -> Reachable {
        let targets = list.targets.iter().map(|(target, at)| {
            let reach = match target {
                Target::Node(id) => Reach::Node((*id).to_owned()),
                Target::Group(group) => Reach::Group((*group).to_owned()),
            };
            (reach, *at)
        });
        let boxes = list.boxes.iter().map(|b| (b.group.to_owned(), b.rect)).collect();
        Reachable { targets: targets.collect(), boxes, scale }
    }

    /// The nearest dot within reach of `at`, else the box under it.
    pub fn hit(&self, at: Point) -> Option<Reach> {
        let reach = pick_reach_px(self.scale);
        let nodes = self.targets.iter().filter_map(|(target, point)| match target {
            Reach::Node(_) => Some((target, (point.x - at.x).hypot(point.y - at.y))),
            Reach::Group(_) => None,
        });
        let node = nodes.filter(|(_, distance)| *distance <= reach).min_by(|a, b| a.1.total_cmp(&b.1));
        node.map(|(target, _)| target.clone()).or_else(|| {
            let inside = |r: &Rect| at.x >= r.x && at.y >= r.y && at.x <= r.x + r.width && at.y <= r.y + r.height;
            self.boxes.iter().find(|(_, rect)| inside(rect)).map(|(group, _)| Reach::Group(group.clone()))
        })
    }

    /// Where a target is on screen, if drawn.
    pub fn position(&self, target: &Reach) -> Option<Point> {
        self.targets.iter().find(|(t, _)| t == target).map(|(_, at)| *at)
    }
}

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
    fn a_click_hits_the_nearest_dot_within_reach_else_the_box_under_it() {
        let targets = vec![
            (Reach::Node("a".into()), Point::new(10.0, 10.0)),
            (Reach::Node("b".into()), Point::new(30.0, 10.0)),
            (Reach::Group("db".into()), Point::new(250.0, 150.0)),
        ];
        let boxes = vec![("db".to_owned(), Rect { x: 200.0, y: 100.0, width: 100.0, height: 100.0 })];
        let reachable = Reachable { targets, boxes, scale: 1.0 };
        let hit = |x, y| reachable.hit(Point::new(x, y));
        assert_eq!(hit(12.0, 10.0), Some(Reach::Node("a".into())));
        assert_eq!(hit(21.0, 10.0), Some(Reach::Node("b".into())));
        assert_eq!(hit(10.0, 24.0), None, "13 px is the reach at zoom 1");
        assert_eq!(hit(201.0, 199.0), Some(Reach::Group("db".into())));
        assert_eq!(reachable.position(&Reach::Group("db".into())), Some(Point::new(250.0, 150.0)));
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
