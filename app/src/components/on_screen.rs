//! Whether an element is on screen, as a signal. A panel below the fold
//! (content-visibility spares the browser its layout, not our script its
//! writes) keeps what it showed and catches up when the reader comes to
//! it: at 10k nodes the off-screen event list alone rewrote ~150 texts and
//! attributes a diff.

use sycamore::prelude::*;

/// How far outside the viewport an element already counts as on screen,
/// so that a list or chart has caught up before it scrolls into view.
pub const NEAR_MARGIN_PX: u32 = 200;

/// Keeps `on_screen` set to whether the element behind `node_ref` is within
/// `margin_px` of the viewport, from when it is mounted until its scope
/// ends. Left as it is where there is no browser.
pub fn watch_on_screen(node_ref: NodeRef, on_screen: Signal<bool>, margin_px: u32) {
    #[cfg(target_arch = "wasm32")]
    on_mount(move || {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        let Some(element) = node_ref.try_get().and_then(|node| node.dyn_into::<web_sys::Element>().ok()) else {
            return;
        };
        let scope = use_current_scope();
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // The last entry is the latest state of the one element watched.
            let mut entries =
                entries.iter().filter_map(|entry| entry.dyn_into::<web_sys::IntersectionObserverEntry>().ok());
            let latest = entries.next_back();
            if let Some(entry) = latest {
                let visible = entry.is_intersecting();
                scope.run_in(|| {
                    if on_screen.is_alive() && on_screen.get_untracked() != visible {
                        on_screen.set(visible);
                    }
                });
            }
        });
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin(&format!("{margin_px}px 0px"));
        let observer = web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options);
        if let Ok(observer) = observer {
            observer.observe(&element);
            on_cleanup(move || {
                observer.disconnect();
                drop(callback);
            });
        }
    });
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (node_ref, on_screen, margin_px);
}

/// Rows computed by `compute` while `on_screen` holds; while it does not,
/// the last rows stay (and nothing `compute` reads wakes it), and they are
/// computed afresh as soon as it holds again.
pub fn rows_while_on_screen<R: 'static>(
    on_screen: ReadSignal<bool>,
    mut compute: impl FnMut() -> Vec<R> + 'static,
) -> ReadSignal<Vec<R>> {
    let rows = create_signal(Vec::new());
    create_effect(move || {
        if on_screen.get() {
            rows.set(compute());
        }
    });
    *rows
}
