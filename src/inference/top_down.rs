//! Top-down with a detector: a detector model finds each animal's box on the frame,
//! then the pose model runs on a crop around each box (as rtmlib pairs a detector with
//! RTMPose). Each pose keeps its box and the detector's score.

use super::decode::Pose;
use super::error::InferenceResult;
use super::model::PoseModel;
use super::preprocess::RgbFrame;

/// Poses on each frame: the detector's best `max_animals` boxes, a pose in each.
pub fn detect_then_pose(
    detector: &mut PoseModel,
    model: &mut PoseModel,
    frames: &[RgbFrame<'_>],
    max_animals: usize,
) -> InferenceResult<Vec<Vec<Pose>>> {
    let whole: Vec<_> = frames.iter().map(|f| (*f, None)).collect();
    let detections = detector.predict(&whole)?;
    let mut out = Vec::with_capacity(frames.len());
    for (frame, mut found) in frames.iter().zip(detections) {
        found.sort_by(|a, b| b.score.total_cmp(&a.score));
        found.truncate(max_animals.max(1));
        let boxed: Vec<_> = found
            .iter()
            .filter_map(|d| d.bbox.map(|b| (*frame, Some(b))))
            .collect();
        let poses = model.predict(&boxed)?;
        out.push(
            poses
                .into_iter()
                .zip(&found)
                .filter_map(|(mut per_box, d)| {
                    per_box.truncate(1);
                    let mut pose = per_box.pop()?;
                    pose.score = d.score;
                    pose.bbox = d.bbox;
                    Some(pose)
                })
                .collect(),
        );
    }
    Ok(out)
}
