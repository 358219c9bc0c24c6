//! The meshview core: the stream contract (PROTOCOL.md) as Rust types, a
//! total frame decoder and an encoder, the bounded reducer that turns any
//! stream into state and small diffs, and the messages that cross the
//! worker <-> UI boundary. Pure Rust: no web-sys, gloo or wasm-bindgen, so
//! all of it is tested natively with `cargo test`.

pub mod binary;
pub mod bridge;
pub mod chunked;
pub mod decode;
pub mod diff;
pub mod diff_budget;
pub mod encode;
pub mod history;
pub mod ingest;
pub mod limits;
pub mod protocol;
pub mod reducer;
pub mod ring;
pub mod session;
pub mod sim;
pub mod time;
pub mod view;

pub use decode::{decode_frame, decode_frame_into, DecodeError, DecodeErrorKind, DecodedFrame};
pub use diff::{Counters, Diff, Event, GraphSize, LogDelta, SeriesDelta};
pub use protocol::{
    ChartPoint, EdgeStats, MeshEdge, MeshNode, Message, MessageKind, MetaEntry, Payload, Severity, Status,
};
pub use reducer::{IdKey, LogWatch, Reducer};
pub use view::View;
