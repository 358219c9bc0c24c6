//! A virtualized scroll area: only the rows in view (plus a margin) exist in
//! the DOM, whatever the row count. Optionally keeps the reader's place
//! when rows are added at the top, or follows the bottom like a terminal.

use std::ops::Range;

use sycamore::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::on_screen::{rows_while_on_screen, watch_on_screen, NEAR_MARGIN_PX};
use crate::components::scroll_place::{follow_after_scroll, follow_bottom, keep_rows_in_place, Place, Scroll};

/// Every virtualized row is this tall (CSS keeps it so).
pub const ROW_HEIGHT_PX: f64 = 28.0;
/// Rows rendered above and below the viewport.
const OVERSCAN_ROWS: usize = 6;
/// Assumed viewport height until the element has been measured (a
/// `ResizeObserver` reports its height once it is laid out, and whenever it
/// changes).
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
    /// Grows by the number of rows dropped from the top (a bounded list
    /// appended at the bottom); the frame scrolls up by as much.
    #[prop(default)]
    pub rows_removed_on_top: Option<ReadSignal<u64>>,
    /// Follow the bottom (logs); set false when the reader scrolls up and
    /// true again when they reach the bottom.
    #[prop(default)]
    pub follow: Option<Signal<bool>>,
    pub children: Children,
}

/// Keeps `viewport` at the frame's height as the page lays it out: a frame
/// that grows beside a taller panel (or with the window) renders rows to
/// its new bottom at once, not at the reader's next scroll. The observer
/// reports after layout, so reading the height forces none.
fn watch_viewport(frame_ref: NodeRef, viewport: Signal<f64>) {
    #[cfg(target_arch = "wasm32")]
    on_mount(move || {
        use wasm_bindgen::closure::Closure;

        let Some(element) = frame_ref.try_get().and_then(|node| node.dyn_into::<web_sys::Element>().ok()) else {
            return;
        };
        let (measured, scope) = (element.clone(), use_current_scope());
        let callback = Closure::<dyn FnMut()>::new(move || {
            let height = f64::from(measured.client_height());
            scope.run_in(|| {
                if viewport.is_alive() && height > 0.0 && viewport.get_untracked() != height {
                    viewport.set(height);
                }
            });
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(&element);
            on_cleanup(move || {
                observer.disconnect();
                drop(callback);
            });
        }
    });
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (frame_ref, viewport);
}

#[component]
pub fn ScrollFrame(props: ScrollFrameProps) -> View {
    let ScrollFrameProps {
        total_rows,
        window,
        on_screen,
        label,
        rows_added_on_top,
        rows_removed_on_top,
        follow,
        children,
    } = props;
    let scroll_top = create_signal(0.0);
    let viewport = create_signal(DEFAULT_VIEWPORT_PX);
    let frame_ref = create_node_ref();
    watch_on_screen(frame_ref, on_screen, NEAR_MARGIN_PX);
    watch_viewport(frame_ref, viewport);

    create_effect(move || {
        let rows = visible_rows(scroll_top.get(), viewport.get(), total_rows.get());
        if window.with_untracked(|current| *current != rows) {
            window.set(rows);
        }
    });
    let follow_writer = follow.map(|follow| follow_bottom(follow, total_rows, frame_ref, (scroll_top, viewport)));
    // Following, the frame goes to the bottom whatever came or went.
    let place = Place { frame_ref, scroll_top, viewport, total_rows, follow, on_screen: *on_screen };
    if let Some(added) = rows_added_on_top {
        keep_rows_in_place(added, 1, place);
    }
    if let Some(removed) = rows_removed_on_top {
        keep_rows_in_place(removed, -1, place);
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

fn set_style(node_ref: NodeRef, property: &str, value: &str) {
    if let Some(element) = node_ref.try_get().and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.style().set_property(property, value);
    }
}

pub(super) fn element_of(node_ref: NodeRef) -> Option<web_sys::Element> {
    node_ref.try_get().and_then(|node| node.dyn_into::<web_sys::Element>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

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
