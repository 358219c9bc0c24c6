//! A snapshot's fill arrives in diffs of up to `MAX_GRAPH_CHANGES_PER_DIFF`
//! graph changes, several times what the page applies within a frame (at
//! 10k nodes such a diff held the main thread 30–90 ms). The page applies
//! each fill diff in steps of at most `MAX_FILL_CHANGES_PER_STEP`, a task
//! each, so input and frames come between them. Live diffs are not split:
//! the worker already sizes them to the page's pace (`DiffBudget`).
//!
//! [`MAX_GRAPH_CHANGES_PER_DIFF`]: shared::limits::MAX_GRAPH_CHANGES_PER_DIFF

use shared::Diff;

/// Graph changes one step of a snapshot's fill applies at most.
pub const MAX_FILL_CHANGES_PER_STEP: usize = 1000;

/// Splits `diff` into parts of at most `per_part` graph changes (at least
/// one) that, applied in order, leave a view as the whole diff does. The
/// first part carries the resets and everything outside the graph; the
/// graph changes keep the whole's order (node removals, node upserts, edge
/// removals, edge upserts); every part carries the diff's flags and
/// totals, and counts the changes the parts after it hold as pending.
pub fn split_graph(mut diff: Diff, per_part: usize) -> Vec<Diff> {
    let per_part = per_part.max(1);
    let total = diff.graph_changes();
    if total <= per_part {
        return vec![diff];
    }
    let bare = Diff {
        moved: diff.moved,
        graph_size: diff.graph_size,
        graph_lag_diffs: diff.graph_lag_diffs,
        snapshot_fill: diff.snapshot_fill,
        counters: diff.counters.clone(),
        ..Diff::default()
    };
    let mut node_removals = std::mem::take(&mut diff.node_removals).into_iter();
    let mut node_upserts = std::mem::take(&mut diff.node_upserts).into_iter();
    let mut edge_removals = std::mem::take(&mut diff.edge_removals).into_iter();
    let mut edge_upserts = std::mem::take(&mut diff.edge_upserts).into_iter();
    let pending_after = diff.pending_graph_changes;
    let mut parts = Vec::with_capacity(total.div_ceil(per_part));
    let mut first = Some(diff);
    let mut left = total;
    while left > 0 {
        let mut part = first.take().unwrap_or_else(|| bare.clone());
        let mut room = per_part.min(left);
        left -= room;
        part.node_removals = take(&mut node_removals, &mut room);
        part.node_upserts = take(&mut node_upserts, &mut room);
        part.edge_removals = take(&mut edge_removals, &mut room);
        part.edge_upserts = take(&mut edge_upserts, &mut room);
        debug_assert_eq!(room, 0);
        part.pending_graph_changes = pending_after + left as u64;
        parts.push(part);
    }
    parts
}

