//! Clients that misbehave: one that stops reading is cut with 4001 within a
//! bounded time and holds no task; a frame over 64 KiB closes with 1009.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use feed::{Feed, Frame, Guards, SimSettings, Source};
use futures_util::SinkExt;
use support::{close_of, connect, connect_over, first_text, replay_of, small_mesh, start, wait_until};
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// The client's receive buffer: small, so the server's sends block soon.
const CLIENT_RECV_BUFFER_BYTES: u32 = 4096;

/// A connected client that reads nothing until the test says so.
async fn idle_client(addr: SocketAddr, query: &str) -> WebSocketStream<tokio::net::TcpStream> {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(CLIENT_RECV_BUFFER_BYTES).expect("receive buffer");
    let stream = socket.connect(addr).await.expect("tcp connect");
    connect_over(stream, addr, query, &[]).await.expect("upgraded")
}

/// A mesh whose snapshot alone is larger than every buffer on the way.
fn big_mesh() -> Source {
    Source::Simulated(SimSettings { n_nodes: 30_000, messages_per_sec: 200.0, batch: 20, ..SimSettings::default() })
}

/// 24 frames of 1 MiB each.
fn big_replay() -> Source {
    replay_of((0..24u8).map(|i| Frame::Text(char::from(b'a' + i).to_string().repeat(1 << 20))).collect())
}

async fn cut_with_4001(feed: Feed) {
    let mut ws = idle_client(feed.addr, "?project=p").await;
    wait_until("the idle client to be cut", || feed.stats().slow_clients_cut == 1).await;
    // Reading now, the client finds the stream it missed, then the close.
    let close = close_of(&mut ws).await;
    assert_eq!(close.map(|(code, _)| code), Some(4001));
    wait_until("the cut client's task to end", || feed.stats().clients == 0).await;
    feed.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_the_stream_is_cut_with_4001() {
    let guards = Guards { send_timeout: Duration::from_secs(2), ..Guards::default() };
    cut_with_4001(start(big_mesh(), guards).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_a_replay_is_cut_with_4001() {
    let guards = Guards { send_timeout: Duration::from_secs(2), ..Guards::default() };
    cut_with_4001(start(big_replay(), guards).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_holds_no_task() {
    let send_timeout = Duration::from_millis(500);
    let guards = Guards { send_timeout, ..Guards::default() };
    let feed = start(big_mesh(), guards).await;
    let ws = idle_client(feed.addr, "?project=p").await;
    wait_until("the client to be counted", || feed.stats().clients == 1).await;
    // Never read: the task gives up after the send timeout and as long
    // again for the close frame.
    wait_until("the never-reading client's task to end", || feed.stats().clients == 0).await;
    assert_eq!(feed.stats().slow_clients_cut, 1);
    drop(ws);
    feed.stop().await;
}

#[tokio::test]
async fn a_client_frame_over_64_kib_closes_with_1009() {
    let feed = start(small_mesh(), Guards::default()).await;
    let mut ws = connect(feed.addr, "?project=p", &[]).await.expect("upgraded");
    first_text(&mut ws).await;
    // At the bound: accepted (and ignored), the stream goes on.
    ws.send(Message::text("x".repeat(64 * 1024))).await.expect("sent");
    ws.send(Message::text("{\"type\":\"auth\",\"token\":\"t\"}")).await.expect("sent");
    first_text(&mut ws).await;
    assert_eq!(feed.stats().clients, 1);
    ws.send(Message::text("x".repeat(64 * 1024 + 1))).await.expect("sent");
    let close = close_of(&mut ws).await;
    assert_eq!(close.map(|(code, _)| code), Some(1009));
    wait_until("the task to end", || feed.stats().clients == 0).await;
    feed.stop().await;
}

#[tokio::test]
async fn a_big_binary_frame_during_a_replay_closes_with_1009() {
    let feed = start(replay_of(vec![Frame::Text("{}".into())]), Guards::default()).await;
    let mut ws = connect(feed.addr, "", &[]).await.expect("upgraded");
    first_text(&mut ws).await;
    ws.send(Message::binary(vec![0u8; 200 * 1024])).await.expect("sent");
    let close = close_of(&mut ws).await;
    assert_eq!(close.map(|(code, _)| code), Some(1009));
    feed.stop().await;
}
