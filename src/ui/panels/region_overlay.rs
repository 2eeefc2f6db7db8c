//! Regions of interest on the video: their outlines and names over the frame, and
//! drawing a new one (a circle: drag from its centre; a polygon: click its corners,
//! double-click the last).

use egui::{Painter, Pos2, Rect, Response, Stroke, pos2};

use crate::analysis::rules::Region;
use crate::ui::theme::Theme;
use crate::ui::view_transform::ViewTransform;

/// The shape being drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionShape {
    Circle,
    Polygon,
}

/// A region being drawn: its shape, its name, and the points placed so far (image
/// pixels; a circle's centre and the pointer).
#[derive(Clone, Debug, PartialEq)]
pub struct RegionDraft {
    pub shape: RegionShape,
    pub name: String,
    pub points: Vec<Pos2>,
}

/// Outlines and names of `regions`.
pub fn draw_regions(
    painter: &Painter,
    regions: &[Region],
    to_ui: &dyn Fn(Pos2) -> Pos2,
    theme: &Theme,
) {
    let stroke = Stroke::new(1.5, theme.timeline_cursor);
    for r in regions {
        let label_at = match r {
            Region::Circle { center, radius, .. } => {
                let c = to_ui(pos2(center[0] as f32, center[1] as f32));
                let edge = to_ui(pos2((center[0] + radius) as f32, center[1] as f32));
                painter.circle_stroke(c, c.distance(edge), stroke);
                c
            }
            Region::Polygon { points, .. } => {
                let pts: Vec<Pos2> = points
                    .iter()
                    .map(|p| to_ui(pos2(p[0] as f32, p[1] as f32)))
                    .collect();
                if pts.len() >= 2 {
                    painter.add(egui::Shape::closed_line(pts.clone(), stroke));
                }
                pts.first().copied().unwrap_or_default()
            }
        };
        painter.text(
            label_at,
            egui::Align2::LEFT_BOTTOM,
            r.name(),
            egui::FontId::proportional(13.0),
            theme.timeline_cursor,
        );
    }
}

/// Draws the region being drawn and takes the pointer: returns the region once it is
/// done.
pub fn region_drawing_ui(
    draft: &mut RegionDraft,
    response: &Response,
    painter: &Painter,
    view_rect: Rect,
    transform: &ViewTransform,
    theme: &Theme,
) -> Option<Region> {
    let to_image = |p: Pos2| transform.image_from_ui(view_rect, p);
    let to_ui = |p: Pos2| transform.ui_from_image(view_rect, p);
    let stroke = Stroke::new(2.0, theme.selection);
    let pointer = response
        .hover_pos()
        .or(response.interact_pointer_pos())
        .map(to_image);
    match draft.shape {
        RegionShape::Circle => {
            // The centre is where the button went down, not where the drag began to
            // count as one.
            if response.drag_started()
                && let Some(origin) = response.ctx.input(|i| i.pointer.press_origin())
            {
                draft.points = vec![to_image(origin)];
            }
            if let (Some(&c), Some(p)) = (draft.points.first(), pointer) {
                painter.circle_stroke(to_ui(c), to_ui(c).distance(to_ui(p)), stroke);
            }
            if response.drag_stopped()
                && let (Some(&c), Some(p)) = (
                    draft.points.first(),
                    response.interact_pointer_pos().map(to_image),
                )
            {
                let radius = f64::from(c.distance(p));
                if radius >= 2.0 {
                    return Some(Region::Circle {
                        name: draft.name.clone(),
                        center: [f64::from(c.x), f64::from(c.y)],
                        radius,
                    });
                }
            }
        }
        RegionShape::Polygon => {
            if response.double_clicked() && draft.points.len() >= 3 {
                return Some(Region::Polygon {
                    name: draft.name.clone(),
                    points: draft
                        .points
                        .iter()
                        .map(|p| [f64::from(p.x), f64::from(p.y)])
                        .collect(),
                });
            }
            if response.clicked()
                && let Some(p) = response.interact_pointer_pos()
            {
                draft.points.push(to_image(p));
            }
            let mut pts: Vec<Pos2> = draft.points.iter().map(|&p| to_ui(p)).collect();
            if let Some(p) = pointer {
                pts.push(to_ui(p));
            }
            if pts.len() >= 2 {
                painter.add(egui::Shape::line(pts, stroke));
            }
        }
    }
    None
}
