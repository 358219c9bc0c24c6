//! Live line charts (plotters on a canvas), one per series, time on the x
//! axis. A chart redraws only when its series changed and it is on screen,
//! at most once per diff, at an animation frame within its drawing budget
//! (`frame_budget`), sized by devicePixelRatio so it stays crisp.

use sycamore::prelude::*;

use crate::components::on_screen::{watch_on_screen, NEAR_MARGIN_PX};
use crate::state::AppState;

/// The last value of a series, for the card title.
pub fn last_value_text(last: Option<f64>) -> String {
    last.map(|y| if y.abs() >= 100.0 { format!("{y:.0}") } else { format!("{y:.2}") }).unwrap_or_default()
}

#[component]
pub fn ChartsPanel() -> View {
    let state = use_context::<AppState>();
    let names = state.series_names;
    view! {
        section(class="panel panel-charts", aria-labelledby="charts-title") {
            header(class="panel-head") {
                h2(id="charts-title") { "Charts " span(class="count", data-testid="chart-count") { (move || names.with(Vec::len).to_string()) } }
            }
            (if names.with(Vec::is_empty) {
                view! { p(class="empty") { "No chart series yet." } }
            } else { view! {} })
            div(class="charts") {
                Keyed(list=names, view=|name: String| view! { ChartCard(series=name) }, key=|name| name.clone())
            }
        }
    }
}

/// Moves when the series `name` changed, or the theme (which recolours
/// every chart; not on the first run).
fn series_version(state: &AppState, name: String) -> Signal<u64> {
    let version = create_signal(0u64);
    let touched = state.series_touched;
    create_effect(move || {
        if touched.with(|names| names.contains(&name)) {
            version.update(|v| *v += 1);
        }
    });
    let theme = state.theme;
    let mut first_run = true;
    create_effect(move || {
        theme.track();
        if !std::mem::take(&mut first_run) {
            version.update(|v| *v += 1);
        }
    });
    version
}

/// Room a time label ("12:04:45" and a gap) takes on the x axis, in CSS px.
const TIME_LABEL_PX: f64 = 70.0;
/// The width of the value labels on the left, in CSS px.
const VALUE_LABELS_PX: f64 = 38.0;

/// How many time labels a chart `width_px` wide (CSS px) has room for: two
/// at least (a chart's span is read between them), six at most.
pub fn time_labels_for(width_px: f64) -> usize {
    (((width_px - VALUE_LABELS_PX) / TIME_LABEL_PX).floor().max(0.0) as usize).clamp(2, 6)
}

/// Whether chart series `name` is of node `node_id`: series are named
/// `metric:node` (as the simulator and the protocol's examples name
/// them), or after the node alone.
pub fn is_series_of(name: &str, node_id: &str) -> bool {
    name.rsplit(':').next() == Some(node_id)
}

