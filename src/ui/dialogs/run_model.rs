//! Run a model on a video: the active model over a range of the video shown, on a
//! worker (decoding, preparing and inference pipelined), with progress in frames per
//! second and time left, and a Cancel button. The result becomes a prediction set, one
//! undoable edit, drawn as a layer like an imported one.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::request::DialogRequest;
use crate::inference::layout::PoseLayout;
use crate::inference::spec::ModelSpec;
use crate::inference::video_run::{Detector, RunError, run_video_with};
use crate::inference::{PoseModel, SessionOptions};
use crate::project::filling_set::FillingSet;
use crate::project::predictions::{PredictionArrays, PredictionSetDef};
use crate::project::{PredictionSetId, Project, VideoId};
use crate::ui::jobs::Job;
use crate::ui::widgets::{frame_range_ui, parse_frame_range};

/// What a finished run gives the workspace.
struct RunDone {
    model: String,
    summary: String,
}

enum RunFailure {
    Cancelled,
    Failed(String),
}

/// The "Run model on video" window.
pub struct RunModelDialog {
    pub open: bool,
    pub video: Option<VideoId>,
    /// The model, and its spec as the Models panel has it (keypoint map included).
    pub model: Option<(PathBuf, ModelSpec)>,
    /// How the model runs (the project's execution provider).
    pub options: SessionOptions,
    /// A detector giving a top-down model its boxes.
    pub detector: Option<PathBuf>,
    pub from: String,
    pub to: String,
    pub batch: String,
    pub animals: String,
    job: Option<Job<Result<RunDone, RunFailure>>>,
    /// The set the run fills, once it exists, and whether the app shows it yet.
    started_set: Arc<Mutex<Option<PredictionSetId>>>,
    added: Option<PredictionSetId>,
    /// How many times the run wrote more of its set, and how many the app has read.
    written: Arc<AtomicU64>,
    read: u64,
    total: Arc<AtomicU64>,
    /// Frames per second so far, as f64 bits.
    fps_bits: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
}

impl Default for RunModelDialog {
    fn default() -> Self {
        Self {
            open: false,
            video: None,
            model: None,
            options: SessionOptions::default(),
            detector: None,
            from: String::new(),
            to: String::new(),
            batch: "8".into(),
            animals: "1".into(),
            job: None,
            started_set: Arc::default(),
            added: None,
            written: Arc::default(),
            read: 0,
            total: Arc::default(),
            fps_bits: Arc::default(),
            cancel: Arc::default(),
        }
    }
}

impl Drop for RunModelDialog {
    /// Closing the project stops its run.
    fn drop(&mut self) {
        self.cancel();
    }
}

/// "1 min 23 s" or "12 s".
fn duration_text(secs: f64) -> String {
    let secs = secs.max(0.0).round() as u64;
    if secs >= 60 {
        format!("{} min {} s", secs / 60, secs % 60)
    } else {
        format!("{secs} s")
    }
}

impl RunModelDialog {
    /// Opens it for `video` and `model`: every frame, one animal per individual.
    pub fn open_for(
        &mut self,
        project: &Project,
        video: VideoId,
        model: PathBuf,
        spec: ModelSpec,
        options: SessionOptions,
        detector: Option<PathBuf>,
    ) {
        if self.job.is_none() {
            let count = project
                .state()
                .video(video)
                .map_or(0, |v| v.def.frame_count);
            self.video = Some(video);
            self.from = "0".into();
            self.to = count.saturating_sub(1).to_string();
            self.animals = project.state().individuals.len().max(1).to_string();
            self.model = Some((model, spec));
            self.options = options;
            self.detector = detector;
        }
        self.open = true;
    }

