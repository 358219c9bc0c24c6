//! Where the links' labels go: each at the first place along its line
//! (`LABEL_PLACES`) where its plate covers no region, no label placed
//! before it, and stays on screen; a label with no such place is left
//! out. A label over a box reads as that box's (a troubled link's rate
//! written on a third group's marks said the wrong group was failing).

use super::boxes::LinkLine;
use super::viewport::Size;
use crate::layout::Rect;

/// Where along its line a link's label may go, most wanted first: its
/// middle, then further out each way.
const LABEL_PLACES: [f64; 7] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8];
/// The plate's room around the text: each side, and its height.
pub const PLATE_PADDING_PX: f64 = 4.0;
const PLATE_HEIGHT_PX: f64 = 16.0;

/// The labelled links whose label has room, in the order given (the
/// first ones get the room first), each with its plate. `width_of` is a
/// text's width in px; `regions`: the boxes and the regions of dots.
pub fn place<'a>(
    links: &'a [LinkLine],
    width_of: impl Fn(&str) -> f64,
    regions: &[Rect],
    screen: Size,
) -> Vec<(&'a LinkLine, Rect)> {
    let mut placed: Vec<(&LinkLine, Rect)> = Vec::new();
    for link in links {
        let Some(label) = &link.label else { continue };
        let width = width_of(label) + 2.0 * PLATE_PADDING_PX;
        let plate_at = |t: f64| {
            let at = link.along(t);
            Rect { x: at.x - width / 2.0, y: at.y - PLATE_HEIGHT_PX / 2.0 - 1.0, width, height: PLATE_HEIGHT_PX }
        };
        let free = |plate: &Rect| {
            let on_screen = plate.x >= 0.0
                && plate.y >= 0.0
                && plate.x + plate.width <= screen.width
                && plate.y + plate.height <= screen.height;
            on_screen
                && !regions.iter().any(|region| plate.overlaps(region))
                && !placed.iter().any(|(_, other)| plate.overlaps(other))
        };
        if let Some(plate) = LABEL_PLACES.iter().map(|t| plate_at(*t)).find(free) {
            placed.push((link, plate));
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::viewport::Point;

    fn link(from: (f64, f64), to: (f64, f64), label: &str) -> LinkLine {
        LinkLine {
            from: Point::new(from.0, from.1),
            to: Point::new(to.0, to.1),
            width_px: 2.0,
            bad: false,
            dimmed: false,
            label: Some(label.to_owned()),
            bend: None,
            across: false,
        }
    }

    fn rect(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect { x, y, width, height }
    }

    const SCREEN: Size = Size { width: 1000.0, height: 600.0 };

    /// Every label 100 px wide (92 of text).
    fn width_of(_: &str) -> f64 {
        92.0
    }

    /// (the label's centre x, y) of each placed label.
    fn centres(links: &[LinkLine], regions: &[Rect]) -> Vec<(String, f64, f64)> {
        place(links, width_of, regions, SCREEN)
            .into_iter()
            .map(|(link, plate)| {
                (
                    link.label.clone().unwrap_or_default(),
                    plate.x + plate.width / 2.0,
                    plate.y + plate.height / 2.0 + 1.0,
                )
            })
            .collect()
    }

    #[test]
    fn a_label_sits_at_the_middle_of_its_line_when_there_is_room() {
        let links = [link((0.0, 100.0), (400.0, 100.0), "a")];
        assert_eq!(centres(&links, &[]), [("a".to_owned(), 200.0, 100.0)]);
    }

    #[test]
    fn a_label_moves_along_its_line_off_a_box_or_is_left_out() {
        // A line from x 0 to 1000 on y 100; a box over its middle (x 420
        // to 580): the plates at 0.5, 0.4 and 0.6 (350..450, 550..650)
        // would cover it; the label goes to 0.3 (x 300, plate 250..350).
        let over_middle = [rect(420.0, 50.0, 160.0, 100.0)];
        let links = [link((0.0, 100.0), (1000.0, 100.0), "a")];
        assert_eq!(centres(&links, &over_middle), [("a".to_owned(), 300.0, 100.0)]);
        // Boxes over every place: left out.
        let everywhere = [rect(100.0, 0.0, 800.0, 200.0)];
        assert_eq!(centres(&links, &everywhere), []);
        // A region beside the line, clear of the plate: no move.
        let beside = [rect(420.0, 120.0, 160.0, 100.0)];
        assert_eq!(centres(&links, &beside), [("a".to_owned(), 500.0, 100.0)]);
    }

    #[test]
    fn labels_do_not_cover_each_other_and_the_first_links_go_first() {
        // Two lines crossing at their middles (500, 300): the first keeps
        // the middle, the second moves out along its own line to 0.4.
        let links = [link((0.0, 300.0), (1000.0, 300.0), "first"), link((500.0, 0.0), (500.0, 600.0), "second")];
        assert_eq!(centres(&links, &[]), [("first".to_owned(), 500.0, 300.0), ("second".to_owned(), 500.0, 240.0)]);
    }

    #[test]
    fn a_label_stays_on_screen_and_follows_a_bowed_line() {
        // A line along the top edge: a plate at y 2 would stick out.
        let top = [link((0.0, 2.0), (1000.0, 2.0), "a")];
        assert_eq!(centres(&top, &[]), []);
        // A bowed line (control point 200 px below the middle): its middle
        // is 100 px below the chord.
        let mut bowed = link((0.0, 100.0), (400.0, 100.0), "b");
        bowed.bend = Some(Point::new(200.0, 300.0));
        assert_eq!(centres(&[bowed], &[]), [("b".to_owned(), 200.0, 200.0)]);
    }

    #[test]
    fn links_without_a_label_take_no_room() {
        let mut quiet = link((0.0, 300.0), (1000.0, 300.0), "x");
        quiet.label = None;
        let links = [quiet, link((0.0, 300.0), (1000.0, 300.0), "shown")];
        assert_eq!(centres(&links, &[]), [("shown".to_owned(), 500.0, 300.0)]);
    }
}
