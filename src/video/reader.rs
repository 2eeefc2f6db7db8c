//! Exact random access to the frames of one video, on the calling thread.
//!
//! To reach frame `i`, the reader seeks the demuxer to the keyframe at or before it,
//! skips packets (without decoding) until that keyframe's packet, then decodes forward
//! and matches each output frame to the index by PTS. When the target lies ahead of
//! the decoder's position and no closer keyframe exists, it decodes forward without a
//! seek, as stepping and playback do.

use std::path::Path;
use std::sync::Arc;

use ffmpeg_next as ffmpeg;

use super::error::{VideoError, VideoResult};
use super::frame::VideoFrame;
use super::index::{FrameIndex, FrameTiming, PacketEntry, SeekPoint};
use super::index_cache;
use super::source::{OpenedSource, VideoInfo, describe_ffmpeg_error};
use crate::util::fingerprint::FileFingerprint;

/// How the reader is set up.
#[derive(Clone, Copy, Debug)]
pub struct ReaderOptions {
    /// Decoder threads; 0 = one per core (FFmpeg's choice).
    pub threads: usize,
    /// Read and write the sidecar index cache.
    pub use_index_cache: bool,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        Self {
            threads: 0,
            use_index_cache: true,
        }
    }
}

/// Whether a frame request may reuse the decoder's current position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekMode {
    /// Decode forward from the current position when that is no more work than a seek.
    Auto,
    /// Always seek to the target's keyframe (a cold access).
    Always,
}

/// Whether frames on the way to the target are decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeScope {
    /// Every frame on the way is decoded and passed on (to fill a cache).
    Everything,
    /// Frames before the target that no other frame references are skipped: the
    /// shortest path to one frame, for jumps. Frames after the target are decoded,
    /// so decoding forward from it stays exact.
    TargetOnly,
}

/// Where the decoder stands.
#[derive(Clone, Copy, Debug)]
enum Position {
    /// The container is at its start and the decoder is empty.
    Start,
    /// Decoding forward since a seek or the start.
    Decoding(DecodeState),
}

/// The decoder's progress since the last seek.
#[derive(Clone, Copy, Debug)]
struct DecodeState {
    /// DTS of the last packet sent to the decoder.
    last_fed_dts: i64,
    /// Last frame the decoder produced since the seek.
    last_output_frame: Option<usize>,
    /// Packets are skipped until this keyframe packet is read.
    skip_until: Option<SeekPoint>,
    /// The demuxer hit the end and the decoder was told so.
    eof_sent: bool,
    /// The decoder was drained right after a keyframe (not at the end of the file):
    /// sequential reading goes on by seeking to the frame after it.
    drained_early: bool,
    /// The seek fell back to reading from the start once already.
    retried_from_start: bool,
    /// Under `FrameTiming::DecodeOrder`: the index of the next frame to come out, once
    /// counting has started.
    next_output_frame: usize,
    /// Under `FrameTiming::DecodeOrder`: after a seek, outputs before the keyframe's own
    /// (leading B-frames whose references were skipped) are not counted.
    awaiting_key_output: bool,
    /// The largest PTS of a packet fed while non-reference frames were skipped: such a
    /// frame may never come out, so decoding forward cannot reach it (a request that
    /// skipped toward one target, cancelled for another behind it).
    skipped_up_to_pts: Option<i64>,
}

impl DecodeState {
    fn skipping_to(skip_until: Option<SeekPoint>) -> Self {
        Self {
            last_fed_dts: i64::MIN,
            last_output_frame: None,
            skip_until,
            eof_sent: false,
            drained_early: false,
            retried_from_start: false,
            next_output_frame: skip_until.map_or(0, |sp| sp.frame_idx),
            awaiting_key_output: skip_until.is_some_and(|sp| sp.decode_pos > 0),
            skipped_up_to_pts: None,
        }
    }
}

/// The index of `path` from the sidecar cache, without opening the file.
fn cached_index(path: &Path) -> Option<Arc<FrameIndex>> {
    let fingerprint = FileFingerprint::of_file(path).ok()?;
    index_cache::load(&fingerprint).map(Arc::new)
}

/// Scans an opened source (leaving it at its end) and caches the index.
fn scan_and_cache(
    source: &mut OpenedSource,
    use_cache: bool,
    on_progress: &mut dyn FnMut(u64),
) -> VideoResult<Arc<FrameIndex>> {
    let index = FrameIndex::scan(source, on_progress)?;
    if use_cache && let Ok(fingerprint) = FileFingerprint::of_file(&source.info.path) {
        index_cache::store(&fingerprint, &index);
    }
    Ok(Arc::new(index))
}

