//! The Rules panel in an open project: its context and what its actions do.

use super::Workspace;
use crate::project::behaviours;
use crate::project::edits;
use crate::ui::panels::rules::{RULES, RulesAction, RulesContext};
use crate::ui::theme::Theme;

impl Workspace {
    /// Draws the panel (and polls its run while closed) and returns its actions.
    pub(super) fn rules_panel_ui(
        &mut self,
        ctx: &egui::Context,
        theme: &Theme,
    ) -> Vec<RulesAction> {
        if !self.rules_panel.open && !self.rules_panel.is_busy() {
            return Vec::new();
        }
        let context = RulesContext {
            state: self.project.state(),
            video: self.selection.video,
            video_path: self
                .selection
                .video
                .and_then(|v| self.project.video_path(v)),
            project_path: self.project.path().to_owned(),
            theme,
        };
        self.rules_panel.show(ctx, &context)
    }

    pub(super) fn handle_rules_action(&mut self, action: RulesAction) {
        match action {
            RulesAction::Error(e) => self.set_error(e),
            RulesAction::SaveRules(set) => {
                let Ok(text) = serde_json::to_string(&set) else {
                    return;
                };
                if let Some(edit) = edits::set_setting(self.project.state(), RULES, text)
                    && self.apply_edit(edit)
                {
                    self.rules_panel.draft = None;
                    self.set_status(format!("{} rules saved", set.rules.len()));
                }
            }
            RulesAction::Found(video, events, n) => {
                let description = format!(
                    "find {} by rules",
                    crate::util::text::plural(n, "event", "events")
                );
                if let Some(edit) =
                    behaviours::set_events(self.project.state(), video, events, description.clone())
                    && self.apply_edit(edit)
                {
                    self.set_status(format!(
                        "{description}: computed, in the events lanes and list (Ctrl+Z undoes)"
                    ));
                }
            }
        }
    }
}
