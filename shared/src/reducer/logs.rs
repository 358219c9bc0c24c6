//! Every node's log, which of them diffs carry (the watch), and bounds on
//! the lines and bytes kept across all nodes: with thousands of chatty
//! nodes, 1000 lines each would be far too much memory, so past
//! `MAX_LOG_LINES_TOTAL` lines or `MAX_LOG_BYTES_TOTAL` bytes (unfinished
//! lines included) the oldest lines overall go first (O(1) amortized, through a FIFO of
//! per-chunk markers). A log that loses lines that way is resent whole, so
//! a receiver never holds a line the reducer dropped. Markers whose lines
//! all left by other ways (the per-node bound, a deleted node) are swept
//! out once the queue grew by half the line bound since the last sweep, so
//! the queue stays under 1.5 × the bound at O(1) amortized cost.

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::hash::{FastMap, FastSet, IdKey};
use super::node_log::NodeLog;
use crate::chunked::ChunkedQueue;
use crate::diff::{Counters, LogDelta};
use crate::limits::{
    MAX_LOG_BYTES_TOTAL, MAX_LOG_LINES_TOTAL, MAX_LOG_OWNER_ID_BYTES_TOTAL, MAX_LOG_PARTIAL_BYTES_TOTAL,
    MAX_LOG_STREAMS,
};
use crate::view::LogView;

mod frozen;
pub use frozen::FrozenLogs;

/// Which nodes' logs diffs carry. A dashboard shows one node's log at a
/// time, so it watches that one and the rest never cross to the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogWatch {
    /// Every log (tests and tools that mirror the whole state).
    #[default]
    All,
    /// This node's log only.
    Node(String),
    /// No log at all.
    Nothing,
}

impl LogWatch {
    fn covers(&self, node_id: &str) -> bool {
        match self {
            LogWatch::All => true,
            LogWatch::Node(watched) => watched == node_id,
            LogWatch::Nothing => false,
        }
    }
}

/// Lines `first_serial..first_serial + count` of one incarnation of a log
/// (an incarnation ends when the node's log is removed).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Marker {
    incarnation: u64,
    first_serial: u64,
    count: u64,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct LogStore {
    /// Each node's log, shared (`Arc`) with the history's checkpoints: a
    /// log is copied only when it changes after a checkpoint took it.
    logs: FastMap<IdKey, (u64, Arc<NodeLog>)>,
    /// Node id of each live log incarnation.
    names: FastMap<u64, IdKey>,
    dirty: FastSet<IdKey>,
    watch: LogWatch,
    /// Logs the receiver holds but no longer watches: removed in the next diff.
    unwatched: Vec<String>,
    /// Oldest lines first, across all logs.
    markers: ChunkedQueue<Marker>,
    tally: Tally,
}

/// The store's running figures, kept beside the logs (and checked against
/// them when a state is read from a file).
#[derive(Debug, Default, Clone, Copy, Serialize, Deserialize)]
struct Tally {
    /// Queue length after the last sweep.
    markers_after_sweep: usize,
    total_lines: usize,
    /// Bytes of all logs, complete lines and unfinished ones together.
    total_bytes: usize,
    /// Bytes of the unfinished lines alone.
    partial_bytes: usize,
    /// Bytes of the ids of the nodes that own a log.
    owner_id_bytes: usize,
    next_incarnation: u64,
}

impl LogStore {
    /// Appends a chunk to a node's log (creating it), then enforces the
    /// total bound.
    pub fn append(&mut self, node_id: &str, text: &str, counters: &mut Counters) {
        let known = self.logs.contains_key(node_id);
        let full = self.logs.len() >= MAX_LOG_STREAMS
            || self.tally.owner_id_bytes + node_id.len() > MAX_LOG_OWNER_ID_BYTES_TOTAL;
        if full && !known {
            counters.dropped_log_chunks += 1;
            return;
        }
        self.mark(node_id);
        if !known {
            self.tally.next_incarnation += 1;
            self.tally.owner_id_bytes += node_id.len();
            let key = IdKey::from(node_id);
            self.names.insert(self.tally.next_incarnation, key.clone());
            self.logs.insert(key, (self.tally.next_incarnation, Arc::new(NodeLog::default())));
        }
        let Some((log_incarnation, log)) = self.logs.get_mut(node_id) else { return };
        let log = Arc::make_mut(log);
        let first_serial = log.lines_pushed();
        let (bytes_before, partial_before) = (log.bytes(), log.partial().len());
        let outcome = log.append(text);
        self.tally.total_bytes = self.tally.total_bytes - bytes_before + log.bytes();
        self.tally.partial_bytes = self.tally.partial_bytes - partial_before + log.partial().len();
        if self.tally.partial_bytes > MAX_LOG_PARTIAL_BYTES_TOTAL {
            let freed = log.drop_partial();
            self.tally.partial_bytes -= freed;
            self.tally.total_bytes -= freed;
            counters.dropped_log_partials += 1;
        }
        let pushed = log.lines_pushed() - first_serial;
        let log_incarnation = *log_incarnation;
        counters.evicted_log_lines += outcome.lines_evicted;
        counters.log_lines_cut += outcome.lines_cut;
        self.tally.total_lines = self.tally.total_lines + pushed as usize - outcome.lines_evicted as usize;
        if pushed > 0 {
            self.markers.push_back(Marker { incarnation: log_incarnation, first_serial, count: pushed });
        }
        self.enforce_total(counters);
        if self.markers.len() > self.tally.markers_after_sweep + MAX_LOG_LINES_TOTAL / 2 {
            self.sweep_markers();
        }
    }

