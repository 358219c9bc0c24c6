//! Watching what a view writes to the page: a `MutationObserver` over an
//! element's subtree (texts set, nodes added or removed, and attributes
//! set when asked), whose records a test takes when it wants them (no
//! callback runs).

use wasm_bindgen::JsCast;
use web_sys::{MutationObserver, MutationObserverInit};

/// Which writes a watch records besides texts and nodes. (Each test crate
/// that includes this module names only the variant it needs.)
#[allow(dead_code)]
#[derive(Clone, Copy)]
pub enum Also {
    Nothing,
    Attributes,
}

/// Starts recording the writes under `parent`.
pub fn watch(parent: &web_sys::Element, also: Also) -> MutationObserver {
    let ignore = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {});
    let observer = MutationObserver::new(ignore.as_ref().unchecked_ref()).expect("an observer");
    ignore.forget();
    let options = MutationObserverInit::new();
    options.set_character_data(true);
    options.set_child_list(true);
    options.set_attributes(matches!(also, Also::Attributes));
    options.set_subtree(true);
    observer.observe_with_options(parent, &options).expect("observing");
    observer
}
