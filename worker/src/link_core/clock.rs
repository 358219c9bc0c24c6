//! What the link does on its clock: the tick (backoff timers, silence and
//! sleep detection, at most one diff, status at least once a second), the
//! demo feed, and the status it reports.

use shared::bridge::{LinkPhase, LinkStatus};
use shared::history::Input;
use shared::MessageKind;

use super::{
    config_url, Action, LinkCore, CLOCK_JUMP_MILLIS, DEMO_MAX_STEP_MILLIS, DEMO_MESSAGES_PER_SEC,
    STATUS_INTERVAL_MILLIS,
};
use crate::policy::{self, WakeReason};
use crate::rates::Totals;

impl LinkCore {
    /// The clock tick, every `tick_interval_millis`: the diff interval, or
    /// more often when that is slow.
    pub fn tick(&mut self, now_millis: f64, unit_random: f64) -> Vec<Action> {
        let mut actions = Vec::new();
        let late_by = now_millis - self.last_tick_millis - f64::from(self.tick_interval_millis());
        let slept = self.last_tick_millis > 0.0 && late_by > CLOCK_JUMP_MILLIS;
        self.last_tick_millis = now_millis;
        let silent = now_millis - self.last_frame_millis > self.idle_limit_millis();
        let open = self.policy.phase() == LinkPhase::Open;
        if slept {
            if open && silent {
                // The link may have died while the machine slept: probe it
                // by reconnecting rather than trusting a socket that says open.
                self.policy.closed(now_millis, None, "link silent after sleep", unit_random);
                actions.push(Action::Disconnect);
            }
            self.policy.wake(WakeReason::ClockJump, now_millis, unit_random);
        }
        if self.policy.phase() == LinkPhase::Open && silent && !self.quiet {
            self.quiet = true;
            self.quiet_periods += 1;
            self.status_due = true;
        }
        if self.config.is_some() && self.policy.tick(now_millis) == policy::Action::Connect {
            self.status_due = true;
            actions.push(Action::Connect(self.connect_url()));
        }
        self.settle_gap_if_silent(now_millis);
        let counters = self.reducer.counters();
        let totals =
            Totals { messages: counters.messages(), bytes: counters.bytes, reduce_millis: self.reduce_millis_total };
        let window_closed = self.meter.sample(now_millis, totals);
        let moved = self.settle_rewind();
        if moved || self.diff_due(now_millis) {
            if let Some(diff) = self.take_diff_now() {
                self.last_diff_millis = now_millis;
                actions.push(Action::PostDiff(Box::new(diff)));
            }
        }
        if self.status_due || window_closed || now_millis - self.last_status_millis >= STATUS_INTERVAL_MILLIS {
            self.status_due = false;
            self.last_status_millis = now_millis;
            actions.push(Action::PostStatus);
        }
        actions
    }

    /// Whether a diff may go out on this tick: on every tick when ticks come
    /// at the diff interval; otherwise once the interval has passed (less
    /// half a tick, so timer jitter does not skip a whole tick).
    fn diff_due(&self, now_millis: f64) -> bool {
        let (flush, tick) = (self.flush_interval_millis(), self.tick_interval_millis());
        flush == tick || now_millis - self.last_diff_millis >= f64::from(flush) - f64::from(tick) / 2.0
    }

    /// Demo mode: the simulator's messages for the time since the last step.
    pub fn demo_step(&mut self, now_millis: f64) {
        let Some(demo) = self.demo.as_mut() else {
            return;
        };
        let elapsed_millis = (now_millis - demo.last_step_millis).clamp(0.0, DEMO_MAX_STEP_MILLIS);
        demo.last_step_millis = now_millis;
        let count = (elapsed_millis * DEMO_MESSAGES_PER_SEC / 1000.0).round() as usize;
        let messages: Vec<_> = (0..count).map(|_| demo.sim.next_message(now_millis as i64)).collect();
        if !messages.is_empty() {
            self.record(now_millis, Input::Messages(messages));
        }
        self.last_frame_millis = now_millis;
    }

    /// Connection state and diagnostics; the glue adds what only the
    /// browser knows (`worker_memory_bytes`).
    pub fn status(&self, now_millis: f64) -> LinkStatus {
        let counters = self.reducer.counters();
        let rates = self.meter.rates();
        LinkStatus {
            phase: self.policy.phase(),
            attempt: self.policy.attempt(),
            retry_in_millis: self.policy.retry_in_millis(now_millis).map(|millis| millis.round() as u32),
            reason: self.policy.reason().to_owned(),
            quiet: self.quiet,
            graph_stale: self.graph_shown_stale(),
            snapshot_arriving: self.reducer.snapshot_arriving(),
            paused: self.paused,
            online: self.online,
            url: self.config.as_ref().map(config_url).unwrap_or_default(),
            rates,
            events_while_paused: if self.paused {
                counters.messages_of(MessageKind::Event).saturating_sub(self.events_at_pause)
            } else {
                0
            },
            n_nodes: self.reducer.nodes().len() as u64,
            n_edges: self.reducer.edges().len() as u64,
            history: self.history_status(),
            rewound_to_millis: self.rewound_to(),
            recording: self.recording().cloned(),
            diff_graph_budget: self.diff_budget.graph_changes() as u32,
            quiet_periods: self.quiet_periods,
            reconnects: self.reconnects,
            queued_outgoing: self.outbox.len() as u32,
            worker_memory_bytes: 0,
        }
    }
}
