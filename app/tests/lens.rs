//! The lens kept from diffs equals the lens computed from scratch, under
//! random diffs (seeded, so a failure replays): the shown rows and their
//! order, the focus, the groups and their aggregated links. Then the
//! groups' numbers on a small hand-checked mesh.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use app::filter::parse;
use app::lens::{EdgeSort, Focus, GroupBy, Lens, NodeSort};
use app::state::apply_with_lens;
use shared::sim::SplitMix64;
use shared::{Diff, EdgeStats, MeshEdge, MeshNode, MetaEntry, Status, View as MeshView};

const KINDS: [&str; 3] = ["api", "db", "cache"];
const STATUSES: [&str; 5] = ["ok", "error", "degraded", "running", "mystery"];

fn pick<'a>(rng: &mut SplitMix64, items: &[&'a str]) -> &'a str {
    items.get(rng.below(items.len() as u64) as usize).copied().unwrap_or_default()
}

fn random_node(rng: &mut SplitMix64) -> MeshNode {
    let id = format!("n{}", rng.below(14));
    let mut meta = Vec::new();
    if rng.below(3) > 0 {
        let region = if rng.below(2) == 0 { "r1" } else { "r2" };
        meta.push(MetaEntry { key: "region".into(), json: format!("\"{region}\"") });
    }
    let status = Status::from_wire(pick(rng, &STATUSES));
    MeshNode { id: id.clone(), kind: pick(rng, &KINDS).into(), label: format!("label {id}"), status, meta }
}

fn random_edge(rng: &mut SplitMix64) -> MeshEdge {
    // Ends among n0..n15: some never exist as nodes.
    let (source, target) = (format!("n{}", rng.below(16)), format!("n{}", rng.below(16)));
    let stats = (rng.below(5) > 0).then(|| EdgeStats {
        throughput: (rng.below(4) > 0).then(|| (rng.unit() * 2000.0 * 1000.0).round() / 1000.0),
        error_rate: (rng.below(4) > 0).then(|| if rng.below(3) == 0 { rng.unit() * 0.3 } else { rng.unit() * 0.04 }),
        latency_millis: Some(rng.unit() * 300.0),
        ..EdgeStats::default()
    });
    MeshEdge { id: format!("e{}", rng.below(24)), source, target, kind: Some("http".into()), stats }
}

/// A diff as the worker sends it: each id at most once.
fn random_diff(rng: &mut SplitMix64, view: &MeshView) -> Diff {
    if rng.below(40) == 0 {
        let nodes: BTreeMap<String, MeshNode> = (0..10).map(|_| random_node(rng)).map(|n| (n.id.clone(), n)).collect();
        let edges: BTreeMap<String, MeshEdge> = (0..16).map(|_| random_edge(rng)).map(|e| (e.id.clone(), e)).collect();
        let (node_upserts, edge_upserts) = (nodes.into_values().collect(), edges.into_values().collect());
        return Diff { graph_reset: true, node_upserts, edge_upserts, ..Diff::default() };
    }
    let mut nodes: BTreeMap<String, Option<MeshNode>> = BTreeMap::new();
    let mut edges: BTreeMap<String, Option<MeshEdge>> = BTreeMap::new();
    for _ in 0..1 + rng.below(6) {
        match rng.below(6) {
            0 | 1 => {
                let node = random_node(rng);
                nodes.insert(node.id.clone(), Some(node));
            }
            2 => {
                let edge = random_edge(rng);
                edges.insert(edge.id.clone(), Some(edge));
            }
            3 => {
                // Stats of a known edge change (the common case).
                let known: Vec<&MeshEdge> = view.edges.values().collect();
                if let Some(edge) = known.get(rng.below(known.len() as u64 + 1) as usize) {
                    let mut changed = random_edge(rng);
                    (changed.id, changed.source, changed.target) =
                        (edge.id.clone(), edge.source.clone(), edge.target.clone());
                    edges.insert(changed.id.clone(), Some(changed));
                }
            }
            4 => drop(nodes.insert(format!("n{}", rng.below(14)), None)),
            _ => drop(edges.insert(format!("e{}", rng.below(24)), None)),
        }
    }
    let node_upserts: Vec<MeshNode> = nodes.values().flatten().cloned().collect();
    let node_removals = nodes.iter().filter(|(_, n)| n.is_none()).map(|(id, _)| id.clone()).collect();
    let edge_upserts: Vec<MeshEdge> = edges.values().flatten().cloned().collect();
    let edge_removals = edges.iter().filter(|(_, e)| e.is_none()).map(|(id, _)| id.clone()).collect();
    Diff { node_upserts, node_removals, edge_upserts, edge_removals, ..Diff::default() }
}