    /// Drops a node's log (the node was deleted).
    pub fn remove(&mut self, node_id: &str) {
        if let Some((incarnation, log)) = self.logs.remove(node_id) {
            self.tally.total_lines -= log.lines().count();
            self.tally.total_bytes -= log.bytes();
            self.tally.partial_bytes -= log.partial().len();
            self.tally.owner_id_bytes -= node_id.len();
            self.names.remove(&incarnation);
            self.mark(node_id);
        }
    }

    /// Chooses which logs diffs carry. A newly watched log arrives whole in
    /// the next diff; logs no longer watched are removed from the receiver.
    pub fn watch(&mut self, watch: LogWatch) {
        if watch == self.watch {
            return;
        }
        let previous = std::mem::replace(&mut self.watch, watch);
        let held: Vec<String> = match previous {
            LogWatch::All => self.logs.keys().map(|id| String::from(id.as_str())).collect(),
            LogWatch::Node(node_id) => vec![node_id],
            LogWatch::Nothing => Vec::new(),
        };
        self.unwatched.extend(held.into_iter().filter(|node_id| !self.watch.covers(node_id)));
        let newly_watched: Vec<IdKey> = self.logs.keys().filter(|id| self.watch.covers(id)).cloned().collect();
        for node_id in newly_watched {
            if let Some((_, log)) = self.logs.get_mut(&node_id) {
                Arc::make_mut(log).resend_all();
            }
            self.mark(&node_id);
        }
    }

    /// Takes `target`'s logs, keeping this store's watch: the watched logs
    /// are sent whole in the next diff, and those the receiver may hold
    /// that `target` has not are removed from it.
    pub fn retarget(&mut self, target: &LogStore) {
        let watch = self.watch.clone();
        let mut removals = std::mem::take(&mut self.unwatched);
        let held = self.logs.keys().chain(self.dirty.iter());
        removals.extend(
            held.filter(|id| watch.covers(id) && !target.logs.contains_key(*id)).map(|id| String::from(id.as_str())),
        );
        removals.sort_unstable();
        removals.dedup();
        *self = target.clone();
        self.watch = watch;
        self.unwatched = removals;
        self.dirty.clear();
        let watched: Vec<IdKey> = self.logs.keys().filter(|id| self.watch.covers(id)).cloned().collect();
        for node_id in watched {
            if let Some((_, log)) = self.logs.get_mut(&node_id) {
                Arc::make_mut(log).resend_all();
            }
            self.mark(&node_id);
        }
    }

    pub fn current_watch(&self) -> &LogWatch {
        &self.watch
    }

    /// The watched logs' changes since the last call, and removals.
    pub fn take_deltas(&mut self) -> (Vec<LogDelta>, Vec<String>) {
        let mut deltas = Vec::new();
        let mut removals = std::mem::take(&mut self.unwatched);
        for node_id in self.dirty.drain() {
            if !self.watch.covers(&node_id) {
                continue;
            }
            match self.logs.get_mut(&node_id) {
                Some((_, log)) => deltas.push(Arc::make_mut(log).take_delta(node_id.into())),
                None => removals.push(node_id.into()),
            }
        }
        (deltas, removals)
    }

    pub fn has_changes(&self) -> bool {
        !self.unwatched.is_empty() || self.dirty.iter().any(|node_id| self.watch.covers(node_id))
    }

    /// The watched logs as the receiver should hold them.
    pub fn watched_views(&self) -> impl Iterator<Item = (&IdKey, LogView)> {
        self.logs.iter().filter(|(node_id, _)| self.watch.covers(node_id)).map(|(node_id, (_, log))| {
            (node_id, LogView { lines: log.lines().map(str::to_owned).collect(), partial: log.partial().to_owned() })
        })
    }

