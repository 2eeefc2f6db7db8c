//! The video engine as the format layer needs it: describing a video for a project and
//! writing exact frames as PNGs (DeepLabCut's labeled-data images).

use std::path::{Path, PathBuf};

use crate::formats::{ForeignProject, VideoAccess};
use crate::project::VideoDef;
use crate::util::png::write_rgb_png;

use super::{FrameConverter, VideoReader, describe::describe_for_project};

/// [`VideoAccess`] through FFmpeg.
pub struct FfmpegVideos;

impl VideoAccess for FfmpegVideos {
    fn describe(&self, project_dir: &Path, video: &Path) -> Result<VideoDef, String> {
        describe_for_project(project_dir, video, &mut |_| {}).map_err(|e| e.to_string())
    }

    fn write_pngs(
        &self,
        video: &Path,
        frames: &[(u64, PathBuf)],
        on_written: &mut dyn FnMut(),
    ) -> Result<(), String> {
        let mut reader = VideoReader::open(video).map_err(|e| e.to_string())?;
        let mut converter = FrameConverter::new(video);
        // Ascending order, so frames of one GOP share one decoding pass.
        let mut frames = frames.to_vec();
        frames.sort();
        for (frame_idx, out) in frames {
            let frame = reader
                .frame(frame_idx as usize)
                .map_err(|e| e.to_string())?;
            let rgb = converter.to_rgb(&frame).map_err(|e| e.to_string())?;
            write_rgb_png(&out, &rgb).map_err(|e| format!("{e:#}"))?;
            on_written();
        }
        Ok(())
    }
}

/// The project file to open for `path`: itself, or for a DeepLabCut project (its
/// config.yaml or folder) or a SLEAP `.slp` file the sidecar Kinelab project, imported
/// the first time (with the import's report).
pub fn project_to_open(
    path: &Path,
) -> Result<(PathBuf, Option<crate::formats::ImportReport>), crate::formats::FormatError> {
    if super::is_video_file(path) && path.is_file() {
        return Err(crate::formats::FormatError::invalid(
            path,
            format!(
                "is a video, not a project: make a project with it first \
                 (File > New project…, or kinelab new PROJECT.kinelab --video {})",
                path.display()
            ),
        ));
    }
    match ForeignProject::detect(path) {
        Some(foreign) => foreign.open_or_import(&FfmpegVideos),
        None => Ok((path.to_owned(), None)),
    }
}

/// True when opening `path` would import a DeepLabCut or SLEAP project first (its
/// sidecar project does not exist yet).
pub fn needs_import(path: &Path) -> bool {
    ForeignProject::detect(path).is_some_and(|f| !f.sidecar().exists())
}
