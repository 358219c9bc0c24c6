//! Browser side of the embed API (`embed.rs` has the messages): listens to
//! `message` events from the one allowed parent origin, posts events to that
//! exact origin (never `*`), and reports the page height as it changes.
//! An incoming message's origin and source are checked before its data is
//! touched; then only the fields a command needs are read, each bounded.

use sycamore::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::embed::{self, EmbedCommand, Field};
use crate::state::AppState;

thread_local! {
    /// The portal, once the API is installed: how to post to it, and how
    /// many session files it asked for that have not come yet.
    static PORTAL: std::cell::RefCell<Option<Portal>> = const { std::cell::RefCell::new(None) };
}

/// Posts a message to the portal, with bytes attached as `data`.
type PostToPortal = std::rc::Rc<dyn Fn(embed::Outgoing, Option<&[u8]>)>;

struct Portal {
    post: PostToPortal,
    sessions_asked: u32,
}

/// A saved session goes to the portal if it asked for one (true), else
/// the page downloads it.
pub fn session_for_portal(name: &str, bytes: &[u8]) -> bool {
    let post = PORTAL.with_borrow_mut(|portal| {
        let portal = portal.as_mut().filter(|portal| portal.sessions_asked > 0)?;
        portal.sessions_asked -= 1;
        Some(portal.post.clone())
    });
    let Some(post) = post else { return false };
    let said = embed::Said::Session { name: name.to_owned(), size: bytes.len() as u64 };
    post(said.outgoing(), Some(bytes));
    true
}

/// A session error goes to the portal too when it is waiting for a file.
pub fn session_error_for_portal(text: &str) {
    let post = PORTAL.with_borrow_mut(|portal| {
        let portal = portal.as_mut().filter(|portal| portal.sessions_asked > 0)?;
        portal.sessions_asked -= 1;
        Some(portal.post.clone())
    });
    if let Some(post) = post {
        post(embed::Said::SessionError { text: text.to_owned() }.outgoing(), None);
    }
}

fn post_session_error(text: String) {
    let post = PORTAL.with_borrow(|portal| portal.as_ref().map(|portal| portal.post.clone()));
    if let Some(post) = post {
        post(embed::Said::SessionError { text }.outgoing(), None);
    }
}

/// Wires the API up; without a `parentOrigin` nothing is listened to or sent.
pub fn install(state: AppState) {
    let Some(parent_origin) = state.settings.with_untracked(|s| s.parent_origin.clone()) else {
        return;
    };
    let Some(window) = web_sys::window() else { return };
    let post_with_data = {
        let origin = parent_origin.clone();
        move |message: embed::Outgoing, data: Option<&[u8]>| {
            let Ok(Some(parent)) = web_sys::window().map_or(Ok(None), |w| w.parent()) else { return };
            // Plain objects and `null` for an absent value, as JSON would have.
            let plain = serde_wasm_bindgen::Serializer::json_compatible();
            if let Ok(message) = serde::Serialize::serialize(&message, &plain) {
                if let Some(bytes) = data {
                    let _ = js_sys::Reflect::set(&message, &"data".into(), &js_sys::Uint8Array::from(bytes));
                }
                let _ = parent.post_message(&message, &origin);
            }
        }
    };
    let post_with_data: PostToPortal = std::rc::Rc::new(post_with_data);
    PORTAL.with_borrow_mut(|portal| *portal = Some(Portal { post: post_with_data.clone(), sessions_asked: 0 }));
    let post = move |message: embed::Outgoing| post_with_data(message, None);

    let scope = use_current_scope();
    let listener_state = state.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let command = read_command(&event, &parent_origin);
        scope.run_in(|| match command {
            Some(command) => apply(&listener_state, command),
            None => listener_state.count_embed_ignored(),
        });
    });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();

    post(embed::ready_message());
    watch_height(post.clone());
    watch_connection(&state, post.clone());
    let selected = state.selected_node;
    let mut first_run = true;
    create_effect(move || {
        let message = selected.with(|id| embed::select_message(id.as_deref()));
        if !std::mem::take(&mut first_run) {
            post(message);
        }
    });
}

