//! Diffs sized to the page: after the page reports slow applies, a live
//! diff carries no more graph changes than it can apply within the target,
//! nothing is lost (the rest follows in later diffs), and a snapshot still
//! fills in at the full pace.

use shared::diff_budget::{CATCH_UP_DIFFS, MIN_GRAPH_CHANGES_PER_DIFF, TARGET_APPLY_MILLIS};
use shared::limits::MAX_GRAPH_CHANGES_PER_DIFF;
use shared::{Diff, View};

use super::{clock_text, config, LinkCore, START_MILLIS};
use crate::link_core::Action;

/// One frame upserting nodes `from..to` with `status`.
fn nodes(from: usize, to: usize, status: &str) -> String {
    let items: Vec<String> = (from..to)
        .map(|i| {
            format!(
                r#"{{"type":"node-upsert","node":{{"id":"n{i}","kind":"svc","label":"n{i}","status":"{status}"}}}}"#
            )
        })
        .collect();
    let messages: Vec<String> = items.iter().map(|data| format!(r#"{{"data":{data}}}"#)).collect();
    format!("[{}]", messages.join(","))
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

#[test]
fn a_slow_page_gets_diffs_it_can_apply_within_the_target() {
    let mut core = LinkCore::new(clock_text);
    let mut now = START_MILLIS;
    let _ = core.configure(config("a"), now);
    let _ = core.opened(now);
    let mut page = View::default();
    // 20,000 nodes at once, then changes to 4,000 of them before each
    // tick: while catching up, every diff is full.
    core.frame(nodes(0, 20_000, "ok"), now);
    for round in 0..CATCH_UP_DIFFS {
        core.frame(nodes(0, 4_000, if round % 2 == 0 { "degraded" } else { "ok" }), now);
        let diffs = tick(&mut core, &mut now);
        let [diff] = diffs.as_slice() else { panic!("round {round}: {} diffs", diffs.len()) };
        assert_eq!(diff.graph_changes(), MAX_GRAPH_CHANGES_PER_DIFF, "round {round}");
        // The page took 8 µs a change.
        core.applied(diff.graph_changes() as f64 * 0.008, diff.graph_changes() as u32);
        page.apply_diff(diff.clone());
    }
    // Caught up: 6 ms / 8 µs = 750 a diff, and the status says so.
    let expected = (TARGET_APPLY_MILLIS / 0.008) as usize;
    assert!(expected > MIN_GRAPH_CHANGES_PER_DIFF && expected < MAX_GRAPH_CHANGES_PER_DIFF);
    assert_eq!(core.status(now).diff_graph_budget as usize, expected);
    core.frame(nodes(0, 20_000, "error"), now);
    let mut rounds = 0;
    while page.nodes.len() < 20_000 || page.nodes.values().any(|node| node.status.as_wire() != "error") {
        rounds += 1;
        assert!(rounds < 100, "the page never caught up");
        for diff in tick(&mut core, &mut now) {
            assert!(diff.graph_changes() <= expected, "{} changes", diff.graph_changes());
            core.applied(diff.graph_changes() as f64 * 0.008, diff.graph_changes() as u32);
            page.apply_diff(diff);
        }
    }
    // Nothing was lost: every node arrived, each with its latest status.
    assert_eq!(page.nodes.len(), 20_000);
    assert!(rounds >= 20_000 / expected, "{rounds} rounds");
}
