//! The strict Content-Security-Policy for a built `dist/`: no inline code
//! but trunk's one loader script (allowed by its hash), wasm compilation
//! allowed (`'wasm-unsafe-eval'`), the worker from the same origin, sockets
//! only to the named stream origins, framing only by named portals.

use sha2::{Digest, Sha256};

/// `'sha256-…'` sources for every inline `<script>` (without `src`) in a page.
pub fn inline_script_hashes(index_html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = index_html;
    while let Some(start) = rest.find("<script") {
        let Some(tag_end) = rest.get(start..).and_then(|r| r.find('>')).map(|i| start + i + 1) else { break };
        let tag = rest.get(start..tag_end).unwrap_or_default();
        let Some(close) = rest.get(tag_end..).and_then(|r| r.find("</script>")).map(|i| tag_end + i) else { break };
        if !tag.contains(" src=") {
            let body = rest.get(tag_end..close).unwrap_or_default();
            hashes.push(format!("'sha256-{}'", base64(&Sha256::digest(body.as_bytes()))));
        }
        rest = rest.get(close..).unwrap_or_default();
    }
    hashes
}

/// The policy for a page whose index.html is `index_html`. `connect` lists
/// the stream origins (`wss://feed.example.com`); `frame_ancestors` the
/// portals allowed to embed it (none: `'none'`). Every value must pass
/// [`check_source`]: one that could widen or break the policy is an error.
pub fn try_policy(index_html: &str, connect: &[&str], frame_ancestors: &[&str]) -> Result<String, String> {
    for (flag, value) in
        connect.iter().map(|v| ("--connect", v)).chain(frame_ancestors.iter().map(|v| ("--frame-ancestor", v)))
    {
        check_source(value).map_err(|why| format!("{flag} {value:?}: {why}"))?;
    }
    let scripts = inline_script_hashes(index_html).join(" ");
    let connect = connect.join(" ");
    let ancestors = if frame_ancestors.is_empty() { "'none'".to_owned() } else { frame_ancestors.join(" ") };
    Ok(format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {scripts}; worker-src 'self'; \
         connect-src 'self' {connect}; style-src 'self'; img-src 'self' data:; base-uri 'self'; \
         form-action 'none'; frame-ancestors {ancestors}"
    ))
}

/// [`try_policy`] for sources fixed in code (tests).
///
/// # Panics
/// On a source that [`try_policy`] refuses: user input goes through it.
pub fn policy(index_html: &str, connect: &[&str], frame_ancestors: &[&str]) -> String {
    try_policy(index_html, connect, frame_ancestors).unwrap_or_else(|why| panic!("{why}"))
}

/// A source for the policy must be an origin (`scheme://host[:port]`, no
/// path, no wildcard) or a scheme source (`wss:`). Anything else could end
/// the directive (`;`), add sources (whitespace, `,`), allow any host (`*`)
/// or smuggle a keyword (`'unsafe-inline'`).
pub fn check_source(source: &str) -> Result<(), String> {
    if let Some(bad) = source.chars().find(|c| matches!(c, ';' | ',' | '*') || c.is_whitespace()) {
        return Err(format!("{bad:?} is not allowed in a source"));
    }
    let (scheme, rest) = source.split_once(':').ok_or("expected scheme://host[:port] or a scheme like wss:")?;
    let scheme_ok = scheme.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return Err(format!("{scheme:?} is not a scheme"));
    }
    if rest.is_empty() {
        return Ok(());
    }
    let authority = rest.strip_prefix("//").ok_or("expected scheme://host[:port] or a scheme like wss:")?;
    let (host_ok, after_host) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (inside, after) = v6.split_once(']').ok_or("unclosed [")?;
            (!inside.is_empty() && inside.bytes().all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.')), after)
        }
        None => {
            let (host, after) = authority.split_at(authority.find(':').unwrap_or(authority.len()));
            (!host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')), after)
        }
    };
    if !host_ok {
        return Err(format!("{authority:?} is not host[:port]"));
    }
    if let Some(port) = after_host.strip_prefix(':') {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err() {
            return Err(format!("{port:?} is not a port"));
        }
    } else if !after_host.is_empty() {
        return Err(format!("{after_host:?}: an origin has no path"));
    }
    Ok(())
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = ((n >> (18 - 6 * i)) & 63) as usize;
                out.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let page = r#"<script src="a.js"></script><script type="module">alert(1)</script>"#;
        // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(inline_script_hashes(page), ["'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"]);
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        let csp = policy(page, &["wss://feed.example"], &[]);
        assert!(csp.contains("connect-src 'self' wss://feed.example;"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn origins_and_scheme_sources_are_accepted() {
        for good in [
            "wss://feed.example.com",
            "ws://127.0.0.1:9001",
            "https://portal.example",
            "https://portal.example:8443",
            "http://[::1]:9001",
            "wss:",
            "https:",
        ] {
            assert_eq!(check_source(good), Ok(()), "{good}");
        }
        let csp = try_policy("", &["wss://a.example", "wss:"], &["https://portal.example"]).unwrap();
        assert!(csp.contains("connect-src 'self' wss://a.example wss:;"), "{csp}");
        assert!(csp.ends_with("frame-ancestors https://portal.example"), "{csp}");
    }

    #[test]
    fn anything_that_could_widen_the_policy_is_an_error() {
        for bad in [
            "wss://a.example; script-src *",
            "wss://a.example 'unsafe-inline'",
            "wss://a.example,wss://b.example",
            "wss://a.example\n",
            "wss://a.example\t",
            "*",
            "wss://*.example",
            "'unsafe-inline'",
            "'self'",
            "feed.example.com",
            "wss://",
            "wss://a.example/path",
            "wss://a.example:",
            "wss://a.example:port",
            "wss://a.example:99999",
            "wss://user@a.example",
            "wss://[::1",
            "1ws://a.example",
            "",
        ] {
            assert!(check_source(bad).is_err(), "{bad:?} accepted");
            assert!(try_policy("", &[bad], &[]).is_err(), "--connect {bad:?} accepted");
            assert!(try_policy("", &[], &[bad]).is_err(), "--frame-ancestor {bad:?} accepted");
        }
        let error = try_policy("", &["wss://ok.example"], &["https://a.example;"]).unwrap_err();
        assert!(error.starts_with("--frame-ancestor"), "{error}");
    }
}
