//! The application: the start screen or an open project, the menu bar built from
//! `Command`, keyboard dispatch, the wizard, palette and shortcut sheet.

use std::path::{Path, PathBuf};

use egui::RichText;

use super::commands::{Command, CommandScope, MenuGroup};
use super::file_picker::{self, FilePicker};
use super::jobs::Job;
use super::keymap::Keymap;
use super::palette::{self, Palette};
use super::prefs::Prefs;
use super::theme::{Theme, ThemeKind};
use super::wizard::Wizard;
use super::workspace::Workspace;

use crate::project::Project;

/// What opening a path led to: the project, and the import's report when it was
/// imported from another tool just now.
type Opened = Result<(Project, Option<crate::formats::ImportReport>), String>;

/// Opens `path` (on a worker thread, in the app): a project file, or another tool's
/// project through its sidecar project, imported the first time.
fn open_path(path: &Path) -> Opened {
    let (file, report) =
        crate::video::project_access::project_to_open(path).map_err(|e| e.to_string())?;
    let project = Project::open(&file).map_err(|e| e.to_string())?;
    Ok((project, report))
}

/// The whole app's state.
pub struct KinelabApp {
    pub workspace: Option<Workspace>,
    pub theme: Theme,
    pub keymap: Keymap,
    prefs: Prefs,
    prefs_path: Option<PathBuf>,
    gpu: Option<eframe::egui_wgpu::RenderState>,
    wizard: Option<Wizard>,
    wizard_open: bool,
    palette: Palette,
    shortcut_sheet_open: bool,
    open_path: String,
    open_picker: FilePicker,
    /// A project being opened (or imported into its sidecar project) on a worker.
    open_job: Option<Job<Opened>>,
    /// A message on the start screen (a project that failed to open).
    pub message: Option<String>,
    theme_applied: Option<ThemeKind>,
}

impl KinelabApp {
    /// A new app. `prefs_path` is where recent projects are kept (`None`: nowhere, for
    /// tests); `gpu` enables the YUV shader path.
    pub fn new(
        gpu: Option<eframe::egui_wgpu::RenderState>,
        prefs_path: Option<PathBuf>,
        keymap: Keymap,
    ) -> Self {
        let (prefs, prefs_warning) = Prefs::load(prefs_path.as_deref());
        if let Some(w) = &prefs_warning {
            tracing::warn!("{w}");
        }
        let theme = if prefs.light_theme {
            Theme::light()
        } else {
            Theme::dark()
        };
        let warnings: Vec<String> = keymap
            .warnings
            .iter()
            .cloned()
            .chain(prefs_warning)
            .collect();
        let message = (!warnings.is_empty()).then(|| warnings.join("\n"));
        Self {
            workspace: None,
            theme,
            keymap,
            prefs,
            prefs_path,
            gpu,
            wizard: None,
            wizard_open: false,
            palette: Palette::default(),
            shortcut_sheet_open: false,
            open_path: String::new(),
            open_picker: FilePicker::default(),
            open_job: None,
            message,
            theme_applied: None,
        }
    }

    /// Opens what a person picked, dropped, typed or chose from the recent projects, on
    /// a worker thread: a project file (a large one takes a moment to load), or a
    /// DeepLabCut or SLEAP project, imported into its sidecar project the first time
    /// (indexing its videos takes a while). The start screen shows a spinner meanwhile.
    pub fn open_in_background(&mut self, ctx: &egui::Context, path: &Path) {
        let verb = if crate::video::project_access::needs_import(path) {
            "importing"
        } else {
            "opening"
        };
        let path = path.to_owned();
        self.message = None;
        self.open_job = Some(Job::spawn(
            format!("{verb} {}", path.display()),
            ctx,
            move |_| open_path(&path),
        ));
    }

