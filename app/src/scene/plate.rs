//! A group box's plate (its name, count, health line and status bar, at
//! the top left) and the field below it where the box marks its unhealthy
//! members. A member's place in its region is kept across and moved down
//! in proportion, so that no mark hides under the plate (faint there, a
//! mark would read as one the filter hides), and a selected member is
//! ringed where its mark is, not over the box's name.

use super::viewport::Point;
use crate::layout::Rect;

/// Inner margin of a box's texts and status bar, in px.
pub const BOX_INSET_PX: f64 = 10.0;
/// A box holds its texts from this size on (px): width, height. A smaller
/// one has its name written by it (`titles`).
pub const BOX_TEXT_FROM: (f64, f64) = (70.0, 44.0);
/// The texts' widest line (name, count, health, status bar), in px.
pub const PLATE_TEXT_WIDTH_PX: f64 = 220.0;
/// The plate's height with name, count and status bar; a health line
/// adds `HEALTH_LINE_PX`.
const PLATE_HEIGHT_PX: f64 = 50.0;
pub const HEALTH_LINE_PX: f64 = 15.0;
/// Between the plate's bottom and the centre of the highest mark (a mark
/// is 4 px square).
const FIELD_GAP_PX: f64 = 4.0;
/// A field lower than this (a box barely tall enough for its texts) is no
/// place for marks: they stay where their members are.
const MIN_FIELD_PX: f64 = 16.0;

/// Whether a box of `rect` on screen holds its texts.
pub fn holds_texts(rect: Rect) -> bool {
    rect.width >= BOX_TEXT_FROM.0 && rect.height >= BOX_TEXT_FROM.1
}

/// The plate behind a box's texts, if the box holds them.
pub fn text_plate(rect: Rect, has_health: bool) -> Option<Rect> {
    if !holds_texts(rect) {
        return None;
    }
    let inset = BOX_INSET_PX;
    let health_px = if has_health { HEALTH_LINE_PX } else { 0.0 };
    // The texts' width and half an inset either side.
    let width = (rect.width - 2.0 * inset).min(PLATE_TEXT_WIDTH_PX) + inset;
    let height = (PLATE_HEIGHT_PX + health_px).min(rect.height - inset);
    Some(Rect { x: rect.x + inset / 2.0, y: rect.y + inset / 2.0, width, height })
}

/// Where a box of `rect` marks the member whose place in the region is
/// `at` (on screen): across where it is, down in proportion within the
/// part of the box below its plate.
pub fn mark_place(rect: Rect, has_health: bool, at: Point) -> Point {
    let Some(plate) = text_plate(rect, has_health) else { return at };
    let top = plate.y + plate.height + FIELD_GAP_PX;
    let bottom = rect.y + rect.height;
    if bottom - top < MIN_FIELD_PX || rect.height <= 0.0 {
        return at;
    }
    let share = ((at.y - rect.y) / rect.height).clamp(0.0, 1.0);
    Point::new(at.x, top + share * (bottom - top))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect { x, y, width, height }
    }

    #[test]
    fn the_plate_covers_the_texts_and_grows_with_a_health_line() {
        // (box, health line, plate): 10 px inset, half of it around the
        // plate; at most 220 px of text; cut to the box.
        let cases = [
            (rect(0.0, 0.0, 400.0, 300.0), false, Some(rect(5.0, 5.0, 230.0, 50.0))),
            (rect(0.0, 0.0, 400.0, 300.0), true, Some(rect(5.0, 5.0, 230.0, 65.0))),
            (rect(100.0, 50.0, 120.0, 60.0), true, Some(rect(105.0, 55.0, 110.0, 50.0))),
            (rect(0.0, 0.0, 69.0, 300.0), true, None),
            (rect(0.0, 0.0, 300.0, 43.0), false, None),
        ];
        for (the_box, health, plate) in cases {
            assert_eq!(text_plate(the_box, health), plate, "{the_box:?} {health}");
        }
    }

    #[test]
    fn marks_go_below_the_plate_in_the_order_of_their_places() {
        // A 300 × 200 box at (20, 40) with a health line: its plate ends at
        // 40 + 5 + 65 = 110, so marks run from y 114 to the box's bottom, 240.
        let the_box = rect(20.0, 40.0, 300.0, 200.0);
        // (place in the region, mark): x kept; y moved down in proportion.
        let cases = [
            (Point::new(30.0, 40.0), Point::new(30.0, 114.0)),
            (Point::new(31.0, 50.0), Point::new(31.0, 114.0 + 126.0 * 0.05)),
            (Point::new(300.0, 140.0), Point::new(300.0, 114.0 + 126.0 * 0.5)),
            (Point::new(25.0, 240.0), Point::new(25.0, 240.0)),
        ];
        for (at, mark) in cases {
            let placed = mark_place(the_box, true, at);
            assert!((placed.x - mark.x).abs() < 1e-9 && (placed.y - mark.y).abs() < 1e-9, "{at:?}: {placed:?}");
        }
        // No health line: the plate ends 15 px higher, so do the marks.
        assert_eq!(mark_place(the_box, false, Point::new(30.0, 40.0)), Point::new(30.0, 99.0));
    }

    #[test]
    fn a_box_without_room_below_its_plate_keeps_its_marks_where_they_are() {
        let at = Point::new(30.0, 50.0);
        // Too small for texts; texts with 10 px below them; texts with 16.
        assert_eq!(mark_place(rect(20.0, 40.0, 60.0, 40.0), true, at), at);
        assert_eq!(mark_place(rect(20.0, 40.0, 200.0, 84.0), true, at), at);
        assert_ne!(mark_place(rect(20.0, 40.0, 200.0, 90.0), true, at), at);
    }
}
