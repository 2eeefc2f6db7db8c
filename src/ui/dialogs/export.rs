//! Export dataset (a format, a folder, progress) and Save to DeepLabCut, both on a
//! worker; what they wrote, or why they failed, goes to the status bar.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use super::request::DialogRequest;
use crate::formats::{DatasetFormat, ExportReport, ProjectAccess, dlc_project};
use crate::project::Project;
use crate::project::prediction_store::PredictionReader;
use crate::ui::file_picker::FilePicker;
use crate::ui::jobs::Job;
use crate::util::text::one_line;
use crate::video::project_access::FfmpegVideos;

type ExportResult = Result<ExportReport, String>;

/// Export dataset (and Save to DeepLabCut, which exports into the project's own folder).
pub struct ExportDialog {
    pub open: bool,
    pub format: DatasetFormat,
    /// YOLO's validation share, in percent.
    pub val_percent: u32,
    /// Output folder.
    pub out: String,
    picker: FilePicker,
    job: Option<Job<ExportResult>>,
    /// Frames to write, for the progress bar (the job's progress counts done ones).
    total: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Save to DeepLabCut was asked for; it starts on the next frame (it needs the
    /// egui context that commands do not get).
    pub save_requested: bool,
    /// A Save to DeepLabCut in progress, and where it writes.
    save_job: Option<(PathBuf, Job<ExportResult>)>,
}

impl Default for ExportDialog {
    fn default() -> Self {
        Self {
            open: false,
            format: DatasetFormat::Dlc,
            val_percent: 20,
            out: String::new(),
            picker: FilePicker::default(),
            job: None,
            total: Default::default(),
            save_requested: false,
            save_job: None,
        }
    }
}

/// Starts writing the project in `format` into `out` on a worker thread.
fn spawn_export(
    ctx: &egui::Context,
    project: &Project,
    format: DatasetFormat,
    options: crate::formats::ExportOptions,
    out: PathBuf,
    total: &std::sync::Arc<std::sync::atomic::AtomicU64>,
) -> Job<ExportResult> {
    let state = project.state().clone();
    let dir = project.dir();
    let path = project.path().to_owned();
    let total = std::sync::Arc::clone(total);
    Job::spawn("export", ctx, move |progress| {
        let predictions = PredictionReader::open(&path).map_err(|e| e.to_string())?;
        format
            .export(
                &state,
                &dir,
                &out,
                &ProjectAccess {
                    videos: &FfmpegVideos,
                    predictions: &predictions,
                },
                &options,
                &mut |done, all| {
                    total.store(all as u64, Ordering::Relaxed);
                    progress.store(done as u64, Ordering::Relaxed);
                },
            )
            .map_err(|e| e.to_string())
    })
}

/// Where Save to DeepLabCut writes `project`: the DeepLabCut project it was opened
/// from, else a DeepLabCut project beside it named after it.
pub fn dlc_save_target(project: &Project) -> PathBuf {
    let dir = project.dir();
    let from_dlc = project
        .state()
        .settings
        .contains_key(dlc_project::keys::SCORER)
        && dir.join("config.yaml").is_file();
    if from_dlc {
        dir
    } else {
        dir.join(format!("{}-deeplabcut", project.name()))
    }
}

impl ExportDialog {
    /// Opens the dialog; the folder defaults to an `export` folder beside the project.
    pub fn open_for(&mut self, project: &Project) {
        self.open = true;
        if self.out.is_empty() {
            self.out = project.dir().join("export").display().to_string();
        }
    }

    /// Save to DeepLabCut: writes the labels into the DeepLabCut project the project
    /// came from, or for a project made in Kinelab into a DeepLabCut project beside it
    /// (`<name>-deeplabcut/`), on a worker; the status bar says when it is done. The
    /// Export window stays closed: this is a save, not an export.
    pub fn save_to_dlc(&mut self, ctx: &egui::Context, project: &Project) {
        if self.save_job.is_some() {
            return;
        }
        let target = dlc_save_target(project);
        self.save_job = Some((
            target.clone(),
            spawn_export(
                ctx,
                project,
                DatasetFormat::Dlc,
                crate::formats::ExportOptions::default(),
                target,
                &self.total,
            ),
        ));
    }

    /// Where Save to DeepLabCut is writing, while it is.
    pub fn saving_to(&self) -> Option<&std::path::Path> {
        self.save_job.as_ref().map(|(target, _)| target.as_path())
    }

    pub fn is_busy(&self) -> bool {
        self.job.is_some() || self.save_job.is_some()
    }

    pub fn show(&mut self, ctx: &egui::Context, project: &Project, out: &mut Vec<DialogRequest>) {
        if std::mem::take(&mut self.save_requested) {
            self.save_to_dlc(ctx, project);
        }
        if let Some((target, job)) = &self.save_job
            && let Some(result) = job.poll()
        {
            out.push(match result {
                Ok(report) => DialogRequest::Status(format!(
                    "Saved to DeepLabCut in {}: {}",
                    target.display(),
                    one_line(&report.summary())
                )),
                Err(e) => DialogRequest::Error(format!("Save to DeepLabCut failed: {e}")),
            });
            self.save_job = None;
        }
        // What a job did goes to the status bar, where every job reports; a window
        // closes when its work is done and stays open on an error, to try again.
        if let Some(result) = self.job.as_ref().and_then(Job::poll) {
            self.job = None;
            out.push(match &result {
                Ok(report) => {
                    self.open = false;
                    DialogRequest::Status(format!(
                        "Exported to {}: {}",
                        self.out.trim(),
                        one_line(&report.summary())
                    ))
                }
                Err(e) => DialogRequest::Error(format!("Export failed: {e}")),
            });
        }
        if !self.open {
            return;
        }
        if let Some(path) = self.picker.show(ctx) {
            self.out = path.display().to_string();
        }
        let mut open = self.open;
        egui::Window::new("Export dataset")
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                egui::ComboBox::from_label("Format")
                    .selected_text(self.format.title())
                    .show_ui(ui, |ui| {
                        for f in DatasetFormat::ALL {
                            ui.selectable_value(&mut self.format, f, f.title());
                        }
                    });
                if self.format == DatasetFormat::Yolo {
                    ui.add(
                        egui::Slider::new(&mut self.val_percent, 0..=50)
                            .text("% of frames for validation"),
                    );
                }
                ui.horizontal(|ui| {
                    let label = ui.label("Folder");
                    ui.text_edit_singleline(&mut self.out).labelled_by(label.id);
                    if ui.button("Browse…").clicked() {
                        let start = crate::ui::file_picker::folder_of_typed(&self.out)
                            .unwrap_or_else(|| project.dir());
                        self.picker.open_folder(ctx, "Export to", Some(&start));
                    }
                });
                match &self.job {
                    Some(job) => {
                        let total = self.total.load(Ordering::Relaxed).max(1);
                        let done = job.progress();
                        ui.add(
                            egui::ProgressBar::new(done as f32 / total as f32)
                                .text(format!("{done} / {total} frames")),
                        );
                    }
                    None => {
                        if ui.button("Export").clicked() && !self.out.trim().is_empty() {
                            let out = PathBuf::from(self.out.trim());
                            let options = crate::formats::ExportOptions {
                                val_fraction: f64::from(self.val_percent) / 100.0,
                            };
                            self.job = Some(spawn_export(
                                ctx,
                                project,
                                self.format,
                                options,
                                out,
                                &self.total,
                            ));
                        }
                    }
                }
            });
        // Closing the window does not stop a running export; it reports when done.
        self.open = open || self.job.is_some();
    }
}
