//! Text frame -> messages (docs/protocol.md). Total: any input yields good
//! messages plus classified errors, never a panic, and a bad message costs
//! only itself, also inside a batch.
//!
//! Three paths, each only for what the one before leaves. The scanner
//! (`scan`) reads the hot message types straight from the bytes, and hands
//! serde any element it does not read itself. Serde parses the frame once,
//! each message by its own type (see `wire`). Only a frame holding a bad
//! element takes the slow path: it is split into raw elements (a split that
//! tolerates numbers out of range and lone surrogate escapes), and each
//! element is decoded, repaired or classified on its own.

mod cursor;
mod lenient;
mod number;
mod repair;
mod scan;
#[cfg(test)]
mod tests;
mod wire;

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::limits::MAX_FRAME_BYTES;
use crate::protocol::{Message, MessageKind};
use scan::{scan_frame, Scanned};
use wire::{WireData, WireEnvelope};

/// Powers of ten that are f64s exactly (also the filter's thresholds' reader).
pub use number::EXACT_POWERS_OF_TEN;

/// Why (part of) a frame was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecodeErrorKind {
    /// Not JSON at all (the whole frame is lost).
    InvalidJson,
    /// Valid JSON, but not a message object or an array of them.
    NotAMessage,
    /// A message whose `data.type` is not a known type.
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

/// What was repaired or left out of messages that were kept.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DecodeNotes {
    /// A `seq` that was present but not an unsigned integer (read as absent).
    pub invalid_seq: u32,
    /// A `pos` that was present but not `<epoch>:<offset>` (read as absent).
    pub invalid_pos: u32,
    /// Messages whose lone surrogate escapes became U+FFFD.
    pub repaired_surrogates: u32,
    /// Extra numeric edge stats past `MAX_EXTRA_EDGE_STATS`, left out.
    pub dropped_edge_stats: u32,
}

/// What a frame held: the good messages in stream order, the errors, and
/// what was repaired on the way.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DecodedFrame {
    pub messages: Vec<Message>,
    pub errors: Vec<DecodeError>,
    pub notes: DecodeNotes,
}

/// Decodes one text frame (a message object or a JSON array of them).
pub fn decode_frame(text: &str) -> DecodedFrame {
    let mut out = DecodedFrame::default();
    decode_frame_into(text, &mut out);
    out
}

/// Decodes one text frame into `out`, which is cleared first and keeps its
/// buffers: the worker decodes every frame into the same one. A batch's
/// elements go straight into `out.messages` as they are parsed (no
/// intermediate list), and are thrown away again if the frame turns out to
/// need the slow path.
pub fn decode_frame_into(text: &str, out: &mut DecodedFrame) {
    out.clear();
    if text.len() > MAX_FRAME_BYTES {
        out.errors.push(oversize_error(text.len()));
        return;
    }
    if let Scanned::Read { by_serde } = scan_frame(text, out) {
        // Each element handed to serde became one message or one error.
        debug_assert!(by_serde <= out.messages.len() + out.errors.len());
        return;
    }
    out.clear();
    decode_with_serde(text, out);
}

/// The serde paths alone, for a frame within the size limit.
fn decode_with_serde(text: &str, out: &mut DecodedFrame) {
    match text.bytes().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let parsed = BatchSeed(out).deserialize(&mut deserializer).and_then(|()| deserializer.end());
            if parsed.is_err() {
                decode_batch_slowly(text, out);
            }
        }
        Some(b'{') => decode_element(text, out),
        _ => {
            let kind = match serde_json::from_str::<IgnoredAny>(text) {
                Ok(_) => DecodeErrorKind::NotAMessage,
                Err(_) => DecodeErrorKind::InvalidJson,
            };
            out.errors.push(DecodeError { kind, detail: "frame is not an object or array".into() });
        }
    }
}

/// Parses a batch's elements into a `DecodedFrame`, one at a time.
struct BatchSeed<'o>(&'o mut DecodedFrame);

