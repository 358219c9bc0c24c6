//! The versioned `postMessage` API between the dashboard (in an iframe) and
//! the portal that embeds it. Pure: outgoing messages are typed values the
//! glue turns into plain objects, incoming ones are read field by field (only the fields a command
//! needs, each a bounded string), never serialized whole; `embed_glue`
//! (browser only) moves them across `window.postMessage`, only with the one
//! allowed parent origin.
//!
//! Out (dashboard → portal): `ready`, `resize {height}`,
//! `connection {state, text}`, `select {nodeId}`, `session {name, size,
//! data}` (the file asked for), `sessionError {text}`; each carries
//! `source: "meshview"` and `version`.
//! In (portal → dashboard): `setTheme {theme}`, `setProject {project}`,
//! `pause`, `resume`, `selectNode {nodeId}`, `setFilter {text}` (the one
//! filter of every view), `setFocus {nodeId, hops}`, `setNodeSort {by}`,
//! `setEdgeSort {by}`, `setGroupBy {by}` (the names the URL's `nodeSort`,
//! `edgeSort` and `groupBy` take), `setToken {token}`, `saveSession`,
//! `openSession {url}` (one `config.json` lists); each must carry
//! `target: "meshview"` and `version`.

use serde::Serialize;
use shared::bridge::{LinkPhase, LinkStatus};

use crate::lens::{EdgeSort, GroupBy, NodeSort, MAX_HOPS};
use crate::settings::Theme;

/// The API version this build speaks.
pub const EMBED_API_VERSION: u32 = 1;

/// A command from the portal.
#[derive(Debug, Clone, PartialEq)]
pub enum EmbedCommand {
    SetTheme(Theme),
    SetProject(String),
    Pause,
    Resume,
    SelectNode(Option<String>),
    SetFilter(String),
    /// Focus on a node (`None`: leave the focus), with 1 to 3 hops (`None`:
    /// keep the hops in force).
    SetFocus(Option<String>, Option<u8>),
    /// The tables' orders and the topology's grouping.
    SetNodeSort(NodeSort),
    SetEdgeSort(EdgeSort),
    SetGroupBy(GroupBy),
    SetToken(Option<String>),
    /// Save the history as a session file and post it back.
    SaveSession,
    /// Open the session file at this address (if `config.json` lists it).
    OpenSession(String),
}

/// The longest string (in UTF-16 code units, as JavaScript counts) read
/// from a portal message; a message with a longer field is ignored without
/// its text being copied. Tokens are the longest legitimate fields.
pub const MAX_EMBED_TEXT_UNITS: usize = 16 * 1024;

/// One field of a portal message as the glue found it. Only the fields a
/// command needs are ever looked at; the rest of the message is not read.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Absent,
    Null,
    Text(String),
    Number(f64),
    /// A string longer than `MAX_EMBED_TEXT_UNITS` (not copied).
    Oversize,
    /// Anything else: an object, an array, a boolean.
    Other,
}

impl Field {
    /// A string field of `units` UTF-16 code units; `read` copies it only
    /// when it is within the bound.
    pub fn text(units: usize, read: impl FnOnce() -> String) -> Field {
        if units > MAX_EMBED_TEXT_UNITS {
            Field::Oversize
        } else {
            Field::Text(read())
        }
    }
}

/// Reads a portal message through `field` (name → value); `Err` says why it
/// was ignored.
pub fn parse_command(field: impl Fn(&str) -> Field) -> Result<EmbedCommand, String> {
    if text(&field, "target")?.as_deref() != Some("meshview") {
        return Err("not addressed to meshview".into());
    }
    match field("version") {
        Field::Number(version) if version == f64::from(EMBED_API_VERSION) => {}
        other => {
            return Err(format!("unsupported version {other:?} (this build speaks {EMBED_API_VERSION})"));
        }
    }
    let kind = text(&field, "type")?.unwrap_or_default();
    let required = |name: &str| -> Result<String, String> {
        text(&field, name)?.filter(|value| !value.is_empty()).ok_or_else(|| format!("{kind} without {name}"))
    };
    Ok(match kind.as_str() {
        "setTheme" => EmbedCommand::SetTheme(named(&required("theme")?, Theme::parse, "theme")?),
        "setProject" => EmbedCommand::SetProject(required("project")?),
        "pause" => EmbedCommand::Pause,
        "resume" => EmbedCommand::Resume,
        "selectNode" => EmbedCommand::SelectNode(text(&field, "nodeId")?),
        "setFilter" => EmbedCommand::SetFilter(text(&field, "text")?.unwrap_or_default()),
        "setFocus" => EmbedCommand::SetFocus(text(&field, "nodeId")?, hops(field("hops"))?),
        "setNodeSort" => EmbedCommand::SetNodeSort(named(&required("by")?, NodeSort::parse, "node sort")?),
        "setEdgeSort" => EmbedCommand::SetEdgeSort(named(&required("by")?, EdgeSort::parse, "edge sort")?),
        "setGroupBy" => EmbedCommand::SetGroupBy(named(&required("by")?, GroupBy::parse, "grouping")?),
        "setToken" => EmbedCommand::SetToken(text(&field, "token")?),
        "saveSession" => EmbedCommand::SaveSession,
        "openSession" => EmbedCommand::OpenSession(required("url")?),
        other => return Err(format!("unknown command {other:?}")),
    })
}

