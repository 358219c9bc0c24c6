//! Frames the UI asked to send while the socket was not open: kept in order
//! up to a bound and sent on the next open; past the bound a frame is
//! refused with a reason the UI shows. Nothing is dropped silently.

use std::collections::VecDeque;

/// Frames held while the link is down.
pub const MAX_OUTBOX_FRAMES: usize = 256;
/// Bytes held while the link is down.
pub const MAX_OUTBOX_BYTES: usize = 1024 * 1024;

#[derive(Debug, Default)]
pub struct Outbox {
    frames: VecDeque<String>,
    bytes: usize,
}

impl Outbox {
    /// Queues a frame, or says why it cannot be.
    pub fn push(&mut self, frame: String) -> Result<(), String> {
        if self.frames.len() >= MAX_OUTBOX_FRAMES {
            return Err(format!("not sent: {MAX_OUTBOX_FRAMES} frames already wait for the connection"));
        }
        if self.bytes + frame.len() > MAX_OUTBOX_BYTES {
            return Err(format!("not sent: over {MAX_OUTBOX_BYTES} bytes would wait for the connection"));
        }
        self.bytes += frame.len();
        self.frames.push_back(frame);
        Ok(())
    }

    /// Takes every queued frame, oldest first.
    pub fn drain(&mut self) -> impl Iterator<Item = String> + '_ {
        self.bytes = 0;
        self.frames.drain(..)
    }

    /// Puts a frame back at the front (the socket refused it).
    pub fn push_front(&mut self, frame: String) {
        self.bytes += frame.len();
        self.frames.push_front(frame);
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queues_in_order_and_refuses_past_the_bounds() {
        let mut outbox = Outbox::default();
        for i in 0..MAX_OUTBOX_FRAMES {
            assert_eq!(outbox.push(i.to_string()), Ok(()));
        }
        assert!(outbox.push("one more".into()).is_err());
        let sent: Vec<String> = outbox.drain().collect();
        assert_eq!(sent.first().map(String::as_str), Some("0"));
        assert_eq!(sent.len(), MAX_OUTBOX_FRAMES);
        assert!(outbox.is_empty());

        assert!(outbox.push("x".repeat(MAX_OUTBOX_BYTES)).is_ok());
        assert!(outbox.push("y".into()).is_err());
        outbox.drain().for_each(drop);
        assert!(outbox.push("y".into()).is_ok());

        // Frames a refused send gives back go first, in their order.
        outbox.push_front("b".into());
        outbox.push_front("a".into());
        assert_eq!(outbox.drain().collect::<Vec<_>>(), ["a", "b", "y"]);
        assert!(outbox.push("z".repeat(MAX_OUTBOX_BYTES)).is_ok(), "bytes were accounted for on drain");
    }
}
