//! `kinelab bench`: figures for the video engine, to set beside peers measured on the
//! same clips in the same run (../shared/bench/bench_video.py).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::json;

use crate::video::{
    DecodeScope, DecodeWorker, FrameConverter, SeekMode, SequentialDecoder, VideoError,
    VideoReader, WorkerConfig, WorkerEvent, decode_first_frame,
};

use super::progress;

/// Median and 95th percentile (linear interpolation, as numpy's default) of `values`.
pub(super) fn median_p95(values: &[f64]) -> (f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    (percentile(&sorted, 0.5), percentile(&sorted, 0.95))
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn seek(video: &Path, indices: &[usize], always_seek: bool, json: bool) -> anyhow::Result<()> {
    let opened = Instant::now();
    let mut reader = VideoReader::open(video)?;
    let open_ms = ms(opened.elapsed());
    let frame_count = reader.frame_count();
    if let Some(&bad) = indices.iter().find(|&&i| i >= frame_count) {
        return Err(VideoError::FrameOutOfRange {
            path: video.to_owned(),
            frame_idx: bad,
            frame_count,
        }
        .into());
    }
    let mode = if always_seek {
        SeekMode::Always
    } else {
        SeekMode::Auto
    };
    let mut converter = FrameConverter::new(video);
    let mut rgba = Vec::new();
    let mut per_index = Vec::with_capacity(indices.len());
    for &frame_idx in indices {
        let started = Instant::now();
        let frame = reader.frame_with(
            frame_idx,
            mode,
            DecodeScope::TargetOnly,
            &mut |_| {},
            &|| false,
        )?;
        converter.rgba_into(&frame, &mut rgba)?;
        per_index.push(ms(started.elapsed()));
    }
    let (median, p95) = median_p95(&per_index);
    let max = per_index.iter().copied().fold(0.0, f64::max);
    if json {
        let rows: Vec<_> = indices
            .iter()
            .zip(&per_index)
            .map(|(i, t)| json!({"frame_idx": i, "ms": t}))
            .collect();
        println!(
            "{}",
            json!({"bench": "seek", "path": video.display().to_string(), "mode": if always_seek {"always_seek"} else {"auto"},
                   "n": indices.len(), "open_ms": open_ms, "median_ms": median, "p95_ms": p95, "max_ms": max, "per_index": rows})
        );
    } else {
        for (i, t) in indices.iter().zip(&per_index) {
            println!("frame {i:>8}  {t:9.2} ms");
        }
        println!(
            "open {open_ms:.1} ms; {} frames: median {median:.2} ms, p95 {p95:.2} ms, max {max:.2} ms",
            indices.len()
        );
    }
    Ok(())
}

pub fn decode(video: &Path, threads: usize, json: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut decoder = SequentialDecoder::open(video, threads)?;
    let expected = decoder.info().container_frame_count.max(0) as u64;
    let bar = progress::bar(expected, "decoding");
    let mut converter = FrameConverter::new(video);
    let mut rgba = Vec::new();
    let mut frames = 0usize;
    while let Some(frame) = decoder.next_frame()? {
        converter.rgba_into(&frame, &mut rgba)?;
        frames += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let fps = if secs > 0.0 {
        frames as f64 / secs
    } else {
        0.0
    };
    if json {
        println!(
            "{}",
            json!({"bench": "decode", "path": video.display().to_string(), "threads": threads, "frames": frames, "secs": secs, "fps": fps})
        );
    } else {
        println!(
            "decoded {frames} frames to RGBA in {secs:.3} s: {fps:.1} fps (threads: {threads})"
        );
    }
    Ok(())
}

pub fn first(video: &Path, rounds: usize, json: bool) -> anyhow::Result<()> {
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        let frame = decode_first_frame(video)?;
        let mut converter = FrameConverter::new(video);
        converter.to_rgba(&frame)?;
        times.push(ms(started.elapsed()));
    }
    let (median, _) = median_p95(&times);
    if json {
        println!(
            "{}",
            json!({"bench": "first", "path": video.display().to_string(), "rounds": times.len(), "median_ms": median, "ms": times})
        );
    } else {
        println!(
            "open to first RGBA frame: median {median:.2} ms over {} rounds",
            times.len()
        );
    }
    Ok(())
}

/// Waits for the frame of request `generation`.
fn wait_frame(worker: &DecodeWorker, generation: u64, video: &Path) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        match worker.wait_event(Duration::from_millis(100)) {
            Some(WorkerEvent::Frame { generation: g, .. }) if g == generation => return Ok(()),
            Some(WorkerEvent::Failed { error, .. }) => bail!("{error}"),
            _ => {}
        }
    }
    bail!("no frame within 60 s: {}", video.display())
}

