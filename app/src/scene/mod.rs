//! The topology's scene: everything the canvas shows and how the user moves
//! it, as plain data, tested natively. `viewport` places the world on the
//! screen, `detail` says what is drawn at which zoom, `draw_list` builds a
//! frame as buckets of one ink each, `pick` finds the node under a click,
//! `gesture` tells drags from clicks, `pacing` says when to redraw,
//! `stand_in` moves the last picture with the camera until the next comes,
//! `titles` fits names written above small regions, `plate` places a
//! box's texts and its marks below them, `paint_frame` carries
//! a frame to a paint worker, and
//! `ink` names the colours (CSS custom properties: the stylesheet holds the
//! one light/dark table). The canvas glue in `components/topology.rs` only
//! carries these out.
//!
//! Whatever decides what is drawn (grouping nodes when zoomed out, filters
//! that dim, a focus) belongs here, as more of the `DrawList`, not in the glue.

pub mod boxes;
pub mod detail;
pub mod dots;
pub mod draw_list;
pub mod gesture;
pub mod ink;
pub mod link_labels;
pub mod pacing;
pub mod paint_frame;
pub mod pick;
pub mod plate;
pub mod route;
pub mod stand_in;
pub mod titles;
pub mod viewport;
pub mod zoom;

pub use detail::Detail;
pub use draw_list::{DrawList, Frame, Target};
pub use gesture::Gesture;
pub use ink::{Ink, Tone};
pub use pacing::{OnFrame, Pacer};
pub use pick::{pick, Reach, Reachable};
pub use stand_in::StandIn;
pub use viewport::{wheel_zoom_factor, Camera, Point, Size, Viewport};
pub use zoom::{Look, Zoom};
