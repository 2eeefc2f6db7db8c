//! Writing files so that a crash or a failed write never leaves a half-written file:
//! write to a temporary file in the same folder, fsync it, then rename it over the
//! target. Readers see the old file or the new one, never a mix.

use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes `path` atomically with the bytes that `write` produces. On any error the old
/// file (if there was one) is left as it was.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".kinelab-tmp-")
        .tempfile_in(dir)?;
    let mut writer = BufWriter::new(tmp);
    write(&mut writer)?;
    let tmp = writer.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Persist the rename itself; a failure here is harmless on most file systems.
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Like [`write_atomically`], for writers that need a path rather than a stream (HDF5):
/// `write` creates the temporary file at the path it is given; it is then fsynced and
/// renamed over `path`. On any error the temporary file is removed and the old file
/// (if there was one) is left as it was.
pub fn write_atomically_at(
    path: &Path,
    write: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".kinelab-tmp-")
        .tempfile_in(dir)?
        .into_temp_path();
    write(&tmp)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.csv");
        write_atomically(&path, |w| w.write_all(b"old")).unwrap();
        let result = write_atomically(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "the temporary file is removed");
    }
}
