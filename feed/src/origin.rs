//! Which pages may open the stream: the `Origin` of a WebSocket upgrade is
//! parsed (scheme, host, port) and compared field by field with an
//! allow-list, never by string prefix, so `http://127.0.0.1.evil.example`
//! is not a loopback origin.

use std::net::IpAddr;

/// An `http` or `https` origin: lowercase host (IPv6 in brackets) and the
/// port, explicit or the scheme's default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    secure: bool,
    host: String,
    port: u16,
}

/// The origins allowed to open a WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AllowedOrigins {
    /// The origin the server is reached at (the request's `Host`, under
    /// `http` or `https`) and loopback origins (`127.0.0.1`, `localhost`,
    /// `[::1]`, any port).
    #[default]
    SameHostOrLoopback,
    /// Any origin (`--allow-origin '*'`).
    Any,
    /// Exactly these origins (given with `--allow-origin`; they replace the
    /// default).
    List(Vec<Origin>),
}

impl Origin {
    /// Parses `scheme://host[:port]` with scheme `http` or `https`; anything
    /// else (a path, user info, `null`, another scheme) is `None`.
    pub fn parse(text: &str) -> Option<Origin> {
        let (scheme, authority) = text.split_once("://")?;
        let secure = match scheme.to_ascii_lowercase().as_str() {
            "http" => false,
            "https" => true,
            _ => return None,
        };
        let (host, port) = parse_authority(authority)?;
        Some(Origin { secure, host, port: port.unwrap_or(if secure { 443 } else { 80 }) })
    }

    /// A loopback host: `localhost`, or an IP address that is loopback.
    pub fn is_loopback(&self) -> bool {
        let bare = self.host.trim_start_matches('[').trim_end_matches(']');
        self.host == "localhost" || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// Whether this is the origin of a page served at `host_header` (the
    /// request's `Host`: `host[:port]`), under either scheme.
    fn is_served_at(&self, host_header: &str) -> bool {
        let Some((host, port)) = parse_authority(host_header) else { return false };
        host == self.host && port.unwrap_or(if self.secure { 443 } else { 80 }) == self.port
    }
}

impl AllowedOrigins {
    /// Parses `--allow-origin` values: none gives the default, `*` allows
    /// any origin, anything else must be an `http(s)://host[:port]` origin.
    pub fn from_values(values: &[String]) -> Result<AllowedOrigins, String> {
        if values.is_empty() {
            return Ok(AllowedOrigins::SameHostOrLoopback);
        }
        if values.iter().any(|value| value == "*") {
            return Ok(AllowedOrigins::Any);
        }
        let origins = values
            .iter()
            .map(|value| {
                Origin::parse(value).ok_or_else(|| format!("--allow-origin {value:?}: expected http(s)://host[:port]"))
            })
            .collect::<Result<_, _>>()?;
        Ok(AllowedOrigins::List(origins))
    }

