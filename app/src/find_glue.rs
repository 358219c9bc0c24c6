//! Browser glue of finding things (browser only): the page-wide keys (Esc
//! leaves the focus, `/` jumps to the search box) and the address bar kept
//! a deep link to the filter, focus, sorts and grouping in force
//! (`settings::with_find_params`).

use std::cell::RefCell;
use std::rc::Rc;

use sycamore::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::settings::{with_find_params, Shown};
use crate::state::AppState;

/// The address bar is rewritten at most this often while someone types
/// (browsers throttle `history.replaceState`).
const URL_SYNC_MILLIS: i32 = 400;

pub fn install(state: AppState) {
    listen_keys(state.clone());
    sync_url(state);
}

/// Whether a key press belongs to a field being typed in.
fn typing_in(event: &web_sys::KeyboardEvent) -> bool {
    let Some(element) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || element.get_attribute("contenteditable").is_some_and(|v| v != "false")
}

fn listen_keys(state: AppState) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let scope = use_current_scope();
    let on_key = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |event: web_sys::KeyboardEvent| {
        if event.default_prevented() || event.ctrl_key() || event.meta_key() || event.alt_key() || typing_in(&event) {
            return;
        }
        match event.key().as_str() {
            "Escape" if state.focus.with_untracked(Option::is_some) => {
                event.prevent_default();
                scope.run_in(|| state.leave_focus());
            }
            "/" => {
                event.prevent_default();
                focus_search();
            }
            _ => {}
        }
    });
    let _ = document.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    on_key.forget();
}

/// Puts the keyboard in the search box.
pub fn focus_search() {
    let input = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("find-search"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
    }
}

/// Rewrites `?q=`, `?focus=`, `?hops=`, the sorts and the grouping as
/// they change (a filter that does not parse leaves the address as it
/// was), at most every `URL_SYNC_MILLIS`.
fn sync_url(state: AppState) {
    let wanted: Rc<RefCell<Option<String>>> = Rc::default();
    let scheduled = Rc::new(std::cell::Cell::new(false));
    let (filter, error, focus) = (state.filter, state.filter_error, state.focus);
    let (node_sort, edge_sort, group_by) = (state.node_sort, state.edge_sort, state.group_by);
    create_effect(move || {
        let text = filter.get_clone();
        let focus = focus.get_clone();
        let (node_sort, edge_sort, group_by) = (node_sort.get(), edge_sort.get(), group_by.get_clone());
        if error.with(Option::is_some) {
            return;
        }
        let Some(window) = web_sys::window() else { return };
        let search = window.location().search().unwrap_or_default();
        let shown = Shown { filter: &text, focus: focus.as_ref(), node_sort, edge_sort, group_by: Some(&group_by) };
        let next = with_find_params(&search, &shown);
        if next == search || (next.is_empty() && search == "?") {
            return;
        }
        *wanted.borrow_mut() = Some(next);
        if scheduled.replace(true) {
            return;
        }
        let (wanted, scheduled) = (wanted.clone(), scheduled.clone());
        let write = Closure::once_into_js(move || {
            scheduled.set(false);
            if let Some(search) = wanted.borrow_mut().take() {
                replace_search(&search);
            }
        });
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(write.unchecked_ref(), URL_SYNC_MILLIS);
    });
}

fn replace_search(search: &str) {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{search}{hash}")));
    }
}
