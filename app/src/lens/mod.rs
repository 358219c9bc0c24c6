//! What every view shows: the one filter (`crate::filter`), the focus (a
//! node and its neighbours up to a few hops), the tables' natural orders
//! and the topology's groups, all kept in step with the diffs. A diff costs
//! what it changed (its nodes, its edges, and the edges of nodes whose
//! matching terms changed), never a rescan of the graph; changing the
//! filter, the focus, the sort or the grouping costs one pass.

mod choices;
mod graph;
mod groups;
mod neighbourhood;
mod order;
mod sorted;

use shared::{MeshEdge, MeshNode, View as MeshView};

use crate::filter::Query;
use crate::state::GraphChange;

pub use graph::GraphIndex;
pub use groups::{status_slot, EdgeEntry, GroupBy, GroupStats, Groups, LinkStats, NodeEntry, NO_VALUE, STATUS_SLOTS};
pub use neighbourhood::{neighbourhood, Focus, MAX_HOPS};
pub use order::{edge_key, NodeSort, Order, RowKey};
pub use sorted::SortedList;

pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

pub use crate::filter::NodeMetrics;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lens {
    graph: GraphIndex,
    query: Query,
    focus: Option<Focus>,
    /// Distance from the focus of each node within its hops.
    around: Option<FastMap<String, u8>>,
    /// Each node's `Query::field_mask` (kept only while there is a query).
    masks: FastMap<String, u32>,
    sort: NodeSort,
    nodes: Order,
    edges: Order,
    groups: Groups,
}

impl Lens {
    /// Everything from `view`, from scratch (a snapshot, or the tests'
    /// reference): O(nodes + edges), sorting once.
    pub fn rebuild(&mut self, view: &MeshView) {
        self.graph = GraphIndex::build(view);
        self.refresh(view);
    }

    /// Everything but the graph index, after the filter, focus, sort or
    /// grouping changed.
    fn refresh(&mut self, view: &MeshView) {
        self.around = self.focus.as_ref().map(|focus| neighbourhood(&self.graph, &focus.node_id, focus.hops));
        self.masks = if self.query.is_empty() {
            FastMap::default()
        } else {
            view.nodes.values().map(|node| (node.id.clone(), self.query.field_mask(node))).collect()
        };
        let node_keys = view.nodes.values().filter(|node| self.node_shown(view, node)).map(|n| self.sort.key(n));
        self.nodes = Order::build(node_keys.collect());
        let edge_keys = view.edges.values().filter(|edge| self.edge_shown(edge)).map(edge_key);
        self.edges = Order::build(edge_keys.collect());
        let (nodes, edges) = (&self.nodes, &self.edges);
        self.groups = Groups::compute(view, self.groups.by().clone(), |id| nodes.contains(id), |id| edges.contains(id));
    }

    /// Follows one diff (already applied to `view`); true when the shown
    /// rows or their order changed.
    pub fn update(&mut self, view: &MeshView, change: &GraphChange) -> bool {
        if change.rebuilt {
            self.rebuild(view);
            return true;
        }
        let mut check = Pending::default();
        self.follow_edges(view, change, &mut check);
        for node_id in &change.removed {
            self.masks.remove(node_id);
            check.nodes.insert(node_id.clone());
            check.edges.extend(self.graph.incident(node_id).map(str::to_owned));
        }
        for (node_id, _) in &change.upserted {
            let Some(node) = view.nodes.get(node_id) else { continue };
            if !self.query.is_empty() {
                let mask = self.query.field_mask(node);
                if self.masks.insert(node_id.clone(), mask) != Some(mask) {
                    check.edges.extend(self.graph.incident(node_id).map(str::to_owned));
                }
            }
            check.nodes.insert(node_id.clone());
        }
        if check.focus_moved {
            self.move_focus(&mut check);
        }
        let mut changed = false;
        for node_id in &check.nodes {
            changed |= self.check_node(view, node_id);
        }
        for edge_id in &check.edges {
            changed |= self.check_edge(view, edge_id);
        }
        changed
    }

