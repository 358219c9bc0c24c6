//! A deterministic (seeded) simulator of a service mesh: gateways, services,
//! databases, caches, queues and crawlers wired as a graph, with statuses
//! that flap plausibly, live edge stats, events on status changes, log lines
//! and chart series. The feed server streams it; the worker runs it for the
//! serverless demo; tests and benchmarks generate streams with it.

use std::collections::VecDeque;

use crate::protocol::{ChartPoint, EdgeStats, MeshEdge, MeshNode, Message, MetaEntry, Payload, Severity, Status};

/// How the generated stream is mixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// Status flaps, edge stats, events, logs, charts and some churn.
    Mixed,
    /// Mostly events and log chunks (the log-viewer load).
    EventsAndLogs,
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub n_nodes: usize,
    pub seed: u64,
    pub mix: Mix,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig { n_nodes: 60, seed: 1, mix: Mix::Mixed }
    }
}

/// Chart series fed per node for the first this-many nodes (bounds the
/// number of series whatever the graph size).
const CPU_SERIES_NODES: usize = 8;

const ROLES: [(&str, &str); 7] = [
    ("gateway", "api-gateway"),
    ("service", "svc"),
    ("postgres", "pg"),
    ("redis", "redis"),
    ("queue", "queue"),
    ("crawler", "crawler"),
    ("worker", "worker"),
];

const SERVICE_NAMES: [&str; 10] =
    ["orders", "billing", "search", "users", "catalog", "auth", "inventory", "notify", "reports", "media"];

/// The simulator's state: the graph it has announced and its clocks.
#[derive(Debug, Clone)]
pub struct Simulator {
    config: SimConfig,
    rng: SplitMix64,
    nodes: Vec<MeshNode>,
    edges: Vec<MeshEdge>,
    /// Indexes into `nodes` deleted by churn, to be added back later.
    deleted: Vec<usize>,
    is_deleted: Vec<bool>,
    /// Indexes into `edges` by node index (either endpoint).
    edges_of: Vec<Vec<usize>>,
    /// Node index of each edge's endpoints.
    endpoints: Vec<(usize, usize)>,
    /// Messages owed before new random ones (edges of a re-added node).
    owed: VecDeque<Payload>,
    seq: u64,
    crawl_progress: f64,
}

impl Simulator {
    pub fn new(config: SimConfig) -> Self {
        let mut rng = SplitMix64(config.seed ^ 0x6d65_7368_7669_6577);
        let n_nodes = config.n_nodes.max(1);
        let mut nodes = Vec::with_capacity(n_nodes);
        for index in 0..n_nodes {
            nodes.push(make_node(index, &mut rng));
        }
        let mut edges = Vec::with_capacity(n_nodes * 3);
        let mut edges_of = vec![Vec::new(); n_nodes];
        let mut endpoints = Vec::with_capacity(n_nodes * 3);
        for index in 1..n_nodes {
            // Each node calls a few nodes earlier in the list: a DAG from
            // gateways down to stores, about three edges per node.
            let fan_out = if index < 3 { 1 } else { 3 };
            for k in 0..fan_out {
                let target = (rng.below(index as u64) as usize + k) % index;
                let id = format!("e{index}-{target}-{k}");
                for end in [index, target] {
                    if let Some(list) = edges_of.get_mut(end) {
                        list.push(edges.len());
                    }
                }
                endpoints.push((index, target));
                let (source, target) = (node_id(index), node_id(target));
                edges.push(MeshEdge {
                    id,
                    source,
                    target,
                    kind: Some(if k == 0 { "http" } else { "tcp" }.to_owned()),
                    stats: Some(random_stats(&mut rng)),
                });
            }
        }
        Simulator {
            config,
            rng,
            nodes,
            edges,
            deleted: Vec::new(),
            is_deleted: vec![false; n_nodes],
            edges_of,
            endpoints,
            owed: VecDeque::new(),
            seq: 0,
            crawl_progress: 0.0,
        }
    }

