//! A bounded ring buffer that remembers what it has handed out, so a diff
//! carries only the items pushed since the last one (at most `capacity` of
//! them, with a count of those that were pushed and evicted in between).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// The newest items of a ring since the last delta, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RingDelta<T> {
    /// The ring was cleared (or re-created) since the last delta: the
    /// receiver drops what it holds before appending `items`.
    pub reset: bool,
    /// New items, oldest first; never more than the ring's capacity.
    pub items: Vec<T>,
    /// Items pushed since the last delta that were evicted before it.
    pub skipped: u64,
}

impl<T> Default for RingDelta<T> {
    fn default() -> Self {
        RingDelta { reset: false, items: Vec::new(), skipped: 0 }
    }
}

impl<T> RingDelta<T> {
    /// True when applying this delta changes nothing.
    pub fn is_empty(&self) -> bool {
        !self.reset && self.items.is_empty()
    }

    /// How many of `held` items a receiver's copy of `capacity` loses from
    /// its front to this delta's new items (a reset's clear not counted).
    pub fn dropped_from_front(&self, held: usize, capacity: usize) -> usize {
        if self.reset {
            return 0;
        }
        (held + self.items.len()).saturating_sub(capacity).min(held)
    }

    /// Applies the delta to a receiver's copy of the ring.
    pub fn apply_to(self, target: &mut VecDeque<T>, capacity: usize) {
        if self.reset {
            target.clear();
        }
        target.extend(self.items);
        while target.len() > capacity {
            target.pop_front();
        }
        debug_assert!(target.len() <= capacity);
    }
}

/// A ring of at most `capacity` items that tracks what it has handed out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrackedRing<T> {
    items: VecDeque<T>,
    capacity: usize,
    /// Items pushed since creation or the last clear.
    pushed_total: u64,
    /// `pushed_total` when the last delta was taken.
    handed_out_total: u64,
    reset_pending: bool,
}

impl<T: Clone> TrackedRing<T> {
    /// A new ring; its first delta says `reset` so that a receiver holding a
    /// ring of the same name from before starts afresh.
    pub fn new(capacity: usize) -> Self {
        TrackedRing { items: VecDeque::new(), capacity, pushed_total: 0, handed_out_total: 0, reset_pending: true }
    }

    /// Appends an item; returns the oldest one when it was evicted.
    pub fn push(&mut self, item: T) -> Option<T> {
        let evicted = if self.items.len() >= self.capacity { self.items.pop_front() } else { None };
        self.items.push_back(item);
        self.pushed_total += 1;
        debug_assert!(self.items.len() <= self.capacity);
        evicted
    }

    /// Drops every item; the next delta says `reset`.
    pub fn clear(&mut self) {
        self.items.clear();
        self.pushed_total = 0;
        self.handed_out_total = 0;
        self.reset_pending = true;
    }

    /// Whether the counters agree with the items and the capacity is
    /// `capacity` (a ring read from a file).
    pub fn check(&self, capacity: usize) -> Result<(), String> {
        if self.capacity != capacity {
            return Err(format!("capacity {} (expected {capacity})", self.capacity));
        }
        if self.items.len() > capacity {
            return Err(format!("{} items over its capacity {capacity}", self.items.len()));
        }
        if self.pushed_total < self.items.len() as u64 || self.handed_out_total > self.pushed_total {
            return Err("counters disagree with its items".to_owned());
        }
        Ok(())
    }

    /// Items pushed since creation or the last clear (a serial for the next).
    pub fn pushed_total(&self) -> u64 {
        self.pushed_total
    }

    /// Drops the oldest item if its serial is `serial`, and returns it.
    pub fn drop_oldest_if(&mut self, serial: u64) -> Option<T> {
        let oldest_serial = self.pushed_total - self.items.len() as u64;
        if self.items.is_empty() || oldest_serial != serial {
            return None;
        }
        self.items.pop_front()
    }

    /// True when item `serial` was in a delta already (the receiver has it).
    pub fn handed_out(&self, serial: u64) -> bool {
        serial < self.handed_out_total
    }

