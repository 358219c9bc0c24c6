//! Natural order for ids and labels: runs of digits compare as numbers, so
//! `api 2` < `api 10` < `api 103` < `api 1010`; text compares without case.

use std::cmp::Ordering;

/// Compares two strings in natural order; a total order (ties broken by
/// plain byte order, so sorting is deterministic).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    // Ids are nearly always ASCII: compare bytes, without decoding chars.
    if a.is_ascii() && b.is_ascii() {
        return ascii_cmp(a.as_bytes(), b.as_bytes()).then_with(|| a.cmp(b));
    }
    general_cmp(a, b)
}

/// `natural_cmp` of ASCII texts, before the tie-break: a digit run against
/// a digit run compares as numbers; against anything else a digit comes
/// first (a shorter run of text, or the end, comes first too).
fn ascii_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    loop {
        let (x, y) = match (a.get(i), b.get(j)) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => (*x, *y),
        };
        match (x.is_ascii_digit(), y.is_ascii_digit()) {
            (true, true) => {
                let run = |text: &[u8], from: usize| {
                    from + text.get(from..).unwrap_or_default().iter().take_while(|c| c.is_ascii_digit()).count()
                };
                let (i_end, j_end) = (run(a, i), run(b, j));
                let order = compare_chunks(digits(a, i, i_end), digits(b, j, j_end));
                if order != Ordering::Equal {
                    return order;
                }
                (i, j) = (i_end, j_end);
            }
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {
                let order = x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase());
                if order != Ordering::Equal {
                    return order;
                }
                (i, j) = (i + 1, j + 1);
            }
        }
    }
}

/// ASCII digits `from..to` of `text` as a `&str`.
fn digits(text: &[u8], from: usize, to: usize) -> &str {
    std::str::from_utf8(text.get(from..to).unwrap_or_default()).unwrap_or_default()
}

/// The order of any texts, chunk by chunk (the ASCII path must agree).
fn general_cmp(a: &str, b: &str) -> Ordering {
    let (mut left, mut right) = (a, b);
    loop {
        match (chunk(left), chunk(right)) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some((x, x_rest)), Some((y, y_rest))) => {
                let order = compare_chunks(x, y);
                if order != Ordering::Equal {
                    return order;
                }
                (left, right) = (x_rest, y_rest);
            }
        }
    }
}

/// The leading run of digits, or of non-digits, and the rest.
fn chunk(text: &str) -> Option<(&str, &str)> {
    let first = text.chars().next()?;
    let digits = first.is_ascii_digit();
    let end = text.find(|c: char| c.is_ascii_digit() != digits).unwrap_or(text.len());
    Some(text.split_at(end))
}

fn compare_chunks(x: &str, y: &str) -> Ordering {
    let x_digits = x.starts_with(|c: char| c.is_ascii_digit());
    let y_digits = y.starts_with(|c: char| c.is_ascii_digit());
    match (x_digits, y_digits) {
        (true, true) => {
            let (x_value, y_value) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
            x_value.len().cmp(&y_value.len()).then_with(|| x_value.cmp(y_value)).then_with(|| x.len().cmp(&y.len()))
        }
        // Digits before letters, as in plain order.
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        // Char by char, without allocating: tables compare keys often.
        (false, false) => x.chars().flat_map(char::to_lowercase).cmp(y.chars().flat_map(char::to_lowercase)),
    }
}

/// A key whose plain byte order is `natural_cmp`'s, for an ASCII text
/// (`None` otherwise): sorting many texts by their keys compares bytes
/// instead of walking digit runs at every comparison.
pub fn ascii_key(text: &str) -> Option<Vec<u8>> {
    let mut key = Vec::with_capacity(2 * text.len() + 8);
    push_ascii_key(&mut key, text)?;
    Some(key)
}

