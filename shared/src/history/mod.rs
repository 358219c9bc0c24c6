//! A bounded history of one project's stream, kept beside the live reducer:
//! checkpoints of the reduced state (`Reducer::freeze`: what did not change
//! is shared with the live state) and the inputs between them, so the state at any moment of the window is one checkpoint plus a
//! bounded replay. Pure, like the reducer: time is an argument.
//!
//! Bounds: the whole history (checkpoints and inputs) stays within the
//! budget's bytes, and moments older than its age are let go. A checkpoint
//! is cut when the inputs since the last one reach its replay limit
//! (`replay_limit_bytes`: 2 to `MAX_REPLAY_BYTES`, less for a larger
//! state, whose thawing takes part of a rebuild's time) or
//! `MAX_REPLAY_INPUTS` (so replaying them stays bounded, whatever the
//! rate), or when a quarter of the age budget has passed (so a quiet stream
//! can still let old moments go).
//!
//! A stream too fast for the budget to hold `MIN_WINDOW_MILLIS` of it
//! pauses recording (`pace.rs`): what is kept stays, the live state goes on,
//! and recording resumes with a new checkpoint once the stream slows down.
//! Moments inside a pause show the last one recorded before it.

mod input;
mod inputs;
mod marks;
mod pace;

use std::collections::VecDeque;

pub use input::Input;
use inputs::Inputs;
use marks::Marks;
pub use marks::{Mark, MarkKind};
use pace::Pace;
pub use pace::MIN_WINDOW_MILLIS;
use serde::{Deserialize, Serialize};

use crate::limits::{DEFAULT_HISTORY_MAX_AGE_MILLIS, DEFAULT_HISTORY_MAX_BYTES};
use crate::reducer::{Frozen, FrozenBytes, Reducer};

/// Input bytes between checkpoints: what a reconstruction replays at most.
pub const MAX_REPLAY_BYTES: usize = 4 * 1024 * 1024;
/// The replay limit of the largest states (10k nodes and more).
pub const MIN_REPLAY_BYTES: usize = 2 * 1024 * 1024;

/// Input bytes a segment may hold before the next checkpoint, for a
/// checkpoint of `state_bytes`: a rebuild thaws the state (its cost grows
/// with it) and replays the inputs, so a small state may replay more and
/// needs fewer checkpoints. 4.4 MB (1k nodes): 4 MiB; 23.1 MB (10k): 2 MiB.
pub fn replay_limit_bytes(state_bytes: usize) -> usize {
    (6 * 1024 * 1024usize).saturating_sub(state_bytes / 5).clamp(MIN_REPLAY_BYTES, MAX_REPLAY_BYTES)
}
/// Inputs between checkpoints (small frames cost their count more than
/// their bytes).
pub const MAX_REPLAY_INPUTS: usize = 20_000;

/// How much history to keep: whichever bound is reached first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryBudget {
    pub max_age_millis: u64,
    /// 0 turns the history off.
    pub max_bytes: u64,
}

impl Default for HistoryBudget {
    fn default() -> Self {
        HistoryBudget { max_age_millis: DEFAULT_HISTORY_MAX_AGE_MILLIS, max_bytes: DEFAULT_HISTORY_MAX_BYTES }
    }
}

/// What the history holds, for the timeline and Diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryStatus {
    /// The earliest moment that can be shown, and the latest input.
    pub start_millis: Option<i64>,
    pub end_millis: Option<i64>,
    pub bytes: u64,
    pub budget: Option<HistoryBudget>,
    pub checkpoints: u32,
    /// Checkpoints let go (for age or bytes) since the history began.
    pub checkpoints_dropped: u64,
    /// The live state alone was over the byte budget: nothing could be kept.
    pub state_over_budget: bool,
    /// Recording is paused since this moment: the stream is too fast for
    /// the budget to hold `MIN_WINDOW_MILLIS` of it.
    pub paused_since_millis: Option<i64>,
    /// Moments that matter, oldest first.
    pub marks: Vec<Mark>,
}

/// The history's window as one checkpoint and the inputs after it.
#[derive(Debug)]
pub struct Recording {
    pub start_millis: i64,
    /// The state at `start_millis` (thawed: a live reducer).
    pub base: Reducer,
    pub inputs: Vec<(i64, Input)>,
}

/// A checkpoint and the inputs after it, up to the next checkpoint.
#[derive(Debug)]
struct Segment {
    at_millis: i64,
    state: Frozen,
    /// What the checkpoint refers to, and its own share beyond the
    /// previous checkpoint (the oldest is charged whole: it has none).
    state_bytes: FrozenBytes,
    /// What it is charged now (`own`, or `whole` once it is the oldest).
    charged_bytes: usize,
    inputs: Inputs,
    /// Recording resumed here after a pause: the inputs before it do not
    /// lead to this checkpoint.
    after_pause: bool,
}

