//! A project's recent stream, kept to resume clients (docs/protocol.md,
//! "Positions and resume"): the frames exactly as they went out, each with
//! where its messages sit in it, bounded in messages and in bytes. A resume
//! copies the missed messages out of these frames; nothing is encoded twice.

use std::collections::VecDeque;
use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use shared::encode::encode_message;
use shared::protocol::{Message, Payload, Pos};

/// Messages a project keeps for resuming, by default.
pub const HISTORY_MAX_MESSAGES: usize = 50_000;
/// Bytes of frames a project keeps for resuming, whatever the message count.
pub const HISTORY_MAX_BYTES: usize = 16 * 1024 * 1024;

/// One frame of a project's stream: messages `first_offset..` (of the
/// hub's epoch when it was made).
#[derive(Debug)]
pub struct Batch {
    pub first_offset: u64,
    /// The frame every client of this replica gets (encoded once).
    pub frame: Utf8Bytes,
    /// Each message's byte range in `frame`, in offset order.
    spans: Vec<(usize, usize)>,
}

impl Batch {
    /// One frame of already encoded messages: the object itself for one,
    /// a JSON array for more.
    pub fn new(first_offset: u64, messages: &[String]) -> Batch {
        let mut frame = String::with_capacity(messages.iter().map(|m| m.len() + 1).sum::<usize>() + 1);
        let mut spans = Vec::with_capacity(messages.len());
        let array = messages.len() != 1;
        if array {
            frame.push('[');
        }
        for (index, message) in messages.iter().enumerate() {
            if index > 0 {
                frame.push(',');
            }
            spans.push((frame.len(), frame.len() + message.len()));
            frame.push_str(message);
        }
        if array {
            frame.push(']');
        }
        Batch { first_offset, frame: frame.into(), spans }
    }

    /// A frame that carries no numbered message (a snapshot the replica
    /// sends its clients after restoring its graph).
    pub fn unnumbered(next_offset: u64, frame: Utf8Bytes) -> Batch {
        Batch { first_offset: next_offset, frame, spans: Vec::new() }
    }

    /// Messages in the frame.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// The offset of the frame's last message.
    pub fn last_offset(&self) -> u64 {
        self.first_offset + self.spans.len().saturating_sub(1) as u64
    }

    /// The encoded messages at `offset` and after.
    fn messages_from(&self, offset: u64) -> impl Iterator<Item = &str> {
        let skip = usize::try_from(offset.saturating_sub(self.first_offset)).unwrap_or(usize::MAX);
        self.spans.iter().skip(skip).filter_map(|&(start, end)| self.frame.as_str().get(start..end))
    }
}

/// The newest frames of one epoch, within the bounds.
#[derive(Debug)]
pub struct History {
    batches: VecDeque<Arc<Batch>>,
    n_messages: usize,
    n_bytes: usize,
    max_messages: usize,
    max_bytes: usize,
}

impl History {
    pub fn new(max_messages: usize, max_bytes: usize) -> History {
        History { batches: VecDeque::new(), n_messages: 0, n_bytes: 0, max_messages, max_bytes }
    }

    /// Keeps `batch`, forgetting the oldest frames beyond the bounds.
    pub fn push(&mut self, batch: Arc<Batch>) {
        self.n_messages += batch.len();
        self.n_bytes += batch.frame.len();
        self.batches.push_back(batch);
        while self.n_messages > self.max_messages || self.n_bytes > self.max_bytes {
            let Some(oldest) = self.batches.pop_front() else { break };
            self.n_messages -= oldest.len();
            self.n_bytes -= oldest.frame.len();
        }
    }

    pub fn clear(&mut self) {
        self.batches.clear();
        self.n_messages = 0;
        self.n_bytes = 0;
    }

    /// Every message after `offset`, oldest first, if the history still
    /// holds each of them (`Some` of nothing when `offset` is the newest).
    pub fn after(&self, offset: u64) -> Option<Vec<&str>> {
        let newest = self.batches.back()?;
        if offset == newest.last_offset() {
            return Some(Vec::new());
        }
        let oldest = self.batches.front()?;
        if offset.checked_add(1)? < oldest.first_offset || offset > newest.last_offset() {
            return None;
        }
        let first = self.batches.partition_point(|batch| batch.last_offset() <= offset);
        let mut messages = Vec::with_capacity(usize::try_from(newest.last_offset() - offset).unwrap_or(0));
        for batch in self.batches.iter().skip(first) {
            messages.extend(batch.messages_from(offset + 1));
        }
        Some(messages)
    }

