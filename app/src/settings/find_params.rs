//! The address bar follows the filter, the focus, the tables' sorts and
//! the topology's grouping (`q`, `focus`, `hops`, `nodeSort`, `edgeSort`,
//! `groupBy`), so the page's URL is
//! always a deep link to what it shows. Pure: the query string in, the
//! query string out; every other parameter is kept as it was written, in
//! its place.

use crate::lens::{EdgeSort, Focus, GroupBy, NodeSort};

const FIND_KEYS: [&str; 6] = ["q", "focus", "hops", "nodeSort", "edgeSort", "groupBy"];

/// What the address bar keeps a deep link to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shown<'a> {
    pub filter: &'a str,
    pub focus: Option<&'a Focus>,
    pub node_sort: NodeSort,
    pub edge_sort: EdgeSort,
    /// `None`: by kind, the default.
    pub group_by: Option<&'a GroupBy>,
}

/// `search` (`location.search`, with or without its `?`) with the find
/// parameters replaced by what is `shown` (each left out when empty or
/// the default).
pub fn with_find_params(search: &str, shown: &Shown) -> String {
    let Shown { filter, focus, node_sort, edge_sort, group_by } = *shown;
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
    if node_sort != NodeSort::default() {
        pairs.push(format!("nodeSort={}", node_sort.name()));
    }
    if edge_sort != EdgeSort::default() {
        pairs.push(format!("edgeSort={}", edge_sort.name()));
    }
    if let Some(by) = group_by.filter(|by| **by != GroupBy::Kind) {
        // `encode` keeps `:`: the parameter reads `meta:<key>`.
        pairs.push(format!("groupBy={}", encode(&by.name())));
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
            let shown = Shown { filter, focus: focus.as_ref(), ..Shown::default() };
            assert_eq!(with_find_params(search, &shown), expected, "{search:?} {filter:?}");
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
        // The default sorts are left out.
        check("?nodeSort=status&edgeSort=errors&demo", "", None, "?demo");
    }

    #[test]
    fn the_tables_sorts_are_kept_by_name() {
        // (node sort, edge sort, search)
        let cases = [
            (NodeSort::Status, EdgeSort::Route, "?demo&nodeSort=status"),
            (NodeSort::Id, EdgeSort::Errors, "?demo&edgeSort=errors"),
            (NodeSort::Kind, EdgeSort::Throughput, "?demo&nodeSort=kind&edgeSort=throughput"),
        ];
        for (node_sort, edge_sort, expected) in cases {
            let shown = Shown { node_sort, edge_sort, ..Shown::default() };
            assert_eq!(with_find_params("?edgeSort=latency&demo", &shown), expected, "{node_sort:?} {edge_sort:?}");
        }
    }

    #[test]
    fn the_grouping_is_kept_with_its_key_encoded() {
        let (kind, region) = (GroupBy::Kind, GroupBy::Meta("region".into()));
        let (spaced, empty) = (GroupBy::Meta("rack row&a=b".into()), GroupBy::Meta(String::new()));
        // (grouped by, search)
        let cases = [
            (None, "?demo"),
            (Some(&kind), "?demo"),
            (Some(&region), "?demo&groupBy=meta:region"),
            (Some(&spaced), "?demo&groupBy=meta:rack%20row%26a%3Db"),
            (Some(&empty), "?demo&groupBy=meta:"),
        ];
        for (group_by, expected) in cases {
            let shown = Shown { group_by, ..Shown::default() };
            assert_eq!(with_find_params("?groupBy=meta:zone&demo", &shown), expected, "{group_by:?}");
        }
    }
}
