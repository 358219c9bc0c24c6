//! The allow-lists: `ws=` decided on parsed hosts (never string prefixes),
//! URLs read strictly, and embedding that fails closed.
#![cfg(not(target_arch = "wasm32"))]

use app::address::{Address, Origin};
use app::settings::{resolve, DeployConfig, Deployment, Page};

/// What a `ws=` parameter becomes on a page (`protocol`, `host`): the URL
/// the worker will use, or the warning shown instead.
fn check_ws(deployment: &Deployment, protocol: &str, page_host: &str, ws: &str, expected: Result<&str, &str>) {
    let pairs = vec![("ws".to_owned(), ws.to_owned())];
    let settings = resolve(deployment, &pairs, &Page::new(protocol, page_host));
    match expected {
        Ok(url) => assert_eq!((settings.link.ws_url.as_str(), settings.warnings), (url, vec![]), "{ws}"),
        Err(warning) => {
            let fallback = Page::new(protocol, page_host);
            let default = resolve(deployment, &[], &fallback).link.ws_url;
            assert_eq!(settings.link.ws_url, default, "{ws} must fall back");
            assert!(
                settings.warnings.len() == 1 && settings.warnings.iter().all(|w| w.contains(warning)),
                "{ws}: {:?} should say {warning:?}",
                settings.warnings
            );
        }
    }
}

fn no_config() -> Deployment {
    Deployment::from_config(&DeployConfig::default())
}

#[test]
fn loopback_pages_accept_loopback_sockets_only() {
    let none = no_config();
    let loopback = |ws: &str, expected| check_ws(&none, "http:", "127.0.0.1:8080", ws, expected);
    loopback("ws://127.0.0.1:9001/ws", Ok("ws://127.0.0.1:9001/ws"));
    loopback("WS://127.0.0.1:9001/ws", Ok("ws://127.0.0.1:9001/ws"));
    loopback("ws://LOCALHOST:9001/ws", Ok("ws://localhost:9001/ws"));
    loopback("ws://127.8.9.10/ws", Ok("ws://127.8.9.10/ws"));
    loopback("ws://[::1]:9001/ws", Ok("ws://[::1]:9001/ws"));
    loopback("ws://[0:0:0:0:0:0:0:1]/ws", Ok("ws://[::1]/ws"));
    loopback("http://127.0.0.1:9001/ws", Ok("ws://127.0.0.1:9001/ws"));
    loopback("ws://127.0.0.1:9001/ws@evil.example", Ok("ws://127.0.0.1:9001/ws@evil.example"));
    loopback("ws://127.0.0.1:80/ws", Ok("ws://127.0.0.1/ws"));
    // Prefixes, credentials and forms a browser reads differently.
    loopback("ws://127.0.0.1.evil.example/ws", Err("is not allowed by this deployment"));
    loopback("ws://localhost.evil.example/ws", Err("is not allowed by this deployment"));
    loopback("ws://127.0.0.1@evil.example/ws", Err("credentials"));
    loopback("ws://127.0.0.1:9001@evil.example/ws", Err("credentials"));
    loopback("ws://evil.example@127.0.0.1/ws", Err("credentials"));
    loopback("ws://evil.example\\@127.0.0.1/ws", Err("contains '\\\\'"));
    loopback("ws://127.0.0.1\t.evil.example/ws", Err("contains '\\t'"));
    loopback("ws://127.0.0.1%2eevil.example/ws", Err("percent escape"));
    loopback("ws://127.0.0.1\u{3002}evil.example/ws", Err("in its host"));
    loopback("ws://127.1/ws", Err("not a plain dotted IPv4 address"));
    loopback("ws://0x7f000001/ws", Err("not a plain dotted IPv4 address"));
    loopback("ws://0177.0.0.1/ws", Err("not a plain dotted IPv4 address"));
    loopback("ws://127.0.0.1./ws", Err("empty label"));
    loopback("ws://[::1/ws", Err("unclosed ["));
    loopback("ws://[::2]:9001/ws", Err("is not allowed by this deployment"));
    loopback("ws://127.0.0.1:0/ws", Err("as its port"));
    loopback("ws://127.0.0.1:65536/ws", Err("as its port"));
    loopback("ws:127.0.0.1/ws", Err("not an absolute URL"));
    loopback("ftp://127.0.0.1/ws", Err("unsupported scheme"));
    loopback("ws:///ws", Err("has no host"));
    // A non-loopback page trusts no loopback socket, and vice versa.
    check_ws(&none, "http:", "dash.example", "ws://127.0.0.1:9001/ws", Err("not allowed"));
    check_ws(&none, "http:", "[::1]:8080", "ws://localhost:9001/ws", Ok("ws://localhost:9001/ws"));
}

