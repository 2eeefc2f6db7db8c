//! The video engine: frame-exact random access on top of FFmpeg.
//!
//! - `source`: open a file, pick its video stream, read its facts (`VideoInfo`).
//! - `index`: the packet index that defines `frame_idx` (presentation order, from 0).
//! - `index_cache`: the sidecar cache that makes reopening instant.
//! - `reader`: exact access on the calling thread (`VideoReader`).
//! - `decode_check`: which indexed frames actually decode (damaged files).
//! - `cache` and `worker`: the decode worker thread with its byte-bounded LRU cache.
//! - `frame_feed`: what a viewer shows while it waits: the newest wanted frame wins.
//! - `frame` and `convert`: decoded frames as YUV planes, and swscale conversions.
//! - `canvas` and `encoder`: frames to draw on, and writing them as an MP4.
//! - `range_decode`: every frame of a range in order, on a thread (renders, inference).

pub mod cache;
pub mod canvas;
pub mod convert;
pub mod decode_check;
pub mod describe;
pub mod encoder;
pub mod error;
pub mod frame;
pub mod frame_feed;
pub mod index;
pub mod index_cache;
pub mod playback;
pub mod project_access;
pub mod range_decode;
pub mod reader;
pub mod source;
pub mod worker;

/// Extensions of the video files Kinelab offers to open (FFmpeg reads more).
pub const VIDEO_EXTENSIONS: &[&str] = &[
    "mp4", "mov", "avi", "mkv", "m4v", "webm", "mpg", "mpeg", "ts",
];

/// Whether `path` looks like a video file, by its extension.
pub fn is_video_file(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| VIDEO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

pub use crate::util::fingerprint::FileFingerprint;
pub use cache::{FrameCache, SharedFrameCache};
pub use convert::{FrameConverter, ScreenFormat};
pub use error::{VideoError, VideoResult};
pub use frame::{VideoFrame, Yuv420Planes};
pub use index::FrameIndex;
pub use reader::{
    DecodeScope, ReaderOptions, SeekMode, SequentialDecoder, VideoReader, decode_first_frame,
    index_source, load_or_scan_index,
};
pub use source::{ColorMatrix, ColorRange, VideoInfo};
pub use worker::{DecodeWorker, WorkerConfig, WorkerEvent};
