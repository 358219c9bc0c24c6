//! Who touches whom: each edge's endpoints (with the facts a filter tests:
//! kind and numbers) and each node's edges, kept in step with the diffs
//! (an edge's change costs O(1), whatever the graph). Neighbourhoods and
//! the edges to re-check when a node changes come from here, never from a
//! search of the view.

use std::collections::BTreeSet;

use shared::view::reserve_for;
use shared::{GraphSize, IdKey, MeshEdge, View as MeshView};

use super::FastMap;
use crate::filter::EdgeSubject;

/// An edge's numbers: error rate, latency, throughput.
pub type Numbers = (Option<f64>, Option<f64>, Option<f64>);

/// What an upsert replaced (see `GraphIndex::upsert_edge`).
#[derive(Debug, Clone, PartialEq)]
pub struct Upserted {
    pub moved: Option<Option<(IdKey, IdKey)>>,
    pub numbers: Option<Numbers>,
}

/// What the lens knows of an edge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeFacts {
    pub source: IdKey,
    pub target: IdKey,
    pub kind: Option<String>,
    pub error_rate: Option<f64>,
    pub latency_millis: Option<f64>,
    pub throughput: Option<f64>,
}

impl From<&MeshEdge> for EdgeFacts {
    fn from(edge: &MeshEdge) -> Self {
        let stats = edge.stats.as_ref();
        EdgeFacts {
            source: IdKey::from(edge.source.as_str()),
            target: IdKey::from(edge.target.as_str()),
            kind: edge.kind.clone(),
            error_rate: stats.and_then(|s| s.error_rate),
            latency_millis: stats.and_then(|s| s.latency_millis),
            throughput: stats.and_then(|s| s.throughput),
        }
    }
}

impl EdgeFacts {
    /// The edge's facts as the filter reads them.
    pub fn subject<'a>(&'a self, id: &'a str) -> EdgeSubject<'a> {
        EdgeSubject {
            id,
            kind: self.kind.as_deref(),
            error_rate: self.error_rate,
            latency_millis: self.latency_millis,
            throughput: self.throughput,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphIndex {
    /// Edge id → its ends and facts.
    ends: FastMap<IdKey, EdgeFacts>,
    /// Node id → the ids of the edges that touch it (either end), whether
    /// or not the node itself is in the view.
    incident: FastMap<IdKey, BTreeSet<IdKey>>,
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

    /// Records `edge`; returns what it was: `moved` holds its former
    /// endpoints when they changed (`Some(None)`: the edge is new), and
    /// `numbers` its former numbers (error rate, latency, throughput).
    pub fn upsert_edge(&mut self, edge: &MeshEdge) -> Upserted {
        let stats = edge.stats.as_ref();
        let numbers =
            (stats.and_then(|s| s.error_rate), stats.and_then(|s| s.latency_millis), stats.and_then(|s| s.throughput));
        let mut former_numbers = None;
        if let Some(facts) = self.ends.get_mut(edge.id.as_str()) {
            former_numbers = Some((facts.error_rate, facts.latency_millis, facts.throughput));
            if facts.source == edge.source && facts.target == edge.target {
                (facts.error_rate, facts.latency_millis, facts.throughput) = numbers;
                if facts.kind != edge.kind {
                    facts.kind.clone_from(&edge.kind);
                }
                return Upserted { moved: None, numbers: former_numbers };
            }
        }
        let former = self.remove_edge(&edge.id);
        let id = IdKey::from(edge.id.as_str());
        let facts = EdgeFacts::from(edge);
        for end in [&facts.source, &facts.target] {
            self.incident.entry(end.clone()).or_default().insert(id.clone());
        }
        self.ends.insert(id, facts);
        Upserted { moved: Some(former), numbers: former_numbers }
    }

    /// Room for a graph of `size` (a snapshot's fill).
    pub fn reserve_for(&mut self, size: GraphSize) {
        reserve_for(&mut self.ends, size.edges);
        reserve_for(&mut self.incident, size.nodes);
    }

    /// Forgets an edge; returns its endpoints if it was known.
    pub fn remove_edge(&mut self, edge_id: &str) -> Option<(IdKey, IdKey)> {
        let EdgeFacts { source, target, .. } = self.ends.remove(edge_id)?;
        for end in [&source, &target] {
            if let Some(edges) = self.incident.get_mut(end.as_str()) {
                edges.remove(edge_id);
                if edges.is_empty() {
                    self.incident.remove(end.as_str());
                }
            }
        }
        Some((source, target))
    }

    pub fn ends(&self, edge_id: &str) -> Option<(&str, &str)> {
        self.ends.get(edge_id).map(|facts| (facts.source.as_str(), facts.target.as_str()))
    }

    pub fn facts(&self, edge_id: &str) -> Option<&EdgeFacts> {
        self.ends.get(edge_id)
    }

    /// Every edge's facts, in no particular order.
    pub fn all_facts(&self) -> impl Iterator<Item = &EdgeFacts> {
        self.ends.values()
    }

    /// The edges touching `node_id`, in id order.
    pub fn incident(&self, node_id: &str) -> impl Iterator<Item = &str> {
        self.incident.get(node_id).into_iter().flatten().map(IdKey::as_str)
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
        let moved = |index: &mut GraphIndex, e| index.upsert_edge(&e).moved;
        assert_eq!(moved(&mut index, edge("e1", "a", "b")), Some(None));
        assert_eq!(moved(&mut index, edge("e2", "c", "a")), Some(None));
        assert_eq!(moved(&mut index, edge("e3", "a", "a")), Some(None));
        assert_eq!(moved(&mut index, edge("e1", "a", "b")), None, "same ends: nothing to do");
        assert_eq!(neighbours(&index, "a"), ["a", "b", "c"]);
        assert_eq!(index.degree("a"), 3);
        // e1 now joins b and c: a loses it.
        assert_eq!(moved(&mut index, edge("e1", "b", "c")), Some(Some(("a".into(), "b".into()))));
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
