//! The workspace's dialogs: go to frame, skeleton, individuals, settings, add video and
//! relink. Each reports what the person asked for as a `DialogRequest`; the workspace
//! applies it, so every change is one undoable edit.

use std::collections::HashMap;
use std::path::PathBuf;

use egui::{Id, RichText};

use crate::util::text::plural;

use super::file_picker::FilePicker;
use super::jobs::{Job, VIDEO_KINDS};
use super::theme::Theme;
use crate::project::settings_keys::{MARKER_OPACITY, MARKER_SIZE};
use crate::project::{
    Edit, IndividualId, KeypointId, Project, ProjectError, Rgb, VideoDef, VideoId, edits,
    ordered_pair,
};

/// What a dialog asks the workspace to do.
pub enum DialogRequest {
    GoTo(u64),
    Apply(Edit),
    ApplyResult(Result<Option<Edit>, ProjectError>),
    /// A message for the status bar: what a background job did.
    Status(String),
    /// An error for the status bar, where every job's errors go.
    Error(String),
    AddVideo(VideoDef),
    Relink {
        video: VideoId,
        path: PathBuf,
    },
}

/// Which kind of pair the skeleton editor's "click two keypoints" mode makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PairMode {
    #[default]
    Edges,
    Symmetric,
}

/// The skeleton editor's state.
#[derive(Default)]
pub struct SkeletonEditor {
    pub open: bool,
    pub new_keypoint: String,
    /// Names being typed, by keypoint; committed on Enter or when focus leaves.
    renames: HashMap<KeypointId, String>,
    pub pair_mode: PairMode,
    /// First keypoint clicked for a new edge or pair.
    pub pair_first: Option<KeypointId>,
    /// Keypoint awaiting delete confirmation.
    pub confirm_delete: Option<KeypointId>,
}

/// The individuals editor's state.
#[derive(Default)]
pub struct IndividualsEditor {
    pub open: bool,
    pub new_name: String,
    renames: HashMap<IndividualId, String>,
    pub confirm_delete: Option<IndividualId>,
}

/// Adding a video: a path, then indexing it on a thread.
#[derive(Default)]
pub struct AddVideoDialog {
    pub open: bool,
    pub path: String,
    picker: FilePicker,
    job: Option<Job<Result<VideoDef, String>>>,
}

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

#[derive(Default)]
pub struct Dialogs {
    pub go_to: Option<String>,
    /// The frame shown when "Go to frame" opened, as the field's hint.
    go_to_from: u64,
    pub skeleton: SkeletonEditor,
    pub individuals: IndividualsEditor,
    pub settings_open: bool,
    pub add_video: AddVideoDialog,
    pub relink: Option<RelinkDialog>,
    pub export: super::interchange_dialogs::ExportDialog,
    pub import: super::interchange_dialogs::ImportDialog,
    /// Slider values while they are being dragged; committed as one edit on release.
    settings_draft: HashMap<&'static str, f32>,
}

impl Dialogs {
    /// Opens "Go to frame" with an empty field, so typing a number replaces nothing.
    pub fn open_go_to(&mut self, frame_idx: u64) {
        self.go_to = Some(String::new());
        self.go_to_from = frame_idx;
    }

    pub fn open_add_video(&mut self) {
        self.add_video.open = true;
    }

    pub fn open_relink(&mut self, video: VideoId) {
        if self.relink.as_ref().is_none_or(|r| r.video != video) {
            self.relink = Some(RelinkDialog {
                video,
                folder: String::new(),
                file: String::new(),
                search: None,
                folder_picker: FilePicker::default(),
                message: None,
                mismatch: None,
            });
        }
    }

    /// Whether any dialog is open (keys then go to it, not to labeling).
    pub fn any_open(&self) -> bool {
        self.go_to.is_some()
            || self.skeleton.open
            || self.individuals.open
            || self.settings_open
            || self.add_video.open
            || self.relink.is_some()
            || self.export.open
            || self.import.open
    }

    pub fn show(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        frame_count: u64,
        theme: &Theme,
    ) -> Vec<DialogRequest> {
        let mut out = Vec::new();
        self.show_go_to(ctx, frame_count, &mut out);
        self.show_skeleton(ctx, project, theme, &mut out);
        self.show_individuals(ctx, project, &mut out);
        self.show_settings(ctx, project, &mut out);
        self.show_add_video(ctx, project, theme, &mut out);
        self.show_relink(ctx, project, theme, &mut out);
        self.export.show(ctx, project, &mut out);
        self.import.show(ctx, project, theme, &mut out);
        out
    }