    /// Whether an upgrade with these `Origin` and `Host` headers may proceed.
    /// No `Origin` (not a browser) is allowed: the check stops other sites'
    /// pages, which browsers always label.
    pub fn allows(&self, origin_header: Option<&[u8]>, host_header: Option<&[u8]>) -> bool {
        let Some(origin_header) = origin_header else { return true };
        if *self == AllowedOrigins::Any {
            return true;
        }
        let Some(origin) = std::str::from_utf8(origin_header).ok().and_then(Origin::parse) else { return false };
        match self {
            AllowedOrigins::Any => true,
            AllowedOrigins::SameHostOrLoopback => {
                origin.is_loopback()
                    || host_header.and_then(|h| std::str::from_utf8(h).ok()).is_some_and(|h| origin.is_served_at(h))
            }
            AllowedOrigins::List(origins) => origins.contains(&origin),
        }
    }
}

/// `host[:port]` → lowercase host and port; `None` for anything that is not
/// exactly that (paths, user info, empty parts, stray characters).
fn parse_authority(authority: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if inside.is_empty() || !inside.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
            return None;
        }
        (format!("[{inside}]"), after)
    } else {
        let end = authority.find(':').unwrap_or(authority.len());
        let (host, after) = authority.split_at(end);
        let host_ok = host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if host.is_empty() || !host_ok {
            return None;
        }
        (host.to_owned(), after)
    };
    let port = match port {
        "" => None,
        with_colon => {
            let digits = with_colon.strip_prefix(':')?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some(digits.parse().ok()?)
        }
    };
    Some((host.to_ascii_lowercase(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(allowed: &AllowedOrigins, origin: Option<&str>, host: Option<&str>, expected: bool) {
        let got = allowed.allows(origin.map(str::as_bytes), host.map(str::as_bytes));
        assert_eq!(got, expected, "origin {origin:?} at host {host:?} under {allowed:?}");
    }

    #[test]
    fn default_allows_loopback_and_own_host_only() {
        let default = AllowedOrigins::default();
        let host = Some("dash.example:9001");
        for origin in [
            "http://127.0.0.1:5173",
            "https://127.0.0.1",
            "http://localhost:8080",
            "http://LOCALHOST:1",
            "http://[::1]:9001",
            "http://127.0.0.2:80",
            "http://dash.example:9001",
            "https://dash.example:9001",
            "HTTP://Dash.Example:9001",
        ] {
            check(&default, Some(origin), host, true);
        }
        for origin in [
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example:9001",
            "http://evil.example",
            "http://dash.example:9002",
            "http://dash.example",
            "http://dash.example.evil:9001",
            "http://evil@127.0.0.1",
            "http://127.0.0.1/path",
            "http://127.0.0.1:",
            "http://127.0.0.1:99999",
            "http://[::1",
            "ws://127.0.0.1:9001",
            "file://",
            "null",
            "",
        ] {
            check(&default, Some(origin), host, false);
        }
        // Without Origin: not a browser, nothing to protect against.
        check(&default, None, host, true);
        // Default ports: a Host without a port is port 80 under http, 443 under https.
        check(&default, Some("https://dash.example"), Some("dash.example"), true);
        check(&default, Some("http://dash.example"), Some("dash.example"), true);
        check(&default, Some("http://dash.example:8080"), Some("dash.example"), false);
        check(&default, Some("http://dash.example:80"), Some("dash.example:80"), true);
        // No Host: only loopback.
        check(&default, Some("http://dash.example"), None, false);
        check(&default, Some("http://localhost:3000"), None, true);
    }

    #[test]
    fn a_list_replaces_the_default() {
        let values = vec!["https://portal.example".to_owned(), "http://10.0.0.5:8080".to_owned()];
        let list = AllowedOrigins::from_values(&values).unwrap();
        check(&list, Some("https://portal.example"), Some("feed.example"), true);
        check(&list, Some("https://portal.example:443"), Some("feed.example"), true);
        check(&list, Some("http://10.0.0.5:8080"), Some("feed.example"), true);
        check(&list, Some("http://portal.example"), Some("feed.example"), false);
        check(&list, Some("https://portal.example:8443"), Some("feed.example"), false);
        check(&list, Some("http://127.0.0.1:9001"), Some("127.0.0.1:9001"), false);
        check(&list, Some("https://feed.example"), Some("feed.example"), false);
    }

    #[test]
    fn star_allows_any_and_bad_values_are_errors() {
        let any = AllowedOrigins::from_values(&["*".to_owned()]).unwrap();
        assert_eq!(any, AllowedOrigins::Any);
        check(&any, Some("https://evil.example"), Some("feed.example"), true);
        check(&any, Some("null"), None, true);
        assert_eq!(AllowedOrigins::from_values(&[]).unwrap(), AllowedOrigins::SameHostOrLoopback);
        for bad in ["portal.example", "https://portal.example/", "https://a b", "ftp://x", "https://*.example"] {
            assert!(AllowedOrigins::from_values(&[bad.to_owned()]).is_err(), "{bad} accepted");
        }
    }
}
