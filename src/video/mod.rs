//! The video engine: frame-exact random access on top of FFmpeg.
//!
//! - `source`: open a file, pick its video stream, read its facts (`VideoInfo`).
//! - `index`: the packet index that defines `frame_idx` (presentation order, from 0).
//! - `index_cache`: the sidecar cache that makes reopening instant.
//! - `reader`: exact access on the calling thread (`VideoReader`).
//! - `cache` and `worker`: the decode worker thread with its byte-bounded LRU cache.
//! - `frame` and `convert`: decoded frames as YUV planes, and swscale conversions.

pub mod cache;
pub mod convert;
pub mod describe;
pub mod error;

pub mod frame;
pub mod index;
pub mod index_cache;
pub mod project_access;
pub mod reader;
pub mod source;
pub mod worker;

pub use crate::util::fingerprint::FileFingerprint;
pub use cache::{FrameCache, SharedFrameCache};
pub use convert::FrameConverter;
pub use error::{VideoError, VideoResult};
pub use frame::{VideoFrame, Yuv420Planes};
pub use index::FrameIndex;
pub use reader::{
    DecodeScope, ReaderOptions, SeekMode, SequentialDecoder, VideoReader, decode_first_frame,
    index_source, load_or_scan_index,
};
pub use source::{ColorMatrix, ColorRange, VideoInfo};
pub use worker::{DecodeWorker, WorkerConfig, WorkerEvent};