#[test]
fn other_hosts_need_the_same_host_or_the_allow_list() {
    let config = DeployConfig { allowed_ws_origins: vec!["wss://Feed.example:443".into()], ..DeployConfig::default() };
    let listed = Deployment::from_config(&config);
    let page = |ws: &str, expected| check_ws(&listed, "https:", "dash.example", ws, expected);
    page("wss://feed.example/ws", Ok("wss://feed.example/ws"));
    page("https://FEED.example:443/ws?x=1", Ok("wss://feed.example/ws?x=1"));
    page("wss://DASH.example:9443/ws", Ok("wss://dash.example:9443/ws"));
    page("wss://feed.example:8443/ws", Err("not allowed"));
    page("wss://feed.example.evil.example/ws", Err("not allowed"));
    page("wss://evil.example/ws", Err("not allowed"));
    page("ws://feed.example/ws", Err("may only connect with wss:"));
}

#[test]
fn origins_and_hosts_print_as_browsers_do() {
    let origin = |text: &str| Origin::parse(text).map(|origin| origin.to_string());
    assert_eq!(origin("HTTPS://Portal.Example:443/"), Ok("https://portal.example".into()));
    assert_eq!(origin("http://portal.example:8080"), Ok("http://portal.example:8080".into()));
    assert_eq!(origin("http://[::FFFF:7f00:1]"), Ok("http://[::ffff:7f00:1]".into()));
    assert_eq!(origin("http://[1:0:0:2:0:0:0:3]"), Ok("http://[1:0:0:2::3]".into()));
    assert_eq!(origin("http://[1:2:3:4:5:6:7:0]"), Ok("http://[1:2:3:4:5:6:7:0]".into()));
    assert!(origin("https://portal.example/app").unwrap_err().contains("an origin has no path"));
    let host = |text: &str| Address::parse(text).map(|a| a.authority.host.is_loopback());
    assert_eq!(host("ws://[::ffff:127.0.0.1]/"), Ok(true));
    assert_eq!(host("ws://128.0.0.1/"), Ok(false));
}

/// The `parentOrigin` a deployment accepts, or the warning shown.
fn check_parent(deployment: &Deployment, parent: &str, expected: Result<&str, &str>) {
    let pairs = vec![("parentOrigin".to_owned(), parent.to_owned())];
    let settings = resolve(deployment, &pairs, &Page::new("https:", "dash.example"));
    match expected {
        Ok(origin) => assert_eq!((settings.parent_origin.as_deref(), settings.warnings), (Some(origin), vec![])),
        Err(warning) => {
            assert_eq!(settings.parent_origin, None, "{parent}");
            assert!(settings.warnings.iter().any(|w| w.contains(warning)), "{parent}: {:?}", settings.warnings);
        }
    }
}

fn parents(origins: &[&str]) -> Deployment {
    let allowed_parent_origins = origins.iter().map(|o| (*o).to_owned()).collect();
    Deployment::from_config(&DeployConfig { allowed_parent_origins, ..DeployConfig::default() })
}

#[test]
fn embedding_fails_closed() {
    let portal = "https://portal.example";
    check_parent(&no_config(), portal, Err("this deployment allows no embedding"));
    check_parent(&parents(&[]), portal, Err("this deployment allows no embedding"));
    let unreadable = Deployment::unreadable("config.json: HTTP 500".into());
    check_parent(&unreadable, portal, Err("could not be read (config.json: HTTP 500)"));
    assert_eq!(unreadable.warnings, ["config.json: HTTP 500: only the page's own stream, and no embedding"]);
    check_parent(&parents(&["https://portal.example:443"]), "https://PORTAL.example/", Ok(portal));
    check_parent(&parents(&[portal]), "https://portal.example:8443", Err("is not in allowedParentOrigins"));
    check_parent(&parents(&[portal]), "http://portal.example", Err("is not in allowedParentOrigins"));
    check_parent(&parents(&[portal]), "portal.example", Err("not an absolute URL"));
    check_parent(&parents(&[portal]), "wss://portal.example", Err("is not an http(s) origin"));
    check_parent(&parents(&[portal]), "https://user@portal.example", Err("credentials"));
    // "Any parent" is written out, alone.
    check_parent(&parents(&["*"]), "https://anyone.example", Ok("https://anyone.example"));
    let mixed = parents(&["*", portal]);
    check_parent(&mixed, portal, Err("\"*\" must be the only entry"));
    // A bad entry is named and left out; with nothing left, no embedding.
    let bad = parents(&["https://portal.example/app"]);
    assert_eq!(bad.warnings.len(), 1, "{:?}", bad.warnings);
    check_parent(&bad, portal, Err("this deployment allows no embedding"));
}
