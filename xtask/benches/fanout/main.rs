//! `cargo xtask bench -- fanout`: fan-out of one project to many WebSocket
//! clients (Rust clients, not browsers), one process without Redis against
//! two replicas on Redis, in one run. A producer posts 1,000 msg/s in
//! 100-message publishes to `/ingest` (of the first replica); the clients
//! are spread over the replicas. Reports publish→receive p50/p99 (per frame,
//! by its last message), the CPU of each replica process and the bytes per
//! second the clients received; prints a table and writes
//! target/bench/fanout.json. The replicas are `target/release/feed`
//! processes (`MESHVIEW_FEED_BIN` to override); everything shares the
//! machine's cores with the clients. `--quick`: 100 clients, short runs;
//! numbers as arguments: those client counts only.
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

mod clients;
mod replica;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clients::{run_client, Shared};
use replica::{cpu_secs_of, machine_ticks, post, Replica};
use serde_json::json;
use xtask::redis::RedisServer;

const CLIENT_COUNTS: [usize; 3] = [100, 500, 1000];
const MESSAGES_PER_SEC: u64 = 1_000;
const MESSAGES_PER_PUBLISH: u64 = 100;
/// Nodes (and edges) of the project's graph; the stream updates them.
const NODES: u64 = 200;
const WARMUP: Duration = Duration::from_secs(3);
const MEASURE: Duration = Duration::from_secs(10);
const QUICK_MEASURE: Duration = Duration::from_secs(3);
/// How long all clients may take to connect.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
const TOKEN: &str = "fanout-bench-token";

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    OneProcess,
    TwoOnRedis,
}

struct Row {
    mode: Mode,
    clients: usize,
    p50_millis: f64,
    p99_millis: f64,
    cpu_percent: Vec<f64>,
    /// The measuring process (producer and clients), on the same cores.
    clients_cpu_percent: f64,
    /// The whole machine, all cores: above the sum of the processes means
    /// other work ran meanwhile.
    machine_busy_percent: f64,
    mib_per_sec: f64,
    samples: usize,
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // Client counts given as arguments replace the default ones.
    let asked: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let counts: &[usize] = match (asked.is_empty(), quick) {
        (false, _) => &asked,
        (true, true) => &CLIENT_COUNTS[..1],
        (true, false) => &CLIENT_COUNTS,
    };
    let measure = if quick { QUICK_MEASURE } else { MEASURE };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let feed_bin =
        std::env::var_os("MESHVIEW_FEED_BIN").map_or_else(|| root.join("target/release/feed"), PathBuf::from);
    let redis = RedisServer::start().unwrap_or_else(|why| panic!("{why}"));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let mut rows = Vec::new();
    for &clients in counts {
        for mode in [Mode::OneProcess, Mode::TwoOnRedis] {
            let redis_url = (mode == Mode::TwoOnRedis).then(|| redis.url());
            let row = runtime.block_on(run(mode, clients, redis_url.as_deref(), &feed_bin, measure));
            print_row(&row);
            rows.push(row);
        }
    }
    write_results(&root, &rows);
}

async fn run(
    mode: Mode,
    n_clients: usize,
    redis_url: Option<&str>,
    feed_bin: &std::path::Path,
    measure: Duration,
) -> Row {
    let n_replicas = if mode == Mode::TwoOnRedis { 2 } else { 1 };
    let replicas: Vec<Replica> = (0..n_replicas).map(|_| Replica::start(feed_bin, TOKEN, redis_url)).collect();
    let project = format!("fanout-{}-{n_clients}", if mode == Mode::TwoOnRedis { "redis" } else { "one" });
    let shared = Arc::new(Shared {
        start: Instant::now(),
        send_times: Arc::new(Mutex::new(Vec::new())),
        messages_per_publish: MESSAGES_PER_PUBLISH,
        measuring: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        bytes: AtomicU64::new(0),
        latencies_micros: Mutex::new(Vec::new()),
        connected: AtomicU64::new(0),
    });
    let addrs: Vec<_> = replicas.iter().map(|replica| replica.addr).collect();
    let Some(&first) = addrs.first() else { panic!("no replica") };
    let producer = tokio::spawn(produce(first, project.clone(), shared.clone()));
    let clients: Vec<_> = (0..n_clients)
        .zip(addrs.iter().cycle())
        .map(|(_, &addr)| tokio::spawn(run_client(addr, project.clone(), shared.clone())))
        .collect();
    let deadline = Instant::now() + CONNECT_TIMEOUT;
    while shared.connected.load(Ordering::Relaxed) < n_clients as u64 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(WARMUP).await;
    let cpu_before: Vec<f64> = replicas.iter().map(Replica::cpu_secs).collect();
    let clients_cpu_before = cpu_secs_of("self");
    let machine_before = machine_ticks();
    shared.measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(measure).await;
    shared.measuring.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    let cpu_percent =
        replicas.iter().zip(&cpu_before).map(|(r, before)| (r.cpu_secs() - before) / elapsed * 100.0).collect();
    let clients_cpu_percent = (cpu_secs_of("self") - clients_cpu_before) / elapsed * 100.0;
    let machine_after = machine_ticks();
    let machine_busy_percent =
        (machine_after.0 - machine_before.0) as f64 / (machine_after.1 - machine_before.1).max(1) as f64 * 100.0;
    shared.stop.store(true, Ordering::Relaxed);
    let _ = producer.await;
    for client in clients {
        let _ = client.await;
    }
    let mut latencies = shared.latencies_micros.lock().map(|l| l.clone()).unwrap_or_default();
    latencies.sort_unstable();
    let percentile = |p: f64| {
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies.get(index).map_or(f64::NAN, |&micros| micros as f64 / 1000.0)
    };
    Row {
        mode,
        clients: n_clients,
        p50_millis: percentile(0.50),
        p99_millis: percentile(0.99),
        cpu_percent,
        clients_cpu_percent,
        machine_busy_percent,
        mib_per_sec: shared.bytes.load(Ordering::Relaxed) as f64 / elapsed / (1024.0 * 1024.0),
        samples: latencies.len(),
    }
}

