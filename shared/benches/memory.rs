//! The reducer's memory under a stream of maximum-size messages: every
//! bounded store is filled with the largest items the protocol lets
//! through (1 KiB ids and series names, 20 KiB event messages cut to 16
//! KiB, 16 KiB log lines and unfinished tails, the most series and log
//! owners), then filled again, round after round, with diffs taken as the
//! worker takes them. Prints the process's resident memory after each round
//! and its peak: flat rounds mean bounded memory. The graph is not part of
//! this: it is as large as the mesh (see docs/protocol.md, Bounds).
//! `cargo bench -p shared --bench memory` (Linux: reads /proc/self/status).
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use shared::limits::{
    MAX_CHART_SERIES, MAX_EVENTS, MAX_EVENT_MESSAGE_BYTES, MAX_ID_BYTES, MAX_LOG_BYTES_TOTAL, MAX_LOG_LINES_TOTAL,
    MAX_LOG_LINE_BYTES, MAX_LOG_OWNER_ID_BYTES_TOTAL, MAX_POINTS_PER_SERIES,
};
use shared::protocol::{ChartPoint, Message, Payload, Severity};
use shared::Reducer;

const ROUNDS: usize = 6;
/// Messages between two diffs (the worker's 250 ms at a high rate).
const MESSAGES_PER_DIFF: usize = 20_000;

/// An id of exactly `MAX_ID_BYTES`, distinct per `n`.
fn max_id(prefix: &str, n: usize) -> String {
    format!("{prefix}{n:0>width$}", width = MAX_ID_BYTES - prefix.len())
}

/// One round: every bound filled twice over with maximum-size items, made
/// one at a time (so the stream itself holds no memory).
fn round(round: usize) -> impl Iterator<Item = Payload> {
    let message = "m".repeat(MAX_EVENT_MESSAGE_BYTES + 4 * 1024);
    let events = (0..2 * MAX_EVENTS).map(move |i| Payload::Event {
        message: message.clone(),
        severity: Severity::Error,
        node_id: Some(max_id("event-node-", i)),
    });
    let points = (0..MAX_CHART_SERIES * (MAX_POINTS_PER_SERIES + 50)).map(move |i| Payload::ChartPoint {
        series: max_id("series-", i % MAX_CHART_SERIES),
        point: ChartPoint { t_millis: (round * 1_000_000 + i) as f64, y: i as f64 },
    });
    let owners = MAX_LOG_OWNER_ID_BYTES_TOTAL / MAX_ID_BYTES;
    let tails = (0..owners)
        .map(move |i| Payload::LogChunk { node_id: max_id("log-", i), text: "t".repeat(MAX_LOG_LINE_BYTES) });
    let long_lines = (0..2 * MAX_LOG_BYTES_TOTAL / MAX_LOG_LINE_BYTES).map(move |i| Payload::LogChunk {
        node_id: max_id("log-", i % owners),
        text: "l".repeat(MAX_LOG_LINE_BYTES - 1) + "\n",
    });
    let short_lines = (0..2 * MAX_LOG_LINES_TOTAL)
        .map(move |i| Payload::LogChunk { node_id: max_id("log-", i % owners), text: "short line\n".into() });
    events.chain(points).chain(tails).chain(long_lines).chain(short_lines)
}

/// (resident, peak resident) bytes of this process.
fn resident_bytes() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kib| kib * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

fn main() {
    let (start, _) = resident_bytes();
    println!("resident before: {:.1} MiB", mib(start));
    let mut reducer = Reducer::new();
    let mut total = 0usize;
    for n in 0..ROUNDS {
        let started = Instant::now();
        let mut count = 0;
        for (i, payload) in round(n).enumerate() {
            count += 1;
            reducer.apply(Message { ts_millis: Some(0), seq: None, pos: None, payload }, 0);
            if i % MESSAGES_PER_DIFF == 0 {
                drop(reducer.take_diff());
            }
        }
        drop(reducer.take_diff());
        reducer.assert_within_bounds();
        total += count;
        let (now, peak) = resident_bytes();
        println!(
            "round {}: {count} max-size messages ({total} in all) in {:.1} s: resident {:.1} MiB, peak {:.1} MiB",
            n + 1,
            started.elapsed().as_secs_f64(),
            mib(now),
            mib(peak)
        );
    }
    let counters = reducer.counters();
    println!(
        "counted: {} events evicted, {} event messages cut, {} points evicted, {} log lines evicted, {} log tails dropped, {} log chunks dropped",
        counters.evicted_events,
        counters.event_messages_cut,
        counters.evicted_points,
        counters.evicted_log_lines,
        counters.dropped_log_partials,
        counters.dropped_log_chunks
    );
}
