//! Analysis on top of the video engine: frame selection for labeling (and, with later
//! issues, kinematics and outlier scores).

pub mod frame_selection;
