//! What an operator and a load balancer ask a replica: `GET /healthz`
//! (JSON: `ok`, or `degraded` while Redis is unreachable; 200 either way,
//! since a degraded replica still serves its clients the last state) and
//! `GET /metrics` (Prometheus text).

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::{metrics, AppState};

/// The `/healthz` answer.
#[derive(Debug, serde::Serialize)]
struct Health {
    /// `ok`, or `degraded` while Redis is unreachable.
    status: &'static str,
    /// `off` (one process), `connected` or `disconnected`.
    redis: &'static str,
    clients: usize,
    live_projects: usize,
}

pub async fn healthz(State(state): State<AppState>) -> Response {
    let redis = match (state.redis_in_use, state.counters.redis_connected.load(Ordering::Relaxed)) {
        (false, _) => "off",
        (true, true) => "connected",
        (true, false) => "disconnected",
    };
    let health = Health {
        status: if redis == "disconnected" { "degraded" } else { "ok" },
        redis,
        clients: state.counters.clients.load(Ordering::Relaxed),
        live_projects: state.projects.n_live(),
    };
    let json = serde_json::to_string(&health).unwrap_or_default();
    (StatusCode::OK, [(CONTENT_TYPE, "application/json")], json).into_response()
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    let text = metrics::render(&state.counters, state.projects.n_live(), state.redis_in_use);
    (StatusCode::OK, [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}