/// The frame index of an opened source: from the sidecar cache, or by scanning the
/// source itself, so the file is opened (and probed) once.
pub fn index_source(
    source: &mut OpenedSource,
    use_cache: bool,
    on_progress: &mut dyn FnMut(u64),
) -> VideoResult<Arc<FrameIndex>> {
    if use_cache && let Some(index) = cached_index(&source.info.path) {
        return Ok(index);
    }
    scan_and_cache(source, use_cache, on_progress)
}

/// The frame index of `path`: from the sidecar cache without opening the file, or by
/// opening and scanning it. For a thread that indexes while another decodes.
pub fn load_or_scan_index(
    path: &Path,
    use_cache: bool,
    on_progress: &mut dyn FnMut(u64),
) -> VideoResult<Arc<FrameIndex>> {
    if use_cache && let Some(index) = cached_index(path) {
        return Ok(index);
    }
    scan_and_cache(&mut OpenedSource::open_quick(path)?, use_cache, on_progress)
}

/// Decodes the first frame without an index: what a viewer shows while the index of a
/// long video is still being built. The first frame the decoder outputs is frame 0.
/// One decoder thread: frame threading would hold the first frame back until several
/// packets had been decoded.
pub fn decode_first_frame(path: &Path) -> VideoResult<VideoFrame> {
    SequentialDecoder::open(path, 1)?
        .next_frame()?
        .ok_or_else(|| VideoError::Decode {
            path: path.to_owned(),
            frame_idx: 0,
            reason: "no frame could be decoded".into(),
        })
}

/// Decodes a video once from start to end without an index: for full passes (frame
/// counting, throughput, clustering) that should not pay for a scan first. Frames are
/// numbered in output order, which is presentation order.
pub struct SequentialDecoder {
    source: OpenedSource,
    decoder: ffmpeg::decoder::Video,
    packet: ffmpeg::Packet,
    eof_sent: bool,
    next_frame_idx: usize,
}

impl SequentialDecoder {
    pub fn open(path: &Path, threads: usize) -> VideoResult<Self> {
        Self::from_source(OpenedSource::open_quick(path)?, threads)
    }

    /// Decodes `source` from where its demuxer stands (its start, when fresh).
    pub fn from_source(source: OpenedSource, threads: usize) -> VideoResult<Self> {
        let decoder = source.open_decoder(threads)?;
        Ok(Self {
            source,
            decoder,
            packet: ffmpeg::Packet::empty(),
            eof_sent: false,
            next_frame_idx: 0,
        })
    }

    pub fn info(&self) -> &VideoInfo {
        &self.source.info
    }

    /// Gives the opened source back, for a `VideoReader` to go on with.
    pub fn into_source(self) -> OpenedSource {
        self.source
    }

    /// The next frame, or `None` after the last.
    pub fn next_frame(&mut self) -> VideoResult<Option<VideoFrame>> {
        loop {
            let mut raw = ffmpeg::frame::Video::empty();
            match self.decoder.receive_frame(&mut raw) {
                Ok(()) => {
                    let pts = raw.pts().or_else(|| raw.timestamp()).unwrap_or(i64::MIN);
                    let frame = VideoFrame::new(raw, self.next_frame_idx, pts);
                    self.next_frame_idx += 1;
                    return Ok(Some(frame));
                }
                Err(ffmpeg::Error::Eof) => return Ok(None),
                // EAGAIN (needs input) or a damaged frame: feed more, unless at the end.
                Err(_) if self.eof_sent => return Ok(None),
                Err(_) => {}
            }
            match self.source.read_packet(&mut self.packet) {
                Ok(())
                    if self.packet.stream() == self.source.stream_index
                        && self.packet.size() > 0 =>
                {
                    if let Err(e) = self.decoder.send_packet(&self.packet) {
                        tracing::debug!(
                            "damaged packet in {}: {e}",
                            self.source.info.path.display()
                        );
                    }
                }
                Ok(()) | Err(ffmpeg::Error::InvalidData) => {}
                Err(e) => {
                    if e != ffmpeg::Error::Eof {
                        tracing::debug!(
                            "read error in {}: {}",
                            self.source.info.path.display(),
                            describe_ffmpeg_error(&e)
                        );
                    }
                    let _ = self.decoder.send_eof();
                    self.eof_sent = true;
                }
            }
        }
    }
}

/// Exact, frame-indexed reading of one video.
pub struct VideoReader {
    source: OpenedSource,
    decoder: ffmpeg::decoder::Video,
    index: Arc<FrameIndex>,
    position: Position,
    /// The decoder currently skips non-reference frames.
    skipping_nonref: bool,
}

