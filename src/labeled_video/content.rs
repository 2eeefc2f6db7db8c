//! What a labeled video shows: one video's labels and prediction sets, with the
//! individuals and keypoints asked for, read once before rendering starts.

use std::collections::BTreeSet;

use crate::overlay::marks::{Mark, MarkSize, SetOnFrame, label_marks, prediction_marks};
use crate::overlay::style::OverlayStyle;
use crate::project::prediction_store::PredictionSource;
use crate::project::predictions::{POINT_FLOATS, PredictionArrays};
use crate::project::{
    IndividualId, KeypointId, Label, LabelKey, PredictionSetId, ProjectError, ProjectResult,
    ProjectState, VideoId,
};

/// Which individuals and keypoints are drawn (`None`: all).
#[derive(Clone, Debug, Default)]
pub struct RenderFilter {
    pub individuals: Option<BTreeSet<IndividualId>>,
    pub keypoints: Option<BTreeSet<KeypointId>>,
}

impl RenderFilter {
    fn keeps(&self, individual: IndividualId, keypoint: KeypointId) -> bool {
        self.individuals
            .as_ref()
            .is_none_or(|s| s.contains(&individual))
            && self
                .keypoints
                .as_ref()
                .is_none_or(|s| s.contains(&keypoint))
    }
}

/// One set's arrays for the video, with what it is called.
struct SetArrays {
    id: PredictionSetId,
    name: String,
    arrays: PredictionArrays,
}

/// Everything drawn on a video's frames.
pub struct RenderContent {
    /// The project with only the labels drawn (none when labels are left out).
    state: ProjectState,
    video: VideoId,
    sets: Vec<SetArrays>,
    style: OverlayStyle,
    /// Labels' outline colour.
    outline: [u8; 4],
}

impl RenderContent {
    /// The labels of `video` in `state` (when `draw_labels`) and `sets`' arrays for
    /// it, keeping what `filter` keeps.
    pub fn new(
        state: &ProjectState,
        video: VideoId,
        sets: Vec<NamedArrays>,
        draw_labels: bool,
        filter: &RenderFilter,
        style: OverlayStyle,
    ) -> Self {
        let mut state = state.clone();
        state.labels.retain(|k, _| {
            draw_labels && k.video == video && filter.keeps(k.individual, k.keypoint)
        });
        let sets = sets
            .into_iter()
            .map(|(id, name, mut arrays)| {
                hide_filtered(&mut arrays, filter);
                SetArrays { id, name, arrays }
            })
            .collect();
        Self {
            state,
            video,
            sets,
            style,
            outline: [0, 0, 0, 255],
        }
    }

    /// Whether anything at all would be drawn.
    pub fn is_empty(&self) -> bool {
        self.state.labels.is_empty() && self.sets.iter().all(|s| s.arrays.point_count() == 0)
    }

    /// The names of the sets drawn.
    pub fn set_names(&self) -> Vec<&str> {
        self.sets.iter().map(|s| s.name.as_str()).collect()
    }

    /// The marks of frame `frame_idx`, appended to `out`: predictions first, labels
    /// on top (as in the app).
    pub fn marks(&self, frame_idx: usize, size: MarkSize, out: &mut Vec<Mark>) {
        let frame = frame_idx as u64;
        let trails: Vec<Vec<Vec<f32>>> = self
            .sets
            .iter()
            .map(|s| {
                let first = frame.saturating_sub(self.style.trail_frames as u64);
                (first..frame).map(|f| s.arrays.frame(f).to_vec()).collect()
            })
            .collect();
        let on_frame: Vec<SetOnFrame<'_>> = self
            .sets
            .iter()
            .zip(&trails)
            .filter(|(s, _)| frame < s.arrays.shape.frame_count)
            .map(|(s, trail)| SetOnFrame {
                id: s.id,
                name: &s.name,
                shape: &s.arrays.shape,
                points: s.arrays.frame(frame),
                trail,
            })
            .collect();
        prediction_marks(&self.state, &on_frame, &self.style, size, out);
        let labels: Vec<(LabelKey, Label)> = self
            .state
            .labels_on_frame(self.video, frame)
            .map(|(k, l)| (*k, l.clone()))
            .collect();
        label_marks(&self.state, &labels, 1.0, self.outline, size, out);
    }
}

/// A named set's arrays for one video.
pub type NamedArrays = (PredictionSetId, String, PredictionArrays);

/// The arrays of `sets` of `state` for `video`, read from `source` (sets without the
/// video are left out).
pub fn read_sets(
    state: &ProjectState,
    video: VideoId,
    sets: &[PredictionSetId],
    source: &dyn PredictionSource,
) -> ProjectResult<Vec<NamedArrays>> {
    let mut read = Vec::new();
    for id in sets {
        let set = state.prediction_sets.get(id).ok_or_else(|| {
            ProjectError::Invalid(format!("the project has no prediction set {}", id.0))
        })?;
        if set.video(video).is_some() {
            read.push((*id, set.def.name.clone(), source.arrays(set, video)?));
        }
    }
    Ok(read)
}

/// Clears (to NaN) the points of individuals and keypoints the filter leaves out.
fn hide_filtered(arrays: &mut PredictionArrays, filter: &RenderFilter) {
    if filter.individuals.is_none() && filter.keypoints.is_none() {
        return;
    }
    let shape = arrays.shape.clone();
    let hidden: Vec<usize> = shape
        .individuals
        .iter()
        .flat_map(|&i| shape.keypoints.iter().map(move |&k| (i, k)))
        .filter(|&(i, k)| !filter.keeps(i, k))
        .filter_map(|(i, k)| shape.slot(i, k))
        .collect();
    let per_frame = shape.frame_floats();
    if per_frame == 0 {
        return;
    }
    for frame in arrays.values.chunks_exact_mut(per_frame) {
        for &slot in &hidden {
            frame[slot..slot + POINT_FLOATS].fill(f32::NAN);
        }
    }
}
