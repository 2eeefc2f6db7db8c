//! The frame index: every video packet's timestamps and keyframe flag, read by
//! demuxing without decoding. It defines what `frame_idx` means everywhere in Kinelab:
//! frame `i` is the `i`-th presented frame, counted from 0, in order of PTS. Frames are
//! found by PTS, never by fps arithmetic, so variable frame rates, dropped-frame gaps,
//! B-frames and a first PTS other than 0 all keep exact indices.

use std::path::Path;

use ffmpeg_next as ffmpeg;
use serde::{Deserialize, Serialize};

use super::error::{VideoError, VideoResult};
use super::source::OpenedSource;

/// FFmpeg marks packets that are decoded but never shown (e.g. before an MP4 edit
/// list's start) with this flag; ffmpeg-next does not name it.
const AV_PKT_FLAG_DISCARD: i32 = 0x0004;
/// Give up after this many unreadable packets in a row: the rest of the file is noise.
const MAX_CONSECUTIVE_BAD_PACKETS: usize = 1000;

/// One video packet, in decode order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PacketEntry {
    /// Presentation timestamp in stream time base (the DTS where the PTS is missing).
    pub pts: i64,
    /// Decode timestamp in stream time base (the PTS where the DTS is missing).
    pub dts: i64,
    /// Decoding may start at this packet.
    pub is_key: bool,
    /// The decoder shows this packet's frame (false for discarded or untimed packets).
    pub presented: bool,
    /// The container gave this packet a PTS (AVI, for one, does not for B-frame streams).
    pub pts_known: bool,
}

impl PacketEntry {
    /// The entry for a demuxed packet. `prev_dts` stands in for a missing DTS and PTS.
    pub fn of_packet(packet: &ffmpeg::Packet, prev_dts: i64) -> Self {
        let flags = unsafe { (*ffmpeg::packet::Ref::as_ptr(packet)).flags };
        let (pts, dts) = match (packet.pts(), packet.dts()) {
            (Some(p), Some(d)) => (p, d),
            (Some(p), None) => (p, p),
            (None, Some(d)) => (d, d),
            (None, None) => (i64::MIN, prev_dts),
        };
        Self {
            pts,
            dts,
            is_key: packet.is_key(),
            presented: pts != i64::MIN && flags & AV_PKT_FLAG_DISCARD == 0,
            pts_known: packet.pts().is_some(),
        }
    }
}

/// A place where decoding may start: a keyframe packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeekPoint {
    /// The keyframe's PTS (its decode-order number under `FrameTiming::DecodeOrder`).
    pub pts: i64,
    pub dts: i64,
    /// Position of the keyframe packet in decode order.
    pub decode_pos: usize,
    /// The keyframe's own frame index.
    pub frame_idx: usize,
}

/// How decoded frames are matched to frame indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameTiming {
    /// By PTS: the normal case, exact under any timing.
    Pts,
    /// By output order, counted from the keyframe a decode starts at: for containers
    /// that give packets no PTS (MPEG-4 with B-frames in AVI). Assumes closed GOPs.
    DecodeOrder,
}

/// The frame index of one video stream.
#[derive(Clone, Debug)]
pub struct FrameIndex {
    packets: Vec<PacketEntry>,
    /// PTS of each frame, in presentation order: `pts_by_frame[frame_idx]`.
    pts_by_frame: Vec<i64>,
    /// Decode position of each frame's packet.
    decode_pos_by_frame: Vec<usize>,
    /// Decode positions of keyframe packets, sorted by PTS.
    keyframe_decode_pos: Vec<usize>,
    /// Frame index of each keyframe, ascending.
    keyframe_frames: Vec<usize>,
    /// Why the scan stopped before the end of the file, if it did.
    truncated: Option<String>,
    timing: FrameTiming,
}

