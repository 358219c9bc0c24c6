//! One project's live stream: a simulator advanced on a clock, its messages
//! grouped into frames and broadcast to every subscriber. Dropping the hub
//! stops its simulator.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::ws::Message as WsMessage;
use shared::encode::{encode_batch, encode_message, encode_snapshot_frames};
use shared::sim::{Mix, SimConfig, Simulator};
use tokio::sync::{broadcast, watch};

/// Frames buffered per subscriber before it counts as too slow.
const SUBSCRIBER_BACKLOG_FRAMES: usize = 4096;
/// A large snapshot goes out in frames of at most this size.
pub const SNAPSHOT_FRAME_BYTES: usize = 1024 * 1024;
/// How often the simulator is advanced.
const STEP: Duration = Duration::from_millis(20);

#[derive(Debug, Clone)]
pub struct SimSettings {
    pub n_nodes: usize,
    pub messages_per_sec: f64,
    /// Messages per frame (1 = single-message frames, more = JSON arrays).
    pub batch: usize,
    pub seed: u64,
    pub mix: Mix,
}

impl Default for SimSettings {
    fn default() -> Self {
        SimSettings { n_nodes: 60, messages_per_sec: 200.0, batch: 1, seed: 1, mix: Mix::Mixed }
    }
}

/// A frame as sent on the socket.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Text(String),
    Binary(Vec<u8>),
}

impl Frame {
    pub fn to_ws(&self) -> WsMessage {
        match self {
            Frame::Text(text) => WsMessage::Text(text.as_str().into()),
            Frame::Binary(bytes) => WsMessage::Binary(bytes.clone().into()),
        }
    }
}

pub struct Hub {
    sim: Arc<Mutex<Simulator>>,
    frames: broadcast::Sender<Arc<Frame>>,
    running: tokio::task::AbortHandle,
}

impl Hub {
    /// Creates the project's simulator and advances it until `stopping` or
    /// until the hub is dropped.
    pub fn start(project: &str, settings: SimSettings, mut stopping: watch::Receiver<bool>) -> Arc<Hub> {
        // Each project gets its own deterministic mesh.
        let seed =
            project.bytes().fold(settings.seed, |hash, byte| hash.wrapping_mul(31).wrapping_add(u64::from(byte)));
        let sim =
            Arc::new(Mutex::new(Simulator::new(SimConfig { n_nodes: settings.n_nodes, seed, mix: settings.mix })));
        let (frames, _) = broadcast::channel(SUBSCRIBER_BACKLOG_FRAMES);
        let task_sim = sim.clone();
        let task_frames = frames.clone();
        let running = tokio::spawn(async move {
            tokio::select! {
                () = run(task_sim, task_frames, settings) => {}
                _ = stopping.wait_for(|stop| *stop) => {}
            }
        })
        .abort_handle();
        Arc::new(Hub { sim, frames, running })
    }

    /// The snapshot for a new client and the stream after it, taken under
    /// the simulator's lock so no message falls between the two.
    pub fn subscribe(&self) -> (Vec<String>, broadcast::Receiver<Arc<Frame>>) {
        let sim = self.sim.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let snapshot = encode_snapshot_frames(&sim.snapshot(now_millis()), SNAPSHOT_FRAME_BYTES);
        (snapshot, self.frames.subscribe())
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.running.abort();
    }
}

async fn run(sim: Arc<Mutex<Simulator>>, frames: broadcast::Sender<Arc<Frame>>, settings: SimSettings) {
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
        if count == 0 {
            continue;
        }
        let mut sim = sim.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let ts = now_millis();
        let messages: Vec<_> = (0..count).map(|_| sim.next_message(ts)).collect();
        for chunk in messages.chunks(settings.batch.max(1)) {
            let text = match chunk {
                [one] => encode_message(one),
                many => encode_batch(many),
            };
            // No subscribers is fine: the mesh goes on evolving.
            let _ = frames.send(Arc::new(Frame::Text(text)));
        }
    }
}

pub fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn dropping_the_hub_stops_its_simulator() {
        let (_stop, stopping) = watch::channel(false);
        let settings = SimSettings { n_nodes: 3, messages_per_sec: 500.0, ..SimSettings::default() };
        let hub = Hub::start("p", settings, stopping);
        let (_, mut frames) = hub.subscribe();
        let first = tokio::time::timeout(Duration::from_secs(5), frames.recv()).await;
        assert!(matches!(first, Ok(Ok(_))), "no frame from a running hub: {first:?}");
        drop(hub);
        // Once the simulator's task is gone no sender is left: the stream ends.
        let ended = tokio::time::timeout(Duration::from_secs(5), async {
            for _ in 0..10_000 {
                if let Err(broadcast::error::RecvError::Closed) = frames.recv().await {
                    return true;
                }
            }
            false
        })
        .await;
        assert_eq!(ended, Ok(true), "the simulator kept running after its hub was dropped");
    }
}
