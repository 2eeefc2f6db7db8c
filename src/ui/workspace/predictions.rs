//! Prediction sets in an open project: which are drawn (the layers), their points on
//! the frame shown and the frames before (for trails), and accepting them as labels.

use super::Workspace;
use crate::project::predictions::PredictionShape;
use crate::project::{LabelKey, PredictionSetId, edits};
use crate::ui::panels::prediction_overlay::{OverlayStyle, SetOnFrame};

/// One shown set's points on the frame shown (and before it), owned for a frame.
pub struct OverlayFrame {
    pub id: PredictionSetId,
    pub name: String,
    pub shape: PredictionShape,
    pub points: Vec<f32>,
    pub trail: Vec<Vec<f32>>,
}

impl OverlayFrame {
    pub fn view(&self) -> SetOnFrame<'_> {
        SetOnFrame {
            id: self.id,
            name: &self.name,
            shape: &self.shape,
            points: &self.points,
            trail: &self.trail,
        }
    }
}

impl Workspace {
    /// The shown sets' points on the current frame, read from their chunks (cached).
    pub(super) fn overlay_frames(&self, style: &OverlayStyle) -> Vec<OverlayFrame> {
        let Some(video) = self.selection.video else {
            return Vec::new();
        };
        let frame_idx = self.selection.frame_idx;
        let state = self.project.state();
        let mut frames = Vec::new();
        for set in state.present_prediction_sets() {
            if !self.layers.shows(set.id) {
                continue;
            }
            let read = |f: u64| {
                self.project
                    .prediction_frame(set.id, video, f)
                    .ok()
                    .flatten()
            };
            let Some((shape, points)) = read(frame_idx) else {
                continue;
            };
            let first = frame_idx.saturating_sub(style.trail_frames as u64);
            let trail = (first..frame_idx)
                .map(|f| read(f).map_or_else(Vec::new, |(_, p)| p))
                .collect();
            frames.push(OverlayFrame {
                id: set.id,
                name: set.def.name.clone(),
                shape,
                points,
                trail,
            });
        }
        frames
    }

    /// Makes predicted points of `set` labels, as one edit; says what it did.
    pub(super) fn accept_predictions(
        &mut self,
        set: PredictionSetId,
        points: Vec<(LabelKey, [f32; 3])>,
        moved: bool,
    ) {
        let Some(name) = self
            .project
            .state()
            .prediction_set(set)
            .map(|s| s.def.name.clone())
        else {
            return;
        };
        if let Some(reason) = self.labeling_refused() {
            self.set_error(reason);
            return;
        }
        let offered = points.len();
        let description = match (offered, moved) {
            (1, false) => format!("accept a prediction of {name}"),
            (1, true) => format!("accept and move a prediction of {name}"),
            (n, _) => format!("accept {n} predictions of {name}"),
        };
        match edits::accept_predictions(self.project.state(), &name, points, moved, description) {
            Some(edit) => {
                let accepted = edit.changes.len();
                if self.apply_edit(edit) {
                    let kept = offered - accepted;
                    let note = if kept > 0 {
                        format!("; {kept} left where a label is already")
                    } else {
                        String::new()
                    };
                    self.set_status(format!(
                        "{} of {name} accepted as labels{note}",
                        crate::util::text::plural(accepted, "prediction", "predictions")
                    ));
                }
            }
            None => self.set_status(
                "nothing to accept: a label is there already (predictions never overwrite labels)",
            ),
        }
    }

    /// Accepts `set`'s points above the cutoff on frames `from..=to` of the video shown.
    pub(super) fn accept_range_predictions(&mut self, set: PredictionSetId, from: u64, to: u64) {
        let frames: Vec<u64> = (from..=to.min(self.frame_count().saturating_sub(1))).collect();
        self.accept_frames_predictions(set, &frames);
    }

    /// Accepts a set's points (at or above the cutoff) on `frames` as labels: one edit.
    pub(super) fn accept_frames_predictions(&mut self, set: PredictionSetId, frames: &[u64]) {
        let style = OverlayStyle::of(self.project.state());
        let Some(video) = self.selection.video else {
            return;
        };
        let mut points = Vec::new();
        for &frame_idx in frames {
            let Ok(Some((shape, floats))) = self.project.prediction_frame(set, video, frame_idx)
            else {
                continue;
            };
            points.extend(points_above_cutoff(
                &shape, &floats, &style, video, frame_idx,
            ));
        }
        self.accept_predictions(set, points, false);
    }

    /// Accepts every shown set's points on the current frame.
    pub(super) fn accept_frame_predictions(&mut self) {
        let style = OverlayStyle::of(self.project.state());
        let Some(video) = self.selection.video else {
            return;
        };
        let frame_idx = self.selection.frame_idx;
        for overlay in self.overlay_frames(&style) {
            let points =
                points_above_cutoff(&overlay.shape, &overlay.points, &style, video, frame_idx);
            self.accept_predictions(overlay.id, points, false);
        }
    }
}

/// A frame's predicted points at or above the cutoff, with their label keys: what the
/// overlay fades or hides is not accepted either.
fn points_above_cutoff(
    shape: &PredictionShape,
    floats: &[f32],
    style: &OverlayStyle,
    video: crate::project::VideoId,
    frame_idx: u64,
) -> Vec<(LabelKey, [f32; 3])> {
    let mut points = Vec::new();
    for &individual in &shape.individuals {
        for &keypoint in &shape.keypoints {
            let Some(p) = shape
                .slot(individual, keypoint)
                .and_then(|slot| floats.get(slot..slot + 3))
            else {
                continue;
            };
            if !p[0].is_nan() && style.alpha_of(p[2]) >= 1.0 {
                points.push((
                    LabelKey {
                        video,
                        frame_idx,
                        individual,
                        keypoint,
                    },
                    [p[0], p[1], p[2]],
                ));
            }
        }
    }
    points
}
