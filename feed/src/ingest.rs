//! `POST /ingest?project=<id>` (docs/protocol.md, "Sending to a server:
//! ingest"): producers put messages into a project's stream. The body is
//! NDJSON (one envelope a line) or one JSON array, at most
//! [`MAX_INGEST_BODY_BYTES`]; each message is decoded on its own, exactly
//! as the dashboard would, and a bad one costs only itself: the 200 answer
//! names it by index (the array element, or the 0-based line number; blank
//! lines are skipped but counted). The server assigns `pos` and `seq`.
//!
//! Off (404) unless the server has a token; 401 without it, 413 over the
//! size, 400 for a bad project id or a body that is not UTF-8 or (starting
//! with `[`) not a JSON array, 503 when the project cannot take it now.

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::value::RawValue;
use shared::ingest::{IngestAnswer, Rejection};
use shared::protocol::{Message, Payload};

use crate::hub::now_millis;
use crate::metrics::Counters;
use crate::{is_valid_project_id, AppState, Source};

/// The largest ingest body, in bytes.
pub const MAX_INGEST_BODY_BYTES: usize = 4 * 1024 * 1024;

#[derive(serde::Deserialize)]
pub struct IngestQuery {
    project: Option<String>,
}

/// The messages a body holds, and the ones it could not give.
#[derive(Debug, Default, PartialEq)]
pub struct Parsed {
    pub messages: Vec<Message>,
    pub rejected: Vec<Rejection>,
}

pub async fn handle(State(state): State<AppState>, Query(query): Query<IngestQuery>, request: Request) -> Response {
    let Some(token) = state.ingest_token.as_deref().filter(|_| !matches!(state.source, Source::Replay { .. })) else {
        return (StatusCode::NOT_FOUND, "ingest is off on this server").into_response();
    };
    if !authorized(request.headers(), token) {
        return (StatusCode::UNAUTHORIZED, [(WWW_AUTHENTICATE, "Bearer")], "a valid bearer token is needed")
            .into_response();
    }
    let project = query.project.filter(|p| !p.is_empty()).unwrap_or_else(|| "default".into());
    if !is_valid_project_id(&project) {
        return (StatusCode::BAD_REQUEST, "bad project id").into_response();
    }
    let body = match read_body(request.into_body()).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let parsed = match parse_body(&body) {
        Ok(parsed) => parsed,
        Err(why) => return (StatusCode::BAD_REQUEST, why).into_response(),
    };
    let accepted = parsed.messages.len() as u64;
    if accepted > 0 {
        if let Err(why) = publish(&state, &project, parsed.messages).await {
            return (StatusCode::SERVICE_UNAVAILABLE, why).into_response();
        }
        Counters::add(&state.counters.messages_published, accepted);
    }
    Counters::add(&state.counters.ingest_requests, 1);
    Counters::add(&state.counters.ingest_rejected, parsed.rejected.len() as u64);
    let answer = IngestAnswer { accepted, rejected: parsed.rejected };
    let json = serde_json::to_string(&answer).unwrap_or_default();
    (StatusCode::OK, [(CONTENT_TYPE, "application/json")], json).into_response()
}

/// Into Redis (every replica's clients get them), or this process's hub.
async fn publish(state: &AppState, project: &str, messages: Vec<Message>) -> Result<(), String> {
    if let Some(store) = state.projects.store() {
        return store.publish(project, &messages).await.map(|_| ()).map_err(|error| {
            Counters::add(&state.counters.redis_errors, 1);
            format!("the stream store is unavailable: {error}")
        });
    }
    let hub = state.projects.for_producer(project).map_err(|_| "too many live projects; try again later")?;
    hub.publish(messages, now_millis());
    Ok(())
}

/// Whether the request carries `Bearer <token>` (compared in constant time).
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let (given, token) = (given.trim().as_bytes(), token.as_bytes());
    given.len() == token.len() && given.iter().zip(token).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0
}

