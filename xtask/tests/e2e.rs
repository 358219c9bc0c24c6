//! End-to-end: the release build in headless Chromium against a feed on
//! 127.0.0.1, asserting on what the page shows. Run by `cargo xtask test`
//! (which builds dist/ first); one browser at a time.
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

#[allow(dead_code)] // each suite uses part of the shared support
mod support;

use std::time::Duration;

use feed::{Frame, SimSettings};
use shared::encode::encode_message;
use shared::protocol::{MeshNode, Message, Payload, Severity, Status};
use shared::sim::Mix;
use support::{
    check, click_button, counts, drawn_pixels, eval, figure, free_port, replay_feed, simulated_feed, stream,
    text_frame, text_of, wait_for, Browser, BADGE,
};

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
        // The topology is drawn soon after the data (a blank canvas was a past
        // regression). When exactly is the pacing rules' business, tested
        // natively in app/src/scene/pacing.rs; this bound only has to be long
        // enough for a loaded machine.
        support::wait_for_within(
            &client,
            "the topology drawn",
            &format!("{} > 500", drawn_pixels("[data-testid=topology]")),
            Duration::from_secs(8),
        )
        .await?;
        wait_for(&client, "events", &format!("Number({}) > 100", text_of("[data-testid=event-count]"))).await?;
        wait_for(&client, "chart series", &format!("Number({}) >= 3", text_of("[data-testid=chart-count]"))).await?;
        // Select a node that has logs (the simulator logs mostly on n0..n7).
        wait_for(&client, "node n0's row", "document.querySelector('[data-node-id=n0]')").await?;
        eval(&client, "document.querySelector('[data-node-id=n0]').click()").await?;
        support::show_panel(&client, ".panel-logs").await?;
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
        support::show_panel(&client, ".panel-events").await?;
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

/// The events in the frame's view, their texts from the top.
const EVENTS_IN_VIEW: &str = "(() => {
    const frame = document.querySelector('.panel-events .scroll');
    const box = frame.getBoundingClientRect();
    return [...frame.querySelectorAll('.row')].filter(row => {
        const r = row.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
    }).map(row => row.textContent);
})()";

