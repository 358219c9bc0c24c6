//! Settings: deploy-time defaults from an optional `config.json` next to
//! `index.html`, then URL parameters, which may only narrow what the
//! deployer allowed (a `ws` URL must be same-host, loopback-to-loopback or on
//! the deployment's allow-list; a `parentOrigin` must be on its list when it
//! has one). Pure: the browser glue only reads `location` and fetches the
//! file, so every rule is tested natively.

use serde::Deserialize;
use shared::bridge::LinkConfig;

/// `config.json`: what the deployer sets. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DeployConfig {
    /// Default WebSocket URL (else the page's origin with `/ws`).
    pub ws: Option<String>,
    pub project: Option<String>,
    pub theme: Option<String>,
    pub flush: Option<u32>,
    pub idle: Option<u32>,
    pub hide: Vec<String>,
    pub demo: Option<bool>,
    pub kiosk: Option<bool>,
    /// Origins (`wss://feed.example.com`) the `ws` URL parameter may name.
    pub allowed_ws_origins: Vec<String>,
    /// Origins a `parentOrigin` URL parameter may name (empty: any).
    pub allowed_parent_origins: Vec<String>,
}

impl DeployConfig {
    /// Reads `config.json`'s text; an error names the problem for the page.
    pub fn parse(text: &str) -> Result<DeployConfig, String> {
        serde_json::from_str(text).map_err(|error| format!("config.json: {error}"))
    }
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
    pub hidden_panels: Vec<String>,
    /// Wall mode: no controls, just the live view.
    pub kiosk: bool,
    /// The embedding page's origin: the only one whose messages are
    /// accepted and the only one messages are posted to.
    pub parent_origin: Option<String>,
    /// Problems with the given parameters, shown to the user.
    pub warnings: Vec<String>,
}

/// The default socket URL for a page: same origin, path `/ws`, `wss:` under
/// `https:`.
pub fn default_ws_url(page_protocol: &str, page_host: &str) -> String {
    let scheme = if page_protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{page_host}/ws")
}

/// Settings from the deployment's config and the page's query pairs.
pub fn parse(config: &DeployConfig, pairs: &[(String, String)], page_protocol: &str, page_host: &str) -> Settings {
    let mut settings = Settings {
        link: LinkConfig { ws_url: default_ws_url(page_protocol, page_host), ..LinkConfig::default() },
        theme: Theme::Auto,
        hidden_panels: Vec::new(),
        kiosk: false,
        parent_origin: None,
        warnings: Vec::new(),
    };
    // The deployer's defaults, checked like any other input.
    let mut defaults: Vec<(String, String)> = Vec::new();
    let mut add = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            defaults.push((key.to_owned(), value));
        }
    };
    add("project", config.project.clone());
    add("theme", config.theme.clone());
    add("flush", config.flush.map(|v| v.to_string()));
    add("idle", config.idle.map(|v| v.to_string()));
    add("hide", (!config.hide.is_empty()).then(|| config.hide.join(",")));
    add("demo", config.demo.map(|v| v.to_string()));
    add("kiosk", config.kiosk.map(|v| v.to_string()));
    if let Some(ws) = &config.ws {
        match normalize_ws_url(ws, page_protocol) {
            Ok(url) => settings.link.ws_url = url,
            Err(why) => settings.warnings.push(format!("config.json: {why}")),
        }
    }
    let from_url = pairs.iter().map(|(k, v)| (k.clone(), v.clone()));
    for (key, value) in defaults.into_iter().chain(from_url) {
        match key.as_str() {
            "ws" => match normalize_ws_url(&value, page_protocol)
                .and_then(|url| allowed_ws_url(url, page_host, &config.allowed_ws_origins))
            {
                Ok(url) => settings.link.ws_url = url,
                Err(why) => settings.warnings.push(why),
            },
            "parentOrigin" => match origin_of(&value) {
                Some(origin)
                    if config.allowed_parent_origins.is_empty()
                        || config.allowed_parent_origins.iter().any(|o| o.eq_ignore_ascii_case(&origin)) =>
                {
                    settings.parent_origin = Some(origin);
                }
                Some(origin) => {
                    settings.warnings.push(format!("parentOrigin={origin} is not allowed by this deployment"))
                }
                None => settings.warnings.push(format!("parentOrigin={value} is not an origin")),
            },
            "project" if !value.is_empty() => settings.link.project = value,
            "theme" => match Theme::parse(&value) {
                Some(theme) => settings.theme = theme,
                None => settings.warnings.push(format!("theme={value} is not auto, light or dark")),
            },
            "flush" => match value.parse::<u32>() {
                Ok(millis) if (16..=10_000).contains(&millis) => settings.link.flush_interval_millis = millis,
                _ => settings.warnings.push(format!("flush={value} is not a number of milliseconds in 16..=10000")),
            },
            "idle" => match value.parse::<u32>() {
                Ok(millis) if millis >= 1000 => settings.link.idle_limit_millis = millis,
                _ => settings.warnings.push(format!("idle={value} is not a number of milliseconds ≥ 1000")),
            },
            "hide" => {
                for panel in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    if PANELS.contains(&panel) {
                        settings.hidden_panels.push(panel.to_owned());
                    } else {
                        settings.warnings.push(format!("hide: unknown panel {panel:?}"));
                    }
                }
            }
            "demo" => settings.link.demo = value != "0" && value != "false",
            "kiosk" => settings.kiosk = value != "0" && value != "false",
            _ => {}
        }
    }
    settings
}

