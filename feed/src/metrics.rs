//! What a server counts, shared by every socket, producer and tailer, and
//! its Prometheus text form for `GET /metrics` (text format 0.0.4).

use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Counts since the start, and a few gauges.
#[derive(Debug, Default)]
pub struct Counters {
    /// Open WebSocket connections.
    pub clients: AtomicUsize,
    /// Clients cut with 4001.
    pub slow_clients_cut: AtomicU64,
    /// Messages this server put into a stream (ingest and simulator).
    pub messages_published: AtomicU64,
    /// Messages applied to this server's projects (its own, or read from Redis).
    pub messages_applied: AtomicU64,
    /// Messages sent to clients (a frame to n clients counts n times).
    pub messages_sent: AtomicU64,
    /// Ingest requests answered 200, and the messages they rejected.
    pub ingest_requests: AtomicU64,
    pub ingest_rejected: AtomicU64,
    /// Clients that asked to resume and got `resumed`, or a snapshot.
    pub resumes_recovered: AtomicU64,
    pub resumes_not_recovered: AtomicU64,
    /// Redis mode: whether the last command got through.
    pub redis_connected: AtomicBool,
    /// Redis commands that failed.
    pub redis_errors: AtomicU64,
    /// Milliseconds from a message's publish into Redis to its arrival
    /// here, for the newest message read.
    pub redis_lag_millis: AtomicU64,
    /// Redis mode: times a replica went on past messages trimmed before it
    /// read them, and the projects whose graph lacks such messages now.
    pub history_gaps: AtomicU64,
    pub graphs_with_gaps: AtomicU64,
}

impl Counters {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

/// Counts a connected client for as long as it lives.
pub struct Connected<'a>(&'a Counters);

impl<'a> Connected<'a> {
    pub fn new(counters: &'a Counters) -> Self {
        counters.clients.fetch_add(1, Ordering::Relaxed);
        Connected(counters)
    }
}

impl Drop for Connected<'_> {
    fn drop(&mut self) {
        self.0.clients.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The Prometheus text of `counters`, with the live project count and
/// whether Redis is in use.
pub fn render(counters: &Counters, live_projects: usize, redis_in_use: bool) -> String {
    let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, samples: &[(&str, u64)]| {
        let _ = writeln!(out, "# HELP meshview_feed_{name} {help}\n# TYPE meshview_feed_{name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(out, "meshview_feed_{name}{labels} {value}");
        }
    };
    let clients = counters.clients.load(Ordering::Relaxed) as u64;
    metric("clients", "gauge", "Open WebSocket connections.", &[("", clients)]);
    metric("live_projects", "gauge", "Projects live on this replica.", &[("", live_projects as u64)]);
    let (published, applied) = (load(&counters.messages_published), load(&counters.messages_applied));
    metric("messages_published_total", "counter", "Messages this replica put into a stream.", &[("", published)]);
    metric("messages_applied_total", "counter", "Messages applied to this replica's projects.", &[("", applied)]);
    let sent = load(&counters.messages_sent);
    metric("messages_sent_total", "counter", "Messages sent to clients, once per client.", &[("", sent)]);
    let cut = load(&counters.slow_clients_cut);
    metric("slow_clients_cut_total", "counter", "Clients closed with 4001 for reading too slowly.", &[("", cut)]);
    let resumes = [
        ("{result=\"recovered\"}", load(&counters.resumes_recovered)),
        ("{result=\"not_recovered\"}", load(&counters.resumes_not_recovered)),
    ];
    metric("resumes_total", "counter", "Clients that asked to resume, by outcome.", &resumes);
    metric(
        "ingest_requests_total",
        "counter",
        "Ingest requests answered 200.",
        &[("", load(&counters.ingest_requests))],
    );
    let rejected = load(&counters.ingest_rejected);
    metric("ingest_rejected_messages_total", "counter", "Ingested messages rejected.", &[("", rejected)]);
    if redis_in_use {
        let up = u64::from(counters.redis_connected.load(Ordering::Relaxed));
        metric("redis_up", "gauge", "1 when the last Redis command got through.", &[("", up)]);
        metric("redis_errors_total", "counter", "Redis commands that failed.", &[("", load(&counters.redis_errors))]);
        let lag = load(&counters.redis_lag_millis);
        metric("redis_lag_milliseconds", "gauge", "Publish to arrival, newest message read.", &[("", lag)]);
        let gaps = load(&counters.history_gaps);
        metric("history_gaps_total", "counter", "Times messages were trimmed before they were read.", &[("", gaps)]);
        let with_gaps = load(&counters.graphs_with_gaps);
        metric("graphs_with_gaps", "gauge", "Projects whose graph lacks trimmed messages.", &[("", with_gaps)]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_has_help_and_type_and_redis_only_when_used() {
        let counters = Counters::default();
        counters.resumes_recovered.fetch_add(3, Ordering::Relaxed);
        let text = render(&counters, 2, false);
        assert!(text.contains("meshview_feed_resumes_total{result=\"recovered\"} 3\n"), "{text}");
        assert!(text.contains("meshview_feed_live_projects 2\n"));
        assert!(!text.contains("redis"));
        for line in text.lines().filter(|line| !line.starts_with('#')) {
            let name = line.split(['{', ' ']).next().unwrap_or_default();
            assert!(text.contains(&format!("# TYPE {name} ")), "{name} has no TYPE");
            assert!(line.rsplit(' ').next().is_some_and(|v| v.parse::<u64>().is_ok()), "{line}");
        }
        assert!(render(&counters, 0, true).contains("meshview_feed_redis_up 0\n"));
    }
}
