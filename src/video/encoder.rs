//! Writing a video: H.264 (libx264, where this FFmpeg has it) or else MPEG-4, in an
//! MP4 any player opens, with the frames' own timestamps kept. The file is written
//! under a temporary name beside the target and renamed when complete, so a cancelled
//! or failed render leaves no half-written video.

use std::path::{Path, PathBuf};

use ffmpeg::{Dictionary, Packet, Rational, codec, encoder, format};
use ffmpeg_next as ffmpeg;

use super::canvas::FrameCanvas;
use super::error::{VideoError, VideoResult};
use super::source::init_ffmpeg;

/// How a video is encoded.
#[derive(Clone, Debug)]
pub struct EncodeSettings {
    pub width: u32,
    pub height: u32,
    /// The stream's time base: frames carry timestamps in it.
    pub time_base: (i32, i32),
    /// The nominal frame rate, for players that want one.
    pub frame_rate: (i32, i32),
    /// x264's preset (`ultrafast` … `veryslow`); MPEG-4 ignores it.
    pub preset: String,
    /// x264's constant rate factor (lower is better); MPEG-4 gets a fixed quality.
    pub crf: u32,
    /// The colour tags written, the source's, so players convert as they did.
    pub color_space: ffmpeg::color::Space,
    pub color_range: ffmpeg::color::Range,
}

/// An open output video.
pub struct VideoEncoder {
    path: PathBuf,
    tmp: PathBuf,
    octx: format::context::Output,
    encoder: encoder::Video,
    time_base: Rational,
    stream_time_base: Rational,
    codec_name: String,
    frames: usize,
    /// One frame's duration in the time base: each packet's (without one, the MP4's
    /// edit list leaves the last frame out).
    frame_ticks: i64,
}

fn err(path: &Path, e: ffmpeg::Error) -> VideoError {
    VideoError::Io {
        path: path.to_owned(),
        reason: super::source::describe_ffmpeg_error(&e),
    }
}

impl VideoEncoder {
    /// Opens `path` (an `.mp4`) for writing frames of `settings`.
    pub fn create(path: &Path, settings: &EncodeSettings) -> VideoResult<Self> {
        init_ffmpeg();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => PathBuf::from("."),
        };
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("mp4");
        let tmp = dir.join(format!(
            ".kinelab-tmp-{}-{}.{ext}",
            std::process::id(),
            path.file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        ));
        let mut octx = format::output(&tmp).map_err(|e| err(path, e))?;
        let global_header = octx.format().flags().contains(format::Flags::GLOBAL_HEADER);
        let codec = encoder::find(codec::Id::H264)
            .or_else(|| encoder::find(codec::Id::MPEG4))
            .ok_or_else(|| VideoError::NoEncoder {
                path: path.to_owned(),
            })?;
        let codec_name = codec.name().to_owned();
        let is_h264 = codec.id() == codec::Id::H264;
        let mut ost = octx.add_stream(codec).map_err(|e| err(path, e))?;
        let mut enc = codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()
            .map_err(|e| err(path, e))?;
        let time_base = Rational(settings.time_base.0, settings.time_base.1);
        enc.set_width(settings.width);
        enc.set_height(settings.height);
        enc.set_format(format::Pixel::YUV420P);
        enc.set_time_base(time_base);
        enc.set_colorspace(settings.color_space);
        enc.set_color_range(settings.color_range);
        enc.set_frame_rate(Some(Rational(settings.frame_rate.0, settings.frame_rate.1)));
        if global_header {
            enc.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let mut options = Dictionary::new();
        if is_h264 {
            options.set("preset", &settings.preset);
            options.set("crf", &settings.crf.to_string());
        } else {
            options.set("qscale", "3");
        }
        let encoder = enc.open_with(options).map_err(|e| err(path, e))?;
        ost.set_parameters(&encoder);
        ost.set_time_base(time_base);
        let mut muxer_options = Dictionary::new();
        // The index first, so players start before the whole file is read.
        muxer_options.set("movflags", "+faststart");
        octx.write_header_with(muxer_options)
            .map_err(|e| err(path, e))?;
        let stream_time_base = octx.stream(0).map_or(time_base, |s| s.time_base());
        let (fr_num, fr_den) = settings.frame_rate;
        let (tb_num, tb_den) = settings.time_base;
        let frame_ticks = (i64::from(fr_den) * i64::from(tb_den))
            .checked_div(i64::from(fr_num) * i64::from(tb_num))
            .unwrap_or(1)
            .max(1);
        Ok(Self {
            path: path.to_owned(),
            frame_ticks,
            tmp,
            octx,
            encoder,
            time_base,
            stream_time_base,
            codec_name,
            frames: 0,
        })
    }

    /// The encoder's name (`libx264`, `mpeg4`).
    pub fn codec_name(&self) -> &str {
        &self.codec_name
    }

    /// Encodes one frame with timestamp `pts` (in the time base given).
    pub fn encode(&mut self, frame: &FrameCanvas, pts: i64) -> VideoResult<()> {
        let mut raw = frame.to_ffmpeg();
        raw.set_pts(Some(pts));
        raw.set_kind(ffmpeg::picture::Type::None);
        self.encoder
            .send_frame(&raw)
            .map_err(|e| err(&self.path, e))?;
        self.frames += 1;
        self.write_packets()
    }

    fn write_packets(&mut self) -> VideoResult<()> {
        let mut packet = Packet::empty();
        while self.encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(0);
            packet.set_duration(self.frame_ticks);
            packet.rescale_ts(self.time_base, self.stream_time_base);
            packet
                .write_interleaved(&mut self.octx)
                .map_err(|e| err(&self.path, e))?;
        }
        Ok(())
    }

    /// Flushes the encoder, completes the file and puts it in place. Returns the number
    /// of frames written.
    pub fn finish(mut self) -> VideoResult<usize> {
        self.encoder.send_eof().map_err(|e| err(&self.path, e))?;
        self.write_packets()?;
        self.octx.write_trailer().map_err(|e| err(&self.path, e))?;
        // On disk before it takes the target's name.
        std::fs::File::open(&self.tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| VideoError::Io {
                path: self.path.clone(),
                reason: e.to_string(),
            })?;
        std::fs::rename(&self.tmp, &self.path).map_err(|e| VideoError::Io {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        let frames = self.frames;
        // Nothing left to remove in `drop`.
        self.tmp = PathBuf::new();
        Ok(frames)
    }
}

impl Drop for VideoEncoder {
    /// A render that did not finish (cancelled, failed) leaves no file behind.
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
