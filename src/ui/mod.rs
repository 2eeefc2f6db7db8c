//! The egui app (the highest layer): the app and its start screen, the workspace that
//! hosts an open project's panels, the dialogs, widgets, theme, and the `Command` enum
//! with its shortcuts.

pub mod app;
pub mod commands;
pub mod dialogs;
pub mod file_picker;
pub mod jobs;
pub mod keymap;
pub mod palette;
pub mod panels;
pub mod prefs;
pub mod theme;
pub mod video_texture;
pub mod view_transform;
pub mod widgets;
pub mod wizard;
pub mod workspace;

pub use app::{KinelabApp, run_gui};
