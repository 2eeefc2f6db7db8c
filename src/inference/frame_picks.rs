//! Frames where a model is least sure: the model runs on candidate frames (decoded in
//! order), and those whose best pose has the lowest mean keypoint score are picked,
//! as SLEAP's "lowest prediction score" labeling suggestions are.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::video::{FrameConverter, VideoReader};

use super::model::PoseModel;
use super::preprocess::RgbFrame;
use super::video_run::RunError;

/// The `count` candidates with the lowest score (no pose at all scores 0), ascending
/// by frame. `on_progress(done, total)` follows the candidates run.
pub fn lowest_confidence(
    model: &mut PoseModel,
    video: &std::path::Path,
    candidates: &[usize],
    count: usize,
    cancel: &AtomicBool,
    on_progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u64>, RunError> {
    let mut reader = VideoReader::open(video)?;
    let mut converter = FrameConverter::new(video);
    let mut scored: Vec<(f32, usize)> = Vec::with_capacity(candidates.len());
    let mut sorted = candidates.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    for (done, &frame_idx) in sorted.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Err(RunError::Cancelled {
                video: video.to_owned(),
            });
        }
        // A frame that does not decode is skipped: nobody can label it either.
        let Ok(frame) = reader.frame(frame_idx) else {
            continue;
        };
        let rgb = converter.to_rgb(&frame)?;
        let f = RgbFrame {
            width: rgb.width() as usize,
            height: rgb.height() as usize,
            pixels: rgb.as_raw(),
        };
        let poses = model.predict(&[(f, None)])?;
        let score = poses
            .first()
            .and_then(|p| p.iter().map(|p| p.score).reduce(f32::max))
            .filter(|s| s.is_finite())
            .unwrap_or(0.0);
        scored.push((score, frame_idx));
        on_progress(done + 1, sorted.len());
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut picked: Vec<u64> = scored
        .into_iter()
        .take(count)
        .map(|(_, f)| f as u64)
        .collect();
    picked.sort_unstable();
    Ok(picked)
}
