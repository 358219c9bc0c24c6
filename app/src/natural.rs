//! Natural order for ids and labels: runs of digits compare as numbers, so
//! `api 2` < `api 10` < `api 103` < `api 1010`; text compares without case.

use std::cmp::Ordering;

/// Compares two strings in natural order; a total order (ties broken by
/// plain byte order, so sorting is deterministic).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
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
    use super::natural_cmp;

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
}
