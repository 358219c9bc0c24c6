//! Text frame -> messages, per PROTOCOL.md. Total: any input yields good
//! messages plus classified errors, never a panic. One bad element of a
//! batch costs only that element.
//!
//! The fast path parses the frame once into borrowed wire structs; only a
//! frame with a bad element is parsed again, element by element, to keep
//! the good ones and classify the bad.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::limits::MAX_FRAME_BYTES;
use crate::protocol::{
    ChartPoint, EdgeStats, MeshEdge, MeshNode, Message, MessageKind, MetaEntry, Payload, Severity, Status,
};
use crate::time::parse_rfc3339_millis;

/// Why (part of) a frame was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecodeErrorKind {
    /// Not JSON at all (the whole frame is lost).
    InvalidJson,
    /// Valid JSON, but not a message object or an array of them.
    NotAMessage,
    /// A message whose `data.type` is not one of the ten.
    UnknownType,
    /// A known type with missing or mistyped fields.
    BadFields,
    /// A text frame over [`MAX_FRAME_BYTES`], dropped unparsed.
    Oversize,
    /// A binary frame (the protocol is text only).
    Binary,
}

impl DecodeErrorKind {
    /// Every kind, for counters and display.
    pub const ALL: [DecodeErrorKind; 6] = [
        DecodeErrorKind::InvalidJson,
        DecodeErrorKind::NotAMessage,
        DecodeErrorKind::UnknownType,
        DecodeErrorKind::BadFields,
        DecodeErrorKind::Oversize,
        DecodeErrorKind::Binary,
    ];

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            DecodeErrorKind::InvalidJson => "invalid JSON",
            DecodeErrorKind::NotAMessage => "not a message",
            DecodeErrorKind::UnknownType => "unknown type",
            DecodeErrorKind::BadFields => "bad fields",
            DecodeErrorKind::Oversize => "oversize frame",
            DecodeErrorKind::Binary => "binary frame",
        }
    }

    /// A dense index (0..6) for counter arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One thing in a frame that could not be applied, with a readable reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub kind: DecodeErrorKind,
    pub detail: String,
}

/// What a frame held: the good messages in stream order, and the errors.
#[derive(Debug, Default, PartialEq)]
pub struct DecodedFrame {
    pub messages: Vec<Message>,
    pub errors: Vec<DecodeError>,
}

/// Decodes one text frame (a message object or a JSON array of them).
pub fn decode_frame(text: &str) -> DecodedFrame {
    let mut out = DecodedFrame::default();
    if text.len() > MAX_FRAME_BYTES {
        out.errors.push(DecodeError {
            kind: DecodeErrorKind::Oversize,
            detail: format!("frame of {} bytes > {MAX_FRAME_BYTES}", text.len()),
        });
        return out;
    }
    let first = text.bytes().find(|b| !b.is_ascii_whitespace());
    let fast = match first {
        Some(b'[') => serde_json::from_str::<Vec<WireEnvelope>>(text).map(|batch| {
            out.messages.reserve(batch.len());
            for envelope in batch {
                out.push(envelope.into_message());
            }
        }),
        Some(b'{') => serde_json::from_str::<WireEnvelope>(text).map(|e| out.push(e.into_message())),
        _ => {
            let kind = match serde_json::from_str::<IgnoredAny>(text) {
                Ok(_) => DecodeErrorKind::NotAMessage,
                Err(_) => DecodeErrorKind::InvalidJson,
            };
            out.errors.push(DecodeError { kind, detail: "frame is not an object or array".into() });
            return out;
        }
    };
    if let Err(error) = fast {
        // The fast path may have pushed a prefix of a batch before failing
        // on a later element: start over and keep exactly the good ones.
        out = DecodedFrame::default();
        if error.is_syntax() || error.is_eof() {
            out.errors.push(DecodeError { kind: DecodeErrorKind::InvalidJson, detail: error.to_string() });
        } else if first == Some(b'[') {
            decode_batch_slowly(text, &mut out);
        } else {
            out.errors.push(classify(text, &error));
        }
    }
    out
}

impl DecodedFrame {
    fn push(&mut self, result: Result<Message, DecodeError>) {
        match result {
            Ok(message) => self.messages.push(message),
            Err(error) => self.errors.push(error),
        }
    }
}

