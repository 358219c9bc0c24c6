//! What every view shows: the one filter (`crate::filter`), the focus (a
//! node and its neighbours up to a few hops), the tables' natural orders
//! and the topology's groups, all kept in step with the diffs. A diff costs
//! what it changed (its nodes, its edges, and the edges of nodes whose
//! matching terms changed), never a rescan of the graph; changing the
//! filter, the focus, the sort or the grouping costs one pass.

mod backlog;
mod choices;
mod edge_sort;
mod graph;
mod groups;
mod heat;
mod neighbourhood;
mod order;
mod sorted;

use shared::view::reserve_for;
use shared::{Diff, GraphSize, IdKey, MeshNode, View as MeshView};

use crate::filter::Query;

pub use backlog::MAX_EDGE_CHECKS_PER_STEP;
pub use choices::{by_name, name_of};
pub use edge_sort::EdgeSort;
pub use graph::{EdgeFacts, GraphIndex, Numbers, Upserted};
pub use groups::{status_slot, GroupBy, GroupStats, Groups, LinkStats, NO_VALUE, STATUS_SLOTS};
pub use neighbourhood::{neighbourhood, Focus, MAX_HOPS};
pub use order::{NodeSort, Order, RowKey};
pub use sorted::SortedList;

pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lens {
    graph: GraphIndex,
    query: Query,
    focus: Option<Focus>,
    /// Distance from the focus of each node within its hops.
    around: Option<FastMap<IdKey, u8>>,
    /// Each node's `Query::field_mask` (kept only while there is a query).
    masks: FastMap<IdKey, u32>,
    /// Counts behind each node's comparisons (kept only while the query
    /// compares numbers).
    heat: heat::Heat,
    sort: NodeSort,
    edge_sort: EdgeSort,
    nodes: Order,
    edges: Order,
    groups: Groups,
    /// Edges around changed nodes, re-checked in steps (`settle`).
    backlog: backlog::Backlog,
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
        self.backlog.clear();
        self.around = self.focus.as_ref().map(|focus| neighbourhood(&self.graph, &focus.node_id, focus.hops));
        self.masks = if self.query.is_empty() {
            FastMap::default()
        } else {
            view.nodes.values().map(|node| (IdKey::from(node.id.as_str()), self.query.field_mask(node))).collect()
        };
        self.heat = self.heat_from_scratch();
        self.sort_nodes(view);
        self.sort_edges(view);
        let (nodes, edges) = (&self.nodes, &self.edges);
        self.groups = Groups::compute(view, self.groups.by().clone(), |id| nodes.contains(id), |id| edges.contains(id));
    }

    /// The nodes table's order from scratch (the shown nodes are known).
    fn sort_nodes(&mut self, view: &MeshView) {
        let node_keys = view.nodes.values().filter(|node| self.node_shown(node)).map(|n| self.sort.key(n));
        self.nodes = Order::build(node_keys.collect());
    }

    /// The edges table's order from scratch (the shown edges are known).
    fn sort_edges(&mut self, view: &MeshView) {
        let shown_edges = view.edges.keys().filter_map(|id| {
            let facts = self.graph.facts(id)?;
            self.edge_shown(id, facts).then(|| self.edge_sort.key(id, facts))
        });
        self.edges = Order::build(shown_edges.collect());
    }

    /// Makes room for a graph of `size` at once (a snapshot's fill), in
    /// every map keyed by node or edge id.
    fn reserve_for(&mut self, size: GraphSize) {
        self.graph.reserve_for(size);
        self.nodes.reserve_for(size.nodes);
        self.edges.reserve_for(size.edges);
        self.groups.reserve_for(size);
        if !self.query.is_empty() {
            reserve_for(&mut self.masks, size.nodes);
        }
    }

    /// Follows one diff just before `view` applies it: the diff's nodes and
    /// edges are read from the diff itself (at hand), everything else from
    /// the lens's own index, and `view` only for nodes the diff leaves as
    /// they are. A graph reset is not followed here: `rebuild` once the
    /// view has it. True when the shown rows or their order changed. The
    /// edges around changed nodes are left for `settle`.
    pub fn follow(&mut self, diff: &Diff, view: &MeshView) -> bool {
        if diff.view_reset || diff.graph_reset {
            return false;
        }
        if diff.snapshot_fill {
            self.reserve_for(diff.graph_size);
        }
        let mut check = Pending::default();
        // First what edges are tested against: their ends' matching terms.
        for node_id in &diff.node_removals {
            self.masks.remove(node_id.as_str());
            check.more_edges.extend(self.graph.incident(node_id).map(IdKey::from));
        }
        if !self.query.is_empty() {
            for node in &diff.node_upserts {
                let mask = self.query.field_mask(node);
                if self.masks.insert(IdKey::from(node.id.as_str()), mask) != Some(mask) {
                    check.more_edges.extend(self.graph.incident(&node.id).map(IdKey::from));
                }
            }
        }
        // Every check is idempotent: an id met twice is checked twice, at
        // no harm (cheaper than keeping them apart).
        let mut changed = self.follow_edges(diff, &mut check);
        if check.focus_moved {
            self.move_focus(&mut check);
        }
        // Nodes the diff leaves as they are first (the view holds them);
        // then the diff's own, which win where both name a node.
        for node_id in &check.more_nodes {
            changed |= self.recheck_node(node_id, view);
        }
        for node_id in &diff.node_removals {
            changed |= self.check_node(node_id, None);
        }
        for node in &diff.node_upserts {
            changed |= self.check_node(&node.id, Some(node));
        }
        for edge_id in check.more_edges {
            self.backlog.push(edge_id);
        }
        changed
    }

    /// The graph index follows the diff's edges, each checked at once;
    /// notes what else to re-check.
    fn follow_edges(&mut self, diff: &Diff, check: &mut Pending) -> bool {
        let compares = self.query.needs_metrics();
        let mut changed = false;
        for edge_id in &diff.edge_removals {
            let old_masks = if compares { self.masks_of(edge_id) } else { None };
            if let Some((source, target)) = self.graph.remove_edge(edge_id) {
                if let Some(masks) = old_masks {
                    self.reheat(Some((&source, &target, masks)), None, check);
                }
                self.ends_changed(&source, &target, check);
            }
            changed |= self.check_edge(edge_id, true);
        }
        for edge in &diff.edge_upserts {
            let upserted = self.graph.upsert_edge(edge);
            let old_masks = upserted.numbers.filter(|_| compares).map(|(e, l, t)| self.query.heat(e, l, t));
            let moved = match upserted.moved {
                Some(former) => {
                    if let Some((source, target)) = &former {
                        self.ends_changed(source, target, check);
                    }
                    self.ends_changed(&edge.source, &edge.target, check);
                    if compares {
                        let old = former.as_ref().zip(old_masks).map(|((s, t), masks)| (s.as_str(), t.as_str(), masks));
                        let new =
                            self.masks_of(&edge.id).map(|masks| (edge.source.as_str(), edge.target.as_str(), masks));
                        self.reheat(old, new, check);
                    }
                    true
                }
                None => {
                    // Same ends: only a number crossing an amount matters.
                    let stats = edge.stats.as_ref();
                    let new_masks = compares.then(|| {
                        let number = |f: fn(&shared::EdgeStats) -> Option<f64>| stats.and_then(f);
                        self.query.heat(
                            number(|s| s.error_rate),
                            number(|s| s.latency_millis),
                            number(|s| s.throughput),
                        )
                    });
                    if old_masks != new_masks {
                        let ends = |masks| (edge.source.as_str(), edge.target.as_str(), masks);
                        self.reheat(old_masks.map(ends), new_masks.map(ends), check);
                    }
                    false
                }
            };
            changed |= self.check_edge(&edge.id, moved);
        }
        changed
    }

    /// An edge's heat masks (`Query::heat`), if the index has it.
    fn masks_of(&self, edge_id: &str) -> Option<(u32, u32)> {
        let facts = self.graph.facts(edge_id)?;
        Some(self.query.heat(facts.error_rate, facts.latency_millis, facts.throughput))
    }

    /// An edge between `source` and `target` came or went.
    fn ends_changed(&self, source: &str, target: &str, check: &mut Pending) {
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
            check.more_nodes.push(node_id.clone());
            check.more_edges.extend(self.graph.incident(node_id).map(IdKey::from));
        }
        self.around = Some(new);
    }

    /// A node of the diff: set, or removed (`None`).
    fn check_node(&mut self, node_id: &str, node: Option<&MeshNode>) -> bool {
        let shown = node.is_some_and(|node| self.node_shown(node));
        let was_there = match node {
            Some(node) => self.groups.node(node, shown, &self.graph),
            None => {
                self.groups.remove_node(node_id, &self.graph);
                true
            }
        };
        // Nothing narrows and rows sort by id: a node that was there keeps
        // its row (the common case, with no lookup).
        if node.is_some() && was_there && !self.is_narrowed() && self.sort == NodeSort::Id {
            return false;
        }
        self.set_row(node_id, node, shown)
    }

    /// A node the diff leaves as it is, whose metrics or focus changed.
    fn recheck_node(&mut self, node_id: &str, view: &MeshView) -> bool {
        let node = view.nodes.get(node_id);
        let shown = node.is_some_and(|node| self.node_shown(node));
        self.groups.set_shown(node_id, shown);
        self.set_row(node_id, node, shown)
    }

    /// Shows, moves or hides a node's row; most calls change nothing, and
    /// find that out without allocating.
    fn set_row(&mut self, node_id: &str, node: Option<&MeshNode>, shown: bool) -> bool {
        let row_held = match (node, self.nodes.key(node_id)) {
            (Some(node), Some(key)) => shown && self.sort.key_is(key, node),
            (_, None) => !shown,
            (None, Some(_)) => false,
        };
        !row_held && self.nodes.set(node_id, node.filter(|_| shown).map(|node| self.sort.key(node)))
    }

    /// An edge of the diff or around a changed node (from the index);
    /// `moved`: new, gone, or joining other nodes.
    fn check_edge(&mut self, edge_id: &str, moved: bool) -> bool {
        let Some(facts) = self.graph.facts(edge_id) else {
            self.groups.remove_edge(edge_id);
            return self.edges.set(edge_id, None);
        };
        let shown = self.edge_shown(edge_id, facts);
        self.groups.edge(edge_id, facts, shown);
        // Nothing narrows, rows sort by route and the edge kept its ends:
        // it keeps its row.
        if !moved && !self.is_narrowed() && self.edge_sort == EdgeSort::Route {
            return false;
        }
        let row_held = match self.edges.key(edge_id) {
            Some(held) => shown && self.edge_sort.key_is(held, edge_id, facts),
            None => !shown,
        };
        !row_held && self.edges.set(edge_id, shown.then(|| self.edge_sort.key(edge_id, facts)))
    }

    fn in_focus(&self, node_id: &str) -> bool {
        self.around.as_ref().is_none_or(|around| around.contains_key(node_id))
    }

    /// Within the focus, and matching the filter (the focused node itself
    /// always shows).
    fn node_shown(&self, node: &MeshNode) -> bool {
        if !self.in_focus(&node.id) {
            return false;
        }
        if self.query.is_empty() || self.focus.as_ref().is_some_and(|focus| focus.node_id == node.id) {
            return true;
        }
        let mask = self.masks.get(node.id.as_str()).copied().unwrap_or(0);
        self.query.matches_node_bits(mask | self.compare_bits(&node.id))
    }

    fn edge_shown(&self, edge_id: &str, facts: &EdgeFacts) -> bool {
        let ends = [&facts.source, &facts.target];
        ends.iter().all(|end| self.in_focus(end))
            && (self.query.is_empty()
                || self
                    .query
                    .matches_edge_masks(facts.subject(edge_id), ends.map(|id| self.masks.get(id.as_str()).copied())))
    }
}

/// What else one diff asks to re-check, besides its own nodes and edges.
#[derive(Default)]
struct Pending {
    more_nodes: Vec<IdKey>,
    more_edges: Vec<IdKey>,
    focus_moved: bool,
}
