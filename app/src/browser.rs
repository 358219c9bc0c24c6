//! Browser glue: reads settings from the URL, spawns the worker, forwards
//! its events into `AppState`, watches that it keeps talking, and tells it
//! about page visibility.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_worker::Spawnable;
use shared::bridge::{Command, WorkerEvent};
use sycamore::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use worker::MeshWorker;

use crate::settings::{self, DeployConfig, Deployment, Page, Settings};
use crate::state::AppState;
use crate::watchdog::{Watchdog, WATCHDOG_CHECK_INTERVAL_MILLIS};
use crate::App;

/// Deploy-time defaults, next to index.html (optional).
const CONFIG_FILE: &str = "./config.json";

pub fn start() {
    // The paint worker runs this module too: there is no page to mount.
    if web_sys::window().is_none() {
        return;
    }
    console_error_panic_hook::set_once();
    let csp_violations = count_csp_violations();
    wasm_bindgen_futures::spawn_local(async move {
        let deployment = match load_deploy_config().await {
            Ok(config) => Deployment::from_config(&config),
            Err(why) => Deployment::unreadable(why),
        };
        mount(read_settings(&deployment), csp_violations);
    });
}

/// `config.json` next to index.html: absent (404) is an empty config;
/// anything else that is not a readable file is an error, and the
/// deployment then fails closed.
async fn load_deploy_config() -> Result<DeployConfig, String> {
    let window = web_sys::window().ok_or("config.json: no window")?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(CONFIG_FILE))
        .await
        .map_err(|_| "config.json could not be fetched".to_owned())?
        .unchecked_into::<web_sys::Response>();
    if response.status() == 404 {
        return Ok(DeployConfig::default());
    }
    if !response.ok() {
        return Err(format!("config.json: HTTP {}", response.status()));
    }
    // The browser parses the JSON; serde-wasm-bindgen reads the object as
    // `DeployConfig` (unknown fields and wrong types are errors).
    let promise = response.json().map_err(|_| "config.json could not be read".to_owned())?;
    let value = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|error| {
        let why =
            error.dyn_ref::<js_sys::Error>().map_or_else(|| "unreadable".to_owned(), |e| String::from(e.message()));
        format!("config.json is not JSON: {why}")
    })?;
    // serde-wasm-bindgen reads only the fields it knows: the others are
    // named here (as `deny_unknown_fields` would).
    // (serde reads a struct from an array too: only an object is a config.)
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err("config.json: not a JSON object".to_owned());
    }
    let object: &js_sys::Object = value.unchecked_ref();
    let keys: Vec<String> = js_sys::Object::keys(object).iter().filter_map(|k| k.as_string()).collect();
    if let Some(why) = settings::unknown_fields(keys.iter().map(String::as_str)) {
        return Err(why);
    }
    serde_wasm_bindgen::from_value(value).map_err(|error| {
        // The error is a JS `Error`; its text without the "Error: " prefix.
        let text = error.to_string();
        format!("config.json: {}", text.strip_prefix("Error: ").unwrap_or(&text))
    })
}

/// Counts Content-Security-Policy violations from the very start, so a
/// deployer sees a too-strict or too-loose policy in Diagnostics.
fn count_csp_violations() -> Rc<std::cell::Cell<u64>> {
    let count = Rc::new(std::cell::Cell::new(0));
    let counter = count.clone();
    let listener = Closure::<dyn FnMut()>::new(move || counter.set(counter.get() + 1));
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        let _ = document.add_event_listener_with_callback("securitypolicyviolation", listener.as_ref().unchecked_ref());
    }
    listener.forget();
    count
}

/// While the lens has re-checks waiting, one bounded step per animation
/// frame (a single chain at a time: `settling`), each its own task, apart
/// from the diff's. A hidden page has no frames: each diff then takes one
/// step right after it.
fn settle_in_frames(state: &AppState, settling: &Rc<std::cell::Cell<bool>>) {
    if settling.get() || state.lens.borrow().unsettled() == 0 {
        return;
    }
    if !page_visible() {
        state.settle_lens(now_millis);
        return;
    }
    let Some(window) = web_sys::window() else { return };
    settling.set(true);
    let (state, chain, scope) = (state.clone(), settling.clone(), use_current_scope());
    let step = Closure::once_into_js(move || {
        chain.set(false);
        scope.run_in(|| {
            if state.settle_lens(now_millis) > 0 {
                settle_in_frames(&state, &chain);
            }
        });
    });
    let _ = window.request_animation_frame(step.unchecked_ref());
}

