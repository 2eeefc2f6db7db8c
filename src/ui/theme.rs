//! The one place the app's colours come from: a dark and a light theme.

use egui::Color32;

/// Which theme is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeKind {
    Dark,
    Light,
}

/// Colours the app draws with, beyond egui's own widget visuals.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub kind: ThemeKind,
    /// Behind the video frame.
    pub canvas: Color32,
    pub timeline_bg: Color32,
    /// Tick of a frame with labels on the timeline.
    pub timeline_labeled: Color32,
    /// Tick of a frame whose labels are all there.
    pub timeline_complete: Color32,
    pub timeline_cursor: Color32,
    pub timeline_hover: Color32,
    /// Keyframes, shown faintly so a person sees where seeking is cheap.
    pub timeline_keyframe: Color32,
    /// Outline of a keypoint marker, for contrast on any video.
    pub marker_outline: Color32,
    /// Ring around the selected keypoint.
    pub selection: Color32,
    pub text_dim: Color32,
    pub error: Color32,
    pub ok: Color32,
}

impl Theme {
    pub fn dark() -> Self {
        Self {
            kind: ThemeKind::Dark,
            canvas: Color32::from_gray(18),
            timeline_bg: Color32::from_gray(32),
            timeline_labeled: Color32::from_rgb(240, 170, 40),
            timeline_complete: Color32::from_rgb(80, 200, 120),
            timeline_cursor: Color32::from_rgb(90, 170, 255),
            timeline_hover: Color32::from_gray(160),
            timeline_keyframe: Color32::from_gray(70),
            marker_outline: Color32::BLACK,
            selection: Color32::WHITE,
            text_dim: Color32::from_gray(150),
            error: Color32::from_rgb(255, 110, 100),
            ok: Color32::from_rgb(120, 210, 140),
        }
    }

    pub fn light() -> Self {
        Self {
            kind: ThemeKind::Light,
            canvas: Color32::from_gray(200),
            timeline_bg: Color32::from_gray(225),
            timeline_labeled: Color32::from_rgb(200, 120, 0),
            timeline_complete: Color32::from_rgb(20, 140, 60),
            timeline_cursor: Color32::from_rgb(20, 100, 220),
            timeline_hover: Color32::from_gray(90),
            timeline_keyframe: Color32::from_gray(185),
            marker_outline: Color32::BLACK,
            selection: Color32::from_rgb(20, 20, 20),
            text_dim: Color32::from_gray(100),
            error: Color32::from_rgb(190, 30, 20),
            ok: Color32::from_rgb(20, 130, 50),
        }
    }

    pub fn of(kind: ThemeKind) -> Self {
        match kind {
            ThemeKind::Dark => Self::dark(),
            ThemeKind::Light => Self::light(),
        }
    }

    /// Applies egui's matching widget visuals.
    pub fn apply(&self, ctx: &egui::Context) {
        ctx.set_theme(match self.kind {
            ThemeKind::Dark => egui::Theme::Dark,
            ThemeKind::Light => egui::Theme::Light,
        });
    }
}
