//! Pixel conversion on the CPU with swscale: RGBA for export, inference and tests,
//! small grayscale thumbnails for frame selection, and 4:2:0 for the GPU path when a
//! codec decodes to another layout. The stream's colour matrix and range are honoured.

use std::path::PathBuf;

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg_next as ffmpeg;

use super::error::{VideoError, VideoResult};
use super::frame::VideoFrame;
use super::source::{ColorMatrix, ColorRange, pixel_name};

// swscale's colour-space constants (libswscale/swscale.h).
const SWS_CS_ITU709: i32 = 1;
const SWS_CS_ITU601: i32 = 5;
const SWS_CS_BT2020: i32 = 9;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct ScalerKey {
    src: Pixel,
    src_w: u32,
    src_h: u32,
    dst: Pixel,
    dst_w: u32,
    dst_h: u32,
    matrix: ColorMatrix,
    range: ColorRange,
}

/// The pixel layout a viewer draws from: 8-bit 4:2:0 planes for the GPU shader, or
/// packed RGBA for the CPU texture. The decode worker converts to it, so that the UI
/// thread only uploads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScreenFormat {
    #[default]
    Yuv420,
    Rgba,
}

/// Converts frames with cached swscale contexts. swscale contexts are not thread-safe,
/// so each thread keeps its own converter.
pub struct FrameConverter {
    /// The video, named in error messages.
    path: PathBuf,
    scalers: Vec<(ScalerKey, scaling::Context)>,
}

