//! Predictions, first-class: a prediction set is one import or one model run (its
//! source, scorer or model, and date), holding per video columnar `f32` arrays
//! `[frame, individual, keypoint] -> (x, y, score)`. The store keeps them in chunks of
//! frames (BLOBs), so a frame's predictions are one chunk and a whole video's are a
//! handful of reads; there are no per-frame rows, and undoing an import hides the set
//! instead of replaying rows. Human labels stay label rows.

use serde::{Deserialize, Serialize};

use super::model::{IndividualId, KeypointId, VideoId};

/// A prediction set's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PredictionSetId(pub i64);

/// What a prediction set is, as people see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PredictionSetDef {
    /// The name shown in the layers list and exports (the file's stem, or the model's).
    pub name: String,
    /// Where it came from: the file imported, or the model run.
    pub source: String,
    /// The scorer (DeepLabCut) or model that made it.
    pub scorer: String,
    /// When it was made, in seconds since 1970.
    pub created_unix_secs: f64,
}

/// Frames per stored chunk: a frame's predictions are read with its chunk (at 2 animals
/// × 12 keypoints, 288 KB), and a 108,000-frame video is 106 chunks.
pub const CHUNK_FRAMES: u64 = 1024;

/// Floats per predicted point: x, y, score.
pub const POINT_FLOATS: usize = 3;

/// The shape of one video's predictions in a set: which individuals and keypoints its
/// arrays hold, in order, over how many frames.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictionShape {
    pub individuals: Vec<IndividualId>,
    pub keypoints: Vec<KeypointId>,
    pub frame_count: u64,
}

impl PredictionShape {
    /// Floats per frame.
    pub fn frame_floats(&self) -> usize {
        self.individuals.len() * self.keypoints.len() * POINT_FLOATS
    }

    /// The slot of a point within a frame's floats.
    pub fn slot(&self, individual: IndividualId, keypoint: KeypointId) -> Option<usize> {
        let i = self.individuals.iter().position(|&x| x == individual)?;
        let k = self.keypoints.iter().position(|&x| x == keypoint)?;
        Some((i * self.keypoints.len() + k) * POINT_FLOATS)
    }

    pub fn chunk_count(&self) -> u64 {
        self.frame_count.div_ceil(CHUNK_FRAMES)
    }
}

/// A whole video's predictions in memory, as an import builds them: `values` holds
/// `frame_count × individuals × keypoints × (x, y, score)`, NaN where nothing was
/// predicted.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictionArrays {
    pub shape: PredictionShape,
    pub values: Vec<f32>,
}

impl PredictionArrays {
    /// Arrays of the given shape with nothing predicted.
    pub fn empty(shape: PredictionShape) -> Self {
        let len = shape.frame_count as usize * shape.frame_floats();
        Self {
            shape,
            values: vec![f32::NAN; len],
        }
    }

    /// Sets one point; out-of-range frames and unknown slots are ignored.
    pub fn set(&mut self, frame_idx: u64, slot: usize, point: [f32; 3]) {
        if frame_idx >= self.shape.frame_count {
            return;
        }
        let at = frame_idx as usize * self.shape.frame_floats() + slot;
        if let Some(cell) = self.values.get_mut(at..at + POINT_FLOATS) {
            cell.copy_from_slice(&point);
        }
    }

    /// The floats of one frame.
    pub fn frame(&self, frame_idx: u64) -> &[f32] {
        let n = self.shape.frame_floats();
        let at = frame_idx as usize * n;
        self.values.get(at..at + n).unwrap_or(&[])
    }

    /// Swaps two individuals' points on the frames of `frames` (a tracker's identity
    /// swap undone); an individual the arrays do not hold swaps nothing.
    pub fn swap_individuals(
        &mut self,
        a: IndividualId,
        b: IndividualId,
        frames: std::ops::RangeInclusive<u64>,
    ) {
        let per_frame = self.shape.frame_floats();
        let pairs: Vec<(usize, usize)> = self
            .shape
            .keypoints
            .iter()
            .filter_map(|&k| Some((self.shape.slot(a, k)?, self.shape.slot(b, k)?)))
            .collect();
        if a == b || pairs.is_empty() || per_frame == 0 {
            return;
        }
        let last = (*frames.end()).min(self.shape.frame_count.saturating_sub(1));
        for f in *frames.start()..=last {
            let base = f as usize * per_frame;
            for &(sa, sb) in &pairs {
                for i in 0..POINT_FLOATS {
                    self.values.swap(base + sa + i, base + sb + i);
                }
            }
        }
    }

    /// How many points have a position (x and y not NaN).
    pub fn point_count(&self) -> usize {
        self.values
            .chunks_exact(POINT_FLOATS)
            .filter(|p| !p[0].is_nan() && !p[1].is_nan())
            .count()
    }

    /// Frames with at least one point.
    pub fn frames_with_points(&self) -> usize {
        let n = self.shape.frame_floats().max(1);
        self.values
            .chunks_exact(n)
            .filter(|f| f.chunks_exact(POINT_FLOATS).any(|p| !p[0].is_nan()))
            .count()
    }
}

