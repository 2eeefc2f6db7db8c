//! Opening a video file: the container, its best video stream, the stream's facts
//! (`VideoInfo`) and a decoder for it.

use std::path::{Path, PathBuf};

use ffmpeg::{codec, format, media};
use ffmpeg_next as ffmpeg;
use serde::Serialize;

use super::error::{VideoError, VideoResult};

/// Initialises FFmpeg once per process and keeps its log quiet: our errors carry the
/// message. `KINELAB_FFMPEG_LOG=info|warning|error` turns FFmpeg's own log back on.
pub fn init_ffmpeg() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        let _ = ffmpeg::init();
        let level = match std::env::var("KINELAB_FFMPEG_LOG").as_deref() {
            Ok("debug") => ffmpeg::log::Level::Debug,
            Ok("info") => ffmpeg::log::Level::Info,
            Ok("warning") => ffmpeg::log::Level::Warning,
            Ok("error") => ffmpeg::log::Level::Error,
            _ => ffmpeg::log::Level::Quiet,
        };
        ffmpeg::log::set_level(level);
    });
}

/// Colour matrix of a YUV stream, needed to convert it to RGB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorMatrix {
    Bt601,
    Bt709,
    Bt2020,
}

/// Whether luma spans 16..235 (limited, "TV") or 0..255 (full, "PC", JPEG).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorRange {
    Limited,
    Full,
}

/// Facts about a video stream known right after opening, before any frame is decoded.
#[derive(Clone, Debug, Serialize)]
pub struct VideoInfo {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    /// Average frame rate from the container (frames per second); 0 when unknown.
    pub fps: f64,
    /// The stream's nominal rate (FFmpeg's `r_frame_rate`: the rate its timestamps are
    /// laid out for); 0 when unknown. Differs from `fps` for variable frame rates.
    pub nominal_fps: f64,
    /// Codec name as FFmpeg spells it (`h264`, `hevc`, `mjpeg`, ...).
    pub codec: String,
    /// Pixel format the decoder produces (`yuv420p`, `yuvj422p`, ...).
    pub pix_fmt: String,
    /// Stream time base as (numerator, denominator).
    pub time_base: (i32, i32),
    /// Frame count the container claims; may be 0 or wrong. The index is the truth.
    pub container_frame_count: i64,
    /// Container duration in seconds; 0 when unknown.
    pub container_duration_secs: f64,
    pub color_matrix: ColorMatrix,
    pub color_range: ColorRange,
}

impl VideoInfo {
    /// Seconds per tick of the stream's time base.
    pub fn secs_per_tick(&self) -> f64 {
        let (num, den) = self.time_base;
        if den == 0 {
            0.0
        } else {
            f64::from(num) / f64::from(den)
        }
    }
}

/// An opened container positioned at its start, with its chosen video stream.
pub struct OpenedSource {
    input: format::context::Input,
    pub stream_index: usize,
    pub info: VideoInfo,
    parameters: codec::Parameters,
    /// No packet has been read yet: the demuxer is at the start of the stream.
    at_start: bool,
}

impl OpenedSource {
    /// Opens `path` and picks its best video stream, with every stream fact probed
    /// (FFmpeg's `avformat_find_stream_info`, which decodes the opening frames).
    /// Checks the cheap failures first so the message says what is wrong instead of
    /// FFmpeg's generic "invalid data".
    pub fn open(path: &Path) -> VideoResult<Self> {
        Self::open_with(path, false)
    }

    /// Opens `path` for showing a frame as soon as possible. Where the container's
    /// header already describes the stream completely (MP4/MOV with a frame size), the
    /// stream probe is skipped: it would decode the first frame once more only to learn
    /// the pixel format, which the first decoded frame tells anyway. So
    /// `info.pix_fmt` may be `unknown` and the colour fields a guess from the frame size;
    /// decoding and conversion use each frame's own properties and are unaffected.
    pub fn open_quick(path: &Path) -> VideoResult<Self> {
        Self::open_with(path, true)
    }

