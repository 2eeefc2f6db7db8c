//! Kinelab: a workbench for markerless pose estimation.
//!
//! The layers, lowest first (a layer never imports a higher one):
//! - `util`: small helpers with no Kinelab imports (atomic file writes, fingerprints).
//! - `project`: the domain model and the SQLite project store, with edits and undo.
//! - `formats`: other tools' files (DeepLabCut, pandas HDF5) mapped to the project model.
//! - `video`: the FFmpeg engine: frame index, exact seeking, decode worker, conversion.
//! - `inference`: ONNX pose models through ONNX Runtime: specs, pre- and post-processing.
//! - `overlay`: labels and predictions on a frame as marks, rasterized onto video frames.
//! - `labeled_video`: videos with labels and predictions drawn on, encoded as MP4.
//! - `gpu`: wgpu paint callbacks that draw video frames from YUV planes.
//! - `ui`: the egui app.
//! - `cli`: the headless commands.

pub mod analysis;
pub mod cli;
pub mod formats;
pub mod gpu;
pub mod inference;
pub mod labeled_video;
pub mod overlay;
pub mod project;
pub mod ui;
pub mod util;
pub mod video;
