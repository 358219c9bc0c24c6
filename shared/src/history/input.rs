//! What the live reducer is fed, as data: the history records these and
//! replays them onto a checkpoint, so "the state at T" is the same function
//! of the same inputs as the live state was.

use serde::{Deserialize, Serialize};

use crate::diff::Event;
use crate::protocol::Message;
use crate::reducer::Reducer;

/// Bytes a recorded input costs beyond its text (enum, stamp, queue slot).
const INPUT_OVERHEAD_BYTES: usize = 48;

/// One thing that changes a reducer, in the order it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Input {
    /// A text frame from the server.
    Frame(String),
    /// Messages made in the worker (the demo simulator).
    Messages(Vec<Message>),
    /// A binary frame of this many bytes (counted, not applied).
    BinaryFrame(usize),
    /// A frame over the limit, of this many UTF-16 units (counted).
    OversizeFrame(usize),
    /// A new connection opened.
    ConnectionOpened,
    /// An event made by the client (a connection gap).
    LocalEvent(Event),
    /// The user removed a node, an edge, or the events.
    ClearNode(String),
    ClearEdge(String),
    ClearEvents,
}

impl Input {
    /// What the input holds on the heap, roughly (for the byte budget).
    pub fn approx_bytes(&self) -> usize {
        INPUT_OVERHEAD_BYTES
            + match self {
                Input::Frame(text) => text.len(),
                // Their size as stored (bincode), counted without encoding.
                Input::Messages(messages) => bincode::serialized_size(messages).map_or(0, |bytes| bytes as usize),
                Input::LocalEvent(event) => event.message.len() + event.node_id.as_ref().map_or(0, String::len),
                Input::ClearNode(id) | Input::ClearEdge(id) => id.len(),
                Input::BinaryFrame(_) | Input::OversizeFrame(_) | Input::ConnectionOpened | Input::ClearEvents => 0,
            }
    }
}

impl Reducer {
    /// Applies one input at `now_millis` (the receive time).
    pub fn feed(&mut self, input: &Input, now_millis: i64) {
        match input {
            Input::Frame(text) => self.apply_frame(text, now_millis),
            Input::Messages(messages) => {
                for message in messages {
                    self.apply(message.clone(), now_millis);
                }
            }
            Input::BinaryFrame(len_bytes) => self.apply_binary_frame(*len_bytes),
            Input::OversizeFrame(len_utf16) => self.count_oversize_frame(*len_utf16),
            Input::ConnectionOpened => self.connection_opened(),
            Input::LocalEvent(event) => self.push_local_event(event.clone()),
            Input::ClearNode(node_id) => self.clear_node(node_id),
            Input::ClearEdge(edge_id) => self.clear_edge(edge_id),
            Input::ClearEvents => self.clear_events(),
        }
    }
}