    /// The graph index follows the diff's edges; notes what to re-check.
    fn follow_edges(&mut self, view: &MeshView, change: &GraphChange, check: &mut Pending) {
        let needs_metrics = self.query.needs_metrics();
        for edge_id in &change.edges_removed {
            if let Some((source, target)) = self.graph.remove_edge(edge_id) {
                self.ends_changed(&source, &target, check);
            }
            check.edges.insert(edge_id.clone());
        }
        for edge_id in &change.edges_upserted {
            let Some(edge) = view.edges.get(edge_id) else { continue };
            match self.graph.upsert_edge(edge) {
                Some(former) => {
                    if let Some((source, target)) = former {
                        self.ends_changed(&source, &target, check);
                    }
                    self.ends_changed(&edge.source, &edge.target, check);
                }
                None if needs_metrics => check.nodes.extend([edge.source.clone(), edge.target.clone()]),
                None => {}
            }
            check.edges.insert(edge_id.clone());
        }
    }

    /// An edge between `source` and `target` came or went.
    fn ends_changed(&self, source: &str, target: &str, check: &mut Pending) {
        if self.query.needs_metrics() {
            check.nodes.extend([source.to_owned(), target.to_owned()]);
        }
        let hops = self.focus.as_ref().map_or(0, |focus| focus.hops);
        let inside = |id: &str| self.around.as_ref().is_some_and(|around| around.get(id).is_some_and(|at| *at < hops));
        check.focus_moved |= inside(source) || inside(target);
    }

    /// The neighbourhood again; nodes that came or left are re-checked,
    /// with their edges.
    fn move_focus(&mut self, check: &mut Pending) {
        let Some(focus) = self.focus.clone() else { return };
        let new = neighbourhood(&self.graph, &focus.node_id, focus.hops);
        let old = self.around.take().unwrap_or_default();
        let moved =
            new.keys().filter(|id| !old.contains_key(*id)).chain(old.keys().filter(|id| !new.contains_key(*id)));
        for node_id in moved {
            check.nodes.insert(node_id.clone());
            check.edges.extend(self.graph.incident(node_id).map(str::to_owned));
        }
        self.around = Some(new);
    }

    fn check_node(&mut self, view: &MeshView, node_id: &str) -> bool {
        let node = view.nodes.get(node_id);
        let shown = node.is_some_and(|node| self.node_shown(view, node));
        let changed = self.nodes.set(node_id, node.filter(|_| shown).map(|node| self.sort.key(node)));
        let entry = node.map(|node| NodeEntry::of(node, self.groups.by(), shown));
        self.groups.set_node(node_id, entry, &self.graph);
        changed
    }

    fn check_edge(&mut self, view: &MeshView, edge_id: &str) -> bool {
        let edge = view.edges.get(edge_id);
        let shown = edge.is_some_and(|edge| self.edge_shown(edge));
        let changed = self.edges.set(edge_id, edge.filter(|_| shown).map(edge_key));
        self.groups.set_edge(edge_id, edge.map(|edge| EdgeEntry::of(edge, shown)));
        changed
    }

    fn in_focus(&self, node_id: &str) -> bool {
        self.around.as_ref().is_none_or(|around| around.contains_key(node_id))
    }

    /// Within the focus, and matching the filter (the focused node itself
    /// always shows).
    fn node_shown(&self, view: &MeshView, node: &MeshNode) -> bool {
        if !self.in_focus(&node.id) {
            return false;
        }
        if self.query.is_empty() || self.focus.as_ref().is_some_and(|focus| focus.node_id == node.id) {
            return true;
        }
        let mask = self.masks.get(&node.id).copied().unwrap_or(0);
        let metrics = self.query.needs_metrics().then(|| self.graph.metrics(view, &node.id));
        self.query.matches_node_mask(mask, metrics.as_ref())
    }

    fn edge_shown(&self, edge: &MeshEdge) -> bool {
        let ends = [&edge.source, &edge.target];
        ends.iter().all(|end| self.in_focus(end))
            && (self.query.is_empty()
                || self.query.matches_edge_masks(edge, ends.map(|id| self.masks.get(id).copied())))
    }
}

/// What one diff asks to re-check.
#[derive(Default)]
struct Pending {
    nodes: FastSet<String>,
    edges: FastSet<String>,
    focus_moved: bool,
}