/// The lens's choices, made on a lens.
#[derive(Clone)]
struct Choices {
    query: &'static str,
    focus: Option<(&'static str, u8)>,
    sort: NodeSort,
    edge_sort: EdgeSort,
    by: GroupBy,
}

fn apply_choices(lens: &mut Lens, choices: &Choices, view: &MeshView) {
    lens.set_query(parse(choices.query).expect("a valid query"), view);
    lens.set_focus(choices.focus.map(|(id, hops)| Focus::new(id, hops)), view);
    lens.set_sort(choices.sort, view);
    lens.set_edge_sort(choices.edge_sort, view);
    lens.set_group_by(choices.by.clone(), view);
}

fn from_scratch(choices: &Choices, view: &MeshView) -> Lens {
    let mut lens = Lens::default();
    apply_choices(&mut lens, choices, view);
    lens.rebuild(view);
    lens
}

fn check_random_diffs(seed: u64, choices: &Choices, then: &Choices) {
    let mut rng = SplitMix64(seed);
    let (mut view, mut lens) = (MeshView::default(), Lens::default());
    let (mut compared, mut waited) = (0, 0);
    apply_choices(&mut lens, choices, &view);
    for step in 0..400 {
        if step == 200 {
            apply_choices(&mut lens, then, &view);
        }
        let diff = random_diff(&mut rng, &view);
        apply_with_lens(&mut view, &mut lens, diff, None);
        // The waiting re-checks, a few at a time, as the page's frames do;
        // whenever none wait the lens must equal a rebuild.
        lens.settle(SETTLE_STEP);
        if step % 50 == 49 {
            lens.settle(usize::MAX);
        }
        if lens.unsettled() == 0 {
            let reference = from_scratch(if step < 200 { choices } else { then }, &view);
            assert_eq!(lens, reference, "seed {seed}, step {step}");
            compared += 1;
        } else {
            waited += 1;
        }
    }
    assert!(!view.nodes.is_empty() && !view.edges.is_empty(), "the run exercised a graph");
    assert!(compared >= 8 && waited > 0, "compared {compared} times, re-checks waited {waited} times");
}

/// Edge re-checks per step in `check_random_diffs`: small, so that
/// re-checks are left waiting across diffs.
const SETTLE_STEP: usize = 3;

#[test]
fn the_lens_kept_from_diffs_equals_the_lens_from_scratch() {
    let plain = Choices { query: "", focus: None, sort: NodeSort::Id, edge_sort: EdgeSort::Route, by: GroupBy::Kind };
    let unhealthy = Choices {
        query: "status:error,degraded",
        focus: None,
        sort: NodeSort::Status,
        edge_sort: EdgeSort::Errors,
        by: GroupBy::Meta("region".into()),
    };
    let numbers = Choices {
        query: "errors>5% -kind:db",
        focus: Some(("n1", 2)),
        sort: NodeSort::Label,
        edge_sort: EdgeSort::Latency,
        by: GroupBy::Kind,
    };
    let focused = Choices {
        query: "region:r1,r2 latency>100ms",
        focus: Some(("n3", 1)),
        sort: NodeSort::Kind,
        edge_sort: EdgeSort::Throughput,
        by: GroupBy::Meta("region".into()),
    };
    let wide = Choices {
        query: "-label~7",
        focus: Some(("n0", 3)),
        sort: NodeSort::Id,
        edge_sort: EdgeSort::Route,
        by: GroupBy::Kind,
    };
    // Nothing narrows, but the edges sort by a number their stats change.
    let busiest =
        Choices { query: "", focus: None, sort: NodeSort::Id, edge_sort: EdgeSort::Throughput, by: GroupBy::Kind };
    let worst = Choices { edge_sort: EdgeSort::Errors, ..Choices { by: GroupBy::Kind, ..busiest } };
    // Only the sorts change, under a filter, with re-checks waiting.
    let numbers_resorted = Choices { sort: NodeSort::Status, edge_sort: EdgeSort::Throughput, ..numbers.clone() };
    for seed in 0..4 {
        check_random_diffs(seed + 50, &numbers, &numbers_resorted);
        check_random_diffs(seed, &plain, &unhealthy);
        check_random_diffs(seed + 10, &numbers, &focused);
        check_random_diffs(seed + 20, &wide, &plain);
        check_random_diffs(seed + 30, &focused, &numbers);
        check_random_diffs(seed + 40, &busiest, &worst);
    }
}

/// A mesh of `nodes` (id, kind, status, region) and `edges` (source,
/// target, throughput, error rate).
fn mesh(nodes: &[(&str, &str, &str, &str)], edges: &[(&str, &str, f64, Option<f64>)]) -> MeshView {
    let mut view = MeshView::default();
    for (id, kind, status, region) in nodes {
        let meta = vec![MetaEntry { key: "region".into(), json: format!("{region:?}") }];
        let node = MeshNode {
            id: (*id).into(),
            kind: (*kind).into(),
            label: (*id).into(),
            status: Status::from_wire(status),
            meta,
        };
        view.nodes.insert((*id).into(), node);
    }
    for (index, (source, target, throughput, error_rate)) in edges.iter().enumerate() {
        let stats = EdgeStats { throughput: Some(*throughput), error_rate: *error_rate, ..EdgeStats::default() };
        let id = format!("e{index}");
        let edge = MeshEdge {
            id: id.clone(),
            source: (*source).into(),
            target: (*target).into(),
            kind: None,
            stats: Some(stats),
        };
        view.edges.insert(id, edge);
    }
    view
}

/// Groups as (name, members, shown, [ok, running, degraded, error], unhealthy).
type GroupRow = (String, usize, usize, [usize; 4], Vec<String>);
/// Links as ((a, b), edges, shown, bad, throughput, worst error rate).
type LinkRow = ((String, String), usize, usize, usize, f64, Option<f64>);

fn check_groups(view: &MeshView, query: &str, by: GroupBy, groups: &[GroupRow], links: &[LinkRow]) {
    let lens = from_scratch(
        &Choices { query: leak(query), focus: None, sort: NodeSort::Id, edge_sort: EdgeSort::Route, by },
        view,
    );
    let found: Vec<GroupRow> = lens
        .groups()
        .groups()
        .map(|(name, stats)| {
            let status = [0, 1, 2, 3].map(|slot| stats.by_status.get(slot).copied().unwrap_or(0));
            let unhealthy = stats.unhealthy.iter().map(|id| id.0.clone()).collect();
            (name.to_owned(), stats.n_nodes, stats.n_shown(), status, unhealthy)
        })
        .collect();
    assert_eq!(found, groups, "groups for {query:?}");
    let found: Vec<LinkRow> = lens
        .groups()
        .links()
        .map(|((a, b), link)| {
            let pair = (a.to_owned(), b.to_owned());
            (pair, link.n_edges, link.n_shown, link.n_bad, link.throughput(), link.worst_error_rate())
        })
        .collect();
    assert_eq!(found, links, "links for {query:?}");
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

fn row(name: &str, members: usize, shown: usize, status: [usize; 4], unhealthy: &[&str]) -> GroupRow {
    (name.into(), members, shown, status, unhealthy.iter().map(|id| (*id).to_owned()).collect())
}

fn link(a: &str, b: &str, edges: usize, shown: usize, bad: usize, throughput: f64, worst: Option<f64>) -> LinkRow {
    ((a.into(), b.into()), edges, shown, bad, throughput, worst)
}

#[test]
fn groups_count_their_members_and_links_sum_throughput_and_keep_the_worst_error_rate() {
    let view = mesh(
        &[
            ("api-1", "api", "ok", "eu"),
            ("api-2", "api", "error", "us"),
            ("api-10", "api", "degraded", "eu"),
            ("pg-1", "db", "running", "us"),
            ("redis-1", "cache", "ok", "eu"),
        ],
        &[
            ("api-1", "pg-1", 100.5, Some(0.01)),
            ("pg-1", "api-2", 200.0, Some(0.20)),
            ("api-10", "pg-1", 50.25, None),
            ("api-1", "api-2", 10.0, Some(0.05)),
            ("api-1", "redis-1", 7.0, Some(0.0)),
            ("api-1", "gone", 1.0, Some(0.9)),
        ],
    );
    check_groups(
        &view,
        "",
        GroupBy::Kind,
        &[
            row("api", 3, 3, [1, 0, 1, 1], &["api-2", "api-10"]),
            row("cache", 1, 1, [1, 0, 0, 0], &[]),
            row("db", 1, 1, [0, 1, 0, 0], &[]),
        ],
        &[
            // One edge inside api, bad at exactly 5 %.
            link("api", "api", 1, 1, 1, 10.0, Some(0.05)),
            link("api", "cache", 1, 1, 0, 7.0, Some(0.0)),
            // Both directions together; an edge without an error rate adds its throughput only.
            link("api", "db", 3, 3, 1, 350.75, Some(0.20)),
        ],
    );
    check_groups(
        &view,
        "status:error,degraded",
        GroupBy::Meta("region".into()),
        &[row("eu", 3, 1, [2, 0, 1, 0], &["api-10"]), row("us", 2, 1, [0, 1, 0, 1], &["api-2"])],
        &[
            link("eu", "eu", 1, 0, 0, 7.0, Some(0.0)),
            // Edges shown: those of a failing node (api-2 or api-10).
            link("eu", "us", 3, 2, 1, 160.75, Some(0.05)),
            link("us", "us", 1, 1, 1, 200.0, Some(0.20)),
        ],
    );
}
