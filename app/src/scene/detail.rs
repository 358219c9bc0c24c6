//! Level of detail: what the topology draws at which zoom. Dots grow with
//! the square root of the zoom within limits and become squares when tiny;
//! labels appear, under their dots, from half size when few enough are on
//! screen; a big graph zoomed far out shows only its bad edges.

use serde::{Deserialize, Serialize};
use shared::EdgeStats;

use crate::components::edges::is_bad_error_rate;

/// A node's radius at zoom 1, and its limits at any zoom.
const NODE_RADIUS_PX: f64 = 7.0;
const MIN_NODE_RADIUS_PX: f64 = 1.5;
const MAX_NODE_RADIUS_PX: f64 = 12.0;
/// Below this radius a square looks the same as a disc and is far cheaper.
const SQUARE_BELOW_RADIUS_PX: f64 = 3.0;
/// Above this many edges (2,000 nodes' worth), healthy edges are not drawn
/// when zoomed out below `HEALTHY_EDGES_FROM_SCALE`: they would only be
/// grey noise.
const MANY_EDGES: usize = 8_000;
const HEALTHY_EDGES_FROM_SCALE: f64 = 0.35;
/// Opacity of edges: healthy, bad, and bad while the healthy are hidden.
const HEALTHY_EDGE_ALPHA: f64 = 0.35;
const BAD_EDGE_ALPHA: f64 = 0.75;
const BAD_EDGE_ALONE_ALPHA: f64 = 0.3;
const MIN_EDGE_WIDTH_PX: f64 = 0.4;
const MAX_EDGE_WIDTH_PX: f64 = 4.0;
/// An edge wider than 1 px and narrower than this is drawn 1 px wide. A
/// canvas rasterised in software (Chromium without a GPU, as in the paint
/// worker on this project's machines) strokes lines up to 1 px as
/// hairlines and wider ones as filled outlines, one path of all of them:
/// 1,838 lines across a 920 × 430 picture took 10 ms at 1.0 px, 106 at
/// 1.1, 79 at 1.3, 63 at 1.5 and 40 at 2.2. A line of 1.2 px hardly looks
/// different from one of 1; light, medium and heavy keep their order.
const HAIRLINE_BELOW_PX: f64 = 1.5;
/// Throughput (per second) from which an edge is drawn medium, and heavy.
const MEDIUM_FROM_PER_SEC: f64 = 200.0;
const HEAVY_FROM_PER_SEC: f64 = 1000.0;
/// Labels: from this zoom, at most this many nodes on screen.
const LABELS_FROM_SCALE: f64 = 0.5;
const MAX_LABELS: usize = 400;
const LABEL_FONT_PX: f64 = 11.0;
const MIN_LABEL_FONT_PX: f64 = 10.0;
const MAX_LABEL_FONT_PX: f64 = 14.0;
/// A label starts this far right of its dot, its baseline this far below the centre.
/// A label is centred under its dot, its top this far below the dot's
/// edge (so it sits in the gap between rows, over no dot).
const LABEL_GAP_PX: f64 = 2.0;
/// The selection ring: its gap around the dot and its line width.
const SELECTION_GAP_PX: f64 = 4.0;
const SELECTION_WIDTH_PX: f64 = 2.5;
/// A click this far outside a dot still hits it.
const PICK_SLACK_PX: f64 = 6.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shape {
    Disc,
    Square,
}

/// An edge's line weight, by throughput.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Weight {
    Light,
    Medium,
    Heavy,
}

/// How an edge is drawn: its weight and whether its error rate is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeClass {
    pub weight: Weight,
    pub bad: bool,
}

/// What is drawn at one zoom.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Detail {
    pub node_radius_px: f64,
    pub shape: Shape,
    /// Whether healthy edges are drawn at all.
    pub healthy_edges: bool,
    scale: f64,
}

/// How labels are set, when they are shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelStyle {
    pub font_px: f64,
    /// From a node's centre to the start of its label's baseline.
    pub dx: f64,
    pub dy: f64,
}

impl Weight {
    pub fn of(throughput_per_sec: f64) -> Weight {
        if throughput_per_sec >= HEAVY_FROM_PER_SEC {
            Weight::Heavy
        } else if throughput_per_sec >= MEDIUM_FROM_PER_SEC {
            Weight::Medium
        } else {
            Weight::Light
        }
    }

