//! Import labels or predictions: the file is read on a worker, then made one undoable
//! edit against the project as it is by then; the summary goes to the status bar.

use std::collections::BTreeMap;
use std::path::PathBuf;

use egui::RichText;

use super::request::DialogRequest;
use crate::formats::ImportReport;
use crate::project::{Label, LabelKey, Project};
use crate::ui::file_picker::FilePicker;
use crate::ui::jobs::Job;
use crate::ui::theme::Theme;
use crate::util::text::one_line;

type ImportResult = Result<(BTreeMap<LabelKey, Label>, ImportReport), String>;

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
            let summary: Result<String, String> = match result {
                Ok((labels, report)) => {
                    let file = PathBuf::from(self.path.trim());
                    match crate::formats::import_edit(project.state(), &file, labels) {
                        Some(edit) => {
                            out.push(DialogRequest::Apply(edit));
                            Ok(report.summary())
                        }
                        // Re-importing what is there already changes nothing.
                        None => Ok(format!(
                            "{}\nNothing new: the project already holds these labels.",
                            report.summary()
                        )),
                    }
                }
                Err(e) => Err(e),
            };
            out.push(match summary {
                Ok(text) => {
                    self.open = false;
                    DialogRequest::Status(format!("{}: {}", self.path.trim(), one_line(&text)))
                }
                Err(e) => DialogRequest::Error(format!("Import failed: {e}")),
            });
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
                    self.job = Some(Job::spawn("import", ctx, move |_| {
                        crate::formats::labels_from_file(&state, &path, video.as_deref())
                            .map_err(|e| e.to_string())
                    }));
                }
            });
        self.open = self.open && open;
    }
}