    fn show_go_to(&mut self, ctx: &egui::Context, frame_count: u64, out: &mut Vec<DialogRequest>) {
        let from = self.go_to_from;
        let Some(text) = &mut self.go_to else { return };
        let mut close = false;
        egui::Window::new("Go to frame")
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                let label = ui.label(format!("Frame (0 to {})", frame_count.saturating_sub(1)));
                let edit = ui
                    .add(egui::TextEdit::singleline(text).hint_text(format!("now {from}")))
                    .labelled_by(label.id);
                edit.request_focus();
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let go = ui.button("Go").clicked();
                    if go || enter {
                        match text.trim().parse::<u64>() {
                            Ok(f) => {
                                out.push(DialogRequest::GoTo(f));
                                close = true;
                            }
                            Err(_) => out.push(DialogRequest::Error(format!(
                                "'{}' is not a frame number",
                                text.trim()
                            ))),
                        }
                    }
                    if ui.button("Cancel").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        close = true;
                    }
                });
            });
        if close {
            self.go_to = None;
        }
    }

    fn show_skeleton(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        theme: &Theme,
        out: &mut Vec<DialogRequest>,
    ) {
        let editor = &mut self.skeleton;
        if !editor.open {
            return;
        }
        let state = project.state();
        let mut open = true;
        egui::Window::new("Skeleton")
            .open(&mut open)
            .default_width(420.0)
            .show(ctx, |ui| {
                ui.label(RichText::new("Keypoints, in labeling order").strong());
                let n = state.skeleton.keypoints.len();
                egui::Grid::new("keypoints grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for (i, kp) in state.skeleton.keypoints.iter().enumerate() {
                            let mut rgb = kp.def.color.0;
                            if ui.color_edit_button_srgb(&mut rgb).changed() {
                                out.push(DialogRequest::ApplyResult(edits::set_keypoint_color(
                                    state,
                                    kp.id,
                                    Rgb(rgb),
                                )));
                            }
                            let id = Id::unique(("keypoint name", kp.id));
                            if let Some(name) =
                                rename_field(ui, &mut editor.renames, kp.id, &kp.def.name, id)
                            {
                                out.push(DialogRequest::ApplyResult(edits::rename_keypoint(
                                    state, kp.id, &name,
                                )));
                            }
                            if ui
                                .add_enabled(i > 0, egui::Button::new("Up"))
                                .on_hover_text(format!("Move '{}' up", kp.def.name))
                                .clicked()
                            {
                                out.push(DialogRequest::ApplyResult(
                                    edits::move_keypoint_in_order(state, kp.id, i - 1),
                                ));
                            }
                            if ui
                                .add_enabled(i + 1 < n, egui::Button::new("Down"))
                                .on_hover_text(format!("Move '{}' down", kp.def.name))
                                .clicked()
                            {
                                out.push(DialogRequest::ApplyResult(
                                    edits::move_keypoint_in_order(state, kp.id, i + 1),
                                ));
                            }
                            if ui
                                .add_enabled(
                                    n > 1,
                                    egui::Button::new(format!("Delete '{}'", kp.def.name)),
                                )
                                .clicked()
                            {
                                editor.confirm_delete = Some(kp.id);
                            }
                            ui.end_row();
                        }
                    });
                ui.horizontal(|ui| {
                    let label = ui.label("New keypoint");
                    let response = ui
                        .text_edit_singleline(&mut editor.new_keypoint)
                        .labelled_by(label.id);
                    let enter =
                        response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if (ui.button("Add keypoint").clicked() || enter)
                        && !editor.new_keypoint.trim().is_empty()
                    {
                        match edits::add_keypoint(state, &editor.new_keypoint) {
                            Ok((edit, _)) => {
                                out.push(DialogRequest::Apply(edit));
                                editor.new_keypoint.clear();
                            }
                            Err(e) => out.push(DialogRequest::Error(e.to_string())),
                        }
                    }
                });
                ui.separator();
                ui.horizontal(|ui| {
                    ui.label(RichText::new("Click two keypoints to").strong());
                    if ui
                        .selectable_label(
                            editor.pair_mode == PairMode::Edges,
                            "add or remove an edge",
                        )
                        .clicked()
                    {
                        editor.pair_mode = PairMode::Edges;
                        editor.pair_first = None;
                    }
                    if ui
                        .selectable_label(
                            editor.pair_mode == PairMode::Symmetric,
                            "pair left/right",
                        )
                        .clicked()
                    {
                        editor.pair_mode = PairMode::Symmetric;
                        editor.pair_first = None;
                    }
                });
                ui.horizontal_wrapped(|ui| {
                    for kp in &state.skeleton.keypoints {
                        let chosen = editor.pair_first == Some(kp.id);
                        let [r, g, b] = kp.def.color.0;
                        let text =
                            RichText::new(&kp.def.name).color(egui::Color32::from_rgb(r, g, b));
                        let response = ui.selectable_label(chosen, text);
                        // Screen readers (and tests) hear which keypoint the button picks.
                        let name = kp.def.name.clone();
                        response.widget_info(|| {
                            egui::WidgetInfo::selected(
                                egui::Role::Button,
                                true,
                                chosen,
                                format!("pick '{name}'"),
                            )
                        });
                        if response.clicked() {
                            match editor.pair_first.take() {
                                None => editor.pair_first = Some(kp.id),
                                Some(first) if first == kp.id => {}
                                Some(first) => {
                                    out.push(DialogRequest::ApplyResult(match editor.pair_mode {
                                        PairMode::Edges => edits::toggle_edge(state, first, kp.id),
                                        PairMode::Symmetric => {
                                            edits::toggle_symmetric(state, first, kp.id)
                                        }
                                    }))
                                }
                            }
                        }
                    }
                });
                let name = |id| state.skeleton.name_of(id);
                ui.label(RichText::new("Edges").strong());
                ui.horizontal_wrapped(|ui| {
                    if state.skeleton.edges.is_empty() {
                        ui.label(RichText::new("none").color(theme.text_dim));
                    }
                    for &(a, b) in &state.skeleton.edges {
                        if ui
                            .small_button(format!("{}–{} ×", name(a), name(b)))
                            .on_hover_text("Remove this edge")
                            .clicked()
                        {
                            out.push(DialogRequest::ApplyResult(edits::toggle_edge(state, a, b)));
                        }
                    }
                });
                ui.label(RichText::new("Left/right pairs").strong());
                ui.horizontal_wrapped(|ui| {
                    if state.skeleton.symmetric.is_empty() {
                        ui.label(RichText::new("none").color(theme.text_dim));
                    }
                    for &(a, b) in &state.skeleton.symmetric {
                        if ui
                            .small_button(format!("{} <-> {} ×", name(a), name(b)))
                            .on_hover_text("Unpair")
                            .clicked()
                        {
                            let pair = ordered_pair(a, b);
                            out.push(DialogRequest::ApplyResult(edits::toggle_symmetric(
                                state, pair.0, pair.1,
                            )));
                        }
                    }
                });
            });
        if !open {
            editor.open = false;
            editor.pair_first = None;
        }
        if let Some(id) = editor.confirm_delete {
            let count = edits::labels_of_keypoint(state, id);
            let answer = confirm_delete(
                ctx,
                "confirm delete keypoint",
                &format!("Delete keypoint '{}'?", state.skeleton.name_of(id)),
                &format!(
                    "Its {}, edges and pairs go with it. Undo brings them back.",
                    plural(count, "label", "labels")
                ),
            );
            if answer == Some(true) {
                out.push(edit_request(edits::delete_keypoint(state, id)));
            }
            if answer.is_some() {
                editor.confirm_delete = None;
            }
        }
    }

    fn show_individuals(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        out: &mut Vec<DialogRequest>,
    ) {
        let editor = &mut self.individuals;
        if !editor.open {
            return;
        }
        let state = project.state();
        let mut open = true;
        egui::Window::new("Individuals")
            .open(&mut open)
            .show(ctx, |ui| {
                for individual in &state.individuals {
                    ui.horizontal(|ui| {
                        let (id, name) = (individual.id, &individual.def.name);
                        let field = Id::unique(("individual name", id));
                        if let Some(name) = rename_field(ui, &mut editor.renames, id, name, field) {
                            out.push(DialogRequest::ApplyResult(edits::rename_individual(
                                state, id, &name,
                            )));
                        }
                        if ui
                            .add_enabled(
                                state.individuals.len() > 1,
                                egui::Button::new(format!("Delete '{}'", individual.def.name)),
                            )
                            .clicked()
                        {
                            editor.confirm_delete = Some(individual.id);
                        }
                    });
                }
                ui.horizontal(|ui| {
                    let label = ui.label("New individual");
                    ui.text_edit_singleline(&mut editor.new_name)
                        .labelled_by(label.id);
                    if ui.button("Add individual").clicked() && !editor.new_name.trim().is_empty() {
                        match edits::add_individual(state, &editor.new_name) {
                            Ok((edit, _)) => {
                                out.push(DialogRequest::Apply(edit));
                                editor.new_name.clear();
                            }
                            Err(e) => out.push(DialogRequest::Error(e.to_string())),
                        }
                    }
                });
            });
        if !open {
            editor.open = false;
        }
        if let Some(id) = editor.confirm_delete {
            let count = state.labels.keys().filter(|k| k.individual == id).count();
            let answer = confirm_delete(
                ctx,
                "confirm delete individual",
                &format!("Delete individual '{}'?", state.individual_name(id)),
                &format!(
                    "Its {} go with it. Undo brings them back.",
                    plural(count, "label", "labels")
                ),
            );
            if answer == Some(true) {
                out.push(edit_request(edits::delete_individual(state, id)));
            }
            if answer.is_some() {
                editor.confirm_delete = None;
            }
        }
    }

    fn show_settings(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        out: &mut Vec<DialogRequest>,
    ) {
        if !self.settings_open {
            return;
        }
        let state = project.state();
        let mut open = true;
        let drafts = &mut self.settings_draft;
        egui::Window::new("Settings")
            .open(&mut open)
            .show(ctx, |ui| {
                let mut slider =
                    |ui: &mut egui::Ui,
                     key: &'static str,
                     label: &str,
                     default: f32,
                     range: std::ops::RangeInclusive<f32>| {
                        let saved = state.setting_f32(key, default);
                        let value = drafts.entry(key).or_insert(saved);
                        let response = ui.add(egui::Slider::new(value, range).text(label));
                        let released =
                            response.drag_stopped() || (response.changed() && !response.dragged());
                        if released && (*value - saved).abs() > f32::EPSILON {
                            if let Some(edit) = edits::set_setting(state, key, format!("{value}")) {
                                out.push(DialogRequest::Apply(edit));
                            }
                        } else if !response.dragged() && !response.changed() {
                            *value = saved;
                        }
                    };
                slider(ui, MARKER_SIZE, "Marker size (points)", 6.0, 2.0..=20.0);
                slider(ui, MARKER_OPACITY, "Marker opacity", 0.9, 0.1..=1.0);
            });
        if !open {
            self.settings_open = false;
        }
    }

    fn show_add_video(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        theme: &Theme,
        out: &mut Vec<DialogRequest>,
    ) {
        let dialog = &mut self.add_video;
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

    fn show_relink(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        theme: &Theme,
        out: &mut Vec<DialogRequest>,
    ) {
        let Some(dialog) = &mut self.relink else {
            return;
        };
        let Some(video) = project.state().video(dialog.video).cloned() else {
            self.relink = None;
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
            self.relink = None;
        }
    }
}

