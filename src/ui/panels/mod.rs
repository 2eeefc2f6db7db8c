//! The panels of an open project. Each is a file with a `…Context` it reads and, where
//! a person can act in it, an `…Action` it returns; the workspace applies the actions
//! at the end of the frame.

pub mod behaviours;
pub mod event_lanes;
pub mod frames_to_label;
pub mod identities;
pub mod keypoints;
pub mod layers;
pub mod models;
pub mod modifier_prompt;
pub mod outliers;
pub mod plots;
pub mod prediction_overlay;
pub mod region_overlay;
pub mod rules;
pub mod status_bar;
pub mod suggestion_overlay;
pub mod timeline;
pub mod transport;
pub mod video_view;
