//! The worker's status comes once a second, and the next one mostly moves
//! figures (rates, the history's end and size). The header and the
//! timeline rewrite only what changed: the connection badge, a live
//! region that a screen reader reads out on every write, stays as it is
//! while the link stays live (headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use app::components::header::Header;
use app::components::timeline::Timeline;
use app::settings::{resolve, DeployConfig, Deployment, Page};
use app::state::{AppState, CommandSink};
use shared::bridge::{LinkPhase, LinkRates, LinkStatus};
use shared::history::{HistoryBudget, HistoryStatus};
use sycamore::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::MutationRecord;

mod dom_watch;

wasm_bindgen_test_configure!(run_in_browser);

const END_MILLIS: i64 = 1_700_000_900_000;

/// A live link's status `second` seconds on: new rates, and a history
/// one second longer and a little larger.
fn live_status(second: i64) -> LinkStatus {
    LinkStatus {
        phase: LinkPhase::Open,
        reason: "connected".into(),
        online: true,
        rates: Some(LinkRates {
            messages_per_sec: 6_700.0 + 1_000.0 * second as f64,
            bytes_per_sec: 1e6,
            reduce_millis_per_sec: 5.0,
        }),
        history: HistoryStatus {
            start_millis: Some(END_MILLIS - 60_000),
            end_millis: Some(END_MILLIS + second * 1_000),
            bytes: (3 << 20) + second as u64 * 4_096,
            budget: Some(HistoryBudget::default()),
            ..HistoryStatus::default()
        },
        ..LinkStatus::default()
    }
}

/// The header and the timeline on a state, in a fresh element.
fn mount() -> (web_sys::Element, AppState) {
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let parent = document.create_element("div").expect("div");
    document.body().expect("body").append_child(&parent).expect("attached");
    let settings = resolve(&Deployment::from_config(&DeployConfig::default()), &[], &Page::new("http:", "h"));
    let commands: CommandSink = Rc::new(|_| {});
    let held = Rc::new(std::cell::RefCell::new(None));
    let keep = held.clone();
    sycamore::render_to(
        move || {
            let state = AppState::new(settings, commands);
            state.set_status(live_status(0));
            *keep.borrow_mut() = Some(state.clone());
            provide_context(state);
            view! { Header() Timeline() }
        },
        &parent,
    );
    let state = held.borrow_mut().take().expect("the view made its state");
    (parent, state)
}

fn element(parent: &web_sys::Element, selector: &str) -> web_sys::Element {
    parent.query_selector(selector).ok().flatten().unwrap_or_else(|| panic!("no {selector}"))
}

/// Of the mutation records taken, those whose target is `within` or under it.
fn writes_within(records: &js_sys::Array, within: &web_sys::Element) -> usize {
    records
        .iter()
        .filter_map(|record| record.dyn_into::<MutationRecord>().ok())
        .filter(|record| record.target().is_some_and(|target| within.contains(Some(&target))))
        .count()
}

#[wasm_bindgen_test]
fn a_status_that_moves_only_figures_leaves_the_badge_and_the_buttons_alone() {
    let (parent, state) = mount();
    let badge = element(&parent, "[data-testid=badge]");
    let actions = element(&parent, ".actions");
    let files = element(&parent, ".timeline-files");
    let (rate, caption) = (element(&parent, "[data-testid=rate]"), element(&parent, "[data-testid=timeline-caption]"));
    assert_eq!(badge.text_content().as_deref(), Some("Live"));
    // Attributes too: a badge's title is part of what a screen reader reads.
    let observer = dom_watch::watch(&parent, dom_watch::Also::Attributes);
    for second in 1..=3 {
        state.set_status(live_status(second));
    }
    let records = observer.take_records();
    observer.disconnect();
    // The figures did move: the watch sees their writes.
    assert!(writes_within(&records, &rate) > 0, "the rate was not rewritten");
    assert!(writes_within(&records, &caption) > 0, "the caption was not rewritten");
    assert_eq!(writes_within(&records, &badge), 0, "the badge was rewritten");
    assert_eq!(writes_within(&records, &actions), 0, "the header's buttons were rewritten");
    assert_eq!(writes_within(&records, &files), 0, "the session buttons were rewritten");
    assert_eq!(badge.text_content().as_deref(), Some("Live"));

    // A change of phase does reach the badge, and a new reason its title.
    let observer = dom_watch::watch(&parent, dom_watch::Also::Attributes);
    let reason = "connecting to ws://127.0.0.1/ws".to_owned();
    state.set_status(LinkStatus { phase: LinkPhase::Connecting, attempt: 0, reason: reason.clone(), ..live_status(4) });
    let records = observer.take_records();
    observer.disconnect();
    assert!(writes_within(&records, &badge) > 0, "the badge missed a new phase");
    assert_eq!(badge.text_content().as_deref(), Some("Connecting…"));
    assert_eq!(badge.get_attribute("title"), Some(reason));
}
