//! Where the page's main-thread time goes: Chromium's own split of task
//! time into script, style and layout (CDP `Performance.getMetrics`); the
//! rest of a task is paint, compositing and the browser's own work.
//!
//! The bench's own DevTools commands (reading the page's figures, the
//! metrics themselves) run on the page's main thread, and Chromium counts
//! them in its task time and apart (`DevToolsCommandDuration`): the busy
//! share is the page's tasks without them (0.4-1.2 % of the wall on the
//! ingest rows when measured), and the line says how much was left out.

use fantoccini::Client;
use serde_json::{json, Value};

use crate::support::cdp;

/// (metric, seconds so far), in `SPLIT_METRICS` order.
pub type Split = Vec<(&'static str, f64)>;

/// Chromium's main-thread durations so far, in seconds: all tasks, then
/// script, style, layout, and the DevTools commands (the bench's) within
/// those tasks.
const SPLIT_METRICS: [&str; 5] =
    ["TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "DevToolsCommandDuration"];
/// Where `SPLIT_METRICS` has each duration.
const TASK: usize = 0;
const SCRIPT: usize = 1;
const STYLE: usize = 2;
const LAYOUT: usize = 3;
const DEVTOOLS: usize = 4;

/// Seconds of the metric at `index` between two splits.
fn between(before: &[(&str, f64)], after: &[(&str, f64)], index: usize) -> f64 {
    let at = |split: &[(&str, f64)]| split.get(index).map_or(0.0, |(_, seconds)| *seconds);
    at(after) - at(before)
}

pub async fn main_thread_split(client: &Client) -> Result<Split, String> {
    let metrics = cdp(client, "Performance.getMetrics", json!({})).await?;
    let list = metrics.get("metrics").and_then(Value::as_array).ok_or_else(|| format!("no metrics in {metrics}"))?;
    SPLIT_METRICS
        .iter()
        .map(|name| {
            list.iter()
                .find(|m| m.get("name") == Some(&json!(name)))
                .and_then(|m| m.get("value"))
                .and_then(Value::as_f64)
                .map(|seconds| (*name, seconds))
                .ok_or_else(|| format!("no {name} in {metrics}"))
        })
        .collect()
}

/// The page's task seconds between two splits: all tasks but the bench's
/// DevTools commands.
pub fn split_task_seconds(before: &[(&str, f64)], after: &[(&str, f64)]) -> f64 {
    between(before, after, TASK) - between(before, after, DEVTOOLS)
}

/// What the main thread did between two splits, as shares of `wall` seconds.
pub fn split_line(before: &[(&str, f64)], after: &[(&str, f64)], wall: f64) -> String {
    let share = |index: usize| between(before, after, index) / wall * 100.0;
    let (script, style, layout, devtools) = (share(SCRIPT), share(STYLE), share(LAYOUT), share(DEVTOOLS));
    let page = split_task_seconds(before, after) / wall * 100.0;
    format!(
        "main thread {page:.1} % (and the bench's DevTools commands {devtools:.1} %): script {script:.1} %, \
         style {style:.1} %, layout {layout:.1} %, paint and the rest {:.1} %",
        page - script - style - layout
    )
}
