//! Browser side of the embed API (`embed.rs` has the messages): listens to
//! `message` events from the one allowed parent origin, posts events to that
//! exact origin (never `*`), and reports the page height as it changes.

use sycamore::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::embed::{self, EmbedCommand};
use crate::format::badge;
use crate::state::AppState;

/// Wires the API up; without a `parentOrigin` nothing is listened to or sent.
pub fn install(state: AppState) {
    let Some(parent_origin) = state.settings.with_untracked(|s| s.parent_origin.clone()) else {
        return;
    };
    let Some(window) = web_sys::window() else { return };
    let post = {
        let origin = parent_origin.clone();
        move |text: String| {
            let Ok(Some(parent)) = web_sys::window().map_or(Ok(None), |w| w.parent()) else { return };
            if let Ok(message) = js_sys::JSON::parse(&text) {
                let _ = parent.post_message(&message, &origin);
            }
        }
    };

    let scope = use_current_scope();
    let listener_state = state.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let state = listener_state.clone();
        scope.run_in(|| {
            let from_parent = event.origin() == parent_origin
                && web_sys::window().and_then(|w| w.parent().ok().flatten()).is_some_and(|parent| {
                    event.source().is_some_and(|source| JsValue::from(source) == JsValue::from(parent))
                });
            let text = js_sys::JSON::stringify(&event.data()).ok().and_then(|t| t.as_string()).unwrap_or_default();
            match (from_parent, embed::parse_command(&text)) {
                (true, Ok(command)) => apply(&state, command),
                _ => state.count_embed_ignored(),
            }
        });
    });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();

    post(embed::ready_message());
    watch_height(post.clone());
    let status = state.status;
    let last_connection = create_signal(String::new());
    let connection_post = post.clone();
    create_effect(move || {
        let (word, text) = status.with(|s| (embed::connection_state(s), badge(s).1));
        if last_connection.with_untracked(|last| last != word) {
            last_connection.set(word.to_owned());
            connection_post(embed::connection_message(word, &text));
        }
    });
    let selected = state.selected_node;
    let mut first_run = true;
    create_effect(move || {
        let message = selected.with(|id| embed::select_message(id.as_deref()));
        if !std::mem::take(&mut first_run) {
            post(message);
        }
    });
}

fn apply(state: &AppState, command: EmbedCommand) {
    match command {
        EmbedCommand::SetTheme(theme) => state.set_theme(theme),
        EmbedCommand::SetProject(project) => state.set_project(project),
        EmbedCommand::Pause => state.pause(),
        EmbedCommand::Resume => state.resume(),
        EmbedCommand::SelectNode(node_id) => state.select_node(node_id),
        EmbedCommand::SetFilter(text) => state.set_filter(text),
        EmbedCommand::SetToken(token) => state.set_token(token),
    }
}

/// Posts `resize {height}` whenever the document's height changes.
fn watch_height(post: impl Fn(String) + 'static) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let last_height = std::cell::Cell::new(0);
    let measured = root.clone();
    let on_resize = Closure::<dyn FnMut()>::new(move || {
        let height = measured.scroll_height().max(0) as u32;
        if height != last_height.replace(height) {
            post(embed::resize_message(height));
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        observer.observe(&root);
        std::mem::forget(observer);
    }
    on_resize.forget();
}
