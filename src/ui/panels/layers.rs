//! The layers: human labels and each prediction set, shown or hidden, with a legend of
//! how predictions are drawn and their cutoff, trail and colouring.

use std::collections::BTreeSet;

use egui::{RichText, Sense, vec2};

use super::prediction_overlay::{BelowCutoff, ColorBy, OverlayStyle, diamond, point_color};
use crate::project::settings_keys::{
    PREDICTION_BELOW_CUTOFF, PREDICTION_COLOR_BY, PREDICTION_PCUTOFF, PREDICTION_TRAIL_FRAMES,
};
use crate::project::{PredictionSetId, ProjectState};
use crate::ui::theme::Theme;

/// Which layers are shown: the view's own state, not the project's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layers {
    pub labels_hidden: bool,
    pub hidden_sets: BTreeSet<PredictionSetId>,
}

impl Layers {
    pub fn shows(&self, set: PredictionSetId) -> bool {
        !self.hidden_sets.contains(&set)
    }
}

/// What the layers panel reads.
pub struct LayersContext<'a> {
    pub state: &'a ProjectState,
    pub layers: &'a Layers,
    pub style: OverlayStyle,
    pub theme: &'a Theme,
}

/// What the person changed.
#[derive(Clone, Debug, PartialEq)]
pub enum LayersAction {
    ShowLabels(bool),
    ShowSet(PredictionSetId, bool),
    /// A project setting of the overlay (an undoable edit).
    SetSetting(&'static str, String),
}

pub fn layers_ui(ui: &mut egui::Ui, ctx: &LayersContext<'_>) -> Option<LayersAction> {
    let mut action = None;
    let sets: Vec<_> = ctx.state.present_prediction_sets().collect();
    ui.strong("Layers");
    let mut labels = !ctx.layers.labels_hidden;
    if ui.checkbox(&mut labels, "Labels").changed() {
        action = Some(LayersAction::ShowLabels(labels));
    }
    if sets.is_empty() {
        ui.label(
            RichText::new("No predictions: File > Import labels or predictions…")
                .color(ctx.theme.text_dim)
                .small(),
        );
        return action;
    }
    for set in &sets {
        let mut shown = ctx.layers.shows(set.id);
        let response = ui
            .checkbox(&mut shown, &set.def.name)
            .on_hover_text(format!("{}\nscorer: {}", set.def.source, set.def.scorer));
        if response.changed() {
            action = Some(LayersAction::ShowSet(set.id, shown));
        }
    }
    // The legend: one diamond per individual or keypoint, as they are drawn.
    ui.horizontal_wrapped(|ui| {
        let style = &ctx.style;
        let entries: Vec<(String, crate::project::Rgb)> = match style.color_by {
            ColorBy::Individual => ctx
                .state
                .individuals
                .iter()
                .map(|i| {
                    (
                        i.def.name.clone(),
                        point_color(ctx.state, style, i.id, crate::project::KeypointId(0)),
                    )
                })
                .collect(),
            ColorBy::Keypoint => ctx
                .state
                .skeleton
                .keypoints
                .iter()
                .map(|k| {
                    (
                        k.def.name.clone(),
                        point_color(ctx.state, style, crate::project::IndividualId::NONE, k.id),
                    )
                })
                .collect(),
        };
        for (name, rgb) in entries {
            let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
            let [r, g, b] = rgb.0;
            ui.painter().add(diamond(
                rect.center(),
                4.0,
                egui::Color32::from_rgb(r, g, b),
                1.5,
            ));
            ui.label(RichText::new(name).small());
        }
    });
    let mut pcutoff = ctx.style.pcutoff;
    let slider = ui.add(egui::Slider::new(&mut pcutoff, 0.0..=1.0).text("likelihood cutoff"));
    if slider.drag_stopped() || (slider.changed() && !slider.dragged()) {
        action = Some(LayersAction::SetSetting(
            PREDICTION_PCUTOFF,
            format!("{pcutoff:.2}"),
        ));
    }
    ui.horizontal(|ui| {
        ui.label("Below it:");
        for (below, text, value) in [
            (BelowCutoff::Fade, "faded", "fade"),
            (BelowCutoff::Hide, "hidden", "hide"),
        ] {
            if ui
                .selectable_label(ctx.style.below == below, text)
                .clicked()
            {
                action = Some(LayersAction::SetSetting(
                    PREDICTION_BELOW_CUTOFF,
                    value.into(),
                ));
            }
        }
    });
    ui.horizontal(|ui| {
        ui.label("Colour by:");
        for (by, text, value) in [
            (ColorBy::Individual, "individual", "individual"),
            (ColorBy::Keypoint, "keypoint", "keypoint"),
        ] {
            if ui
                .selectable_label(ctx.style.color_by == by, text)
                .clicked()
            {
                action = Some(LayersAction::SetSetting(PREDICTION_COLOR_BY, value.into()));
            }
        }
    });
    let mut trail = ctx.style.trail_frames as u32;
    let slider = ui.add(egui::Slider::new(&mut trail, 0..=60).text("trail (frames)"));
    if slider.drag_stopped() || (slider.changed() && !slider.dragged()) {
        action = Some(LayersAction::SetSetting(
            PREDICTION_TRAIL_FRAMES,
            trail.to_string(),
        ));
    }
    action
}
