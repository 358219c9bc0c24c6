//! Redis mode with a real redis-server and real WebSockets: positions mean
//! the same on every replica, so a client resumes on another replica
//! without losing or repeating a message; an outage longer than the
//! history gives a snapshot with the right state; a replica started late
//! serves the same snapshot as an old one; Redis going away leaves clients
//! and state in place; a replica that finds the history trimmed past its
//! position fills the gap from another replica's checkpoint.

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use feed::{Feed, Guards, Source, StreamOptions};
use support::stream::{expected_graph, graph_of, graph_of_messages, ingest, Began, Client};
use support::{http, wait_until, WAIT};
use xtask::redis::RedisServer;

const TOKEN: &str = "redis-test-token";
/// Kills of the replica the client is on, in the kill test.
const KILLS: usize = 20;
/// Messages per producer post, and the pause between posts.
const MESSAGES_PER_POST: u64 = 10;
const POST_PAUSE: Duration = Duration::from_millis(20);

fn options(redis: &RedisServer, history_max_messages: usize) -> StreamOptions {
    StreamOptions {
        ingest_token: Some(TOKEN.into()),
        history_max_messages,
        redis_url: Some(redis.url()),
        checkpoint_interval: Duration::from_millis(500),
    }
}

async fn replica(port: u16, options: &StreamOptions) -> Feed {
    replica_of(port, Source::Ingested, options).await
}

