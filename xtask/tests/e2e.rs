//! End-to-end: the release build in headless Chromium against a feed on
//! 127.0.0.1, asserting on what the page shows. Run by `cargo xtask test`
//! (which builds dist/ first); one browser at a time.
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

mod support;

use std::time::Duration;

use feed::{Frame, SimSettings};
use shared::encode::{encode_batch, encode_message};
use shared::protocol::{MeshNode, Message, Payload, Severity, Status};
use shared::sim::{Mix, SimConfig, Simulator};
use support::{
    check, eval, figure, free_port, replay_feed, screenshot, simulated_feed, text_frame, text_of, wait_for, Browser,
};

const BADGE: &str = "[data-testid=badge]";

/// A deterministic stream without churn: a snapshot, then events, logs,
/// status flaps and chart points, in batches of 50.
fn stream(n_nodes: usize, n_messages: usize) -> (Message, Vec<Frame>) {
    let mut sim = Simulator::new(SimConfig { n_nodes, seed: 11, mix: Mix::EventsAndLogs });
    let snapshot = sim.snapshot(1_795_719_600_000);
    let mut frames = vec![text_frame(encode_message(&snapshot))];
    let messages: Vec<Message> = (0..n_messages).map(|i| sim.next_message(1_795_719_600_000 + i as i64 * 10)).collect();
    frames.extend(messages.chunks(50).map(|chunk| text_frame(encode_batch(chunk))));
    (snapshot, frames)
}

fn counts(snapshot: &Message) -> (usize, usize) {
    match &snapshot.payload {
        Payload::Snapshot { nodes, edges, .. } => (nodes.len(), edges.len()),
        _ => (0, 0),
    }
}

/// Non-background pixels drawn on a canvas.
fn drawn_pixels(selector: &str) -> String {
    format!(
        "(() => {{ const c = document.querySelector({selector:?}); if (!c || !c.width) return 0;
           const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
           let n = 0; for (let i = 0; i < d.length; i += 4) {{ if (d[i] !== d[0] || d[i+1] !== d[1] || d[i+2] !== d[2]) n++; }}
           return n; }})()"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_shows_every_panel_populated() {
    let (snapshot, frames) = stream(40, 3000);
    let (n_nodes, n_edges) = counts(&snapshot);
    let feed = replay_feed(frames, "/").await;
    let url = format!("http://{}/", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the badge to say Live", &format!("{} === 'Live'", text_of(BADGE))).await?;
        wait_for(&client, "all nodes", &format!("{} === '{n_nodes}'", text_of("[data-testid=node-count]"))).await?;
        wait_for(&client, "all edges", &format!("{} === '{n_edges}'", text_of("[data-testid=edge-count]"))).await?;
        // The topology follows the data promptly (its redraws are paced, not starved).
        support::wait_for_within(
            &client,
            "the topology drawn within 3 s",
            &format!("{} > 500", drawn_pixels("[data-testid=topology]")),
            Duration::from_secs(3),
        )
        .await?;
        wait_for(&client, "events", &format!("Number({}) > 100", text_of("[data-testid=event-count]"))).await?;
        wait_for(&client, "chart series", &format!("Number({}) >= 3", text_of("[data-testid=chart-count]"))).await?;
        // Select a node that has logs (the simulator logs mostly on n0..n7).
        wait_for(&client, "node n0's row", "document.querySelector('[data-node-id=n0]')").await?;
        eval(&client, "document.querySelector('[data-node-id=n0]').click()").await?;
        wait_for(&client, "log lines", "document.querySelectorAll('[data-testid=logs] .row').length > 3").await?;
        wait_for(&client, "node details", &format!("{}.includes('n0')", text_of("[data-testid=details]"))).await?;
        eval(&client, "document.querySelector('.panel-charts').scrollIntoView()").await?;
        wait_for(&client, "a drawn chart", &format!("{} > 500", drawn_pixels(".chart canvas"))).await?;
        wait_for(&client, "a drawn topology", &format!("{} > 500", drawn_pixels("[data-testid=topology]"))).await?;
        Ok(())
    })
    .await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_reconnects_and_resyncs() {
    let port = free_port();
    let first = simulated_feed(
        port,
        SimSettings { n_nodes: 30, messages_per_sec: 100.0, batch: 5, seed: 1, mix: Mix::EventsAndLogs },
    )
    .await;
    let url = format!("http://127.0.0.1:{port}/");
    let holder = std::sync::Arc::new(tokio::sync::Mutex::new(Some(first)));
    let feed_slot = holder.clone();
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "Live", &format!("{} === 'Live'", text_of(BADGE))).await?;
        wait_for(&client, "30 nodes", &format!("{} === '30'", text_of("[data-testid=node-count]"))).await?;
        if let Some(feed) = feed_slot.lock().await.take() {
            feed.stop().await;
        }
        wait_for(&client, "the badge to say Reconnecting", &format!("{}.startsWith('Reconnecting')", text_of(BADGE))).await?;
        // Restart with a different mesh: the page must resync to it.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let second = simulated_feed(port, SimSettings { n_nodes: 17, messages_per_sec: 100.0, batch: 5, seed: 2, mix: Mix::EventsAndLogs }).await;
        *feed_slot.lock().await = Some(second);
        // No help from the test: the jittered backoff reconnects by itself.
        wait_for(&client, "Live again", &format!("{} === 'Live'", text_of(BADGE))).await?;
        wait_for(&client, "the new graph", &format!("{} === '17'", text_of("[data-testid=node-count]"))).await?;
        wait_for(
            &client,
            "a connection-lost event",
            "[...document.querySelectorAll('.panel-events .msg')].some(e => e.textContent.startsWith('connection lost'))",
        )
        .await?;
        let reconnects = eval(&client, &figure("reconnects")).await?;
        check(reconnects.as_f64() == Some(1.0), format!("reconnects = {reconnects}"))?;
        // Retry now reconnects at once, even from a healthy link.
        click_button(&client, "Retry now").await?;
        wait_for(&client, "a second reconnect", &format!("{} === 2", figure("reconnects"))).await?;
        wait_for(&client, "Live after retry", &format!("{} === 'Live'", text_of(BADGE))).await?;
        Ok(())
    })
    .await;
    let last = holder.lock().await.take();
    if let Some(feed) = last {
        feed.stop().await;
    }
}

