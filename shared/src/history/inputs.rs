//! A segment's inputs: as they came while the segment is the newest, then
//! packed (bincode, then LZ4) when the next checkpoint seals it. Stream
//! frames are JSON and pack several times smaller, so the byte budget holds
//! that much more time; LZ4 because it packs and unpacks at several times
//! the rate the worker decodes frames (deflate, which packs tighter, would
//! cost more than decoding them did).

use super::Input;

/// Bytes a recorded input costs beyond its text (enum, stamp, queue slot).
const STAMP_BYTES: usize = 8;

/// Inputs with the moment each was applied.
#[derive(Debug)]
pub(super) enum Inputs {
    Open { items: Vec<(i64, Input)>, bytes: usize },
    Sealed { packed: Vec<u8>, count: usize, last_at_millis: Option<i64> },
}

impl Default for Inputs {
    fn default() -> Self {
        Inputs::Open { items: Vec::new(), bytes: 0 }
    }
}

impl Inputs {
    /// Adds an input to an open segment (a sealed one takes no more).
    pub(super) fn push(&mut self, at_millis: i64, input: Input, input_bytes: usize) {
        if let Inputs::Open { items, bytes } = self {
            items.push((at_millis, input));
            *bytes += input_bytes + STAMP_BYTES;
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Inputs::Open { items, .. } => items.len(),
            Inputs::Sealed { count, .. } => *count,
        }
    }

    /// What the inputs hold now (packed, once sealed).
    pub(super) fn bytes(&self) -> usize {
        match self {
            Inputs::Open { bytes, .. } => *bytes,
            Inputs::Sealed { packed, .. } => packed.len(),
        }
    }

    pub(super) fn last_at_millis(&self) -> Option<i64> {
        match self {
            Inputs::Open { items, .. } => items.last().map(|(at, _)| *at),
            Inputs::Sealed { last_at_millis, .. } => *last_at_millis,
        }
    }

    /// Packs the inputs; they stay as they are if packing fails (it cannot
    /// for inputs this build made, but memory is not worth a panic).
    pub(super) fn seal(&mut self) {
        let Inputs::Open { items, .. } = self else { return };
        // In one pass (`binary`); empty only if packing failed.
        let encoded = crate::binary::to_bytes(&*items);
        if encoded.is_empty() {
            return;
        }
        let packed = lz4_flex::compress_prepend_size(&encoded);
        let last_at_millis = items.last().map(|(at, _)| *at);
        *self = Inputs::Sealed { packed, count: items.len(), last_at_millis };
    }

    /// The inputs in order (unpacked when sealed); `None` if a sealed
    /// segment does not unpack.
    pub(super) fn to_vec(&self) -> Option<Vec<(i64, Input)>> {
        match self {
            Inputs::Open { items, .. } => Some(items.clone()),
            Inputs::Sealed { packed, count, .. } => {
                let encoded = lz4_flex::decompress_size_prepended(packed).ok()?;
                let items: Vec<(i64, Input)> = bincode::deserialize(&encoded).ok()?;
                (items.len() == *count).then_some(items)
            }
        }
    }

    /// Calls `apply` with each input up to `at_millis`, in order.
    pub(super) fn replay_until(&self, at_millis: i64, mut apply: impl FnMut(i64, &Input)) -> Option<()> {
        match self {
            Inputs::Open { items, .. } => {
                items.iter().take_while(|(at, _)| *at <= at_millis).for_each(|(at, input)| apply(*at, input));
            }
            Inputs::Sealed { .. } => {
                let items = self.to_vec()?;
                items.iter().take_while(|(at, _)| *at <= at_millis).for_each(|(at, input)| apply(*at, input));
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::encode_batch;
    use crate::sim::{SimConfig, Simulator};

    #[test]
    fn sealed_inputs_unpack_as_they_were_and_take_less_room() {
        let mut sim = Simulator::new(SimConfig { n_nodes: 500, ..SimConfig::default() });
        let mut inputs = Inputs::default();
        let mut raw = 0;
        for frame in 0..200 {
            let text = encode_batch(&(0..50).map(|_| sim.next_message(frame)).collect::<Vec<_>>());
            raw += text.len();
            let input = Input::Frame(text);
            let bytes = input.approx_bytes();
            inputs.push(frame, input, bytes);
        }
        inputs.push(200, Input::ConnectionOpened, 0);
        let open = inputs.to_vec().expect("open inputs");
        inputs.seal();
        assert!(matches!(inputs, Inputs::Sealed { .. }));
        assert_eq!(inputs.len(), 201);
        assert_eq!(inputs.last_at_millis(), Some(200));
        assert_eq!(inputs.to_vec().expect("unpacks"), open);
        // JSON frames pack to well under half their size.
        assert!(inputs.bytes() * 2 < raw, "{} packed of {raw}", inputs.bytes());
        let mut replayed = Vec::new();
        inputs.replay_until(99, |at, _| replayed.push(at)).expect("replays");
        assert_eq!(replayed, (0..100).collect::<Vec<i64>>());
    }

    #[test]
    fn damaged_packed_inputs_are_none_not_a_panic() {
        let mut inputs = Inputs::default();
        inputs.push(1, Input::ClearEvents, 0);
        inputs.seal();
        if let Inputs::Sealed { packed, .. } = &mut inputs {
            packed.truncate(packed.len() / 2);
        }
        assert_eq!(inputs.to_vec(), None);
    }
}
