//! One module per panel of the dashboard.

pub mod announcer;
pub mod charts;
pub mod details;
pub mod diagnostics;
pub mod edges;
pub mod events;
pub mod filter_bar;
pub mod focus_bar;
pub mod header;
pub mod logs;
pub mod nodes;
pub mod scroll_frame;
pub mod search;
pub mod slots;
pub mod timeline;
pub mod topology;
