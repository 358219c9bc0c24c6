//! One client's socket: the snapshot and stream (or a replay) out, the
//! client's frames in (accepted and ignored), and the ways it ends, each with
//! PROTOCOL.md's close code. No send waits longer than the send timeout, so a
//! client that stops reading cannot hold its task.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use shared::protocol::Pos;
use tokio::sync::broadcast;

use crate::history::Batch;
use crate::hub::{now_millis, Frame, Hub, Start, Subscription};
use crate::metrics::Counters;
use crate::store::Store;

/// Largest frame (and message) a client may send, in bytes.
pub const MAX_CLIENT_FRAME_BYTES: usize = 64 * 1024;
/// How long one frame may take to go out before the client counts as too
/// slow; a cut client gets as long again to take its close frame.
pub const SEND_TIMEOUT_SECS: u64 = 10;

/// The client read too slowly (it backs off, then resyncs).
pub const CLOSE_TOO_SLOW: u16 = 4001;
/// The project was refused (a bad id).
pub const CLOSE_PROJECT_REFUSED: u16 = 4002;
/// Too many live projects: try again later.
pub const CLOSE_TRY_AGAIN_LATER: u16 = 1013;
/// A client frame over [`MAX_CLIENT_FRAME_BYTES`].
pub const CLOSE_TOO_BIG: u16 = 1009;

/// Why a client's stream ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The client closed, went away, or the stream ended.
    Gone,
    /// A frame did not go out within the send timeout, or the client fell
    /// further behind than the hub's backlog.
    TooSlow,
    /// The client sent a frame over [`MAX_CLIENT_FRAME_BYTES`].
    TooBig,
}

type Sender = SplitSink<WebSocket, WsMessage>;
type Receiver = SplitStream<WebSocket>;

/// A resume (when `since` allows it) or a snapshot first, then the shared
/// stream, until the client leaves or is cut. In Redis mode (`store`), a
/// resume the hub cannot serve is read from the project's stream.
pub async fn stream_hub(
    socket: WebSocket,
    hub: &Hub,
    since: Option<Pos>,
    store: Option<(&Store, &str)>,
    send_timeout: Duration,
    counters: &Counters,
) {
    let mut subscription = hub.subscribe(since.as_ref(), now_millis());
    if let Start::Fetch { since, to, snapshot } = subscription.start {
        let fetched = match store {
            Some((store, project)) => store.resume_frames(project, &since, to).await.ok().flatten(),
            None => None,
        };
        subscription.start = fetched.map_or(Start::Snapshot(snapshot), Start::Resumed);
    }
    if since.is_some() {
        let recovered = matches!(subscription.start, Start::Resumed(_));
        let counter = if recovered { &counters.resumes_recovered } else { &counters.resumes_not_recovered };
        counter.fetch_add(1, Ordering::Relaxed);
    }
    let (mut sender, mut receiver) = socket.split();
    let end = pump_hub(&mut sender, &mut receiver, subscription, send_timeout, counters).await;
    finish(&mut sender, end, send_timeout, counters).await;
}

/// The same recorded frames to this client, paced, then the socket is kept
/// open (a replay is not a reason to reconnect).
pub async fn replay(
    socket: WebSocket,
    frames: &[Frame],
    frames_per_sec: f64,
    send_timeout: Duration,
    counters: &Counters,
) {
    let (mut sender, mut receiver) = socket.split();
    let end = pump_replay(&mut sender, &mut receiver, frames, frames_per_sec, send_timeout).await;
    finish(&mut sender, end, send_timeout, counters).await;
}

/// Closes with `code` and `reason` (a refusal after the upgrade, which a
/// browser shows its page, unlike an HTTP status).
pub async fn close_with(socket: WebSocket, code: u16, reason: &str, send_timeout: Duration) {
    let (mut sender, _) = socket.split();
    send_close(&mut sender, code, reason, send_timeout).await;
}