    pub fn assert_within_bounds(&self) {
        if let Err(why) = self.check_totals() {
            panic!("log store out of bounds: {why}");
        }
    }

    /// Every bound, and every total against the logs themselves.
    pub fn check_totals(&self) -> Result<(), String> {
        let ensure = |ok: bool, what: &str| if ok { Ok(()) } else { Err(format!("logs: {what}")) };
        ensure(self.logs.len() <= MAX_LOG_STREAMS, "too many logs")?;
        ensure(self.tally.total_lines <= MAX_LOG_LINES_TOTAL, "too many lines")?;
        ensure(self.tally.total_bytes <= MAX_LOG_BYTES_TOTAL, "too many bytes")?;
        ensure(self.tally.partial_bytes <= MAX_LOG_PARTIAL_BYTES_TOTAL, "too many unfinished bytes")?;
        ensure(self.tally.owner_id_bytes <= MAX_LOG_OWNER_ID_BYTES_TOTAL, "too many id bytes")?;
        ensure(self.tally.owner_id_bytes == self.logs.keys().map(IdKey::len).sum::<usize>(), "id bytes disagree")?;
        ensure(
            self.tally.partial_bytes == self.logs.values().map(|(_, log)| log.partial().len()).sum::<usize>(),
            "unfinished bytes disagree",
        )?;
        ensure(
            self.tally.total_bytes == self.logs.values().map(|(_, log)| log.bytes()).sum::<usize>(),
            "bytes disagree",
        )?;
        ensure(self.markers.len() <= MAX_LOG_LINES_TOTAL + MAX_LOG_LINES_TOTAL / 2 + 1, "too many markers")?;
        self.markers.check().map_err(|why| format!("logs: {why}"))?;
        ensure(self.names.len() == self.logs.len(), "names disagree")?;
        ensure(
            self.logs.iter().all(|(id, (incarnation, _))| {
                self.names.get(incarnation) == Some(id) && *incarnation <= self.tally.next_incarnation
            }),
            "names disagree",
        )?;
        ensure(
            self.tally.total_lines == self.logs.values().map(|(_, log)| log.lines().count()).sum::<usize>(),
            "line count disagrees",
        )?;
        for (_, log) in self.logs.values() {
            log.check()?;
        }
        Ok(())
    }

    /// Drops what only a receiver needs (queued changes, removals, the watch).
    pub fn forget_receiver(&mut self) {
        self.dirty.clear();
        self.unwatched.clear();
        self.watch = LogWatch::Nothing;
    }

    /// Drops the oldest lines overall until the totals (lines and bytes)
    /// are within their bounds (unfinished lines hold at most a quarter of
    /// the bytes, so complete lines are always left to drop).
    fn enforce_total(&mut self, counters: &mut Counters) {
        while self.tally.total_lines > MAX_LOG_LINES_TOTAL || self.tally.total_bytes > MAX_LOG_BYTES_TOTAL {
            let Some(marker) = self.markers.front_mut() else { break };
            let serial = marker.first_serial;
            marker.first_serial += 1;
            marker.count -= 1;
            let incarnation = marker.incarnation;
            if marker.count == 0 {
                self.markers.pop_front();
            }
            // The line may be gone already (per-node bound, deleted node).
            let Some(node_id) = self.names.get(&incarnation).cloned() else { continue };
            let Some((_, log)) = self.logs.get_mut(&node_id) else { continue };
            let log = Arc::make_mut(log);
            let (freed, receiver_has_it) = log.drop_oldest_if(serial);
            if let Some(freed_bytes) = freed {
                self.tally.total_lines -= 1;
                self.tally.total_bytes -= freed_bytes;
                counters.evicted_log_lines += 1;
                if receiver_has_it {
                    // The receiver must not keep a line we dropped: resend.
                    log.resend_all();
                    self.mark(&node_id);
                }
            }
        }
    }

    /// Drops markers none of whose lines are still kept. Every live line
    /// has one marker and a marker covers at least one line, so afterwards
    /// the queue holds at most `MAX_LOG_LINES_TOTAL` markers.
    fn sweep_markers(&mut self) {
        self.sweep_spent();
        self.tally.markers_after_sweep = self.markers.len();
    }

    fn sweep_spent(&mut self) {
        let (names, logs) = (&self.names, &self.logs);
        self.markers.retain(|marker| {
            names.get(&marker.incarnation).and_then(|id| logs.get(id)).is_some_and(|(_, log)| {
                let oldest_kept = log.lines_pushed() - log.lines().count() as u64;
                marker.first_serial + marker.count > oldest_kept
            })
        });
    }

    fn mark(&mut self, node_id: &str) {
        if !self.dirty.contains(node_id) {
            self.dirty.insert(IdKey::from(node_id));
        }
    }
}
