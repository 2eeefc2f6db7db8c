//! Project settings: marker size and opacity, each change one undoable edit on release.

use std::collections::HashMap;

use super::request::DialogRequest;
use crate::project::settings_keys::{MARKER_OPACITY, MARKER_SIZE};
use crate::project::{Project, edits};

/// The settings window.
#[derive(Default)]
pub struct SettingsDialog {
    pub open: bool,
    /// Slider values while they are being dragged; committed as one edit on release.
    draft: HashMap<&'static str, f32>,
}

impl SettingsDialog {
    pub fn show(&mut self, ctx: &egui::Context, project: &Project, out: &mut Vec<DialogRequest>) {
        if !self.open {
            return;
        }
        let state = project.state();
        let mut open = true;
        let drafts = &mut self.draft;
        egui::Window::new("Settings")
            .open(&mut open)
            .show(ctx, |ui| {
                let mut slider =
                    |ui: &mut egui::Ui,
                     key: &'static str,
                     label: &str,
                     default: f32,
                     range: std::ops::RangeInclusive<f32>| {
                        let saved = state.setting_f32(key, default);
                        let value = drafts.entry(key).or_insert(saved);
                        let response = ui.add(egui::Slider::new(value, range).text(label));
                        let released =
                            response.drag_stopped() || (response.changed() && !response.dragged());
                        if released && (*value - saved).abs() > f32::EPSILON {
                            if let Some(edit) = edits::set_setting(state, key, format!("{value}")) {
                                out.push(DialogRequest::Apply(edit));
                            }
                        } else if !response.dragged() && !response.changed() {
                            *value = saved;
                        }
                    };
                slider(ui, MARKER_SIZE, "Marker size (points)", 6.0, 2.0..=20.0);
                slider(ui, MARKER_OPACITY, "Marker opacity", 0.9, 0.1..=1.0);
            });
        if !open {
            self.open = false;
        }
    }
}
