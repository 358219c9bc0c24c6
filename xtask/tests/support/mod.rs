//! The end-to-end harness: a feed serving the release build on a free
//! loopback port, a ChromeDriver per test, and a headless Chromium session
//! that is always closed, even when the test body fails.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::Client;
use feed::{Feed, FeedConfig, Frame, SimSettings, Source};
use serde_json::{json, Value};
use shared::encode::{encode_batch, encode_message};
use shared::protocol::{MeshEdge, MeshNode, Message, Payload, Status};
use shared::sim::{Mix, SimConfig, Simulator};

pub type TestResult = Result<(), String>;

/// How long any one wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);

pub fn dist() -> PathBuf {
    let dist = std::env::var_os("MESHVIEW_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    assert!(dist.join("index.html").exists(), "no release build at {}: run `cargo xtask test`", dist.display());
    dist
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

pub async fn simulated_feed(port: u16, settings: SimSettings) -> Feed {
    start_feed(port, Source::Simulated(settings), "/").await
}

pub async fn replay_feed(frames: Vec<Frame>, base_path: &str) -> Feed {
    start_feed(0, Source::Replay { frames: Arc::new(frames), frames_per_sec: 0.0 }, base_path).await
}

pub async fn start_feed(port: u16, source: Source, base_path: &str) -> Feed {
    serve(port, source, dist(), base_path).await
}

/// A static site of `files` (name, content) on another free port: a page
/// of another origin than the dashboard's.
pub async fn static_site(files: &[(&str, String)]) -> (Feed, PathBuf) {
    let dir = std::env::temp_dir().join(format!("meshview-site-{}", free_port()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (name, content) in files {
        std::fs::write(dir.join(name), content).expect("site file");
    }
    let feed = serve(0, Source::Replay { frames: Arc::new(Vec::new()), frames_per_sec: 0.0 }, dir.clone(), "/").await;
    (feed, dir)
}

async fn serve(port: u16, source: Source, dir: PathBuf, base_path: &str) -> Feed {
    serve_with_csp(port, source, dir, base_path, None).await
}

pub async fn serve_with_csp(port: u16, source: Source, dir: PathBuf, base_path: &str, csp: Option<String>) -> Feed {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let config = FeedConfig { addr, source, serve_dir: Some(dir), base_path: base_path.to_owned(), csp };
    // A restarted feed may find its port briefly taken: retry a few times.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match Feed::start(config.clone()).await {
            Ok(feed) => return feed,
            Err(error) if Instant::now() < deadline => {
                eprintln!("feed start: {error}; retrying");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!("cannot start the feed: {error}"),
        }
    }
}

mod browser;
// Not every suite opens a browser.
#[allow(unused_imports)]
pub use browser::Browser;

/// Evaluates `expression` (a JS expression) in the page.
pub async fn eval(client: &Client, expression: &str) -> Result<Value, String> {
    client.execute(&format!("return ({expression});"), vec![]).await.map_err(|e| format!("{expression}: {e}"))
}

/// Clicks the button whose text is `label`.
pub async fn click_button(client: &Client, label: &str) -> TestResult {
    let script =
        format!("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === {label:?}).click()");
    eval(client, &script).await.map(drop)
}

/// Polls `expression` until it is truthy; returns its value.
pub async fn wait_for(client: &Client, what: &str, expression: &str) -> Result<Value, String> {
    wait_for_within(client, what, expression, WAIT).await
}

/// `wait_for` with its own time limit (for what must happen promptly).
pub async fn wait_for_within(client: &Client, what: &str, expression: &str, limit: Duration) -> Result<Value, String> {
    let deadline = Instant::now() + limit;
    let mut last = Value::Null;
    while Instant::now() < deadline {
        match eval(client, expression).await {
            Ok(value) if truthy(&value) => return Ok(value),
            Ok(value) => last = value,
            Err(error) => last = Value::String(error),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("timed out waiting for {what}; last value: {last}"))
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// The text of the first element matching a CSS selector ("" if none).
/// Brings `panel` into view and waits until its list has caught up: a list
/// below the fold keeps the rows it showed until the reader comes to it
/// (its frame says `data-on-screen="true"` once it has). Returns where the
/// page was scrolled, for `scroll_back`.
pub async fn show_panel(client: &Client, panel: &str) -> Result<f64, String> {
    let scrolled = format!(
        "(() => {{ const y = window.scrollY; document.querySelector({panel:?}).scrollIntoView({{ block: 'nearest' }}); return y; }})()"
    );
    let before = eval(client, &scrolled).await?.as_f64().unwrap_or(0.0);
    let caught_up = format!("document.querySelector({:?})?.dataset.onScreen === 'true'", format!("{panel} .scroll"));
    wait_for(client, &format!("{panel} in view"), &caught_up).await?;
    Ok(before)
}

/// Scrolls the page back to `y` (from `show_panel`).
pub async fn scroll_back(client: &Client, y: f64) -> Result<(), String> {
    eval(client, &format!("window.scrollTo(0, {y})")).await.map(drop)
}

pub fn text_of(selector: &str) -> String {
    format!("(document.querySelector({selector:?})?.textContent ?? '').trim()")
}

/// A diagnostics figure's exact value as a number (-1 if not shown).
pub fn figure(key: &str) -> String {
    format!("Number(document.querySelector('[data-figure=\"{key}\"] dd')?.dataset.value ?? '-1')")
}

pub fn check(condition: bool, what: impl Into<String>) -> TestResult {
    if condition {
        Ok(())
    } else {
        Err(what.into())
    }
}

/// Saves a PNG screenshot under target/screenshots/ for review.
pub async fn screenshot(client: &Client, name: &str) -> TestResult {
    let png = client.screenshot().await.map_err(|e| format!("screenshot: {e}"))?;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(format!("{name}.png")), png).map_err(|e| e.to_string())
}

pub fn text_frame(text: impl Into<String>) -> Frame {
    Frame::Text(text.into())
}

/// A copy of the release build in a fresh temp dir, with `files` (name,
/// content) written over it: a `config.json`, or a patched worker loader.
// Used by e2e_watchdog.rs; each suite uses a different part of this module.
#[allow(dead_code)]
pub fn dist_copy_with(files: &[(&str, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meshview-dist-{}", free_port()));
    copy_dir(&dist(), &dir);
    for (name, content) in files {
        std::fs::write(dir.join(name), content).expect("dist file");
    }
    dir
}

#[allow(dead_code)]
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("temp dir");
    for entry in std::fs::read_dir(from).expect("dist").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a dist file");
        }
    }
}

// Shared by the end-to-end suites.

/// The connection badge.
pub const BADGE: &str = "[data-testid=badge]";

/// A deterministic stream without churn: a snapshot, then events, logs,
/// status flaps and chart points, in batches of 50.
pub fn stream(n_nodes: usize, n_messages: usize) -> (Message, Vec<Frame>) {
    let mut sim = Simulator::new(SimConfig { n_nodes, seed: 11, mix: Mix::EventsAndLogs });
    let snapshot = sim.snapshot(1_795_719_600_000);
    let mut frames = vec![text_frame(encode_message(&snapshot))];
    let messages: Vec<Message> = (0..n_messages).map(|i| sim.next_message(1_795_719_600_000 + i as i64 * 10)).collect();
    frames.extend(messages.chunks(50).map(|chunk| text_frame(encode_batch(chunk))));
    (snapshot, frames)
}

pub fn counts(snapshot: &Message) -> (usize, usize) {
    match &snapshot.payload {
        Payload::Snapshot { nodes, edges, .. } => (nodes.len(), edges.len()),
        _ => (0, 0),
    }
}

/// `iife`, a script `(() => { … })()`, with `themeRgb(element, '--name')`
/// defined at the top of its body: the [r, g, b] of a colour custom
/// property as the browser paints it, whatever form the stylesheet writes
/// it in (`#fff`, `#ffffff`, `rgb(…)`: the minified stylesheet shortens
/// colours).
pub fn with_theme_rgb(iife: &str) -> String {
    iife.replacen("(() => {", &format!("(() => {{ {THEME_RGB}"), 1)
}

const THEME_RGB: &str = "const themeRgb = (element, name) => {
    const c = new OffscreenCanvas(1, 1).getContext('2d');
    c.fillStyle = getComputedStyle(element).getPropertyValue(name).trim();
    c.fillRect(0, 0, 1, 1);
    return [...c.getImageData(0, 0, 1, 1).data.slice(0, 3)];
};";

/// Chooses `value` in the `<select>` at `selector` as a user would: the
/// value set, then its input and change events.
pub fn choose(selector: &str, value: &str) -> String {
    format!(
        "(() => {{ const s = document.querySelector({selector:?}); s.value = {value:?};
           s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); }})()"
    )
}

