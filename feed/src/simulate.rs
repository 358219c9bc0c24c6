//! The simulator as a project's producer: first its whole mesh (a partial
//! snapshot, the upserts, snapshot-end: it replaces whatever the project
//! held, however large), then its messages at the configured rate, handed
//! to a publish function (the project's hub, or Redis). It yields to the
//! runtime after every publish: a hub's publish is synchronous, and a
//! client's task woken by it waits on the simulator's thread (tokio runs a
//! task woken from a worker next on that worker, and no other worker may
//! take it), so a simulator behind its rate, which finds every tick due,
//! held its clients for seconds: they were cut as too slow, or stalled
//! with their socket open.

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
        tokio::task::yield_now().await;
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
            tokio::task::yield_now().await;
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn another_task_runs_between_any_two_publishes() {
        // Each publish takes 0.2 ms (as a hub's publish of 100 messages
        // may): at 1M msg/s a 20 ms tick owes 200 publishes, 40 ms of
        // work, so the simulator is always behind and every tick is due at
        // once. A task beside it counts the publishes between its turns.
        let published = Arc::new(AtomicUsize::new(0));
        let settings =
            SimSettings { n_nodes: 200, messages_per_sec: 1_000_000.0, batch: 100, seed: 3, mix: Mix::Mixed };
        let counter = published.clone();
        let simulator = tokio::spawn(run("p", settings, move |_messages| {
            std::thread::sleep(Duration::from_micros(200));
            counter.fetch_add(1, Ordering::Relaxed);
            std::future::ready(())
        }));
        let (mut seen, mut most_between) = (0, 0);
        while seen < 600 {
            tokio::task::yield_now().await;
            let now = published.load(Ordering::Relaxed);
            most_between = most_between.max(now - seen);
            seen = now;
        }
        simulator.abort();
        // Both tasks yield alike (to the back of the queue), so a turn of
        // this one can fall between two publishes or either side of them.
        assert!(most_between <= 2, "{most_between} publishes in a row without a yield");
    }
}
