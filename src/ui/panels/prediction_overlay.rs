//! Prediction sets drawn over the video, unlike labels at a glance: hollow diamonds
//! (labels are filled discs), thin skeleton edges, coloured by individual or by
//! keypoint; points below the likelihood cutoff hidden or faded; trails of the frames
//! before. Reports the predicted point under the pointer.

use egui::{Color32, Pos2, Shape, Stroke, Vec2, pos2};

use crate::project::predictions::{POINT_FLOATS, PredictionShape};
use crate::project::settings_keys::{
    PREDICTION_BELOW_CUTOFF, PREDICTION_COLOR_BY, PREDICTION_PCUTOFF, PREDICTION_TRAIL_FRAMES,
};
use crate::project::{IndividualId, KeypointId, PredictionSetId, ProjectState, Rgb};

/// One prediction set's points on the frame shown, and on the frames before it.
pub struct SetOnFrame<'a> {
    pub id: PredictionSetId,
    pub name: &'a str,
    pub shape: &'a PredictionShape,
    /// This frame's floats (`individuals × keypoints × (x, y, score)`).
    pub points: &'a [f32],
    /// The frames before, oldest first, for trails.
    pub trail: &'a [Vec<f32>],
}

/// How predictions are coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorBy {
    Individual,
    Keypoint,
}

/// What becomes of a point below the cutoff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BelowCutoff {
    Hide,
    Fade,
}

/// How predictions look, from the project's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OverlayStyle {
    pub color_by: ColorBy,
    pub pcutoff: f32,
    pub below: BelowCutoff,
    pub trail_frames: usize,
}

/// The cutoff when neither the project nor its DeepLabCut config sets one
/// (DeepLabCut's own default).
pub const DEFAULT_PCUTOFF: f32 = 0.6;

impl OverlayStyle {
    /// The style the project's settings give; the cutoff defaults to the DeepLabCut
    /// config's `pcutoff` where the project came from one.
    pub fn of(state: &ProjectState) -> Self {
        let dlc_pcutoff = state
            .settings
            .get(crate::formats::dlc_project::keys::PCUTOFF)
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_PCUTOFF);
        Self {
            color_by: match state.settings.get(PREDICTION_COLOR_BY).map(String::as_str) {
                Some("keypoint") => ColorBy::Keypoint,
                _ => ColorBy::Individual,
            },
            pcutoff: state.setting_f32(PREDICTION_PCUTOFF, dlc_pcutoff),
            below: match state
                .settings
                .get(PREDICTION_BELOW_CUTOFF)
                .map(String::as_str)
            {
                Some("hide") => BelowCutoff::Hide,
                _ => BelowCutoff::Fade,
            },
            trail_frames: state.setting_f32(PREDICTION_TRAIL_FRAMES, 0.0).max(0.0) as usize,
        }
    }

    /// How opaque a point of `score` is drawn: 0 (hidden) to 1.
    pub fn alpha_of(&self, score: f32) -> f32 {
        if score.is_nan() || score >= self.pcutoff {
            1.0
        } else {
            match self.below {
                BelowCutoff::Hide => 0.0,
                BelowCutoff::Fade => 0.3,
            }
        }
    }
}

/// A predicted point under the pointer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HoveredPrediction {
    pub set: PredictionSetId,
    pub individual: IndividualId,
    pub keypoint: KeypointId,
    /// Position in image pixels, and score.
    pub x: f32,
    pub y: f32,
    pub score: f32,
}

fn color32(rgb: Rgb, alpha: f32) -> Color32 {
    let [r, g, b] = rgb.0;
    Color32::from_rgba_unmultiplied(r, g, b, (alpha.clamp(0.0, 1.0) * 255.0) as u8)
}

/// A point's colour under `style`.
pub fn point_color(
    state: &ProjectState,
    style: &OverlayStyle,
    individual: IndividualId,
    keypoint: KeypointId,
) -> Rgb {
    match style.color_by {
        ColorBy::Keypoint => state
            .skeleton
            .keypoint(keypoint)
            .map_or(Rgb([200, 200, 200]), |k| k.def.color),
        ColorBy::Individual => super::video_view::individual_color(state, individual),
    }
}

