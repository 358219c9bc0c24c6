//! Saving a canvas as a PNG: a new canvas at the source's backing-store
//! size (device pixels) plus a caption band, painted in the theme's
//! colours, then offered as a download.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use worker::socket::js_text;

use crate::canvas::{device_pixel_ratio, ThemeColours};
use crate::picture::{caption, picture_name, wrap, Moment, CAPTION_BAND_PX};
use crate::state::AppState;

/// What is shown now: the project, the moment (rewound or now), the filter.
pub fn moment_of(state: &AppState) -> Moment {
    let status = state.status.get_clone_untracked();
    let project = match &status.recording {
        Some(meta) => meta.project.clone(),
        None => state.settings.with_untracked(|s| if s.link.demo { "demo".to_owned() } else { s.link.project.clone() }),
    };
    let now = js_sys::Date::now() as i64;
    let shown_end = status.recording.as_ref().map(|meta| meta.end_millis);
    Moment {
        project,
        at_millis: status.rewound_to_millis.or(shown_end).unwrap_or(now),
        rewound: status.rewound_to_millis.is_some(),
        filter: state.filter.get_clone_untracked(),
    }
}

/// Saves `source` as `meshview-<what>-<project>-<time>.png` with a caption.
pub fn save_picture(state: &AppState, source: &HtmlCanvasElement, what: &str) {
    let moment = moment_of(state);
    let name = picture_name(&what.replace(' ', "-").replace(':', "_"), &moment);
    if let Err(why) = paint_and_save(source, &caption(what, &moment), &name) {
        state.show_notice(format!("picture not saved: {why}"));
    }
}

fn paint_and_save(source: &HtmlCanvasElement, text: &str, name: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let ratio = device_pixel_ratio().max(1.0);
    let picture: HtmlCanvasElement =
        document.create_element("canvas").map_err(|error| js_text(&error))?.dyn_into().map_err(|_| "not a canvas")?;
    let context: CanvasRenderingContext2d = picture
        .get_context("2d")
        .map_err(|error| js_text(&error))?
        .ok_or("no 2d context")?
        .dyn_into()
        .map_err(|_| "not a 2d context")?;
    let (width, height) = (source.width().max(1), source.height().max(1));
    // The caption in lines that fit the picture's width (a narrow chart
    // gets two or three), measured in the font it is painted with.
    let font = format!("600 {:.1}px system-ui, sans-serif", 12.0 * ratio);
    context.set_font(&font);
    let room = f64::from(width) - 20.0 * ratio;
    let lines = wrap(text, |line| context.measure_text(line).map_or(0.0, |m| m.width()) <= room);
    let line_height = 16.0 * ratio;
    let band = (CAPTION_BAND_PX * ratio).max(lines.len() as f64 * line_height + 10.0 * ratio).round();
    picture.set_width(width);
    picture.set_height(height + band as u32);
    let colours = ThemeColours::of(source);
    let colour = |property: &str, fallback: &str| {
        let value = colours.get(property);
        if value.is_empty() {
            fallback.to_owned()
        } else {
            value
        }
    };
    context.set_fill_style_str(&colour("--panel", "#ffffff"));
    context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height) + band);
    context.set_fill_style_str(&colour("--panel-2", "#f0f2f5"));
    context.fill_rect(0.0, 0.0, f64::from(width), band);
    context.set_fill_style_str(&colour("--text", "#1d2430"));
    // The canvas was resized: its state (the font) starts over.
    context.set_font(&font);
    context.set_text_baseline("middle");
    let top = (band - lines.len() as f64 * line_height) / 2.0;
    for (index, line) in lines.iter().enumerate() {
        let y = top + line_height * (index as f64 + 0.5);
        context.fill_text(line, 10.0 * ratio, y).map_err(|error| js_text(&error))?;
    }
    context.draw_image_with_html_canvas_element(source, 0.0, band).map_err(|error| js_text(&error))?;
    let name = name.to_owned();
    let done = Closure::once_into_js(move |blob: Option<web_sys::Blob>| {
        let Some(blob) = blob else { return };
        let _ = crate::session_glue::download_blob(&name, &blob);
    });
    picture.to_blob_with_type(done.unchecked_ref(), "image/png").map_err(|error| js_text(&error))
}