impl FrameConverter {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            scalers: Vec::new(),
        }
    }

    /// The frame as tightly packed 8-bit RGBA, at full size.
    pub fn to_rgba(&mut self, frame: &VideoFrame) -> VideoResult<image::RgbaImage> {
        let (w, h) = (frame.width(), frame.height());
        let mut buf = vec![0u8; w as usize * h as usize * 4];
        self.scale_into(frame, Pixel::RGBA, w, h, &mut buf, w as usize * 4)?;
        image::RgbaImage::from_raw(w, h, buf).ok_or_else(|| self.convert_error(frame, Pixel::RGBA))
    }

    /// Converts the frame to tightly packed RGBA in `buf`, reusing its allocation: for
    /// loops over many frames, where a fresh 8 MB buffer per 1080p frame costs more
    /// in page faults than the conversion itself.
    pub fn rgba_into(&mut self, frame: &VideoFrame, buf: &mut Vec<u8>) -> VideoResult<()> {
        let (w, h) = (frame.width(), frame.height());
        buf.resize(w as usize * h as usize * 4, 0);
        self.scale_into(frame, Pixel::RGBA, w, h, buf, w as usize * 4)
    }

    /// The frame as tightly packed 8-bit RGB (what PNG frames for training hold).
    pub fn to_rgb(&mut self, frame: &VideoFrame) -> VideoResult<image::RgbImage> {
        let (w, h) = (frame.width(), frame.height());
        let mut buf = vec![0u8; w as usize * h as usize * 3];
        self.scale_into(frame, Pixel::RGB24, w, h, &mut buf, w as usize * 3)?;
        image::RgbImage::from_raw(w, h, buf).ok_or_else(|| self.convert_error(frame, Pixel::RGB24))
    }

    /// The frame's luma, resized to `width` × `height` with area averaging: cheap
    /// features for clustering frames.
    pub fn to_gray_thumbnail(
        &mut self,
        frame: &VideoFrame,
        width: u32,
        height: u32,
    ) -> VideoResult<image::GrayImage> {
        let mut buf = vec![0u8; width as usize * height as usize];
        self.scale_into(frame, Pixel::GRAY8, width, height, &mut buf, width as usize)?;
        image::GrayImage::from_raw(width, height, buf)
            .ok_or_else(|| self.convert_error(frame, Pixel::GRAY8))
    }

    /// The frame in the layout a viewer draws from, converting only when it is not in
    /// it already.
    pub fn for_screen(
        &mut self,
        frame: &VideoFrame,
        format: ScreenFormat,
    ) -> VideoResult<VideoFrame> {
        match format {
            ScreenFormat::Yuv420 => self.to_yuv420(frame),
            ScreenFormat::Rgba if frame.rgba().is_some() => Ok(frame.clone()),
            ScreenFormat::Rgba => {
                let (w, h) = (frame.width(), frame.height());
                let key = self.key_for(frame, Pixel::RGBA, w, h);
                let scaler = self.scaler(key)?;
                let mut out = ffmpeg::frame::Video::new(Pixel::RGBA, w, h);
                scaler
                    .run(frame.raw(), &mut out)
                    .map_err(|_| self.convert_error(frame, Pixel::RGBA))?;
                Ok(VideoFrame::new(out, frame.frame_idx(), frame.pts()))
            }
        }
    }

    /// The frame as 8-bit 4:2:0 planes, converting only when the decoder produced
    /// another layout (4:2:2 MJPEG, 10-bit HEVC, ProRes, RGB codecs, ...).
    pub fn to_yuv420(&mut self, frame: &VideoFrame) -> VideoResult<VideoFrame> {
        if frame.yuv420_planes().is_some() {
            return Ok(frame.clone());
        }
        let dst = match frame.color_range() {
            ColorRange::Full => Pixel::YUVJ420P,
            ColorRange::Limited => Pixel::YUV420P,
        };
        let (w, h) = (frame.width(), frame.height());
        let key = self.key_for(frame, dst, w, h);
        let scaler = self.scaler(key)?;
        let mut out = ffmpeg::frame::Video::new(dst, w, h);
        scaler
            .run(frame.raw(), &mut out)
            .map_err(|_| self.convert_error(frame, dst))?;
        out.set_color_space(frame.raw().color_space());
        out.set_color_range(frame.raw().color_range());
        Ok(VideoFrame::new(out, frame.frame_idx(), frame.pts()))
    }

    /// A small 8-bit 4:2:0 copy of the frame, at most `max_width` pixels wide (even
    /// sizes), for scrubbing previews. The colour matrix is written out explicitly:
    /// guessed from the height, a small copy of HD video would read as BT.601.
    pub fn to_yuv420_scaled(
        &mut self,
        frame: &VideoFrame,
        max_width: u32,
    ) -> VideoResult<VideoFrame> {
        let (w, h) = (frame.width().max(2), frame.height().max(2));
        let dst_w = (max_width.min(w) / 2 * 2).max(2);
        let dst_h = ((u64::from(h) * u64::from(dst_w) / u64::from(w)) as u32 / 2 * 2).max(2);
        let range = frame.color_range();
        let dst = match range {
            ColorRange::Full => Pixel::YUVJ420P,
            ColorRange::Limited => Pixel::YUV420P,
        };
        let key = self.key_for(frame, dst, dst_w, dst_h);
        let scaler = self.scaler(key)?;
        let mut out = ffmpeg::frame::Video::new(dst, dst_w, dst_h);
        scaler
            .run(frame.raw(), &mut out)
            .map_err(|_| self.convert_error(frame, dst))?;
        out.set_color_space(match frame.color_matrix() {
            ColorMatrix::Bt601 => ffmpeg::color::Space::BT470BG,
            ColorMatrix::Bt709 => ffmpeg::color::Space::BT709,
            ColorMatrix::Bt2020 => ffmpeg::color::Space::BT2020NCL,
        });
        out.set_color_range(frame.raw().color_range());
        Ok(VideoFrame::new(out, frame.frame_idx(), frame.pts()))
    }

    fn key_for(&self, frame: &VideoFrame, dst: Pixel, dst_w: u32, dst_h: u32) -> ScalerKey {
        ScalerKey {
            src: frame.raw().format(),
            src_w: frame.width(),
            src_h: frame.height(),
            dst,
            dst_w,
            dst_h,
            matrix: frame.color_matrix(),
            range: frame.color_range(),
        }
    }

    /// Runs swscale straight into `dst` (one packed plane), saving a copy per frame.
    fn scale_into(
        &mut self,
        frame: &VideoFrame,
        dst: Pixel,
        dst_w: u32,
        dst_h: u32,
        buf: &mut [u8],
        stride: usize,
    ) -> VideoResult<()> {
        let key = self.key_for(frame, dst, dst_w, dst_h);
        let scaler = self.scaler(key)?;
        let src = frame.raw();
        let ret = unsafe {
            let src_ptr = src.as_ptr();
            let dst_planes = [
                buf.as_mut_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            ];
            let dst_strides = [stride as i32, 0, 0, 0];
            ffmpeg::ffi::sws_scale(
                scaler.as_mut_ptr(),
                (*src_ptr).data.as_ptr() as *const *const u8,
                (*src_ptr).linesize.as_ptr(),
                0,
                src.height() as i32,
                dst_planes.as_ptr(),
                dst_strides.as_ptr(),
            )
        };
        if ret <= 0 {
            Err(self.convert_error(frame, dst))
        } else {
            Ok(())
        }
    }

    fn scaler(&mut self, key: ScalerKey) -> VideoResult<&mut scaling::Context> {
        if let Some(pos) = self.scalers.iter().position(|(k, _)| *k == key) {
            return Ok(&mut self.scalers[pos].1);
        }
        let downscale = key.dst_w < key.src_w || key.dst_h < key.src_h;
        let flags = if downscale {
            scaling::Flags::AREA
        } else {
            scaling::Flags::BILINEAR
        };
        let mut ctx = scaling::Context::get(
            key.src, key.src_w, key.src_h, key.dst, key.dst_w, key.dst_h, flags,
        )
        .map_err(|_| VideoError::Convert {
            path: self.path.clone(),
            from: pixel_name(key.src),
            to: pixel_name(key.dst),
        })?;
        set_colorspace(&mut ctx, key.matrix, key.range);
        // A handful of contexts at most: one per output kind in practice.
        if self.scalers.len() >= 8 {
            self.scalers.remove(0);
        }
        self.scalers.push((key, ctx));
        Ok(&mut self.scalers.last_mut().expect("just pushed").1)
    }

    fn convert_error(&self, frame: &VideoFrame, dst: Pixel) -> VideoError {
        VideoError::Convert {
            path: self.path.clone(),
            from: frame.pix_fmt(),
            to: pixel_name(dst),
        }
    }
}

