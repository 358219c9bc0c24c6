//! When the topology redraws: at most once per animation frame; after a
//! data change, only once a gap of `DRAW_BUDGET_FACTOR` times the last
//! draw's whole cost has passed (its script, and the browser's rendering of
//! the frame it was in: style, layout, paint, rasterizing the canvas), so
//! drawing takes at most ~1/factor of the main thread however large the
//! graph or the canvas; at once after the user's own action (pan, zoom,
//! select); and not while the canvas is off screen, where one missed
//! change means one redraw when it comes back. A postponed redraw waits on
//! one timer: data changes meanwhile ask for nothing more (each would cost
//! the page a frame callback and a timer task), and a timer that finds the
//! change drawn already (the user acted meanwhile) asks for nothing.

use std::collections::VecDeque;

/// Data-driven redraws wait this many times the last draw's whole cost.
pub const DRAW_BUDGET_FACTOR: f64 = 80.0;
/// Rendering costs kept: the least of them stands for the topology's own
/// (a frame also renders whatever else changed in it, such as table rows).
const RENDER_SAMPLES: usize = 4;
/// A postponed redraw is retried no sooner than this.
const MIN_RETRY_MILLIS: f64 = 16.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Pacer {
    frame_pending: bool,
    /// A postponed redraw's timer is set (`OnFrame::RetryAfterMillis`).
    retry_pending: bool,
    /// A change came that no draw has shown yet.
    wanted: bool,
    last_draw_millis: f64,
    last_draw_cost_millis: f64,
    /// The browser's rendering after the last draws (at most `RENDER_SAMPLES`).
    render_millis: VecDeque<f64>,
    /// The user moved the view: the next frame draws without waiting.
    interactive: bool,
    on_screen: bool,
    /// Something changed while the canvas was off screen.
    stale_off_screen: bool,
}

/// What an animation frame does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OnFrame {
    Draw,
    /// Too soon after the last draw: ask again after this long.
    RetryAfterMillis(f64),
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer {
            frame_pending: false,
            retry_pending: false,
            wanted: false,
            last_draw_millis: 0.0,
            last_draw_cost_millis: 0.0,
            render_millis: VecDeque::with_capacity(RENDER_SAMPLES),
            interactive: false,
            on_screen: true,
            stale_off_screen: false,
        }
    }
}

impl Pacer {
    /// A redraw is wanted; true when the caller should ask for an animation
    /// frame (none is pending, no postponed redraw waits unless the user
    /// acted, and the canvas is on screen).
    pub fn request(&mut self) -> bool {
        if !self.on_screen {
            self.stale_off_screen = true;
            return false;
        }
        self.wanted = true;
        if self.frame_pending || (self.retry_pending && !self.interactive) {
            return false;
        }
        self.frame_pending = true;
        true
    }

    /// The timer of a postponed redraw fired; true when the caller should
    /// ask for an animation frame (the change is not drawn yet).
    pub fn retry_due(&mut self) -> bool {
        self.retry_pending = false;
        self.wanted && self.request()
    }

    /// The user acted: the next frame draws without waiting.
    pub fn interact(&mut self) {
        self.interactive = true;
    }

    /// The animation frame came, at `now_millis`.
    pub fn on_frame(&mut self, now_millis: f64) -> OnFrame {
        self.frame_pending = false;
        let since = now_millis - self.last_draw_millis;
        let gap = (self.last_draw_cost_millis + self.render_cost_millis()) * DRAW_BUDGET_FACTOR;
        if !self.interactive && since < gap {
            self.retry_pending = true;
            return OnFrame::RetryAfterMillis((gap - since).max(MIN_RETRY_MILLIS));
        }
        self.interactive = false;
        self.wanted = false;
        self.last_draw_millis = now_millis;
        OnFrame::Draw
    }

    /// The draw that `on_frame` allowed took this long (its script).
    pub fn drawn(&mut self, cost_millis: f64) {
        self.last_draw_cost_millis = cost_millis;
    }

    /// The browser took this long to render the frame of the last draw.
    pub fn rendered(&mut self, cost_millis: f64) {
        if self.render_millis.len() == RENDER_SAMPLES {
            self.render_millis.pop_front();
        }
        self.render_millis.push_back(cost_millis.max(0.0));
    }

    /// What rendering a draw costs: the least of the last few (0 before any).
    pub fn render_cost_millis(&self) -> f64 {
        self.render_millis.iter().copied().reduce(f64::min).unwrap_or(0.0)
    }

