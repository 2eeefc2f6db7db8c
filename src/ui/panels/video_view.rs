//! The video view: the frame, zoom and pan, the skeleton overlay, and the mouse work of
//! labeling (click to place, drag to move, right-click to occlude, hover for names).
//! It reports what the person did as `ViewAction`s; the workspace turns them into edits.

use egui::{Color32, CursorIcon, PointerButton, Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2};

use super::prediction_overlay::{
    HoveredPrediction, OverlayStyle, SetOnFrame, draw_predictions, paint_marks,
};
use super::suggestion_overlay::{Ghost, draw_suggestions};
use crate::overlay::marks::{MarkSize, label_marks};
use crate::project::PredictionSetId;
use crate::project::{
    IndividualId, KeypointId, Label, LabelKey, ProjectState, Rgb, VideoId, Visibility,
};
use crate::ui::theme::Theme;
use crate::ui::view_transform::{ViewTransform, visible_part};

/// Where a dragged point that is not a label yet comes from: released, it becomes one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DragSource {
    /// A predicted point of this set ("edited prediction").
    Prediction(PredictionSetId),
    /// A model's suggestion ("edited suggestion").
    Suggestion,
}

/// A keypoint being dragged: the edit is made once, on release.
#[derive(Clone, Debug)]
pub struct LabelDrag {
    pub key: LabelKey,
    /// A point that is not a label yet (a prediction, a suggestion).
    pub from: Option<DragSource>,
    /// Where the pointer grabbed it, relative to the label (so it does not jump).
    pub grab_offset_in_image: Vec2,
    pub pos_in_image: Pos2,
}

/// What the person did in the view this frame.
#[derive(Clone, Debug, PartialEq)]
pub enum ViewAction {
    /// Place the selected keypoint here: a plain click places only a keypoint not
    /// placed yet on this frame; `move_placed` (Shift+click) also moves a placed one.
    Place {
        key: LabelKey,
        pos_in_image: Pos2,
        move_placed: bool,
    },
    /// A drag ended: move the label here.
    Move {
        key: LabelKey,
        pos_in_image: Pos2,
    },
    /// Select this keypoint of this individual.
    Select {
        individual: IndividualId,
        keypoint: KeypointId,
    },
    ToggleOccluded(LabelKey),
    /// Make a predicted point a label: as it is (a click), or moved here (a drag).
    AcceptPrediction {
        set: PredictionSetId,
        key: LabelKey,
        x: f32,
        y: f32,
        score: f32,
        moved: bool,
    },
    /// A region of interest drawn on the image.
    RegionDrawn(crate::analysis::rules::Region),
    /// A line of known length drawn on the image (Ctrl+Shift+drag), in image pixels:
    /// it sets the scale for real units.
    Measure {
        from: Pos2,
        to: Pos2,
    },
    /// A box drawn for the selected animal (Ctrl+drag), in image pixels: a top-down
    /// model crops around it.
    DrawBox {
        min: Pos2,
        max: Pos2,
    },
    /// Make a model's suggestion a label: as it is (a click), or moved here (a drag).
    AcceptSuggestion {
        key: LabelKey,
        x: f32,
        y: f32,
        score: f32,
        moved: bool,
    },
}

/// The view's own state, which lives across frames: zoom and pan, the drag in
/// progress, and where the view was last drawn.
#[derive(Clone, Debug)]
pub struct ViewState {
    pub transform: ViewTransform,
    /// Keep the frame fitted to the view (as the view resizes) until the person zooms
    /// or pans.
    pub auto_fit: bool,
    pub drag: Option<LabelDrag>,
    /// A box being drawn (Ctrl+drag): where it started and where the pointer is, in
    /// image pixels.
    pub box_drag: Option<(Pos2, Pos2)>,
    /// A line being measured (Ctrl+Shift+drag), in image pixels.
    pub ruler_drag: Option<(Pos2, Pos2)>,
    /// A region of interest being drawn (from the Rules panel).
    pub region_draft: Option<super::region_overlay::RegionDraft>,
    /// The view's rectangle when last drawn, for zoom commands and tests.
    pub rect: Rect,
}

