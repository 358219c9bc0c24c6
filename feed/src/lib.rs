//! A reference server for PROTOCOL.md: `GET /ws?project=<id>` sends a
//! `snapshot` first on every connection, then the project's stream. One
//! simulator per project feeds every client of that project (a broadcast
//! channel); a client too slow to keep up is cut off and must resync, never
//! buffered without bound. It can also replay recorded frames, and serve the
//! built dashboard from a folder.

mod hub;
mod static_files;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use hub::Hub;
pub use hub::{Frame, SimSettings};

/// Projects one server streams at once; more are refused.
pub const MAX_PROJECTS: usize = 64;

/// What the server streams.
#[derive(Debug, Clone)]
pub enum Source {
    /// A live simulator per project.
    Simulated(SimSettings),
    /// The same recorded frames to every connection, in order, at a rate
    /// (frames per second; 0 = as fast as the socket takes them).
    Replay { frames: Arc<Vec<Frame>>, frames_per_sec: f64 },
}

#[derive(Debug, Clone)]
pub struct FeedConfig {
    pub addr: SocketAddr,
    pub source: Source,
    /// Serve this folder (the built dashboard) under `base_path`.
    pub serve_dir: Option<PathBuf>,
    /// Where the folder is served, e.g. `/` or `/dash/` (sub-path hosting).
    pub base_path: String,
    /// A Content-Security-Policy header for the served files.
    pub csp: Option<String>,
}

/// A running server; dropping it (or `stop`) shuts it down.
#[derive(Debug)]
pub struct Feed {
    pub addr: SocketAddr,
    /// Set to true to stop: the server, every socket and every hub watch it.
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

#[derive(Clone)]
struct AppState {
    source: Source,
    hubs: Arc<Mutex<HashMap<String, Arc<Hub>>>>,
    shutdown: watch::Receiver<bool>,
}

#[derive(serde::Deserialize)]
struct WsQuery {
    project: Option<String>,
}

impl Feed {
    /// Binds and starts serving in the background.
    pub async fn start(config: FeedConfig) -> std::io::Result<Feed> {
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let (shutdown, stopping) = watch::channel(false);
        let state = AppState { source: config.source, hubs: Arc::default(), shutdown: stopping.clone() };
        let mut router = Router::new().route("/ws", get(handle_upgrade)).with_state(state);
        if let Some(dir) = config.serve_dir {
            router = static_files::mount(router, dir, &config.base_path, config.csp.as_deref());
        }
        let mut on_shutdown = stopping;
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, router).with_graceful_shutdown(async move {
                let _ = on_shutdown.wait_for(|stop| *stop).await;
            });
            if let Err(error) = server.await {
                eprintln!("feed: server error: {error}");
            }
        });
        Ok(Feed { addr, shutdown, task: Some(task) })
    }

    /// Stops accepting, closes every connection and stops the simulators;
    /// returns once the port is free.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

async fn handle_upgrade(
    upgrade: WebSocketUpgrade,
    Query(query): Query<WsQuery>,
    State(state): State<AppState>,
) -> Response {
    let project = query.project.filter(|p| !p.is_empty()).unwrap_or_else(|| "default".into());
    upgrade.on_upgrade(move |socket| async move {
        let mut stopping = state.shutdown.clone();
        tokio::select! {
            () = serve_socket(socket, project, state) => {}
            _ = stopping.wait_for(|stop| *stop) => {}
        }
    })
}

async fn serve_socket(socket: WebSocket, project: String, state: AppState) {
    match state.source.clone() {
        Source::Simulated(settings) => {
            let hub = {
                let mut hubs = state.hubs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if !hubs.contains_key(&project) && hubs.len() >= MAX_PROJECTS {
                    None
                } else {
                    let stopping = state.shutdown.clone();
                    Some(
                        hubs.entry(project.clone()).or_insert_with(|| Hub::start(&project, settings, stopping)).clone(),
                    )
                }
            };
            match hub {
                Some(hub) => stream_hub(socket, &hub).await,
                None => close_with(socket, 4002, "too many projects").await,
            }
        }
        Source::Replay { frames, frames_per_sec } => replay(socket, &frames, frames_per_sec).await,
    }
}

/// Snapshot first, then the shared stream; cut off a client that lags.
async fn stream_hub(socket: WebSocket, hub: &Hub) {
    let (snapshot, mut frames) = hub.subscribe();
    let (mut sender, mut receiver) = socket.split();
    for frame in snapshot {
        if sender.send(WsMessage::Text(frame.into())).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            frame = frames.recv() => match frame {
                Ok(frame) => {
                    if sender.send(frame.to_ws()).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let close = axum::extract::ws::CloseFrame { code: 4001, reason: "too slow; reconnect to resync".into() };
                    let _ = sender.send(WsMessage::Close(Some(close))).await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            incoming = receiver.next() => match incoming {
                // Frames from the dashboard (auth, commands) are accepted and ignored.
                Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

async fn replay(socket: WebSocket, frames: &[Frame], frames_per_sec: f64) {
    let (mut sender, mut receiver) = socket.split();
    let pace = (frames_per_sec > 0.0).then(|| std::time::Duration::from_secs_f64(1.0 / frames_per_sec));
    let start = tokio::time::Instant::now();
    for (index, frame) in frames.iter().enumerate() {
        if let Some(pace) = pace {
            tokio::time::sleep_until(start + pace * index as u32).await;
        }
        if sender.send(frame.to_ws()).await.is_err() {
            return;
        }
    }
    // Keep the connection open (a replay is not a reason to reconnect).
    while let Some(Ok(message)) = receiver.next().await {
        if matches!(message, WsMessage::Close(_)) {
            return;
        }
    }
}

async fn close_with(mut socket: WebSocket, code: u16, reason: &'static str) {
    let close = axum::extract::ws::CloseFrame { code, reason: reason.into() };
    let _ = socket.send(WsMessage::Close(Some(close))).await;
}
