//! The commands an open project runs (keys, menus, the palette), grouped by what they
//! act on: history, navigation, labels, the view, and the windows they open.

use super::Workspace;
use crate::project::{IndividualId, VideoId, edits};
use crate::ui::commands::Command;

impl Workspace {
    /// Runs a workspace command (see `Command::scope`). Returns false for one it does
    /// not handle.
    pub fn run(&mut self, command: Command) -> bool {
        match command {
            Command::Undo | Command::Redo => self.step_history(command),
            Command::PlayPause => self.play_pause(),
            Command::Faster | Command::Slower => self.change_speed(command == Command::Faster),
            Command::NextFrame
            | Command::PreviousFrame
            | Command::Forward10
            | Command::Back10
            | Command::ForwardSecond
            | Command::BackSecond
            | Command::FirstFrame
            | Command::LastFrame => self.navigate(command),
            Command::NextLabeledFrame | Command::PreviousLabeledFrame | Command::NextUnlabeled => {
                self.jump_to_labeled(command)
            }
            Command::NextVideo | Command::PreviousVideo => self.cycle_video(command),
            Command::NextKeypoint => self.selection.cycle_keypoint(self.project.state(), 1),
            Command::PreviousKeypoint => self.selection.cycle_keypoint(self.project.state(), -1),
            Command::NextIndividual | Command::PreviousIndividual => {
                let delta = if command == Command::NextIndividual {
                    1
                } else {
                    -1
                };
                self.selection.cycle_individual(self.project.state(), delta);
                let name = self
                    .project
                    .state()
                    .individual_name(self.selection.individual);
                self.set_status(format!("labeling {name}"));
            }
            Command::ToggleOccluded | Command::DeleteLabel => self.edit_label_by_key(command),
            Command::CopyPreviousLabels => self.copy_previous_labels(),
            Command::SwapIndividuals => self.swap_individuals(),
            Command::AcceptFramePredictions => self.accept_frame_predictions(),
            Command::InterpolateLabels => self.interpolate_labels(),
            Command::Identities => self.identities_panel.open = true,
            Command::Behaviours => self.behaviours_panel.open = true,
            Command::BehaviourRules => self.rules_panel.open = true,
            Command::AcceptPredictionsRange => {
                let (frame, count) = (self.selection.frame_idx, self.frame_count());
                self.dialogs.accept_predictions.open_at(frame, count);
            }
            Command::Models => self.models_panel.open = true,
            Command::FramesToLabel => self.frames_panel.open = true,
            Command::Plots => self.plots_panel.open = !self.plots_panel.open,
            Command::Outliers => self.outliers_panel.open = true,
            Command::NextOutlier => self.step_outliers(true),
            Command::PreviousOutlier => self.step_outliers(false),
            Command::NextFrameToLabel => self.step_frames_to_label(true),
            Command::PreviousFrameToLabel => self.step_frames_to_label(false),
            Command::SuggestFrame => {
                if let Err(e) = self.suggest_now() {
                    self.set_error(e);
                }
            }
            Command::AutoSuggest => {
                let on = !self.suggests_every_frame();
                self.set_suggest_every_frame(on);
            }
            Command::AcceptSuggestions => self.accept_frame_suggestions(),
            Command::RunModelOnVideo => {
                let active = self.suggestions.active.clone();
                self.open_run_model(active);
            }
            Command::Fit => self.view.auto_fit = true,
            Command::ZoomIn | Command::ZoomOut | Command::ActualSize => self.zoom(command),
            Command::GoToFrame => self.dialogs.open_go_to(self.selection.frame_idx),
            Command::EditSkeleton => self.dialogs.skeleton.open = true,
            Command::EditIndividuals => self.dialogs.individuals.open = true,
            Command::Settings => self.dialogs.settings.open = true,
            Command::AddVideo => self.dialogs.open_add_video(),
            Command::ImportLabels => self.dialogs.import.open = true,
            Command::ExportDataset => self.dialogs.export.open_for(&self.project),
            Command::SaveToDlc => self.dialogs.export.save_requested = true,
            Command::RenderLabeledVideo => match self.selection.video {
                Some(video) => {
                    self.dialogs
                        .render_video
                        .open_for(&self.project, video, &self.layers)
                }
                None => self.set_status("add a video first: File > Add video…"),
            },
            _ => return false,
        }
        true
    }