impl Segment {
    fn bytes(&self) -> usize {
        self.charged_bytes + self.inputs.bytes()
    }
}

#[derive(Debug, Default)]
pub struct History {
    budget: HistoryBudget,
    segments: VecDeque<Segment>,
    bytes: usize,
    checkpoints_dropped: u64,
    state_over_budget: bool,
    marks: Marks,
    pace: Pace,
}

impl History {
    pub fn new(budget: HistoryBudget) -> Self {
        History { budget, ..History::default() }
    }

    /// Forgets everything (another project or source).
    pub fn clear(&mut self) {
        *self = History::new(self.budget);
    }

    pub fn budget(&self) -> HistoryBudget {
        self.budget
    }

    /// A new budget applies at once (a smaller one lets the oldest go).
    pub fn set_budget(&mut self, budget: HistoryBudget, now_millis: i64) {
        self.budget = budget;
        self.evict(now_millis);
        // Another budget holds another window: find out again (resuming
        // through a new checkpoint, as after any pause).
        self.pace.reconsider();
    }

    /// Applies `input` to `live` and records it. `live` must be the
    /// reducer every recorded input was applied to, in order.
    pub fn record(&mut self, live: &mut Reducer, at_millis: i64, input: Input) {
        let events_before = live.events_pushed();
        let gaps_before = live.counters().seq_gaps;
        let input_bytes = input.approx_bytes();
        self.pace.note(at_millis, input_bytes);
        if self.pace.paused_since().is_some() {
            if !self.pace.may_resume() {
                live.feed(&input, at_millis);
                self.evict(at_millis);
                return;
            }
            self.pace.resume();
            if self.budget.max_bytes > 0 {
                self.cut(live, at_millis, true);
            }
        }
        if self.budget.max_bytes > 0 && self.checkpoint_due(at_millis, input_bytes) {
            self.cut(live, at_millis, false);
        }
        live.feed(&input, at_millis);
        self.marks.note_input(live, at_millis, events_before, gaps_before);
        if let Some(segment) = self.segments.back_mut() {
            let before = segment.inputs.bytes();
            segment.inputs.push(at_millis, input, input_bytes);
            self.bytes += segment.inputs.bytes() - before;
        }
        if self.evict(at_millis) {
            self.pause_if_too_short(at_millis);
        }
    }

    /// The budget is full: if what it holds is shorter than the minimum
    /// window, pause recording.
    fn pause_if_too_short(&mut self, at_millis: i64) {
        let window_millis = self.span().map_or(0, |(start, end)| end - start);
        if window_millis < MIN_WINDOW_MILLIS && self.budget.max_bytes > 0 {
            self.pace.pause(at_millis, window_millis);
            self.marks.push(at_millis, MarkKind::Paused);
        }
    }

    /// Marks a moment that no input shows (e.g. the link dropped).
    pub fn mark(&mut self, at_millis: i64, kind: MarkKind) {
        self.marks.push(at_millis, kind);
    }

    /// The earliest and the latest moment that can be shown.
    pub fn span(&self) -> Option<(i64, i64)> {
        let first = self.segments.front()?;
        let last = self.segments.back()?;
        let end = last.inputs.last_at_millis().unwrap_or(last.at_millis);
        Some((first.at_millis, end))
    }

    /// The state as it was just after the last input at or before
    /// `at_millis` (clamped to the window): one checkpoint thawed plus at
    /// most `MAX_REPLAY_BYTES` of inputs replayed. `None` with no history.
    pub fn state_at(&self, at_millis: i64) -> Option<Reducer> {
        let (start, _) = self.span()?;
        let at_millis = at_millis.max(start);
        let index = self.segments.partition_point(|segment| segment.at_millis <= at_millis).checked_sub(1)?;
        let segment = self.segments.get(index)?;
        let mut state = Reducer::thaw(&segment.state);
        segment.inputs.replay_until(at_millis, |at, input| state.feed(input, at))?;
        Some(state)
    }

    /// The window as a recording: the oldest checkpoint, its moment, and
    /// every input after it, in order (what a session file holds).
    /// After a pause, that is the part recorded since the last one.
    pub fn recording(&self) -> Option<Recording> {
        let from = self.segments.iter().rposition(|segment| segment.after_pause).unwrap_or(0);
        let first = self.segments.get(from)?;
        let mut inputs = Vec::new();
        for segment in self.segments.iter().skip(from) {
            inputs.extend(segment.inputs.to_vec()?);
        }
        Some(Recording { start_millis: first.at_millis, base: Reducer::thaw(&first.state), inputs })
    }

    /// A history rebuilt from a recording: `base` at `start_millis`, then
    /// `inputs` recorded onto it in order. Returns it and the state after
    /// the last input.
    pub fn replayed(
        budget: HistoryBudget,
        start_millis: i64,
        base: Reducer,
        inputs: Vec<(i64, Input)>,
        marks: Vec<Mark>,
    ) -> (History, Reducer) {
        let mut history = History::new(budget);
        let mut live = base;
        history.cut(&live, start_millis, false);
        for (at_millis, input) in inputs {
            history.record(&mut live, at_millis.max(start_millis), input);
        }
        history.marks.restore(marks);
        (history, live)
    }

