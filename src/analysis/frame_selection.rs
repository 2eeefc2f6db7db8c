//! Choosing frames to label, as DeepLabCut's `extract_frames` does: evenly spread, or
//! one frame per cluster of visually similar frames (k-means on small grayscale
//! thumbnails, DeepLabCut's "kmeans" method).

use linfa::DatasetBase;
use linfa::traits::{Fit, Predict};
use linfa_clustering::KMeans;
use ndarray::Array2;

use crate::video::{DecodeScope, FrameConverter, SeekMode, VideoError, VideoReader};

/// Thumbnail width for clustering, as DeepLabCut's `resizewidth` default.
pub const THUMBNAIL_WIDTH: u32 = 30;
/// At most this many frames are clustered; longer ranges are subsampled evenly.
pub const MAX_CLUSTERED_FRAMES: usize = 6000;

/// Errors of frame selection.
#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    #[error(transparent)]
    Video(#[from] VideoError),
    #[error("the range {start:.3}..{stop:.3} holds no frame (the video has {frame_count} frames)")]
    EmptyRange {
        start: f64,
        stop: f64,
        frame_count: usize,
    },
    #[error("k-means failed: {0}")]
    Clustering(String),
}

/// The frames in `[start, stop)` of `frame_count`, given as fractions of the video.
pub fn frame_range(
    frame_count: usize,
    start: f64,
    stop: f64,
) -> Result<std::ops::Range<usize>, SelectionError> {
    let clamp = |f: f64| (f.clamp(0.0, 1.0) * frame_count as f64).round() as usize;
    let range = clamp(start)..clamp(stop).min(frame_count);
    if range.is_empty() {
        return Err(SelectionError::EmptyRange {
            start,
            stop,
            frame_count,
        });
    }
    Ok(range)
}

/// `count` frames spread evenly over `range`, each at the middle of its share.
pub fn uniform(range: std::ops::Range<usize>, count: usize) -> Vec<usize> {
    let span = range.len();
    let count = count.min(span);
    let mut picked: Vec<usize> = (0..count)
        .map(|k| range.start + ((2 * k + 1) * span) / (2 * count))
        .collect();
    picked.dedup();
    picked
}

/// One frame per k-means cluster of thumbnails from `range`: the member nearest its
/// cluster's centre. Seeks to the range's first frame, then decodes the range once, in
/// order. Sorted, without repeats.
pub fn kmeans(
    reader: &mut VideoReader,
    range: std::ops::Range<usize>,
    count: usize,
    on_progress: &mut dyn FnMut(usize),
) -> Result<Vec<usize>, SelectionError> {
    let info = reader.info().clone();
    let thumb_w = THUMBNAIL_WIDTH.min(info.width).max(1);
    let thumb_h =
        ((u64::from(info.height) * u64::from(thumb_w)) / u64::from(info.width)).max(1) as u32;
    let step = range.len().div_ceil(MAX_CLUSTERED_FRAMES).max(1);
    let mut converter = FrameConverter::new(&info.path);
    let mut frame_ids = Vec::new();
    let mut features: Vec<f64> = Vec::new();
    let first = reader.frame_with(
        range.start,
        SeekMode::Auto,
        DecodeScope::TargetOnly,
        &mut |_| {},
        &|| false,
    )?;
    let mut next = Some(first);
    while let Some(frame) = next {
        let idx = frame.frame_idx();
        if idx >= range.end {
            break;
        }
        on_progress(idx);
        if (idx - range.start).is_multiple_of(step) {
            let thumb = converter.to_gray_thumbnail(&frame, thumb_w, thumb_h)?;
            features.extend(thumb.as_raw().iter().map(|&v| f64::from(v) / 255.0));
            frame_ids.push(idx);
        }
        next = reader.next_frame()?;
    }
    if frame_ids.is_empty() {
        return Err(SelectionError::EmptyRange {
            start: range.start as f64,
            stop: range.end as f64,
            frame_count: reader.frame_count(),
        });
    }
    pick_typical(frame_ids, features, (thumb_w * thumb_h) as usize, count)
}

