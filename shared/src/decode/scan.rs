//! The fast path for the messages a server sends all the time (statuses,
//! stats, events, log chunks, chart points, deletes): read straight from
//! the frame's bytes into `Message`s, without serde's generic machinery.
//!
//! It reads only what it can read the way serde would: `type` first, no
//! repeated field, no value that the lenient readers would note, repair or
//! read as a default (a non-string `ts` or `severity`). An element outside
//! that is cut out of the batch and decoded by serde on its own, exactly as
//! the slow path would decode it; a frame that starts with such an element,
//! or whose syntax the scanner doubts, goes to serde whole. So the scanner
//! changes how fast a frame is read, never what it yields (`decode/tests.rs`
//! checks this on the simulator's streams and on generated frames).

use std::borrow::Cow;

use super::cursor::Cursor;
use super::{decode_element, DecodedFrame};
use crate::limits::MAX_ID_BYTES;
use crate::protocol::{ChartPoint, EdgeStats, Message, MessageKind, Payload, Pos, Severity, Status};
use crate::time::parse_rfc3339_millis;

/// How the scanner read a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scanned {
    /// Every element was read; `by_serde` of them were handed to serde.
    Read { by_serde: usize },
    /// The frame's syntax is for serde to judge: nothing was kept.
    Whole,
}

/// Reads a frame (a message object or an array of them) into `out`, which
/// is empty on entry.
pub(super) fn scan_frame(text: &str, out: &mut DecodedFrame) -> Scanned {
    let mut cursor = Cursor::new(text);
    let read = match cursor.peek() {
        Some(b'[') => scan_batch(&mut cursor, out),
        Some(b'{') => element(&mut cursor, out, true),
        _ => None,
    };
    match read {
        Some(by_serde) if cursor.at_end() => Scanned::Read { by_serde },
        _ => Scanned::Whole,
    }
}

/// The elements of a batch; the number handed to serde.
fn scan_batch(cursor: &mut Cursor, out: &mut DecodedFrame) -> Option<usize> {
    cursor.expect(b'[')?;
    let mut by_serde = 0;
    if cursor.eat(b']') {
        return Some(by_serde);
    }
    let mut first = true;
    loop {
        if cursor.peek()? != b'{' {
            return None;
        }
        by_serde += element(cursor, out, std::mem::take(&mut first))?;
        if cursor.eat(b']') {
            return Some(by_serde);
        }
        cursor.expect(b',')?;
    }
}

/// One message object: scanned, or else skipped and handed to serde (1).
/// A frame whose first element is not scanned goes to serde whole: that is
/// how snapshots and batches of upserts come, and serde reads them in one
/// pass, where cutting out each element would read them twice.
fn element(cursor: &mut Cursor, out: &mut DecodedFrame, first: bool) -> Option<usize> {
    let start = cursor.offset();
    if let Some(message) = message(cursor) {
        out.messages.push(message);
        return Some(0);
    }
    if first {
        return None;
    }
    cursor.rewind(start);
    cursor.skip_value()?;
    decode_element(cursor.slice(start, cursor.offset())?, out);
    Some(1)
}

/// The envelope: `ts`, `seq`, `pos` and `data`; other fields are skipped.
fn message(cursor: &mut Cursor) -> Option<Message> {
    cursor.expect(b'{')?;
    let (mut ts_millis, mut seq, mut pos, mut payload) = (None, None, None, None);
    let mut first = true;
    while let Some(key) = cursor.next_key(first)? {
        first = false;
        match key {
            "ts" => once(&mut ts_millis, parse_rfc3339_millis(cursor.plain_str()?))?,
            "seq" => once(&mut seq, cursor.unsigned()?)?,
            "pos" => once(&mut pos, Pos::parse(cursor.plain_str()?)?)?,
            "data" => once(&mut payload, data(cursor)?)?,
            _ => cursor.skip_value()?,
        }
    }
    Some(Message { ts_millis: ts_millis.flatten(), seq, pos, payload: payload? })
}

/// Sets a field read for the first time; a repeated one is serde's to judge.
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    slot.is_none().then(|| *slot = Some(value))
}

/// The `data` object of a hot type, with `type` its first field.
fn data(cursor: &mut Cursor) -> Option<Payload> {
    cursor.expect(b'{')?;
    if cursor.next_key(true)? != Some("type") {
        return None;
    }
    let kind = MessageKind::from_wire(cursor.plain_str()?)?;
    let mut fields = Fields::default();
    while let Some(key) = cursor.next_key(false)? {
        fields.read(kind, key, cursor)?;
    }
    fields.into_payload(kind)
}

