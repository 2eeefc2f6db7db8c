//! Labeled videos: a video with its labels and prediction sets drawn on every frame,
//! as the app draws them, encoded as H.264 in an MP4 with the source's frame count and
//! timestamps (DeepLabCut's `create_labeled_video`, and the review file a lab shares).
//!
//! - `content`: what is drawn (a project's labels and sets for one video, filtered).
//! - `pipeline`: decode on one thread, draw and encode on another, with progress and
//!   cancelling; the file appears only when complete.

pub mod content;
pub mod pipeline;

pub use content::{NamedArrays, RenderContent, RenderFilter, read_sets};
pub use pipeline::{RenderError, RenderOptions, RenderReport, render};

/// x264 presets, fastest first (`kinelab render --preset`, the GUI's menu).
pub const PRESETS: &[&str] = &[
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
];

/// The preset a render uses unless told: fast, at a size close to `medium`'s.
pub const DEFAULT_PRESET: &str = "veryfast";

/// x264's quality (constant rate factor) unless told: visually lossless for overlays.
pub const DEFAULT_CRF: u32 = 20;

/// The marker radius, in video pixels, for a video `height` pixels tall: DeepLabCut's
/// default dot size (8) at 1080 lines, never below 3.
pub fn default_marker_radius(height: u32) -> f32 {
    (height as f32 / 135.0).max(3.0)
}
