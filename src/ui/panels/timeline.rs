//! The timeline under the video: labeled frames, keyframes and the current frame;
//! click or drag to scrub, hover to read a frame index.

use egui::{PointerButton, Rect, Sense, Stroke, pos2, vec2};

use crate::ui::theme::Theme;

/// What the timeline shows.
pub struct TimelineContext<'a> {
    pub frame_count: u64,
    pub current_frame: u64,
    /// Labeled frames with whether each is complete, ascending.
    pub labeled: &'a [(u64, bool)],
    /// Keyframes, ascending (empty until the index is built).
    pub keyframes: &'a [usize],
    pub theme: &'a Theme,
}

/// What the person did on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineAction {
    /// A click: go to this frame.
    GoTo(u64),
    /// The pointer drags over this frame (keyframes are shown until it rests).
    ScrubTo(u64),
    /// The drag ended: show the exact frame.
    ScrubEnded,
}

/// Height of the timeline strip in points.
pub const HEIGHT: f32 = 34.0;

pub fn timeline_ui(ui: &mut egui::Ui, ctx: &TimelineContext<'_>) -> Option<TimelineAction> {
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(vec2(width, HEIGHT), Sense::click_and_drag());
    let response = response.on_hover_cursor(egui::CursorIcon::PointingHand);
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 3.0, ctx.theme.timeline_bg);
    let n = ctx.frame_count.max(1);
    let x_of = |f: u64| rect.left() + (f as f32 + 0.5) / n as f32 * rect.width();
    let frame_at = |x: f32| -> u64 {
        let t = ((x - rect.left()) / rect.width()).clamp(0.0, 1.0);
        ((t * n as f32) as u64).min(n - 1)
    };

    // Keyframes as faint ticks at the bottom; at most one per pixel column.
    let mut last_x = f32::NEG_INFINITY;
    for &k in ctx.keyframes {
        let x = x_of(k as u64).round();
        if x - last_x >= 1.0 {
            painter.line_segment(
                [pos2(x, rect.bottom() - 6.0), pos2(x, rect.bottom())],
                Stroke::new(1.0, ctx.theme.timeline_keyframe),
            );
            last_x = x;
        }
    }
    // Labeled frames: one tick per column, green when every frame in it is complete.
    let band = Rect::from_min_max(
        pos2(rect.left(), rect.top() + 4.0),
        pos2(rect.right(), rect.bottom() - 8.0),
    );
    let mut column: Option<(f32, bool)> = None;
    let flush = |column: Option<(f32, bool)>| {
        if let Some((x, complete)) = column {
            let color = if complete {
                ctx.theme.timeline_complete
            } else {
                ctx.theme.timeline_labeled
            };
            painter.line_segment(
                [pos2(x, band.top()), pos2(x, band.bottom())],
                Stroke::new(2.0, color),
            );
        }
    };
    for &(f, complete) in ctx.labeled {
        let x = x_of(f).round();
        match column {
            Some((cx, c)) if (x - cx).abs() < 2.0 => column = Some((cx, c && complete)),
            _ => {
                flush(column);
                column = Some((x, complete));
            }
        }
    }
    flush(column);

    // Hover line and frame number.
    if let Some(pos) = response.hover_pos() {
        let f = frame_at(pos.x);
        painter.line_segment(
            [pos2(pos.x, rect.top()), pos2(pos.x, rect.bottom())],
            Stroke::new(1.0, ctx.theme.timeline_hover),
        );
        response
            .clone()
            .on_hover_text_at_pointer(format!("frame {f}"));
    }
    // The current frame.
    let cx = x_of(ctx.current_frame);
    painter.line_segment(
        [pos2(cx, rect.top()), pos2(cx, rect.bottom())],
        Stroke::new(2.5, ctx.theme.timeline_cursor),
    );

    if (response.clicked_by(PointerButton::Primary) || response.dragged_by(PointerButton::Primary))
        && let Some(pos) = response.interact_pointer_pos()
    {
        let frame = frame_at(pos.x);
        return Some(if response.dragged() {
            TimelineAction::ScrubTo(frame)
        } else {
            TimelineAction::GoTo(frame)
        });
    }
    response
        .drag_stopped()
        .then_some(TimelineAction::ScrubEnded)
}
