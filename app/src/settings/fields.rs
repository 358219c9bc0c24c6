//! The names `config.json` may use, read from `DeployConfig`'s own serde
//! derive (so they cannot drift from it). The page reads `config.json`
//! with serde-wasm-bindgen, which looks up a struct's fields by name and
//! never sees the others: `deny_unknown_fields` cannot fire there, so the
//! page compares the object's keys with these itself.

use serde::de::{self, Deserialize, Visitor};

use super::DeployConfig;

/// The field names `DeployConfig` deserializes, as written in JSON.
pub fn config_fields() -> &'static [&'static str] {
    let mut probe = FieldProbe(&[]);
    // The probe refuses every value; it only hears the struct's field list.
    let _ = DeployConfig::deserialize(&mut probe);
    probe.0
}

/// The keys of a `config.json` object that `DeployConfig` does not know,
/// as an error for the page (`None`: all known).
pub fn unknown_fields<'a>(keys: impl Iterator<Item = &'a str>) -> Option<String> {
    let known = config_fields();
    let unknown: Vec<&str> = keys.filter(|key| !known.contains(key)).collect();
    (!unknown.is_empty()).then(|| {
        let names = unknown.iter().map(|key| format!("`{key}`")).collect::<Vec<_>>().join(", ");
        format!("config.json: unknown field {names} (known: {})", known.join(", "))
    })
}

struct FieldProbe(&'static [&'static str]);

#[derive(Debug)]
struct Heard;

impl std::fmt::Display for Heard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field list heard")
    }
}

impl std::error::Error for Heard {}

impl de::Error for Heard {
    fn custom<T: std::fmt::Display>(_: T) -> Heard {
        Heard
    }
}

impl<'de> de::Deserializer<'de> for &mut FieldProbe {
    type Error = Heard;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Heard> {
        Err(Heard)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Heard> {
        self.0 = fields;
        Err(Heard)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}
