//! Moves the write-ahead log into the project file on a thread of its own. SQLite's
//! automatic checkpoint runs on the connection whose commit crosses its threshold: after
//! a prediction set is imported (tens of MB in the log), that would be the UI thread's
//! next small edit. Instead every connection of a project leaves checkpoints to this
//! thread, which a commit wakes when the log has grown past `WAKE_AT_BYTES`.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use crossbeam_channel::{Sender, TrySendError, bounded};
use rusqlite::{Connection, OpenFlags};

/// The log size at which a commit asks for a checkpoint: SQLite's own default
/// (1000 pages of 4 KiB).
pub const WAKE_AT_BYTES: u64 = 4 << 20;

/// The checkpoint thread of one open project.
pub struct Checkpointer {
    wal: PathBuf,
    wake: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread for the project file at `path` (in WAL mode already).
    /// `None` when its connection or thread cannot be had: then the project keeps
    /// SQLite's automatic checkpoints.
    pub fn start(path: &Path) -> Option<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|conn| {
            conn.busy_timeout(std::time::Duration::from_secs(2))?;
            Ok(conn)
        })
        .map_err(|e| tracing::warn!("{}: no checkpoint thread: {e}", path.display()))
        .ok()?;
        let (tx, rx) = bounded::<()>(1);
        let db = path.to_owned();
        let thread = std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || {
                for () in rx {
                    // PASSIVE: copies what no reader still needs, never waits for or
                    // blocks the other connections.
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!("{}: checkpoint failed: {e}", db.display());
                    }
                }
            })
            .map_err(|e| tracing::warn!("{}: no checkpoint thread: {e}", path.display()))
            .ok()?;
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        Some(Self {
            wal: PathBuf::from(wal),
            wake: Some(tx),
            thread: Some(thread),
        })
    }

    /// After a commit: wakes the thread when the log has grown past the threshold (a
    /// `stat`; nothing is waited for).
    pub fn after_commit(&self) {
        let big = std::fs::metadata(&self.wal).is_ok_and(|m| m.len() > WAKE_AT_BYTES);
        if big && let Some(wake) = &self.wake {
            // Full: a checkpoint is asked for already. Disconnected: the thread ended.
            let _: Result<(), TrySendError<()>> = wake.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Ends the thread (and closes its connection) before the project's own
        // connection closes, which checkpoints what is left.
        self.wake = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
