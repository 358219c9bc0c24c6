//! Where the world (layout units) is on the screen (CSS pixels): zoom and
//! pan, fitting the whole graph, and which points are worth drawing.

use serde::{Deserialize, Serialize};

use crate::layout::{Layout, Rect, SLOT_SPACING};

/// Zoom limits for the wheel.
pub const MIN_SCALE: f64 = 0.02;
pub const MAX_SCALE: f64 = 8.0;
/// Fitting never magnifies a small graph more than this.
pub const MAX_FIT_SCALE: f64 = 2.0;
/// Room left on each side of a fitted graph: a sixteenth of the panel's
/// width (or height), within these bounds. A small panel (a 400 px embed)
/// gives the graph what a fixed margin would take from it; the smallest
/// margin still holds a name written above a region (`OUTSIDE_TITLE_PX`).
pub const FIT_MARGIN_PX: f64 = 40.0;
const MIN_FIT_MARGIN_PX: f64 = 20.0;
const _: () = assert!(MIN_FIT_MARGIN_PX >= crate::scene::titles::OUTSIDE_TITLE_PX);
const FIT_MARGIN_SHARE: f64 = 1.0 / 16.0;
/// Wheel zoom: the scale changes by e^(−delta × this) per wheel event.
const WHEEL_ZOOM_PER_PX: f64 = 0.0015;
/// Points this far off screen are still drawn (a dot or label overhangs).
const OVERHANG_PX: f64 = 20.0;

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

/// World → screen: `screen = world × scale + offset`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub scale: f64,
    pub offset: Point,
}

/// The viewport and where it still has to go: fitted to the graph (at
/// first, after a new snapshot, on Fit), to some bounds (a focus, a group),
/// or centred on a point (search). A zoom or pan of the user's own cancels
/// a move not yet done.
#[derive(Debug, Clone, PartialEq)]
pub struct Camera {
    viewport: Viewport,
    pending: Option<Move>,
    /// The view shows the whole graph as fitted (these bounds on a screen
    /// of this size), and nothing has moved it since: it keeps fitting the
    /// graph as the graph grows or the panel changes size.
    follows: Option<((f64, f64, f64, f64), Size)>,
}

/// A camera move done at the next draw (when the screen's size is known).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Move {
    FitAll,
    Fit((f64, f64, f64, f64)),
    /// Centre this world point, at least at this scale.
    Centre(Point, f64),
}

impl Point {
    pub fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }
}

impl From<(f64, f64)> for Point {
    fn from((x, y): (f64, f64)) -> Point {
        Point { x, y }
    }
}

impl Size {
    /// Whether a point is on screen, give or take an overhang.
    pub fn shows(&self, point: Point) -> bool {
        point.x > -OVERHANG_PX
            && point.y > -OVERHANG_PX
            && point.x < self.width + OVERHANG_PX
            && point.y < self.height + OVERHANG_PX
    }
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport { scale: 1.0, offset: Point::default() }
    }
}

/// The margin a fitted graph keeps on each side of a panel `length` px
/// wide (or tall).
fn fit_margin_px(length: f64) -> f64 {
    (length * FIT_MARGIN_SHARE).clamp(MIN_FIT_MARGIN_PX, FIT_MARGIN_PX)
}

impl Viewport {
    pub fn to_screen(&self, world: Point) -> Point {
        Point { x: world.x * self.scale + self.offset.x, y: world.y * self.scale + self.offset.y }
    }

    /// The largest scale (up to `MAX_FIT_SCALE`) that shows `bounds` (min x,
    /// min y, max x, max y) inside `screen` less a margin, centred.
    pub fn fit((x0, y0, x1, y1): (f64, f64, f64, f64), screen: Size) -> Viewport {
        // A single row or column of nodes is not magnified without bound.
        let (span_x, span_y) = ((x1 - x0).max(SLOT_SPACING), (y1 - y0).max(SLOT_SPACING));
        let room = |length: f64| length - 2.0 * fit_margin_px(length);
        let scale = (room(screen.width) / span_x).min(room(screen.height) / span_y).clamp(MIN_SCALE, MAX_FIT_SCALE);
        let offset = Point {
            x: (screen.width - (x1 - x0) * scale) / 2.0 - x0 * scale,
            y: (screen.height - (y1 - y0) * scale) / 2.0 - y0 * scale,
        };
        Viewport { scale, offset }
    }

