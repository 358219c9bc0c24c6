//! Reading each source into typed `Overrides`: the URL's query pairs and
//! `config.json` (which also carries the allow-lists, read into a
//! `Deployment`). Both use the same field rules; every rejected value is
//! named in a warning and left out.

use shared::limits::{
    FLUSH_INTERVAL_MILLIS_RANGE, HISTORY_MIB_RANGE, HISTORY_MINUTES_RANGE, IDLE_LIMIT_MILLIS_RANGE, MAX_ID_BYTES,
};

use super::{DeployConfig, Theme, PANELS};
use crate::address::{Address, Origin};
use crate::lens::{by_name, EdgeSort, GroupBy, NodeSort, MAX_HOPS};

/// What one source asks for, checked; `None` (or empty): it does not say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// A `ws:`/`wss:` URL (`http(s):` is mapped).
    pub ws: Option<Address>,
    pub project: Option<String>,
    pub theme: Option<Theme>,
    pub flush_interval_millis: Option<u32>,
    pub idle_limit_millis: Option<u32>,
    /// The history's age (minutes) and bytes (MiB) budget.
    pub history_minutes: Option<u32>,
    pub history_mib: Option<u32>,
    pub hidden_panels: Vec<&'static str>,
    pub demo: Option<bool>,
    pub kiosk: Option<bool>,
    /// Only the URL names a parent (the deployment lists the allowed ones).
    pub parent_origin: Option<Origin>,
    /// The filter (`q`), checked to parse (README, "Filtering").
    pub filter: Option<String>,
    /// A node to focus on (`focus`), and how many hops around it (`hops`).
    pub focus: Option<String>,
    pub hops: Option<u8>,
    /// The tables' sorts (`nodeSort`, `edgeSort`).
    pub node_sort: Option<NodeSort>,
    pub edge_sort: Option<EdgeSort>,
    /// What the topology groups by (`groupBy`: `kind` or `meta:<key>`).
    pub group_by: Option<GroupBy>,
}

/// Which embedding parents the deployment allows.
#[derive(Debug, Clone, PartialEq)]
pub enum ParentPolicy {
    /// No list (or an empty one): no embedding API.
    Nobody,
    /// `["*"]`: any origin the URL names.
    Any,
    Listed(Vec<Origin>),
    /// `config.json` could not be fetched or read: nothing is trusted.
    Unreadable(String),
}

/// The deployment, typed: its defaults, what it allows, and what was wrong
/// with its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub defaults: Overrides,
    pub allowed_ws_origins: Vec<Origin>,
    pub parents: ParentPolicy,
    /// Session files a portal may open (checked entries of `sessionUrls`).
    pub session_urls: Vec<String>,
    pub warnings: Vec<String>,
}

/// The allow-list entry that means "any parent origin".
pub const ANY_PARENT: &str = "*";

impl Deployment {
    /// A `config.json` that was read (or is absent: `DeployConfig::default()`).
    pub fn from_config(config: &DeployConfig) -> Deployment {
        let mut warnings = Vec::new();
        let mut note = |result: Result<(), String>| {
            if let Err(why) = result {
                warnings.push(format!("config.json: {why}"));
            }
        };
        let mut defaults = Overrides::default();
        if let Some(ws) = &config.ws {
            note(socket_address(ws).map(|address| defaults.ws = Some(address)));
        }
        match config.project.as_deref() {
            Some("") => note(Err("project is empty".into())),
            project => defaults.project = project.map(str::to_owned),
        }
        if let Some(theme) = &config.theme {
            note(parse_theme(theme).map(|theme| defaults.theme = Some(theme)));
        }
        if let Some(millis) = config.flush {
            note(
                in_range("flush", millis, &FLUSH_INTERVAL_MILLIS_RANGE)
                    .map(|millis| defaults.flush_interval_millis = Some(millis)),
            );
        }
        if let Some(millis) = config.idle {
            note(
                in_range("idle", millis, &IDLE_LIMIT_MILLIS_RANGE)
                    .map(|millis| defaults.idle_limit_millis = Some(millis)),
            );
        }
        if let Some(minutes) = config.history_minutes {
            note(
                count_in("historyMinutes", minutes, &HISTORY_MINUTES_RANGE, "minutes")
                    .map(|n| defaults.history_minutes = Some(n)),
            );
        }
        if let Some(mib) = config.history_mib {
            note(count_in("historyMiB", mib, &HISTORY_MIB_RANGE, "MiB").map(|n| defaults.history_mib = Some(n)));
        }
        for name in &config.hide {
            note(panel(name).map(|panel| defaults.hidden_panels.push(panel)));
        }
        (defaults.demo, defaults.kiosk) = (config.demo, config.kiosk);
        let mut allowed_ws_origins = Vec::new();
        for entry in &config.allowed_ws_origins {
            let origin = Origin::parse(entry).map(|mut origin| {
                origin.scheme = origin.scheme.to_socket();
                origin
            });
            note(
                origin
                    .map(|origin| allowed_ws_origins.push(origin))
                    .map_err(|why| format!("allowedWsOrigins: {entry} {why}")),
            );
        }
        let (parents, parent_warnings) = parent_policy(&config.allowed_parent_origins);
        warnings.extend(parent_warnings.into_iter().map(|why| format!("config.json: {why}")));
        let mut session_urls = Vec::new();
        for entry in &config.session_urls {
            match session_url(entry) {
                Ok(url) => session_urls.push(url),
                Err(why) => warnings.push(format!("config.json: sessionUrls: {why}")),
            }
        }
        Deployment { defaults, allowed_ws_origins, parents, session_urls, warnings }
    }