    /// The line width at zoom 1.
    fn width_px(self) -> f64 {
        match self {
            Weight::Light => 0.6,
            Weight::Medium => 1.2,
            Weight::Heavy => 2.2,
        }
    }
}

impl EdgeClass {
    /// Unknown numbers count as none: a light, healthy edge.
    pub fn of(stats: Option<&EdgeStats>) -> EdgeClass {
        EdgeClass::of_numbers(stats.and_then(|s| s.throughput), stats.and_then(|s| s.error_rate))
    }

    pub fn of_numbers(throughput: Option<f64>, error_rate: Option<f64>) -> EdgeClass {
        EdgeClass { weight: Weight::of(throughput.unwrap_or(0.0)), bad: is_bad_error_rate(error_rate) }
    }
}

impl Detail {
    /// At zoom `scale`, for a graph of `n_edges` edges.
    pub fn at(scale: f64, n_edges: usize) -> Detail {
        let node_radius_px = node_radius_px(scale);
        Detail {
            node_radius_px,
            shape: if node_radius_px < SQUARE_BELOW_RADIUS_PX { Shape::Square } else { Shape::Disc },
            healthy_edges: n_edges <= MANY_EDGES || scale >= HEALTHY_EDGES_FROM_SCALE,
            scale,
        }
    }

    pub fn edge_width_px(&self, weight: Weight) -> f64 {
        let width = (weight.width_px() * self.scale.sqrt()).clamp(MIN_EDGE_WIDTH_PX, MAX_EDGE_WIDTH_PX);
        if width > 1.0 && width < HAIRLINE_BELOW_PX {
            1.0
        } else {
            width
        }
    }

    /// Bad edges fade when they are drawn alone (so many would be a red wash).
    pub fn edge_alpha(&self, bad: bool) -> f64 {
        match (bad, self.healthy_edges) {
            (false, _) => HEALTHY_EDGE_ALPHA,
            (true, true) => BAD_EDGE_ALPHA,
            (true, false) => BAD_EDGE_ALONE_ALPHA,
        }
    }

    /// Labels, if legible at this zoom and few enough for `n_on_screen` nodes.
    pub fn labels(&self, n_on_screen: usize) -> Option<LabelStyle> {
        (self.scale >= LABELS_FROM_SCALE && n_on_screen <= MAX_LABELS).then(|| LabelStyle {
            font_px: font_px(self.scale),
            dx: 0.0,
            dy: self.node_radius_px + LABEL_GAP_PX + font_px(self.scale),
        })
    }

    /// The selection ring's radius and line width.
    pub fn selection_ring_px(&self) -> (f64, f64) {
        (self.node_radius_px + SELECTION_GAP_PX, SELECTION_WIDTH_PX)
    }
}

fn font_px(scale: f64) -> f64 {
    (LABEL_FONT_PX * scale.sqrt()).clamp(MIN_LABEL_FONT_PX, MAX_LABEL_FONT_PX)
}

pub fn node_radius_px(scale: f64) -> f64 {
    (NODE_RADIUS_PX * scale.sqrt()).clamp(MIN_NODE_RADIUS_PX, MAX_NODE_RADIUS_PX)
}