/// Up to `room` items from the front of `items`, less what they took.
fn take<T>(items: &mut std::vec::IntoIter<T>, room: &mut usize) -> Vec<T> {
    let taken: Vec<T> = items.by_ref().take(*room).collect();
    *room -= taken.len();
    taken
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ring::RingDelta;
    use shared::{Event, GraphSize, MeshEdge, MeshNode, Severity, Status, View};

    fn node(id: &str) -> MeshNode {
        MeshNode { id: id.into(), kind: "svc".into(), label: id.into(), status: Status::Ok, meta: vec![] }
    }

    fn edge(id: &str, source: &str, target: &str) -> MeshEdge {
        MeshEdge { id: id.into(), source: source.into(), target: target.into(), kind: None, stats: None }
    }

    fn ids(prefix: &str, count: usize) -> Vec<String> {
        (0..count).map(|i| format!("{prefix}{i}")).collect()
    }

    /// A view holding nodes old0..old{count} and edges between them.
    fn held(count: usize) -> View {
        let mut view = View::default();
        view.apply_diff(Diff {
            node_upserts: ids("old", count).iter().map(|id| node(id)).collect(),
            edge_upserts: ids("olde", count).iter().map(|id| edge(id, "old0", "old1")).collect(),
            ..Diff::default()
        });
        view
    }

    /// A fill diff: `removed` of the held nodes and edges go, `added` new
    /// nodes and edges come, and an event rides along.
    fn fill(reset: bool, removed: usize, added: usize) -> Diff {
        Diff {
            graph_reset: reset,
            node_removals: ids("old", removed),
            node_upserts: ids("n", added).iter().map(|id| node(id)).collect(),
            edge_removals: ids("olde", removed),
            edge_upserts: ids("e", added).iter().map(|id| edge(id, "n0", id)).collect(),
            events: RingDelta {
                items: vec![Event {
                    ts_millis: 1,
                    severity: Severity::Info,
                    message: "filled".into(),
                    node_id: None,
                    local: false,
                }],
                ..RingDelta::default()
            },
            snapshot_fill: true,
            graph_size: GraphSize { nodes: 9, edges: 9 },
            pending_graph_changes: 7,
            graph_lag_diffs: 2,
            ..Diff::default()
        }
    }

    /// (case, diff, changes per part) -> the parts' graph changes, and
    /// what each says is still pending.
    type Case = (&'static str, Diff, usize, &'static [usize], &'static [u64]);

    #[test]
    fn a_diff_is_cut_into_parts_in_order_that_apply_as_the_whole() {
        let cases: [Case; 6] = [
            ("within one part", fill(false, 2, 3), 12, &[10], &[7]),
            ("exactly one part", fill(false, 2, 3), 10, &[10], &[7]),
            ("even parts", fill(false, 3, 3), 4, &[4, 4, 4], &[15, 11, 7]),
            ("a short last part", fill(false, 2, 3), 4, &[4, 4, 2], &[13, 9, 7]),
            ("a reset, one change each", fill(true, 1, 1), 1, &[1, 1, 1, 1], &[10, 9, 8, 7]),
            ("a part of none asks for one", fill(false, 0, 2), 0, &[1, 1, 1, 1], &[10, 9, 8, 7]),
        ];
        for (case, diff, per_part, sizes, pending) in cases {
            let mut whole = held(4);
            whole.apply_diff(diff.clone());
            let parts = split_graph(diff.clone(), per_part);
            let got: Vec<usize> = parts.iter().map(Diff::graph_changes).collect();
            assert_eq!(got, sizes, "{case}: sizes");
            let got: Vec<u64> = parts.iter().map(|p| p.pending_graph_changes).collect();
            assert_eq!(got, pending, "{case}: pending");
            let mut stepped = held(4);
            for (i, part) in parts.iter().enumerate() {
                let first = i == 0;
                assert_eq!(part.graph_reset, first && diff.graph_reset, "{case}: the reset goes first");
                assert_eq!(part.events.items.len(), usize::from(first), "{case}: the event goes once, first");
                assert!(part.snapshot_fill, "{case}: every part is the fill's");
                assert_eq!((part.graph_size, part.graph_lag_diffs), (diff.graph_size, 2), "{case}: totals");
                stepped.apply_diff(part.clone());
            }
            assert_eq!(stepped, whole, "{case}: the parts in order apply as the whole");
        }
    }

    #[test]
    fn graph_changes_keep_their_order_across_parts() {
        let parts = split_graph(fill(false, 2, 2), 3);
        let part_ids: Vec<Vec<String>> = parts
            .iter()
            .map(|p| {
                let nodes = p.node_removals.iter().cloned().chain(p.node_upserts.iter().map(|n| n.id.clone()));
                let edges = p.edge_removals.iter().cloned().chain(p.edge_upserts.iter().map(|e| e.id.clone()));
                nodes.chain(edges).collect()
            })
            .collect();
        assert_eq!(part_ids, [vec!["old0", "old1", "n0"], vec!["n1", "olde0", "olde1"], vec!["e0", "e1"]]);
    }
}