impl<'de> DeserializeSeed<'de> for BatchSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for BatchSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of messages")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(envelope) = seq.next_element::<WireEnvelope>()? {
            self.0.push(envelope);
        }
        Ok(())
    }
}

/// The error for a frame of `len` bytes (or UTF-16 units) over the limit.
pub fn oversize_error(len: usize) -> DecodeError {
    DecodeError { kind: DecodeErrorKind::Oversize, detail: format!("frame of {len} bytes > {MAX_FRAME_BYTES}") }
}

impl DecodedFrame {
    /// Empties it, keeping its buffers.
    fn clear(&mut self) {
        self.messages.clear();
        self.errors.clear();
        self.notes = DecodeNotes::default();
    }

    fn push(&mut self, envelope: WireEnvelope) {
        self.notes.invalid_seq += u32::from(envelope.seq.is_invalid());
        self.notes.invalid_pos += u32::from(envelope.pos.is_invalid());
        match envelope.data {
            WireData::Payload { payload, dropped_edge_stats } => {
                self.notes.dropped_edge_stats += dropped_edge_stats;
                self.messages.push(Message {
                    ts_millis: envelope.ts.0,
                    seq: envelope.seq.value(),
                    pos: envelope.pos.value(),
                    payload,
                });
            }
            WireData::UnknownType(name) => self.errors.push(unknown_type(&name)),
            WireData::Missing { kind, field } => self.errors.push(DecodeError {
                kind: DecodeErrorKind::BadFields,
                detail: format!("{}: missing field `{field}`", kind.wire_name()),
            }),
        }
    }
}

/// Splits a batch into raw elements and decodes each on its own. The split
/// skips values without interpreting them, so an element with a number out
/// of range or a lone surrogate still leaves its neighbours intact.
fn decode_batch_slowly(text: &str, out: &mut DecodedFrame) {
    out.clear();
    match serde_json::from_str::<Vec<&RawValue>>(text) {
        Ok(elements) => elements.into_iter().for_each(|element| decode_element(element.get(), out)),
        Err(error) => out.errors.push(DecodeError { kind: DecodeErrorKind::InvalidJson, detail: error.to_string() }),
    }
}

/// Decodes one message object; a lone surrogate escape is replaced and the
/// message decoded again; anything else that fails is classified.
fn decode_element(text: &str, out: &mut DecodedFrame) {
    let error = match serde_json::from_str::<WireEnvelope>(text) {
        Ok(envelope) => return out.push(envelope),
        Err(error) => error,
    };
    if let Some(repaired) = repair::replace_lone_surrogates(text) {
        match serde_json::from_str::<WireEnvelope>(&repaired) {
            Ok(envelope) => {
                out.notes.repaired_surrogates += 1;
                out.push(envelope);
            }
            Err(error) => out.errors.push(classify(&repaired, &error)),
        }
        return;
    }
    out.errors.push(classify(text, &error));
}

/// Names what is wrong with a message that failed to decode: not JSON, not
/// a message at all, an unknown type, or a known type with bad fields.
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
    if serde_json::from_str::<IgnoredAny>(element).is_err() {
        return DecodeError { kind: DecodeErrorKind::InvalidJson, detail: error.to_string() };
    }
    match serde_json::from_str::<Probe>(element) {
        Ok(probe) => match MessageKind::from_wire(&probe.data.kind) {
            Some(kind) => {
                DecodeError { kind: DecodeErrorKind::BadFields, detail: format!("{}: {error}", kind.wire_name()) }
            }
            None => unknown_type(&probe.data.kind),
        },
        Err(_) => DecodeError { kind: DecodeErrorKind::NotAMessage, detail: format!("not a message: {error}") },
    }
}

fn unknown_type(name: &str) -> DecodeError {
    DecodeError { kind: DecodeErrorKind::UnknownType, detail: format!("unknown type {:?}", truncate(name, 64)) }
}

fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}
