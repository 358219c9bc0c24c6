//! A reducer's state kept for later (a history checkpoint): nodes, edges
//! and logs as pointers shared with the live state, without the indexes a
//! live reducer keeps (rebuilt by `thaw`) and without what only concerns a
//! receiver. Freezing costs pointers; a later change in the live state
//! copies only the node, edge or log it touches.

use std::sync::Arc;

use super::graph::Graph;
use super::hash::{FastMap, FastSet, IdKey};
use super::logs::{FrozenLogs, LogStore};
use super::Reducer;
use crate::decode::DecodedFrame;
use crate::diff::{Counters, Event};
use crate::protocol::{ChartPoint, MeshEdge, MeshNode, Pos};
use crate::ring::TrackedRing;

/// Bytes a shared pointer costs in a checkpoint's tables.
const POINTER_BYTES: usize = 16;

#[derive(Debug, Clone)]
pub struct Frozen {
    nodes: Vec<Arc<MeshNode>>,
    edges: Vec<Arc<MeshEdge>>,
    logs: FrozenLogs,
    events: TrackedRing<Event>,
    series: Vec<(String, TrackedRing<ChartPoint>)>,
    counters: Counters,
    last_seq: Option<u64>,
    last_pos: Option<Pos>,
    graph_stale: bool,
    snapshot_open: bool,
}

/// What a checkpoint costs: all it refers to, and what it refers to that
/// the previous checkpoint did not (its own share of the memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrozenBytes {
    pub whole: usize,
    pub own: usize,
}

impl Reducer {
    pub fn freeze(&self) -> Frozen {
        Frozen {
            nodes: self.graph.nodes().values().cloned().collect(),
            edges: self.graph.edges().values().cloned().collect(),
            logs: self.logs.freeze(),
            events: self.events.clone(),
            series: self.series.iter().map(|(name, ring)| (name.clone(), ring.clone())).collect(),
            counters: self.counters.clone(),
            last_seq: self.last_seq,
            last_pos: self.last_pos.clone(),
            graph_stale: self.graph_stale,
            snapshot_open: self.snapshot_open,
        }
    }

    /// A live reducer again, with its indexes rebuilt (O(state)).
    pub fn thaw(frozen: &Frozen) -> Reducer {
        let mut graph = Graph::default();
        graph.thaw(&frozen.nodes, &frozen.edges);
        Reducer {
            graph,
            events: frozen.events.clone(),
            logs: LogStore::thaw(&frozen.logs),
            series: frozen.series.iter().map(|(name, ring)| (name.clone(), ring.clone())).collect(),
            dirty_series: FastSet::default(),
            removed_series: FastSet::default(),
            counters: frozen.counters.clone(),
            last_seq: frozen.last_seq,
            last_pos: frozen.last_pos.clone(),
            graph_stale: frozen.graph_stale,
            snapshot_open: frozen.snapshot_open,
            view_reset_pending: false,
            moved_pending: false,
            decoded: DecodedFrame::default(),
        }
    }
}

impl Frozen {
    /// Bytes this checkpoint refers to, whole and beyond `previous`.
    pub fn bytes(&self, previous: Option<&Frozen>) -> FrozenBytes {
        let held = |pointers: &mut dyn Iterator<Item = usize>| pointers.collect::<FastSet<usize>>();
        let (old_nodes, old_edges) = match previous {
            Some(previous) => (
                held(&mut previous.nodes.iter().map(|node| Arc::as_ptr(node) as usize)),
                held(&mut previous.edges.iter().map(|edge| Arc::as_ptr(edge) as usize)),
            ),
            None => Default::default(),
        };
        let tables = (self.nodes.len() + self.edges.len()) * POINTER_BYTES
            + self.logs.table_bytes()
            + self.events.iter().map(|event| event.message.len() + 96).sum::<usize>()
            + self.series.iter().map(|(name, ring)| name.len() + 64 + ring.len() * 16).sum::<usize>();
        let mut bytes = FrozenBytes { whole: tables, own: tables };
        let mut count = |pointer: usize, size: usize, old: &FastSet<usize>| {
            bytes.whole += size;
            if !old.contains(&pointer) {
                bytes.own += size;
            }
        };
        for node in &self.nodes {
            count(Arc::as_ptr(node) as usize, Graph::node_bytes(node), &old_nodes);
        }
        for edge in &self.edges {
            count(Arc::as_ptr(edge) as usize, Graph::edge_bytes(edge), &old_edges);
        }
        let logs = self.logs.bytes(previous.map(|previous| &previous.logs));
        bytes.whole += logs.whole;
        bytes.own += logs.own;
        // The history charges `own` and later `whole - own` more.
        debug_assert!(bytes.own <= bytes.whole, "{bytes:?}");
        bytes
    }
}

/// The live maps of a frozen graph.
impl Graph {
    fn thaw(&mut self, nodes: &[Arc<MeshNode>], edges: &[Arc<MeshEdge>]) {
        let mut node_map = FastMap::default();
        node_map.reserve(nodes.len());
        node_map.extend(nodes.iter().map(|node| (IdKey::from(node.id.as_str()), Arc::clone(node))));
        self.set_nodes(node_map);
        for edge in edges {
            self.insert_edge_shared(Arc::clone(edge));
        }
    }
}