    /// Opens a project on this thread, replacing the open one (for tests and benches;
    /// the app opens with `open_in_background`). Errors go to the start screen.
    pub fn open_project(&mut self, path: &Path) -> bool {
        let opened = open_path(path);
        self.show_opened(opened)
    }

    /// Whether a project is being opened or imported.
    pub fn is_opening(&self) -> bool {
        self.open_job.is_some()
    }

    /// Shows the project that opening a path led to, or why it failed.
    fn show_opened(&mut self, opened: Opened) -> bool {
        match opened {
            Ok((project, report)) => {
                let path = project.path().to_owned();
                let mut workspace = Workspace::new(project, self.gpu.clone());
                if let Some(report) = &report {
                    workspace.set_status(format!(
                        "Imported: {}",
                        report.summary().replace('\n', "; ")
                    ));
                }
                self.workspace = Some(workspace);
                self.prefs.remember(&path);
                if let Err(e) = self.prefs.save(self.prefs_path.as_deref()) {
                    tracing::warn!("could not save preferences: {e:#}");
                }
                self.message = None;
                true
            }
            Err(e) => {
                self.workspace = None;
                self.message = Some(e);
                false
            }
        }
    }

    /// Runs a command from a key, a menu or the palette, where the command table says
    /// it runs.
    pub fn run(&mut self, command: Command) {
        if command.scope() == CommandScope::Workspace {
            if let Some(ws) = &mut self.workspace {
                ws.run(command);
            }
            return;
        }
        match command {
            Command::NewProject => {
                self.wizard.get_or_insert_with(Wizard::default);
                self.wizard_open = true;
            }
            Command::OpenProject | Command::CloseProject => self.workspace = None,
            Command::ToggleTheme => {
                self.theme = match self.theme.kind {
                    ThemeKind::Dark => Theme::light(),
                    ThemeKind::Light => Theme::dark(),
                };
                self.prefs.light_theme = self.theme.kind == ThemeKind::Light;
                let _ = self.prefs.save(self.prefs_path.as_deref());
            }
            Command::CommandPalette => self.palette.open(),
            Command::ShortcutSheet => self.shortcut_sheet_open = !self.shortcut_sheet_open,
            other => tracing::warn!("{other:?} is not an app command"),
        }
    }

    /// Whether keys should go to a text field or dialog rather than to commands.
    fn keys_belong_to_widgets(&self, ctx: &egui::Context) -> bool {
        text_field_has_focus(ctx)
            || file_picker::in_app_picker_open(ctx)
            || self.palette.open
            || self
                .workspace
                .as_ref()
                .is_some_and(|w| w.dialogs.go_to.is_open())
    }

    /// Draws one frame of the app.
    pub fn window_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if self.theme_applied != Some(self.theme.kind) {
            self.theme.apply(&ctx);
            self.theme_applied = Some(self.theme.kind);
        }
        if let Some(opened) = self.open_job.as_ref().and_then(Job::poll) {
            self.open_job = None;
            self.show_opened(opened);
        }
        if !self.keys_belong_to_widgets(&ctx) {
            // A modifier prompt takes its number keys before the command table.
            if let Some(ws) = &mut self.workspace {
                ws.take_modifier_keys(&ctx);
            }
            let commands = self.keymap.take_commands(&ctx);
            if !commands.is_empty() {
                // egui moved focus on Tab before we took the key; a focused button would
                // then swallow Space and Enter.
                ctx.memory_mut(|m| {
                    if let Some(id) = m.focused() {
                        m.surrender_focus(id);
                    }
                });
            }
            for command in commands {
                self.run(command);
            }
            // Behaviour keys come after the command table's.
            if let Some(ws) = &mut self.workspace {
                ws.command_keys = self.keymap.unmodified_keys();
                ws.take_behaviour_keys(&ctx);
            }
        }
        self.handle_dropped_files(&ctx);

