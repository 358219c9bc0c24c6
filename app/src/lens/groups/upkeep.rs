//! Keeping the groups in step: a node or an edge set, moved or removed.
//! The common changes (a status flap, an edge's new numbers, the filter
//! showing or hiding one) adjust counts in place without allocating; a
//! node that changes group takes its edges to their new links.

use shared::{IdKey, MeshNode};

use super::{status_slot, EdgeEntry, GroupBy, GroupStats, Groups, LinkStats, NodeEntry};
use crate::components::edges::BAD_ERROR_RATE;
use crate::lens::{EdgeFacts, GraphIndex};
use crate::natural::Natural;

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

/// (throughput in thousandths, error rate as ordered bits) of an edge.
fn numbers(facts: &EdgeFacts) -> (i64, Option<u64>) {
    let throughput = facts.throughput.filter(|t| t.is_finite()).unwrap_or(0.0);
    (
        (throughput.clamp(-1e15, 1e15) * 1000.0).round() as i64,
        facts.error_rate.filter(|e| e.is_finite()).map(ordered_bits),
    )
}

/// One more (+1) or one fewer (−1).
fn step(count: &mut usize, sign: i64) {
    *count = if sign > 0 { *count + 1 } else { count.saturating_sub(1) };
}

impl EdgeEntry {
    fn bad(&self) -> bool {
        self.error_bits.is_some_and(|bits| bits >= ordered_bits(BAD_ERROR_RATE))
    }
}

impl NodeEntry {
    fn unhealthy(&self) -> bool {
        self.slot == 2 || self.slot == 3
    }
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
        step(&mut self.n_edges, sign);
        if edge.shown {
            step(&mut self.n_shown, sign);
        }
        if edge.bad() {
            step(&mut self.n_bad, sign);
        }
        self.throughput_milli += sign * edge.throughput_milli;
        if let Some(bits) = edge.error_bits {
            let count = self.error_rates.entry(bits).or_default();
            step(count, sign);
            if *count == 0 {
                self.error_rates.remove(&bits);
            }
        }
    }
}

impl Groups {
    /// A group's number, given on first sight.
    fn number(&mut self, name: &str) -> u32 {
        if let Some(number) = self.numbers.get(name) {
            return *number;
        }
        let number = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.stats.push(GroupStats::default());
        self.numbers.insert(name.to_owned(), number);
        number
    }

    fn group_number_of(&mut self, node: &MeshNode) -> u32 {
        match &self.by {
            GroupBy::Kind => self.number(&node.kind),
            GroupBy::Meta(_) => {
                let name = self.by.group_of(node);
                self.number(&name)
            }
        }
    }

    /// Sets a node (its group, status, whether shown); when it changes
    /// group its edges (`graph` names them) move to their new links.
    /// Returns whether the node was there before.
    pub fn node(&mut self, node: &MeshNode, shown: bool, graph: &GraphIndex) -> bool {
        let slot = status_slot(&node.status);
        // The common case, in one lookup: same group, new status or shown.
        if let Some(held) = self.nodes.get_mut(node.id.as_str()) {
            let same_group = match &self.by {
                GroupBy::Kind => self.names.get(held.group as usize).is_some_and(|name| *name == node.kind),
                GroupBy::Meta(_) => false,
            };
            if same_group {
                let old = *held;
                (held.slot, held.shown) = (slot, shown);
                if old != *held {
                    let new = *held;
                    self.count(&node.id, old, -1);
                    self.count(&node.id, new, 1);
                }
                return true;
            }
        }
        let entry = NodeEntry { group: self.group_number_of(node), slot, shown };
        let held = self.nodes.get(node.id.as_str()).copied();
        if held == Some(entry) {
            return true;
        }
        if let Some(held) = held {
            self.count(&node.id, held, -1);
        }
        self.count(&node.id, entry, 1);
        match self.nodes.get_mut(node.id.as_str()) {
            Some(slot) => *slot = entry,
            None => drop(self.nodes.insert(IdKey::from(node.id.as_str()), entry)),
        }
        if held.map(|held| held.group) != Some(entry.group) {
            for edge_id in graph.incident(&node.id) {
                self.relink(edge_id);
            }
        }
        held.is_some()
    }