/// Loads the dashboard, brings the events into view once 100 have come,
/// scrolls them ten rows down and gives the first row in view.
async fn read_a_row_down_the_events(client: &fantoccini::Client, url: &str) -> Result<serde_json::Value, String> {
    client.goto(url).await.map_err(|e| e.to_string())?;
    wait_for(client, "events", &format!("Number({}) > 100", text_of("[data-testid=event-count]"))).await?;
    support::show_panel(client, ".panel-events").await?;
    eval(client, "document.querySelector('.panel-events .scroll').scrollTop = 280").await?;
    wait_for(client, "a row read", &format!("{EVENTS_IN_VIEW}.length > 5")).await?;
    eval(client, &format!("{EVENTS_IN_VIEW}[0]")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_down_the_events_keeps_rows_in_view_as_the_oldest_go() {
    // Events come faster than the list keeps them (2,000): the reader, a
    // few rows down, keeps the rows they read in place as new ones come on
    // top, until those rows are dropped; then the oldest kept show, never
    // an empty list.
    let port = free_port();
    let feed = simulated_feed(
        port,
        SimSettings { n_nodes: 20, messages_per_sec: 3000.0, batch: 30, seed: 4, mix: Mix::EventsAndLogs },
    )
    .await;
    let url = format!("http://127.0.0.1:{port}/");
    Browser::run(1440, 900, |client| async move {
        let read = read_a_row_down_the_events(&client, &url).await?;
        tokio::time::sleep(Duration::from_millis(600)).await;
        let still = eval(&client, &format!("{EVENTS_IN_VIEW}[0]")).await?;
        check(read == still, format!("the row read moved away: {read} -> {still}"))?;
        // Filtered by severity, fewer rows come on top than events come.
        let warn_and_up = "(() => { const s = document.querySelector('.panel-events select'); s.value = 'warn'; s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); })()";
        eval(&client, warn_and_up).await?;
        eval(&client, "document.querySelector('.panel-events .scroll').scrollTop = 280").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let read = eval(&client, &format!("{EVENTS_IN_VIEW}[0]")).await?;
        tokio::time::sleep(Duration::from_millis(600)).await;
        let still = eval(&client, &format!("{EVENTS_IN_VIEW}[0]")).await?;
        check(read.as_str().is_some_and(|row| row.contains("warn") || row.contains("error")), format!("not filtered: {read}"))?;
        check(read == still, format!("the row read under a filter moved away: {read} -> {still}"))?;
        eval(&client, &warn_and_up.replace("'warn'", "'debug'")).await?;
        eval(&client, "document.querySelector('.panel-events .scroll').scrollTop = 280").await?;
        wait_for(&client, "the list full", &format!("{} === '2000'", text_of("[data-testid=event-count]"))).await?;
        // Long enough for the rows read to be dropped, several diffs over.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let shown = eval(&client, EVENTS_IN_VIEW).await?;
        let n_shown = shown.as_array().map_or(0, Vec::len);
        check(n_shown > 5, format!("{n_shown} events in view once the oldest went: {shown}"))
    })
    .await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_down_the_events_keeps_their_place_while_the_list_is_off_screen() {
    // Off screen the list keeps the place it last knew (the browser's
    // scroll position is not read there: that laid the page out at the
    // end of every diff). Events come slowly enough here (~150 rows a
    // second) that the row read stays among the 2,000 kept.
    let port = free_port();
    let feed = simulated_feed(
        port,
        SimSettings { n_nodes: 20, messages_per_sec: 300.0, batch: 3, seed: 4, mix: Mix::EventsAndLogs },
    )
    .await;
    let url = format!("http://127.0.0.1:{port}/");
    Browser::run(1440, 900, |client| async move {
        let read = read_a_row_down_the_events(&client, &url).await?;
        eval(&client, "window.scrollTo(0, 0)").await?;
        let off = "document.querySelector('.panel-events .scroll').dataset.onScreen === 'false'";
        wait_for(&client, "the events off screen", off).await?;
        let count = format!("Number({})", text_of("[data-testid=event-count]"));
        let before = eval(&client, &count).await?.as_f64().unwrap_or(0.0);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let after = eval(&client, &count).await?.as_f64().unwrap_or(0.0);
        check(after > before, format!("no events came while off screen: {before} -> {after}"))?;
        support::show_panel(&client, ".panel-events").await?;
        let back = eval(&client, &format!("{EVENTS_IN_VIEW}[0]")).await?;
        check(read == back, format!("the row read moved away while off screen: {read} -> {back}"))
    })
    .await;
    feed.stop().await;
}

/// The first log line in the frame's view, and whether the log is full.
const LOG_LINE_READ: &str = "(() => {
    const frame = document.querySelector('[data-testid=logs] .scroll');
    const box = frame.getBoundingClientRect();
    const row = [...frame.querySelectorAll('.row')].find(row => row.getBoundingClientRect().top >= box.top - 1);
    return { line: row?.textContent ?? null, full: frame.scrollHeight >= 1000 * 28 };
})()";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_back_in_a_full_log_keeps_the_line_they_read() {
    // A busy node's log is full (1,000 lines): every new line drops the
    // oldest (n1 logs some 160 lines a second here). A reader scrolled
    // back keeps the line they read in view until it is dropped.
    let port = free_port();
    let feed = simulated_feed(
        port,
        SimSettings { n_nodes: 12, messages_per_sec: 1500.0, batch: 15, seed: 5, mix: Mix::EventsAndLogs },
    )
    .await;
    let url = format!("http://127.0.0.1:{port}/");
    Browser::run(1440, 900, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "node n1's row", "document.querySelector('[data-node-id=n1]')").await?;
        eval(&client, "document.querySelector('[data-node-id=n1]').click()").await?;
        support::show_panel(&client, ".panel-logs").await?;
        support::wait_for_within(&client, "n1's log full", &format!("{LOG_LINE_READ}.full"), Duration::from_secs(30))
            .await?;
        // Half the log back: its lines take some 3 s to reach the top.
        eval(&client, "document.querySelector('[data-testid=logs] .scroll').scrollTop = 14000").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let read = eval(&client, LOG_LINE_READ).await?;
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let still = eval(&client, LOG_LINE_READ).await?;
        check(
            read["line"].is_string() && read["line"] == still["line"],
            format!("the line read moved: {read} -> {still}"),
        )
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
        support::show_panel(&client, ".panel-logs").await?;
        support::show_panel(&client, ".panel-events").await?;
        wait_for(&client, "the log line", "document.querySelectorAll('[data-testid=logs] .row').length === 1").await?;
        // The details panel counts the lines that came after the selection.
        wait_for(&client, "the details' log count", &format!("{} === '1'", text_of("[data-testid=log-line-count]")))
            .await?;
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
