//! One topology frame as bytes, for a paint worker: the canvas's backing
//! store in device pixels, the device pixel ratio, the colours of the theme
//! in force and the draw list. The page encodes it, the worker decodes it
//! (its texts borrowed from the bytes) and paints it. bincode, as on the
//! page's other worker boundary; what the keyboard and pointer reach
//! (`DrawList::targets`) stays on the page.

use serde::{Deserialize, Serialize};

use super::ink::Palette;
use super::DrawList;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaintFrame<'a> {
    pub width_px: u32,
    pub height_px: u32,
    pub device_pixel_ratio: f64,
    pub palette: Palette,
    #[serde(borrow)]
    pub list: DrawList<'a>,
}

/// The same frame, borrowed from the page's state, for encoding.
#[derive(Serialize)]
struct PaintFrameRef<'r, 'a> {
    width_px: u32,
    height_px: u32,
    device_pixel_ratio: f64,
    palette: &'r Palette,
    list: &'r DrawList<'a>,
}

/// The bytes of one frame.
pub fn encode(width_px: u32, height_px: u32, device_pixel_ratio: f64, palette: &Palette, list: &DrawList) -> Vec<u8> {
    let frame = PaintFrameRef { width_px, height_px, device_pixel_ratio, palette, list };
    // In one pass, as the page ↔ worker messages.
    shared::binary::to_bytes(&frame)
}

/// A frame back from its bytes; `None` for bytes that are not one.
pub fn decode(bytes: &[u8]) -> Option<PaintFrame<'_>> {
    bincode::deserialize(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Rect;
    use crate::scene::boxes::{GroupBox, LinkLine};
    use crate::scene::detail::Detail;
    use crate::scene::draw_list::{EdgeBucket, Label, NodeBucket, RegionFrame, Ring};
    use crate::scene::{Ink, Point, Target, Tone};

    fn point(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    /// A list with something in every part, as the painter reads it.
    fn full_list() -> DrawList<'static> {
        let detail = Detail::at(1.0, 3);
        DrawList {
            detail,
            frames: vec![RegionFrame {
                group: "service",
                rect: Rect { x: 1.0, y: 2.0, width: 300.0, height: 120.0 },
                title: "service · 12".to_owned(),
                header_px: 18.0,
            }],
            links: vec![LinkLine {
                from: point(1.0, 2.0),
                to: point(30.0, 40.0),
                width_px: 2.5,
                bad: true,
                dimmed: false,
                label: Some("12 edges".to_owned()),
                bend: Some(point(20.0, 5.0)),
                across: true,
            }],
            boxes: vec![GroupBox {
                group: "gateway",
                rect: Rect { x: 5.0, y: 6.0, width: 90.0, height: 50.0 },
                count: "1,204".to_owned(),
                health: "3 error".to_owned(),
                histogram: vec![(Tone::Ok, 0.75), (Tone::Error, 0.25)],
                marks: vec![crate::scene::boxes::Mark { tone: Tone::Error, at: point(7.0, 8.0), faded: false }],
                alarm: Some(Tone::Error),
                dimmed: false,
                cursor: true,
            }],
            faded_edges: vec![(point(0.0, 0.0), point(1.0, 1.0))],
            edges: vec![EdgeBucket {
                class: crate::scene::detail::EdgeClass { weight: crate::scene::detail::Weight::Heavy, bad: true },
                ink: Ink::BadEdge,
                alpha: 0.9,
                width_px: 2.0,
                segments: vec![(point(2.0, 3.0), point(4.0, 5.0))],
            }],
            faded_nodes: vec![NodeBucket { tone: Tone::Idle, centres: vec![point(9.0, 9.0)] }],
            nodes: vec![NodeBucket { tone: Tone::Degraded, centres: vec![point(10.0, 11.0), point(12.0, 13.0)] }],
            label_font_px: 11.0,
            labels: vec![Label { at: point(14.0, 15.0), text: "api-7 · ünïcode" }],
            selection: Some(Ring { centre: point(10.0, 11.0), radius_px: 9.0, width_px: 2.5 }),
            selected_edges: vec![(point(10.0, 11.0), point(2.0, 3.0), true)],
            focus_ring: None,
            targets: vec![(Target::Node("api-7"), point(10.0, 11.0))],
        }
    }

    #[test]
    fn a_frame_comes_back_whole_but_for_the_targets() {
        let list = full_list();
        let palette = Palette::read(|property| format!("{property}-colour"));
        let bytes = encode(800, 450, 2.0, &palette, &list);
        let frame = decode(&bytes).expect("a frame");
        assert_eq!((frame.width_px, frame.height_px, frame.device_pixel_ratio), (800, 450, 2.0));
        assert_eq!(frame.palette.colour(Ink::Status(Tone::Error)), "--error-colour");
        assert_eq!(frame.list.labels[0].text, "api-7 · ünïcode");
        let expected = DrawList { targets: Vec::new(), ..list };
        assert_eq!(frame.list, expected);
    }

    #[test]
    fn bytes_that_are_not_a_frame_are_refused() {
        let bytes = encode(10, 10, 1.0, &Palette::default(), &full_list());
        for cut in [0, 1, 8, bytes.len() / 2, bytes.len() - 1] {
            assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
        }
    }
}
