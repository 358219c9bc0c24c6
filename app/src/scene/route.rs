//! A link between two groups that would run straight across a third
//! group's region bows around it instead: a line over a box reads as an
//! edge of that box (a troubled link across the middle box of a row looked
//! like the middle group's trouble, its label on that box's marks). The
//! bow is a quadratic curve through a control point on the perpendicular
//! of the line's middle, the least bow that clears every other region, on
//! either side; where none clears within `MAX_BOW_SHARE` of the link's
//! length, the line runs straight across (and the painter draws it under
//! the boxes). The bows tried are shares of the link's length, so that
//! zooming, which scales every length alike, keeps the same bow: steps in
//! px made a bow jump by half again at some zooms and not others.

use super::viewport::{Point, Size};
use crate::layout::Rect;

/// How far the curve's middle may stand off the straight line at most,
/// as a share of the distance between the regions' centres, and the first
/// try (then a quarter more each try: 0.05, 0.0625, ... 0.73; steps of
/// half as much again missed bows that fit between a row and the screen's
/// edge).
const MAX_BOW_SHARE: f64 = 0.8;
const FIRST_BOW_SHARE: f64 = 0.05;
const BOW_GROWTH: f64 = 1.25;
/// Points along a curve checked against the regions (its ends excepted):
/// closer than the smallest region a link can cross is tall (a box of
/// text, `BOX_TEXT_FROM`, or a region of a few dots) on links of a few
/// hundred px.
const SAMPLES: usize = 40;
/// The bowed middle stays this far inside the screen (where its label
/// goes), when the straight middle was inside.
const SCREEN_MARGIN_PX: f64 = 8.0;

/// The point at `t` (0..=1) of the quadratic curve from `from` through
/// the control point `bend` to `to`.
pub fn quadratic_at(from: Point, bend: Point, to: Point, t: f64) -> Point {
    let u = 1.0 - t;
    let (a, b, c) = (u * u, 2.0 * u * t, t * t);
    Point::new(a * from.x + b * bend.x + c * to.x, a * from.y + b * bend.y + c * to.y)
}

/// The point at `t` (0..=1) of a link's line (of its curve, if it bows).
pub fn along(from: Point, to: Point, bend: Option<Point>, t: f64) -> Point {
    match bend {
        Some(bend) => quadratic_at(from, bend, to, t),
        None => Point::new(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t),
    }
}

/// The middle of a link's line.
pub fn middle(from: Point, to: Point, bend: Option<Point>) -> Point {
    along(from, to, bend, 0.5)
}

fn inside(point: Point, rect: &Rect, clearance: f64) -> bool {
    point.x > rect.x - clearance
        && point.x < rect.x + rect.width + clearance
        && point.y > rect.y - clearance
        && point.y < rect.y + rect.height + clearance
}

fn on_screen(point: Point, screen: Size, margin: f64) -> bool {
    point.x >= margin && point.x <= screen.width - margin && point.y >= margin && point.y <= screen.height - margin
}

/// Whether the line (through `bend`, if any) from `from` to `to` keeps
/// `clearance` px from every rectangle of `others`. Only the rectangles
/// near the curve's hull (its ends and control point) are checked point by
/// point: with many regions on screen most are far from any one try.
fn clears(from: Point, to: Point, bend: Option<Point>, others: &[Rect], clearance: f64) -> bool {
    let corners = [from, to, bend.unwrap_or(from)];
    let (mut low, mut high) = (from, from);
    for corner in corners {
        (low.x, low.y, high.x, high.y) =
            (low.x.min(corner.x), low.y.min(corner.y), high.x.max(corner.x), high.y.max(corner.y));
    }
    let hull = Rect {
        x: low.x - clearance,
        y: low.y - clearance,
        width: high.x - low.x + 2.0 * clearance,
        height: high.y - low.y + 2.0 * clearance,
    };
    others.iter().filter(|rect| rect.overlaps(&hull)).all(|rect| {
        (1..SAMPLES).all(|step| !inside(along(from, to, bend, step as f64 / SAMPLES as f64), rect, clearance))
    })
}

/// The part of the quadratic curve `ends.0`, `bend`, `ends.1` between
/// `t0` and `t1`, as its own quadratic curve (start, control, end).
fn sub_curve(ends: (Point, Point), bend: Point, t0: f64, t1: f64) -> (Point, Point, Point) {
    let (from, to) = ends;
    // The control point of the part is the curve's blossom at (t0, t1).
    let (a, b, c) = ((1.0 - t0) * (1.0 - t1), (1.0 - t0) * t1 + t0 * (1.0 - t1), t0 * t1);
    let control = Point::new(a * from.x + b * bend.x + c * to.x, a * from.y + b * bend.y + c * to.y);
    (quadratic_at(from, bend, to, t0), control, quadratic_at(from, bend, to, t1))
}

