//! Text that changes with the data is set in place: a closure child of a
//! view (`(move || …)` or a closure variable, returning a `String`) keeps
//! one text node and sets its content, while an expression child
//! (`(signal.get_clone())`, `(count())`) is rebuilt on every change, a node
//! removed and another inserted. The panels use the first form for every
//! count, rate and caption that follows the diffs (headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use sycamore::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `make`'s view in a fresh element; returns the element and the
/// signal the view shows.
fn mount(make: impl FnOnce(Signal<String>) -> View + 'static) -> (web_sys::Element, Signal<String>) {
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let parent = document.create_element("div").expect("div");
    document.body().expect("body").append_child(&parent).expect("attached");
    let held: Rc<Cell<Option<Signal<String>>>> = Rc::default();
    let keep = held.clone();
    sycamore::render_to(
        move || {
            let text = create_signal("one".to_owned());
            keep.set(Some(text));
            make(text)
        },
        &parent,
    );
    (parent, held.get().expect("the view made its signal"))
}

/// The text node showing the text (dynamic views may also hold empty
/// marker nodes around it).
fn shown_text_node(span: &web_sys::Element) -> web_sys::Node {
    let children = span.child_nodes();
    (0..children.length())
        .filter_map(|index| children.item(index))
        .find(|node| node.node_type() == web_sys::Node::TEXT_NODE && node.text_content().is_some_and(|t| !t.is_empty()))
        .expect("a text node with the text")
}

/// (the text node before, after a change, the text shown after it).
fn change(parent: &web_sys::Element, text: Signal<String>) -> (web_sys::Node, web_sys::Node, String) {
    let span = parent.first_element_child().expect("the span");
    let before = shown_text_node(&span);
    text.set("two".to_owned());
    let after = shown_text_node(&span);
    (before, after, span.text_content().unwrap_or_default())
}

#[wasm_bindgen_test]
fn a_closure_child_sets_its_text_node_in_place() {
    let (parent, text) = mount(|text| view! { span { (move || text.get_clone()) } });
    let (before, after, shown) = change(&parent, text);
    assert_eq!(shown, "two");
    assert!(before.is_same_node(Some(&after)), "the text node was replaced");
}

#[wasm_bindgen_test]
fn a_closure_variable_child_sets_its_text_node_in_place() {
    let (parent, text) = mount(|text| {
        let caption = move || format!("{} nodes", text.get_clone());
        view! { span { (caption) } }
    });
    let (before, after, shown) = change(&parent, text);
    assert_eq!(shown, "two nodes");
    assert!(before.is_same_node(Some(&after)), "the text node was replaced");
}

/// Why the panels avoid this form for what changes with every diff.
#[wasm_bindgen_test]
fn an_expression_child_is_rebuilt_on_each_change() {
    let (parent, text) = mount(|text| view! { span { (text.get_clone()) } });
    let (before, after, shown) = change(&parent, text);
    assert_eq!(shown, "two");
    assert!(!before.is_same_node(Some(&after)), "sycamore now updates expression children in place");
}
