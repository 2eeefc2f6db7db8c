//! `kinelab bench plots`: the UI thread's CPU time for a frame of the plots dock with
//! three plots of an hour of tracks (108,000 frames by default), set beside the same
//! frame with the dock's toolbar alone, while the series are computed, while the
//! frame shown moves as in playback, and while the time axis is zoomed.

use std::time::Instant;

use egui::{RawInput, Rect, pos2, vec2};

use super::bench::ms;
use super::bench_ui::stats;
use crate::analysis::kinematics::PointSeries;
use crate::analysis::quantity::{PointRef, Quantity, SeriesSpec};
use crate::analysis::tracks::Track;
use crate::project::{NewProject, ProjectState, VideoDef};
use crate::ui::panels::plots::{PlotsContext, PlotsPanel};
use crate::ui::theme::Theme;

/// A project state for `frames` frames of one video, two animals and four keypoints.
pub(super) fn bench_state(frames: u64) -> anyhow::Result<ProjectState> {
    Ok(NewProject {
        name: "plots bench".into(),
        keypoints: ["snout", "leftear", "rightear", "tailbase"]
            .map(String::from)
            .to_vec(),
        edges: Vec::new(),
        symmetric: Vec::new(),
        individuals: vec!["m1".into(), "m2".into()],
        videos: vec![VideoDef {
            path: "bench.mp4".into(),
            size_bytes: 0,
            edge_hash: 0,
            width: 640,
            height: 480,
            fps: 30.0,
            frame_count: frames,
            frame_files: None,
        }],
    }
    .to_state()?)
}

/// Random-walk tracks of every animal and keypoint, with a likelihood and a few gaps.
fn bench_tracks(state: &ProjectState, frames: usize) -> Vec<Track> {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let mut tracks = Vec::new();
    for individual in &state.individuals {
        for keypoint in &state.skeleton.keypoints {
            let (mut x, mut y) = (320.0, 240.0);
            let mut points = PointSeries {
                x: Vec::with_capacity(frames),
                y: Vec::with_capacity(frames),
                likelihood: Vec::with_capacity(frames),
            };
            for f in 0..frames {
                x += 3.0 * next();
                y += 3.0 * next();
                let gap = f % 997 < 3;
                points.x.push(if gap { f64::NAN } else { x });
                points.y.push(if gap { f64::NAN } else { y });
                points.likelihood.push(0.5 + next().abs());
            }
            tracks.push(Track {
                individual: individual.id,
                keypoint: keypoint.id,
                individual_name: individual.def.name.clone(),
                keypoint_name: keypoint.def.name.clone(),
                points,
            });
        }
    }
    tracks
}

/// CPU time of the UI thread (layout and tessellation) per frame of the dock.
fn frame_cpu_ms(
    ctx: &egui::Context,
    panel: &mut PlotsPanel,
    context: &PlotsContext<'_>,
    started: Instant,
) -> f64 {
    let input = RawInput {
        screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), vec2(1600.0, 1000.0))),
        time: Some(started.elapsed().as_secs_f64()),
        ..RawInput::default()
    };
    let cpu = super::bench_ui::thread_cpu_time();
    let mut output = ctx.run_ui(input, |ui| {
        egui::Panel::bottom("plots")
            .exact_size(600.0)
            .show(ui, |ui| panel.ui(ui, context));
    });
    let _ = ctx.tessellate(std::mem::take(&mut output.shapes), output.pixels_per_point);
    // No renderer here to take the font atlas.
    output.textures_delta.clear();
    ms(super::bench_ui::thread_cpu_time().saturating_sub(cpu))
}

