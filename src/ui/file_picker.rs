//! Choosing a file or a folder: the desktop's own dialog where there is one (the xdg
//! portal, or zenity), else an in-app browser (`egui_file`), so that no Open…, Choose…
//! or Browse… button is ever dead. The native dialog runs on a thread; the in-app one
//! is a window drawn by `show`, which every owner calls each frame.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::jobs::Job;
use crate::formats::FileKind;

/// A native dialog that comes back empty sooner than a person could have cancelled it
/// did not open (no portal, no zenity): the in-app browser opens instead.
const NATIVE_FAILED_WITHIN: Duration = Duration::from_millis(700);

/// Set once a native dialog failed to open: later pickers go straight to the browser.
static NATIVE_FAILED: AtomicBool = AtomicBool::new(false);

/// `KINELAB_FILE_DIALOG=builtin` always uses the in-app browser; `native` always the
/// desktop's dialog.
pub const FILE_DIALOG_ENV: &str = "KINELAB_FILE_DIALOG";

/// The id under which an open in-app browser marks the frame it was drawn in, so that
/// keys go to it and not to the app's commands.
fn open_marker_id() -> egui::Id {
    egui::Id::unique("kinelab file picker open")
}

/// The folder a path typed in a field points at (itself, or the folder it is in), for
/// a browser to start in.
pub fn folder_of_typed(text: &str) -> Option<PathBuf> {
    let typed = PathBuf::from(text.trim());
    [Some(typed.as_path()), typed.parent()]
        .into_iter()
        .flatten()
        .find(|p| !p.as_os_str().is_empty() && p.is_dir())
        .map(Path::to_owned)
}

/// Makes every picker from now on the in-app browser, as where no native dialog opens
/// (for tests, which must not depend on the desktop they run on).
pub fn use_in_app_browser() {
    NATIVE_FAILED.store(true, Ordering::Relaxed);
}

/// Whether an in-app browser was drawn in this frame or the one before (keys typed now
/// belong to it).
pub fn in_app_picker_open(ctx: &egui::Context) -> bool {
    let pass = ctx.cumulative_pass_nr();
    ctx.data(|d| d.get_temp::<u64>(open_marker_id()))
        .is_some_and(|drawn| drawn + 1 >= pass)
}

/// What is being chosen.
#[derive(Clone, Debug)]
enum Want {
    /// A file, with (name, extensions) filters.
    File(Vec<(String, Vec<String>)>),
    Folder,
}

/// A picker owned by a dialog: idle, waiting for the native dialog, or showing the
/// in-app browser.
#[derive(Default)]
pub struct FilePicker {
    native: Option<NativePick>,
    in_app: Option<egui_file::FileDialog>,
}

struct NativePick {
    job: Job<Option<PathBuf>>,
    started: Instant,
    title: String,
    want: Want,
    start_dir: Option<PathBuf>,
}

impl FilePicker {
    /// Asks for a file of one of `kinds` (any file when empty).
    pub fn open_file(
        &mut self,
        ctx: &egui::Context,
        title: &str,
        kinds: &[FileKind],
        start_dir: Option<&Path>,
    ) {
        let mut filters: Vec<(String, Vec<String>)> = Vec::new();
        if kinds.len() > 1 {
            let all = crate::formats::extensions_of(kinds);
            filters.push((
                "All of these".to_owned(),
                all.iter().map(|e| e.to_string()).collect(),
            ));
        }
        filters.extend(kinds.iter().map(|k| {
            (
                k.name.to_owned(),
                k.extensions.iter().map(|e| e.to_string()).collect(),
            )
        }));
        self.start(ctx, title, Want::File(filters), start_dir);
    }

    /// Asks for a folder.
    pub fn open_folder(&mut self, ctx: &egui::Context, title: &str, start_dir: Option<&Path>) {
        self.start(ctx, title, Want::Folder, start_dir);
    }

    /// Whether a dialog is open (native or in-app).
    pub fn is_open(&self) -> bool {
        self.native.is_some() || self.in_app.as_ref().is_some_and(|d| d.visible())
    }

