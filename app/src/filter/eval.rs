//! Whether a node or an edge matches a query. A node is tested on its own
//! fields and on the worst numbers of the edges that touch it; an edge on
//! its own fields and numbers, and on either endpoint's fields (so
//! `status:error` shows the edges of failing nodes).

use std::borrow::Cow;
use std::collections::HashMap;

use shared::protocol::{MeshEdge, MeshNode};

use super::{Comparison, Field, Metric, Query, Term, Test};

/// The worst (highest) numbers among the edges that touch a node.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NodeMetrics {
    pub errors: Option<f64>,
    pub latency_millis: Option<f64>,
    pub throughput: Option<f64>,
}

/// An edge's own fields and numbers, as a query tests them (from a
/// `MeshEdge`, or from what the lens keeps of one).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EdgeSubject<'a> {
    pub id: &'a str,
    pub kind: Option<&'a str>,
    pub error_rate: Option<f64>,
    pub latency_millis: Option<f64>,
    pub throughput: Option<f64>,
}

impl<'a> From<&'a MeshEdge> for EdgeSubject<'a> {
    fn from(edge: &'a MeshEdge) -> Self {
        let stats = edge.stats.as_ref();
        EdgeSubject {
            id: &edge.id,
            kind: edge.kind.as_deref(),
            error_rate: stats.and_then(|s| s.error_rate),
            latency_millis: stats.and_then(|s| s.latency_millis),
            throughput: stats.and_then(|s| s.throughput),
        }
    }
}

/// What a query is tested against.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Node(&'a MeshNode, Option<&'a NodeMetrics>),
    Edge { edge: &'a MeshEdge, source: Option<&'a MeshNode>, target: Option<&'a MeshNode> },
}

impl NodeMetrics {
    /// Every node's metrics from the edges: O(edges).
    pub fn of_all<'a>(edges: impl Iterator<Item = &'a MeshEdge>) -> HashMap<String, NodeMetrics> {
        let mut metrics: HashMap<String, NodeMetrics> = HashMap::new();
        for edge in edges {
            let Some(stats) = &edge.stats else { continue };
            for endpoint in [&edge.source, &edge.target] {
                let entry = metrics.entry(endpoint.clone()).or_default();
                entry.errors = worst(entry.errors, stats.error_rate);
                entry.latency_millis = worst(entry.latency_millis, stats.latency_millis);
                entry.throughput = worst(entry.throughput, stats.throughput);
            }
        }
        metrics
    }

    fn get(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::Errors => self.errors,
            Metric::Latency => self.latency_millis,
            Metric::Throughput => self.throughput,
        }
    }
}

