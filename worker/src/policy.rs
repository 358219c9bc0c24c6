//! The reconnect policy as a pure state machine: time and randomness come in
//! as arguments, actions come out. Exponential backoff with full jitter
//! applied after the cap (a fleet of dashboards spreads out instead of
//! reconnecting in lockstep), an attempt count that resets only after the
//! link stayed healthy, no giving up on network errors, and a "retry now"
//! that works in every phase.
//!
//! Herds are what this guards against: when a server restarts, every
//! dashboard on it loses its link in the same instant. So the first retry
//! after a healthy link drops (and any retry the server asked to delay) is
//! drawn from a window of seconds, not from the sub-second first backoff
//! step; and a wake (back online, page shown, clock jump) reconnects after a
//! short jittered delay rather than at once.

use shared::bridge::LinkPhase;

/// The server is restarting (RFC 6455): retry spread out.
pub const CLOSE_SERVER_RESTART: u16 = 1012;
/// The server is overloaded, try again later (RFC 6455): back off.
pub const CLOSE_TRY_AGAIN_LATER: u16 = 1013;
/// The client read too slowly (PROTOCOL.md): back off.
pub const CLOSE_CLIENT_TOO_SLOW: u16 = 4001;

/// The window the first retry after a healthy link drops is drawn from
/// (full jitter), so a server restart is not hit by all clients at once.
pub const RECONNECT_SPREAD_MILLIS: f64 = 5_000.0;
/// The window a wake's reconnect is drawn from: many tabs waking together
/// (a laptop lid opens, the network comes back) still spread out.
pub const WAKE_SPREAD_MILLIS: f64 = 1_000.0;

/// Tunables of the policy; the defaults are what the dashboard uses.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyConfig {
    /// The un-jittered delay before the first retry.
    pub base_delay_millis: f64,
    pub factor: f64,
    /// Backoff never grows past this (before jitter).
    pub max_delay_millis: f64,
    /// A jittered delay is never shorter than this (no hot loop).
    pub min_delay_millis: f64,
    /// The attempt count resets once a link stayed open this long.
    pub healthy_after_millis: f64,
    /// The narrowest window a retry is drawn from after a healthy link
    /// dropped or the server asked to wait (1012, 1013, 4001).
    pub spread_millis: f64,
    /// The window a wake's reconnect is drawn from.
    pub wake_spread_millis: f64,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            base_delay_millis: 800.0,
            factor: 1.8,
            max_delay_millis: 30_000.0,
            min_delay_millis: 100.0,
            healthy_after_millis: 10_000.0,
            spread_millis: RECONNECT_SPREAD_MILLIS,
            wake_spread_millis: WAKE_SPREAD_MILLIS,
        }
    }
}

/// What the glue must do after an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Open a new socket (closing any current one first).
    Connect,
    /// Nothing to do.
    None,
}

/// Why the policy woke up early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WakeReason {
    /// The browser went back online.
    Online,
    /// The page became visible, was restored or focused.
    PageShown,
    /// A timer fired far later than scheduled (the machine slept).
    ClockJump,
}

#[derive(Debug, Clone)]
pub struct LinkPolicy {
    config: PolicyConfig,
    phase: LinkPhase,
    /// Consecutive attempts that did not lead to a healthy link.
    attempt: u32,
    opened_at_millis: f64,
    retry_at_millis: f64,
    reason: String,
}

impl LinkPolicy {
    pub fn new(config: PolicyConfig) -> Self {
        LinkPolicy {
            config,
            phase: LinkPhase::Idle,
            attempt: 0,
            opened_at_millis: 0.0,
            retry_at_millis: 0.0,
            reason: "not started".into(),
        }
    }

    /// Start (or restart with new settings): connect at once.
    pub fn start(&mut self) -> Action {
        self.attempt = 0;
        self.connecting("connecting")
    }