/// A diff's data now, what it changed in a task of its own where the
/// browser allows (`AppState::apply_diff_then`).
fn apply_diff(state: &AppState, diff: shared::Diff, next_task: Option<&Rc<crate::next_task::NextTask>>) {
    match next_task.cloned() {
        Some(next_task) => state.apply_diff_then(diff, now_millis, move |step| next_task.run(step)),
        None => state.apply_diff(diff, now_millis),
    }
}

fn mount(settings: Settings, csp_violations: Rc<std::cell::Cell<u64>>) {
    let bridge_slot: Rc<RefCell<Option<gloo_worker::WorkerBridge<MeshWorker>>>> = Rc::new(RefCell::new(None));
    let sender = bridge_slot.clone();
    let commands: crate::state::CommandSink = Rc::new(move |command: Command| {
        if let Some(bridge) = sender.borrow().as_ref() {
            bridge.send(command);
        }
    });
    let watchdog = Rc::new(RefCell::new(Watchdog::new(now_millis(), page_visible())));
    sycamore::render(move || {
        let state = AppState::new(settings.clone(), commands);
        provide_context(state.clone());
        let receiver = state.clone();
        let heard = watchdog.clone();
        let settling = Rc::new(std::cell::Cell::new(false));
        // Worker callbacks come from outside the reactive root: run them in it.
        let scope = use_current_scope();
        // A diff's publishing step runs as a task of its own (`apply_diff_then`).
        let next_task = crate::next_task::NextTask::new().map(Rc::new);
        let bridge = MeshWorker::spawner()
            .encoding::<worker::codec::OnePassBincode>()
            .callback(move |event: WorkerEvent| {
                heard.borrow_mut().heard(now_millis());
                scope.run_in(|| {
                    receiver.report_worker(heard.borrow().health().clone());
                    match event {
                        WorkerEvent::Diff(diff) => {
                            apply_diff(&receiver, *diff, next_task.as_ref());
                            settle_in_frames(&receiver, &settling);
                        }
                        WorkerEvent::Status(status) => receiver.set_status(*status),
                        WorkerEvent::SendRefused(why) => receiver.show_notice(why),
                        WorkerEvent::SessionFile { name, bytes } => {
                            if crate::embed_glue::session_for_portal(&name, &bytes) {
                                return;
                            }
                            if let Err(why) = crate::session_glue::download(&name, &bytes, "application/octet-stream") {
                                receiver.show_notice(format!("not saved: {why}"));
                            }
                        }
                        WorkerEvent::SessionError(why) => {
                            crate::embed_glue::session_error_for_portal(&why);
                            receiver.show_notice(why);
                        }
                    }
                })
            })
            .with_loader(true)
            .as_module(true)
            .spawn(&crate::stream_worker::loader_url());
        bridge.send(Command::Configure(settings.link.clone()));
        bridge.send(Command::WatchLog(None));
        *bridge_slot.borrow_mut() = Some(bridge);
        // A deep link's focused node (`?focus=`) is also the selected one,
        // as after "Focus" on the page: details, log and keyboard start there.
        if let Some(focus) = &settings.focus {
            state.select_node(Some(focus.node_id.clone()));
        }
        watch_visibility(state.clone(), watchdog.clone());
        watch_worker(state.clone(), watchdog.clone());
        apply_theme(*state.theme);
        mirror_csp_count(state.clone(), csp_violations);
        count_long_tasks(state.clone());
        crate::embed_glue::install(state.clone());
        crate::find_glue::install(state.clone());
        crate::session_glue::install_drop(state.clone());
        view! { App() }
    });
}

/// Runs the watchdog's check on a timer and publishes what it concludes.
fn watch_worker(state: AppState, watchdog: Rc<RefCell<Watchdog>>) {
    let scope = use_current_scope();
    let tick = Closure::<dyn FnMut()>::new(move || {
        let health = watchdog.borrow_mut().check(now_millis()).clone();
        scope.run_in(|| state.report_worker(health));
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            WATCHDOG_CHECK_INTERVAL_MILLIS as i32,
        );
    }
    tick.forget();
}

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|document| document.visibility_state() == web_sys::VisibilityState::Visible)
}

