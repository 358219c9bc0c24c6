//! Serving the built dashboard: correct content types, hashed files cached
//! for a year, and `no-cache` on everything unhashed (index.html and the
//! worker's files, which trunk does not hash) and on every error (a 404 for
//! a hashed name not yet deployed must not stick), so a stale worker never
//! meets a newer app. Unhashed files carry no date to revalidate against:
//! a date says nothing of the content (a rollback copies older dates, and
//! two builds within one second share theirs), so a browser holding the
//! newer index would be told `304` and load hashed files that are gone.
//! They are answered in full each time (about 3 KB for a page load).

use std::path::PathBuf;

use axum::extract::Request;
use axum::http::header::{HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY, IF_MODIFIED_SINCE, LAST_MODIFIED};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

/// A Content-Security-Policy as a header value, or why it cannot be one:
/// empty, a character outside printable ASCII (a newline would split the
/// header), or a directive that does not start with a directive name.
pub fn check_csp(policy: &str) -> Result<HeaderValue, String> {
    if policy.trim().is_empty() {
        return Err("empty".into());
    }
    if let Some(bad) = policy.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(format!("{bad:?} is not allowed (printable ASCII only)"));
    }
    for directive in policy.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let name = directive.split(' ').next().unwrap_or_default();
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(format!("{directive:?} does not start with a directive name"));
        }
    }
    HeaderValue::from_str(policy).map_err(|error| error.to_string())
}

/// Mounts `dir` at `base_path` (`/` or a sub-path like `/dash/`), with an
/// optional Content-Security-Policy (see [`check_csp`]) on every response.
pub fn mount(router: Router, dir: PathBuf, base_path: &str, csp: Option<HeaderValue>) -> Router {
    let files = ServeDir::new(dir).append_index_html_on_directories(true);
    let base = base_path.trim_end_matches('/');
    let router = if base.is_empty() {
        router.fallback_service(files)
    } else {
        let nested = Router::new().fallback_service(files);
        router.nest_service(base, nested)
    };
    let router = router.layer(middleware::from_fn(cache_headers));
    match csp {
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

async fn cache_headers(mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let hashed = is_hashed(&path);
    if !hashed {
        request.headers_mut().remove(IF_MODIFIED_SINCE);
    }
    let mut response = next.run(request).await;
    let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let policy = if found && hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    if !hashed {
        headers.remove(LAST_MODIFIED);
    }
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
    use super::{check_csp, is_hashed};

    #[test]
    fn only_trunk_hashed_names_are_cached_long() {
        assert!(is_hashed("/app-e24e47e5bbd4bca1_bg.wasm"));
        assert!(is_hashed("/dash/style-2821ac4c59134752.css"));
        assert!(!is_hashed("/stream_loader.js"));
        assert!(!is_hashed("/paint_loader.js"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/"));
    }

    #[test]
    fn a_csp_must_be_one_safe_header_line() {
        assert!(check_csp("default-src 'none'; script-src 'self' 'sha256-ab+/='; frame-ancestors 'none'").is_ok());
        assert!(check_csp("default-src 'self';").is_ok());
        for bad in [
            "",
            "   ",
            "default-src 'self'\nX-Injected: 1",
            "default-src 'self'\r\n",
            "default-src\t'self'",
            "default-src 'self' \u{1}",
            "default-src 'self' https://é.example",
            "default-src 'self'; <script> 'x'",
            "'self'",
        ] {
            assert!(check_csp(bad).is_err(), "{bad:?} accepted");
        }
    }
}
