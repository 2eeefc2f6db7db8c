//! Finding a moved video: by its content (size and a hash) in a folder, or a file
//! chosen by hand after a warning when its content differs.

use std::path::PathBuf;

use egui::RichText;

use super::request::DialogRequest;
use crate::project::{Project, VideoId};
use crate::ui::file_picker::FilePicker;
use crate::ui::jobs::Job;
use crate::ui::theme::Theme;

/// Finding a moved video.
pub struct RelinkDialog {
    pub video: VideoId,
    pub folder: String,
    pub file: String,
    search: Option<Job<Option<PathBuf>>>,
    folder_picker: FilePicker,
    message: Option<String>,
    /// A file whose content differs, awaiting "use anyway".
    mismatch: Option<PathBuf>,
}

impl RelinkDialog {
    /// The window for `video`, whose file is not where the project says.
    pub fn new(video: VideoId) -> Self {
        Self {
            video,
            folder: String::new(),
            file: String::new(),
            search: None,
            folder_picker: FilePicker::default(),
            message: None,
            mismatch: None,
        }
    }

    pub fn show(
        relink: &mut Option<RelinkDialog>,
        ctx: &egui::Context,
        project: &Project,
        theme: &Theme,
        out: &mut Vec<DialogRequest>,
    ) {
        let Some(dialog) = relink.as_mut() else {
            return;
        };
        let Some(video) = project.state().video(dialog.video).cloned() else {
            *relink = None;
            return;
        };
        if let Some(path) = dialog.folder_picker.show(ctx) {
            dialog.folder = path.display().to_string();
        }
        let mut done = false;
        if let Some(found) = dialog.search.as_ref().and_then(Job::poll) {
            dialog.search = None;
            match found {
                Some(path) => {
                    out.push(DialogRequest::Relink {
                        video: dialog.video,
                        path,
                    });
                    done = true;
                }
                None => {
                    dialog.message = Some(format!(
                        "no file with the same content under {}",
                        dialog.folder
                    ))
                }
            }
        }
        let mut open = true;
        egui::Window::new("Find moved video")
            .open(&mut open)
            .show(ctx, |ui| {
                let expected = project.video_path(dialog.video).unwrap_or_default();
                ui.label(format!("The video is no longer at {}.", expected.display()));
                ui.label(
                    RichText::new(
                        "Kinelab finds it by its content (size and a hash), whatever its name.",
                    )
                    .color(theme.text_dim),
                );
                ui.separator();
                ui.horizontal(|ui| {
                    let label = ui.label("Search folder");
                    ui.text_edit_singleline(&mut dialog.folder)
                        .labelled_by(label.id);
                    if ui.button("Browse…").clicked() {
                        // The folder picker's answer fills the field; the search starts on click.
                        dialog.folder_picker.open_folder(
                            ctx,
                            "Folder to search",
                            Some(&project.dir()),
                        );
                    }
                });
                if dialog.search.is_some() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("searching…");
                    });
                } else if ui.button("Search").clicked() && !dialog.folder.trim().is_empty() {
                    let root = PathBuf::from(dialog.folder.trim());
                    let (size, hash) = (video.def.size_bytes, video.def.edge_hash);
                    dialog.message = None;
                    dialog.search = Some(Job::spawn("find video", ctx, move |_| {
                        crate::util::fingerprint::find_file_with_content(&root, size, hash, 6)
                    }));
                }
                ui.separator();
                ui.horizontal(|ui| {
                    let label = ui.label("Or this file");
                    ui.text_edit_singleline(&mut dialog.file)
                        .labelled_by(label.id);
                    if ui.button("Use file").clicked() && !dialog.file.trim().is_empty() {
                        let path = PathBuf::from(dialog.file.trim());
                        match crate::util::fingerprint::FileFingerprint::of_file(&path) {
                            Ok(f)
                                if f.size_bytes == video.def.size_bytes
                                    && f.edge_hash == video.def.edge_hash =>
                            {
                                out.push(DialogRequest::Relink {
                                    video: dialog.video,
                                    path,
                                });
                                done = true;
                            }
                            Ok(_) => dialog.mismatch = Some(path),
                            Err(e) => dialog.message = Some(format!("{}: {e}", path.display())),
                        }
                    }
                });
                if let Some(path) = dialog.mismatch.clone() {
                    ui.colored_label(
                        theme.error,
                        format!(
                            "{} is not the same file: labels may not match its frames.",
                            path.display()
                        ),
                    );
                    if ui.button("Use it anyway").clicked() {
                        out.push(DialogRequest::Relink {
                            video: dialog.video,
                            path,
                        });
                        done = true;
                    }
                }
                if let Some(message) = &dialog.message {
                    ui.colored_label(theme.error, message);
                }
            });
        if done || !open {
            *relink = None;
        }
    }
}
