//! Canvas helpers shared by the charts and the topology (browser only).

use web_sys::{CssStyleDeclaration, Element, HtmlCanvasElement};

/// True when the page is in the dark theme (forced or from the system).
pub fn is_dark() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let Some(root) = window.document().and_then(|d| d.document_element()) else { return false };
    window
        .get_computed_style(&root)
        .ok()
        .flatten()
        .and_then(|style| style.get_property_value("color-scheme").ok())
        .is_some_and(|scheme| scheme.contains("dark"))
}

/// The stylesheet's colours for the theme in force, as an element sees
/// them: a canvas paints with the same custom properties (`--ok`, ...) as
/// the rest of the page, so it follows the theme without a copy of the
/// colours. Read once per draw; each `get` is a property lookup.
pub struct ThemeColours(Option<CssStyleDeclaration>);

impl ThemeColours {
    pub fn of(element: &Element) -> ThemeColours {
        ThemeColours(web_sys::window().and_then(|window| window.get_computed_style(element).ok().flatten()))
    }

    /// The value of a custom property, such as `--ok` ("" if unset).
    pub fn get(&self, property: &str) -> String {
        let value = self.0.as_ref().and_then(|style| style.get_property_value(property).ok());
        value.map(|value| value.trim().to_owned()).unwrap_or_default()
    }
}

/// Sizes the backing store to CSS size × devicePixelRatio, so drawings are
/// crisp on HiDPI screens; returns the ratio.
pub fn fit_backing_store(canvas: &HtmlCanvasElement) -> f64 {
    fit_backing_store_at(canvas, device_pixel_ratio())
}

/// The window's device pixel ratio (1 where there is no window).
pub fn device_pixel_ratio() -> f64 {
    web_sys::window().map_or(1.0, |w| w.device_pixel_ratio())
}

/// `fit_backing_store` for a given device pixel ratio; a ratio below 1 (a
/// zoomed-out page) counts as 1. Returns the ratio used.
pub fn fit_backing_store_at(canvas: &HtmlCanvasElement, device_pixel_ratio: f64) -> f64 {
    fit_backing_store_of(canvas, canvas, device_pixel_ratio)
}

/// The element whose box is a canvas's box as laid out: its parent (for
/// a canvas filling it, like the topology's, which a transform may move or
/// scale: its own bounding box would include that), or the canvas itself.
pub fn laid_out_box(canvas: &HtmlCanvasElement) -> web_sys::Element {
    canvas.parent_element().unwrap_or_else(|| canvas.clone().into())
}

/// `fit_backing_store_at` for a canvas whose box is `laid_out`'s (see
/// `laid_out_box`).
pub fn fit_backing_store_of(canvas: &HtmlCanvasElement, laid_out: &web_sys::Element, device_pixel_ratio: f64) -> f64 {
    let ratio = device_pixel_ratio.max(1.0);
    let rect = laid_out.get_bounding_client_rect();
    let (width, height) = ((rect.width() * ratio).round() as u32, (rect.height() * ratio).round() as u32);
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width.max(1));
        canvas.set_height(height.max(1));
    }
    ratio
}
