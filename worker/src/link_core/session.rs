//! Session files through the link: saving the history window, and opening
//! a saved one, which replaces the link with the recording (no server: the
//! dashboard shows the recording's last moment, and the timeline scrubs
//! through it). Configuring the link again leaves the recording.

use shared::history::{History, HistoryBudget};
use shared::limits::HISTORY_MIB_RANGE;
use shared::session::{file_name, read_session, write_session, SESSION_EXTENSION};

use super::{Action, LinkCore};

/// A recording is kept whole up to this many bytes of history (its
/// checkpoints included), whatever the live budget.
const RECORDING_HISTORY_MAX_BYTES: u64 = (*HISTORY_MIB_RANGE.end() as u64) << 20;

impl LinkCore {
    /// The history window as a session file for the page to download.
    pub fn save_session(&self) -> Vec<Action> {
        let project = match (&self.recording, &self.config) {
            (Some(meta), _) => meta.project.clone(),
            (None, Some(config)) if config.demo => "demo".to_owned(),
            (None, Some(config)) => config.project.clone(),
            (None, None) => "meshview".to_owned(),
        };
        match write_session(&self.history, &project) {
            Ok(bytes) => {
                let end_millis = self.history.span().map_or(0, |(_, end)| end);
                vec![Action::PostSessionFile {
                    name: file_name("meshview", &project, end_millis, SESSION_EXTENSION),
                    bytes,
                }]
            }
            Err(error) => vec![Action::SessionError(format!("not saved: {error}"))],
        }
    }

    /// Opens a session file: on success the link stops and the page is
    /// shown the recording; on failure nothing changes.
    pub fn open_session(&mut self, file: &[u8]) -> Vec<Action> {
        let session = match read_session(file) {
            Ok(session) => session,
            Err(error) => return vec![Action::SessionError(format!("not opened: {error}"))],
        };
        let budget = HistoryBudget {
            max_age_millis: u64::MAX / 4,
            max_bytes: self.history.budget().max_bytes.max(RECORDING_HISTORY_MAX_BYTES),
        };
        let start_millis = session.meta.start_millis;
        let (history, end_state) = History::replayed(budget, start_millis, session.base, session.inputs, session.marks);
        let mut actions = vec![Action::Disconnect];
        self.demo = None;
        self.policy.demo();
        // The page starts over and is sent the recording's last moment.
        self.start_over();
        self.drop_outbox("a recording was opened instead of the stream", &mut actions);
        self.reducer.retarget(&end_state);
        self.history = history;
        self.recording = Some(session.meta);
        self.status_due = true;
        actions.push(Action::PostStatus);
        actions
    }

    pub fn recording(&self) -> Option<&shared::session::SessionMeta> {
        self.recording.as_ref()
    }
}
