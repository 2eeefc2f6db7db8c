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

    /// The result of the job in `slot`, once it is done; the slot is emptied then.
    pub fn take_finished(slot: &mut Option<Self>) -> Option<T> {
        let result = slot.as_ref()?.poll()?;
        *slot = None;
        Some(result)
    }

    pub fn progress(&self) -> u64 {
        self.progress.load(Ordering::Relaxed)
    }
}

/// Videos, as the file pickers offer them.
pub const VIDEO_KINDS: &[crate::formats::FileKind] = &[crate::formats::FileKind {
    name: "Video",
    extensions: crate::video::VIDEO_EXTENSIONS,
    examples: "any video FFmpeg reads",
}];
