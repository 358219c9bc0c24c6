//! The header: project, the connection badge (always the truth, with the
//! reason as a tooltip), message rate, and the live controls.

use sycamore::prelude::*;

use crate::format::{badge, compact};
use crate::state::AppState;

#[component]
pub fn Header() -> View {
    let state = use_context::<AppState>();
    let status = state.status;
    let badge_parts = create_memo(move || status.with(badge));
    let project = move || state.settings.with(|s| if s.link.demo { "demo".to_owned() } else { s.link.project.clone() });
    let paused = create_memo(move || status.with(|s| s.paused));
    let rate = move || format!("{} msg/s", compact(status.with(|s| s.messages_per_sec)));
    let reason = move || status.with(|s| s.reason.clone());
    let (pause_state, retry_state, jump_state) = (state.clone(), state.clone(), state.clone());
    let handle_pause = move |_| {
        if paused.get() {
            pause_state.resume()
        } else {
            pause_state.pause()
        }
    };
    let handle_retry = move |_| retry_state.retry_now();
    let theme_state = state.clone();
    let handle_theme = move |_| theme_state.cycle_theme();
    let theme = state.theme;
    let theme_label = move || format!("Theme: {}", theme.get().as_str());
    let handle_jump = move |_| jump_state.resume();
    view! {
        header(class="topbar") {
            div(class="brand") {
                span(class="logo", aria-hidden="true") { "◆" }
                span(class="name") { "meshview" }
                span(class="project", title="Project") { (project()) }
            }
            div(class="status") {
                span(class=move || format!("badge {}", badge_parts.with(|b| b.0)), role="status", aria-live="polite",
                    title=reason, data-testid="badge") {
                    i(class="pulse", aria-hidden="true")
                    (badge_parts.with(|b| b.1.clone()))
                }
                span(class="rate", data-testid="rate", title="Messages per second reduced by the worker") { (rate()) }
            }
            div(class="actions") {
                (if paused.get() {
                    let handle_jump = handle_jump.clone();
                    view! { button(class="btn btn-primary", on:click=handle_jump) { "Jump to live" } }
                } else {
                    view! {}
                })
                button(class="btn", on:click=handle_pause, aria-pressed=move || paused.get().to_string()) {
                    (if paused.get() { "Resume" } else { "Pause" })
                }
                button(class="btn", on:click=handle_retry, title="Reconnect now") { "Retry now" }
                button(class="btn", on:click=handle_theme, title="Switch between automatic, light and dark") { (theme_label()) }
            }
        }
    }
}
