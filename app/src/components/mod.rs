//! One module per panel of the dashboard.

pub mod header;
pub mod nodes;
pub mod scroll_frame;
