//! What a server answers to `POST /ingest` (docs/protocol.md, "Sending to a
//! server: ingest"): how many messages it took, and why each other one was
//! rejected, by its index in the body.

use serde::{Deserialize, Serialize};

/// The 200 answer of an ingest request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestAnswer {
    /// Messages taken into the stream.
    pub accepted: u64,
    /// Messages not taken, each with its index in the body and the reason.
    pub rejected: Vec<Rejection>,
}

/// One message an ingest request did not take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The message's index in the body (line or array element), from 0.
    pub index: u64,
    pub error: String,
}