/// How far from a node's centre a click still selects it.
pub fn pick_reach_px(scale: f64) -> f64 {
    node_radius_px(scale) + PICK_SLACK_PX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_grow_with_the_root_of_the_zoom_within_limits() {
        // (scale, radius, shape, pick reach)
        let cases = [
            (1.0, 7.0, Shape::Disc, 13.0),
            (4.0, 12.0, Shape::Disc, 18.0), // 14 capped at 12
            (0.25, 3.5, Shape::Disc, 9.5),
            (0.16, 2.8, Shape::Square, 8.8),
            (0.02, 1.5, Shape::Square, 7.5), // 0.99 raised to 1.5
        ];
        for (scale, radius, shape, reach) in cases {
            let detail = Detail::at(scale, 10);
            let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
            assert!(close(detail.node_radius_px, radius), "scale {scale}: radius {}", detail.node_radius_px);
            assert_eq!(detail.shape, shape, "scale {scale}");
            assert!(close(pick_reach_px(scale), reach), "scale {scale}: reach {}", pick_reach_px(scale));
        }
    }

    #[test]
    fn healthy_edges_hide_only_on_a_big_graph_zoomed_far_out() {
        // (scale, edges, healthy shown, alpha of a bad edge)
        let cases = [
            (0.1, 8_000, true, 0.75),
            (0.1, 8_001, false, 0.3),
            (0.34, 30_000, false, 0.3),
            (0.35, 30_000, true, 0.75),
            (2.0, 30_000, true, 0.75),
        ];
        for (scale, n_edges, healthy, bad_alpha) in cases {
            let detail = Detail::at(scale, n_edges);
            assert_eq!((detail.healthy_edges, detail.edge_alpha(true)), (healthy, bad_alpha), "{scale} {n_edges}");
            assert_eq!(detail.edge_alpha(false), 0.35);
        }
    }

    #[test]
    fn edges_are_weighted_by_throughput_and_marked_bad_from_five_percent_errors() {
        let stats = |throughput: Option<f64>, error_rate: Option<f64>| EdgeStats {
            throughput,
            error_rate,
            ..EdgeStats::default()
        };
        let cases = [
            (None, Weight::Light, false),
            (Some(stats(None, None)), Weight::Light, false),
            (Some(stats(Some(199.9), Some(0.049))), Weight::Light, false),
            (Some(stats(Some(200.0), Some(0.05))), Weight::Medium, true),
            (Some(stats(Some(999.0), None)), Weight::Medium, false),
            (Some(stats(Some(1000.0), Some(0.9))), Weight::Heavy, true),
        ];
        for (stats, weight, bad) in cases {
            assert_eq!(EdgeClass::of(stats.as_ref()), EdgeClass { weight, bad }, "{stats:?}");
        }
    }

    #[test]
    fn edge_widths_follow_the_zoom_within_limits() {
        // (scale, light, medium, heavy); from 1 px to 1.5 px drawn at 1 px.
        let cases = [
            (1.0, 0.6, 1.0, 2.2),
            (4.0, 1.0, 2.4, 4.0),
            (0.25, 0.4, 0.6, 1.0),
            (0.01, 0.4, 0.4, 0.4),
            // Medium exactly 1.5 px: kept.
            (1.5625, 0.75, 1.5, 2.75),
            // Medium exactly 1 px (a hairline already); heavy 1.83 px, kept.
            (1.0 / 1.44, 0.5, 1.0, 2.2 / 1.2),
        ];
        for (scale, light, medium, heavy) in cases {
            let detail = Detail::at(scale, 10);
            let widths = [Weight::Light, Weight::Medium, Weight::Heavy].map(|w| detail.edge_width_px(w));
            let expected = [light, medium, heavy];
            assert!(widths.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-9), "{scale}: {widths:?}");
        }
    }

    #[test]
    fn labels_show_from_half_size_when_at_most_400_nodes_are_on_screen() {
        // (scale, nodes on screen, font px, baseline below the centre) or
        // None; labels are centred (dx 0), a font size below the dot.
        let cases = [
            (1.0, 60, Some((11.0, 7.0 + 2.0 + 11.0))),
            (0.49, 60, None),
            (0.5, 400, Some((10.0, 7.0 * 0.5f64.sqrt() + 2.0 + 10.0))),
            (0.5, 401, None),
            (4.0, 1, Some((14.0, 28.0))), // 22 px capped at 14; radius 12 + 2 + 14
        ];
        for (scale, n_on_screen, expected) in cases {
            let style = Detail::at(scale, 10).labels(n_on_screen);
            let got = style.map(|s| (s.font_px, s.dy));
            let close = match (got, expected) {
                (Some(a), Some(b)) => (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9,
                (a, b) => a == b,
            };
            assert!(close, "scale {scale}, {n_on_screen} on screen: {got:?}");
            assert!(style.is_none_or(|s| s.dx == 0.0));
        }
    }

    #[test]
    fn the_selection_ring_circles_the_dot() {
        assert_eq!(Detail::at(1.0, 0).selection_ring_px(), (11.0, 2.5));
        assert_eq!(Detail::at(0.02, 0).selection_ring_px(), (5.5, 2.5));
    }
}