async fn read_body(body: Body) -> Result<String, Response> {
    let bytes = match axum::body::to_bytes(body, MAX_INGEST_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => {
            let too_big =
                std::error::Error::source(&error).is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
            let status = if too_big { StatusCode::PAYLOAD_TOO_LARGE } else { StatusCode::BAD_REQUEST };
            let why = if too_big { format!("over {MAX_INGEST_BODY_BYTES} bytes") } else { error.to_string() };
            return Err((status, why).into_response());
        }
    };
    String::from_utf8(bytes.to_vec()).map_err(|_| (StatusCode::BAD_REQUEST, "the body is not UTF-8").into_response())
}

/// Splits a body into messages: a JSON array's elements, or NDJSON lines.
pub fn parse_body(body: &str) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut take = |index: usize, text: &str| match decode_one(text) {
        Ok(message) => parsed.messages.push(message),
        Err(error) => parsed.rejected.push(Rejection { index: index as u64, error }),
    };
    if body.trim_start().starts_with('[') {
        let elements: Vec<&RawValue> =
            serde_json::from_str(body).map_err(|e| format!("the body is not a JSON array: {e}"))?;
        elements.iter().enumerate().for_each(|(index, element)| take(index, element.get()));
    } else {
        let lines = body.split('\n').enumerate().filter(|(_, line)| !line.trim().is_empty());
        lines.for_each(|(index, line)| take(index, line));
    }
    Ok(parsed)
}

/// One message, decoded as the dashboard decodes it.
fn decode_one(text: &str) -> Result<Message, String> {
    if !text.trim_start().starts_with('{') {
        return Err("not a message object".into());
    }
    let decoded = shared::decode_frame(text);
    if let Some(error) = decoded.errors.into_iter().next() {
        return Err(error.detail);
    }
    match <[Message; 1]>::try_from(decoded.messages) {
        Ok([message]) if matches!(message.payload, Payload::Resumed { .. }) => {
            Err("\"resumed\" is sent by servers only".into())
        }
        Ok([message]) => Ok(message),
        Err(_) => Err("not a message object".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = r#"{"data":{"type":"node-status","id":"a","status":"ok"}}"#;
    const WARP: &str = r#"{"data":{"type":"warp"}}"#;

    fn check(body: &str, accepted: usize, rejected: &[(u64, &str)]) {
        let parsed = parse_body(body).unwrap();
        assert_eq!(parsed.messages.len(), accepted, "{body}");
        let got: Vec<(u64, &str)> = parsed.rejected.iter().map(|r| (r.index, r.error.as_str())).collect();
        assert_eq!(got, rejected, "{body}");
    }

    #[test]
    fn each_message_is_taken_or_rejected_on_its_own() {
        check("", 0, &[]);
        check(&format!("{STATUS}\n{WARP}\n\n{STATUS}\n"), 2, &[(1, "unknown type \"warp\"")]);
        check(&format!("[{STATUS},{WARP},{STATUS}]"), 2, &[(1, "unknown type \"warp\"")]);
        check(&format!("[{STATUS}, 3, [{STATUS}]]"), 1, &[(1, "not a message object"), (2, "not a message object")]);
        check(
            &format!("{STATUS}\n[{STATUS}]\nnot json"),
            1,
            &[(1, "not a message object"), (2, "not a message object")],
        );
        let resumed = r#"{"data":{"type":"resumed","since":"e:1"}}"#;
        check(resumed, 0, &[(0, "\"resumed\" is sent by servers only")]);
        let parsed = parse_body(r#"{"data":{"type":"node-status","id":"a"}}"#).unwrap();
        assert!(parsed.rejected.first().is_some_and(|r| r.error.contains("missing field `status`")));
    }

    #[test]
    fn a_broken_array_is_an_error_for_the_whole_body() {
        assert!(parse_body(&format!("[{STATUS}")).is_err());
    }

    #[test]
    fn the_token_must_match_exactly() {
        let headers = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, value.parse().unwrap());
            headers
        };
        assert!(authorized(&headers("Bearer s3cret"), "s3cret"));
        for wrong in ["Bearer s3cre", "Bearer s3cret2", "Basic s3cret", "s3cret", "Bearer "] {
            assert!(!authorized(&headers(wrong), "s3cret"), "{wrong}");
        }
        assert!(!authorized(&HeaderMap::new(), "s3cret"));
    }
}
