//! Settings: what the deployment's `config.json` allows and defaults, what
//! the URL asks for, and one merge with one rule per field, in which the
//! URL may only narrow what the deployment allows. Both sources are first
//! read into typed `Overrides` (`overrides.rs`); bounds come from
//! `shared::limits`. Pure: the browser glue only reads `location` and
//! fetches the file, so every rule is tested natively.

mod fields;
mod find_params;
mod overrides;

use serde::Deserialize;
use shared::bridge::LinkConfig;
use shared::history::HistoryBudget;
use shared::limits::{
    DEFAULT_FLUSH_INTERVAL_MILLIS, DEFAULT_HISTORY_MAX_AGE_MILLIS, DEFAULT_HISTORY_MAX_BYTES, DEFAULT_IDLE_LIMIT_MILLIS,
};

use crate::address::{Address, Authority, Origin, Scheme};
use crate::lens::{EdgeSort, Focus, GroupBy, NodeSort};

pub use fields::{config_fields, unknown_fields};
pub use find_params::{with_find_params, Shown};
pub use overrides::{Deployment, Overrides, ParentPolicy};

/// `config.json` as written: what the deployer sets, every field optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DeployConfig {
    /// Default WebSocket URL (else the page's origin with `/ws`).
    pub ws: Option<String>,
    pub project: Option<String>,
    pub theme: Option<String>,
    pub flush: Option<u32>,
    pub idle: Option<u32>,
    /// Time travel: how far back (minutes) and how much memory (MiB).
    pub history_minutes: Option<u32>,
    #[serde(rename = "historyMiB")]
    pub history_mib: Option<u32>,
    pub hide: Vec<String>,
    pub demo: Option<bool>,
    pub kiosk: Option<bool>,
    /// Origins (`wss://feed.example.com`) the `ws` URL parameter may name.
    pub allowed_ws_origins: Vec<String>,
    /// Origins a `parentOrigin` URL parameter may name; empty or absent:
    /// no embedding; `["*"]`: any.
    pub allowed_parent_origins: Vec<String>,
    /// Session files a portal may open (`openSession {url}`), exactly as
    /// listed: paths on this site (`/recordings/x.meshview`) or http(s) URLs.
    pub session_urls: Vec<String>,
}

/// Panels that can be hidden with `hide=`.
pub const PANELS: [&str; 8] = ["topology", "details", "nodes", "edges", "events", "logs", "charts", "diagnostics"];

/// Colour theme: follow the system, or forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn parse(text: &str) -> Option<Theme> {
        match text {
            "auto" => Some(Theme::Auto),
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub link: LinkConfig,
    pub theme: Theme,
    /// In `PANELS` order, each at most once.
    pub hidden_panels: Vec<String>,
    /// Wall mode: no controls, just the live view.
    pub kiosk: bool,
    /// The embedding page's origin: the only one whose messages are
    /// accepted and the only one messages are posted to.
    pub parent_origin: Option<String>,
    /// The session files a portal may ask to open (from `config.json`).
    pub session_urls: Vec<String>,
    /// The filter the page opens with (`q`; the user may change it).
    pub filter: String,
    /// The focus the page opens with (`focus` and `hops`).
    pub focus: Option<Focus>,
    /// The tables' sorts the page opens with (`nodeSort`, `edgeSort`).
    pub node_sort: NodeSort,
    pub edge_sort: EdgeSort,
    /// What the topology groups by when the page opens (`groupBy`).
    pub group_by: GroupBy,
    /// Problems with the configuration or the parameters, shown to the user.
    pub warnings: Vec<String>,
}

/// The page the dashboard runs on (`location.protocol`, `location.host`).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub secure: bool,
    /// `location.host` as the browser gives it (already normalized).
    pub host: String,
    /// The same, parsed for the rules; `None` if it cannot be.
    pub authority: Option<Authority>,
}

impl Page {
    pub fn new(protocol: &str, host: &str) -> Page {
        Page {
            secure: protocol.eq_ignore_ascii_case("https:"),
            host: host.to_owned(),
            authority: Authority::parse(host).ok(),
        }
    }

    /// The default socket: the page's own host, path `/ws`, `wss:` under `https:`.
    fn default_ws_url(&self) -> String {
        let scheme = if self.secure { "wss" } else { "ws" };
        format!("{scheme}://{}/ws", self.host)
    }
}

/// Settings from the deployment and the URL's query pairs.
pub fn resolve(deployment: &Deployment, pairs: &[(String, String)], page: &Page) -> Settings {
    let (url, url_warnings) = Overrides::from_query(pairs);
    let mut settings = merge(deployment, &url, page);
    settings.warnings.extend(url_warnings);
    settings
}

