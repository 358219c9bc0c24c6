//! A stream client for the resume tests: it decodes every frame as the
//! dashboard does, keeps the graph with `shared::Reducer`, and checks that
//! positions follow each other (no message lost or seen twice); plus a
//! deterministic workload for producers.

use std::net::SocketAddr;

use futures_util::StreamExt;
use shared::protocol::{Payload, Pos};
use shared::Reducer;
use tokio_tungstenite::tungstenite::Message as WsMessage;

use super::{connect, http_post, Ws, MAX_FRAMES_READ, WAIT};

/// How a connection started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Began {
    /// A snapshot at this position.
    Snapshot(Pos),
    /// `resumed` after this position, with this many messages in its frame.
    Resumed(Pos, usize),
}

/// A dashboard stand-in: the state, the last position, and every offset
/// applied since the first snapshot, in order.
pub struct Client {
    pub reducer: Reducer,
    pub last_pos: Option<Pos>,
    /// Offsets of the messages applied (not snapshots), in order.
    pub offsets: Vec<u64>,
    ws: Option<Ws>,
}

impl Client {
    pub fn new() -> Client {
        Client { reducer: Reducer::new(), last_pos: None, offsets: Vec::new(), ws: None }
    }

    /// Connects to `project` at `addr`, with `since` = the last position
    /// when there is one; returns how the stream began.
    pub async fn connect(&mut self, addr: SocketAddr, project: &str) -> Began {
        let since = self.last_pos.as_ref().map(|pos| format!("&since={pos}")).unwrap_or_default();
        let ws = connect(addr, &format!("?project={project}{since}"), &[]).await.expect("upgraded");
        self.ws = Some(ws);
        self.reducer.connection_opened();
        let frame = self.next_frame().await.expect("a first frame");
        self.apply(&frame)
    }

    /// Drops the connection (as a dashboard whose server went away).
    pub fn disconnect(&mut self) {
        self.ws = None;
    }

    /// Reads and applies frames until the last position reaches `offset`.
    pub async fn read_until(&mut self, offset: u64) {
        let read = async {
            for _ in 0..MAX_FRAMES_READ {
                if self.last_pos.as_ref().is_some_and(|pos| pos.offset >= offset) {
                    return;
                }
                let frame = self.next_frame().await.expect("the stream goes on");
                self.apply(&frame);
            }
            panic!("offset {offset} not reached in {MAX_FRAMES_READ} frames");
        };
        tokio::time::timeout(WAIT, read).await.unwrap_or_else(|_| panic!("offset {offset} not reached in time"));
    }

    /// The next text frame, or `None` when the connection ended.
    pub async fn next_frame(&mut self) -> Option<String> {
        let ws = self.ws.as_mut()?;
        let read = async {
            for _ in 0..MAX_FRAMES_READ {
                match ws.next().await {
                    Some(Ok(WsMessage::Text(text))) => return Some(text.as_str().to_owned()),
                    Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => return None,
                    Some(Ok(_)) => {}
                }
            }
            None
        };
        tokio::time::timeout(WAIT, read).await.expect("a frame in time")
    }

