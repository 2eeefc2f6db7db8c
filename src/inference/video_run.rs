//! A model over a video's frames, pipelined on three threads: decoding (in order,
//! `video::range_decode`), preparing batches (RGB conversion, resize or crop,
//! normalisation), and running the model on the calling thread. Progress comes after
//! every batch with frames per second and the time left; a cancel flag stops it
//! between batches.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crossbeam_channel::bounded;

use crate::video::range_decode::{Decoded, decode_frames};
use crate::video::{FrameConverter, VideoError, VideoReader};

use super::decode::Pose;
use super::error::InferenceError;
use super::model::{Batch, PoseModel, prepare};
use super::preprocess::RgbFrame;
use super::spec::ModelSpec;

/// Why a run stopped early.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Video(#[from] VideoError),
    #[error(transparent)]
    Inference(#[from] InferenceError),
    #[error("{}: the run was cancelled", video.display())]
    Cancelled { video: PathBuf },
}

/// Where a run is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunProgress {
    pub done: usize,
    pub total: usize,
    /// Frames per second since the start.
    pub fps: f64,
}

/// What a finished run did.
#[derive(Clone, Debug, PartialEq)]
pub struct RunReport {
    pub frames: Range<usize>,
    /// Frames with at least one pose.
    pub frames_with_poses: usize,
    /// Frames that did not decode (no poses for them).
    pub missing: Vec<usize>,
    pub elapsed_secs: f64,
}

impl RunReport {
    pub fn fps(&self) -> f64 {
        self.frames.len() as f64 / self.elapsed_secs.max(1e-9)
    }
}

/// A prepared batch: the frames it holds, and the frames before it that did not decode.
struct Prepared {
    frame_idxs: Vec<usize>,
    /// The model's input, or (with a detector, whose boxes come first) the frames.
    input: PreparedInput,
    missing: Vec<usize>,
}

enum PreparedInput {
    Batch(Batch),
    Frames(Vec<image::RgbImage>),
}

fn rgb_frame(img: &image::RgbImage) -> RgbFrame<'_> {
    RgbFrame {
        width: img.width() as usize,
        height: img.height() as usize,
        pixels: img.as_raw(),
    }
}

/// Converts decoded frames to RGB and groups them into prepared batches (with
/// `keep_frames`, batches of the RGB frames themselves).
fn prepare_batches(
    spec: &ModelSpec,
    keep_frames: bool,
    video: &Path,
    batch_size: usize,
    rx: crossbeam_channel::Receiver<Decoded>,
    tx: &crossbeam_channel::Sender<Result<Prepared, VideoError>>,
) {
    let mut converter = FrameConverter::new(video);
    let mut rgb: Vec<image::RgbImage> = Vec::with_capacity(batch_size);
    let mut idxs = Vec::with_capacity(batch_size);
    let mut missing = Vec::new();
    let flush =
        |rgb: &mut Vec<image::RgbImage>, idxs: &mut Vec<usize>, missing: &mut Vec<usize>| {
            let input = if keep_frames {
                PreparedInput::Frames(std::mem::take(rgb))
            } else {
                let items: Vec<_> = rgb.iter().map(|img| (rgb_frame(img), None)).collect();
                PreparedInput::Batch(prepare(spec, &items))
            };
            let message = Prepared {
                frame_idxs: std::mem::take(idxs),
                input,
                missing: std::mem::take(missing),
            };
            rgb.clear();
            tx.send(Ok(message)).is_ok()
        };
    for message in rx {
        match message {
            Ok(frame) => match converter.to_rgb(&frame) {
                Ok(img) => {
                    idxs.push(frame.frame_idx());
                    rgb.push(img);
                }
                Err(e) => {
                    if tx.send(Err(e)).is_err() {
                        return;
                    }
                }
            },
            Err((frame_idx, _)) => missing.push(frame_idx),
        }
        if rgb.len() == batch_size && !flush(&mut rgb, &mut idxs, &mut missing) {
            return;
        }
    }
    if !rgb.is_empty() || !missing.is_empty() {
        flush(&mut rgb, &mut idxs, &mut missing);
    }
}

