//! What a project records about a video: its facts and fingerprint, from the file.

use std::path::Path;

use crate::project::VideoDef;
use crate::project::document::stored_video_path;
use crate::util::fingerprint::FileFingerprint;

use super::error::{VideoError, VideoResult};
use super::reader::index_source;
use super::source::OpenedSource;

/// Reads a video's facts (with the exact frame count from its index, cached) for a
/// project in `project_dir`.
pub fn describe_for_project(
    project_dir: &Path,
    video: &Path,
    on_progress: &mut dyn FnMut(u64),
) -> VideoResult<VideoDef> {
    let mut source = OpenedSource::open_quick(video)?;
    let info = source.info.clone();
    let index = index_source(&mut source, true, on_progress)?;
    if index.frame_count() == 0 {
        return Err(VideoError::NoFrames {
            path: video.to_owned(),
        });
    }
    let fingerprint = FileFingerprint::of_file(video).map_err(|e| VideoError::Io {
        path: video.to_owned(),
        reason: e.to_string(),
    })?;
    let fps = if info.fps > 0.0 {
        info.fps
    } else {
        let secs = index.duration_secs(info.secs_per_tick());
        if secs > 0.0 {
            index.frame_count() as f64 / secs
        } else {
            0.0
        }
    };
    Ok(VideoDef {
        path: stored_video_path(project_dir, video),
        size_bytes: fingerprint.size_bytes,
        edge_hash: fingerprint.edge_hash,
        width: info.width,
        height: info.height,
        fps,
        frame_count: index.frame_count() as u64,
        frame_files: None,
    })
}