#[component(inline_props)]
fn ChartCard(series: String) -> View {
    let state = use_context::<AppState>();
    let (selected, of_series) = (state.selected_node, series.clone());
    // The selected node's charts stand out among the others.
    let card_class = move || {
        let mine = selected.with(|id| id.as_deref().is_some_and(|id| is_series_of(&of_series, id)));
        if mine {
            "chart chart-selected"
        } else {
            "chart"
        }
    };
    let canvas_ref = create_node_ref();
    let view_cell = state.view.clone();
    let version = series_version(&state, series.clone());
    // Drawn and captioned only near the screen (like the lists).
    let on_screen = create_signal(false);
    watch_on_screen(canvas_ref, on_screen, NEAR_MARGIN_PX);
    let name = series.clone();
    let last = create_signal(String::new());
    create_effect(move || {
        if on_screen.get() {
            version.track();
            let text =
                last_value_text(view_cell.borrow().series.get(&name).and_then(|points| points.back()).map(|p| p.y));
            if last.with_untracked(|held| *held != text) {
                last.set(text);
            }
        }
    });
    #[cfg(target_arch = "wasm32")]
    {
        let view_cell = state.view.clone();
        let name = series.clone();
        draw::keep_drawn(canvas_ref, version, *on_screen, move |canvas| {
            let view = view_cell.borrow();
            if let Some(points) = view.series.get(&name) {
                draw::line_chart(canvas, points);
            }
        });
    }
    let title = series.clone();
    let aria_label = format!("Line chart of {series}");
    let what = format!("chart {series}");
    let (picture_view, picture_series) = (state.view.clone(), series.clone());
    let handle_picture = move |_| {
        // A chart off screen is not drawn: draw it now, then take it.
        #[cfg(target_arch = "wasm32")]
        if let Some(canvas) = draw::canvas_of(canvas_ref) {
            if let Some(points) = picture_view.borrow().series.get(&picture_series) {
                draw::line_chart(&canvas, points);
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = (&picture_view, &picture_series);
        crate::components::save_picture(&state, canvas_ref, &what);
    };
    let picture_title = format!("Save the chart of {series} as a PNG");
    view! {
        figure(class=card_class, data-series=series) {
            h3 {
                span { (title) }
                span(class="last") { (move || last.get_clone()) }
                button(class="btn btn-small chart-png", on:click=handle_picture, title=picture_title, data-testid="chart-png") { "PNG" }
            }
            canvas(r#ref=canvas_ref, role="img", aria-label=aria_label)
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub mod draw {
    //! Canvas glue: visibility tracking and the plotters drawing.

    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;
    use std::rc::Rc;

    use plotters::prelude::*;
    use plotters_canvas::CanvasBackend;
    use shared::ChartPoint;
    use sycamore::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::HtmlCanvasElement;

    use super::{time_labels_for, TIME_LABEL_PX, VALUE_LABELS_PX};
    use crate::browser::now_millis;
    use crate::canvas::{fit_backing_store, is_dark};
    use crate::format::clock;
    use crate::frame_budget::{run_frame, FRAME_DRAW_BUDGET_MILLIS};
    use crate::next_task::later;

    type Job = Box<dyn FnOnce()>;

    thread_local! {
        /// Charts waiting for a frame to be drawn, each at most once.
        static TO_DRAW: RefCell<VecDeque<Job>> = RefCell::default();
    }

    /// Redraws `canvas` when `version` changes while `on_screen` holds, and
    /// once when it comes into view after changes it missed: at the next
    /// animation frame with room in its drawing budget (`frame_budget`),
    /// not in the diff's task.
    pub fn keep_drawn(
        canvas_ref: NodeRef,
        version: Signal<u64>,
        on_screen: ReadSignal<bool>,
        draw: impl Fn(&HtmlCanvasElement) + 'static,
    ) {
        let drawn_version = create_signal(u64::MAX);
        // A job of this chart waits (it will draw the latest version); the
        // chart is gone (a job that comes after it does nothing).
        let (waiting, gone) = (Rc::new(Cell::new(false)), Rc::new(Cell::new(false)));
        let gone_now = gone.clone();
        on_cleanup(move || gone_now.set(true));
        let draw = Rc::new(draw);
        create_effect(move || {
            let current = version.get();
            if on_screen.get() && drawn_version.get_untracked() != current && !waiting.replace(true) {
                let (draw, waiting, gone) = (draw.clone(), waiting.clone(), gone.clone());
                // Done at a frame: the chart may be out of view by then
                // (drawn when it comes back).
                let job = move || {
                    if gone.get() {
                        return;
                    }
                    waiting.set(false);
                    if let (true, Some(canvas)) = (on_screen.get_untracked(), canvas_of(canvas_ref)) {
                        draw(&canvas);
                        drawn_version.set(version.get_untracked());
                    }
                };
                let first = TO_DRAW.with(|jobs| {
                    let mut jobs = jobs.borrow_mut();
                    jobs.push_back(Box::new(job));
                    jobs.len() == 1
                });
                if first {
                    later(Box::new(draw_frame), true);
                }
            }
        });
    }

    /// One frame's charts, within `FRAME_DRAW_BUDGET_MILLIS`; the rest at
    /// the next frame.
    fn draw_frame() {
        let next = || TO_DRAW.with(|jobs| jobs.borrow_mut().pop_front());
        run_frame(FRAME_DRAW_BUDGET_MILLIS, now_millis, next, |job| job());
        if TO_DRAW.with(|jobs| !jobs.borrow().is_empty()) {
            later(Box::new(draw_frame), true);
        }
    }

    pub fn canvas_of(canvas_ref: NodeRef) -> Option<HtmlCanvasElement> {
        canvas_ref.try_get().and_then(|node| node.dyn_into::<HtmlCanvasElement>().ok())
    }

    pub fn line_chart(canvas: &HtmlCanvasElement, points: &VecDeque<ChartPoint>) {
        let ratio = fit_backing_store(canvas);
        let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else { return };
        let dark = is_dark();
        let (background, grid, text, line) = if dark {
            (RGBColor(23, 27, 35), RGBColor(42, 48, 60), RGBColor(142, 152, 168), RGBColor(109, 147, 255))
        } else {
            (RGBColor(255, 255, 255), RGBColor(230, 233, 238), RGBColor(107, 116, 131), RGBColor(59, 108, 246))
        };
        let root = backend.into_drawing_area();
        let _ = root.fill(&background);
        let (Some(first), Some(last)) = (points.front(), points.back()) else { return };
        let (mut low, mut high) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.y), hi.max(p.y)));
        let pad = ((high - low) * 0.1).max(1e-6);
        low -= pad;
        high += pad;
        let (start, end) = (first.t_millis, last.t_millis.max(first.t_millis + 1.0));
        let px = |v: f64| (v * ratio).round() as u32;
        let font = ("sans-serif", 11.0 * ratio).into_font().color(&text);
        let Ok(mut chart) = ChartBuilder::on(&root)
            .margin(px(4.0))
            // Half a time label: one at the right end shows whole.
            .margin_right(px(TIME_LABEL_PX / 3.0))
            .x_label_area_size(px(18.0))
            .y_label_area_size(px(VALUE_LABELS_PX))
            .build_cartesian_2d(start..end, low..high)
        else {
            return;
        };
        let _ = chart
            .configure_mesh()
            .light_line_style(background.stroke_width(0))
            .bold_line_style(grid.stroke_width(px(1.0)))
            .axis_style(grid.stroke_width(px(1.0)))
            // Plotters puts the labels at round times, as many as fit: a
            // few seconds' span gets one a second, not one in all.
            .x_labels(time_labels_for(f64::from(canvas.width()) / ratio))
            .y_labels(4)
            .x_label_formatter(&|t| clock(*t as i64))
            .y_label_formatter(&|y| crate::format::compact(*y))
            .label_style(font)
            .draw();
        let series = LineSeries::new(points.iter().map(|p| (p.t_millis, p.y)), line.stroke_width(px(1.5)));
        let _ = chart.draw_series(series);
        let _ = root.present();
    }
}

#[cfg(test)]
mod tests {
    use super::{is_series_of, time_labels_for};

    #[test]
    fn a_chart_has_room_for_a_time_label_every_70_px_but_two_at_least() {
        // (chart width in CSS px, time labels)
        let cases = [(0.0, 2), (200.0, 2), (278.0, 3), (317.0, 3), (318.0, 4), (360.0, 4), (600.0, 6), (2000.0, 6)];
        for (width_px, labels) in cases {
            assert_eq!(time_labels_for(width_px), labels, "{width_px} px");
        }
    }

    #[test]
    fn a_series_is_of_the_node_after_its_last_colon() {
        let cases = [
            ("cpu:n1", "n1", true),
            ("cpu:n11", "n1", false),
            ("cpu:n1", "n11", false),
            ("crawl:pages_per_sec", "n1", false),
            ("a:b:n1", "n1", true),
            ("n1", "n1", true),
        ];
        for (name, node_id, mine) in cases {
            assert_eq!(is_series_of(name, node_id), mine, "{name} of {node_id}");
        }
    }
}
