//! A region too small to hold its name has it written just above it. That
//! name may run to the right only as far as the next region whose name
//! band it would cross, and is shortened to fit: the name without its
//! count. Where a region above leaves no room (a second shelf of regions
//! zoomed far out), the name goes inside the region's top-left corner on a
//! plate instead, if it fits there whole. Else it is cut with an ellipsis
//! above; one that cannot show two letters is left out rather than written
//! over another region's name.

use std::borrow::Cow;

use super::draw_list::RegionFrame;

/// The band a name written above a region takes (px).
pub const OUTSIDE_TITLE_PX: f64 = 16.0;
/// Room kept between such a name and the next region (px).
const GAP_PX: f64 = 6.0;
/// A cut name keeps at least this many characters before its ellipsis.
const MIN_CUT_CHARS: usize = 2;

/// The width the name of `frames[index]`, written above it, may take: up
/// to the nearest region to its right whose name band or body meets that
/// band (less a gap), or the screen's right edge.
pub fn outside_title_room(frames: &[RegionFrame], index: usize, screen_width: f64) -> f64 {
    let Some(own) = frames.get(index) else { return 0.0 };
    let (x, band_top, band_bottom) = (own.rect.x, own.rect.y - OUTSIDE_TITLE_PX, own.rect.y);
    let next_x = frames
        .iter()
        .enumerate()
        .filter(|(other_index, other)| *other_index != index && other.rect.x > x)
        .filter(|(_, other)| {
            let (top, bottom) = (other.rect.y - OUTSIDE_TITLE_PX, other.rect.y + other.rect.height);
            top < band_bottom && band_top < bottom
        })
        .map(|(_, other)| other.rect.x)
        .fold(screen_width, f64::min);
    (next_x - x - GAP_PX).max(0.0)
}

/// The first of `candidates` (longest first) that fits `room` whole.
pub fn first_whole<'t>(candidates: &[&'t str], room: f64, width_of: &impl Fn(&str) -> f64) -> Option<&'t str> {
    candidates.iter().copied().find(|text| width_of(text) <= room)
}

/// `text` cut, with an ellipsis, to the most characters that fit `room`
/// (at least `MIN_CUT_CHARS`).
fn cut(text: &str, room: f64, width_of: &impl Fn(&str) -> f64) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    (MIN_CUT_CHARS..chars.len())
        .rev()
        .map(|keep| chars.iter().take(keep).collect::<String>() + "…")
        .find(|cut| width_of(cut) <= room)
}

