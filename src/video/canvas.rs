//! A frame to draw on and encode: an owned 8-bit 4:2:0 copy of a decoded frame (the
//! decoder's own frames are shared with its cache and must not change).

use ffmpeg::format::Pixel;
use ffmpeg_next as ffmpeg;

use super::convert::FrameConverter;
use super::error::VideoResult;
use super::frame::VideoFrame;
use super::source::{ColorMatrix, ColorRange};

/// Mutable Y, U and V planes of an 8-bit 4:2:0 frame, with row strides in bytes.
pub struct Yuv420PlanesMut<'a> {
    pub width: u32,
    pub height: u32,
    pub y: &'a mut [u8],
    pub y_stride: usize,
    pub u: &'a mut [u8],
    pub u_stride: usize,
    pub v: &'a mut [u8],
    pub v_stride: usize,
    pub color_matrix: ColorMatrix,
    pub color_range: ColorRange,
}

/// An owned 4:2:0 frame of even width and height (what H.264 encoders take: an odd
/// last column or row of the source is left out), rows packed without padding.
pub struct FrameCanvas {
    width: u32,
    height: u32,
    y: Vec<u8>,
    u: Vec<u8>,
    v: Vec<u8>,
    color_matrix: ColorMatrix,
    color_range: ColorRange,
}

impl FrameCanvas {
    /// A black canvas for frames of `width × height` (rounded down to even sizes).
    pub fn new(width: u32, height: u32) -> Self {
        let (w, h) = ((width / 2 * 2).max(2), (height / 2 * 2).max(2));
        let luma = w as usize * h as usize;
        Self {
            width: w,
            height: h,
            y: vec![16; luma],
            u: vec![128; luma / 4],
            v: vec![128; luma / 4],
            color_matrix: ColorMatrix::Bt601,
            color_range: ColorRange::Limited,
        }
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn color_matrix(&self) -> ColorMatrix {
        self.color_matrix
    }

    pub fn color_range(&self) -> ColorRange {
        self.color_range
    }

    /// Copies `frame`'s pixels in (converted to 4:2:0 first where it is not).
    pub fn copy_from(
        &mut self,
        frame: &VideoFrame,
        converter: &mut FrameConverter,
    ) -> VideoResult<()> {
        let converted = converter.to_yuv420(frame)?;
        let Some(src) = converted.yuv420_planes() else {
            // `to_yuv420` always gives 4:2:0.
            return Ok(());
        };
        self.color_matrix = src.color_matrix;
        self.color_range = src.color_range;
        let cw = (self.width.min(src.width) / 2) as usize;
        let ch = (self.height.min(src.height) / 2) as usize;
        let w = self.width as usize;
        copy_rows(&mut self.y, w, src.y, src.y_stride, cw * 2, ch * 2);
        copy_rows(&mut self.u, w / 2, src.u, src.u_stride, cw, ch);
        copy_rows(&mut self.v, w / 2, src.v, src.v_stride, cw, ch);
        Ok(())
    }

    /// The planes to draw on.
    pub fn planes_mut(&mut self) -> Yuv420PlanesMut<'_> {
        let w = self.width as usize;
        Yuv420PlanesMut {
            width: self.width,
            height: self.height,
            y: &mut self.y,
            y_stride: w,
            u: &mut self.u,
            u_stride: w / 2,
            v: &mut self.v,
            v_stride: w / 2,
            color_matrix: self.color_matrix,
            color_range: self.color_range,
        }
    }

    /// The pixels as a new FFmpeg frame (an encoder may keep a frame it was given,
    /// so each encoded frame is a frame of its own).
    pub(crate) fn to_ffmpeg(&self) -> ffmpeg::frame::Video {
        let mut out = ffmpeg::frame::Video::new(Pixel::YUV420P, self.width, self.height);
        let w = self.width as usize;
        let h = self.height as usize;
        for (plane, (src, cols, rows)) in [
            (&self.y, w, h),
            (&self.u, w / 2, h / 2),
            (&self.v, w / 2, h / 2),
        ]
        .into_iter()
        .enumerate()
        {
            let stride = out.stride(plane);
            copy_rows(out.data_mut(plane), stride, src, cols, cols, rows);
        }
        out.set_color_space(match self.color_matrix {
            ColorMatrix::Bt601 => ffmpeg::color::Space::BT470BG,
            ColorMatrix::Bt709 => ffmpeg::color::Space::BT709,
            ColorMatrix::Bt2020 => ffmpeg::color::Space::BT2020NCL,
        });
        out.set_color_range(match self.color_range {
            ColorRange::Limited => ffmpeg::color::Range::MPEG,
            ColorRange::Full => ffmpeg::color::Range::JPEG,
        });
        out
    }
}

/// Copies `rows` rows of `cols` bytes between planes of different strides.
fn copy_rows(
    dst: &mut [u8],
    dst_stride: usize,
    src: &[u8],
    src_stride: usize,
    cols: usize,
    rows: usize,
) {
    for row in 0..rows {
        let (d, s) = (row * dst_stride, row * src_stride);
        if let (Some(d), Some(s)) = (dst.get_mut(d..d + cols), src.get(s..s + cols)) {
            d.copy_from_slice(s);
        }
    }
}