/// A choice by its name (`parse`), or why the name is none of them.
fn named<T>(name: &str, parse: fn(&str) -> Option<T>, what: &str) -> Result<T, String> {
    parse(name).ok_or_else(|| format!("unknown {what} {name:?}"))
}

/// A string field that may be absent or null.
fn text(field: &impl Fn(&str) -> Field, name: &str) -> Result<Option<String>, String> {
    match field(name) {
        Field::Absent | Field::Null => Ok(None),
        Field::Text(text) => Ok(Some(text)),
        Field::Oversize => Err(format!("{name} is longer than {MAX_EMBED_TEXT_UNITS} characters")),
        Field::Number(_) | Field::Other => Err(format!("{name} is not a string")),
    }
}

/// An optional number of hops: 1 to `MAX_HOPS`.
fn hops(field: Field) -> Result<Option<u8>, String> {
    match field {
        Field::Absent | Field::Null => Ok(None),
        Field::Number(n) if n.fract() == 0.0 && (1.0..=f64::from(MAX_HOPS)).contains(&n) => Ok(Some(n as u8)),
        _ => Err(format!("hops is not a number from 1 to {MAX_HOPS}")),
    }
}

/// A message to the portal: the envelope every message carries
/// (`source: "meshview"`, `version`) around what it says. The glue hands it
/// to `postMessage` as a plain object (serde-wasm-bindgen), never as text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outgoing {
    source: &'static str,
    version: u32,
    #[serde(flatten)]
    pub said: Said,
}

/// What a message to the portal says; its `type` is the variant's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Said {
    Ready,
    Resize {
        height: u32,
    },
    Select {
        #[serde(rename = "nodeId")]
        node_id: Option<String>,
    },
    Connection {
        state: &'static str,
        text: String,
    },
    /// A session file the portal asked for; the glue adds its bytes as
    /// `data` (a `Uint8Array`), which no serializer copies element by element.
    Session {
        name: String,
        size: u64,
    },
    SessionError {
        text: String,
    },
}

impl Said {
    pub fn outgoing(self) -> Outgoing {
        Outgoing { source: "meshview", version: EMBED_API_VERSION, said: self }
    }
}

pub fn ready_message() -> Outgoing {
    Said::Ready.outgoing()
}

pub fn resize_message(height_px: u32) -> Outgoing {
    Said::Resize { height: height_px }.outgoing()
}

pub fn select_message(node_id: Option<&str>) -> Outgoing {
    Said::Select { node_id: node_id.map(str::to_owned) }.outgoing()
}

/// The connection state in one word, for portals. A stopped worker
/// overrides whatever it said last (its last status may say live).
pub fn connection_state(status: &LinkStatus, worker_running: bool) -> &'static str {
    if !worker_running {
        return "stopped";
    }
    if status.paused {
        return "paused";
    }
    match status.phase {
        LinkPhase::Idle | LinkPhase::Connecting => "connecting",
        LinkPhase::Open if status.graph_stale => "stale",
        LinkPhase::Open if status.quiet => "quiet",
        LinkPhase::Open | LinkPhase::Demo => "live",
        LinkPhase::Waiting if !status.online => "offline",
        LinkPhase::Waiting => "reconnecting",
    }
}

/// Whether a portal may open `url`: only an address `config.json` lists,
/// exactly.
pub fn session_url_allowed(url: &str, listed: &[String]) -> bool {
    listed.iter().any(|entry| entry == url)
}

