//! The frames of the video on screen: asks the decode worker for the frame the person
//! wants and shows, at once, the nearest frame already decoded until the exact one
//! arrives. Never blocks the UI thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::video::{DecodeWorker, FrameIndex, VideoFrame, VideoInfo, WorkerConfig, WorkerEvent};

/// While a request has shown nothing yet, newer wants wait this long before replacing
/// it. Replacing it at once on every pointer move would cancel each seek before its
/// keyframe decodes, and a fast drag would show nothing until the pointer stops.
pub const SCRUB_HOLD: Duration = Duration::from_millis(40);

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
    pending_since: Instant,
    /// Whether the request in flight has shown something (its preview) yet.
    pending_answered: bool,
    /// A wanted frame not yet requested (see `SCRUB_HOLD`).
    deferred: bool,
    /// What is on screen: the wanted frame, or the nearest one while it decodes.
    shown: Option<VideoFrame>,
    /// Bumped whenever `shown` changes, so a texture is re-uploaded only then.
    shown_version: u64,
    error: Option<String>,
}

impl FrameFeed {
    /// Starts decoding `path`; `repaint` wakes the UI when a frame arrives.
    pub fn open(path: &Path, cache_bytes: usize, repaint: impl Fn() + Send + 'static) -> Self {
        let config = WorkerConfig {
            cache_bytes,
            ..WorkerConfig::default()
        };
        let worker = DecodeWorker::spawn(path, config, repaint);
        let generation = worker.request(0);
        Self {
            path: path.to_owned(),
            worker,
            info: None,
            index: None,
            wanted: 0,
            pending: Some(generation),
            pending_since: Instant::now(),
            pending_answered: false,
            deferred: false,
            shown: None,
            shown_version: 0,
            error: None,
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

    /// What to draw, and its version (changes whenever the frame does).
    pub fn shown(&self) -> Option<(&VideoFrame, u64)> {
        self.shown.as_ref().map(|f| (f, self.shown_version))
    }

    /// Whether the frame on screen is the one wanted.
    pub fn is_exact(&self) -> bool {
        self.shown
            .as_ref()
            .is_some_and(|f| f.frame_idx() == self.wanted)
    }

    fn show(&mut self, frame: VideoFrame) {
        let same = self
            .shown
            .as_ref()
            .is_some_and(|f| f.frame_idx() == frame.frame_idx());
        if !same {
            self.shown = Some(frame);
            self.shown_version += 1;
        }
    }

    /// Wants frame `frame_idx`: shown at once from the cache if it is there, else the
    /// nearest decoded frame is shown while the worker decodes it.
    pub fn want(&mut self, frame_idx: usize) {
        if frame_idx == self.wanted && (self.pending.is_some() || self.deferred || self.is_exact())
        {
            return;
        }
        self.wanted = frame_idx;
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
            self.deferred = false;
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
            self.deferred = true;
        } else {
            self.send_request();
        }
    }

    fn send_request(&mut self) {
        self.pending = Some(self.worker.request(self.wanted));
        self.pending_since = Instant::now();
        self.pending_answered = false;
        self.deferred = false;
    }

    /// When the UI must poll again even if no event arrives (a deferred request).
    pub fn repaint_after(&self) -> Option<Duration> {
        self.deferred
            .then(|| SCRUB_HOLD.saturating_sub(self.pending_since.elapsed()))
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
                    if frame_idx.is_none() || Some(generation) == self.pending {
                        self.pending = None;
                        self.error = Some(error.to_string());
                    }
                }
            }
        }
        if self.is_exact() {
            self.error = None;
            self.deferred = false;
        }
        if self.deferred
            && (self.pending.is_none()
                || self.pending_answered
                || self.pending_since.elapsed() >= SCRUB_HOLD)
        {
            self.send_request();
        }
        self.shown_version != before
    }

    /// Whether the exact frame is still on its way.
    pub fn is_waiting(&self) -> bool {
        self.pending.is_some() || self.deferred
    }
}
