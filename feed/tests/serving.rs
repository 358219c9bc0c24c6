//! Serving the dashboard: a 404 is never cached as immutable, an unhashed
//! file is never answered from its date, and an invalid
//! Content-Security-Policy stops the server at start.

mod support;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use feed::{Feed, FeedConfig, Guards};
use support::{http, http_get, replay_of, WAIT};

/// A folder with an index and one trunk-hashed file.
fn site(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meshview-feed-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("index.html"), "<!DOCTYPE html><title>t</title>").expect("index");
    std::fs::write(dir.join("app-0123456789abcdef.js"), "// app").expect("hashed file");
    dir
}

fn config(dir: PathBuf, csp: Option<&str>) -> FeedConfig {
    FeedConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        source: replay_of(Vec::new()),
        serve_dir: Some(dir),
        base_path: "/".into(),
        csp: csp.map(str::to_owned),
    }
}

#[tokio::test]
async fn a_404_is_never_cached_as_immutable() {
    let feed = Feed::start_with(config(site("cache"), None), Guards::default()).await.expect("starts");
    let (status, head) = http_get(feed.addr, "/app-0123456789abcdef.js").await;
    assert_eq!(status, 200);
    assert!(head.contains("cache-control: public, max-age=31536000, immutable"), "{head}");
    // A hashed name that is not there (yet): must not stick in a cache.
    let (status, head) = http_get(feed.addr, "/app-fedcba9876543210.js").await;
    assert_eq!(status, 404);
    assert!(!head.contains("immutable") && !head.contains("max-age=31536000"), "{head}");
    assert!(head.contains("cache-control: no-cache"), "{head}");
    let (status, head) = http_get(feed.addr, "/").await;
    assert_eq!(status, 200);
    assert!(head.contains("cache-control: no-cache"), "{head}");
    feed.stop().await;
}

/// A browser holding a copy newer than the file on disk: after a rollback
/// (dates copied from the older build), or a rebuild in the same second.
const NEWER_COPY: (&str, &str) = ("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT");

#[tokio::test]
async fn an_unhashed_file_is_sent_whole_whatever_date_the_browser_holds() {
    let dir = site("dates");
    std::fs::write(dir.join("stream_loader.js"), "// loader").expect("loader");
    let feed = Feed::start_with(config(dir, None), Guards::default()).await.expect("starts");
    for (path, body) in [
        ("/", "<!DOCTYPE html><title>t</title>"),
        ("/index.html", "<!DOCTYPE html><title>t</title>"),
        ("/stream_loader.js", "// loader"),
    ] {
        let (status, head, got) = http(feed.addr, "GET", path, &[NEWER_COPY], b"").await;
        assert_eq!((status, got.as_str()), (200, body), "{path}: {head}");
        assert!(!head.contains("last-modified"), "{path} offers a date to revalidate against: {head}");
    }
    // A hashed name is its content: a date is as good as any validator.
    let (status, head, _) = http(feed.addr, "GET", "/app-0123456789abcdef.js", &[NEWER_COPY], b"").await;
    assert_eq!(status, 304, "{head}");
    feed.stop().await;
}

#[tokio::test]
async fn a_valid_csp_is_sent_and_an_invalid_one_stops_the_start() {
    let policy = "default-src 'none'; script-src 'self'";
    let feed = Feed::start_with(config(site("csp"), Some(policy)), Guards::default()).await.expect("starts");
    let (_, head) = http_get(feed.addr, "/").await;
    assert!(head.contains(&format!("content-security-policy: {policy}")), "{head}");
    feed.stop().await;
    for bad in ["", " ", "default-src 'self'\r\nSet-Cookie: a=b", "default-src 'self'\n", "default-src \u{0}"] {
        let started = Feed::start_with(config(site("csp-bad"), Some(bad)), Guards::default()).await;
        let error = started.err().unwrap_or_else(|| panic!("{bad:?} accepted"));
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{bad:?}: {error}");
    }
}

#[test]
fn the_binary_refuses_an_invalid_csp_before_listening() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feed"))
        .args(["--addr", "127.0.0.1:0", "--csp", "default-src 'self'\nX-Injected: 1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("feed runs");
    // Polled every 20 ms for at most WAIT.
    let mut status = None;
    for _ in 0..WAIT.as_millis() / 20 {
        status = child.try_wait().expect("wait");
        if status.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let status = status.expect("the feed started serving with an invalid --csp");
    assert!(!status.success(), "exited with {status}");
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        std::io::Read::read_to_string(&mut pipe, &mut stderr).expect("stderr");
    }
    assert!(stderr.contains("--csp"), "stderr: {stderr}");
}
