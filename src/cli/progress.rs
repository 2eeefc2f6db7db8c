//! Progress bars for long commands: drawn on a terminal, silent when piped.

use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::video::source::OpenedSource;
use crate::video::{VideoReader, index_source};

/// A bar over `len` steps. indicatif hides it when stderr is not a terminal.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

/// Opens a video for exact reading, with a bar while its frame index is built (a long
/// video takes a while the first time; the index is cached after).
pub fn open_reader(video: &Path) -> anyhow::Result<VideoReader> {
    let mut source = OpenedSource::open_quick(video)?;
    let size = std::fs::metadata(video).map(|m| m.len()).unwrap_or(0);
    let bar = bar(size, "indexing");
    let index = index_source(&mut source, true, &mut |pos| bar.set_position(pos))?;
    bar.finish_and_clear();
    Ok(VideoReader::from_source(source, index, 0)?)
}
