//! Canvas helpers shared by the charts and the topology (browser only).

use web_sys::HtmlCanvasElement;

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

/// Sizes the backing store to CSS size × devicePixelRatio, so drawings are
/// crisp on HiDPI screens; returns the ratio.
pub fn fit_backing_store(canvas: &HtmlCanvasElement) -> f64 {
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let rect = canvas.get_bounding_client_rect();
    let (width, height) = ((rect.width() * ratio).round() as u32, (rect.height() * ratio).round() as u32);
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width.max(1));
        canvas.set_height(height.max(1));
    }
    ratio
}
