//! Analysis on top of the video engine and the project's tracks, free of any UI: frame
//! selection for labeling, and kinematics of tracked points with the filters that
//! clean them first.

pub mod crossings;
pub mod decimate;
pub mod derivative;
pub mod ethogram_plot;
pub mod event_summary;
pub mod filters;
pub mod frame_selection;
pub mod kinematics;
pub mod kinematics_table;
pub mod outliers;
pub mod plot_export;
pub mod quantity;
pub mod rules;
pub mod summary_table;
pub mod track_source;
pub mod tracks;

pub use filters::{FilterError, Smoothing};
