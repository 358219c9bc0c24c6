//! The meshview worker. Pure policies (reconnect backoff, outgoing queue,
//! rate meter) test natively; the browser glue that wires them to a
//! WebSocket, timers and gloo-worker builds only for wasm32.

pub mod outbox;
pub mod policy;
pub mod rates;

#[cfg(target_arch = "wasm32")]
mod agent;
#[cfg(target_arch = "wasm32")]
mod link;
#[cfg(target_arch = "wasm32")]
pub mod socket;

#[cfg(target_arch = "wasm32")]
pub use agent::MeshWorker;
