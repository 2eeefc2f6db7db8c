//! Errors of the video engine. Every variant names the file last, so a user always
//! knows which video a message is about.

use std::path::PathBuf;

/// What went wrong while opening, indexing or decoding a video.
#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    /// The file does not exist.
    #[error("no such file: {}", path.display())]
    NotFound { path: PathBuf },
    /// The file exists but is empty.
    #[error("the file is empty (0 bytes): {}", path.display())]
    EmptyFile { path: PathBuf },
    /// FFmpeg could not open or recognise the container.
    #[error("not a readable video ({reason}): {}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    /// The container holds no video stream (audio-only, data-only, ...).
    #[error("the file has no video stream: {}", path.display())]
    NoVideoStream { path: PathBuf },
    /// The codec of the video stream has no decoder in this FFmpeg build.
    #[error("no decoder for codec '{codec}': {}", path.display())]
    NoDecoder { path: PathBuf, codec: String },
    /// This FFmpeg build can encode neither H.264 nor MPEG-4 (a video to write).
    #[error("this FFmpeg has no H.264 or MPEG-4 encoder to write {}", path.display())]
    NoEncoder { path: PathBuf },
    /// The video stream holds no frame that could be indexed.
    #[error("the video stream has no frames: {}", path.display())]
    NoFrames { path: PathBuf },
    /// A frame index past the end of the video was asked for.
    #[error("frame {frame_idx} is out of range (the video has {frame_count} frames, 0 to {}): {}", frame_count.saturating_sub(1), path.display())]
    FrameOutOfRange {
        path: PathBuf,
        frame_idx: usize,
        frame_count: usize,
    },
    /// The decoder failed, or the frame is damaged and the decoder skipped it.
    #[error("frame {frame_idx} could not be decoded ({reason}): {}", path.display())]
    Decode {
        path: PathBuf,
        frame_idx: usize,
        reason: String,
    },
    /// Reading the file failed part way.
    #[error("read error ({reason}): {}", path.display())]
    Io { path: PathBuf, reason: String },
    /// Pixel conversion (swscale) failed.
    #[error("cannot convert pixel format {from} to {to}: {}", path.display())]
    Convert {
        path: PathBuf,
        from: String,
        to: String,
    },
    /// The work was cancelled because a newer request replaced it.
    #[error("cancelled: {}", path.display())]
    Cancelled { path: PathBuf },
}

/// Short form for results of the video engine.
pub type VideoResult<T> = Result<T, VideoError>;
