//! A virtualized scroll area: only the rows in view (plus a margin) exist in
//! the DOM, whatever the row count. Optionally keeps the reader's place
//! when rows are added at the top, or follows the bottom like a terminal.

use std::ops::Range;

use sycamore::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::on_screen::{rows_while_on_screen, watch_on_screen, NEAR_MARGIN_PX};

/// Every virtualized row is this tall (CSS keeps it so).
pub const ROW_HEIGHT_PX: f64 = 28.0;
/// Rows rendered above and below the viewport.
const OVERSCAN_ROWS: usize = 6;
/// Assumed viewport height until the element has been measured.
const DEFAULT_VIEWPORT_PX: f64 = 360.0;

/// The rows to render for a scroll position. A position past the end (the
/// browser stops at the last row, but a position kept here may run ahead
/// of it) shows the last rows.
pub fn visible_rows(scroll_top_px: f64, viewport_px: f64, total_rows: usize) -> Range<usize> {
    let in_view = (viewport_px.max(0.0) / ROW_HEIGHT_PX).ceil() as usize + 1;
    let last_first = total_rows.saturating_sub(in_view - 1);
    let first = ((scroll_top_px.max(0.0) / ROW_HEIGHT_PX).floor() as usize).min(last_first);
    let start = first.saturating_sub(OVERSCAN_ROWS).min(total_rows);
    let end = (first + in_view + OVERSCAN_ROWS).min(total_rows);
    start..end.max(start)
}

/// The items of a window of a list: from its natural order, or from an
/// explicit order of keys (a filtered or sorted view) looked up one by one.
/// Costs the window (plus the skipped prefix of the natural order).
pub fn window_items<'a, K, T: 'a>(
    natural: impl Iterator<Item = &'a T>,
    order: Option<&[K]>,
    lookup: impl Fn(&K) -> Option<&'a T>,
    window: Range<usize>,
) -> Vec<&'a T> {
    match order {
        None => natural.skip(window.start).take(window.len()).collect(),
        Some(keys) => keys
            .get(window.start.min(keys.len())..window.end.min(keys.len()))
            .unwrap_or_default()
            .iter()
            .filter_map(lookup)
            .collect(),
    }
}

/// The signals behind a virtualized list: how many rows there are, the
/// window the frame asks for, that window's rows (kept up to date while
/// the frame is on screen), and whether it is (the frame says).
#[derive(Debug)]
pub struct ListModel<R: 'static> {
    pub total: ReadSignal<usize>,
    pub window: Signal<Range<usize>>,
    pub rows: ReadSignal<Vec<R>>,
    pub on_screen: Signal<bool>,
}

/// Builds a list's memos once for every panel: `order` gives the query's
/// keys (`None` for the data's natural order, of `natural_len` rows), and
/// `rows` turns a window into rows. All refresh when `version` moves; the
/// rows only while the list is on screen.
pub fn list_model<K: 'static, R: 'static>(
    version: Signal<u64>,
    mut order: impl FnMut() -> Option<Vec<K>> + 'static,
    natural_len: impl Fn() -> usize + 'static,
    rows: impl Fn(Option<&[K]>, Range<usize>) -> Vec<R> + 'static,
) -> ListModel<R> {
    let order = create_memo(move || {
        version.track();
        order()
    });
    let total = create_memo(move || {
        version.track();
        order.with(|order| order.as_ref().map_or_else(&natural_len, Vec::len))
    });
    let (window, on_screen) = (create_signal(0..0), create_signal(true));
    let rows = rows_while_on_screen(*on_screen, move || {
        version.track();
        let range = window.get_clone();
        order.with(|order| rows(order.as_deref(), range))
    });
    ListModel { total, window, rows, on_screen }
}

/// A list read by row position from an index kept elsewhere (the lens's
/// orders): nothing is materialized but the window. Refreshes when
/// `version` moves (the rows only while the list is on screen).
pub fn indexed_list_model<R: 'static>(
    version: ReadSignal<u64>,
    len: impl Fn() -> usize + 'static,
    rows: impl Fn(Range<usize>) -> Vec<R> + 'static,
) -> ListModel<R> {
    let total = create_memo(move || {
        version.track();
        len()
    });
    let (window, on_screen) = (create_signal(0..0), create_signal(true));
    let rows = rows_while_on_screen(*on_screen, move || {
        version.track();
        rows(window.get_clone())
    });
    ListModel { total, window, rows, on_screen }
}

