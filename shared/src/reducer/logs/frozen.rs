//! A log store kept for later (a history checkpoint): each log as a
//! pointer shared with the live store, the eviction order and the totals;
//! and the store rebuilt from them.

use std::sync::Arc;

use super::{LogStore, LogWatch, Marker, Tally};
use crate::chunked::ChunkedQueue;
use crate::reducer::frozen::FrozenBytes;
use crate::reducer::hash::{FastMap, FastSet, IdKey};
use crate::reducer::node_log::NodeLog;

/// A frozen `LogStore` (see `LogStore::freeze`).
#[derive(Debug, Clone)]
pub struct FrozenLogs {
    logs: Vec<(IdKey, u64, Arc<NodeLog>)>,
    markers: ChunkedQueue<Marker>,
    tally: Tally,
}

impl FrozenLogs {
    /// Bytes of the logs this refers to, whole and beyond `previous`: a
    /// log shared with it costs nothing of its own, a copied one its line
    /// pointers and the lines pushed since.
    pub fn bytes(&self, previous: Option<&FrozenLogs>) -> FrozenBytes {
        let before: FastMap<u64, (usize, u64)> = previous
            .map(|previous| {
                let entry = |log: &Arc<NodeLog>| (Arc::as_ptr(log) as usize, log.lines_pushed());
                previous.logs.iter().map(|(_, incarnation, log)| (*incarnation, entry(log))).collect()
            })
            .unwrap_or_default();
        let mut bytes = FrozenBytes { whole: 0, own: 0 };
        for (_, incarnation, log) in &self.logs {
            bytes.whole += log.heap_bytes();
            bytes.own += match before.get(incarnation) {
                Some((pointer, _)) if *pointer == Arc::as_ptr(log) as usize => 0,
                Some((_, pushed_before)) => log.heap_bytes_since(*pushed_before),
                None => log.heap_bytes(),
            };
        }
        // The eviction order's chunks: a chunk the previous checkpoint
        // holds too costs this one nothing.
        let old_chunks: FastSet<usize> = previous
            .map(|previous| previous.markers.chunks().map(|(pointer, _)| pointer).collect())
            .unwrap_or_default();
        for (pointer, len) in self.markers.chunks() {
            let size = len * std::mem::size_of::<Marker>();
            bytes.whole += size;
            if !old_chunks.contains(&pointer) {
                bytes.own += size;
            }
        }
        bytes
    }

    /// What the checkpoint's own tables cost: ids and pointers.
    pub fn table_bytes(&self) -> usize {
        self.logs.iter().map(|(id, _, _)| id.len() + 48).sum::<usize>() + self.markers.chunks().count() * 16
    }
}

impl LogStore {
    /// The logs kept for later: shared pointers to each log, the eviction
    /// order, the totals (a history checkpoint).
    pub fn freeze(&self) -> FrozenLogs {
        FrozenLogs {
            logs: self
                .logs
                .iter()
                .map(|(id, (incarnation, log))| (id.clone(), *incarnation, Arc::clone(log)))
                .collect(),
            markers: self.markers.clone(),
            tally: self.tally,
        }
    }

    /// A live store again, its index of names rebuilt; nothing watched.
    pub fn thaw(frozen: &FrozenLogs) -> LogStore {
        let mut logs = FastMap::default();
        let mut names = FastMap::default();
        logs.reserve(frozen.logs.len());
        names.reserve(frozen.logs.len());
        for (node_id, incarnation, log) in &frozen.logs {
            names.insert(*incarnation, node_id.clone());
            logs.insert(node_id.clone(), (*incarnation, Arc::clone(log)));
        }
        LogStore {
            logs,
            names,
            dirty: FastSet::default(),
            watch: LogWatch::Nothing,
            unwatched: Vec::new(),
            markers: frozen.markers.clone(),
            tally: frozen.tally,
        }
    }
}