/// The fields of the hot types, each read at most once.
#[derive(Default)]
struct Fields<'a> {
    id: Option<String>,
    status: Option<Status>,
    stats: Option<EdgeStats>,
    message: Option<Cow<'a, str>>,
    severity: Option<Severity>,
    node_id: Option<Option<String>>,
    text: Option<Cow<'a, str>>,
    series: Option<String>,
    point: Option<ChartPoint>,
}

impl<'a> Fields<'a> {
    /// Reads `key` if `kind` has such a field, else skips its value.
    fn read(&mut self, kind: MessageKind, key: &str, cursor: &mut Cursor<'a>) -> Option<()> {
        use MessageKind as K;
        match (kind, key) {
            (K::NodeStatus | K::NodeDelete | K::EdgeStats | K::EdgeDelete, "id") => once(&mut self.id, id(cursor)?),
            (K::NodeStatus, "status") => once(&mut self.status, Status::from_wire(cursor.plain_str()?)),
            (K::EdgeStats, "stats") => once(&mut self.stats, stats(cursor)?),
            (K::Event, "message") => once(&mut self.message, cursor.string()?),
            (K::Event, "severity") => once(&mut self.severity, Severity::from_wire(cursor.plain_str()?)),
            (K::Event, "nodeId") => {
                let node_id = if cursor.null() { None } else { Some(id(cursor)?) };
                once(&mut self.node_id, node_id)
            }
            (K::LogChunk, "nodeId") => once(&mut self.node_id, Some(id(cursor)?)),
            (K::LogChunk, "text") => once(&mut self.text, cursor.string()?),
            (K::ChartPoint, "series") => once(&mut self.series, id(cursor)?),
            (K::ChartPoint, "value") => once(&mut self.point, point(cursor)?),
            (K::NodeUpsert | K::EdgeUpsert | K::Snapshot | K::SnapshotEnd | K::Resumed, _) => None,
            _ => cursor.skip_value(),
        }
    }

    /// The payload; `None` when a field it needs is missing (serde names it).
    fn into_payload(self, kind: MessageKind) -> Option<Payload> {
        Some(match kind {
            MessageKind::NodeStatus => Payload::NodeStatus { id: self.id?, status: self.status? },
            MessageKind::NodeDelete => Payload::NodeDelete { id: self.id? },
            MessageKind::EdgeStats => Payload::EdgeStats { id: self.id?, stats: self.stats? },
            MessageKind::EdgeDelete => Payload::EdgeDelete { id: self.id? },
            MessageKind::Event => Payload::Event {
                message: self.message?.into_owned(),
                severity: self.severity.unwrap_or(Severity::Info),
                node_id: self.node_id.flatten(),
            },
            MessageKind::LogChunk => {
                Payload::LogChunk { node_id: self.node_id.flatten()?, text: self.text?.into_owned() }
            }
            MessageKind::ChartPoint => Payload::ChartPoint { series: self.series?, point: self.point? },
            MessageKind::NodeUpsert
            | MessageKind::EdgeUpsert
            | MessageKind::Snapshot
            | MessageKind::SnapshotEnd
            | MessageKind::Resumed => return None,
        })
    }
}

/// An id or series name, at most `MAX_ID_BYTES`.
fn id(cursor: &mut Cursor) -> Option<String> {
    let text = cursor.string()?;
    (text.len() <= MAX_ID_BYTES).then(|| text.into_owned())
}

/// Edge stats with only the four named fields, each a number or `null`.
fn stats(cursor: &mut Cursor) -> Option<EdgeStats> {
    cursor.expect(b'{')?;
    let mut stats = EdgeStats::default();
    let mut seen = [false; 4];
    let mut first = true;
    while let Some(key) = cursor.next_key(first)? {
        first = false;
        let (index, slot) = match key {
            "throughput" => (0, &mut stats.throughput),
            "latencyMs" => (1, &mut stats.latency_millis),
            "errorRate" => (2, &mut stats.error_rate),
            "bytes" => (3, &mut stats.bytes),
            _ => return None,
        };
        let seen = seen.get_mut(index)?;
        if std::mem::replace(seen, true) {
            return None;
        }
        *slot = if cursor.null() { None } else { Some(cursor.number()?) };
    }
    Some(stats)
}

/// A chart point's `value`: `t` and `y`, other fields skipped.
fn point(cursor: &mut Cursor) -> Option<ChartPoint> {
    cursor.expect(b'{')?;
    let (mut t_millis, mut y) = (None, None);
    let mut first = true;
    while let Some(key) = cursor.next_key(first)? {
        first = false;
        match key {
            "t" => once(&mut t_millis, cursor.number()?)?,
            "y" => once(&mut y, cursor.number()?)?,
            _ => cursor.skip_value()?,
        }
    }
    Some(ChartPoint { t_millis: t_millis?, y: y? })
}
