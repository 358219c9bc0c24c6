//! The UI at a steady, realistic load (`cargo xtask bench -- steady`): a
//! live 10,000-node / 30,000-edge mesh from the simulated feed, measured
//! over 20 s after a warm-up; optionally filtered, scrolled to a panel
//! below the fold (the charts: what a person watching them gets), with a
//! node found first (the find box: its group opens around it), and with a
//! person scrolling a list or dragging the topology meanwhile. Prints the
//! main thread's split and the cores' accounting, and returns the row's
//! figures.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shared::sim::Mix;

use crate::frames::{self, Motion};
use crate::split::{main_thread_split, split_line, split_task_seconds};
use crate::support::{self, cdp, eval, Browser};
use crate::{bench_query, profile, profile_path, threads};

/// The filter of the filtered steady run (`?q=`, URL-encoded).
pub const STEADY_FILTER: &str = "status%3Aerror%2Cdegraded%20errors%3E1%25";

/// One steady scenario: its label (and profile's name), the filter
/// (`?q=`, URL-encoded; empty: none), the panel scrolled into view, the
/// node found before the window, and what a person does every frame
/// during the window (`frames.rs`).
#[derive(Default)]
pub struct Steady {
    pub label: &'static str,
    pub query: &'static str,
    pub in_view: Option<&'static str>,
    pub find: Option<&'static str>,
    pub motion: Option<Motion>,
}

/// Finds a node with the find box, as a person would (typed, then Enter):
/// it is selected, its group opened and the view centred on it.
async fn find(client: &fantoccini::Client, node_id: &str) -> Result<(), String> {
    let box_input = "document.querySelector('[data-testid=search]')";
    eval(client, &format!("{box_input}.focus()")).await?;
    let typed = client.active_element().await.map_err(|e| e.to_string())?;
    typed.send_keys(node_id).await.map_err(|e| format!("typing {node_id}: {e}"))?;
    let listed = format!("document.querySelector('#find-search-list [data-node-id]')?.dataset.nodeId === {node_id:?}");
    support::wait_for(client, "the node listed", &listed).await?;
    typed.send_keys("\u{e007}").await.map_err(|e| format!("Enter: {e}"))?;
    let selected = format!("document.querySelector('[data-testid=details] .id')?.textContent === {node_id:?}");
    support::wait_for(client, "the node selected", &selected).await?;
    // The picture of the opened group comes from the paint worker.
    tokio::time::sleep(Duration::from_secs(2)).await;
    Ok(())
}

/// Runs a steady scenario and prints its line.
pub async fn steady_row(steady: &Steady) -> Option<Value> {
    let (label, result) = (steady.label, steady_state(steady).await);
    match &result {
        Ok(row) => {
            let figure = |key: &str| row.get(key).and_then(Value::as_f64).unwrap_or(0.0);
            let moved = match row.get("frames_picture_moved_share").and_then(Value::as_f64) {
                Some(share) => format!(", the topology moved in {:.1} % of them", share * 100.0),
                None => String::new(),
            };
            let frames = if figure("frames") > 0.0 {
                format!(
                    "; frames {:.1} % late, interval p99 {:.0} ms{moved}",
                    figure("frames_late_share") * 100.0,
                    figure("frame_interval_p99_ms")
                )
            } else {
                String::new()
            };
            println!(
                "\n{label}: 10k nodes, ~1000 graph changes per diff ({:.0} msg/s): main thread {:.1}% busy, diff apply p50 {:.2} ms, p99 {:.2} ms (longest task p99 {:.2} ms); graph lag p99 {:.0} diffs; lens re-check step p99 {:.2} ms; {} long tasks (longest {:.0} ms){frames}",
                figure("messages_per_sec"),
                figure("main_thread_busy") * 100.0,
                figure("apply_p50_ms"),
                figure("apply_p99_ms"),
                figure("task_p99_ms"),
                figure("graph_lag_p99_diffs"),
                figure("recheck_step_p99_ms"),
                figure("long_tasks"),
                figure("longest_task_ms"),
            )
        }
        Err(why) => println!("\n{label}: {why}"),
    }
    result.ok()
}

