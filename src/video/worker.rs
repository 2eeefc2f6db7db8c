//! The decode worker: one thread per open video that serves frame requests.
//!
//! Requests carry a generation number; only the newest pending request is kept, and
//! decoding toward an older one stops as soon as a newer one arrives. Every decoded
//! frame goes into a shared LRU cache bounded in bytes, so stepping back inside a GOP
//! decodes the GOP once. When idle, the worker prefetches in the direction of travel.
//! The first frame is shown before the frame index is built, which happens on a
//! second thread (or is loaded at once from the sidecar cache). Frames are cached and
//! sent in the layout the viewer draws from (`ScreenFormat`), converted here, so the
//! UI thread does no pixel conversion.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded, select};

use super::cache::{DEFAULT_CACHE_BYTES, SharedFrameCache};
use super::convert::{FrameConverter, ScreenFormat};
use super::error::VideoError;
use super::frame::VideoFrame;
use super::index::FrameIndex;
use super::reader::{DecodeScope, SeekMode, SequentialDecoder, VideoReader, load_or_scan_index};
use super::source::{OpenedSource, VideoInfo};

/// Small copies of keyframes, by frame index, that the worker decodes while idle, so a
/// drag along the timeline shows a picture near the pointer at once.
pub type SharedThumbnails = Arc<Mutex<std::collections::BTreeMap<usize, VideoFrame>>>;

/// Width of a keyframe thumbnail in pixels.
pub const THUMBNAIL_WIDTH: u32 = 320;

/// Memory for thumbnails; long videos with many keyframes get every k-th one.
pub const THUMBNAIL_BUDGET_BYTES: usize = 48 << 20;

/// Thumbnails are decoded only after this long without requests.
const THUMBNAILS_AFTER_QUIET: std::time::Duration = std::time::Duration::from_millis(300);

/// After a jump, prefetch starts once no request has come for this long.
const PREFETCH_AFTER_QUIET: std::time::Duration = std::time::Duration::from_millis(40);

/// How a decode worker is set up.
#[derive(Clone, Copy, Debug)]
pub struct WorkerConfig {
    /// Byte budget of the frame cache.
    pub cache_bytes: usize,
    /// Decoder threads; 0 = one per core.
    pub threads: usize,
    /// Frames to decode ahead in the direction of travel while idle.
    pub prefetch_frames: usize,
    /// Read and write the sidecar index cache.
    pub use_index_cache: bool,
    /// The layout frames are delivered in.
    pub screen_format: ScreenFormat,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            cache_bytes: DEFAULT_CACHE_BYTES,
            threads: 0,
            prefetch_frames: 30,
            use_index_cache: true,
            screen_format: ScreenFormat::default(),
        }
    }
}

/// What the worker reports, in order.
#[derive(Debug)]
pub enum WorkerEvent {
    /// The container opened; sent before anything else.
    Opened(VideoInfo),
    /// The frame index is ready: exact counts and seeking from now on.
    IndexReady(Arc<FrameIndex>),
    /// The frame asked for by request `generation`.
    Frame { generation: u64, frame: VideoFrame },
    /// On a jump, the first frame decoded on the way (the keyframe before the target),
    /// sent before the target itself so a scrubbing UI can show something near at once.
    Preview { generation: u64, frame: VideoFrame },
    /// A request failed. `frame_idx` is `None` when the video itself failed to open.
    Failed {
        generation: u64,
        frame_idx: Option<usize>,
        error: Arc<VideoError>,
    },
}

#[derive(Clone, Copy, Debug)]
struct Request {
    generation: u64,
    frame_idx: usize,
}

/// State shared by the handle and the thread.
struct Shared {
    /// The newest request not yet taken by the worker.
    pending: Mutex<Option<Request>>,
    shutdown: AtomicBool,
}

