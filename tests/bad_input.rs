//! Bad input gets one clear error that names the file, and never a panic: in the
//! library and through the CLI (exit status 1, never 101).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use kinelab::video::{SequentialDecoder, VideoError, VideoReader};

/// The CLI rejects `path` with status 1 and a message naming the file and saying `what`.
fn assert_cli_rejects(path: &Path, what: &str) {
    let out = kinelab(&["probe", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "probe {}: {stderr}",
        path.display()
    );
    assert!(
        stderr.contains(&path.display().to_string()),
        "message does not name the file: {stderr}"
    );
    assert!(
        stderr.to_lowercase().contains(what),
        "message does not say '{what}': {stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

fn scratch(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

#[test]
fn missing_file() {
    let path = Path::new("/nonexistent/kinelab/video.mp4");
    assert!(matches!(
        VideoReader::open(path),
        Err(VideoError::NotFound { .. })
    ));
    assert_cli_rejects(path, "no such file");
}

#[test]
fn zero_byte_file() {
    let (_dir, path) = scratch("empty.mp4", b"");
    assert!(matches!(
        VideoReader::open(&path),
        Err(VideoError::EmptyFile { .. })
    ));
    assert_cli_rejects(&path, "empty");
}

#[test]
fn text_file_named_mp4() {
    let (_dir, path) = scratch(
        "notes.mp4",
        b"these are my notes, not a video\n".repeat(50).as_slice(),
    );
    assert!(matches!(
        VideoReader::open(&path),
        Err(VideoError::Unreadable { .. })
    ));
    assert_cli_rejects(&path, "not a readable video");
}

#[test]
fn audio_only_file() {
    let path = ffmpeg_file(
        "audio_only.m4a",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=1",
            "-c:a",
            "aac",
        ],
    );
    assert!(matches!(
        VideoReader::open(&path),
        Err(VideoError::NoVideoStream { .. })
    ));
    assert_cli_rejects(&path, "no video stream");
}

#[test]
fn mp4_without_moov() {
    // Without faststart the moov atom is at the end; cutting the file loses it.
    let full = std::fs::read(clip(&h264_gop30())).unwrap();
    let (_dir, path) = scratch("no_moov.mp4", &full[..full.len() * 6 / 10]);
    assert!(VideoReader::open(&path).is_err());
    assert_cli_rejects(&path, "not a readable video");
}

#[test]
fn mp4_truncated_mid_data() {
    // With the moov atom first, a cut file opens but its later frames are gone.
    let spec = h264_faststart();
    let full = std::fs::read(clip(&spec)).unwrap();
    let (_dir, path) = scratch("truncated.mp4", &full[..full.len() / 2]);
    let mut reader = VideoReader::open(&path).expect("a truncated file still opens");
    let n = reader.frame_count();
    assert!(n > 0 && n < 300, "{n} frames indexed");
    // Every indexed frame either decodes to the right picture or fails with an error
    // that names the file; none panics, and the early frames are all there.
    for i in (0..n).step_by(7) {
        match reader.frame(i) {
            Ok(frame) => {
                let planes = frame.yuv420_planes().unwrap();
                assert_eq!(read_pattern(planes.y, planes.y_stride), Some(i as u32));
            }
            Err(e) => {
                assert!(i > 100, "frame {i} of the intact first half failed: {e}");
                assert!(e.to_string().contains("truncated.mp4"), "{e}");
            }
        }
    }
    let past_end = reader.frame(n).unwrap_err();
    assert!(matches!(past_end, VideoError::FrameOutOfRange { .. }));
    assert!(past_end.to_string().contains("truncated.mp4"));
    // A sequential pass ends cleanly too.
    let mut decoder = SequentialDecoder::open(&path, 0).unwrap();
    let mut decoded = 0;
    while decoder.next_frame().unwrap().is_some() {
        decoded += 1;
    }
    assert!(decoded >= 100, "{decoded} frames decoded");
    // The CLI reports it without failing.
    let out = kinelab(&["probe", "--json", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_folder_is_not_a_video() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        VideoReader::open(dir.path()),
        Err(VideoError::Unreadable { .. })
    ));
    assert_cli_rejects(dir.path(), "folder");
}

#[test]
fn corrupt_index_cache_is_rebuilt() {
    let path = clip(&h264_gop30());
    let fingerprint = kinelab::video::FileFingerprint::of_file(&path).unwrap();
    let sidecar = kinelab::video::index_cache::sidecar_path(&fingerprint).unwrap();
    drop(VideoReader::open(&path).unwrap());
    assert!(
        sidecar.exists(),
        "the index is cached at {}",
        sidecar.display()
    );
    std::fs::write(&sidecar, b"KLFIDX garbage").unwrap();
    let reader = VideoReader::open(&path).unwrap();
    assert_eq!(reader.frame_count(), 300);
}
