//! The status bar: the frame, its time (or image name), zoom, the pointer in image
//! pixels, a save or render in progress, and the last message or error.

use std::path::Path;

use egui::{Pos2, RichText};

use crate::ui::theme::Theme;

/// A message in the status bar.
#[derive(Clone, Debug)]
pub struct StatusMessage {
    pub text: String,
    pub is_error: bool,
}

/// Whether the frame on screen is the one asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameState {
    Exact,
    /// Another frame stands in while it decodes.
    Decoding,
    /// It cannot be decoded: nothing stands in for it.
    Missing,
}

/// What the status bar reads.
pub struct StatusBarContext<'a> {
    pub frame_idx: u64,
    pub frame_count: u64,
    pub frame_state: FrameState,
    /// The frame's time (`mm:ss.mmm`), or its image's name in an image folder.
    pub when: String,
    pub zoom: f32,
    pub cursor_in_image: Option<Pos2>,
    /// Where Save to DeepLabCut is writing, while it is.
    pub saving_to: Option<&'a Path>,
    /// Frames done and in all while a labeled video renders.
    pub rendering: Option<(u64, u64)>,
    /// The speed while the video plays.
    pub playing: Option<f64>,
    pub message: Option<&'a StatusMessage>,
    pub theme: &'a Theme,
}

/// `mm:ss.mmm`.
pub fn clock_text(time_secs: f64) -> String {
    format!(
        "{:02}:{:06.3}",
        (time_secs / 60.0).floor() as u64,
        time_secs % 60.0
    )
}

pub fn status_bar_ui(ui: &mut egui::Ui, ctx: &StatusBarContext<'_>) {
    ui.horizontal(|ui| {
        let frame_text = format!(
            "frame {} / {}",
            ctx.frame_idx,
            ctx.frame_count.saturating_sub(1)
        );
        ui.label(RichText::new(frame_text).monospace());
        match ctx.frame_state {
            FrameState::Exact => {}
            FrameState::Decoding => {
                ui.label(RichText::new("decoding…").color(ctx.theme.text_dim));
            }
            FrameState::Missing => {
                ui.label(RichText::new("missing: cannot be decoded").color(ctx.theme.error));
            }
        }
        if let Some(speed) = ctx.playing {
            ui.label(RichText::new(format!("playing {speed}×")).color(ctx.theme.ok));
        }
        ui.separator();
        ui.label(RichText::new(&ctx.when).monospace());
        ui.separator();
        ui.label(format!("zoom {:.0}%", ctx.zoom * 100.0));
        ui.separator();
        let cursor = match ctx.cursor_in_image {
            Some(p) => format!("x {:.1}  y {:.1}", p.x, p.y),
            None => "x –  y –".to_owned(),
        };
        ui.label(RichText::new(cursor).monospace());
        if let Some(target) = ctx.saving_to {
            ui.separator();
            ui.spinner();
            ui.label(format!("saving to DeepLabCut in {}…", target.display()));
        }
        if let Some((done, total)) = ctx.rendering {
            ui.separator();
            ui.spinner();
            ui.label(format!("rendering labeled video: {done} / {total} frames"));
        }
        if let Some(message) = ctx.message {
            ui.separator();
            let color = if message.is_error {
                ctx.theme.error
            } else {
                ctx.theme.text_dim
            };
            ui.label(RichText::new(&message.text).color(color));
        }
    });
}
