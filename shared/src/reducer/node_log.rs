//! One node's log: a ring of complete lines plus the unfinished tail, fed by
//! chunks that may hold several lines or end mid-line.

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use crate::diff::LogDelta;
use crate::limits::{MAX_LOG_LINES_PER_NODE, MAX_LOG_LINE_BYTES};
use crate::ring::{RingDelta, TrackedRing};

/// A line's pointer in the ring (an `Arc<str>`: address and length).
const LINE_POINTER_BYTES: usize = 16;
/// A line's bookkeeping beyond its text: its pointer and its shared header.
const LINE_OVERHEAD_BYTES: usize = LINE_POINTER_BYTES + 16;

/// What appending a chunk cost, for the counters.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AppendOutcome {
    pub lines_evicted: u64,
    pub lines_cut: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodeLog {
    /// Shared (`Arc`) with the copies a history checkpoint keeps: copying
    /// a log for a change copies pointers, not text.
    lines: TrackedRing<Arc<str>>,
    /// The unfinished last line, at most `MAX_LOG_LINE_BYTES`.
    partial: String,
    /// The unfinished line already lost bytes past the cap; drop the rest of
    /// it up to the next newline (a later, shorter char must not slip in).
    partial_cut: bool,
    /// The unfinished line was dropped whole (the bound on all logs' bytes):
    /// the rest of it, up to the next newline, is dropped too.
    partial_dropped: bool,
    /// Bytes of the kept lines and the unfinished one.
    bytes: usize,
}

impl Default for NodeLog {
    fn default() -> Self {
        NodeLog {
            lines: TrackedRing::new(MAX_LOG_LINES_PER_NODE),
            partial: String::new(),
            partial_cut: false,
            partial_dropped: false,
            bytes: 0,
        }
    }
}

impl NodeLog {
    /// Appends a chunk: completes the partial line, pushes whole lines, keeps
    /// the new tail. A line is the text between newlines, without one
    /// trailing `\r`, cut to `MAX_LOG_LINE_BYTES` at a char boundary.
    pub fn append(&mut self, chunk: &str) -> AppendOutcome {
        let mut outcome = AppendOutcome::default();
        let mut pieces = chunk.split('\n');
        let Some(mut piece) = pieces.next() else {
            return outcome;
        };
        for next in pieces {
            let line: Arc<str> = if self.starts_line() && piece.len() <= MAX_LOG_LINE_BYTES {
                // A line that arrived whole goes straight into its shared
                // string, without passing through `partial`.
                let line = piece.strip_suffix('\r').unwrap_or(piece);
                self.bytes += line.len();
                Arc::from(line)
            } else {
                self.extend_partial(piece);
                if std::mem::take(&mut self.partial_dropped) {
                    piece = next;
                    continue;
                }
                let mut line = std::mem::take(&mut self.partial);
                if std::mem::take(&mut self.partial_cut) {
                    outcome.lines_cut += 1;
                } else if line.ends_with('\r') {
                    line.pop();
                    self.bytes -= 1;
                }
                Arc::from(line)
            };
            piece = next;
            if let Some(evicted) = self.lines.push(line) {
                self.bytes -= evicted.len();
                outcome.lines_evicted += 1;
            }
        }
        self.extend_partial(piece);
        outcome
    }

    /// Whether nothing of the current line was kept or dropped yet.
    fn starts_line(&self) -> bool {
        self.partial.is_empty() && !self.partial_cut && !self.partial_dropped
    }

    fn extend_partial(&mut self, piece: &str) {
        if self.partial_cut || self.partial_dropped {
            return;
        }
        let room = MAX_LOG_LINE_BYTES - self.partial.len();
        let mut end = piece.len().min(room);
        while !piece.is_char_boundary(end) {
            end -= 1;
        }
        self.partial.push_str(piece.get(..end).unwrap_or_default());
        self.bytes += end;
        self.partial_cut = end < piece.len();
    }

    /// Drops the unfinished line, and the rest of it still to come; returns
    /// the bytes freed.
    pub fn drop_partial(&mut self) -> usize {
        let freed = self.partial.len();
        // Free the memory too, not only the text.
        self.partial = String::new();
        self.bytes -= freed;
        self.partial_cut = false;
        self.partial_dropped = true;
        freed
    }

    /// Heap bytes of the log: its text, and a shared string per line.
    pub fn heap_bytes(&self) -> usize {
        self.bytes + LINE_OVERHEAD_BYTES * self.lines.len() + 64
    }

    /// What a copy of this log costs beyond one taken when it had pushed
    /// `pushed_before` lines: its line pointers, the lines pushed since
    /// (their text and shared header are its own), and the unfinished
    /// line. Never more than `heap_bytes`: with every line new, the two
    /// are equal.
    pub fn heap_bytes_since(&self, pushed_before: u64) -> usize {
        let new_lines = self.lines_pushed().saturating_sub(pushed_before).min(self.lines.len() as u64) as usize;
        let new_lines_bytes: usize = self
            .lines
            .iter()
            .rev()
            .take(new_lines)
            .map(|line| line.len() + LINE_OVERHEAD_BYTES - LINE_POINTER_BYTES)
            .sum();
        LINE_POINTER_BYTES * self.lines.len() + new_lines_bytes + self.partial.len() + 64
    }

