//! Resuming (docs/protocol.md, "Positions and resume"): a reconnect to the
//! same server and project asks for the stream after the last position the
//! view applied. Whether the link lost anything is known only from the new
//! connection's first frame: `resumed` means nothing was lost, so no
//! "connection lost" event and no stale graph while it is on its way.

use shared::bridge::percent_encode;
use shared::history::Input;
use shared::{Event, Severity};

use super::{config_url, LinkCore};

/// A connection that sends nothing this long after it opened has not
/// resumed: the "connection lost" event is added then.
pub(super) const FIRST_FRAME_WAIT_MILLIS: f64 = 5_000.0;

impl LinkCore {
    /// The URL of the next connection: the configured one, plus `since`
    /// when this reconnects to the source it last opened and the view holds
    /// a position (never on first load, never after a source switch, whose
    /// reset forgets both).
    pub(super) fn connect_url(&mut self) -> String {
        let Some(config) = self.config.as_ref() else {
            return String::new();
        };
        let url = config_url(config);
        let since = self.reducer.last_pos().filter(|_| self.opened_before);
        self.resume_asked = since.is_some();
        match since {
            Some(pos) => format!("{url}&since={}", percent_encode(&pos.to_string())),
            None => url,
        }
    }

    /// The first frame of a connection (or its long silence) tells whether
    /// the link lost anything; only a loss that was not resumed leaves an
    /// event, spanning from the loss to the reopen.
    pub(super) fn settle_gap(&mut self, resumed: bool, opened_at_millis: f64, now_millis: f64) {
        let Some(lost_at) = self.lost_at_millis.take() else {
            return;
        };
        if resumed {
            return;
        }
        let clock = self.local_clock;
        let event = Event {
            ts_millis: opened_at_millis as i64,
            severity: Severity::Warn,
            message: format!("connection lost {} – {}", clock(lost_at), clock(opened_at_millis)),
            node_id: None,
            local: true,
        };
        self.record(now_millis, Input::LocalEvent(event));
        self.status_due = true;
    }

    pub(super) fn settle_gap_if_silent(&mut self, now_millis: f64) {
        if let Some(opened_at) = self.first_frame_due.filter(|at| now_millis - at >= FIRST_FRAME_WAIT_MILLIS) {
            self.first_frame_due = None;
            self.settle_gap(false, opened_at, now_millis);
        }
    }

    /// The graph as the status shows it: a connection that asked to resume
    /// is not shown stale while its first frame is on the way (it either
    /// resumes, or its snapshot replaces the graph).
    pub(super) fn graph_shown_stale(&self) -> bool {
        let resume_pending = self.resume_asked && self.first_frame_due.is_some();
        self.reducer.graph_stale() && !resume_pending
    }
}
