//! Semantic zoom's data: nodes grouped by kind (or a `meta` key such as
//! region), each group with its count, a status histogram and its unhealthy
//! members, and the edges between groups aggregated (summed throughput,
//! worst error rate). Kept in step with the diffs at O(change) each, and
//! always equal to `Groups::compute` from scratch (the lens tests check it
//! under random diffs).

use std::collections::{BTreeMap, BTreeSet};

use shared::{MeshEdge, MeshNode, Status, View as MeshView};

use super::graph::GraphIndex;
use super::FastMap;
use crate::components::edges::BAD_ERROR_RATE;
use crate::natural::Natural;

/// The group of nodes without the chosen `meta` key.
pub const NO_VALUE: &str = "(none)";
/// Histogram slots, in the legend's order: ok, running, degraded, error,
/// starting, idle, stopped, other.
pub const STATUS_SLOTS: usize = 8;

/// What nodes are grouped by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum GroupBy {
    #[default]
    Kind,
    /// A `meta` key such as `region`.
    Meta(String),
}

/// One group: its members and how they fare.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupStats {
    pub members: BTreeSet<Natural>,
    /// Members the filter and focus show.
    pub n_shown: usize,
    /// Members per status slot (`status_slot`).
    pub by_status: [usize; STATUS_SLOTS],
    /// Members in error or degraded.
    pub unhealthy: BTreeSet<Natural>,
}

/// The edges between two groups (or inside one), together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkStats {
    pub n_edges: usize,
    pub n_shown: usize,
    /// Edges with an error rate at or above `BAD_ERROR_RATE`.
    pub n_bad: usize,
    /// Summed throughput in thousandths (integers: exact under any order
    /// of changes).
    throughput_milli: i64,
    /// Error rates (as ordered bits) → how many edges have it: the worst is
    /// the last key, and stays right when that edge goes.
    error_rates: BTreeMap<u64, usize>,
}

/// Where a node counts.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeEntry {
    pub group: String,
    pub slot: usize,
    pub shown: bool,
}

/// What an edge adds to its link.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeEntry {
    pub source: String,
    pub target: String,
    throughput_milli: i64,
    error_bits: Option<u64>,
    pub shown: bool,
    /// The pair of groups it joins (smaller first), once both ends have one.
    link: Option<(Natural, Natural)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Groups {
    by: GroupBy,
    nodes: FastMap<String, NodeEntry>,
    edges: FastMap<String, EdgeEntry>,
    groups: BTreeMap<Natural, GroupStats>,
    links: BTreeMap<(Natural, Natural), LinkStats>,
}

impl GroupBy {
    /// The group `node` belongs to.
    pub fn group_of(&self, node: &MeshNode) -> String {
        match self {
            GroupBy::Kind => node.kind.clone(),
            GroupBy::Meta(key) => node
                .meta
                .iter()
                .find(|entry| entry.key == *key)
                .map_or_else(|| NO_VALUE.to_owned(), |entry| entry.display_value()),
        }
    }
}

/// The histogram slot of a status (the legend's order).
pub fn status_slot(status: &Status) -> usize {
    match status {
        Status::Ok => 0,
        Status::Running => 1,
        Status::Degraded => 2,
        Status::Error => 3,
        Status::Starting => 4,
        Status::Idle => 5,
        Status::Stopped => 6,
        Status::Other(_) => 7,
    }
}

impl NodeEntry {
    pub fn of(node: &MeshNode, by: &GroupBy, shown: bool) -> NodeEntry {
        NodeEntry { group: by.group_of(node), slot: status_slot(&node.status), shown }
    }

    fn unhealthy(&self) -> bool {
        self.slot == 2 || self.slot == 3
    }
}

impl EdgeEntry {
    pub fn of(edge: &MeshEdge, shown: bool) -> EdgeEntry {
        let stats = edge.stats.as_ref();
        let throughput = stats.and_then(|s| s.throughput).filter(|t| t.is_finite()).unwrap_or(0.0);
        EdgeEntry {
            source: edge.source.clone(),
            target: edge.target.clone(),
            throughput_milli: (throughput.clamp(-1e15, 1e15) * 1000.0).round() as i64,
            error_bits: stats.and_then(|s| s.error_rate).filter(|e| e.is_finite()).map(ordered_bits),
            shown,
            link: None,
        }
    }

    fn bad(&self) -> bool {
        self.error_bits.is_some_and(|bits| bits >= ordered_bits(BAD_ERROR_RATE))
    }
}

