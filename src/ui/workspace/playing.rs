//! Playback in an open project: Space plays and pauses, `[` and `]` change the speed
//! (0.25× to 4×). Each UI frame asks for the frame due by the clock; the decode worker
//! prefetches ahead in the direction of play, and the status bar counts frames shown
//! late or skipped.

use std::time::Instant;

use super::Workspace;
use crate::video::playback::Playback;

impl Workspace {
    /// Whether the video is playing, and at what speed.
    pub fn playing(&self) -> Option<f64> {
        self.playback.map(|p| p.speed)
    }

    /// Space: plays from the current frame, or pauses. A pan with Space held undoes the
    /// toggle its press made (`space_pan_started`).
    pub(super) fn play_pause(&mut self) {
        self.pending_space_toggle = Some(self.playback);
        if self.playback.take().is_none() {
            self.start_playing(self.speed);
        }
    }

    /// Starts (or restarts) the clock at the current frame.
    pub(super) fn start_playing(&mut self, speed: f64) {
        let Some((index, secs_per_tick)) = self
            .feed
            .as_ref()
            .and_then(|f| Some((f.index()?.clone(), f.info()?.secs_per_tick())))
        else {
            self.set_status("the video is still being indexed");
            return;
        };
        let mut frame = self.selection.frame_idx as usize;
        if frame + 1 >= index.frame_count() {
            // At the end: play from the start.
            frame = 0;
            self.go_to(0);
        }
        self.speed = speed;
        self.playback = Some(Playback::start(
            &index,
            secs_per_tick,
            frame,
            speed,
            Instant::now(),
        ));
    }

    /// `[` and `]`: one speed down or up; the clock goes on from the frame shown.
    pub(super) fn change_speed(&mut self, up: bool) {
        let speed = Playback::step_speed(self.speed, up);
        if self.playback.is_some() {
            self.start_playing(speed);
        } else {
            self.speed = speed;
        }
        self.set_status(format!("speed {}×", speed_text(speed)));
    }

    /// Goes to the frame due now; stops at the end. Called once per UI frame, before
    /// the panels draw; asks for a repaint when the next frame is due.
    pub(super) fn advance_playback(&mut self, ctx: &egui::Context) {
        let Some(playback) = self.playback else {
            return;
        };
        let Some((index, secs_per_tick)) = self
            .feed
            .as_ref()
            .and_then(|f| Some((f.index()?.clone(), f.info()?.secs_per_tick())))
        else {
            return;
        };
        let now = Instant::now();
        let (due, ended) = playback.due(&index, secs_per_tick, now);
        if due as u64 != self.selection.frame_idx {
            let playing = self.playback.take();
            self.go_to(due as u64);
            self.playback = playing;
        }
        if ended {
            self.playback = None;
            return;
        }
        let wait = playback
            .until_next(&index, secs_per_tick, due, now)
            .unwrap_or_default();
        ctx.request_repaint_after(wait);
    }

    /// A drag began with Space held: the press of Space was for panning, not playing.
    pub(super) fn space_pan_started(&mut self) {
        if let Some(before) = self.pending_space_toggle.take() {
            self.playback = before;
        }
    }
}

/// "0.25", "1", "4".
pub fn speed_text(speed: f64) -> String {
    format!("{speed}")
}