fn decode_batch_slowly(text: &str, out: &mut DecodedFrame) {
    let elements = match serde_json::from_str::<Vec<&RawValue>>(text) {
        Ok(elements) => elements,
        Err(error) => {
            let kind = if error.is_syntax() || error.is_eof() {
                DecodeErrorKind::InvalidJson
            } else {
                DecodeErrorKind::NotAMessage
            };
            out.errors.push(DecodeError { kind, detail: error.to_string() });
            return;
        }
    };
    for element in elements {
        match serde_json::from_str::<WireEnvelope>(element.get()) {
            Ok(envelope) => out.push(envelope.into_message()),
            Err(error) => out.errors.push(classify(element.get(), &error)),
        }
    }
}

/// Names the kind of a message that failed to decode: unknown type, not a
/// message at all, or a known type with bad fields.
fn classify(element: &str, error: &serde_json::Error) -> DecodeError {
    #[derive(Deserialize)]
    struct Probe<'a> {
        #[serde(borrow)]
        data: ProbeData<'a>,
    }
    #[derive(Deserialize)]
    struct ProbeData<'a> {
        #[serde(rename = "type", borrow)]
        kind: Cow<'a, str>,
    }
    match serde_json::from_str::<Probe>(element) {
        Ok(probe) if MessageKind::from_wire(&probe.data.kind).is_none() => DecodeError {
            kind: DecodeErrorKind::UnknownType,
            detail: format!("unknown type {:?}", truncate(&probe.data.kind, 64)),
        },
        Ok(probe) => DecodeError { kind: DecodeErrorKind::BadFields, detail: format!("{}: {error}", probe.data.kind) },
        Err(_) => DecodeError { kind: DecodeErrorKind::NotAMessage, detail: format!("not a message: {error}") },
    }
}

fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}

#[derive(Deserialize)]
struct WireEnvelope<'a> {
    #[serde(default)]
    ts: LenientTs,
    #[serde(default)]
    seq: Option<u64>,
    #[serde(borrow)]
    data: WireData<'a>,
}

/// A flat view of every payload's fields: one pass over the object in any
/// key order, with no intermediate buffering. Which fields are required is
/// decided by `type` afterwards.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireData<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    id: Option<String>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    node: Option<WireNode<'a>>,
    edge: Option<WireEdge>,
    stats: Option<WireStats>,
    message: Option<String>,
    #[serde(borrow)]
    severity: Option<Cow<'a, str>>,
    node_id: Option<String>,
    text: Option<String>,
    series: Option<String>,
    value: Option<WirePoint>,
    #[serde(borrow)]
    nodes: Option<Vec<WireNode<'a>>>,
    edges: Option<Vec<WireEdge>>,
}

#[derive(Deserialize)]
struct WireNode<'a> {
    id: String,
    kind: String,
    label: String,
    #[serde(borrow)]
    status: Cow<'a, str>,
    #[serde(default, borrow)]
    meta: Option<BTreeMap<String, &'a RawValue>>,
}

#[derive(Deserialize)]
struct WireEdge {
    id: String,
    source: String,
    target: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    stats: Option<WireStats>,
}

#[derive(Deserialize)]
struct WirePoint {
    t: f64,
    y: f64,
}

/// `ts` accepts any JSON value; only a valid RFC 3339 string counts.
#[derive(Default)]
struct LenientTs(Option<i64>);

struct WireStats(EdgeStats);

impl<'a> WireEnvelope<'a> {
    fn into_message(self) -> Result<Message, DecodeError> {
        let payload = self.data.into_payload()?;
        Ok(Message { ts_millis: self.ts.0, seq: self.seq, payload })
    }
}

