//! What the feed's socket tests share: a feed on a free loopback port, a
//! WebSocket client with chosen headers, bounded reads and waits, and a
//! plain HTTP request.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use feed::{Feed, FeedConfig, Frame, Guards, SimSettings, Source};
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// How long any one wait in these tests may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);
/// Most frames read while waiting for one in particular.
pub const MAX_FRAMES_READ: usize = 100_000;

pub type Ws = WebSocketStream<TcpStream>;

/// A small, slow simulated mesh: cheap to run in many tests.
pub fn small_mesh() -> Source {
    Source::Simulated(SimSettings { n_nodes: 5, messages_per_sec: 20.0, ..SimSettings::default() })
}

pub fn replay_of(frames: Vec<Frame>) -> Source {
    Source::Replay { frames: Arc::new(frames), frames_per_sec: 0.0 }
}

pub async fn start(source: Source, guards: Guards) -> Feed {
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let config = FeedConfig { addr, source, serve_dir: None, base_path: "/".into(), csp: None };
    Feed::start_with(config, guards).await.expect("the feed starts")
}

/// Opens `/ws{query}` with these extra headers (`Origin`, `Host`, ...).
pub async fn connect(
    addr: SocketAddr,
    query: &str,
    headers: &[(&'static str, &str)],
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    let stream = TcpStream::connect(addr).await.expect("tcp connect");
    connect_over(stream, addr, query, headers).await
}

/// The WebSocket handshake over a TCP stream the test set up itself.
pub async fn connect_over<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    addr: SocketAddr,
    query: &str,
    headers: &[(&'static str, &str)],
) -> Result<WebSocketStream<S>, tokio_tungstenite::tungstenite::Error> {
    let mut request = format!("ws://{addr}/ws{query}").into_client_request()?;
    for (name, value) in headers {
        request.headers_mut().insert(*name, HeaderValue::from_str(value).expect("header value"));
    }
    let handshake = tokio_tungstenite::client_async(request, stream);
    let (ws, _) = tokio::time::timeout(WAIT, handshake).await.expect("handshake in time")?;
    Ok(ws)
}

/// The HTTP status a refused handshake got, or `None` if it was accepted.
pub async fn refused_with(addr: SocketAddr, query: &str, headers: &[(&'static str, &str)]) -> Option<u16> {
    match connect(addr, query, headers).await {
        Ok(_) => None,
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Some(response.status().as_u16()),
        Err(other) => panic!("handshake failed otherwise: {other}"),
    }
}

/// The first text frame, within [`WAIT`].
pub async fn first_text<S: AsyncRead + AsyncWrite + Unpin>(ws: &mut WebSocketStream<S>) -> String {
    let read = async {
        for _ in 0..MAX_FRAMES_READ {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => return text.as_str().to_owned(),
                Some(Ok(Message::Close(close))) => panic!("closed instead of streaming: {close:?}"),
                Some(Ok(_)) => {}
                other => panic!("the stream ended: {other:?}"),
            }
        }
        panic!("no text frame in {MAX_FRAMES_READ} frames");
    };
    tokio::time::timeout(WAIT, read).await.expect("a text frame in time")
}

/// Reads until the server's close frame: its code and reason, or `None` if
/// the connection ended without one.
pub async fn close_of<S: AsyncRead + AsyncWrite + Unpin>(ws: &mut WebSocketStream<S>) -> Option<(u16, String)> {
    let read = async {
        for _ in 0..MAX_FRAMES_READ {
            match ws.next().await {
                Some(Ok(Message::Close(Some(close)))) => return Some((close.code.into(), close.reason.to_string())),
                Some(Ok(Message::Close(None))) | Some(Err(_)) | None => return None,
                Some(Ok(_)) => {}
            }
        }
        panic!("no close in {MAX_FRAMES_READ} frames");
    };
    tokio::time::timeout(WAIT, read).await.expect("the close in time")
}

/// Polls `condition` every 20 ms until it holds; panics after [`WAIT`].
pub async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `GET path` over HTTP/1.1: the status and the header block (lowercase).
pub async fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.expect("tcp connect");
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("request sent");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("response read");
        String::from_utf8_lossy(&response).into_owned()
    };
    let response = tokio::time::timeout(WAIT, exchange).await.expect("a response in time");
    let head = response.split("\r\n\r\n").next().unwrap_or_default().to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status line");
    (status, head)
}
