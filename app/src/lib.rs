//! The meshview dashboard UI: one `AppState` of signals, changed only by
//! applying the worker's diffs (and a few user intents), rendered by one
//! component per panel. Browser glue lives in `browser` (wasm only).

pub mod components;
pub mod format;
pub mod settings;
pub mod state;

#[cfg(target_arch = "wasm32")]
mod browser;

use sycamore::prelude::*;

use components::header::Header;
use components::nodes::NodesPanel;
use state::AppState;

/// The whole dashboard; expects an `AppState` in context.
#[component]
pub fn App() -> View {
    let state = use_context::<AppState>();
    let shown = move |panel: &'static str| state.settings.with(|s| !s.hidden_panels.iter().any(|p| p == panel));
    view! {
        div(class="app") {
            Header()
            main(class="grid") {
                (if shown("nodes") { view! { NodesPanel() } } else { view! {} })
            }
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use browser::start;
