//! A video's tracks, one per individual and keypoint, over all its frames: from a
//! prediction set's arrays, or from the labels (likelihood 1 where a person placed a
//! visible or occluded point, the model's score where a label kept one).

use std::collections::BTreeMap;

use super::kinematics::PointSeries;
use crate::project::predictions::{POINT_FLOATS, PredictionArrays};
use crate::project::{IndividualId, KeypointId, ProjectState, VideoId, Visibility};

/// One individual's keypoint over a video.
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    pub individual: IndividualId,
    pub keypoint: KeypointId,
    pub individual_name: String,
    pub keypoint_name: String,
    pub points: PointSeries,
}

impl Track {
    /// The track over frames `range` only.
    pub fn slice(&self, range: std::ops::Range<usize>) -> Track {
        let cut = |v: &Vec<f64>| v[range.clone()].to_vec();
        Track {
            points: PointSeries {
                x: cut(&self.points.x),
                y: cut(&self.points.y),
                likelihood: cut(&self.points.likelihood),
            },
            individual_name: self.individual_name.clone(),
            keypoint_name: self.keypoint_name.clone(),
            ..*self
        }
    }
}

fn empty_series(frames: usize) -> PointSeries {
    PointSeries {
        x: vec![f64::NAN; frames],
        y: vec![f64::NAN; frames],
        likelihood: vec![f64::NAN; frames],
    }
}

fn names(state: &ProjectState, i: IndividualId, k: KeypointId) -> (String, String) {
    let keypoint = state
        .skeleton
        .keypoint(k)
        .map_or_else(|| format!("keypoint {}", k.0), |k| k.def.name.clone());
    (state.individual_name(i), keypoint)
}

/// The tracks of a prediction set's arrays for one video, in the arrays' order
/// (individuals, then keypoints in skeleton order), over `frame_count` frames.
pub fn from_predictions(
    state: &ProjectState,
    arrays: &PredictionArrays,
    frame_count: usize,
) -> Vec<Track> {
    let shape = &arrays.shape;
    let mut tracks = Vec::with_capacity(shape.individuals.len() * shape.keypoints.len());
    for &individual in &shape.individuals {
        for &keypoint in &shape.keypoints {
            let Some(slot) = shape.slot(individual, keypoint) else {
                continue;
            };
            let mut points = empty_series(frame_count);
            let stored = (shape.frame_count as usize).min(frame_count);
            for f in 0..stored {
                let p = &arrays.frame(f as u64)[slot..slot + POINT_FLOATS];
                if p[0].is_finite() && p[1].is_finite() {
                    points.x[f] = f64::from(p[0]);
                    points.y[f] = f64::from(p[1]);
                    points.likelihood[f] = f64::from(p[2]);
                }
            }
            let (individual_name, keypoint_name) = names(state, individual, keypoint);
            tracks.push(Track {
                individual,
                keypoint,
                individual_name,
                keypoint_name,
                points,
            });
        }
    }
    tracks
}

/// The tracks of a video's labels: every individual and keypoint that has a label on
/// the video, in project order, over `frame_count` frames. Absent points are NaN.
pub fn from_labels(state: &ProjectState, video: VideoId, frame_count: usize) -> Vec<Track> {
    let mut series: BTreeMap<(IndividualId, KeypointId), PointSeries> = BTreeMap::new();
    for (key, label) in state.labels.iter().filter(|(key, _)| key.video == video) {
        let f = key.frame_idx as usize;
        if f >= frame_count || label.visibility == Visibility::Absent {
            continue;
        }
        let points = series
            .entry((key.individual, key.keypoint))
            .or_insert_with(|| empty_series(frame_count));
        points.x[f] = label.x;
        points.y[f] = label.y;
        points.likelihood[f] = label.score.unwrap_or(1.0);
    }
    let mut tracks = Vec::with_capacity(series.len());
    for individual in &state.individuals {
        for keypoint in &state.skeleton.keypoints {
            let (i, k) = (individual.id, keypoint.id);
            if let Some(points) = series.remove(&(i, k)) {
                let (individual_name, keypoint_name) = names(state, i, k);
                tracks.push(Track {
                    individual: i,
                    keypoint: k,
                    individual_name,
                    keypoint_name,
                    points,
                });
            }
        }
    }
    tracks
}