    /// A `snapshot` of the graph as it stands (sent first on every connect).
    /// It has no `seq`: it belongs to one connection, not to the shared
    /// stream whose numbering other clients follow.
    pub fn snapshot(&self, now_millis: i64) -> Message {
        let live: Vec<MeshNode> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(index, _)| !self.deleted_at(*index))
            .map(|(_, node)| node.clone())
            .collect();
        let edges = self
            .edges
            .iter()
            .zip(&self.endpoints)
            .filter(|(_, (source, target))| !self.deleted_at(*source) && !self.deleted_at(*target))
            .map(|(edge, _)| edge.clone())
            .collect();
        Message {
            ts_millis: Some(now_millis),
            seq: None,
            pos: None,
            payload: Payload::Snapshot { nodes: live, edges, partial: false },
        }
    }

    /// The next message of the stream.
    pub fn next_message(&mut self, now_millis: i64) -> Message {
        let payload = match self.owed.pop_front() {
            Some(payload) => payload,
            None => self.random_payload(now_millis),
        };
        self.envelope(now_millis, payload)
    }

    fn envelope(&mut self, now_millis: i64, payload: Payload) -> Message {
        self.seq += 1;
        Message { ts_millis: Some(now_millis), seq: Some(self.seq), pos: None, payload }
    }

    fn random_payload(&mut self, now_millis: i64) -> Payload {
        let roll = self.rng.below(1000);
        match self.config.mix {
            Mix::Mixed => match roll {
                0..=249 => self.status_flap(),
                250..=599 => self.edge_stats(),
                600..=699 => self.event(),
                700..=849 => self.log_chunk(now_millis),
                850..=989 => self.chart_point(now_millis),
                _ => self.churn(),
            },
            Mix::EventsAndLogs => match roll {
                0..=449 => self.event(),
                450..=949 => self.log_chunk(now_millis),
                950..=989 => self.status_flap(),
                _ => self.chart_point(now_millis),
            },
        }
    }

    fn pick_node(&mut self) -> usize {
        self.rng.below(self.nodes.len() as u64) as usize
    }

    fn status_flap(&mut self) -> Payload {
        let index = self.pick_node();
        let roll = self.rng.below(100);
        let status = match roll {
            0..=64 => Status::Ok,
            65..=79 => Status::Running,
            80..=89 => Status::Degraded,
            90..=95 => Status::Error,
            96..=97 => Status::Starting,
            _ => Status::Idle,
        };
        let id = node_id(index);
        if let Some(node) = self.nodes.get_mut(index) {
            if node.status != status && matches!(status, Status::Error | Status::Degraded) {
                let severity = if status == Status::Error { Severity::Error } else { Severity::Warn };
                self.owed.push_back(Payload::Event {
                    message: format!("{} is {}", node.label, status.as_wire()),
                    severity,
                    node_id: Some(id.clone()),
                });
            }
            node.status = status.clone();
        }
        Payload::NodeStatus { id, status }
    }

    fn edge_stats(&mut self) -> Payload {
        let Some(index) = (!self.edges.is_empty()).then(|| self.rng.below(self.edges.len() as u64) as usize) else {
            return self.event();
        };
        let stats = random_stats(&mut self.rng);
        let Some(edge) = self.edges.get_mut(index) else {
            return self.event();
        };
        edge.stats = Some(stats.clone());
        Payload::EdgeStats { id: edge.id.clone(), stats }
    }

    fn event(&mut self) -> Payload {
        let index = self.pick_node();
        let label = self.nodes.get(index).map(|node| node.label.clone()).unwrap_or_default();
        let (severity, message) = match self.rng.below(20) {
            0 => (Severity::Error, format!("{label}: request failed with 503 after 3 retries")),
            1..=2 => (Severity::Warn, format!("{label}: p99 latency above 250 ms")),
            3..=5 => (Severity::Debug, format!("{label}: health check passed")),
            6..=9 => (Severity::Info, format!("{label}: deployed build {}", 4000 + self.rng.below(900))),
            _ => (Severity::Info, format!("{label}: scaled to {} replicas", 1 + self.rng.below(12))),
        };
        Payload::Event { message, severity, node_id: Some(node_id(index)) }
    }

    fn log_chunk(&mut self, now_millis: i64) -> Payload {
        // Logs concentrate on a few nodes, as real log volume does.
        let index = if self.rng.below(4) == 0 {
            self.pick_node()
        } else {
            self.rng.below(8.min(self.nodes.len() as u64)) as usize
        };
        let lines = 1 + self.rng.below(3);
        let mut text = String::new();
        for _ in 0..lines {
            let levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"];
            let level = levels.get(self.rng.below(6) as usize).copied().unwrap_or("INFO");
            let request = self.rng.next_u64() % 1_000_000;
            let millis = self.rng.below(400);
            text.push_str(&format!(
                "{} {level:<5} handled request id={request:06} in {millis} ms\n",
                crate::time::format_rfc3339_millis(now_millis)
            ));
        }
        // Now and then a chunk ends mid-line; the next one finishes it.
        if self.rng.below(10) == 0 {
            text.push_str("partial line continues");
        }
        Payload::LogChunk { node_id: node_id(index), text }
    }

    fn chart_point(&mut self, now_millis: i64) -> Payload {
        let t_millis = now_millis as f64;
        let (series, y) = match self.rng.below(4) {
            0 => ("postgres:connections".to_owned(), 40.0 + self.rng.unit() * 60.0),
            1 => ("crawl:pages_per_sec".to_owned(), 120.0 + self.rng.unit() * 80.0),
            2 => {
                self.crawl_progress = (self.crawl_progress + self.rng.unit() * 0.5) % 100.0;
                ("crawl:progress".to_owned(), self.crawl_progress)
            }
            _ => {
                let index = self.rng.below(CPU_SERIES_NODES.min(self.nodes.len()) as u64) as usize;
                (format!("cpu:{}", node_id(index)), 10.0 + self.rng.unit() * 70.0)
            }
        };
        Payload::ChartPoint { series, point: ChartPoint { t_millis, y } }
    }

    /// Deletes a node (its edges go with it) or brings a deleted one back.
    fn churn(&mut self) -> Payload {
        if !self.deleted.is_empty() && (self.rng.below(2) == 0 || self.deleted.len() * 20 > self.nodes.len()) {
            let at = self.rng.below(self.deleted.len() as u64) as usize;
            let index = self.deleted.swap_remove(at);
            if let Some(flag) = self.is_deleted.get_mut(index) {
                *flag = false;
            }
            for &edge_index in self.edges_of.get(index).into_iter().flatten() {
                let Some(&(source, target)) = self.endpoints.get(edge_index) else { continue };
                if !self.deleted_at(source) && !self.deleted_at(target) {
                    if let Some(edge) = self.edges.get(edge_index) {
                        self.owed.push_back(Payload::EdgeUpsert(edge.clone()));
                    }
                }
            }
            let node = self.nodes.get(index).cloned().unwrap_or_else(|| make_node(index, &mut self.rng));
            return Payload::NodeUpsert(node);
        }
        // Keep the first nodes (gateways and chart sources) always present.
        let index = self.pick_node();
        if index < CPU_SERIES_NODES || self.deleted_at(index) {
            return self.status_flap();
        }
        self.deleted.push(index);
        if let Some(flag) = self.is_deleted.get_mut(index) {
            *flag = true;
        }
        Payload::NodeDelete { id: node_id(index) }
    }

    fn deleted_at(&self, index: usize) -> bool {
        self.is_deleted.get(index).copied().unwrap_or(false)
    }
}

