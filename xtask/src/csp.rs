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
/// portals allowed to embed it (none: `'none'`).
pub fn policy(index_html: &str, connect: &[&str], frame_ancestors: &[&str]) -> String {
    let scripts = inline_script_hashes(index_html).join(" ");
    let connect = connect.join(" ");
    let ancestors = if frame_ancestors.is_empty() { "'none'".to_owned() } else { frame_ancestors.join(" ") };
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {scripts}; worker-src 'self'; \
         connect-src 'self' {connect}; style-src 'self'; img-src 'self' data:; base-uri 'self'; \
         form-action 'none'; frame-ancestors {ancestors}"
    )
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
}
