//! Render labeled video: the video shown with its labels and chosen prediction sets
//! drawn as the layers panel shows them, written as an MP4 on a worker, with progress
//! and a Cancel button; the status bar says what was written.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::request::DialogRequest;
use crate::labeled_video::{
    DEFAULT_CRF, DEFAULT_PRESET, PRESETS, RenderContent, RenderError, RenderFilter, RenderOptions,
    RenderReport, read_sets, render,
};
use crate::overlay::OverlayStyle;
use crate::project::prediction_store::PredictionReader;
use crate::project::{PredictionSetId, Project, VideoId};
use crate::ui::file_picker::FilePicker;
use crate::ui::jobs::Job;
use crate::ui::panels::layers::Layers;
use crate::ui::widgets::{frame_range_ui, parse_frame_range};
use crate::util::text::one_line;

/// Why a render wrote nothing.
enum RenderFailure {
    Cancelled,
    Failed(String),
}

type RenderResult = Result<RenderReport, RenderFailure>;

/// The "Render labeled video" window.
pub struct RenderVideoDialog {
    pub open: bool,
    /// The video it renders (the one shown when it was opened).
    pub video: Option<VideoId>,
    /// The output file.
    pub out: String,
    pub sets: BTreeSet<PredictionSetId>,
    pub draw_labels: bool,
    pub from: String,
    pub to: String,
    pub preset: &'static str,
    picker: FilePicker,
    job: Option<Job<RenderResult>>,
    total: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
}

impl Default for RenderVideoDialog {
    fn default() -> Self {
        Self {
            open: false,
            video: None,
            out: String::new(),
            sets: BTreeSet::new(),
            draw_labels: true,
            from: String::new(),
            to: String::new(),
            preset: DEFAULT_PRESET,
            picker: FilePicker::default(),
            job: None,
            total: Arc::default(),
            cancel: Arc::default(),
        }
    }
}

impl Drop for RenderVideoDialog {
    /// Closing the project stops its render: nobody is left to hear how it ended,
    /// and a cancelled render leaves no file.
    fn drop(&mut self) {
        self.cancel();
    }
}

/// `<video folder>/<video stem>_labeled.mp4`.
pub fn default_output(video_path: &Path) -> PathBuf {
    let stem = video_path
        .file_stem()
        .map_or_else(|| "video".into(), |s| s.to_string_lossy().into_owned());
    video_path.with_file_name(format!("{stem}_labeled.mp4"))
}

impl RenderVideoDialog {
    /// Opens it for `video`: the layers shown now (labels, and each prediction set
    /// with that video), all frames, the output beside the video.
    pub fn open_for(&mut self, project: &Project, video: VideoId, layers: &Layers) {
        if !self.open && self.job.is_none() {
            self.draw_labels = !layers.labels_hidden;
            self.sets = project
                .state()
                .present_prediction_sets()
                .filter(|s| s.video(video).is_some() && layers.shows(s.id))
                .map(|s| s.id)
                .collect();
        }
        if self.video != Some(video) || self.out.is_empty() {
            self.video = Some(video);
            self.out = project
                .video_path(video)
                .map(|p| default_output(&p).display().to_string())
                .unwrap_or_default();
            let count = project
                .state()
                .video(video)
                .map_or(0, |v| v.def.frame_count);
            self.from = "0".into();
            self.to = count.saturating_sub(1).to_string();
        }
        self.open = true;
    }

    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// Frames done and in all, while it renders.
    pub fn progress(&self) -> Option<(u64, u64)> {
        let job = self.job.as_ref()?;
        Some((job.progress(), self.total.load(Ordering::Relaxed)))
    }

