//! The timeline: the history the worker keeps (README, "Time travel"), as
//! a track with its marks (disconnections, gaps, error bursts) and a
//! handle. Dragging or stepping shows the whole dashboard as it was at that
//! moment; "Live" comes back. The stream goes on being reduced meanwhile.

use shared::bridge::LinkStatus;
use shared::history::{Mark, MarkKind};
use sycamore::prelude::*;

use crate::format::{bytes, clock};
use crate::state::AppState;

/// One step of the step buttons and the arrow keys' big step.
pub const STEP_MILLIS: i64 = 10_000;

/// `1:05` or `12 s`: a span of time, short.
pub fn span_text(millis: i64) -> String {
    let seconds = millis.max(0) / 1000;
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=3599 => format!("{}:{:02} min", seconds / 60, seconds % 60),
        _ => format!("{}:{:02} h", seconds / 3600, seconds / 60 % 60),
    }
}

/// What the timeline says: where the page is, and what is kept.
pub fn caption(status: &LinkStatus) -> String {
    let history = &status.history;
    let (Some(start), Some(end)) = (history.start_millis, history.end_millis) else {
        return if history.state_over_budget {
            "History off: the state is larger than its memory budget".to_owned()
        } else if history.budget.is_some_and(|budget| budget.max_bytes == 0) {
            "History off".to_owned()
        } else {
            "History: nothing yet".to_owned()
        };
    };
    let kept = format!("{} kept · {}", span_text(end - start), bytes(history.bytes as f64));
    if let Some(meta) = &status.recording {
        let at = status.rewound_to_millis.unwrap_or(end);
        return format!(
            "Recording of {} · {}–{} · showing {}",
            meta.project,
            clock(meta.start_millis),
            clock(meta.end_millis),
            clock(at)
        );
    }
    // Recording paused: the budget cannot hold `MIN_WINDOW_MILLIS` of the stream.
    let kept = match history.paused_since_millis {
        Some(_) => format!("{kept} · paused: stream too fast"),
        None => kept,
    };
    match status.rewound_to_millis {
        Some(at) => format!("Showing {} · {} ago · {kept}", clock(at), span_text(end - at)),
        None => format!("Live · {kept}"),
    }
}

/// A mark's place on the track, in percent from the left.
pub fn mark_percent(at_millis: i64, start: i64, end: i64) -> f64 {
    if end <= start {
        return 100.0;
    }
    ((at_millis - start) as f64 / (end - start) as f64 * 100.0).clamp(0.0, 100.0)
}

fn mark_class(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::Disconnected => "mark mark-disconnected",
        MarkKind::Gap => "mark mark-gap",
        MarkKind::ErrorBurst => "mark mark-errors",
        MarkKind::Paused => "mark mark-paused",
    }
}

/// A mark's tooltip.
pub fn mark_title(mark: &Mark) -> String {
    let what = match mark.kind {
        MarkKind::Disconnected => "link lost".to_owned(),
        MarkKind::Gap => "messages skipped (seq gap)".to_owned(),
        MarkKind::ErrorBurst => format!("{} error events", mark.count),
        MarkKind::Paused => "recording paused: the stream was too fast for the history's budget".to_owned(),
    };
    format!("{} · {what}", clock(mark.at_millis))
}