/// Appends `text`'s natural-order key to `out` (`None` for a text that is
/// not ASCII; `out` then holds part of it). The text is written as
/// - its natural order: per digit run, `0x01`, the length of its value
///   (leading zeros dropped, u16 big-endian), the value's digits, the run's
///   whole length (more leading zeros sort later); per other byte, the byte
///   in lower case plus 2 (after any digit run); `0x00` at the end (before
///   anything);
/// - then its tie-break, plain byte order: each byte plus 1, then `0x00`.
///
/// Both parts end in a byte no other token starts with, so no text's key
/// is a prefix of another's, and keys written one after another compare
/// as the texts do one after another.
pub fn push_ascii_key(out: &mut Vec<u8>, text: &str) -> Option<()> {
    if !text.is_ascii() {
        return None;
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii_digit() {
            let run = bytes.get(at..).unwrap_or_default();
            let run = run.get(..run.iter().take_while(|b| b.is_ascii_digit()).count()).unwrap_or_default();
            let value = run.get(run.iter().take_while(|b| **b == b'0').count()..).unwrap_or_default();
            out.push(0x01);
            out.extend_from_slice(&u16::try_from(value.len()).ok()?.to_be_bytes());
            out.extend_from_slice(value);
            out.extend_from_slice(&u16::try_from(run.len()).ok()?.to_be_bytes());
            at += run.len();
        } else {
            out.push(byte.to_ascii_lowercase() + 2);
            at += 1;
        }
    }
    out.push(0x00);
    out.extend(bytes.iter().map(|byte| byte + 1));
    out.push(0x00);
    Some(())
}

/// A string ordered naturally (`Ord` is `natural_cmp`), for sorted sets.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Natural(pub String);

impl Ord for Natural {
    fn cmp(&self, other: &Self) -> Ordering {
        natural_cmp(&self.0, &other.0)
    }
}

impl PartialOrd for Natural {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::{ascii_key, general_cmp, natural_cmp};

    fn check(unsorted: &[&str], expected: &[&str]) {
        let mut items = unsorted.to_vec();
        items.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(items, expected);
    }

    #[test]
    fn numbers_in_text_sort_as_numbers() {
        check(&["api 1010", "api 103", "api 2", "api 10"], &["api 2", "api 10", "api 103", "api 1010"]);
        check(&["n10", "n9", "n100", "n1"], &["n1", "n9", "n10", "n100"]);
        check(&["db-2.10", "db-2.9", "db-10.1"], &["db-2.9", "db-2.10", "db-10.1"]);
    }

    /// The ASCII fast path and the sort keys order exactly as the general
    /// comparison.
    #[test]
    fn the_ascii_path_and_the_keys_agree_with_the_general_one() {
        let mut rng = shared::sim::SplitMix64(5);
        let alphabet = b"aAbZ09 1-._\x00";
        let word = |rng: &mut shared::sim::SplitMix64| -> String {
            let n = rng.below(9) as usize;
            (0..n)
                .map(|_| char::from(*alphabet.get(rng.below(alphabet.len() as u64) as usize).unwrap_or(&b'a')))
                .collect()
        };
        for _ in 0..200_000 {
            let (a, b) = (word(&mut rng), word(&mut rng));
            let general = general_cmp(&a, &b);
            assert_eq!(natural_cmp(&a, &b), general, "{a:?} vs {b:?}");
            assert_eq!(ascii_key(&a).cmp(&ascii_key(&b)), general, "keys of {a:?} vs {b:?}");
        }
    }

    #[test]
    fn text_ignores_case_and_ties_are_deterministic() {
        check(&["beta", "Alpha", "alpha"], &["Alpha", "alpha", "beta"]);
        check(&["a007", "a7", "a07"], &["a7", "a07", "a007"]);
        check(&["", "1", "a", "a 1", "a1"], &["", "1", "a", "a1", "a 1"]);
        check(
            &["x99999999999999999999999", "x100000000000000000000000"],
            &["x99999999999999999999999", "x100000000000000000000000"],
        );
    }

    #[test]
    fn only_ascii_texts_have_keys() {
        assert_eq!(ascii_key("é1"), None);
        assert!(ascii_key("svc-12").is_some());
    }
}