    fn model_name(&self) -> String {
        self.model
            .as_ref()
            .and_then(|(p, _)| p.file_stem())
            .map_or_else(
                || "the model".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            )
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Frames done, in all, and frames per second, while it runs.
    pub fn progress(&self) -> Option<(u64, u64, f64)> {
        let job = self.job.as_ref()?;
        let fps = f64::from_bits(self.fps_bits.load(Ordering::Relaxed));
        Some((job.progress(), self.total.load(Ordering::Relaxed), fps))
    }

    fn start(&mut self, ctx: &egui::Context, project: &Project) -> Result<(), String> {
        let video = self.video.ok_or("no video to run on")?;
        let (model_path, spec) = self
            .model
            .clone()
            .ok_or("no model: add one in the Models panel")?;
        let video_path = project
            .video_path(video)
            .ok_or("the video is no longer in the project")?;
        let number = |s: &str, what: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| format!("{what} is not a number: '{}'", s.trim()))
        };
        let (from, to) = parse_frame_range(&self.from, &self.to)?;
        let batch = number(&self.batch, "Batch")?.max(1);
        let animals = number(&self.animals, "Animals")?.max(1);
        let state = project.state().clone();
        let frame_count = state.video(video).map_or(0, |v| v.def.frame_count);
        let layout = PoseLayout::new(&state, &spec, animals, frame_count)?;
        let project_path = project.path().to_owned();
        let options = SessionOptions {
            no_spinning: true,
            ..self.options.clone()
        };
        let total = Arc::clone(&self.total);
        let fps_bits = Arc::clone(&self.fps_bits);
        self.cancel = Arc::new(AtomicBool::new(false));
        let cancel = Arc::clone(&self.cancel);
        total.store((to + 1 - from) as u64, Ordering::Relaxed);
        fps_bits.store(0f64.to_bits(), Ordering::Relaxed);
        let repaint = ctx.clone();
        let detector_path = self.detector.clone();
        let started_set = Arc::clone(&self.started_set);
        let written = Arc::clone(&self.written);
        *started_set.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.job = Some(Job::spawn("run model on video", ctx, move |progress| {
            let failed = |e: &dyn std::fmt::Display| RunFailure::Failed(e.to_string());
            let mut model = PoseModel::open(&model_path, None, &options)
                .and_then(|m| m.with_spec(spec))
                .map_err(|e| failed(&e))?;
            let mut detector = match &detector_path {
                Some(p) => Some(PoseModel::open(p, None, &options).map_err(|e| failed(&e))?),
                None => None,
            };
            let name = model.name();
            let def = PredictionSetDef {
                name: name.clone(),
                source: model.path().display().to_string(),
                scorer: name.clone(),
                created_unix_secs: std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0.0, |d| d.as_secs_f64()),
            };
            // The set exists from the start and fills in as the run goes: the app
            // shows it (one undoable edit) and draws each chunk once it is written.
            let mut arrays = PredictionArrays::empty(layout.shape.clone());
            let mut filling =
                FillingSet::begin(&project_path, &def, video, &arrays).map_err(|e| failed(&e))?;
            *started_set.lock().unwrap_or_else(|e| e.into_inner()) = Some(filling.set());
            repaint.request_repaint();
            let result = run_video_with(
                &mut model,
                detector.as_mut().map(|model| Detector {
                    model,
                    max_animals: animals,
                }),
                &video_path,
                Some(from..to + 1),
                batch,
                &cancel,
                &mut |p| {
                    total.store(p.total as u64, Ordering::Relaxed);
                    progress.store(p.done as u64, Ordering::Relaxed);
                    fps_bits.store(p.fps.to_bits(), Ordering::Relaxed);
                    repaint.request_repaint();
                },
                &mut |frame_idx, poses| {
                    let frame_idx = frame_idx as u64;
                    layout.put(&state, &mut arrays, frame_idx, &poses);
                    if filling.frame_done(&arrays, frame_idx) {
                        written.fetch_add(1, Ordering::Relaxed);
                    }
                },
            );
            filling.finish(&arrays, to as u64).map_err(|e| failed(&e))?;
            written.fetch_add(1, Ordering::Relaxed);
            let report = result.map_err(|e| match e {
                RunError::Cancelled { .. } => RunFailure::Cancelled,
                e => failed(&e),
            })?;
            let missing = if report.missing.is_empty() {
                String::new()
            } else {
                format!(", {} did not decode", report.missing.len())
            };
            let summary = format!(
                "{} frames ({} with poses{missing}) at {:.1} frames/s",
                report.frames.len(),
                report.frames_with_poses,
                report.fps()
            );
            Ok(RunDone {
                model: name,
                summary,
            })
        }));
        Ok(())
    }

    pub fn show(&mut self, ctx: &egui::Context, project: &Project, out: &mut Vec<DialogRequest>) {
        // The set the run fills: shown once it exists, read again as it fills.
        let started = *self.started_set.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(set) = started
            && self.added != Some(set)
            && self.job.is_some()
        {
            self.added = Some(set);
            self.read = self.written.load(Ordering::Relaxed);
            let model = self.model_name();
            out.push(DialogRequest::AddPredictionSet {
                set,
                description: format!("run {model} on the video"),
                summary: format!("{model} is running: its points appear as they come"),
            });
        }
        let written = self.written.load(Ordering::Relaxed);
        if let Some(set) = self.added
            && written != self.read
        {
            self.read = written;
            out.push(DialogRequest::RefreshPredictionSet(set));
        }
        if let Some(result) = self.job.as_ref().and_then(Job::poll) {
            self.job = None;
            if let Some(set) = self.added {
                out.push(DialogRequest::RefreshPredictionSet(set));
            }
            out.push(match result {
                Ok(done) => {
                    self.open = false;
                    DialogRequest::Status(format!("{}: {}", done.model, done.summary))
                }
                Err(RunFailure::Cancelled) => DialogRequest::Status(
                    "Model run cancelled: the set keeps the frames done (undo removes it)".into(),
                ),
                Err(RunFailure::Failed(e)) => {
                    DialogRequest::Error(format!("Model run failed: {e}"))
                }
            });
        }
        if !self.open {
            return;
        }
        let mut open = self.open;
        let mut error = None;
        egui::Window::new("Run model on video")
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                let model = self
                    .model
                    .as_ref()
                    .and_then(|(p, _)| p.file_name())
                    .map_or_else(|| "(none)".to_owned(), |n| n.to_string_lossy().into_owned());
                let video = self
                    .video
                    .and_then(|v| project.video_path(v))
                    .map_or_else(|| "(none)".to_owned(), |p| p.display().to_string());
                ui.label(format!("Model: {model}"));
                if let Some(d) = self.detector.as_ref().and_then(|d| d.file_name()) {
                    ui.label(format!("Boxes from: {}", d.to_string_lossy()));
                } else if self.model.as_ref().is_some_and(|(_, s)| s.is_top_down()) {
                    ui.label("Boxes from: the whole first frame, then each pose's box")
                        .on_hover_text(
                            "No detector: the box follows the animal from frame to frame, \
                             as rtmlib's PoseTracker does",
                        );
                }
                ui.label(format!("Video: {video}"));
                ui.add_enabled_ui(self.job.is_none(), |ui| {
                    frame_range_ui(ui, &mut self.from, &mut self.to);
                    ui.horizontal(|ui| {
                        let label = ui.label("Batch");
                        ui.add(egui::TextEdit::singleline(&mut self.batch).desired_width(40.0))
                            .labelled_by(label.id);
                        let label = ui.label("Animals per frame");
                        ui.add(egui::TextEdit::singleline(&mut self.animals).desired_width(40.0))
                            .labelled_by(label.id);
                    });
                });
                match self.progress() {
                    Some((done, total, fps)) => {
                        let left = if fps > 0.0 {
                            format!(
                                ", {} left",
                                duration_text(total.saturating_sub(done) as f64 / fps)
                            )
                        } else {
                            String::new()
                        };
                        ui.add(
                            egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                                .text(format!("{done} / {total} frames, {fps:.1} frames/s{left}")),
                        );
                        if ui.button("Cancel").clicked() {
                            self.cancel();
                        }
                    }
                    None => {
                        if ui.button("Run").clicked()
                            && let Err(e) = self.start(ctx, project)
                        {
                            error = Some(e);
                        }
                    }
                }
            });
        if let Some(e) = error {
            out.push(DialogRequest::Error(format!("Run model: {e}")));
        }
        self.open = open || self.job.is_some();
    }
}