/// Where along the curve (0..=1) it leaves `rect`, going from `inner`
/// towards `outer` (inside `rect` at `inner`, not at `outer`; a bow
/// leaves a region once), to within a millionth of the way.
fn leaves(curve: (Point, Point, Point), rect: &Rect, mut inner: f64, mut outer: f64) -> f64 {
    let (from, bend, to) = curve;
    for _ in 0..20 {
        let t = (inner + outer) / 2.0;
        if inside(quadratic_at(from, bend, to, t), rect, 0.0) {
            inner = t;
        } else {
            outer = t;
        }
    }
    outer
}

/// How a link between two regions runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Route {
    /// Straight: nothing in the way (or the regions overlap).
    Straight,
    /// Bowed around what is in the way: start, control point, end.
    Bowed(Point, Point, Point),
    /// Straight across another region: no bow within `MAX_BOW_SHARE` clears.
    Across,
}

/// How a link from region `a` to region `b` runs past `others` (the
/// regions it does not join, on screen): straight when the line between
/// the centres keeps `clearance_px` from all of them; else the curve of
/// the least bow from centre to centre that does, cut to where it leaves
/// `a` and enters `b`; else across. Of two bows alike, the same side
/// whichever way round the regions are given.
pub fn route(a: Rect, b: Rect, others: &[Rect], screen: Size, clearance_px: f64) -> Route {
    let centre = |r: &Rect| Point::new(r.x + r.width / 2.0, r.y + r.height / 2.0);
    let (from, to) = (centre(&a), centre(&b));
    if inside(to, &a, 0.0) || inside(from, &b, 0.0) {
        return Route::Straight;
    }
    if clears(from, to, None, others, clearance_px) {
        return Route::Straight;
    }
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let length = dx.hypot(dy);
    // The same side for both orders of the ends: the normal of the way
    // from the lesser end (by x, then y) to the other.
    let flip = if (from.x, from.y) <= (to.x, to.y) { 1.0 } else { -1.0 };
    let normal = Point::new(-dy / length * flip, dx / length * flip);
    let straight_middle = middle(from, to, None);
    let keep_on_screen = on_screen(straight_middle, screen, SCREEN_MARGIN_PX);
    let mut share = FIRST_BOW_SHARE;
    while share <= MAX_BOW_SHARE {
        let bow = share * length;
        for side in [1.0, -1.0] {
            // The curve's middle stands off the line by half the control
            // point's distance.
            let reach = 2.0 * bow * side;
            let bend = Point::new(straight_middle.x + normal.x * reach, straight_middle.y + normal.y * reach);
            if keep_on_screen && !on_screen(middle(from, to, Some(bend)), screen, SCREEN_MARGIN_PX) {
                continue;
            }
            if clears(from, to, Some(bend), others, clearance_px) {
                let curve = (from, bend, to);
                let (t0, t1) = (leaves(curve, &a, 0.0, 1.0), leaves(curve, &b, 1.0, 0.0));
                let (start, control, end) = sub_curve((from, to), bend, t0, t1);
                return Route::Bowed(start, control, end);
            }
        }
        share *= BOW_GROWTH;
    }
    Route::Across
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect { x, y, width, height }
    }

    const SCREEN: Size = Size { width: 1000.0, height: 800.0 };

    /// Whether the line keeps `clearance` px from `rect` over 2,000
    /// points (finer than the routing's own check).
    fn clear_of(from: Point, to: Point, bend: Option<Point>, rect: &Rect, clearance: f64) -> bool {
        (1..2000).all(|step| {
            let t = f64::from(step) / 2000.0;
            let at = match bend {
                Some(bend) => quadratic_at(from, bend, to, t),
                None => Point::new(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t),
            };
            !(at.x > rect.x - clearance
                && at.x < rect.x + rect.width + clearance
                && at.y > rect.y - clearance
                && at.y < rect.y + rect.height + clearance)
        })
    }

    /// Whether `point` is on `rect`'s outline (within half a px).
    fn on_border(point: Point, rect: &Rect) -> bool {
        let within = |v: f64, lo: f64, hi: f64| v >= lo - 0.5 && v <= hi + 0.5;
        let (right, bottom) = (rect.x + rect.width, rect.y + rect.height);
        let on_side = |v: f64, side: f64| (v - side).abs() <= 0.5;
        within(point.x, rect.x, right)
            && within(point.y, rect.y, bottom)
            && (on_side(point.x, rect.x)
                || on_side(point.x, right)
                || on_side(point.y, rect.y)
                || on_side(point.y, bottom))
    }

    /// Three 150 x 150 boxes in a row, 20 px apart, their centres on y 375.
    fn row() -> [Rect; 3] {
        [rect(100.0, 300.0, 150.0, 150.0), rect(270.0, 300.0, 150.0, 150.0), rect(440.0, 300.0, 150.0, 150.0)]
    }

    #[test]
    fn a_line_across_a_box_between_its_ends_bows_around_it() {
        let [first, middle_box, last] = row();
        let Route::Bowed(from, bend, to) = route(first, last, &[middle_box], SCREEN, 3.0) else {
            panic!("no bow around the middle box")
        };
        assert!(clear_of(from, to, Some(bend), &middle_box, 2.0), "{from:?} {bend:?} {to:?}");
        // It runs from the first box's outline to the last's, and between
        // them it is outside both.
        assert!(on_border(from, &first) && on_border(to, &last), "{from:?} {to:?}");
        assert!(clear_of(from, to, Some(bend), &first, -0.5) && clear_of(from, to, Some(bend), &last, -0.5));
        // Its middle is past the middle box's top or bottom, not far past.
        let apex = middle(from, to, Some(bend));
        assert!((apex.y - 375.0).abs() >= 75.0 && (apex.y - 375.0).abs() <= 200.0, "{apex:?}");
        // The same bow either way round.
        let Route::Bowed(back_from, back_bend, back_to) = route(last, first, &[middle_box], SCREEN, 3.0) else {
            panic!("no bow the other way")
        };
        let back_apex = middle(back_from, back_to, Some(back_bend));
        assert!((back_apex.y - 375.0).signum() == (apex.y - 375.0).signum(), "{apex:?} {back_apex:?}");
    }

    #[test]
    fn a_clear_line_stays_straight() {
        // Neighbours in a row, a box in the row below, a box off the way.
        let [first, second, _] = row();
        let others = [rect(100.0, 500.0, 150.0, 150.0), rect(700.0, 0.0, 100.0, 100.0)];
        assert_eq!(route(first, second, &others, SCREEN, 3.0), Route::Straight);
    }

    #[test]
    fn the_bow_takes_the_side_that_is_clear() {
        // Beside the middle box of the row sits a wide box, under it or
        // over it: the bow goes the other way.
        let [first, middle_box, last] = row();
        for beside in [rect(200.0, 460.0, 500.0, 200.0), rect(200.0, 90.0, 500.0, 200.0)] {
            let others = [middle_box, beside];
            let Route::Bowed(from, bend, to) = route(first, last, &others, SCREEN, 3.0) else { panic!("no bow") };
            for other in &others {
                assert!(clear_of(from, to, Some(bend), other, 2.0), "{bend:?} against {other:?}");
            }
            let apex = middle(from, to, Some(bend));
            let away = if beside.y > 375.0 { apex.y < 375.0 } else { apex.y > 375.0 };
            assert!(away, "{apex:?} with {beside:?}");
        }
    }

    #[test]
    fn with_no_clear_bow_the_line_runs_across() {
        let [first, middle_box, last] = row();
        // A wall across the way, far taller than any bow.
        let wall = rect(400.0, -2000.0, 20.0, 5000.0);
        assert_eq!(route(first, last, &[wall], SCREEN, 3.0), Route::Across);
        // A box reaching down past any bow, its top 10 px above the
        // row's: near the top of the screen the bow over it would put the
        // label off the screen, and the line stays straight; 300 px lower
        // the same bow is taken.
        for (shift, bows) in [(-280.0, false), (0.0, true)] {
            let moved = |r: Rect| Rect { y: r.y + shift, ..r };
            let tall = Rect { y: middle_box.y + shift - 10.0, height: 2000.0, ..middle_box };
            let found = route(moved(first), moved(last), &[tall], SCREEN, 3.0);
            assert_eq!(matches!(found, Route::Bowed(..)), bows, "shifted {shift}: {found:?}");
            assert_eq!(matches!(found, Route::Across), !bows, "shifted {shift}: {found:?}");
            if let Route::Bowed(from, bend, to) = found {
                assert!(clear_of(from, to, Some(bend), &tall, 2.0), "{bend:?}");
                assert!(on_screen(middle(from, to, Some(bend)), SCREEN, SCREEN_MARGIN_PX));
            }
        }
    }

    #[test]
    fn zooming_keeps_the_same_bow() {
        // The row scaled about the screen's corner, as a zoom scales it: the
        // bow's control point scales with it (no clearance, which is in px
        // whatever the zoom). Steps of a fixed px size took a bow of a
        // different share of the way at each of these zooms.
        let [first, middle_box, last] = row();
        let scaled = |r: Rect, k: f64| rect(r.x * k, r.y * k, r.width * k, r.height * k);
        let big = Size { width: 10_000.0, height: 10_000.0 };
        let Route::Bowed(_, bend, _) = route(first, last, &[middle_box], big, 0.0) else { panic!("no bow") };
        for k in [0.5, 0.7, 0.9, 1.1, 1.37, 1.6, 2.0] {
            let found = route(scaled(first, k), scaled(last, k), &[scaled(middle_box, k)], big, 0.0);
            let Route::Bowed(_, zoomed, _) = found else { panic!("no bow at {k}: {found:?}") };
            let (x, y) = (zoomed.x / k, zoomed.y / k);
            assert!((x - bend.x).abs() < 1e-6 && (y - bend.y).abs() < 1e-6, "at {k}: {zoomed:?} against {bend:?}");
        }
    }
}
