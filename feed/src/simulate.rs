//! The simulator as a project's producer: first its whole mesh (a partial
//! snapshot, the upserts, snapshot-end: it replaces whatever the project
//! held, however large), then its messages at the configured rate, handed
//! to a publish function (the project's hub, or Redis).

use std::future::Future;
use std::time::Duration;

use shared::protocol::{Message, Payload};
use shared::sim::{Mix, SimConfig, Simulator};

use crate::hub::now_millis;

/// How often the simulator is advanced.
const STEP: Duration = Duration::from_millis(20);
/// The mesh's upserts are published in groups of this many messages.
const MESH_MESSAGES_PER_PUBLISH: usize = 1000;

#[derive(Debug, Clone)]
pub struct SimSettings {
    pub n_nodes: usize,
    pub messages_per_sec: f64,
    /// Messages per publish, so per frame (1 = single-message frames, more
    /// = JSON arrays).
    pub batch: usize,
    pub seed: u64,
    pub mix: Mix,
}

impl Default for SimSettings {
    fn default() -> Self {
        SimSettings { n_nodes: 60, messages_per_sec: 200.0, batch: 1, seed: 1, mix: Mix::Mixed }
    }
}

/// Runs `project`'s simulator until the future is dropped.
pub async fn run<F, Fut>(project: &str, settings: SimSettings, mut publish: F)
where
    F: FnMut(Vec<Message>) -> Fut,
    Fut: Future<Output = ()>,
{
    // Each project gets its own deterministic mesh.
    let seed = project.bytes().fold(settings.seed, |hash, byte| hash.wrapping_mul(31).wrapping_add(u64::from(byte)));
    let mut sim = Simulator::new(SimConfig { n_nodes: settings.n_nodes, seed, mix: settings.mix });
    for chunk in mesh_messages(&sim, now_millis()).chunks(MESH_MESSAGES_PER_PUBLISH) {
        publish(chunk.to_vec()).await;
    }
    let mut ticker = tokio::time::interval(STEP);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut owed = 0.0f64;
    let mut last = tokio::time::Instant::now();
    loop {
        ticker.tick().await;
        let now = tokio::time::Instant::now();
        owed += settings.messages_per_sec * (now - last).as_secs_f64();
        last = now;
        let count = owed.floor() as usize;
        owed -= count as f64;
        let ts = now_millis();
        let messages: Vec<Message> = (0..count).map(|_| sim.next_message(ts)).collect();
        for chunk in messages.chunks(settings.batch.max(1)) {
            publish(chunk.to_vec()).await;
        }
    }
}

/// The simulator's mesh as stream messages that replace a project's graph.
fn mesh_messages(sim: &Simulator, now_millis: i64) -> Vec<Message> {
    let message = |payload| Message { ts_millis: Some(now_millis), seq: None, pos: None, payload };
    let Payload::Snapshot { nodes, edges, .. } = sim.snapshot(now_millis).payload else {
        return Vec::new();
    };
    let mut messages = Vec::with_capacity(nodes.len() + edges.len() + 2);
    messages.push(message(Payload::Snapshot { nodes: Vec::new(), edges: Vec::new(), partial: true }));
    messages.extend(nodes.into_iter().map(|node| message(Payload::NodeUpsert(node))));
    messages.extend(edges.into_iter().map(|edge| message(Payload::EdgeUpsert(edge))));
    messages.push(message(Payload::SnapshotEnd));
    messages
}
