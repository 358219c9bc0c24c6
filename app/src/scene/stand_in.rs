//! The picture on the canvas standing in for the next one. A pan or zoom
//! moves the camera at once, but the picture for the new view comes back
//! from the paint worker a frame or several later (more, the more the
//! frame holds). Until then the picture on the canvas is moved and scaled
//! to where the camera puts it, so the graph follows the pointer at the
//! display's pace whatever a picture costs; what was off screen fills in
//! when the new picture comes.

use super::viewport::{Point, Viewport};

/// How a picture drawn at one viewport shows at another: each of its points
/// `p` moves to `p × scale + shift` (screen pixels, from the canvas's top
/// left corner).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StandIn {
    pub scale: f64,
    pub shift: Point,
}

/// Below these a stand-in does not move the picture (a rounding error, not
/// a pan or zoom).
const STILL_SCALE: f64 = 1e-9;
const STILL_PX: f64 = 0.01;

impl StandIn {
    /// The picture where it was drawn.
    pub const STILL: StandIn = StandIn { scale: 1.0, shift: Point { x: 0.0, y: 0.0 } };

    /// The picture drawn at `drawn`, shown for the camera at `now`.
    pub fn between(drawn: &Viewport, now: &Viewport) -> StandIn {
        // screen_now = world × s1 + o1, and world = (screen_drawn - o0) / s0.
        let scale = now.scale / drawn.scale;
        let shift = Point { x: now.offset.x - drawn.offset.x * scale, y: now.offset.y - drawn.offset.y * scale };
        StandIn { scale, shift }
    }

    pub fn is_still(&self) -> bool {
        (self.scale - 1.0).abs() < STILL_SCALE && self.shift.x.abs() < STILL_PX && self.shift.y.abs() < STILL_PX
    }

    /// The CSS transform that moves the canvas so (its origin at the top
    /// left corner); none when it stays still.
    pub fn css_transform(&self) -> Option<String> {
        let StandIn { scale, shift } = *self;
        (!self.is_still()).then(|| format!("matrix({scale}, 0, 0, {scale}, {}, {})", shift.x, shift.y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewport(scale: f64, x: f64, y: f64) -> Viewport {
        Viewport { scale, offset: Point { x, y } }
    }

    #[test]
    fn every_world_point_shows_where_the_camera_now_puts_it() {
        let drawn = viewport(0.5, 10.0, -20.0);
        let mut panned = drawn;
        panned.pan_by(30.0, -7.0);
        let mut zoomed = panned;
        zoomed.zoom_at(Point::new(200.0, 100.0), 1.6);
        let mut out = zoomed;
        out.zoom_at(Point::new(0.0, 0.0), 0.25);
        for now in [drawn, panned, zoomed, out] {
            let stand_in = StandIn::between(&drawn, &now);
            for world in [(0.0, 0.0), (100.0, 40.0), (-250.0, 1_000.0)] {
                let was = drawn.to_screen(world.into());
                let moved =
                    Point::new(was.x * stand_in.scale + stand_in.shift.x, was.y * stand_in.scale + stand_in.shift.y);
                let wanted = now.to_screen(world.into());
                assert!((moved.x - wanted.x).abs() < 1e-9 && (moved.y - wanted.y).abs() < 1e-9, "{now:?} {world:?}");
            }
        }
    }

    #[test]
    fn a_pan_is_a_shift_and_the_same_view_stays_still() {
        // (drawn, now, transform)
        let cases = [
            (viewport(2.0, 5.0, 5.0), viewport(2.0, 5.0, 5.0), None),
            (viewport(2.0, 5.0, 5.0), viewport(2.0, 5.004, 5.0), None),
            (viewport(2.0, 5.0, 5.0), viewport(2.0, 45.0, -15.0), Some("matrix(1, 0, 0, 1, 40, -20)")),
            (viewport(1.0, 0.0, 0.0), viewport(4.0, -100.0, 0.5), Some("matrix(4, 0, 0, 4, -100, 0.5)")),
            (viewport(4.0, 0.0, 0.0), viewport(1.0, 0.0, 0.0), Some("matrix(0.25, 0, 0, 0.25, 0, 0)")),
        ];
        for (drawn, now, transform) in cases {
            assert_eq!(StandIn::between(&drawn, &now).css_transform().as_deref(), transform, "{drawn:?} → {now:?}");
        }
        assert!(StandIn::STILL.is_still());
    }
}
