//! The Outliers panel in an open project: its context, its actions, and J / Shift+J.

use super::Workspace;
use crate::project::frames_to_label::{self, FramesToLabel};
use crate::ui::panels::outliers::{OutliersAction, OutliersContext};
use crate::ui::theme::Theme;

impl Workspace {
    /// Draws the panel (and polls its search while closed) and returns its actions.
    pub(super) fn outliers_panel_ui(
        &mut self,
        ctx: &egui::Context,
        theme: &Theme,
    ) -> Vec<OutliersAction> {
        if !self.outliers_panel.open && !self.outliers_panel.is_busy() {
            return Vec::new();
        }
        let project_path = self.project.path().to_owned();
        let context = OutliersContext {
            state: self.project.state(),
            video: self.selection.video,
            video_path: self
                .selection
                .video
                .and_then(|v| self.project.video_path(v)),
            project_path: &project_path,
            frame_count: self.frame_count(),
            current_frame: self.selection.frame_idx,
            theme,
        };
        self.outliers_panel.show(ctx, &context)
    }

    pub(super) fn handle_outliers_action(&mut self, action: OutliersAction) {
        match action {
            OutliersAction::GoTo(f) => self.go_to(f),
            OutliersAction::Error(e) => self.set_error(e),
            OutliersAction::Picked {
                video,
                frames,
                accept_from,
            } => {
                let n = frames.len();
                let list = FramesToLabel {
                    method: "outliers (k-means)".into(),
                    frames: frames.clone(),
                };
                if let Some(edit) = frames_to_label::set(self.project.state(), video, Some(list)) {
                    self.apply_edit(edit);
                }
                if let Some(set) = accept_from
                    && self.selection.video == Some(video)
                {
                    self.accept_frames_predictions(set, &frames);
                }
                self.set_status(format!(
                    "{} picked among the outliers to label{}: N walks them",
                    crate::util::text::plural(n, "frame", "frames"),
                    if accept_from.is_some() {
                        ", their points now labels to correct"
                    } else {
                        ""
                    }
                ));
            }
        }
    }

    /// Goes to the next (or previous) outlier frame of the video shown.
    pub(super) fn step_outliers(&mut self, forward: bool) {
        let Some(video) = self.selection.video else {
            return;
        };
        let Some(report) = self.outliers_panel.report_for(video) else {
            self.set_status("no outliers found yet: search in Navigate > Outliers…");
            return;
        };
        match report.step(self.selection.frame_idx, forward) {
            Some(f) => {
                let total = report.outliers.len();
                let at = report
                    .outliers
                    .iter()
                    .position(|o| o.frame_idx == f)
                    .map_or(0, |i| i + 1);
                self.go_to(f);
                self.set_status(format!("outlier {at} of {total}"));
            }
            None => self.set_status(if forward {
                "no outlier after this frame"
            } else {
                "no outlier before this frame"
            }),
        }
    }
}
