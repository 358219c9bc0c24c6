//! Diagnostics show every counter the worker keeps: each counter gets a
//! distinct value and must appear among the figures. A counter added to
//! `shared::Counters` but not shown fails this test.

use app::components::diagnostics::{figures, PageCounts};
use app::state::ApplyStats;
use shared::bridge::LinkStatus;
use shared::{Counters, DecodeErrorKind, MessageKind};

/// Counters where every number differs from every other (and from the
/// other figures, which stay 0).
fn distinct_counters() -> (Counters, Vec<(String, u64)>) {
    let mut json = serde_json::to_value(Counters::default()).expect("counters serialize");
    let mut scalars = Vec::new();
    let mut next = 1_001u64;
    let fields = json.as_object_mut().expect("counters are an object");
    for (name, value) in fields.iter_mut() {
        match value {
            serde_json::Value::Number(_) => {
                *value = next.into();
                scalars.push((name.clone(), next));
                next += 7;
            }
            serde_json::Value::Array(items) => {
                for item in items.iter_mut() {
                    *item = next.into();
                    next += 7;
                }
            }
            _ => {}
        }
    }
    (serde_json::from_value(json).expect("counters deserialize"), scalars)
}

#[test]
fn every_counter_is_shown() {
    let (counters, scalars) = distinct_counters();
    assert!(scalars.len() >= 20, "only {} scalar counters found", scalars.len());
    let shown = figures(&LinkStatus::default(), &counters, &ApplyStats::default(), PageCounts::default());
    let raw: Vec<f64> = shown.iter().map(|figure| figure.raw).collect();
    for (name, value) in &scalars {
        assert!(raw.contains(&(*value as f64)), "counter `{name}` ({value}) is not shown");
    }
    for kind in DecodeErrorKind::ALL {
        assert!(raw.contains(&(counters.errors_of(kind) as f64)), "errors of kind {kind:?} are not shown");
    }
    let messages: u64 = MessageKind::ALL.into_iter().map(|kind| counters.messages_of(kind)).sum();
    assert!(raw.contains(&(messages as f64)), "the message total is not shown");
}

#[test]
fn labels_are_unique() {
    let (counters, _) = distinct_counters();
    let shown = figures(&LinkStatus::default(), &counters, &ApplyStats::default(), PageCounts::default());
    let mut labels: Vec<&str> = shown.iter().map(|figure| figure.label.as_str()).collect();
    labels.sort_unstable();
    let before = labels.len();
    labels.dedup();
    assert_eq!(labels.len(), before, "two figures share a label");
}
