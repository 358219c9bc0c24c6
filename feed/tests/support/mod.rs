//! What the feed's socket tests share: a feed on a free loopback port, a
//! WebSocket client with chosen headers, bounded reads and waits, and a
//! plain HTTP request.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use feed::{Feed, FeedConfig, Frame, Guards, SimSettings, Source, StreamOptions};
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
    start_full(source, guards, StreamOptions::default()).await
}

pub async fn start_full(source: Source, guards: Guards, options: StreamOptions) -> Feed {
    start_on(0, source, guards, options).await
}

/// A feed on `port` (0: any free port).
pub async fn start_on(port: u16, source: Source, guards: Guards, options: StreamOptions) -> Feed {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let config = FeedConfig { addr, source, serve_dir: None, base_path: "/".into(), csp: None };
    Feed::start_full(config, guards, options).await.expect("the feed starts")
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
    let (status, head, _) = http(addr, "GET", path, &[], b"").await;
    (status, head)
}

/// `POST path` with these headers and body: the status and the body.
pub async fn http_post(addr: SocketAddr, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let (status, _, body) = http(addr, "POST", path, headers, body).await;
    (status, body)
}

/// One HTTP/1.1 exchange: the status, the header block (lowercase) and the body.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, String) {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.expect("tcp connect");
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        stream.write_all(request.as_bytes()).await.expect("request sent");
        // The server may answer (413, 401) before it took the whole body.
        let _ = stream.write_all(body).await;
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response).await;
        String::from_utf8_lossy(&response).into_owned()
    };
    let response = tokio::time::timeout(WAIT, exchange).await.expect("a response in time");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let head = head.to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status line");
    (status, head, body.to_owned())
}

pub mod stream;
