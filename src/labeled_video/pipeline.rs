//! The render: frames decoded in order on a thread of their own, each copied, drawn on
//! and encoded on the calling thread; progress after every frame; a cancel flag checked
//! between frames. A frame that does not decode is shown as the frame before it (with
//! its own marks), so the output keeps the source's frame count and timing.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crossbeam_channel::bounded;

use crate::overlay::marks::MarkSize;
use crate::overlay::raster::draw_marks;
use crate::video::canvas::FrameCanvas;
use crate::video::encoder::{EncodeSettings, VideoEncoder};
use crate::video::range_decode::{Decoded, decode_frames};
use crate::video::{FrameConverter, VideoError, VideoReader};

use super::content::RenderContent;

/// How a labeled video is made.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    pub out: PathBuf,
    /// The frames rendered (clamped to the video); `None`: all.
    pub frames: Option<Range<usize>>,
    /// x264 preset (see `PRESETS`).
    pub preset: String,
    pub crf: u32,
    /// Marker radius in video pixels; `None`: scaled to the video's height.
    pub marker_radius: Option<f32>,
}

/// What a render did.
#[derive(Clone, Debug)]
pub struct RenderReport {
    pub out: PathBuf,
    pub frames: usize,
    /// Frames that did not decode and show the frame before them.
    pub damaged_frames: Vec<usize>,
    pub codec: String,
    pub secs: f64,
}

impl RenderReport {
    pub fn summary(&self) -> String {
        let mut s = format!(
            "wrote {} ({} frames, {}, {:.1} s, {:.0} frames/s)",
            self.out.display(),
            self.frames,
            self.codec,
            self.secs,
            self.frames as f64 / self.secs.max(1e-9)
        );
        if !self.damaged_frames.is_empty() {
            let shown: Vec<String> = self
                .damaged_frames
                .iter()
                .take(10)
                .map(ToString::to_string)
                .collect();
            s.push_str(&format!(
                "\n{} frames did not decode and repeat the frame before them: {}{}",
                self.damaged_frames.len(),
                shown.join(", "),
                if self.damaged_frames.len() > 10 {
                    ", …"
                } else {
                    ""
                }
            ));
        }
        s
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Video(#[from] VideoError),
    #[error("rendering was cancelled; {} was not written", out.display())]
    Cancelled { out: PathBuf },
    #[error("{reason}: {}", path.display())]
    Invalid { path: PathBuf, reason: String },
}

/// Renders `content` over `video` into `options.out`. `on_progress(done, total)` is
/// called after each frame; `cancel` stops it (and the unfinished file is removed).
pub fn render(
    video: &Path,
    content: &RenderContent,
    options: &RenderOptions,
    on_progress: &mut dyn FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<RenderReport, RenderError> {
    let started = Instant::now();
    if options.out.is_dir() {
        return Err(RenderError::Invalid {
            path: options.out.clone(),
            reason: "is a folder: name the video to write (…/labeled.mp4)".into(),
        });
    }
    if options.out.exists()
        && std::fs::canonicalize(&options.out).ok() == std::fs::canonicalize(video).ok()
    {
        return Err(RenderError::Invalid {
            path: options.out.clone(),
            reason: "the labeled video would overwrite its own source video".into(),
        });
    }
    let reader = VideoReader::open(video)?;
    let info = reader.info().clone();
    let index = reader.index().clone();
    let count = reader.frame_count();
    let frames = match &options.frames {
        Some(r) => r.start.min(count)..r.end.min(count),
        None => 0..count,
    };
    if frames.is_empty() {
        return Err(RenderError::Invalid {
            path: video.to_owned(),
            reason: format!("no frames to render in {frames:?} (the video has {count})"),
        });
    }
    let total = frames.len();
    let (fps_num, fps_den) = fraction_of(if info.fps > 0.0 { info.fps } else { 30.0 });
    let mut canvas = FrameCanvas::new(info.width, info.height);
    let settings = EncodeSettings {
        width: canvas.width(),
        height: canvas.height(),
        time_base: info.time_base,
        frame_rate: (fps_num, fps_den),
        preset: options.preset.clone(),
        crf: options.crf,
        color_space: match info.color_matrix {
            crate::video::ColorMatrix::Bt601 => ffmpeg_next::color::Space::BT470BG,
            crate::video::ColorMatrix::Bt709 => ffmpeg_next::color::Space::BT709,
            crate::video::ColorMatrix::Bt2020 => ffmpeg_next::color::Space::BT2020NCL,
        },
        color_range: match info.color_range {
            crate::video::ColorRange::Limited => ffmpeg_next::color::Range::MPEG,
            crate::video::ColorRange::Full => ffmpeg_next::color::Range::JPEG,
        },
    };
    let mut encoder = VideoEncoder::create(&options.out, &settings)?;
    let radius = options
        .marker_radius
        .unwrap_or_else(|| super::default_marker_radius(info.height));
    let size = MarkSize {
        radius,
        stroke: (radius / 5.0).max(1.0),
    };
    let first_pts = index.pts_of(frames.start).unwrap_or(0);
    let mut converter = FrameConverter::new(video);
    let mut marks = Vec::new();
    let mut damaged = Vec::new();
    let mut last_pts = None::<i64>;
    let (tx, rx) = bounded::<Decoded>(8);
    let result = std::thread::scope(|scope| {
        let decode_range = frames.clone();
        scope.spawn(move || decode_frames(reader, decode_range, &tx, cancel));
        // Owned here: dropped on any return, which stops the decoder's sends (the
        // scope waits for it to end).
        let rx = rx;
        let mut done = 0;
        for message in &rx {
            if cancel.load(Ordering::Relaxed) {
                return Err(RenderError::Cancelled {
                    out: options.out.clone(),
                });
            }
            let frame_idx = match message {
                Ok(frame) => {
                    canvas.copy_from(&frame, &mut converter)?;
                    frame.frame_idx()
                }
                Err((frame_idx, _)) => {
                    // The canvas still holds the frame before (black before the first).
                    damaged.push(frame_idx);
                    frame_idx
                }
            };
            marks.clear();
            content.marks(frame_idx, size, &mut marks);
            draw_marks(&mut canvas.planes_mut(), &marks);
            // The source's timestamps, from 0, always increasing.
            let pts = index.pts_of(frame_idx).map_or(0, |p| p - first_pts);
            let pts = match last_pts {
                Some(last) if pts <= last => last + 1,
                _ => pts,
            };
            last_pts = Some(pts);
            encoder.encode(&canvas, pts)?;
            done += 1;
            on_progress(done, total);
        }
        Ok(done)
    });
    let done = result?;
    if done < total {
        return Err(RenderError::Cancelled {
            out: options.out.clone(),
        });
    }
    let codec = encoder.codec_name().to_owned();
    let written = encoder.finish()?;
    Ok(RenderReport {
        out: options.out.clone(),
        frames: written,
        damaged_frames: damaged,
        codec,
        secs: started.elapsed().as_secs_f64(),
    })
}

/// A frame rate as a fraction: 30 → 30/1, 29.97 → 30000/1001, else in thousandths.
fn fraction_of(fps: f64) -> (i32, i32) {
    let whole = fps.round();
    let ntsc = (fps * 1.001).round();
    if (fps - whole).abs() < 1e-3 {
        (whole as i32, 1)
    } else if (fps * 1.001 - ntsc).abs() < 1e-3 {
        ((ntsc * 1000.0) as i32, 1001)
    } else {
        ((fps * 1000.0).round() as i32, 1000)
    }
}
