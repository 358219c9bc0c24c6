//! Settings from the page URL: where to connect and how to show the
//! dashboard. Parsing is pure (a query string in, settings out) so it is
//! tested natively; the browser glue only reads `location`.

use shared::bridge::LinkConfig;

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
    /// Problems with the given parameters, shown to the user.
    pub warnings: Vec<String>,
}

/// The default socket URL for a page: same origin, path `/ws`, `wss:` under
/// `https:`.
pub fn default_ws_url(page_protocol: &str, page_host: &str) -> String {
    let scheme = if page_protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{page_host}/ws")
}

/// Reads settings from the page's query pairs.
pub fn parse(pairs: &[(String, String)], page_protocol: &str, page_host: &str) -> Settings {
    let mut settings = Settings {
        link: LinkConfig { ws_url: default_ws_url(page_protocol, page_host), ..LinkConfig::default() },
        theme: Theme::Auto,
        hidden_panels: Vec::new(),
        kiosk: false,
        warnings: Vec::new(),
    };
    for (key, value) in pairs {
        match key.as_str() {
            "ws" => match check_ws_url(value, page_protocol) {
                Ok(url) => settings.link.ws_url = url,
                Err(why) => settings.warnings.push(why),
            },
            "project" if !value.is_empty() => settings.link.project = value.clone(),
            "theme" => match Theme::parse(value) {
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

/// Accepts `ws:`/`wss:` URLs (and `http(s):`, mapped); a page served over
/// `https:` may only use `wss:`.
fn check_ws_url(url: &str, page_protocol: &str) -> Result<String, String> {
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

    fn check(query: &[(&str, &str)], protocol: &str, expected: &str) {
        let pairs: Vec<(String, String)> = query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let s = parse(&pairs, protocol, "dash.example:8080");
        let actual = format!(
            "url={} project={} demo={} flush={} theme={} hide={:?} kiosk={} warnings={:?}",
            s.link.ws_url,
            s.link.project,
            s.link.demo,
            s.link.flush_interval_millis,
            s.theme.as_str(),
            s.hidden_panels,
            s.kiosk,
            s.warnings
        );
        assert_eq!(actual, expected, "{query:?}");
    }

    #[test]
    fn settings_from_the_url() {
        check(
            &[],
            "http:",
            r#"url=ws://dash.example:8080/ws project=default demo=false flush=250 theme=auto hide=[] kiosk=false warnings=[]"#,
        );
        check(
            &[],
            "https:",
            r#"url=wss://dash.example:8080/ws project=default demo=false flush=250 theme=auto hide=[] kiosk=false warnings=[]"#,
        );
        check(
            &[
                ("ws", "wss://feed.example/stream"),
                ("project", "p1"),
                ("demo", ""),
                ("flush", "100"),
                ("theme", "dark"),
                ("hide", "charts, logs"),
                ("kiosk", "1"),
            ],
            "https:",
            r#"url=wss://feed.example/stream project=p1 demo=true flush=100 theme=dark hide=["charts", "logs"] kiosk=true warnings=[]"#,
        );
        check(
            &[("ws", "ws://plain.example/ws"), ("flush", "0"), ("theme", "pink"), ("hide", "bogus")],
            "https:",
            r#"url=wss://dash.example:8080/ws project=default demo=false flush=250 theme=auto hide=[] kiosk=false warnings=["ws=ws://plain.example/ws: an https page may only connect with wss:", "flush=0 is not a number of milliseconds in 16..=10000", "theme=pink is not auto, light or dark", "hide: unknown panel \"bogus\""]"#,
        );
        check(
            &[("ws", "http://127.0.0.1:9/ws")],
            "http:",
            r#"url=ws://127.0.0.1:9/ws project=default demo=false flush=250 theme=auto hide=[] kiosk=false warnings=[]"#,
        );
    }
}