/// Non-background pixels drawn on a canvas (read from a copy: the
/// topology's canvas shows the paint worker's pictures through a
/// `bitmaprenderer` context and has no 2D context to read).
pub fn drawn_pixels(selector: &str) -> String {
    format!(
        "(() => {{ const c = document.querySelector({selector:?}); if (!c || !c.width) return 0;
           const d = (c => {{ const s = new OffscreenCanvas(c.width, c.height).getContext('2d'); s.drawImage(c, 0, 0); return s; }})(c).getImageData(0, 0, c.width, c.height).data;
           let n = 0; for (let i = 0; i < d.length; i += 4) {{ if (d[i] !== d[0] || d[i+1] !== d[1] || d[i+2] !== d[2]) n++; }}
           return n; }})()"
    )
}

/// A gateway h with spokes a1..a3; a1–b1–c1 further out; z alone. Laid
/// out as two regions side by side: h alone; then a1 a2 a3 b1 in a row,
/// c1 z below (slots in id order).
pub fn star_stream() -> Vec<Frame> {
    let node = |id: &str| MeshNode {
        id: id.into(),
        kind: if id == "h" { "gateway" } else { "service" }.into(),
        label: format!("{id} node"),
        status: Status::Ok,
        meta: vec![],
    };
    let edge = |source: &str, target: &str| MeshEdge {
        id: format!("{source}-{target}"),
        source: source.into(),
        target: target.into(),
        kind: None,
        stats: None,
    };
    let nodes = ["h", "a1", "a2", "a3", "b1", "c1", "z"].map(node).to_vec();
    let edges = vec![edge("h", "a1"), edge("a2", "h"), edge("h", "a3"), edge("a1", "b1"), edge("b1", "c1")];
    let snapshot =
        Message { ts_millis: None, seq: None, pos: None, payload: Payload::Snapshot { nodes, edges, partial: false } };
    vec![text_frame(encode_message(&snapshot))]
}

/// Sets the page's own size (a window is at least 500 px wide, and
/// taller than its page): for screenshots and narrow embeds.
pub async fn set_page_size(client: &Client, width: u32, height: u32) -> TestResult {
    let metrics = json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false });
    cdp(client, "Emulation.setDeviceMetricsOverride", metrics).await.map(drop)
}

/// A Chrome DevTools Protocol command through ChromeDriver.
pub async fn cdp(client: &Client, command: &str, params: Value) -> Result<Value, String> {
    client.issue_cmd(CdpCommand { command: command.into(), params }).await.map_err(|e| format!("{command}: {e}"))
}

#[derive(Debug)]
struct CdpCommand {
    command: String,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.command, "params": self.params }).to_string()))
    }
}
