//! Import labels or predictions: the file is read on a worker, then made one undoable
//! edit against the project as it is by then; the summary goes to the status bar.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use egui::RichText;

use super::request::DialogRequest;
use crate::formats::{ImportedFile, prediction_import};
use crate::project::{PredictionSetId, Project};
use crate::ui::file_picker::FilePicker;
use crate::ui::jobs::Job;
use crate::ui::theme::Theme;

/// What a file gave (its predictions written as a hidden set already), or why not.
type ImportResult = Result<(ImportedFile, Option<PredictionSetId>), String>;

/// Import labels or predictions from a DeepLabCut label or prediction file.
#[derive(Default)]
pub struct ImportDialog {
    pub open: bool,
    pub path: String,
    /// For prediction files: the video they belong to (by name); empty = from the file
    /// name.
    pub video: String,
    picker: FilePicker,
    job: Option<Job<ImportResult>>,
}

impl ImportDialog {
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        theme: &Theme,
        out: &mut Vec<DialogRequest>,
    ) {
        if !self.open {
            return;
        }
        if let Some(path) = self.picker.show(ctx) {
            self.path = path.display().to_string();
        }
        if let Some(result) = self.job.as_ref().and_then(Job::poll) {
            self.job = None;
            match result {
                Ok((imported, set)) => {
                    self.open = false;
                    out.push(DialogRequest::Import {
                        file: PathBuf::from(self.path.trim()),
                        labels: imported.labels,
                        set,
                        summary: imported.report.summary(),
                    });
                }
                Err(e) => out.push(DialogRequest::Error(format!("Import failed: {e}"))),
            }
        }
        let mut open = self.open;
        egui::Window::new("Import labels or predictions")
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let label = ui.label("File");
                    ui.text_edit_singleline(&mut self.path)
                        .labelled_by(label.id);
                    if ui.button("Browse…").clicked() {
                        self.picker.open_file(
                            ctx,
                            "Import labels or predictions",
                            &crate::formats::import_file_kinds(),
                            Some(&project.dir()),
                        );
                    }
                });
                ui.horizontal(|ui| {
                    let label = ui.label("Video (predictions only)");
                    ui.text_edit_singleline(&mut self.video)
                        .labelled_by(label.id);
                });
                ui.label(
                    RichText::new(
                        "CollectedData_*.csv/.h5 name their frames; prediction files belong \
                         to the video their name starts with, unless one is named here.",
                    )
                    .color(theme.text_dim),
                );
                if self.job.is_some() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("reading…");
                    });
                } else if ui.button("Import").clicked() && !self.path.trim().is_empty() {
                    let path = PathBuf::from(self.path.trim());
                    let video = Some(self.video.trim().to_owned()).filter(|v| !v.is_empty());
                    let state = project.state().clone();
                    let project_path = project.path().to_owned();
                    self.job = Some(Job::spawn("import", ctx, move |progress| {
                        // Read, and write its predictions as a hidden set, here; the
                        // workspace adds both to the project as one edit.
                        let mut imported =
                            crate::formats::labels_from_file(&state, &path, video.as_deref())
                                .map_err(|e| e.to_string())?;
                        let set = prediction_import::write_predictions(
                            &project_path,
                            &imported,
                            &mut |done, _| progress.store(done, Ordering::Relaxed),
                        )
                        .map_err(|e| e.to_string())?;
                        imported.predictions = None;
                        Ok((imported, set))
                    }));
                }
            });
        self.open = self.open && open;
    }
}
