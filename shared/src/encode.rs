//! Messages -> JSON text frames, the inverse of `decode` (used by feed
//! servers, replay files and tests). `decode_frame(&encode_message(m))`
//! gives back `m`.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::protocol::{EdgeStats, MeshEdge, MeshNode, Message, Payload};
use crate::time::format_rfc3339_millis;

/// The frame a client sends first after every open when it holds a token.
pub fn encode_auth(token: &str) -> String {
    #[derive(Serialize)]
    struct Auth<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        token: &'a str,
    }
    serde_json::to_string(&Auth { kind: "auth", token }).unwrap_or_default()
}

/// One message as a JSON object frame.
pub fn encode_message(message: &Message) -> String {
    serde_json::to_string(&WireMessage(message)).unwrap_or_default()
}

/// Several messages as one JSON array frame (a batch, in stream order).
pub fn encode_batch(messages: &[Message]) -> String {
    let wire: Vec<WireMessage> = messages.iter().map(WireMessage).collect();
    serde_json::to_string(&wire).unwrap_or_default()
}

/// A snapshot as frames that each fit in `max_frame_bytes` (larger frames
/// are dropped by the dashboard): one frame when it fits; otherwise a
/// `partial` snapshot (which replaces the graph with an empty one), batches
/// of node and edge upserts in order, and `snapshot-end`, which both carry
/// the snapshot's `ts` and `pos`. Anything but a snapshot is one frame.
pub fn encode_snapshot_frames(snapshot: &Message, max_frame_bytes: usize) -> Vec<String> {
    let whole = encode_message(snapshot);
    let Payload::Snapshot { nodes, edges, .. } = &snapshot.payload else {
        return vec![whole];
    };
    if whole.len() <= max_frame_bytes {
        return vec![whole];
    }
    let part = |payload| Message { ts_millis: snapshot.ts_millis, seq: None, pos: None, payload };
    let first = Message {
        payload: Payload::Snapshot { nodes: Vec::new(), edges: Vec::new(), partial: true },
        ..snapshot.clone()
    };
    let upserts = nodes
        .iter()
        .map(|node| Payload::NodeUpsert(node.clone()))
        .chain(edges.iter().map(|edge| Payload::EdgeUpsert(edge.clone())))
        .map(|payload| encode_message(&part(payload)));
    let mut frames = vec![encode_message(&first)];
    let mut batch = String::from("[");
    for message in upserts {
        // A single message larger than a frame cannot be sent at all.
        if message.len() + 2 > max_frame_bytes {
            continue;
        }
        if batch.len() + message.len() + 1 > max_frame_bytes {
            batch.push(']');
            frames.push(std::mem::replace(&mut batch, String::from("[")));
        }
        if batch.len() > 1 {
            batch.push(',');
        }
        batch.push_str(&message);
    }
    if batch.len() > 1 {
        batch.push(']');
        frames.push(batch);
    }
    let end = Message { payload: Payload::SnapshotEnd, ..first };
    frames.push(encode_message(&end));
    frames
}

struct WireMessage<'a>(&'a Message);

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
enum WireData<'a> {
    NodeUpsert {
        node: WireNode<'a>,
    },
    NodeStatus {
        id: &'a str,
        status: &'a str,
    },
    NodeDelete {
        id: &'a str,
    },
    EdgeUpsert {
        edge: WireEdge<'a>,
    },
    EdgeStats {
        id: &'a str,
        stats: WireStats<'a>,
    },
    EdgeDelete {
        id: &'a str,
    },
    Event {
        message: &'a str,
        severity: &'a str,
        #[serde(rename = "nodeId", skip_serializing_if = "Option::is_none")]
        node_id: Option<&'a str>,
    },
    LogChunk {
        #[serde(rename = "nodeId")]
        node_id: &'a str,
        text: &'a str,
    },
    ChartPoint {
        series: &'a str,
        value: WirePoint,
    },
    Snapshot {
        nodes: Vec<WireNode<'a>>,
        edges: Vec<WireEdge<'a>>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        partial: bool,
    },
    SnapshotEnd {},
    Resumed {
        since: String,
    },
}