    /// Applies a frame; checks that each numbered message follows the last
    /// position by exactly one. A server's snapshot (and its snapshot-end)
    /// carries the position it reflects; a producer's snapshot in the
    /// stream is numbered like any other message.
    pub fn apply(&mut self, frame: &str) -> Began {
        let decoded = shared::decode_frame(frame);
        assert!(decoded.errors.is_empty(), "bad frame: {:?}", decoded.errors);
        let mut began = None;
        for message in &decoded.messages {
            let next = self.last_pos.as_ref().map(Pos::next);
            match (&message.payload, &message.pos) {
                (Payload::Resumed { since }, _) => {
                    assert_eq!(Some(since), self.last_pos.as_ref(), "resumed from elsewhere");
                    let replayed = decoded.messages.len() - 1;
                    began.get_or_insert(Began::Resumed(since.clone(), replayed));
                }
                (_, Some(pos)) if Some(pos) == next.as_ref() => {
                    assert_eq!(message.seq, Some(pos.offset), "seq is the offset");
                    self.offsets.push(pos.offset);
                    self.last_pos = Some(pos.clone());
                }
                (Payload::Snapshot { .. }, Some(pos)) if message.seq.is_none() => {
                    began.get_or_insert(Began::Snapshot(pos.clone()));
                    self.last_pos = Some(pos.clone());
                }
                (Payload::SnapshotEnd, Some(pos)) if Some(pos) == self.last_pos.as_ref() => {}
                (_, Some(pos)) => panic!("a message lost or repeated: {pos} after {:?}", self.last_pos),
                (payload, None) => assert!(
                    matches!(payload, Payload::NodeUpsert(_) | Payload::EdgeUpsert(_)),
                    "a live message without pos: {payload:?}"
                ),
            }
        }
        self.reducer.apply_frame(frame, 0);
        began.unwrap_or(Began::Snapshot(Pos { epoch: String::new(), offset: 0 }))
    }
}

/// The ids of the client's nodes and edges, with their JSON, sorted.
pub fn graph_of(reducer: &Reducer) -> (Vec<String>, Vec<String>) {
    let mut nodes: Vec<String> = reducer.nodes().map(|node| format!("{node:?}")).collect();
    let mut edges: Vec<String> = reducer.edges().map(|edge| format!("{edge:?}")).collect();
    nodes.sort();
    edges.sort();
    (nodes, edges)
}

/// Message `index` of an endless, deterministic producer: nodes come and
/// go, change status, gain edges, and log events.
pub fn workload_message(index: u64) -> String {
    let node = index % 50;
    match index % 7 {
        0 | 3 => format!(
            r#"{{"data":{{"type":"node-upsert","node":{{"id":"n{node}","kind":"svc","label":"n{node} v{index}","status":"ok"}}}}}}"#
        ),
        1 => format!(r#"{{"data":{{"type":"node-status","id":"n{node}","status":"degraded"}}}}"#),
        2 => format!(
            r#"{{"data":{{"type":"edge-upsert","edge":{{"id":"e{node}","source":"n{node}","target":"n{}"}}}}}}"#,
            (node + 1) % 50
        ),
        4 => format!(r#"{{"data":{{"type":"event","message":"event {index}"}}}}"#),
        5 if index.is_multiple_of(5) => format!(r#"{{"data":{{"type":"node-delete","id":"n{node}"}}}}"#),
        _ => format!(r#"{{"data":{{"type":"edge-stats","id":"e{node}","stats":{{"throughput":{index}}}}}}}"#),
    }
}

/// Posts workload messages `from..from + n` to `/ingest` as NDJSON;
/// returns how many the server accepted.
pub async fn ingest(addr: SocketAddr, project: &str, token: &str, from: u64, n: u64) -> u64 {
    let body: Vec<String> = (from..from + n).map(workload_message).collect();
    let auth = format!("Bearer {token}");
    let headers = [("Authorization", auth.as_str()), ("Content-Type", "application/x-ndjson")];
    let (status, answer) =
        http_post(addr, &format!("/ingest?project={project}"), &headers, body.join("\n").as_bytes()).await;
    assert_eq!(status, 200, "ingest refused: {answer}");
    let answer: shared::ingest::IngestAnswer = serde_json::from_str(&answer).expect("an ingest answer");
    assert!(answer.rejected.is_empty(), "rejected: {:?}", answer.rejected);
    answer.accepted
}

/// What applying workload messages `0..n` to an empty graph gives.
pub fn expected_graph(n: u64) -> (Vec<String>, Vec<String>) {
    graph_of_messages(0..n)
}

/// What applying workload messages `indices` to an empty graph gives.
pub fn graph_of_messages(indices: std::ops::Range<u64>) -> (Vec<String>, Vec<String>) {
    let mut reducer = Reducer::new();
    for index in indices {
        reducer.apply_frame(&workload_message(index), 0);
    }
    graph_of(&reducer)
}
