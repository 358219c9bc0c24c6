//! A set of changed ids kept in first-changed-first-out order, so a diff
//! that may only carry part of them (a budget) serves the oldest first and
//! no id can starve under constant churn. Each id remembers the diff
//! interval it was first marked in (the graph's `interval` count), so two
//! queues can be served oldest first across both, and the oldest waiting
//! change tells how far the receiver lags.

use serde::{Deserialize, Serialize};

use std::collections::VecDeque;

use super::hash::{FastSet, IdKey};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct DirtyQueue {
    /// Ids, oldest first, each with the interval it was marked in.
    order: VecDeque<(IdKey, u64)>,
    members: FastSet<IdKey>,
}

impl DirtyQueue {
    /// Marks `id` as changed in `interval` (once, keeping its place and
    /// its interval if already marked).
    pub fn mark(&mut self, id: &str, interval: u64) {
        if !self.members.contains(id) {
            let key = IdKey::from(id);
            self.members.insert(key.clone());
            self.order.push_back((key, interval));
        }
    }

    /// The oldest marked id.
    pub fn pop(&mut self) -> Option<IdKey> {
        let (id, _) = self.order.pop_front()?;
        self.members.remove(&id);
        Some(id)
    }

    /// The interval the oldest marked id was marked in.
    pub fn oldest_interval(&self) -> Option<u64> {
        self.order.front().map(|&(_, interval)| interval)
    }

    pub fn clear(&mut self) {
        self.order.clear();
        self.members.clear();
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oldest_first_each_once() {
        let mut queue = DirtyQueue::default();
        for id in ["b", "a", "b", "c", "a"] {
            queue.mark(id, 0);
        }
        assert_eq!(queue.len(), 3);
        assert_eq!(queue.pop().as_deref(), Some("b"));
        queue.mark("b", 1);
        let rest: Vec<IdKey> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(rest, ["a", "c", "b"]);
        assert!(queue.is_empty());
    }

    #[test]
    fn an_id_keeps_the_interval_it_was_first_marked_in() {
        let mut queue = DirtyQueue::default();
        assert_eq!(queue.oldest_interval(), None);
        queue.mark("a", 3);
        queue.mark("b", 4);
        queue.mark("a", 5);
        assert_eq!(queue.oldest_interval(), Some(3));
        queue.pop();
        assert_eq!(queue.oldest_interval(), Some(4));
        queue.pop();
        assert_eq!(queue.oldest_interval(), None);
    }
}
