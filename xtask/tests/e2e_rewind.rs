//! End-to-end: time travel in the release build in headless Chromium. A
//! replayed stream adds a node and an event about it every half second;
//! dragging the timeline back shows a moment at which the node count and
//! the event list agree (as many added nodes as "added" events, the
//! earliest ones), the badge says the page is rewound, and "Live" brings
//! back everything, including what arrived meanwhile. Needs a release build
//! in dist/ (or `MESHVIEW_DIST`), like `e2e.rs`.
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

#[allow(dead_code)]
mod support;

use std::sync::Arc;

use feed::{Frame, Source};
use serde_json::Value;
use shared::encode::{encode_batch, encode_message};
use shared::protocol::{MeshNode, Message, Payload, Severity, Status};
use shared::sim::{SimConfig, Simulator};
use support::{check, eval, screenshot, start_feed, text_frame, text_of, wait_for, Browser};

const ADDED: usize = 8;
const BASE_NODES: usize = 40;
const NODE_COUNT: &str = "[data-testid=node-count]";

fn message(payload: Payload) -> Message {
    Message { ts_millis: None, seq: None, pos: None, payload }
}

/// A 40-node snapshot, then one frame per added node: the node and an
/// event "added xN" about it.
fn growing_stream() -> Vec<Frame> {
    let sim = Simulator::new(SimConfig { n_nodes: BASE_NODES, seed: 5, ..SimConfig::default() });
    let mut frames = vec![text_frame(encode_message(&sim.snapshot(1_795_719_600_000)))];
    for n in 1..=ADDED {
        let id = format!("x{n}");
        let node =
            MeshNode { id: id.clone(), kind: "svc".into(), label: id.clone(), status: Status::Ok, meta: Vec::new() };
        let added = Payload::Event { message: format!("added {id}"), severity: Severity::Info, node_id: Some(id) };
        frames.push(text_frame(encode_batch(&[message(Payload::NodeUpsert(node)), message(added)])));
    }
    frames
}

/// The "added xN" events listed, as N.
const ADDED_EVENTS: &str = "[...document.querySelectorAll('.panel-events .row .msg')]
    .map(e => e.textContent).filter(t => t.startsWith('added x')).map(t => Number(t.slice(7))).sort((a, b) => a - b)";

/// Moves the timeline's handle to `fraction` of its range, as a drag would.
fn drag_timeline_to(fraction: f64) -> String {
    format!(
        "(() => {{ const r = document.querySelector('[data-testid=timeline-range]');
           const at = Number(r.min) + (Number(r.max) - Number(r.min)) * {fraction};
           r.value = String(at); r.dispatchEvent(new Event('input', {{ bubbles: true }})); return Number(r.value); }})()"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrubbing_back_shows_the_mesh_of_then_and_live_returns() {
    let source = Source::Replay { frames: Arc::new(growing_stream()), frames_per_sec: 2.0 };
    let feed = start_feed(0, source, "/").await;
    let url = format!("http://{}/", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        let all = BASE_NODES + ADDED;
        wait_for(&client, "every node", &format!("{} === '{all}'", text_of(NODE_COUNT))).await?;
        // The timeline's range reaches the last frame (status, once a second).
        wait_for(
            &client,
            "a history span",
            "document.querySelector('[data-testid=timeline-range]')?.disabled === false",
        )
        .await?;
        tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;

        eval(&client, &drag_timeline_to(0.5)).await?;
        wait_for(&client, "the rewound badge", &format!("{}.startsWith('Rewound to')", text_of("[data-testid=badge]")))
            .await?;
        // Let the rewound state's diffs land, then read both views at once.
        let agreed = format!(
            "(() => {{ const n = Number({}); const added = {ADDED_EVENTS};
               return n > {BASE_NODES} && n < {all} && added.length === n - {BASE_NODES}
                 && added.every((v, i) => v === i + 1) ? [n, added] : null; }})()",
            text_of(NODE_COUNT)
        );
        let shown = wait_for(&client, "node count and events of one moment", &agreed).await?;
        let caption = eval(&client, &text_of("[data-testid=timeline-caption]")).await?;
        check(caption.as_str().is_some_and(|c| c.starts_with("Showing ")), format!("caption: {caption}"))?;
        screenshot(&client, "rewind-desktop").await?;

        // Live: everything again.
        client
            .find(fantoccini::Locator::Css("[data-testid=timeline-live]"))
            .await
            .map_err(|e| format!("no Live button: {e}"))?
            .click()
            .await
            .map_err(|e| e.to_string())?;
        wait_for(&client, "every node again", &format!("{} === '{all}'", text_of(NODE_COUNT))).await?;
        let added =
            wait_for(&client, "every added event", &format!("{ADDED_EVENTS}.length === {ADDED} && {ADDED_EVENTS}"))
                .await?;
        check(added == Value::from((1..=ADDED).collect::<Vec<_>>()), format!("events after Live: {added}"))?;
        wait_for(&client, "the live badge", &format!("!{}.startsWith('Rewound')", text_of("[data-testid=badge]")))
            .await?;
        check(shown.is_array(), format!("rewound: {shown}"))
    })
    .await;
}
