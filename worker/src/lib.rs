//! The meshview worker. The link's decisions (`link_core`: connect, send,
//! queue, quiet, diff and status on a clock), the reconnect policy, the
//! outgoing queue and the rate meter are pure and test natively; the browser
//! glue that wires them to a WebSocket, timers and gloo-worker builds only
//! for wasm32.

pub mod link_core;
pub mod outbox;
pub mod policy;
pub mod rates;

#[cfg(target_arch = "wasm32")]
mod agent;
#[cfg(target_arch = "wasm32")]
pub mod codec;
#[cfg(target_arch = "wasm32")]
mod link;
#[cfg(target_arch = "wasm32")]
pub mod socket;
#[cfg(target_arch = "wasm32")]
mod text_copy;

#[cfg(target_arch = "wasm32")]
pub use agent::MeshWorker;
