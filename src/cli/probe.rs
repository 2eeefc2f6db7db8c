//! `kinelab probe`: a video's facts, with an exact frame count from the index.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::video::{SequentialDecoder, index_source, source::OpenedSource};

use super::progress;

#[derive(Serialize)]
struct ProbeReport {
    path: String,
    width: u32,
    height: u32,
    fps: f64,
    frame_count: usize,
    keyframe_count: usize,
    codec: String,
    pix_fmt: String,
    duration_secs: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    decoded_frames: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decode_fps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
}

pub fn run(video: &Path, count: bool, json: bool) -> anyhow::Result<()> {
    let mut source = OpenedSource::open(video)?;
    let info = source.info.clone();
    let size = std::fs::metadata(video).map(|m| m.len()).unwrap_or(0);
    let bar = progress::bar(size, "indexing");
    let index = index_source(&mut source, true, &mut |pos| bar.set_position(pos))?;
    bar.finish_and_clear();

    let from_index = index.duration_secs(info.secs_per_tick());
    let duration_secs = if from_index > 0.0 {
        from_index
    } else {
        info.container_duration_secs
    };
    let fps = if info.fps > 0.0 {
        info.fps
    } else if duration_secs > 0.0 {
        index.frame_count() as f64 / duration_secs
    } else {
        0.0
    };
    let mut report = ProbeReport {
        path: video.display().to_string(),
        width: info.width,
        height: info.height,
        fps,
        frame_count: index.frame_count(),
        keyframe_count: index.keyframe_count(),
        codec: info.codec.clone(),
        pix_fmt: info.pix_fmt.clone(),
        duration_secs,
        decoded_frames: None,
        decode_fps: None,
        warning: index.truncated().map(|why| {
            format!("the file ends early or is damaged ({why}); frames after that are missing")
        }),
    };
    if count {
        let bar = progress::bar(index.frame_count() as u64, "decoding");
        let started = Instant::now();
        let mut decoder = SequentialDecoder::open(video, 0)?;
        let mut decoded = 0usize;
        while decoder.next_frame()?.is_some() {
            decoded += 1;
            bar.set_position(decoded as u64);
        }
        bar.finish_and_clear();
        let secs = started.elapsed().as_secs_f64();
        report.decoded_frames = Some(decoded);
        report.decode_fps = Some(if secs > 0.0 {
            decoded as f64 / secs
        } else {
            0.0
        });
    }
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("path           {}", report.path);
        println!("size           {}x{}", report.width, report.height);
        println!("codec          {} ({})", report.codec, report.pix_fmt);
        println!("fps            {:.3}", report.fps);
        println!(
            "frames         {} (frame_idx 0 to {})",
            report.frame_count,
            report.frame_count.saturating_sub(1)
        );
        println!("keyframes      {}", report.keyframe_count);
        println!("duration       {:.3} s", report.duration_secs);
        if let (Some(n), Some(fps)) = (report.decoded_frames, report.decode_fps) {
            println!("decoded        {n} frames at {fps:.1} fps");
        }
        if let Some(w) = &report.warning {
            println!("warning        {w}");
        }
    }
    Ok(())
}
