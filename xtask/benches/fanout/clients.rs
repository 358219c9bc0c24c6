//! The measuring side: WebSocket clients that count bytes and, per frame,
//! the time from the publish of its last message to its arrival (found by
//! the frame's last `pos`, without decoding the frame, so the clients stay
//! cheap next to the replicas they measure).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

/// When each publish was sent, by publish index, from the run's start.
pub type SendTimes = Arc<Mutex<Vec<Duration>>>;

/// What every client of a run shares.
pub struct Shared {
    pub start: Instant,
    pub send_times: SendTimes,
    pub messages_per_publish: u64,
    /// Frames are measured only while this is set (after the warm-up).
    pub measuring: AtomicBool,
    pub stop: AtomicBool,
    pub bytes: AtomicU64,
    pub latencies_micros: Mutex<Vec<u64>>,
    pub connected: AtomicU64,
}

/// One client until `stop`: connects to `project` at `addr`, reads frames.
pub async fn run_client(addr: SocketAddr, project: String, shared: Arc<Shared>) {
    let url = format!("ws://{addr}/ws?project={project}");
    let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url).await else { return };
    shared.connected.fetch_add(1, Ordering::Relaxed);
    let mut latencies = Vec::new();
    while !shared.stop.load(Ordering::Relaxed) {
        let next = tokio::time::timeout(Duration::from_millis(200), ws.next()).await;
        let Ok(frame) = next else { continue };
        let Some(Ok(Message::Text(text))) = frame else {
            if matches!(frame, Some(Ok(_))) {
                continue;
            }
            break;
        };
        if !shared.measuring.load(Ordering::Relaxed) {
            continue;
        }
        shared.bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
        let arrived = shared.start.elapsed();
        if let Some(sent) = last_offset(&text).and_then(|offset| sent_at(&shared, offset)) {
            latencies.push(arrived.saturating_sub(sent).as_micros() as u64);
        }
    }
    if let Ok(mut all) = shared.latencies_micros.lock() {
        all.extend(latencies);
    }
}

/// The offset of the frame's last `"pos":"<epoch>:<offset>"`.
fn last_offset(frame: &str) -> Option<u64> {
    let at = frame.rfind("\"pos\":\"")?;
    let rest = frame.get(at + 7..)?;
    let end = rest.find('"')?;
    rest.get(..end)?.rsplit_once(':')?.1.parse().ok()
}

/// When the publish holding `offset` (from 1, in a fresh project) was sent.
fn sent_at(shared: &Shared, offset: u64) -> Option<Duration> {
    let index = usize::try_from(offset.checked_sub(1)? / shared.messages_per_publish).ok()?;
    shared.send_times.lock().ok()?.get(index).copied()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_last_pos_of_a_frame() {
        let frame = r#"[{"seq":1,"pos":"ab:1","data":{}},{"seq":2,"pos":"ab:2","data":{}}]"#;
        assert_eq!(super::last_offset(frame), Some(2));
        assert_eq!(super::last_offset("{}"), None);
    }
}