async fn replica_of(port: u16, source: Source, options: &StreamOptions) -> Feed {
    // A replica started again may find its port briefly taken.
    for _ in 0..50 {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let config =
            feed::FeedConfig { addr, source: source.clone(), serve_dir: None, base_path: "/".into(), csp: None };
        match Feed::start_full(config, Guards::default(), options.clone()).await {
            Ok(feed) => return feed,
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("replica on port {port} did not start");
}

fn redis() -> RedisServer {
    RedisServer::start().unwrap_or_else(|why| panic!("{why}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_resumes_across_twenty_replica_kills_without_a_loss_or_a_repeat() {
    let redis = redis();
    let options = options(&redis, 100_000);
    let mut replicas = [replica(0, &options).await, replica(0, &options).await];
    let ports = replicas.each_ref().map(|feed| feed.addr.port());
    let mut client = Client::new();
    let Began::Snapshot(start) = client.connect(replicas[0].addr, "p").await else { panic!("no snapshot") };
    // The producer posts to the replica the client is not on.
    let target = Arc::new(tokio::sync::Mutex::new(replicas[1].addr));
    let (published, stop) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)));
    let producer = tokio::spawn({
        let (target, published, stop) = (target.clone(), published.clone(), stop.clone());
        async move {
            for _ in 0..100_000 {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let addr = target.lock().await;
                let from = published.load(Ordering::Relaxed);
                let accepted = ingest(*addr, "p", TOKEN, from, MESSAGES_PER_POST).await;
                published.fetch_add(accepted, Ordering::Relaxed);
                drop(addr);
                tokio::time::sleep(POST_PAUSE).await;
            }
        }
    });
    let mut on = 0;
    for kill in 0..KILLS {
        let other = 1 - on;
        *target.lock().await = replicas[other].addr;
        let placeholder = replica(0, &options).await;
        std::mem::replace(&mut replicas[on], placeholder).stop().await;
        let restarted = replica(ports[on], &options).await;
        std::mem::replace(&mut replicas[on], restarted).stop().await;
        let began = client.connect(replicas[other].addr, "p").await;
        assert!(matches!(began, Began::Resumed(..)), "kill {kill}: {began:?}");
        // Some messages go by on the new replica before the next kill.
        let resumed_at = client.last_pos.as_ref().map_or(0, |pos| pos.offset);
        client.read_until(resumed_at + 2 * MESSAGES_PER_POST).await;
        on = other;
    }
    stop.store(true, Ordering::Relaxed);
    producer.await.expect("the producer ran");
    let head = start.offset + published.load(Ordering::Relaxed);
    client.read_until(head).await;
    // Every message once, in order (the client checks each position).
    assert_eq!(client.offsets, ((start.offset + 1)..=head).collect::<Vec<_>>());
    assert!(published.load(Ordering::Relaxed) >= KILLS as u64 * MESSAGES_PER_POST, "the producer was steady");
    assert_eq!(graph_of(&client.reducer), expected_graph(head));
    let recovered: u64 = replicas.iter().map(|feed| feed.stats().resumes_recovered).sum();
    assert!(recovered >= 1, "the last resumes were counted by the live replicas");
    for feed in replicas {
        feed.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_from_before_the_replicas_checkpoint_is_read_from_the_stream() {
    let redis = redis();
    let options = options(&redis, 1000);
    let a = replica(0, &options).await;
    let mut client = Client::new();
    client.connect(a.addr, "p").await;
    ingest(a.addr, "p", TOKEN, 0, 20).await;
    client.read_until(20).await;
    client.disconnect();
    ingest(a.addr, "p", TOKEN, 20, 100).await;
    wait_until("a to apply every message", || a.stats().messages_applied >= 120).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    // A new replica starts from a's checkpoint at 120: 21..120 only in Redis.
    let b = replica(0, &options).await;
    let began = client.connect(b.addr, "p").await;
    let since = client.offsets.get(19).copied();
    assert_eq!(since, Some(20));
    assert!(matches!(began, Began::Resumed(ref at, 100) if at.offset == 20), "{began:?}");
    assert_eq!(client.offsets, (1..=120).collect::<Vec<_>>());
    assert_eq!(graph_of(&client.reducer), expected_graph(120));
    assert!(b.stats().messages_applied < 100, "b started from the checkpoint");
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_longer_than_the_history_gives_a_snapshot_with_the_right_state() {
    let redis = redis();
    let options = options(&redis, 50);
    let (a, b) = (replica(0, &options).await, replica(0, &options).await);
    let mut client = Client::new();
    client.connect(a.addr, "p").await;
    ingest(a.addr, "p", TOKEN, 0, 20).await;
    client.read_until(20).await;
    client.disconnect();
    // 200 more, in posts of 10 that replica a reads as they come (a busy
    // machine could leave it more than the history behind otherwise).
    for from in (20..220).step_by(10) {
        ingest(b.addr, "p", TOKEN, from, 10).await;
        wait_until("a to keep up", || a.stats().messages_applied >= from + 10).await;
    }
    // A checkpoint of the whole graph, so a replica starting now has it.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    for replica in [&b, &a] {
        let mut late = Client::new();
        late.last_pos = client.last_pos.clone();
        let began = late.connect(replica.addr, "p").await;
        assert!(matches!(began, Began::Snapshot(ref at) if at.offset == 220), "{began:?}");
        assert_eq!(graph_of(&late.reducer), expected_graph(220));
    }
    assert_eq!(a.stats().resumes_not_recovered + b.stats().resumes_not_recovered, 2);
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_behind_the_history_fills_its_gap_from_another_replicas_checkpoint() {
    let redis = redis();
    let options = options(&redis, 50);
    let b = replica(0, &options).await;
    let mut on_b = Client::new();
    on_b.connect(b.addr, "p").await;
    ingest_steadily(b.addr, &mut on_b, 0..200).await;
    wait_for_checkpoint(&redis, Some((200, WHOLE))).await;
    // The stream holds 151..=200 and no checkpoint holds the messages before.
    let (a, mut on_a) = replica_behind(&redis, &options).await;
    assert_eq!(graph_of(&on_a.reducer), graph_of_messages(150..200), "a went on from the oldest entry");
    assert_eq!((a.stats().history_gaps, a.stats().graphs_with_gaps), (1, 1));
    // The best graph there is, marked as such.
    wait_for_checkpoint(&redis, Some((200, GAP))).await;
    // b moves on and writes its checkpoint (over a's at 210, if a's came
    // first); a takes it.
    ingest(b.addr, "p", TOKEN, 200, 10).await;
    wait_until("a to fill its gap", || a.stats().graphs_with_gaps == 0).await;
    read_until_graph(&mut on_a, &expected_graph(210)).await;
    wait_for_checkpoint(&redis, Some((210, WHOLE))).await;
    let mut late = Client::new();
    late.connect(a.addr, "p").await;
    assert_eq!(graph_of(&late.reducer), expected_graph(210));
    b.stop().await;

    // A replica's own checkpoint with a gap does not fill its gap.
    ingest_steadily(a.addr, &mut late, 210..270).await;
    wait_for_checkpoint(&redis, Some((270, WHOLE))).await;
    let (c, mut on_c) = replica_behind(&redis, &options).await;
    assert_eq!(graph_of(&on_c.reducer), graph_of_messages(220..270));
    wait_for_checkpoint(&redis, Some((270, GAP))).await;
    // Two of c's checkpoint ticks (each after a blocking read of up to
    // 1 s): its own checkpoint does not fill its gap.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(c.stats().graphs_with_gaps, 1, "c took its own checkpoint for a whole graph");
    ingest(a.addr, "p", TOKEN, 270, 10).await;
    wait_until("c to fill its gap", || c.stats().graphs_with_gaps == 0).await;
    read_until_graph(&mut on_c, &expected_graph(280)).await;
    wait_for_checkpoint(&redis, Some((280, WHOLE))).await;
    assert_eq!((a.stats().history_gaps, a.stats().graphs_with_gaps), (1, 0), "a's gap was the first one");
    a.stop().await;
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_started_after_100k_messages_serves_the_same_snapshot() {
    const MESSAGES: u64 = 100_000;
    const PER_POST: u64 = 2_000;
    let redis = redis();
    // The stream keeps 20k: the new replica needs the checkpoint.
    let options = options(&redis, 20_000);
    let old = replica(0, &options).await;
    let mut watcher = Client::new();
    watcher.connect(old.addr, "p").await;
    for from in (0..MESSAGES).step_by(PER_POST as usize) {
        ingest(old.addr, "p", TOKEN, from, PER_POST).await;
        // A steady producer: the replica reads well within the stream's length.
        wait_until("the old replica to keep up", || old.stats().messages_applied + 5 * PER_POST >= from).await;
    }
    wait_until("the old replica to apply every message", || old.stats().messages_applied >= MESSAGES).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let new = replica(0, &options).await;
    let (mut on_old, mut on_new) = (Client::new(), Client::new());
    let from_old = on_old.connect(old.addr, "p").await;
    let from_new = on_new.connect(new.addr, "p").await;
    assert_eq!(from_old, from_new, "both snapshots at the same position");
    assert!(matches!(from_new, Began::Snapshot(ref at) if at.offset == MESSAGES), "{from_new:?}");
    assert_eq!(graph_of(&on_new.reducer), graph_of(&on_old.reducer));
    assert_eq!(graph_of(&on_new.reducer), expected_graph(MESSAGES));
    assert!(new.stats().messages_applied < MESSAGES, "the new replica read the checkpoint, not every message");
    let metrics = http(new.addr, "GET", "/metrics", &[], b"").await.2;
    assert!(metrics.lines().any(|line| line == "meshview_feed_redis_up 1"), "{metrics}");
    assert!(metrics.contains("meshview_feed_redis_lag_milliseconds "), "{metrics}");
    old.stop().await;
    new.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_redis_goes_away_clients_and_state_stay_and_health_says_degraded() {
    let mut redis = redis();
    let options = options(&redis, 1000);
    let feed = replica(0, &options).await;
    let mut client = Client::new();
    client.connect(feed.addr, "p").await;
    ingest(feed.addr, "p", TOKEN, 0, 30).await;
    client.read_until(30).await;
    wait_for_health(&feed, r#""status":"ok","redis":"connected""#).await;
    redis.kill();
    wait_for_health(&feed, r#""status":"degraded","redis":"disconnected""#).await;
    let auth = format!("Bearer {TOKEN}");
    let body = support::stream::workload_message(30);
    let post = support::http_post(feed.addr, "/ingest?project=p", &[("Authorization", &auth)], body.as_bytes()).await;
    assert_eq!(post.0, 503, "nowhere to publish: {}", post.1);
    assert_eq!(feed.stats().clients, 1, "the client is kept");
    // Redis comes back empty: a new epoch; the replica keeps its graph.
    redis.restart().expect("redis restarts");
    wait_for_health(&feed, r#""status":"ok""#).await;
    let mut accepted = 0;
    for _ in 0..100 {
        let body = support::stream::workload_message(30);
        let (status, _) =
            support::http_post(feed.addr, "/ingest?project=p", &[("Authorization", &auth)], body.as_bytes()).await;
        if status == 200 {
            accepted = 1;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(accepted, 1, "ingest works again");
    // The next message comes in the new epoch, on the state of before.
    let frame = client.next_frame().await.expect("the client is still connected");
    let decoded = shared::decode_frame(&frame);
    let pos = decoded.messages.first().and_then(|m| m.pos.clone()).expect("a numbered message");
    assert_eq!(pos.offset, 1);
    assert_ne!(Some(&pos.epoch), client.last_pos.as_ref().map(|p| &p.epoch));
    client.reducer.apply_frame(&frame, 0);
    assert_eq!(graph_of(&client.reducer), expected_graph(31));
    let mut late = Client::new();
    late.connect(feed.addr, "p").await;
    assert_eq!(graph_of(&late.reducer), expected_graph(31), "a new client gets the kept state");
    feed.stop().await;
}

/// Polls `/healthz` until its body holds `wanted`, within [`WAIT`].
async fn wait_for_health(feed: &Feed, wanted: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut body = String::new();
    while tokio::time::Instant::now() < deadline {
        body = http(feed.addr, "GET", "/healthz", &[], b"").await.2;
        if body.contains(wanted) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("/healthz never said {wanted}; last: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_replica_at_a_time_runs_the_simulator_and_every_replica_streams_it() {
    let redis = redis();
    let options = options(&redis, 10_000);
    let sim = Source::Simulated(feed::SimSettings { n_nodes: 5, messages_per_sec: 100.0, ..Default::default() });
    let (a, b) = (replica_of(0, sim.clone(), &options).await, replica_of(0, sim, &options).await);
    let (mut on_a, mut on_b) = (Client::new(), Client::new());
    on_a.connect(a.addr, "p").await;
    on_b.connect(b.addr, "p").await;
    let at = on_a.last_pos.as_ref().map_or(0, |pos| pos.offset) + 100;
    on_a.read_until(at).await;
    on_b.read_until(at).await;
    assert_eq!(on_a.last_pos.as_ref().map(|p| &p.epoch), on_b.last_pos.as_ref().map(|p| &p.epoch));
    assert_eq!(on_a.reducer.nodes().len(), 5);
    let published = |feed: &Feed| feed.stats().messages_published;
    assert!(
        published(&a) == 0 || published(&b) == 0,
        "both replicas simulate: {} and {}",
        published(&a),
        published(&b)
    );
    assert!(published(&a) + published(&b) >= 100);
    a.stop().await;
    b.stop().await;
}

/// Posts workload messages `range` through `addr` in tens, each post read
/// by `reader` before the next: a steady producer, well within the history.
async fn ingest_steadily(addr: SocketAddr, reader: &mut Client, range: std::ops::Range<u64>) {
    for from in range.step_by(10) {
        ingest(addr, "p", TOKEN, from, 10).await;
        reader.read_until(from + 10).await;
    }
}

/// A new replica (and a client on it) that finds no checkpoint, as after falling behind.
async fn replica_behind(redis: &RedisServer, options: &StreamOptions) -> (Feed, Client) {
    delete_checkpoint(redis).await;
    let feed = replica(0, options).await;
    let mut client = Client::new();
    client.connect(feed.addr, "p").await;
    (feed, client)
}

/// A checkpoint's `gap` field.
const GAP: &str = "1";
const WHOLE: &str = "0";

/// The offset and `gap` field of project `p`'s checkpoint, read from Redis.
async fn checkpoint_mark(redis: &RedisServer) -> Option<(u64, String)> {
    let mut connection = redis_connection(redis).await;
    let mut hmget = ::redis::cmd("HMGET");
    hmget.arg("meshview:{p}:checkpoint").arg("offset").arg("gap");
    let (offset, gap): (Option<u64>, Option<String>) = hmget.query_async(&mut connection).await.expect("HMGET");
    offset.zip(gap)
}

async fn wait_for_checkpoint(redis: &RedisServer, wanted: Option<(u64, &str)>) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let mark = checkpoint_mark(redis).await;
        if mark.as_ref().map(|(offset, gap)| (*offset, gap.as_str())) == wanted {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "checkpoint {mark:?}, not {wanted:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn delete_checkpoint(redis: &RedisServer) {
    let mut connection = redis_connection(redis).await;
    let deleted: u32 =
        ::redis::cmd("DEL").arg("meshview:{p}:checkpoint").query_async(&mut connection).await.expect("DEL");
    assert_eq!(deleted, 1);
}

async fn redis_connection(redis: &RedisServer) -> ::redis::aio::MultiplexedConnection {
    let client = ::redis::Client::open(redis.url()).expect("a Redis URL");
    client.get_multiplexed_async_connection().await.expect("Redis answers")
}

/// Reads `client`'s frames until its graph is `wanted`.
async fn read_until_graph(client: &mut Client, wanted: &(Vec<String>, Vec<String>)) {
    let read = async {
        while graph_of(&client.reducer) != *wanted {
            let frame = client.next_frame().await.expect("the connection stays open");
            client.apply(&frame);
        }
    };
    tokio::time::timeout(WAIT, read).await.expect("the graph in time");
}