/// Runs `model` over `frames` of `video` (all when `None`) in batches of `batch_size`
/// (at most the model's own limit). `on_poses(frame_idx, poses)` gets each frame's
/// poses in frame pixels, in frame order.
pub fn run_video(
    model: &mut PoseModel,
    video: &Path,
    frames: Option<Range<usize>>,
    batch_size: usize,
    cancel: &AtomicBool,
    on_progress: &mut dyn FnMut(&RunProgress),
    on_poses: &mut dyn FnMut(usize, Vec<Pose>),
) -> Result<RunReport, RunError> {
    run_video_with(
        model,
        None,
        video,
        frames,
        batch_size,
        cancel,
        on_progress,
        on_poses,
    )
}

/// A detector for a top-down model, and how many of its boxes a frame keeps.
pub struct Detector<'a> {
    pub model: &'a mut PoseModel,
    pub max_animals: usize,
}

/// `run_video`, with a detector giving a top-down model its boxes on each frame.
/// Without one, a top-down model runs on the whole first frame, then on each frame in
/// the box its pose on the frame before gave (`top_down::follow_poses`).
#[allow(clippy::too_many_arguments)]
pub fn run_video_with(
    model: &mut PoseModel,
    mut detector: Option<Detector<'_>>,
    video: &Path,
    frames: Option<Range<usize>>,
    batch_size: usize,
    cancel: &AtomicBool,
    on_progress: &mut dyn FnMut(&RunProgress),
    on_poses: &mut dyn FnMut(usize, Vec<Pose>),
) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let reader = VideoReader::open(video)?;
    let count = reader.frame_count();
    let frames = match frames {
        Some(r) => r.start.min(count)..r.end.min(count),
        None => 0..count,
    };
    let total = frames.len();
    let batch_size = batch_size.clamp(1, model.spec().max_batch.max(1));
    let spec = model.spec().clone();
    let (decoded_tx, decoded_rx) = bounded::<Decoded>(batch_size * 2);
    let (batch_tx, batch_rx) = bounded::<Result<Prepared, VideoError>>(2);
    let mut report = RunReport {
        frames: frames.clone(),
        frames_with_poses: 0,
        missing: Vec::new(),
        elapsed_secs: 0.0,
    };
    std::thread::scope(|scope| {
        let range = frames.clone();
        scope.spawn(move || decode_frames(reader, range, &decoded_tx, cancel));
        let spec = &spec;
        // A top-down model without a detector follows each pose with its box, frame by
        // frame: the frames go to it whole.
        let follow = detector.is_none() && spec.is_top_down();
        let keep_frames = detector.is_some() || follow;
        scope.spawn(move || {
            prepare_batches(spec, keep_frames, video, batch_size, decoded_rx, &batch_tx)
        });
        // Owned here: dropped on any return, which stops the threads above.
        let batch_rx = batch_rx;
        let mut done = 0;
        // Where the poses of the last frame were, for a top-down model that follows them.
        let mut followed = Vec::new();
        for message in &batch_rx {
            if cancel.load(Ordering::Relaxed) {
                return Err(RunError::Cancelled {
                    video: video.to_owned(),
                });
            }
            let prepared = message?;
            done += prepared.missing.len();
            report.missing.extend(prepared.missing);
            let poses = match (&prepared.input, detector.as_mut()) {
                (PreparedInput::Batch(batch), _) => model.run(batch)?,
                (PreparedInput::Frames(images), Some(d)) => {
                    let frames: Vec<_> = images.iter().map(rgb_frame).collect();
                    super::top_down::detect_then_pose(d.model, model, &frames, d.max_animals)?
                }
                (PreparedInput::Frames(images), None) => {
                    let frames: Vec<_> = images.iter().map(rgb_frame).collect();
                    super::top_down::follow_poses(model, &frames, &mut followed)?
                }
            };
            for (frame_idx, of_frame) in prepared.frame_idxs.into_iter().zip(poses) {
                report.frames_with_poses += usize::from(!of_frame.is_empty());
                on_poses(frame_idx, of_frame);
                done += 1;
            }
            let secs = started.elapsed().as_secs_f64();
            let fps = done as f64 / secs.max(1e-9);
            on_progress(&RunProgress { done, total, fps });
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(RunError::Cancelled {
                video: video.to_owned(),
            });
        }
        Ok(())
    })?;
    report.elapsed_secs = started.elapsed().as_secs_f64();
    Ok(report)
}
