//! The header: project, the connection badge (always the truth, with the
//! reason as a tooltip), message rate, and the live controls. A stopped
//! worker overrides the link's last status and offers a reload.

use shared::bridge::LinkStatus;
use sycamore::prelude::*;

use crate::format::{badge, compact};
use crate::state::AppState;
use crate::watchdog::WorkerHealth;

/// The badge's class and text: the worker's health first, then the link.
pub fn header_badge(worker: &WorkerHealth, status: &LinkStatus) -> (&'static str, String) {
    match worker {
        WorkerHealth::Stopped(_) => ("badge-offline", "Worker stopped".to_owned()),
        WorkerHealth::Running => badge(status),
    }
}

/// The badge's tooltip: why the worker is taken for stopped, or the link's reason.
fn header_reason(worker: &WorkerHealth, status: &LinkStatus) -> String {
    match worker {
        WorkerHealth::Stopped(why) => why.clone(),
        WorkerHealth::Running => status.reason.clone(),
    }
}

#[component]
pub fn Header() -> View {
    let state = use_context::<AppState>();
    let (status, worker) = (state.status, state.worker);
    let badge_parts = create_selector(move || worker.with(|worker| status.with(|status| header_badge(worker, status))));
    let worker_stopped = create_selector(move || worker.with(|worker| matches!(worker, WorkerHealth::Stopped(_))));
    let project = move || match status.with(|s| s.recording.as_ref().map(|meta| meta.project.clone())) {
        Some(recorded) => recorded,
        None => state.settings.with(|s| if s.link.demo { "demo".to_owned() } else { s.link.project.clone() }),
    };
    let paused = create_selector(move || status.with(|s| s.paused));
    // No figure until a rate window has closed on this connection.
    let rate =
        move || status.with(|s| s.rates.map(|r| format!("{} msg/s", compact(r.messages_per_sec))).unwrap_or_default());
    let reason = create_selector(move || worker.with(|worker| status.with(|status| header_reason(worker, status))));
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
                span(class="project", title="Project") { (project) }
            }
            div(class="status") {
                span(class=move || format!("badge {}", badge_parts.with(|b| b.0)), role="status", aria-live="polite",
                    title=move || reason.get_clone(), data-testid="badge") {
                    i(class="pulse", aria-hidden="true")
                    (move || badge_parts.with(|b| b.1.clone()))
                }
                span(class="rate", data-testid="rate", title="Messages per second reduced by the worker") { (rate) }
                (if worker_stopped.get() {
                    view! {
                        button(class="btn btn-primary", on:click=|_| reload_page(), data-testid="reload",
                            title="The worker stopped: reload the page to start a new one") { "Reload" }
                    }
                } else {
                    view! {}
                })
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
                button(class="btn", on:click=handle_theme, title="Switch between automatic, light and dark") { (theme_label) }
            }
        }
    }
}

/// Reloads the page (a new worker); only ever called from a click.
fn reload_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
