//! The versioned `postMessage` API between the dashboard (in an iframe) and
//! the portal that embeds it. Pure: messages are parsed from and written to
//! JSON text here; `embed_glue` (browser only) moves them across
//! `window.postMessage`, only with the one allowed parent origin.
//!
//! Out (dashboard → portal): `ready`, `resize {height}`,
//! `connection {state, text}`, `select {nodeId}`; each carries
//! `source: "meshview"` and `version`.
//! In (portal → dashboard): `setTheme {theme}`, `setProject {project}`,
//! `pause`, `resume`, `selectNode {nodeId}`, `setFilter {text}`,
//! `setToken {token}`; each must carry `target: "meshview"` and `version`.

use serde::Deserialize;
use serde_json::json;
use shared::bridge::{LinkPhase, LinkStatus};

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
    SetToken(Option<String>),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Incoming {
    target: Option<String>,
    version: Option<u32>,
    #[serde(rename = "type")]
    kind: String,
    theme: Option<String>,
    project: Option<String>,
    node_id: Option<String>,
    text: Option<String>,
    token: Option<String>,
}

/// Reads a portal message (as JSON text); `Err` says why it was ignored.
pub fn parse_command(json_text: &str) -> Result<EmbedCommand, String> {
    let incoming: Incoming = serde_json::from_str(json_text).map_err(|e| format!("not an embed command: {e}"))?;
    if incoming.target.as_deref() != Some("meshview") {
        return Err("not addressed to meshview".into());
    }
    if incoming.version != Some(EMBED_API_VERSION) {
        return Err(format!("unsupported version {:?} (this build speaks {EMBED_API_VERSION})", incoming.version));
    }
    let missing = |field: &str| format!("{} without {field}", incoming.kind);
    Ok(match incoming.kind.as_str() {
        "setTheme" => {
            let theme = incoming.theme.as_deref().ok_or_else(|| missing("theme"))?;
            EmbedCommand::SetTheme(Theme::parse(theme).ok_or_else(|| format!("unknown theme {theme:?}"))?)
        }
        "setProject" => {
            EmbedCommand::SetProject(incoming.project.filter(|p| !p.is_empty()).ok_or_else(|| missing("project"))?)
        }
        "pause" => EmbedCommand::Pause,
        "resume" => EmbedCommand::Resume,
        "selectNode" => EmbedCommand::SelectNode(incoming.node_id),
        "setFilter" => EmbedCommand::SetFilter(incoming.text.unwrap_or_default()),
        "setToken" => EmbedCommand::SetToken(incoming.token),
        other => return Err(format!("unknown command {other:?}")),
    })
}

fn envelope(kind: &str, mut fields: serde_json::Value) -> String {
    if let Some(map) = fields.as_object_mut() {
        map.insert("source".into(), json!("meshview"));
        map.insert("version".into(), json!(EMBED_API_VERSION));
        map.insert("type".into(), json!(kind));
    }
    fields.to_string()
}

pub fn ready_message() -> String {
    envelope("ready", json!({}))
}

pub fn resize_message(height_px: u32) -> String {
    envelope("resize", json!({ "height": height_px }))
}

pub fn select_message(node_id: Option<&str>) -> String {
    envelope("select", json!({ "nodeId": node_id }))
}

/// The connection state in one word, for portals.
pub fn connection_state(status: &LinkStatus) -> &'static str {
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

pub fn connection_message(state: &str, text: &str) -> String {
    envelope("connection", json!({ "state": state, "text": text }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json_text: &str, expected: Result<EmbedCommand, &str>) {
        let actual = parse_command(json_text);
        match (&actual, &expected) {
            (Ok(a), Ok(e)) => assert_eq!(a, e, "{json_text}"),
            (Err(a), Err(e)) => assert!(a.contains(e), "{json_text}: {a}"),
            _ => panic!("{json_text}: {actual:?} vs {expected:?}"),
        }
    }

    #[test]
    fn commands_in() {
        let v = |rest: &str| format!(r#"{{"target":"meshview","version":1,{rest}}}"#);
        check(&v(r#""type":"setTheme","theme":"dark""#), Ok(EmbedCommand::SetTheme(Theme::Dark)));
        check(&v(r#""type":"setProject","project":"p2""#), Ok(EmbedCommand::SetProject("p2".into())));
        check(&v(r#""type":"pause""#), Ok(EmbedCommand::Pause));
        check(&v(r#""type":"resume""#), Ok(EmbedCommand::Resume));
        check(&v(r#""type":"selectNode","nodeId":"n3""#), Ok(EmbedCommand::SelectNode(Some("n3".into()))));
        check(&v(r#""type":"setFilter","text":"pg""#), Ok(EmbedCommand::SetFilter("pg".into())));
        check(&v(r#""type":"setToken","token":"t0k""#), Ok(EmbedCommand::SetToken(Some("t0k".into()))));
        check(&v(r#""type":"setTheme","theme":"pink""#), Err("unknown theme"));
        check(&v(r#""type":"setProject""#), Err("without project"));
        check(&v(r#""type":"selfDestruct""#), Err("unknown command"));
        check(r#"{"target":"meshview","version":2,"type":"pause"}"#, Err("unsupported version"));
        check(r#"{"target":"other","version":1,"type":"pause"}"#, Err("not addressed"));
        check("[1,2]", Err("not an embed command"));
    }

    #[test]
    fn messages_out() {
        assert_eq!(ready_message(), r#"{"source":"meshview","type":"ready","version":1}"#);
        assert_eq!(resize_message(812), r#"{"height":812,"source":"meshview","type":"resize","version":1}"#);
        assert_eq!(select_message(None), r#"{"nodeId":null,"source":"meshview","type":"select","version":1}"#);
        let live = LinkStatus { phase: LinkPhase::Open, ..LinkStatus::default() };
        assert_eq!(connection_state(&live), "live");
        assert_eq!(connection_state(&LinkStatus { paused: true, ..live }), "paused");
    }
}
