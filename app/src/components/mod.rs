//! One module per panel of the dashboard.

pub mod announcer;
pub mod charts;
pub mod details;
pub mod diagnostics;
pub mod edges;
pub mod events;
pub mod filter_bar;
pub mod focus_bar;
pub mod header;
pub mod logs;
pub mod nodes;
pub mod on_screen;
pub mod scroll_frame;
pub mod scroll_place;
pub mod search;
pub mod slots;
pub mod timeline;
pub mod topology;

/// Saves the canvas behind `canvas_ref` as a captioned PNG (browser only).
pub fn save_picture(state: &crate::state::AppState, canvas_ref: sycamore::prelude::NodeRef, what: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let canvas = canvas_ref.try_get().and_then(|node| node.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        if let Some(canvas) = canvas {
            crate::picture_glue::save_picture(state, &canvas, what);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (state, canvas_ref, what);
}

/// Keeps a control's `choice` in step with the state it sets, when that
/// state is set from elsewhere (the embed API); `name` reads the state's
/// name for the control.
pub fn follow_state(choice: sycamore::prelude::Signal<String>, name: Box<dyn Fn() -> String>) {
    use sycamore::prelude::*;
    create_effect(move || {
        let name = name();
        if choice.with_untracked(|held| *held != name) {
            choice.set(name);
        }
    });
}