pub fn connection_message(state: &'static str, text: &str) -> Outgoing {
    Said::Connection { state, text: text.to_owned() }.outgoing()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The glue's view of a message, from JSON (strings counted in UTF-16
    /// units as JavaScript does).
    fn fields(json_text: &str) -> impl Fn(&str) -> Field {
        let message: serde_json::Value = serde_json::from_str(json_text).unwrap();
        move |name| match message.get(name) {
            None => Field::Absent,
            Some(serde_json::Value::Null) => Field::Null,
            Some(serde_json::Value::String(text)) => Field::text(text.encode_utf16().count(), || text.clone()),
            Some(serde_json::Value::Number(number)) => number.as_f64().map_or(Field::Other, Field::Number),
            Some(_) => Field::Other,
        }
    }

    fn check(json_text: &str, expected: Result<EmbedCommand, &str>) {
        let actual = parse_command(fields(json_text));
        match (&actual, &expected) {
            (Ok(a), Ok(e)) => assert_eq!(a, e, "{json_text}"),
            (Err(a), Err(e)) => assert!(a.contains(e), "{json_text}: {a}"),
            _ => panic!("{json_text}: {actual:?} vs {expected:?}"),
        }
    }

    fn v(rest: &str) -> String {
        format!(r#"{{"target":"meshview","version":1,{rest}}}"#)
    }

    #[test]
    fn commands_in() {
        check(&v(r#""type":"setTheme","theme":"dark""#), Ok(EmbedCommand::SetTheme(Theme::Dark)));
        check(&v(r#""type":"setProject","project":"p2""#), Ok(EmbedCommand::SetProject("p2".into())));
        check(&v(r#""type":"pause""#), Ok(EmbedCommand::Pause));
        check(&v(r#""type":"resume""#), Ok(EmbedCommand::Resume));
        check(&v(r#""type":"selectNode","nodeId":"n3""#), Ok(EmbedCommand::SelectNode(Some("n3".into()))));
        check(&v(r#""type":"selectNode","nodeId":null"#), Ok(EmbedCommand::SelectNode(None)));
        check(&v(r#""type":"setFilter","text":"pg""#), Ok(EmbedCommand::SetFilter("pg".into())));
        check(&v(r#""type":"setFilter""#), Ok(EmbedCommand::SetFilter(String::new())));
        check(
            &v(r#""type":"setFocus","nodeId":"n3","hops":2"#),
            Ok(EmbedCommand::SetFocus(Some("n3".into()), Some(2))),
        );
        check(&v(r#""type":"setFocus","nodeId":"n3""#), Ok(EmbedCommand::SetFocus(Some("n3".into()), None)));
        check(&v(r#""type":"setFocus","nodeId":null"#), Ok(EmbedCommand::SetFocus(None, None)));
        check(&v(r#""type":"setToken","token":"t0k""#), Ok(EmbedCommand::SetToken(Some("t0k".into()))));
        check(&v(r#""type":"setToken","token":null"#), Ok(EmbedCommand::SetToken(None)));
        check(&v(r#""type":"saveSession""#), Ok(EmbedCommand::SaveSession));
        check(
            &v(r#""type":"openSession","url":"/r/a.meshview""#),
            Ok(EmbedCommand::OpenSession("/r/a.meshview".into())),
        );
        check(&v(r#""type":"openSession""#), Err("openSession without url"));
        check(&v(r#""type":"setNodeSort","by":"status""#), Ok(EmbedCommand::SetNodeSort(NodeSort::Status)));
        check(&v(r#""type":"setEdgeSort","by":"errors""#), Ok(EmbedCommand::SetEdgeSort(EdgeSort::Errors)));
        check(&v(r#""type":"setGroupBy","by":"kind""#), Ok(EmbedCommand::SetGroupBy(GroupBy::Kind)));
        check(
            &v(r#""type":"setGroupBy","by":"meta:region""#),
            Ok(EmbedCommand::SetGroupBy(GroupBy::Meta("region".into()))),
        );
    }

    #[test]
    fn odd_messages_are_refused() {
        check(&v(r#""type":"setTheme","theme":"pink""#), Err("unknown theme"));
        check(&v(r#""type":"setProject""#), Err("without project"));
        check(&v(r#""type":"setNodeSort","by":"errors""#), Err("unknown node sort \"errors\""));
        check(&v(r#""type":"setEdgeSort","by":"status""#), Err("unknown edge sort \"status\""));
        check(&v(r#""type":"setEdgeSort""#), Err("setEdgeSort without by"));
        check(&v(r#""type":"setGroupBy","by":"region""#), Err("unknown grouping \"region\""));
        check(&v(r#""type":"setGroupBy","by":3"#), Err("by is not a string"));
        check(&v(r#""type":"setProject","project":"""#), Err("without project"));
        check(&v(r#""type":"selfDestruct""#), Err("unknown command"));
        check(&v(r#""type":"selectNode","nodeId":7"#), Err("nodeId is not a string"));
        check(&v(r#""type":"setFilter","text":{"toString":"x"}"#), Err("text is not a string"));
        check(&v(r#""type":"setFocus","nodeId":"n3","hops":4"#), Err("hops is not a number from 1 to 3"));
        check(&v(r#""type":"setFocus","nodeId":"n3","hops":1.5"#), Err("hops is not"));
        check(&v(r#""type":"setFocus","nodeId":"n3","hops":"2""#), Err("hops is not"));
        check(&v(r#""type":["pause"]"#), Err("type is not a string"));
        check(r#"{"target":"meshview","version":2,"type":"pause"}"#, Err("unsupported version"));
        check(r#"{"target":"meshview","version":"1","type":"pause"}"#, Err("unsupported version"));
        check(r#"{"target":"meshview","type":"pause"}"#, Err("unsupported version"));
        check(r#"{"target":"other","version":1,"type":"pause"}"#, Err("not addressed"));
        check(r#"{"version":1,"type":"pause"}"#, Err("not addressed"));
        check("[1,2]", Err("not addressed"));
        check(r#""{\"target\":\"meshview\",\"version\":1,\"type\":\"pause\"}""#, Err("not addressed"));
    }

    #[test]
    fn text_fields_are_bounded() {
        let at_bound = "t".repeat(MAX_EMBED_TEXT_UNITS);
        let token = |text: &str| v(&format!(r#""type":"setToken","token":"{text}""#));
        check(&token(&at_bound), Ok(EmbedCommand::SetToken(Some(at_bound.clone()))));
        check(&token(&format!("{at_bound}t")), Err("token is longer than 16384"));
        // JavaScript counts UTF-16 units: 8193 astral characters are 16386 units.
        check(&token(&"😀".repeat(MAX_EMBED_TEXT_UNITS / 2 + 1)), Err("token is longer"));
        let copied = std::cell::Cell::new(false);
        let oversize = Field::text(MAX_EMBED_TEXT_UNITS + 1, || {
            copied.set(true);
            String::new()
        });
        assert_eq!((oversize, copied.get()), (Field::Oversize, false));
    }

    #[test]
    fn messages_out() {
        // As the portal receives them (plain objects; JSON here to compare).
        let out = |message: Outgoing| serde_json::to_value(message).unwrap();
        let expect = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        assert_eq!(out(ready_message()), expect(r#"{"source":"meshview","type":"ready","version":1}"#));
        assert_eq!(
            out(resize_message(812)),
            expect(r#"{"height":812,"source":"meshview","type":"resize","version":1}"#)
        );
        assert_eq!(
            out(select_message(None)),
            expect(r#"{"nodeId":null,"source":"meshview","type":"select","version":1}"#)
        );
        assert_eq!(
            out(select_message(Some("n1"))),
            expect(r#"{"nodeId":"n1","source":"meshview","type":"select","version":1}"#)
        );
        assert_eq!(
            out(connection_message("live", "Live")),
            expect(r#"{"state":"live","text":"Live","source":"meshview","type":"connection","version":1}"#)
        );
        let live = LinkStatus { phase: LinkPhase::Open, ..LinkStatus::default() };
        assert_eq!(connection_state(&live, true), "live");
        assert_eq!(connection_state(&live, false), "stopped");
        assert_eq!(connection_state(&LinkStatus { paused: true, ..live }, true), "paused");
    }

    #[test]
    fn only_listed_session_urls_open() {
        let listed = vec!["/recordings/a.meshview".to_owned(), "https://cdn.example/b.meshview".to_owned()];
        assert!(session_url_allowed("/recordings/a.meshview", &listed));
        assert!(session_url_allowed("https://cdn.example/b.meshview", &listed));
        for url in [
            "/recordings/a.meshview?x",
            "/recordings/",
            "/recordings/A.meshview",
            "https://cdn.example/b.meshview/",
            "",
        ] {
            assert!(!session_url_allowed(url, &listed), "{url}");
        }
    }
}
