//! Top-down models over frames. With a detector: a detector model finds each animal's
//! box on the frame, then the pose model runs on a crop around each box (as rtmlib
//! pairs a detector with RTMPose); each pose keeps its box and the detector's score.
//! Without one: the box follows the pose from frame to frame, as rtmlib's `PoseTracker`
//! does between detections.

use super::decode::Pose;
use super::error::InferenceResult;
use super::model::PoseModel;
use super::preprocess::{BoxXyxy, RgbFrame};

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

/// The score a keypoint needs to shape the box that follows its pose.
pub const FOLLOW_MIN_SCORE: f32 = 0.3;

/// The box a pose gives the next frame, as rtmlib's `PoseTracker` makes one
/// (`pose_to_bbox`: its keypoints' extent, ×1.25 about its centre), from the keypoints
/// scored at least [`FOLLOW_MIN_SCORE`]; `None` with fewer than two of them.
pub fn box_of_pose(pose: &Pose) -> Option<BoxXyxy> {
    let sure: Vec<&[f32; 3]> = pose
        .points
        .iter()
        .filter(|p| p[2] >= FOLLOW_MIN_SCORE && p[0].is_finite() && p[1].is_finite())
        .collect();
    if sure.len() < 2 {
        return None;
    }
    let (mut x1, mut y1, mut x2, mut y2) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for p in sure {
        (x1, y1, x2, y2) = (x1.min(p[0]), y1.min(p[1]), x2.max(p[0]), y2.max(p[1]));
    }
    let (cx, cy) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
    const EXPANSION: f32 = 1.25;
    Some(BoxXyxy {
        x1: cx - (cx - x1) * EXPANSION,
        y1: cy - (cy - y1) * EXPANSION,
        x2: cx + (x2 - cx) * EXPANSION,
        y2: cy + (y2 - cy) * EXPANSION,
    })
}

/// Top-down without a detector, over consecutive frames: each frame's pose runs in
/// the box the previous frame's pose gave (`boxes`, updated), or in the whole frame
/// when there is none yet or the pose was lost, as rtmlib's `PoseTracker` follows a
/// pose between detections.
pub fn follow_poses(
    model: &mut PoseModel,
    frames: &[RgbFrame<'_>],
    boxes: &mut Vec<BoxXyxy>,
) -> InferenceResult<Vec<Vec<Pose>>> {
    let mut out = Vec::with_capacity(frames.len());
    for frame in frames {
        let items: Vec<_> = if boxes.is_empty() {
            vec![(*frame, None)]
        } else {
            boxes.iter().map(|b| (*frame, Some(*b))).collect()
        };
        let poses: Vec<Pose> = model
            .predict(&items)?
            .into_iter()
            .zip(&items)
            .filter_map(|(mut per_box, (_, bbox))| {
                per_box.truncate(1);
                let mut pose = per_box.pop()?;
                pose.bbox = *bbox;
                Some(pose)
            })
            .collect();
        *boxes = poses.iter().filter_map(box_of_pose).collect();
        out.push(poses);
    }
    Ok(out)
}
