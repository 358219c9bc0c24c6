//! One project's stream on this replica: its graph (a `shared::Reducer`,
//! to serve snapshots), its position, its recent history, and one broadcast
//! of its frames to every client here, each frame encoded once. Messages
//! come in through [`Hub::publish`] (one process: the hub numbers them) or
//! [`Hub::accept`] (Redis: numbered already, the same on every replica).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::ws::{Message as WsMessage, Utf8Bytes};
use shared::encode::{encode_message, encode_snapshot_frames};
use shared::limits::MAX_FRAME_BYTES;
use shared::protocol::{Message, Payload, Pos};
use shared::Reducer;
use tokio::sync::{broadcast, watch};

use crate::history::{resume_frames, Batch, History};
use crate::metrics::Counters;

/// Frames buffered per subscriber before it counts as too slow.
pub const SUBSCRIBER_BACKLOG_FRAMES: usize = 4096;
/// A large snapshot goes out in frames of at most this size.
pub const SNAPSHOT_FRAME_BYTES: usize = 1024 * 1024;
/// Live messages are grouped into frames of at most this size.
pub const LIVE_FRAME_BYTES: usize = 1024 * 1024;
/// The graph's change tracking (for diffs, which a hub never takes) is
/// emptied after this many graph messages, so deleted ids do not pile up.
const DRAIN_EVERY_MESSAGES: usize = 4096;

/// A frame as sent on the socket (replays; the live stream uses [`Batch`]).
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
    state: Mutex<State>,
    frames: broadcast::Sender<Arc<Batch>>,
    /// The newest position applied, for clients waiting for the hub to catch up.
    position: watch::Sender<Pos>,
    /// The hub holds its project's state (in Redis mode: once rebuilt).
    ready: watch::Sender<bool>,
    /// Older messages than the hub holds may be in the store (Redis).
    store_has_history: bool,
    counters: Arc<Counters>,
}

struct State {
    epoch: Arc<str>,
    last_offset: u64,
    graph: Reducer,
    history: History,
    /// The snapshot frames for `last_offset`, built once for every client
    /// that joins before the next message.
    snapshot: Option<Arc<Vec<Utf8Bytes>>>,
    since_drain: usize,
}

/// How a new client's stream starts; the live frames follow.
#[derive(Debug)]
pub enum Start {
    /// `resumed` and exactly the messages after the client's position.
    Resumed(Vec<String>),
    /// A snapshot of the graph at the hub's position.
    Snapshot(Arc<Vec<Utf8Bytes>>),
    /// The messages after `since` through offset `to` are not held here but
    /// may be in the store: read them from there, or send the snapshot.
    Fetch { since: Pos, to: u64, snapshot: Arc<Vec<Utf8Bytes>> },
}

/// A client's start and the live frames after it, with nothing between.
pub struct Subscription {
    pub start: Start,
    pub frames: broadcast::Receiver<Arc<Batch>>,
}

/// Messages numbered elsewhere that do not follow the hub's position.
#[derive(Debug, PartialEq, Eq)]
pub struct OutOfOrder {
    pub expected: Pos,
    pub got: Pos,
}

impl Hub {
    /// An empty project at offset 0 of `epoch`, ready.
    pub fn new(epoch: &str, history: (usize, usize), counters: Arc<Counters>) -> Arc<Hub> {
        Hub::build(epoch, history, counters, false)
    }

    /// A project whose state is in the store: not ready until a
    /// [`Hub::restore`] and [`Hub::set_ready`].
    pub fn in_store(history: (usize, usize), counters: Arc<Counters>) -> Arc<Hub> {
        Hub::build(&new_epoch(), history, counters, true)
    }

    fn build(epoch: &str, history: (usize, usize), counters: Arc<Counters>, in_store: bool) -> Arc<Hub> {
        let (history_max_messages, history_max_bytes) = history;
        let (frames, _) = broadcast::channel(SUBSCRIBER_BACKLOG_FRAMES);
        let epoch: Arc<str> = epoch.into();
        let (position, _) = watch::channel(Pos { epoch: epoch.to_string(), offset: 0 });
        let state = State {
            epoch,
            last_offset: 0,
            graph: Reducer::new(),
            history: History::new(history_max_messages, history_max_bytes),
            snapshot: None,
            since_drain: 0,
        };
        let (ready, _) = watch::channel(!in_store);
        Arc::new(Hub { state: Mutex::new(state), frames, position, ready, store_has_history: in_store, counters })
    }

