//! What only a browser shows: canvas sizing by devicePixelRatio and the
//! plotters chart actually drawing pixels (headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::collections::VecDeque;

use app::canvas::fit_backing_store;
use app::components::charts::draw::line_chart;
use shared::ChartPoint;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn new_canvas(css_width_px: u32, css_height_px: u32) -> HtmlCanvasElement {
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let canvas: HtmlCanvasElement = document.create_element("canvas").expect("canvas").unchecked_into();
    canvas
        .set_attribute("style", &format!("width:{css_width_px}px;height:{css_height_px}px;display:block"))
        .expect("style");
    document.body().expect("body").append_child(&canvas).expect("attached");
    canvas
}

fn distinct_pixels(canvas: &HtmlCanvasElement) -> usize {
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok().flatten().expect("2d").unchecked_into();
    let data =
        context.get_image_data(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height())).expect("pixels").data();
    let first = data.get(..3).map(<[u8]>::to_vec).unwrap_or_default();
    data.chunks(4).filter(|px| px.get(..3) != Some(first.as_slice())).count()
}

#[wasm_bindgen_test]
fn backing_store_follows_device_pixel_ratio() {
    let ratio = web_sys::window().expect("window").device_pixel_ratio();
    let canvas = new_canvas(300, 150);
    let applied = fit_backing_store(&canvas);
    assert_eq!(applied, ratio.max(1.0));
    assert_eq!(canvas.width(), (300.0 * applied).round() as u32);
    assert_eq!(canvas.height(), (150.0 * applied).round() as u32);
}

#[wasm_bindgen_test]
fn a_chart_draws_its_line() {
    let canvas = new_canvas(320, 150);
    let points: VecDeque<ChartPoint> = (0..600)
        .map(|i| ChartPoint { t_millis: 1_795_719_600_000.0 + f64::from(i) * 250.0, y: (f64::from(i) / 30.0).sin() })
        .collect();
    line_chart(&canvas, &points);
    let drawn = distinct_pixels(&canvas);
    assert!(drawn > 1000, "only {drawn} pixels drawn");

    let empty = new_canvas(320, 150);
    line_chart(&empty, &VecDeque::new());
    assert_eq!(distinct_pixels(&empty), 0, "an empty series draws only the background");
}
