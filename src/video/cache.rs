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

#[cfg(test)]
mod tests {
    use super::*;
    use ffmpeg_next as ffmpeg;

    fn frame(frame_idx: usize) -> VideoFrame {
        super::super::source::init_ffmpeg();
        VideoFrame::new(
            ffmpeg::frame::Video::new(ffmpeg::format::Pixel::YUV420P, 64, 64),
            frame_idx,
            frame_idx as i64,
        )
    }

    #[test]
    fn evicts_least_recently_used_past_the_budget() {
        let size = frame(0).byte_size();
        let mut cache = FrameCache::new(size * 3);
        for i in 0..3 {
            cache.insert(frame(i));
        }
        assert!(
            cache.get(0).is_some(),
            "touch frame 0 so frame 1 is the oldest"
        );
        cache.insert(frame(3));
        assert_eq!(cache.len(), 3);
        assert!(!cache.contains(1));
        assert!(cache.contains(0) && cache.contains(2) && cache.contains(3));
        assert!(cache.bytes() <= cache.budget_bytes());
        // Replacing a frame does not count its bytes twice.
        cache.insert(frame(3));
        assert_eq!(cache.bytes(), size * 3);
    }

    #[test]
    fn nearest_prefers_the_closest_then_the_earlier_frame() {
        let mut cache = FrameCache::new(usize::MAX);
        assert!(cache.nearest(5).is_none());
        for i in [10, 20, 40] {
            cache.insert(frame(i));
        }
        assert_eq!(cache.nearest(12).unwrap().frame_idx(), 10);
        assert_eq!(
            cache.nearest(15).unwrap().frame_idx(),
            10,
            "a tie goes to the earlier frame"
        );
        assert_eq!(cache.nearest(33).unwrap().frame_idx(), 40);
        assert_eq!(cache.nearest(1000).unwrap().frame_idx(), 40);
    }
}
