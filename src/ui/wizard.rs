//! The new-project wizard: name and folder, videos (file dialog, a path, or dropped
//! onto the window), a skeleton from a preset or by hand, and the individuals.

use std::path::PathBuf;

use egui::RichText;

use super::file_picker::FilePicker;
use super::jobs::{Job, VIDEO_KINDS};
use super::theme::Theme;
use crate::project::NewProject;
use crate::project::names::{join_pairs, project_file, split_names, split_pairs};
use crate::project::preset::{SkeletonPreset, builtin_presets};

pub struct Wizard {
    pub name: String,
    pub folder: String,
    pub videos: Vec<PathBuf>,
    pub video_path: String,
    /// Index into `presets`, or `None` for a skeleton made by hand.
    pub preset: Option<usize>,
    pub presets: Vec<SkeletonPreset>,
    pub keypoints: String,
    pub edges: String,
    pub symmetric: String,
    pub individuals: String,
    folder_picker: FilePicker,
    video_picker: FilePicker,
    job: Option<Job<Result<PathBuf, String>>>,
    pub error: Option<String>,
}

impl Default for Wizard {
    fn default() -> Self {
        let presets = builtin_presets();
        let folder = dirs::document_dir()
            .or_else(dirs::home_dir)
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let mut wizard = Self {
            name: "my-project".into(),
            folder,
            videos: Vec::new(),
            video_path: String::new(),
            preset: None,
            presets,
            keypoints: String::new(),
            edges: String::new(),
            symmetric: String::new(),
            individuals: "animal".into(),
            folder_picker: FilePicker::default(),
            video_picker: FilePicker::default(),
            job: None,
            error: None,
        };
        wizard.choose_preset(Some(0));
        wizard
    }
}

impl Wizard {
    pub fn choose_preset(&mut self, preset: Option<usize>) {
        self.preset = preset;
        if let Some(p) = preset.and_then(|i| self.presets.get(i)) {
            self.keypoints = p.keypoints.join(", ");
            self.edges = join_pairs(&p.edges);
            self.symmetric = join_pairs(&p.symmetric);
        }
    }

    /// Adds dropped or picked files that look like videos.
    pub fn add_videos(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        for path in paths {
            if !self.videos.contains(&path) {
                self.videos.push(path);
            }
        }
    }

    /// The project file the wizard would create.
    pub fn project_path(&self) -> PathBuf {
        project_file(&PathBuf::from(self.folder.trim()).join(self.name.trim()))
    }

    /// The project description, checked.
    pub fn new_project(&self) -> Result<NewProject, String> {
        if self.name.trim().is_empty() {
            return Err("the project needs a name".into());
        }
        let new = NewProject {
            name: self.name.trim().to_owned(),
            keypoints: split_names(&self.keypoints),
            edges: split_pairs(&self.edges, "edge")?,
            symmetric: split_pairs(&self.symmetric, "left/right pair")?,
            individuals: split_names(&self.individuals),
            videos: Vec::new(),
        };
        new.to_state().map_err(|e| e.to_string())?;
        Ok(new)
    }

