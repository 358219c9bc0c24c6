//! The tables' orders, kept incrementally: the ids a table shows, each under
//! a sort key, in a `SortedList`. Ids and labels sort naturally (`api 2` <
//! `api 10`); a changed row moves by itself, without re-sorting the table.

use std::cmp::Ordering;
use std::ops::Range;
use std::rc::Rc;

use shared::view::reserve_for;
use shared::{IdKey, MeshNode, Status};

use super::sorted::SortedList;
use super::FastMap;
use crate::natural::natural_cmp;

/// How the nodes table is sorted (ties by id, naturally).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NodeSort {
    #[default]
    Id,
    Label,
    Kind,
    /// Worst first: error, degraded, stopped, other, starting, idle,
    /// running, ok.
    Status,
}

/// A row's place: a rank, then two texts, then the id, texts in natural
/// order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowKey {
    rank: u8,
    text: String,
    then: String,
    pub id: String,
    /// The same order as bytes (`sort_bytes`), compared with `memcmp`; none
    /// when a text is not ASCII (such keys compare field by field).
    sort_bytes: Option<Box<[u8]>>,
}

impl Ord for RowKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.sort_bytes, &other.sort_bytes) {
            (Some(mine), Some(theirs)) => mine.cmp(theirs),
            _ => self.cmp_by_fields(other),
        }
    }
}

impl RowKey {
    pub(super) fn new(rank: u8, text: String, then: String, id: String) -> RowKey {
        let sort_bytes = sort_bytes(rank, [&text, &then, &id]);
        RowKey { rank, text, then, id, sort_bytes }
    }

    /// The order itself: the rank, then each text in natural order.
    fn cmp_by_fields(&self, other: &Self) -> Ordering {
        self.rank
            .cmp(&other.rank)
            .then_with(|| natural_cmp(&self.text, &other.text))
            .then_with(|| natural_cmp(&self.then, &other.then))
            .then_with(|| natural_cmp(&self.id, &other.id))
    }
}

/// The byte string whose plain order is `cmp_by_fields`'s, for ASCII texts
/// (none otherwise). A table of 30,000 edges inserts a row with ~16
/// comparisons; natural order walks both texts' digit runs each time, a
/// `memcmp` of these bytes does not. Each text is written as
/// - its natural order: per digit run, `0x01`, the length of its value
///   (leading zeros dropped, u16 big-endian), the value's digits, the run's
///   whole length (more leading zeros sort later); per other byte, the byte
///   in lower case plus 2 (after any digit run); `0x00` at the end (before
///   anything);
/// - then its tie-break, plain byte order: each byte plus 1, then `0x00`.
///
/// Both parts end in a byte no other token starts with, so no text's bytes
/// are a prefix of another's and the texts concatenate in order.
fn sort_bytes(rank: u8, texts: [&str; 3]) -> Option<Box<[u8]>> {
    if !texts.iter().all(|text| text.is_ascii()) {
        return None;
    }
    let mut out = Vec::with_capacity(1 + texts.iter().map(|text| 2 * text.len() + 8).sum::<usize>());
    out.push(rank);
    for text in texts {
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(&byte) = bytes.get(at) {
            if byte.is_ascii_digit() {
                let run = bytes.get(at..).unwrap_or_default();
                let run = run.get(..run.iter().take_while(|b| b.is_ascii_digit()).count()).unwrap_or_default();
                let value = run.get(run.iter().take_while(|b| **b == b'0').count()..).unwrap_or_default();
                out.push(0x01);
                out.extend_from_slice(&u16::try_from(value.len()).ok()?.to_be_bytes());
                out.extend_from_slice(value);
                out.extend_from_slice(&u16::try_from(run.len()).ok()?.to_be_bytes());
                at += run.len();
            } else {
                out.push(byte.to_ascii_lowercase() + 2);
                at += 1;
            }
        }
        out.push(0x00);
        out.extend(bytes.iter().map(|byte| byte + 1));
        out.push(0x00);
    }
    Some(out.into_boxed_slice())
}

impl PartialOrd for RowKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl NodeSort {
    pub fn key(self, node: &MeshNode) -> RowKey {
        let (rank, text) = match self {
            NodeSort::Id => (0, String::new()),
            NodeSort::Label => (0, node.label.clone()),
            NodeSort::Kind => (0, node.kind.clone()),
            NodeSort::Status => (status_rank(&node.status), String::new()),
        };
        RowKey::new(rank, text, String::new(), node.id.clone())
    }