pub fn step(video: &Path, start: usize, steps: usize, json: bool) -> anyhow::Result<()> {
    let worker = DecodeWorker::spawn(video, WorkerConfig::default(), || {});
    let mut frame_count = None;
    let deadline = Instant::now() + Duration::from_secs(120);
    while frame_count.is_none() && Instant::now() < deadline {
        match worker.wait_event(Duration::from_millis(100)) {
            Some(WorkerEvent::IndexReady(index)) => frame_count = Some(index.frame_count()),
            Some(WorkerEvent::Failed { error, .. }) => bail!("{error}"),
            _ => {}
        }
    }
    let frame_count = frame_count
        .with_context(|| format!("the index was not ready within 120 s: {}", video.display()))?;
    if start >= frame_count {
        return Err(VideoError::FrameOutOfRange {
            path: video.to_owned(),
            frame_idx: start,
            frame_count,
        }
        .into());
    }
    let timed = |frame_idx: usize| -> anyhow::Result<f64> {
        let started = Instant::now();
        let generation = worker.request(frame_idx);
        wait_frame(&worker, generation, video)?;
        Ok(ms(started.elapsed()))
    };
    let key_repeat = Duration::from_millis(33);
    let first_ms = timed(start)?;
    let last = (start + steps).min(frame_count - 1);
    let mut forward = Vec::new();
    for idx in start + 1..=last {
        std::thread::sleep(key_repeat);
        forward.push(timed(idx)?);
    }
    let mut backward = Vec::new();
    for idx in (start..last).rev() {
        std::thread::sleep(key_repeat);
        backward.push(timed(idx)?);
    }
    let mut revisit = Vec::new();
    for idx in [last, start, (start + last) / 2] {
        revisit.push(timed(idx)?);
    }
    let (fwd_median, fwd_p95) = median_p95(&forward);
    let (back_median, back_p95) = median_p95(&backward);
    let (revisit_median, _) = median_p95(&revisit);
    if json {
        println!(
            "{}",
            json!({"bench": "step", "path": video.display().to_string(), "start": start, "first_ms": first_ms,
                   "forward_median_ms": fwd_median, "forward_p95_ms": fwd_p95,
                   "backward_median_ms": back_median, "backward_p95_ms": back_p95, "revisit_median_ms": revisit_median})
        );
    } else {
        println!(
            "first {first_ms:.1} ms; step forward median {fwd_median:.2} ms (p95 {fwd_p95:.2}); step back median {back_median:.2} ms (p95 {back_p95:.2}); revisit median {revisit_median:.2} ms"
        );
    }
    Ok(())
}

/// Times reading a DeepLabCut label or prediction file, `rounds` times.
pub fn read_labels(file: &Path, rounds: usize, json: bool) -> anyhow::Result<()> {
    let mut times = Vec::with_capacity(rounds);
    let mut shape = (0, 0);
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        let table = crate::formats::dlc_project::read_label_file(file)?;
        times.push(ms(started.elapsed()));
        shape = (table.n_rows(), table.n_cols());
    }
    let (median, p95) = median_p95(&times);
    if json {
        println!(
            "{}",
            serde_json::json!({"file": file, "rows": shape.0, "columns": shape.1,
                "median_ms": median, "p95_ms": p95, "rounds": times.len()})
        );
    } else {
        println!(
            "{}: {} rows × {} columns, median {median:.1} ms (p95 {p95:.1} ms, {} rounds)",
            file.display(),
            shape.0,
            shape.1,
            times.len()
        );
    }
    Ok(())
}
