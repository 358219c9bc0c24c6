//! What the link follows: the configured source (a server's project, or
//! the demo) and switching between sources, each of which starts the view
//! over; a recording (`session.rs`) is a source too.

use shared::bridge::LinkConfig;
use shared::history::Input;
use shared::sim::{SimConfig, Simulator};

use super::{source_name, Action, Demo, LinkCore, DEMO_NODES};

impl LinkCore {
    /// New settings: drop any socket and start over. Another source (URL,
    /// project or demo) starts from an empty view, and frames queued for the
    /// old source are dropped and reported, never sent to the new one.
    pub fn configure(&mut self, mut config: LinkConfig, now_millis: f64) -> Vec<Action> {
        let mut actions = vec![Action::Disconnect];
        let old_source = self.config.as_ref().map(source_name);
        let new_source = source_name(&config);
        // A recording open is a source of its own: leaving it starts over.
        let old_source = match self.recording.take() {
            Some(meta) => Some(format!("the recording of {}", meta.project)),
            None => old_source.filter(|old| *old != new_source),
        };
        if let Some(old_source) = old_source {
            self.start_over();
            self.drop_outbox(&format!("the link switched from {old_source} to {new_source}"), &mut actions);
        } else if config.demo {
            self.drop_outbox("demo mode has no server", &mut actions);
        }
        self.history.set_budget(config.history, now_millis as i64);
        if let Some(token) = config.token.take() {
            self.token = Some(token);
        }
        self.demo = None;
        self.status_due = true;
        if config.demo {
            let sim = Simulator::new(SimConfig { n_nodes: DEMO_NODES, ..SimConfig::default() });
            self.record(now_millis, Input::Messages(vec![sim.snapshot(now_millis as i64)]));
            self.demo = Some(Demo { sim, last_step_millis: now_millis });
            self.policy.demo();
            self.config = Some(config);
        } else {
            self.config = Some(config);
            self.policy.start();
            actions.push(Action::Connect(self.connect_url()));
        }
        actions.push(Action::PostStatus);
        actions
    }

    /// Another source: an empty view (the page is told to drop its own),
    /// no history, nothing about the last connection.
    pub(super) fn start_over(&mut self) {
        self.reducer.reset();
        self.history.clear();
        self.rewound = None;
        self.rewind_request = None;
        self.lost_at_millis = None;
        self.first_frame_due = None;
        self.opened_before = false;
    }

    pub(super) fn drop_outbox(&mut self, why: &str, actions: &mut Vec<Action>) {
        let n_dropped = self.outbox.drain().count();
        if n_dropped > 0 {
            let frames = if n_dropped == 1 { "frame" } else { "frames" };
            actions.push(Action::Refused(format!("not sent: {n_dropped} queued {frames} dropped; {why}")));
        }
    }
}
