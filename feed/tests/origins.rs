//! The Origin allow-list on the WebSocket upgrade: real handshakes on
//! 127.0.0.1, refused ones answered 403 before the upgrade.

mod support;

use feed::{AllowedOrigins, Guards, Origin};
use support::{connect, first_text, refused_with, small_mesh, start};

#[tokio::test]
async fn default_allows_loopback_own_host_and_no_origin_only() {
    let feed = start(small_mesh(), Guards::default()).await;
    let addr = feed.addr;
    for origin in ["http://127.0.0.1:5173", "http://localhost:8080", "https://[::1]", &format!("http://{addr}")] {
        assert_eq!(refused_with(addr, "", &[("Origin", origin)]).await, None, "{origin} refused");
    }
    assert_eq!(refused_with(addr, "", &[]).await, None, "a client without Origin refused");
    for origin in [
        "http://127.0.0.1.evil.example",
        "https://localhost.evil.example:8080",
        "https://evil.example",
        "null",
        "http://127.0.0.1@evil.example",
    ] {
        assert_eq!(refused_with(addr, "", &[("Origin", origin)]).await, Some(403), "{origin} let through");
    }
    // The server's own origin is the Host it is reached at, under either scheme.
    let own = [("Host", "dash.example:8443"), ("Origin", "https://dash.example:8443")];
    assert_eq!(refused_with(addr, "", &own).await, None, "the server's own origin refused");
    let own_http = [("Host", "dash.example:8443"), ("Origin", "http://dash.example:8443")];
    assert_eq!(refused_with(addr, "", &own_http).await, None, "the server's own http origin refused");
    let other_port = [("Host", "dash.example:8443"), ("Origin", "https://dash.example:9443")];
    assert_eq!(refused_with(addr, "", &other_port).await, Some(403));
    let other_host = [("Host", "dash.example:8443"), ("Origin", "https://dash.example.evil:8443")];
    assert_eq!(refused_with(addr, "", &other_host).await, Some(403));
    feed.stop().await;
}

#[tokio::test]
async fn an_allowed_origin_gets_the_stream() {
    let feed = start(small_mesh(), Guards::default()).await;
    let mut ws = connect(feed.addr, "?project=p", &[("Origin", "http://localhost:3000")]).await.expect("upgraded");
    assert!(first_text(&mut ws).await.contains("\"snapshot\""), "the first frame is not the snapshot");
    feed.stop().await;
}

#[tokio::test]
async fn a_configured_list_replaces_the_default() {
    let portal = Origin::parse("https://portal.example").unwrap();
    let guards = Guards { allowed_origins: AllowedOrigins::List(vec![portal]), ..Guards::default() };
    let feed = start(small_mesh(), guards).await;
    let addr = feed.addr;
    assert_eq!(refused_with(addr, "", &[("Origin", "https://portal.example")]).await, None);
    assert_eq!(refused_with(addr, "", &[("Origin", "https://portal.example:443")]).await, None);
    assert_eq!(refused_with(addr, "", &[("Origin", "http://portal.example")]).await, Some(403));
    assert_eq!(refused_with(addr, "", &[("Origin", "https://portal.example.evil")]).await, Some(403));
    assert_eq!(refused_with(addr, "", &[("Origin", "http://127.0.0.1:5173")]).await, Some(403));
    assert_eq!(refused_with(addr, "", &[]).await, None);
    feed.stop().await;
}

#[tokio::test]
async fn star_allows_any_origin() {
    let guards = Guards { allowed_origins: AllowedOrigins::Any, ..Guards::default() };
    let feed = start(small_mesh(), guards).await;
    assert_eq!(refused_with(feed.addr, "", &[("Origin", "https://evil.example")]).await, None);
    assert_eq!(refused_with(feed.addr, "", &[("Origin", "null")]).await, None);
    feed.stop().await;
}
