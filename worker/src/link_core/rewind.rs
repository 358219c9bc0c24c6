//! Time travel: the page asks for an earlier moment and is shown the state
//! of then (rebuilt from the history, at most one per tick however fast a
//! timeline is dragged), while the live reducer goes on; "live" brings the
//! page back to the live state. Both moves are ordinary diffs: the graph
//! crosses as its difference, the rings whole.

use shared::history::{HistoryStatus, Input};
use shared::LogWatch;

use super::{LinkCore, Rewound};

impl LinkCore {
    /// Show the state at `at_millis` (epoch ms, clamped to the history), or
    /// the live state (`None`). Done on the next tick.
    pub fn rewind(&mut self, at_millis: Option<i64>) {
        self.rewind_request = Some(at_millis);
        self.status_due = true;
    }

    /// Carries out the latest request; true when the shown state changed.
    pub(super) fn settle_rewind(&mut self) -> bool {
        let Some(request) = self.rewind_request.take() else {
            return false;
        };
        match request {
            Some(at_millis) => {
                let Some((start, end)) = self.history.span() else {
                    return false;
                };
                let at_millis = at_millis.clamp(start, end);
                let Some(target) = self.history.state_at(at_millis) else {
                    return false;
                };
                let mut shown = match self.rewound.take() {
                    Some(rewound) => rewound.shown,
                    // The live reducer's copy still owes the page what the
                    // live one does: from here on that copy is what it follows.
                    None => self.reducer.clone(),
                };
                shown.retarget(&target);
                self.rewound = Some(Rewound { shown, at_millis });
            }
            None => {
                let Some(Rewound { mut shown, .. }) = self.rewound.take() else {
                    return false;
                };
                // The shown copy knows what the page holds: make it the live
                // state and let it be the live reducer from now on.
                shown.retarget(&self.reducer);
                self.reducer = shown;
            }
        }
        true
    }

    /// The moment the page is shown, if not live.
    pub fn rewound_to(&self) -> Option<i64> {
        self.rewound.as_ref().map(|rewound| rewound.at_millis)
    }

    pub fn history_status(&self) -> HistoryStatus {
        self.history.status()
    }

    /// The page watches this log: in the live state and the shown one.
    pub fn watch_log(&mut self, node_id: Option<String>) {
        let watch = node_id.map_or(LogWatch::Nothing, LogWatch::Node);
        if let Some(rewound) = self.rewound.as_mut() {
            rewound.shown.watch_log(watch.clone());
        }
        self.reducer.watch_log(watch);
    }

    /// The user removed a node, an edge or the events: from the live state
    /// (and its history); an earlier moment shown stays as it was.
    pub fn clear_node(&mut self, node_id: String, now_millis: f64) {
        self.record(now_millis, Input::ClearNode(node_id));
    }

    pub fn clear_edge(&mut self, edge_id: String, now_millis: f64) {
        self.record(now_millis, Input::ClearEdge(edge_id));
    }

    pub fn clear_events(&mut self, now_millis: f64) {
        self.record(now_millis, Input::ClearEvents);
    }
}