/// Tells swscale which YUV matrix and range the source uses; it otherwise assumes
/// BT.601 limited range, which tints HD video.
fn set_colorspace(ctx: &mut scaling::Context, matrix: ColorMatrix, range: ColorRange) {
    let cs = match matrix {
        ColorMatrix::Bt601 => SWS_CS_ITU601,
        ColorMatrix::Bt709 => SWS_CS_ITU709,
        ColorMatrix::Bt2020 => SWS_CS_BT2020,
    };
    let src_range = i32::from(range == ColorRange::Full);
    unsafe {
        let ptr = ctx.as_mut_ptr();
        let mut inv_table: *mut i32 = std::ptr::null_mut();
        let mut table: *mut i32 = std::ptr::null_mut();
        let (mut _src_range, mut dst_range, mut brightness, mut contrast, mut saturation) =
            (0, 0, 0, 0, 0);
        // Read the current details first so the output side keeps swscale's own choice.
        if ffmpeg::ffi::sws_getColorspaceDetails(
            ptr,
            &mut inv_table,
            &mut _src_range,
            &mut table,
            &mut dst_range,
            &mut brightness,
            &mut contrast,
            &mut saturation,
        ) < 0
        {
            return;
        }
        let coefficients = ffmpeg::ffi::sws_getCoefficients(cs);
        ffmpeg::ffi::sws_setColorspaceDetails(
            ptr,
            coefficients,
            src_range,
            table,
            dst_range,
            brightness,
            contrast,
            saturation,
        );
    }
}