#[derive(Props)]
pub struct ScrollFrameProps {
    /// How many rows there are in all.
    pub total_rows: ReadSignal<usize>,
    /// Written by the frame: the rows the parent must render.
    pub window: Signal<Range<usize>>,
    /// Written by the frame: whether it is on screen (or nearly).
    pub on_screen: Signal<bool>,
    pub label: &'static str,
    /// Grows by the number of rows inserted at the top; the frame scrolls
    /// down by as much so what the reader looks at stays put.
    #[prop(default)]
    pub rows_added_on_top: Option<ReadSignal<u64>>,
    /// Follow the bottom (logs); set false when the reader scrolls up and
    /// true again when they reach the bottom.
    #[prop(default)]
    pub follow: Option<Signal<bool>>,
    pub children: Children,
}

#[component]
pub fn ScrollFrame(props: ScrollFrameProps) -> View {
    let ScrollFrameProps { total_rows, window, on_screen, label, rows_added_on_top, follow, children } = props;
    let scroll_top = create_signal(0.0);
    let viewport = create_signal(DEFAULT_VIEWPORT_PX);
    let frame_ref = create_node_ref();
    watch_on_screen(frame_ref, on_screen, NEAR_MARGIN_PX);

    create_effect(move || {
        let rows = visible_rows(scroll_top.get(), viewport.get(), total_rows.get());
        if window.with_untracked(|current| *current != rows) {
            window.set(rows);
        }
    });
    let follow_writer = follow.map(|follow| follow_bottom(follow, total_rows, frame_ref, (scroll_top, viewport)));
    if let Some(added) = rows_added_on_top {
        keep_rows_in_place(added, frame_ref, (scroll_top, viewport), total_rows);
    }
    let handle_scroll = move |event: web_sys::Event| {
        let Some(element) = event.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok()) else {
            return;
        };
        let top = f64::from(element.scroll_top());
        let height = f64::from(element.client_height());
        scroll_top.set(top);
        viewport.set(height);
        if let (Some(follow), Some(writer)) = (follow, follow_writer) {
            let scroll = Scroll { top_px: top, height_px: height, content_px: f64::from(element.scroll_height()) };
            if let Some(now) = follow_after_scroll(follow.get_untracked(), scroll, writer.written_px()) {
                follow.set(now);
            }
        }
    };
    // Sizes go through the CSSOM, not `style` attributes, so a strict
    // Content-Security-Policy (no 'unsafe-inline' styles) holds.
    let (space_ref, rows_ref) = (create_node_ref(), create_node_ref());
    on_mount(move || {
        create_effect(move || {
            set_style(space_ref, "height", &format!("{}px", total_rows.get() as f64 * ROW_HEIGHT_PX))
        });
        create_effect(move || {
            let offset = window.with(|w| w.start) as f64 * ROW_HEIGHT_PX;
            set_style(rows_ref, "transform", &format!("translateY({offset}px)"));
        });
    });
    let rows = children.call();
    view! {
        div(class="scroll", r#ref=frame_ref, on:scroll=handle_scroll, tabindex="0", aria-label=label, data-on-screen=move || on_screen.get().to_string()) {
            div(class="scroll-space", r#ref=space_ref) {
                div(class="scroll-rows", r#ref=rows_ref) { (rows) }
            }
        }
    }
}

/// A frame's scroll position, as a scroll event finds it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scroll {
    top_px: f64,
    height_px: f64,
    /// The height of all the rows (`scrollHeight`).
    content_px: f64,
}

/// What a scroll event makes of following the bottom: on once the reader
/// is back at the bottom, off once they leave it; unchanged (`None`) when
/// the frame is where following last put it. Rows keep coming between
/// that write and its scroll event, so the frame is no longer at the
/// bottom when the event comes: that is not the reader scrolling up.
fn follow_after_scroll(following: bool, scroll: Scroll, written_px: Option<f64>) -> Option<bool> {
    if following && written_px.is_some_and(|written| (scroll.top_px - written).abs() < 1.0) {
        return None;
    }
    let at_bottom = scroll.top_px + scroll.height_px >= scroll.content_px - ROW_HEIGHT_PX / 2.0;
    (at_bottom != following).then_some(at_bottom)
}

