//! The address bar follows the filter and the focus (`q`, `focus`, `hops`),
//! so the page's URL is always a deep link to what it shows. Pure: the
//! query string in, the query string out; every other parameter is kept as
//! it was written, in its place.

use crate::lens::Focus;

const FIND_KEYS: [&str; 3] = ["q", "focus", "hops"];

/// `search` (`location.search`, with or without its `?`) with `q`, `focus`
/// and `hops` replaced by `filter` and `focus` (left out when empty).
pub fn with_find_params(search: &str, filter: &str, focus: Option<&Focus>) -> String {
    let mut pairs: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| !FIND_KEYS.contains(&pair.split('=').next().unwrap_or_default()))
        .map(str::to_owned)
        .collect();
    if !filter.is_empty() {
        pairs.push(format!("q={}", encode(filter)));
    }
    if let Some(focus) = focus {
        pairs.push(format!("focus={}", encode(&focus.node_id)));
        pairs.push(format!("hops={}", focus.hops));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

/// Percent-encodes all but what reads well and means nothing special in a
/// query string (letters, digits, `-._~:,!*'()/@`); a space is `%20`.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:,!*'()/@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_parameters_are_replaced_and_the_rest_kept_in_place() {
        let check = |search: &str, filter: &str, focus: Option<Focus>, expected: &str| {
            assert_eq!(with_find_params(search, filter, focus.as_ref()), expected, "{search:?} {filter:?}");
        };
        check("", "", None, "");
        check("?demo&theme=dark", "", None, "?demo&theme=dark");
        check("?q=old&demo", "status:error,degraded", None, "?demo&q=status:error,degraded");
        check(
            "?hops=2&focus=n1&ws=ws%3A%2F%2Fh%2Fws",
            "errors>5% label~\"crawl job\"",
            Some(Focus::new("n 7", 3)),
            "?ws=ws%3A%2F%2Fh%2Fws&q=errors%3E5%25%20label~%22crawl%20job%22&focus=n%207&hops=3",
        );
        check("?q=x&focus=n1&hops=2", "", None, "");
        check("?q+x=1&qq=2", "a+b&c=é", None, "?q+x=1&qq=2&q=a%2Bb%26c%3D%C3%A9");
    }
}
