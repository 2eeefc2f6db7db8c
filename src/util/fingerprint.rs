//! A cheap content fingerprint of a file: its size, modification time and a hash of
//! its head and tail. Reading 2 × 64 KiB is fast even for hour-long videos, yet it tells
//! a re-encoded or replaced file from the original.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

/// Bytes hashed at each end of the file.
const EDGE_BYTES: u64 = 64 * 1024;

/// Identity of a file's content, used to key caches and to find moved videos.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileFingerprint {
    /// File size in bytes.
    pub size_bytes: u64,
    /// Modification time, nanoseconds since the Unix epoch (0 when unknown).
    pub mtime_nanos: u128,
    /// xxh3 of the first and last 64 KiB and the size.
    pub edge_hash: u64,
}

impl FileFingerprint {
    /// Reads the fingerprint of the file at `path`.
    pub fn of_file(path: &Path) -> std::io::Result<Self> {
        let mut file = File::open(path)?;
        let meta = file.metadata()?;
        let size_bytes = meta.len();
        let mtime_nanos = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());

        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(&size_bytes.to_le_bytes());
        let mut buf = vec![0u8; EDGE_BYTES as usize];
        let head_len = read_up_to(&mut file, &mut buf)?;
        hasher.update(&buf[..head_len]);
        if size_bytes > EDGE_BYTES {
            file.seek(SeekFrom::Start(
                size_bytes.saturating_sub(EDGE_BYTES).max(EDGE_BYTES),
            ))?;
            let tail_len = read_up_to(&mut file, &mut buf)?;
            hasher.update(&buf[..tail_len]);
        }
        Ok(Self {
            size_bytes,
            mtime_nanos,
            edge_hash: hasher.digest(),
        })
    }

    /// A key for caches that must be invalidated when the file changes in any way.
    pub fn cache_key(&self) -> String {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(&self.size_bytes.to_le_bytes());
        hasher.update(&self.mtime_nanos.to_le_bytes());
        hasher.update(&self.edge_hash.to_le_bytes());
        format!("{:016x}", hasher.digest())
    }
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Looks under `root`, at most `max_depth` folders deep, for a file whose size and
/// head/tail hash match: a moved or renamed video. The mtime is not compared, because
/// copying a file changes it. Files of another size are skipped without reading them.
pub fn find_file_with_content(
    root: &Path,
    size_bytes: u64,
    edge_hash: u64,
    max_depth: usize,
) -> Option<std::path::PathBuf> {
    walkdir::WalkDir::new(root)
        .max_depth(max_depth)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.metadata().is_ok_and(|m| m.len() == size_bytes))
        .find(|e| {
            FileFingerprint::of_file(e.path())
                .is_ok_and(|f| f.size_bytes == size_bytes && f.edge_hash == edge_hash)
        })
        .map(|e| e.into_path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_and_renamed_file_is_found_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("a.bin");
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&original, &bytes).unwrap();
        let print = FileFingerprint::of_file(&original).unwrap();
        std::fs::create_dir_all(dir.path().join("x/y")).unwrap();
        // Same size, different content: must not match.
        let mut other = bytes.clone();
        other[0] ^= 1;
        std::fs::write(dir.path().join("x/decoy.bin"), &other).unwrap();
        let moved = dir.path().join("x/y/renamed.bin");
        std::fs::rename(&original, &moved).unwrap();
        let found = find_file_with_content(dir.path(), print.size_bytes, print.edge_hash, 4);
        assert_eq!(found, Some(moved));
        assert_eq!(
            find_file_with_content(dir.path(), print.size_bytes, print.edge_hash ^ 1, 4),
            None
        );
    }
}