    /// Zooms by `factor` (within the limits), keeping the world point under
    /// `anchor` where it is on screen.
    pub fn zoom_at(&mut self, anchor: Point, factor: f64) {
        let scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        let applied = scale / self.scale;
        self.offset = Point {
            x: anchor.x - (anchor.x - self.offset.x) * applied,
            y: anchor.y - (anchor.y - self.offset.y) * applied,
        };
        self.scale = scale;
    }

    pub fn pan_by(&mut self, dx: f64, dy: f64) {
        self.offset = Point { x: self.offset.x + dx, y: self.offset.y + dy };
    }

    /// The world point under a screen point.
    pub fn to_world(&self, screen: Point) -> Point {
        Point { x: (screen.x - self.offset.x) / self.scale, y: (screen.y - self.offset.y) / self.scale }
    }

    /// The part of the world whose points `screen.shows` (layout units).
    pub fn world_shown(&self, screen: Size) -> Rect {
        let from = self.to_world(Point::new(-OVERHANG_PX, -OVERHANG_PX));
        let to = self.to_world(Point::new(screen.width + OVERHANG_PX, screen.height + OVERHANG_PX));
        Rect { x: from.x, y: from.y, width: to.x - from.x, height: to.y - from.y }
    }
}

/// The zoom factor of a wheel event (`deltaY` in pixels; up zooms in).
pub fn wheel_zoom_factor(delta_y: f64) -> f64 {
    (-delta_y * WHEEL_ZOOM_PER_PX).exp()
}

impl Default for Camera {
    fn default() -> Self {
        Camera { viewport: Viewport::default(), pending: Some(Move::FitAll), follows: None }
    }
}

impl Camera {
    pub fn viewport(&self) -> &Viewport {
        &self.viewport
    }

    /// Fits the graph at the next draw.
    pub fn request_fit(&mut self) {
        self.pending = Some(Move::FitAll);
    }

    /// Fits `bounds` (min x, min y, max x, max y) at the next draw.
    pub fn request_fit_to(&mut self, bounds: (f64, f64, f64, f64)) {
        self.pending = Some(Move::Fit(bounds));
    }

    /// Centres `world` at the next draw, zooming in to `min_scale` if needed.
    pub fn request_centre(&mut self, world: Point, min_scale: f64) {
        self.pending = Some(Move::Centre(world, min_scale));
    }

    pub fn zoom_at(&mut self, anchor: Point, factor: f64) {
        self.viewport.zoom_at(anchor, factor);
        (self.pending, self.follows) = (None, None);
    }

    pub fn pan_by(&mut self, dx: f64, dy: f64) {
        self.viewport.pan_by(dx, dy);
        (self.pending, self.follows) = (None, None);
    }

