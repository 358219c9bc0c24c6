//! A reference server for docs/protocol.md: `GET /ws?project=<id>` sends a
//! `snapshot` first on every connection (or, with `&since=<pos>`, `resumed`
//! and exactly the missed messages), then the project's stream. Each
//! project has one hub: its producers (the simulator, `POST /ingest`) go
//! in, every message gets a position, and every client of the project gets
//! the same frames (a broadcast channel); a client too slow to keep up is
//! cut off and must resync, never buffered without bound. It can also
//! replay recorded frames, and serve the built dashboard from a folder.
//!
//! With [`StreamOptions::redis_url`] the streams live in Redis (`store.rs`,
//! `tail.rs`): positions are assigned there, every replica tails the
//! projects its clients watch, and a client resumes on any replica.
//! `GET /healthz` and `GET /metrics` tell operators how a replica does.
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
mod history;
mod hub;
mod ingest;
mod metrics;
mod ops;
mod origin;
mod projects;
mod simulate;
mod static_files;
mod store;
mod tail;

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
use axum::routing::{get, post};
use axum::Router;
use shared::protocol::Pos;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use client::{
    CLOSE_PROJECT_REFUSED, CLOSE_TOO_BIG, CLOSE_TOO_SLOW, CLOSE_TRY_AGAIN_LATER, MAX_CLIENT_FRAME_BYTES,
    SEND_TIMEOUT_SECS,
};
pub use history::{HISTORY_MAX_BYTES, HISTORY_MAX_MESSAGES};
pub use hub::Frame;
pub use ingest::MAX_INGEST_BODY_BYTES;
use metrics::{Connected, Counters};
pub use origin::{AllowedOrigins, Origin};
pub use projects::{is_valid_project_id, MAX_LIVE_PROJECTS, MAX_PROJECT_ID_BYTES, PROJECT_IDLE_GRACE_SECS};
use projects::{ProjectSettings, Projects};
pub use simulate::SimSettings;
pub use static_files::check_csp;
use store::Store;
pub use tail::CHECKPOINT_INTERVAL_SECS;

/// How long a client waits for its project to be read from Redis before it
/// is told to try again later (1013).
pub const READY_WAIT_SECS: u64 = 10;
/// How long a resuming client that saw messages this replica has not read
/// yet waits for it to catch up before it gets a snapshot instead.
const CATCH_UP_WAIT_MILLIS: u64 = 2_000;
/// How often a replica checks that Redis answers (for `/healthz`).
const REDIS_PING_MILLIS: u64 = 1_000;

#[derive(Debug, Clone)]
pub enum Source {
    /// A live simulator as each project's producer (and `POST /ingest`,
    /// when a token is set).
    Simulated(SimSettings),
    /// Projects fed only by producers through `POST /ingest`.
    Ingested,
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

/// Where projects' streams come from and how long they are kept;
/// [`Feed::start_with`] uses the defaults (no ingest).
#[derive(Clone)]
pub struct StreamOptions {
    /// Producers send this as `Authorization: Bearer <token>` to
    /// `POST /ingest`; without one, ingest is off (404).
    pub ingest_token: Option<String>,
    /// Messages each project keeps for resuming clients (in Redis mode,
    /// the streams' MAXLEN).
    pub history_max_messages: usize,
    /// `redis://HOST:PORT`: keep the streams in Redis, shared by every
    /// replica started with the same URL.
    pub redis_url: Option<String>,
    /// Redis mode: how often a replica writes its projects' checkpoints.
    pub checkpoint_interval: Duration,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            ingest_token: None,
            history_max_messages: HISTORY_MAX_MESSAGES,
            redis_url: None,
            checkpoint_interval: Duration::from_secs(CHECKPOINT_INTERVAL_SECS),
        }
    }
}

impl std::fmt::Debug for StreamOptions {
    /// Shows whether ingest is on, never the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamOptions")
            .field("ingest_token", &self.ingest_token.as_ref().map(|_| "<redacted>"))
            .field("history_max_messages", &self.history_max_messages)
            .field("redis_url", &self.redis_url)
            .field("checkpoint_interval", &self.checkpoint_interval)
            .finish()
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
    /// Messages this server put into a stream (ingest and simulator).
    pub messages_published: u64,
    /// Messages applied to this server's projects since the start.
    pub messages_applied: u64,
    /// Clients that asked to resume: answered with `resumed`, or with a snapshot.
    pub resumes_recovered: u64,
    pub resumes_not_recovered: u64,
    /// Redis mode: gaps of trimmed messages found, and projects with one now.
    pub history_gaps: u64,
    pub graphs_with_gaps: u64,
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
    ingest_token: Option<Arc<str>>,
    /// Streams live in Redis (`--redis`).
    redis_in_use: bool,
}

#[derive(serde::Deserialize)]
struct WsQuery {
    project: Option<String>,
    /// The last position the client applied (docs/protocol.md, "Positions and resume").
    since: Option<String>,
}

impl Feed {
    /// Binds and starts serving in the background, with the default guards.
    pub async fn start(config: FeedConfig) -> std::io::Result<Feed> {
        Feed::start_with(config, Guards::default()).await
    }

    /// Binds and starts serving in the background, with the default streams.
    pub async fn start_with(config: FeedConfig, guards: Guards) -> std::io::Result<Feed> {
        Feed::start_full(config, guards, StreamOptions::default()).await
    }

