//! The domain model and its durable store: the lowest Kinelab layer above `util` (no
//! egui, FFmpeg or ort here).
//!
//! - `model`: skeleton, individuals, videos, labels.
//! - `change`: edits as row changes with before and after values, so undo is exact.
//! - `edits`: the edits a person makes, built from the current state.
//! - `state`: the project in memory and its queries.
//! - `store`: the SQLite project file: schema, migrations, one transaction per edit.
//! - `document`: an open project (store + state + undo history).
//! - `preset`: skeleton presets from `assets/skeletons/`.

pub mod behaviours;
pub mod change;
pub mod checkpointer;
pub mod document;
pub mod edits;
pub mod error;
pub mod filling_set;
pub mod frames_to_label;
pub mod interpolation;
pub mod model;
pub mod names;
pub mod prediction_store;
pub mod predictions;
pub mod preset;
pub mod selection;
pub mod settings_keys;
pub mod state;
pub mod store;

pub use change::{Change, Edit};
pub use document::{NewProject, Project};
pub use error::{ProjectError, ProjectResult};
pub use model::*;
pub use predictions::{PredictionSetDef, PredictionSetId};
pub use state::ProjectState;

/// The extension of Kinelab's project files (`mice.kinelab`), without the dot.
pub const PROJECT_EXTENSION: &str = "kinelab";