fn worst(held: Option<f64>, new: Option<f64>) -> Option<f64> {
    match (held, new) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

impl Query {
    /// True when every term holds for `subject` (the empty query matches all).
    pub fn matches(&self, subject: Subject) -> bool {
        self.terms.iter().all(|term| term.holds(subject))
    }

    /// Which terms a node's own text fields satisfy: bit `i` for term `i`,
    /// before negation. Views keep this per node, so an edge can be tested
    /// against its endpoints without looking them up, and a node's change
    /// re-tests its edges only when its bits change.
    pub fn field_mask(&self, node: &MeshNode) -> u32 {
        self.terms
            .iter()
            .enumerate()
            .filter(|(_, term)| node_fields_hold(&term.test, node))
            .fold(0, |mask, (index, _)| mask | (1 << index))
    }

    /// How an edge's numbers bear on the query's comparisons, for each of
    /// its endpoints: bit `i` of the first mask when the edge has a value
    /// for term `i`'s metric, of the second when that value is "hot": it
    /// makes `metric > n` hold at a node (a node's number is its edges'
    /// worst), or keeps `metric < n` from holding. A node's comparison then
    /// follows from two counts (`compare_bits`), with no pass over its edges.
    pub fn heat(&self, error_rate: Option<f64>, latency_millis: Option<f64>, throughput: Option<f64>) -> (u32, u32) {
        let (mut has, mut hot) = (0, 0);
        for (index, term) in self.terms.iter().enumerate() {
            let Test::Compare(metric, comparison, amount) = &term.test else { continue };
            let value = match metric {
                Metric::Errors => error_rate,
                Metric::Latency => latency_millis,
                Metric::Throughput => throughput,
            };
            let Some(value) = value else { continue };
            has |= 1 << index;
            let holds = compares(value, *comparison, *amount);
            let greater = matches!(comparison, Comparison::Greater | Comparison::GreaterOrEqual);
            if holds == greater {
                hot |= 1 << index;
            }
        }
        (has, hot)
    }

    /// The comparisons that hold at a node, as bits, from its counts of
    /// edges with a value and hot edges per term (see `heat`).
    pub fn compare_bits(&self, counts: &[(u32, u32)]) -> u32 {
        let mut bits = 0;
        for ((index, term), (with_value, hot)) in self.terms.iter().enumerate().zip(counts) {
            let Test::Compare(_, comparison, _) = &term.test else { continue };
            let holds = match comparison {
                Comparison::Greater | Comparison::GreaterOrEqual => *hot > 0,
                Comparison::Less | Comparison::LessOrEqual => *with_value > 0 && *hot == 0,
            };
            if holds {
                bits |= 1 << index;
            }
        }
        bits
    }

    /// Whether a node matches with these term bits: its `field_mask` or'ed
    /// with its `compare_bits`.
    pub fn matches_node_bits(&self, bits: u32) -> bool {
        self.terms.iter().enumerate().all(|(index, term)| (bits & (1 << index) != 0) != term.negated)
    }

    /// `matches(Subject::Node(..))` from the node's `field_mask` (metrics
    /// are needed only when `needs_metrics`).
    pub fn matches_node_mask(&self, mask: u32, metrics: Option<&NodeMetrics>) -> bool {
        self.terms.iter().enumerate().all(|(index, term)| {
            let found = match &term.test {
                Test::Compare(metric, comparison, amount) => {
                    metrics.and_then(|m| m.get(*metric)).is_some_and(|value| compares(value, *comparison, *amount))
                }
                _ => mask & (1 << index) != 0,
            };
            found != term.negated
        })
    }

    /// `matches(Subject::Edge(..))` from the endpoints' `field_mask`s
    /// (`None` for an endpoint not in the view).
    pub fn matches_edge_masks(&self, edge: EdgeSubject, ends: [Option<u32>; 2]) -> bool {
        let either = ends.into_iter().flatten().fold(0, |mask, end| mask | end);
        self.terms.iter().enumerate().all(|(index, term)| {
            let found = edge_holds(&term.test, &edge) || either & (1 << index) != 0;
            found != term.negated
        })
    }
}

impl Term {
    fn holds(&self, subject: Subject) -> bool {
        let found = match subject {
            Subject::Node(node, metrics) => node_holds(&self.test, node, metrics),
            Subject::Edge { edge, source, target } => {
                edge_holds(&self.test, &EdgeSubject::from(edge))
                    || [source, target].into_iter().flatten().any(|node| node_fields_hold(&self.test, node))
            }
        };
        found != self.negated
    }
}

fn node_holds(test: &Test, node: &MeshNode, metrics: Option<&NodeMetrics>) -> bool {
    match test {
        Test::Compare(metric, comparison, amount) => {
            metrics.and_then(|m| m.get(*metric)).is_some_and(|value| compares(value, *comparison, *amount))
        }
        _ => node_fields_hold(test, node),
    }
}

/// A node's text fields (numbers are not a node's own).
fn node_fields_hold(test: &Test, node: &MeshNode) -> bool {
    let field_text = |field: &Field| -> Option<Cow<'_, str>> {
        match field {
            Field::Id => Some(Cow::Borrowed(node.id.as_str())),
            Field::Label => Some(Cow::Borrowed(node.label.as_str())),
            Field::Kind => Some(Cow::Borrowed(node.kind.as_str())),
            Field::Status => Some(Cow::Borrowed(node.status.as_wire())),
            Field::Meta(key) => {
                node.meta.iter().find(|entry| entry.key == *key).map(|entry| Cow::Owned(entry.display_value()))
            }
        }
    };
    match test {
        Test::Text(word) => contains(&node.id, word) || contains(&node.label, word),
        Test::OneOf(field, values) => field_text(field).is_some_and(|text| one_of(&text, values)),
        Test::Contains(field, word) => field_text(field).is_some_and(|text| contains(&text, word)),
        Test::Compare(..) => false,
    }
}

/// An edge's own fields and numbers.
fn edge_holds(test: &Test, edge: &EdgeSubject) -> bool {
    let field_text = |field: &Field| match field {
        Field::Id => Some(edge.id),
        Field::Kind => edge.kind,
        Field::Label | Field::Status | Field::Meta(_) => None,
    };
    match test {
        Test::Text(word) => contains(edge.id, word),
        Test::OneOf(field, values) => field_text(field).is_some_and(|text| one_of(text, values)),
        Test::Contains(field, word) => field_text(field).is_some_and(|text| contains(text, word)),
        Test::Compare(metric, comparison, amount) => {
            let value = match metric {
                Metric::Errors => edge.error_rate,
                Metric::Latency => edge.latency_millis,
                Metric::Throughput => edge.throughput,
            };
            value.is_some_and(|value| compares(value, *comparison, *amount))
        }
    }
}

fn compares(value: f64, comparison: Comparison, amount: f64) -> bool {
    match comparison {
        Comparison::Greater => value > amount,
        Comparison::GreaterOrEqual => value >= amount,
        Comparison::Less => value < amount,
        Comparison::LessOrEqual => value <= amount,
    }
}

/// Case-insensitive equality with any of `values` (already lower case).
fn one_of(text: &str, values: &[String]) -> bool {
    if text.is_ascii() {
        return values.iter().any(|value| text.eq_ignore_ascii_case(value));
    }
    let lower = text.to_lowercase();
    values.contains(&lower)
}

/// Case-insensitive substring (`word` is already lower case); the search
/// box uses it too.
pub fn contains(text: &str, word: &str) -> bool {
    if text.is_ascii() && word.is_ascii() {
        // (`windows(0)` would panic: the empty word is tested first.)
        word.is_empty()
            || text.as_bytes().windows(word.len()).any(|window| window.eq_ignore_ascii_case(word.as_bytes()))
    } else {
        text.to_lowercase().contains(word)
    }
}
