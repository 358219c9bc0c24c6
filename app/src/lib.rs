//! The meshview dashboard UI: one `AppState` of signals, changed only by
//! applying the worker's diffs (and a few user intents), rendered by one
//! component per panel. Browser glue lives in `browser` (wasm only).

pub mod address;
pub mod components;
pub mod embed;
pub mod filter;
pub mod format;
pub mod layout;
pub mod natural;
pub mod settings;
pub mod state;
pub mod watchdog;

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
pub mod canvas;
#[cfg(target_arch = "wasm32")]
mod embed_glue;

use sycamore::prelude::*;

use components::charts::ChartsPanel;
use components::details::DetailsPanel;
use components::diagnostics::DiagnosticsPanel;
use components::edges::EdgesPanel;
use components::events::EventsPanel;
use components::header::Header;
use components::logs::LogsPanel;
use components::nodes::NodesPanel;
use components::topology::TopologyPanel;
use state::AppState;

/// The whole dashboard; expects an `AppState` in context.
#[component]
pub fn App() -> View {
    let state = use_context::<AppState>();
    let settings = state.settings.get_clone_untracked();
    let shown = |panel: &str| !settings.hidden_panels.iter().any(|p| p == panel);
    let panel = |name: &str, make: fn() -> View| if shown(name) { make() } else { View::default() };
    let panels = View::from(vec![
        panel("topology", || view! { TopologyPanel() }),
        panel("details", || view! { DetailsPanel() }),
        panel("nodes", || view! { NodesPanel() }),
        panel("edges", || view! { EdgesPanel() }),
        panel("events", || view! { EventsPanel() }),
        panel("logs", || view! { LogsPanel() }),
        panel("charts", || view! { ChartsPanel() }),
        panel("diagnostics", || view! { DiagnosticsPanel() }),
    ]);
    let class = if settings.kiosk { "app kiosk" } else { "app" };
    let warnings = settings.warnings.join(" · ");
    let notice = state.notice;
    view! {
        div(class=class) {
            Header()
            (if warnings.is_empty() { view! {} } else {
                let text = format!("Settings ignored: {warnings}");
                view! { div(class="notice", role="alert") { span { (text) } } }
            })
            (match notice.get_clone() {
                None => view! {},
                Some(text) => {
                    let state = state.clone();
                    let handle_dismiss = move |_| state.dismiss_notice();
                    view! {
                        div(class="notice", role="alert") {
                            span { (text) }
                            button(class="btn btn-small", on:click=handle_dismiss) { "Dismiss" }
                        }
                    }
                }
            })
            main(class="grid") { (panels) }
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use browser::start;