    /// Stops a render in progress (its file is not written).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    fn start(&mut self, ctx: &egui::Context, project: &Project) -> Result<(), String> {
        let video = self.video.ok_or("no video to render")?;
        let video_path = project
            .video_path(video)
            .ok_or("the video is no longer in the project")?;
        let (from, to) = parse_frame_range(&self.from, &self.to)?;
        let out = PathBuf::from(self.out.trim());
        if out.as_os_str().is_empty() {
            return Err("name the output file".into());
        }
        let options = RenderOptions {
            out,
            frames: Some(from..to + 1),
            preset: self.preset.to_owned(),
            crf: DEFAULT_CRF,
            marker_radius: None,
        };
        let state = project.state().clone();
        let project_path = project.path().to_owned();
        let sets: Vec<_> = self.sets.iter().copied().collect();
        let draw_labels = self.draw_labels;
        let total = Arc::clone(&self.total);
        self.cancel = Arc::new(AtomicBool::new(false));
        let cancel = Arc::clone(&self.cancel);
        total.store((to + 1 - from) as u64, Ordering::Relaxed);
        let ctx_for_progress = ctx.clone();
        self.job = Some(Job::spawn("render labeled video", ctx, move |progress| {
            let failed = |e: crate::project::ProjectError| RenderFailure::Failed(e.to_string());
            let reader = PredictionReader::open(&project_path).map_err(failed)?;
            let arrays = read_sets(&state, video, &sets, &reader).map_err(failed)?;
            let content = RenderContent::new(
                &state,
                video,
                arrays,
                draw_labels,
                &RenderFilter::default(),
                OverlayStyle::of(&state),
            );
            render(
                &video_path,
                &content,
                &options,
                &mut |done, all| {
                    total.store(all as u64, Ordering::Relaxed);
                    progress.store(done as u64, Ordering::Relaxed);
                    if done % 16 == 0 {
                        ctx_for_progress.request_repaint();
                    }
                },
                &cancel,
            )
            .map_err(|e| match e {
                RenderError::Cancelled { .. } => RenderFailure::Cancelled,
                e => RenderFailure::Failed(e.to_string()),
            })
        }));
        Ok(())
    }

    pub fn show(&mut self, ctx: &egui::Context, project: &Project, out: &mut Vec<DialogRequest>) {
        if let Some(result) = self.job.as_ref().and_then(Job::poll) {
            self.job = None;
            out.push(match result {
                Ok(report) => {
                    self.open = false;
                    DialogRequest::Status(format!(
                        "Rendered labeled video: {}",
                        one_line(&report.summary())
                    ))
                }
                Err(RenderFailure::Cancelled) => {
                    DialogRequest::Status("Rendering cancelled: no file was written".into())
                }
                Err(RenderFailure::Failed(e)) => {
                    DialogRequest::Error(format!("Render failed: {e}"))
                }
            });
        }
        if !self.open {
            return;
        }
        if let Some(folder) = self.picker.show(ctx) {
            let name = Path::new(self.out.trim()).file_name().map_or_else(
                || "labeled.mp4".into(),
                |n| n.to_string_lossy().into_owned(),
            );
            self.out = folder.join(name).display().to_string();
        }
        let state = project.state();
        let video = self.video;
        let sets: Vec<_> = state
            .present_prediction_sets()
            .filter(|s| video.is_some_and(|v| s.video(v).is_some()))
            .collect();
        let mut open = self.open;
        let mut error = None;
        egui::Window::new("Render labeled video")
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                let busy = self.job.is_some();
                ui.add_enabled_ui(!busy, |ui| {
                    ui.label("Draw:");
                    ui.checkbox(&mut self.draw_labels, "Labels");
                    if sets.is_empty() {
                        ui.weak("(this video has no prediction sets)");
                    }
                    for s in &sets {
                        let mut on = self.sets.contains(&s.id);
                        if ui.checkbox(&mut on, &s.def.name).changed() {
                            if on {
                                self.sets.insert(s.id);
                            } else {
                                self.sets.remove(&s.id);
                            }
                        }
                    }
                    ui.weak("As the layers panel shows them: cutoff, trail and colours.");
                    frame_range_ui(ui, &mut self.from, &mut self.to);
                    egui::ComboBox::from_label("Speed (x264 preset)")
                        .selected_text(self.preset)
                        .show_ui(ui, |ui| {
                            for p in PRESETS {
                                ui.selectable_value(&mut self.preset, p, *p);
                            }
                        });
                    ui.horizontal(|ui| {
                        let label = ui.label("Output file");
                        ui.text_edit_singleline(&mut self.out).labelled_by(label.id);
                        if ui.button("Browse…").clicked() {
                            let start = crate::ui::file_picker::folder_of_typed(&self.out)
                                .unwrap_or_else(|| project.dir());
                            self.picker.open_folder(ctx, "Render into", Some(&start));
                        }
                    });
                });
                match self.progress() {
                    Some((done, total)) => {
                        ui.add(
                            egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                                .text(format!("{done} / {total} frames")),
                        );
                        if ui.button("Cancel").clicked() {
                            self.cancel();
                        }
                    }
                    None => {
                        if ui.button("Render").clicked()
                            && let Err(e) = self.start(ctx, project)
                        {
                            error = Some(e);
                        }
                    }
                }
            });
        if let Some(e) = error {
            out.push(DialogRequest::Error(format!("Render: {e}")));
        }
        // Closing the window does not stop a render; Cancel does.
        self.open = open || self.job.is_some();
    }
}
