//! The meshview dashboard UI: one `AppState` of signals, changed only by
//! applying the worker's diffs (and a few user intents), rendered by one
//! component per panel. Browser glue lives in `browser` (wasm only).

pub mod address;
pub mod components;
pub mod embed;
pub mod filter;
pub mod format;
pub mod frame_budget;
pub mod layout;
pub mod lens;
pub mod natural;
pub mod navigate;
pub mod next_task;
pub mod picture;
pub mod scene;
pub mod settings;
pub mod sort;
pub mod state;
pub mod watchdog;

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
pub mod canvas;
#[cfg(target_arch = "wasm32")]
mod embed_glue;
#[cfg(target_arch = "wasm32")]
pub mod find_glue;
#[cfg(target_arch = "wasm32")]
pub mod paint_worker;
#[cfg(target_arch = "wasm32")]
pub mod picture_glue;
#[cfg(target_arch = "wasm32")]
pub mod session_glue;
#[cfg(target_arch = "wasm32")]
pub mod stream_worker;

use sycamore::prelude::*;

use components::announcer::Announcer;
use components::charts::ChartsPanel;
use components::details::DetailsPanel;
use components::diagnostics::DiagnosticsPanel;
use components::edges::EdgesPanel;
use components::events::EventsPanel;
use components::filter_bar::FilterBar;
use components::focus_bar::FocusBar;
use components::header::Header;
use components::logs::LogsPanel;
use components::nodes::NodesPanel;
use components::search::SearchBox;
use components::timeline::Timeline;
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
    let kiosk = settings.kiosk;
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
            (if kiosk { view! {} } else { view! { Timeline() } })
            FindBar()
            main(class="grid") { (panels) }
            Announcer()
        }
    }
}

/// The one filter, the search box and the focus breadcrumb, above every
/// panel (a kiosk shows the filter and focus in force, read-only).
#[component]
fn FindBar() -> View {
    let state = use_context::<AppState>();
    if state.settings.with_untracked(|s| s.kiosk) {
        let (filter, focus) = (state.filter, state.focus);
        let summary = move || {
            let focus = focus.with(|f| f.as_ref().map(|f| format!(" · focus {} ({} hops)", f.node_id, f.hops)));
            filter.with(|q| if q.is_empty() { String::new() } else { format!("filter {q}") })
                + &focus.unwrap_or_default()
        };
        return view! { div(class="find-bar kiosk-summary") { span(class="muted") { (summary) } } };
    }
    view! {
        div(class="find-bar") {
            div(class="find-row") { FilterBar() SearchBox() }
            FocusBar()
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use browser::start;