    fn step_history(&mut self, command: Command) {
        let (result, verb) = if command == Command::Undo {
            (self.project.undo(), "undo")
        } else {
            (self.project.redo(), "redo")
        };
        match result {
            Ok(Some(name)) => {
                self.label_generation += 1;
                let done = if command == Command::Undo {
                    "undid"
                } else {
                    "redid"
                };
                self.set_status(format!("{done} {name}"));
                self.after_history_step();
            }
            Ok(None) => self.set_status(format!("nothing to {verb}")),
            Err(e) => self.set_error(format!("could not {verb}: {e}")),
        }
    }

    fn navigate(&mut self, command: Command) {
        // Stepping pauses.
        self.playback = None;
        let fps = self.fps();
        let second = if fps > 0.0 { fps.round() as i64 } else { 30 };
        let delta = match command {
            Command::NextFrame => 1,
            Command::PreviousFrame => -1,
            Command::Forward10 => 10,
            Command::Back10 => -10,
            Command::ForwardSecond => second,
            Command::BackSecond => -second,
            Command::FirstFrame => return self.go_to(0),
            _ => return self.go_to(u64::MAX),
        };
        let target = (self.selection.frame_idx as i64 + delta).max(0) as u64;
        self.go_to(target);
    }

    fn jump_to_labeled(&mut self, command: Command) {
        let Some(video) = self.selection.video else {
            return;
        };
        let state = self.project.state();
        let from = self.selection.frame_idx;
        let target = match command {
            Command::NextLabeledFrame => state.next_labeled_frame(video, from),
            Command::PreviousLabeledFrame => state.previous_labeled_frame(video, from),
            _ => state.next_frame_with_unlabeled(video, from),
        };
        match target {
            Some(f) => self.go_to(f),
            None => self.set_status(match command {
                Command::NextUnlabeled => "every labeled frame is complete",
                _ => "no labeled frame that way",
            }),
        }
    }

    fn cycle_video(&mut self, command: Command) {
        let ids: Vec<VideoId> = self.project.state().videos.iter().map(|v| v.id).collect();
        if let Some(at) = self
            .selection
            .video
            .and_then(|v| ids.iter().position(|&x| x == v))
        {
            let delta = if command == Command::NextVideo { 1 } else { -1 };
            let next = (at as isize + delta).rem_euclid(ids.len() as isize) as usize;
            self.set_video(ids[next]);
        }
    }

    /// O and Delete: on the marker under the pointer, else the selected keypoint.
    fn edit_label_by_key(&mut self, command: Command) {
        let Some(key) = self.label_for_key_command() else {
            return;
        };
        if let Some(reason) = self.labeling_refused() {
            self.set_error(reason);
            return;
        }
        let state = self.project.state();
        let edit = match command {
            Command::ToggleOccluded => edits::toggle_occluded(state, key),
            _ => edits::delete_label(state, key),
        };
        match edit {
            Some(edit) => self.apply_and_say(edit, key),
            None => {
                let name = self.label_name(key);
                self.set_status(format!("{name} is not placed on this frame"));
            }
        }
    }

    fn copy_previous_labels(&mut self) {
        let Some(video) = self.selection.video else {
            return;
        };
        let state = self.project.state();
        let frame_idx = self.selection.frame_idx;
        match state.previous_labeled_frame(video, frame_idx) {
            Some(from) => {
                match edits::copy_labels_from_frame(state, video, from, frame_idx, None) {
                    Some(edit) => {
                        self.apply_edit(edit);
                    }
                    None => self.set_status("nothing to copy: this frame has them all"),
                }
            }
            None => self.set_status("no labeled frame before this one"),
        }
    }

    fn swap_individuals(&mut self) {
        let Some(video) = self.selection.video else {
            return;
        };
        let state = self.project.state();
        let ids: Vec<IndividualId> = state.individuals.iter().map(|i| i.id).collect();
        if ids.len() < 2 {
            self.set_status("swapping needs two individuals");
            return;
        }
        let selected = self.selection.individual;
        let at = ids.iter().position(|&x| x == selected).unwrap_or(0);
        let other = ids[(at + 1) % ids.len()];
        if let Some(edit) =
            edits::swap_individuals(state, video, self.selection.frame_idx, selected, other)
        {
            self.apply_edit(edit);
        }
    }

    fn zoom(&mut self, command: Command) {
        let zoom = match command {
            Command::ZoomIn => self.view.transform.zoom * 1.25,
            Command::ZoomOut => self.view.transform.zoom / 1.25,
            _ => 1.0,
        };
        self.view
            .transform
            .set_zoom_about_center(self.view.rect, zoom);
        self.view.auto_fit = false;
    }
}
