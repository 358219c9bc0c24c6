//! A table slot writes to the page only what changed in its row: when one
//! field of a row changes, the text nodes of the others are not set again
//! (setting a text node's data, even to the same string, has the browser
//! lay its line out again). Watched with a `MutationObserver`, whose
//! `characterData` records name every write (headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use app::components::slots::{field, slots};
use sycamore::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{MutationObserver, MutationRecord};

mod dom_watch;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Debug, Clone, Default, PartialEq)]
struct Row {
    label: String,
    status: String,
}

fn row(label: &str, status: &str) -> Row {
    Row { label: label.into(), status: status.into() }
}

/// Two rows in slots, each a label and a status span; returns the parent
/// and the rows' signal.
fn mount() -> (web_sys::Element, Signal<Vec<Row>>) {
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let parent = document.create_element("div").expect("div");
    document.body().expect("body").append_child(&parent).expect("attached");
    let held: Rc<Cell<Option<Signal<Vec<Row>>>>> = Rc::default();
    let keep = held.clone();
    sycamore::render_to(
        move || {
            let rows = create_signal(vec![row("alpha", "ok"), row("beta", "ok")]);
            keep.set(Some(rows));
            slots(*rows, |row: ReadSignal<Row>| {
                view! {
                    p {
                        span(class="label") { (field(row, |r| r.label.clone())) }
                        span(class="status") { (field(row, |r| r.status.clone())) }
                    }
                }
            })
        },
        &parent,
    );
    (parent, held.get().expect("the view made its signal"))
}

/// The text of each text node written since `observer` started.
fn written(observer: &MutationObserver) -> Vec<String> {
    let records = observer.take_records();
    let mut texts: Vec<String> = (0..records.length())
        .filter_map(|index| records.get(index).dyn_into::<MutationRecord>().ok())
        .filter(|record| record.type_() == "characterData")
        .filter_map(|record| record.target().and_then(|node| node.text_content()))
        .collect();
    texts.sort();
    texts
}

#[wasm_bindgen_test]
fn a_changed_field_is_the_only_text_written() {
    let (parent, rows) = mount();
    assert_eq!(parent.text_content().as_deref(), Some("alphaokbetaok"));
    let observer = dom_watch::watch(&parent, dom_watch::Also::Nothing);
    rows.set(vec![row("alpha", "error"), row("beta", "ok")]);
    assert_eq!(parent.text_content().as_deref(), Some("alphaerrorbetaok"));
    assert_eq!(written(&observer), ["error"], "only the first row's status was to be written");
    // A row whose every field changes is written whole.
    rows.set(vec![row("alpha", "error"), row("gamma", "degraded")]);
    assert_eq!(written(&observer), ["degraded", "gamma"]);
    // The same rows again: nothing is written.
    rows.set(vec![row("alpha", "error"), row("gamma", "degraded")]);
    assert_eq!(written(&observer), Vec::<String>::new());
}
