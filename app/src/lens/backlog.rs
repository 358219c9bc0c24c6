//! Edges waiting to be re-checked. A diff's own nodes and edges are checked
//! as the diff comes; the edges around a node whose matching terms, heat or
//! focus changed are many more (a hub's status flap names each of its
//! edges), so they wait here and are re-checked in bounded steps
//! (`Lens::settle`), each edge once however often it was named meanwhile.

use std::collections::VecDeque;

use shared::IdKey;

use super::{FastSet, Lens};

/// Edge re-checks in one step (one step per animation frame): under 2 ms
/// on the page at 10k nodes (the filtered steady benchmark's profile showed
/// ~2.8 µs per re-check); 600 a frame drain ~36,000 a second, three times
/// what that load asks.
pub const MAX_EDGE_CHECKS_PER_STEP: usize = 600;

/// At most one entry per edge id (so never more entries than edges).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Backlog {
    queue: VecDeque<IdKey>,
    queued: FastSet<IdKey>,
}

impl Backlog {
    pub fn push(&mut self, edge_id: IdKey) {
        if !self.queued.contains(&edge_id) {
            self.queued.insert(edge_id.clone());
            self.queue.push_back(edge_id);
        }
    }

    fn pop(&mut self) -> Option<IdKey> {
        let edge_id = self.queue.pop_front()?;
        self.queued.remove(&edge_id);
        Some(edge_id)
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn clear(&mut self) {
        self.queue.clear();
        self.queued.clear();
    }
}

impl Lens {
    /// Re-checks up to `max_checks` waiting edges; true when the shown
    /// edges or their order changed. Until the backlog is empty those edges
    /// may show as they did before their ends changed.
    pub fn settle(&mut self, max_checks: usize) -> bool {
        let mut changed = false;
        for _ in 0..max_checks {
            let Some(edge_id) = self.backlog.pop() else { break };
            changed |= self.check_edge(&edge_id, true);
        }
        changed
    }

    /// Edges still waiting to be re-checked.
    pub fn unsettled(&self) -> usize {
        self.backlog.len()
    }
}
