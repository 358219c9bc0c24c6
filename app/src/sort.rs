//! One stable sort for the page's short lists.
//!
//! The standard library's `sort_by` is compiled anew for every element type
//! and every comparison closure, about 4 KB of wasm each (its run detection,
//! merges and small-sort networks). The page sorts a dozen kinds of lists,
//! most of them short (search hits, groups, link labels, latency samples), so
//! each list here sorts a permutation of its positions through one
//! comparison object instead: the standard stable sort is compiled once, for
//! `usize` positions, and every element type only adds the small permutation
//! step. Order and stability are the standard sort's own.

use std::cmp::Ordering;

/// Sorts `items` stably by `compare` (equal items keep their order).
pub fn sort_by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    let slice = items.as_slice();
    sort_positions(&mut order, &mut |a, b| match (slice.get(a), slice.get(b)) {
        (Some(x), Some(y)) => compare(x, y),
        _ => Ordering::Equal,
    });
    permute(items, &order);
}

/// Sorts `items` stably by keys made once beforehand (`keys[i]` is the
/// key of `items[i]`): for keys that cost more to make than to compare.
pub fn sort_by_keys<T, K: Ord>(items: &mut Vec<T>, keys: &[K]) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &mut |a, b| keys.get(a).cmp(&keys.get(b)));
    permute(items, &order);
}

/// Sorts `items` stably by the key `key` gives each.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The one instantiation of the standard sort: positions, compared through
/// a trait object.
#[inline(never)]
fn sort_positions(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|a, b| compare(*a, *b));
}

/// Rearranges `items` so that position `i` holds what was at `order[i]`
/// (`order` is a permutation of `0..items.len()`).
fn permute<T>(items: &mut Vec<T>, order: &[usize]) {
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().filter_map(|at| slots.get_mut(*at).and_then(Option::take)));
}

#[cfg(test)]
mod tests {
    use super::{sort_by, sort_by_key, sort_by_keys};

    /// Pairs of (key, original position): stability shows in the positions.
    fn keyed(keys: &[i32]) -> Vec<(i32, usize)> {
        keys.iter().copied().zip(0..).collect()
    }

    #[test]
    fn agrees_with_the_standard_stable_sort() {
        let cases: &[&[i32]] = &[
            &[],
            &[7],
            &[2, 1],
            &[1, 2, 3, 4, 5],
            &[5, 4, 3, 2, 1],
            &[3, 1, 3, 1, 3, 1, 2, 2],
            &[0, 0, 0, 0],
            &[9, -4, 12, 0, -4, 7, 9, 9, 3, -100, 55, 0, 1, 1, 2, 8, -3, 6, 6, 6, 21, -4, 0],
        ];
        for keys in cases {
            let mut expected = keyed(keys);
            expected.sort_by_key(|pair| pair.0);
            let mut got = keyed(keys);
            sort_by(&mut got, |a, b| a.0.cmp(&b.0));
            assert_eq!(got, expected, "{keys:?}");
            // The same with the keys made beforehand.
            let mut got = keyed(keys);
            sort_by_keys(&mut got, keys);
            assert_eq!(got, expected, "{keys:?}, keys made beforehand");
        }
    }

    #[test]
    fn a_long_list_with_many_ties_keeps_every_item_once_in_stable_order() {
        // 5,000 items over 37 keys, in a scrambled order.
        let keys: Vec<i32> = (0..5_000).map(|i| (i * 7_919 % 5_003) % 37).collect();
        let mut expected = keyed(&keys);
        expected.sort_by_key(|pair| pair.0);
        let mut got = keyed(&keys);
        sort_by_key(&mut got, |pair| pair.0);
        assert_eq!(got.len(), 5_000);
        assert_eq!(got, expected);
    }

    #[test]
    fn descending_and_owned_items() {
        let mut words: Vec<String> = ["pear", "fig", "apple", "kiwi", "fig"].map(String::from).to_vec();
        sort_by(&mut words, |a, b| b.cmp(a));
        assert_eq!(words, ["pear", "kiwi", "fig", "fig", "apple"]);
    }
}