/// Puts the theme on `<html data-theme>` (absent = follow the system).
fn apply_theme(theme: ReadSignal<crate::settings::Theme>) {
    create_effect(move || {
        let theme = theme.get();
        let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
            return;
        };
        let _ = match theme {
            crate::settings::Theme::Auto => root.remove_attribute("data-theme"),
            other => root.set_attribute("data-theme", other.as_str()),
        };
    });
}

/// Counts the browser's long tasks (over 50 ms on the main thread), for
/// Diagnostics and the benchmark. Browsers without the entry type count
/// nothing.
fn count_long_tasks(state: AppState) {
    let scope = use_current_scope();
    let callback = Closure::<dyn FnMut(web_sys::PerformanceObserverEntryList)>::new(
        move |list: web_sys::PerformanceObserverEntryList| {
            for entry in list.get_entries().iter() {
                if let Ok(entry) = entry.dyn_into::<web_sys::PerformanceEntry>() {
                    scope.run_in(|| state.note_long_task(entry.start_time(), entry.duration()));
                }
            }
        },
    );
    if let Ok(observer) = web_sys::PerformanceObserver::new(callback.as_ref().unchecked_ref()) {
        let types = js_sys::Array::of1(&JsValue::from_str("longtask"));
        observer.observe(&web_sys::PerformanceObserverInit::new(&types));
    }
    callback.forget();
}

/// Copies the violation count into the state once a second (violations
/// are rare; this keeps the listener free of reactive plumbing).
fn mirror_csp_count(state: AppState, source: Rc<std::cell::Cell<u64>>) {
    let scope = use_current_scope();
    let tick = Closure::<dyn FnMut()>::new(move || {
        let count = source.get();
        scope.run_in(|| state.record_csp_violations(count));
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000);
    }
    tick.forget();
}

fn read_settings(deployment: &Deployment) -> Settings {
    let window = web_sys::window();
    let location = window.as_ref().map(|w| w.location());
    let text = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        location.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
    };
    let search = text(web_sys::Location::search);
    let mut pairs = Vec::new();
    if let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) {
        let entries = js_sys::try_iter(&params).ok().flatten();
        for entry in entries.into_iter().flatten().flatten() {
            let pair: js_sys::Array = entry.unchecked_into();
            pairs.push((pair.get(0).as_string().unwrap_or_default(), pair.get(1).as_string().unwrap_or_default()));
        }
    }
    let page = Page::new(&text(web_sys::Location::protocol), &text(web_sys::Location::host));
    settings::resolve(deployment, &pairs, &page)
}

/// Hidden pages get no diffs (and are not watched: their timers are
/// throttled); showing or focusing the page wakes the link.
fn watch_visibility(state: AppState, watchdog: Rc<RefCell<Watchdog>>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let visibility_state = state.clone();
    let scope = use_current_scope();
    let on_visibility = Closure::<dyn FnMut()>::new(move || {
        let visible = page_visible();
        watchdog.borrow_mut().visibility_changed(visible, now_millis());
        scope.run_in(|| visibility_state.page_visible(visible));
    });
    let _ = document.add_event_listener_with_callback("visibilitychange", on_visibility.as_ref().unchecked_ref());
    on_visibility.forget();
    for name in ["pageshow", "focus"] {
        let wake_state = state.clone();
        let on_wake = Closure::<dyn FnMut()>::new(move || wake_state.wake());
        let _ = window.add_event_listener_with_callback(name, on_wake.as_ref().unchecked_ref());
        on_wake.forget();
    }
}

thread_local! {
    /// The page's `Performance`, looked up once: `window.performance` on
    /// every call was ~1.6 ms a second of the main thread at 40k events a
    /// second (a CPU profile of the events stream).
    static PERFORMANCE: Option<web_sys::Performance> = web_sys::window().and_then(|w| w.performance());
}

/// Milliseconds on the page's monotonic clock.
pub fn now_millis() -> f64 {
    PERFORMANCE.with(|performance| performance.as_ref().map_or_else(js_sys::Date::now, web_sys::Performance::now))
}