fn node_id(index: usize) -> String {
    format!("n{index}")
}

fn make_node(index: usize, rng: &mut SplitMix64) -> MeshNode {
    // The first nodes are gateways; then a spread of roles.
    let role = if index < 2 { 0 } else { 1 + rng.below(ROLES.len() as u64 - 1) as usize };
    let (kind, prefix) = ROLES.get(role).copied().unwrap_or(("service", "svc"));
    let label = if kind == "service" {
        let name = SERVICE_NAMES.get(rng.below(SERVICE_NAMES.len() as u64) as usize).copied().unwrap_or("svc");
        format!("{name}-{prefix}-{index}")
    } else {
        format!("{prefix}-{index}")
    };
    let region = ["eu-west-1", "us-east-1", "ap-south-1"].get(index % 3).copied().unwrap_or("eu-west-1");
    MeshNode {
        id: node_id(index),
        kind: kind.to_owned(),
        label,
        status: Status::Ok,
        meta: vec![
            MetaEntry { key: "region".into(), json: format!("\"{region}\"") },
            MetaEntry { key: "replicas".into(), json: (1 + rng.below(6)).to_string() },
        ],
    }
}

fn random_stats(rng: &mut SplitMix64) -> EdgeStats {
    let throughput = (rng.unit() * 2000.0).round();
    EdgeStats {
        throughput: Some(throughput),
        latency_millis: Some((1.0 + rng.unit() * rng.unit() * 300.0).round()),
        error_rate: Some(if rng.below(10) == 0 { rng.unit() * 0.2 } else { rng.unit() * 0.01 }),
        bytes: Some((throughput * 850.0).round()),
        other: Vec::new(),
    }
}

/// SplitMix64: tiny, fast, good enough for simulation, identical everywhere.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.next_u64() % bound
        }
    }

    /// A value in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
