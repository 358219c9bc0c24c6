//! Nodes and edges with an incidence index (node id -> edge ids), so a node
//! delete cascades to its edges without a scan, and FIFO dirty queues, so a
//! diff carries each changed id once and at most a budget of them (the
//! rest, oldest first, in the next diffs).

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::hash::{FastMap, FastSet, IdKey};

use super::dirty::DirtyQueue;
use crate::protocol::{EdgeStats, MeshEdge, MeshNode, Status};

/// What an update did, so the caller can count orphans.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    Changed,
    Unchanged,
    /// The id is not in the graph; nothing was changed.
    Orphan,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Graph {
    /// Values are shared (`Arc`) with the history's checkpoints: a
    /// checkpoint holds pointers, and a change copies only what it touches.
    nodes: FastMap<IdKey, Arc<MeshNode>>,
    edges: FastMap<IdKey, Arc<MeshEdge>>,
    /// Edge ids by endpoint; endpoints need not exist as nodes.
    incident: FastMap<IdKey, FastSet<IdKey>>,
    dirty_nodes: DirtyQueue,
    dirty_edges: DirtyQueue,
    /// Diff intervals so far: how many times changes were taken. A change
    /// is stamped with the interval it was made in.
    interval: u64,
    /// A snapshot replaced everything since the last diff: the next diff
    /// tells the receiver to drop its graph; every id is then dirty.
    reset: bool,
}

/// The graph changes since the last call of [`Graph::take_changes`].
#[derive(Debug, Default)]
pub struct GraphChanges {
    pub reset: bool,
    /// Changes left for later diffs (over the budget).
    pub pending: usize,
    /// How many diffs the oldest change left for later has missed
    /// (0 when none is left): the receiver's lag, in diff intervals.
    pub lag_diffs: u32,
    pub node_upserts: Vec<MeshNode>,
    pub node_removals: Vec<String>,
    pub edge_upserts: Vec<MeshEdge>,
    pub edge_removals: Vec<String>,
}

impl Graph {
    pub fn upsert_node(&mut self, node: MeshNode) {
        self.upsert_node_shared(Arc::new(node));
    }

    fn upsert_node_shared(&mut self, node: Arc<MeshNode>) {
        self.mark_node(&node.id);
        self.nodes.insert(IdKey::from(node.id.as_str()), node);
    }

    pub fn set_node_status(&mut self, node_id: &str, status: Status) -> Applied {
        let Some(node) = self.nodes.get_mut(node_id) else {
            return Applied::Orphan;
        };
        if node.status == status {
            return Applied::Unchanged;
        }
        Arc::make_mut(node).status = status;
        self.mark_node(node_id);
        Applied::Changed
    }

    /// Removes the node and every edge that has it as an endpoint.
    pub fn delete_node(&mut self, node_id: &str) {
        if self.nodes.remove(node_id).is_some() {
            self.mark_node(node_id);
        }
        for edge_id in self.incident.remove(node_id).unwrap_or_default() {
            self.delete_edge(&edge_id);
        }
    }

    pub fn upsert_edge(&mut self, edge: MeshEdge) {
        self.upsert_edge_shared(Arc::new(edge));
    }

    fn upsert_edge_shared(&mut self, edge: Arc<MeshEdge>) {
        if let Some(old) = self.edges.get(edge.id.as_str()) {
            if old.source != edge.source || old.target != edge.target {
                let (old_source, old_target) = (old.source.clone(), old.target.clone());
                self.unlink(&old_source, &edge.id);
                self.unlink(&old_target, &edge.id);
            }
        }
        for endpoint in [&edge.source, &edge.target] {
            if !self.incident.get(endpoint.as_str()).is_some_and(|ids| ids.contains(edge.id.as_str())) {
                self.incident.entry(IdKey::from(endpoint.as_str())).or_default().insert(IdKey::from(edge.id.as_str()));
            }
        }
        self.mark_edge(&edge.id);
        self.edges.insert(IdKey::from(edge.id.as_str()), edge);
    }