    /// Makes the next delta carry everything kept, with `reset`: for a
    /// receiver that starts watching this ring afresh.
    pub fn resend_all(&mut self) {
        self.handed_out_total = self.pushed_total - self.items.len() as u64;
        self.reset_pending = true;
    }

    /// What was pushed since the last delta (bounded by the capacity).
    pub fn take_delta(&mut self) -> RingDelta<T> {
        let unseen = self.pushed_total - self.handed_out_total;
        let available = unseen.min(self.items.len() as u64) as usize;
        let start = self.items.len() - available;
        let delta = RingDelta {
            reset: std::mem::take(&mut self.reset_pending),
            items: self.items.range(start..).cloned().collect(),
            skipped: unseen - available as u64,
        };
        self.handed_out_total = self.pushed_total;
        delta
    }

    /// True when a delta taken now would be non-empty.
    pub fn has_news(&self) -> bool {
        self.reset_pending || self.pushed_total != self.handed_out_total
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pushes `pushes` values (counting up) between deltas and checks every
    /// delta's items and skipped count, and that a mirror stays equal.
    fn check(capacity: usize, pushes: &[u64], expected: &[(&[u64], u64)]) {
        let mut ring = TrackedRing::new(capacity);
        let mut mirror = VecDeque::new();
        let mut next = 0;
        let mut deltas: Vec<(Vec<u64>, u64)> = Vec::new();
        for count in pushes {
            for _ in 0..*count {
                ring.push(next);
                next += 1;
            }
            let delta = ring.take_delta();
            deltas.push((delta.items.clone(), delta.skipped));
            delta.apply_to(&mut mirror, capacity);
            assert!(ring.iter().eq(mirror.iter()));
        }
        let expected: Vec<(Vec<u64>, u64)> =
            expected.iter().map(|(items, skipped)| (items.to_vec(), *skipped)).collect();
        assert_eq!(deltas, expected);
    }

    #[test]
    fn deltas_carry_only_news_and_count_what_was_skipped() {
        check(3, &[0], &[(&[], 0)]);
        check(3, &[2, 1], &[(&[0, 1], 0), (&[2], 0)]);
        check(3, &[5], &[(&[2, 3, 4], 2)]);
        check(3, &[2, 7, 0], &[(&[0, 1], 0), (&[6, 7, 8], 4), (&[], 0)]);
        check(1, &[1, 1, 3], &[(&[0], 0), (&[1], 0), (&[4], 2)]);
    }

    #[test]
    fn a_receiver_knows_what_left_its_front() {
        let delta = |items: Vec<u64>, reset: bool| RingDelta { reset, items, skipped: 0 };
        // (held, new items, reset, capacity 4) → dropped from the front
        let cases = [
            (0, 3, false, 0),
            (3, 1, false, 0),
            (3, 2, false, 1),
            (4, 1, false, 1),
            (4, 4, false, 4),
            // More new items than the ring holds: all it held goes, no more.
            (2, 9, false, 2),
            (4, 2, true, 0),
        ];
        for (held, n_new, reset, dropped) in cases {
            let d = delta((0..n_new).collect(), reset);
            assert_eq!(d.dropped_from_front(held, 4), dropped, "{held} held, {n_new} new, reset {reset}");
            // The same as a mirror sees it: what it held and no longer does.
            let mut mirror: VecDeque<u64> = (100..100 + held as u64).collect();
            d.apply_to(&mut mirror, 4);
            let kept_old = mirror.iter().filter(|v| **v >= 100).count();
            let lost = if reset { 0 } else { held - kept_old };
            assert_eq!(lost, dropped, "mirror of {held} held, {n_new} new");
        }
    }

    #[test]
    fn clear_resets_the_receiver() {
        let mut ring = TrackedRing::new(4);
        let mut mirror = VecDeque::new();
        ring.push(1);
        ring.take_delta().apply_to(&mut mirror, 4);
        ring.clear();
        ring.push(2);
        let delta = ring.take_delta();
        assert!(delta.reset);
        delta.apply_to(&mut mirror, 4);
        assert_eq!(mirror, [2]);
        assert!(!ring.has_news());
        assert!(ring.take_delta().is_empty());
    }
}