        egui::Panel::top("menu bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| self.menu_bar_ui(ui));
        });
        if self.workspace.is_some() {
            let theme = self.theme;
            if let Some(ws) = &mut self.workspace {
                ws.ui(ui, &theme);
            }
        } else {
            egui::CentralPanel::default().show(ui, |ui| self.start_screen_ui(ui));
        }

        if let Some(wizard) = &mut self.wizard {
            let mut open = self.wizard_open;
            if let Some(path) = wizard.show(&ctx, &mut open, &self.theme) {
                open = false;
                self.wizard = None;
                self.open_in_background(&ctx, &path);
            }
            self.wizard_open = open;
            if !open {
                self.wizard = None;
            }
        }
        if let Some(command) = self.palette.show(&ctx, &self.keymap, &self.theme) {
            self.run(command);
        }
        if self.shortcut_sheet_open {
            let mut open = true;
            let behaviour_keys: Vec<(String, String)> = self
                .workspace
                .as_ref()
                .map(|ws| {
                    crate::project::behaviours::ethogram(ws.project().state())
                        .behaviours
                        .into_iter()
                        .map(|b| (b.key.to_uppercase(), b.code))
                        .collect()
                })
                .unwrap_or_default();
            palette::shortcut_sheet(&ctx, &mut open, &self.keymap, &behaviour_keys, &self.theme);
            self.shortcut_sheet_open = open;
        }
    }

    /// Files dropped onto the window: a project opens; videos go to the open wizard,
    /// to the open project, or start a new project.
    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .collect()
        });
        for path in dropped {
            let opens = crate::formats::is_of_kind(&path, crate::formats::PROJECT_KINDS);
            if opens {
                self.open_in_background(ctx, &path);
            } else if self.wizard_open
                && let Some(wizard) = &mut self.wizard
            {
                wizard.add_videos([path]);
            } else if let Some(ws) = &mut self.workspace {
                ws.dialogs.add_video.path = path.display().to_string();
                ws.dialogs.open_add_video();
            } else {
                let wizard = self.wizard.get_or_insert_with(Wizard::default);
                wizard.add_videos([path]);
                self.wizard_open = true;
            }
        }
    }

    fn menu_bar_ui(&mut self, ui: &mut egui::Ui) {
        let has_project = self.workspace.is_some();
        for group in MenuGroup::ALL {
            ui.menu_button(group.title(), |ui| {
                for &command in Command::ALL.iter().filter(|c| c.group() == group) {
                    let title = match (command, &self.workspace) {
                        (Command::Undo, Some(ws)) => ws
                            .project
                            .undo_description()
                            .map_or("Undo".to_owned(), |d| format!("Undo {d}")),
                        (Command::Redo, Some(ws)) => ws
                            .project
                            .redo_description()
                            .map_or("Redo".to_owned(), |d| format!("Redo {d}")),
                        _ => command.title().to_owned(),
                    };
                    let mut button = egui::Button::new(title);
                    if let Some(key) = self.keymap.label(command) {
                        button = button.shortcut_text(key);
                    }
                    let enabled = has_project || !command.needs_project();
                    if ui.add_enabled(enabled, button).clicked() {
                        self.run(command);
                        ui.close();
                    }
                }
                if group == MenuGroup::File && !self.prefs.recent_projects.is_empty() {
                    ui.separator();
                    let mut open = None;
                    ui.menu_button("Recent projects", |ui| {
                        for p in &self.prefs.recent_projects {
                            if ui.button(p.display().to_string()).clicked() {
                                open = Some(p.clone());
                                ui.close();
                            }
                        }
                    });
                    if let Some(p) = open {
                        self.open_in_background(ui.ctx(), &p);
                    }
                }
            });
        }
        if let Some(ws) = &self.workspace {
            ui.separator();
            ui.label(RichText::new(ws.project.name()).strong());
        }
    }

    fn start_screen_ui(&mut self, ui: &mut egui::Ui) {
        if let Some(path) = self.open_picker.show(ui.ctx()) {
            self.open_in_background(ui.ctx(), &path);
        }
        // One centred column, so the heading and the buttons line up.
        let width = 560.0f32.min(ui.available_width());
        let margin = ((ui.available_width() - width) / 2.0).max(0.0);
        ui.horizontal(|ui| {
            ui.add_space(margin);
            ui.vertical(|ui| {
                ui.set_width(width);
                self.start_column_ui(ui);
            });
        });
    }

    fn start_column_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_space(48.0);
        ui.vertical_centered(|ui| {
            ui.heading("Kinelab");
            ui.label(
                RichText::new("Label keypoints on video, frame-exactly.")
                    .color(self.theme.text_dim),
            );
        });
        ui.add_space(16.0);
        if let Some(message) = &self.message {
            ui.colored_label(self.theme.error, message);
            ui.add_space(8.0);
        }
        ui.horizontal(|ui| {
            if ui.button("New project…").clicked() {
                self.run(Command::NewProject);
            }
            // The browser starts where the path field points, else beside the last
            // project opened.
            let start = file_picker::folder_of_typed(&self.open_path).or_else(|| {
                self.prefs
                    .recent_projects
                    .iter()
                    .find_map(|p| p.parent().filter(|d| d.is_dir()).map(Path::to_owned))
            });
            if ui.button("Open project…").clicked() {
                self.open_picker.open_file(
                    ui.ctx(),
                    "Open project",
                    crate::formats::PROJECT_KINDS,
                    start.as_deref(),
                );
            }
            if ui.button("Open DeepLabCut folder…").clicked() {
                self.open_picker
                    .open_folder(ui.ctx(), "Open DeepLabCut project", start.as_deref());
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Project file");
            let response = ui
                .text_edit_singleline(&mut self.open_path)
                .labelled_by(label.id);
            let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Open").clicked() || enter) && !self.open_path.trim().is_empty() {
                let path = PathBuf::from(self.open_path.trim());
                self.open_in_background(ui.ctx(), &path);
            }
        });
        if let Some(job) = &self.open_job {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("{}…", job.label));
            });
        }
        ui.add_space(16.0);
        ui.label(RichText::new("Recent projects").strong());
        if self.prefs.recent_projects.is_empty() {
            ui.label(RichText::new("none yet").color(self.theme.text_dim));
        }
        let mut open = None;
        for p in &self.prefs.recent_projects {
            let exists = p.exists();
            let text = if exists {
                RichText::new(p.display().to_string())
            } else {
                RichText::new(format!("{} (missing)", p.display())).color(self.theme.text_dim)
            };
            if ui
                .add_enabled(exists, egui::Button::new(text).frame(false))
                .clicked()
            {
                open = Some(p.clone());
            }
        }
        if let Some(p) = open {
            self.open_in_background(ui.ctx(), &p);
        }
        ui.add_space(16.0);
        ui.label(
            RichText::new(
                "Drop a .kinelab file to open it, or videos to start a project. F1 lists the keys.",
            )
            .color(self.theme.text_dim),
        );
    }
}

/// Whether a text field has the keyboard (then letters are text, not commands).
fn text_field_has_focus(ctx: &egui::Context) -> bool {
    ctx.memory(|m| m.focused())
        .is_some_and(|id| egui::text_edit::TextEditState::load(ctx, id).is_some())
}

impl eframe::App for KinelabApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.window_ui(ui);
    }
}

/// Opens the app's window, with `project` open if given. Blocks until it is closed.
pub fn run_gui(project: Option<PathBuf>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Kinelab")
            .with_inner_size([1400.0, 900.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Kinelab",
        options,
        Box::new(move |cc| {
            let keymap = Keymap::load(Keymap::user_file().as_deref());
            let mut app =
                KinelabApp::new(cc.wgpu_render_state.clone(), Prefs::default_file(), keymap);
            if let Some(path) = &project {
                app.open_in_background(&cc.egui_ctx, path);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}