impl FrameIndex {
    /// Demuxes the whole stream (no decoding) and builds its index. `on_progress`
    /// receives the byte position reached, for progress bars.
    /// The source is left at its end.
    pub fn scan(source: &mut OpenedSource, on_progress: &mut dyn FnMut(u64)) -> VideoResult<Self> {
        let path = source.info.path.clone();
        let path = path.as_path();
        let stream_index = source.stream_index;
        let mut packets = Vec::new();
        let mut truncated = None;
        let mut bad_in_a_row = 0;
        let mut last_dts = i64::MIN;
        let mut packet = ffmpeg::Packet::empty();
        let mut next_progress_pos = 0u64;
        loop {
            match source.read_packet(&mut packet) {
                Ok(()) => bad_in_a_row = 0,
                Err(ffmpeg::Error::Eof) => break,
                Err(ffmpeg::Error::InvalidData) => {
                    bad_in_a_row += 1;
                    if bad_in_a_row > MAX_CONSECUTIVE_BAD_PACKETS {
                        truncated = Some("too many unreadable packets".to_owned());
                        break;
                    }
                    continue;
                }
                Err(e) => {
                    truncated = Some(e.to_string());
                    break;
                }
            }
            if packet.stream() != stream_index || packet.size() == 0 {
                continue;
            }
            let pos = packet.position();
            if pos >= 0 && pos as u64 >= next_progress_pos {
                on_progress(pos as u64);
                next_progress_pos = pos as u64 + (1 << 20);
            }
            let entry = PacketEntry::of_packet(&packet, last_dts);
            last_dts = entry.dts;
            packets.push(entry);
        }
        // An MP4 whose index (moov) comes first and whose data was cut off lists more
        // samples than the file holds: the demuxer stops at the end of the data.
        let listed = source.info.container_frame_count;
        if truncated.is_none() && listed > 0 && listed as usize > packets.len() {
            truncated = Some(format!(
                "the container lists {listed} frames but the file holds {}",
                packets.len()
            ));
        }
        if packets.iter().any(|p| p.presented && !p.pts_known) {
            number_frames_by_decoding(&mut packets, path)?;
        }
        let index = Self::from_packets(packets, truncated);
        if index.frame_count() == 0 {
            return Err(match index.truncated {
                Some(reason) => VideoError::Io {
                    path: path.to_owned(),
                    reason,
                },
                None => VideoError::NoFrames {
                    path: path.to_owned(),
                },
            });
        }
        Ok(index)
    }

    /// Builds the derived tables from packets in decode order.
    pub fn from_packets(packets: Vec<PacketEntry>, truncated: Option<String>) -> Self {
        let timing = if packets.iter().any(|p| p.presented && !p.pts_known) {
            FrameTiming::DecodeOrder
        } else {
            FrameTiming::Pts
        };
        let mut presented: Vec<(i64, usize)> = packets
            .iter()
            .enumerate()
            .filter(|(_, p)| p.presented)
            .map(|(pos, p)| (p.pts, pos))
            .collect();
        presented.sort_unstable();
        let pts_by_frame: Vec<i64> = presented.iter().map(|&(pts, _)| pts).collect();
        let decode_pos_by_frame: Vec<usize> = presented.iter().map(|&(_, pos)| pos).collect();

        let mut keyframes: Vec<(i64, usize)> = packets
            .iter()
            .enumerate()
            .filter(|(_, p)| p.is_key && p.presented)
            .map(|(pos, p)| (p.pts, pos))
            .collect();
        keyframes.sort_unstable();
        let keyframe_decode_pos = keyframes.iter().map(|&(_, pos)| pos).collect();
        let keyframe_frames = keyframes
            .iter()
            .filter_map(|&(pts, _)| pts_by_frame.binary_search(&pts).ok())
            .collect();
        Self {
            packets,
            pts_by_frame,
            decode_pos_by_frame,
            keyframe_decode_pos,
            keyframe_frames,
            truncated,
            timing,
        }
    }

    /// How decoded frames are matched to indices.
    pub fn timing(&self) -> FrameTiming {
        self.timing
    }

    /// Number of presented frames: the exact frame count.
    pub fn frame_count(&self) -> usize {
        self.pts_by_frame.len()
    }

    /// Number of keyframes (places decoding can start).
    pub fn keyframe_count(&self) -> usize {
        self.keyframe_frames.len()
    }

    /// All packets in decode order.
    pub fn packets(&self) -> &[PacketEntry] {
        &self.packets
    }

    /// Why the scan ended before the end of the file, if it did (a damaged file).
    pub fn truncated(&self) -> Option<&str> {
        self.truncated.as_deref()
    }

    /// PTS of frame `frame_idx`.
    /// The frame on screen `time_secs` after the first frame: the last one whose
    /// timestamp is at or before it (exact under variable frame rates).
    pub fn frame_at_time(&self, time_secs: f64, secs_per_tick: f64) -> usize {
        let Some(&first) = self.pts_by_frame.first() else {
            return 0;
        };
        if secs_per_tick <= 0.0 {
            return 0;
        }
        let pts = first + (time_secs / secs_per_tick).floor() as i64;
        self.pts_by_frame
            .partition_point(|&p| p <= pts)
            .saturating_sub(1)
    }

