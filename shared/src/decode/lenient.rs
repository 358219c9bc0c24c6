//! Fields read leniently: a value of the wrong shape is read as absent (and
//! noted) instead of costing the message. `ts`, `seq` and `pos` of the
//! envelope, an event's `severity`, and edge stats beyond the named four.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::limits::MAX_EXTRA_EDGE_STATS;
use crate::protocol::{EdgeStats, Pos, Severity};
use crate::time::parse_rfc3339_millis;

/// A string, borrowed from the frame when it holds no escapes.
pub(super) struct Text<'a>(pub Cow<'a, str>);

/// `ts`: only a valid RFC 3339 string counts; anything else is absent.
#[derive(Default)]
pub(super) struct LenientTs(pub Option<i64>);

/// An optional envelope field that, when present, may be invalid.
#[derive(Default)]
pub(super) enum Lenient<T> {
    #[default]
    Absent,
    Valid(T),
    Invalid,
}

pub(super) type LenientSeq = Lenient<u64>;
pub(super) type LenientPos = Lenient<Pos>;

impl<T> Lenient<T> {
    pub fn value(self) -> Option<T> {
        match self {
            Lenient::Valid(value) => Some(value),
            Lenient::Absent | Lenient::Invalid => None,
        }
    }

    pub fn is_invalid(&self) -> bool {
        matches!(self, Lenient::Invalid)
    }
}

/// Edge stats: the four named numbers, plus at most
/// `MAX_EXTRA_EDGE_STATS` other numeric fields (by name; `dropped` counts
/// the rest). Non-numeric extra fields are forward-compatible and ignored.
pub(super) struct WireStats {
    pub stats: EdgeStats,
    pub dropped: u32,
}

/// `severity`: a known string, else `info` (also for a non-string).
pub(super) fn lenient_severity<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Severity, D::Error> {
    Ok(match scalar(deserializer)? {
        Some(AnyScalar::Text(text)) => Severity::from_wire(&text),
        _ => Severity::Info,
    })
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        deserializer.deserialize_str(TextVisitor).map(Text)
    }
}

impl<'de> Deserialize<'de> for LenientTs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(LenientTs(match scalar(deserializer)? {
            Some(AnyScalar::Text(text)) => parse_rfc3339_millis(&text),
            _ => None,
        }))
    }
}

impl<'de> Deserialize<'de> for LenientSeq {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Anything but an unsigned integer (a float, a string, a number past
        // u64 or past f64, null) is invalid, never an error.
        let raw = <&'de RawValue>::deserialize(deserializer)?;
        Ok(serde_json::from_str::<u64>(raw.get()).map_or(Lenient::Invalid, Lenient::Valid))
    }
}

impl<'de> Deserialize<'de> for LenientPos {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match scalar(deserializer)? {
            Some(AnyScalar::Text(text)) => Pos::parse(&text).map_or(Lenient::Invalid, Lenient::Valid),
            _ => Lenient::Invalid,
        })
    }
}

/// Any value, as a scalar; `None` for a number too large for f64. The value
/// is skipped as raw text first, so such a number costs nothing else.
fn scalar<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<AnyScalar<'de>>, D::Error> {
    let raw = <&'de RawValue>::deserialize(deserializer)?;
    Ok(serde_json::from_str::<AnyScalar>(raw.get()).ok())
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
        let mut extra: Vec<(String, f64)> = Vec::new();
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let key = key.0;
            let value = map.next_value::<AnyScalar>()?;
            let slot = match key.as_ref() {
                "throughput" => &mut stats.throughput,
                "latencyMs" => &mut stats.latency_millis,
                "errorRate" => &mut stats.error_rate,
                "bytes" => &mut stats.bytes,
                _ => {
                    if let AnyScalar::Number(number) = value {
                        extra.push((key.into_owned(), number));
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
        let (other, dropped) = sorted_extra_stats(extra);
        stats.other = other;
        Ok(WireStats { stats, dropped })
    }
}

/// Sorts extra stats by name (the last value of a repeated name wins) and
/// keeps the first `MAX_EXTRA_EDGE_STATS`: O(n log n) for any object.
fn sorted_extra_stats(mut extra: Vec<(String, f64)>) -> (Vec<(String, f64)>, u32) {
    // A stable sort keeps repeated names in arrival order.
    extra.sort_by(|a, b| a.0.cmp(&b.0));
    let mut kept: Vec<(String, f64)> = Vec::with_capacity(extra.len().min(MAX_EXTRA_EDGE_STATS + 1));
    let mut distinct = 0usize;
    for (name, value) in extra {
        match kept.last_mut() {
            Some(last) if last.0 == name => last.1 = value,
            _ => {
                distinct += 1;
                if kept.len() < MAX_EXTRA_EDGE_STATS {
                    kept.push((name, value));
                }
            }
        }
    }
    let dropped = distinct.saturating_sub(kept.len());
    (kept, u32::try_from(dropped).unwrap_or(u32::MAX))
}

/// Any JSON value, reduced to what the lenient fields need to know.
pub(super) enum AnyScalar<'a> {
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
