//! Native benchmark of the time-travel history on the steady loads the
//! browser bench uses: a simulated mesh at a fixed message rate in frames
//! of 100, recorded with the default budget (15 min / 64 MiB) for a
//! stretch of stream time. Prints what a checkpoint costs (bytes, time),
//! how much of the stream the budget holds, and how long rebuilding the
//! state at a moment takes (the bound: 100 ms at 10k nodes).
//! Run with `cargo bench -p shared --bench history`.
//! (A benchmark, not a test: figures vary with the machine's load.)
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use shared::encode::{encode_batch, encode_message};
use shared::history::{History, HistoryBudget, Input};
use shared::sim::{Mix, SimConfig, Simulator};
use shared::Reducer;

const START_MILLIS: i64 = 1_795_719_600_000;
const MESSAGES_PER_FRAME: usize = 100;

struct Case {
    name: &'static str,
    n_nodes: usize,
    messages_per_sec: f64,
    stream_secs: u64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or(f64::NAN)
}

fn run(case: &Case) {
    let mut sim = Simulator::new(SimConfig { n_nodes: case.n_nodes, seed: 7, mix: Mix::Mixed });
    let mut history = History::new(HistoryBudget::default());
    let mut live = Reducer::new();
    history.record(&mut live, START_MILLIS, Input::Frame(encode_message(&sim.snapshot(START_MILLIS))));
    let frame_every_millis = 1000.0 * MESSAGES_PER_FRAME as f64 / case.messages_per_sec;
    let frames = (case.stream_secs as f64 * 1000.0 / frame_every_millis) as usize;
    let stream: Vec<(i64, String)> = (1..=frames)
        .map(|frame| {
            let at_millis = START_MILLIS + (frame as f64 * frame_every_millis) as i64;
            let batch: Vec<_> = (0..MESSAGES_PER_FRAME).map(|_| sim.next_message(at_millis)).collect();
            (at_millis, encode_batch(&batch))
        })
        .collect();
    let stream_bytes: usize = stream.iter().map(|(_, text)| text.len()).sum();
    // The same frames without a history: what recording adds to each.
    let mut bare = live.clone();
    let started = Instant::now();
    for (at_millis, text) in &stream {
        bare.feed(&Input::Frame(text.clone()), *at_millis);
    }
    let feed_secs = started.elapsed().as_secs_f64();
    drop(bare);
    let started = Instant::now();
    for (at_millis, text) in stream {
        history.record(&mut live, at_millis, Input::Frame(text));
    }
    let record_secs = started.elapsed().as_secs_f64();
    let state_bytes = live.approx_bytes();
    let started = Instant::now();
    let frozen = live.freeze();
    let checkpoint_millis = started.elapsed().as_secs_f64() * 1000.0;
    // What the next checkpoint would cost beyond this one, a second on.
    let second_frames = (1000.0 / frame_every_millis) as usize;
    for frame in 0..second_frames {
        let at_millis = START_MILLIS + ((frames + frame) as f64 * frame_every_millis) as i64;
        let batch: Vec<_> = (0..MESSAGES_PER_FRAME).map(|_| sim.next_message(at_millis)).collect();
        live.feed(&Input::Frame(encode_batch(&batch)), at_millis);
    }
    let next = live.freeze().bytes(Some(&frozen));
    drop(frozen);
    let status = history.status();
    let (start, end) = history.span().expect("a window");
    let mut rebuild_millis: Vec<f64> = (0..40)
        .map(|i| {
            let at = start + (end - start) * i / 40;
            let started = Instant::now();
            let state = history.state_at(at).expect("a state");
            let millis = started.elapsed().as_secs_f64() * 1000.0;
            drop(state);
            millis
        })
        .collect();
    rebuild_millis.sort_by(f64::total_cmp);
    let started = Instant::now();
    let file = shared::session::write_session(&history, "bench").expect("a session file");
    let save_millis = started.elapsed().as_secs_f64() * 1000.0;
    let window_minutes = (end - start) as f64 / 60_000.0;
    let stream_mb_per_min = stream_bytes as f64 / case.stream_secs as f64 * 60.0 / 1e6;
    println!(
        "{}: {} msg/s, {:.1} MB/min of frames; state {:.1} MB, a checkpoint takes {:.1} ms and owns {:.2} MB a second after the last; \
         history {:.1} MiB in {} checkpoints holds {:.0} s of stream; record {:.2} µs/frame (decode + reduce alone {:.2}){}; \
         rebuild p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; session file {:.1} MB ({:.1} MB per minute kept), saved in {:.0} ms",
        case.name,
        case.messages_per_sec,
        stream_mb_per_min,
        state_bytes as f64 / 1e6,
        checkpoint_millis,
        next.own as f64 / 1e6,
        status.bytes as f64 / (1 << 20) as f64,
        status.checkpoints,
        (end - start) as f64 / 1000.0,
        record_secs * 1e6 / frames as f64,
        feed_secs * 1e6 / frames as f64,
        status.paused_since_millis.map_or(String::new(), |_| ", recording paused".to_owned()),
        percentile(&rebuild_millis, 0.5),
        percentile(&rebuild_millis, 0.99),
        rebuild_millis.last().copied().unwrap_or(f64::NAN),
        file.len() as f64 / 1e6,
        file.len() as f64 / 1e6 / window_minutes,
        save_millis,
    );
}

fn main() {
    let filter = std::env::args().nth(1).filter(|arg| !arg.starts_with('-'));
    let cases = [
        Case { name: "steady 1k nodes", n_nodes: 1_000, messages_per_sec: 670.0, stream_secs: 1_200 },
        Case { name: "steady 10k nodes", n_nodes: 10_000, messages_per_sec: 6_700.0, stream_secs: 300 },
        // About as fast as the browser bench's 100-message frames arrive.
        Case { name: "full speed 10k nodes", n_nodes: 10_000, messages_per_sec: 500_000.0, stream_secs: 4 },
    ];
    for case in cases.iter().filter(|case| filter.as_deref().is_none_or(|f| case.name.contains(f))) {
        run(case);
    }
}
