//! A FIFO queue kept in shared chunks of `CHUNK_LEN` items: a copy of the
//! queue (a history checkpoint) copies chunk pointers, and a change copies
//! at most the one chunk it touches. The log store's eviction order is one:
//! up to 150,000 markers, which a whole copy per checkpoint made the
//! largest part of a checkpoint at 10,000 nodes.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Items per chunk.
pub const CHUNK_LEN: usize = 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChunkedQueue<T> {
    chunks: VecDeque<Arc<Vec<T>>>,
    /// Items of the first chunk already popped.
    head: usize,
    len: usize,
}

impl<T> Default for ChunkedQueue<T> {
    fn default() -> Self {
        ChunkedQueue { chunks: VecDeque::new(), head: 0, len: 0 }
    }
}

impl<T: Clone> ChunkedQueue<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push_back(&mut self, item: T) {
        match self.chunks.back_mut() {
            Some(last) if last.len() < CHUNK_LEN => Arc::make_mut(last).push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK_LEN);
                chunk.push(item);
                self.chunks.push_back(Arc::new(chunk));
            }
        }
        self.len += 1;
    }

    pub fn front_mut(&mut self) -> Option<&mut T> {
        let head = self.head;
        self.chunks.front_mut().and_then(|first| Arc::make_mut(first).get_mut(head))
    }

    pub fn pop_front(&mut self) -> Option<T> {
        let first = self.chunks.front()?;
        let item = first.get(self.head).cloned();
        self.head += 1;
        if self.head >= first.len() {
            self.chunks.pop_front();
            self.head = 0;
        }
        self.len = self.len.saturating_sub(usize::from(item.is_some()));
        item
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().enumerate().flat_map(move |(index, chunk)| {
            let skip = if index == 0 { self.head } else { 0 };
            chunk.iter().skip(skip)
        })
    }

    /// Keeps the items `keep` says to, in order (rewrites every chunk).
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let mut kept = ChunkedQueue::default();
        for item in self.iter() {
            if keep(item) {
                kept.push_back(item.clone());
            }
        }
        *self = kept;
    }

    /// The chunks with their addresses (to tell shared ones from copies).
    pub fn chunks(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.chunks.iter().map(|chunk| (Arc::as_ptr(chunk) as usize, chunk.len()))
    }

    /// Whether the length and the head agree with the chunks (a queue read
    /// from a file).
    pub fn check(&self) -> Result<(), String> {
        let held: usize = self.chunks.iter().map(|chunk| chunk.len()).sum();
        let head_ok = self.chunks.front().map_or(self.head == 0, |first| self.head < first.len());
        let chunks_ok = self.chunks.iter().all(|chunk| !chunk.is_empty() && chunk.len() <= CHUNK_LEN);
        if !head_ok || !chunks_ok || held.checked_sub(self.head) != Some(self.len) {
            return Err("a queue's chunks disagree with its length".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_is_a_fifo_that_shares_chunks_with_its_copies() {
        let mut queue = ChunkedQueue::default();
        let mut model = VecDeque::new();
        for i in 0..5_000u32 {
            queue.push_back(i);
            model.push_back(i);
            if i % 3 == 0 {
                assert_eq!(queue.pop_front(), model.pop_front());
            }
            if i % 7 == 0 {
                if let (Some(a), Some(b)) = (queue.front_mut(), model.front_mut()) {
                    *a += 1;
                    *b += 1;
                }
            }
            assert_eq!(queue.len(), model.len());
        }
        assert!(queue.iter().eq(model.iter()));
        queue.check().expect("consistent");
        // A copy shares every chunk; a push copies at most the last one.
        let copy = queue.clone();
        queue.push_back(9);
        let shared = queue.chunks().filter(|chunk| copy.chunks().any(|other| other == *chunk)).count();
        assert!(shared + 2 >= queue.chunks().count(), "{shared} of {}", queue.chunks().count());
        assert!(copy.iter().eq(model.iter()));
        queue.retain(|item| item % 2 == 0);
        assert!(queue.iter().eq(model.iter().chain([9].iter()).filter(|item| *item % 2 == 0)));
        queue.check().expect("consistent");
        while queue.pop_front().is_some() {}
        assert!(queue.is_empty());
        queue.check().expect("consistent");
    }

    #[test]
    fn a_lying_queue_is_named() {
        let queue = ChunkedQueue::<u32> { chunks: VecDeque::from([Arc::new(vec![1, 2])]), head: 0, len: 5 };
        assert!(queue.check().is_err());
        let queue = ChunkedQueue::<u32> { chunks: VecDeque::from([Arc::new(vec![1, 2])]), head: 2, len: 0 };
        assert!(queue.check().is_err());
    }
}
