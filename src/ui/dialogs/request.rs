//! What a dialog asks of the workspace: an edit, a frame to go to, a message. The
//! workspace applies it, so every change is one undoable edit.

use std::path::PathBuf;

use crate::project::{Edit, ProjectError, VideoDef, VideoId};

/// What a dialog asks the workspace to do.
pub enum DialogRequest {
    GoTo(u64),
    Apply(Edit),
    ApplyResult(Result<Option<Edit>, ProjectError>),
    /// Add what an imported file gave (its labels, and its prediction set written
    /// hidden already) as one undoable edit; `summary` says what was read.
    Import {
        file: PathBuf,
        labels: std::collections::BTreeMap<crate::project::LabelKey, crate::project::Label>,
        set: Option<crate::project::PredictionSetId>,
        summary: String,
    },
    /// Add a prediction set written hidden already (a model's run) as one undoable
    /// edit; `summary` says what the run did.
    AddPredictionSet {
        set: crate::project::PredictionSetId,
        description: String,
        summary: String,
    },
    /// Read a set's points again: a model run wrote more of them.
    RefreshPredictionSet(crate::project::PredictionSetId),
    /// Accept a set's predictions on frames `from..=to` of the video shown.
    AcceptPredictions {
        set: crate::project::PredictionSetId,
        from: u64,
        to: u64,
    },
    /// A message for the status bar: what a background job did.
    Status(String),
    /// An error for the status bar, where every job's errors go.
    Error(String),
    AddVideo(VideoDef),
    Relink {
        video: VideoId,
        path: PathBuf,
    },
}

/// The request for an edit that may have been refused.
pub fn edit_request(edit: Result<Edit, ProjectError>) -> DialogRequest {
    match edit {
        Ok(edit) => DialogRequest::Apply(edit),
        Err(e) => DialogRequest::Error(e.to_string()),
    }
}
