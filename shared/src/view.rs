//! A plain-data mirror of the reducer's state, built only by applying diffs.
//! The single definition of what a diff means: tests compare it with the
//! reducer, and the UI follows the same rules with its signals.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{BuildHasher, Hash};

use serde::{Deserialize, Serialize};

use crate::diff::{Counters, Diff, Event};
use crate::limits::{MAX_EVENTS, MAX_LOG_LINES_PER_NODE, MAX_POINTS_PER_SERIES};
use crate::protocol::{ChartPoint, MeshEdge, MeshNode};

/// Nodes or edges by id. Hashed, not ordered: a diff looks up every node
/// and edge it carries, and at 30,000 edges an ordered map's search compares
/// a dozen heap-held ids, each a cache miss (measured: the view's share of
/// a steady 10k diff fell from ~2.5 ms to ~1.6 ms natively, `cargo bench -p
/// app --bench lens`). The seed is fixed so
/// that iteration is the same on every run (drawing order, samples);
/// anything shown in an order sorts.
pub type IdMap<V> = std::collections::HashMap<String, V, foldhash::fast::FixedState>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub nodes: IdMap<MeshNode>,
    pub edges: IdMap<MeshEdge>,
    /// Oldest first (shown newest first).
    pub events: VecDeque<Event>,
    pub logs: BTreeMap<String, LogView>,
    pub series: BTreeMap<String, VecDeque<ChartPoint>>,
    pub counters: Counters,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogView {
    pub lines: VecDeque<String>,
    pub partial: String,
}

/// Makes room in `map` for `total` entries at once: a snapshot's fill
/// inserts that many, and a map grown by doubling re-hashes every key it
/// holds each time (a fifth of a 10k fill's cost, natively: `cargo bench
/// -p app --bench lens -- fill`).
/// Entries that then arrive take the room; none is taken beyond them.
pub fn reserve_for<K: Eq + Hash, V, S: BuildHasher>(map: &mut HashMap<K, V, S>, total: u32) {
    map.reserve((total as usize).saturating_sub(map.len()));
}

impl View {
    /// Applies one diff. Work is proportional to the diff, except a graph
    /// reset, which drops the old graph first.
    pub fn apply_diff(&mut self, diff: Diff) {
        if diff.view_reset {
            *self = View::default();
        }
        if diff.graph_reset {
            self.nodes.clear();
            self.edges.clear();
        }
        if diff.snapshot_fill {
            reserve_for(&mut self.nodes, diff.graph_size.nodes);
            reserve_for(&mut self.edges, diff.graph_size.edges);
        }
        for node_id in diff.node_removals {
            self.nodes.remove(&node_id);
        }
        // In place where the id is known (most upserts): no key copied.
        for node in diff.node_upserts {
            match self.nodes.get_mut(&node.id) {
                Some(held) => *held = node,
                None => drop(self.nodes.insert(node.id.clone(), node)),
            }
        }
        for edge_id in diff.edge_removals {
            self.edges.remove(&edge_id);
        }
        for edge in diff.edge_upserts {
            match self.edges.get_mut(&edge.id) {
                Some(held) => *held = edge,
                None => drop(self.edges.insert(edge.id.clone(), edge)),
            }
        }
        diff.events.apply_to(&mut self.events, MAX_EVENTS);
        for node_id in diff.log_removals {
            self.logs.remove(&node_id);
        }
        for delta in diff.logs {
            let log = self.logs.entry(delta.node_id).or_default();
            delta.lines.apply_to(&mut log.lines, MAX_LOG_LINES_PER_NODE);
            log.partial = delta.partial;
        }
        for name in diff.series_removals {
            self.series.remove(&name);
        }
        for delta in diff.series {
            let points = self.series.entry(delta.series).or_default();
            delta.points.apply_to(points, MAX_POINTS_PER_SERIES);
        }
        self.counters = diff.counters;
    }
}