    fn open_with(path: &Path, quick: bool) -> VideoResult<Self> {
        init_ffmpeg();
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => VideoError::NotFound {
                path: path.to_owned(),
            },
            _ => VideoError::Io {
                path: path.to_owned(),
                reason: e.to_string(),
            },
        })?;
        if meta.is_dir() {
            return Err(VideoError::Unreadable {
                path: path.to_owned(),
                reason: "it is a folder".into(),
            });
        }
        if meta.len() == 0 {
            return Err(VideoError::EmptyFile {
                path: path.to_owned(),
            });
        }
        let input = open_input(path, quick).map_err(|e| VideoError::Unreadable {
            path: path.to_owned(),
            reason: describe_ffmpeg_error(&e),
        })?;
        let stream =
            input
                .streams()
                .best(media::Type::Video)
                .ok_or_else(|| VideoError::NoVideoStream {
                    path: path.to_owned(),
                })?;
        let stream_index = stream.index();
        let parameters = stream.parameters();
        let time_base = stream.time_base();
        let avg_rate = stream.avg_frame_rate();
        let real_rate = stream.rate();
        let container_frame_count = stream.frames();
        let container_duration_secs = if stream.duration() > 0 {
            stream.duration() as f64 * f64::from(time_base)
        } else if input.duration() > 0 {
            input.duration() as f64 / f64::from(ffmpeg::ffi::AV_TIME_BASE)
        } else {
            0.0
        };
        let codec_name = parameters.id().name().to_owned();
        if ffmpeg::decoder::find(parameters.id()).is_none() {
            return Err(VideoError::NoDecoder {
                path: path.to_owned(),
                codec: codec_name,
            });
        }
        // A codec context filled from the stream parameters (not opened: opening a
        // decoder here would cost as much as the first frame's decode).
        let codec_ctx = codec::Context::from_parameters(parameters.clone()).map_err(|e| {
            VideoError::Unreadable {
                path: path.to_owned(),
                reason: describe_ffmpeg_error(&e),
            }
        })?;
        let (width, height, pixel, color_space, color_range) = unsafe {
            let ctx = codec_ctx.as_ptr();
            (
                (*ctx).width.max(0) as u32,
                (*ctx).height.max(0) as u32,
                format::Pixel::from((*ctx).pix_fmt),
                ffmpeg::color::Space::from((*ctx).colorspace),
                ffmpeg::color::Range::from((*ctx).color_range),
            )
        };
        let color_matrix = color_matrix_of(color_space);
        let color_range = color_range_of(color_range, pixel);
        let plausible = |r: ffmpeg::Rational| {
            let r = f64::from(r);
            (r.is_finite() && r > 0.0 && r < 10_000.0).then_some(r)
        };
        let fps = plausible(avg_rate)
            .or_else(|| plausible(real_rate))
            .unwrap_or(0.0);
        let nominal_fps = plausible(real_rate).unwrap_or(fps);
        let info = VideoInfo {
            path: path.to_owned(),
            width,
            height,
            fps,
            nominal_fps,
            codec: codec_name,
            pix_fmt: pixel_name(pixel),
            time_base: (time_base.numerator(), time_base.denominator()),
            container_frame_count,
            container_duration_secs,
            color_matrix,
            color_range,
        };
        if width == 0 || height == 0 {
            return Err(VideoError::Unreadable {
                path: path.to_owned(),
                reason: "the video stream has no frame size".into(),
            });
        }
        Ok(Self {
            input,
            stream_index,
            info,
            parameters,
            at_start: true,
        })
    }

    /// Reads the next packet of any stream. Every read goes through here, so that
    /// `at_start` stays true only while the demuxer has not moved.
    pub fn read_packet(&mut self, packet: &mut ffmpeg::Packet) -> Result<(), ffmpeg::Error> {
        self.at_start = false;
        // av_read_frame expects a blank packet and does not release what a reused one
        // still holds: without this, every packet read stays in memory (3.4 GB after
        // indexing a one-hour 1080p file).
        // SAFETY: `packet` owns a valid AVPacket; unref leaves it blank and reusable.
        unsafe { ffmpeg::ffi::av_packet_unref(ffmpeg::packet::Mut::as_mut_ptr(packet)) };
        packet.read(&mut self.input)
    }

    /// True while no packet has been read since opening.
    pub fn at_start(&self) -> bool {
        self.at_start
    }

    /// Seeks the demuxer of the chosen stream so that the next packets come from at or
    /// before `ts` (stream time base). Returns false when the demuxer cannot.
    pub fn seek_at_or_before(&mut self, ts: i64) -> bool {
        self.at_start = false;
        let ret = unsafe {
            ffmpeg::ffi::avformat_seek_file(
                self.input.as_mut_ptr(),
                self.stream_index as i32,
                i64::MIN,
                ts,
                ts,
                0,
            )
        };
        ret >= 0
    }

    /// Opens a decoder for the stream. `threads` = 0 lets FFmpeg pick one per core.
    pub fn open_decoder(&self, threads: usize) -> VideoResult<ffmpeg::decoder::Video> {
        let path = &self.info.path;
        let mut ctx = codec::Context::from_parameters(self.parameters.clone()).map_err(|e| {
            VideoError::Unreadable {
                path: path.clone(),
                reason: describe_ffmpeg_error(&e),
            }
        })?;
        // Frame threading multiplies decode throughput; its extra latency of a few
        // frames is small next to the GOP an exact seek decodes anyway.
        ctx.set_threading(codec::threading::Config {
            kind: codec::threading::Type::Frame,
            count: threads,
            ..Default::default()
        });
        let tb = self.input.stream(self.stream_index).map(|s| s.time_base());
        let mut decoder = ctx.decoder();
        if let Some(tb) = tb {
            decoder.set_packet_time_base(tb);
        }
        decoder.video().map_err(|_| VideoError::NoDecoder {
            path: path.clone(),
            codec: self.info.codec.clone(),
        })
    }
}

