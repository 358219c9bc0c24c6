//! Values as bincode bytes, written in one pass: what crosses between the
//! page and its workers (gloo-worker's messages, the paint worker's frames).
//!
//! `bincode::serialize` walks a value twice: once to size its buffer, once
//! to write it. Each walk is compiled for every type it is called with, so
//! the sizing walk of every diff, status, command and paint frame was code
//! in the module (and work per message) that growing the buffer as it is
//! written makes unnecessary. The bytes are the same.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A value's bytes: the same as `bincode::serialize` gives.
pub fn to_bytes<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing to a `Vec` fails only for a type bincode cannot express
    // (a map of unknown length; none of ours): nothing is written then.
    if bincode::serialize_into(&mut bytes, value).is_err() {
        bytes.clear();
    }
    bytes
}

/// A value back from `to_bytes`'s bytes; `None` for bytes that are not one.
pub fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    bincode::deserialize(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bridge::LinkStatus;

    type Rows = Vec<(u64, String, Option<f64>)>;

    #[test]
    fn one_pass_gives_the_bytes_of_two() {
        let statuses = [LinkStatus::default(), LinkStatus { diff_graph_budget: 7, ..LinkStatus::default() }];
        let rows: Rows = vec![(0, String::new(), None), (u64::MAX, "ünïcode → text".into(), Some(-0.5))];
        assert_eq!(Some(to_bytes(&statuses)), bincode::serialize(&statuses).ok());
        assert_eq!(Some(to_bytes(&rows)), bincode::serialize(&rows).ok());
        assert_eq!(from_bytes::<Rows>(&to_bytes(&rows)), Some(rows));
        assert_eq!(from_bytes::<Rows>(&[1, 2, 3]), None);
    }
}
