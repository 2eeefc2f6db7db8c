//! A model's suggestions drawn over the video as ghosts: dashed rings in the keypoint's
//! colour with the score beside them, unlike labels (filled discs) and predictions
//! (diamonds). Reports the ghost under the pointer.

use egui::{Color32, Pos2, Shape, Stroke, Vec2, pos2};

use crate::project::{IndividualId, KeypointId, Rgb};

/// One suggested point on the frame shown, in image pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ghost {
    pub individual: IndividualId,
    pub keypoint: KeypointId,
    pub x: f32,
    pub y: f32,
    pub score: f32,
    pub color: Rgb,
}

/// A ring of dashes around `center`.
fn dashed_ring(center: Pos2, radius: f32, stroke: Stroke) -> Vec<Shape> {
    let steps = 24;
    let points: Vec<Pos2> = (0..=steps)
        .map(|i| {
            let a = i as f32 / steps as f32 * std::f32::consts::TAU;
            center + Vec2::new(a.cos(), a.sin()) * radius
        })
        .collect();
    let dash = radius * std::f32::consts::TAU / steps as f32;
    Shape::dashed_line(&points, stroke, dash, dash * 0.6)
}

/// Draws `ghosts`; returns the index of the one under `pointer`, if any.
pub fn draw_suggestions(
    painter: &egui::Painter,
    ghosts: &[Ghost],
    ui_from_image: &dyn Fn(Pos2) -> Pos2,
    radius: f32,
    pointer: Option<Pos2>,
) -> Option<usize> {
    let mut hovered: Option<(f32, usize)> = None;
    for (i, g) in ghosts.iter().enumerate() {
        let [r, gr, b] = g.color.0;
        let color = Color32::from_rgb(r, gr, b);
        let center = ui_from_image(pos2(g.x, g.y));
        for shape in dashed_ring(center, radius + 1.0, Stroke::new(2.0, color)) {
            painter.add(shape);
        }
        painter.circle_filled(center, 1.5, color);
        // The score on a dark chip, readable on light and dark frames alike.
        let galley = painter.layout_no_wrap(
            format!("{:.2}", g.score),
            egui::FontId::proportional(11.0),
            Color32::WHITE,
        );
        let at = center + Vec2::new(radius + 3.0, radius + 2.0);
        let chip = egui::Rect::from_min_size(at, galley.size()).expand(1.5);
        painter.rect_filled(chip, 2.0, Color32::from_black_alpha(170));
        painter.galley(at, galley, Color32::WHITE);
        if let Some(p) = pointer {
            let d = p.distance(center);
            if d <= radius + 4.0 && hovered.is_none_or(|(best, _)| d < best) {
                hovered = Some((d, i));
            }
        }
    }
    hovered.map(|(_, i)| i)
}
