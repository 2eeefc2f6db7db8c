//! The sidecar cache of frame indexes, so that reopening a video is instant. Entries
//! live in the user's cache folder (videos are often on read-only shares), named by the
//! file's fingerprint: a changed file gets a new key, and a moved one keeps its entry.

use std::fs;

use crate::util::atomic_file::write_atomically;
use std::path::{Path, PathBuf};

use super::index::{FrameIndex, StoredIndex};
use crate::util::fingerprint::FileFingerprint;

/// Version of the stored layout; bump it when `StoredIndex` changes.
// 4: a file holding fewer packets than its container lists is marked truncated.
const FORMAT_VERSION: u8 = 4;
const MAGIC: &[u8; 6] = b"KLFIDX";

/// Folder that holds Kinelab's caches: `$KINELAB_CACHE_DIR`, else the user cache dir.
pub fn cache_root() -> Option<PathBuf> {
    std::env::var_os("KINELAB_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::cache_dir().map(|d| d.join("kinelab")))
}

/// Where the index of a file with this fingerprint is stored.
pub fn sidecar_path(fingerprint: &FileFingerprint) -> Option<PathBuf> {
    cache_root().map(|root| {
        root.join("frame-index")
            .join(format!("{}.kfi", fingerprint.cache_key()))
    })
}

/// Loads a stored index, or `None` when there is none or it is unreadable (then the
/// caller rebuilds it; a cache is never worth an error).
pub fn load(fingerprint: &FileFingerprint) -> Option<FrameIndex> {
    let bytes = fs::read(sidecar_path(fingerprint)?).ok()?;
    let body = bytes
        .strip_prefix(MAGIC.as_slice())?
        .strip_prefix(&[FORMAT_VERSION])?;
    let stored: StoredIndex = postcard::from_bytes(body).ok()?;
    let index = FrameIndex::from(stored);
    (index.frame_count() > 0).then_some(index)
}

/// Stores an index atomically (temp file, fsync, rename). Failures are logged, not
/// returned: the index still works in memory.
pub fn store(fingerprint: &FileFingerprint, index: &FrameIndex) {
    let Some(path) = sidecar_path(fingerprint) else {
        return;
    };
    if let Err(e) = write_sidecar(&path, index) {
        tracing::warn!("could not cache the frame index at {}: {e}", path.display());
    }
}

fn write_sidecar(path: &Path, index: &FrameIndex) -> std::io::Result<()> {
    fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    let body = postcard::to_stdvec(&StoredIndex::from(index)).map_err(std::io::Error::other)?;
    write_atomically(path, |w| {
        w.write_all(MAGIC)?;
        w.write_all(&[FORMAT_VERSION])?;
        w.write_all(&body)
    })
    .map(drop)
}
