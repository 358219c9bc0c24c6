//! The moments a timeline points out: the link dropping, the stream
//! skipping messages, bursts of error events. Bounded: at most
//! `MAX_HISTORY_MARKS`, and marks of one kind close together are merged.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::limits::MAX_HISTORY_MARKS;
use crate::protocol::Severity;
use crate::reducer::Reducer;

/// Marks of one kind this close together are one mark (with a count).
pub const MARK_MERGE_MILLIS: i64 = 1_000;
/// This many error events within `MARK_MERGE_MILLIS` make a burst.
pub const ERROR_BURST_EVENTS: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarkKind {
    /// The link dropped.
    Disconnected,
    /// `seq` skipped messages.
    Gap,
    /// Error events came in a burst.
    ErrorBurst,
    /// Recording paused: the stream was too fast for the budget to hold
    /// `MIN_WINDOW_MILLIS` of it (moments up to the next checkpoint show
    /// this one).
    Paused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub at_millis: i64,
    pub kind: MarkKind,
    /// Occurrences merged into this mark (errors, for a burst).
    pub count: u32,
}

#[derive(Debug, Default)]
pub(super) struct Marks {
    marks: VecDeque<Mark>,
    /// Error events in the current one-second window, and when it began.
    errors_since: i64,
    errors: u32,
}

impl Marks {
    pub(super) fn push(&mut self, at_millis: i64, kind: MarkKind) {
        self.push_counted(at_millis, kind, 1);
    }

    fn push_counted(&mut self, at_millis: i64, kind: MarkKind, count: u32) {
        if let Some(last) = self.marks.iter_mut().rev().find(|mark| mark.kind == kind) {
            if at_millis - last.at_millis < MARK_MERGE_MILLIS {
                last.count = last.count.saturating_add(count);
                return;
            }
        }
        if self.marks.len() >= MAX_HISTORY_MARKS {
            self.marks.pop_front();
        }
        self.marks.push_back(Mark { at_millis, kind, count });
    }

    /// Looks at what one input did to `live`: new error events and `seq`
    /// gaps. O(new events).
    pub(super) fn note_input(&mut self, live: &Reducer, at_millis: i64, events_before: u64, gaps_before: u64) {
        if live.counters().seq_gaps > gaps_before {
            self.push(at_millis, MarkKind::Gap);
        }
        let new_events = live.events_pushed().saturating_sub(events_before) as usize;
        let errors = live.newest_events(new_events).filter(|event| event.severity == Severity::Error).count() as u32;
        if errors == 0 {
            return;
        }
        if at_millis - self.errors_since >= MARK_MERGE_MILLIS {
            self.errors_since = at_millis;
            self.errors = 0;
        }
        let was_burst = self.errors >= ERROR_BURST_EVENTS;
        self.errors = self.errors.saturating_add(errors);
        if self.errors >= ERROR_BURST_EVENTS {
            self.push_counted(at_millis, MarkKind::ErrorBurst, if was_burst { errors } else { self.errors });
        }
    }

    /// Marks read from a recording replace those the replay found (they
    /// include what no input shows, such as disconnections).
    pub(super) fn restore(&mut self, marks: Vec<Mark>) {
        self.marks = marks.into_iter().rev().take(MAX_HISTORY_MARKS).rev().collect();
    }

    pub(super) fn forget_before(&mut self, start_millis: i64) {
        while self.marks.front().is_some_and(|mark| mark.at_millis < start_millis) {
            self.marks.pop_front();
        }
    }

    pub(super) fn since(&self, start_millis: i64) -> Vec<Mark> {
        self.marks.iter().filter(|mark| mark.at_millis >= start_millis).cloned().collect()
    }
}
