//! The frames of the video on screen: asks the decode worker for the frame the person
//! wants and shows, at once, the nearest frame already decoded until the exact one
//! arrives. Never blocks the UI thread.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::video::{
    DecodeWorker, FrameIndex, ScreenFormat, VideoFrame, VideoInfo, WorkerConfig, WorkerEvent,
};

/// While a request has shown nothing yet, newer wants wait for it (up to this long)
/// instead of replacing it. Replacing it at once on every pointer move would cancel each
/// seek before its keyframe decodes, and a fast drag would show nothing until it stops.
pub const SCRUB_HOLD: Duration = Duration::from_millis(250);

/// A dragging pointer that has not moved for this long is resting: decode the exact
/// frame under it.
pub const SCRUB_REST: Duration = Duration::from_millis(80);

/// The state of the video being shown.
pub struct FrameFeed {
    path: PathBuf,
    worker: DecodeWorker,
    info: Option<VideoInfo>,
    index: Option<Arc<FrameIndex>>,
    /// The frame the person wants.
    wanted: usize,
    /// Generation of the request in flight, and when it was sent.
    pending: Option<u64>,
    /// The frame the request in flight asks for.
    pending_frame: usize,
    pending_since: Instant,
    /// Whether the request in flight has shown something (its preview) yet.
    pending_answered: bool,
    /// A frame to request once the request in flight has shown something (see
    /// `SCRUB_HOLD`).
    deferred: Option<usize>,
    /// While the pointer drags: the frame under it, and when it last moved. Only
    /// keyframes are decoded until it rests.
    scrub: Option<(usize, Instant)>,
    /// What is on screen: the wanted frame, or the nearest one while it decodes.
    shown: Option<VideoFrame>,
    /// Bumped whenever `shown` changes, so a texture is re-uploaded only then.
    shown_version: u64,
    error: Option<String>,
    /// Frames of the index that could not be decoded (a truncated or damaged file), with
    /// why. Such a frame is never stood in for by another.
    missing: BTreeMap<usize, String>,
}

impl FrameFeed {
    /// Starts decoding `path` (a video file, or with `images` the folder holding those
    /// image files, one per frame); `repaint` wakes the UI when a frame arrives.
    pub fn open(
        path: &Path,
        images: Option<&[String]>,
        cache_bytes: usize,
        screen_format: ScreenFormat,
        repaint: impl Fn() + Send + 'static,
    ) -> Self {
        let config = WorkerConfig {
            cache_bytes,
            screen_format,
            threads: std::env::var("KINELAB_DECODE_THREADS")
                .ok()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0),
            ..WorkerConfig::default()
        };
        let worker = match images {
            Some(files) => DecodeWorker::spawn_images(path, files, config, repaint),
            None => DecodeWorker::spawn(path, config, repaint),
        };
        let generation = worker.request(0);
        Self {
            path: path.to_owned(),
            worker,
            info: None,
            index: None,
            wanted: 0,
            pending: Some(generation),
            pending_frame: 0,
            pending_since: Instant::now(),
            pending_answered: false,
            deferred: None,
            scrub: None,
            shown: None,
            shown_version: 0,
            error: None,
            missing: BTreeMap::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn info(&self) -> Option<&VideoInfo> {
        self.info.as_ref()
    }

    /// The frame index, once built (exact seeking and keyframes).
    pub fn index(&self) -> Option<&Arc<FrameIndex>> {
        self.index.as_ref()
    }

    /// Why the video cannot be shown, if it cannot.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn wanted(&self) -> usize {
        self.wanted
    }

    /// What to draw, and its version (changes whenever the frame does). Nothing while
    /// the wanted frame is known not to decode: another frame must not pose as it.
    pub fn shown(&self) -> Option<(&VideoFrame, u64)> {
        if self.missing.contains_key(&self.wanted) {
            return None;
        }
        self.shown.as_ref().map(|f| (f, self.shown_version))
    }

    /// Why frame `frame_idx` cannot be shown, when it could not be decoded.
    pub fn missing(&self, frame_idx: usize) -> Option<&str> {
        self.missing.get(&frame_idx).map(String::as_str)
    }

