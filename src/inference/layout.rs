//! Where a model's poses go in a project's prediction arrays: model keypoints to the
//! project keypoints they fill (through the spec's map, else by name), and the
//! animals a frame's poses fill, best score first.

use crate::project::predictions::{PredictionArrays, PredictionShape};
use crate::project::{IndividualId, KeypointId, ProjectState};

use super::decode::Pose;
use super::spec::ModelSpec;

/// A run's place in the project: which individuals and keypoints its arrays hold.
#[derive(Clone, Debug, PartialEq)]
pub struct PoseLayout {
    /// Individuals filled by the 1st, 2nd, … pose of a frame.
    pub animals: Vec<IndividualId>,
    /// Per model keypoint: the project keypoint it fills, if any.
    pub model_keypoints: Vec<Option<KeypointId>>,
    pub shape: PredictionShape,
}

impl PoseLayout {
    /// The layout for `state`, at most `max_animals` poses per frame, over
    /// `frame_count` frames. Fails, listing both sides, when no model keypoint has a
    /// project keypoint.
    pub fn new(
        state: &ProjectState,
        spec: &ModelSpec,
        max_animals: usize,
        frame_count: u64,
    ) -> Result<Self, String> {
        let model_keypoints: Vec<Option<KeypointId>> = spec
            .keypoints
            .iter()
            .map(|name| {
                let target = spec.project_keypoint(name)?;
                state.skeleton.by_name(target).map(|k| k.id)
            })
            .collect();
        if model_keypoints.iter().all(Option::is_none) {
            let project: Vec<&str> = state
                .skeleton
                .keypoints
                .iter()
                .map(|k| k.def.name.as_str())
                .collect();
            return Err(format!(
                "none of the model's keypoints ({}) is a keypoint of the project ({}): map them \
                 in the spec's keypoint_map",
                spec.keypoints.join(", "),
                project.join(", ")
            ));
        }
        let animals: Vec<IndividualId> = state
            .individuals
            .iter()
            .take(max_animals.max(1))
            .map(|i| i.id)
            .collect();
        let mut individuals = animals.clone();
        if model_keypoints
            .iter()
            .flatten()
            .any(|&k| is_unique(state, k))
        {
            individuals.push(IndividualId::NONE);
        }
        let mut keypoints: Vec<KeypointId> = Vec::new();
        for k in state.skeleton.keypoints.iter().map(|k| k.id) {
            if model_keypoints.contains(&Some(k)) {
                keypoints.push(k);
            }
        }
        Ok(Self {
            animals,
            model_keypoints,
            shape: PredictionShape {
                individuals,
                keypoints,
                frame_count,
            },
        })
    }

    /// Puts a frame's poses into `arrays` (best first: the first pose fills the first
    /// animal); unique keypoints take the best pose's point.
    pub fn put(
        &self,
        state: &ProjectState,
        arrays: &mut PredictionArrays,
        frame_idx: u64,
        poses: &[Pose],
    ) {
        let mut order: Vec<&Pose> = poses.iter().collect();
        order.sort_by(|a, b| b.score.total_cmp(&a.score));
        for (rank, pose) in order.iter().enumerate() {
            let Some(&animal) = self.animals.get(rank) else {
                break;
            };
            for (point, keypoint) in pose.points.iter().zip(&self.model_keypoints) {
                let Some(keypoint) = *keypoint else { continue };
                if point[0].is_nan() || point[1].is_nan() {
                    continue;
                }
                let owner = if is_unique(state, keypoint) {
                    if rank > 0 {
                        continue;
                    }
                    IndividualId::NONE
                } else {
                    animal
                };
                if let Some(slot) = self.shape.slot(owner, keypoint) {
                    arrays.set(frame_idx, slot, *point);
                }
            }
        }
    }
}

fn is_unique(state: &ProjectState, keypoint: KeypointId) -> bool {
    state
        .skeleton
        .keypoint(keypoint)
        .is_some_and(|k| k.def.unique)
}