    /// Binds and starts serving in the background.
    pub async fn start_full(config: FeedConfig, guards: Guards, options: StreamOptions) -> std::io::Result<Feed> {
        let csp = config.csp.as_deref().map(check_csp).transpose().map_err(|why| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("invalid Content-Security-Policy: {why}"))
        })?;
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let (shutdown, stopping) = watch::channel(false);
        let store = match &options.redis_url {
            Some(url) => Some(Store::open(url, options.history_max_messages).map_err(|error| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("--redis {url}: {error}"))
            })?),
            None => None,
        };
        let settings = ProjectSettings {
            simulate: match &config.source {
                Source::Simulated(settings) => Some(settings.clone()),
                Source::Ingested | Source::Replay { .. } => None,
            },
            history_max_messages: options.history_max_messages,
            history_max_bytes: HISTORY_MAX_BYTES,
            store: store.clone(),
            checkpoint_every: options.checkpoint_interval,
            replica: hub::new_epoch(),
        };
        let counters = Arc::<Counters>::default();
        let (max_live, grace) = (guards.max_live_projects, guards.project_idle_grace);
        let projects = Projects::start(settings, max_live, grace, stopping.clone(), counters.clone());
        let state = AppState {
            source: config.source,
            projects,
            allowed_origins: Arc::new(guards.allowed_origins),
            send_timeout: guards.send_timeout,
            counters,
            shutdown: stopping.clone(),
            ingest_token: options.ingest_token.map(Arc::from),
            redis_in_use: store.is_some(),
        };
        if let Some(store) = store {
            tokio::spawn(watch_redis(store, state.counters.clone(), stopping.clone()));
        }
        let mut router = Router::new()
            .route("/ws", get(handle_upgrade))
            .route("/ingest", post(ingest::handle))
            .route("/healthz", get(ops::healthz))
            .route("/metrics", get(ops::metrics))
            .with_state(state.clone());
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
        let counters = &self.state.counters;
        FeedStats {
            live_projects: self.state.projects.n_live(),
            clients: counters.clients.load(Ordering::Relaxed),
            slow_clients_cut: counters.slow_clients_cut.load(Ordering::Relaxed),
            messages_published: counters.messages_published.load(Ordering::Relaxed),
            messages_applied: counters.messages_applied.load(Ordering::Relaxed),
            resumes_recovered: counters.resumes_recovered.load(Ordering::Relaxed),
            resumes_not_recovered: counters.resumes_not_recovered.load(Ordering::Relaxed),
            history_gaps: counters.history_gaps.load(Ordering::Relaxed),
            graphs_with_gaps: counters.graphs_with_gaps.load(Ordering::Relaxed),
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
    // A malformed position is as good as none: the client gets a snapshot.
    let since = query.since.as_deref().and_then(Pos::parse);
    let upgrade = upgrade.max_message_size(MAX_CLIENT_FRAME_BYTES).max_frame_size(MAX_CLIENT_FRAME_BYTES);
    upgrade.on_upgrade(move |socket| async move {
        let _connected = Connected::new(&state.counters);
        let mut stopping = state.shutdown.clone();
        tokio::select! {
            () = serve_socket(socket, project, since, &state) => {}
            _ = stopping.wait_for(|stop| *stop) => {}
        }
    })
}

async fn serve_socket(socket: WebSocket, project: String, since: Option<Pos>, state: &AppState) {
    let send_timeout = state.send_timeout;
    if !is_valid_project_id(&project) {
        let reason = format!("bad project id: 1 to {MAX_PROJECT_ID_BYTES} bytes of A-Z a-z 0-9 . _ -");
        return client::close_with(socket, CLOSE_PROJECT_REFUSED, &reason, send_timeout).await;
    }
    match &state.source {
        Source::Simulated(_) | Source::Ingested => {
            let Ok(lease) = state.projects.join(&project) else {
                let reason = "too many live projects; try again later";
                return client::close_with(socket, CLOSE_TRY_AGAIN_LATER, reason, send_timeout).await;
            };
            if !lease.hub.wait_ready(Duration::from_secs(READY_WAIT_SECS)).await {
                let reason = "the stream store is unavailable; try again later";
                return client::close_with(socket, CLOSE_TRY_AGAIN_LATER, reason, send_timeout).await;
            }
            if let Some(since) = &since {
                // Seen on a replica ahead of this one: give this one a moment.
                lease.hub.wait_for(since, Duration::from_millis(CATCH_UP_WAIT_MILLIS)).await;
            }
            let store = state.projects.store().map(|store| (store, project.as_str()));
            client::stream_hub(socket, &lease.hub, since, store, send_timeout, &state.counters).await;
        }
        Source::Replay { frames, frames_per_sec } => {
            client::replay(socket, frames, *frames_per_sec, send_timeout, &state.counters).await;
        }
    }
}

/// Redis mode: tells `/healthz` whether Redis answers, even while no
/// project is live.
async fn watch_redis(store: Store, counters: Arc<Counters>, mut stopping: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(Duration::from_millis(REDIS_PING_MILLIS));
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
        let answered = store.ping().await.is_ok();
        counters.redis_connected.store(answered, Ordering::Relaxed);
    }
}