    /// Whether a node is shown changed (its group and status did not).
    pub fn set_shown(&mut self, node_id: &str, shown: bool) {
        let Some(held) = self.nodes.get_mut(node_id) else { return };
        if held.shown == shown {
            return;
        }
        held.shown = shown;
        if let Some(stats) = self.stats.get_mut(held.group as usize) {
            if let Some(count) = stats.shown_by_status.get_mut(held.slot) {
                step(count, if shown { 1 } else { -1 });
            }
        }
    }

    pub fn remove_node(&mut self, node_id: &str, graph: &GraphIndex) {
        let Some(held) = self.nodes.remove(node_id) else { return };
        self.count(node_id, held, -1);
        for edge_id in graph.incident(node_id) {
            self.relink(edge_id);
        }
    }

    /// Adds (+1) or takes away (−1) a node's share of its group.
    fn count(&mut self, node_id: &str, entry: NodeEntry, sign: i64) {
        let Some(stats) = self.stats.get_mut(entry.group as usize) else { return };
        step(&mut stats.n_nodes, sign);
        if entry.shown {
            if let Some(count) = stats.shown_by_status.get_mut(entry.slot) {
                step(count, sign);
            }
        }
        if let Some(count) = stats.by_status.get_mut(entry.slot) {
            step(count, sign);
        }
        if entry.unhealthy() {
            let id = Natural(node_id.to_owned());
            if sign > 0 {
                stats.unhealthy.insert(id);
            } else {
                stats.unhealthy.remove(&id);
            }
        }
    }

    /// Sets an edge; with the same ends (its numbers changed, the common
    /// case) its link is adjusted in place.
    pub fn edge(&mut self, edge_id: &str, edge: &EdgeFacts, shown: bool) {
        let (throughput_milli, error_bits) = numbers(edge);
        if let Some(held) = self.edges.get_mut(edge_id) {
            if held.source == edge.source && held.target == edge.target {
                if (held.throughput_milli, held.error_bits, held.shown) == (throughput_milli, error_bits, shown) {
                    return;
                }
                let link = held.link.and_then(|link| self.links.get_mut(&link));
                if let Some(stats) = link {
                    stats.add(held, -1);
                    (held.throughput_milli, held.error_bits, held.shown) = (throughput_milli, error_bits, shown);
                    stats.add(held, 1);
                } else {
                    (held.throughput_milli, held.error_bits, held.shown) = (throughput_milli, error_bits, shown);
                }
                return;
            }
        }
        self.remove_edge(edge_id);
        let link = self.link_of(&edge.source, &edge.target);
        let entry = EdgeEntry {
            source: edge.source.clone(),
            target: edge.target.clone(),
            throughput_milli,
            error_bits,
            shown,
            link,
        };
        self.count_link(&entry, 1);
        self.edges.insert(IdKey::from(edge_id), entry);
    }

    pub fn remove_edge(&mut self, edge_id: &str) {
        if let Some(held) = self.edges.remove(edge_id) {
            self.count_link(&held, -1);
        }
    }

    fn link_of(&self, source: &str, target: &str) -> Option<(u32, u32)> {
        let (a, b) = (self.nodes.get(source)?.group, self.nodes.get(target)?.group);
        Some((a.min(b), a.max(b)))
    }

    /// Moves an edge to the link its ends' groups now give.
    fn relink(&mut self, edge_id: &str) {
        let Some(held) = self.edges.get(edge_id) else { return };
        let link = self.link_of(&held.source, &held.target);
        if link == held.link {
            return;
        }
        let Some(mut held) = self.edges.remove(edge_id) else { return };
        self.count_link(&held, -1);
        held.link = link;
        self.count_link(&held, 1);
        self.edges.insert(IdKey::from(edge_id), held);
    }

    fn count_link(&mut self, entry: &EdgeEntry, sign: i64) {
        let Some(link) = entry.link else { return };
        let stats = self.links.entry(link).or_default();
        stats.add(entry, sign);
        if stats.n_edges == 0 {
            self.links.remove(&link);
        }
    }
}
