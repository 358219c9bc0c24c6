//! Semantic zoom's data: nodes grouped by kind (or a `meta` key such as
//! region), each group with its count, a status histogram and its unhealthy
//! members, and the edges between groups aggregated (summed throughput,
//! worst error rate). Kept in step with the diffs at O(change) each (a
//! status flap or an edge's new numbers costs a couple of lookups: groups
//! are numbered, links keyed by number pairs), and always equal to
//! `Groups::compute` from scratch (the lens tests check it under random
//! diffs).

mod upkeep;

use std::collections::{BTreeMap, BTreeSet};

use shared::view::reserve_for;
use shared::{GraphSize, IdKey, MeshNode, Status, View as MeshView};

use super::FastMap;
use crate::natural::{natural_cmp, Natural};

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

/// One group: how many members, and how they fare.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupStats {
    pub n_nodes: usize,
    /// Members per status slot (`status_slot`).
    pub by_status: [usize; STATUS_SLOTS],
    /// Members the filter and focus show, per status slot.
    pub shown_by_status: [usize; STATUS_SLOTS],
    /// Members in error or degraded.
    pub unhealthy: BTreeSet<Natural>,
}

impl GroupStats {
    /// Members the filter and focus show.
    pub fn n_shown(&self) -> usize {
        self.shown_by_status.iter().sum()
    }

    /// The members a box counts, and their statuses: those shown while the
    /// filter or focus narrows (one filter applies to every view), else all.
    pub fn counted(&self, narrowed: bool) -> (usize, &[usize; STATUS_SLOTS]) {
        if narrowed {
            (self.n_shown(), &self.shown_by_status)
        } else {
            (self.n_nodes, &self.by_status)
        }
    }
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

/// Where a node counts: its group's number, status slot, whether shown.
#[derive(Debug, Clone, Copy, PartialEq)]
struct NodeEntry {
    group: u32,
    slot: usize,
    shown: bool,
}

/// What an edge adds to its link.
#[derive(Debug, Clone, PartialEq)]
struct EdgeEntry {
    source: IdKey,
    target: IdKey,
    throughput_milli: i64,
    error_bits: Option<u64>,
    shown: bool,
    /// The pair of groups it joins (smaller number first), once both
    /// ends have one.
    link: Option<(u32, u32)>,
}

#[derive(Debug, Clone, Default)]
pub struct Groups {
    by: GroupBy,
    /// Group number → name, and back; numbers are never reused.
    names: Vec<String>,
    numbers: FastMap<String, u32>,
    /// Group number → stats (`n_nodes` 0: empty now).
    stats: Vec<GroupStats>,
    nodes: FastMap<IdKey, NodeEntry>,
    edges: FastMap<IdKey, EdgeEntry>,
    links: FastMap<(u32, u32), LinkStats>,
}

impl GroupBy {
    /// A grouping by its name: `kind`, or `meta:` and a key (the wire
    /// allows an empty one). The group-by control's values and the URL's
    /// `groupBy` are these names.
    pub fn parse(name: &str) -> Option<GroupBy> {
        match name.strip_prefix("meta:") {
            Some(key) => Some(GroupBy::Meta(key.to_owned())),
            None => (name == "kind").then_some(GroupBy::Kind),
        }
    }

    pub fn name(&self) -> String {
        match self {
            GroupBy::Kind => "kind".to_owned(),
            GroupBy::Meta(key) => format!("meta:{key}"),
        }
    }

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

impl Groups {
    /// Room for a graph of `size` (a snapshot's fill).
    pub fn reserve_for(&mut self, size: GraphSize) {
        reserve_for(&mut self.nodes, size.nodes);
        reserve_for(&mut self.edges, size.edges);
    }

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
        let no_edges = super::GraphIndex::default();
        for node in view.nodes.values() {
            groups.node(node, node_shown(&node.id), &no_edges);
        }
        for edge in view.edges.values() {
            groups.edge(&edge.id, &super::EdgeFacts::from(edge), edge_shown(&edge.id));
        }
        groups
    }

    pub fn by(&self) -> &GroupBy {
        &self.by
    }

    /// The groups with members, in natural order of their names.
    pub fn groups(&self) -> impl Iterator<Item = (&str, &GroupStats)> {
        let mut listed: Vec<(&str, &GroupStats)> =
            (self.names.iter().map(String::as_str)).zip(&self.stats).filter(|(_, stats)| stats.n_nodes > 0).collect();
        crate::sort::sort_by(&mut listed, |a, b| natural_cmp(a.0, b.0));
        listed.into_iter()
    }

    pub fn group(&self, name: &str) -> Option<&GroupStats> {
        let number = *self.numbers.get(name)?;
        self.stats.get(number as usize).filter(|stats| stats.n_nodes > 0)
    }

    /// Links between groups (each pair once, smaller name first; a pair of
    /// one group twice holds the edges inside it), in natural order.
    pub fn links(&self) -> impl Iterator<Item = ((&str, &str), &LinkStats)> {
        let name = |number: u32| self.names.get(number as usize).map_or("", String::as_str);
        let mut listed: Vec<((&str, &str), &LinkStats)> = self
            .links
            .iter()
            .map(|((a, b), stats)| {
                let (a, b) = (name(*a), name(*b));
                (if natural_cmp(a, b).is_le() { (a, b) } else { (b, a) }, stats)
            })
            .collect();
        crate::sort::sort_by(&mut listed, |x, y| natural_cmp(x.0 .0, y.0 .0).then_with(|| natural_cmp(x.0 .1, y.0 .1)));
        listed.into_iter()
    }

    pub fn group_of(&self, node_id: &str) -> Option<&str> {
        let entry = self.nodes.get(node_id)?;
        self.names.get(entry.group as usize).map(String::as_str)
    }

    /// Everything by name (numbers depend on the order groups came in).
    #[allow(clippy::type_complexity)]
    fn by_name(
        &self,
    ) -> (Vec<(&str, &GroupStats)>, Vec<((&str, &str), &LinkStats)>, BTreeMap<&str, (&str, usize, bool)>) {
        let nodes = self
            .nodes
            .iter()
            .map(|(id, e)| {
                (id.as_str(), (self.names.get(e.group as usize).map_or("", String::as_str), e.slot, e.shown))
            })
            .collect();
        (self.groups().collect(), self.links().collect(), nodes)
    }
}

impl PartialEq for Groups {
    fn eq(&self, other: &Self) -> bool {
        let edges = |g: &Groups| {
            let link = |(a, b): (u32, u32)| {
                let name = |n: u32| g.names.get(n as usize).cloned().unwrap_or_default();
                let (a, b) = (name(a), name(b));
                if natural_cmp(&a, &b).is_le() {
                    (a, b)
                } else {
                    (b, a)
                }
            };
            let listed = g.edges.iter().map(|(id, e)| {
                (
                    id.clone(),
                    (e.source.clone(), e.target.clone(), e.throughput_milli, e.error_bits, e.shown, e.link.map(link)),
                )
            });
            listed.collect::<BTreeMap<_, _>>()
        };
        self.by == other.by && self.by_name() == other.by_name() && edges(self) == edges(other)
    }
}
