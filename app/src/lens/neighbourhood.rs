//! A focus: a node and its neighbours up to a few hops, edges taken in
//! either direction. Breadth first, so each node gets its distance.

use std::collections::VecDeque;

use shared::IdKey;

use super::graph::GraphIndex;
use super::FastMap;

/// Hops a focus may reach (the URL's `hops`, the breadcrumb's buttons).
pub const MAX_HOPS: u8 = 3;

/// A node to focus on and how far around it to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    pub node_id: String,
    /// 1 to `MAX_HOPS`.
    pub hops: u8,
}

impl Focus {
    pub fn new(node_id: impl Into<String>, hops: u8) -> Focus {
        Focus { node_id: node_id.into(), hops: hops.clamp(1, MAX_HOPS) }
    }
}

/// Every node within `hops` of `centre` (itself at 0), with its distance.
/// Costs the neighbourhood's nodes and their edges.
pub fn neighbourhood(graph: &GraphIndex, centre: &str, hops: u8) -> FastMap<IdKey, u8> {
    let mut distance = FastMap::default();
    distance.insert(IdKey::from(centre), 0);
    let mut queue = VecDeque::from([(IdKey::from(centre), 0u8)]);
    while let Some((node_id, at)) = queue.pop_front() {
        if at >= hops {
            continue;
        }
        for next in graph.neighbours(&node_id) {
            if !distance.contains_key(next) {
                let next = IdKey::from(next);
                distance.insert(next.clone(), at + 1);
                queue.push_back((next, at + 1));
            }
        }
    }
    distance
}

#[cfg(test)]
mod tests {
    use shared::MeshEdge;

    use super::*;

    /// A chain a–b–c–d–e with a spur c→x and a loop on e.
    fn graph() -> GraphIndex {
        let mut graph = GraphIndex::default();
        for (id, source, target) in
            [("1", "a", "b"), ("2", "c", "b"), ("3", "c", "d"), ("4", "d", "e"), ("5", "c", "x"), ("6", "e", "e")]
        {
            let edge =
                MeshEdge { id: id.into(), source: source.into(), target: target.into(), kind: None, stats: None };
            graph.upsert_edge(&edge);
        }
        graph
    }

    fn check(centre: &str, hops: u8, expected: &[(&str, u8)]) {
        let found = neighbourhood(&graph(), centre, hops);
        let mut found: Vec<(&str, u8)> = found.iter().map(|(id, at)| (id.as_str(), *at)).collect();
        found.sort();
        assert_eq!(found, expected, "{hops} hops around {centre}");
    }

    #[test]
    fn hops_reach_further_either_way_along_edges() {
        check("a", 1, &[("a", 0), ("b", 1)]);
        check("a", 2, &[("a", 0), ("b", 1), ("c", 2)]);
        check("a", 3, &[("a", 0), ("b", 1), ("c", 2), ("d", 3), ("x", 3)]);
        check("c", 1, &[("b", 1), ("c", 0), ("d", 1), ("x", 1)]);
        check("e", 2, &[("c", 2), ("d", 1), ("e", 0)]);
        check("lonely", 3, &[("lonely", 0)]);
        assert_eq!(Focus::new("a", 9).hops, 3);
        assert_eq!(Focus::new("a", 0).hops, 1);
    }
}
