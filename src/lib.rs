//! Kinelab: a workbench for markerless pose estimation.
//!
//! The layers, lowest first (a layer never imports a higher one):
//! - `util`: small helpers with no Kinelab imports (atomic file writes).
//! - `video`: the FFmpeg engine: frame index, exact seeking, decode worker, conversion.
//! - `cli`: the headless commands.

pub mod analysis;
pub mod cli;
pub mod util;
pub mod video;
