//! The Rules panel in an open project: its context and what its actions do.

use super::Workspace;
use crate::project::behaviours;
use crate::project::edits;
use crate::ui::panels::region_overlay::{RegionDraft, RegionShape};
use crate::ui::panels::rules::{REGIONS, RULES, RulesAction, RulesContext, regions_of};
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
            drawing: self.view.region_draft.is_some(),
            theme,
        };
        self.rules_panel.show(ctx, &context)
    }

    /// Keeps a region drawn on the frame with the project (one undoable edit).
    pub(super) fn add_region(&mut self, region: crate::analysis::rules::Region) {
        let mut regions = regions_of(self.project.state());
        let name = region.name().to_owned();
        regions.retain(|r| r.name() != name);
        regions.push(region);
        self.set_regions(regions, format!("draw the region '{name}'"));
        // The next region gets a name of its own.
        self.rules_panel.region_name.clear();
    }

    fn set_regions(&mut self, regions: Vec<crate::analysis::rules::Region>, description: String) {
        let Ok(text) = serde_json::to_string(&regions) else {
            return;
        };
        if let Some(mut edit) = edits::set_setting(self.project.state(), REGIONS, text) {
            edit.description = description.clone();
            if self.apply_edit(edit) {
                self.set_status(description);
            }
        }
    }

    pub(super) fn handle_rules_action(&mut self, action: RulesAction) {
        match action {
            RulesAction::DrawRegion(shape, name) => {
                self.view.region_draft = Some(RegionDraft {
                    shape,
                    name,
                    points: Vec::new(),
                });
                self.set_status(match shape {
                    RegionShape::Circle => "drag from the region's centre to its edge",
                    RegionShape::Polygon => "click the region's corners; double-click the last",
                });
            }
            RulesAction::CancelDrawing => self.view.region_draft = None,
            RulesAction::DeleteRegion(name) => {
                let mut regions = regions_of(self.project.state());
                regions.retain(|r| r.name() != name);
                self.set_regions(regions, format!("delete the region '{name}'"));
            }
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
