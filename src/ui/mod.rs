//! The egui app (the highest layer): the app and its screens, panels, widgets, theme,
//! and the `Command` enum with its shortcuts.

pub mod app;
pub mod commands;
pub mod dialogs;
pub mod file_picker;
pub mod frame_feed;
pub mod interchange_dialogs;
pub mod jobs;
pub mod keymap;
pub mod keypoint_panel;
pub mod palette;
pub mod prefs;
pub mod theme;
pub mod timeline;
pub mod video_texture;
pub mod video_view;
pub mod view_transform;
pub mod wizard;
pub mod workspace;

pub use app::{KinelabApp, run_gui};
