//! A set of changed ids kept in first-changed-first-out order, so a diff
//! that may only carry part of them (a budget) serves the oldest first and
//! no id can starve under constant churn. An id can be marked *light*: only
//! a part the receiver can take alone changed (a node's status, an edge's
//! numbers) since the receiver was last sent it whole; any other change
//! makes it whole again until it is taken.

use serde::{Deserialize, Serialize};

use std::collections::VecDeque;

use super::hash::{FastSet, IdKey};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct DirtyQueue {
    order: VecDeque<IdKey>,
    members: FastSet<IdKey>,
    /// Members whose change is light. Not saved: a loaded state sends
    /// whole values (always right, only larger).
    #[serde(skip)]
    light: FastSet<IdKey>,
}

impl DirtyQueue {
    /// Marks `id` as changed as a whole (once, keeping its place if
    /// already marked).
    pub fn mark(&mut self, id: &str) {
        if self.members.contains(id) {
            self.light.remove(id);
        } else {
            let key = IdKey::from(id);
            self.members.insert(key.clone());
            self.order.push_back(key);
        }
    }

    /// Marks `id` as lightly changed, for a receiver that holds it: only if
    /// it is not marked yet (a whole change stays whole).
    pub fn mark_light(&mut self, id: &str) {
        if !self.members.contains(id) {
            let key = IdKey::from(id);
            self.members.insert(key.clone());
            self.light.insert(key.clone());
            self.order.push_back(key);
        }
    }

    /// The oldest marked id, and whether its change is light.
    pub fn pop(&mut self) -> Option<(IdKey, bool)> {
        let id = self.order.pop_front()?;
        self.members.remove(&id);
        let light = !self.light.is_empty() && self.light.remove(&id);
        Some((id, light))
    }

    pub fn clear(&mut self) {
        self.order.clear();
        self.members.clear();
        self.light.clear();
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

    fn drain(queue: &mut DirtyQueue) -> Vec<(String, bool)> {
        std::iter::from_fn(|| queue.pop()).map(|(id, light)| (id.to_string(), light)).collect()
    }

    #[test]
    fn oldest_first_each_once() {
        let mut queue = DirtyQueue::default();
        for id in ["b", "a", "b", "c", "a"] {
            queue.mark(id);
        }
        assert_eq!(queue.len(), 3);
        assert_eq!(queue.pop(), Some((IdKey::from("b"), false)));
        queue.mark("b");
        let rest: Vec<(String, bool)> = drain(&mut queue);
        assert_eq!(rest, [("a".into(), false), ("c".into(), false), ("b".into(), false)]);
        assert!(queue.is_empty());
    }

    #[test]
    fn a_whole_change_outweighs_a_light_one_until_taken() {
        // (marks in order as (id, light), what pops)
        let cases: [(&[(&str, bool)], &[(&str, bool)]); 6] = [
            (&[("a", true)], &[("a", true)]),
            (&[("a", true), ("a", true)], &[("a", true)]),
            // Light then whole, or whole then light: whole, at the first place.
            (&[("a", true), ("b", true), ("a", false)], &[("a", false), ("b", true)]),
            (&[("a", false), ("b", true), ("a", true)], &[("a", false), ("b", true)]),
            (&[("a", false), ("a", true), ("a", false)], &[("a", false)]),
            (&[("c", true), ("a", false), ("b", true)], &[("c", true), ("a", false), ("b", true)]),
        ];
        for (marks, expected) in cases {
            let mut queue = DirtyQueue::default();
            for &(id, light) in marks {
                if light {
                    queue.mark_light(id);
                } else {
                    queue.mark(id);
                }
            }
            let expected: Vec<(String, bool)> = expected.iter().map(|&(id, light)| (id.to_owned(), light)).collect();
            assert_eq!(drain(&mut queue), expected, "{marks:?}");
        }
        // Once taken, a light mark is light again; a cleared queue keeps nothing.
        let mut queue = DirtyQueue::default();
        queue.mark("a");
        assert_eq!(drain(&mut queue), [("a".to_owned(), false)]);
        queue.mark_light("a");
        queue.clear();
        queue.mark("a");
        assert_eq!(drain(&mut queue), [("a".to_owned(), false)]);
    }
}
