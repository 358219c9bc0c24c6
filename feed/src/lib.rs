//! A reference server for PROTOCOL.md: `GET /ws?project=<id>` sends a
//! `snapshot` first on every connection, then the project's stream. One
//! simulator per project feeds every client of that project (a broadcast
//! channel); a client too slow to keep up is cut off and must resync, never
//! buffered without bound. It can also replay recorded frames, and serve the
//! built dashboard from a folder.
//!
//! Safe to expose ([`Guards`]): an upgrade from an origin not allowed gets
//! HTTP 403 before the upgrade; a bad project id (see
//! [`is_valid_project_id`]) is closed with 4002 and a reason right after the
//! upgrade (a browser page sees a close code and reason, never the status of
//! a refused upgrade); beyond [`MAX_LIVE_PROJECTS`] a client is closed with
//! 1013; a project stops [`PROJECT_IDLE_GRACE_SECS`] after its last client
//! left; a client that does not take a frame within [`SEND_TIMEOUT_SECS`] is
//! cut with 4001; a client frame over [`MAX_CLIENT_FRAME_BYTES`] closes with
//! 1009.

pub mod cli;
mod client;
mod hub;
mod origin;
mod projects;
mod static_files;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use client::{Connected, Counters};
pub use client::{
    CLOSE_PROJECT_REFUSED, CLOSE_TOO_BIG, CLOSE_TOO_SLOW, CLOSE_TRY_AGAIN_LATER, MAX_CLIENT_FRAME_BYTES,
    SEND_TIMEOUT_SECS,
};
pub use hub::{Frame, SimSettings};
pub use origin::{AllowedOrigins, Origin};
use projects::Projects;
pub use projects::{is_valid_project_id, MAX_LIVE_PROJECTS, MAX_PROJECT_ID_BYTES, PROJECT_IDLE_GRACE_SECS};
pub use static_files::check_csp;

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
    /// A Content-Security-Policy header for the served files; an invalid one
    /// (see [`check_csp`]) fails [`Feed::start`].
    pub csp: Option<String>,
}

/// What keeps an exposed server safe; [`Feed::start`] uses the defaults
/// (tests shorten the times).
#[derive(Debug, Clone)]
pub struct Guards {
    /// Pages allowed to open the stream (checked on every upgrade).
    pub allowed_origins: AllowedOrigins,
    /// Projects streamed at once; one more is closed with 1013.
    pub max_live_projects: usize,
    /// How long a project keeps running after its last client left.
    pub project_idle_grace: Duration,
    /// How long one frame may take to go out before the client is cut (4001).
    pub send_timeout: Duration,
}

impl Default for Guards {
    fn default() -> Self {
        Guards {
            allowed_origins: AllowedOrigins::default(),
            max_live_projects: MAX_LIVE_PROJECTS,
            project_idle_grace: Duration::from_secs(PROJECT_IDLE_GRACE_SECS),
            send_timeout: Duration::from_secs(SEND_TIMEOUT_SECS),
        }
    }
}

/// What a running server holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedStats {
    /// Projects whose simulator runs (with clients or within their grace).
    pub live_projects: usize,
    /// Open WebSocket connections.
    pub clients: usize,
    /// Clients cut with 4001 since the start.
    pub slow_clients_cut: u64,
}

/// A running server; dropping it (or `stop`) shuts it down.
pub struct Feed {
    pub addr: SocketAddr,
    /// Set to true to stop: the server, every socket and every hub watch it.
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    state: AppState,
}

#[derive(Clone)]
struct AppState {
    source: Source,
    projects: Arc<Projects>,
    allowed_origins: Arc<AllowedOrigins>,
    send_timeout: Duration,
    counters: Arc<Counters>,
    shutdown: watch::Receiver<bool>,
}

#[derive(serde::Deserialize)]
struct WsQuery {
    project: Option<String>,
}

impl Feed {
    /// Binds and starts serving in the background, with the default guards.
    pub async fn start(config: FeedConfig) -> std::io::Result<Feed> {
        Feed::start_with(config, Guards::default()).await
    }

    /// Binds and starts serving in the background.
    pub async fn start_with(config: FeedConfig, guards: Guards) -> std::io::Result<Feed> {
        let csp = config.csp.as_deref().map(check_csp).transpose().map_err(|why| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("invalid Content-Security-Policy: {why}"))
        })?;
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let (shutdown, stopping) = watch::channel(false);
        let settings = match &config.source {
            Source::Simulated(settings) => settings.clone(),
            Source::Replay { .. } => SimSettings::default(),
        };
        let projects = Projects::start(settings, guards.max_live_projects, guards.project_idle_grace, stopping.clone());
        let state = AppState {
            source: config.source,
            projects,
            allowed_origins: Arc::new(guards.allowed_origins),
            send_timeout: guards.send_timeout,
            counters: Arc::default(),
            shutdown: stopping.clone(),
        };
        let mut router = Router::new().route("/ws", get(handle_upgrade)).with_state(state.clone());
        if let Some(dir) = config.serve_dir {
            router = static_files::mount(router, dir, &config.base_path, csp);
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
        Ok(Feed { addr, shutdown, task: Some(task), state })
    }

    /// What the server holds now.
    pub fn stats(&self) -> FeedStats {
        FeedStats {
            live_projects: self.state.projects.n_live(),
            clients: self.state.counters.clients.load(Ordering::Relaxed),
            slow_clients_cut: self.state.counters.slow_clients_cut.load(Ordering::Relaxed),
        }
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

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feed").field("addr", &self.addr).field("stats", &self.stats()).finish_non_exhaustive()
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Checks the origin (403 before the upgrade), then serves the socket.
async fn handle_upgrade(
    upgrade: WebSocketUpgrade,
    Query(query): Query<WsQuery>,
    headers: HeaderMap,
    State(state): State<AppState>,
) -> Response {
    let origin = headers.get(ORIGIN).map(|value| value.as_bytes());
    let host = headers.get(HOST).map(|value| value.as_bytes());
    if !state.allowed_origins.allows(origin, host) {
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    // No project (or an empty one) means the default project.
    let project = query.project.filter(|p| !p.is_empty()).unwrap_or_else(|| "default".into());
    let upgrade = upgrade.max_message_size(MAX_CLIENT_FRAME_BYTES).max_frame_size(MAX_CLIENT_FRAME_BYTES);
    upgrade.on_upgrade(move |socket| async move {
        let _connected = Connected::new(&state.counters);
        let mut stopping = state.shutdown.clone();
        tokio::select! {
            () = serve_socket(socket, project, &state) => {}
            _ = stopping.wait_for(|stop| *stop) => {}
        }
    })
}

async fn serve_socket(socket: WebSocket, project: String, state: &AppState) {
    let send_timeout = state.send_timeout;
    if !is_valid_project_id(&project) {
        let reason = format!("bad project id: 1 to {MAX_PROJECT_ID_BYTES} bytes of A-Z a-z 0-9 . _ -");
        return client::close_with(socket, CLOSE_PROJECT_REFUSED, &reason, send_timeout).await;
    }
    match &state.source {
        Source::Simulated(_) => match state.projects.join(&project) {
            Ok(lease) => client::stream_hub(socket, &lease.hub, send_timeout, &state.counters).await,
            Err(projects::Full) => {
                let reason = "too many live projects; try again later";
                client::close_with(socket, CLOSE_TRY_AGAIN_LATER, reason, send_timeout).await;
            }
        },
        Source::Replay { frames, frames_per_sec } => {
            client::replay(socket, frames, *frames_per_sec, send_timeout, &state.counters).await;
        }
    }
}
