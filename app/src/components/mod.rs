//! One module per panel of the dashboard.

pub mod charts;
pub mod details;
pub mod diagnostics;
pub mod edges;
pub mod events;
pub mod header;
pub mod logs;
pub mod nodes;
pub mod scroll_frame;
pub mod topology;