async fn pump_hub(
    sender: &mut Sender,
    receiver: &mut Receiver,
    subscription: Subscription,
    send_timeout: Duration,
    counters: &Counters,
) -> End {
    let Subscription { start, mut frames } = subscription;
    let start: Vec<WsMessage> = match start {
        Start::Resumed(frames) => frames.into_iter().map(|frame| WsMessage::Text(frame.into())).collect(),
        Start::Snapshot(frames) | Start::Fetch { snapshot: frames, .. } => {
            frames.iter().map(|frame| WsMessage::Text(frame.clone())).collect()
        }
    };
    for frame in start {
        if let Err(end) = send(sender, frame, send_timeout).await {
            return end;
        }
    }
    loop {
        tokio::select! {
            frame = frames.recv() => match frame {
                Ok(batch) => {
                    if let Err(end) = send_batch(sender, &batch, send_timeout, counters).await {
                        return end;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => return End::TooSlow,
                Err(broadcast::error::RecvError::Closed) => return End::Gone,
            },
            incoming = receiver.next() => if let Some(end) = ends(incoming) {
                return end;
            },
        }
    }
}

async fn pump_replay(
    sender: &mut Sender,
    receiver: &mut Receiver,
    frames: &[Frame],
    frames_per_sec: f64,
    send_timeout: Duration,
) -> End {
    let pace = (frames_per_sec > 0.0).then(|| Duration::from_secs_f64(1.0 / frames_per_sec));
    let start = tokio::time::Instant::now();
    for (index, frame) in frames.iter().enumerate() {
        if let Some(pace) = pace {
            let due = start + pace.mul_f64(index as f64);
            loop {
                tokio::select! {
                    () = tokio::time::sleep_until(due) => break,
                    incoming = receiver.next() => if let Some(end) = ends(incoming) {
                        return end;
                    },
                }
            }
        }
        if let Err(end) = send(sender, frame.to_ws(), send_timeout).await {
            return end;
        }
    }
    loop {
        if let Some(end) = ends(receiver.next().await) {
            return end;
        }
    }
}

/// One live frame out, counted.
async fn send_batch(
    sender: &mut Sender,
    batch: &Arc<Batch>,
    send_timeout: Duration,
    counters: &Counters,
) -> Result<(), End> {
    send(sender, WsMessage::Text(batch.frame.clone()), send_timeout).await?;
    counters.messages_sent.fetch_add(batch.len() as u64, Ordering::Relaxed);
    Ok(())
}

/// One frame out, within the send timeout.
async fn send(sender: &mut Sender, message: WsMessage, send_timeout: Duration) -> Result<(), End> {
    match tokio::time::timeout(send_timeout, sender.send(message)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(End::Gone),
        Err(_elapsed) => Err(End::TooSlow),
    }
}

/// What an incoming frame means: `None` to go on (the dashboard's frames,
/// auth and commands, are accepted and ignored).
fn ends(incoming: Option<Result<WsMessage, axum::Error>>) -> Option<End> {
    match incoming {
        Some(Ok(WsMessage::Close(_))) | None => Some(End::Gone),
        Some(Ok(_)) => None,
        Some(Err(error)) => Some(if is_too_big(error) { End::TooBig } else { End::Gone }),
    }
}

/// axum wraps tungstenite's error; a frame over the bound is its capacity
/// error. (Should axum move to another tungstenite, this no longer matches
/// and `tests/clients.rs` fails: the close would be plain, not 1009.)
fn is_too_big(error: axum::Error) -> bool {
    let inner = error.into_inner();
    matches!(
        inner.downcast_ref::<tungstenite::Error>(),
        Some(tungstenite::Error::Capacity(tungstenite::error::CapacityError::MessageTooLong { .. }))
    )
}

async fn finish(sender: &mut Sender, end: End, send_timeout: Duration, counters: &Counters) {
    match end {
        End::Gone => {}
        End::TooSlow => {
            counters.slow_clients_cut.fetch_add(1, Ordering::Relaxed);
            send_close(sender, CLOSE_TOO_SLOW, "too slow; reconnect to resync", send_timeout).await;
        }
        End::TooBig => send_close(sender, CLOSE_TOO_BIG, "frame too big", send_timeout).await,
    }
}

async fn send_close(sender: &mut Sender, code: u16, reason: &str, send_timeout: Duration) {
    let close = WsMessage::Close(Some(CloseFrame { code, reason: reason.into() }));
    let _ = tokio::time::timeout(send_timeout, sender.send(close)).await;
}
