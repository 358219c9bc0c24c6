//! End-to-end, scaled out: two feed replicas on a real Redis behind a small
//! switchable TCP proxy, a producer posting to `/ingest`, and the dashboard
//! in headless Chromium. The replica the dashboard is on is stopped and the
//! proxy points to the other: the dashboard resumes there, with no stale
//! badge, no "connection lost" event, and every message applied exactly
//! once. Run by `cargo xtask test` after the release build.
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

// Not every helper is used by this suite.
#[allow(dead_code)]
mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feed::{Feed, FeedConfig, Guards, Source, StreamOptions};
use support::{check, dist, eval, figure, text_of, wait_for, Browser};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use xtask::redis::RedisServer;

const TOKEN: &str = "e2e-scale-token";
const BADGE: &str = "[data-testid=badge]";
const NODES: u64 = 10;
/// Messages per producer post, and the pause between posts.
const MESSAGES_PER_POST: u64 = 10;
const POST_PAUSE: Duration = Duration::from_millis(100);
/// Most posts the producer makes, whatever happens.
const MAX_POSTS: usize = 1_000;

/// Forwards each new connection to the backend of the moment.
struct Proxy {
    addr: SocketAddr,
    backend: Arc<Mutex<SocketAddr>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(backend: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy port");
        let addr = listener.local_addr().expect("proxy address");
        let backend = Arc::new(Mutex::new(backend));
        let current = backend.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut down, _)) = listener.accept().await {
                let target = *current.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                tokio::spawn(async move {
                    if let Ok(mut up) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut down, &mut up).await;
                    }
                });
            }
        });
        Proxy { addr, backend, task }
    }

    fn switch(&self, to: SocketAddr) {
        *self.backend.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = to;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn replica(redis: &RedisServer) -> Feed {
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let config =
        FeedConfig { addr, source: Source::Ingested, serve_dir: Some(dist()), base_path: "/".into(), csp: None };
    let options = StreamOptions {
        ingest_token: Some(TOKEN.into()),
        redis_url: Some(redis.url()),
        checkpoint_interval: Duration::from_secs(1),
        ..StreamOptions::default()
    };
    Feed::start_full(config, Guards::default(), options).await.expect("a replica starts")
}

/// Message `index`: the nodes first, then their statuses flapping (the
/// page's counters travel with its diffs, so every post must change it).
fn message(index: u64) -> String {
    let node = index % NODES;
    if index < NODES {
        return format!(
            r#"{{"data":{{"type":"node-upsert","node":{{"id":"n{node}","kind":"svc","label":"n{node}","status":"ok"}}}}}}"#
        );
    }
    // Each round changes every node, so every post changes the view.
    let status = if (index / NODES).is_multiple_of(2) { "ok" } else { "degraded" };
    format!(r#"{{"data":{{"type":"node-status","id":"n{node}","status":"{status}"}}}}"#)
}

async fn post(addr: SocketAddr, from: u64) -> bool {
    let body: Vec<String> = (from..from + MESSAGES_PER_POST).map(message).collect();
    let body = body.join("\n");
    let Ok(mut stream) = TcpStream::connect(addr).await else { return false };
    let head = format!(
        "POST /ingest HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    response.starts_with(b"HTTP/1.1 200")
}

/// Records every text the badge shows from now on (in `window.__badges`).
const WATCH_BADGE: &str = "(() => { window.__badges = [];
    const badge = document.querySelector('[data-testid=badge]');
    new MutationObserver(() => window.__badges.push(badge.textContent))
        .observe(badge, { childList: true, subtree: true, characterData: true });
    return true; })()";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_resumes_on_another_replica_without_a_gap() {
    let redis = RedisServer::start().unwrap_or_else(|why| panic!("{why}"));
    let (a, b) = (replica(&redis).await, replica(&redis).await);
    let proxy = Proxy::start(a.addr).await;
    let url = format!("http://{}/", proxy.addr);
    let producer_target = b.addr;
    let a = Arc::new(tokio::sync::Mutex::new(Some(a)));
    let a_slot = a.clone();
    Browser::run(1280, 800, |client| async move {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        wait_for(&client, "Live", &format!("{} === 'Live'", text_of(BADGE))).await?;
        // The producer posts to the replica that stays.
        let (published, stop) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)));
        let producer = tokio::spawn({
            let (published, stop) = (published.clone(), stop.clone());
            async move {
                for _ in 0..MAX_POSTS {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    if post(producer_target, published.load(Ordering::Relaxed)).await {
                        published.fetch_add(MESSAGES_PER_POST, Ordering::Relaxed);
                    }
                    tokio::time::sleep(POST_PAUSE).await;
                }
            }
        });
        wait_for(&client, "the nodes", &format!("{} === '{NODES}'", text_of("[data-testid=node-count]"))).await?;
        wait_for(&client, "messages flowing", &format!("{} >= 40", figure("messages"))).await?;
        eval(&client, WATCH_BADGE).await?;
        // Stop the dashboard's replica; the proxy now leads to the other.
        proxy.switch(producer_target);
        if let Some(feed) = a_slot.lock().await.take() {
            feed.stop().await;
        }
        wait_for(&client, "the resume", &format!("{} === 1", figure("resumes"))).await?;
        wait_for(&client, "Live again", &format!("{} === 'Live'", text_of(BADGE))).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        stop.store(true, Ordering::Relaxed);
        producer.await.map_err(|e| e.to_string())?;
        let n = published.load(Ordering::Relaxed);
        // The snapshot, every message once, and resumed: nothing lost or doubled.
        let all_once = format!("{} === {}", figure("messages"), 1 + n + 1);
        wait_for(&client, &format!("{} messages applied", n + 2), &all_once).await?;
        let gaps = eval(&client, &figure("seq-gaps")).await?;
        check(gaps.as_f64() == Some(0.0), format!("seq gaps: {gaps}"))?;
        let badges = eval(&client, "window.__badges").await?;
        let badges_seen = badges.to_string();
        let stale = badges_seen.contains("Stale") || badges_seen.contains("Receiving snapshot");
        check(!stale, format!("the badge went stale: {badges}"))?;
        check(badges.to_string().contains("Reconnecting"), format!("the link never dropped: {badges}"))?;
        support::show_panel(&client, ".panel-events").await?;
        let lost = "[...document.querySelectorAll('.panel-events .msg')].some(e => e.textContent.startsWith('connection lost'))";
        let gap_event = eval(&client, lost).await?;
        check(gap_event.as_bool() == Some(false), "a 'connection lost' event after a resume")?;
        Ok(())
    })
    .await;
    if let Some(feed) = a.lock().await.take() {
        feed.stop().await;
    }
    b.stop().await;
}
