//! Where the page's main-thread time goes: Chromium's own split of task
//! time into script, style and layout (CDP `Performance.getMetrics`); the
//! rest of a task is paint, compositing and the browser's own work.

use fantoccini::Client;
use serde_json::{json, Value};

use crate::support::cdp;

/// (metric, seconds so far), in `SPLIT_METRICS` order.
pub type Split = Vec<(&'static str, f64)>;

/// Chromium's main-thread durations so far, in seconds: all tasks, then
/// script, style, layout (the rest of a task is paint, compositing and the
/// browser's own work).
const SPLIT_METRICS: [&str; 4] = ["TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration"];

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

/// Task seconds between two splits.
pub fn split_task_seconds(before: &[(&str, f64)], after: &[(&str, f64)]) -> f64 {
    let at = |split: &[(&str, f64)]| split.first().map_or(0.0, |(_, seconds)| *seconds);
    at(after) - at(before)
}

/// What the main thread did between two splits, as shares of `wall` seconds.
pub fn split_line(before: &[(&str, f64)], after: &[(&str, f64)], wall: f64) -> String {
    let share = |index: usize| {
        let at = |split: &[(&str, f64)]| split.get(index).map_or(0.0, |(_, seconds)| *seconds);
        (at(after) - at(before)) / wall * 100.0
    };
    let (task, script, style, layout) = (share(0), share(1), share(2), share(3));
    format!(
        "main thread {task:.1} %: script {script:.1} %, style {style:.1} %, layout {layout:.1} %, paint and the rest {:.1} %",
        task - script - style - layout
    )
}