    /// Seconds from the first frame to frame `frame_idx`, by its timestamp.
    pub fn time_of(&self, frame_idx: usize, secs_per_tick: f64) -> Option<f64> {
        let first = *self.pts_by_frame.first()?;
        self.pts_of(frame_idx)
            .map(|pts| (pts - first) as f64 * secs_per_tick)
    }

    pub fn pts_of(&self, frame_idx: usize) -> Option<i64> {
        self.pts_by_frame.get(frame_idx).copied()
    }

    /// The frame that has this PTS, if any.
    pub fn frame_of_pts(&self, pts: i64) -> Option<usize> {
        let pos = self.pts_by_frame.partition_point(|&p| p < pts);
        (self.pts_by_frame.get(pos) == Some(&pts)).then_some(pos)
    }

    /// Frame indices of the keyframes, ascending.
    pub fn keyframe_frames(&self) -> &[usize] {
        &self.keyframe_frames
    }

    /// The keyframe frame at or before `frame_idx` (0 when there is none).
    pub fn keyframe_frame_at_or_before(&self, frame_idx: usize) -> usize {
        let pos = self.keyframe_frames.partition_point(|&k| k <= frame_idx);
        if pos == 0 {
            0
        } else {
            self.keyframe_frames[pos - 1]
        }
    }

    /// Where to start decoding to reach `frame_idx`: the last keyframe whose PTS is at or
    /// before the frame's and whose packet comes no later in decode order. `None` means
    /// decode from the start of the stream.
    pub fn seek_point_for(&self, frame_idx: usize) -> Option<SeekPoint> {
        let target_pts = *self.pts_by_frame.get(frame_idx)?;
        let target_pos = self.decode_pos_by_frame[frame_idx];
        let end = self
            .keyframe_decode_pos
            .partition_point(|&pos| self.packets[pos].pts <= target_pts);
        self.keyframe_decode_pos[..end]
            .iter()
            .rev()
            .find(|&&pos| pos <= target_pos)
            .map(|&pos| {
                let packet = &self.packets[pos];
                let frame_idx = self.frame_of_pts(packet.pts).unwrap_or(0);
                SeekPoint {
                    pts: packet.pts,
                    dts: packet.dts,
                    decode_pos: pos,
                    frame_idx,
                }
            })
    }

    /// Seconds from the first frame's start to the last frame's end, from timestamps.
    pub fn duration_secs(&self, secs_per_tick: f64) -> f64 {
        match (self.pts_by_frame.first(), self.pts_by_frame.last()) {
            (Some(&first), Some(&last)) if self.frame_count() > 1 => {
                let span = (last - first) as f64 * secs_per_tick;
                // The last frame lasts as long as the average frame before it.
                span + span / (self.frame_count() - 1) as f64
            }
            _ => 0.0,
        }
    }
}

/// For streams without PTS: decodes the whole stream once to learn where each keyframe
/// is shown (with open GOPs, B-frames that follow a keyframe in decode order are shown
/// before it), then numbers the packets so that keyframes carry their display index
/// as PTS and the other frames fill the remaining numbers in decode order. Only the
/// keyframes' numbers matter for seeking; the reader counts output frames from them.
fn number_frames_by_decoding(packets: &mut [PacketEntry], path: &Path) -> VideoResult<()> {
    let mut decoder = super::reader::SequentialDecoder::open(path, 0)?;
    let mut key_display = Vec::new();
    while let Some(frame) = decoder.next_frame()? {
        if frame.is_key() {
            key_display.push(frame.frame_idx() as i64);
        }
    }
    let presented = packets.iter().filter(|p| p.presented).count() as i64;
    let mut keys = key_display.into_iter().filter(|&d| d < presented);
    let mut taken = std::collections::HashSet::new();
    for packet in packets.iter_mut().filter(|p| p.presented && p.is_key) {
        match keys.next() {
            Some(display) => {
                packet.pts = display;
                taken.insert(display);
            }
            // The decoder showed fewer keyframes than the container flags: not a
            // place to start decoding.
            None => packet.is_key = false,
        }
    }
    let mut free = (0..presented).filter(|n| !taken.contains(n));
    for packet in packets.iter_mut().filter(|p| p.presented && !p.is_key) {
        packet.pts = free.next().unwrap_or(presented);
    }
    for packet in packets.iter_mut() {
        packet.pts_known = false;
    }
    Ok(())
}

/// The part of an index that is stored in the sidecar cache.
#[derive(Serialize, Deserialize)]
pub(super) struct StoredIndex {
    pub packets: Vec<PacketEntry>,
    pub truncated: Option<String>,
}

impl From<&FrameIndex> for StoredIndex {
    fn from(index: &FrameIndex) -> Self {
        Self {
            packets: index.packets.clone(),
            truncated: index.truncated.clone(),
        }
    }
}

