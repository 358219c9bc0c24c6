//! End-to-end: time travel in the release build in headless Chromium. A
//! replayed stream adds a node and an event about it every half second;
//! dragging the timeline back shows a moment at which the node count and
//! the event list agree (as many added nodes as "added" events, the
//! earliest ones), the badge says the page is rewound, and "Live" brings
//! back everything, including what arrived meanwhile. "Save session"
//! downloads the history; a fresh page with no server opens the file and
//! shows the same mesh as a recording, and a damaged file is refused with a
//! message. "PNG" saves the topology and a chart as captioned pictures.
//! Needs a release build in dist/ (or `MESHVIEW_DIST`), like `e2e.rs`.
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
use support::{
    cdp, check, eval, screenshot, scroll_back, show_panel, start_feed, text_frame, text_of, wait_for, Browser,
};

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
        let scrolled = show_panel(&client, ".panel-events").await?;
        let shown = wait_for(&client, "node count and events of one moment", &agreed).await?;
        let caption = eval(&client, &text_of("[data-testid=timeline-caption]")).await?;
        check(caption.as_str().is_some_and(|c| c.starts_with("Showing ")), format!("caption: {caption}"))?;
        scroll_back(&client, scrolled).await?;
        screenshot(&client, "rewind-desktop").await?;

        // Live: everything again. Clicked in the page in one step: the
        // button may be drawn again between a WebDriver find and its click
        // (CI once failed so, "stale element reference").
        let live = "(b => b ? (b.click(), true) : false)(document.querySelector('[data-testid=timeline-live]'))";
        check(eval(&client, live).await? == true, "no Live button")?;
        wait_for(&client, "every node again", &format!("{} === '{all}'", text_of(NODE_COUNT))).await?;
        show_panel(&client, ".panel-events").await?;
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

