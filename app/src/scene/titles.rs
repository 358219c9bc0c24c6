//! A region too small to hold its name (dots under a thin header, or a box
//! too narrow for its texts) has it written just above it. That name may
//! run to the right only as far as the next region whose body or name band
//! it would cross, and is shortened to fit: the name without its count.
//! Where a region above leaves no room (a second shelf of regions zoomed
//! far out), the name goes inside the region's top-left corner on a plate
//! instead, if it fits there whole. Else it is cut with an ellipsis, above
//! or inside, where there is more room; one that cannot show two letters is
//! left out rather than written over another region's name.

use std::borrow::Cow;

use super::boxes::{count_variants, GroupBox};
use super::draw_list::RegionFrame;
use super::plate::{holds_texts, BOX_TEXT_FROM};
use crate::layout::Rect;

/// The band a name written above a region takes (px).
pub const OUTSIDE_TITLE_PX: f64 = 16.0;
/// Room kept between such a name and the next region (px).
const GAP_PX: f64 = 6.0;
/// A cut name keeps at least this many characters before its ellipsis.
const MIN_CUT_CHARS: usize = 2;

/// A region of dots writes its name in its header from this header
/// height on (px).
pub const TITLE_FROM_HEADER_PX: f64 = 15.0;

/// Whether a region of dots holds its name in its header.
pub fn header_holds_title(frame: &RegionFrame) -> bool {
    frame.rect.width >= BOX_TEXT_FROM.0 && frame.header_px >= TITLE_FROM_HEADER_PX
}

/// The width a name written above the region at `own` may take: up to
/// the nearest of the `others` to its right that meets that band (less a
/// gap), or the screen's right edge; none when one reaches into the band
/// where the name would start (a region just above). The others are the
/// regions on screen, each with the band above it where it may write its
/// own name there (`with_title_band`).
pub fn outside_title_room(own: Rect, others: impl Iterator<Item = Rect>, screen_width: f64) -> f64 {
    let (band_top, band_bottom) = (own.y - OUTSIDE_TITLE_PX, own.y);
    let mut next_x = screen_width;
    for other in others.filter(|other| other.y < band_bottom && band_top < other.y + other.height) {
        if other.x <= own.x && own.x < other.x + other.width {
            return 0.0;
        }
        if other.x > own.x {
            next_x = next_x.min(other.x);
        }
    }
    (next_x - own.x - GAP_PX).max(0.0)
}

/// Where the names of the regions too small to hold them go, in
/// `width_of`'s measure: regions of dots under a thin header, and boxes
/// too small for their texts (as "name · count"). Each is shortened to
/// stop short of the others' names and bodies; none is written over
/// another region.
pub fn small_titles(
    frames: &[RegionFrame],
    boxes: &[GroupBox],
    screen_width: f64,
    width_of: impl Fn(&str) -> f64,
) -> Vec<(Rect, TitlePlace<'static>)> {
    // Every region on screen, with its names (longest first) when it is
    // too small to hold them.
    let mut regions: Vec<(Rect, Option<[Cow<str>; 2]>)> = Vec::with_capacity(frames.len() + boxes.len());
    for frame in frames {
        let names = (!header_holds_title(frame)).then(|| [Cow::from(&frame.title), Cow::from(frame.group)]);
        regions.push((frame.rect, names));
    }
    for group_box in boxes {
        let names = (!holds_texts(group_box.rect)).then(|| {
            let count = count_variants(&group_box.count).pop().unwrap_or_default();
            [Cow::from(format!("{} · {count}", group_box.group)), Cow::from(group_box.group)]
        });
        regions.push((group_box.rect, names));
    }
    // What a name above a region must stop short of: the other regions,
    // each small one with the band above it, where its own name may go.
    let obstacles: Vec<Rect> =
        regions.iter().map(|(rect, names)| if names.is_some() { with_title_band(*rect) } else { *rect }).collect();
    let mut placed = Vec::new();
    for (index, (rect, names)) in regions.iter().enumerate() {
        let Some([title, group]) = names else { continue };
        let room_above = if rect.y >= OUTSIDE_TITLE_PX {
            let others = obstacles.iter().enumerate().filter(|(other, _)| *other != index).map(|(_, other)| *other);
            outside_title_room(*rect, others, screen_width)
        } else {
            0.0
        };
        if let Some(place) = place_title(&[title, group], room_above, rect.width - 8.0, &width_of) {
            placed.push((*rect, place.into_owned()));
        }
    }
    placed
}

