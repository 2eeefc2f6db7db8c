//! The plots dock in an open project: its context, and what its actions do.

use super::Workspace;
use crate::analysis::kinematics_table::{Scale, kinematics_scale_of};
use crate::project::edits;
use crate::project::settings_keys::KINEMATICS_SCALE;
use crate::ui::panels::plots::{PlotsAction, PlotsContext};
use crate::ui::theme::Theme;

impl Workspace {
    /// Draws the dock above the timeline when it is open, and returns its actions.
    pub(super) fn plots_dock_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) -> Vec<PlotsAction> {
        if !self.plots_panel.open {
            return Vec::new();
        }
        let project_path = self.project.path().to_owned();
        let context = PlotsContext {
            state: self.project.state(),
            video: self.selection.video,
            project_path: &project_path,
            video_path: self
                .selection
                .video
                .and_then(|v| self.project.video_path(v)),
            frame_idx: self.selection.frame_idx,
            frame_count: self.frame_count(),
            label_generation: self.label_generation,
            scale: self.kinematics_scale(),
            theme,
        };
        let panel = &mut self.plots_panel;
        egui::Panel::bottom("plots")
            .resizable(true)
            .default_size(260.0)
            .min_size(120.0)
            .show(ui, |ui| panel.ui(ui, &context))
            .inner
    }

    pub(super) fn handle_plots_action(&mut self, action: PlotsAction) {
        match action {
            PlotsAction::GoTo(f) => self.go_to(f),
            PlotsAction::ScrubTo(f) => {
                self.playback = None;
                self.scrub_to(f);
            }
            PlotsAction::ScrubEnded => self.go_to(self.selection.frame_idx),
            PlotsAction::Exported(path) => self.set_status(format!("saved {}", path.display())),
            PlotsAction::Error(e) => self.set_error(e),
            PlotsAction::Close => self.plots_panel.open = false,
            PlotsAction::SetWritten { new, description } => {
                let added = self.project.add_prediction_set(new, description.clone());
                self.after_history_step();
                match added {
                    Ok(()) => self.set_status(format!("{description} (a new prediction set)")),
                    Err(e) => self.set_error(format!("the cleaned set could not be added: {e}")),
                }
            }
            PlotsAction::SetScale(scale) => {
                let value =
                    scale.map_or_else(String::new, |s| format!("{}:{}", s.px_per_unit, s.unit));
                if let Some(edit) =
                    edits::set_setting(self.project.state(), KINEMATICS_SCALE, value)
                    && self.apply_edit(edit)
                {
                    self.set_status(match self.kinematics_scale() {
                        Some(s) => format!("scale set: {:.4} px per {}", s.px_per_unit, s.unit),
                        None => "scale cleared: kinematics in pixels".to_owned(),
                    });
                }
            }
        }
    }

    /// The project's scale for real units, if it has one.
    pub fn kinematics_scale(&self) -> Option<Scale> {
        kinematics_scale_of(self.project.state())
    }
}
