//! The right panel: the individuals and each keypoint's state on this frame. Clicking
//! a row selects that individual or keypoint.

use egui::{Sense, vec2};

use super::video_view::{individual_color, marker_swatch};
use crate::project::{IndividualId, KeypointId, LabelKey, ProjectState, VideoId, Visibility};
use crate::ui::theme::Theme;

/// What the keypoint list reads.
pub struct KeypointsContext<'a> {
    pub state: &'a ProjectState,
    pub video: VideoId,
    pub frame_idx: u64,
    pub selected_individual: IndividualId,
    pub selected_keypoint: Option<KeypointId>,
    pub theme: &'a Theme,
}

/// A selection the person made in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeypointsAction {
    SelectIndividual(IndividualId),
    SelectKeypoint(KeypointId),
}

pub fn keypoints_ui(ui: &mut egui::Ui, ctx: &KeypointsContext<'_>) -> Option<KeypointsAction> {
    let mut action = None;
    let state = ctx.state;
    if state.individuals.len() > 1 {
        ui.strong("Individual");
        for individual in &state.individuals {
            let labeled = state
                .labels_on_frame(ctx.video, ctx.frame_idx)
                .filter(|(k, _)| k.individual == individual.id)
                .count();
            let text = format!(
                "{}  {labeled}/{}",
                individual.def.name,
                state.skeleton.keypoints.len()
            );
            ui.horizontal(|ui| {
                let (rect, _) = ui.allocate_exact_size(vec2(10.0, 10.0), Sense::hover());
                let [r, g, b] = individual_color(state, individual.id).0;
                ui.painter()
                    .rect_filled(rect, 2.0, egui::Color32::from_rgb(r, g, b));
                if ui
                    .selectable_label(individual.id == ctx.selected_individual, text)
                    .clicked()
                {
                    action = Some(KeypointsAction::SelectIndividual(individual.id));
                }
            });
        }
        ui.separator();
    }
    ui.strong("Keypoints");
    egui::ScrollArea::vertical().show(ui, |ui| {
        for kp in &state.skeleton.keypoints {
            let key = LabelKey {
                video: ctx.video,
                frame_idx: ctx.frame_idx,
                individual: state.owner(kp.id, ctx.selected_individual),
                keypoint: kp.id,
            };
            let visibility = state.label(&key).map(|l| l.visibility);
            let status = match visibility {
                Some(Visibility::Visible) => "visible",
                Some(Visibility::Occluded) => "occluded",
                Some(Visibility::Absent) => "absent",
                None => "unlabeled",
            };
            ui.horizontal(|ui| {
                let (rect, _) = ui.allocate_exact_size(vec2(14.0, 14.0), Sense::hover());
                marker_swatch(
                    ui.painter(),
                    rect.center(),
                    5.0,
                    kp.def.color,
                    visibility,
                    ctx.theme.marker_outline,
                );
                let selected = ctx.selected_keypoint == Some(kp.id);
                let row = ui.selectable_label(selected, &kp.def.name);
                if row.clicked() {
                    action = Some(KeypointsAction::SelectKeypoint(kp.id));
                }
                // A unique keypoint is labeled once, for every individual.
                let status = if kp.def.unique {
                    format!("{status}, unique")
                } else {
                    status.to_owned()
                };
                ui.label(
                    egui::RichText::new(status)
                        .color(ctx.theme.text_dim)
                        .small(),
                );
            });
        }
    });
    action
}