    /// Numbers `messages` (the next offsets of the hub's epoch), applies,
    /// keeps and sends them; returns the position of the last one.
    pub fn publish(&self, messages: Vec<Message>, now_millis: i64) -> Pos {
        let mut state = self.lock();
        let first_offset = state.last_offset + 1;
        let epoch = state.epoch.clone();
        self.append(&mut state, &epoch, first_offset, messages, now_millis);
        self.position_of(&state)
    }

    /// Applies messages numbered elsewhere, from `first_offset` of `epoch`.
    /// They must follow the hub's position; a new epoch must start at 1 and
    /// starts the history over (the graph is kept: it is the best state
    /// there is until the new history holds a snapshot).
    pub fn accept(&self, epoch: &str, first_offset: u64, messages: Vec<Message>, now: i64) -> Result<(), OutOfOrder> {
        let mut state = self.lock();
        let same_epoch = *state.epoch == *epoch;
        let expected = if same_epoch { state.last_offset + 1 } else { 1 };
        if first_offset != expected {
            let expected = Pos { epoch: epoch.to_owned(), offset: expected };
            return Err(OutOfOrder { expected, got: Pos { epoch: epoch.to_owned(), offset: first_offset } });
        }
        if !same_epoch {
            state.epoch = epoch.into();
            state.last_offset = 0;
            state.history.clear();
            state.snapshot = None;
        }
        let epoch = state.epoch.clone();
        self.append(&mut state, &epoch, first_offset, messages, now);
        Ok(())
    }

    /// Replaces the graph and position (a checkpoint read back, or a
    /// replica that fell behind the history); clients here get the new
    /// snapshot as a frame of the stream.
    pub fn restore(&self, snapshot: Message, at: &Pos, now_millis: i64) {
        let mut state = self.lock();
        state.epoch = at.epoch.as_str().into();
        state.last_offset = at.offset;
        state.history.clear();
        state.graph = Reducer::new();
        state.graph.apply(snapshot, now_millis);
        state.snapshot = None;
        let frames = self.snapshot_of(&mut state, now_millis);
        for frame in frames.iter() {
            let batch = Batch::unnumbered(at.offset + 1, frame.clone());
            let _ = self.frames.send(Arc::new(batch));
        }
        self.position.send_replace(self.position_of(&state));
    }

    /// Moves the position to `at` keeping the graph (Redis lost the
    /// project's history, or trimmed it past the last checkpoint: the graph
    /// held is the best state there is); the history starts over.
    pub fn rebase(&self, at: &Pos) {
        let mut state = self.lock();
        state.epoch = at.epoch.as_str().into();
        state.last_offset = at.offset;
        state.history.clear();
        state.snapshot = None;
        self.position.send_replace(self.position_of(&state));
    }

    /// A new client's start: a resume when `since` is in this hub's epoch
    /// and history, a snapshot otherwise; and the live frames after it.
    pub fn subscribe(&self, since: Option<&Pos>, now_millis: i64) -> Subscription {
        let mut state = self.lock();
        let frames = self.frames.subscribe();
        let resumable = since.filter(|since| *since.epoch == *state.epoch);
        let missed = resumable.and_then(|since| match since.offset == state.last_offset {
            true => Some(Vec::new()),
            false => state.history.after(since.offset),
        });
        let start = match (resumable, missed) {
            (Some(since), Some(missed)) => Start::Resumed(resume_frames(since, missed, MAX_FRAME_BYTES)),
            (Some(since), None) if self.store_has_history && since.offset < state.last_offset => Start::Fetch {
                since: since.clone(),
                to: state.last_offset,
                snapshot: self.snapshot_of(&mut state, now_millis),
            },
            _ => Start::Snapshot(self.snapshot_of(&mut state, now_millis)),
        };
        Subscription { start, frames }
    }

    /// The hub holds its project's state from now on.
    pub fn set_ready(&self) {
        self.ready.send_replace(true);
    }

    /// Whether the hub holds its project's state.
    pub fn is_ready(&self) -> bool {
        *self.ready.borrow()
    }

    /// Waits, at most `limit`, until the hub holds its project's state.
    pub async fn wait_ready(&self, limit: Duration) -> bool {
        let mut ready = self.ready.subscribe();
        let waited = tokio::time::timeout(limit, ready.wait_for(|ready| *ready)).await;
        waited.is_ok_and(|ready| ready.is_ok())
    }

