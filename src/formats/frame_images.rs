//! The images of exported frames: copied from an image folder, or extracted exactly
//! from the video, into the export's folder. Shared by every dataset exporter.

use std::path::{Path, PathBuf};

use super::error::{FormatError, FormatResult};
use super::report::ExportReport;
use crate::project::{Video, VideoDef};

/// What the format layer needs from the video engine, which sits above it.
pub trait VideoAccess {
    /// The project's record of the video file at `video`, for a project in `project_dir`.
    fn describe(&self, project_dir: &Path, video: &Path) -> Result<VideoDef, String>;
    /// Writes each (frame, PNG path) of the video at `video` as an exact RGB PNG,
    /// calling `on_written` after each.
    fn write_pngs(
        &self,
        video: &Path,
        frames: &[(u64, PathBuf)],
        on_written: &mut dyn FnMut(),
    ) -> Result<(), String>;
}

/// DeepLabCut's image name for frame `frame_idx` of a video of `frame_count` frames:
/// `img` + the index zero-padded to `ceil(log10(frame_count))` digits, as its
/// `extract_frames` writes them.
pub fn image_name(frame_idx: u64, frame_count: u64) -> String {
    let width = (frame_count.max(2) as f64).log10().ceil() as usize;
    format!("img{frame_idx:0width$}.png")
}

/// The image file name of frame `frame_idx` of `v`: the folder's own file for an image
/// folder, else DeepLabCut's `img<index>.png`.
pub fn frame_image_name(v: &Video, frame_idx: u64) -> Option<String> {
    match &v.def.frame_files {
        Some(files) => files.get(frame_idx as usize).cloned(),
        None => Some(image_name(frame_idx, v.def.frame_count)),
    }
}

/// Writes each (frame, target path) of `v` that does not exist yet, counting them in
/// `report` and calling `on_done` once per frame. A missing source image is skipped
/// with its reason.
pub fn write_frame_images(
    v: &Video,
    project_dir: &Path,
    frames: &[(u64, PathBuf)],
    videos: &dyn VideoAccess,
    report: &mut ExportReport,
    on_done: &mut dyn FnMut(),
) -> FormatResult<()> {
    let source = crate::project::document::resolve_video_path(project_dir, &v.def.path);
    let mut to_extract = Vec::new();
    for (frame_idx, target) in frames {
        if target.is_file() {
            report.images_present += 1;
            on_done();
            continue;
        }
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| FormatError::io(dir, e))?;
        }
        match &v.def.frame_files {
            Some(_) => {
                let name = frame_image_name(v, *frame_idx).unwrap_or_default();
                let from = source.join(&name);
                if from.is_file() {
                    crate::util::atomic_file::copy_atomically(&from, target)
                        .map_err(|e| FormatError::io(target, e))?;
                    report.images_written += 1;
                } else {
                    *report
                        .skipped
                        .entry(format!("image {} is missing", from.display()))
                        .or_default() += 1;
                }
                on_done();
            }
            None => to_extract.push((*frame_idx, target.clone())),
        }
    }
    if !to_extract.is_empty() {
        videos
            .write_pngs(&source, &to_extract, on_done)
            .map_err(|e| FormatError::invalid(&source, e))?;
        report.images_written += to_extract.len();
    }
    Ok(())
}
