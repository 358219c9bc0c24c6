//! Pieces of the developer commands that the end-to-end suite shares.

pub mod csp;
pub mod frames;
pub mod redis;
pub mod targets;