impl<'a> WireData<'a> {
    fn into_payload(self) -> Result<Payload, DecodeError> {
        let Some(kind) = MessageKind::from_wire(&self.kind) else {
            return Err(DecodeError {
                kind: DecodeErrorKind::UnknownType,
                detail: format!("unknown type {:?}", truncate(&self.kind, 64)),
            });
        };
        let missing = |field: &str| DecodeError {
            kind: DecodeErrorKind::BadFields,
            detail: format!("{}: missing field `{field}`", kind.wire_name()),
        };
        Ok(match kind {
            MessageKind::NodeUpsert => Payload::NodeUpsert(self.node.ok_or_else(|| missing("node"))?.into_node()),
            MessageKind::NodeStatus => Payload::NodeStatus {
                id: self.id.ok_or_else(|| missing("id"))?,
                status: Status::from_wire(&self.status.ok_or_else(|| missing("status"))?),
            },
            MessageKind::NodeDelete => Payload::NodeDelete { id: self.id.ok_or_else(|| missing("id"))? },
            MessageKind::EdgeUpsert => Payload::EdgeUpsert(self.edge.ok_or_else(|| missing("edge"))?.into_edge()),
            MessageKind::EdgeStats => Payload::EdgeStats {
                id: self.id.ok_or_else(|| missing("id"))?,
                stats: self.stats.ok_or_else(|| missing("stats"))?.0,
            },
            MessageKind::EdgeDelete => Payload::EdgeDelete { id: self.id.ok_or_else(|| missing("id"))? },
            MessageKind::Event => Payload::Event {
                message: self.message.ok_or_else(|| missing("message"))?,
                severity: self.severity.as_deref().map_or(Severity::Info, Severity::from_wire),
                node_id: self.node_id,
            },
            MessageKind::LogChunk => Payload::LogChunk {
                node_id: self.node_id.ok_or_else(|| missing("nodeId"))?,
                text: self.text.ok_or_else(|| missing("text"))?,
            },
            MessageKind::ChartPoint => {
                let value = self.value.ok_or_else(|| missing("value"))?;
                Payload::ChartPoint {
                    series: self.series.ok_or_else(|| missing("series"))?,
                    point: ChartPoint { t_millis: value.t, y: value.y },
                }
            }
            MessageKind::Snapshot => Payload::Snapshot {
                nodes: self.nodes.ok_or_else(|| missing("nodes"))?.into_iter().map(WireNode::into_node).collect(),
                edges: self.edges.ok_or_else(|| missing("edges"))?.into_iter().map(WireEdge::into_edge).collect(),
            },
        })
    }
}

impl<'a> WireNode<'a> {
    fn into_node(self) -> MeshNode {
        let meta = self
            .meta
            .unwrap_or_default()
            .into_iter()
            .map(|(key, value)| MetaEntry { key, json: value.get().to_owned() })
            .collect();
        MeshNode { id: self.id, kind: self.kind, label: self.label, status: Status::from_wire(&self.status), meta }
    }
}

impl WireEdge {
    fn into_edge(self) -> MeshEdge {
        MeshEdge {
            id: self.id,
            source: self.source,
            target: self.target,
            kind: self.kind,
            stats: self.stats.map(|stats| stats.0),
        }
    }
}

impl<'de> Deserialize<'de> for LenientTs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(LenientTs(match AnyScalar::deserialize(deserializer)? {
            AnyScalar::Text(text) => parse_rfc3339_millis(&text),
            AnyScalar::Number(_) | AnyScalar::Null | AnyScalar::Other => None,
        }))
    }
}

impl<'de> Deserialize<'de> for WireStats {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(StatsVisitor)
    }
}

struct StatsVisitor;

impl<'de> Visitor<'de> for StatsVisitor {
    type Value = WireStats;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of numeric edge stats")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WireStats, A::Error> {
        let mut stats = EdgeStats::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let value = map.next_value::<AnyScalar>()?;
            let slot = match key.as_ref() {
                "throughput" => &mut stats.throughput,
                "latencyMs" => &mut stats.latency_millis,
                "errorRate" => &mut stats.error_rate,
                "bytes" => &mut stats.bytes,
                _ => {
                    // Other numeric fields are kept; non-numeric ones are
                    // forward-compatible extras and ignored.
                    if let AnyScalar::Number(number) = value {
                        match stats.other.binary_search_by(|(name, _)| name.as_str().cmp(&key)) {
                            Ok(at) => {
                                if let Some(entry) = stats.other.get_mut(at) {
                                    entry.1 = number;
                                }
                            }
                            Err(at) => stats.other.insert(at, (key.into_owned(), number)),
                        }
                    }
                    continue;
                }
            };
            *slot = match value {
                AnyScalar::Number(number) => Some(number),
                AnyScalar::Null => None,
                AnyScalar::Text(_) | AnyScalar::Other => {
                    return Err(de::Error::custom(format!("stats.{key} is not a number")));
                }
            };
        }
        Ok(WireStats(stats))
    }
}

/// Any JSON value, reduced to what the lenient fields need to know.
enum AnyScalar<'a> {
    Number(f64),
    Text(Cow<'a, str>),
    Null,
    Other,
}

impl<'de> Deserialize<'de> for AnyScalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnyScalarVisitor)
    }
}

struct AnyScalarVisitor;

impl<'de> Visitor<'de> for AnyScalarVisitor {
    type Value = AnyScalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(AnyScalar::Other)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(AnyScalar::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(AnyScalar::Number(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(AnyScalar::Number(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(AnyScalar::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(AnyScalar::Text(Cow::Owned(v.to_owned())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(AnyScalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(AnyScalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(AnyScalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(AnyScalar::Other)
    }
}
