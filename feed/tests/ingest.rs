//! `POST /ingest` over HTTP: off without a token, 401 without the right
//! one, 413 over 4 MiB, per-message rejections, and what is accepted
//! reaches the project's clients with positions.

mod support;

use feed::{Guards, Source, StreamOptions};
use shared::ingest::IngestAnswer;
use support::stream::{Began, Client};
use support::{http_post, start_full};

const TOKEN: &str = "ingest-test-token";
const STATUS: &str = r#"{"data":{"type":"node-upsert","node":{"id":"a","kind":"k","label":"a","status":"ok"}}}"#;

fn with_token() -> StreamOptions {
    StreamOptions { ingest_token: Some(TOKEN.into()), ..StreamOptions::default() }
}

async fn post(addr: std::net::SocketAddr, path: &str, auth: Option<&str>, body: &str) -> (u16, String) {
    let header = auth.map(|token| format!("Bearer {token}"));
    let headers: Vec<(&str, &str)> = header.iter().map(|h| ("Authorization", h.as_str())).collect();
    http_post(addr, path, &headers, body.as_bytes()).await
}

#[tokio::test]
async fn ingest_is_off_without_a_token() {
    let feed = start_full(Source::Ingested, Guards::default(), StreamOptions::default()).await;
    assert_eq!(post(feed.addr, "/ingest?project=p", Some(TOKEN), STATUS).await.0, 404);
    feed.stop().await;
}

#[tokio::test]
async fn the_token_size_and_project_are_checked() {
    let feed = start_full(Source::Ingested, Guards::default(), with_token()).await;
    assert_eq!(post(feed.addr, "/ingest?project=p", None, STATUS).await.0, 401);
    assert_eq!(post(feed.addr, "/ingest?project=p", Some("wrong"), STATUS).await.0, 401);
    assert_eq!(post(feed.addr, "/ingest?project=a/b", Some(TOKEN), STATUS).await.0, 400);
    let big = format!("{STATUS}\n").repeat(4 * 1024 * 1024 / STATUS.len() + 1);
    assert_eq!(post(feed.addr, "/ingest?project=p", Some(TOKEN), &big).await.0, 413);
    let (status, answer) = post(feed.addr, "/ingest?project=p", Some(TOKEN), &format!("[{STATUS}")).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(feed.stats().messages_applied, 0, "nothing got in");
    feed.stop().await;
}

#[tokio::test]
async fn accepted_messages_reach_clients_and_rejected_ones_are_named() {
    let feed = start_full(Source::Ingested, Guards::default(), with_token()).await;
    let mut client = Client::new();
    let Began::Snapshot(at) = client.connect(feed.addr, "p").await else { panic!("no snapshot") };
    assert_eq!(at.offset, 0);
    let body = format!("{STATUS}\n{{\"data\":{{\"type\":\"warp\"}}}}\n\n{STATUS}\n");
    let (status, answer) = post(feed.addr, "/ingest?project=p", Some(TOKEN), &body).await;
    assert_eq!(status, 200);
    let answer: IngestAnswer = serde_json::from_str(&answer).expect("an answer");
    assert_eq!(answer.accepted, 2);
    let rejected: Vec<(u64, &str)> = answer.rejected.iter().map(|r| (r.index, r.error.as_str())).collect();
    assert_eq!(rejected, [(1, "unknown type \"warp\"")]);
    client.read_until(2).await;
    assert_eq!(client.offsets, [1, 2]);
    assert_eq!(client.reducer.nodes().len(), 1);
    // A JSON array works the same; the next offsets follow.
    let (status, _) = post(feed.addr, "/ingest?project=p", Some(TOKEN), &format!("[{STATUS},{STATUS}]")).await;
    assert_eq!(status, 200);
    client.read_until(4).await;
    assert_eq!(client.offsets, [1, 2, 3, 4]);
    feed.stop().await;
}

#[tokio::test]
async fn ingest_can_feed_a_simulated_project_too() {
    let sim = Source::Simulated(feed::SimSettings { n_nodes: 3, messages_per_sec: 0.0, ..Default::default() });
    let feed = start_full(sim, Guards::default(), with_token()).await;
    let mut client = Client::new();
    client.connect(feed.addr, "p").await;
    // The simulator's mesh first (it replaces the graph), then ingest.
    read_while(&mut client, |c| c.reducer.nodes().len() < 3 || c.reducer.graph_stale()).await;
    let (status, _) = post(feed.addr, "/ingest?project=p", Some(TOKEN), STATUS).await;
    assert_eq!(status, 200);
    read_while(&mut client, |c| c.reducer.nodes().len() < 4).await;
    assert!(client.reducer.nodes().any(|node| node.id == "a"), "the ingested node is in the graph");
    feed.stop().await;
}

/// Applies frames while `condition` holds (bounded by the support's limits).
async fn read_while(client: &mut Client, condition: impl Fn(&Client) -> bool) {
    for _ in 0..support::MAX_FRAMES_READ {
        if !condition(client) {
            return;
        }
        let frame = client.next_frame().await.expect("the stream goes on");
        client.apply(&frame);
    }
    panic!("the condition still holds after {} frames", support::MAX_FRAMES_READ);
}
