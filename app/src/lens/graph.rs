//! Who touches whom: each edge's endpoints and each node's edges, kept in
//! step with the diffs (an edge's change costs O(1), whatever the graph).
//! The view keeps nodes and edges by id only; neighbourhoods, a node's
//! worst edge and the edges to re-check when a node changes all need this.

use std::collections::BTreeSet;

use shared::{MeshEdge, View as MeshView};

use super::{FastMap, NodeMetrics};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphIndex {
    /// Edge id → (source, target).
    ends: FastMap<String, (String, String)>,
    /// Node id → the ids of the edges that touch it (either end), whether
    /// or not the node itself is in the view.
    incident: FastMap<String, BTreeSet<String>>,
}

impl GraphIndex {
    /// The index of every edge of `view`: O(edges).
    pub fn build(view: &MeshView) -> GraphIndex {
        let mut index = GraphIndex::default();
        for edge in view.edges.values() {
            index.upsert_edge(edge);
        }
        index
    }

    /// Records `edge`; returns its former endpoints when they changed (or
    /// the edge is new: then both are `None`).
    pub fn upsert_edge(&mut self, edge: &MeshEdge) -> Option<Option<(String, String)>> {
        if let Some((source, target)) = self.ends.get(&edge.id) {
            if *source == edge.source && *target == edge.target {
                return None;
            }
        }
        let former = self.remove_edge(&edge.id);
        self.ends.insert(edge.id.clone(), (edge.source.clone(), edge.target.clone()));
        for end in [&edge.source, &edge.target] {
            self.incident.entry(end.clone()).or_default().insert(edge.id.clone());
        }
        Some(former)
    }

    /// Forgets an edge; returns its endpoints if it was known.
    pub fn remove_edge(&mut self, edge_id: &str) -> Option<(String, String)> {
        let (source, target) = self.ends.remove(edge_id)?;
        for end in [&source, &target] {
            if let Some(edges) = self.incident.get_mut(end) {
                edges.remove(edge_id);
                if edges.is_empty() {
                    self.incident.remove(end);
                }
            }
        }
        Some((source, target))
    }

    pub fn ends(&self, edge_id: &str) -> Option<(&str, &str)> {
        self.ends.get(edge_id).map(|(source, target)| (source.as_str(), target.as_str()))
    }

    /// The edges touching `node_id`, in id order.
    pub fn incident(&self, node_id: &str) -> impl Iterator<Item = &str> {
        self.incident.get(node_id).into_iter().flatten().map(String::as_str)
    }

    /// The nodes at the other end of `node_id`'s edges (with repeats when
    /// two edges join the same pair; itself for a loop).
    pub fn neighbours<'a>(&'a self, node_id: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.incident(node_id).filter_map(move |edge_id| {
            let (source, target) = self.ends(edge_id)?;
            Some(if source == node_id { target } else { source })
        })
    }

    pub fn degree(&self, node_id: &str) -> usize {
        self.incident.get(node_id).map_or(0, BTreeSet::len)
    }

    /// A node's worst numbers from its edges: O(its degree).
    pub fn metrics(&self, view: &MeshView, node_id: &str) -> NodeMetrics {
        NodeMetrics::of_all(self.incident(node_id).filter_map(|edge_id| view.edges.get(edge_id)))
            .remove(node_id)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(id: &str, source: &str, target: &str) -> MeshEdge {
        MeshEdge { id: id.into(), source: source.into(), target: target.into(), kind: None, stats: None }
    }

    fn neighbours(index: &GraphIndex, node_id: &str) -> Vec<String> {
        let mut found: Vec<String> = index.neighbours(node_id).map(str::to_owned).collect();
        found.sort();
        found
    }

    #[test]
    fn edges_are_found_from_either_end_and_moved_or_removed_cleanly() {
        let mut index = GraphIndex::default();
        assert_eq!(index.upsert_edge(&edge("e1", "a", "b")), Some(None));
        assert_eq!(index.upsert_edge(&edge("e2", "c", "a")), Some(None));
        assert_eq!(index.upsert_edge(&edge("e3", "a", "a")), Some(None));
        assert_eq!(index.upsert_edge(&edge("e1", "a", "b")), None, "same ends: nothing to do");
        assert_eq!(neighbours(&index, "a"), ["a", "b", "c"]);
        assert_eq!(index.degree("a"), 3);
        // e1 now joins b and c: a loses it.
        assert_eq!(index.upsert_edge(&edge("e1", "b", "c")), Some(Some(("a".into(), "b".into()))));
        assert_eq!(neighbours(&index, "a"), ["a", "c"]);
        assert_eq!(neighbours(&index, "b"), ["c"]);
        assert_eq!(index.remove_edge("e2"), Some(("c".into(), "a".into())));
        assert_eq!(index.remove_edge("e2"), None);
        assert_eq!(index.incident("c").collect::<Vec<_>>(), ["e1"]);
        index.remove_edge("e1");
        index.remove_edge("e3");
        assert_eq!(index, GraphIndex::default(), "nothing left behind");
    }
}
