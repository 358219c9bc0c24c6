//! The filter language: data-driven `check(query, expected)` cases for the
//! parser (with the errors people will meet) and for matching nodes and
//! edges of a small fixture mesh.

use app::filter::{parse, NodeMetrics, Subject};
use shared::protocol::{EdgeStats, MeshEdge, MeshNode, MetaEntry, Status};

fn node(id: &str, kind: &str, label: &str, status: &str, region: &str) -> MeshNode {
    MeshNode {
        id: id.into(),
        kind: kind.into(),
        label: label.into(),
        status: Status::from_wire(status),
        meta: vec![MetaEntry { key: "region".into(), json: format!("{region:?}") }],
    }
}

fn edge(id: &str, source: &str, target: &str, error_rate: f64, latency_millis: f64) -> MeshEdge {
    MeshEdge {
        id: id.into(),
        source: source.into(),
        target: target.into(),
        kind: Some("http".into()),
        stats: Some(EdgeStats {
            error_rate: Some(error_rate),
            latency_millis: Some(latency_millis),
            throughput: Some(100.0),
            ..EdgeStats::default()
        }),
    }
}

fn mesh() -> (Vec<MeshNode>, Vec<MeshEdge>) {
    let nodes = vec![
        node("api-1", "api", "api 1", "running", "us-east-1"),
        node("api-2", "api", "Crawler API", "error", "eu-west-1"),
        node("pg-1", "db", "postgres", "degraded", "us-east-1"),
        node("cache-1", "cache", "redis", "ok", "eu-west-1"),
    ];
    let edges =
        vec![edge("api-1>pg-1", "api-1", "pg-1", 0.10, 350.0), edge("api-2>cache-1", "api-2", "cache-1", 0.01, 20.0)];
    (nodes, edges)
}

/// The ids of the fixture's nodes that match `query`, in fixture order.
fn check(query: &str, expected: &[&str]) {
    let (nodes, edges) = mesh();
    let parsed = parse(query).unwrap_or_else(|e| panic!("{query:?}: {}", e.message));
    let metrics = NodeMetrics::of_all(edges.iter());
    let matched: Vec<&str> = nodes
        .iter()
        .filter(|node| parsed.matches(Subject::Node(node, metrics.get(&node.id))))
        .map(|node| node.id.as_str())
        .collect();
    assert_eq!(matched, expected, "query {query:?}");
}

/// The ids of the fixture's edges that match `query`.
fn check_edges(query: &str, expected: &[&str]) {
    let (nodes, edges) = mesh();
    let parsed = parse(query).unwrap_or_else(|e| panic!("{query:?}: {}", e.message));
    let find = |id: &str| nodes.iter().find(|node| node.id == id);
    let matched: Vec<&str> = edges
        .iter()
        .filter(|edge| parsed.matches(Subject::Edge { edge, source: find(&edge.source), target: find(&edge.target) }))
        .map(|edge| edge.id.as_str())
        .collect();
    assert_eq!(matched, expected, "query {query:?}");
}

/// `query` does not parse; the message contains `words` and points at `at`.
fn check_error(query: &str, words: &str, at: (usize, usize)) {
    match parse(query) {
        Ok(parsed) => panic!("{query:?} parsed as {parsed:?}"),
        Err(error) => {
            assert!(error.message.contains(words), "{query:?}: {:?} lacks {words:?}", error.message);
            assert_eq!((error.start, error.end), at, "{query:?}: {}", error.message);
        }
    }
}