/// A live 10,000-node / 30,000-edge mesh at ~6,700 msg/s (about 1,000
/// node and edge changes per 250 ms diff), measured over 20 s after a 62 s
/// warm-up (the page's percentiles cover its last 240 diffs, a minute: the
/// snapshot's burst has left them).
async fn steady_state(&Steady { label, query, in_view, find: found, motion }: &Steady) -> Result<Value, String> {
    let settings =
        feed::SimSettings { n_nodes: 10_000, messages_per_sec: 6_700.0, batch: 100, seed: 7, mix: Mix::Mixed };
    let port = support::free_port();
    let feed = support::simulated_feed(port, settings).await;
    let browser = Browser::open(1440, 900).await;
    let client = browser.client.clone();
    let result = async {
        cdp(&client, "Performance.enable", json!({})).await?;
        let extra = bench_query();
        let params: Vec<String> =
            (!query.is_empty()).then(|| format!("q={query}")).into_iter().chain(extra).collect();
        let url = format!("http://127.0.0.1:{port}/?{}", params.join("&"));
        client.goto(&url).await.map_err(|e| e.to_string())?;
        if let Some(panel) = in_view {
            let scroll = format!("document.querySelector({panel:?}).scrollIntoView()");
            support::wait_for(&client, panel, &format!("document.querySelector({panel:?})")).await?;
            eval(&client, &scroll).await?;
        }
        tokio::time::sleep(Duration::from_secs(62)).await;
        if let Some(node_id) = found {
            find(&client, node_id).await?;
        }
        let profile = profile_path(label);
        if profile.is_some() {
            cdp(&client, "Profiler.enable", json!({})).await?;
            cdp(&client, "Profiler.start", json!({})).await?;
        }
        if motion.is_some() {
            frames::start(&client, motion).await?;
        }
        let (start, split_at_start, cores_at_start) =
            (Instant::now(), main_thread_split(&client).await?, threads::sample());
        tokio::time::sleep(Duration::from_secs(20)).await;
        let split = main_thread_split(&client).await?;
        let frames = if motion.is_some() { frames::finish(&client).await? } else { Default::default() };
        if motion.is_some() {
            println!("  {}", frames.line());
        }
        let cores = threads::between(&cores_at_start, &threads::sample());
        println!("  {}", cores.line());
        let (main_on_core, main_waiting) = cores.of(threads::Role::PageMain);
        let elapsed = start.elapsed().as_secs_f64();
        println!("  {}", split_line(&split_at_start, &split, elapsed));
        let busy = split_task_seconds(&split_at_start, &split) / elapsed;
        if let Some(path) = profile {
            let taken = cdp(&client, "Profiler.stop", json!({})).await?;
            profile::write(&path, taken.get("profile").unwrap_or(&Value::Null));
        }
        let probe = "['messages/s','diff-apply-p50','diff-apply-p99','re-check-step-p99','long-tasks','longest-task','diff-task-p99','graph-lag-p99'].map(k => Number(document.querySelector(`[data-figure=\"${k}\"] dd`)?.dataset.value ?? 'NaN'))";
        let value = eval(&client, probe).await?;
        let at = |i: usize| value.get(i).and_then(Value::as_f64).unwrap_or(f64::NAN);
        Ok::<_, String>(json!({
            "label": label,
            "messages_per_sec": at(0), "main_thread_busy": busy, "apply_p50_ms": at(1), "apply_p99_ms": at(2),
            "recheck_step_p99_ms": at(3), "long_tasks": at(4), "longest_task_ms": at(5), "task_p99_ms": at(6), "graph_lag_p99_diffs": at(7),
            "main_thread_on_core": main_on_core, "main_thread_waiting": main_waiting,
            "frames": frames.count, "frames_late_share": frames.late_share,
            "frame_interval_p99_ms": frames.p99_millis, "frame_interval_longest_ms": frames.longest_millis,
            "frames_picture_moved_share": frames.moved_share(), "pictures": frames.picture.map(|moved| moved.pictures),
        }))
    }
    .await;
    browser.close().await;
    feed.stop().await;
    result
}