    /// Before a draw: does a pending move (a fit of the whole graph waits
    /// until there is one), or fits the graph again if it or the screen
    /// changed while the view followed it.
    pub fn settle(&mut self, layout: &Layout, screen: Size) {
        if self.pending.is_none() {
            let moved_on = |(bounds, size): ((f64, f64, f64, f64), Size)| {
                layout.bounds().is_some_and(|now| now != bounds) || size != screen
            };
            if !self.follows.is_some_and(moved_on) {
                return;
            }
            self.pending = Some(Move::FitAll);
        }
        let next = match self.pending {
            None => return,
            Some(Move::FitAll) => match layout.bounds() {
                Some(bounds) => {
                    self.follows = Some((bounds, screen));
                    Viewport::fit(bounds, screen)
                }
                None => return,
            },
            Some(Move::Fit(bounds)) => {
                self.follows = None;
                Viewport::fit(bounds, screen)
            }
            Some(Move::Centre(world, min_scale)) => {
                self.follows = None;
                let scale = self.viewport.scale.max(min_scale).clamp(MIN_SCALE, MAX_SCALE);
                let offset =
                    Point { x: screen.width / 2.0 - world.x * scale, y: screen.height / 2.0 - world.y * scale };
                Viewport { scale, offset }
            }
        };
        self.viewport = next;
        self.pending = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewport(scale: f64, x: f64, y: f64) -> Viewport {
        Viewport { scale, offset: Point { x, y } }
    }

    #[test]
    fn world_to_screen() {
        let check = |viewport: Viewport, world: (f64, f64), expected: (f64, f64)| {
            assert_eq!(viewport.to_screen(world.into()), expected.into(), "{viewport:?} {world:?}");
        };
        check(Viewport::default(), (3.0, 4.0), (3.0, 4.0));
        check(viewport(2.0, 0.0, 0.0), (3.0, 4.0), (6.0, 8.0));
        check(viewport(0.5, 10.0, -20.0), (100.0, 100.0), (60.0, 30.0));
    }

    #[test]
    fn fit_centres_the_graph_within_the_margins() {
        let check = |bounds, screen: (f64, f64), expected: Viewport| {
            let screen = Size { width: screen.0, height: screen.1 };
            assert_eq!(Viewport::fit(bounds, screen), expected, "{bounds:?} in {screen:?}");
        };
        // 800 × 400 px keeps 40 px left and right, 25 above and below.
        // 720 × 180 world units: the width binds ((800 − 80) / 720 = 1);
        // 180 px tall, centred: 110 px from the top.
        check((0.0, 0.0, 720.0, 180.0), (800.0, 400.0), viewport(1.0, 40.0, 110.0));
        // The height binds: (400 − 50) / 640 = 0.546875; 100 units are
        // 54.6875 px wide, centred at 400.
        check((0.0, 0.0, 100.0, 640.0), (800.0, 400.0), viewport(0.546_875, 372.656_25, 25.0));
        // A 320 px square panel keeps 20 px: (320 − 40) / 560 = 0.5.
        check((0.0, 0.0, 560.0, 280.0), (320.0, 320.0), viewport(0.5, 20.0, 90.0));
        // A graph not at the origin: its corner lands where the origin would.
        check((100.0, 50.0, 820.0, 230.0), (800.0, 400.0), viewport(1.0, -60.0, 60.0));
        // One node: never magnified beyond 2 (its span counts as one slot,
        // 36), and centred.
        check((36.0, 72.0, 36.0, 72.0), (800.0, 400.0), viewport(2.0, 328.0, 56.0));
        // 10,000 units into 800 px: the floor of 0.02 holds.
        check((0.0, 0.0, 100_000.0, 100.0), (800.0, 400.0), viewport(0.02, -600.0, 199.0));
    }

    #[test]
    fn a_small_panel_keeps_a_smaller_margin() {
        // (panel length, margin on each side)
        let cases = [(200.0, 20.0), (320.0, 20.0), (400.0, 25.0), (480.0, 30.0), (640.0, 40.0), (1440.0, 40.0)];
        for (length, margin) in cases {
            assert_eq!(fit_margin_px(length), margin, "{length} px");
        }
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer_and_stays_within_limits() {
        let check = |mut viewport: Viewport, anchor: (f64, f64), factor: f64, expected: Viewport| {
            viewport.zoom_at(anchor.into(), factor);
            assert_eq!(viewport, expected, "zoom ×{factor} at {anchor:?}");
        };
        check(viewport(1.0, 0.0, 0.0), (100.0, 50.0), 2.0, viewport(2.0, -100.0, -50.0));
        check(viewport(2.0, -100.0, -50.0), (100.0, 50.0), 0.5, viewport(1.0, 0.0, 0.0));
        // Capped at 8: only ×2 of the ×4 asked is applied.
        check(viewport(4.0, 0.0, 0.0), (10.0, 10.0), 4.0, viewport(8.0, -10.0, -10.0));
        // Floored at 0.02.
        check(viewport(0.04, 0.0, 0.0), (10.0, 10.0), 0.25, viewport(0.02, 5.0, 5.0));
    }

    #[test]
    fn wheel_up_zooms_in_and_down_zooms_out() {
        assert_eq!(wheel_zoom_factor(0.0), 1.0);
        // One notch (100 px) is e^0.15 ≈ 1.1618 either way.
        assert!((wheel_zoom_factor(-100.0) - 1.161_834).abs() < 1e-6);
        assert!((wheel_zoom_factor(100.0) - 0.860_708).abs() < 1e-6);
    }

    #[test]
    fn on_screen_means_within_twenty_pixels_of_it() {
        let screen = Size { width: 300.0, height: 200.0 };
        let cases = [
            ((0.0, 0.0), true),
            ((150.0, 100.0), true),
            ((-19.0, 219.0), true),
            ((-20.0, 100.0), false),
            ((150.0, 220.0), false),
            ((321.0, 100.0), false),
        ];
        for (point, expected) in cases {
            assert_eq!(screen.shows(point.into()), expected, "{point:?}");
        }
    }

    #[test]
    fn a_fit_waits_for_a_graph_and_the_users_own_zoom_cancels_it() {
        let screen = Size { width: 800.0, height: 400.0 };
        let mut layout = Layout::default();
        let mut camera = Camera::default();
        camera.settle(&layout, screen);
        assert_eq!(camera.viewport(), &Viewport::default(), "nothing to fit yet");
        layout.place("g", "gateway");
        camera.settle(&layout, screen);
        // One node: its region (96 × 120 units) at the largest fit scale, 2, centred.
        assert_eq!(camera.viewport(), &viewport(2.0, 304.0, 80.0), "one node's region, centred");
        camera.pan_by(10.0, 0.0);
        camera.settle(&layout, screen);
        assert_eq!(camera.viewport(), &viewport(2.0, 314.0, 80.0), "a pan is kept");
        camera.request_fit();
        camera.zoom_at(Point::new(0.0, 0.0), 0.5);
        camera.settle(&layout, screen);
        assert_eq!(camera.viewport(), &viewport(1.0, 157.0, 40.0), "a zoom after Fit wins");
        camera.request_fit();
        camera.settle(&layout, screen);
        assert_eq!(camera.viewport(), &viewport(2.0, 304.0, 80.0), "Fit");
        // Fitted and untouched, the view follows the graph as it grows...
        for id in ["g1", "g2", "g3", "g4"] {
            layout.place(id, "gateway");
        }
        camera.settle(&layout, screen);
        assert_eq!(camera.viewport(), &viewport(2.0, 304.0, 44.0), "a third row: 96 × 156, centred");
        // ...however many draws come between (a large snapshot arrives
        // over several diffs, drawn as they come)...
        camera.settle(&layout, screen);
        camera.settle(&layout, screen);
        assert_eq!(camera.viewport(), &viewport(2.0, 304.0, 44.0), "nothing changed");
        for id in ["g5", "g6", "g7"] {
            layout.place(id, "gateway");
        }
        camera.settle(&layout, screen);
        // Eight nodes, three rows of three: 96 × 192 units; the height binds,
        // (400 − 50) / 192.
        let eight_nodes = viewport(350.0 / 192.0, 312.5, 25.0);
        assert_eq!(camera.viewport(), &eight_nodes, "eight nodes: 96 × 192, centred");
        // ...and as the panel changes size: 200 px wide keeps 20 px each
        // side, and the width binds, 160 / 96.
        let narrow = Size { width: 200.0, height: 400.0 };
        camera.settle(&layout, narrow);
        assert_eq!(camera.viewport(), &viewport(160.0 / 96.0, 20.0, 40.0), "a narrow panel");
        camera.settle(&layout, screen);
        assert_eq!(camera.viewport(), &eight_nodes, "wide again");
        // ...until the user moves it.
        camera.pan_by(0.0, 10.0);
        layout.place("g8", "gateway");
        layout.place("g9", "gateway");
        camera.settle(&layout, screen);
        let panned = viewport(350.0 / 192.0, 312.5, 35.0);
        assert_eq!(camera.viewport(), &panned, "a pan stops the following");
        camera.settle(&layout, narrow);
        assert_eq!(camera.viewport(), &panned, "and the panel's size is left to the user's Fit");
    }

    #[test]
    fn the_camera_fits_bounds_and_centres_points() {
        let screen = Size { width: 800.0, height: 400.0 };
        let (layout, mut camera) = (Layout::default(), Camera::default());
        // 720 × 180 units: as in the fit test, the width binds at scale 1.
        camera.request_fit_to((0.0, 0.0, 720.0, 180.0));
        camera.settle(&layout, screen);
        assert_eq!(camera.viewport(), &viewport(1.0, 40.0, 110.0));
        // Centre (100, 50) at scale 1.5 or more: it lands at (400, 200).
        camera.request_centre(Point::new(100.0, 50.0), 1.5);
        camera.settle(&layout, screen);
        assert_eq!(camera.viewport(), &viewport(1.5, 250.0, 125.0));
        // Already closer than asked: the scale is kept.
        camera.zoom_at(Point::new(0.0, 0.0), 2.0);
        camera.request_centre(Point::new(100.0, 50.0), 1.5);
        camera.settle(&layout, screen);
        assert_eq!(camera.viewport(), &viewport(3.0, 100.0, 50.0));
        assert_eq!(camera.viewport().to_world(Point::new(400.0, 200.0)), Point::new(100.0, 50.0));
    }
}