/// Publishes `MESSAGES_PER_PUBLISH` messages every 1/10 s: first the graph
/// (node and edge upserts), then status and stats updates.
async fn produce(addr: std::net::SocketAddr, project: String, shared: Arc<Shared>) {
    let every = Duration::from_secs_f64(MESSAGES_PER_PUBLISH as f64 / MESSAGES_PER_SEC as f64);
    let mut ticker = tokio::time::interval(every);
    for index in 0u64.. {
        ticker.tick().await;
        if shared.stop.load(Ordering::Relaxed) {
            return;
        }
        let first = index * MESSAGES_PER_PUBLISH;
        let body: Vec<String> = (first..first + MESSAGES_PER_PUBLISH).map(message).collect();
        if let Ok(mut times) = shared.send_times.lock() {
            times.push(shared.start.elapsed());
        }
        let status = post(addr, &project, TOKEN, &body.join("\n")).await;
        assert_eq!(status, 200, "the producer's publish {index} was refused");
    }
}

/// Message `index` of the stream: the graph first, then updates.
fn message(index: u64) -> String {
    let node = index % NODES;
    let target = (node + 1) % NODES;
    match index {
        i if i < NODES => format!(
            r#"{{"data":{{"type":"node-upsert","node":{{"id":"n{node}","kind":"svc","label":"service {node}","status":"ok"}}}}}}"#
        ),
        i if i < 2 * NODES => format!(
            r#"{{"data":{{"type":"edge-upsert","edge":{{"id":"e{node}","source":"n{node}","target":"n{target}","kind":"http"}}}}}}"#
        ),
        i if i % 4 == 0 => {
            let status = match i / 4 % 4 {
                0 => "ok",
                1 => "degraded",
                2 => "error",
                _ => "running",
            };
            format!(r#"{{"data":{{"type":"node-status","id":"n{node}","status":"{status}"}}}}"#)
        }
        i => format!(
            r#"{{"data":{{"type":"edge-stats","id":"e{node}","stats":{{"throughput":{},"latencyMs":{}.5,"errorRate":0.001}}}}}}"#,
            i % 1000,
            i % 50
        ),
    }
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::OneProcess => "1 process, no Redis",
        Mode::TwoOnRedis => "2 replicas on Redis",
    }
}

fn print_row(row: &Row) {
    let cpu: Vec<String> = row.cpu_percent.iter().map(|c| format!("{c:.0}%")).collect();
    println!(
        "{:<22} {:>5} clients  p50 {:>6.1} ms  p99 {:>6.1} ms  CPU/replica {:<10} clients' CPU {:>4.0}%  machine {:>3.0}% busy  {:>6.1} MiB/s  ({} frames)",
        mode_name(row.mode),
        row.clients,
        row.p50_millis,
        row.p99_millis,
        cpu.join(" + "),
        row.clients_cpu_percent,
        row.machine_busy_percent,
        row.mib_per_sec,
        row.samples
    );
}

fn write_results(root: &std::path::Path, rows: &[Row]) {
    let results: Vec<_> = rows
        .iter()
        .map(|row| {
            json!({
                "mode": mode_name(row.mode), "clients": row.clients, "p50_ms": row.p50_millis,
                "p99_ms": row.p99_millis, "cpu_percent_per_replica": row.cpu_percent,
                "clients_cpu_percent": row.clients_cpu_percent, "machine_busy_percent": row.machine_busy_percent,
                "mib_per_sec_received": row.mib_per_sec, "frames_measured": row.samples,
            })
        })
        .collect();
    let dir = root.join("target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let text = serde_json::to_string_pretty(&json!({ "fanout": results })).unwrap_or_default();
    match std::fs::write(dir.join("fanout.json"), text) {
        Ok(()) => println!("\nwrote {}", dir.join("fanout.json").display()),
        Err(error) => eprintln!("cannot write fanout.json: {error}"),
    }
}