/// A URL's origin (`scheme://host[:port]`, lowercased), if it has one.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let valid = !scheme.is_empty()
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
        && !authority.is_empty()
        && !authority.contains('@');
    valid.then(|| format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()))
}

fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority.split_once(']').map_or(authority, |(host, _)| host).trim_start_matches('[');
    }
    authority.rsplit_once(':').map_or(authority, |(host, _)| host)
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

/// A `ws` URL parameter is accepted when it points at the page's own host,
/// when both are loopback (development), or when the deployment lists its
/// origin; anything else could send the user's token to a stranger.
fn allowed_ws_url(url: String, page_host: &str, allowed_origins: &[String]) -> Result<String, String> {
    let origin = origin_of(&url).ok_or_else(|| format!("ws={url} has no origin"))?;
    let authority = origin.split_once("://").map_or("", |(_, a)| a);
    let (ws_host, page_host) = (host_of(authority), host_of(page_host));
    let allowed = ws_host.eq_ignore_ascii_case(page_host)
        || (is_loopback(ws_host) && is_loopback(page_host))
        || allowed_origins.iter().any(|o| o.eq_ignore_ascii_case(&origin));
    if allowed {
        Ok(url)
    } else {
        Err(format!("ws={url} is not allowed by this deployment (allowedWsOrigins in config.json)"))
    }
}

