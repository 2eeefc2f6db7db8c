//! The Identities panel in an open project: its context and what its actions do.

use super::Workspace;
use crate::project::edits;
use crate::ui::panels::identities::{IdentitiesAction, IdentitiesContext};
use crate::ui::theme::Theme;

impl Workspace {
    /// Draws the panel (and polls its jobs while closed) and returns its actions.
    pub(super) fn identities_panel_ui(
        &mut self,
        ctx: &egui::Context,
        theme: &Theme,
    ) -> Vec<IdentitiesAction> {
        if !self.identities_panel.open && !self.identities_panel.is_busy() {
            return Vec::new();
        }
        let project_path = self.project.path().to_owned();
        let context = IdentitiesContext {
            state: self.project.state(),
            video: self.selection.video,
            project_path: &project_path,
            frame_count: self.frame_count(),
            current_frame: self.selection.frame_idx,
            selected_individual: self.selection.individual,
            theme,
        };
        self.identities_panel.show(ctx, &context)
    }

    pub(super) fn handle_identities_action(&mut self, action: IdentitiesAction) {
        match action {
            IdentitiesAction::GoTo(f) => self.go_to(f),
            IdentitiesAction::Error(e) => self.set_error(e),
            IdentitiesAction::SwapLabels {
                video,
                a,
                b,
                first,
                last,
            } => {
                match edits::swap_individuals_over(self.project.state(), video, first..=last, a, b)
                {
                    Some(edit) => {
                        let what = edit.description.clone();
                        if self.apply_edit(edit) {
                            self.set_status(format!("{what} (Ctrl+Z undoes)"));
                        }
                    }
                    None => self.set_status(format!(
                        "no labels of either on frames {first}–{last}: nothing to swap"
                    )),
                }
            }
            IdentitiesAction::SetCorrected {
                from,
                new,
                description,
            } => {
                let added = self.project.add_prediction_set(new, description.clone());
                self.after_history_step();
                match added {
                    Ok(()) => {
                        // The corrected copy replaces the set on screen.
                        self.layers.hidden_sets.insert(from);
                        self.set_status(format!("{description}: a corrected copy, shown instead"));
                    }
                    Err(e) => self.set_error(format!("the corrected set could not be added: {e}")),
                }
            }
        }
    }
}