    /// Bytes of the kept lines and the unfinished one.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The complete lines, oldest first.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = &str> {
        self.lines.iter().map(|line| &**line)
    }

    pub fn partial(&self) -> &str {
        &self.partial
    }

    /// Complete lines pushed so far (the serial of the next line).
    pub fn lines_pushed(&self) -> u64 {
        self.lines.pushed_total()
    }

    /// Drops the oldest line if it is line `serial`; returns the bytes it
    /// freed (if it did) and whether the receiver already had that line.
    pub fn drop_oldest_if(&mut self, serial: u64) -> (Option<usize>, bool) {
        let handed_out = self.lines.handed_out(serial);
        let freed = self.lines.drop_oldest_if(serial).map(|line| line.len());
        self.bytes -= freed.unwrap_or(0);
        (freed, handed_out)
    }

    /// Whether the log is within its bounds and its byte count is right (a
    /// log read from a file).
    pub fn check(&self) -> Result<(), String> {
        self.lines.check(MAX_LOG_LINES_PER_NODE).map_err(|why| format!("a log: {why}"))?;
        let too_long = self.lines.iter().any(|line| line.len() > MAX_LOG_LINE_BYTES);
        let bytes = self.lines.iter().map(|line| line.len()).sum::<usize>() + self.partial.len();
        if too_long || self.partial.len() > MAX_LOG_LINE_BYTES || bytes != self.bytes {
            return Err("a log's lines or bytes are off".to_owned());
        }
        Ok(())
    }

    /// The next delta carries the whole log (a new watcher).
    pub fn resend_all(&mut self) {
        self.lines.resend_all();
    }

    pub fn take_delta(&mut self, node_id: String) -> LogDelta {
        let delta = self.lines.take_delta();
        let lines = RingDelta {
            reset: delta.reset,
            items: delta.items.iter().map(|line| String::from(&**line)).collect(),
            skipped: delta.skipped,
        };
        LogDelta { node_id, lines, partial: self.partial.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(chunks: &[&str], lines: &[&str], partial: &str) {
        let mut log = NodeLog::default();
        for chunk in chunks {
            log.append(chunk);
        }
        assert_eq!(log.lines().collect::<Vec<_>>(), lines, "{chunks:?}");
        assert_eq!(log.partial(), partial, "{chunks:?}");
    }

    #[test]
    fn lines_split_and_join_across_chunks() {
        check(&[], &[], "");
        check(&[""], &[], "");
        check(&["a"], &[], "a");
        check(&["a\n"], &["a"], "");
        check(&["a\nb"], &["a"], "b");
        check(&["a\nb", "c\n"], &["a", "bc"], "");
        check(&["a", "b", "c\nd\n\n"], &["abc", "d", ""], "");
        check(&["crlf\r\n", "x\r", "\n"], &["crlf", "x"], "");
        check(&["keep\rinner\n"], &["keep\rinner"], "");
        check(&["\n\n"], &["", ""], "");
    }

    #[test]
    fn long_lines_are_cut_at_a_char_boundary() {
        let mut log = NodeLog::default();
        let long = "é".repeat(MAX_LOG_LINE_BYTES); // 2 bytes each
        let outcome = log.append(&long);
        assert_eq!(outcome.lines_cut, 0);
        assert_eq!(log.partial().len(), MAX_LOG_LINE_BYTES);
        // A short char after the cut must not slip into the same line.
        let outcome = log.append("x\nnext\n");
        assert_eq!(outcome.lines_cut, 1);
        let lines: Vec<_> = log.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.first().map(|l| l.len()), Some(MAX_LOG_LINE_BYTES));
        assert_eq!(lines.get(1).copied(), Some("next"));

        let mut odd = NodeLog::default();
        odd.append("a");
        odd.append(&"é".repeat(MAX_LOG_LINE_BYTES));
        odd.append("\n");
        assert_eq!(odd.lines().next().map(str::len), Some(MAX_LOG_LINE_BYTES - 1));
    }

    /// A copy's own share counts each line's pointer once: with every line
    /// new it is the whole log, with none new only pointers and the tail.
    #[test]
    fn a_copy_owns_at_most_the_whole_log() {
        let mut log = NodeLog::default();
        log.append("alpha\nbeta\ngamma\ntail");
        // Text 5 + 4 + 5 + 4; 32 per line; 64 for the log.
        assert_eq!(log.heap_bytes(), 18 + 3 * 32 + 64);
        assert_eq!(log.heap_bytes_since(0), log.heap_bytes());
        // "gamma" pushed since: its text and header are new.
        assert_eq!(log.heap_bytes_since(2), 3 * 16 + (5 + 16) + 4 + 64);
        assert_eq!(log.heap_bytes_since(3), 3 * 16 + 4 + 64);
        // More lines pushed than kept: the evicted ones cost nothing.
        let mut full = NodeLog::default();
        let text: String = (0..MAX_LOG_LINES_PER_NODE + 7).map(|i| format!("{i}\n")).collect();
        full.append(&text);
        assert_eq!(full.heap_bytes_since(0), full.heap_bytes());
        assert!(full.heap_bytes_since(5) <= full.heap_bytes());
    }

    #[test]
    fn keeps_the_newest_lines() {
        let mut log = NodeLog::default();
        let text: String = (0..MAX_LOG_LINES_PER_NODE + 5).map(|i| format!("{i}\n")).collect();
        let outcome = log.append(&text);
        assert_eq!(outcome.lines_evicted, 5);
        assert_eq!(log.lines().next(), Some("5"));
    }
}
