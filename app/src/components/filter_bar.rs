//! The filter bar: the one filter of every view (README, "Filtering"), as
//! typed, with the offending term underlined and the parser's message
//! inline when it does not parse, how many nodes it shows, and the syntax
//! one click away.

use sycamore::prelude::*;

use crate::components::nodes::count_text;
use crate::filter::ParseError;
use crate::state::AppState;

/// The text before, at and after an error's char range (for underlining).
pub fn error_parts(text: &str, error: &ParseError) -> (String, String, String) {
    let chars: Vec<char> = text.chars().collect();
    let start = error.start.min(chars.len());
    let end = error.end.clamp(start, chars.len());
    let part = |range: std::ops::Range<usize>| chars.get(range).unwrap_or_default().iter().collect::<String>();
    (part(0..start), part(start..end), part(end..chars.len()))
}

/// The input's text: a local copy kept in step with the state's filter
/// (the URL and the portal set it too), written back through `set_filter`.
fn filter_text(state: &AppState) -> Signal<String> {
    let shared_filter = state.filter;
    let text = create_signal(shared_filter.get_clone_untracked());
    create_effect(move || {
        let from_state = shared_filter.get_clone();
        if text.with_untracked(|typed| *typed != from_state) {
            text.set(from_state);
        }
    });
    let filter_state = state.clone();
    create_effect(move || filter_state.set_filter(text.get_clone()));
    text
}

/// The error line: the query with the bad term marked, and the message.
fn error_view(text: String, error: ParseError) -> View {
    let (before, bad, after) = error_parts(&text, &error);
    let bad = if bad.is_empty() { " ".to_owned() } else { bad };
    view! {
        span(class="filter-query") { (before) mark { (bad) } (after) }
        span(class="filter-message") { (error.message) }
    }
}

#[component]
pub fn FilterBar() -> View {
    let state = use_context::<AppState>();
    let text = filter_text(&state);
    let error = state.filter_error;
    let (lens, view_cell, lens_version) = (state.lens.clone(), state.view.clone(), state.lens_version);
    let count = move || {
        lens_version.track();
        let lens = lens.borrow();
        format!("{} nodes", count_text(lens.nodes().len(), view_cell.borrow().nodes.len(), lens.is_narrowed()))
    };
    let handle_clear = move |_| text.set(String::new());
    let invalid = move || error.with(Option::is_some).to_string();
    view! {
        div(class="filter-bar") {
            label(r#for="find-filter", class="find-label") { "Filter" }
            div(class="filter-field") {
                input(id="find-filter", class="filter-input", r#type="search", bind:value=text,
                    placeholder="e.g. kind:api status:error,degraded region:us-east-1 errors>5% -label~canary",
                    aria-label="Filter nodes", aria-invalid=invalid, aria-describedby="find-filter-error find-filter-count",
                    autocomplete="off", data-testid="filter")
                p(id="find-filter-error", class="filter-error", aria-live="polite", data-testid="filter-error") {
                    (error.get_clone().map_or_else(View::default, |error| error_view(text.get_clone(), error)))
                }
            }
            span(id="find-filter-count", class="filter-count", data-testid="filter-count") { (count) }
            (if text.with(String::is_empty) { view! {} } else {
                view! { button(class="btn btn-small", on:click=handle_clear, title="Show everything") { "Clear" } }
            })
            FilterHelp()
        }
    }
}

/// The syntax, one click away.
#[component]
fn FilterHelp() -> View {
    view! {
        details(class="filter-help") {
            summary { "Syntax" }
            ul {
                li { code { "api" } " id or label contains the word" }
                li { code { "kind:api" } " " code { "status:error,degraded" } " one of these values" }
                li { code { "region:us-east-1" } " any meta key" }
                li { code { "label~crawl" } " contains" }
                li { code { "errors>5%" } " " code { "latency>200ms" } " " code { "throughput<10" } " worst edge around a node" }
                li { code { "-status:ok" } " not; terms separated by spaces must all hold" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bad_term_is_cut_out_by_characters() {
        let error = |start, end| ParseError { message: String::new(), start, end };
        let parts = |text: &str, start, end| error_parts(text, &error(start, end));
        let owned = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
        assert_eq!(parts("kind:api status:", 9, 16), owned("kind:api ", "status:", ""));
        assert_eq!(parts("é:x errors>lots", 4, 15), owned("é:x ", "errors>lots", ""));
        assert_eq!(parts("ab", 5, 9), owned("ab", "", ""));
        assert_eq!(parts("abc", 2, 1), owned("ab", "", "c"));
    }
}
