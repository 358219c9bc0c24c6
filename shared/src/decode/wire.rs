//! The JSON shape of a message, decoded per type: `data.type` picks which
//! fields are read, and every other field (even one that another type uses
//! with another shape) is skipped as unknown. When `type` comes first, as
//! servers usually send it, this is one pass; fields before it are kept as
//! raw slices and read once the type is known.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::lenient::{lenient_severity, LenientPos, LenientSeq, LenientTs, Text, WireStats};
use crate::limits::MAX_ID_BYTES;
use crate::protocol::{ChartPoint, MeshEdge, MeshNode, MessageKind, MetaEntry, Payload, Pos, Severity, Status};

#[derive(Deserialize)]
pub(super) struct WireEnvelope {
    #[serde(default)]
    pub ts: LenientTs,
    #[serde(default)]
    pub seq: LenientSeq,
    #[serde(default)]
    pub pos: LenientPos,
    pub data: WireData,
}

/// A decoded `data` object. Unknown types and missing fields are results,
/// not parse errors, so the rest of a batch still parses in one pass.
pub(super) enum WireData {
    Payload { payload: Payload, dropped_edge_stats: u32 },
    UnknownType(String),
    Missing { kind: MessageKind, field: &'static str },
}

impl<'de> Deserialize<'de> for WireData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(DataVisitor)
    }
}

struct DataVisitor;

impl<'de> Visitor<'de> for DataVisitor {
    type Value = WireData;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a payload object with a `type`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WireData, A::Error> {
        let mut before_type: Vec<(Cow<'de, str>, &'de RawValue)> = Vec::new();
        let type_name = loop {
            let Some(key) = map.next_key::<Text<'de>>()? else {
                return Err(de::Error::missing_field("type"));
            };
            if key.0 == "type" {
                break map.next_value::<Text<'de>>()?.0;
            }
            before_type.push((key.0, map.next_value()?));
        };
        let Some(kind) = MessageKind::from_wire(&type_name) else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(WireData::UnknownType(type_name.into_owned()));
        };
        let mut fields = Fields::new(kind);
        for (key, raw) in before_type {
            let mut deserializer = serde_json::Deserializer::from_str(raw.get());
            fields.set(&key, &mut deserializer).map_err(de::Error::custom)?;
        }
        while let Some(key) = map.next_key::<Text<'de>>()? {
            map.next_value_seed(FieldSeed { fields: &mut fields, key: &key.0 })?;
        }
        Ok(fields.finish(kind))
    }
}

