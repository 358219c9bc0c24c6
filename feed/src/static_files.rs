//! Serving the built dashboard: correct content types, hashed files cached
//! for a year, and `no-cache` on everything unhashed (index.html and the
//! worker's files, which trunk does not hash), so a stale worker never meets
//! a newer app.

use std::path::PathBuf;

use axum::extract::Request;
use axum::http::header::{HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

/// Mounts `dir` at `base_path` (`/` or a sub-path like `/dash/`), with an
/// optional Content-Security-Policy on every response.
pub fn mount(router: Router, dir: PathBuf, base_path: &str, csp: Option<&str>) -> Router {
    let files = ServeDir::new(dir).append_index_html_on_directories(true);
    let base = base_path.trim_end_matches('/');
    let router = if base.is_empty() {
        router.fallback_service(files)
    } else {
        let nested = Router::new().fallback_service(files);
        router.nest_service(base, nested)
    };
    let router = router.layer(middleware::from_fn(cache_headers));
    match csp.and_then(|policy| HeaderValue::from_str(policy).ok()) {
        Some(policy) => router.layer(middleware::from_fn(move |request: Request, next: Next| {
            let policy = policy.clone();
            async move {
                let mut response = next.run(request).await;
                response.headers_mut().insert(CONTENT_SECURITY_POLICY, policy);
                response
            }
        })),
        None => router,
    }
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let policy = if is_hashed(&path) { "public, max-age=31536000, immutable" } else { "no-cache" };
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// trunk names hashed files `name-<16 hex>.ext` (or `_bg.wasm`).
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default().trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_trunk_hashed_names_are_cached_long() {
        assert!(is_hashed("/app-e24e47e5bbd4bca1_bg.wasm"));
        assert!(is_hashed("/dash/style-2821ac4c59134752.css"));
        assert!(!is_hashed("/worker_bg.wasm"));
        assert!(!is_hashed("/worker_loader.js"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/"));
    }
}
