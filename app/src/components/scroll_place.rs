//! Where a virtual list's frame is scrolled to (`scroll_frame`): following
//! the bottom like a terminal, keeping the reader's place as rows come on
//! top or leave it, and writing the position when it costs least and shows
//! no jump.

use sycamore::prelude::*;

use crate::components::scroll_frame::{element_of, ROW_HEIGHT_PX};
use crate::next_task::later;

/// A frame's scroll position, as a scroll event finds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scroll {
    pub top_px: f64,
    pub height_px: f64,
    /// The height of all the rows (`scrollHeight`).
    pub content_px: f64,
}

/// What a scroll event makes of following the bottom: on once the reader
/// is back at the bottom, off once they leave it; unchanged (`None`) when
/// the frame is where following last put it. Rows keep coming between
/// that write and its scroll event, so the frame is no longer at the
/// bottom when the event comes: that is not the reader scrolling up.
pub fn follow_after_scroll(following: bool, scroll: Scroll, written_px: Option<f64>) -> Option<bool> {
    if following && written_px.is_some_and(|written| (scroll.top_px - written).abs() < 1.0) {
        return None;
    }
    let at_bottom = scroll.top_px + scroll.height_px >= scroll.content_px - ROW_HEIGHT_PX / 2.0;
    (at_bottom != following).then_some(at_bottom)
}

/// While `follow` holds, keeps the frame scrolled to the bottom as rows
/// come; the writer says where it last put the frame.
pub fn follow_bottom(
    follow: Signal<bool>,
    total_rows: ReadSignal<usize>,
    frame_ref: NodeRef,
    (scroll_top, viewport): (Signal<f64>, Signal<f64>),
) -> ScrollWriter {
    let writer = ScrollWriter::new(frame_ref);
    create_effect(move || {
        let total = total_rows.get();
        if follow.get() {
            // Positions come from the scroll events; reading scrollTop
            // here would force a layout on every update.
            let bottom = (total as f64 * ROW_HEIGHT_PX - viewport.get_untracked()).max(0.0);
            if bottom != scroll_top.get_untracked() {
                writer.scroll_to(bottom);
                scroll_top.set(bottom);
            }
        }
    });
    writer
}

/// What keeping the reader's place reads and writes.
#[derive(Clone, Copy)]
pub struct Place {
    pub frame_ref: NodeRef,
    pub scroll_top: Signal<f64>,
    pub viewport: Signal<f64>,
    pub total_rows: ReadSignal<usize>,
    pub follow: Option<Signal<bool>>,
    /// The frame is on screen (or nearly): a reader may be scrolling it.
    pub on_screen: ReadSignal<bool>,
}

/// Rows added on top (`sign` 1) push the rows the reader looks at down,
/// rows dropped from the top (`sign` -1) pull them up: scroll by as much,
/// unless the reader is at the top watching the newest rows come, or the
/// frame follows the bottom. The position is written at the end of the
/// task that moved the rows (a frame drawn between would show them jump),
/// from where the browser has the frame then: the last scroll event may
/// not have come in yet (the reader, or a script, scrolled within the last
/// frame), and a position kept from it would throw the reader back. Off
/// screen nobody scrolls the frame and the position kept is the browser's:
/// reading it there would only lay the page out at the end of every
/// diff's task (at steady 10k with the events below the fold, ~17 % of
/// the page's script time was that read).
pub fn keep_rows_in_place(count: ReadSignal<u64>, sign: i64, place: Place) {
    let previous = create_signal(count.get_untracked());
    // Rows moved in this task and not yet written, and the position known
    // before them (off screen, the browser's).
    let pending_rows = create_signal(0i64);
    let known_before = create_signal(0.0);
    create_effect(move || {
        let now = count.get();
        let rows = now.saturating_sub(previous.get_untracked()) as i64 * sign;
        previous.set(now);
        if rows == 0 || place.follow.is_some_and(|follow| follow.get_untracked()) {
            return;
        }
        // The rows this task renders, from the position as last known.
        let (top, total) = (place.scroll_top.get_untracked(), place.total_rows.get_untracked());
        let scheduled = pending_rows.get_untracked() != 0;
        if !scheduled {
            known_before.set_silent(top);
        }
        if let Some(shifted) = kept_in_place(top, rows, total, place.viewport.get_untracked()) {
            place.scroll_top.set(shifted);
        }
        pending_rows.set_silent(pending_rows.get_untracked() + rows);
        if !scheduled {
            at_end_of_task(move || shift_frame(place, pending_rows, known_before));
        }
    });
}

/// Moves the frame by the rows pending, from where the browser has it
/// (off screen, where it was known before them).
fn shift_frame(place: Place, pending_rows: Signal<i64>, known_before: Signal<f64>) {
    // The frame may be gone (its panel closed) by then.
    if !pending_rows.is_alive() {
        return;
    }
    let rows = pending_rows.get_untracked();
    pending_rows.set_silent(0);
    let Some(element) = element_of(place.frame_ref) else { return };
    let on_screen = place.on_screen.get_untracked();
    let top = if on_screen { f64::from(element.scroll_top()) } else { known_before.get_untracked() };
    let (total, viewport) = (place.total_rows.get_untracked(), place.viewport.get_untracked());
    if let Some(shifted) = kept_in_place(top, rows, total, viewport) {
        element.set_scroll_top(shifted as i32);
        // Read back on screen: the browser clamps to the rows' height
        // (`kept_in_place` clamps to the rows too, off screen it suffices).
        let written = if on_screen { f64::from(element.scroll_top()) } else { shifted };
        if written != place.scroll_top.get_untracked() {
            place.scroll_top.set(written);
        }
    }
}