impl Default for ViewState {
    fn default() -> Self {
        Self {
            transform: ViewTransform::default(),
            auto_fit: true,
            drag: None,
            box_drag: None,
            ruler_drag: None,
            region_draft: None,
            rect: Rect::NOTHING,
        }
    }
}

/// What the view reads (and its own state, which it changes: zoom, pan, the drag).
pub struct VideoViewContext<'a> {
    pub state: &'a ProjectState,
    pub video: VideoId,
    pub frame_idx: u64,
    pub image_size: Vec2,
    pub selected_individual: IndividualId,
    pub selected_keypoint: Option<KeypointId>,
    pub view: &'a mut ViewState,
    pub marker_radius: f32,
    pub opacity: f32,
    pub theme: &'a Theme,
    /// Whether human labels are shown (the layers panel can hide them).
    pub show_labels: bool,
    /// The prediction sets shown, with their points on this frame.
    pub predictions: &'a [SetOnFrame<'a>],
    pub prediction_style: OverlayStyle,
    /// A model's suggestions on this frame (above the threshold, where no label is),
    /// and the model's name.
    pub suggestions: &'a [Ghost],
    pub suggestion_model: &'a str,
    /// The project's regions of interest, outlined over the frame.
    pub regions: &'a [crate::analysis::rules::Region],
}

/// What the view reports besides actions.
pub struct ViewOutput {
    pub actions: Vec<ViewAction>,
    /// The marker under the pointer, if any: keys that act on a label act on it.
    pub hovered: Option<LabelKey>,
    /// The pointer's position in image pixels, when it is over the view.
    pub cursor_in_image: Option<Pos2>,
    /// The predicted point under the pointer, where no label is.
    pub hovered_prediction: Option<HoveredPrediction>,
    /// A pan with Space held began this frame (so Space meant pan, not play).
    pub space_pan_started: bool,
}

pub use crate::overlay::individual_color;

fn color32(rgb: Rgb, alpha: f32) -> Color32 {
    let [r, g, b] = rgb.0;
    Color32::from_rgba_unmultiplied(r, g, b, (alpha.clamp(0.0, 1.0) * 255.0) as u8)
}

