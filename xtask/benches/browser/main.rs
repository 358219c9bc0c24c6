//! `cargo xtask bench` (browser part): meshview against the original
//! design's store and the browser's own ceiling, on the same streams, in the
//! same headless Chromium, in one run. Prints a table and writes
//! target/bench/results.json. A benchmark, not a test: figures vary with
//! the machine's load. `--quick` runs a tenth of each stream.
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

#[path = "../../tests/support/mod.rs"]
#[allow(dead_code)]
mod support;

mod frames;
mod ingest;
mod profile;
mod results;
mod site;
mod split;
mod steady;
mod threads;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use feed::{Feed, Frame, Source};
use frames::Motion;
use ingest::meshview;
use results::{header, Row};
use serde_json::{json, Value};
use shared::encode::{encode_batch, encode_message, encode_snapshot_frames};
use shared::sim::{Mix, SimConfig, Simulator};
use site::{dist_sizes, prepare_site, REFERENCE_STORE_FILE};
use steady::{steady_row, Steady, STEADY_FILTER};
use support::{eval, Browser};
use xtask::targets;

/// The reference store runs this long at most; its rate is over the prefix.
const REFERENCE_CAP_MILLIS: u64 = 20_000;
/// The ceiling pages run this long at most.
const CEILING_CAP_MILLIS: u64 = 15_000;

struct StreamSpec {
    name: &'static str,
    n_nodes: usize,
    mix: Mix,
}

const STREAMS: [StreamSpec; 3] = [
    StreamSpec { name: "1k nodes / 3k edges, mixed", n_nodes: 1_000, mix: Mix::Mixed },
    StreamSpec { name: "10k nodes / 30k edges, mixed", n_nodes: 10_000, mix: Mix::Mixed },
    StreamSpec { name: "events and logs, 100 nodes", n_nodes: 100, mix: Mix::EventsAndLogs },
];

/// The row run again while a reader scrolls through a table (nodes, frame
/// size), and the table: the page's frames then, at full speed.
const SCROLLED_ROW: (usize, usize) = (10_000, 100);
const SCROLLED_LIST: &str = ".panel-nodes .scroll";
/// The node found before the topology is dragged (a queue of the steady
/// mesh: its group of ~1,700 opens).
const DRAGGED_NEAR: &str = "n7";