/// Runs `step` once the current task's own work is done (a microtask).
fn at_end_of_task(step: impl FnOnce() + 'static) {
    later(Box::new(step), false);
}

/// Where the frame goes when `rows` came on top (or, negative, left the
/// top; `None`: it stays, at the top or for no change): as far as they
/// take the rows in view, but never past the first or the last row. A
/// bounded list drops rows as new ones come: the rows in view may be
/// gone, and a position kept past the end would show nothing (the browser
/// stops at the last row and says nothing, so no scroll event would
/// correct it).
fn kept_in_place(top_px: f64, rows: i64, total_rows: usize, viewport_px: f64) -> Option<f64> {
    if rows == 0 || top_px <= 0.0 {
        return None;
    }
    let last_px = (total_rows as f64 * ROW_HEIGHT_PX - viewport_px).max(0.0);
    Some((top_px + rows as f64 * ROW_HEIGHT_PX).clamp(0.0, last_px))
}

/// Writes a frame's scroll position at the next animation frame, joining
/// the layout the browser does anyway (following the bottom: the newest
/// rows show a frame later), the last asked-for position once. Writing
/// `scrollTop` right after the rows changed would force a layout in the
/// middle of a diff (measured: ~2 ms per diff at 10k nodes).
#[derive(Clone, Copy)]
pub struct ScrollWriter {
    frame_ref: NodeRef,
    /// The position to write, if a write is scheduled.
    pending: Signal<Option<f64>>,
    /// Where the last write put the frame (as the browser has it).
    written: Signal<Option<f64>>,
}

impl ScrollWriter {
    fn new(frame_ref: NodeRef) -> ScrollWriter {
        ScrollWriter { frame_ref, pending: create_signal(None), written: create_signal(None) }
    }

    pub fn written_px(self) -> Option<f64> {
        self.written.get_untracked()
    }

    fn scroll_to(self, top_px: f64) {
        let scheduled = self.pending.get_untracked().is_some();
        self.pending.set_silent(Some(top_px));
        if scheduled {
            return;
        }
        let write = move || {
            // The frame may be gone (its panel closed) by then.
            if self.pending.is_alive() {
                if let (Some(top), Some(element)) = (self.pending.get_untracked(), element_of(self.frame_ref)) {
                    element.set_scroll_top(top as i32);
                    // Read back: the browser clamps to the rows' height.
                    self.written.set_silent(Some(f64::from(element.scroll_top())));
                }
                self.pending.set_silent(None);
            }
        };
        later(Box::new(write), true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn following_stops_only_when_the_reader_leaves_the_bottom() {
        // 336 px of a 10,052 px log; the bottom is at 9,716 (half a row of slack).
        let at = |top_px: f64| Scroll { top_px, height_px: 336.0, content_px: 10_052.0 };
        let cases = [
            // (following, scroll, last written, now)
            (true, at(9_716.0), Some(9_716.0), None),
            // Rows came after following put the frame at 9,048: still following.
            (true, at(9_048.0), Some(9_048.0), None),
            (true, at(9_048.4), Some(9_048.0), None),
            // The reader scrolled up from there, or never was where it was put.
            (true, at(8_000.0), Some(9_048.0), Some(false)),
            (true, at(9_048.0), None, Some(false)),
            // Back at the bottom (within half a row): following again.
            (false, at(9_703.0), Some(9_048.0), Some(true)),
            (false, at(9_048.0), Some(9_048.0), None),
            (true, at(9_710.0), Some(9_048.0), None),
        ];
        for (following, scroll, written, now) in cases {
            assert_eq!(follow_after_scroll(following, scroll, written), now, "{following} {scroll:?} {written:?}");
        }
    }

    #[test]
    fn rows_added_on_top_keep_the_rows_in_view_within_the_list() {
        // (top, rows added on top, total rows, viewport 336 px) → where the
        // frame goes;
        // 2000 rows end at 56,000 px, the last position is 55,664.
        let cases = [
            (0.0, 5, 2000, None),
            (280.0, 0, 2000, None),
            (280.0, 5, 2000, Some(420.0)),
            (55_000.0, 20, 2000, Some(55_560.0)),
            // The rows in view were dropped (a bounded list): the last rows.
            (55_600.0, 20, 2000, Some(55_664.0)),
            (55_664.0, 300, 2000, Some(55_664.0)),
            (100.0, 3, 5, Some(0.0)),
            // Rows that left the top (a log appended at the bottom) pull up.
            (5_000.0, -20, 1000, Some(4_440.0)),
            (300.0, -20, 1000, Some(0.0)),
            (0.0, -20, 1000, None),
        ];
        for (top, added, total, expected) in cases {
            assert_eq!(kept_in_place(top, added, total, 336.0), expected, "{top} +{added} of {total}");
        }
    }
}