    pub fn status(&self) -> HistoryStatus {
        let span = self.span();
        HistoryStatus {
            start_millis: span.map(|(start, _)| start),
            end_millis: span.map(|(_, end)| end),
            bytes: self.bytes as u64,
            budget: Some(self.budget),
            checkpoints: self.segments.len() as u32,
            checkpoints_dropped: self.checkpoints_dropped,
            state_over_budget: self.state_over_budget,
            paused_since_millis: self.pace.paused_since(),
            marks: self.marks.since(span.map_or(i64::MAX, |(start, _)| start)),
        }
    }

    /// Bytes held, checkpoints and inputs together.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    fn checkpoint_due(&self, at_millis: i64, input_bytes: usize) -> bool {
        let Some(segment) = self.segments.back() else {
            return true;
        };
        let max_segment_age_millis = (self.budget.max_age_millis / 4).max(1) as i64;
        // Over the budget with one segment, only a new checkpoint lets its
        // inputs go; with more, the oldest segment goes instead (`evict`),
        // which costs no copy.
        let alone_over_budget = self.segments.len() == 1 && (self.bytes + input_bytes) as u64 > self.budget.max_bytes;
        alone_over_budget
            || segment.inputs.bytes() >= replay_limit_bytes(segment.state_bytes.whole)
            || segment.inputs.len() >= MAX_REPLAY_INPUTS
            || at_millis - segment.at_millis >= max_segment_age_millis
    }

    fn cut(&mut self, live: &Reducer, at_millis: i64, after_pause: bool) {
        let state = live.freeze();
        let state_bytes = state.bytes(self.segments.back().map(|segment| &segment.state));
        self.state_over_budget = state_bytes.whole as u64 > self.budget.max_bytes;
        if self.state_over_budget {
            // Nothing can be kept; what is kept is unusable without a
            // checkpoint after it, so let it all go.
            self.checkpoints_dropped += self.segments.len() as u64;
            self.segments.clear();
            self.bytes = 0;
            return;
        }
        let charged_bytes = if self.segments.is_empty() { state_bytes.whole } else { state_bytes.own };
        // The segment before is complete: pack its inputs.
        if let Some(previous) = self.segments.back_mut() {
            let before = previous.inputs.bytes();
            previous.inputs.seal();
            self.bytes = self.bytes - before + previous.inputs.bytes();
        }
        self.segments.push_back(Segment {
            at_millis,
            state,
            state_bytes,
            charged_bytes,
            inputs: Inputs::default(),
            after_pause,
        });
        self.bytes += charged_bytes;
    }

    /// Lets the oldest segments go while over the byte budget, or while the
    /// next one starts early enough to show the oldest moment of the age
    /// budget by itself. True when the byte budget let one go.
    fn evict(&mut self, now_millis: i64) -> bool {
        let oldest_wanted = now_millis.saturating_sub(self.budget.max_age_millis as i64);
        let mut for_bytes = false;
        while let Some(next) = self.segments.get(1) {
            let over_bytes = self.bytes as u64 > self.budget.max_bytes;
            if !over_bytes && next.at_millis > oldest_wanted {
                break;
            }
            for_bytes |= over_bytes;
            self.drop_oldest();
        }
        // Still over: one checkpoint and one input do not fit (or the
        // history is off). Keep nothing rather than break the bound.
        while !self.segments.is_empty() && (self.bytes as u64 > self.budget.max_bytes || self.budget.max_bytes == 0) {
            for_bytes |= self.budget.max_bytes > 0;
            self.drop_oldest();
        }
        self.marks.forget_before(self.span().map_or(i64::MAX, |(start, _)| start));
        // The running count is the sum of what each segment is charged,
        // the oldest checkpoint whole and the others their own share.
        debug_assert_eq!(self.bytes, self.segments.iter().map(Segment::bytes).sum::<usize>());
        debug_assert!(self.segments.iter().skip(1).all(|s| s.charged_bytes == s.state_bytes.own));
        debug_assert!(self.segments.front().is_none_or(|s| s.charged_bytes == s.state_bytes.whole));
        for_bytes
    }

    fn drop_oldest(&mut self) {
        if let Some(segment) = self.segments.pop_front() {
            self.bytes -= segment.bytes();
            self.checkpoints_dropped += 1;
        }
        // The new oldest checkpoint holds alone what it shared with the
        // one let go: it is charged whole now.
        if let Some(front) = self.segments.front_mut() {
            self.bytes += front.state_bytes.whole - front.charged_bytes;
            front.charged_bytes = front.state_bytes.whole;
        }
    }
}