/// An f64's bits, ordered as the numbers are (negatives below positives).
fn ordered_bits(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

fn from_ordered_bits(bits: u64) -> f64 {
    f64::from_bits(if bits >> 63 == 1 { bits & !(1 << 63) } else { !bits })
}

impl LinkStats {
    pub fn throughput(&self) -> f64 {
        self.throughput_milli as f64 / 1000.0
    }

    /// The highest error rate among the edges, if any has one.
    pub fn worst_error_rate(&self) -> Option<f64> {
        self.error_rates.keys().next_back().copied().map(from_ordered_bits)
    }

    fn add(&mut self, edge: &EdgeEntry, sign: i64) {
        let step = |count: &mut usize| *count = if sign > 0 { *count + 1 } else { count.saturating_sub(1) };
        step(&mut self.n_edges);
        if edge.shown {
            step(&mut self.n_shown);
        }
        if edge.bad() {
            step(&mut self.n_bad);
        }
        self.throughput_milli += sign * edge.throughput_milli;
        if let Some(bits) = edge.error_bits {
            let count = self.error_rates.entry(bits).or_default();
            step(count);
            if *count == 0 {
                self.error_rates.remove(&bits);
            }
        }
    }
}

impl Groups {
    pub fn new(by: GroupBy) -> Groups {
        Groups { by, ..Groups::default() }
    }

    /// The groups of `view` from scratch: the definition the incremental
    /// upkeep must always agree with.
    pub fn compute(
        view: &MeshView,
        by: GroupBy,
        node_shown: impl Fn(&str) -> bool,
        edge_shown: impl Fn(&str) -> bool,
    ) -> Groups {
        let mut groups = Groups::new(by);
        for node in view.nodes.values() {
            let entry = NodeEntry::of(node, &groups.by, node_shown(&node.id));
            groups.add_node(&node.id, entry);
        }
        for edge in view.edges.values() {
            groups.set_edge(&edge.id, Some(EdgeEntry::of(edge, edge_shown(&edge.id))));
        }
        groups
    }

    pub fn by(&self) -> &GroupBy {
        &self.by
    }

    /// The groups in natural order of their names.
    pub fn groups(&self) -> impl Iterator<Item = (&str, &GroupStats)> {
        self.groups.iter().map(|(name, stats)| (name.0.as_str(), stats))
    }

    pub fn group(&self, name: &str) -> Option<&GroupStats> {
        self.groups.get(&Natural(name.to_owned()))
    }

    /// Links between groups (each pair once, smaller name first; a pair of
    /// one group twice holds the edges inside it).
    pub fn links(&self) -> impl Iterator<Item = ((&str, &str), &LinkStats)> {
        self.links.iter().map(|((a, b), stats)| ((a.0.as_str(), b.0.as_str()), stats))
    }

    pub fn group_of(&self, node_id: &str) -> Option<&str> {
        self.nodes.get(node_id).map(|entry| entry.group.as_str())
    }

    /// Sets (or with `None` removes) a node; its edges follow it to a new
    /// group (`graph` names them).
    pub fn set_node(&mut self, node_id: &str, entry: Option<NodeEntry>, graph: &GraphIndex) {
        let old_group = self.remove_node(node_id);
        let new_group = entry.as_ref().map(|entry| entry.group.clone());
        if let Some(entry) = entry {
            self.add_node(node_id, entry);
        }
        if old_group != new_group {
            for edge_id in graph.incident(node_id) {
                self.relink(edge_id);
            }
        }
    }

    /// Sets (or removes) an edge's contribution.
    pub fn set_edge(&mut self, edge_id: &str, entry: Option<EdgeEntry>) {
        if let Some(old) = self.edges.remove(edge_id) {
            self.count_link(&old, -1);
        }
        if let Some(mut entry) = entry {
            entry.link = self.link_of(&entry);
            self.count_link(&entry, 1);
            self.edges.insert(edge_id.to_owned(), entry);
        }
    }

    fn add_node(&mut self, node_id: &str, entry: NodeEntry) {
        let stats = self.groups.entry(Natural(entry.group.clone())).or_default();
        stats.members.insert(Natural(node_id.to_owned()));
        stats.n_shown += usize::from(entry.shown);
        if let Some(count) = stats.by_status.get_mut(entry.slot) {
            *count += 1;
        }
        if entry.unhealthy() {
            stats.unhealthy.insert(Natural(node_id.to_owned()));
        }
        self.nodes.insert(node_id.to_owned(), entry);
    }

    /// Takes a node out of its group; returns the group it was in.
    fn remove_node(&mut self, node_id: &str) -> Option<String> {
        let entry = self.nodes.remove(node_id)?;
        let key = Natural(entry.group);
        if let Some(stats) = self.groups.get_mut(&key) {
            let id = Natural(node_id.to_owned());
            stats.members.remove(&id);
            stats.unhealthy.remove(&id);
            stats.n_shown -= usize::from(entry.shown && stats.n_shown > 0);
            if let Some(count) = stats.by_status.get_mut(entry.slot) {
                *count = count.saturating_sub(1);
            }
            if stats.members.is_empty() {
                self.groups.remove(&key);
            }
        }
        Some(key.0)
    }

    fn link_of(&self, edge: &EdgeEntry) -> Option<(Natural, Natural)> {
        let a = Natural(self.nodes.get(&edge.source)?.group.clone());
        let b = Natural(self.nodes.get(&edge.target)?.group.clone());
        Some(if a <= b { (a, b) } else { (b, a) })
    }

    /// Moves an edge to the link its ends' groups now give.
    fn relink(&mut self, edge_id: &str) {
        let Some(entry) = self.edges.get(edge_id) else { return };
        let link = self.link_of(entry);
        if link == entry.link {
            return;
        }
        let Some(mut entry) = self.edges.remove(edge_id) else { return };
        self.count_link(&entry, -1);
        entry.link = link;
        self.count_link(&entry, 1);
        self.edges.insert(edge_id.to_owned(), entry);
    }

    fn count_link(&mut self, entry: &EdgeEntry, sign: i64) {
        let Some(link) = &entry.link else { return };
        let stats = self.links.entry(link.clone()).or_default();
        stats.add(entry, sign);
        if stats.n_edges == 0 {
            self.links.remove(link);
        }
    }
}