    pub fn set_edge_stats(&mut self, edge_id: &str, stats: EdgeStats) -> Applied {
        let Some(edge) = self.edges.get_mut(edge_id) else {
            return Applied::Orphan;
        };
        Arc::make_mut(edge).stats = Some(stats);
        self.mark_edge(edge_id);
        Applied::Changed
    }

    pub fn delete_edge(&mut self, edge_id: &str) {
        let Some(edge) = self.edges.remove(edge_id) else {
            return;
        };
        self.unlink(&edge.source, edge_id);
        self.unlink(&edge.target, edge_id);
        self.mark_edge(edge_id);
    }

    /// Replaces the whole graph.
    pub fn replace(&mut self, nodes: Vec<MeshNode>, edges: Vec<MeshEdge>) {
        self.nodes.clear();
        self.edges.clear();
        self.incident.clear();
        self.dirty_nodes.clear();
        self.dirty_edges.clear();
        self.reset = true;
        for node in nodes {
            self.mark_node(&node.id);
            self.nodes.insert(IdKey::from(node.id.as_str()), Arc::new(node));
        }
        for edge in edges {
            self.upsert_edge(edge);
        }
    }

    /// Turns this graph into `target`'s by deletes and upserts of what
    /// differs, so the dirty queues then carry just the difference to a
    /// receiver that holds what this graph handed out. O(graph).
    pub fn retarget(&mut self, target: &Graph) {
        let gone_nodes: Vec<IdKey> = self.nodes.keys().filter(|id| !target.nodes.contains_key(*id)).cloned().collect();
        for node_id in gone_nodes {
            // Edges are matched on their own below: no cascade here.
            self.nodes.remove(&node_id);
            self.mark_node(&node_id);
        }
        let gone_edges: Vec<IdKey> = self.edges.keys().filter(|id| !target.edges.contains_key(*id)).cloned().collect();
        for edge_id in gone_edges {
            self.delete_edge(&edge_id);
        }
        // Shared values are the same at a pointer's glance.
        for (node_id, node) in &target.nodes {
            if self.nodes.get(node_id).is_none_or(|held| !Arc::ptr_eq(held, node) && held != node) {
                self.upsert_node_shared(Arc::clone(node));
            }
        }
        for (edge_id, edge) in &target.edges {
            if self.edges.get(edge_id).is_none_or(|held| !Arc::ptr_eq(held, edge) && held != edge) {
                self.upsert_edge_shared(Arc::clone(edge));
            }
        }
    }

    /// Heap bytes of one node, its map entry included.
    pub fn node_bytes(node: &MeshNode) -> usize {
        const ENTRY_BYTES: usize = 96;
        2 * node.id.len()
            + node.kind.len()
            + node.label.len()
            + node.meta.iter().map(|entry| entry.key.len() + entry.json.len() + 48).sum::<usize>()
            + ENTRY_BYTES
    }

    /// Heap bytes of one edge: the id thrice (map key, incidence sets) and
    /// the endpoints twice, its entries included.
    pub fn edge_bytes(edge: &MeshEdge) -> usize {
        const ENTRY_BYTES: usize = 96;
        3 * edge.id.len()
            + 2 * (edge.source.len() + edge.target.len())
            + edge.kind.as_ref().map_or(0, String::len)
            + edge.stats.as_ref().map_or(0, |stats| 64 + 24 * stats.other.len())
            + 2 * ENTRY_BYTES
    }

    /// Takes these nodes as the graph's (thawing a checkpoint).
    pub(super) fn set_nodes(&mut self, nodes: FastMap<IdKey, Arc<MeshNode>>) {
        self.nodes = nodes;
    }

    /// Adds an edge and its index entries without marking it changed.
    pub(super) fn insert_edge_shared(&mut self, edge: Arc<MeshEdge>) {
        for endpoint in [&edge.source, &edge.target] {
            self.incident.entry(IdKey::from(endpoint.as_str())).or_default().insert(IdKey::from(edge.id.as_str()));
        }
        self.edges.insert(IdKey::from(edge.id.as_str()), edge);
    }

