//! A decoded frame, shared cheaply between the decode worker, its cache and consumers.

use std::sync::Arc;

use ffmpeg::format::Pixel;
use ffmpeg_next as ffmpeg;

use super::source::{ColorMatrix, ColorRange, color_matrix_of, color_range_of, pixel_name};

/// One decoded frame in the decoder's own pixel format. Cloning is cheap: the pixel
/// buffers are reference counted by FFmpeg and shared.
#[derive(Clone)]
pub struct VideoFrame {
    inner: Arc<ffmpeg::frame::Video>,
    frame_idx: usize,
    pts: i64,
}

/// Borrowed 8-bit Y, U and V planes of a 4:2:0 frame, with row strides in bytes: what
/// the GPU path uploads as three textures.
#[derive(Clone, Copy, Debug)]
pub struct Yuv420Planes<'a> {
    pub width: u32,
    pub height: u32,
    pub y: &'a [u8],
    pub y_stride: usize,
    pub u: &'a [u8],
    pub u_stride: usize,
    pub v: &'a [u8],
    pub v_stride: usize,
    pub color_matrix: ColorMatrix,
    pub color_range: ColorRange,
}

impl VideoFrame {
    pub(crate) fn new(inner: ffmpeg::frame::Video, frame_idx: usize, pts: i64) -> Self {
        Self {
            inner: Arc::new(inner),
            frame_idx,
            pts,
        }
    }

    /// The same pixels as frame `frame_idx` at `pts` (an image of a sequence, which
    /// decodes as frame 0 of its own file).
    pub(crate) fn renumbered(self, frame_idx: usize, pts: i64) -> Self {
        Self {
            frame_idx,
            pts,
            ..self
        }
    }

    /// Index of this frame in presentation order.
    pub fn frame_idx(&self) -> usize {
        self.frame_idx
    }

    /// Presentation timestamp in the stream's time base.
    pub fn pts(&self) -> i64 {
        self.pts
    }

    pub fn width(&self) -> u32 {
        self.inner.width()
    }

    pub fn height(&self) -> u32 {
        self.inner.height()
    }

    /// The decoder marked this frame as a keyframe (an intra frame decoding can start at).
    pub fn is_key(&self) -> bool {
        self.inner.is_key()
    }

    /// Pixel format name as FFmpeg spells it.
    pub fn pix_fmt(&self) -> String {
        pixel_name(self.inner.format())
    }

    pub fn color_matrix(&self) -> ColorMatrix {
        color_matrix_of(self.inner.color_space())
    }

    pub fn color_range(&self) -> ColorRange {
        color_range_of(self.inner.color_range(), self.inner.format())
    }

    /// Bytes held by the frame's planes, for cache accounting.
    pub fn byte_size(&self) -> usize {
        let planes = self.inner.planes();
        (0..planes).map(|i| self.inner.data(i).len()).sum()
    }

    /// The Y, U and V planes when the frame is 8-bit 4:2:0 (the common case: H.264,
    /// HEVC 8-bit, MPEG-4, VP9, MJPEG 4:2:0); `None` otherwise, and then
    /// `FrameConverter::to_yuv420` converts it.
    pub fn yuv420_planes(&self) -> Option<Yuv420Planes<'_>> {
        let f = &*self.inner;
        if !matches!(f.format(), Pixel::YUV420P | Pixel::YUVJ420P) {
            return None;
        }
        Some(Yuv420Planes {
            width: f.width(),
            height: f.height(),
            y: f.data(0),
            y_stride: f.stride(0),
            u: f.data(1),
            u_stride: f.stride(1),
            v: f.data(2),
            v_stride: f.stride(2),
            color_matrix: self.color_matrix(),
            color_range: self.color_range(),
        })
    }

    /// The packed RGBA pixels and their row stride in bytes, when the frame is RGBA
    /// (a frame the worker prepared for the CPU texture).
    pub fn rgba(&self) -> Option<(&[u8], usize)> {
        let f = &*self.inner;
        (f.format() == Pixel::RGBA).then(|| (f.data(0), f.stride(0)))
    }

    pub(crate) fn raw(&self) -> &ffmpeg::frame::Video {
        &self.inner
    }
}

impl std::fmt::Debug for VideoFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoFrame")
            .field("frame_idx", &self.frame_idx)
            .field("pts", &self.pts)
            .field("size", &(self.width(), self.height()))
            .field("pix_fmt", &self.pix_fmt())
            .finish()
    }
}