/// Accepts `ws:`/`wss:` URLs (and `http(s):`, mapped); a page served over
/// `https:` may only use `wss:`.
fn normalize_ws_url(url: &str, page_protocol: &str) -> Result<String, String> {
    let url = if let Some(rest) = url.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = url.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        url.to_owned()
    };
    if !(url.starts_with("ws://") || url.starts_with("wss://")) {
        return Err(format!("ws={url} is not a ws: or wss: URL"));
    }
    if page_protocol == "https:" && url.starts_with("ws://") {
        return Err(format!("ws={url}: an https page may only connect with wss:"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_with(config: &DeployConfig, query: &[(&str, &str)], protocol: &str, expected: &str) {
        let pairs: Vec<(String, String)> = query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let s = parse(config, &pairs, protocol, "dash.example:8080");
        let actual = format!(
            "url={} project={} demo={} flush={} theme={} hide={:?} kiosk={} parent={:?} warnings={:?}",
            s.link.ws_url,
            s.link.project,
            s.link.demo,
            s.link.flush_interval_millis,
            s.theme.as_str(),
            s.hidden_panels,
            s.kiosk,
            s.parent_origin,
            s.warnings
        );
        assert_eq!(actual, expected, "{query:?}");
    }

    fn check(query: &[(&str, &str)], protocol: &str, expected: &str) {
        check_with(&DeployConfig::default(), query, protocol, expected);
    }

    #[test]
    fn settings_from_the_url() {
        check(
            &[],
            "http:",
            r#"url=ws://dash.example:8080/ws project=default demo=false flush=250 theme=auto hide=[] kiosk=false parent=None warnings=[]"#,
        );
        check(
            &[],
            "https:",
            r#"url=wss://dash.example:8080/ws project=default demo=false flush=250 theme=auto hide=[] kiosk=false parent=None warnings=[]"#,
        );
        check(
            &[
                ("ws", "wss://dash.example/stream"),
                ("project", "p1"),
                ("demo", ""),
                ("flush", "100"),
                ("theme", "dark"),
                ("hide", "charts, logs"),
                ("kiosk", "1"),
            ],
            "https:",
            r#"url=wss://dash.example/stream project=p1 demo=true flush=100 theme=dark hide=["charts", "logs"] kiosk=true parent=None warnings=[]"#,
        );
        check(
            &[("ws", "ws://dash.example/ws"), ("flush", "0"), ("theme", "pink"), ("hide", "bogus")],
            "https:",
            r#"url=wss://dash.example:8080/ws project=default demo=false flush=250 theme=auto hide=[] kiosk=false parent=None warnings=["ws=ws://dash.example/ws: an https page may only connect with wss:", "flush=0 is not a number of milliseconds in 16..=10000", "theme=pink is not auto, light or dark", "hide: unknown panel \"bogus\""]"#,
        );
    }

    #[test]
    fn url_parameters_only_narrow_what_the_deployment_allows() {
        // A stranger's socket is refused; same host and the allow-list pass.
        check(
            &[("ws", "wss://evil.example/ws")],
            "https:",
            r#"url=wss://dash.example:8080/ws project=default demo=false flush=250 theme=auto hide=[] kiosk=false parent=None warnings=["ws=wss://evil.example/ws is not allowed by this deployment (allowedWsOrigins in config.json)"]"#,
        );
        let config = DeployConfig {
            ws: Some("wss://feed.example/ws".into()),
            project: Some("prod".into()),
            theme: Some("dark".into()),
            allowed_ws_origins: vec!["wss://feed2.example".into()],
            allowed_parent_origins: vec!["https://portal.example".into()],
            ..DeployConfig::default()
        };
        check_with(
            &config,
            &[],
            "https:",
            r#"url=wss://feed.example/ws project=prod demo=false flush=250 theme=dark hide=[] kiosk=false parent=None warnings=[]"#,
        );
        check_with(
            &config,
            &[("ws", "wss://feed2.example/ws"), ("project", "p2"), ("parentOrigin", "https://portal.example/")],
            "https:",
            r#"url=wss://feed2.example/ws project=p2 demo=false flush=250 theme=dark hide=[] kiosk=false parent=Some("https://portal.example") warnings=[]"#,
        );
        check_with(
            &config,
            &[("parentOrigin", "https://other.example")],
            "https:",
            r#"url=wss://feed.example/ws project=prod demo=false flush=250 theme=dark hide=[] kiosk=false parent=None warnings=["parentOrigin=https://other.example is not allowed by this deployment"]"#,
        );
        // Loopback to loopback is development: allowed.
        let pairs = vec![("ws".to_owned(), "ws://127.0.0.1:9001/ws".to_owned())];
        let s = parse(&DeployConfig::default(), &pairs, "http:", "localhost:8080");
        assert_eq!((s.link.ws_url.as_str(), s.warnings.len()), ("ws://127.0.0.1:9001/ws", 0));
    }

    #[test]
    fn config_json_is_read_strictly() {
        assert_eq!(DeployConfig::parse("{}"), Ok(DeployConfig::default()));
        let config = DeployConfig::parse(r#"{"project":"p","allowedWsOrigins":["wss://a.example"]}"#).unwrap();
        assert_eq!(config.allowed_ws_origins, ["wss://a.example"]);
        assert!(DeployConfig::parse(r#"{"projekt":"typo"}"#).unwrap_err().contains("unknown field"));
        assert!(DeployConfig::parse("not json").is_err());
    }

    #[test]
    fn origins() {
        assert_eq!(origin_of("HTTPS://Portal.Example:8443/path?q#f").as_deref(), Some("https://portal.example:8443"));
        assert_eq!(origin_of("https://user@evil.example"), None);
        assert_eq!(origin_of("portal.example"), None);
        assert_eq!(origin_of("wss://[::1]:9001/ws").as_deref(), Some("wss://[::1]:9001"));
    }
}
