//! `--profile`: the steady rows' main-thread CPU profile (CDP `Profiler`),
//! written as a `.cpuprofile` (opens in Chromium's DevTools) and summarised
//! as the functions with the most self time. Function names survive only in
//! a build whose wasm keeps its name section (wasm-opt off).
use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

/// How many functions the summary lists.
const TOP_FUNCTIONS: usize = 40;

/// Writes the profile next to the results and prints its top self times.
pub fn write(path: &Path, profile: &Value) {
    if let Err(e) = std::fs::write(path, profile.to_string()) {
        eprintln!("{}: {e}", path.display());
        return;
    }
    println!("profile: {}", path.display());
    for (name, millis, share) in top_self_times(profile) {
        println!("  {millis:>9.1} ms {:>5.1}%  {name}", share * 100.0);
    }
}

/// (function, self milliseconds, share of all samples) by self time.
fn top_self_times(profile: &Value) -> Vec<(String, f64, f64)> {
    let empty = Vec::new();
    let nodes = profile.get("nodes").and_then(Value::as_array).unwrap_or(&empty);
    let samples = profile.get("samples").and_then(Value::as_array).unwrap_or(&empty);
    let deltas = profile.get("timeDeltas").and_then(Value::as_array).unwrap_or(&empty);
    let names: HashMap<u64, String> = nodes
        .iter()
        .filter_map(|node| {
            let id = node.get("id")?.as_u64()?;
            let frame = node.get("callFrame")?;
            let function = frame.get("functionName").and_then(Value::as_str).unwrap_or("");
            let url = frame.get("url").and_then(Value::as_str).unwrap_or("");
            let file = url.rsplit('/').next().unwrap_or("");
            Some((id, if function.is_empty() { format!("(anonymous) {file}") } else { function.to_owned() }))
        })
        .collect();
    let mut self_micros: HashMap<&str, f64> = HashMap::new();
    let mut total = 0.0;
    // A sample's time is the delta before the next one.
    for (index, sample) in samples.iter().enumerate() {
        let micros = deltas.get(index + 1).and_then(Value::as_f64).unwrap_or(0.0);
        let name = sample.as_u64().and_then(|id| names.get(&id)).map_or("?", String::as_str);
        *self_micros.entry(name).or_default() += micros;
        total += micros;
    }
    let mut rows: Vec<_> = self_micros
        .into_iter()
        .filter(|(name, _)| *name != "(idle)")
        .map(|(name, micros)| (name.to_owned(), micros / 1000.0, if total > 0.0 { micros / total } else { 0.0 }))
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows.truncate(TOP_FUNCTIONS);
    rows
}
