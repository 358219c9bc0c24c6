//! The dashboard on a replayed stream (one ingest row): the rate over the
//! stream's flow, the main thread's share and split, the cores, the diff
//! apply figures the page shows, worker memory, time to first node, and
//! (on a scrolling row) the page's frames while a list scrolls.

use std::sync::Arc;
use std::time::{Duration, Instant};

use feed::Frame;
use serde_json::{json, Value};

use crate::results::Row;
use crate::split::{main_thread_split, split_line, split_task_seconds, Split};
use crate::support::{self, cdp, eval, Browser};
use crate::{bench_query, frames, profile, profile_path, replay, threads};

/// meshview must ingest the whole stream within this.
const INGEST_TIMEOUT: Duration = Duration::from_secs(240);
/// Messages after which worker memory is sampled (compared with the end).
const MEMORY_MARK_MESSAGES: u64 = 1_000_000;
/// The shortest window an ingest rate is taken over while the stream flows.
const MIN_RATE_WINDOW: Duration = Duration::from_secs(3);

/// The dashboard on the stream: ingest rate, main-thread load, apply cost,
/// worker memory, time to first node.
pub async fn meshview(
    row: &mut Row,
    frames: Arc<Vec<Frame>>,
    total: u64,
    snapshot_messages: u64,
) -> Result<(), String> {
    let profile = profile_path(&format!("{} {}", row.stream, row.framing));
    let feed = replay(frames, support::dist()).await;
    let browser = Browser::open(1440, 900).await;
    let client = browser.client.clone();
    let result = async {
        cdp(&client, "Performance.enable", json!({})).await?;
        let query = bench_query().map(|q| format!("?{q}")).unwrap_or_default();
        client.goto(&format!("http://{}/{query}", feed.addr)).await.map_err(|e| e.to_string())?;
        // While the stream flows, only what the loop needs (each figure is
        // a look-up on the page's main thread); all of them at the end.
        let figures = |keys: &str| {
            format!("[{keys}].map(k => Number(document.querySelector(`[data-figure=\"${{k}}\"] dd`)?.dataset.value ?? 'NaN'))")
        };
        let flow_probe = figures("'messages','worker-memory'");
        let probe = figures("'messages','worker-memory','diff-apply-p50','diff-apply-p99','first-nodes-at','long-tasks','longest-task','diff-task-p99','graph-lag-p99','snapshot-fill-time','diff-data-p99','longest-fill-step','diffs-applied','snapshot-fill-steps'");
        let deadline = Instant::now() + INGEST_TIMEOUT;
        // The count on the page moves once a second (Diagnostics). The rate
        // and the main thread's share are taken between two moves seen
        // while the stream flows: the first past the snapshot and the last
        // before the total. Ending at the first sight of the total instead
        // would add the wait for that refresh (0-1 s, after the stream
        // ended) to the time: 7-9 % off a batch row's rate, 1-2 % off a
        // single-frame row's (measured; both rates print).
        let mut start: Option<Mark> = None;
        let mut end: Option<Mark> = None;
        let mut last = vec![0.0; 2];
        let mut seen_before = f64::NAN;
        while Instant::now() < deadline {
            let value = probe_page(&client, &flow_probe).await?;
            last = value.as_array().map(|a| a.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect()).unwrap_or_default();
            let seen = last.first().copied().unwrap_or(0.0);
            let moved = seen != seen_before;
            seen_before = seen;
            if start.is_none() && moved && seen > snapshot_messages as f64 {
                start = Some(Mark::take(&client, seen).await?);
                if row.motion.is_some() {
                    frames::start(&client, row.motion).await?;
                }
                if profile.is_some() {
                    cdp(&client, "Profiler.enable", json!({})).await?;
                    cdp(&client, "Profiler.start", json!({})).await?;
                }
            } else if start.is_some() && moved && seen < total as f64 {
                end = Some(Mark::take(&client, seen).await?);
            }
            if row.memory_at_mark_bytes == 0.0 && seen >= MEMORY_MARK_MESSAGES as f64 {
                row.memory_at_mark_bytes = last.get(1).copied().unwrap_or(0.0);
            }
            if seen >= total as f64 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let start = start.ok_or("no message arrived")?;
        if row.motion.is_some() {
            row.frames = frames::finish(&client).await?;
        }
        let at_total = Mark::take(&client, last.first().copied().unwrap_or(0.0)).await?;
        let tail_rate = (at_total.seen - start.seen) / at_total.at.duration_since(start.at).as_secs_f64();
        let seen = at_total.seen;
        // Too short a flowing window (a row of a few seconds): to the total.
        let end = end.filter(|end| end.at.duration_since(start.at) >= MIN_RATE_WINDOW).unwrap_or(at_total);
        let cores = threads::between(&start.cores, &end.cores);
        let elapsed = end.at.duration_since(start.at).as_secs_f64();
        if let Some(path) = &profile {
            let taken = cdp(&client, "Profiler.stop", json!({})).await?;
            profile::write(path, taken.get("profile").unwrap_or(&Value::Null));
        }
        row.meshview_rate = (end.seen - start.seen) / elapsed;
        println!(
            "  rate over {elapsed:.1} s of flow: {:.0} msg/s (to the first sight of the total: {tail_rate:.0})",
            row.meshview_rate
        );
        println!("  {}", split_line(&start.split, &end.split, elapsed));
        println!("  {}", cores.line());
        if row.motion.is_some() {
            println!("  {}", row.frames.line());
        }
        row.meshview_main_busy = split_task_seconds(&start.split, &end.split) / elapsed;
        (row.main_on_core, row.main_waiting) = cores.of(threads::Role::PageMain);
        // Status (memory) comes once a second: let the last one land.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let value = eval(&client, &probe).await?;
        let at = |i: usize| value.get(i).and_then(Value::as_f64).unwrap_or(f64::NAN);
        row.memory_at_end_bytes = at(1);
        row.apply_p50_millis = at(2);
        row.apply_p99_millis = at(3);
        row.first_node_millis = at(4);
        row.long_tasks = at(5);
        row.longest_task_millis = at(6);
        row.task_p99_millis = at(7);
        row.graph_lag_p99_diffs = at(8);
        row.fill_millis = at(9);
        row.data_p99_millis = at(10);
        row.fill_step_max_millis = at(11);
        row.live_diffs = at(12) - at(13);
        if seen < total as f64 {
            return Err(format!("ingested {seen} of {total} in {}s", INGEST_TIMEOUT.as_secs()));
        }
        Ok(())
    }
    .await;
    browser.close().await;
    feed.stop().await;
    result
}

/// The page's count, the main thread's split and the cores, at one moment.
struct Mark {
    at: Instant,
    seen: f64,
    split: Split,
    cores: threads::Sample,
}

impl Mark {
    async fn take(client: &fantoccini::Client, seen: f64) -> Result<Mark, String> {
        Ok(Mark { at: Instant::now(), seen, split: main_thread_split(client).await?, cores: threads::sample() })
    }
}

/// Reads figures off the page while it ingests, ten times a second, with
/// CDP's `Runtime.evaluate`: a WebDriver script call runs chromedriver's
/// wrapper script on the page's main thread (~0.75 ms a call in a profile
/// of the 10k row), which the bench would then count as the dashboard's.
async fn probe_page(client: &fantoccini::Client, expression: &str) -> Result<Value, String> {
    let answer = cdp(client, "Runtime.evaluate", json!({ "expression": expression, "returnByValue": true })).await?;
    answer.pointer("/result/value").cloned().ok_or_else(|| format!("{expression}: no value in {answer}"))
}