/// A fresh temporary folder for this test run's downloads.
fn empty_folder(name: &str) -> std::path::PathBuf {
    let folder = std::env::temp_dir().join(format!("meshview-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("a download folder");
    folder
}

/// Downloads land in `folder`, without asking.
async fn allow_downloads(client: &fantoccini::Client, folder: &std::path::Path) -> Result<(), String> {
    let params = serde_json::json!({ "behavior": "allow", "downloadPath": folder.display().to_string() });
    cdp(client, "Browser.setDownloadBehavior", params).await.map(drop)
}

async fn click(client: &fantoccini::Client, selector: &str) -> Result<(), String> {
    let element = client.find(fantoccini::Locator::Css(selector)).await.map_err(|e| format!("no {selector}: {e}"))?;
    element.click().await.map_err(|e| format!("click {selector}: {e}"))
}

/// Waits for one finished download in `dir` and returns its path.
async fn downloaded(dir: &std::path::Path) -> Result<std::path::PathBuf, String> {
    downloaded_as(dir, "meshview").await
}

/// Waits for one finished download ending in `.extension` in `dir`.
async fn downloaded_as(dir: &std::path::Path, extension: &str) -> Result<std::path::PathBuf, String> {
    for _ in 0..100 {
        let done: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| e.to_string())?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == extension))
            .collect();
        if let [path] = done.as_slice() {
            return Ok(path.clone());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err(format!("no .{extension} file downloaded into {}", dir.display()))
}

async fn open_file(client: &fantoccini::Client, path: &std::path::Path) -> Result<(), String> {
    let input = client
        .find(fantoccini::Locator::Css("[data-testid=open-session]"))
        .await
        .map_err(|e| format!("no file picker: {e}"))?;
    input.send_keys(&path.display().to_string()).await.map_err(|e| format!("pick {}: {e}", path.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_session_opens_in_a_page_with_no_server() {
    let source = Source::Replay { frames: Arc::new(growing_stream()), frames_per_sec: 20.0 };
    let feed = start_feed(0, source, "/").await;
    let live_url = format!("http://{}/", feed.addr);
    // The same build, pointed at a port where nothing listens.
    let offline_url = format!("http://{}/?ws=ws://127.0.0.1:9/ws&project=elsewhere", feed.addr);
    let downloads = empty_folder("downloads");
    let all = BASE_NODES + ADDED;
    let saved = downloads.clone();
    Browser::run(1440, 900, |client| async move {
        allow_downloads(&client, &saved).await?;
        client.goto(&live_url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "every node", &format!("{} === '{all}'", text_of(NODE_COUNT))).await?;
        wait_for(&client, "a history span", "document.querySelector('[data-testid=save-session]')?.disabled === false")
            .await?;
        tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
        click(&client, "[data-testid=save-session]").await?;
        let file = downloaded(&saved).await?;
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        check(name.starts_with("meshview-default-"), format!("file name {name}"))?;

        // A fresh page, no server: the file is the whole dashboard.
        client.goto(&offline_url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the page", "document.querySelector('[data-testid=open-session]') !== null").await?;
        open_file(&client, &file).await?;
        wait_for(&client, "the recording's nodes", &format!("{} === '{all}'", text_of(NODE_COUNT))).await?;
        let scrolled = show_panel(&client, ".panel-events").await?;
        let added = wait_for(&client, "the recording's events", &format!("{ADDED_EVENTS}.length === {ADDED} && {ADDED_EVENTS}"))
            .await?;
        check(added == Value::from((1..=ADDED).collect::<Vec<_>>()), format!("events: {added}"))?;
        wait_for(
            &client,
            "the recording badge",
            &format!("{}.startsWith('Recording · default · ')", text_of("[data-testid=badge]")),
        )
        .await?;
        // Its timeline scrubs: half way, one moment's nodes and events.
        eval(&client, &drag_timeline_to(0.6)).await?;
        let agreed = format!(
            "(() => {{ const n = Number({}); const added = {ADDED_EVENTS};
               return n >= {BASE_NODES} && n < {all} && added.length === n - {BASE_NODES} ? n : null; }})()",
            text_of(NODE_COUNT)
        );
        wait_for(&client, "a moment of the recording", &agreed).await?;
        scroll_back(&client, scrolled).await?;
        screenshot(&client, "session-recording-desktop").await?;

        // A damaged file: a message, and the recording stays.
        let bytes = std::fs::read(&file).map_err(|e| e.to_string())?;
        let damaged = saved.join("damaged.meshview");
        std::fs::write(&damaged, &bytes[..bytes.len() / 2]).map_err(|e| e.to_string())?;
        open_file(&client, &damaged).await?;
        wait_for(
            &client,
            "the refusal",
            "[...document.querySelectorAll('.notice')].some(n => n.textContent.includes('not opened: the session file is cut short'))",
        )
        .await?;
        let badge = eval(&client, &text_of("[data-testid=badge]")).await?;
        check(badge.as_str().is_some_and(|b| b.starts_with("Recording")), format!("badge after a damaged file: {badge}"))
    })
    .await;
    let _ = std::fs::remove_dir_all(&downloads);
}

/// A copy of a saved picture beside the screenshots, to look at.
fn keep_for_review(path: &std::path::Path, name: &str) -> Result<(), String> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::copy(path, dir.join(name)).map(drop).map_err(|e| e.to_string())
}

/// A PNG's width and height from its header (after the 8-byte signature,
/// the IHDR chunk: length, type, then width and height, big-endian).
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.get(12..16) != Some(b"IHDR".as_slice()) {
        return None;
    }
    let word = |at: usize| bytes.get(at..at + 4)?.first_chunk::<4>().map(|b| u32::from_be_bytes(*b));
    Some((word(16)?, word(20)?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pictures_of_the_topology_and_a_chart_are_saved() {
    let feed =
        support::simulated_feed(support::free_port(), feed::SimSettings { n_nodes: 60, ..Default::default() }).await;
    let url = format!("http://{}/?q=status:ok,error", feed.addr);
    let downloads = empty_folder("pictures");
    let saved = downloads.clone();
    Browser::run(1440, 900, |client| async move {
        allow_downloads(&client, &saved).await?;
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "nodes", &format!("Number({}.split(' ')[0]) > 0", text_of(NODE_COUNT))).await?;
        wait_for(&client, "a drawn topology", &format!("{} > 1000", support::drawn_pixels("[data-testid=topology]")))
            .await?;
        let canvas = wait_for(
            &client,
            "the topology's size",
            "(() => { const c = document.querySelector('[data-testid=topology]'); return c.width > 0 ? [c.width, c.height] : null; })()",
        )
        .await?;
        let (width, height) = (canvas[0].as_u64().unwrap_or(0) as u32, canvas[1].as_u64().unwrap_or(0) as u32);
        click(&client, "[data-testid=topology-png]").await?;
        let topology = downloaded_as(&saved, "png").await?;
        let name = topology.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        check(name.starts_with("meshview-topology-default-"), format!("topology picture named {name}"))?;
        let bytes = std::fs::read(&topology).map_err(|e| e.to_string())?;
        let size = png_size(&bytes);
        // The canvas at device pixels, with the caption band above it.
        check(
            size.is_some_and(|(w, h)| w == width && h > height && h < height + 100),
            format!("topology picture {size:?} for a {width}x{height} canvas, {} bytes", bytes.len()),
        )?;
        check(bytes.len() > 10_000, format!("a topology picture of {} bytes", bytes.len()))?;
        keep_for_review(&topology, "picture-topology.png")?;
        std::fs::remove_file(&topology).map_err(|e| e.to_string())?;

        wait_for(&client, "a chart", "document.querySelector('[data-testid=chart-png]') !== null").await?;
        click(&client, "[data-testid=chart-png]").await?;
        let chart = downloaded_as(&saved, "png").await?;
        let name = chart.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        check(name.starts_with("meshview-chart-"), format!("chart picture named {name}"))?;
        let bytes = std::fs::read(&chart).map_err(|e| e.to_string())?;
        keep_for_review(&chart, "picture-chart.png")?;
        check(png_size(&bytes).is_some_and(|(w, h)| w > 100 && h > 50), format!("chart picture {:?}", png_size(&bytes)))
    })
    .await;
    let _ = std::fs::remove_dir_all(&downloads);
}
