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
    }
}

/// A mark's tooltip.
pub fn mark_title(mark: &Mark) -> String {
    let what = match mark.kind {
        MarkKind::Disconnected => "link lost".to_owned(),
        MarkKind::Gap => "messages skipped (seq gap)".to_owned(),
        MarkKind::ErrorBurst => format!("{} error events", mark.count),
    };
    format!("{} · {what}", clock(mark.at_millis))
}

#[component]
pub fn Timeline() -> View {
    let state = use_context::<AppState>();
    let status = state.status;
    let span = create_memo(move || status.with(|s| s.history.start_millis.zip(s.history.end_millis)));
    let rewound = create_memo(move || status.with(|s| s.rewound_to_millis));
    // The handle: the moment shown, or the end while live.
    let position = move || {
        let end = span.get().map_or(0, |(_, end)| end);
        rewound.get().unwrap_or(end).to_string()
    };
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
    let marks = create_memo(move || status.with(|s| s.history.marks.clone()));
    let marks_view = move || {
        let Some((start, end)) = span.get() else { return view! {} };
        let views: Vec<View> = marks
            .get_clone()
            .into_iter()
            .map(|mark| {
                let style = format!("left: {:.2}%", mark_percent(mark.at_millis, start, end));
                let title = mark_title(&mark);
                view! { span(class=mark_class(mark.kind), style=style, title=title) }
            })
            .collect();
        View::from(views)
    };
    let min = move || span.get().map_or(0, |(start, _)| start).to_string();
    let max = move || span.get().map_or(0, |(_, end)| end).to_string();
    let disabled = move || span.get().is_none_or(|(start, end)| end <= start);
    let caption_text = move || status.with(caption);
    let class = move || if rewound.get().is_some() { "timeline rewound" } else { "timeline" };
    view! {
        div(class=class, data-testid="timeline") {
            button(class="btn btn-small", title="10 seconds back", aria-label="10 seconds back",
                disabled=disabled, on:click=move |_| step_back(-STEP_MILLIS)) { "◀ 10 s" }
            div(class="track") {
                div(class="marks", aria-hidden="true") { (marks_view()) }
                input(r#type="range", min=min, max=max, step="250", prop:value=position, disabled=disabled,
                    aria-label="Moment shown", data-testid="timeline-range", on:input=handle_input)
            }
            button(class="btn btn-small", title="10 seconds on", aria-label="10 seconds on",
                disabled=move || disabled() || rewound.get().is_none(), on:click=move |_| step(STEP_MILLIS)) { "10 s ▶" }
            (if rewound.get().is_some() {
                let handle_live = handle_live.clone();
                view! { button(class="btn btn-primary btn-small", on:click=handle_live, data-testid="timeline-live") { "Live" } }
            } else {
                view! {}
            })
            span(class="timeline-caption", data-testid="timeline-caption") { (caption_text()) }
        }
    }
}

/// The number an `<input type=range>` holds after an input event.
fn event_target_value(event: &web_sys::Event) -> Option<i64> {
    use wasm_bindgen::JsCast;
    let input = event.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let value = input.value_as_number();
    value.is_finite().then_some(value as i64)
}