/// A name field that commits when the person leaves it: returns the name to apply.
/// What is typed lives in `drafts` until then; an untouched field follows the project
/// (undo may rename behind it).
fn rename_field<K: std::hash::Hash + Eq + Copy>(
    ui: &mut egui::Ui,
    drafts: &mut HashMap<K, String>,
    key: K,
    current: &str,
    id: Id,
) -> Option<String> {
    let buffer = drafts.entry(key).or_insert_with(|| current.to_owned());
    // A fixed size: in a grid the column would shrink the field to a few letters.
    let response = ui.add_sized([150.0, 20.0], egui::TextEdit::singleline(buffer).id(id));
    if response.lost_focus() && buffer.trim() != current {
        return drafts.remove(&key);
    }
    if !response.has_focus() && buffer != current {
        *buffer = current.to_owned();
    }
    None
}

/// A modal asking before a delete: `Some(true)` to delete, `Some(false)` when the
/// person keeps it or dismisses the modal, `None` while it waits.
fn confirm_delete(ctx: &egui::Context, id_salt: &str, heading: &str, body: &str) -> Option<bool> {
    let mut answer = None;
    let modal = egui::Modal::new(Id::unique(id_salt)).show(ctx, |ui| {
        ui.heading(heading);
        ui.label(body);
        ui.horizontal(|ui| {
            if ui.button("Delete").clicked() {
                answer = Some(true);
            }
            if ui.button("Keep it").clicked() {
                answer = Some(false);
            }
        });
    });
    answer.or_else(|| modal.should_close().then_some(false))
}

/// The request for an edit that may have been refused.
fn edit_request(edit: Result<Edit, ProjectError>) -> DialogRequest {
    match edit {
        Ok(edit) => DialogRequest::Apply(edit),
        Err(e) => DialogRequest::Error(e.to_string()),
    }
}
