//! A set of changed ids kept in first-changed-first-out order, so a diff
//! that may only carry part of them (a budget) serves the oldest first and
//! no id can starve under constant churn.

use serde::{Deserialize, Serialize};

use std::collections::VecDeque;

use super::hash::{FastSet, IdKey};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct DirtyQueue {
    order: VecDeque<IdKey>,
    members: FastSet<IdKey>,
}

impl DirtyQueue {
    /// Marks `id` as changed (once, keeping its place if already marked).
    pub fn mark(&mut self, id: &str) {
        if !self.members.contains(id) {
            let key = IdKey::from(id);
            self.members.insert(key.clone());
            self.order.push_back(key);
        }
    }

    /// The oldest marked id.
    pub fn pop(&mut self) -> Option<IdKey> {
        let id = self.order.pop_front()?;
        self.members.remove(&id);
        Some(id)
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
            queue.mark(id);
        }
        assert_eq!(queue.len(), 3);
        assert_eq!(queue.pop().as_deref(), Some("b"));
        queue.mark("b");
        let rest: Vec<IdKey> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(rest, ["a", "c", "b"]);
        assert!(queue.is_empty());
    }
}
