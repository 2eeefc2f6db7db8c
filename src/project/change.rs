//! Edits as lists of row changes with before and after values. Undo applies the
//! inverse: the same changes with before and after swapped, in reverse order.

use serde::{Deserialize, Serialize};

use super::model::{
    IndividualDef, IndividualId, KeypointDef, KeypointId, Label, LabelKey, VideoDef, VideoId,
};
use super::predictions::{PredictionSetDef, PredictionSetId};

/// One row of the project changed from `before` to `after` (`None` = no such row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "row", rename_all = "snake_case")]
pub enum Change {
    Label {
        key: LabelKey,
        before: Option<Label>,
        after: Option<Label>,
    },
    Keypoint {
        id: KeypointId,
        before: Option<KeypointDef>,
        after: Option<KeypointDef>,
    },
    /// A skeleton edge between two keypoints (ends in canonical order).
    Edge {
        a: KeypointId,
        b: KeypointId,
        before: bool,
        after: bool,
    },
    /// A left/right pair (ends in canonical order).
    Symmetric {
        a: KeypointId,
        b: KeypointId,
        before: bool,
        after: bool,
    },
    Individual {
        id: IndividualId,
        before: Option<IndividualDef>,
        after: Option<IndividualDef>,
    },
    Video {
        id: VideoId,
        before: Option<VideoDef>,
        after: Option<VideoDef>,
    },
    /// A project setting (marker size, opacity, ...).
    Setting {
        key: String,
        before: Option<String>,
        after: Option<String>,
    },
    /// A prediction set in the project (`Some`) or not (`None`). Its arrays are stored
    /// apart and stay, so undoing an import is this one small change.
    PredictionSet {
        id: PredictionSetId,
        before: Option<PredictionSetDef>,
        after: Option<PredictionSetDef>,
    },
}

impl Change {
    /// The change that undoes this one.
    pub fn inverse(&self) -> Self {
        match self.clone() {
            Self::Label { key, before, after } => Self::Label {
                key,
                before: after,
                after: before,
            },
            Self::Keypoint { id, before, after } => Self::Keypoint {
                id,
                before: after,
                after: before,
            },
            Self::Edge {
                a,
                b,
                before,
                after,
            } => Self::Edge {
                a,
                b,
                before: after,
                after: before,
            },
            Self::Symmetric {
                a,
                b,
                before,
                after,
            } => Self::Symmetric {
                a,
                b,
                before: after,
                after: before,
            },
            Self::Individual { id, before, after } => Self::Individual {
                id,
                before: after,
                after: before,
            },
            Self::Video { id, before, after } => Self::Video {
                id,
                before: after,
                after: before,
            },
            Self::Setting { key, before, after } => Self::Setting {
                key,
                before: after,
                after: before,
            },
            Self::PredictionSet { id, before, after } => Self::PredictionSet {
                id,
                before: after,
                after: before,
            },
        }
    }

    /// Whether applying this change would alter nothing.
    pub fn is_noop(&self) -> bool {
        match self {
            Self::Label { before, after, .. } => before == after,
            Self::Keypoint { before, after, .. } => before == after,
            Self::Edge { before, after, .. } | Self::Symmetric { before, after, .. } => {
                before == after
            }
            Self::Individual { before, after, .. } => before == after,
            Self::Video { before, after, .. } => before == after,
            Self::Setting { before, after, .. } => before == after,
            Self::PredictionSet { before, after, .. } => before == after,
        }
    }
}

/// One undoable step, named for the Undo menu ("move 'snout'").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Edit {
    pub description: String,
    pub changes: Vec<Change>,
}

impl Edit {
    /// An edit of the changes that alter something; `None` when none does.
    pub fn new(description: impl Into<String>, changes: Vec<Change>) -> Option<Self> {
        let changes: Vec<Change> = changes.into_iter().filter(|c| !c.is_noop()).collect();
        (!changes.is_empty()).then(|| Self {
            description: description.into(),
            changes,
        })
    }

    /// The edit that undoes this one.
    pub fn inverse(&self) -> Self {
        Self {
            description: self.description.clone(),
            changes: self.changes.iter().rev().map(Change::inverse).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::model::*;

    #[test]
    fn inverse_of_inverse_is_the_edit() {
        let key = LabelKey {
            video: VideoId(1),
            frame_idx: 3,
            individual: IndividualId(1),
            keypoint: KeypointId(2),
        };
        let edit = Edit::new(
            "move 'snout'",
            vec![
                Change::Label {
                    key,
                    before: Some(Label::human(1.0, 2.0)),
                    after: Some(Label::human(3.0, 4.0)),
                },
                Change::Edge {
                    a: KeypointId(1),
                    b: KeypointId(2),
                    before: false,
                    after: true,
                },
            ],
        )
        .unwrap();
        let inverse = edit.inverse();
        assert!(matches!(
            inverse.changes[0],
            Change::Edge { after: false, .. }
        ));
        assert_eq!(inverse.inverse(), edit);
    }

    #[test]
    fn an_edit_that_changes_nothing_is_none() {
        let same = Change::Setting {
            key: "marker_size".into(),
            before: Some("6".into()),
            after: Some("6".into()),
        };
        assert!(Edit::new("nothing", vec![same]).is_none());
    }
}