async fn click_button(client: &fantoccini::Client, label: &str) -> support::TestResult {
    let script =
        format!("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === {label:?}).click()");
    eval(client, &script).await.map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_holds_diffs_and_resume_jumps_to_live() {
    let port = free_port();
    let feed = simulated_feed(
        port,
        SimSettings { n_nodes: 20, messages_per_sec: 200.0, batch: 5, seed: 3, mix: Mix::EventsAndLogs },
    )
    .await;
    let url = format!("http://127.0.0.1:{port}/");
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "Live", &format!("{} === 'Live'", text_of(BADGE))).await?;
        click_button(&client, "Pause").await?;
        wait_for(&client, "Paused", &format!("{}.startsWith('Paused')", text_of(BADGE))).await?;
        let held = eval(&client, &text_of("[data-testid=event-count]")).await?;
        wait_for(&client, "news while paused", &format!("/new events/.test({})", text_of(BADGE))).await?;
        let still = eval(&client, &text_of("[data-testid=event-count]")).await?;
        check(held == still, format!("the list moved while paused: {held} -> {still}"))?;
        click_button(&client, "Jump to live").await?;
        wait_for(&client, "Live again", &format!("{} === 'Live'", text_of(BADGE))).await?;
        wait_for(&client, "the held events", &format!("{} !== {held}", text_of("[data-testid=event-count]"))).await?;
        Ok(())
    })
    .await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_is_counted_and_good_messages_applied() {
    let node = |id: &str| MeshNode {
        id: id.into(),
        kind: "service".into(),
        label: id.into(),
        status: Status::Ok,
        meta: vec![],
    };
    let snapshot = Message {
        ts_millis: None,
        seq: None,
        pos: None,
        payload: Payload::Snapshot {
            nodes: ["a", "b", "c", "d", "e"].map(node).to_vec(),
            edges: vec![],
            partial: false,
        },
    };
    let event = |i: usize| Message {
        ts_millis: None,
        seq: None,
        pos: None,
        payload: Payload::Event { message: format!("good {i}"), severity: Severity::Info, node_id: None },
    };
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let oversize =
        format!(r#"{{"data":{{"type":"event","message":"{}","severity":"info"}}}}"#, "x".repeat(5 * 1024 * 1024));
    let frames = vec![
        text_frame(encode_message(&snapshot)),
        text_frame("{not json"),
        text_frame(encode_message(&event(1))),
        text_frame(r#"{"data":{"type":"node-status","id":5,"status":"ok"}}"#),
        text_frame(r#"{"data":{"type":"teleport"}}"#),
        Frame::Binary(vec![0, 159, 146, 150]),
        text_frame(oversize),
        text_frame(deep),
        text_frame(format!("[{}, 42, {}]", encode_message(&event(2)), encode_message(&event(3)))),
        text_frame(encode_message(&event(4))),
    ];
    let feed = replay_feed(frames, "/").await;
    let url = format!("http://{}/", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "5 nodes", &format!("{} === '5'", text_of("[data-testid=node-count]"))).await?;
        wait_for(&client, "4 good events", &format!("{} === '4'", text_of("[data-testid=event-count]"))).await?;
        for (key, expected) in [
            ("invalid-json", 1.0),
            ("bad-fields", 1.0),
            ("unknown-type", 1.0),
            ("binary-frame", 1.0),
            ("oversize-frame", 1.0),
            ("not-a-message", 2.0),
        ] {
            let value = wait_for(&client, key, &format!("{} >= 0 && {}", figure(key), figure(key))).await?;
            check(value.as_f64() == Some(expected), format!("{key}: {value}, expected {expected}"))?;
        }
        let badge = eval(&client, &text_of(BADGE)).await?;
        check(badge == "Live", format!("the page stayed live: {badge}"))
    })
    .await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_markup_shows_as_text_and_runs_nothing() {
    let label = r#"<img src=x onerror="window.__pwned='label'">"#;
    let node =
        MeshNode { id: "x1".into(), kind: "service".into(), label: label.into(), status: Status::Error, meta: vec![] };
    let snapshot = Message {
        ts_millis: None,
        seq: None,
        pos: None,
        payload: Payload::Snapshot { nodes: vec![node], edges: vec![], partial: false },
    };
    let messages = [
        Payload::Event {
            message: "<script>window.__pwned='event'</script>".into(),
            severity: Severity::Warn,
            node_id: Some("x1".into()),
        },
        Payload::LogChunk { node_id: "x1".into(), text: "<b onmouseover=\"window.__pwned='log'\">bold</b>\n".into() },
    ];
    let mut frames = vec![text_frame(encode_message(&snapshot))];
    frames.extend(
        messages
            .into_iter()
            .map(|payload| text_frame(encode_message(&Message { ts_millis: None, seq: None, pos: None, payload }))),
    );
    let feed = replay_feed(frames, "/").await;
    let url = format!("http://{}/", feed.addr);
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the node row", "document.querySelector('[data-node-id=x1]')").await?;
        eval(&client, "document.querySelector('[data-node-id=x1]').click()").await?;
        wait_for(&client, "the log line", "document.querySelectorAll('[data-testid=logs] .row').length === 1").await?;
        let shown = eval(&client, "document.querySelector('[data-node-id=x1] .label').textContent").await?;
        check(shown == label, format!("label shown as {shown}"))?;
        let log = eval(&client, "document.querySelector('[data-testid=logs] .row').textContent").await?;
        check(log.as_str().is_some_and(|t| t.starts_with("<b onmouseover")), format!("log shown as {log}"))?;
        let event = eval(&client, "document.querySelector('.panel-events .msg').textContent").await?;
        check(event.as_str().is_some_and(|t| t.starts_with("<script>")), format!("event shown as {event}"))?;
        let injected = eval(&client, "document.querySelectorAll('.panel img, .panel script, .panel b').length").await?;
        check(injected.as_f64() == Some(0.0), format!("{injected} injected elements"))?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let pwned = eval(&client, "window.__pwned ?? null").await?;
        check(pwned.is_null(), format!("injected code ran: {pwned}"))
    })
    .await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_from_a_sub_path_and_in_a_cross_origin_iframe() {
    let (_, frames) = stream(12, 200);
    let feed = replay_feed(frames, "/dash/").await;
    let page = format!("http://{}/dash/", feed.addr);
    let host_page = format!(
        "<!DOCTYPE html><title>host</title><iframe id=dash src='{page}' style='width:1200px;height:700px'></iframe>"
    );
    let (site, _) = support::static_site(&[("host.html", host_page)]).await;
    let host_url = format!("http://localhost:{}/host.html", site.addr.port());
    Browser::run(1280, 800, |client| async move {
        client.goto(&page).await.map_err(|e| e.to_string())?;
        wait_for(&client, "nodes under a sub-path", &format!("{} === '12'", text_of("[data-testid=node-count]")))
            .await?;
        // The host page is on `localhost`, the dashboard on `127.0.0.1`:
        // two origins, so the iframe is cross-origin.
        client.goto(&host_url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the iframe", "document.getElementById('dash')").await?;
        client.enter_frame(0).await.map_err(|e| e.to_string())?;
        wait_for(&client, "nodes inside the iframe", &format!("{} === '12'", text_of("[data-testid=node-count]")))
            .await?;
        Ok(())
    })
    .await;
    site.stop().await;
    feed.stop().await;
}

/// Screenshots for review (target/screenshots/), at exactly the sizes named,
/// of what they are for: a node picked on the canvas and one picked in the
/// table, each selected, ringed and detailed; the canvas in the theme's
/// colours (light and dark); no sideways scrolling in a 400 px embed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_of_a_populated_dashboard() {
    /// An inner pixel (in page px) of a dot in a status colour of the theme
    /// in force, and whether the canvas's background is `--panel`; or null.
    const FIND_A_DOT: &str = r"(() => {
        const canvas = document.querySelector('[data-testid=topology]'), style = getComputedStyle(canvas);
        const rgb = name => [1, 3, 5].map(i => parseInt(style.getPropertyValue(name).trim().slice(i, i + 2), 16));
        const { width, height } = canvas, data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
        const is = (x, y, [r, g, b]) => { const i = (y * width + x) * 4; return data[i] === r && data[i + 1] === g && data[i + 2] === b; };
        const rect = canvas.getBoundingClientRect(), ratio = width / rect.width, background = is(0, 0, rgb('--panel'));
        for (const status of ['--error', '--degraded', '--ok', '--running', '--starting', '--idle', '--stopped', '--unknown']) {
            const c = rgb(status);
            for (let y = 3; y < height - 3; y++) for (let x = 3; x < width - 3; x++)
                if (is(x, y, c) && is(x - 3, y, c) && is(x + 3, y, c) && is(x, y - 3, c) && is(x, y + 3, c))
                    return { background, status, x: Math.round(rect.left + x / ratio), y: Math.round(rect.top + y / ratio) };
        }
        return null;
    })()";
    /// Canvas pixels in the selection colour (`--accent`), within 20 page
    /// px of a point or anywhere.
    fn ring_pixels(near: Option<(i64, i64)>) -> String {
        let [x, y] = near.map_or(["null".to_owned(), "null".to_owned()], |(x, y)| [x.to_string(), y.to_string()]);
        format!(
            "(() => {{ const canvas = document.querySelector('[data-testid=topology]'), rect = canvas.getBoundingClientRect();
            const ratio = canvas.width / rect.width, hex = getComputedStyle(canvas).getPropertyValue('--accent').trim();
            const [r, g, b] = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16)), near = {x} !== null;
            const x0 = near ? Math.round(({x} - rect.left - 20) * ratio) : 0, y0 = near ? Math.round(({y} - rect.top - 20) * ratio) : 0;
            const d = canvas.getContext('2d').getImageData(x0, y0, near ? 40 * ratio : canvas.width, near ? 40 * ratio : canvas.height).data;
            let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] === r && d[i + 1] === g && d[i + 2] === b) n++; return n; }})()"
        )
    }
    /// Chrome's window has a minimum width (500 px): set the page's own size.
    #[derive(Debug)]
    struct SetViewport(u32, u32);
    impl fantoccini::wd::WebDriverCompatibleCommand for SetViewport {
        fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
            base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
        }
        fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
            let params =
                serde_json::json!({ "width": self.0, "height": self.1, "deviceScaleFactor": 1, "mobile": false });
            let body = serde_json::json!({ "cmd": "Emulation.setDeviceMetricsOverride", "params": params });
            (http::Method::POST, Some(body.to_string()))
        }
    }
    use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};

    let port = free_port();
    let feed =
        simulated_feed(port, SimSettings { n_nodes: 60, messages_per_sec: 300.0, batch: 10, seed: 5, mix: Mix::Mixed })
            .await;
    let runs =
        [("desktop-1440x900", 1440, 900, ""), ("embed-400", 400, 900, ""), ("dark-1440x900", 1440, 900, "?theme=dark")];
    for (name, width, height, query) in runs {
        let url = format!("http://127.0.0.1:{port}/{query}");
        Browser::run(width, height, |client| async move {
            client.issue_cmd(SetViewport(width, height)).await.map_err(|e| format!("viewport: {e}"))?;
            client.goto(&url).await.map_err(|e| e.to_string())?;
            let size = eval(&client, "[innerWidth, innerHeight]").await?;
            check(size == serde_json::json!([width, height]), format!("{name}: the page is {size}"))?;
            wait_for(&client, "Live", &format!("{} === 'Live'", text_of(BADGE))).await?;
            wait_for(&client, "nodes", &format!("Number({}) > 40", text_of("[data-testid=node-count]"))).await?;
            wait_for(&client, "a drawn topology", &format!("{} > 500", drawn_pixels("[data-testid=topology]"))).await?;

            // Click a dot on the canvas: the scene picks it, and it is ringed and detailed.
            let dot = wait_for(&client, "a dot in a status colour", FIND_A_DOT).await?;
            check(dot["background"] == true, format!("{name}: the canvas background is not --panel: {dot}"))?;
            let (Some(x), Some(y)) = (dot["x"].as_i64(), dot["y"].as_i64()) else { return Err(format!("{dot}")) };
            let press = MouseActions::new("mouse".into())
                .then(PointerAction::MoveTo { duration: None, x: x as f64, y: y as f64 })
                .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
                .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
            client.perform_actions(press).await.map_err(|e| format!("click at {x}, {y}: {e}"))?;
            wait_for(
                &client,
                "details of the clicked dot",
                &format!("{} !== ''", text_of("[data-testid=details] .id")),
            )
            .await?;
            wait_for(&client, "the clicked dot ringed", &format!("{} > 10", ring_pixels(Some((x, y))))).await?;

            // Select a node that logs (the simulator favours n0..n7) in the table.
            wait_for(&client, "node n1's row", "document.querySelector('[data-node-id=n1]')").await?;
            eval(&client, "document.querySelector('[data-node-id=n1]').click()").await?;
            let selected = "document.querySelector('[data-node-id=n1]')?.classList.contains('selected')";
            wait_for(&client, "n1's row selected", selected).await?;
            wait_for(&client, "n1's details", &format!("{} === 'n1'", text_of("[data-testid=details] .id"))).await?;
            wait_for(&client, "n1's log", "document.querySelectorAll('[data-testid=logs] .row').length > 0").await?;
            wait_for(&client, "n1 ringed", &format!("{} > 10", ring_pixels(None))).await?;
            let overflow =
                eval(&client, "document.documentElement.scrollWidth - document.documentElement.clientWidth").await?;
            check(overflow.as_i64() == Some(0), format!("{name}: {overflow} px of horizontal overflow"))?;
            screenshot(&client, name).await
        })
        .await;
    }
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_csp_allows_the_dashboard_and_nothing_else() {
    let (snapshot, frames) = stream(25, 1500);
    let (n_nodes, _) = counts(&snapshot);
    let index = std::fs::read_to_string(support::dist().join("index.html")).expect("dist/index.html");
    let port = free_port();
    let stream_origin = format!("ws://127.0.0.1:{port}");
    let csp = xtask::csp::policy(&index, &[&stream_origin], &[]);
    let source = feed::Source::Replay { frames: std::sync::Arc::new(frames), frames_per_sec: 0.0 };
    let feed = support::serve_with_csp(port, source, support::dist(), "/", Some(csp)).await;
    let url = format!("http://127.0.0.1:{port}/");
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "nodes under CSP", &format!("{} === '{n_nodes}'", text_of("[data-testid=node-count]"))).await?;
        eval(&client, "document.querySelector('.panel-charts').scrollIntoView()").await?;
        wait_for(&client, "a chart under CSP", &format!("{} > 500", drawn_pixels(".chart canvas"))).await?;
        // The page counts violations from its first moment; give the
        // once-a-second mirror time to show them.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let violations = eval(&client, &figure("csp-violations")).await?;
        check(violations.as_f64() == Some(0.0), format!("{violations} CSP violations"))?;
        // The policy really is in force: an injected inline script is refused.
        eval(&client, "(() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.appendChild(s); })()").await?;
        wait_for(&client, "the refused script to be counted", &format!("{} >= 1", figure("csp-violations"))).await?;
        let ran = eval(&client, "window.__inline ?? null").await?;
        check(ran.is_null(), "an inline script ran under the strict policy")
    })
    .await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_embeds_and_drives_the_dashboard() {
    let port = free_port();
    let portal = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/portal.html"))
        .expect("examples/portal.html");
    let (site, _) = support::static_site(&[("portal.html", portal)]).await;
    // Embedding is off unless the deployment names the portal.
    let config = format!(r#"{{"allowedParentOrigins": ["http://localhost:{}"]}}"#, site.addr.port());
    let settings = SimSettings { n_nodes: 24, messages_per_sec: 150.0, batch: 5, seed: 8, mix: Mix::EventsAndLogs };
    let dist = support::dist_copy_with(&[("config.json", config)]);
    let feed = support::serve_with_csp(port, feed::Source::Simulated(settings), dist, "/", None).await;
    // The portal is on `localhost`, the dashboard on `127.0.0.1`: two origins.
    let url = format!("http://localhost:{}/portal.html?dash=http://127.0.0.1:{port}/", site.addr.port());
    let events = |kind: &str| format!("window.meshviewEvents.filter(m => m.type === '{kind}')");
    Browser::run(1440, 1000, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "ready", &format!("{}.length === 1", events("ready"))).await?;
        wait_for(&client, "a resize", &format!("{}.some(m => m.height > 300)", events("resize"))).await?;
        wait_for(&client, "connection live", &format!("{}.some(m => m.state === 'live')", events("connection")))
            .await?;
        let height = eval(&client, "document.getElementById('dash').getBoundingClientRect().height").await?;
        check(height.as_f64().is_some_and(|h| h > 300.0), format!("the iframe was not sized: {height}"))?;

        eval(&client, "sendToDashboard({type: 'setTheme', theme: 'dark'})").await?;
        eval(&client, "sendToDashboard({type: 'pause'})").await?;
        wait_for(&client, "connection paused", &format!("{}.some(m => m.state === 'paused')", events("connection")))
            .await?;
        eval(&client, "sendToDashboard({type: 'setFilter', text: 'n1'})").await?;
        eval(&client, "sendToDashboard({type: 'selectNode', nodeId: 'n2'})").await?;
        wait_for(&client, "select n2", &format!("{}.some(m => m.nodeId === 'n2')", events("select"))).await?;

        client.enter_frame(0).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the dark theme", "document.documentElement.dataset.theme === 'dark'").await?;
        wait_for(&client, "the filter", "document.querySelector('input[aria-label=\"Filter nodes\"]').value === 'n1'")
            .await?;
        // A message from any other origin (here the dashboard's own) is ignored and counted.
        eval(&client, "window.postMessage({target: 'meshview', version: 1, type: 'setTheme', theme: 'light'}, '*')")
            .await?;
        wait_for(&client, "the ignored message", &format!("{} >= 1", figure("embed-messages-ignored"))).await?;
        let theme = eval(&client, "document.documentElement.dataset.theme").await?;
        check(theme == "dark", format!("a foreign message changed the theme to {theme}"))?;
        client.enter_parent_frame().await.map_err(|e| e.to_string())?;

        eval(&client, "sendToDashboard({type: 'resume'})").await?;
        eval(&client, "sendToDashboard({type: 'setProject', project: 'other'})").await?;
        client.enter_frame(0).await.map_err(|e| e.to_string())?;
        wait_for(&client, "the project switch", &format!("{} === 'other'", text_of(".brand .project"))).await?;
        wait_for(&client, "live on the new project", &format!("{} === 'Live'", text_of(BADGE))).await?;
        wait_for(
            &client,
            "the new project's socket",
            &format!("{}.includes('project=other')", text_of("[data-testid=link-url]")),
        )
        .await?;
        Ok(())
    })
    .await;
    site.stop().await;
    feed.stop().await;
}
