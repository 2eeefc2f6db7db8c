//! Adding a video: a path (typed or browsed), then indexing it on a thread.

use std::path::PathBuf;

use egui::RichText;

use super::request::DialogRequest;
use crate::project::{Project, VideoDef};
use crate::ui::file_picker::FilePicker;
use crate::ui::jobs::{Job, VIDEO_KINDS};
use crate::ui::theme::Theme;

/// Adding a video: a path, then indexing it on a thread.
#[derive(Default)]
pub struct AddVideoDialog {
    pub open: bool,
    pub path: String,
    picker: FilePicker,
    job: Option<Job<Result<VideoDef, String>>>,
}

impl AddVideoDialog {
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        theme: &Theme,
        out: &mut Vec<DialogRequest>,
    ) {
        let dialog = self;
        if !dialog.open {
            return;
        }
        if let Some(path) = dialog.picker.show(ctx) {
            dialog.path = path.display().to_string();
        }
        if let Some(result) = dialog.job.as_ref().and_then(Job::poll) {
            dialog.job = None;
            match result {
                Ok(def) => {
                    out.push(DialogRequest::AddVideo(def));
                    dialog.open = false;
                    dialog.path.clear();
                }
                Err(e) => out.push(DialogRequest::Error(e)),
            }
        }
        let mut open = dialog.open;
        egui::Window::new("Add video")
            .open(&mut open)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let label = ui.label("Video file");
                    ui.text_edit_singleline(&mut dialog.path)
                        .labelled_by(label.id);
                    if ui.button("Browse…").clicked() {
                        dialog.picker.open_file(
                            ctx,
                            "Add video",
                            VIDEO_KINDS,
                            Some(&project.dir()),
                        );
                    }
                });
                match &dialog.job {
                    Some(job) => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label(format!("indexing… {} MB", job.progress() / 1_000_000));
                        });
                    }
                    None => {
                        if ui.button("Add").clicked() && !dialog.path.trim().is_empty() {
                            let path = PathBuf::from(dialog.path.trim());
                            let dir = project.dir();
                            dialog.job = Some(Job::spawn("index video", ctx, move |progress| {
                                crate::video::describe::describe_for_project(
                                    &dir,
                                    &path,
                                    &mut |p| {
                                        progress.store(p, std::sync::atomic::Ordering::Relaxed)
                                    },
                                )
                                .map_err(|e| e.to_string())
                            }));
                        }
                    }
                }
                ui.label(
                    RichText::new("Or drop video files onto the window.").color(theme.text_dim),
                );
            });
        dialog.open = open;
    }
}