    /// The canvas came on or went off screen; true when it came back after
    /// missing a change (so it must be redrawn).
    pub fn set_on_screen(&mut self, on_screen: bool) -> bool {
        self.on_screen = on_screen;
        on_screen && std::mem::take(&mut self.stale_off_screen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Step {
        /// A redraw is wanted: did it ask for a frame?
        Request(bool),
        /// A postponed redraw's timer fired: did it ask for a frame?
        RetryDue(bool),
        Interact,
        /// A frame at this time, and what it did.
        Frame(f64, OnFrame),
        /// The draw cost this long.
        Drawn(f64),
        /// Rendering its frame cost this long.
        Rendered(f64),
        /// Came on (true) or off screen, and whether that redraws.
        OnScreen(bool, bool),
    }
    use OnFrame::*;
    use Step::*;

    fn check(steps: &[Step]) {
        let mut pacer = Pacer::default();
        for (index, step) in steps.iter().enumerate() {
            let got = match *step {
                Request(_) => Request(pacer.request()),
                RetryDue(_) => RetryDue(pacer.retry_due()),
                Interact => {
                    pacer.interact();
                    Interact
                }
                Frame(now, _) => Frame(now, pacer.on_frame(now)),
                Drawn(cost) => {
                    pacer.drawn(cost);
                    Drawn(cost)
                }
                Rendered(cost) => {
                    pacer.rendered(cost);
                    Rendered(cost)
                }
                OnScreen(on, _) => OnScreen(on, pacer.set_on_screen(on)),
            };
            assert_eq!(got, *step, "step {index}");
        }
    }

    #[test]
    fn one_frame_at_a_time() {
        check(&[Request(true), Request(false), Request(false), Frame(100.0, Draw), Request(true)]);
    }

    #[test]
    fn data_redraws_keep_a_gap_of_eighty_times_the_draw_cost() {
        check(&[
            Request(true),
            Frame(1000.0, Draw),
            Drawn(2.0),
            // Due at 1000 + 2 × 80 = 1160.
            Request(true),
            Frame(1016.0, RetryAfterMillis(144.0)),
            // More data while it waits: no frame, no second timer.
            Request(false),
            Request(false),
            RetryDue(true),
            Frame(1150.0, RetryAfterMillis(16.0)),
            RetryDue(true),
            Frame(1160.0, Draw),
            // Nothing changed since: a timer left over asks for nothing.
            RetryDue(false),
        ]);
    }

    #[test]
    fn the_gap_counts_the_browsers_rendering_of_the_draw_too() {
        check(&[
            Request(true),
            Frame(1000.0, Draw),
            Drawn(2.0),
            Rendered(3.0),
            // Due at 1000 + (2 + 3) × 80 = 1400.
            Request(true),
            Frame(1016.0, RetryAfterMillis(384.0)),
            RetryDue(true),
            Frame(1400.0, Draw),
        ]);
    }

    #[test]
    fn rendering_costs_the_least_of_the_last_four() {
        let mut pacer = Pacer::default();
        assert_eq!(pacer.render_cost_millis(), 0.0, "nothing measured yet");
        // A frame that also re-rendered tables costs more than the draw's
        // own rendering: the least stands.
        for (cost, expected) in [(10.0, 10.0), (3.0, 3.0), (12.0, 3.0), (9.0, 3.0), (8.0, 3.0), (8.0, 8.0)] {
            pacer.rendered(cost);
            assert_eq!(pacer.render_cost_millis(), expected, "after {cost}");
        }
        // A clock that went backwards counts as nothing, not as a credit.
        pacer.rendered(-5.0);
        assert_eq!(pacer.render_cost_millis(), 0.0);
    }

    #[test]
    fn the_users_own_action_draws_at_once() {
        check(&[
            Request(true),
            Frame(1000.0, Draw),
            Drawn(5.0),
            Interact,
            Request(true),
            Frame(1016.0, Draw),
            // Only the next frame: then the data's pace again (1016 + 400).
            Drawn(5.0),
            Request(true),
            Frame(1032.0, RetryAfterMillis(384.0)),
        ]);
    }

    #[test]
    fn the_users_action_does_not_wait_for_a_postponed_redraw() {
        check(&[
            Request(true),
            Frame(1000.0, Draw),
            Drawn(5.0),
            Request(true),
            Frame(1016.0, RetryAfterMillis(384.0)),
            Request(false),
            // A pan while the data's redraw waits: drawn at the next frame.
            Interact,
            Request(true),
            Frame(1032.0, Draw),
            Drawn(5.0),
            // That draw showed the data too: the timer asks for nothing.
            RetryDue(false),
            // The next change waits for the data's pace again.
            Request(true),
            Frame(1048.0, RetryAfterMillis(384.0)),
        ]);
    }

    #[test]
    fn off_screen_changes_are_drawn_once_on_return() {
        check(&[
            OnScreen(false, false),
            Request(false),
            Request(false),
            OnScreen(true, true),
            Request(true),
            Frame(10.0, Draw),
            OnScreen(false, false),
            OnScreen(true, false),
        ]);
    }
}
