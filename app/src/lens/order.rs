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

/// A row's place: a rank, then a number, then two texts, then the id,
/// texts in natural order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowKey {
    rank: u8,
    number: u64,
    text: String,
    then: String,
    pub id: String,
    /// The texts' order as bytes (`sort_bytes`), compared with `memcmp`;
    /// none when a text is not ASCII (such keys compare field by field).
    sort_bytes: Option<Box<[u8]>>,
}

impl Ord for RowKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.head().cmp(&other.head()).then_with(|| match (&self.sort_bytes, &other.sort_bytes) {
            (Some(mine), Some(theirs)) => mine.cmp(theirs),
            _ => self.cmp_by_fields(other),
        })
    }
}

impl RowKey {
    pub(super) fn new(rank: u8, text: String, then: String, id: String) -> RowKey {
        let sort_bytes = sort_bytes(rank, [&text, &then, &id]);
        RowKey { rank, number: 0, text, then, id, sort_bytes }
    }

    /// A row placed by a number after its rank, then by its texts and id.
    pub(super) fn with_number(rank: u8, number: u64, text: String, then: String, id: String) -> RowKey {
        RowKey { number, ..RowKey::new(rank, text, then, id) }
    }

    /// What decides most comparisons, held inline (no text to fetch).
    fn head(&self) -> (u8, u64) {
        (self.rank, self.number)
    }

    /// The order itself: the rank, then each text in natural order.
    fn cmp_by_fields(&self, other: &Self) -> Ordering {
        self.head()
            .cmp(&other.head())
            .then_with(|| natural_cmp(&self.text, &other.text))
            .then_with(|| natural_cmp(&self.then, &other.then))
            .then_with(|| natural_cmp(&self.id, &other.id))
    }
}

/// The byte string whose plain order is `cmp_by_fields`'s, for ASCII texts
/// (none otherwise): the rank, then each text's natural-order key
/// (`natural::push_ascii_key`; they concatenate in order). A table of
/// 30,000 edges inserts a row with ~16 comparisons; natural order walks
/// both texts' digit runs each time, a `memcmp` of these bytes does not.
fn sort_bytes(rank: u8, texts: [&str; 3]) -> Option<Box<[u8]>> {
    let mut out = Vec::with_capacity(1 + texts.iter().map(|text| 2 * text.len() + 8).sum::<usize>());
    out.push(rank);
    for text in texts {
        crate::natural::push_ascii_key(&mut out, text)?;
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

    /// Every sort with its name (the sort control's values, the URL's
    /// `nodeSort`).
    pub const NAMED: [(NodeSort, &'static str); 4] =
        [(NodeSort::Id, "id"), (NodeSort::Label, "label"), (NodeSort::Kind, "kind"), (NodeSort::Status, "status")];

    /// The sort named `text`, if one is.
    pub fn parse(text: &str) -> Option<NodeSort> {
        super::by_name(&NodeSort::NAMED, text)
    }

    pub fn name(self) -> &'static str {
        super::name_of(&NodeSort::NAMED, self)
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
    /// The rank, the number and the two texts, as made.
    pub(super) fn parts(&self) -> (u8, u64, &str, &str) {
        (self.rank, self.number, &self.text, &self.then)
    }
}

/// The rows a table shows, in order. The map and the list share each key
/// (one allocation of its texts, not two).
#[derive(Debug, Clone, Default)]
pub struct Order {
    keys: FastMap<IdKey, Rc<RowKey>>,
    list: SortedList<Row>,
}

/// A key in the sorted list with what decides most comparisons beside it:
/// its head and the first bytes of its texts' order. With 30,000 keys,
/// fetching a key from elsewhere in memory mostly misses the cache, and
/// rows sorted by a shown number tie by the hundred (then their texts
/// decide).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    head: (u8, u64),
    /// The first 16 bytes of the key's `sort_bytes` (zeros past its end),
    /// big-endian; none when the key compares field by field.
    prefix: Option<u128>,
    key: Rc<RowKey>,
}

impl Row {
    fn of(key: &Rc<RowKey>) -> Row {
        let prefix = key.sort_bytes.as_deref().map(|bytes| {
            let mut first = [0u8; 16];
            for (slot, byte) in first.iter_mut().zip(bytes) {
                *slot = *byte;
            }
            u128::from_be_bytes(first)
        });
        Row { head: key.head(), prefix, key: Rc::clone(key) }
    }
}

impl Ord for Row {
    fn cmp(&self, other: &Self) -> Ordering {
        let prefixes = match (self.prefix, other.prefix) {
            (Some(mine), Some(theirs)) => mine.cmp(&theirs),
            _ => Ordering::Equal,
        };
        self.head.cmp(&other.head).then(prefixes).then_with(|| self.key.cmp(&other.key))
    }
}

impl PartialOrd for Row {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
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
        let rows = keys.iter().map(Row::of).collect();
        let map = keys.into_iter().map(|key| (IdKey::from(key.id.as_str()), key)).collect();
        Order { keys: map, list: SortedList::from_unsorted(rows) }
    }

    /// Shows a row under `key`, or hides it (`None`); true if the table changed.
    pub fn set(&mut self, id: &str, key: Option<RowKey>) -> bool {
        match (self.keys.get(id), key) {
            (None, None) => false,
            (Some(old), Some(new)) if **old == new => false,
            (_, key) => {
                if let Some(old) = self.keys.remove(id) {
                    self.list.remove(&Row::of(&old));
                }
                if let Some(key) = key {
                    let key = Rc::new(key);
                    self.list.insert(Row::of(&key));
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
        self.list.window(range).into_iter().map(|row| row.key.id.as_str()).collect()
    }

    /// The row of `id`, if shown.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.list.position(&Row::of(self.keys.get(id)?))
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|row| row.key.id.as_str())
    }
}

#[cfg(test)]
mod tests;