    /// At most `budget` changes, oldest first across nodes and edges
    /// (nodes first among changes of the same interval, as a snapshot
    /// marks them); the rest stay queued for the next call. Serving one
    /// queue before the other would starve the second while the first
    /// never empties (status flaps on 10k nodes outrun a small budget).
    pub fn take_changes(&mut self, budget: usize) -> GraphChanges {
        let mut changes = GraphChanges { reset: std::mem::take(&mut self.reset), ..GraphChanges::default() };
        for _ in 0..budget {
            let Some((nodes_first, _)) = self.oldest_queued() else { break };
            if nodes_first {
                let Some(node_id) = self.dirty_nodes.pop() else { break };
                match self.nodes.get(&node_id) {
                    Some(node) => changes.node_upserts.push(MeshNode::clone(node)),
                    None => changes.node_removals.push(node_id.into()),
                }
            } else {
                let Some(edge_id) = self.dirty_edges.pop() else { break };
                match self.edges.get(&edge_id) {
                    Some(edge) => changes.edge_upserts.push(MeshEdge::clone(edge)),
                    None => changes.edge_removals.push(edge_id.into()),
                }
            }
        }
        self.interval += 1;
        changes.pending = self.pending_changes();
        changes.lag_diffs = self.lag_diffs();
        changes
    }

    /// How many diffs the oldest queued change has missed (0 when none
    /// waits): marked in the interval before the last take, it missed one.
    fn lag_diffs(&self) -> u32 {
        self.oldest_queued().map_or(0, |(_, oldest)| u32::try_from(self.interval - oldest).unwrap_or(u32::MAX))
    }

    /// Which queue holds the oldest change (true: the nodes'; nodes win a
    /// tie) and the interval it was marked in.
    fn oldest_queued(&self) -> Option<(bool, u64)> {
        match (self.dirty_nodes.oldest_interval(), self.dirty_edges.oldest_interval()) {
            (Some(node), Some(edge)) => Some((node <= edge, node.min(edge))),
            (Some(node), None) => Some((true, node)),
            (None, Some(edge)) => Some((false, edge)),
            (None, None) => None,
        }
    }

    /// Changes queued for later diffs.
    pub fn pending_changes(&self) -> usize {
        self.dirty_nodes.len() + self.dirty_edges.len()
    }

    pub fn has_changes(&self) -> bool {
        self.reset || !self.dirty_nodes.is_empty() || !self.dirty_edges.is_empty()
    }

    /// A graph reset waits to be handed out.
    pub fn reset_pending(&self) -> bool {
        self.reset
    }

    pub fn nodes(&self) -> &FastMap<IdKey, Arc<MeshNode>> {
        &self.nodes
    }

    pub fn edges(&self) -> &FastMap<IdKey, Arc<MeshEdge>> {
        &self.edges
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty()
    }

    /// Drops what only a receiver needs (queued changes, a pending reset).
    pub fn forget_receiver(&mut self) {
        self.dirty_nodes.clear();
        self.dirty_edges.clear();
        self.reset = false;
    }

    /// The same edge index as `other` (for checking a loaded state).
    pub fn same_incidence(&self, other: &Graph) -> bool {
        self.incident == other.incident
    }

    fn unlink(&mut self, endpoint: &str, edge_id: &str) {
        if let Some(ids) = self.incident.get_mut(endpoint) {
            ids.remove(edge_id);
            if ids.is_empty() {
                self.incident.remove(endpoint);
            }
        }
    }

    fn mark_node(&mut self, node_id: &str) {
        self.dirty_nodes.mark(node_id, self.interval);
    }

    fn mark_edge(&mut self, edge_id: &str) {
        self.dirty_edges.mark(edge_id, self.interval);
    }
}
