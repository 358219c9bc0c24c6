//! A state read from a file is checked before it is used: every bound, and
//! every figure the reducer keeps beside its data (byte and line totals,
//! the incidence index, ring counters) against the data itself. A file
//! that passes its checksum can still have been written by someone else;
//! a state whose totals lie would break the reducer's arithmetic later.
//! What only concerns a receiver (dirty queues, pending resets, the log
//! watch) is dropped: whoever loads the state decides what to send.

use super::graph::Graph;
use super::logs::LogStore;
use super::Reducer;
use crate::limits::{MAX_CHART_SERIES, MAX_EVENTS, MAX_POINTS_PER_SERIES};
use crate::protocol::MeshEdge;
use crate::ring::TrackedRing;

impl Reducer {
    /// Checks every bound (cheap enough for tests and debug builds).
    pub fn assert_within_bounds(&self) {
        assert!(self.events.len() <= MAX_EVENTS);
        assert!(self.series.len() <= MAX_CHART_SERIES);
        assert!(self.series.values().all(|ring| ring.len() <= MAX_POINTS_PER_SERIES));
        self.logs.assert_within_bounds();
    }

    /// This state, checked and without receiver bookkeeping, or what is
    /// wrong with it.
    pub fn validated(mut self) -> Result<Reducer, String> {
        check_ring("events", &self.events, MAX_EVENTS)?;
        if self.series.len() > MAX_CHART_SERIES {
            return Err(format!("{} chart series (at most {MAX_CHART_SERIES})", self.series.len()));
        }
        for (name, ring) in &self.series {
            check_ring(&format!("series {name:?}"), ring, MAX_POINTS_PER_SERIES)?;
        }
        self.graph.validate()?;
        self.logs.validate()?;
        self.graph.forget_receiver();
        self.logs.forget_receiver();
        self.dirty_series.clear();
        self.removed_series.clear();
        self.view_reset_pending = false;
        self.moved_pending = false;
        Ok(self)
    }
}

/// A ring's counters agree with its items and its capacity is `capacity`.
pub(super) fn check_ring<T: Clone>(what: &str, ring: &TrackedRing<T>, capacity: usize) -> Result<(), String> {
    ring.check(capacity).map_err(|why| format!("{what}: {why}"))
}

impl Graph {
    pub(super) fn validate(&self) -> Result<(), String> {
        if let Some((id, node)) = self.nodes().iter().find(|(id, node)| **id != node.id) {
            return Err(format!("node {id:?} holds node {:?}", node.id));
        }
        if let Some((id, edge)) = self.edges().iter().find(|(id, edge)| **id != edge.id) {
            return Err(format!("edge {id:?} holds edge {:?}", edge.id));
        }
        let mut rebuilt = Graph::default();
        for edge in self.edges().values() {
            rebuilt.upsert_edge(MeshEdge::clone(edge));
        }
        if !rebuilt.same_incidence(self) {
            return Err("the edge index does not match the edges".to_owned());
        }
        Ok(())
    }
}

impl LogStore {
    pub(super) fn validate(&self) -> Result<(), String> {
        self.check_totals()
    }
}