/// The fields one payload type reads, filled in any order.
enum Fields<'de> {
    NodeUpsert { node: Option<WireNode<'de>> },
    NodeStatus { id: Option<String>, status: Option<Status> },
    NodeDelete { id: Option<String> },
    EdgeUpsert { edge: Option<WireEdge> },
    EdgeStats { id: Option<String>, stats: Option<WireStats> },
    EdgeDelete { id: Option<String> },
    Event { message: Option<String>, severity: Severity, node_id: Option<String> },
    LogChunk { node_id: Option<String>, text: Option<String> },
    ChartPoint { series: Option<String>, value: Option<WirePoint> },
    Snapshot { nodes: Option<Vec<WireNode<'de>>>, edges: Option<Vec<WireEdge>>, partial: bool },
    SnapshotEnd,
    Resumed { since: Option<Pos> },
}

impl<'de> Fields<'de> {
    fn new(kind: MessageKind) -> Fields<'de> {
        match kind {
            MessageKind::NodeUpsert => Fields::NodeUpsert { node: None },
            MessageKind::NodeStatus => Fields::NodeStatus { id: None, status: None },
            MessageKind::NodeDelete => Fields::NodeDelete { id: None },
            MessageKind::EdgeUpsert => Fields::EdgeUpsert { edge: None },
            MessageKind::EdgeStats => Fields::EdgeStats { id: None, stats: None },
            MessageKind::EdgeDelete => Fields::EdgeDelete { id: None },
            MessageKind::Event => Fields::Event { message: None, severity: Severity::Info, node_id: None },
            MessageKind::LogChunk => Fields::LogChunk { node_id: None, text: None },
            MessageKind::ChartPoint => Fields::ChartPoint { series: None, value: None },
            MessageKind::Snapshot => Fields::Snapshot { nodes: None, edges: None, partial: false },
            MessageKind::SnapshotEnd => Fields::SnapshotEnd,
            MessageKind::Resumed => Fields::Resumed { since: None },
        }
    }

    /// Reads `key` if this type has such a field, else skips its value.
    fn set<D: Deserializer<'de>>(&mut self, key: &str, value: D) -> Result<(), D::Error> {
        use Fields as F;
        match (self, key) {
            (F::NodeUpsert { node }, "node") => *node = Some(WireNode::deserialize(value)?),
            (
                F::NodeStatus { id, .. } | F::NodeDelete { id } | F::EdgeStats { id, .. } | F::EdgeDelete { id },
                "id",
            ) => *id = Some(Id::deserialize(value)?.0),
            (F::NodeStatus { status, .. }, "status") => *status = Some(Status::from_wire(&Text::deserialize(value)?.0)),
            (F::EdgeUpsert { edge }, "edge") => *edge = Some(WireEdge::deserialize(value)?),
            (F::EdgeStats { stats, .. }, "stats") => *stats = Some(WireStats::deserialize(value)?),
            (F::Event { message, .. }, "message") => *message = Some(String::deserialize(value)?),
            (F::Event { severity, .. }, "severity") => *severity = lenient_severity(value)?,
            (F::Event { node_id, .. }, "nodeId") => *node_id = Option::<Id>::deserialize(value)?.map(|id| id.0),
            (F::LogChunk { node_id, .. }, "nodeId") => *node_id = Some(Id::deserialize(value)?.0),
            (F::LogChunk { text, .. }, "text") => *text = Some(String::deserialize(value)?),
            (F::ChartPoint { series, .. }, "series") => *series = Some(Id::deserialize(value)?.0),
            (F::ChartPoint { value: point, .. }, "value") => *point = Some(WirePoint::deserialize(value)?),
            (F::Snapshot { nodes, .. }, "nodes") => *nodes = Some(Vec::deserialize(value)?),
            (F::Snapshot { edges, .. }, "edges") => *edges = Some(Vec::deserialize(value)?),
            (F::Snapshot { partial, .. }, "partial") => *partial = Option::<bool>::deserialize(value)?.unwrap_or(false),
            (F::Resumed { since }, "since") => {
                let text = Text::deserialize(value)?;
                let pos = Pos::parse(&text.0)
                    .ok_or_else(|| de::Error::custom("`since` is not a position `<epoch>:<offset>`"))?;
                *since = Some(pos);
            }
            _ => {
                IgnoredAny::deserialize(value)?;
            }
        }
        Ok(())
    }

    fn finish(self, kind: MessageKind) -> WireData {
        let dropped_edge_stats = self.dropped_edge_stats();
        match self.into_payload() {
            Ok(payload) => WireData::Payload { payload, dropped_edge_stats },
            Err(field) => WireData::Missing { kind, field },
        }
    }

    fn dropped_edge_stats(&self) -> u32 {
        match self {
            Fields::EdgeUpsert { edge: Some(edge) } => edge.dropped_stats(),
            Fields::EdgeStats { stats: Some(stats), .. } => stats.dropped,
            Fields::Snapshot { edges: Some(edges), .. } => edges.iter().map(WireEdge::dropped_stats).sum(),
            _ => 0,
        }
    }

    /// The payload, or the name of the first missing field.
    fn into_payload(self) -> Result<Payload, &'static str> {
        use Fields as F;
        Ok(match self {
            F::NodeUpsert { node } => Payload::NodeUpsert(node.ok_or("node")?.into_node()),
            F::NodeStatus { id, status } => {
                Payload::NodeStatus { id: id.ok_or("id")?, status: status.ok_or("status")? }
            }
            F::NodeDelete { id } => Payload::NodeDelete { id: id.ok_or("id")? },
            F::EdgeUpsert { edge } => Payload::EdgeUpsert(edge.ok_or("edge")?.into_edge()),
            F::EdgeStats { id, stats } => {
                Payload::EdgeStats { id: id.ok_or("id")?, stats: stats.ok_or("stats")?.stats }
            }
            F::EdgeDelete { id } => Payload::EdgeDelete { id: id.ok_or("id")? },
            F::Event { message, severity, node_id } => {
                Payload::Event { message: message.ok_or("message")?, severity, node_id }
            }
            F::LogChunk { node_id, text } => {
                Payload::LogChunk { node_id: node_id.ok_or("nodeId")?, text: text.ok_or("text")? }
            }
            F::ChartPoint { series, value } => {
                let series = series.ok_or("series")?;
                let value = value.ok_or("value")?;
                Payload::ChartPoint { series, point: ChartPoint { t_millis: value.t, y: value.y } }
            }
            F::Snapshot { nodes, edges, partial } => Payload::Snapshot {
                nodes: nodes.ok_or("nodes")?.into_iter().map(WireNode::into_node).collect(),
                edges: edges.ok_or("edges")?.into_iter().map(WireEdge::into_edge).collect(),
                partial,
            },
            F::SnapshotEnd => Payload::SnapshotEnd,
            F::Resumed { since } => Payload::Resumed { since: since.ok_or("since")? },
        })
    }
}

/// Hands one map value to `Fields::set`.
struct FieldSeed<'f, 'k, 'de> {
    fields: &'f mut Fields<'de>,
    key: &'k str,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.fields.set(self.key, deserializer)
    }
}

/// An id or series name, at most `MAX_ID_BYTES`.
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.len() > MAX_ID_BYTES {
            return Err(de::Error::custom(format!("an id of {} bytes is longer than {MAX_ID_BYTES}", text.len())));
        }
        Ok(Id(text))
    }
}

#[derive(Deserialize)]
struct WireNode<'a> {
    id: Id,
    kind: String,
    label: String,
    #[serde(borrow)]
    status: Text<'a>,
    #[serde(default, borrow)]
    meta: Option<BTreeMap<String, &'a RawValue>>,
}

#[derive(Deserialize)]
struct WireEdge {
    id: Id,
    source: Id,
    target: Id,
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

impl WireNode<'_> {
    fn into_node(self) -> MeshNode {
        let meta = self
            .meta
            .unwrap_or_default()
            .into_iter()
            .map(|(key, value)| MetaEntry { key, json: value.get().to_owned() })
            .collect();
        MeshNode { id: self.id.0, kind: self.kind, label: self.label, status: Status::from_wire(&self.status.0), meta }
    }
}

impl WireEdge {
    fn dropped_stats(&self) -> u32 {
        self.stats.as_ref().map_or(0, |stats| stats.dropped)
    }

    fn into_edge(self) -> MeshEdge {
        MeshEdge {
            id: self.id.0,
            source: self.source.0,
            target: self.target.0,
            kind: self.kind,
            stats: self.stats.map(|stats| stats.stats),
        }
    }
}
