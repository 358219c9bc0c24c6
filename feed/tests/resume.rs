//! Positions and resume in one process, over real WebSockets: a client
//! that comes back with `since` gets `resumed` and exactly what it missed,
//! in the frame of `resumed`; one that cannot be resumed gets a snapshot,
//! and its state is right either way.

mod support;

use feed::{Guards, Source, StreamOptions};
use shared::protocol::Pos;
use support::stream::{expected_graph, graph_of, ingest, Began, Client};
use support::{small_mesh, start, start_full};

const TOKEN: &str = "resume-test-token";

fn options(history_max_messages: usize) -> StreamOptions {
    StreamOptions { ingest_token: Some(TOKEN.into()), history_max_messages, ..StreamOptions::default() }
}

#[tokio::test]
async fn a_client_resumes_with_exactly_the_messages_it_missed() {
    let feed = start_full(Source::Ingested, Guards::default(), options(1000)).await;
    assert_eq!(ingest(feed.addr, "p", TOKEN, 0, 5).await, 5);
    let mut client = Client::new();
    let Began::Snapshot(at) = client.connect(feed.addr, "p").await else { panic!("no snapshot first") };
    assert_eq!(at.offset, 5, "the snapshot carries the position it reflects");
    ingest(feed.addr, "p", TOKEN, 5, 3).await;
    client.read_until(8).await;
    client.disconnect();
    ingest(feed.addr, "p", TOKEN, 8, 4).await;
    let began = client.connect(feed.addr, "p").await;
    assert_eq!(began, Began::Resumed(Pos { epoch: at.epoch.clone(), offset: 8 }, 4), "all four missed, in one frame");
    ingest(feed.addr, "p", TOKEN, 12, 1).await;
    client.read_until(13).await;
    assert_eq!(client.offsets, (6..=13).collect::<Vec<_>>());
    assert_eq!(graph_of(&client.reducer), expected_graph(13));
    assert!(!client.reducer.graph_stale());
    assert_eq!((feed.stats().resumes_recovered, feed.stats().resumes_not_recovered), (1, 0));
    feed.stop().await;
}

#[tokio::test]
async fn an_outage_longer_than_the_history_gets_a_snapshot_and_the_right_state() {
    let feed = start_full(Source::Ingested, Guards::default(), options(10)).await;
    ingest(feed.addr, "p", TOKEN, 0, 20).await;
    let mut client = Client::new();
    client.connect(feed.addr, "p").await;
    client.disconnect();
    // 30 messages one by one: the history keeps only the newest 10.
    for index in 20..50 {
        ingest(feed.addr, "p", TOKEN, index, 1).await;
    }
    let began = client.connect(feed.addr, "p").await;
    assert!(matches!(began, Began::Snapshot(ref at) if at.offset == 50), "{began:?}");
    assert_eq!(graph_of(&client.reducer), expected_graph(50));
    assert_eq!(feed.stats().resumes_not_recovered, 1);
    feed.stop().await;
}

#[tokio::test]
async fn an_unknown_epoch_or_a_position_ahead_gets_a_snapshot() {
    let feed = start_full(Source::Ingested, Guards::default(), options(1000)).await;
    ingest(feed.addr, "p", TOKEN, 0, 3).await;
    let mut probe = Client::new();
    let Began::Snapshot(at) = probe.connect(feed.addr, "p").await else { panic!("no snapshot") };
    for since in [Pos { epoch: "gone".into(), offset: 2 }, Pos { offset: 99, ..at.clone() }] {
        let mut client = Client::new();
        client.last_pos = Some(since.clone());
        let began = client.connect(feed.addr, "p").await;
        assert!(matches!(began, Began::Snapshot(ref pos) if *pos == at), "{since}: {began:?}");
    }
    assert_eq!(feed.stats().resumes_not_recovered, 2);
    feed.stop().await;
}

#[tokio::test]
async fn a_restarted_server_has_a_new_epoch() {
    let first = start(small_mesh(), Guards::default()).await;
    let mut client = Client::new();
    let Began::Snapshot(before) = client.connect(first.addr, "p").await else { panic!("no snapshot") };
    let port = first.addr.port();
    first.stop().await;
    let second = support::start_on(port, small_mesh(), Guards::default(), StreamOptions::default()).await;
    let began = client.connect(second.addr, "p").await;
    assert!(matches!(began, Began::Snapshot(ref after) if after.epoch != before.epoch), "{began:?}");
    second.stop().await;
}