/// One frame per k-means cluster of the thumbnails of the frames `candidates` (as
/// DeepLabCut's `extract_outlier_frames` picks among its outliers): each frame is
/// decoded where it is, so a few hundred scattered candidates cost a seek each.
pub fn kmeans_among(
    reader: &mut VideoReader,
    candidates: &[usize],
    count: usize,
    on_progress: &mut dyn FnMut(usize),
) -> Result<Vec<usize>, SelectionError> {
    let info = reader.info().clone();
    let thumb_w = THUMBNAIL_WIDTH.min(info.width).max(1);
    let thumb_h =
        ((u64::from(info.height) * u64::from(thumb_w)) / u64::from(info.width)).max(1) as u32;
    let mut converter = FrameConverter::new(&info.path);
    let mut sorted: Vec<usize> = candidates.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    // Evenly thinned to what clustering takes.
    let step = sorted.len().div_ceil(MAX_CLUSTERED_FRAMES).max(1);
    let mut frame_ids = Vec::new();
    let mut features: Vec<f64> = Vec::new();
    for (done, &idx) in sorted.iter().step_by(step).enumerate() {
        on_progress(done);
        let frame = reader.frame_with(
            idx,
            SeekMode::Auto,
            DecodeScope::TargetOnly,
            &mut |_| {},
            &|| false,
        )?;
        let thumb = converter.to_gray_thumbnail(&frame, thumb_w, thumb_h)?;
        features.extend(thumb.as_raw().iter().map(|&v| f64::from(v) / 255.0));
        frame_ids.push(idx);
    }
    if frame_ids.is_empty() {
        return Err(SelectionError::EmptyRange {
            start: 0.0,
            stop: 0.0,
            frame_count: reader.frame_count(),
        });
    }
    pick_typical(frame_ids, features, (thumb_w * thumb_h) as usize, count)
}

/// Clusters the frames' features (`dim` values each) into `count` clusters and returns
/// each cluster's member nearest its centre, sorted, without repeats.
fn pick_typical(
    frame_ids: Vec<usize>,
    features: Vec<f64>,
    dim: usize,
    count: usize,
) -> Result<Vec<usize>, SelectionError> {
    let n_clusters = count.min(frame_ids.len()).max(1);
    if n_clusters == frame_ids.len() {
        return Ok(frame_ids);
    }
    let data = Array2::from_shape_vec((frame_ids.len(), dim), features)
        .map_err(|e| SelectionError::Clustering(e.to_string()))?;
    let dataset = DatasetBase::from(data.clone());
    let model = KMeans::params(n_clusters)
        .max_n_iterations(100)
        .tolerance(1e-4)
        .fit(&dataset)
        .map_err(|e| SelectionError::Clustering(e.to_string()))?;
    let labels = model.predict(&data);
    let centroids = model.centroids();
    // For each cluster, the member closest to the centre: a typical frame of it.
    let mut best: Vec<Option<(f64, usize)>> = vec![None; n_clusters];
    for (row, (&label, &frame_idx)) in labels.iter().zip(&frame_ids).enumerate() {
        let dist: f64 = data
            .row(row)
            .iter()
            .zip(centroids.row(label))
            .map(|(a, b)| (a - b) * (a - b))
            .sum();
        if best[label].is_none_or(|(d, _)| dist < d) {
            best[label] = Some((dist, frame_idx));
        }
    }
    let mut picked: Vec<usize> = best.into_iter().flatten().map(|(_, idx)| idx).collect();
    picked.sort_unstable();
    picked.dedup();
    Ok(picked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_spreads_over_the_range() {
        assert_eq!(uniform(0..100, 4), vec![12, 37, 62, 87]);
        assert_eq!(uniform(10..13, 10), vec![10, 11, 12]);
    }

    #[test]
    fn range_from_fractions() {
        assert_eq!(frame_range(100, 0.0, 1.0).unwrap(), 0..100);
        assert_eq!(frame_range(100, 0.5, 0.75).unwrap(), 50..75);
        assert!(frame_range(100, 0.5, 0.5).is_err());
    }
}