impl Shared {
    fn has_pending(&self) -> bool {
        self.shutdown.load(Ordering::Relaxed)
            || self.pending.lock().map(|p| p.is_some()).unwrap_or(true)
    }

    fn take_pending(&self) -> Option<Request> {
        self.pending.lock().ok().and_then(|mut p| p.take())
    }
}

/// Handle to a decode worker thread. Dropping it stops the thread.
pub struct DecodeWorker {
    shared: Arc<Shared>,
    wake_tx: Sender<()>,
    events_rx: Receiver<WorkerEvent>,
    cache: SharedFrameCache,
    thumbnails: SharedThumbnails,
    next_generation: AtomicU64,
    thread: Option<JoinHandle<()>>,
}

impl DecodeWorker {
    /// Starts a worker for `path`. It returns at once; opening errors arrive as
    /// `WorkerEvent::Failed`. `wake` is called after each event (to repaint a UI).
    pub fn spawn(path: &Path, config: WorkerConfig, wake: impl Fn() + Send + 'static) -> Self {
        Self::spawn_inner(path, None, config, wake)
    }

    /// Starts a worker whose frames are the image files `files` in `folder` (frame `i`
    /// is `files[i]`), as a DeepLabCut labeled-data folder without its video.
    pub fn spawn_images(
        folder: &Path,
        files: &[String],
        config: WorkerConfig,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let images = files.iter().map(|f| folder.join(f)).collect();
        Self::spawn_inner(folder, Some(images), config, wake)
    }

    fn spawn_inner(
        path: &Path,
        images: Option<Vec<PathBuf>>,
        config: WorkerConfig,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let shared = Arc::new(Shared {
            pending: Mutex::new(None),
            shutdown: AtomicBool::new(false),
        });
        let (wake_tx, wake_rx) = bounded(1);
        let (events_tx, events_rx) = bounded(64);
        let cache = SharedFrameCache::new(config.cache_bytes);
        let thumbnails = SharedThumbnails::default();
        let thread = {
            let path = path.to_owned();
            let shared = Arc::clone(&shared);
            let cache = cache.clone();
            let thumbnails = Arc::clone(&thumbnails);
            let name = format!(
                "decode {}",
                path.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            );
            std::thread::Builder::new()
                .name(name)
                .spawn(move || {
                    // Made on this thread: swscale contexts stay on the thread that
                    // made them.
                    let screen = std::cell::RefCell::new(FrameConverter::new(&path));
                    WorkerThread {
                        path,
                        images,
                        config,
                        shared,
                        wake_rx,
                        events_tx,
                        cache,
                        thumbnails,
                        wake: Box::new(wake),
                        screen,
                    }
                    .run()
                })
                .ok()
        };
        Self {
            shared,
            wake_tx,
            events_rx,
            cache,
            thumbnails,
            next_generation: AtomicU64::new(1),
            thread,
        }
    }

    /// Asks for frame `frame_idx`, replacing any request not yet started. Returns the
    /// request's generation, which its `WorkerEvent::Frame` carries.
    pub fn request(&self, frame_idx: usize) -> u64 {
        let generation = self.next_generation.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut pending) = self.shared.pending.lock() {
            *pending = Some(Request {
                generation,
                frame_idx,
            });
        }
        // A full wake channel already holds a wake-up; the worker will see the request.
        let _ = self.wake_tx.try_send(());
        generation
    }

    /// Events that arrived since the last call, oldest first. Never blocks.
    pub fn poll_events(&self) -> Vec<WorkerEvent> {
        self.events_rx.try_iter().collect()
    }

    /// Waits up to `timeout` for the next event (for the CLI and tests; a UI polls).
    pub fn wait_event(&self, timeout: std::time::Duration) -> Option<WorkerEvent> {
        self.events_rx.recv_timeout(timeout).ok()
    }

    /// The shared frame cache, to show the nearest decoded frame while scrubbing.
    pub fn cache(&self) -> &SharedFrameCache {
        &self.cache
    }

    /// Keyframe thumbnails decoded so far (while the worker was idle).
    pub fn thumbnails(&self) -> &SharedThumbnails {
        &self.thumbnails
    }
}

