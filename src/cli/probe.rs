//! `kinelab probe`: a video's facts, with an exact frame count from the index, and how
//! many of those frames decode where the file looks damaged (or with `--count`).

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::video::decode_check::{self, DecodeCheck};
use crate::video::{VideoReader, index_source, source::OpenedSource};

use super::progress;

#[derive(Serialize)]
struct ProbeReport {
    path: String,
    width: u32,
    height: u32,
    /// The average rate over the file (frames / duration), or the container's.
    fps: f64,
    /// The stream's nominal rate (FFmpeg's r_frame_rate).
    nominal_fps: f64,
    /// Frames in the index: what frame_idx counts.
    frame_count: usize,
    /// What the container's header claims (0 when it says nothing).
    container_frame_count: i64,
    keyframe_count: usize,
    codec: String,
    pix_fmt: String,
    duration_secs: f64,
    /// Frames checked by decoding them (all with --count, else the end of a damaged
    /// file), how many of them decode, and which do not.
    #[serde(skip_serializing_if = "Option::is_none")]
    checked_from_frame: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decodable_frames: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    missing_frames: Vec<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decode_fps: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
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
    let average_fps = if duration_secs > 0.0 {
        index.frame_count() as f64 / duration_secs
    } else {
        info.fps
    };
    let mut report = ProbeReport {
        path: video.display().to_string(),
        width: info.width,
        height: info.height,
        fps: average_fps,
        nominal_fps: info.nominal_fps,
        frame_count: index.frame_count(),
        container_frame_count: info.container_frame_count,
        keyframe_count: index.keyframe_count(),
        codec: info.codec.clone(),
        pix_fmt: info.pix_fmt.clone(),
        duration_secs,
        checked_from_frame: None,
        decodable_frames: None,
        missing_frames: Vec::new(),
        decode_fps: None,
        warnings: index
            .truncated()
            .map(|why| format!("the file ends early or is damaged: {why}"))
            .into_iter()
            .collect(),
    };
    // Every frame with --count; else the end of a file that looks cut short, where
    // frames listed in the index may not decode.
    let damaged = index.truncated().is_some();
    if count || damaged {
        let mut reader = VideoReader::from_source(source, index.clone(), 0)?;
        let range = if count {
            0..index.frame_count()
        } else {
            decode_check::tail_range(&reader)
        };
        let bar = progress::bar(range.len() as u64, "decoding");
        let started = Instant::now();
        let check =
            decode_check::check_frames(&mut reader, range, &mut |n| bar.set_position(n as u64))?;
        bar.finish_and_clear();
        let secs = started.elapsed().as_secs_f64();
        let DecodeCheck { checked, missing } = check;
        let decoded = checked.len() - missing.len();
        if count && secs > 0.0 {
            report.decode_fps = Some(decoded as f64 / secs);
        }
        if !missing.is_empty() {
            report.warnings.push(format!(
                "{} of the {} frames in the index do not decode ({}): they are missing",
                missing.len(),
                index.frame_count(),
                frame_list(&missing)
            ));
        }
        report.checked_from_frame = Some(checked.start);
        report.decodable_frames = Some(index.frame_count() - missing.len());
        report.missing_frames = missing;
    }
    if json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    println!("path           {}", report.path);
    println!("size           {}x{}", report.width, report.height);
    println!("codec          {} ({})", report.codec, report.pix_fmt);
    println!(
        "fps            {:.3} nominal, {:.3} average over the file",
        report.nominal_fps, report.fps
    );
    println!(
        "frames         {} in the index (frame_idx 0 to {})",
        report.frame_count,
        report.frame_count.saturating_sub(1)
    );
    if let (Some(decodable), Some(from)) = (report.decodable_frames, report.checked_from_frame) {
        let scope = if from == 0 {
            "every frame decoded".to_owned()
        } else {
            format!("frames {from} to {} decoded", report.frame_count - 1)
        };
        println!(
            "decodable      {decodable} of {} ({scope})",
            report.frame_count
        );
    }
    println!("keyframes      {}", report.keyframe_count);
    println!("duration       {:.3} s", report.duration_secs);
    if let Some(fps) = report.decode_fps {
        println!("decode speed   {fps:.1} fps");
    }
    for w in &report.warnings {
        println!("warning        {w}");
    }
    Ok(())
}

/// "19, 21" or "19, 21, 22, ... (12 frames)".
fn frame_list(frames: &[usize]) -> String {
    let shown: Vec<String> = frames.iter().take(8).map(ToString::to_string).collect();
    if frames.len() > shown.len() {
        format!("frames {}, ...", shown.join(", "))
    } else {
        format!(
            "frame{} {}",
            if frames.len() == 1 { "" } else { "s" },
            shown.join(", ")
        )
    }
}