    /// Shows the wizard. Returns the created project's path once it exists; sets
    /// `open` false when cancelled.
    pub fn show(&mut self, ctx: &egui::Context, open: &mut bool, theme: &Theme) -> Option<PathBuf> {
        if let Some(path) = self.folder_picker.show(ctx) {
            self.folder = path.display().to_string();
        }
        if let Some(path) = self.video_picker.show(ctx) {
            self.add_videos([path]);
        }
        let mut created = None;
        if let Some(result) = self.job.as_ref().and_then(Job::poll) {
            self.job = None;
            match result {
                Ok(path) => created = Some(path),
                Err(e) => self.error = Some(e),
            }
        }

        egui::Window::new("New project")
            .open(open)
            .default_width(560.0)
            .show(ctx, |ui| {
                egui::Grid::new("wizard grid").num_columns(2).show(ui, |ui| {
                    let label = ui.label("Name");
                    ui.text_edit_singleline(&mut self.name).labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label("Folder");
                    ui.horizontal(|ui| {
                        ui.text_edit_singleline(&mut self.folder).labelled_by(label.id);
                        if ui.button("Choose…").clicked() {
                            self.folder_picker.open_folder(ctx, "Project folder", None);
                        }
                    });
                    ui.end_row();
                    let label = ui.label("Video");
                    ui.horizontal(|ui| {
                        ui.text_edit_singleline(&mut self.video_path).labelled_by(label.id);
                        if ui.button("Add video").clicked() && !self.video_path.trim().is_empty() {
                            let path = PathBuf::from(self.video_path.trim());
                            self.add_videos([path]);
                            self.video_path.clear();
                        }
                        if ui.button("Browse…").clicked() {
                            self.video_picker.open_file(
                                ctx,
                                "Add video",
                                VIDEO_KINDS,
                                None,
                            );
                        }
                    });
                    ui.end_row();
                });
                let mut remove = None;
                for (i, v) in self.videos.iter().enumerate() {
                    ui.horizontal(|ui| {
                        ui.label(v.display().to_string());
                        if ui.small_button("×").on_hover_text("Remove").clicked() {
                            remove = Some(i);
                        }
                    });
                }
                if let Some(i) = remove {
                    self.videos.remove(i);
                }
                if self.videos.is_empty() {
                    ui.label(RichText::new("Add videos here or drop them onto the window; more can be added later.").color(theme.text_dim));
                }
                ui.separator();
                ui.horizontal(|ui| {
                    ui.label("Skeleton");
                    let current = self
                        .preset
                        .and_then(|i| self.presets.get(i))
                        .map_or("made by hand".to_owned(), |p| p.name.clone());
                    let mut choice = None;
                    egui::ComboBox::from_id_salt("preset")
                        .selected_text(current)
                        .show_ui(ui, |ui| {
                            for (i, p) in self.presets.iter().enumerate() {
                                if ui
                                    .selectable_label(self.preset == Some(i), &p.name)
                                    .on_hover_text(&p.description)
                                    .clicked()
                                {
                                    choice = Some(Some(i));
                                }
                            }
                            if ui.selectable_label(self.preset.is_none(), "made by hand").clicked() {
                                choice = Some(None);
                            }
                        });
                    if let Some(c) = choice {
                        self.choose_preset(c);
                    }
                });
                egui::Grid::new("skeleton grid").num_columns(2).show(ui, |ui| {
                    let fields: [(&str, &mut String); 4] = [
                        ("Keypoints (in order)", &mut self.keypoints),
                        ("Edges (a-b, b-c)", &mut self.edges),
                        ("Left/right pairs", &mut self.symmetric),
                        ("Individuals", &mut self.individuals),
                    ];
                    let mut edited = false;
                    for (name, value) in fields {
                        let label = ui.label(name);
                        edited |= ui
                            .add(egui::TextEdit::multiline(value).desired_rows(1).desired_width(360.0))
                            .labelled_by(label.id)
                            .changed();
                        ui.end_row();
                    }
                    if edited && self.preset.is_some() {
                        self.preset = None;
                    }
                });
                if let Some(e) = &self.error {
                    ui.colored_label(theme.error, e);
                }
                ui.separator();
                match &self.job {
                    Some(job) => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label(format!("indexing videos… {} MB", job.progress() / 1_000_000));
                        });
                    }
                    None => {
                        if ui.button("Create project").clicked() {
                            self.start_create(ctx);
                        }
                    }
                }
            });
        created
    }

    fn start_create(&mut self, ctx: &egui::Context) {
        self.error = None;
        let mut new = match self.new_project() {
            Ok(n) => n,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        let path = self.project_path();
        if path.exists() {
            self.error = Some(format!(
                "{} already exists; choose another name",
                path.display()
            ));
            return;
        }
        let videos = self.videos.clone();
        self.job = Some(Job::spawn("create project", ctx, move |progress| {
            let dir = crate::project::document::project_dir(&path);
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            for video in &videos {
                let def = crate::video::describe::describe_for_project(&dir, video, &mut |p| {
                    progress.store(p, std::sync::atomic::Ordering::Relaxed)
                })
                .map_err(|e| e.to_string())?;
                new.videos.push(def);
            }
            crate::project::Project::create(&path, &new).map_err(|e| e.to_string())?;
            Ok(path)
        }));
    }
}