impl VideoReader {
    /// Opens `path` with default options, building or loading its index (blocking).
    pub fn open(path: &Path) -> VideoResult<Self> {
        Self::open_with(path, ReaderOptions::default())
    }

    /// Opens `path`, building or loading its index (blocking). The file is opened
    /// once: a scan reads the same source the reader then decodes.
    pub fn open_with(path: &Path, options: ReaderOptions) -> VideoResult<Self> {
        let mut source = OpenedSource::open_quick(path)?;
        let index = index_source(&mut source, options.use_index_cache, &mut |_| {})?;
        Self::from_source(source, index, options.threads)
    }

    /// Opens `path` with an index built elsewhere (e.g. on a background thread).
    pub fn open_with_index(
        path: &Path,
        index: Arc<FrameIndex>,
        threads: usize,
    ) -> VideoResult<Self> {
        Self::from_source(OpenedSource::open_quick(path)?, index, threads)
    }

    /// A reader over an opened source, wherever its demuxer stands (after a scan or a
    /// first-frame decode, the first request seeks).
    pub fn from_source(
        source: OpenedSource,
        index: Arc<FrameIndex>,
        threads: usize,
    ) -> VideoResult<Self> {
        let decoder = source.open_decoder(threads)?;
        let at_start = source.at_start();
        let mut reader = Self {
            source,
            decoder,
            index,
            position: Position::Start,
            skipping_nonref: false,
        };
        if !at_start {
            reader.seek_to(None);
        }
        Ok(reader)
    }

    pub fn info(&self) -> &VideoInfo {
        &self.source.info
    }

    pub fn path(&self) -> &Path {
        &self.source.info.path
    }

    pub fn index(&self) -> &Arc<FrameIndex> {
        &self.index
    }

    /// Exact number of frames.
    pub fn frame_count(&self) -> usize {
        self.index.frame_count()
    }

    /// Frame `frame_idx`, exactly.
    pub fn frame(&mut self, frame_idx: usize) -> VideoResult<VideoFrame> {
        self.frame_with(
            frame_idx,
            SeekMode::Auto,
            DecodeScope::TargetOnly,
            &mut |_| {},
            &|| false,
        )
    }

    /// Frame `frame_idx`, exactly. Every frame decoded on the way is passed to
    /// `on_decoded` (to fill a cache). `cancelled` is polled between packets; when it
    /// returns true the work stops with `VideoError::Cancelled`.
    pub fn frame_with(
        &mut self,
        frame_idx: usize,
        mode: SeekMode,
        scope: DecodeScope,
        on_decoded: &mut dyn FnMut(&VideoFrame),
        cancelled: &dyn Fn() -> bool,
    ) -> VideoResult<VideoFrame> {
        let frame_count = self.frame_count();
        if frame_idx >= frame_count {
            return Err(VideoError::FrameOutOfRange {
                path: self.path().to_owned(),
                frame_idx,
                frame_count,
            });
        }
        let seek_point = self.index.seek_point_for(frame_idx);
        let seeks = mode == SeekMode::Always || !self.can_decode_forward_to(frame_idx, seek_point);
        if seeks {
            self.seek_to(seek_point);
        }
        let skip_before_pts = match (scope, self.index.timing()) {
            (DecodeScope::TargetOnly, FrameTiming::Pts) => self.index.pts_of(frame_idx),
            // Without PTS a packet's place in display order is unknown: decode all.
            _ => None,
        };
        // A keyframe needs no other packet: drain the decoder right after it instead
        // of feeding the frames that follow until the reorder and thread delays let it
        // out. The next request then seeks. (What a scrubbing drag asks for.)
        let drain_after_pts = skip_before_pts
            .filter(|_| self.index.keyframe_frame_at_or_before(frame_idx) == frame_idx);
        let found = self.decode_forward_skipping(
            skip_before_pts,
            drain_after_pts,
            &mut |frame| {
                on_decoded(frame);
                if frame.frame_idx() >= frame_idx {
                    Some(frame.clone())
                } else {
                    None
                }
            },
            cancelled,
        )?;
        match found {
            Some(frame) if frame.frame_idx() == frame_idx => Ok(frame),
            // Decoding on from where the decoder stood missed it: it is said to be
            // missing only once a fresh seek misses it too.
            _ if !seeks => {
                self.frame_with(frame_idx, SeekMode::Always, scope, on_decoded, cancelled)
            }
            Some(_) => Err(self.decode_error(
                frame_idx,
                "the decoder skipped it; the stream may be damaged there",
            )),
            None => Err(self.decode_error(frame_idx, "the stream ended before it")),
        }
    }