#[test]
fn fields_values_and_negation() {
    check("", &["api-1", "api-2", "pg-1", "cache-1"]);
    check("kind:api", &["api-1", "api-2"]);
    check("KIND:API", &["api-1", "api-2"]);
    check("status:error,degraded", &["api-2", "pg-1"]);
    check("-status:error,degraded", &["api-1", "cache-1"]);
    check("label~crawl", &["api-2"]);
    check("region:us-east-1", &["api-1", "pg-1"]);
    check("kind:api region:us-east-1", &["api-1"]);
    check("api", &["api-1", "api-2"]);
    check("redis", &["cache-1"]);
    check("id~-1", &["api-1", "pg-1", "cache-1"]);
    check("zone:x", &[]);
    check("-zone:x", &["api-1", "api-2", "pg-1", "cache-1"]);
    check(r#"label~"crawler api""#, &["api-2"]);
}

#[test]
fn numbers_are_the_worst_edge_around_a_node() {
    check("errors>5%", &["api-1", "pg-1"]);
    check("errors>0.05", &["api-1", "pg-1"]);
    check("errors>=1%", &["api-1", "api-2", "pg-1", "cache-1"]);
    check("latency>200ms", &["api-1", "pg-1"]);
    check("latency<0.1s", &["api-2", "cache-1"]);
    check("kind:api status:error,degraded label~crawl region:eu-west-1 errors>0.5% latency>10ms", &["api-2"]);
    check("-errors>5%", &["api-2", "cache-1"]);
}

#[test]
fn edges_match_on_themselves_or_an_endpoint() {
    check_edges("status:error", &["api-2>cache-1"]);
    check_edges("errors>5%", &["api-1>pg-1"]);
    check_edges("kind:http", &["api-1>pg-1", "api-2>cache-1"]);
    check_edges("kind:db", &["api-1>pg-1"]);
    check_edges("-region:us-east-1", &["api-2>cache-1"]);
    check_edges("pg", &["api-1>pg-1"]);
}

#[test]
fn bad_queries_say_what_is_wrong_and_where() {
    check_error("kind:api status:", "needs a value", (9, 16));
    check_error("errors>lots", "not a number", (0, 11));
    check_error("errors:5%", "compare it", (0, 9));
    check_error("region>5", "not a number to compare", (0, 8));
    check_error("kind:api -", "needs a term", (9, 10));
    check_error(r#"label~"open"#, "not closed", (6, 11));
    check_error(":x", "field name", (0, 2));
    check_error(&"a ".repeat(40), "at most 32 terms", (64, 65));
    check_error(&"x".repeat(2000), "at most 1024 characters", (0, 2000));
}

/// A node's comparisons from edge counts (`Query::heat`, `compare_bits`,
/// as the lens keeps them) agree with its worst edge (`NodeMetrics`), for
/// every comparison, on random numbers (some edges without a value).
#[test]
fn comparisons_from_counts_agree_with_the_worst_edge() {
    let queries =
        ["errors>5%", "errors>=0.1", "-errors>5%", "latency<100ms", "latency<=120", "throughput>500 -latency>250"];
    let mut rng = shared::sim::SplitMix64(9);
    for query in queries {
        let parsed = parse(query).unwrap_or_else(|e| panic!("{query:?}: {}", e.message));
        for round in 0..300 {
            let n_edges = rng.below(5) as usize;
            let mut value = |scale: f64| (rng.below(4) > 0).then(|| (rng.unit() * scale * 100.0).round() / 100.0);
            let edges: Vec<MeshEdge> = (0..n_edges)
                .map(|i| MeshEdge {
                    id: format!("e{i}"),
                    source: "n".into(),
                    target: format!("m{i}"),
                    kind: None,
                    stats: Some(EdgeStats {
                        error_rate: value(0.2),
                        latency_millis: value(300.0),
                        throughput: value(1000.0),
                        ..EdgeStats::default()
                    }),
                })
                .collect();
            let mut counts = vec![(0u32, 0u32); parsed.terms.len()];
            for edge in &edges {
                let stats = edge.stats.clone().unwrap_or_default();
                let (has, hot) = parsed.heat(stats.error_rate, stats.latency_millis, stats.throughput);
                for (index, (with_value, hot_count)) in counts.iter_mut().enumerate() {
                    *with_value += u32::from(has & (1 << index) != 0);
                    *hot_count += u32::from(hot & (1 << index) != 0);
                }
            }
            let target = node("n", "api", "n", "ok", "eu");
            let metrics = NodeMetrics::of_all(edges.iter());
            let expected = parsed.matches(Subject::Node(&target, metrics.get("n")));
            let from_counts = parsed.matches_node_bits(parsed.field_mask(&target) | parsed.compare_bits(&counts));
            assert_eq!(from_counts, expected, "{query:?}, round {round}: {edges:?}");
        }
    }
}