/// `region` with the band above it that a name written there takes.
pub fn with_title_band(region: Rect) -> Rect {
    Rect { y: region.y - OUTSIDE_TITLE_PX, height: region.height + OUTSIDE_TITLE_PX, ..region }
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

/// A region's name as its header writes it in `room` px: its whole title
/// ("queue · 24 of 173"), else with the count shortened ("queue ·
/// 24/173"), else the group alone, else the group cut; `None` when not
/// even a cut fits. (Clipped instead, a narrow region's title read
/// "gateway · 2 of".)
pub fn header_title(frame: &RegionFrame, room: f64, width_of: impl Fn(&str) -> f64) -> Option<String> {
    let fits = |text: &str| width_of(text) <= room;
    if fits(&frame.title) {
        return Some(frame.title.clone());
    }
    // The count after the group's name: "24 of 173" becomes "24/173".
    let count = frame.title.strip_prefix(frame.group).and_then(|rest| rest.strip_prefix(" · "));
    let short = count.map(|count| format!("{} · {}", frame.group, count.replace(" of ", "/")));
    if let Some(short) = short.filter(|short| fits(short)) {
        return Some(short);
    }
    if fits(frame.group) {
        return Some(frame.group.to_owned());
    }
    cut(frame.group, room, &width_of)
}

/// Where a small region's name goes, and as what.
#[derive(Debug, Clone, PartialEq)]
pub enum TitlePlace<'t> {
    Above(Cow<'t, str>),
    /// Inside the region's top-left corner, on a plate.
    Inside(Cow<'t, str>),
}

impl TitlePlace<'_> {
    fn into_owned(self) -> TitlePlace<'static> {
        match self {
            TitlePlace::Above(text) => TitlePlace::Above(Cow::Owned(text.into_owned())),
            TitlePlace::Inside(text) => TitlePlace::Inside(Cow::Owned(text.into_owned())),
        }
    }
}