    /// `config.json` could not be fetched or parsed: no defaults, no
    /// allow-lists, no embedding, and the page says why.
    pub fn unreadable(why: String) -> Deployment {
        Deployment {
            defaults: Overrides::default(),
            allowed_ws_origins: Vec::new(),
            parents: ParentPolicy::Unreadable(why.clone()),
            session_urls: Vec::new(),
            warnings: vec![format!("{why}: only the page's own stream, and no embedding")],
        }
    }
}

/// A session file's address: a path on this site or an http(s) URL, at
/// most `MAX_ID_BYTES` long, without spaces.
fn session_url(entry: &str) -> Result<String, String> {
    let lower = entry.to_ascii_lowercase();
    let shaped = entry.starts_with('/') && !entry.starts_with("//")
        || lower.starts_with("https://")
        || lower.starts_with("http://");
    if !shaped || entry.len() > MAX_ID_BYTES || entry.chars().any(char::is_whitespace) {
        return Err(format!("{entry:?} is not a path on this site (/...) or an http(s) URL"));
    }
    Ok(entry.to_owned())
}

fn parent_policy(entries: &[String]) -> (ParentPolicy, Vec<String>) {
    if entries.iter().any(|entry| entry == ANY_PARENT) {
        if entries.len() == 1 {
            return (ParentPolicy::Any, Vec::new());
        }
        let why = format!("allowedParentOrigins: {ANY_PARENT:?} must be the only entry; embedding is off");
        return (ParentPolicy::Nobody, vec![why]);
    }
    let mut warnings = Vec::new();
    let origins: Vec<Origin> = entries
        .iter()
        .filter_map(|entry| {
            Origin::parse(entry).map_err(|why| warnings.push(format!("allowedParentOrigins: {entry} {why}"))).ok()
        })
        .collect();
    let policy = if origins.is_empty() { ParentPolicy::Nobody } else { ParentPolicy::Listed(origins) };
    (policy, warnings)
}

impl Overrides {
    /// The URL's query pairs; unknown, empty and invalid ones are named.
    pub fn from_query(pairs: &[(String, String)]) -> (Overrides, Vec<String>) {
        let mut overrides = Overrides::default();
        let mut warnings = Vec::new();
        for (key, value) in pairs {
            if let Err(why) = overrides.read_pair(key, value) {
                warnings.push(why);
            }
        }
        (overrides, warnings)
    }

    fn read_pair(&mut self, key: &str, value: &str) -> Result<(), String> {
        let is_flag = matches!(key, "demo" | "kiosk");
        if value.is_empty() && !is_flag {
            return Err(if is_known(key) { format!("{key} is empty") } else { format!("unknown parameter {key:?}") });
        }
        match key {
            "ws" => self.ws = Some(socket_address(value).map_err(|why| format!("ws={value} {why}"))?),
            "project" => self.project = Some(value.to_owned()),
            "theme" => self.theme = Some(parse_theme(value)?),
            "flush" => self.flush_interval_millis = Some(millis_in(key, value, &FLUSH_INTERVAL_MILLIS_RANGE)?),
            "idle" => self.idle_limit_millis = Some(millis_in(key, value, &IDLE_LIMIT_MILLIS_RANGE)?),
            "historyMinutes" => {
                self.history_minutes =
                    Some(count_in(key, parse_count(key, value)?, &HISTORY_MINUTES_RANGE, "minutes")?);
            }
            "historyMiB" => {
                self.history_mib = Some(count_in(key, parse_count(key, value)?, &HISTORY_MIB_RANGE, "MiB")?)
            }
            "hide" => {
                for name in value.split(',').map(str::trim).filter(|name| !name.is_empty()) {
                    self.hidden_panels.push(panel(name)?);
                }
            }
            "demo" => self.demo = Some(flag(key, value)?),
            "kiosk" => self.kiosk = Some(flag(key, value)?),
            "parentOrigin" => self.parent_origin = Some(parent(value)?),
            "q" => self.filter = Some(query(value)?),
            "focus" if value.len() > MAX_ID_BYTES => return Err(format!("focus is longer than {MAX_ID_BYTES} bytes")),
            "focus" => self.focus = Some(value.to_owned()),
            "hops" => self.hops = Some(hops(value)?),
            "nodeSort" => self.node_sort = Some(sort(key, value, &NodeSort::NAMED)?),
            "edgeSort" => self.edge_sort = Some(sort(key, value, &EdgeSort::NAMED)?),
            "groupBy" => self.group_by = Some(group_by(value)?),
            _ => return Err(format!("unknown parameter {key:?}")),
        }
        Ok(())
    }
}