/// Opens the container. With `skip_probe_if_complete`, FFmpeg's stream probe runs only
/// where the header may be incomplete: containers other than MP4/MOV (MPEG-TS finds
/// streams late, AVI and Matroska lack DTS), or a best
/// video stream without a codec or a frame size.
fn open_input(
    path: &Path,
    skip_probe_if_complete: bool,
) -> Result<format::context::Input, ffmpeg::Error> {
    use ffmpeg::ffi;
    let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| ffmpeg::Error::InvalidData)?;
    // SAFETY: the FFI calls follow FFmpeg's contract: `ps` starts null and is filled by
    // avformat_open_input, closed by us on every error path, and otherwise owned by the
    // returned `Input`, whose Drop closes it.
    unsafe {
        let mut ps: *mut ffi::AVFormatContext = std::ptr::null_mut();
        let opened = ffi::avformat_open_input(
            &mut ps,
            c_path.as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        if opened < 0 {
            return Err(ffmpeg::Error::from(opened));
        }
        if skip_probe_if_complete && header_is_complete(ps) {
            return Ok(format::context::Input::wrap(ps));
        }
        let probed = ffi::avformat_find_stream_info(ps, std::ptr::null_mut());
        if probed < 0 {
            ffi::avformat_close_input(&mut ps);
            return Err(ffmpeg::Error::from(probed));
        }
        Ok(format::context::Input::wrap(ps))
    }
}

/// Whether an opened (unprobed) container already gives what opening a video needs.
///
/// # Safety
/// `ps` must be a context returned by a successful `avformat_open_input`.
unsafe fn header_is_complete(ps: *mut ffmpeg::ffi::AVFormatContext) -> bool {
    use ffmpeg::ffi;
    // SAFETY: per the contract above, `ps`, its input format and its streams are valid.
    unsafe {
        let iformat = (*ps).iformat;
        if iformat.is_null() || (*iformat).name.is_null() {
            return false;
        }
        let name = std::ffi::CStr::from_ptr((*iformat).name).to_string_lossy();
        // Matroska stores no DTS: FFmpeg derives it from the decoder's reorder delay,
        // which only the probe learns, so seeking by DTS would miss. MP4/MOV store both.
        if !name.starts_with("mov,") || (*ps).ctx_flags & ffi::AVFMTCTX_NOHEADER != 0 {
            return false;
        }
        let best = ffi::av_find_best_stream(
            ps,
            ffi::AVMediaType::AVMEDIA_TYPE_VIDEO,
            -1,
            -1,
            std::ptr::null_mut(),
            0,
        );
        if best < 0 {
            return false;
        }
        let stream = *(*ps).streams.add(best as usize);
        let par = (*stream).codecpar;
        !par.is_null()
            && (*par).codec_id != ffi::AVCodecID::AV_CODEC_ID_NONE
            && (*par).width > 0
            && (*par).height > 0
            && (*stream).time_base.num > 0
    }
}

/// The name FFmpeg uses for a pixel format (`yuv420p`), or `unknown`.
pub fn pixel_name(pixel: format::Pixel) -> String {
    pixel
        .descriptor()
        .map_or_else(|| "unknown".to_owned(), |d| d.name().to_owned())
}

/// Colour matrix from the stream's tag. Untagged streams are BT.601 at every size,
/// because that is what swscale assumes, and so what FFmpeg, OpenCV's `VideoCapture`
/// (and so DeepLabCut and SLEAP at inference) make of them: frames that leave Kinelab
/// must be the frames those tools see, even where a player would guess BT.709 for HD.
pub fn color_matrix_of(space: ffmpeg::color::Space) -> ColorMatrix {
    use ffmpeg::color::Space;
    match space {
        Space::BT709 => ColorMatrix::Bt709,
        Space::BT2020NCL | Space::BT2020CL => ColorMatrix::Bt2020,
        _ => ColorMatrix::Bt601,
    }
}

/// Colour range from the stream's tag; the `yuvj*` (JPEG) formats are full range.
pub fn color_range_of(range: ffmpeg::color::Range, pixel: format::Pixel) -> ColorRange {
    use format::Pixel;
    match (range, pixel) {
        (ffmpeg::color::Range::JPEG, _) => ColorRange::Full,
        (
            _,
            Pixel::YUVJ420P | Pixel::YUVJ422P | Pixel::YUVJ444P | Pixel::YUVJ440P | Pixel::YUVJ411P,
        ) => ColorRange::Full,
        _ => ColorRange::Limited,
    }
}

/// FFmpeg's message for an error, in words a user can act on.
pub fn describe_ffmpeg_error(e: &ffmpeg::Error) -> String {
    match e {
        ffmpeg::Error::InvalidData => {
            "FFmpeg does not recognise the data; the file may be damaged, truncated or not a video"
                .into()
        }
        ffmpeg::Error::StreamNotFound => "no stream found".into(),
        ffmpeg::Error::DecoderNotFound => "no decoder for this codec".into(),
        ffmpeg::Error::Eof => "unexpected end of file".into(),
        other => other.to_string(),
    }
}
