//! `kinelab bench ui`: the labeling app's speed, measured headlessly on a real video:
//! start to first frame, CPU time per UI frame with many labels, holding → at
//! key-repeat rate, scrubbing latency, store commit time and peak memory.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use egui::{Event, Key, Modifiers, RawInput, Rect, pos2, vec2};

use crate::project::{LabelKey, NewProject, Project, edits};
use crate::ui::KinelabApp;
use crate::ui::keymap::Keymap;
use crate::video::describe::describe_for_project;

use super::bench::{median_p95, ms};

pub(super) fn stats(v: Vec<f64>) -> serde_json::Value {
    let (median, p95) = median_p95(&v);
    serde_json::json!({
        "n": v.len(),
        "median": median,
        "p95": p95,
        "max": v.iter().copied().fold(0.0, f64::max),
    })
}

/// CPU time this thread has used: what a UI frame costs, without the time the OS gave
/// the decode threads (a wall clock on 2 cores counts both).
pub(super) fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0;
    if ok {
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    } else {
        Duration::ZERO
    }
}

/// Peak resident memory of this process in MiB (Linux).
pub(super) fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A project for a bench in `dir`: `video`, keypoints `kp0`… (chained by edges when
/// `edges`) and `individuals`. Returns it with the video's width, height and frames.
pub(super) fn bench_project(
    dir: &Path,
    video: &Path,
    keypoints: usize,
    individuals: &[String],
    edges: bool,
) -> anyhow::Result<(Project, (u32, u32, u64))> {
    let def = describe_for_project(dir, video, &mut |_| {})?;
    let size = (def.width, def.height, def.frame_count);
    let edges = if edges {
        (1..keypoints)
            .map(|i| (format!("kp{}", i - 1), format!("kp{i}")))
            .collect()
    } else {
        Vec::new()
    };
    let project = Project::create(
        &dir.join("bench.kinelab"),
        &NewProject {
            name: "bench".into(),
            keypoints: (0..keypoints).map(|i| format!("kp{i}")).collect(),
            individuals: individuals.to_vec(),
            edges,
            videos: vec![def],
            ..NewProject::default()
        },
    )?;
    Ok((project, size))
}

/// Resident memory of this process now, in MiB (Linux).
pub(super) fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Starts the peak (`VmHWM`) again from the resident memory now, so that the bench's
/// own fixtures (prediction arrays built to be written) do not count as the app's.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A wgpu device without a window, so the bench measures the GPU path's CPU side
/// (YUV plane uploads, egui's buffers). `None` when no adapter is found.
pub(super) fn headless_render_state() -> Option<eframe::egui_wgpu::RenderState> {
    use eframe::egui_wgpu::{RenderState, WgpuConfiguration, WgpuSetup, WgpuSetupCreateNew};
    let setup = WgpuSetup::CreateNew(WgpuSetupCreateNew::without_display_handle());
    let instance = pollster::block_on(setup.new_instance());
    let config = WgpuConfiguration {
        wgpu_setup: setup,
        ..Default::default()
    };
    pollster::block_on(RenderState::create(
        &config,
        &instance,
        None,
        Default::default(),
    ))
    .ok()
}

/// A headless egui context driving the app.
pub(super) struct Driver {
    pub ctx: egui::Context,
    pub app: KinelabApp,
    pub started: Instant,
    pub gpu: Option<eframe::egui_wgpu::RenderState>,
    pub last_wall: Duration,
}

impl Driver {
    /// One UI frame (layout, tessellation and the GPU uploads); returns the CPU time
    /// the UI thread spent on it, and keeps the wall time in `last_wall`.
    pub fn frame(&mut self, events: Vec<Event>) -> Duration {
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), vec2(1600.0, 1000.0))),
            time: Some(self.started.elapsed().as_secs_f64()),
            events,
            ..RawInput::default()
        };
        let t = Instant::now();
        let cpu = thread_cpu_time();
        let app = &mut self.app;
        let mut output = self.ctx.run_ui(input, |ui| app.window_ui(ui));
        let ppp = output.pixels_per_point;
        let jobs = self.ctx.tessellate(output.shapes, ppp);
        if let Some(rs) = &self.gpu {
            // What eframe does on the UI thread before the GPU draws: textures, buffers
            // and the paint callbacks' prepare (the YUV plane uploads).
            use eframe::egui_wgpu::{ScreenDescriptor, wgpu};
            let mut renderer = rs.renderer.write();
            for (id, deltas) in &output.textures_delta.set {
                for delta in deltas {
                    renderer.update_texture(&rs.device, &rs.queue, *id, delta);
                }
            }
            let mut encoder = rs
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor::default());
            let screen = ScreenDescriptor {
                size_in_pixels: [1600, 1000],
                pixels_per_point: ppp,
            };
            let mut commands =
                renderer.update_buffers(&rs.device, &rs.queue, &mut encoder, &jobs, &screen);
            commands.push(encoder.finish());
            rs.queue.submit(commands);
            for id in &output.textures_delta.free {
                renderer.free_texture(id);
            }
        }
        // Without a GPU there is nothing to apply the texture changes to.
        output.textures_delta.clear();
        self.last_wall = t.elapsed();
        thread_cpu_time().saturating_sub(cpu)
    }

    pub fn ws(&self) -> &crate::ui::workspace::Workspace {
        self.app.workspace.as_ref().expect("the project is open")
    }

    pub fn exact(&self) -> bool {
        self.ws().feed().is_some_and(|f| f.is_exact())
    }

    pub fn shown_version(&self) -> Option<u64> {
        self.ws().feed().and_then(|f| f.shown()).map(|(_, v)| v)
    }

    /// Runs frames until `done` or the timeout; returns the time it took.
    pub fn until(
        &mut self,
        timeout: Duration,
        mut done: impl FnMut(&Self) -> bool,
    ) -> Option<Duration> {
        let t = Instant::now();
        while t.elapsed() < timeout {
            self.frame(Vec::new());
            if done(self) {
                return Some(t.elapsed());
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        None
    }
}

pub fn run(
    video: &Path,
    keypoints: usize,
    individuals: usize,
    cpu_path: bool,
    prediction_frames: u64,
    json: bool,
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("a temporary folder for the project")?;
    let individual_names: Vec<String> = (0..individuals).map(|i| format!("animal{i}")).collect();
    let (mut project, (width, height, frame_count)) =
        bench_project(dir.path(), video, keypoints, &individual_names, false)?;
    let path = project.path().to_owned();
    // Label the first 30 frames fully, timing each edit's commit.
    let mut commit_us = Vec::new();
    let state_ids = {
        let s = project.state();
        let inds: Vec<_> = s.individuals.iter().map(|i| i.id).collect();
        let kps: Vec<_> = s.skeleton.keypoints.iter().map(|k| k.id).collect();
        (s.videos[0].id, inds, kps)
    };
    let (video_id, inds, kps) = state_ids;
    for f in 0..30u64.min(frame_count) {
        for (a, &individual) in inds.iter().enumerate() {
            for (k, &keypoint) in kps.iter().enumerate() {
                let key = LabelKey {
                    video: video_id,
                    frame_idx: f,
                    individual,
                    keypoint,
                };
                let x = (width as f64) * (0.2 + 0.6 * k as f64 / keypoints.max(1) as f64);
                let y = (height as f64) * (0.3 + 0.4 * a as f64 / individuals.max(1) as f64);
                if let Some(edit) = edits::set_label_position(project.state(), key, x, y) {
                    let t = Instant::now();
                    project.apply(edit)?;
                    commit_us.push(t.elapsed().as_secs_f64() * 1e6);
                }
            }
        }
    }
    // Prediction sets of `prediction_frames` frames in all (one per pass over the
    // video), every point predicted, all drawn.
    let mut predicted = 0u64;
    let write_started = Instant::now();
    while predicted < prediction_frames {
        let frames = (prediction_frames - predicted).min(frame_count);
        let shape = crate::project::predictions::PredictionShape {
            individuals: inds.clone(),
            keypoints: kps.clone(),
            frame_count: frames,
        };
        let mut arrays = crate::project::predictions::PredictionArrays::empty(shape.clone());
        for (i, v) in arrays.values.iter_mut().enumerate() {
            let point = i / 3;
            *v = match i % 3 {
                0 => (width as f32) * (0.1 + 0.8 * ((point * 37) % 100) as f32 / 100.0),
                1 => (height as f32) * (0.1 + 0.8 * ((point * 53) % 100) as f32 / 100.0),
                _ => 0.9,
            };
        }
        let def = crate::formats::prediction_import::set_def(
            Path::new(&format!("run{}.h5", predicted / frame_count.max(1))),
            "DLC_bench",
        );
        let set = crate::project::prediction_store::PredictionWriter::open(&path)?.write_set(
            &def,
            &[(video_id, arrays)],
            false,
            &mut |_, _| {},
        )?;
        project.add_prediction_set(set, "import bench predictions")?;
        predicted += frames;
    }
    let prediction_write_secs = write_started.elapsed().as_secs_f64();
    drop(project);
    let project_mib = std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / 1048576.0);

    // Start to first frame: open the project in a fresh app and run frames until the
    // first video frame is on screen.
    let gpu = if cpu_path {
        None
    } else {
        headless_render_state()
    };
    let path_name = if gpu.is_some() {
        "gpu (yuv shader)"
    } else {
        "cpu (rgba texture)"
    };
    reset_peak_rss();
    let started = Instant::now();
    let mut app = KinelabApp::new(gpu.clone(), None, Keymap::default());
    if !app.open_project(&path) {
        anyhow::bail!("{}", app.message.unwrap_or_default());
    }
    if let Some(ws) = &mut app.workspace {
        ws.set_cache_bytes(256 << 20);
    }
    let mut d = Driver {
        ctx: egui::Context::default(),
        app,
        started,
        gpu,
        last_wall: Duration::ZERO,
    };
    d.until(Duration::from_secs(20), |d| d.shown_version().is_some())
        .context("no first frame within 20 s")?;
    let start_to_first_ms = ms(started.elapsed());
    let rss_at_first_frame_mib = rss_mib();

    // CPU per UI frame on a fully labeled frame, with the pointer moving over the view.
    d.app.workspace.as_mut().expect("open").go_to(5);
    d.until(Duration::from_secs(20), Driver::exact);
    let mut frame_ms = Vec::new();
    let mut frame_wall_ms = Vec::new();
    for i in 0..300 {
        let p = pos2(
            300.0 + (i % 100) as f32 * 5.0,
            300.0 + (i % 37) as f32 * 6.0,
        );
        frame_ms.push(ms(d.frame(vec![Event::PointerMoved(p)])));
        frame_wall_ms.push(ms(d.last_wall));
    }

    // Holding → at 30 presses per second, UI frames at 60 Hz: does each step's exact
    // frame reach the screen before the next press?
    d.app.workspace.as_mut().expect("open").go_to(0);
    d.until(Duration::from_secs(20), Driver::exact);
    let steps = 150u64.min(frame_count.saturating_sub(2));
    let mut kept_up = 0;
    let mut step_latency_ms = Vec::new();
    let mut step_frame_ms = Vec::new();
    for _ in 0..steps {
        let pressed = Instant::now();
        let key = Event::Key {
            key: Key::ArrowRight,
            physical_key: None,
            pressed: true,
            repeat: true,
            modifiers: Modifiers::NONE,
        };
        let mut spent = d.frame(vec![key]);
        step_frame_ms.push(ms(spent));
        let mut shown_at = d.exact().then(|| pressed.elapsed());
        while pressed.elapsed() < Duration::from_micros(33_333) {
            std::thread::sleep(Duration::from_micros(16_667).saturating_sub(spent));
            spent = d.frame(Vec::new());
            step_frame_ms.push(ms(spent));
            if shown_at.is_none() && d.exact() {
                shown_at = Some(pressed.elapsed());
            }
        }
        if let Some(t) = shown_at {
            kept_up += 1;
            step_latency_ms.push(ms(t));
        }
    }

    // Scrubbing right after the stepping (no keyframe thumbnails yet), then again
    // over the other half of the video after the app sat idle long enough for the
    // worker to decode its keyframe thumbnails.
    let stride = (frame_count / 400).max(1);
    let scrub_cold = scrub_drag(&mut d, 0, stride, frame_count);
    let idle = Instant::now();
    let mut thumbnails = 0;
    while idle.elapsed() < Duration::from_secs(30) {
        d.frame(Vec::new());
        let now = d.ws().feed().map_or(0, |f| f.thumbnail_count());
        if now == thumbnails && idle.elapsed() > Duration::from_secs(2) {
            break;
        }
        thumbnails = now;
        std::thread::sleep(Duration::from_millis(500));
    }
    let idle_secs = idle.elapsed().as_secs_f64();
    let scrub_warm = scrub_drag(&mut d, frame_count / 2, stride, frame_count);

    let report = serde_json::json!({
        "video": video.display().to_string(),
        "width": width, "height": height, "frames": frame_count,
        "labels_on_frame": keypoints * individuals,
        "frame_path": path_name,
        "start_to_first_frame_ms": start_to_first_ms,
        "ui_frame_cpu_ms": stats(frame_ms),
        "ui_frame_wall_ms": stats(frame_wall_ms),
        "ui_frame_cpu_ms_while_stepping": stats(step_frame_ms),
        "hold_right_30hz": { "steps": steps, "kept_up": kept_up, "latency_ms": stats(step_latency_ms) },
        "scrub": scrub_cold,
        "scrub_after_idle": scrub_warm,
        "thumbnails_after_idle": { "count": thumbnails, "idle_secs": idle_secs },
        "store_commit_us": stats(commit_us),
        "predicted_frames": predicted,
        "prediction_points_per_frame": if predicted > 0 { keypoints * individuals } else { 0 },
        "prediction_write_secs": prediction_write_secs,
        "project_mib": project_mib,
        "peak_rss_mib": peak_rss_mib(),
        "rss_at_first_frame_mib": rss_at_first_frame_mib,
        "cache_budget_mib": 256,
    });
    if json {
        println!("{report}");
    } else {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}

/// A drag along the timeline from `start`, the pointer moving every 16.7 ms by
/// `stride` frames, 180 times: how long the screen goes without a new frame, how far
/// behind the pointer what it shows is, and how soon the exact frame is there once the
/// pointer stops.
fn scrub_drag(d: &mut Driver, start: u64, stride: u64, frame_count: u64) -> serde_json::Value {
    d.app.workspace.as_mut().expect("open").go_to(start);
    d.until(Duration::from_secs(20), Driver::exact);
    let moves = 180u64;
    let drag_start = Instant::now();
    let mut last_change = drag_start;
    let mut version = d.shown_version();
    let mut gap_ms = Vec::new();
    let mut lag_frames = Vec::new();
    let mut frame_cpu_ms = Vec::new();
    for m in 1..=moves {
        let target = (start + m * stride).min(frame_count - 1);
        d.app.workspace.as_mut().expect("open").scrub_to(target);
        let next_move = drag_start + Duration::from_micros(16_667 * m);
        while Instant::now() < next_move {
            frame_cpu_ms.push(ms(d.frame(Vec::new())));
            if d.shown_version() != version {
                version = d.shown_version();
                let now = Instant::now();
                gap_ms.push(ms(now - last_change));
                last_change = now;
                if let Some((frame, _)) = d.ws().feed().and_then(|f| f.shown()) {
                    lag_frames.push(target.abs_diff(frame.frame_idx() as u64) as f64);
                }
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    let since_last_new = ms(last_change.elapsed());
    let settle = d
        .until(Duration::from_secs(5), Driver::exact)
        .map_or(5000.0, ms);
    serde_json::json!({
        "moves": moves,
        "frames_per_move": stride,
        "ms_between_new_frames": stats(gap_ms),
        "ms_since_last_new_frame_when_pointer_stopped": since_last_new,
        "frames_behind_pointer": stats(lag_frames),
        "exact_frame_after_stop_ms": settle,
        "ui_frame_cpu_ms": stats(frame_cpu_ms),
    })
}