    /// The socket opened.
    pub fn opened(&mut self, now_millis: f64) {
        self.phase = LinkPhase::Open;
        self.opened_at_millis = now_millis;
        self.reason = "open".into();
    }

    /// The socket closed (with the server's `close_code`, if it sent one)
    /// or failed to open. `unit_random` is uniform in [0, 1): it picks the
    /// jittered delay.
    pub fn closed(&mut self, now_millis: f64, close_code: Option<u16>, why: &str, unit_random: f64) {
        let healthy =
            self.phase == LinkPhase::Open && now_millis - self.opened_at_millis >= self.config.healthy_after_millis;
        // A server that says "too slow" or "later" gets a growing wait even
        // from a link that looked healthy.
        let backs_off = matches!(close_code, Some(CLOSE_CLIENT_TOO_SLOW | CLOSE_TRY_AGAIN_LATER));
        if healthy && !backs_off {
            self.attempt = 0;
        }
        self.attempt = self.attempt.saturating_add(1);
        let spread = healthy || backs_off || close_code == Some(CLOSE_SERVER_RESTART);
        let delay = self.delay_millis(self.attempt, spread, unit_random);
        self.phase = LinkPhase::Waiting;
        self.retry_at_millis = now_millis + delay;
        self.reason = why.to_owned();
    }

    /// Called on every timer tick: connects when the wait is over.
    pub fn tick(&mut self, now_millis: f64) -> Action {
        if self.phase == LinkPhase::Waiting && now_millis >= self.retry_at_millis {
            return self.connecting("reconnecting");
        }
        Action::None
    }

    /// The user asked to retry: connect now, whatever the phase.
    pub fn retry_now(&mut self) -> Action {
        match self.phase {
            LinkPhase::Demo => Action::None,
            _ => self.connecting("retrying now (asked)"),
        }
    }

    /// Something suggests the network is back: while waiting, the next
    /// attempt comes within a short jittered delay (never later than already
    /// planned); `tick` makes it. An open link is left alone (the glue
    /// probes it for silence separately).
    pub fn wake(&mut self, reason: WakeReason, now_millis: f64, unit_random: f64) {
        if self.phase != LinkPhase::Waiting {
            return;
        }
        let wake_at = now_millis + self.config.wake_spread_millis * unit_random.clamp(0.0, 1.0);
        if wake_at < self.retry_at_millis {
            self.retry_at_millis = wake_at;
            self.reason = match reason {
                WakeReason::Online => "back online",
                WakeReason::PageShown => "page shown",
                WakeReason::ClockJump => "woke from sleep",
            }
            .into();
        }
    }

    /// Demo mode: no socket at all.
    pub fn demo(&mut self) {
        self.phase = LinkPhase::Demo;
        self.reason = "built-in simulator".into();
    }

    pub fn phase(&self) -> LinkPhase {
        self.phase
    }

    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Until the next attempt, while waiting.
    pub fn retry_in_millis(&self, now_millis: f64) -> Option<f64> {
        (self.phase == LinkPhase::Waiting).then(|| (self.retry_at_millis - now_millis).max(0.0))
    }

    /// The jittered delay before attempt `attempt` (1-based): uniform in
    /// [min, window], the jitter applied after the cap. The window is the
    /// capped backoff, widened to at least `spread_millis` when `spread`.
    pub fn delay_millis(&self, attempt: u32, spread: bool, unit_random: f64) -> f64 {
        let exponent = attempt.saturating_sub(1).min(64) as i32;
        let capped =
            (self.config.base_delay_millis * self.config.factor.powi(exponent)).min(self.config.max_delay_millis);
        let window = if spread { capped.max(self.config.spread_millis) } else { capped };
        let jittered = window * unit_random.clamp(0.0, 1.0);
        jittered.max(self.config.min_delay_millis)
    }

    fn connecting(&mut self, why: &str) -> Action {
        self.phase = LinkPhase::Connecting;
        self.reason = why.to_owned();
        Action::Connect
    }
}

#[cfg(test)]
mod tests;