    fn start(&mut self, ctx: &egui::Context, title: &str, want: Want, start_dir: Option<&Path>) {
        self.in_app = None;
        let start_dir = start_dir.map(Path::to_owned);
        if native_dialog_possible() {
            let job = spawn_native(ctx, title, &want, start_dir.clone());
            self.native = Some(NativePick {
                job,
                started: Instant::now(),
                title: title.to_owned(),
                want,
                start_dir,
            });
        } else {
            self.open_in_app(title, &want, start_dir.as_deref());
        }
    }

    fn open_in_app(&mut self, title: &str, want: &Want, start_dir: Option<&Path>) {
        let mut dialog = match want {
            Want::Folder => egui_file::FileDialog::select_folder(),
            Want::File(filters) => {
                let extensions: Vec<String> = filters
                    .iter()
                    .flat_map(|(_, exts)| exts.iter().map(|e| e.to_ascii_lowercase()))
                    .collect();
                let dialog = egui_file::FileDialog::open_file();
                if extensions.is_empty() {
                    dialog
                } else {
                    dialog.show_files_filter(Box::new(move |path: &Path| {
                        path.extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| extensions.contains(&e.to_ascii_lowercase()))
                    }))
                }
            }
        }
        .title(title)
        .id(egui::Id::unique(("kinelab file picker", title)))
        .show_rename(false)
        .show_new_folder(matches!(want, Want::Folder))
        .keep_on_top(true);
        let start = start_dir
            .map(Path::to_owned)
            .or_else(|| std::env::current_dir().ok())
            .or_else(dirs::home_dir);
        if let Some(start) = start {
            dialog = dialog.initial_path(start);
        }
        dialog.open();
        self.in_app = Some(dialog);
    }

    /// Draws the in-app browser when it is open, and returns the chosen path once.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<PathBuf> {
        if let Some(native) = &self.native
            && let Some(result) = native.job.poll()
        {
            let native = self.native.take()?;
            match result {
                Some(path) => return Some(path),
                None if native.started.elapsed() < NATIVE_FAILED_WITHIN => {
                    tracing::info!("no native file dialog; using the in-app browser");
                    NATIVE_FAILED.store(true, Ordering::Relaxed);
                    self.open_in_app(&native.title, &native.want, native.start_dir.as_deref());
                }
                // Cancelled by the person.
                None => return None,
            }
        }
        let dialog = self.in_app.as_mut()?;
        if dialog.visible() {
            // (The pass number is read first: the context is locked inside `data_mut`.)
            let pass = ctx.cumulative_pass_nr();
            ctx.data_mut(|d| d.insert_temp(open_marker_id(), pass));
        }
        dialog.show(ctx);
        match dialog.state() {
            egui_file::State::Selected => {
                let path = dialog.path().map(Path::to_owned);
                self.in_app = None;
                path
            }
            egui_file::State::Cancelled | egui_file::State::Closed => {
                self.in_app = None;
                None
            }
            egui_file::State::Open => None,
        }
    }
}

/// Whether a native dialog may open here: forced by `KINELAB_FILE_DIALOG`; on Linux it
/// needs a session bus (the portal) or zenity, and must not have failed already.
fn native_dialog_possible() -> bool {
    match std::env::var(FILE_DIALOG_ENV).as_deref() {
        Ok("builtin") => return false,
        Ok("native") => return true,
        _ => {}
    }
    if NATIVE_FAILED.load(Ordering::Relaxed) {
        return false;
    }
    if cfg!(target_os = "linux") {
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() || on_path("zenity")
    } else {
        true
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

fn spawn_native(
    ctx: &egui::Context,
    title: &str,
    want: &Want,
    start_dir: Option<PathBuf>,
) -> Job<Option<PathBuf>> {
    let title = title.to_owned();
    let want = want.clone();
    Job::spawn(title.clone(), ctx, move |_| {
        let mut dialog = rfd::FileDialog::new().set_title(&title);
        if let Some(dir) = &start_dir {
            dialog = dialog.set_directory(dir);
        }
        match want {
            Want::Folder => dialog.pick_folder(),
            Want::File(filters) => {
                for (name, exts) in &filters {
                    dialog = dialog.add_filter(name, exts);
                }
                dialog.pick_file()
            }
        }
    })
}