/// Shows the view. `paint_frame(painter, shown_rect, uv_rect, nearest)` draws the frame's
/// visible part; it is not called when no frame is there yet.
pub fn video_view_ui(
    ui: &mut egui::Ui,
    ctx: VideoViewContext<'_>,
    paint_frame: &mut dyn FnMut(&egui::Painter, Rect, Rect, bool),
) -> ViewOutput {
    let (view_rect, response) =
        ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    let painter = ui.painter_at(view_rect);
    painter.rect_filled(view_rect, 0.0, ctx.theme.canvas);
    let mut out = ViewOutput {
        actions: Vec::new(),
        hovered: None,
        cursor_in_image: None,
        hovered_prediction: None,
        space_pan_started: false,
    };
    ctx.view.rect = view_rect;
    if ctx.view.auto_fit && ctx.image_size.x > 0.0 && view_rect.width() > 0.0 {
        ctx.view.transform = ViewTransform::fit(view_rect, ctx.image_size);
    }

    // Zoom about the cursor with the wheel, pan with the middle button or Space.
    let (scroll, pointer_pos, space_held, pointer_delta) = ui.input(|i| {
        (
            i.smooth_scroll_delta.y + i.zoom_delta().ln() * 200.0,
            i.pointer.hover_pos(),
            i.key_down(egui::Key::Space),
            i.pointer.delta(),
        )
    });
    let hovered = response.hovered() || response.dragged();
    if let Some(pos) = pointer_pos.filter(|p| view_rect.contains(*p)) {
        out.cursor_in_image = Some(ctx.view.transform.image_from_ui(view_rect, pos));
        if hovered && scroll != 0.0 {
            ctx.view
                .transform
                .zoom_about(view_rect, pos, (scroll / 200.0).exp());
            ctx.view.auto_fit = false;
        }
    }
    let panning = response.dragged_by(PointerButton::Middle)
        || (space_held && response.dragged_by(PointerButton::Primary));
    out.space_pan_started = space_held && response.drag_started_by(PointerButton::Primary);
    if panning {
        ctx.view.transform.pan(pointer_delta);
        ctx.view.auto_fit = false;
        ui.ctx().set_cursor_icon(CursorIcon::Grabbing);
    } else if space_held && hovered {
        ui.ctx().set_cursor_icon(CursorIcon::Grab);
    }

    let pixels_per_point = ui.ctx().pixels_per_point();
    if let Some((shown, uv)) = visible_part(view_rect, &ctx.view.transform, ctx.image_size) {
        paint_frame(
            &painter,
            shown,
            uv,
            ctx.view.transform.wants_nearest_filtering(pixels_per_point),
        );
    }

    // Regions of interest, under everything drawn on the animals.
    {
        let transform = &ctx.view.transform;
        let to_ui = |p: Pos2| transform.ui_from_image(view_rect, p);
        super::region_overlay::draw_regions(&painter, ctx.regions, &to_ui, ctx.theme);
    }
    // A region being drawn takes the pointer.
    if let Some(draft) = &mut ctx.view.region_draft
        && !panning
        && !space_held
    {
        if let Some(region) = super::region_overlay::region_drawing_ui(
            draft,
            &response,
            &painter,
            view_rect,
            &ctx.view.transform,
            ctx.theme,
        ) {
            ctx.view.region_draft = None;
            out.actions.push(ViewAction::RegionDrawn(region));
        }
        return out;
    }

    // Predictions first, under the labels.
    let pointer_in_view = pointer_pos.filter(|p| view_rect.contains(*p));
    let hovered_prediction = {
        let transform = &ctx.view.transform;
        let to_ui = |p: Pos2| transform.ui_from_image(view_rect, p);
        draw_predictions(
            &painter,
            ctx.state,
            ctx.predictions,
            &ctx.prediction_style,
            &to_ui,
            ctx.marker_radius,
            pointer_in_view.filter(|_| ctx.view.drag.is_none()),
        )
    };

    // Suggestions over the predictions, under the labels.
    let hovered_suggestion = {
        let transform = &ctx.view.transform;
        let to_ui = |p: Pos2| transform.ui_from_image(view_rect, p);
        draw_suggestions(
            &painter,
            ctx.suggestions,
            &to_ui,
            ctx.marker_radius,
            pointer_in_view.filter(|_| ctx.view.drag.is_none()),
        )
    };

    // Markers on this frame, with the one being dragged at the pointer (a predicted
    // point or suggestion being dragged shows as the label it will become).
    let mut labels: Vec<(LabelKey, Label)> = if ctx.show_labels {
        ctx.state
            .labels_on_frame(ctx.video, ctx.frame_idx)
            .map(|(k, l)| {
                let mut l = l.clone();
                if let Some(drag) = ctx.view.drag.as_ref().filter(|d| d.key == *k) {
                    l.x = f64::from(drag.pos_in_image.x);
                    l.y = f64::from(drag.pos_in_image.y);
                }
                (*k, l)
            })
            .collect()
    } else {
        Vec::new()
    };
    if let Some(drag) = ctx.view.drag.as_ref().filter(|d| d.from.is_some()) {
        labels.push((
            drag.key,
            Label::human(
                f64::from(drag.pos_in_image.x),
                f64::from(drag.pos_in_image.y),
            ),
        ));
    }
    let at = |l: &Label| {
        ctx.view
            .transform
            .ui_from_image(view_rect, pos2(l.x as f32, l.y as f32))
    };
    let radius = ctx.marker_radius;
    let hit = |pos: Pos2| -> Option<(LabelKey, Label)> {
        labels
            .iter()
            .filter(|(_, l)| l.visibility != Visibility::Absent)
            .map(|(k, l)| (k, l, at(l).distance(pos)))
            .filter(|(_, _, d)| *d <= radius + 4.0)
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(k, l, _)| (*k, l.clone()))
    };

    // Edges first, under the markers.
    let mut marks = Vec::new();
    let [r, g, b, a] = ctx.theme.marker_outline.to_srgba_unmultiplied();
    label_marks(
        ctx.state,
        &labels,
        ctx.opacity,
        [r, g, b, a],
        MarkSize {
            radius,
            stroke: 1.0,
        },
        &mut marks,
    );
    paint_marks(&painter, &marks, &|p| {
        ctx.view.transform.ui_from_image(view_rect, p)
    });
    for (key, label) in &labels {
        if label.visibility == Visibility::Absent {
            continue;
        }
        let center = at(label);
        if key.individual == ctx.selected_individual && Some(key.keypoint) == ctx.selected_keypoint
        {
            painter.circle_stroke(center, radius + 3.0, Stroke::new(2.0, ctx.theme.selection));
        }
    }

    // Hover: the keypoint's name.
    if ctx.view.drag.is_none()
        && let Some(pos) = pointer_pos.filter(|p| view_rect.contains(*p))
        && let Some((key, label)) = hit(pos)
    {
        out.hovered = Some(key);
        let name = ctx.state.skeleton.name_of(key.keypoint);
        let text = if ctx.state.individuals.len() > 1 {
            format!("{name} ({})", ctx.state.individual_name(key.individual))
        } else {
            name
        };
        let text = match label.visibility {
            Visibility::Occluded => format!("{text}, occluded"),
            _ => text,
        };
        painter.text(
            at(&label) + Vec2::new(radius + 4.0, -radius - 4.0),
            egui::Align2::LEFT_BOTTOM,
            text,
            egui::FontId::proportional(14.0),
            ui.visuals().strong_text_color(),
        );
        ui.ctx().set_cursor_icon(CursorIcon::PointingHand);
    } else if ctx.view.drag.is_none()
        && let Some(g) = hovered_suggestion.and_then(|i| ctx.suggestions.get(i))
    {
        // A suggestion: its keypoint, individual, model and score.
        let name = ctx.state.skeleton.name_of(g.keypoint);
        let who = if ctx.state.individuals.len() > 1 && g.individual != IndividualId::NONE {
            format!(" ({})", ctx.state.individual_name(g.individual))
        } else {
            String::new()
        };
        let center = ctx.view.transform.ui_from_image(view_rect, pos2(g.x, g.y));
        painter.text(
            center + Vec2::new(radius + 4.0, -radius - 4.0),
            egui::Align2::LEFT_BOTTOM,
            format!(
                "{name}{who} · suggested by {}, score {:.2}",
                ctx.suggestion_model, g.score
            ),
            egui::FontId::proportional(14.0),
            ui.visuals().strong_text_color(),
        );
        ui.ctx().set_cursor_icon(CursorIcon::PointingHand);
    } else if ctx.view.drag.is_none()
        && let Some(p) = hovered_prediction
    {
        // A predicted point: its keypoint, individual, set and likelihood.
        out.hovered_prediction = Some(p);
        let set = ctx
            .predictions
            .iter()
            .find(|s| s.id == p.set)
            .map_or("", |s| s.name);
        let name = ctx.state.skeleton.name_of(p.keypoint);
        let who = if ctx.state.individuals.len() > 1 && p.individual != IndividualId::NONE {
            format!(" ({})", ctx.state.individual_name(p.individual))
        } else {
            String::new()
        };
        let score = if p.score.is_nan() {
            String::new()
        } else {
            format!(", likelihood {:.2}", p.score)
        };
        let center = ctx.view.transform.ui_from_image(view_rect, pos2(p.x, p.y));
        painter.text(
            center + Vec2::new(radius + 4.0, -radius - 4.0),
            egui::Align2::LEFT_BOTTOM,
            format!("{name}{who} · {set}{score}"),
            egui::FontId::proportional(14.0),
            ui.visuals().strong_text_color(),
        );
        ui.ctx().set_cursor_icon(CursorIcon::PointingHand);
    }

    if panning || space_held {
        return out;
    }
    let prediction_key = |p: &HoveredPrediction| LabelKey {
        video: ctx.video,
        frame_idx: ctx.frame_idx,
        individual: p.individual,
        keypoint: p.keypoint,
    };
    // Ctrl+Shift+drag measures a known distance (for the scale).
    let (ctrl, shift) = ui.input(|i| (i.modifiers.command, i.modifiers.shift));
    if response.drag_started_by(PointerButton::Primary)
        && ctrl
        && shift
        && let Some(origin) = ui.input(|i| i.pointer.press_origin())
    {
        let at = ctx.view.transform.image_from_ui(view_rect, origin);
        ctx.view.ruler_drag = Some((at, at));
    }
    if let Some((start, _)) = ctx.view.ruler_drag {
        if let Some(now) = response
            .interact_pointer_pos()
            .map(|p| ctx.view.transform.image_from_ui(view_rect, p))
        {
            ctx.view.ruler_drag = Some((start, now));
        }
        if let Some((a, b)) = ctx.view.ruler_drag {
            let to_ui = |p: Pos2| ctx.view.transform.ui_from_image(view_rect, p);
            let stroke = Stroke::new(2.0, ctx.theme.selection);
            painter.line_segment([to_ui(a), to_ui(b)], stroke);
            for end in [a, b] {
                painter.circle_stroke(to_ui(end), 4.0, stroke);
            }
            painter.text(
                to_ui(b) + egui::vec2(8.0, -8.0),
                egui::Align2::LEFT_BOTTOM,
                format!("{:.1} px", a.distance(b)),
                egui::FontId::proportional(14.0),
                ctx.theme.selection,
            );
        }
        if (response.drag_stopped() || !response.dragged())
            && let Some((from, to)) = ctx.view.ruler_drag.take()
            && from.distance(to) >= 2.0
        {
            out.actions.push(ViewAction::Measure { from, to });
        }
        return out;
    }
    // Ctrl+drag draws the selected animal's box (for top-down models).
    if response.drag_started_by(PointerButton::Primary)
        && ctrl
        && let Some(origin) = ui.input(|i| i.pointer.press_origin())
    {
        let at = ctx.view.transform.image_from_ui(view_rect, origin);
        ctx.view.box_drag = Some((at, at));
    }
    if let Some((start, _)) = ctx.view.box_drag {
        let now = response
            .interact_pointer_pos()
            .map(|p| ctx.view.transform.image_from_ui(view_rect, p));
        if let Some(now) = now {
            ctx.view.box_drag = Some((start, now));
        }
        if let Some((a, b)) = ctx.view.box_drag {
            let to_ui = |p: Pos2| ctx.view.transform.ui_from_image(view_rect, p);
            let rect = Rect::from_two_pos(to_ui(a), to_ui(b));
            painter.rect_stroke(
                rect,
                0.0,
                Stroke::new(2.0, ctx.theme.selection),
                egui::StrokeKind::Middle,
            );
        }
        if (response.drag_stopped() || !response.dragged())
            && let Some((a, b)) = ctx.view.box_drag.take()
        {
            let r = Rect::from_two_pos(a, b);
            if r.width() >= 2.0 && r.height() >= 2.0 {
                out.actions.push(ViewAction::DrawBox {
                    min: r.min,
                    max: r.max,
                });
            }
        }
        return out;
    }
    let ghost = hovered_suggestion
        .and_then(|i| ctx.suggestions.get(i))
        .copied();
    let ghost_key = |g: &Ghost| LabelKey {
        video: ctx.video,
        frame_idx: ctx.frame_idx,
        individual: g.individual,
        keypoint: g.keypoint,
    };
    // Dragging a marker: one edit on release.
    if response.drag_started_by(PointerButton::Primary)
        && let Some(origin) = ui.input(|i| i.pointer.press_origin())
        && let Some((key, label)) = hit(origin)
    {
        let grabbed = ctx.view.transform.image_from_ui(view_rect, origin);
        ctx.view.drag = Some(LabelDrag {
            key,
            from: None,
            grab_offset_in_image: pos2(label.x as f32, label.y as f32) - grabbed,
            pos_in_image: pos2(label.x as f32, label.y as f32),
        });
        out.actions.push(ViewAction::Select {
            individual: key.individual,
            keypoint: key.keypoint,
        });
    } else if response.drag_started_by(PointerButton::Primary)
        && let Some(g) = ghost
    {
        // Dragging a suggestion accepts it, corrected, where it is dropped.
        let origin = ui.input(|i| i.pointer.press_origin()).unwrap_or_default();
        let grabbed = ctx.view.transform.image_from_ui(view_rect, origin);
        ctx.view.drag = Some(point_drag(
            ghost_key(&g),
            DragSource::Suggestion,
            pos2(g.x, g.y),
            grabbed,
        ));
    } else if response.drag_started_by(PointerButton::Primary)
        && let Some(p) = hovered_prediction
    {
        // Dragging a predicted point accepts it where it is dropped.
        let origin = ui.input(|i| i.pointer.press_origin()).unwrap_or_default();
        let grabbed = ctx.view.transform.image_from_ui(view_rect, origin);
        let source = DragSource::Prediction(p.set);
        ctx.view.drag = Some(point_drag(
            prediction_key(&p),
            source,
            pos2(p.x, p.y),
            grabbed,
        ));
    }
    if let Some(drag) = ctx.view.drag.as_mut() {
        if let Some(pos) = response.interact_pointer_pos() {
            drag.pos_in_image =
                ctx.view.transform.image_from_ui(view_rect, pos) + drag.grab_offset_in_image;
        }
        if response.drag_stopped() || !response.dragged() {
            let drag = ctx.view.drag.take().expect("checked above");
            out.actions.push(match drag.from {
                Some(DragSource::Prediction(set)) => ViewAction::AcceptPrediction {
                    set,
                    key: drag.key,
                    x: drag.pos_in_image.x,
                    y: drag.pos_in_image.y,
                    score: f32::NAN,
                    moved: true,
                },
                Some(DragSource::Suggestion) => ViewAction::AcceptSuggestion {
                    key: drag.key,
                    x: drag.pos_in_image.x,
                    y: drag.pos_in_image.y,
                    score: f32::NAN,
                    moved: true,
                },
                None => ViewAction::Move {
                    key: drag.key,
                    pos_in_image: drag.pos_in_image,
                },
            });
        }
        return out;
    }
    if response.clicked_by(PointerButton::Primary)
        && let Some(pos) = response.interact_pointer_pos()
    {
        match hit(pos) {
            Some((key, _)) => out.actions.push(ViewAction::Select {
                individual: key.individual,
                keypoint: key.keypoint,
            }),
            // A click on a suggestion accepts it as it is.
            None if ghost.is_some() => {
                let g = ghost.expect("checked");
                out.actions.push(ViewAction::AcceptSuggestion {
                    key: ghost_key(&g),
                    x: g.x,
                    y: g.y,
                    score: g.score,
                    moved: false,
                });
            }
            // A click on a predicted point accepts it as it is.
            None if hovered_prediction.is_some() => {
                let p = hovered_prediction.expect("checked");
                out.actions.push(ViewAction::AcceptPrediction {
                    set: p.set,
                    key: prediction_key(&p),
                    x: p.x,
                    y: p.y,
                    score: p.score,
                    moved: false,
                });
            }
            None => {
                if let Some(keypoint) = ctx.selected_keypoint {
                    out.actions.push(ViewAction::Place {
                        key: LabelKey {
                            video: ctx.video,
                            frame_idx: ctx.frame_idx,
                            individual: ctx.state.owner(keypoint, ctx.selected_individual),
                            keypoint,
                        },
                        pos_in_image: ctx.view.transform.image_from_ui(view_rect, pos),
                        move_placed: ui.input(|i| i.modifiers.shift),
                    });
                }
            }
        }
    }
    if response.clicked_by(PointerButton::Secondary)
        && let Some(pos) = response.interact_pointer_pos()
        && let Some((key, _)) = hit(pos)
    {
        out.actions.push(ViewAction::ToggleOccluded(key));
    }
    out
}

