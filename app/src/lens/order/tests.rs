//! The tables' orders: each sort, the byte keys against natural order,
//! rows that move and leave.

use std::cmp::Ordering;

use shared::MeshNode;

use super::*;

fn node(id: &str, label: &str, kind: &str, status: &str) -> MeshNode {
    MeshNode { id: id.into(), kind: kind.into(), label: label.into(), status: Status::from_wire(status), meta: vec![] }
}

fn ids(sort: NodeSort, nodes: &[MeshNode]) -> Vec<String> {
    Order::build(nodes.iter().map(|node| sort.key(node)).collect()).ids().map(str::to_owned).collect()
}

#[test]
fn each_sort_is_natural_with_ties_by_id() {
    let nodes = [
        node("api 10", "b", "svc", "ok"),
        node("api 2", "B", "db", "error"),
        node("api 103", "a10", "svc", "degraded"),
        node("api 1010", "a9", "db", "ok"),
    ];
    assert_eq!(ids(NodeSort::Id, &nodes), ["api 2", "api 10", "api 103", "api 1010"]);
    assert_eq!(ids(NodeSort::Label, &nodes), ["api 1010", "api 103", "api 2", "api 10"]);
    assert_eq!(ids(NodeSort::Kind, &nodes), ["api 2", "api 1010", "api 10", "api 103"]);
    assert_eq!(ids(NodeSort::Status, &nodes), ["api 2", "api 103", "api 10", "api 1010"]);
}

/// Texts that exercise every rule of natural order: digit runs with
/// and without leading zeros, case, punctuation, bytes below and above
/// the letters, the empty text, and (rarely) a non-ASCII one.
fn text(rng: &mut shared::sim::SplitMix64) -> String {
    const PIECES: [&str; 16] =
        ["a", "A", "b", "Z", "0", "00", "1", "01", "9", "10", "007", "-", " ", "\x00", "\x7f", "_"];
    let n = rng.below(6) as usize;
    let mut text: String = (0..n).map(|_| PIECES[rng.below(PIECES.len() as u64) as usize]).collect();
    if rng.below(20) == 0 {
        text.push('é');
    }
    text
}

/// The byte keys (after the rank and number) order rows exactly as the
/// fields do, in natural order.
#[test]
fn sort_bytes_order_rows_as_their_fields_do() {
    let mut rng = shared::sim::SplitMix64(12);
    let keys: Vec<RowKey> = (0..600)
        .map(|_| {
            let rank = rng.below(3) as u8;
            // A number (in a few values, so that ties go on to the texts), or texts alone.
            match rng.below(2) {
                0 => RowKey::with_number(rank, rng.below(3), text(&mut rng), text(&mut rng), text(&mut rng)),
                _ => RowKey::new(rank, text(&mut rng), text(&mut rng), text(&mut rng)),
            }
        })
        .collect();
    let mut by_bytes = 0;
    for a in &keys {
        for b in &keys {
            assert_eq!(a.cmp(b), a.cmp_by_fields(b), "{a:?} against {b:?}");
            // The list's rows (head and first bytes inline) order as their keys.
            let row = |key: &RowKey| Row::of(&Rc::new(key.clone()));
            assert_eq!(row(a).cmp(&row(b)), a.cmp(b), "rows of {a:?} and {b:?}");
            by_bytes += usize::from(a.sort_bytes.is_some() && b.sort_bytes.is_some());
        }
    }
    // Most pairs are compared by their bytes (the rest have a non-ASCII text).
    assert!(by_bytes > keys.len() * keys.len() * 3 / 4, "{by_bytes} pairs by bytes");
    // Each rule decides some pair, not only the tie-breaks.
    let rule = |a: &str, b: &str| {
        RowKey::new(0, a.into(), String::new(), "x".into()).cmp(&RowKey::new(0, b.into(), String::new(), "x".into()))
    };
    let cases = [
        ("n9", "n10", Ordering::Less),
        ("n010", "n10", Ordering::Greater),
        ("n1", "na", Ordering::Less),
        ("B", "a", Ordering::Greater),
        ("a", "a-", Ordering::Less),
        ("A", "a", Ordering::Less),
        ("n", "n0", Ordering::Less),
    ];
    for (a, b, expected) in cases {
        assert_eq!(rule(a, b), expected, "{a} against {b}");
    }
}

#[test]
fn a_changed_row_moves_and_a_hidden_one_leaves() {
    let n2 = node("n2", "y", "svc", "ok");
    let nodes = [node("n1", "x", "svc", "ok"), n2.clone(), node("n10", "z", "svc", "ok")];
    let mut order = Order::build(nodes.iter().map(|node| NodeSort::Status.key(node)).collect());
    assert!(!order.set("n2", Some(NodeSort::Status.key(&n2))), "same key: no change");
    assert!(order.set("n10", Some(NodeSort::Status.key(&node("n10", "z", "svc", "error")))));
    assert_eq!(order.window(0..3), ["n10", "n1", "n2"]);
    assert!(order.set("n1", None) && !order.set("n1", None));
    assert_eq!((order.len(), order.position("n2"), order.position("n1")), (2, Some(1), None));
}
