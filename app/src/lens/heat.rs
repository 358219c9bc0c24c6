//! A node's comparisons (`errors>5%`, `latency<200ms`: its edges' worst
//! number against an amount) kept from two counts per node and term: its
//! edges with a value, and its "hot" edges (`Query::heat`). An edge's new
//! numbers change the counts at its two ends, and only a node whose
//! comparison flips is checked again: no pass over a node's edges per diff.

use shared::IdKey;

use super::{FastMap, Lens, Pending};

/// Per node: for each term of the query, (edges with a value, hot edges).
/// Nodes with no counted edge have no entry.
pub(super) type Heat = FastMap<IdKey, Vec<(u32, u32)>>;

/// An edge as the counts see it: its ends and (has, hot) masks.
pub(super) type Warmth<'a> = (&'a str, &'a str, (u32, u32));

impl Lens {
    /// Every count from the index: O(edges).
    pub(super) fn heat_from_scratch(&self) -> Heat {
        let mut heat = Heat::default();
        if !self.query.needs_metrics() {
            return heat;
        }
        let n_terms = self.query.terms.len();
        for facts in self.graph.all_facts() {
            let masks = self.query.heat(facts.error_rate, facts.latency_millis, facts.throughput);
            for end in [&facts.source, &facts.target] {
                add(&mut heat, end, n_terms, masks, 1);
            }
        }
        heat
    }

    /// The comparisons that hold at a node, as term bits.
    pub(super) fn compare_bits(&self, node_id: &str) -> u32 {
        self.heat.get(node_id).map_or(0, |counts| self.query.compare_bits(counts))
    }

    /// An edge went from `old` to `new` (ends and masks; `None`: absent);
    /// nodes whose comparisons flipped are noted for a re-check.
    pub(super) fn reheat(&mut self, old: Option<Warmth>, new: Option<Warmth>, check: &mut Pending) {
        if old == new {
            return;
        }
        let n_terms = self.query.terms.len();
        let changes = old.into_iter().map(|w| (w, -1)).chain(new.into_iter().map(|w| (w, 1)));
        for ((source, target, masks), sign) in changes {
            for end in [source, target] {
                let before = self.compare_bits(end);
                add(&mut self.heat, end, n_terms, masks, sign);
                if self.compare_bits(end) != before {
                    check.more_nodes.push(IdKey::from(end));
                }
            }
        }
    }
}

/// Counts an edge of `masks` at `node_id` (`sign` +1) or stops counting it
/// (−1); an entry left with no counted edge goes.
fn add(heat: &mut Heat, node_id: &str, n_terms: usize, (has, hot): (u32, u32), sign: i64) {
    if has == 0 {
        return;
    }
    if !heat.contains_key(node_id) {
        heat.insert(IdKey::from(node_id), vec![(0, 0); n_terms]);
    }
    let Some(counts) = heat.get_mut(node_id) else { return };
    for (index, (with_value, hot_count)) in counts.iter_mut().enumerate() {
        let bit = 1 << index;
        let step = |count: &mut u32, on: bool| {
            if on {
                *count = if sign > 0 { *count + 1 } else { count.saturating_sub(1) };
            }
        };
        step(with_value, has & bit != 0);
        step(hot_count, hot & bit != 0);
    }
    if counts.iter().all(|(with_value, _)| *with_value == 0) {
        heat.remove(node_id);
    }
}