pub fn run(frames: u64, rounds: usize, json: bool) -> anyhow::Result<()> {
    let state = bench_state(frames)?;
    let tracks = bench_tracks(&state, frames as usize);
    let times: Vec<f64> = (0..frames).map(|f| f as f64 / 30.0).collect();
    let point = |i: usize| PointRef {
        individual: tracks[i].individual,
        keypoint: tracks[i].keypoint,
    };
    let specs = vec![
        SeriesSpec {
            quantity: Quantity::Speed,
            points: vec![point(0)],
        },
        SeriesSpec {
            quantity: Quantity::Distance,
            points: vec![point(0), point(4)],
        },
        SeriesSpec {
            quantity: Quantity::Angle,
            points: vec![point(1), point(0), point(2)],
        },
    ];
    let theme = Theme::dark();
    let project_path = std::path::PathBuf::from("bench.kinelab");
    let video = state.videos.first().map(|v| v.id);
    let mut context = PlotsContext {
        state: &state,
        video,
        project_path: &project_path,
        video_path: None,
        frame_idx: 0,
        frame_count: frames,
        label_generation: 0,
        scale: None,
        theme: &theme,
    };
    let started = Instant::now();
    let (mut with_plots, mut toolbar_only, mut zoomed) = (Vec::new(), Vec::new(), Vec::new());
    let (mut first_ms, mut compute_ms) = (0.0, 0.0);
    for round in 0..rounds.max(1) {
        // Three plots: the first frame computes the series; then playback moves the
        // cursor a frame at a time.
        let ctx = egui::Context::default();
        let mut panel = PlotsPanel::default();
        panel.open = true;
        panel.plots = specs.clone();
        panel.set_data(tracks.clone(), times.clone());
        // The series are computed on workers while the UI goes on drawing.
        let computing = Instant::now();
        let mut first = Vec::new();
        while !panel.is_computed() {
            first.push(frame_cpu_ms(&ctx, &mut panel, &context, started));
            std::thread::sleep(std::time::Duration::from_millis(1));
            anyhow::ensure!(
                computing.elapsed().as_secs() < 60,
                "the plots took over a minute"
            );
        }
        if round == 0 {
            compute_ms = ms(computing.elapsed());
            first_ms = first.iter().copied().fold(0.0, f64::max);
        }
        for f in 0..120 {
            context.frame_idx = (f * 900) % frames;
            with_plots.push(frame_cpu_ms(&ctx, &mut panel, &context, started));
        }
        // Zoomed in to about a minute around the middle: Ctrl+scroll over a plot.
        let zoom_ctx = &ctx;
        for _ in 0..40 {
            let input = RawInput {
                screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), vec2(1600.0, 1000.0))),
                time: Some(started.elapsed().as_secs_f64()),
                events: vec![
                    egui::Event::PointerMoved(pos2(800.0, 700.0)),
                    egui::Event::MouseWheel {
                        unit: egui::MouseWheelUnit::Line,
                        delta: vec2(0.0, 3.0),
                        modifiers: egui::Modifiers::COMMAND,
                        phase: egui::TouchPhase::Move,
                        source: egui::MouseWheelSource::Wheel,
                    },
                ],
                ..RawInput::default()
            };
            let cpu = super::bench_ui::thread_cpu_time();
            let mut output = zoom_ctx.run_ui(input, |ui| {
                egui::Panel::bottom("plots")
                    .exact_size(600.0)
                    .show(ui, |ui| panel.ui(ui, &context));
            });
            let _ =
                zoom_ctx.tessellate(std::mem::take(&mut output.shapes), output.pixels_per_point);
            output.textures_delta.clear();
            zoomed.push(ms(super::bench_ui::thread_cpu_time().saturating_sub(cpu)));
        }
        // The reference: the same dock and data with no plots.
        let ctx = egui::Context::default();
        let mut bare = PlotsPanel::default();
        bare.open = true;
        bare.set_data(tracks.clone(), times.clone());
        bare.plots.clear();
        frame_cpu_ms(&ctx, &mut bare, &context, started);
        for f in 0..120 {
            context.frame_idx = (f * 900) % frames;
            toolbar_only.push(frame_cpu_ms(&ctx, &mut bare, &context, started));
        }
    }
    let result = serde_json::json!({
        "frames": frames,
        "plots": specs.len(),
        "computing_ms": compute_ms,
        "frame_cpu_while_computing_max_ms": first_ms,
        "frame_cpu_ms": stats(with_plots.clone()),
        "zooming_frame_cpu_ms": stats(zoomed.clone()),
        "toolbar_only_frame_cpu_ms": stats(toolbar_only.clone()),
    });
    if json {
        println!("{result}");
    } else {
        let median = |v: &[f64]| super::bench::median_p95(v).0;
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        println!(
            "plots dock, {} plots of {frames} frames: series computed on workers in {compute_ms:.1} ms, \
             UI frames meanwhile at most {first_ms:.2} ms",
            specs.len()
        );
        println!(
            "  UI frame CPU while the frame shown moves: median {:.2} ms, max {:.2} ms (bar: < 16 ms)",
            median(&with_plots),
            max(&with_plots)
        );
        println!(
            "  while zooming the time axis: median {:.2} ms, max {:.2} ms",
            median(&zoomed),
            max(&zoomed)
        );
        println!(
            "  the same dock with no plots: median {:.2} ms -> the plots add {:.2} ms",
            median(&toolbar_only),
            median(&with_plots) - median(&toolbar_only)
        );
    }
    Ok(())
}