impl Drop for DecodeWorker {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::Relaxed);
        let _ = self.wake_tx.try_send(());
        if let Some(thread) = self.thread.take() {
            // Decoding polls the shutdown flag between packets, so this is quick.
            let _ = thread.join();
        }
    }
}

/// Direction of the last move, for prefetching.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Travel {
    Forward,
    Backward,
}

struct WorkerThread {
    path: PathBuf,
    /// Set for an image sequence: the file of each frame.
    images: Option<Vec<PathBuf>>,
    config: WorkerConfig,
    shared: Arc<Shared>,
    wake_rx: Receiver<()>,
    events_tx: Sender<WorkerEvent>,
    cache: SharedFrameCache,
    thumbnails: SharedThumbnails,
    wake: Box<dyn Fn() + Send>,
    /// Converts decoded frames to the screen's layout (this thread's own).
    screen: std::cell::RefCell<FrameConverter>,
}

impl WorkerThread {
    /// `frame` in the layout the viewer draws from. Should conversion fail, the frame
    /// is passed on as it is (the viewer converts what it must).
    fn prepared(&self, frame: VideoFrame) -> VideoFrame {
        match self
            .screen
            .borrow_mut()
            .for_screen(&frame, self.config.screen_format)
        {
            Ok(prepared) => prepared,
            Err(e) => {
                tracing::warn!("{e}");
                frame
            }
        }
    }

    /// Prepares `frame` for the screen and caches it.
    fn keep(&self, frame: VideoFrame) -> VideoFrame {
        let prepared = self.prepared(frame);
        self.cache.lock().insert(prepared.clone());
        prepared
    }

    fn run(self) {
        if let Some(images) = &self.images {
            return self.run_images(images);
        }
        let source = match OpenedSource::open_quick(&self.path) {
            Ok(source) => source,
            Err(e) => return self.fail_to_open(e),
        };
        self.send(WorkerEvent::Opened(source.info.clone()));

        // The index is built on its own thread (or read from the sidecar cache) while
        // this one shows the first frame from the source it already opened.
        let (index_tx, index_rx) = bounded(1);
        {
            let path = self.path.clone();
            let use_cache = self.config.use_index_cache;
            let _ = std::thread::Builder::new()
                .name("frame index".into())
                .spawn(move || {
                    let _ = index_tx.send(load_or_scan_index(&path, use_cache, &mut |_| {}));
                });
        }
        // One decoder thread: frame threading would hold the first frame back.
        let source = match SequentialDecoder::from_source(source, 1) {
            Ok(mut decoder) => {
                if let Ok(Some(first)) = decoder.next_frame() {
                    self.keep(first);
                }
                decoder.into_source()
            }
            Err(e) => return self.fail_to_open(e),
        };
        let index = loop {
            self.serve_from_cache_only();
            select! {
                recv(index_rx) -> msg => break msg,
                recv(self.wake_rx) -> _ => {
                    if self.shared.shutdown.load(Ordering::Relaxed) { return; }
                }
            }
        };
        let index = match index {
            Ok(Ok(index)) => index,
            Ok(Err(e)) => return self.fail_to_open(e),
            Err(_) => return,
        };
        self.send(WorkerEvent::IndexReady(Arc::clone(&index)));
        match VideoReader::from_source(source, index, self.config.threads) {
            Ok(mut reader) => self.serve(&mut reader),
            Err(e) => self.fail_to_open(e),
        }
    }

