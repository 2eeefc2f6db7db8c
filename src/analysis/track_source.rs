//! Where a video's tracks come from (its labels or one of its prediction sets), and
//! the video's own clock: each frame's timestamp in seconds from the first frame,
//! read from the frame index, so per-second rates are exact under variable frame
//! rates. Shared by `kinelab kinematics` and the app's plots.

use std::path::Path;

use super::tracks::{self, Track};
use crate::project::prediction_store::PredictionSource;
use crate::project::{PredictionSetId, ProjectError, ProjectState, Video};
use crate::video::{VideoError, VideoReader};

/// The data a kinematics table or plot is taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TrackSource {
    Labels,
    Set(PredictionSetId),
}

/// The data to read on `video`: `chosen` while it is still there, else the video's
/// first prediction set, else its labels.
pub fn chosen_or_default(
    state: &ProjectState,
    video: crate::project::VideoId,
    chosen: Option<TrackSource>,
) -> TrackSource {
    let set_with_video = |id| {
        state
            .present_prediction_sets()
            .any(|s| s.id == id && s.video(video).is_some())
    };
    match chosen {
        Some(TrackSource::Set(id)) if set_with_video(id) => TrackSource::Set(id),
        Some(TrackSource::Labels) => TrackSource::Labels,
        _ => state
            .present_prediction_sets()
            .find(|s| s.video(video).is_some())
            .map_or(TrackSource::Labels, |s| TrackSource::Set(s.id)),
    }
}

/// Each frame's time in seconds from the first frame, by its timestamp: NaN for every
/// frame of a folder of images, which has no timestamps.
pub fn frame_times(video: &Video, path: &Path) -> Result<Vec<f64>, VideoError> {
    let frames = video.def.frame_count as usize;
    if video.def.frame_files.is_some() {
        return Ok(vec![f64::NAN; frames]);
    }
    let reader = VideoReader::open(path)?;
    let secs_per_tick = reader.info().secs_per_tick();
    let index = reader.index();
    Ok((0..frames)
        .map(|f| index.time_of(f, secs_per_tick).unwrap_or(f64::NAN))
        .collect())
}

/// The tracks of `video` from `source`, over `frame_count` frames.
pub fn load_tracks(
    state: &ProjectState,
    predictions: &dyn PredictionSource,
    video: &Video,
    source: TrackSource,
    frame_count: usize,
) -> Result<Vec<Track>, ProjectError> {
    match source {
        TrackSource::Labels => Ok(tracks::from_labels(state, video.id, frame_count)),
        TrackSource::Set(id) => {
            let set = state.prediction_set(id).ok_or_else(|| {
                ProjectError::Invalid(format!("the project has no prediction set {}", id.0))
            })?;
            let arrays = predictions.arrays(set, video.id)?;
            Ok(tracks::from_predictions(state, &arrays, frame_count))
        }
    }
}
