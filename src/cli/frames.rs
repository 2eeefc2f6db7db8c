//! `kinelab frames`: exact frames written as PNG.

use std::path::Path;

use anyhow::Context;

use crate::video::{FrameConverter, VideoError};

use super::progress;
use crate::util::png;

pub fn run(video: &Path, indices: &[usize], out: &Path) -> anyhow::Result<()> {
    let mut reader = progress::open_reader(video)?;
    let frame_count = reader.frame_count();
    if let Some(&bad) = indices.iter().find(|&&i| i >= frame_count) {
        return Err(VideoError::FrameOutOfRange {
            path: video.to_owned(),
            frame_idx: bad,
            frame_count,
        }
        .into());
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output folder {}", out.display()))?;
    // Decode in ascending order, so frames of one GOP share one decoding pass.
    let mut wanted = indices.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut converter = FrameConverter::new(video);
    let bar = progress::bar(wanted.len() as u64, "frames");
    for &frame_idx in &wanted {
        let frame = reader.frame(frame_idx)?;
        let rgb = converter.to_rgb(&frame)?;
        png::write_rgb_png(&out.join(format!("{frame_idx:06}.png")), &rgb)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    eprintln!(
        "wrote {} to {}",
        crate::util::text::plural(wanted.len(), "frame", "frames"),
        out.display()
    );
    Ok(())
}
