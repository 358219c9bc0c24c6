//! Moving a reducer to another state of the same stream (time travel)
//! while it keeps track of what it handed out, and its size in bytes.

use super::Reducer;

impl Reducer {
    /// Takes `target`'s whole state (another reducer of the same stream,
    /// e.g. the state of an earlier moment) while keeping track of what
    /// this one has handed out: the next diffs bring a receiver that holds
    /// this reducer's diffs to `target`'s state. The graph costs its
    /// difference in the diffs; events, logs and series are sent whole.
    pub fn retarget(&mut self, target: &Reducer) {
        self.graph.retarget(&target.graph);
        self.events = target.events.clone();
        self.events.resend_all();
        self.logs.retarget(&target.logs);
        for name in self.series.keys() {
            if !target.series.contains_key(name) {
                self.removed_series.insert(name.clone());
            }
        }
        self.series = target.series.clone();
        self.dirty_series.clear();
        for (name, ring) in &mut self.series {
            ring.resend_all();
            self.removed_series.remove(name);
            self.dirty_series.insert(name.clone());
        }
        self.counters = target.counters.clone();
        self.last_seq = target.last_seq;
        self.last_pos = target.last_pos.clone();
        self.graph_stale = target.graph_stale;
        self.snapshot_open = target.snapshot_open;
        self.moved_pending = true;
    }

    /// Heap bytes of the whole state, as a history checkpoint counts them
    /// (`Frozen::bytes`: the one definition). O(state).
    pub fn approx_bytes(&self) -> usize {
        self.freeze().bytes(None).whole
    }
}