/// Settings from the deployment and the URL's (already read) overrides:
/// one rule per field.
pub fn merge(deployment: &Deployment, url: &Overrides, page: &Page) -> Settings {
    let mut warnings = deployment.warnings.clone();
    let defaults = &deployment.defaults;
    let link = LinkConfig {
        ws_url: ws_url(deployment, url.ws.as_ref(), page, &mut warnings),
        // The server authorizes projects; the URL picks among them.
        project: url.project.clone().or_else(|| defaults.project.clone()).unwrap_or_else(|| "default".to_owned()),
        flush_interval_millis: url
            .flush_interval_millis
            .or(defaults.flush_interval_millis)
            .unwrap_or(DEFAULT_FLUSH_INTERVAL_MILLIS),
        idle_limit_millis: url.idle_limit_millis.or(defaults.idle_limit_millis).unwrap_or(DEFAULT_IDLE_LIMIT_MILLIS),
        demo: url.demo.or(defaults.demo).unwrap_or(false),
        token: None,
        history: history_budget(defaults, url, &mut warnings),
    };
    // Hiding only narrows: the union of both, in panel order.
    let hidden_panels = PANELS
        .iter()
        .filter(|panel| defaults.hidden_panels.contains(panel) || url.hidden_panels.contains(panel))
        .map(|panel| (*panel).to_owned())
        .collect();
    // A kiosk deployment stays a kiosk: the URL may add the mode, not drop it.
    let deployment_kiosk = defaults.kiosk.unwrap_or(false);
    if deployment_kiosk && url.kiosk == Some(false) {
        warnings.push("kiosk=off: this deployment is a kiosk".into());
    }
    if let (Some(hops), None) = (url.hops, &url.focus) {
        warnings.push(format!("hops={hops} without focus=<node id>: ignored"));
    }
    Settings {
        link,
        theme: url.theme.or(defaults.theme).unwrap_or(Theme::Auto),
        hidden_panels,
        kiosk: deployment_kiosk || url.kiosk.unwrap_or(false),
        parent_origin: parent_origin(&deployment.parents, url.parent_origin.as_ref(), &mut warnings),
        session_urls: deployment.session_urls.clone(),
        filter: url.filter.clone().unwrap_or_default(),
        focus: url.focus.as_ref().map(|node_id| Focus::new(node_id.clone(), url.hops.unwrap_or(1))),
        node_sort: url.node_sort.unwrap_or_default(),
        edge_sort: url.edge_sort.unwrap_or_default(),
        group_by: url.group_by.clone().unwrap_or_default(),
        warnings,
    }
}

/// The history budget: the deployment's (or the default), which the URL
/// may lower but not raise (memory is the deployer's to give).
fn history_budget(defaults: &Overrides, url: &Overrides, warnings: &mut Vec<String>) -> HistoryBudget {
    let allowed = HistoryBudget {
        max_age_millis: defaults
            .history_minutes
            .map_or(DEFAULT_HISTORY_MAX_AGE_MILLIS, |minutes| u64::from(minutes) * 60_000),
        max_bytes: defaults.history_mib.map_or(DEFAULT_HISTORY_MAX_BYTES, |mib| u64::from(mib) << 20),
    };
    let mut budget = allowed;
    if let Some(minutes) = url.history_minutes {
        let asked = u64::from(minutes) * 60_000;
        if asked > allowed.max_age_millis {
            warnings.push(format!(
                "historyMinutes={minutes}: this deployment keeps at most {} minutes",
                allowed.max_age_millis / 60_000
            ));
        }
        budget.max_age_millis = asked.min(allowed.max_age_millis);
    }
    if let Some(mib) = url.history_mib {
        let asked = u64::from(mib) << 20;
        if asked > allowed.max_bytes {
            warnings.push(format!("historyMiB={mib}: this deployment allows at most {} MiB", allowed.max_bytes >> 20));
        }
        budget.max_bytes = asked.min(allowed.max_bytes);
    }
    budget
}

/// The URL's socket if the deployment allows it, else the deployment's,
/// else the page's own. An `https:` page only ever uses `wss:`.
fn ws_url(deployment: &Deployment, url: Option<&Address>, page: &Page, warnings: &mut Vec<String>) -> String {
    let secure_enough = |address: &Address, source: &str, warnings: &mut Vec<String>| {
        let ok = !page.secure || address.scheme == Scheme::Wss;
        if !ok {
            warnings.push(format!("{source}ws={address}: an https page may only connect with wss:"));
        }
        ok
    };
    if let Some(address) = url.filter(|address| secure_enough(address, "", warnings)) {
        let same_host = page.authority.as_ref().is_some_and(|own| own.host == address.authority.host);
        let both_loopback =
            address.authority.host.is_loopback() && page.authority.as_ref().is_some_and(|own| own.host.is_loopback());
        if same_host || both_loopback || deployment.allowed_ws_origins.contains(&address.origin()) {
            return address.to_string();
        }
        warnings.push(format!("ws={address} is not allowed by this deployment (allowedWsOrigins in config.json)"));
    }
    match deployment.defaults.ws.as_ref().filter(|address| secure_enough(address, "config.json: ", warnings)) {
        Some(address) => address.to_string(),
        None => page.default_ws_url(),
    }
}

/// The `parentOrigin` the deployment allows, if any: fails closed.
fn parent_origin(policy: &ParentPolicy, asked: Option<&Origin>, warnings: &mut Vec<String>) -> Option<String> {
    let origin = asked?;
    let refusal = match policy {
        ParentPolicy::Any => None,
        ParentPolicy::Listed(origins) if origins.contains(origin) => None,
        ParentPolicy::Listed(_) => Some("is not in allowedParentOrigins (config.json)".to_owned()),
        ParentPolicy::Nobody => Some("refused: this deployment allows no embedding (allowedParentOrigins)".to_owned()),
        ParentPolicy::Unreadable(why) => Some(format!("refused: the deployment's config could not be read ({why})")),
    };
    match refusal {
        None => Some(origin.to_string()),
        Some(why) => {
            warnings.push(format!("parentOrigin={origin} {why}"));
            None
        }
    }
}
