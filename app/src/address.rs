//! Strict reading of the few URLs the settings take (`ws=`, `parentOrigin=`,
//! the allow-lists in `config.json`). Decisions are made on the parsed
//! host, never on string prefixes, and anything a browser might read
//! differently from us (credentials, backslashes, whitespace, percent
//! escapes, non-ASCII hosts, shorthand IPv4 such as `127.1`) is refused
//! rather than guessed: refusing is safe, a wrong guess is not. What is
//! accepted is re-serialized from the parsed parts, so the worker connects
//! to exactly what was checked.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The schemes the dashboard deals in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
    Ws,
    Wss,
}

/// A host: a lowercase DNS name or an IP address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Name(String),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

/// `host[:port]`, as in `location.host` or a URL's authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub host: Host,
    /// `None` when absent or the scheme's default (for URLs).
    pub port: Option<u16>,
}

/// An absolute URL: scheme, authority and the rest as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub scheme: Scheme,
    pub authority: Authority,
    /// Path, query and fragment ("" or starting with `/`, `?` or `#`).
    pub rest: String,
}

/// `scheme://host[:port]`, the unit browsers compare (`MessageEvent.origin`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub scheme: Scheme,
    pub authority: Authority,
}

impl Scheme {
    fn parse(text: &str) -> Option<Scheme> {
        [Scheme::Http, Scheme::Https, Scheme::Ws, Scheme::Wss]
            .into_iter()
            .find(|scheme| scheme.as_str().eq_ignore_ascii_case(text))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
            Scheme::Ws => "ws",
            Scheme::Wss => "wss",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Scheme::Http | Scheme::Ws => 80,
            Scheme::Https | Scheme::Wss => 443,
        }
    }

    /// The WebSocket scheme of the same security (`http` → `ws`).
    pub fn to_socket(self) -> Scheme {
        match self {
            Scheme::Http | Scheme::Ws => Scheme::Ws,
            Scheme::Https | Scheme::Wss => Scheme::Wss,
        }
    }
}

impl Host {
    pub fn parse(text: &str) -> Result<Host, String> {
        let name = text.to_ascii_lowercase();
        if let Ok(address) = name.parse::<Ipv4Addr>() {
            return Ok(Host::Ipv4(address));
        }
        if name.is_empty() {
            return Err("has no host".into());
        }
        if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))) {
            return Err(format!("has {bad:?} in its host"));
        }
        if name.split('.').any(str::is_empty) {
            return Err(format!("has an empty label in its host {name}"));
        }
        // A browser reads a host whose last label is a number as an IPv4
        // address in any of its old forms (127.1, 0x7f.1, 2130706433):
        // only the plain dotted form (parsed above) is accepted.
        let last = name.rsplit('.').next().unwrap_or_default();
        let hex = last.strip_prefix("0x").is_some_and(|digits| digits.bytes().all(|b| b.is_ascii_hexdigit()));
        if hex || last.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("has {name} as its host, which is not a plain dotted IPv4 address"));
        }
        Ok(Host::Name(name))
    }

    /// `localhost`, 127.0.0.0/8 or `::1` (also as an IPv4-mapped address).
    pub fn is_loopback(&self) -> bool {
        match self {
            Host::Name(name) => name == "localhost",
            Host::Ipv4(address) => address.is_loopback(),
            Host::Ipv6(address) => address.is_loopback() || address.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        }
    }
}

impl Authority {
    /// Reads `host[:port]`; credentials (`user@`) are refused.
    pub fn parse(text: &str) -> Result<Authority, String> {
        if text.contains('@') {
            return Err("has credentials (user@host), which are not accepted".into());
        }
        let (host, port) = if let Some(inside) = text.strip_prefix('[') {
            let (literal, after) = inside.split_once(']').ok_or("has an unclosed [ in its host")?;
            let address = literal.parse::<Ipv6Addr>().map_err(|_| format!("has [{literal}], not an IPv6 address"))?;
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':').ok_or_else(|| format!("has {after:?} after its IPv6 host"))?),
            };
            (Host::Ipv6(address), port)
        } else {
            let (host, port) = text.split_once(':').map_or((text, None), |(host, port)| (host, Some(port)));
            (Host::parse(host)?, port)
        };
        let port = port.map(parse_port).transpose()?;
        Ok(Authority { host, port })
    }

    fn without_default_port(self, scheme: Scheme) -> Authority {
        Authority { port: self.port.filter(|port| *port != scheme.default_port()), ..self }
    }
}

fn parse_port(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(port) if port > 0 && text.bytes().all(|b| b.is_ascii_digit()) => Ok(port),
        _ => Err(format!("has {text:?} as its port")),
    }
}

impl Address {
    /// Reads an absolute `http`, `https`, `ws` or `wss` URL.
    pub fn parse(text: &str) -> Result<Address, String> {
        if let Some(bad) = text.chars().find(|c| c.is_control() || c.is_whitespace() || *c == '\\') {
            return Err(format!("contains {bad:?}"));
        }
        let (scheme_text, after) = text.split_once("://").ok_or("is not an absolute URL (scheme://host)")?;
        let scheme = Scheme::parse(scheme_text).ok_or_else(|| format!("has the unsupported scheme {scheme_text:?}"))?;
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (authority, rest) = after.split_at(end);
        if authority.contains('%') {
            return Err("has a percent escape in its host".into());
        }
        let authority = Authority::parse(authority)?.without_default_port(scheme);
        Ok(Address { scheme, authority, rest: rest.to_owned() })
    }

    pub fn origin(&self) -> Origin {
        Origin { scheme: self.scheme, authority: self.authority.clone() }
    }
}

impl Origin {
    /// Reads an origin: a URL with nothing after the host but an optional `/`.
    pub fn parse(text: &str) -> Result<Origin, String> {
        let address = Address::parse(text)?;
        if !(address.rest.is_empty() || address.rest == "/") {
            return Err(format!("has {:?} after its host; an origin has no path", address.rest));
        }
        Ok(address.origin())
    }
}

impl fmt::Display for Host {
    /// As browsers serialize hosts (WHATWG URL), so origins compare as text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(name) => f.write_str(name),
            Host::Ipv4(address) => write!(f, "{address}"),
            Host::Ipv6(address) => write!(f, "[{}]", ipv6_text(address)),
        }
    }
}

/// Lowercase hex pieces with the first longest run (≥ 2) of zeros as `::`;
/// unlike `Ipv6Addr`'s `Display`, never a dotted IPv4 tail.
fn ipv6_text(address: &Ipv6Addr) -> String {
    let pieces = address.segments();
    let (mut best, mut run) = ((0, 0), (0, 0));
    for (index, piece) in pieces.iter().enumerate() {
        run = if *piece == 0 { (if run.1 == 0 { index } else { run.0 }, run.1 + 1) } else { (0, 0) };
        if run.1 > best.1 {
            best = run;
        }
    }
    let hex = |range: &[u16]| range.iter().map(|p| format!("{p:x}")).collect::<Vec<_>>().join(":");
    match best {
        (start, length) if length >= 2 => {
            let (head, tail) = pieces.split_at(start);
            format!("{}::{}", hex(head), hex(tail.get(length..).unwrap_or_default()))
        }
        _ => hex(&pieces),
    }
}

impl fmt::Display for Authority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.port {
            Some(port) => write!(f, "{}:{port}", self.host),
            None => write!(f, "{}", self.host),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}{}", self.scheme.as_str(), self.authority, self.rest)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme.as_str(), self.authority)
    }
}