    /// The frames found not to decode so far, ascending.
    pub fn missing_frames(&self) -> impl Iterator<Item = usize> + '_ {
        self.missing.keys().copied()
    }

    /// Whether the frame on screen is the one wanted.
    pub fn is_exact(&self) -> bool {
        self.shown
            .as_ref()
            .is_some_and(|f| f.frame_idx() == self.wanted && self.is_full_size(f))
    }

    /// Whether `frame` is a decoded frame and not a keyframe thumbnail.
    fn is_full_size(&self, frame: &VideoFrame) -> bool {
        self.info.as_ref().is_none_or(|i| frame.width() == i.width)
    }

    fn show(&mut self, frame: VideoFrame) {
        // A thumbnail and the full frame share an index: tell them apart by size.
        let same = self
            .shown
            .as_ref()
            .is_some_and(|f| f.frame_idx() == frame.frame_idx() && f.width() == frame.width());
        if !same {
            self.shown = Some(frame);
            self.shown_version += 1;
        }
    }

    /// Wants frame `frame_idx`: shown at once from the cache if it is there, else the
    /// nearest decoded frame is shown while the worker decodes it.
    pub fn want(&mut self, frame_idx: usize) {
        self.scrub = None;
        let asked = (self.pending.is_some() && self.pending_frame == frame_idx)
            || self.deferred == Some(frame_idx);
        if frame_idx == self.wanted && (asked || self.is_exact()) {
            return;
        }
        self.wanted = frame_idx;
        if self.missing.contains_key(&frame_idx) {
            // Known not to decode: nothing to ask for, nothing to stand in for it.
            self.pending = None;
            self.deferred = None;
            return;
        }
        let (exact, nearest) = {
            let mut cache = self.worker.cache().lock();
            match cache.get(frame_idx) {
                Some(frame) => (Some(frame), None),
                None => (None, cache.nearest(frame_idx)),
            }
        };
        if let Some(frame) = exact {
            self.show(frame);
            self.pending = None;
            self.deferred = None;
            // Still tell the worker, so it prefetches in the direction of travel.
            self.worker.request(frame_idx);
            return;
        }
        if let Some(frame) = nearest {
            self.show(frame);
        }
        if self.pending.is_some()
            && !self.pending_answered
            && self.pending_since.elapsed() < SCRUB_HOLD
        {
            self.deferred = Some(frame_idx);
        } else {
            self.send_request(frame_idx);
        }
    }

    /// Wants `frame_idx` while the pointer drags: the keyframe at or before it is
    /// decoded (one frame, the quickest to reach), and the exact frame once the pointer
    /// rests for `SCRUB_REST` or `want` is called.
    pub fn want_while_scrubbing(&mut self, frame_idx: usize) {
        let Some(index) = self.index.clone() else {
            return self.want(frame_idx);
        };
        let keyframe = index.keyframe_frame_at_or_before(frame_idx);
        // A decoded frame between the keyframe and the target is as good or better.
        let near = {
            let cache = self.worker.cache().lock();
            cache
                .nearest(frame_idx)
                .filter(|f| (keyframe..=frame_idx).contains(&f.frame_idx()))
        };
        match near {
            Some(frame) => {
                self.show(frame);
                self.wanted = frame_idx;
            }
            None => {
                self.want(keyframe);
                self.wanted = frame_idx;
                // Until the keyframe decodes, the nearest thumbnail, if it is nearer
                // than what is on screen.
                let thumb = self.worker.thumbnails().lock().ok().and_then(|thumbs| {
                    let before = thumbs.range(..=frame_idx).next_back();
                    let after = thumbs.range(frame_idx..).next();
                    before
                        .into_iter()
                        .chain(after)
                        .min_by_key(|(k, _)| k.abs_diff(frame_idx))
                        .map(|(_, t)| t.clone())
                });
                let shown_distance = self
                    .shown
                    .as_ref()
                    .map_or(usize::MAX, |f| f.frame_idx().abs_diff(frame_idx));
                if let Some(thumb) = thumb
                    && thumb.frame_idx().abs_diff(frame_idx) < shown_distance
                {
                    self.show(thumb);
                }
            }
        }
        // Set last: `want` ends a scrub.
        self.scrub = Some((frame_idx, Instant::now()));
    }

    fn send_request(&mut self, frame_idx: usize) {
        self.pending = Some(self.worker.request(frame_idx));
        self.pending_frame = frame_idx;
        self.pending_since = Instant::now();
        self.pending_answered = false;
        self.deferred = None;
    }

    /// When the UI must poll again even if no event arrives (a deferred request, or
    /// a pointer resting while it drags).
    pub fn repaint_after(&self) -> Option<Duration> {
        let hold = self
            .deferred
            .map(|_| SCRUB_HOLD.saturating_sub(self.pending_since.elapsed()));
        let rest = self
            .scrub
            .map(|(_, moved)| SCRUB_REST.saturating_sub(moved.elapsed()));
        hold.into_iter().chain(rest).min()
    }

    /// Takes the worker's news. Returns true when what is shown changed.
    pub fn poll(&mut self) -> bool {
        let before = self.shown_version;
        for event in self.worker.poll_events() {
            match event {
                WorkerEvent::Opened(info) => self.info = Some(info),
                WorkerEvent::IndexReady(index) => self.index = Some(index),
                WorkerEvent::Frame { generation, frame } => {
                    if Some(generation) == self.pending || frame.frame_idx() == self.wanted {
                        self.pending = None;
                        self.show(frame);
                    } else if !self.is_exact() {
                        // A frame for an older request: still nearer than nothing while
                        // the pointer moves.
                        self.show(frame);
                    }
                }
                WorkerEvent::Preview { generation, frame } => {
                    if Some(generation) == self.pending {
                        self.pending_answered = true;
                        if !self.is_exact() {
                            self.show(frame);
                        }
                    }
                }
                WorkerEvent::Failed {
                    generation,
                    frame_idx,
                    error,
                } => {
                    if let Some(frame_idx) = frame_idx
                        && let crate::video::VideoError::Decode { reason, .. } = error.as_ref()
                    {
                        self.missing.insert(frame_idx, reason.clone());
                    }
                    if frame_idx.is_none() || Some(generation) == self.pending {
                        self.pending = None;
                        self.error = Some(error.to_string());
                    }
                }
            }
        }
        if self.is_exact() {
            self.error = None;
            self.deferred = None;
        }
        if let Some((target, moved)) = self.scrub
            && moved.elapsed() >= SCRUB_REST
        {
            self.want(target);
        }
        if let Some(frame_idx) = self.deferred
            && (self.pending.is_none()
                || self.pending_answered
                || self.pending_since.elapsed() >= SCRUB_HOLD)
        {
            self.send_request(frame_idx);
        }
        self.shown_version != before
    }

    /// How many keyframe thumbnails the worker has decoded (for scrubbing).
    pub fn thumbnail_count(&self) -> usize {
        self.worker.thumbnails().lock().map_or(0, |t| t.len())
    }

    /// Whether the exact frame is still on its way.
    pub fn is_waiting(&self) -> bool {
        self.pending.is_some() || self.deferred.is_some() || self.scrub.is_some()
    }
}