/// A hollow diamond: how a predicted point looks (a label is a filled disc).
pub fn diamond(center: Pos2, radius: f32, color: Color32, width: f32) -> Shape {
    let r = radius * 1.2;
    Shape::closed_line(
        vec![
            center + Vec2::new(0.0, -r),
            center + Vec2::new(r, 0.0),
            center + Vec2::new(0.0, r),
            center + Vec2::new(-r, 0.0),
        ],
        Stroke::new(width, color),
    )
}

/// Draws `sets` with `painter`; `ui_from_image` places image pixels on screen. Returns
/// the point under `pointer` (within reach of a marker), if any.
pub fn draw_predictions(
    painter: &egui::Painter,
    state: &ProjectState,
    sets: &[SetOnFrame<'_>],
    style: &OverlayStyle,
    ui_from_image: &dyn Fn(Pos2) -> Pos2,
    radius: f32,
    pointer: Option<Pos2>,
) -> Option<HoveredPrediction> {
    let mut hovered: Option<(f32, HoveredPrediction)> = None;
    for set in sets {
        let shape = set.shape;
        let at = |floats: &[f32], slot: usize| -> Option<(Pos2, f32)> {
            let p = floats.get(slot..slot + POINT_FLOATS)?;
            (!p[0].is_nan() && !p[1].is_nan()).then(|| (ui_from_image(pos2(p[0], p[1])), p[2]))
        };
        for &individual in &shape.individuals {
            // Skeleton edges, thin, under the points.
            for &(a, b) in &state.skeleton.edges {
                let (Some(sa), Some(sb)) = (shape.slot(individual, a), shape.slot(individual, b))
                else {
                    continue;
                };
                if let (Some((pa, qa)), Some((pb, qb))) = (at(set.points, sa), at(set.points, sb)) {
                    let alpha = style.alpha_of(qa).min(style.alpha_of(qb)) * 0.7;
                    if alpha > 0.0 {
                        let color = point_color(state, style, individual, a);
                        painter.line_segment([pa, pb], Stroke::new(1.2, color32(color, alpha)));
                    }
                }
            }
            for &keypoint in &shape.keypoints {
                let Some(slot) = shape.slot(individual, keypoint) else {
                    continue;
                };
                let rgb = point_color(state, style, individual, keypoint);
                // The trail: where the point was on the frames before, fading out.
                let n = set.trail.len();
                let mut last: Option<Pos2> = None;
                for (i, floats) in set.trail.iter().enumerate() {
                    match at(floats, slot) {
                        Some((p, q)) if style.alpha_of(q) > 0.0 => {
                            if let Some(prev) = last {
                                let alpha = 0.15 + 0.55 * (i + 1) as f32 / (n + 1) as f32;
                                painter
                                    .line_segment([prev, p], Stroke::new(1.5, color32(rgb, alpha)));
                            }
                            last = Some(p);
                        }
                        _ => last = None,
                    }
                }
                let Some((center, score)) = at(set.points, slot) else {
                    continue;
                };
                let alpha = style.alpha_of(score);
                if alpha <= 0.0 {
                    continue;
                }
                if let Some(prev) = last {
                    painter
                        .line_segment([prev, center], Stroke::new(1.5, color32(rgb, 0.7 * alpha)));
                }
                painter.add(diamond(
                    center,
                    radius,
                    Color32::from_black_alpha((160.0 * alpha) as u8),
                    3.5,
                ));
                painter.add(diamond(center, radius, color32(rgb, alpha), 2.0));
                if let Some(pointer) = pointer {
                    let d = pointer.distance(center);
                    if d <= radius + 4.0 && hovered.is_none_or(|(best, _)| d < best) {
                        hovered = Some((
                            d,
                            HoveredPrediction {
                                set: set.id,
                                individual,
                                keypoint,
                                x: set.points[slot],
                                y: set.points[slot + 1],
                                score,
                            },
                        ));
                    }
                }
            }
        }
    }
    hovered.map(|(_, h)| h)
}