impl From<StoredIndex> for FrameIndex {
    fn from(stored: StoredIndex) -> Self {
        FrameIndex::from_packets(stored.packets, stored.truncated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkt(pts: i64, dts: i64, is_key: bool) -> PacketEntry {
        PacketEntry {
            pts,
            dts,
            is_key,
            presented: true,
            pts_known: true,
        }
    }

    /// I0 P3 B1 B2 | I4 P7 B5 B6, in decode order, as an encoder with B-frames writes.
    fn b_frame_index() -> FrameIndex {
        let packets = vec![
            pkt(0, -2, true),
            pkt(3, -1, false),
            pkt(1, 0, false),
            pkt(2, 1, false),
            pkt(4, 2, true),
            pkt(7, 3, false),
            pkt(5, 4, false),
            pkt(6, 5, false),
        ];
        FrameIndex::from_packets(packets, None)
    }

    #[test]
    fn frames_are_in_presentation_order() {
        let index = b_frame_index();
        assert_eq!(index.frame_count(), 8);
        assert_eq!(
            (0..8).map(|i| index.pts_of(i).unwrap()).collect::<Vec<_>>(),
            (0..8).collect::<Vec<_>>()
        );
        assert_eq!(index.frame_of_pts(5), Some(5));
        assert_eq!(index.frame_of_pts(8), None);
        assert_eq!(index.keyframe_frames(), &[0, 4]);
    }

    #[test]
    fn seek_point_is_the_keyframe_before_the_target() {
        let index = b_frame_index();
        assert_eq!(index.seek_point_for(3).unwrap().pts, 0);
        assert_eq!(index.seek_point_for(4).unwrap().pts, 4);
        assert_eq!(index.seek_point_for(6).unwrap().decode_pos, 4);
        // B6 (frame 6) is the last packet of its GOP in decode order; P7 comes right
        // after I4, so frame 7 also starts from I4.
        assert_eq!(index.seek_point_for(7).unwrap().decode_pos, 4);
        assert_eq!(index.seek_point_for(6).unwrap().frame_idx, 4);
        assert_eq!(index.keyframe_frame_at_or_before(7), 4);
    }

    #[test]
    fn gaps_and_offsets_keep_exact_indices() {
        // A first PTS of 9000 and a gap after the third frame.
        let packets = vec![
            pkt(9000, 9000, true),
            pkt(9512, 9512, false),
            pkt(10024, 10024, false),
            pkt(11048, 11048, false),
        ];
        let index = FrameIndex::from_packets(packets, None);
        assert_eq!(index.frame_of_pts(11048), Some(3));
        assert_eq!(index.frame_count(), 4);
    }

    #[test]
    fn discarded_packets_are_not_frames_but_stay_decodable() {
        let mut packets = vec![
            pkt(-1024, -2048, true),
            pkt(0, -1024, false),
            pkt(512, 0, false),
        ];
        packets[0].presented = false;
        let index = FrameIndex::from_packets(packets, None);
        assert_eq!(index.frame_count(), 2);
        // No presented keyframe precedes frame 0, so decoding starts from the stream start.
        assert_eq!(index.seek_point_for(0), None);
        assert_eq!(index.seek_point_for(1), None);
    }

    #[test]
    fn packets_without_pts_use_decode_order_timing() {
        // Keyframes carry their display index (the second is shown after two leading
        // B-frames); the other frames fill the free numbers.
        let mut packets = vec![
            pkt(0, 0, true),
            pkt(1, 1, false),
            pkt(2, 2, false),
            pkt(5, 3, true),
            pkt(3, 4, false),
            pkt(4, 5, false),
        ];
        for p in &mut packets {
            p.pts_known = false;
        }
        let index = FrameIndex::from_packets(packets, None);
        assert_eq!(index.timing(), FrameTiming::DecodeOrder);
        assert_eq!(index.frame_count(), 6);
        assert_eq!(index.seek_point_for(5).unwrap().frame_idx, 5);
        assert_eq!(
            index.seek_point_for(4).unwrap().frame_idx,
            0,
            "leading B-frames decode from the GOP before"
        );
    }

    #[test]
    fn leading_non_keyframes_decode_from_the_start() {
        let packets = vec![
            pkt(0, 0, false),
            pkt(1, 1, false),
            pkt(2, 2, true),
            pkt(3, 3, false),
        ];
        let index = FrameIndex::from_packets(packets, None);
        assert_eq!(index.seek_point_for(1), None);
        assert_eq!(index.seek_point_for(3).unwrap().pts, 2);
    }
}