    /// The next frame in presentation order after the last one decoded (frame 0 on a
    /// fresh reader), or `None` at the end. For sequential passes over a video.
    pub fn next_frame(&mut self) -> VideoResult<Option<VideoFrame>> {
        if let Position::Decoding(state) = self.position
            && state.drained_early
        {
            let next = state.last_output_frame.map_or(0, |f| f + 1);
            if next >= self.frame_count() {
                return Ok(None);
            }
            return self
                .frame_with(
                    next,
                    SeekMode::Auto,
                    DecodeScope::Everything,
                    &mut |_| {},
                    &|| false,
                )
                .map(Some);
        }
        self.decode_forward_skipping(None, None, &mut |frame| Some(frame.clone()), &|| false)
    }

    fn can_decode_forward_to(&self, frame_idx: usize, seek_point: Option<SeekPoint>) -> bool {
        match self.position {
            Position::Start => seek_point.is_none_or(|sp| sp.decode_pos == 0),
            Position::Decoding(state) => {
                !state.eof_sent
                    && state.skip_until.is_none()
                    && state.last_output_frame.is_none_or(|last| last < frame_idx)
                    && seek_point.is_none_or(|sp| sp.dts <= state.last_fed_dts)
                    && state.skipped_up_to_pts.is_none_or(|skipped| {
                        self.index
                            .pts_of(frame_idx)
                            .is_some_and(|pts| pts > skipped)
                    })
            }
        }
    }

    /// Positions the demuxer so that the next packet fed is `seek_point`'s keyframe
    /// (or the stream's first packet for `None`).
    fn seek_to(&mut self, seek_point: Option<SeekPoint>) {
        self.decoder.flush();
        let target = seek_point.or_else(|| self.first_packet_point());
        let Some(target) = target else {
            self.reopen_at_start();
            return;
        };
        if !self.source.seek_at_or_before(target.dts.min(target.pts)) {
            self.reopen_at_start();
        }
        self.position = Position::Decoding(DecodeState::skipping_to(Some(target)));
    }

    fn first_packet_point(&self) -> Option<SeekPoint> {
        self.index.packets().first().map(|p| SeekPoint {
            pts: p.pts,
            dts: p.dts,
            decode_pos: 0,
            frame_idx: 0,
        })
    }

    /// Reopens the container, which is positioned at its start: the fallback for
    /// demuxers that cannot seek to a given packet.
    fn reopen_at_start(&mut self) {
        match OpenedSource::open_quick(self.path()) {
            Ok(source) => self.source = source,
            Err(e) => tracing::warn!("reopening failed: {e}"),
        }
        self.decoder.flush();
        self.position = Position::Start;
    }

    /// Decodes forward, passing each output frame to `visit` until it returns
    /// `Some`. Returns `None` at the end of the stream.
    /// `skip_before_pts`: packets of non-reference frames shown before this PTS are
    /// not decoded.
    fn decode_forward_skipping(
        &mut self,
        skip_before_pts: Option<i64>,
        drain_after_pts: Option<i64>,
        visit: &mut dyn FnMut(&VideoFrame) -> Option<VideoFrame>,
        cancelled: &dyn Fn() -> bool,
    ) -> VideoResult<Option<VideoFrame>> {
        let mut state = match self.position {
            Position::Start => DecodeState::skipping_to(None),
            Position::Decoding(state) => state,
        };
        let result = self.decode_forward_from(
            &mut state,
            skip_before_pts,
            drain_after_pts,
            visit,
            cancelled,
        );
        self.position = Position::Decoding(state);
        self.set_skip_nonref(false);
        result
    }

    fn set_skip_nonref(&mut self, skip: bool) {
        if self.skipping_nonref != skip {
            self.decoder.skip_frame(if skip {
                ffmpeg::Discard::NonReference
            } else {
                ffmpeg::Discard::Default
            });
            self.skipping_nonref = skip;
        }
    }

