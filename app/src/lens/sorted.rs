//! A sorted set with positions: the order of a table kept incrementally.
//! Items live in chunks of at most `MAX_CHUNK` (so an insert or a removal
//! moves at most a chunk, not the table), and the item at a row position is
//! found by walking the chunk lengths (a few dozen at 10,000 rows). A
//! 10,000-row table changes a row in microseconds instead of re-sorting.

use std::ops::Range;

/// A chunk is split in two when it grows past this.
const MAX_CHUNK: usize = 512;

#[derive(Debug, Clone)]
pub struct SortedList<K> {
    /// Non-empty chunks, each sorted, each chunk's items before the next's.
    chunks: Vec<Vec<K>>,
    len: usize,
}

impl<K> Default for SortedList<K> {
    fn default() -> Self {
        SortedList { chunks: Vec::new(), len: 0 }
    }
}

impl<K: Ord> SortedList<K> {
    /// A list of `items` (any order; duplicates are kept once).
    pub fn from_unsorted(mut items: Vec<K>) -> SortedList<K> {
        items.sort_unstable();
        items.dedup();
        let len = items.len();
        let mut chunks = Vec::with_capacity(len.div_ceil(MAX_CHUNK / 2));
        let mut rest = items.into_iter().peekable();
        while rest.peek().is_some() {
            chunks.push(rest.by_ref().take(MAX_CHUNK / 2).collect());
        }
        SortedList { chunks, len }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The chunk where `item` is or would go: the first whose last item is
    /// not below it (or the last chunk).
    fn chunk_for(&self, item: &K) -> usize {
        let at = self.chunks.partition_point(|chunk| chunk.last().is_some_and(|last| last < item));
        at.min(self.chunks.len().saturating_sub(1))
    }

    /// Adds `item`; false if it was already there.
    pub fn insert(&mut self, item: K) -> bool {
        if self.chunks.is_empty() {
            self.chunks.push(vec![item]);
            self.len = 1;
            return true;
        }
        let index = self.chunk_for(&item);
        let Some(chunk) = self.chunks.get_mut(index) else { return false };
        let Err(at) = chunk.binary_search(&item) else { return false };
        chunk.insert(at, item);
        self.len += 1;
        if chunk.len() > MAX_CHUNK {
            let upper = chunk.split_off(chunk.len() / 2);
            self.chunks.insert(index + 1, upper);
        }
        true
    }

    /// Removes `item`; false if it was not there.
    pub fn remove(&mut self, item: &K) -> bool {
        if self.chunks.is_empty() {
            return false;
        }
        let index = self.chunk_for(item);
        let Some(chunk) = self.chunks.get_mut(index) else { return false };
        let Ok(at) = chunk.binary_search(item) else { return false };
        chunk.remove(at);
        self.len -= 1;
        if chunk.is_empty() {
            self.chunks.remove(index);
        }
        true
    }

    /// The row position of `item`, if present.
    pub fn position(&self, item: &K) -> Option<usize> {
        let index = self.chunk_for(item);
        let before: usize = self.chunks.iter().take(index).map(Vec::len).sum();
        self.chunks.get(index)?.binary_search(item).ok().map(|at| before + at)
    }

    /// The items at row positions `range` (clipped to the list).
    pub fn window(&self, range: Range<usize>) -> Vec<&K> {
        let mut skip = range.start;
        let mut take = range.end.saturating_sub(range.start);
        let mut out = Vec::with_capacity(take.min(self.len));
        for chunk in &self.chunks {
            if take == 0 {
                break;
            }
            if skip >= chunk.len() {
                skip -= chunk.len();
                continue;
            }
            let part = chunk.iter().skip(skip).take(take);
            let before = out.len();
            out.extend(part);
            take -= out.len() - before;
            skip = 0;
        }
        out
    }

    pub fn iter(&self) -> impl Iterator<Item = &K> {
        self.chunks.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use shared::sim::SplitMix64;

    use super::*;

    #[test]
    fn positions_and_windows_follow_the_order() {
        let mut list = SortedList::from_unsorted(vec![30, 10, 20, 10]);
        assert_eq!(list.len(), 3);
        assert!(list.insert(25));
        assert!(!list.insert(25));
        assert_eq!(list.window(1..3), [&20, &25]);
        assert_eq!(list.window(3..99), [&30]);
        assert_eq!(list.window(7..9), Vec::<&i32>::new());
        assert_eq!((list.position(&25), list.position(&26)), (Some(2), None));
        assert!(list.remove(&10) && !list.remove(&10));
        assert_eq!(list.iter().copied().collect::<Vec<_>>(), [20, 25, 30]);
    }

    /// Random inserts and removals across many chunks agree with a sorted
    /// `Vec` at every step: length, every window, every position.
    #[test]
    fn agrees_with_a_sorted_vec_under_random_changes() {
        for seed in 0..8 {
            let mut rng = SplitMix64(seed);
            let mut list = SortedList::from_unsorted((0..700).map(|_| rng.below(3000)).collect());
            let mut model: Vec<u64> = list.iter().copied().collect();
            for step in 0..4000 {
                let item = rng.below(3000);
                if rng.below(2) == 0 {
                    assert_eq!(list.insert(item), model.binary_search(&item).is_err());
                    if let Err(at) = model.binary_search(&item) {
                        model.insert(at, item);
                    }
                } else {
                    assert_eq!(list.remove(&item), model.binary_search(&item).is_ok());
                    model.retain(|x| *x != item);
                }
                assert_eq!(list.len(), model.len(), "seed {seed} step {step}");
                let start = rng.below(model.len() as u64 + 5) as usize;
                let end = start + rng.below(40) as usize;
                let expected: Vec<&u64> = model.iter().skip(start).take(end - start).collect();
                assert_eq!(list.window(start..end), expected, "seed {seed} step {step}");
                let probe = rng.below(3000);
                assert_eq!(list.position(&probe), model.binary_search(&probe).ok(), "seed {seed} step {step}");
            }
            assert!(list.chunks.iter().all(|chunk| !chunk.is_empty() && chunk.len() <= MAX_CHUNK));
        }
    }
}