/// A per-frame summary for the timeline: the share of points predicted and their mean
/// score, each as a byte (0 to 255); (0, 0) for a frame without predictions.
pub fn frame_summary(shape: &PredictionShape, frame: &[f32]) -> [u8; 2] {
    let mut present = 0usize;
    let mut score_sum = 0.0f64;
    let mut scored = 0usize;
    for p in frame.chunks_exact(POINT_FLOATS) {
        if p[0].is_nan() || p[1].is_nan() {
            continue;
        }
        present += 1;
        if !p[2].is_nan() {
            score_sum += f64::from(p[2].clamp(0.0, 1.0));
            scored += 1;
        }
    }
    let total = (shape.individuals.len() * shape.keypoints.len()).max(1);
    let coverage = (present as f64 / total as f64 * 255.0).round() as u8;
    let mean = if scored > 0 {
        (score_sum / scored as f64 * 255.0).round() as u8
    } else {
        0
    };
    [coverage, mean]
}

/// One video's predictions in a set, as the project holds it in memory: the shape and
/// the per-frame summary (two bytes a frame), never the arrays.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictionVideo {
    pub video: VideoId,
    pub shape: PredictionShape,
    /// `frame_summary` of each frame, two bytes each.
    pub summary: Vec<u8>,
}

impl PredictionVideo {
    /// The share of points predicted on `frame_idx` (0 to 1) and their mean score.
    pub fn summary_at(&self, frame_idx: u64) -> Option<(f32, f32)> {
        let at = frame_idx as usize * 2;
        let s = self.summary.get(at..at + 2)?;
        Some((f32::from(s[0]) / 255.0, f32::from(s[1]) / 255.0))
    }
}

/// A prediction set as the project holds it: what it is, whether it is in the project
/// (an undone import is not, though its arrays stay until nothing can redo it), and
/// its videos.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictionSet {
    pub id: PredictionSetId,
    pub def: PredictionSetDef,
    pub present: bool,
    pub videos: Vec<PredictionVideo>,
}

impl PredictionSet {
    pub fn video(&self, video: VideoId) -> Option<&PredictionVideo> {
        self.videos.iter().find(|v| v.video == video)
    }
}

/// Every stored set by id.
pub type PredictionSets = std::collections::BTreeMap<PredictionSetId, PredictionSet>;

/// Chunk bytes: the floats of `frames`, little-endian.
pub fn encode_chunk(floats: &[f32]) -> Vec<u8> {
    // Sized once and filled in a plain loop: `flat_map(..).collect()` cannot know
    // the length and grows the buffer step by step.
    let mut bytes = Vec::with_capacity(floats.len() * 4);
    for f in floats {
        bytes.extend_from_slice(&f.to_le_bytes());
    }
    bytes
}

/// The floats of a stored chunk.
pub fn decode_chunk(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_place_points_by_slot_and_summaries_count_them() {
        let shape = PredictionShape {
            individuals: vec![IndividualId(1), IndividualId(2)],
            keypoints: vec![KeypointId(5), KeypointId(6)],
            frame_count: 3,
        };
        let mut arrays = PredictionArrays::empty(shape.clone());
        let slot = shape.slot(IndividualId(2), KeypointId(6)).unwrap();
        assert_eq!(slot, 9);
        arrays.set(1, slot, [10.0, 20.0, 0.5]);
        arrays.set(7, slot, [1.0, 1.0, 1.0]);
        assert_eq!(&arrays.frame(1)[9..12], &[10.0, 20.0, 0.5]);
        assert_eq!(arrays.point_count(), 1);
        assert_eq!(arrays.frames_with_points(), 1);
        assert_eq!(frame_summary(&shape, arrays.frame(1)), [64, 128]);
        assert_eq!(frame_summary(&shape, arrays.frame(0)), [0, 0]);
        let bytes = encode_chunk(arrays.frame(1));
        let back = decode_chunk(&bytes);
        assert_eq!(back[9..12], [10.0, 20.0, 0.5]);
        assert!(back[0].is_nan());
    }

    #[test]
    fn swapping_individuals_moves_their_points_over_the_frames_given() {
        let shape = PredictionShape {
            individuals: vec![IndividualId(1), IndividualId(2)],
            keypoints: vec![KeypointId(1)],
            frame_count: 3,
        };
        let mut a = PredictionArrays::empty(shape.clone());
        for f in 0..3 {
            a.set(f, 0, [1.0, 1.0, 0.9]);
            a.set(f, 3, [2.0, 2.0, 0.8]);
        }
        a.swap_individuals(IndividualId(1), IndividualId(2), 1..=5);
        assert_eq!(&a.frame(0)[..4], &[1.0, 1.0, 0.9, 2.0]);
        assert_eq!(&a.frame(1)[..4], &[2.0, 2.0, 0.8, 1.0]);
        assert_eq!(&a.frame(2)[3..6], &[1.0, 1.0, 0.9]);
    }
}
