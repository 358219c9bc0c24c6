//! What only a browser shows: canvas sizing by devicePixelRatio and the
//! plotters chart actually drawing pixels (headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::collections::VecDeque;

use app::canvas::{fit_backing_store, fit_backing_store_at};
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
fn backing_store_is_the_css_size_times_the_pixel_ratio() {
    // (CSS width, CSS height, device pixel ratio, backing width, height, ratio used)
    let cases = [
        (300, 150, 1.0, 300, 150, 1.0),
        (300, 150, 2.0, 600, 300, 2.0),
        (300, 150, 1.5, 450, 225, 1.5),
        (301, 151, 1.25, 376, 189, 1.25), // 376.25 and 188.75, rounded
        (300, 150, 0.5, 300, 150, 1.0),   // a zoomed-out page is never blurrier than 1:1
        (0, 0, 2.0, 1, 1, 2.0),           // a hidden canvas keeps a 1 × 1 store
    ];
    for (css_width, css_height, device_pixel_ratio, width, height, ratio) in cases {
        let canvas = new_canvas(css_width, css_height);
        let used = fit_backing_store_at(&canvas, device_pixel_ratio);
        assert_eq!(
            (canvas.width(), canvas.height(), used),
            (width, height, ratio),
            "{css_width} × {css_height} at {device_pixel_ratio}"
        );
    }
}

#[wasm_bindgen_test]
fn backing_store_follows_the_windows_pixel_ratio() {
    let window_ratio = web_sys::window().expect("window").device_pixel_ratio();
    let (canvas, expected) = (new_canvas(300, 150), new_canvas(300, 150));
    assert_eq!(fit_backing_store(&canvas), fit_backing_store_at(&expected, window_ratio));
    assert_eq!((canvas.width(), canvas.height()), (expected.width(), expected.height()));
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