    /// Serves an image sequence: each frame decodes on its own, so there is no seeking;
    /// while idle the neighbours in the direction of travel are decoded ahead.
    fn run_images(&self, images: &[PathBuf]) {
        let Some(first) = images.first() else {
            return self.fail_to_open(VideoError::NoFrames {
                path: self.path.clone(),
            });
        };
        let mut info = match decode_image(first, 0) {
            Ok((info, frame)) => {
                self.keep(frame);
                info
            }
            Err(e) => return self.fail_to_open(e),
        };
        info.path = self.path.clone();
        info.fps = 0.0;
        info.time_base = (1, 1);
        info.container_frame_count = images.len() as i64;
        info.container_duration_secs = 0.0;
        self.send(WorkerEvent::Opened(info));
        let packets = (0..images.len() as i64)
            .map(|i| super::index::PacketEntry {
                pts: i,
                dts: i,
                is_key: true,
                presented: true,
                pts_known: true,
            })
            .collect();
        self.send(WorkerEvent::IndexReady(Arc::new(FrameIndex::from_packets(
            packets, None,
        ))));
        let decode = |frame_idx: usize| -> Result<VideoFrame, VideoError> {
            if let Some(frame) = self.cache.lock().get(frame_idx) {
                return Ok(frame);
            }
            let path = images.get(frame_idx).ok_or(VideoError::FrameOutOfRange {
                path: self.path.clone(),
                frame_idx,
                frame_count: images.len(),
            })?;
            let (_, frame) = decode_image(path, frame_idx)?;
            Ok(self.keep(frame))
        };
        let mut last_served = 0usize;
        let mut travel = Travel::Forward;
        loop {
            if self.shared.shutdown.load(Ordering::Relaxed) {
                return;
            }
            if let Some(req) = self.shared.take_pending() {
                if req.frame_idx != last_served {
                    travel = if req.frame_idx > last_served {
                        Travel::Forward
                    } else {
                        Travel::Backward
                    };
                }
                last_served = req.frame_idx;
                match decode(req.frame_idx) {
                    Ok(frame) => self.send(WorkerEvent::Frame {
                        generation: req.generation,
                        frame,
                    }),
                    Err(e) => self.send(WorkerEvent::Failed {
                        generation: req.generation,
                        frame_idx: Some(req.frame_idx),
                        error: Arc::new(e),
                    }),
                }
                continue;
            }
            let ahead = (1..=self.config.prefetch_frames.min(8)).find_map(|step| {
                let idx = match travel {
                    Travel::Forward => last_served.checked_add(step)?,
                    Travel::Backward => last_served.checked_sub(step)?,
                };
                (idx < images.len() && self.cache.lock().get(idx).is_none()).then_some(idx)
            });
            match ahead {
                // A missing or broken image is reported when it is asked for.
                Some(idx) => {
                    let _ = decode(idx);
                }
                None => {
                    if self.wake_rx.recv().is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// Reports that the video itself could not be opened or indexed.
    fn fail_to_open(&self, error: VideoError) {
        self.send(WorkerEvent::Failed {
            generation: 0,
            frame_idx: None,
            error: Arc::new(error),
        });
    }

    /// Before the index exists only cached frames (the first one) can be served; other
    /// requests stay pending.
    fn serve_from_cache_only(&self) {
        let Ok(mut pending) = self.shared.pending.lock() else {
            return;
        };
        if let Some(req) = *pending
            && let Some(frame) = self.cache.lock().get(req.frame_idx)
        {
            *pending = None;
            drop(pending);
            self.send(WorkerEvent::Frame {
                generation: req.generation,
                frame,
            });
        }
    }

    fn serve(&self, reader: &mut VideoReader) {
        let mut last_served: Option<usize> = None;
        let mut last_request_at = std::time::Instant::now();
        let mut last_was_jump = false;
        let mut converter = FrameConverter::new(reader.path());
        let mut travel = Travel::Forward;
        loop {
            if self.shared.shutdown.load(Ordering::Relaxed) {
                return;
            }
            if let Some(req) = self.shared.take_pending() {
                if let Some(prev) = last_served
                    && req.frame_idx != prev
                {
                    travel = if req.frame_idx > prev {
                        Travel::Forward
                    } else {
                        Travel::Backward
                    };
                }
                // A jump takes the shortest path to its frame; a step decodes every
                // frame on the way, so the frames around it end up in the cache.
                let window = self.prefetch_window(reader).max(1);
                let scope = match last_served {
                    Some(prev) if prev.abs_diff(req.frame_idx) <= window => DecodeScope::Everything,
                    _ => DecodeScope::TargetOnly,
                };
                self.serve_request(reader, req, scope);
                last_served = Some(req.frame_idx);
                last_request_at = std::time::Instant::now();
                last_was_jump = scope == DecodeScope::TargetOnly;
                continue;
            }
            // After a jump, prefetch only once requests pause: while a person drags
            // along the timeline the next jump comes within tens of milliseconds, and
            // prefetching in between would only delay it (after a drained keyframe it
            // would even re-seek). Steps prefetch at once: that keeps a held arrow key
            // served from the cache.
            let quiet_for = last_request_at.elapsed();
            if last_was_jump && quiet_for < PREFETCH_AFTER_QUIET {
                let _ = self.wake_rx.recv_timeout(PREFETCH_AFTER_QUIET - quiet_for);
                continue;
            }
            let prefetched = last_served.is_some_and(|at| self.prefetch_step(reader, at, travel));
            if prefetched {
                continue;
            }
            let quiet_for = last_request_at.elapsed();
            if quiet_for < THUMBNAILS_AFTER_QUIET {
                let _ = self
                    .wake_rx
                    .recv_timeout(THUMBNAILS_AFTER_QUIET - quiet_for);
                continue;
            }
            if !self.thumbnail_step(reader, &mut converter, last_served.unwrap_or(0)) {
                // Nothing to do: sleep until the next request.
                let _ = self.wake_rx.recv();
            }
        }
    }

    fn serve_request(&self, reader: &mut VideoReader, req: Request, scope: DecodeScope) {
        let cached = self.cache.lock().get(req.frame_idx);
        let result = match cached {
            Some(frame) => Ok(frame),
            None => {
                let shared = &self.shared;
                let mut previewed = scope == DecodeScope::Everything;
                let mut target = None;
                reader
                    .frame_with(
                        req.frame_idx,
                        SeekMode::Auto,
                        scope,
                        &mut |frame| {
                            let kept = self.keep(frame.clone());
                            if kept.frame_idx() == req.frame_idx {
                                target = Some(kept);
                            } else if !previewed {
                                previewed = true;
                                self.send(WorkerEvent::Preview {
                                    generation: req.generation,
                                    frame: kept,
                                });
                            }
                        },
                        &|| shared.has_pending(),
                    )
                    .map(|raw| target.unwrap_or_else(|| self.prepared(raw)))
            }
        };
        match result {
            Ok(frame) => self.send(WorkerEvent::Frame {
                generation: req.generation,
                frame,
            }),
            Err(VideoError::Cancelled { .. }) => {}
            Err(e) => self.send(WorkerEvent::Failed {
                generation: req.generation,
                frame_idx: Some(req.frame_idx),
                error: Arc::new(e),
            }),
        }
    }

    /// Decodes the thumbnail of one keyframe, the nearest to `near` that lacks one.
    /// Returns false when every keyframe the budget allows has its thumbnail.
    fn thumbnail_step(
        &self,
        reader: &mut VideoReader,
        converter: &mut FrameConverter,
        near: usize,
    ) -> bool {
        let index = Arc::clone(reader.index());
        let keyframes = index.keyframe_frames();
        if keyframes.is_empty() {
            return false;
        }
        let info = reader.info();
        let thumb_h = (u64::from(info.height) * u64::from(THUMBNAIL_WIDTH)
            / u64::from(info.width.max(1))) as usize;
        let thumb_bytes = (THUMBNAIL_WIDTH as usize * thumb_h * 3 / 2).max(1);
        let most = (THUMBNAIL_BUDGET_BYTES / thumb_bytes).max(1);
        let stride = keyframes.len().div_ceil(most);
        let missing = {
            let Ok(thumbs) = self.thumbnails.lock() else {
                return false;
            };
            keyframes
                .iter()
                .step_by(stride)
                .copied()
                .filter(|k| !thumbs.contains_key(k))
                .min_by_key(|k| k.abs_diff(near))
        };
        let Some(keyframe) = missing else {
            return false;
        };
        let shared = &self.shared;
        let decoded = reader.frame_with(
            keyframe,
            SeekMode::Auto,
            DecodeScope::TargetOnly,
            &mut |_| {},
            &|| shared.has_pending(),
        );
        match decoded.and_then(|frame| converter.to_yuv420_scaled(&frame, THUMBNAIL_WIDTH)) {
            Ok(thumb) => {
                let thumb = self.prepared(thumb);
                if let Ok(mut thumbs) = self.thumbnails.lock() {
                    thumbs.insert(keyframe, thumb);
                }
                true
            }
            Err(VideoError::Cancelled { .. }) => true,
            // A keyframe that cannot be decoded would be picked again and again: stop
            // filling thumbnails until the next request wakes the worker.
            Err(_) => false,
        }
    }

    /// Decodes one missing frame near `at` in the direction of travel. Returns false
    /// when everything in the prefetch window is cached.
    fn prefetch_step(&self, reader: &mut VideoReader, at: usize, travel: Travel) -> bool {
        let window = self.prefetch_window(reader);
        let missing = {
            let cache = self.cache.lock();
            match travel {
                Travel::Forward => (at + 1..(at + 1 + window).min(reader.frame_count()))
                    .find(|&i| !cache.contains(i)),
                // Decoding the nearest missing earlier frame caches its whole GOP up to it.
                Travel::Backward => (at.saturating_sub(window)..at)
                    .rev()
                    .find(|&i| !cache.contains(i)),
            }
        };
        let Some(frame_idx) = missing else {
            return false;
        };
        let shared = &self.shared;
        let result = reader.frame_with(
            frame_idx,
            SeekMode::Auto,
            DecodeScope::Everything,
            &mut |frame| {
                self.keep(frame.clone());
            },
            &|| shared.has_pending(),
        );
        // A frame that cannot be decoded ends this round of prefetch, or it would spin.
        matches!(result, Ok(_) | Err(VideoError::Cancelled { .. }))
    }

    /// Frames to keep ahead: the configured count, but never more than a third of the
    /// cache, so prefetch does not evict what was just shown.
    fn prefetch_window(&self, reader: &VideoReader) -> usize {
        let info = reader.info();
        let frame_bytes = (info.width as usize * info.height as usize * 3 / 2).max(1);
        let cache_frames = self.config.cache_bytes / frame_bytes;
        self.config.prefetch_frames.min(cache_frames / 3)
    }

    fn send(&self, event: WorkerEvent) {
        match self.events_tx.try_send(event) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            // The consumer is not reading; frames stay available in the shared cache.
            Err(TrySendError::Full(_)) => tracing::debug!("event queue full, dropping an event"),
        }
        (self.wake)();
    }
}

/// Decodes the one frame of an image file, numbered `frame_idx`.
fn decode_image(path: &Path, frame_idx: usize) -> Result<(VideoInfo, VideoFrame), VideoError> {
    let source = OpenedSource::open(path)?;
    let info = source.info.clone();
    let mut decoder = SequentialDecoder::from_source(source, 1)?;
    let frame = decoder.next_frame()?.ok_or_else(|| VideoError::NoFrames {
        path: path.to_owned(),
    })?;
    Ok((info, frame.renumbered(frame_idx, frame_idx as i64)))
}