/// While `follow` holds, keeps the frame scrolled to the bottom as rows
/// come; the writer says where it last put the frame.
fn follow_bottom(
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

/// Rows added on top push the rows the reader looks at down: scroll by as
/// much, unless the reader is at the top watching the newest rows come.
fn keep_rows_in_place(
    added: ReadSignal<u64>,
    frame_ref: NodeRef,
    (scroll_top, viewport): (Signal<f64>, Signal<f64>),
    total_rows: ReadSignal<usize>,
) {
    let previous = create_signal(added.get_untracked());
    let writer = ScrollWriter::new(frame_ref);
    create_effect(move || {
        let now = added.get();
        let delta = now.saturating_sub(previous.get_untracked());
        previous.set(now);
        let total = total_rows.get_untracked();
        if let Some(shifted) = kept_in_place(scroll_top.get_untracked(), delta, total, viewport.get_untracked()) {
            writer.scroll_to(shifted);
            scroll_top.set(shifted);
        }
    });
}

/// Where the frame goes when `added` rows came on top (`None`: it stays,
/// at the top or for nothing added): as far down as they take the rows
/// in view, but never past the last row. A bounded list drops its oldest
/// rows as new ones come: the rows in view may be gone, and a position
/// kept past the end would show nothing (the browser stops at the last
/// row and says nothing, so no scroll event would correct it).
fn kept_in_place(top_px: f64, added: u64, total_rows: usize, viewport_px: f64) -> Option<f64> {
    if added == 0 || top_px <= 0.0 {
        return None;
    }
    let last_px = (total_rows as f64 * ROW_HEIGHT_PX - viewport_px).max(0.0);
    Some((top_px + added as f64 * ROW_HEIGHT_PX).min(last_px))
}

/// Writes a frame's scroll position at the next animation frame, the last
/// asked-for position once. Writing `scrollTop` right after the rows
/// changed would force a layout in the middle of a diff (measured: ~2 ms
/// per diff at 10k nodes); at the frame it joins the layout the browser
/// does anyway.
#[derive(Clone, Copy)]
struct ScrollWriter {
    frame_ref: NodeRef,
    /// The position to write at the next frame, if one is scheduled.
    pending: Signal<Option<f64>>,
    /// Where the last write put the frame (as the browser has it).
    written: Signal<Option<f64>>,
}

impl ScrollWriter {
    fn new(frame_ref: NodeRef) -> ScrollWriter {
        ScrollWriter { frame_ref, pending: create_signal(None), written: create_signal(None) }
    }

    fn written_px(self) -> Option<f64> {
        self.written.get_untracked()
    }

    fn scroll_to(self, top_px: f64) {
        let scheduled = self.pending.get_untracked().is_some();
        self.pending.set_silent(Some(top_px));
        if scheduled {
            return;
        }
        let Some(window) = web_sys::window() else { return };
        let callback = wasm_bindgen::closure::Closure::once_into_js(move || {
            // The frame may be gone (its panel closed) by then.
            if self.pending.is_alive() {
                if let (Some(top), Some(element)) = (self.pending.get_untracked(), element_of(self.frame_ref)) {
                    element.set_scroll_top(top as i32);
                    // Read back: the browser clamps to the rows' height.
                    self.written.set_silent(Some(f64::from(element.scroll_top())));
                }
                self.pending.set_silent(None);
            }
        });
        let _ = window.request_animation_frame(callback.unchecked_ref());
    }
}

fn set_style(node_ref: NodeRef, property: &str, value: &str) {
    if let Some(element) = node_ref.try_get().and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.style().set_property(property, value);
    }
}

fn element_of(node_ref: NodeRef) -> Option<web_sys::Element> {
    node_ref.try_get().and_then(|node| node.dyn_into::<web_sys::Element>().ok())
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
        // (top, added, total rows, viewport 336 px) → where the frame goes;
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
        ];
        for (top, added, total, expected) in cases {
            assert_eq!(kept_in_place(top, added, total, 336.0), expected, "{top} +{added} of {total}");
        }
    }

    #[test]
    fn renders_only_the_rows_in_view() {
        assert_eq!(visible_rows(0.0, 280.0, 100_000), 0..17);
        assert_eq!(visible_rows(28_000.0, 280.0, 100_000), 994..1017);
        assert_eq!(visible_rows(0.0, 280.0, 3), 0..3);
        // Past the end: as at the bottom (2000 rows in a 280 px view: the
        // last position is 55,720 px, row 1990, less 6 rows of overscan).
        assert_eq!(visible_rows(1e9, 280.0, 10), 0..10);
        assert_eq!(visible_rows(1e9, 280.0, 2000), 1984..2000);
        assert_eq!(visible_rows(55_720.0, 280.0, 2000), 1984..2000);
        assert_eq!(visible_rows(-5.0, -1.0, 0), 0..0);
    }
}