    /// Waits, at most `limit`, until the hub has applied `pos` (a client
    /// that saw it on a replica ahead of this one); false if it has not.
    pub async fn wait_for(&self, pos: &Pos, limit: Duration) -> bool {
        let mut position = self.position.subscribe();
        let reached = position.wait_for(|at| at.epoch != pos.epoch || at.offset >= pos.offset);
        let waited = tokio::time::timeout(limit, reached).await;
        waited.is_ok_and(|reached| reached.is_ok())
    }

    /// The newest position applied.
    pub fn position(&self) -> Pos {
        self.position.borrow().clone()
    }

    /// The graph as one snapshot message at the hub's position (a checkpoint).
    pub fn snapshot_message(&self, now_millis: i64) -> (Pos, Message) {
        let state = self.lock();
        (self.position_of(&state), snapshot_of_graph(&state, now_millis))
    }

    fn append(&self, state: &mut State, epoch: &Arc<str>, first_offset: u64, messages: Vec<Message>, now: i64) {
        let mut offset = first_offset;
        let mut frame_offset = first_offset;
        let mut texts: Vec<String> = Vec::new();
        let mut frame_bytes = 0;
        for mut message in messages {
            message.pos = Some(Pos { epoch: epoch.to_string(), offset });
            message.seq = Some(offset);
            message.ts_millis = message.ts_millis.or(Some(now));
            let text = encode_message(&message);
            if frame_bytes + text.len() > LIVE_FRAME_BYTES && !texts.is_empty() {
                self.emit(state, Batch::new(frame_offset, &texts));
                frame_offset = offset;
                frame_bytes = 0;
                texts.clear();
            }
            frame_bytes += text.len() + 1;
            texts.push(text);
            if affects_graph(&message.payload) {
                state.graph.apply(message, now);
                state.since_drain += 1;
            }
            offset += 1;
        }
        if !texts.is_empty() {
            self.emit(state, Batch::new(frame_offset, &texts));
        }
        Counters::add(&self.counters.messages_applied, offset - first_offset);
        state.last_offset = offset - 1;
        state.snapshot = None;
        if state.since_drain >= DRAIN_EVERY_MESSAGES {
            state.since_drain = 0;
            drain_changes(&mut state.graph);
        }
        self.position.send_replace(self.position_of(state));
    }

    fn emit(&self, state: &mut State, batch: Batch) {
        let batch = Arc::new(batch);
        state.history.push(batch.clone());
        // No subscribers is fine: the project goes on.
        let _ = self.frames.send(batch);
    }

    fn snapshot_of(&self, state: &mut State, now_millis: i64) -> Arc<Vec<Utf8Bytes>> {
        if let Some(frames) = &state.snapshot {
            return frames.clone();
        }
        let message = snapshot_of_graph(state, now_millis);
        let open = matches!(message.payload, Payload::Snapshot { partial: true, .. });
        let mut texts = encode_snapshot_frames(&message, SNAPSHOT_FRAME_BYTES);
        if open && texts.len() > 1 {
            // The producer's own snapshot-end is still to come.
            texts.pop();
        }
        let frames = Arc::new(texts.into_iter().map(Utf8Bytes::from).collect::<Vec<_>>());
        state.snapshot = Some(frames.clone());
        frames
    }

    fn position_of(&self, state: &State) -> Pos {
        Pos { epoch: state.epoch.to_string(), offset: state.last_offset }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The graph at the hub's position; `partial` while a producer's partial
/// snapshot is still open.
fn snapshot_of_graph(state: &State, now_millis: i64) -> Message {
    let graph = &state.graph;
    Message {
        ts_millis: Some(now_millis),
        seq: None,
        pos: Some(Pos { epoch: state.epoch.to_string(), offset: state.last_offset }),
        payload: Payload::Snapshot {
            nodes: graph.nodes().cloned().collect(),
            edges: graph.edges().cloned().collect(),
            partial: graph.graph_stale(),
        },
    }
}

/// Whether a snapshot must reflect the message (events, logs and chart
/// points are not part of one).
fn affects_graph(payload: &Payload) -> bool {
    !matches!(payload, Payload::Event { .. } | Payload::LogChunk { .. } | Payload::ChartPoint { .. })
}

/// Empties the reducer's change tracking (bounded: each round takes a full
/// diff budget).
fn drain_changes(graph: &mut Reducer) {
    const MAX_ROUNDS: usize = 10_000;
    for _ in 0..MAX_ROUNDS {
        if !graph.has_changes() {
            return;
        }
        graph.take_diff();
    }
}

/// A fresh epoch: 16 hex digits, different on every call and every start.
pub fn new_epoch() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    hasher.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    format!("{:016x}", hasher.finish())
}

pub fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests;