/// The place of a small region's name: whole above it (`room_above`, 0
/// when there is no band), else whole inside it (`room_inside`), else cut
/// where there is more room, else nowhere.
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
    let shortest = candidates.last()?;
    if room_above >= room_inside {
        cut(shortest, room_above, &width_of).map(|text| TitlePlace::Above(Cow::Owned(text)))
    } else {
        cut(shortest, room_inside, &width_of).map(|text| TitlePlace::Inside(Cow::Owned(text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect { x, y, width, height }
    }

    #[test]
    fn a_name_above_a_region_stops_short_of_the_next_region_it_would_cross() {
        let own = frame(10.0, 50.0, 20.0, 20.0);
        // (obstacles, screen width, room); the name's band is 34..50 px.
        let cases: [(&[Rect], f64, f64); 9] = [
            // Alone: up to the screen's edge.
            (&[], 400.0, 384.0),
            // A region on the same row, 60 px to the right (the gateways
            // beside the services): its body starts below the band, so the
            // band is free above a box with its name inside; not above a
            // small one that may write its name there.
            (&[frame(70.0, 50.0, 100.0, 100.0)], 400.0, 384.0),
            (&[with_title_band(frame(70.0, 50.0, 100.0, 100.0))], 400.0, 54.0),
            // The nearest of two.
            (&[frame(200.0, 50.0, 50.0, 50.0), frame(90.0, 40.0, 50.0, 50.0)], 400.0, 74.0),
            // A region to the left, or well below the name's band, is no obstacle.
            (&[frame(0.0, 50.0, 5.0, 5.0), frame(60.0, 200.0, 50.0, 50.0)], 400.0, 384.0),
            // One just below the band is none; with its own name band above
            // it, it is.
            (&[frame(60.0, 64.0, 50.0, 50.0)], 400.0, 384.0),
            (&[with_title_band(frame(60.0, 64.0, 50.0, 50.0))], 400.0, 44.0),
            // A region just above, reaching into the band where the name
            // starts: no room; one above that ends to its left: room.
            (&[frame(0.0, 0.0, 100.0, 40.0)], 400.0, 0.0),
            (&[frame(0.0, 0.0, 10.0, 40.0)], 400.0, 384.0),
        ];
        for (obstacles, screen_width, room) in cases {
            assert_eq!(outside_title_room(own, obstacles.iter().copied(), screen_width), room, "{obstacles:?}");
        }
    }

    fn small_box(group: &'static str, x: f64, y: f64, count: &str) -> GroupBox<'static> {
        GroupBox {
            group,
            rect: frame(x, y, 68.0, 68.0),
            count: count.to_owned(),
            health: String::new(),
            histogram: vec![],
            marks: vec![],
            alarm: None,
            dimmed: false,
            cursor: false,
        }
    }

    #[test]
    fn every_box_too_small_for_its_texts_is_named_by_it() {
        // A 400 px embed of 1k nodes, zoomed out: two rows of 68 px boxes
        // 8 px apart, and the two gateways' tiny region of dots left of the
        // first. 6 px a character.
        let width_of = |text: &str| text.chars().count() as f64 * 6.0;
        let gateways = RegionFrame {
            group: "gateway",
            rect: frame(50.0, 40.0, 14.0, 12.0),
            title: "gateway · 2".to_owned(),
            header_px: 2.0,
        };
        let boxes = [
            small_box("service", 70.0, 40.0, "160 nodes"),
            small_box("worker", 146.0, 40.0, "160 nodes"),
            small_box("crawler", 222.0, 40.0, "160 nodes"),
            small_box("queue", 70.0, 116.0, "160 nodes"),
            small_box("redis", 146.0, 116.0, "12 of 160"),
            small_box("postgres", 222.0, 116.0, "196 nodes"),
        ];
        let above = |text: &'static str| TitlePlace::Above(Cow::Borrowed(text));
        let inside = |text: &'static str| TitlePlace::Inside(Cow::Borrowed(text));
        // The first row's names go above, up to the next box's (70 px:
        // "service · 160" is 78), the last one's whole; the second row's,
        // under the first, inside. The gateways' name has 14 px between
        // the boxes' names: not two letters.
        let expected = vec![
            (boxes[0].rect, above("service")),
            (boxes[1].rect, above("worker")),
            (boxes[2].rect, above("crawler · 160")),
            (boxes[3].rect, inside("queue")),
            (boxes[4].rect, inside("redis")),
            (boxes[5].rect, inside("postgres")),
        ];
        assert_eq!(small_titles(std::slice::from_ref(&gateways), &boxes, 400.0, width_of), expected);
        // Boxes that hold their texts take no band: the gateways' name
        // runs above them, whole.
        let big: Vec<GroupBox> =
            boxes.iter().map(|b| GroupBox { rect: frame(b.rect.x, b.rect.y, 70.0, 70.0), ..b.clone() }).collect();
        assert_eq!(
            small_titles(&[gateways], &big, 400.0, width_of),
            vec![(frame(50.0, 40.0, 14.0, 12.0), above("gateway · 2"))]
        );
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
    fn a_name_with_no_room_above_goes_inside_whole_or_is_cut_where_there_is_more_room() {
        // 7 px a character: "redis · 12 of 1652" is 126 px, "redis" 35.
        let width_of = |text: &str| text.chars().count() as f64 * 7.0;
        let candidates = ["redis · 12 of 1652", "redis"];
        let above = |text: &'static str| Some(TitlePlace::Above(Cow::Borrowed(text)));
        let inside = |text: &'static str| Some(TitlePlace::Inside(Cow::Borrowed(text)));
        // (room above, room inside, place)
        let cases: [(f64, f64, Option<TitlePlace>); 8] = [
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
            // More room inside than above: cut inside (a box just under
            // another, too narrow for its name).
            (0.0, 30.0, Some(TitlePlace::Inside(Cow::Owned("red…".to_owned())))),
        ];
        for (room_above, room_inside, expected) in cases {
            assert_eq!(
                place_title(&candidates, room_above, room_inside, width_of),
                expected,
                "{room_above} {room_inside}"
            );
        }
    }

    #[test]
    fn a_header_too_narrow_for_its_title_writes_a_shorter_one() {
        // 7 px a character.
        let width_of = |text: &str| 7.0 * text.chars().count() as f64;
        let region = |title: &str| RegionFrame {
            group: "gateway",
            rect: frame(0.0, 0.0, 103.0, 60.0),
            title: title.to_owned(),
            header_px: 18.0,
        };
        let cases = [
            // (title, room, written)
            ("gateway · 2 of 2", 112.0, Some("gateway · 2 of 2")),
            ("gateway · 2 of 2", 111.0, Some("gateway · 2/2")),
            ("gateway · 2 of 2", 90.0, Some("gateway")),
            ("gateway · 2", 77.0, Some("gateway · 2")),
            ("gateway · 2", 76.0, Some("gateway")),
            ("gateway · 2", 48.0, Some("gatew…")),
            ("gateway · 2", 10.0, None),
        ];
        for (title, room, written) in cases {
            let got = header_title(&region(title), room, width_of);
            assert_eq!(got.as_deref(), written, "{title} in {room} px");
        }
    }
}
