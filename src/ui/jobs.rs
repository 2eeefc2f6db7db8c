//! Background jobs for the UI: work that must not block the UI thread (indexing a
//! video, searching a folder, a native file dialog) runs on its own thread and hands
//! back one result over a bounded channel; the UI polls it each frame.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::{Receiver, bounded};

/// A job running on its own thread.
pub struct Job<T> {
    pub label: String,
    rx: Receiver<T>,
    /// Progress in job-defined units (bytes indexed, files seen).
    progress: Arc<AtomicU64>,
}

impl<T: Send + 'static> Job<T> {
    /// Runs `work` on a new thread; the UI is repainted when it ends.
    pub fn spawn(
        label: impl Into<String>,
        ctx: &egui::Context,
        work: impl FnOnce(&AtomicU64) -> T + Send + 'static,
    ) -> Self {
        let (tx, rx) = bounded(1);
        let progress = Arc::new(AtomicU64::new(0));
        let label = label.into();
        let ctx = ctx.clone();
        let thread_progress = Arc::clone(&progress);
        let spawned = std::thread::Builder::new()
            .name(format!("job: {label}"))
            .spawn(move || {
                let result = work(&thread_progress);
                let _ = tx.send(result);
                ctx.request_repaint();
            });
        if let Err(e) = spawned {
            tracing::error!("could not start a thread for {label}: {e}");
        }
        Self {
            label,
            rx,
            progress,
        }
    }

    /// The result, once the job is done.
    pub fn poll(&self) -> Option<T> {
        self.rx.try_recv().ok()
    }

    pub fn progress(&self) -> u64 {
        self.progress.load(Ordering::Relaxed)
    }
}

/// Asks for a file with the native dialog, on a thread. Where there is no native
/// dialog (no portal, as under Xvfb), the result is `None` at once; every dialog of the
/// app also has a path field for that case.
pub fn pick_file(
    ctx: &egui::Context,
    title: &str,
    filters: &[(&str, &[&str])],
) -> Job<Option<std::path::PathBuf>> {
    let title = title.to_owned();
    let filters: Vec<(String, Vec<String>)> = filters
        .iter()
        .map(|(name, exts)| {
            (
                name.to_string(),
                exts.iter().map(|e| e.to_string()).collect(),
            )
        })
        .collect();
    Job::spawn(title.clone(), ctx, move |_| {
        let mut dialog = rfd::FileDialog::new().set_title(&title);
        for (name, exts) in &filters {
            dialog = dialog.add_filter(name, exts);
        }
        dialog.pick_file()
    })
}

/// Asks for a folder with the native dialog, on a thread.
pub fn pick_folder(ctx: &egui::Context, title: &str) -> Job<Option<std::path::PathBuf>> {
    let title = title.to_owned();
    Job::spawn(title.clone(), ctx, move |_| {
        rfd::FileDialog::new().set_title(&title).pick_folder()
    })
}

/// Video file extensions the dialogs offer.
pub const VIDEO_EXTENSIONS: &[&str] = &[
    "mp4", "mov", "avi", "mkv", "m4v", "webm", "mpg", "mpeg", "ts",
];
