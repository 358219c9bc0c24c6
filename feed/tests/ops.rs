//! What operators and load balancers read: `/healthz` and `/metrics`.

mod support;

use feed::{Guards, Source, StreamOptions};
use support::stream::{ingest, Client};
use support::{http, start_full};

const TOKEN: &str = "ops-test-token";

#[tokio::test]
async fn healthz_and_metrics_tell_what_the_replica_does() {
    let options = StreamOptions { ingest_token: Some(TOKEN.into()), ..StreamOptions::default() };
    let feed = start_full(Source::Ingested, Guards::default(), options).await;
    let (status, head, body) = http(feed.addr, "GET", "/healthz", &[], b"").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    assert_eq!(body, r#"{"status":"ok","redis":"off","clients":0,"live_projects":0}"#);
    let mut client = Client::new();
    client.connect(feed.addr, "p").await;
    ingest(feed.addr, "p", TOKEN, 0, 7).await;
    client.read_until(7).await;
    client.disconnect();
    client.connect(feed.addr, "p").await;
    let (status, head, metrics) = http(feed.addr, "GET", "/metrics", &[], b"").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/plain; version=0.0.4"), "{head}");
    for line in [
        "meshview_feed_clients 1",
        "meshview_feed_live_projects 1",
        "meshview_feed_messages_published_total 7",
        "meshview_feed_messages_applied_total 7",
        "meshview_feed_messages_sent_total 7",
        "meshview_feed_resumes_total{result=\"recovered\"} 1",
        "meshview_feed_resumes_total{result=\"not_recovered\"} 0",
        "meshview_feed_ingest_requests_total 1",
        "meshview_feed_slow_clients_cut_total 0",
    ] {
        assert!(metrics.lines().any(|l| l == line), "no {line:?} in\n{metrics}");
    }
    assert!(!metrics.contains("redis"), "no Redis figures without Redis");
    feed.stop().await;
}
