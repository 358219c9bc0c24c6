//! Is the worker still there? A worker that traps, throws or is closed
//! goes silent without a word, and the page would go on showing its last
//! status ("Live"). The rule: no message from the worker for longer than
//! the silence limit while the page is visible means it stopped. Pure (the
//! clock is an argument); `browser.rs` feeds it messages, visibility and a
//! timer.
//!
//! Hidden pages get throttled timers, and a busy main thread delivers the
//! worker's messages late, so silence is only judged while the page is
//! visible and the check itself ran on time; otherwise the clock restarts.

/// Silence after which a worker that has spoken is taken for stopped. The
/// worker posts status at least once a second whatever its diff interval
/// (its clock ticks at least twice a second: `MAX_TICK_INTERVAL_MILLIS` in
/// worker/src/link_core.rs), so a live one is never this quiet.
pub const WORKER_SILENCE_LIMIT_MILLIS: f64 = 2_500.0;
/// A worker that never spoke gets this long to load (download, compile).
pub const WORKER_START_LIMIT_MILLIS: f64 = 20_000.0;
/// How often the page runs `check`: a stopped worker is reported at most
/// this long after the silence limit (2.75 s in all, within the 3 s that
/// xtask/tests/e2e_watchdog.rs holds the page to). Each check is a timer
/// task on the main thread, mostly the browser's own cost of running a
/// task (~0.28 ms each in a steady-10k trace): ten a second were 0.3 % of
/// the main thread there.
pub const WATCHDOG_CHECK_INTERVAL_MILLIS: u32 = 250;
/// A check later than this after the previous one means this page was
/// stalled or throttled, not that the worker was quiet.
pub const MAX_CHECK_GAP_MILLIS: f64 = 1_000.0;
// A check on time is never taken for a stalled page.
const _: () = assert!(2.0 * WATCHDOG_CHECK_INTERVAL_MILLIS as f64 <= MAX_CHECK_GAP_MILLIS);

/// What the page knows about its worker.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerHealth {
    Running,
    /// Stopped (or hanging); the text says what was seen.
    Stopped(String),
}

#[derive(Debug, Clone)]
pub struct Watchdog {
    silence_limit_millis: f64,
    heard_from_worker: bool,
    /// Silence is measured from here: the last message, the start, or the
    /// last time the page could not watch.
    quiet_since_millis: f64,
    last_check_millis: f64,
    visible: bool,
    health: WorkerHealth,
}

impl Watchdog {
    pub fn new(now_millis: f64, visible: bool) -> Watchdog {
        Watchdog {
            silence_limit_millis: WORKER_SILENCE_LIMIT_MILLIS,
            heard_from_worker: false,
            quiet_since_millis: now_millis,
            last_check_millis: now_millis,
            visible,
            health: WorkerHealth::Running,
        }
    }

    pub fn health(&self) -> &WorkerHealth {
        &self.health
    }

    /// A message from the worker: it runs (whatever was concluded before).
    pub fn heard(&mut self, now_millis: f64) {
        self.heard_from_worker = true;
        self.quiet_since_millis = now_millis;
        self.health = WorkerHealth::Running;
    }

    /// The page was shown or hidden; on showing, silence counts from now.
    pub fn visibility_changed(&mut self, visible: bool, now_millis: f64) {
        if visible && !self.visible {
            self.quiet_since_millis = now_millis;
            self.last_check_millis = now_millis;
        }
        self.visible = visible;
    }

    /// The periodic check; a stopped worker stays stopped until it speaks.
    pub fn check(&mut self, now_millis: f64) -> &WorkerHealth {
        let gap_millis = now_millis - std::mem::replace(&mut self.last_check_millis, now_millis);
        if !self.visible {
            return &self.health;
        }
        if gap_millis > MAX_CHECK_GAP_MILLIS {
            // Messages may be waiting behind whatever held this page up.
            self.quiet_since_millis = now_millis;
            return &self.health;
        }
        let silent_millis = now_millis - self.quiet_since_millis;
        if self.heard_from_worker && silent_millis > self.silence_limit_millis {
            self.health = WorkerHealth::Stopped(format!(
                "No message from the worker for {:.1} s: it stopped or hangs. Reload the page.",
                silent_millis / 1000.0
            ));
        } else if !self.heard_from_worker && silent_millis > WORKER_START_LIMIT_MILLIS {
            self.health = WorkerHealth::Stopped(format!(
                "The worker did not start within {:.0} s. Reload the page.",
                WORKER_START_LIMIT_MILLIS / 1000.0
            ));
        }
        &self.health
    }
}
