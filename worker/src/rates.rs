//! Per-second rates from cumulative totals, sampled on the timer tick.

use shared::bridge::LinkRates;

/// Totals at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub messages: u64,
    pub bytes: u64,
    pub reduce_millis: f64,
}

/// Turns totals into rates over windows of at least `window_millis`.
/// Until a window has closed since it (re)started, it knows no rate: a
/// connection's first second would otherwise show the window before it
/// (0 msg/s while a snapshot pours in).
#[derive(Debug, Clone)]
pub struct RateMeter {
    window_millis: f64,
    start: Option<(f64, Totals)>,
    rates: Option<LinkRates>,
}

impl RateMeter {
    pub fn new(window_millis: f64) -> Self {
        RateMeter { window_millis, start: None, rates: None }
    }

    /// Forgets the rates: the next window starts at the next sample.
    pub fn restart(&mut self) {
        self.start = None;
        self.rates = None;
    }

    /// Feeds the totals at `now_millis`; returns true when a window closed
    /// and the rates were updated.
    pub fn sample(&mut self, now_millis: f64, totals: Totals) -> bool {
        let Some((since, then)) = self.start else {
            self.start = Some((now_millis, totals));
            return false;
        };
        let elapsed_millis = now_millis - since;
        if elapsed_millis < self.window_millis {
            return false;
        }
        let per_sec = 1000.0 / elapsed_millis;
        self.rates = Some(LinkRates {
            messages_per_sec: totals.messages.saturating_sub(then.messages) as f64 * per_sec,
            bytes_per_sec: totals.bytes.saturating_sub(then.bytes) as f64 * per_sec,
            reduce_millis_per_sec: (totals.reduce_millis - then.reduce_millis).max(0.0) * per_sec,
        });
        self.start = Some((now_millis, totals));
        true
    }

    /// The last closed window's rates; `None` before one has closed.
    pub fn rates(&self) -> Option<LinkRates> {
        self.rates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_over_closed_windows() {
        let mut meter = RateMeter::new(1000.0);
        let totals = |messages, bytes, reduce_millis| Totals { messages, bytes, reduce_millis };
        assert!(!meter.sample(0.0, totals(0, 0, 0.0)));
        assert!(!meter.sample(500.0, totals(100, 1000, 1.0)));
        assert_eq!(meter.rates(), None);
        assert!(meter.sample(2000.0, totals(400, 8000, 10.0)));
        let rates = LinkRates { messages_per_sec: 200.0, bytes_per_sec: 4000.0, reduce_millis_per_sec: 5.0 };
        assert_eq!(meter.rates(), Some(rates));
        // A restart forgets them; the next window starts at the next sample.
        meter.restart();
        assert_eq!(meter.rates(), None);
        assert!(!meter.sample(2100.0, totals(400, 8000, 10.0)));
        assert!(!meter.sample(3000.0, totals(1400, 9000, 10.0)));
        assert!(meter.sample(3100.0, totals(1500, 9000, 10.0)));
        assert_eq!(meter.rates().map(|r| r.messages_per_sec), Some(1100.0));
    }
}