#[derive(Serialize)]
struct WirePoint {
    t: f64,
    y: f64,
}

struct WireNode<'a>(&'a MeshNode);
struct WireEdge<'a>(&'a MeshEdge);
struct WireStats<'a>(&'a EdgeStats);

impl Serialize for WireMessage<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let message = self.0;
        let mut map = serializer.serialize_map(None)?;
        if let Some(ts_millis) = message.ts_millis {
            map.serialize_entry("ts", &format_rfc3339_millis(ts_millis))?;
        }
        if let Some(seq) = message.seq {
            map.serialize_entry("seq", &seq)?;
        }
        if let Some(pos) = &message.pos {
            map.serialize_entry("pos", &pos.to_string())?;
        }
        map.serialize_entry("data", &wire_data(&message.payload))?;
        map.end()
    }
}

fn wire_data(payload: &Payload) -> WireData<'_> {
    match payload {
        Payload::NodeUpsert(node) => WireData::NodeUpsert { node: WireNode(node) },
        Payload::NodeStatus { id, status } => WireData::NodeStatus { id, status: status.as_wire() },
        Payload::NodeDelete { id } => WireData::NodeDelete { id },
        Payload::EdgeUpsert(edge) => WireData::EdgeUpsert { edge: WireEdge(edge) },
        Payload::EdgeStats { id, stats } => WireData::EdgeStats { id, stats: WireStats(stats) },
        Payload::EdgeDelete { id } => WireData::EdgeDelete { id },
        Payload::Event { message, severity, node_id } => {
            WireData::Event { message, severity: severity.as_wire(), node_id: node_id.as_deref() }
        }
        Payload::LogChunk { node_id, text } => WireData::LogChunk { node_id, text },
        Payload::ChartPoint { series, point } => {
            WireData::ChartPoint { series, value: WirePoint { t: point.t_millis, y: point.y } }
        }
        Payload::Snapshot { nodes, edges, partial } => WireData::Snapshot {
            nodes: nodes.iter().map(WireNode).collect(),
            edges: edges.iter().map(WireEdge).collect(),
            partial: *partial,
        },
        Payload::SnapshotEnd => WireData::SnapshotEnd {},
        Payload::Resumed { since } => WireData::Resumed { since: since.to_string() },
    }
}

impl Serialize for WireNode<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let node = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &node.id)?;
        map.serialize_entry("kind", &node.kind)?;
        map.serialize_entry("label", &node.label)?;
        map.serialize_entry("status", node.status.as_wire())?;
        if !node.meta.is_empty() {
            map.serialize_entry("meta", &WireMeta(node))?;
        }
        map.end()
    }
}

struct WireMeta<'a>(&'a MeshNode);

impl Serialize for WireMeta<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.meta.len()))?;
        for entry in &self.0.meta {
            // Meta values are kept as JSON text; one that is somehow not
            // valid JSON is written as a string rather than corrupting the frame.
            match RawValue::from_string(entry.json.clone()) {
                Ok(raw) => map.serialize_entry(&entry.key, &raw)?,
                Err(_) => map.serialize_entry(&entry.key, &entry.json)?,
            }
        }
        map.end()
    }
}

impl Serialize for WireEdge<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let edge = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &edge.id)?;
        map.serialize_entry("source", &edge.source)?;
        map.serialize_entry("target", &edge.target)?;
        if let Some(kind) = &edge.kind {
            map.serialize_entry("kind", kind)?;
        }
        if let Some(stats) = &edge.stats {
            map.serialize_entry("stats", &WireStats(stats))?;
        }
        map.end()
    }
}

impl Serialize for WireStats<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let stats = self.0;
        let mut map = serializer.serialize_map(None)?;
        let known = [
            ("throughput", stats.throughput),
            ("latencyMs", stats.latency_millis),
            ("errorRate", stats.error_rate),
            ("bytes", stats.bytes),
        ];
        for (name, value) in known {
            if let Some(value) = value {
                map.serialize_entry(name, &value)?;
            }
        }
        for (name, value) in &stats.other {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}
