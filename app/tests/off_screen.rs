//! A virtualized list scrolled away from the viewport keeps the rows it
//! showed and writes nothing while its data moves on; brought back into
//! view it shows the data as it is now (headless Chromium, with a real
//! `IntersectionObserver`).
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use app::components::scroll_frame::{indexed_list_model, ListModel, ScrollFrame};
use app::components::slots::{field, slots};
use sycamore::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod dom_watch;

wasm_bindgen_test_configure!(run_in_browser);

type Rows = Rc<RefCell<Vec<String>>>;

/// What the test drives: the data's version and the list's on-screen flag.
#[derive(Clone, Copy)]
struct Handles {
    version: Signal<u64>,
    on_screen: Signal<bool>,
}

/// A list of `data` mounted below a spacer taller than any viewport.
fn mount_below_the_fold(data: Rows) -> (web_sys::Element, Handles) {
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let body = document.body().expect("body");
    let spacer = document.create_element("div").expect("div");
    spacer.set_attribute("style", "height: 5000px").expect("styled");
    body.append_child(&spacer).expect("attached");
    let parent = document.create_element("div").expect("div");
    body.append_child(&parent).expect("attached");
    let held: Rc<Cell<Option<Handles>>> = Rc::default();
    let keep = held.clone();
    sycamore::render_to(
        move || {
            let version = create_signal(0u64);
            let (for_len, for_rows) = (data.clone(), data);
            let ListModel { total, window, rows, on_screen } = indexed_list_model(
                *version,
                move || for_len.borrow().len(),
                move |range| for_rows.borrow().get(range).map(<[String]>::to_vec).unwrap_or_default(),
            );
            keep.set(Some(Handles { version, on_screen }));
            view! {
                ScrollFrame(total_rows=total, window=window, on_screen=on_screen, label="Test") {
                    (slots(rows, |row: ReadSignal<String>| view! { p { (field(row, String::clone)) } }))
                }
            }
        },
        &parent,
    );
    (parent, held.get().expect("the view made its handles"))
}

async fn sleep_millis(millis: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().expect("window");
        window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis).expect("a timer");
    });
    JsFuture::from(promise).await.expect("the timer fired");
}

/// Waits (at most 3 s) for the list's on-screen flag to read `wanted`.
async fn wait_for_on_screen(handles: Handles, wanted: bool) {
    for _ in 0..150 {
        if handles.on_screen.get_untracked() == wanted {
            return;
        }
        sleep_millis(20).await;
    }
    panic!("the list never reported on_screen = {wanted}");
}

fn texts(parent: &web_sys::Element) -> Vec<String> {
    let found = parent.query_selector_all("p").expect("a query");
    (0..found.length()).filter_map(|at| found.get(at)).filter_map(|node| node.text_content()).collect()
}

#[wasm_bindgen_test]
async fn a_list_off_screen_writes_nothing_and_catches_up_in_view() {
    let data: Rows = Rc::new(RefCell::new(vec!["a0".into(), "a1".into(), "a2".into()]));
    let (parent, handles) = mount_below_the_fold(data.clone());
    // Filled once at mount, then the observer finds it below the fold.
    assert_eq!(texts(&parent), ["a0", "a1", "a2"]);
    wait_for_on_screen(handles, false).await;
    let observer = dom_watch::watch(&parent, dom_watch::Also::Nothing);
    *data.borrow_mut() = vec!["b0".into(), "b1".into(), "b2".into(), "b3".into()];
    handles.version.update(|v| *v += 1);
    sleep_millis(100).await;
    assert_eq!(texts(&parent), ["a0", "a1", "a2"], "off screen, the rows stay as they were");
    assert_eq!(observer.take_records().length(), 0, "off screen, nothing is written to the list");
    parent.scroll_into_view();
    wait_for_on_screen(handles, true).await;
    assert_eq!(texts(&parent), ["b0", "b1", "b2", "b3"], "in view, the rows are the data's now");
    // On screen, a change shows at once.
    *data.borrow_mut() = vec!["c0".into(), "b1".into(), "b2".into(), "b3".into()];
    handles.version.update(|v| *v += 1);
    assert_eq!(texts(&parent), ["c0", "b1", "b2", "b3"]);
}
