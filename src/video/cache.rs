//! A cache of decoded frames, least recently used first out, bounded in bytes.

use std::sync::{Arc, Mutex, MutexGuard};

use lru::LruCache;

use super::frame::VideoFrame;

/// Default budget: 1 GiB, about 340 frames of 1080p 4:2:0.
pub const DEFAULT_CACHE_BYTES: usize = 1 << 30;

/// Decoded frames keyed by `frame_idx`, bounded by the bytes their planes hold.
pub struct FrameCache {
    frames: LruCache<usize, VideoFrame>,
    bytes: usize,
    budget_bytes: usize,
}

impl FrameCache {
    pub fn new(budget_bytes: usize) -> Self {
        Self {
            frames: LruCache::unbounded(),
            bytes: 0,
            budget_bytes,
        }
    }

    /// Adds a frame, evicting the least recently used ones past the budget.
    pub fn insert(&mut self, frame: VideoFrame) {
        let size = frame.byte_size();
        if let Some(old) = self.frames.put(frame.frame_idx(), frame) {
            self.bytes -= old.byte_size();
        }
        self.bytes += size;
        while self.bytes > self.budget_bytes {
            match self.frames.pop_lru() {
                Some((_, evicted)) => self.bytes -= evicted.byte_size(),
                None => break,
            }
        }
    }

    /// The frame, marked as recently used.
    pub fn get(&mut self, frame_idx: usize) -> Option<VideoFrame> {
        self.frames.get(&frame_idx).cloned()
    }

    pub fn contains(&self, frame_idx: usize) -> bool {
        self.frames.contains(&frame_idx)
    }

    /// The cached frame closest to `frame_idx` (ties go to the earlier frame), for
    /// showing something at once while scrubbing.
    pub fn nearest(&self, frame_idx: usize) -> Option<VideoFrame> {
        self.frames
            .iter()
            .min_by_key(|(idx, _)| (idx.abs_diff(frame_idx), **idx))
            .map(|(_, frame)| frame.clone())
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn budget_bytes(&self) -> usize {
        self.budget_bytes
    }
}

/// A frame cache shared between the decode worker and its readers.
#[derive(Clone)]
pub struct SharedFrameCache(Arc<Mutex<FrameCache>>);

impl SharedFrameCache {
    pub fn new(budget_bytes: usize) -> Self {
        Self(Arc::new(Mutex::new(FrameCache::new(budget_bytes))))
    }

    /// Locks the cache. A panic elsewhere never makes the cache unusable.
    pub fn lock(&self) -> MutexGuard<'_, FrameCache> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
