//! Native benchmark of what the page does per diff besides rendering: the
//! lens following a diff (and settling the re-checks it left) and the view
//! applying it, on the browser bench's steady load (10k nodes / 30k edges,
//! 6,700 msg/s, a diff every 250 ms), with no filter and with filters like
//! the browser bench's. Prints per-diff percentiles, the lens's and the
//! view's shares, and the cost per graph change.
//! The same with the edges table sorted by a number (every change of an
//! edge's shown number moves its row), and what choosing that sort costs
//! once, on the whole graph.
//! Then the snapshot's fill: a 10k-node graph handed to a fresh page in
//! diffs of the most graph changes a diff carries, as the worker does
//! after a (re)connect; its cost per change is what the browser bench's
//! batch rows spend in their first seconds.
//! Run with `cargo bench -p app --bench lens` (`-- fill`: the fill alone).
//! (A benchmark, not a test: figures vary with the machine's load. The page
//! runs the size-tuned wasm build, slower than this.)
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use app::filter::parse;
use app::lens::{EdgeSort, Lens};
use app::state::{apply_to_view, apply_with_lens};
use shared::diff_budget::DiffBudget;
use shared::sim::{Mix, SimConfig, Simulator};
use shared::{Reducer, View};

/// Messages per diff: 6,700 msg/s over 250 ms.
const MESSAGES_PER_DIFF: usize = 1_675;
/// Diffs measured per case (after as many to warm up).
const DIFFS: usize = 200;
const START_MILLIS: i64 = 1_795_719_600_000;

fn main() {
    let fill_only = std::env::args().any(|arg| arg == "fill");
    if fill_only {
        fill();
        return;
    }
    println!(
        "{:<36} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8} {:>10}",
        "filter", "p50 ms", "p99 ms", "max ms", "lens p50", "view p50", "changes", "ns/change"
    );
    for query in ["", "status:error", "status:error,degraded errors>1%", "kind:api latency>200ms"] {
        run(query, EdgeSort::Route);
    }
    for sort in [EdgeSort::Errors, EdgeSort::Throughput] {
        run("", sort);
    }
    println!();
    fill();
}

/// Fills a fresh view and lens with a 10k-node snapshot, diff by diff as
/// the worker's budget hands it out; `FILLS` times.
fn fill() {
    const FILLS: usize = 9;
    println!("{:<36} {:>8} {:>8} {:>8} {:>10}", "snapshot fill (10k nodes)", "p50 ms", "min ms", "diffs", "ns/change");
    let sim = Simulator::new(SimConfig { n_nodes: 10_000, seed: 7, mix: Mix::Mixed });
    let mut fills_millis = Vec::with_capacity(FILLS);
    let (mut diffs, mut changes) = (0, 0);
    for _ in 0..FILLS {
        let mut reducer = Reducer::new();
        reducer.apply(sim.snapshot(START_MILLIS), START_MILLIS);
        let mut budget = DiffBudget::default();
        let (mut view, mut lens) = (View::default(), Lens::default());
        let mut millis = 0.0;
        (diffs, changes) = (0, 0);
        loop {
            let diff = budget.take_diff(&mut reducer);
            if !diff.snapshot_fill {
                break;
            }
            changes += diff.graph_changes();
            diffs += 1;
            let start = Instant::now();
            apply_with_lens(&mut view, &mut lens, diff, None);
            millis += start.elapsed().as_secs_f64() * 1e3;
        }
        assert_eq!((view.nodes.len(), lens.nodes().len()), (10_000, 10_000), "the fill shows every node");
        fills_millis.push(millis);
    }
    fills_millis.sort_by(f64::total_cmp);
    let p50 = fills_millis.get(FILLS / 2).copied().unwrap_or(f64::NAN);
    let min = fills_millis.first().copied().unwrap_or(f64::NAN);
    println!("{:<36} {p50:>8.1} {min:>8.1} {diffs:>8} {:>10.0}", "(none)", p50 * 1e6 / changes.max(1) as f64);
}

/// Per-diff milliseconds: (whole, lens, view).
struct Sample(f64, f64, f64);

fn run(query: &str, edge_sort: EdgeSort) {
    let mut sim = Simulator::new(SimConfig { n_nodes: 10_000, seed: 7, mix: Mix::Mixed });
    let mut reducer = Reducer::new();
    reducer.apply(sim.snapshot(START_MILLIS), START_MILLIS);
    let (mut view, mut lens) = (View::default(), Lens::default());
    lens.set_query(parse(query).expect("a valid filter"), &view);
    let mut switches_millis = Vec::new();
    let mut clock = START_MILLIS;
    let mut samples = Vec::with_capacity(DIFFS);
    let mut changes = 0usize;
    for round in 0..DIFFS * 2 {
        for _ in 0..MESSAGES_PER_DIFF {
            clock += 1;
            reducer.apply(sim.next_message(clock), clock);
        }
        let diff = reducer.take_diff();
        let graph_changes =
            diff.node_upserts.len() + diff.node_removals.len() + diff.edge_upserts.len() + diff.edge_removals.len();
        let rebuilt = diff.view_reset || diff.graph_reset;
        // What `apply_with_lens` does, timed in its two parts.
        let start = Instant::now();
        lens.follow(&diff, &view);
        lens.settle(usize::MAX);
        let followed = Instant::now();
        apply_to_view(&mut view, diff, None);
        if rebuilt {
            lens.rebuild(&view);
        }
        let end = Instant::now();
        let millis = |from: Instant, to: Instant| (to - from).as_secs_f64() * 1e3;
        // Once the graph is whole, the sort is chosen (and timed) a few times.
        if edge_sort != EdgeSort::Route && round % 40 == 39 {
            let start = Instant::now();
            lens.set_edge_sort(EdgeSort::Route, &view);
            lens.set_edge_sort(edge_sort, &view);
            switches_millis.push(millis(start, Instant::now()) / 2.0);
        }
        if round >= DIFFS {
            samples.push(Sample(millis(start, end), millis(start, followed), millis(followed, end)));
            changes += graph_changes;
        }
    }
    let percentile = |part: fn(&Sample) -> f64, q: f64| {
        let mut values: Vec<f64> = samples.iter().map(part).collect();
        values.sort_by(f64::total_cmp);
        values.get((values.len().saturating_sub(1) as f64 * q).round() as usize).copied().unwrap_or(f64::NAN)
    };
    let total_millis: f64 = samples.iter().map(|s| s.0).sum();
    let label = match (query, edge_sort) {
        ("", EdgeSort::Route) => "(none)".to_owned(),
        (query, EdgeSort::Route) => query.to_owned(),
        (query, sort) => format!("{query}(edges by {sort:?})"),
    };
    switches_millis.sort_by(f64::total_cmp);
    if let Some(median) = switches_millis.get(switches_millis.len() / 2) {
        println!("choosing that sort, 30k edges: {median:.1} ms (median of {})", switches_millis.len());
    }
    println!(
        "{:<36} {:>8.2} {:>8.2} {:>8.2} {:>9.2} {:>9.2} {:>8} {:>10.0}",
        label,
        percentile(|s| s.0, 0.5),
        percentile(|s| s.0, 0.99),
        percentile(|s| s.0, 1.0),
        percentile(|s| s.1, 0.5),
        percentile(|s| s.2, 0.5),
        changes / DIFFS,
        total_millis * 1e6 / changes.max(1) as f64
    );
}
