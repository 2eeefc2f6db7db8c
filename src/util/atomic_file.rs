//! Writing files so that a crash or a failed write never leaves a half-written file:
//! write to a temporary file in the same folder, fsync it, then rename it over the
//! target. Readers see the old file or the new one, never a mix.
//!
//! The file keeps the mode of the file it replaces (a new file gets the umask's
//! default, as `open` gives it), so collaborators on shared storage keep their access;
//! and a file whose bytes would not change is left alone (its modification time too).

use std::fs::Permissions;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

/// Whether an atomic write replaced the file or found it already holding those bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    Written,
    Unchanged,
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// A temporary file beside `path`, created with mode 0666 so that the kernel applies
/// the umask, as for any new file (tempfile's own default is 0600, which a rename would
/// hand on to the file it becomes).
pub fn temp_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kinelab-tmp-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(Permissions::from_mode(0o666));
    }
    builder.tempfile_in(folder_of(path))
}

/// Gives the temporary file the mode of the file it will replace, if there is one.
fn keep_mode_of(target: &Path, tmp: &Path) -> std::io::Result<()> {
    match std::fs::metadata(target) {
        Ok(meta) => std::fs::set_permissions(tmp, meta.permissions()),
        Err(_) => Ok(()),
    }
}

fn sync_folder(path: &Path) {
    // Persist the rename itself; a failure here is harmless on most file systems.
    if let Ok(dir) = std::fs::File::open(folder_of(path)) {
        let _ = dir.sync_all();
    }
}

/// Whether the file at `path` holds exactly `bytes`.
fn holds_bytes(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// Whether two files hold the same bytes.
fn same_bytes(a: &Path, b: &Path) -> std::io::Result<bool> {
    let (ma, mb) = (std::fs::metadata(a)?, std::fs::metadata(b)?);
    if !mb.is_file() || ma.len() != mb.len() {
        return Ok(false);
    }
    let (mut fa, mut fb) = (std::fs::File::open(a)?, std::fs::File::open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = fa.read(&mut ba)?;
        if n == 0 {
            return Ok(true);
        }
        fb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}

/// Writes `path` atomically with the bytes that `write` produces. On any error the old
/// file (if there was one) is left as it was; when it already holds those bytes it is
/// not touched.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<WriteOutcome> {
    let mut bytes = Vec::new();
    write(&mut bytes)?;
    write_bytes_atomically(path, &bytes)
}

/// Writes `bytes` to `path` atomically (see [`write_atomically`]).
pub fn write_bytes_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<WriteOutcome> {
    if holds_bytes(path, bytes) {
        return Ok(WriteOutcome::Unchanged);
    }
    let tmp = temp_beside(path)?;
    keep_mode_of(path, tmp.path())?;
    let mut writer = BufWriter::new(tmp);
    writer.write_all(bytes)?;
    let tmp = writer.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_folder(path);
    Ok(WriteOutcome::Written)
}

/// Copies the file `from` to `to` atomically. Unlike `std::fs::copy`, the copy does not
/// take the source's mode (a read-only source must not make a read-only export).
pub fn copy_atomically(from: &Path, to: &Path) -> std::io::Result<WriteOutcome> {
    write_bytes_atomically(to, &std::fs::read(from)?)
}

/// Like [`write_atomically`], for writers that need a path rather than a stream (HDF5):
/// `write` creates the temporary file at the path it is given; it is then fsynced and
/// renamed over `path`, unless `path` already holds the same bytes. On any error the
/// temporary file is removed and the old file (if there was one) is left as it was.
pub fn write_atomically_at(
    path: &Path,
    write: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<WriteOutcome> {
    let tmp = temp_beside(path)?.into_temp_path();
    write(&tmp)?;
    // The writer may have made a new file in place of ours: set the mode on what is there.
    keep_mode_of(path, &tmp)?;
    if same_bytes(&tmp, path).unwrap_or(false) {
        return Ok(WriteOutcome::Unchanged);
    }
    std::fs::File::open(&tmp)?.sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_folder(path);
    Ok(WriteOutcome::Written)
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

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// The umask's default for a new file, read the way the kernel applies it.
    #[cfg(unix)]
    fn umask_default() -> u32 {
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("probe");
        std::fs::File::create(&probe).unwrap();
        mode(&probe)
    }

    #[cfg(unix)]
    #[test]
    fn new_files_get_the_umask_default_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        write_atomically(&path, |w| w.write_all(b"a")).unwrap();
        assert_eq!(mode(&path), umask_default());
        std::fs::set_permissions(&path, Permissions::from_mode(0o664)).unwrap();
        write_atomically(&path, |w| w.write_all(b"b")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"b");
        assert_eq!(mode(&path), 0o664);
        let h5 = dir.path().join("x.h5");
        write_atomically_at(&h5, |tmp| std::fs::write(tmp, b"h")).unwrap();
        assert_eq!(mode(&h5), umask_default());
        std::fs::set_permissions(&h5, Permissions::from_mode(0o640)).unwrap();
        write_atomically_at(&h5, |tmp| std::fs::write(tmp, b"i")).unwrap();
        assert_eq!(mode(&h5), 0o640);
    }

    #[test]
    fn unchanged_content_is_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        assert_eq!(
            write_atomically(&path, |w| w.write_all(b"same")).unwrap(),
            WriteOutcome::Written
        );
        let before = std::fs::metadata(&path).unwrap();
        let inode = |m: &std::fs::Metadata| {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                m.ino()
            }
            #[cfg(not(unix))]
            {
                m.len()
            }
        };
        assert_eq!(
            write_atomically(&path, |w| w.write_all(b"same")).unwrap(),
            WriteOutcome::Unchanged
        );
        assert_eq!(
            write_atomically_at(&path, |tmp| std::fs::write(tmp, b"same")).unwrap(),
            WriteOutcome::Unchanged
        );
        let after = std::fs::metadata(&path).unwrap();
        assert_eq!(inode(&before), inode(&after), "the file was not replaced");
        assert_eq!(before.modified().unwrap(), after.modified().unwrap());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left");
    }
}