    fn decode_forward_from(
        &mut self,
        state: &mut DecodeState,
        skip_before_pts: Option<i64>,
        drain_after_pts: Option<i64>,
        visit: &mut dyn FnMut(&VideoFrame) -> Option<VideoFrame>,
        cancelled: &dyn Fn() -> bool,
    ) -> VideoResult<Option<VideoFrame>> {
        let mut packet = ffmpeg::Packet::empty();
        loop {
            // Take every frame the decoder has ready before feeding it more.
            loop {
                let mut raw = ffmpeg::frame::Video::empty();
                match self.decoder.receive_frame(&mut raw) {
                    Ok(()) => {
                        let pts = raw.pts().or_else(|| raw.timestamp());
                        let frame_idx = match self.index.timing() {
                            FrameTiming::Pts => pts.and_then(|pts| self.index.frame_of_pts(pts)),
                            FrameTiming::DecodeOrder => {
                                if state.awaiting_key_output && !raw.is_key() {
                                    None
                                } else {
                                    state.awaiting_key_output = false;
                                    state.next_output_frame += 1;
                                    Some(state.next_output_frame - 1)
                                        .filter(|&i| i < self.index.frame_count())
                                }
                            }
                        };
                        let Some(frame_idx) = frame_idx else { continue };
                        let pts = self.index.pts_of(frame_idx).unwrap_or_default();
                        state.last_output_frame = Some(frame_idx);
                        let frame = VideoFrame::new(raw, frame_idx, pts);
                        if let Some(found) = visit(&frame) {
                            return Ok(Some(found));
                        }
                    }
                    Err(ffmpeg::Error::Other { errno }) if errno == EAGAIN => break,
                    Err(ffmpeg::Error::Eof) => return Ok(None),
                    Err(e) => {
                        // A damaged frame: the decoder reports it and goes on.
                        tracing::debug!("decode error in {}: {e}", self.path().display());
                        break;
                    }
                }
            }
            if state.eof_sent {
                // Drained after the end and nothing more came out.
                return Ok(None);
            }
            if cancelled() {
                return Err(VideoError::Cancelled {
                    path: self.path().to_owned(),
                });
            }
            match self.source.read_packet(&mut packet) {
                Ok(()) => {}
                Err(ffmpeg::Error::InvalidData) => continue,
                Err(ffmpeg::Error::Eof) if state.skip_until.is_some() => {
                    // The seek went past the keyframe: read from the start instead.
                    self.restart_from_start(state)?;
                    continue;
                }
                Err(e) => {
                    // The end, or a read error mid-file (truncated or damaged): let the
                    // decoder finish what it has, then stop.
                    if e != ffmpeg::Error::Eof {
                        tracing::debug!(
                            "read error in {}: {}",
                            self.path().display(),
                            describe_ffmpeg_error(&e)
                        );
                    }
                    let _ = self.decoder.send_eof();
                    state.eof_sent = true;
                    continue;
                }
            }
            if packet.stream() != self.source.stream_index || packet.size() == 0 {
                continue;
            }
            let entry = PacketEntry::of_packet(&packet, state.last_fed_dts);
            if let Some(target) = state.skip_until {
                let pts_match =
                    entry.pts == target.pts || self.index.timing() == FrameTiming::DecodeOrder;
                if pts_match && entry.dts == target.dts {
                    state.skip_until = None;
                } else {
                    if entry.dts > target.dts {
                        // The demuxer landed after the keyframe.
                        self.restart_from_start(state)?;
                    }
                    continue;
                }
            }
            state.last_fed_dts = entry.dts;
            // The decoder reads skip_frame when the packet is submitted, so it can be
            // set per packet, frame threads included.
            let skip = skip_before_pts.is_some_and(|limit| entry.pts < limit);
            if skip {
                state.skipped_up_to_pts =
                    Some(state.skipped_up_to_pts.unwrap_or(i64::MIN).max(entry.pts));
            }
            self.set_skip_nonref(skip);
            if let Err(e) = self.decoder.send_packet(&packet) {
                tracing::debug!("damaged packet in {}: {e}", self.path().display());
            }
            if drain_after_pts.is_some_and(|pts| entry.is_key && entry.pts == pts) {
                let _ = self.decoder.send_eof();
                state.eof_sent = true;
                state.drained_early = true;
            }
        }
    }

    /// Falls back to reading from the start of the file to find the keyframe that a
    /// seek missed. Gives up the second time.
    fn restart_from_start(&mut self, state: &mut DecodeState) -> VideoResult<()> {
        if state.retried_from_start {
            return Err(VideoError::Io {
                path: self.path().to_owned(),
                reason: "cannot reach the keyframe before the frame".into(),
            });
        }
        let target = state.skip_until;
        self.reopen_at_start();
        *state = DecodeState {
            retried_from_start: true,
            ..DecodeState::skipping_to(target)
        };
        Ok(())
    }

    fn decode_error(&self, frame_idx: usize, reason: &str) -> VideoError {
        VideoError::Decode {
            path: self.path().to_owned(),
            frame_idx,
            reason: reason.to_owned(),
        }
    }
}

/// POSIX EAGAIN, which FFmpeg returns as AVERROR(EAGAIN) when it needs more input.
const EAGAIN: i32 = 11;