    /// Messages held.
    #[cfg(test)]
    pub fn n_messages(&self) -> usize {
        self.n_messages
    }
}

/// What a resuming client gets before the live stream: `resumed`, then the
/// missed messages, in as few frames of at most `max_frame_bytes` as fit;
/// the first frame holds `resumed` and as many as fit with it (the
/// dashboard counts those as the replay).
pub fn resume_frames<'a>(
    since: &Pos,
    missed: impl IntoIterator<Item = &'a str>,
    max_frame_bytes: usize,
) -> Vec<String> {
    let resumed = encode_message(&Message {
        ts_millis: None,
        seq: None,
        pos: None,
        payload: Payload::Resumed { since: since.clone() },
    });
    let mut frames = Vec::new();
    let mut frame = format!("[{resumed}");
    for message in missed {
        if frame.len() + message.len() + 2 > max_frame_bytes && frame.len() > 1 {
            frame.push(']');
            frames.push(std::mem::replace(&mut frame, String::from("[")));
        }
        if frame.len() > 1 {
            frame.push(',');
        }
        frame.push_str(message);
    }
    frame.push(']');
    frames.push(frame);
    frames
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(first_offset: u64, n: u64) -> Arc<Batch> {
        let messages: Vec<String> = (first_offset..first_offset + n).map(|o| format!("{{\"o\":{o}}}")).collect();
        Arc::new(Batch::new(first_offset, &messages))
    }

    fn offsets(messages: Option<Vec<&str>>) -> Option<Vec<u64>> {
        let parse = |m: &str| m.trim_start_matches("{\"o\":").trim_end_matches('}').parse().unwrap_or(0);
        messages.map(|ms| ms.into_iter().map(parse).collect())
    }

    #[test]
    fn a_frame_is_the_object_or_an_array() {
        assert_eq!(batch(7, 1).frame.as_str(), "{\"o\":7}");
        assert_eq!(batch(7, 2).frame.as_str(), "[{\"o\":7},{\"o\":8}]");
        assert_eq!(batch(7, 2).last_offset(), 8);
    }

    #[test]
    fn after_gives_exactly_the_missed_messages_or_nothing() {
        let mut history = History::new(6, usize::MAX);
        assert_eq!(history.after(0), None, "an empty history resumes nothing");
        history.push(batch(1, 3));
        history.push(batch(4, 1));
        history.push(batch(5, 2));
        assert_eq!(offsets(history.after(0)), Some(vec![1, 2, 3, 4, 5, 6]));
        assert_eq!(offsets(history.after(2)), Some(vec![3, 4, 5, 6]));
        assert_eq!(offsets(history.after(5)), Some(vec![6]));
        assert_eq!(offsets(history.after(6)), Some(vec![]));
        assert_eq!(history.after(7), None, "a position the history never reached");
        // Over six messages: the oldest frame goes, whole.
        history.push(batch(7, 1));
        assert_eq!(history.n_messages(), 4);
        assert_eq!(history.after(2), None, "message 3 is gone");
        assert_eq!(offsets(history.after(3)), Some(vec![4, 5, 6, 7]));
    }

    #[test]
    fn the_byte_bound_holds_too() {
        let mut history = History::new(usize::MAX, 20);
        history.push(batch(1, 2));
        history.push(batch(3, 2));
        assert_eq!(history.after(0), None);
        assert_eq!(offsets(history.after(2)), Some(vec![3, 4]));
    }

    #[test]
    fn resumed_comes_first_and_shares_its_frame_while_it_fits() {
        let since = Pos { epoch: "e".into(), offset: 4 };
        let frames = resume_frames(&since, ["{\"a\":1}", "{\"b\":2}"], 1024);
        assert_eq!(frames, [r#"[{"data":{"type":"resumed","since":"e:4"}},{"a":1},{"b":2}]"#]);
        let frames = resume_frames(&since, ["{\"a\":1}", "{\"b\":2}"], 55);
        assert_eq!(frames, [r#"[{"data":{"type":"resumed","since":"e:4"}},{"a":1}]"#, r#"[{"b":2}]"#]);
        let frames = resume_frames(&since, [], 50);
        assert_eq!(frames, [r#"[{"data":{"type":"resumed","since":"e:4"}}]"#]);
    }
}
