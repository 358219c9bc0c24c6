//! Diffs sized to the page: until the page has reported a live diff, one
//! carries the minimum; after it reports slow applies, a live diff
//! carries no more graph changes than it can apply within the target,
//! nothing is lost (the rest follows in later diffs), and a snapshot still
//! fills the page at full pace, its diffs marked as such.

use shared::diff_budget::{MIN_GRAPH_CHANGES_PER_DIFF, TARGET_DATA_MILLIS};
use shared::limits::MAX_GRAPH_CHANGES_PER_DIFF;
use shared::{Diff, View};

use super::{clock_text, config, LinkCore, START_MILLIS};
use crate::link_core::Action;

/// Node upserts `from..to` with `status`, as wire objects.
fn node_objects(from: usize, to: usize, status: &str) -> Vec<String> {
    (from..to).map(|i| format!(r#"{{"id":"n{i}","kind":"svc","label":"n{i}","status":"{status}"}}"#)).collect()
}

/// One batch frame upserting nodes `from..to` with `status`.
fn upserts(from: usize, to: usize, status: &str) -> String {
    let messages: Vec<String> = node_objects(from, to, status)
        .into_iter()
        .map(|node| format!(r#"{{"data":{{"type":"node-upsert","node":{node}}}}}"#))
        .collect();
    format!("[{}]", messages.join(","))
}

/// A snapshot of nodes `0..n`.
fn snapshot(n: usize) -> String {
    format!(r#"{{"data":{{"type":"snapshot","nodes":[{}],"edges":[]}}}}"#, node_objects(0, n, "ok").join(","))
}

/// A link whose socket just opened, an empty page, and the clock.
fn opened() -> (LinkCore, View, f64) {
    let mut core = LinkCore::new(clock_text);
    let _ = core.configure(config("a"), START_MILLIS);
    let _ = core.opened(START_MILLIS);
    (core, View::default(), START_MILLIS)
}

/// The diffs one tick posts.
fn tick(core: &mut LinkCore, now_millis: &mut f64) -> Vec<Diff> {
    *now_millis += 250.0;
    core.tick(*now_millis, 0.5)
        .into_iter()
        .filter_map(|action| match action {
            Action::PostDiff(diff) => Some(*diff),
            _ => None,
        })
        .collect()
}

/// What the page takes per graph change in these tests: 1/128 ms (7.8 µs,
/// a power of two so the budgets below are exact).
const PAGE_MILLIS_PER_CHANGE: f64 = 1.0 / 128.0;
/// What fits in the 4 ms target at that cost: the budget a page of a
/// steady pace tends to (its cost's deviation fading).
const STEADY_BUDGET: usize = 512;
/// After the page's first report: the target at twice the cost (the first
/// report counts as deviating by half itself).
const FIRST_BUDGET: usize = 256;

/// Ticks until nothing is posted, the page taking 1/128 ms a graph change
/// (and reporting it for live diffs); returns (graph changes, snapshot_fill) of each diff.
fn drain(core: &mut LinkCore, page: &mut View, now_millis: &mut f64) -> Vec<(usize, bool)> {
    let mut seen = Vec::new();
    for _ in 0..200 {
        let diffs = tick(core, now_millis);
        if diffs.is_empty() {
            return seen;
        }
        for diff in diffs {
            seen.push((diff.graph_changes(), diff.snapshot_fill));
            // As the page does: a fill's cost is not reported.
            if !diff.snapshot_fill {
                core.applied(diff.graph_changes() as f64 * PAGE_MILLIS_PER_CHANGE, diff.graph_changes() as u32);
            }
            page.apply_diff(diff);
        }
    }
    panic!("never drained");
}

#[test]
fn a_slow_page_gets_diffs_it_can_apply_within_the_target_and_a_snapshot_fills_at_full_pace() {
    let (mut core, mut page, mut now) = opened();
    // The server's snapshot of 10,000 nodes fills the page at full pace
    // (4,000 + 4,000 + 2,000), marked as a fill.
    core.frame(snapshot(10_000), now);
    let full = MAX_GRAPH_CHANGES_PER_DIFF;
    assert_eq!(drain(&mut core, &mut page, &mut now), [(full, true), (full, true), (10_000 - 2 * full, true)]);
    // Nothing learnt from a fill: the first live diff is small.
    let min = MIN_GRAPH_CHANGES_PER_DIFF;
    assert_eq!(core.status(now).diff_graph_budget as usize, min);
    // Live changes to all of them: the first diff of the minimum, then
    // what was learnt from it, growing towards what fits in 4 ms as the
    // page keeps its pace (and the status says so); none a fill; every
    // node ends with its latest status.
    assert_eq!(TARGET_DATA_MILLIS, 4.0, "the budgets here are worked out for 4 ms");
    core.frame(upserts(0, 10_000, "degraded"), now);
    core.frame(upserts(0, 10_000, "error"), now);
    let live = drain(&mut core, &mut page, &mut now);
    assert_eq!(live.iter().map(|(changes, _)| changes).sum::<usize>(), 10_000, "each id once, latest value");
    assert_eq!(live.first(), Some(&(min, false)), "{live:?}");
    assert_eq!(live.get(1), Some(&(FIRST_BUDGET, false)), "{live:?}");
    assert!(live.iter().all(|&(changes, fill)| changes <= STEADY_BUDGET && !fill), "{live:?}");
    let budget = core.status(now).diff_graph_budget as usize;
    assert!(budget > FIRST_BUDGET && budget <= STEADY_BUDGET, "{budget}");
    // The budget only grows while the pace holds (the last diff is what
    // was left).
    let learnt = live.get(1..live.len() - 1).unwrap_or_default();
    assert!(learnt.windows(2).all(|pair| pair.first() <= pair.get(1)), "{live:?}");
    assert_eq!(page.nodes.len(), 10_000);
    assert!(page.nodes.values().all(|node| node.status.as_wire() == "error"));
    // A snapshot of 6,000 fills at full pace again, then the budget holds.
    core.frame(snapshot(6_000), now);
    assert_eq!(drain(&mut core, &mut page, &mut now), [(full, true), (6_000 - full, true)]);
    assert_eq!(page.nodes.len(), 6_000);
    core.frame(upserts(0, 2_000, "ok"), now);
    let live = drain(&mut core, &mut page, &mut now);
    assert!(live.iter().all(|&(changes, fill)| changes <= STEADY_BUDGET && !fill), "{live:?}");
}

#[test]
fn a_split_snapshot_fills_at_full_pace_until_it_is_complete() {
    let (mut core, mut page, mut now) = opened();
    // A slow page is known first.
    core.frame(snapshot(4_000), now);
    drain(&mut core, &mut page, &mut now);
    core.frame(upserts(0, 4_000, "error"), now);
    drain(&mut core, &mut page, &mut now);
    let budget = core.status(now).diff_graph_budget as usize;
    assert!(budget > MIN_GRAPH_CHANGES_PER_DIFF && budget <= STEADY_BUDGET, "{budget}");
    // A 9,000-node snapshot in parts, with ticks between them: full diffs
    // while it arrives and until all of it was handed out.
    assert!(!core.status(now).snapshot_arriving);
    core.frame(r#"{"data":{"type":"snapshot","nodes":[],"edges":[],"partial":true}}"#.to_owned(), now);
    core.frame(upserts(0, 5_000, "ok"), now);
    assert!(core.status(now).snapshot_arriving, "the status says the snapshot is on its way");
    let full = MAX_GRAPH_CHANGES_PER_DIFF;
    let first = tick(&mut core, &mut now);
    assert_eq!(first.iter().map(|d| (d.graph_changes(), d.snapshot_fill)).collect::<Vec<_>>(), [(full, true)]);
    page.apply_diff(first.into_iter().next().expect("a diff"));
    core.frame(upserts(5_000, 9_000, "ok"), now);
    core.frame(r#"{"data":{"type":"snapshot-end"}}"#.to_owned(), now);
    assert!(!core.status(now).snapshot_arriving);
    let rest = drain(&mut core, &mut page, &mut now);
    assert_eq!(rest, [(full, true), (9_000 - 2 * full, true)]);
    assert_eq!(page.nodes.len(), 9_000);
    core.frame(upserts(0, 3_000, "degraded"), now);
    assert!(drain(&mut core, &mut page, &mut now).iter().all(|&(changes, fill)| changes <= STEADY_BUDGET && !fill));
}
