//! Playback on a clock: which frame is due at each moment, by the frames' own
//! timestamps, so every frame shown is the exact frame for its time (variable frame
//! rates and dropped-frame gaps included) at any speed.

use std::time::Instant;

use super::index::FrameIndex;

/// The speeds a person picks from.
pub const SPEEDS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

/// A video playing from a frame, at a speed.
#[derive(Clone, Copy, Debug)]
pub struct Playback {
    started_at: Instant,
    /// Media time (seconds from the first frame) when it started.
    start_time_secs: f64,
    pub speed: f64,
}

impl Playback {
    /// Plays from `frame_idx` at `speed`, starting `now`.
    pub fn start(
        index: &FrameIndex,
        secs_per_tick: f64,
        frame_idx: usize,
        speed: f64,
        now: Instant,
    ) -> Self {
        Self {
            started_at: now,
            start_time_secs: index.time_of(frame_idx, secs_per_tick).unwrap_or(0.0),
            speed,
        }
    }

    /// Media time `now`.
    pub fn time_secs(&self, now: Instant) -> f64 {
        self.start_time_secs + now.duration_since(self.started_at).as_secs_f64() * self.speed
    }

    /// The frame due `now`, and whether the video has ended (the last frame is due).
    pub fn due(&self, index: &FrameIndex, secs_per_tick: f64, now: Instant) -> (usize, bool) {
        let frame = index.frame_at_time(self.time_secs(now), secs_per_tick);
        (frame, frame + 1 >= index.frame_count())
    }

    /// How long until the frame after `frame_idx` is due (for the next repaint).
    pub fn until_next(
        &self,
        index: &FrameIndex,
        secs_per_tick: f64,
        frame_idx: usize,
        now: Instant,
    ) -> Option<std::time::Duration> {
        let next = index.time_of(frame_idx + 1, secs_per_tick)?;
        let wait = (next - self.time_secs(now)) / self.speed;
        Some(std::time::Duration::from_secs_f64(wait.max(0.0)))
    }

    /// The speed after `speed` in `SPEEDS`, one step up (`up`) or down.
    pub fn step_speed(speed: f64, up: bool) -> f64 {
        let at = SPEEDS
            .iter()
            .position(|&s| (s - speed).abs() < 1e-9)
            .unwrap_or(2);
        let next = if up {
            (at + 1).min(SPEEDS.len() - 1)
        } else {
            at.saturating_sub(1)
        };
        SPEEDS[next]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::video::index::PacketEntry;

    /// Frames at ticks 0, 1, 2, then a gap, 5, 6 (tick = 1/10 s).
    fn index() -> FrameIndex {
        let packets = [0, 1, 2, 5, 6]
            .into_iter()
            .map(|pts| PacketEntry {
                pts,
                dts: pts,
                is_key: pts == 0,
                presented: true,
                pts_known: true,
            })
            .collect();
        FrameIndex::from_packets(packets, None)
    }

    #[test]
    fn the_due_frame_follows_the_timestamps_at_every_speed() {
        let index = index();
        let t0 = Instant::now();
        let at = |secs: f64| t0 + std::time::Duration::from_secs_f64(secs);
        let play = Playback::start(&index, 0.1, 0, 1.0, t0);
        assert_eq!(play.due(&index, 0.1, at(0.05)), (0, false));
        assert_eq!(play.due(&index, 0.1, at(0.25)), (2, false));
        // In the gap the last frame shown stays: frame 3 is at 0.5 s.
        assert_eq!(play.due(&index, 0.1, at(0.45)), (2, false));
        assert_eq!(play.due(&index, 0.1, at(0.55)), (3, false));
        assert_eq!(play.due(&index, 0.1, at(9.0)), (4, true));
        let fast = Playback::start(&index, 0.1, 1, 4.0, t0);
        assert_eq!(fast.due(&index, 0.1, at(0.1)), (3, false));
        assert_eq!(Playback::step_speed(1.0, true), 2.0);
        assert_eq!(Playback::step_speed(0.25, false), 0.25);
        let wait = play.until_next(&index, 0.1, 2, at(0.3)).unwrap();
        assert!((wait.as_secs_f64() - 0.2).abs() < 1e-6);
    }
}