/// Where a small region's name goes, and as what.
#[derive(Debug, Clone, PartialEq)]
pub enum TitlePlace<'t> {
    Above(Cow<'t, str>),
    /// Inside the region's top-left corner, on a plate.
    Inside(Cow<'t, str>),
}

/// The place of a small region's name: whole above it (`room_above`, 0
/// when there is no band), else whole inside it (`room_inside`), else cut
/// above, else nowhere.
pub fn place_title<'t>(
    candidates: &[&'t str],
    room_above: f64,
    room_inside: f64,
    width_of: impl Fn(&str) -> f64,
) -> Option<TitlePlace<'t>> {
    if let Some(text) = first_whole(candidates, room_above, &width_of) {
        return Some(TitlePlace::Above(Cow::Borrowed(text)));
    }
    if let Some(text) = first_whole(candidates, room_inside, &width_of) {
        return Some(TitlePlace::Inside(Cow::Borrowed(text)));
    }
    cut(candidates.last()?, room_above, &width_of).map(|text| TitlePlace::Above(Cow::Owned(text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Rect;

    fn frame(x: f64, y: f64, width: f64, height: f64) -> RegionFrame<'static> {
        RegionFrame { group: "g", rect: Rect { x, y, width, height }, title: String::new(), header_px: 20.0 }
    }

    #[test]
    fn a_name_above_a_region_stops_short_of_the_next_region_it_would_cross() {
        // (frames, which one, screen width, room)
        let cases: [(&[RegionFrame], usize, f64, f64); 6] = [
            // Alone: up to the screen's edge.
            (&[frame(10.0, 50.0, 20.0, 20.0)], 0, 400.0, 384.0),
            // A neighbour on the same row, 60 px to the right (the 400 px
            // embed's gateway beside service).
            (&[frame(10.0, 50.0, 20.0, 20.0), frame(70.0, 50.0, 100.0, 100.0)], 0, 400.0, 54.0),
            // The nearest of two.
            (
                &[frame(10.0, 50.0, 20.0, 20.0), frame(200.0, 50.0, 50.0, 50.0), frame(90.0, 40.0, 50.0, 50.0)],
                0,
                400.0,
                74.0,
            ),
            // A region to the left, or well below the name's band, is no obstacle.
            (
                &[frame(10.0, 50.0, 20.0, 20.0), frame(0.0, 50.0, 5.0, 5.0), frame(60.0, 200.0, 50.0, 50.0)],
                0,
                400.0,
                384.0,
            ),
            // A region whose own name band (above it) meets this band is.
            (&[frame(10.0, 50.0, 20.0, 20.0), frame(60.0, 64.0, 50.0, 50.0)], 0, 400.0, 44.0),
            // No such region.
            (&[frame(10.0, 50.0, 20.0, 20.0)], 3, 400.0, 0.0),
        ];
        for (frames, index, screen_width, room) in cases {
            assert_eq!(outside_title_room(frames, index, screen_width), room, "{index} of {}", frames.len());
        }
    }

    #[test]
    fn a_name_is_shortened_to_its_room() {
        // 7 px a character.
        let width_of = |text: &str| text.chars().count() as f64 * 7.0;
        let candidates = ["gateway · 2", "gateway"];
        // (room, what is written)
        let cases: [(f64, Option<&str>); 6] = [
            (200.0, Some("gateway · 2")),
            (77.0, Some("gateway · 2")),
            (76.9, Some("gateway")),
            (49.0, Some("gateway")),
            (42.0, Some("gatew…")),
            (20.0, None),
        ];
        // No room inside: the name goes above, whole or cut, or nowhere.
        let above = |candidates: &[&'static str], room| place_title(candidates, room, 0.0, width_of);
        let written = |text: Option<&'static str>| text.map(|text| TitlePlace::Above(Cow::Borrowed(text)));
        for (room, expected) in cases {
            assert_eq!(above(&candidates, room), written(expected), "room {room}");
        }
        assert_eq!(above(&[], 100.0), None);
        // Cut by characters, not bytes.
        assert_eq!(above(&["ßßßßß"], 28.0), written(Some("ßßß…")));
    }

    #[test]
    fn a_name_with_no_room_above_goes_inside_whole_or_above_cut() {
        // 7 px a character: "redis · 12 of 1652" is 126 px, "redis" 35.
        let width_of = |text: &str| text.chars().count() as f64 * 7.0;
        let candidates = ["redis · 12 of 1652", "redis"];
        let above = |text: &'static str| Some(TitlePlace::Above(Cow::Borrowed(text)));
        let inside = |text: &'static str| Some(TitlePlace::Inside(Cow::Borrowed(text)));
        // (room above, room inside, place)
        let cases: [(f64, f64, Option<TitlePlace>); 7] = [
            (200.0, 300.0, above("redis · 12 of 1652")),
            // Above wins while the short name fits there.
            (40.0, 300.0, above("redis")),
            // A region above leaves 13 px: inside, as long as it fits.
            (13.0, 300.0, inside("redis · 12 of 1652")),
            (13.0, 100.0, inside("redis")),
            (0.0, 35.0, inside("redis")),
            // Too narrow inside as well: cut above, or nothing.
            (28.0, 20.0, Some(TitlePlace::Above(Cow::Owned("red…".to_owned())))),
            (13.0, 20.0, None),
        ];
        for (room_above, room_inside, expected) in cases {
            assert_eq!(
                place_title(&candidates, room_above, room_inside, width_of),
                expected,
                "{room_above} {room_inside}"
            );
        }
    }
}