/// The command in a message, if it is one from our parent: origin and
/// source first, then the data, field by field.
fn read_command(event: &web_sys::MessageEvent, parent_origin: &str) -> Option<EmbedCommand> {
    if event.origin() != parent_origin {
        return None;
    }
    let parent = web_sys::window()?.parent().ok().flatten()?;
    if event.source().map(JsValue::from) != Some(JsValue::from(parent)) {
        return None;
    }
    let data = event.data();
    if !data.is_object() {
        return None;
    }
    embed::parse_command(|name| field(&data, name)).ok()
}

/// One field of a structured-cloned message (plain data: no getters run).
fn field(data: &JsValue, name: &str) -> Field {
    let Ok(value) = js_sys::Reflect::get(data, &JsValue::from_str(name)) else { return Field::Other };
    if value.is_undefined() {
        Field::Absent
    } else if value.is_null() {
        Field::Null
    } else if let Some(text) = value.dyn_ref::<js_sys::JsString>() {
        Field::text(text.length() as usize, || String::from(text))
    } else if let Some(number) = value.as_f64() {
        Field::Number(number)
    } else {
        Field::Other
    }
}

/// Posts `connection {state, text}` when the state word changes.
fn watch_connection(state: &AppState, post: impl Fn(embed::Outgoing) + 'static) {
    let (status, worker) = (state.status, state.worker);
    let last_connection = create_signal(String::new());
    create_effect(move || {
        let (word, text) = worker.with(|worker| {
            let running = *worker == crate::watchdog::WorkerHealth::Running;
            status.with(|s| (embed::connection_state(s, running), crate::components::header::header_badge(worker, s).1))
        });
        if last_connection.with_untracked(|last| last != word) {
            last_connection.set(word.to_owned());
            post(embed::connection_message(word, &text));
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
        EmbedCommand::SetFocus(Some(node_id), hops) => {
            state.focus_on(node_id);
            if let Some(hops) = hops {
                state.set_focus_hops(hops);
            }
        }
        EmbedCommand::SetFocus(None, _) => state.leave_focus(),
        EmbedCommand::SetNodeSort(sort) => state.set_node_sort(sort),
        EmbedCommand::SetEdgeSort(sort) => state.set_edge_sort(sort),
        EmbedCommand::SetGroupBy(by) => state.set_group_by(by),
        EmbedCommand::SetToken(token) => state.set_token(token),
        EmbedCommand::SaveSession => {
            PORTAL.with_borrow_mut(|portal| {
                if let Some(portal) = portal.as_mut() {
                    portal.sessions_asked += 1;
                }
            });
            state.save_session();
        }
        EmbedCommand::OpenSession(url) => {
            let listed = state.settings.with_untracked(|s| s.session_urls.clone());
            if !embed::session_url_allowed(&url, &listed) {
                let why = format!("not opened: {url} is not listed in config.json's sessionUrls");
                state.show_notice(why.clone());
                post_session_error(why);
                return;
            }
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_session(&url).await {
                    Ok(bytes) => state.open_session(bytes),
                    Err(why) => {
                        let why = format!("not opened: {why}");
                        state.show_notice(why.clone());
                        post_session_error(why);
                    }
                }
            });
        }
    }
}

/// The bytes at `url`, refused past the session size cap (by its declared
/// length before reading, and by what arrived).
async fn fetch_session(url: &str) -> Result<Vec<u8>, String> {
    use shared::limits::MAX_SESSION_FILE_BYTES;
    use wasm_bindgen_futures::JsFuture;
    let text = |value: JsValue| worker::socket::js_text(&value);
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(url)).await.map_err(text)?.dyn_into().map_err(text)?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let declared = response.headers().get("content-length").ok().flatten().and_then(|n| n.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_SESSION_FILE_BYTES as u64) {
        return Err(format!("{url} is over the session size cap ({MAX_SESSION_FILE_BYTES} bytes)"));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(text)?).await.map_err(text)?;
    let bytes = js_sys::Uint8Array::new(&buffer);
    if bytes.length() as usize > MAX_SESSION_FILE_BYTES {
        return Err(format!("{url} is over the session size cap ({MAX_SESSION_FILE_BYTES} bytes)"));
    }
    Ok(bytes.to_vec())
}

/// Posts `resize {height}` whenever the document's height changes.
fn watch_height(post: impl Fn(embed::Outgoing) + 'static) {
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
