//! Frames to label in an open project: the panel's context, its actions, the timeline's
//! marks and N / Shift+N.

use super::Workspace;
use crate::project::frames_to_label::{self, FramesToLabel};
use crate::ui::panels::frames_to_label::{FramesAction, FramesContext, ScoringModel, SetSummary};
use crate::ui::theme::Theme;

impl Workspace {
    /// The current video's frames to label.
    pub fn frames_to_label(&self) -> FramesToLabel {
        self.selection
            .video
            .map(|v| frames_to_label::of_video(self.project.state(), v))
            .unwrap_or_default()
    }

    /// Draws the panel and returns its actions (its errors go to the status bar).
    pub(super) fn frames_panel_ui(
        &mut self,
        ctx: &egui::Context,
        theme: &Theme,
    ) -> Vec<FramesAction> {
        // Closed and idle: nothing to draw, nothing to poll.
        if !self.frames_panel.open && !self.frames_panel.is_busy() {
            return Vec::new();
        }
        let list = self.frames_to_label();
        let state = self.project.state();
        let video = self.selection.video.and_then(|v| {
            let path = self.project.video_path(v)?;
            Some((v, path, state.video(v)?.def.frame_count))
        });
        let labeled_in_list = self.selection.video.map_or(0, |v| {
            list.frames
                .iter()
                .filter(|&&f| state.label_count_on_frame(v, f) > 0)
                .count()
        });
        let model = self.suggestions.active.as_ref().and_then(|path| {
            let loaded = self
                .suggestions
                .entries
                .iter()
                .find(|e| &e.path == path)?
                .loaded()?;
            Some(ScoringModel {
                path: path.clone(),
                name: loaded.name.clone(),
                spec: loaded.spec.clone(),
                options: self.session_options(),
            })
        });
        let sets: Vec<SetSummary<'_>> = self.selection.video.map_or_else(Vec::new, |v| {
            state
                .present_prediction_sets()
                .filter_map(|s| {
                    Some(SetSummary {
                        id: s.id,
                        name: &s.def.name,
                        summary: &s.video(v)?.summary,
                    })
                })
                .collect()
        });
        let context = FramesContext {
            video,
            list: &list,
            labeled_in_list,
            current_frame: self.selection.frame_idx,
            model,
            sets: &sets,
            theme,
        };
        let (actions, error) = self.frames_panel.show(ctx, &context);
        if let Some(e) = error {
            self.set_error(e);
        }
        actions
    }

    pub(super) fn handle_frames_action(&mut self, action: FramesAction) {
        match action {
            FramesAction::GoTo(f) => self.go_to(f),
            FramesAction::Set(video, list) => {
                let n = list.frames.len();
                if let Some(edit) = frames_to_label::set(self.project.state(), video, Some(list))
                    && self.apply_edit(edit)
                {
                    self.set_status(format!(
                        "{} to label, marked on the timeline: N goes to the next",
                        crate::util::text::plural(n, "frame", "frames")
                    ));
                }
            }
            FramesAction::Clear(video) => {
                if let Some(edit) = frames_to_label::set(self.project.state(), video, None) {
                    self.apply_edit(edit);
                }
            }
        }
    }

    /// Goes to the next (or previous) frame to label.
    pub(super) fn step_frames_to_label(&mut self, forward: bool) {
        let list = self.frames_to_label();
        match frames_to_label::step(&list.frames, self.selection.frame_idx, forward) {
            Some(f) => {
                self.go_to(f);
                let at = list
                    .frames
                    .iter()
                    .position(|&x| x == f)
                    .map_or(0, |i| i + 1);
                self.set_status(format!("frame to label {at} of {}", list.frames.len()));
            }
            None => self.set_status("no frames to label: pick some (Navigate > Frames to label…)"),
        }
    }
}
