//! How the edges table is sorted: by route (source, target, id, each in
//! natural order), or by one of its numbers with the worst first (errors
//! and latency highest first, throughput busiest first). A number sorts as
//! the table shows it: two edges that both show "0.7 %" tie and follow
//! their route, so a row moves when its shown number changes, not on every
//! change the reader cannot see. An edge without that number comes last.

use super::graph::EdgeFacts;
use super::order::RowKey;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EdgeSort {
    #[default]
    Route,
    Errors,
    Latency,
    Throughput,
}

/// Rank of an edge that has the sort's number, and of one without.
const KNOWN: u8 = 0;
const UNKNOWN: u8 = 1;

impl EdgeSort {
    /// Every sort with its name (the sort control's values, the URL's
    /// `edgeSort`).
    pub const NAMED: [(EdgeSort, &'static str); 4] = [
        (EdgeSort::Route, "route"),
        (EdgeSort::Errors, "errors"),
        (EdgeSort::Latency, "latency"),
        (EdgeSort::Throughput, "throughput"),
    ];

    /// The sort named `text`, if one is.
    pub fn parse(text: &str) -> Option<EdgeSort> {
        super::by_name(&EdgeSort::NAMED, text)
    }

    pub fn name(self) -> &'static str {
        super::name_of(&EdgeSort::NAMED, self)
    }

    /// The row key of edge `id`.
    pub fn key(self, id: &str, facts: &EdgeFacts) -> RowKey {
        let (rank, number, text, then) = self.parts(facts);
        RowKey::with_number(rank, number, text.to_owned(), then.to_owned(), id.to_owned())
    }

    /// Whether `key` is the key edge `id` has now (no allocation).
    pub fn key_is(self, key: &RowKey, id: &str, facts: &EdgeFacts) -> bool {
        key.id == id && key.parts() == self.parts(facts)
    }

    /// What places an edge: (rank, number, text, then). By route: its
    /// source and target; by a number: that number, then its source.
    fn parts(self, facts: &EdgeFacts) -> (u8, u64, &str, &str) {
        match self.worst_first(facts) {
            None if self == EdgeSort::Route => (KNOWN, 0, &facts.source, &facts.target),
            None => (UNKNOWN, 0, "", &facts.source),
            Some(place) => (KNOWN, place, "", &facts.source),
        }
    }

    /// Where the edge's number puts it, smallest first: the number's shown
    /// steps counted down from the top. None for the route sort, or an edge
    /// without the number.
    fn worst_first(self, facts: &EdgeFacts) -> Option<u64> {
        let steps = match self {
            EdgeSort::Route => return None,
            EdgeSort::Errors => error_steps(facts.error_rate?),
            EdgeSort::Latency => latency_steps(facts.latency_millis?),
            EdgeSort::Throughput => throughput_steps(facts.throughput?),
        }?;
        Some(u64::MAX - steps)
    }
}

/// How a number shows, as tiers: below each bound, the step it is rounded
/// to (the last tier has no bound).
type Tiers = [(f64, f64)];

/// Tenths under 10 ms, whole milliseconds under 10 s, tenths of a second
/// above (`format::latency_millis`).
const LATENCY_TIERS: &Tiers = &[(10.0, 0.1), (10_000.0, 1.0), (f64::INFINITY, 100.0)];
/// Tenths under 10, whole numbers under 1,000, then "1.5k", "15k", "1.5M"
/// (`format::compact`).
const THROUGHPUT_TIERS: &Tiers = &[(10.0, 0.1), (1e3, 1.0), (1e4, 100.0), (1e6, 1e3), (f64::INFINITY, 1e5)];
/// Tenths of a percent under 10 %, whole percents above (`format::percent`,
/// which shows 0 and under 0.1 % apart: see `error_steps`).
const PERCENT_TIERS: &Tiers = &[(10.0, 0.1), (f64::INFINITY, 1.0)];

/// `value` (not below 0) rounded to the step of its tier (half away from
/// zero), counted in tenths, so that every tier's steps are whole and a
/// value that shows higher counts higher; None for NaN.
fn tiered_steps(value: f64, tiers: &Tiers) -> Option<u64> {
    if value.is_nan() {
        return None;
    }
    let value = value.max(0.0);
    let step = tiers.iter().find(|(bound, _)| value < *bound).map_or(1.0, |(_, step)| *step);
    // A float to an integer saturates.
    Some(((value / step).round() * step * 10.0).round() as u64)
}

/// An error rate (0..=1) in the steps `format::percent` shows: 0, under
/// 0.1 %, then `PERCENT_TIERS`.
fn error_steps(rate: f64) -> Option<u64> {
    let percent = rate * 100.0;
    Some(match tiered_steps(percent, PERCENT_TIERS)? {
        0 if percent <= 0.0 => 0,
        _ if percent < 0.1 => 1,
        steps => 1 + steps,
    })
}

fn latency_steps(millis: f64) -> Option<u64> {
    tiered_steps(millis, LATENCY_TIERS)
}

fn throughput_steps(per_second: f64) -> Option<u64> {
    tiered_steps(per_second, THROUGHPUT_TIERS)
}

#[cfg(test)]
mod tests {
    use shared::IdKey;

    use super::*;
    use crate::format::{compact, latency_millis, percent};
    use crate::lens::Order;

