//! Pointer gestures on the topology: a drag pans the view, and a press and
//! release without a drag in between is a click.

use super::viewport::Point;

/// Pointer moves shorter than this (in x + y) are not a drag: a hand
/// clicking is rarely perfectly still.
const DRAG_FROM_PX: f64 = 3.0;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gesture {
    press: Option<Press>,
}

#[derive(Debug, Clone, PartialEq)]
struct Press {
    /// Where the pointer was when the view last moved (or was pressed).
    last: Point,
    dragged: bool,
}

impl Gesture {
    pub fn press(&mut self, at: Point) {
        self.press = Some(Press { last: at, dragged: false });
    }

    /// The pan a pointer move makes: none without a press, nor for a move
    /// of less than `DRAG_FROM_PX` since the last pan.
    pub fn move_to(&mut self, at: Point) -> Option<(f64, f64)> {
        let press = self.press.as_mut()?;
        let (dx, dy) = (at.x - press.last.x, at.y - press.last.y);
        if dx.abs() + dy.abs() < DRAG_FROM_PX {
            return None;
        }
        *press = Press { last: at, dragged: true };
        Some((dx, dy))
    }

    /// The release ends the gesture; true when it was a click.
    pub fn release(&mut self) -> bool {
        self.press.take().is_some_and(|press| !press.dragged)
    }

    /// The pointer left: whatever it was doing is over, and is no click.
    pub fn cancel(&mut self) {
        self.press = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    enum Step {
        Press(f64, f64),
        Move(f64, f64),
        Release,
        Cancel,
    }
    use Step::*;

    /// The pans and clicks a sequence of pointer events makes.
    fn check(steps: &[Step], expected_pans: &[(f64, f64)], expected_clicks: usize) {
        let mut gesture = Gesture::default();
        let (mut pans, mut clicks) = (Vec::new(), 0);
        for step in steps {
            match *step {
                Press(x, y) => gesture.press(Point::new(x, y)),
                Move(x, y) => pans.extend(gesture.move_to(Point::new(x, y))),
                Release => clicks += usize::from(gesture.release()),
                Cancel => gesture.cancel(),
            }
        }
        assert_eq!((pans.as_slice(), clicks), (expected_pans, expected_clicks));
    }

    #[test]
    fn press_and_release_in_place_is_a_click() {
        check(&[Press(10.0, 10.0), Release], &[], 1);
        // A tremble of under 3 px is still a click.
        check(&[Press(10.0, 10.0), Move(11.0, 11.0), Release], &[], 1);
    }

    #[test]
    fn a_drag_pans_and_is_no_click() {
        check(&[Press(10.0, 10.0), Move(13.0, 10.0), Release], &[(3.0, 0.0)], 0);
        // Pans are measured from the last pan; small steps add up.
        check(
            &[Press(0.0, 0.0), Move(2.0, 0.0), Move(4.0, 0.0), Move(5.0, 0.0), Move(20.0, -10.0), Release],
            &[(4.0, 0.0), (16.0, -10.0)],
            0,
        );
    }

    #[test]
    fn moves_without_a_press_do_nothing() {
        check(&[Move(50.0, 50.0), Release, Move(90.0, 90.0)], &[], 0);
        check(&[Press(0.0, 0.0), Release, Move(50.0, 50.0)], &[], 1);
    }

    #[test]
    fn leaving_the_canvas_ends_the_gesture_without_a_click() {
        check(&[Press(0.0, 0.0), Cancel, Release], &[], 0);
        check(&[Press(0.0, 0.0), Move(10.0, 0.0), Cancel, Move(20.0, 0.0)], &[(10.0, 0.0)], 0);
    }
}