/// The drag of a point that is not a label yet, at `at`, grabbed at `grabbed` (both in
/// image pixels).
fn point_drag(key: LabelKey, from: DragSource, at: Pos2, grabbed: Pos2) -> LabelDrag {
    LabelDrag {
        key,
        from: Some(from),
        grab_offset_in_image: at - grabbed,
        pos_in_image: at,
    }
}

/// What the mouse does in the view, for the shortcut sheet and the README.
pub const MOUSE_GESTURES: &[(&str, &str)] = &[
    (
        "Click on the image",
        "Place the selected keypoint, if it is not placed on this frame yet",
    ),
    ("Shift+click", "Move the selected keypoint here"),
    ("Drag a marker", "Move it (one undoable edit)"),
    ("Click a marker", "Select it"),
    (
        "Click a predicted point (diamond)",
        "Accept it as a label; drag it to accept it where it is dropped",
    ),
    (
        "Click a suggestion (dashed ring)",
        "Accept it as a label; drag it to accept it corrected",
    ),
    ("Right-click a marker", "Toggle occluded"),
    (
        "Ctrl+drag on the image",
        "Draw the selected animal's box, for a top-down model's suggestions",
    ),
    (
        "Ctrl+Shift+drag on the image",
        "Measure a known distance, to set the scale for real units (plots, kinematics)",
    ),
    (
        "O or Delete over a marker",
        "Act on that marker (elsewhere: on the selected keypoint)",
    ),
    ("Wheel", "Zoom about the pointer"),
    ("Middle-drag, Space+drag", "Pan"),
];

/// Draws a small marker like the view's, for lists and legends.
pub fn marker_swatch(
    painter: &egui::Painter,
    center: Pos2,
    radius: f32,
    rgb: Rgb,
    visibility: Option<Visibility>,
    outline: Color32,
) {
    let fill = color32(rgb, 1.0);
    match visibility {
        Some(Visibility::Visible) => {
            painter.circle(center, radius, fill, Stroke::new(1.0, outline));
        }
        Some(Visibility::Occluded) => {
            painter.circle_stroke(center, radius, Stroke::new(2.0, fill));
        }
        Some(Visibility::Absent) => {
            let d = radius * 0.8;
            let stroke = Stroke::new(1.5, fill);
            painter.add(Shape::line_segment(
                [center + Vec2::new(-d, -d), center + Vec2::new(d, d)],
                stroke,
            ));
            painter.add(Shape::line_segment(
                [center + Vec2::new(-d, d), center + Vec2::new(d, -d)],
                stroke,
            ));
        }
        None => {
            painter.circle_stroke(
                center,
                radius * 0.5,
                Stroke::new(1.0, fill.gamma_multiply(0.6)),
            );
        }
    }
}
