//! Prediction sets drawn over the video, unlike labels at a glance: hollow diamonds
//! (labels are filled discs), thin skeleton edges, coloured by individual or by
//! keypoint; points below the likelihood cutoff hidden or faded; trails of the frames
//! before. Reports the predicted point under the pointer.

use egui::{Color32, Pos2, Shape, Stroke, pos2};

pub use crate::overlay::marks::SetOnFrame;
use crate::overlay::marks::{Mark, MarkSize, Rgba, prediction_marks};
pub use crate::overlay::style::{BelowCutoff, ColorBy, OverlayStyle, point_color};
use crate::project::predictions::POINT_FLOATS;
use crate::project::{IndividualId, KeypointId, PredictionSetId, ProjectState};

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

fn color32([r, g, b, a]: Rgba) -> Color32 {
    Color32::from_rgba_unmultiplied(r, g, b, a)
}

/// A hollow diamond: how a predicted point looks (a label is a filled disc).
pub fn diamond(center: Pos2, radius: f32, color: Color32, width: f32) -> Shape {
    let r = radius * 1.2;
    diamond_of_half_diagonal(center, r, color, width)
}

fn diamond_of_half_diagonal(center: Pos2, r: f32, color: Color32, width: f32) -> Shape {
    let corners = crate::overlay::marks::diamond_corners([center.x, center.y], r);
    Shape::closed_line(
        corners.iter().map(|&[x, y]| pos2(x, y)).collect(),
        Stroke::new(width, color),
    )
}

/// Paints `marks` (positions in image pixels, sizes in screen points) with `painter`.
pub fn paint_marks(painter: &egui::Painter, marks: &[Mark], ui_from_image: &dyn Fn(Pos2) -> Pos2) {
    let at = |[x, y]: [f32; 2]| ui_from_image(pos2(x, y));
    for mark in marks {
        match *mark {
            Mark::Line {
                from,
                to,
                width,
                color,
            } => {
                painter.line_segment([at(from), at(to)], Stroke::new(width, color32(color)));
            }
            Mark::Diamond {
                center,
                radius,
                width,
                color,
            } => {
                painter.add(diamond_of_half_diagonal(
                    at(center),
                    radius,
                    color32(color),
                    width,
                ));
            }
            Mark::Disc {
                center,
                radius,
                fill,
                outline_width,
                outline,
            } => {
                painter.circle(
                    at(center),
                    radius,
                    color32(fill),
                    Stroke::new(outline_width, color32(outline)),
                );
            }
            Mark::Ring {
                center,
                radius,
                width,
                color,
            } => {
                painter.circle_stroke(at(center), radius, Stroke::new(width, color32(color)));
            }
        }
    }
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
    let mut marks = Vec::new();
    prediction_marks(
        state,
        sets,
        style,
        MarkSize {
            radius,
            stroke: 1.0,
        },
        &mut marks,
    );
    paint_marks(painter, &marks, ui_from_image);
    let pointer = pointer?;
    let mut hovered: Option<(f32, HoveredPrediction)> = None;
    for set in sets {
        let shape = set.shape;
        for &individual in &shape.individuals {
            for &keypoint in &shape.keypoints {
                let Some(slot) = shape.slot(individual, keypoint) else {
                    continue;
                };
                let Some(p) = set.points.get(slot..slot + POINT_FLOATS) else {
                    continue;
                };
                if p[0].is_nan() || p[1].is_nan() || style.alpha_of(p[2]) <= 0.0 {
                    continue;
                }
                let d = pointer.distance(ui_from_image(pos2(p[0], p[1])));
                if d <= radius + 4.0 && hovered.is_none_or(|(best, _)| d < best) {
                    hovered = Some((
                        d,
                        HoveredPrediction {
                            set: set.id,
                            individual,
                            keypoint,
                            x: p[0],
                            y: p[1],
                            score: p[2],
                        },
                    ));
                }
            }
        }
    }
    hovered.map(|(_, h)| h)
}
