//! `kinelab bench infer`: the inference engine's figures, to set beside onnxruntime in
//! Python on the same model and clip (scripts/bench-inference): the latency of one
//! suggestion on a decoded frame (RGB conversion, preparation, the model, decoding),
//! decoding alone, the model alone at the batch size, and the whole pipelined run.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde_json::json;

use super::bench::{median_p95, ms};
use crate::inference::model::prepare;
use crate::inference::preprocess::RgbFrame;
use crate::inference::video_run::run_video;
use crate::inference::{PoseModel, SessionOptions};
use crate::video::{FrameConverter, SequentialDecoder, VideoReader};

/// What `kinelab bench infer` was given.
pub struct BenchInferArgs<'a> {
    pub model: &'a Path,
    pub video: &'a Path,
    pub batch: usize,
    pub iters: usize,
    pub threads: usize,
    pub json: bool,
}

pub fn run(args: &BenchInferArgs<'_>) -> anyhow::Result<()> {
    let options = SessionOptions {
        intra_threads: args.threads,
        provider: crate::inference::providers::Provider::Auto,
        no_spinning: false,
    };
    let mut model = PoseModel::open(args.model, None, &options)?;
    let batch = args.batch.clamp(1, model.spec().max_batch.max(1));

    // One suggestion on a decoded frame, as the app's worker makes it.
    let mut reader = VideoReader::open(args.video)?;
    let frame = reader.frame(reader.frame_count() / 2)?;
    let mut converter = FrameConverter::new(args.video);
    let mut latency = Vec::with_capacity(args.iters);
    for i in 0..args.iters + 3 {
        let started = Instant::now();
        let rgb = converter.to_rgb(&frame)?;
        let f = RgbFrame {
            width: rgb.width() as usize,
            height: rgb.height() as usize,
            pixels: rgb.as_raw(),
        };
        model.predict(&[(f, None)])?;
        if i >= 3 {
            latency.push(ms(started.elapsed()));
        }
    }
    let (latency_ms, latency_p95) = median_p95(&latency);

    // Its parts: conversion to RGB, preparation, and the model call (with decoding)
    // on the prepared input, the part to set beside onnxruntime's session.run.
    let (mut rgb_ms, mut prepare_ms, mut call_ms) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..args.iters + 3 {
        let t0 = Instant::now();
        let rgb = converter.to_rgb(&frame)?;
        let t1 = Instant::now();
        let f = RgbFrame {
            width: rgb.width() as usize,
            height: rgb.height() as usize,
            pixels: rgb.as_raw(),
        };
        let one = prepare(model.spec(), &[(f, None)]);
        let t2 = Instant::now();
        model.run(&one)?;
        let t3 = Instant::now();
        if i >= 3 {
            rgb_ms.push(ms(t1 - t0));
            prepare_ms.push(ms(t2 - t1));
            call_ms.push(ms(t3 - t2));
        }
    }
    let (rgb_ms, _) = median_p95(&rgb_ms);
    let (prepare_ms, _) = median_p95(&prepare_ms);
    let (call_ms, _) = median_p95(&call_ms);

    // The model alone at the batch size, on a prepared batch.
    let rgb = converter.to_rgb(&frame)?;
    let f = RgbFrame {
        width: rgb.width() as usize,
        height: rgb.height() as usize,
        pixels: rgb.as_raw(),
    };
    let items = vec![(f, None); batch];
    let prepared = prepare(model.spec(), &items);
    let mut per_batch = Vec::with_capacity(args.iters);
    for i in 0..args.iters + 2 {
        let started = Instant::now();
        model.run(&prepared)?;
        if i >= 2 {
            per_batch.push(ms(started.elapsed()));
        }
    }
    let (batch_ms, _) = median_p95(&per_batch);
    let model_fps = batch as f64 * 1000.0 / batch_ms;

    // Decoding alone, to RGB, as the pipeline's first two threads do.
    let started = Instant::now();
    let mut decoder = SequentialDecoder::open(args.video, 0)?;
    let mut decoded = 0usize;
    while let Some(frame) = decoder.next_frame()? {
        converter.to_rgb(&frame)?;
        decoded += 1;
    }
    let decode_fps = decoded as f64 / started.elapsed().as_secs_f64();

    // The whole run: decode, prepare and infer pipelined, poses decoded, on a session
    // set up as `kinelab infer` sets up its own.
    let run_options = SessionOptions {
        no_spinning: true,
        ..options
    };
    let mut video_model = PoseModel::open(args.model, None, &run_options)?;
    let cancel = AtomicBool::new(false);
    let report = run_video(
        &mut video_model,
        args.video,
        None,
        batch,
        &cancel,
        &mut |_| {},
        &mut |_, _| {},
    )?;
    let pipeline_fps = report.fps();
    let bound = model_fps.min(decode_fps);
    if args.json {
        println!(
            "{}",
            json!({
                "model": args.model.display().to_string(),
                "video": args.video.display().to_string(),
                "batch": batch,
                "suggestion_ms_median": latency_ms,
                "suggestion_ms_p95": latency_p95,
                "rgb_ms": rgb_ms,
                "prepare_ms": prepare_ms,
                "model_call_ms": call_ms,
                "model_ms_per_batch": batch_ms,
                "model_fps": model_fps,
                "decode_fps": decode_fps,
                "pipeline_fps": pipeline_fps,
                "pipeline_vs_bound": pipeline_fps / bound,
                "frames": report.frames.len(),
            })
        );
    } else {
        println!(
            "suggestion on a decoded frame: {latency_ms:.2} ms median ({latency_p95:.2} ms p95)"
        );
        println!(
            "  of which: to RGB {rgb_ms:.2} ms, preparing {prepare_ms:.2} ms, the model call with decoding {call_ms:.2} ms"
        );
        println!("model alone, batch {batch}: {batch_ms:.2} ms per batch, {model_fps:.1} frames/s");
        println!("decoding alone (to RGB): {decode_fps:.1} frames/s");
        println!(
            "whole video, pipelined: {pipeline_fps:.1} frames/s over {} frames = {:.2}× min(decode, model)",
            report.frames.len(),
            pipeline_fps / bound
        );
    }
    Ok(())
}