    fn facts(source: &str, target: &str, numbers: [Option<f64>; 3]) -> EdgeFacts {
        let [error_rate, latency_millis, throughput] = numbers;
        EdgeFacts {
            source: IdKey::from(source),
            target: IdKey::from(target),
            kind: None,
            error_rate,
            latency_millis,
            throughput,
        }
    }

    /// (id, source, target, [error rate, latency ms, throughput /s])
    const EDGES: [(&str, &str, &str, [Option<f64>; 3]); 6] = [
        ("e1", "api", "db", [Some(0.0071), Some(4.21), Some(1540.0)]),
        ("e2", "api", "cache", [Some(0.2), Some(950.0), Some(12.0)]),
        ("e3", "web10", "api", [Some(0.0074), Some(4.24), Some(1510.0)]),
        ("e4", "web9", "api", [None, None, None]),
        ("e5", "web9", "db", [Some(0.0), Some(12_500.0), Some(2_100_000.0)]),
        ("e6", "batch", "db", [Some(0.0004), Some(0.04), Some(0.0)]),
    ];

    fn sorted(sort: EdgeSort) -> Vec<String> {
        let keys = EDGES.iter().map(|(id, source, target, numbers)| sort.key(id, &facts(source, target, *numbers)));
        Order::build(keys.collect()).ids().map(str::to_owned).collect()
    }

    #[test]
    fn each_sort_puts_the_worst_first_and_ties_what_shows_the_same() {
        // e1 and e3 show the same error rate (0.7 %), latency (4.2 ms) and
        // throughput (1.5k /s): they tie, and follow their source (api
        // before web10). e4 has no numbers: last, whatever the sort.
        assert_eq!(sorted(EdgeSort::Route), ["e2", "e1", "e6", "e4", "e5", "e3"]);
        assert_eq!(sorted(EdgeSort::Errors), ["e2", "e1", "e3", "e6", "e5", "e4"]);
        assert_eq!(sorted(EdgeSort::Latency), ["e5", "e2", "e1", "e3", "e6", "e4"]);
        assert_eq!(sorted(EdgeSort::Throughput), ["e5", "e1", "e3", "e2", "e6", "e4"]);
    }

    /// The steps follow what the table shows: values that show the same
    /// have the same step, and a value that shows higher has a higher one.
    #[test]
    fn steps_change_exactly_where_the_shown_number_does() {
        /// (name, steps, what the table shows, values to try)
        type Scale = (&'static str, fn(f64) -> Option<u64>, fn(f64) -> String, &'static [f64]);
        let scales: [Scale; 3] = [
            ("errors", error_steps, percent, &[0.0, 1e-6, 0.0009, 0.001, 0.0071, 0.0074, 0.0076, 0.099, 0.1, 0.5, 1.0]),
            (
                "latency",
                latency_steps,
                latency_millis,
                &[0.0, 0.04, 0.06, 4.21, 4.24, 9.9, 10.0, 10.4, 9_999.0, 12_500.0],
            ),
            ("throughput", throughput_steps, compact, &[0.0, 0.4, 9.0, 12.0, 999.0, 1_000.0, 1_540.0, 1_510.0, 2.1e6]),
        ];
        for (name, steps, shown, values) in scales {
            for a in values {
                for b in values {
                    let (step_a, step_b) = (steps(*a).unwrap(), steps(*b).unwrap());
                    if shown(*a) == shown(*b) {
                        assert_eq!(step_a, step_b, "{name}: {a} and {b} both show {}", shown(*a));
                    } else {
                        assert_eq!(step_a.cmp(&step_b), a.total_cmp(b), "{name}: {a} ({}) against {b}", shown(*a));
                    }
                }
            }
            assert_eq!(steps(f64::NAN), None, "{name}: NaN is no number");
        }
    }

    #[test]
    fn a_key_is_recognised_until_what_it_sorts_by_shows_otherwise() {
        let sorts = [EdgeSort::Route, EdgeSort::Errors, EdgeSort::Latency, EdgeSort::Throughput];
        let before = facts("api", "db", [Some(0.0071), Some(4.21), Some(1540.0)]);
        // (facts now, which sorts still hold the key made before)
        let cases = [
            (facts("api", "db", [Some(0.0074), Some(4.24), Some(1510.0)]), [true, true, true, true]),
            (facts("api", "db", [Some(0.02), Some(4.21), Some(1540.0)]), [true, false, true, true]),
            (facts("api", "db", [Some(0.0071), Some(40.0), Some(1540.0)]), [true, true, false, true]),
            (facts("api", "db", [Some(0.0071), Some(4.21), None]), [true, true, true, false]),
            (facts("api", "pg", [Some(0.0071), Some(4.21), Some(1540.0)]), [false, true, true, true]),
            (facts("web", "db", [Some(0.0071), Some(4.21), Some(1540.0)]), [false, false, false, false]),
        ];
        for (now, held) in cases {
            let found: Vec<bool> = sorts.iter().map(|sort| sort.key_is(&sort.key("e1", &before), "e1", &now)).collect();
            assert_eq!(found, held, "{now:?}");
            for sort in sorts {
                assert!(sort.key_is(&sort.key("e1", &now), "e1", &now), "{sort:?}: its own key");
                assert!(!sort.key_is(&sort.key("e1", &now), "e2", &now), "{sort:?}: another id");
            }
        }
    }
}