    /// Whether `key` is the key `node` has (no allocation).
    pub fn key_is(self, key: &RowKey, node: &MeshNode) -> bool {
        let (rank, text) = match self {
            NodeSort::Id => (0, ""),
            NodeSort::Label => (0, node.label.as_str()),
            NodeSort::Kind => (0, node.kind.as_str()),
            NodeSort::Status => (status_rank(&node.status), ""),
        };
        key.rank == rank && key.text == text && key.then.is_empty() && key.id == node.id
    }

    pub fn parse(text: &str) -> NodeSort {
        match text {
            "label" => NodeSort::Label,
            "kind" => NodeSort::Kind,
            "status" => NodeSort::Status,
            _ => NodeSort::Id,
        }
    }
}

fn status_rank(status: &Status) -> u8 {
    match status {
        Status::Error => 0,
        Status::Degraded => 1,
        Status::Stopped => 2,
        Status::Other(_) => 3,
        Status::Starting => 4,
        Status::Idle => 5,
        Status::Running => 6,
        Status::Ok => 7,
    }
}

impl RowKey {
    /// The rank and the two texts, as made.
    pub(super) fn parts(&self) -> (u8, &str, &str) {
        (self.rank, &self.text, &self.then)
    }
}

/// The rows a table shows, in order. The map and the list share each key
/// (one allocation of its texts, not two).
#[derive(Debug, Clone, Default)]
pub struct Order {
    keys: FastMap<IdKey, Rc<RowKey>>,
    list: SortedList<Rc<RowKey>>,
}

impl PartialEq for Order {
    fn eq(&self, other: &Self) -> bool {
        self.keys == other.keys && self.list.iter().eq(other.list.iter())
    }
}

impl Order {
    /// From every shown row's key, sorted once.
    pub fn build(keys: Vec<RowKey>) -> Order {
        let keys: Vec<Rc<RowKey>> = keys.into_iter().map(Rc::new).collect();
        let map = keys.iter().map(|key| (IdKey::from(key.id.as_str()), Rc::clone(key))).collect();
        Order { keys: map, list: SortedList::from_unsorted(keys) }
    }

    /// Shows a row under `key`, or hides it (`None`); true if the table changed.
    pub fn set(&mut self, id: &str, key: Option<RowKey>) -> bool {
        match (self.keys.get(id), key) {
            (None, None) => false,
            (Some(old), Some(new)) if **old == new => false,
            (_, key) => {
                if let Some(old) = self.keys.remove(id) {
                    self.list.remove(&old);
                }
                if let Some(key) = key {
                    let key = Rc::new(key);
                    self.list.insert(Rc::clone(&key));
                    self.keys.insert(IdKey::from(id), key);
                }
                true
            }
        }
    }

    /// Room for `total` rows (a snapshot's fill).
    pub fn reserve_for(&mut self, total: u32) {
        reserve_for(&mut self.keys, total);
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.keys.contains_key(id)
    }

    /// The key a row is shown under.
    pub fn key(&self, id: &str) -> Option<&RowKey> {
        self.keys.get(id).map(|key| &**key)
    }

    /// The ids at row positions `range`.
    pub fn window(&self, range: Range<usize>) -> Vec<&str> {
        self.list.window(range).into_iter().map(|key| key.id.as_str()).collect()
    }

    /// The row of `id`, if shown.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.list.position(self.keys.get(id)?)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|key| key.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use shared::MeshNode;

    use super::*;

    fn node(id: &str, label: &str, kind: &str, status: &str) -> MeshNode {
        MeshNode {
            id: id.into(),
            kind: kind.into(),
            label: label.into(),
            status: Status::from_wire(status),
            meta: vec![],
        }
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

    /// The byte keys order rows exactly as the fields do, in natural order.
    #[test]
    fn sort_bytes_order_rows_as_their_fields_do() {
        let mut rng = shared::sim::SplitMix64(12);
        let keys: Vec<RowKey> = (0..600)
            .map(|_| {
                let rank = rng.below(3) as u8;
                RowKey::new(rank, text(&mut rng), text(&mut rng), text(&mut rng))
            })
            .collect();
        let mut by_bytes = 0;
        for a in &keys {
            for b in &keys {
                assert_eq!(a.cmp(b), a.cmp_by_fields(b), "{a:?} against {b:?}");
                by_bytes += usize::from(a.sort_bytes.is_some() && b.sort_bytes.is_some());
            }
        }
        // Most pairs are compared by their bytes (the rest have a non-ASCII text).
        assert!(by_bytes > keys.len() * keys.len() * 3 / 4, "{by_bytes} pairs by bytes");
        // Each rule decides some pair, not only the tie-breaks.
        let rule = |a: &str, b: &str| {
            RowKey::new(0, a.into(), String::new(), "x".into()).cmp(&RowKey::new(
                0,
                b.into(),
                String::new(),
                "x".into(),
            ))
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
}
