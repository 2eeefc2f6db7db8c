//! Which of the index's frames actually decode. A truncated or damaged file can list
//! frames (in its container, or as packets cut short) that no decoder can produce;
//! `probe` reports them, and the app refuses to show another frame in their place.

use std::ops::Range;

use super::error::{VideoError, VideoResult};
use super::reader::VideoReader;

/// The outcome of decoding a range of frames.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecodeCheck {
    /// The frames that were tried.
    pub checked: Range<usize>,
    /// Those of them that could not be decoded, ascending.
    pub missing: Vec<usize>,
}

/// How far back from the end the quick check starts: the GOP holding the last frame
/// and the one before it, whose B-frames may reference the damaged tail.
const TAIL_GOPS: usize = 2;

/// Tries every frame of `frames` through `reader`, as the app asks for them, and lists
/// those that do not decode. `on_progress` gets the number of frames tried.
pub fn check_frames(
    reader: &mut VideoReader,
    frames: Range<usize>,
    on_progress: &mut dyn FnMut(usize),
) -> VideoResult<DecodeCheck> {
    let frames = frames.start..frames.end.min(reader.frame_count());
    let mut missing = Vec::new();
    for (done, frame_idx) in frames.clone().enumerate() {
        match reader.frame(frame_idx) {
            Ok(_) => {}
            Err(VideoError::Decode { .. }) => missing.push(frame_idx),
            Err(e) => return Err(e),
        }
        on_progress(done + 1);
    }
    Ok(DecodeCheck {
        checked: frames,
        missing,
    })
}

/// The frames a quick check of a file's end covers: from the start of the last
/// `TAIL_GOPS` GOPs to the last frame. Truncation damages the end of a file.
pub fn tail_range(reader: &VideoReader) -> Range<usize> {
    let index = reader.index();
    let count = index.frame_count();
    let keyframes = index.keyframe_frames();
    let start = keyframes
        .len()
        .checked_sub(TAIL_GOPS)
        .and_then(|i| keyframes.get(i))
        .copied()
        .unwrap_or(0);
    start..count
}
