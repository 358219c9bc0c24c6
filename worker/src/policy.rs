//! The reconnect policy as a pure state machine: time and randomness come in
//! as arguments, actions come out. Exponential backoff with full jitter
//! applied after the cap (a fleet of dashboards spreads out instead of
//! reconnecting in lockstep), an attempt count that resets only after the
//! link stayed healthy, no giving up on network errors, and a "retry now"
//! that works in every phase.

use shared::bridge::LinkPhase;

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
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            base_delay_millis: 800.0,
            factor: 1.8,
            max_delay_millis: 30_000.0,
            min_delay_millis: 100.0,
            healthy_after_millis: 10_000.0,
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

    /// The socket closed or failed to open. `unit_random` is uniform in
    /// [0, 1): it picks the jittered delay.
    pub fn closed(&mut self, now_millis: f64, why: &str, unit_random: f64) {
        if self.phase == LinkPhase::Open && now_millis - self.opened_at_millis >= self.config.healthy_after_millis {
            self.attempt = 0;
        }
        self.attempt = self.attempt.saturating_add(1);
        let delay = self.delay_millis(self.attempt, unit_random);
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

    /// Something suggests the network is back: skip the wait. An open link
    /// is left alone (the glue probes it for silence separately).
    pub fn wake(&mut self, reason: WakeReason) -> Action {
        if self.phase != LinkPhase::Waiting {
            return Action::None;
        }
        let why = match reason {
            WakeReason::Online => "back online",
            WakeReason::PageShown => "page shown",
            WakeReason::ClockJump => "woke from sleep",
        };
        self.connecting(why)
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
    /// [min, capped backoff], the jitter applied after the cap.
    pub fn delay_millis(&self, attempt: u32, unit_random: f64) -> f64 {
        let exponent = attempt.saturating_sub(1).min(64) as i32;
        let capped =
            (self.config.base_delay_millis * self.config.factor.powi(exponent)).min(self.config.max_delay_millis);
        let jittered = capped * unit_random.clamp(0.0, 1.0);
        jittered.max(self.config.min_delay_millis)
    }

    fn connecting(&mut self, why: &str) -> Action {
        self.phase = LinkPhase::Connecting;
        self.reason = why.to_owned();
        Action::Connect
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> LinkPolicy {
        LinkPolicy::new(PolicyConfig::default())
    }

    #[test]
    fn backoff_grows_to_the_cap_with_full_jitter_after_it() {
        let p = policy();
        // The upper bound (random -> 1) grows by the factor up to the cap.
        let bounds: Vec<f64> = (1..=12).map(|attempt| p.delay_millis(attempt, 0.999_999).round()).collect();
        assert_eq!(&bounds[..4], &[800.0, 1440.0, 2592.0, 4666.0]);
        assert!(bounds.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(bounds.last().copied(), Some(30_000.0));
        // Jitter spans the whole capped range, floored against hot loops.
        assert_eq!(p.delay_millis(40, 0.0), 100.0);
        assert_eq!(p.delay_millis(40, 0.5), 15_000.0);
        assert_eq!(p.delay_millis(u32::MAX, 0.25), 7_500.0);
    }

    #[test]
    fn never_gives_up_and_waits_the_jittered_delay() {
        let mut p = policy();
        assert_eq!(p.start(), Action::Connect);
        let mut now = 0.0;
        for attempt in 1..=200u32 {
            p.closed(now, "connection refused", 0.5);
            assert_eq!(p.phase(), LinkPhase::Waiting);
            assert_eq!(p.attempt(), attempt);
            let wait = p.retry_in_millis(now).unwrap_or_default();
            assert!(wait <= 15_000.0 + 1e-6, "{wait}");
            assert_eq!(p.tick(now + wait - 1.0), Action::None);
            now += wait;
            assert_eq!(p.tick(now), Action::Connect);
            assert_eq!(p.phase(), LinkPhase::Connecting);
        }
    }

    #[test]
    fn attempts_reset_only_after_a_healthy_link() {
        let mut p = policy();
        p.start();
        for _ in 0..5 {
            p.closed(0.0, "refused", 0.5);
            p.tick(1e9);
        }
        // Open briefly: a flapping server does not reset the count.
        p.opened(0.0);
        p.closed(9_999.0, "closed", 0.5);
        assert_eq!(p.attempt(), 6);
        p.tick(1e9);
        p.opened(20_000.0);
        p.closed(30_000.0, "closed", 0.5);
        assert_eq!(p.attempt(), 1);
    }

    #[test]
    fn retry_now_works_in_every_phase() {
        let mut p = policy();
        assert_eq!(p.retry_now(), Action::Connect); // idle
        assert_eq!(p.retry_now(), Action::Connect); // connecting
        p.opened(0.0);
        assert_eq!(p.retry_now(), Action::Connect); // open
        p.closed(0.0, "x", 0.9);
        assert_eq!(p.retry_now(), Action::Connect); // waiting
        assert_eq!(p.phase(), LinkPhase::Connecting);
    }

    #[test]
    fn wake_triggers_skip_the_wait_only_while_waiting() {
        for reason in [WakeReason::Online, WakeReason::PageShown, WakeReason::ClockJump] {
            let mut p = policy();
            p.start();
            assert_eq!(p.wake(reason), Action::None);
            p.opened(0.0);
            assert_eq!(p.wake(reason), Action::None);
            p.closed(0.0, "x", 0.99);
            assert_eq!(p.wake(reason), Action::Connect);
        }
    }
}