#[component]
pub fn Timeline() -> View {
    let state = use_context::<AppState>();
    let status = state.status;
    let span = create_selector(move || status.with(|s| s.history.start_millis.zip(s.history.end_millis)));
    let rewound = create_selector(move || status.with(|s| s.rewound_to_millis));
    let (input_state, step_state, live_state) = (state.clone(), state.clone(), state.clone());
    let handle_input = move |event: web_sys::Event| {
        let Some((_, end)) = span.get() else { return };
        let value = event_target_value(&event);
        if let Some(at) = value {
            input_state.rewind(if at >= end { None } else { Some(at) });
        }
    };
    let step = move |by: i64| {
        let Some((start, end)) = span.get() else { return };
        let from = rewound.get().unwrap_or(end);
        let at = (from + by).clamp(start, end);
        step_state.rewind(if at >= end { None } else { Some(at) });
    };
    let step_back = step.clone();
    let handle_live = move |_| live_state.rewind(None);
    let marks = create_selector(move || status.with(|s| s.history.marks.clone()));
    // The range and the marks are written through the DOM and the CSSOM:
    // min, max, then value, in that order (a value set before its max
    // would be clamped), and positions without `style` attributes (a
    // strict Content-Security-Policy holds).
    let (range_ref, marks_ref) = (create_node_ref(), create_node_ref());
    on_mount(move || {
        create_effect(move || {
            let bounds = span.get().unwrap_or((0, 0));
            let at = rewound.get().unwrap_or(bounds.1);
            set_range(range_ref, bounds, at);
        });
        create_effect(move || {
            let bounds = span.get();
            marks.with(|marks| draw_marks(marks_ref, bounds, marks));
        });
    });
    let disabled = move || span.get().is_none_or(|(start, end)| end <= start);
    let caption_text = move || status.with(caption);
    let class = move || if rewound.get().is_some() { "timeline rewound" } else { "timeline" };
    let recording = create_selector(move || status.with(|s| s.recording.is_some()));

    view! {
        div(class=class, data-testid="timeline") {
            button(class="btn btn-small", title="10 seconds back", aria-label="10 seconds back",
                disabled=disabled, on:click=move |_| step_back(-STEP_MILLIS)) { "◀ 10 s" }
            div(class="track") {
                div(class="marks", r#ref=marks_ref)
                input(r#type="range", r#ref=range_ref, step="any", disabled=disabled,
                    aria-label="Moment shown", data-testid="timeline-range", on:input=handle_input)
            }
            button(class="btn btn-small", title="10 seconds on", aria-label="10 seconds on",
                disabled=move || disabled() || rewound.get().is_none(), on:click=move |_| step(STEP_MILLIS)) { "10 s ▶" }
            (if rewound.get().is_some() {
                let handle_live = handle_live.clone();
                let label = if recording.get() { "Latest" } else { "Live" };
                view! { button(class="btn btn-primary btn-small", on:click=handle_live, data-testid="timeline-live") { (label) } }
            } else {
                view! {}
            })
            span(class="timeline-caption", data-testid="timeline-caption") { (caption_text) }
            SessionFiles()
        }
    }
}

/// Save the history as a session file, open one, or leave a recording.
#[component]
fn SessionFiles() -> View {
    let state = use_context::<AppState>();
    let status = state.status;
    let recording = create_selector(move || status.with(|s| s.recording.is_some()));
    let nothing_kept = move || status.with(|s| s.history.start_millis.is_none());
    let (save_state, open_state, leave_state) = (state.clone(), state.clone(), state);
    let handle_save = move |_| save_state.save_session();
    let handle_leave = move |_| leave_state.back_to_live_stream();
    let handle_open = move |event: web_sys::Event| open_picked_file(&open_state, &event);
    view! {
        div(class="timeline-files") {
            (if recording.get() {
                let handle_leave = handle_leave.clone();
                view! { button(class="btn btn-small", on:click=handle_leave, data-testid="leave-recording",
                    title="Close the recording and connect to the live stream again") { "Back to live stream" } }
            } else {
                view! {}
            })
            button(class="btn btn-small", on:click=handle_save, disabled=nothing_kept, data-testid="save-session",
                title="Save the history as a session file anyone can open, with no server") { "Save session" }
            label(class="btn btn-small file-button", title="Open a saved session file (or drop one on the page)") {
                "Open…"
                input(r#type="file", accept=format!(".{}", shared::session::SESSION_EXTENSION),
                    data-testid="open-session", on:change=handle_open)
            }
        }
    }
}

fn set_range(range_ref: NodeRef, (start, end): (i64, i64), at_millis: i64) {
    use wasm_bindgen::JsCast;
    let Some(input) = range_ref.try_get().and_then(|node| node.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
        return;
    };
    input.set_min(&start.to_string());
    input.set_max(&end.to_string());
    input.set_value(&at_millis.to_string());
}

/// The marks as spans placed along the track (rebuilt with each status:
/// at most `MAX_HISTORY_MARKS`).
fn draw_marks(marks_ref: NodeRef, bounds: Option<(i64, i64)>, marks: &[Mark]) {
    use wasm_bindgen::JsCast;
    let Some(layer) = marks_ref.try_get().and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return;
    };
    layer.set_text_content(None);
    let (Some((start, end)), Some(document)) = (bounds, layer.owner_document()) else { return };
    for mark in marks {
        let Ok(span) = document.create_element("span") else { continue };
        span.set_class_name(mark_class(mark.kind));
        let _ = span.set_attribute("title", &mark_title(mark));
        if let Ok(span) = span.dyn_into::<web_sys::HtmlElement>() {
            let _ = span.style().set_property("left", &format!("{:.2}%", mark_percent(mark.at_millis, start, end)));
            let _ = layer.append_child(&span);
        }
    }
}

/// The file picked in the picker, opened as a session (the picker is then
/// emptied, so picking the same file again opens it again).
fn open_picked_file(state: &AppState, event: &web_sys::Event) {
    use wasm_bindgen::JsCast;
    let Some(input) = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
        return;
    };
    let file = input.files().and_then(|files| files.get(0));
    #[cfg(target_arch = "wasm32")]
    if let Some(file) = file {
        crate::session_glue::open_file(state.clone(), file);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (state, file);
    input.set_value("");
}

/// The number an `<input type=range>` holds after an input event.
fn event_target_value(event: &web_sys::Event) -> Option<i64> {
    use wasm_bindgen::JsCast;
    let input = event.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let value = input.value_as_number();
    value.is_finite().then_some(value as i64)
}
