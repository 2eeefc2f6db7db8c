//! `kinelab bench play`: the app playing a video headlessly, as a person watching it
//! does (UI frames at 60 Hz, a prediction set drawn over it), with every due frame
//! checked: shown before the next one was due, shown late, or skipped.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::formats::prediction_import::set_def;
use crate::project::Project;
use crate::project::prediction_store::PredictionWriter;
use crate::project::predictions::{PredictionArrays, PredictionShape};
use crate::ui::KinelabApp;
use crate::ui::commands::Command;
use crate::ui::keymap::Keymap;

use super::bench::ms;
use super::bench_ui::{Driver, headless_render_state, stats};

/// A prediction set over the whole video: `individuals × keypoints` points circling
/// the frame, all above the cutoff, so every frame draws them all.
fn moving_predictions(
    project: &Project,
    width: u32,
    height: u32,
) -> (crate::project::VideoId, PredictionArrays) {
    let s = project.state();
    let video = s.videos[0].id;
    let shape = PredictionShape {
        individuals: s.individuals.iter().map(|i| i.id).collect(),
        keypoints: s.skeleton.keypoints.iter().map(|k| k.id).collect(),
        frame_count: s.videos[0].def.frame_count,
    };
    let mut arrays = PredictionArrays::empty(shape.clone());
    let (w, h) = (width as f32, height as f32);
    for f in 0..shape.frame_count {
        for (a, &i) in shape.individuals.iter().enumerate() {
            for (k, &kp) in shape.keypoints.iter().enumerate() {
                let t = f as f32 / 30.0 + a as f32;
                let x = w * (0.5 + 0.3 * t.sin()) + k as f32 * 6.0;
                let y = h * (0.5 + 0.3 * t.cos()) + a as f32 * 20.0;
                if let Some(slot) = shape.slot(i, kp) {
                    arrays.set(f, slot, [x, y, 0.95]);
                }
            }
        }
    }
    (video, arrays)
}

pub fn run(
    video: &Path,
    seconds: f64,
    speed: f64,
    cpu_path: bool,
    json: bool,
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("a temporary folder for the project")?;
    let (mut project, (width, height, frame_count)) =
        super::bench_ui::bench_project(dir.path(), video, 12, &["m1".into(), "m2".into()], true)?;
    let path = project.path().to_owned();
    let predictions = moving_predictions(&project, width, height);
    let set = PredictionWriter::open(&path)?.write_set(
        &set_def(Path::new("bench.h5"), "DLC_bench"),
        &[predictions],
        false,
        &mut |_, _| {},
    )?;
    project.add_prediction_set(set, "import bench.h5")?;
    drop(project);

    let gpu = if cpu_path {
        None
    } else {
        headless_render_state()
    };
    let mut app = KinelabApp::new(gpu.clone(), None, Keymap::default());
    if !app.open_project(&path) {
        anyhow::bail!("{}", app.message.unwrap_or_default());
    }
    let mut d = Driver {
        ctx: egui::Context::default(),
        app,
        started: Instant::now(),
        gpu,
        last_wall: Duration::ZERO,
    };
    d.until(Duration::from_secs(60), |d| {
        d.exact() && d.ws().feed().is_some_and(|f| f.index().is_some())
    })
    .context("no first frame and index within 60 s")?;
    let index = d
        .ws()
        .feed()
        .and_then(|f| Some((f.index()?.clone(), f.info()?.secs_per_tick())))
        .context("no index")?;
    let (index, secs_per_tick) = index;

    // Play; a UI frame every 16.7 ms, as a 60 Hz display asks for them.
    let ws = d.app.workspace.as_mut().expect("open");
    ws.run(Command::PlayPause);
    if (speed - 1.0).abs() > 1e-9 {
        // Set the speed by the menu's own steps.
        while ws.playing().is_some_and(|s| s < speed) {
            ws.run(Command::Faster);
        }
        while ws.playing().is_some_and(|s| s > speed) {
            ws.run(Command::Slower);
        }
    }
    let play_start = Instant::now();
    let mut first_shown: BTreeMap<usize, Instant> = BTreeMap::new();
    let mut frame_cpu_ms = Vec::new();
    let mut uploads = 0usize;
    let mut version = d.shown_version();
    while play_start.elapsed().as_secs_f64() < seconds && d.ws().playing().is_some() {
        let tick = Instant::now();
        frame_cpu_ms.push(ms(d.frame(Vec::new())));
        if d.shown_version() != version {
            version = d.shown_version();
            uploads += 1;
        }
        if d.exact()
            && let Some((frame, _)) = d.ws().feed().and_then(|f| f.shown())
        {
            first_shown
                .entry(frame.frame_idx())
                .or_insert_with(Instant::now);
        }
        std::thread::sleep(Duration::from_micros(16_667).saturating_sub(tick.elapsed()));
    }
    let played_secs = play_start.elapsed().as_secs_f64();
    // Every frame due while it played: on time (shown before the next was due), late,
    // or skipped (never shown).
    let due_of = |f: usize| -> Option<Instant> {
        let t = index.time_of(f, secs_per_tick)?;
        Some(play_start + Duration::from_secs_f64(t / speed))
    };
    let last_due = index.frame_at_time(played_secs * speed, secs_per_tick);
    let (mut on_time, mut late, mut skipped) = (0usize, 0usize, 0usize);
    for f in 0..last_due {
        let next_due = due_of(f + 1).unwrap_or(play_start);
        match first_shown.get(&f) {
            Some(&shown) if shown <= next_due => on_time += 1,
            Some(_) => late += 1,
            None => skipped += 1,
        }
    }
    let due = last_due.max(1);
    let report = serde_json::json!({
        "video": video.display().to_string(),
        "width": width, "height": height, "frames": frame_count,
        "frame_path": if d.gpu.is_some() { "gpu (yuv shader)" } else { "cpu (rgba texture)" },
        "speed": speed,
        "played_secs": played_secs,
        "frames_due": last_due,
        "on_time": on_time,
        "late": late,
        "skipped": skipped,
        "late_or_skipped_percent": 100.0 * (late + skipped) as f64 / due as f64,
        "texture_updates": uploads,
        "ui_frame_cpu_ms": stats(frame_cpu_ms),
        "predicted_points_drawn_per_frame": 24,
    });
    if json {
        println!("{report}");
    } else {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}
