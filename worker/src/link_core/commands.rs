//! The link's inputs from the UI: sends, retry now, wakes, online, pause
//! and visibility. Each returns what the glue must do.

use shared::bridge::LinkPhase;
use shared::MessageKind;

use super::{Action, LinkCore};
use crate::policy::{self, WakeReason};

impl LinkCore {
    /// The UI asks to send a frame. `socket_open` is the socket's own view
    /// (a socket that is closing refuses nothing but sends nothing either).
    pub fn send(&mut self, frame: String, socket_open: bool) -> Vec<Action> {
        if self.demo.is_some() {
            return vec![Action::Refused("not sent: demo mode has no server".into())];
        }
        if socket_open && self.policy.phase() == LinkPhase::Open {
            return vec![Action::Send(frame)];
        }
        self.status_due = true;
        match self.outbox.push(frame) {
            Ok(()) => Vec::new(),
            Err(why) => vec![Action::Refused(why)],
        }
    }

    /// The page reports what applying a diff cost it.
    pub fn applied(&mut self, millis: f64, graph_changes: u32) {
        self.diff_budget.report(millis, graph_changes);
    }

    /// The user asked to connect now: no wait, no jitter.
    pub fn retry_now(&mut self) -> Vec<Action> {
        let mut actions = Vec::new();
        if self.config.as_ref().is_some_and(|config| !config.demo) && self.policy.retry_now() == policy::Action::Connect
        {
            actions.push(Action::Connect(self.connect_url()));
        }
        actions.push(Action::PostStatus);
        actions
    }

    /// Something suggests the network is back: reconnect soon, jittered.
    pub fn wake(&mut self, reason: WakeReason, now_millis: f64, unit_random: f64) -> Vec<Action> {
        self.policy.wake(reason, now_millis, unit_random);
        self.status_due = true;
        let mut actions = self.connect_if_due(now_millis);
        actions.push(Action::PostStatus);
        actions
    }

    /// The browser went online or offline.
    pub fn set_online(&mut self, online: bool, now_millis: f64, unit_random: f64) -> Vec<Action> {
        self.online = online;
        if online {
            return self.wake(WakeReason::Online, now_millis, unit_random);
        }
        self.status_due = true;
        vec![Action::PostStatus]
    }

    /// Pause holds diffs (the reducer goes on); resume posts what was held.
    pub fn set_paused(&mut self, paused: bool) -> Vec<Action> {
        if paused && !self.paused {
            self.events_at_pause = self.reducer.counters().messages_of(MessageKind::Event);
        }
        self.paused = paused;
        self.status_due = true;
        if paused {
            return vec![Action::PostStatus];
        }
        self.diff_and_status()
    }

    /// A hidden page gets no diffs; shown again, it gets what was held, and
    /// a waiting link reconnects soon.
    pub fn set_visible(&mut self, visible: bool, now_millis: f64, unit_random: f64) -> Vec<Action> {
        self.visible = visible;
        if !visible {
            return Vec::new();
        }
        self.policy.wake(WakeReason::PageShown, now_millis, unit_random);
        self.status_due = true;
        let mut actions = self.connect_if_due(now_millis);
        actions.extend(self.diff_and_status());
        actions
    }

    fn diff_and_status(&mut self) -> Vec<Action> {
        let mut actions = Vec::new();
        if let Some(diff) = self.take_diff_now() {
            actions.push(Action::PostDiff(Box::new(diff)));
        }
        actions.push(Action::PostStatus);
        actions
    }

    fn connect_if_due(&mut self, now_millis: f64) -> Vec<Action> {
        if self.config.is_some() && self.policy.tick(now_millis) == policy::Action::Connect {
            vec![Action::Connect(self.connect_url())]
        } else {
            Vec::new()
        }
    }
}