/// (label, messages per frame, messages in the stream).
const FRAMINGS: [(&str, usize, u64); 2] = [("1 msg/frame", 1, 1_000_000), ("100 msgs/frame", 100, 5_000_000)];

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // For profiling our side alone: skip the reference and ceiling pages.
    let meshview_only = std::env::args().any(|a| a == "--meshview-only");
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let site = prepare_site();
    let mut results = Vec::new();
    println!("{}", header());
    for stream in &STREAMS {
        if filter.as_deref().is_some_and(|f| !stream.name.contains(f)) {
            continue;
        }
        for (framing, batch, messages) in FRAMINGS {
            let messages = if quick { messages / 10 } else { messages };
            let Generated { frames, snapshot_frames, snapshot_messages } = generate(stream, batch, messages);
            let reference = Arc::new(for_reference(&frames, snapshot_frames, stream));
            let frames = Arc::new(frames);
            let row = runtime.block_on(measure(
                stream,
                framing,
                batch,
                (messages, snapshot_messages),
                frames.clone(),
                reference,
                (!meshview_only).then_some(site.as_path()),
            ));
            println!("{}", row.line());
            results.push(row);
            if (stream.n_nodes, batch) == SCROLLED_ROW {
                let mut row = Row {
                    stream: stream.name.into(),
                    framing: format!("{framing}, scrolling the nodes"),
                    batch,
                    messages,
                    motion: Some(Motion::Scroll(SCROLLED_LIST)),
                    ..Row::default()
                };
                let total = messages + snapshot_messages;
                if let Err(why) = runtime.block_on(meshview(&mut row, frames, total, snapshot_messages)) {
                    row.note = why;
                }
                println!("{}", row.line());
                results.push(row);
            }
        }
    }
    // `-- steady` runs them all, `-- dragging` (a word of a label) one.
    let steady_wanted = |label: &str| filter.as_deref().is_none_or(|f| "steady".contains(f) || label.contains(f));
    let steady_run =
        |steady: Steady| steady_wanted(steady.label).then(|| runtime.block_on(steady_row(&steady))).flatten();
    let steady = steady_run(Steady { label: targets::STEADY_LABEL, ..Steady::default() });
    // The same load with a filter that needs every node's edge metrics.
    let steady_filtered = steady_run(Steady { label: "steady, filtered", query: STEADY_FILTER, ..Steady::default() });
    // The same load seen by someone watching the charts (below the fold
    // of a 1440 x 900 page, so the rows above never draw them).
    let steady_charts =
        steady_run(Steady { label: "steady, charts in view", in_view: Some(".panel-charts"), ..Steady::default() });
    // The same load while a reader scrolls through the nodes table.
    let steady_scrolling = steady_run(Steady {
        label: "steady, scrolling the nodes",
        motion: Some(Motion::Scroll(SCROLLED_LIST)),
        ..Steady::default()
    });
    // The same load while someone who found a node (its group opened, its
    // ~1,700 nodes as dots) drags the topology around it.
    let steady_dragging = steady_run(Steady {
        label: "steady, dragging the topology",
        find: Some(DRAGGED_NEAR),
        motion: Some(Motion::DragTopology),
        ..Steady::default()
    });
    let sizes = dist_sizes();
    println!(
        "\n{}",
        sizes
            .iter()
            .map(|(name, raw, gz)| format!("  {name:<32} {raw:>9} B  {gz:>8} B gzip"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let total_gzip: u64 = sizes.iter().map(|(_, _, gz)| gz).sum();
    println!("  {:<32} {:>9}    {:>8} B gzip", "dist/ total", "", total_gzip);
    let steadies = [&steady, &steady_filtered, &steady_charts, &steady_scrolling, &steady_dragging];
    let run = targets::Run {
        rows: results
            .iter()
            .map(Row::figures)
            .chain(steadies.iter().filter_map(|row| row.as_ref().map(steady_figures)))
            .collect(),
        dist_gzip_bytes: (total_gzip > 0).then_some(total_gzip),
    };
    let verdicts = targets::judge(&run);
    println!("\ntargets (issue 12), this run:\n{}", targets::lines(&verdicts).join("\n"));
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench/results.json");
    let json = json!({
        "date": chrono_free_date(),
        "quick": quick,
        "rows": results.iter().map(Row::to_json).collect::<Vec<_>>(),
        "steady_10k": steady,
        "steady_10k_filtered": steady_filtered,
        "steady_10k_charts_in_view": steady_charts,
        "steady_10k_scrolling_the_nodes": steady_scrolling,
        "steady_10k_dragging_the_topology": steady_dragging,
        "steady_filter": STEADY_FILTER,
        "dist": sizes.iter().map(|(n, r, g)| json!({"file": n, "bytes": r, "gzip": g})).collect::<Vec<_>>(),
        "dist_gzip_total": total_gzip,
        "targets": verdicts.iter().map(|v| json!({
            "target": v.target,
            "outcome": format!("{:?}", v.outcome),
            "figures": v.figures.iter().map(|(row, shown, within)| json!({"row": row, "figure": shown, "within": within})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    if let Ok(mut file) = std::fs::File::create(&out) {
        let _ = file.write_all(serde_json::to_string_pretty(&json).unwrap_or_default().as_bytes());
        println!("\nwrote {}", out.display());
    }
}

/// The same stream for the reference store: its snapshot in one frame (its
/// page seeds the maps from it, untimed; no frame limit applies there).
fn for_reference(frames: &[Frame], snapshot_frames: usize, stream: &StreamSpec) -> Vec<Frame> {
    let sim = Simulator::new(SimConfig { n_nodes: stream.n_nodes, seed: 2026, mix: stream.mix });
    let mut out = vec![Frame::Text(encode_message(&sim.snapshot(1_795_719_600_000)))];
    out.extend(frames.iter().skip(snapshot_frames).cloned());
    out
}

/// A generated stream: its frames, of which the first `snapshot_frames`
/// carry the snapshot's `snapshot_messages` messages.
struct Generated {
    frames: Vec<Frame>,
    snapshot_frames: usize,
    snapshot_messages: u64,
}

/// A deterministic stream: the snapshot (in frames of at most 1 MiB), then
/// `messages` messages in frames of `batch` (the last one may be shorter).
fn generate(stream: &StreamSpec, batch: usize, messages: u64) -> Generated {
    let mut sim = Simulator::new(SimConfig { n_nodes: stream.n_nodes, seed: 2026, mix: stream.mix });
    let start_millis = 1_795_719_600_000;
    let mut frames: Vec<Frame> =
        encode_snapshot_frames(&sim.snapshot(start_millis), 1024 * 1024).into_iter().map(Frame::Text).collect();
    let snapshot_frames = frames.len() as u64;
    let snapshot_messages: u64 = frames
        .iter()
        .map(|frame| match frame {
            Frame::Text(text) => shared::decode_frame(text).messages.len() as u64,
            Frame::Binary(_) => 0,
        })
        .sum();
    let mut chunk = Vec::with_capacity(batch);
    for i in 0..messages {
        chunk.push(sim.next_message(start_millis + i as i64 / 100));
        if chunk.len() == batch || i + 1 == messages {
            frames.push(Frame::Text(match chunk.as_slice() {
                [one] => encode_message(one),
                many => encode_batch(many),
            }));
            chunk.clear();
        }
    }
    eprintln!("{}: snapshot in {snapshot_frames} frame(s), {} frames in all", stream.name, frames.len());
    Generated { frames, snapshot_frames: snapshot_frames as usize, snapshot_messages }
}

async fn measure(
    stream: &StreamSpec,
    framing: &str,
    batch: usize,
    (messages, snapshot_messages): (u64, u64),
    frames: Arc<Vec<Frame>>,
    reference: Arc<Vec<Frame>>,
    site: Option<&Path>,
) -> Row {
    let mut row = Row { stream: stream.name.into(), framing: framing.into(), batch, messages, ..Row::default() };
    if let Err(why) = meshview(&mut row, frames.clone(), messages + snapshot_messages, snapshot_messages).await {
        row.note = why;
    }
    let Some(site) = site else { return row };
    if site.join(REFERENCE_STORE_FILE).exists() {
        let (reference_messages, reference_rate) =
            page_rate(site, reference, "reference.html", REFERENCE_CAP_MILLIS, None).await;
        row.reference_messages = reference_messages;
        row.reference_rate = reference_rate;
    }
    row.ceiling_count_rate =
        page_rate(site, frames.clone(), "ceiling.html?mode=count", CEILING_CAP_MILLIS, Some(batch)).await.1;
    if batch == 1 {
        row.ceiling_read_rate =
            page_rate(site, frames.clone(), "ceiling.html?mode=read", CEILING_CAP_MILLIS, Some(batch)).await.1;
    }
    row.ceiling_parse_rate = page_rate(site, frames, "ceiling.html?mode=parse", CEILING_CAP_MILLIS, None).await.1;
    row
}

pub(crate) async fn replay(frames: Arc<Vec<Frame>>, dir: PathBuf) -> Feed {
    support::serve_with_csp(0, Source::Replay { frames, frames_per_sec: 0.0 }, dir, "/", None).await
}

/// `MESHVIEW_BENCH_QUERY`: URL parameters for the dashboard in every row
/// (e.g. `hide=topology`, to isolate a panel's share).
pub(crate) fn bench_query() -> Option<String> {
    std::env::var("MESHVIEW_BENCH_QUERY").ok()
}

/// A bench page on the stream: (messages measured, messages per second).
async fn page_rate(
    site: &Path,
    frames: Arc<Vec<Frame>>,
    page: &str,
    cap_millis: u64,
    count_batch: Option<usize>,
) -> (f64, f64) {
    let feed = replay(frames, site.to_owned()).await;
    let browser = Browser::open(1280, 800).await;
    let client = browser.client.clone();
    let separator = if page.contains('?') { '&' } else { '?' };
    let url = format!("http://{}/{page}{separator}ws=ws://{}/ws&cap={cap_millis}", feed.addr, feed.addr);
    let result = async {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        let deadline = Instant::now() + Duration::from_millis(cap_millis) + Duration::from_secs(60);
        loop {
            let done = eval(&client, "window.bench && window.bench.done").await?;
            if done == Value::Bool(true) || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let bench = eval(&client, "window.bench").await?;
        let number = |key: &str| bench.get(key).and_then(Value::as_f64).unwrap_or(0.0);
        let messages = match count_batch {
            Some(batch) => number("frames") * batch as f64,
            None => number("applied").max(number("messages")),
        };
        let seconds = (number("last") - number("first")) / 1000.0;
        Ok::<_, String>((messages, if seconds > 0.0 { messages / seconds } else { 0.0 }))
    }
    .await;
    browser.close().await;
    feed.stop().await;
    result.unwrap_or_else(|why| {
        eprintln!("{page}: {why}");
        (0.0, 0.0)
    })
}

/// With `--profile`, where a row's main-thread CPU profile goes (by the
/// row's label: the ingest rows by stream and framing).
pub(crate) fn profile_path(label: &str) -> Option<PathBuf> {
    std::env::args().any(|a| a == "--profile").then(|| {
        let name =
            label.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-");
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../target/bench/{name}.cpuprofile"))
    })
}

/// A steady row's figures for the targets (its JSON from `steady_row`).
fn steady_figures(row: &Value) -> targets::RowFigures {
    let figure = |key: &str| row.get(key).and_then(Value::as_f64).filter(|value| value.is_finite());
    targets::RowFigures {
        label: row.get("label").and_then(Value::as_str).unwrap_or_default().to_owned(),
        main_busy: figure("main_thread_busy"),
        apply_p99_millis: figure("apply_p99_ms"),
        long_tasks: figure("long_tasks"),
        ..targets::RowFigures::default()
    }
}

fn chrono_free_date() -> String {
    let millis = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    shared::time::format_rfc3339_millis(millis)
}
