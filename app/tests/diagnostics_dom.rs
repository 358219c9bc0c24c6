//! The Diagnostics panel writes only the figures that changed: a new
//! status (once a second) sets the texts of the figures it moved and adds
//! or removes no element (rows re-created for every changed figure were 5
//! of every 6 layout invalidations in a steady-10k trace, BENCHMARKS.md).
//! Watched with a `MutationObserver` (headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use app::components::diagnostics::DiagnosticsPanel;
use app::settings::{resolve, DeployConfig, Deployment, Page};
use app::state::AppState;
use shared::bridge::{LinkRates, LinkStatus};
use sycamore::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{MutationObserver, MutationRecord};

mod dom_watch;

wasm_bindgen_test_configure!(run_in_browser);

fn status(messages_per_sec: f64, reconnects: u64) -> LinkStatus {
    let rates = LinkRates { messages_per_sec, bytes_per_sec: 1000.0, reduce_millis_per_sec: 2.0 };
    LinkStatus { rates: Some(rates), reconnects, ..LinkStatus::default() }
}

/// The panel, mounted with a state of its own; returns its element and the state.
fn mount() -> (web_sys::Element, AppState) {
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let parent = document.create_element("div").expect("div");
    document.body().expect("body").append_child(&parent).expect("attached");
    let held: Rc<Cell<Option<AppState>>> = Rc::default();
    let keep = held.clone();
    sycamore::render_to(
        move || {
            let settings = resolve(&Deployment::from_config(&DeployConfig::default()), &[], &Page::new("http:", "h"));
            let state = AppState::new(settings, Rc::new(|_| {}));
            state.set_status(status(100.0, 0));
            provide_context(state.clone());
            keep.set(Some(state));
            view! { DiagnosticsPanel() }
        },
        &parent,
    );
    let state = held.take().expect("the view made its state");
    (parent, state)
}

/// (elements added or removed, texts written) since `observer` started.
fn writes(observer: &MutationObserver) -> (u32, Vec<String>) {
    let records = observer.take_records();
    let records: Vec<MutationRecord> =
        (0..records.length()).filter_map(|index| records.get(index).dyn_into::<MutationRecord>().ok()).collect();
    let is_element = |node: web_sys::Node| node.node_type() == web_sys::Node::ELEMENT_NODE;
    let moved = records
        .iter()
        .map(|r| {
            let (added, removed) = (r.added_nodes(), r.removed_nodes());
            (0..added.length()).filter_map(|i| added.get(i)).filter(|n| is_element(n.clone())).count()
                + (0..removed.length()).filter_map(|i| removed.get(i)).filter(|n| is_element(n.clone())).count()
        })
        .sum::<usize>() as u32;
    let mut texts: Vec<String> = records
        .iter()
        .filter(|record| record.type_() == "characterData")
        .filter_map(|record| record.target().and_then(|node| node.text_content()))
        .collect();
    texts.sort();
    (moved, texts)
}

fn figure_text(parent: &web_sys::Element, key: &str) -> Option<String> {
    parent.query_selector(&format!("[data-figure=\"{key}\"] dd")).ok().flatten().and_then(|dd| dd.text_content())
}

#[wasm_bindgen_test]
fn a_new_status_writes_the_figures_it_moved_and_nothing_else() {
    let (parent, state) = mount();
    assert_eq!(figure_text(&parent, "messages/s").as_deref(), Some("100"));
    assert_eq!(figure_text(&parent, "reconnects").as_deref(), Some("0"));
    let rows = parent.query_selector_all("[data-figure]").expect("a query").length();
    assert!(rows > 20, "{rows} figures");
    let observer = dom_watch::watch(&parent);
    state.set_status(status(250.0, 3));
    assert_eq!(figure_text(&parent, "messages/s").as_deref(), Some("250"));
    assert_eq!(figure_text(&parent, "reconnects").as_deref(), Some("3"));
    assert_eq!(writes(&observer), (0, vec!["250".to_owned(), "3".to_owned()]), "only the two figures that moved");
    // The same status again: nothing is written.
    state.set_status(status(250.0, 3));
    assert_eq!(writes(&observer), (0, Vec::new()));
}
