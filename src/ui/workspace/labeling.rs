//! Labeling in an open project: what the view's clicks and drags do, which label a key
//! acts on, and what the status bar says about it. A frame that cannot be decoded takes
//! no labels.

use egui::Pos2;

use super::Workspace;
use crate::project::{Edit, IndividualId, LabelKey, Visibility, edits};
use crate::ui::panels::video_view::ViewAction;

impl Workspace {
    /// Fills the missing labels between the labeled frames around the frame shown (the
    /// gap after it, when it is labeled itself) on the line between each point's two
    /// labels: one undoable edit.
    pub(super) fn interpolate_labels(&mut self) {
        use crate::project::interpolation::{gap_around, interpolate};
        let Some(video) = self.selection.video else {
            return;
        };
        let state = self.project.state();
        let Some((from, to)) = gap_around(state, video, self.selection.frame_idx) else {
            self.set_status("no gap here: interpolation needs labeled frames on both sides");
            return;
        };
        match interpolate(state, video, from, to) {
            Some(fill) => {
                let filled = fill.filled;
                if self.apply_edit(fill.edit) {
                    self.set_status(format!(
                        "{} interpolated between frames {from} and {to} (Ctrl+Z undoes)",
                        crate::util::text::plural(filled, "label", "labels")
                    ));
                }
            }
            None => self.set_status(format!(
                "nothing to interpolate between frames {from} and {to}: no point is labeled on both"
            )),
        }
    }

    /// The label a key command (O, Delete) acts on: the marker under the pointer when
    /// there is one, else the selected keypoint of the selected individual.
    pub(super) fn label_for_key_command(&self) -> Option<LabelKey> {
        self.hovered_label
            .filter(|k| {
                Some(k.video) == self.selection.video && k.frame_idx == self.selection.frame_idx
            })
            .or_else(|| self.selection.selected_key(self.project.state()))
    }

    /// A label's keypoint for messages, with its individual where there are several:
    /// "'snout' of m2".
    pub(super) fn label_name(&self, key: LabelKey) -> String {
        let state = self.project.state();
        let name = state.skeleton.name_of(key.keypoint);
        if state.individuals.len() > 1 && key.individual != IndividualId::NONE {
            format!("'{name}' of {}", state.individual_name(key.individual))
        } else {
            format!("'{name}'")
        }
    }

    /// Commits an edit to one label and says in the status bar what changed, so that
    /// a key pressed over another marker than the selected one is never a surprise.
    pub(super) fn apply_and_say(&mut self, edit: Edit, key: LabelKey) {
        if self.apply_edit(edit) {
            let name = self.label_name(key);
            let now = match self.project.state().label(&key).map(|l| l.visibility) {
                Some(Visibility::Occluded) => "marked occluded",
                Some(Visibility::Visible) => "marked visible",
                Some(Visibility::Absent) => "marked absent",
                None => "deleted",
            };
            self.set_status(format!(
                "{name} {now} on frame {}",
                self.selection.frame_idx
            ));
        }
    }

    /// Why this frame takes no labels, if it does not: a frame that cannot be decoded
    /// is never shown as another frame, nor labeled blind.
    pub fn labeling_refused(&self) -> Option<String> {
        let frame_idx = self.selection.frame_idx;
        let reason = self.feed.as_ref()?.missing(frame_idx as usize)?;
        Some(format!(
            "frame {frame_idx} could not be decoded ({reason}): labeling is off on it"
        ))
    }

    pub(super) fn handle_view_action(&mut self, action: ViewAction) {
        let edits_label = matches!(
            action,
            ViewAction::Place { .. }
                | ViewAction::Move { .. }
                | ViewAction::ToggleOccluded(_)
                | ViewAction::AcceptPrediction { .. }
                | ViewAction::AcceptSuggestion { .. }
        );
        if edits_label && let Some(reason) = self.labeling_refused() {
            self.set_error(reason);
            return;
        }
        match action {
            ViewAction::Place {
                key,
                pos_in_image,
                move_placed,
            } => {
                let placed = self
                    .project
                    .state()
                    .label(&key)
                    .is_some_and(|l| l.visibility != Visibility::Absent);
                if placed && !move_placed {
                    // A stray click must not carry a placed label across the arena.
                    let name = self.label_name(key);
                    self.set_status(format!(
                        "{name} is placed already: drag it to move it, or Shift+click to move it here"
                    ));
                    return;
                }
                self.place_label(key, pos_in_image);
            }
            ViewAction::Move { key, pos_in_image } => self.place_label(key, pos_in_image),
            ViewAction::Select {
                individual,
                keypoint,
            } => self.selection.select_label(individual, keypoint),
            ViewAction::AcceptPrediction {
                set,
                key,
                x,
                y,
                score,
                moved,
            } => self.accept_predictions(set, vec![(key, [x, y, score])], moved),
            ViewAction::DrawBox { min, max } => self.box_drawn(min, max),
            ViewAction::RegionDrawn(region) => self.add_region(region),
            ViewAction::Measure { from, to } => {
                let px = f64::from(from.distance(to));
                self.plots_panel.measured(px);
                self.set_status(format!(
                    "measured {px:.1} px: say how long it is in the plots dock to set the scale"
                ));
            }
            ViewAction::AcceptSuggestion {
                key,
                x,
                y,
                score,
                moved,
            } => self.accept_suggestions(vec![(key, [x, y, score])], moved),
            ViewAction::ToggleOccluded(key) => {
                if let Some(edit) = edits::toggle_occluded(self.project.state(), key) {
                    self.apply_and_say(edit, key);
                }
            }
        }
    }

    /// Places or moves a label; after placing a new one, selects the next unlabeled
    /// keypoint.
    fn place_label(&mut self, key: LabelKey, pos_in_image: Pos2) {
        let is_new = self.project.state().label(&key).is_none();
        if let Some(edit) = edits::set_label_position(
            self.project.state(),
            key,
            f64::from(pos_in_image.x),
            f64::from(pos_in_image.y),
        ) && self.apply_edit(edit)
            && is_new
        {
            self.selection
                .select_next_unlabeled_after(self.project.state(), key.keypoint);
        }
    }
}