fn is_known(key: &str) -> bool {
    matches!(
        key,
        "ws" | "project"
            | "theme"
            | "flush"
            | "idle"
            | "historyMinutes"
            | "historyMiB"
            | "hide"
            | "demo"
            | "kiosk"
            | "parentOrigin"
            | "q"
            | "focus"
            | "hops"
            | "nodeSort"
            | "edgeSort"
            | "groupBy"
    )
}

/// A table sort by its name (of `named`); the error lists the names.
fn sort<S: Copy>(key: &str, value: &str, named: &[(S, &'static str)]) -> Result<S, String> {
    by_name(named, value).ok_or_else(|| {
        let names: Vec<&str> = named.iter().map(|(_, name)| *name).collect();
        format!("{key}={value} is not one of {}", names.join(", "))
    })
}

/// A grouping by its name (`GroupBy::parse`), its key of at most
/// `MAX_ID_BYTES`.
fn group_by(value: &str) -> Result<GroupBy, String> {
    GroupBy::parse(value)
        .filter(|by| !matches!(by, GroupBy::Meta(key) if key.len() > MAX_ID_BYTES))
        .ok_or_else(|| format!("groupBy={value} is not kind or meta:<a key of at most {MAX_ID_BYTES} bytes>"))
}

/// A filter that parses; the error says where it does not.
fn query(text: &str) -> Result<String, String> {
    match crate::filter::parse(text) {
        Ok(_) => Ok(text.to_owned()),
        Err(error) => Err(format!("q={text}: {} (at character {})", error.message, error.start + 1)),
    }
}

fn hops(text: &str) -> Result<u8, String> {
    text.parse::<u8>()
        .ok()
        .filter(|hops| (1..=MAX_HOPS).contains(hops))
        .ok_or_else(|| format!("hops={text} is not a number of hops from 1 to {MAX_HOPS}"))
}

/// A socket URL: `ws:`/`wss:`, or `http(s):` mapped to it.
fn socket_address(text: &str) -> Result<Address, String> {
    let mut address = Address::parse(text)?;
    address.scheme = address.scheme.to_socket();
    Ok(address)
}

fn parent(text: &str) -> Result<Origin, String> {
    let address = Address::parse(text).map_err(|why| format!("parentOrigin={text} {why}"))?;
    if address.scheme != address.scheme.to_socket() {
        Ok(address.origin())
    } else {
        Err(format!("parentOrigin={text} is not an http(s) origin"))
    }
}

fn parse_theme(text: &str) -> Result<Theme, String> {
    Theme::parse(text).ok_or_else(|| format!("theme={text} is not auto, light or dark"))
}

type MillisRange = std::ops::RangeInclusive<u32>;

/// A URL's number of milliseconds within its bound.
fn millis_in(key: &str, text: &str, range: &MillisRange) -> Result<u32, String> {
    text.parse::<u32>().ok().filter(|millis| range.contains(millis)).ok_or_else(|| range_error(key, text, range))
}

/// A config's number of milliseconds within its bound.
fn in_range(key: &str, millis: u32, range: &MillisRange) -> Result<u32, String> {
    range.contains(&millis).then_some(millis).ok_or_else(|| range_error(key, &millis.to_string(), range))
}

/// A whole number of `unit` within its bound.
fn count_in(key: &str, count: u32, range: &std::ops::RangeInclusive<u32>, unit: &str) -> Result<u32, String> {
    range
        .contains(&count)
        .then_some(count)
        .ok_or_else(|| format!("{key}={count} is not a number of {unit} in {}..={}", range.start(), range.end()))
}

fn parse_count(key: &str, text: &str) -> Result<u32, String> {
    text.parse::<u32>().map_err(|_| format!("{key}={text} is not a whole number"))
}

fn range_error(key: &str, text: &str, range: &MillisRange) -> String {
    format!("{key}={text} is not a number of milliseconds in {}..={}", range.start(), range.end())
}

fn panel(name: &str) -> Result<&'static str, String> {
    PANELS.into_iter().find(|panel| *panel == name).ok_or_else(|| format!("hide: unknown panel {name:?}"))
}

/// A switch: present without a value (`?demo`) means on.
fn flag(key: &str, value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("{key}={value} is not on or off (1/0, true/false, yes/no, on/off)")),
    }
}
