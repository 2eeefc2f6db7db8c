//! Accept predictions over frames: a set and a frame range, its points above the
//! likelihood cutoff made labels as one edit (never over a label).

use super::request::DialogRequest;
use crate::project::{PredictionSetId, ProjectState};

/// The "Accept predictions" window.
#[derive(Default)]
pub struct AcceptPredictionsDialog {
    pub open: bool,
    pub set: Option<PredictionSetId>,
    pub from: String,
    pub to: String,
}

impl AcceptPredictionsDialog {
    /// Opens it on the frames from `frame_idx` to the end of the video.
    pub fn open_at(&mut self, frame_idx: u64, frame_count: u64) {
        self.open = true;
        self.from = frame_idx.to_string();
        self.to = frame_count.saturating_sub(1).to_string();
    }

    pub fn show(
        &mut self,
        ctx: &egui::Context,
        state: &ProjectState,
        out: &mut Vec<DialogRequest>,
    ) {
        if !self.open {
            return;
        }
        let sets: Vec<_> = state.present_prediction_sets().collect();
        if self.set.is_none_or(|id| state.prediction_set(id).is_none()) {
            self.set = sets.first().map(|s| s.id);
        }
        let mut open = true;
        egui::Window::new("Accept predictions")
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                if sets.is_empty() {
                    ui.label(
                        "The project has no predictions: File > Import labels or predictions…",
                    );
                    return;
                }
                let current = self
                    .set
                    .and_then(|id| state.prediction_set(id))
                    .map_or(String::new(), |s| s.def.name.clone());
                egui::ComboBox::from_label("Prediction set")
                    .selected_text(current)
                    .show_ui(ui, |ui| {
                        for s in &sets {
                            ui.selectable_value(&mut self.set, Some(s.id), &s.def.name);
                        }
                    });
                ui.horizontal(|ui| {
                    let label = ui.label("From frame");
                    ui.text_edit_singleline(&mut self.from)
                        .labelled_by(label.id);
                });
                ui.horizontal(|ui| {
                    let label = ui.label("To frame");
                    ui.text_edit_singleline(&mut self.to).labelled_by(label.id);
                });
                ui.label(
                    "Points above the likelihood cutoff become labels; \
                     keypoints labeled already keep their labels.",
                );
                if ui.button("Accept").clicked() {
                    match (
                        self.from.trim().parse::<u64>(),
                        self.to.trim().parse::<u64>(),
                        self.set,
                    ) {
                        (Ok(from), Ok(to), Some(set)) if from <= to => {
                            out.push(DialogRequest::AcceptPredictions { set, from, to });
                            self.open = false;
                        }
                        _ => out.push(DialogRequest::Error(format!(
                            "'{}' to '{}' is not a range of frames",
                            self.from.trim(),
                            self.to.trim()
                        ))),
                    }
                }
            });
        self.open = self.open && open;
    }
}
