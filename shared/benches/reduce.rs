//! Native benchmark of the hot path: decode + reduce, and reduce alone, on
//! simulated mixed streams of growing graphs. Prints messages per second
//! and the per-message cost; run with `cargo bench -p shared`.
//! (A benchmark, not a test: figures vary with the machine's load.)
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::Instant;

use shared::encode::{encode_batch, encode_message};
use shared::protocol::Message;
use shared::sim::{Mix, SimConfig, Simulator};
use shared::Reducer;

struct Stream {
    snapshot: Message,
    messages: Vec<Message>,
}

fn generate(n_nodes: usize, n_messages: usize, mix: Mix) -> Stream {
    let mut sim = Simulator::new(SimConfig { n_nodes, seed: 42, mix });
    let snapshot = sim.snapshot(0);
    let messages = (0..n_messages).map(|i| sim.next_message(1_795_719_600_000 + i as i64)).collect();
    Stream { snapshot, messages }
}

fn best_of<F: FnMut() -> f64>(runs: usize, mut run: F) -> f64 {
    (0..runs).map(|_| run()).fold(f64::INFINITY, f64::min)
}

fn main() {
    let filter = std::env::args().nth(1).filter(|arg| !arg.starts_with('-'));
    println!("{:<44} {:>12} {:>10} {:>12}", "case", "messages", "msgs/s", "ns/message");
    let cases = [
        ("mixed 1k nodes / 3k edges", 1_000, 1_000_000, Mix::Mixed),
        ("mixed 10k nodes / 30k edges", 10_000, 1_000_000, Mix::Mixed),
        ("mixed 100k nodes / 300k edges", 100_000, 1_000_000, Mix::Mixed),
        ("events and logs, 100 nodes", 100, 1_000_000, Mix::EventsAndLogs),
    ];
    for (name, n_nodes, n_messages, mix) in cases {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let stream = generate(n_nodes, n_messages, mix);
        let single: Vec<String> = stream.messages.iter().map(encode_message).collect();
        let batched: Vec<String> = stream.messages.chunks(100).map(encode_batch).collect();
        let snapshot = encode_message(&stream.snapshot);

        let report = |label: &str, seconds: f64| {
            println!(
                "{:<44} {:>12} {:>10.0} {:>12.0}",
                format!("{name}: {label}"),
                n_messages,
                n_messages as f64 / seconds,
                seconds * 1e9 / n_messages as f64
            );
        };
        let reduce_only = best_of(3, || {
            let mut reducer = Reducer::new();
            reducer.apply(stream.snapshot.clone(), 0);
            let messages = stream.messages.clone();
            let start = Instant::now();
            for (i, message) in messages.into_iter().enumerate() {
                reducer.apply(message, 0);
                // The worker takes a diff every 250 ms; at ~1M msgs/s that is
                // about every 250k messages.
                if i % 250_000 == 0 {
                    black_box(reducer.take_diff());
                }
            }
            black_box(reducer.take_diff());
            start.elapsed().as_secs_f64()
        });
        report("reduce only", reduce_only);
        for (label, frames) in [("decode+reduce, 1 msg/frame", &single), ("decode+reduce, 100 msgs/frame", &batched)] {
            let seconds = best_of(3, || {
                let mut reducer = Reducer::new();
                reducer.apply_frame(&snapshot, 0);
                let start = Instant::now();
                for (i, frame) in frames.iter().enumerate() {
                    reducer.apply_frame(frame, 0);
                    if i % 2_500 == 0 {
                        black_box(reducer.take_diff());
                    }
                }
                black_box(reducer.take_diff());
                start.elapsed().as_secs_f64()
            });
            report(label, seconds);
        }
    }
}
