//! The timeline under the video: labeled frames (human labels only), keyframes, frames
//! that do not decode and the current frame, then a lane per prediction set: where it has points and how likely
//! they are. Click or drag to scrub, hover to read a frame index.

use egui::{PointerButton, Rect, Sense, Stroke, pos2, vec2};

use crate::ui::panels::outliers::OutlierStrip;
use crate::ui::theme::Theme;

/// What the timeline shows.
pub struct TimelineContext<'a> {
    pub frame_count: u64,
    pub current_frame: u64,
    /// Labeled frames with whether each is complete, ascending.
    pub labeled: &'a [(u64, bool)],
    /// Frames picked to label, ascending: marked above the labeled ticks.
    pub to_label: &'a [u64],
    /// Frames found not to decode, ascending: marked across the strip in the error
    /// colour, and named when hovered.
    pub missing: &'a [u64],
    /// Keyframes, ascending (empty until the index is built).
    pub keyframes: &'a [usize],
    /// One lane per prediction set shown.
    pub lanes: &'a [PredictionLane<'a>],
    /// Under them, one strip per outlier method, once outliers were found.
    pub outlier_strips: &'a [OutlierStrip<'a>],
    /// Then one lane per subject with coded events.
    pub event_lanes: &'a [EventLane],
    /// The video's events, which the lanes index (named when hovered).
    pub events: &'a [crate::project::behaviours::Event],
    /// The ethogram's behaviour codes, each with whether it is a state, for relabelling
    /// an event from its lane (as another of its kind).
    pub behaviour_codes: &'a [(String, bool)],
    pub theme: &'a Theme,
}

/// A prediction set's lane: its per-frame summary (two bytes a frame: the share of
/// points predicted, and their mean score, each 0 to 255).
pub struct PredictionLane<'a> {
    pub name: &'a str,
    pub summary: &'a [u8],
}

/// A subject's events: states as spans (first and last frame), points as ticks, in
/// their behaviours' colours.
pub struct EventLane {
    pub name: String,
    /// Found by rules, to review: its events can be accepted from the lane.
    pub computed: bool,
    /// First and last frame, colour, and the event's index in the video's events.
    pub spans: Vec<(u64, u64, egui::Color32, usize)>,
    /// Frame, colour and the event's index.
    pub points: Vec<(u64, egui::Color32, usize)>,
}

/// What a right-click on an event in its lane asks for; `usize`s index the video's
/// events (and, for a relabel, the behaviour codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventChange {
    Delete(usize),
    Relabel {
        event: usize,
        behaviour: usize,
    },
    /// A computed event accepted as coded.
    Accept(usize),
}

/// Height of one prediction lane in points.
pub const LANE_HEIGHT: f32 = 9.0;

/// A lane's colour for a mean score (0 to 1): red, through yellow, to green.
fn score_color(score: f32, coverage: f32) -> egui::Color32 {
    let s = score.clamp(0.0, 1.0);
    let (r, g) = if s < 0.5 {
        (1.0, s * 2.0)
    } else {
        (2.0 - s * 2.0, 1.0)
    };
    egui::Color32::from_rgba_unmultiplied(
        (r * 220.0) as u8,
        (g * 200.0) as u8,
        60,
        (60.0 + 195.0 * coverage.clamp(0.0, 1.0)) as u8,
    )
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
    /// An event's start (or, with `stop`, its last frame) dragged to `frame`; `event`
    /// indexes the video's events.
    MoveEventEnd {
        event: usize,
        stop: bool,
        frame: u64,
    },
    /// An event changed from its lane's menu.
    Event(EventChange),
}

/// An event end being dragged along its lane.
#[derive(Clone, Copy, Debug)]
struct EndDrag {
    event: usize,
    stop: bool,
}

/// The pixel columns `[first, last]` to paint for spans given in order of their start
/// (first frame, last frame, colour), each column painted once: a span paints only the
/// columns no earlier span did, and neighbours of one colour make one run.
fn column_runs(
    spans: impl Iterator<Item = (u64, u64, egui::Color32)>,
    column: impl Fn(u64) -> i64,
) -> Vec<(i64, i64, egui::Color32)> {
    let mut runs: Vec<(i64, i64, egui::Color32)> = Vec::new();
    let mut covered = i64::MIN;
    for (first, last, color) in spans {
        let c1 = column(last).max(column(first));
        let c0 = column(first).max(covered.saturating_add(1));
        if c0 > c1 {
            continue;
        }
        match runs.last_mut() {
            Some(run) if run.2 == color && c0 <= run.1 + 1 => run.1 = c1,
            _ => runs.push((c0, c1, color)),
        }
        covered = c1;
    }
    runs
}

/// Height of the timeline strip in points.
pub const HEIGHT: f32 = 34.0;

pub fn timeline_ui(ui: &mut egui::Ui, ctx: &TimelineContext<'_>) -> Option<TimelineAction> {
    let width = ui.available_width();
    let rows = ctx.lanes.len() + ctx.outlier_strips.len() + ctx.event_lanes.len();
    let total_height = HEIGHT + rows as f32 * (LANE_HEIGHT + 2.0);
    let (whole, response) =
        ui.allocate_exact_size(vec2(width, total_height), Sense::click_and_drag());
    let response = response.on_hover_cursor(egui::CursorIcon::PointingHand);
    let rect = Rect::from_min_size(whole.min, vec2(width, HEIGHT));
    let painter = ui.painter_at(whole);
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
    // Frames to label: small marks along the top edge.
    for &f in ctx.to_label {
        let x = x_of(f).round();
        painter.line_segment(
            [pos2(x, rect.top()), pos2(x, rect.top() + 4.0)],
            Stroke::new(2.0, ctx.theme.timeline_cursor),
        );
    }

    // Frames that do not decode: a tick across the strip, one per column.
    let mut last_column = None;
    for &f in ctx.missing {
        let x = x_of(f).round();
        if last_column == Some(x) {
            continue;
        }
        last_column = Some(x);
        painter.line_segment(
            [pos2(x, rect.top()), pos2(x, rect.bottom())],
            Stroke::new(2.0, ctx.theme.error),
        );
    }

    // Prediction lanes: per pixel column, the frames' coverage and mean score (a
    // sample of at most 32 frames a column, so an hour of video draws in no time).
    let columns = rect.width().max(1.0) as usize;
    let mut hovered_lane = None;
    for (i, lane) in ctx.lanes.iter().enumerate() {
        let top = rect.bottom() + 2.0 + i as f32 * (LANE_HEIGHT + 2.0);
        let lane_rect =
            Rect::from_min_size(pos2(rect.left(), top), vec2(rect.width(), LANE_HEIGHT));
        painter.rect_filled(lane_rect, 1.0, ctx.theme.timeline_bg);
        if response.hover_pos().is_some_and(|p| lane_rect.contains(p)) {
            hovered_lane = Some(lane.name);
        }
        let frames = (lane.summary.len() / 2) as u64;
        if frames == 0 {
            continue;
        }
        for c in 0..columns {
            let f0 = c as u64 * n / columns as u64;
            let f1 = ((c + 1) as u64 * n / columns as u64)
                .max(f0 + 1)
                .min(frames);
            if f0 >= f1 {
                continue;
            }
            let step = ((f1 - f0) / 32).max(1);
            let (mut coverage, mut score, mut count, mut with_points) = (0f32, 0f32, 0u32, 0u32);
            let mut f = f0;
            while f < f1 {
                let at = f as usize * 2;
                let (cov, sc) = (lane.summary[at], lane.summary[at + 1]);
                coverage += f32::from(cov) / 255.0;
                if cov > 0 {
                    score += f32::from(sc) / 255.0;
                    with_points += 1;
                }
                count += 1;
                f += step;
            }
            if with_points == 0 {
                continue;
            }
            let x = rect.left() + c as f32;
            painter.line_segment(
                [
                    pos2(x + 0.5, lane_rect.top()),
                    pos2(x + 0.5, lane_rect.bottom()),
                ],
                Stroke::new(
                    1.0,
                    score_color(score / with_points as f32, coverage / count as f32),
                ),
            );
        }
    }

    // Outlier strips: per pixel column, the worst severity of all its frames (outliers
    // are rare, so every frame is read: none may fall between samples).
    for (i, strip) in ctx.outlier_strips.iter().enumerate() {
        let row = ctx.lanes.len() + i;
        let top = rect.bottom() + 2.0 + row as f32 * (LANE_HEIGHT + 2.0);
        let strip_rect =
            Rect::from_min_size(pos2(rect.left(), top), vec2(rect.width(), LANE_HEIGHT));
        painter.rect_filled(strip_rect, 1.0, ctx.theme.timeline_bg);
        if response.hover_pos().is_some_and(|p| strip_rect.contains(p)) {
            hovered_lane = Some(strip.name);
        }
        let frames = strip.severity.len() as u64;
        for c in 0..columns {
            let f0 = c as u64 * n / columns as u64;
            let f1 = ((c + 1) as u64 * n / columns as u64)
                .max(f0 + 1)
                .min(frames);
            if f0 >= f1 {
                continue;
            }
            let worst = strip.severity[f0 as usize..f1 as usize]
                .iter()
                .copied()
                .fold(0f32, f32::max);
            if worst <= 0.0 {
                continue;
            }
            // Just over the threshold is faint; three times over, full.
            let alpha = (0.35 + 0.65 * ((worst - 1.0) / 2.0).clamp(0.0, 1.0)) * 255.0;
            let color = ctx.theme.error.gamma_multiply_u8(alpha as u8);
            let x = rect.left() + c as f32 + 0.5;
            painter.line_segment(
                [pos2(x, strip_rect.top()), pos2(x, strip_rect.bottom())],
                Stroke::new(1.0, color),
            );
        }
    }

    // Events lanes: a bar per state, a tick per point event.
    for (i, lane) in ctx.event_lanes.iter().enumerate() {
        let row = ctx.lanes.len() + ctx.outlier_strips.len() + i;
        let top = rect.bottom() + 2.0 + row as f32 * (LANE_HEIGHT + 2.0);
        let lane_rect =
            Rect::from_min_size(pos2(rect.left(), top), vec2(rect.width(), LANE_HEIGHT));
        painter.rect_filled(lane_rect, 1.0, ctx.theme.timeline_bg);
        if response.hover_pos().is_some_and(|p| lane_rect.contains(p)) {
            hovered_lane = Some(lane.name.as_str());
        }
        // Whole pixel columns, each painted once: an hour's thousands of events draw
        // as at most a few shapes a column (the earlier event shows where two overlap).
        let column = |f: u64| (x_of(f) - rect.left()).floor() as i64;
        for (c0, c1, color) in column_runs(lane.spans.iter().map(|s| (s.0, s.1, s.2)), column) {
            let (x0, x1) = (rect.left() + c0 as f32, rect.left() + (c1 + 1) as f32);
            painter.rect_filled(
                Rect::from_x_y_ranges(x0..=x1, lane_rect.y_range()),
                0.0,
                color,
            );
        }
        let mut last_tick = None;
        for &(f, color, _) in &lane.points {
            let c = column(f);
            if last_tick == Some((c, color)) {
                continue;
            }
            last_tick = Some((c, color));
            let x = rect.left() + c as f32 + 0.5;
            painter.line_segment(
                [pos2(x, lane_rect.top()), pos2(x, lane_rect.bottom())],
                Stroke::new(2.0, color),
            );
        }
    }

    // The event under a point of the events lanes: its lane, its index in the video's
    // events and whether it is a state (a tick within 3 points first, then a bar).
    let lane_top = |i: usize| {
        let row = ctx.lanes.len() + ctx.outlier_strips.len() + i;
        rect.bottom() + 2.0 + row as f32 * (LANE_HEIGHT + 2.0)
    };
    let event_at = |pos: egui::Pos2| {
        ctx.event_lanes.iter().enumerate().find_map(|(i, lane)| {
            let top = lane_top(i);
            if !(top..=top + LANE_HEIGHT).contains(&pos.y) {
                return None;
            }
            let point = lane
                .points
                .iter()
                .find(|p| (x_of(p.0) - pos.x).abs() <= 3.0)
                .map(|p| (p.2, false));
            let span = || {
                lane.spans
                    .iter()
                    .find(|s| (x_of(s.0) - 2.0..=x_of(s.1) + 2.0).contains(&pos.x))
                    .map(|s| (s.3, true))
            };
            point.or_else(span).map(|(event, state)| (i, event, state))
        })
    };

    // Hover line and frame number (and the lane's set, or the event there).
    if let Some(pos) = response.hover_pos() {
        let f = frame_at(pos.x);
        painter.line_segment(
            [pos2(pos.x, whole.top()), pos2(pos.x, whole.bottom())],
            Stroke::new(1.0, ctx.theme.timeline_hover),
        );
        let mut text = match hovered_lane {
            Some(name) => format!("frame {f} · {name}"),
            None => format!("frame {f}"),
        };
        if let Some((_, index, _)) = event_at(pos)
            && let Some(e) = ctx.events.get(index)
        {
            let span = match e.stop_frame {
                Some(stop) => format!("{}–{stop}", e.start_frame),
                None => e.start_frame.to_string(),
            };
            let modifier = e
                .modifier
                .as_ref()
                .map_or_else(String::new, |m| format!(" [{m}]"));
            text.push_str(&format!(" · {} {span}{modifier}", e.behaviour));
        }
        if ctx.missing.binary_search(&f).is_ok() {
            text.push_str(" · does not decode");
        }
        response.clone().on_hover_text_at_pointer(text);
    }
    // The current frame.
    let cx = x_of(ctx.current_frame);
    painter.line_segment(
        [pos2(cx, whole.top()), pos2(cx, whole.bottom())],
        Stroke::new(2.5, ctx.theme.timeline_cursor),
    );

    // A right-click on an event in its lane: delete, relabel or accept it.
    let menu_id = response.id.with("event menu");
    if response.secondary_clicked()
        && let Some(pos) = response.interact_pointer_pos()
    {
        let hit = event_at(pos);
        ui.data_mut(|d| match hit {
            Some(h) => {
                d.insert_temp(menu_id, h);
            }
            None => d.remove::<(usize, usize, bool)>(menu_id),
        });
    }
    let mut chosen = None;
    if let Some((lane, event, is_state)) = ui.data(|d| d.get_temp::<(usize, usize, bool)>(menu_id))
        && let Some(lane) = ctx.event_lanes.get(lane)
    {
        response.context_menu(|ui| {
            ui.weak(&lane.name);
            if lane.computed && ui.button("Accept").clicked() {
                chosen = Some(EventChange::Accept(event));
            }
            ui.menu_button("Relabel as", |ui| {
                for (behaviour, (code, state)) in ctx.behaviour_codes.iter().enumerate() {
                    if *state == is_state && ui.button(code).clicked() {
                        chosen = Some(EventChange::Relabel { event, behaviour });
                    }
                }
            });
            if ui.button("Delete").clicked() {
                chosen = Some(EventChange::Delete(event));
            }
            if chosen.is_some() {
                ui.close();
            }
        });
    }
    if let Some(change) = chosen {
        return Some(TimelineAction::Event(change));
    }

    // Dragging an event's start or end along its lane moves it (the person sees the
    // end follow the pointer; the frame shown follows too).
    let drag_id = response.id.with("event end");
    if response.drag_started_by(PointerButton::Primary)
        && let Some(origin) = ui.input(|i| i.pointer.press_origin())
    {
        let grabbed = ctx.event_lanes.iter().enumerate().find_map(|(i, lane)| {
            let row = ctx.lanes.len() + ctx.outlier_strips.len() + i;
            let top = rect.bottom() + 2.0 + row as f32 * (LANE_HEIGHT + 2.0);
            if !(top..=top + LANE_HEIGHT).contains(&origin.y) {
                return None;
            }
            lane.spans.iter().find_map(|&(first, last, _, event)| {
                let (x0, x1) = (x_of(first) - 0.5, x_of(last) + 0.5);
                if (origin.x - x1).abs() <= 4.0 {
                    Some(EndDrag { event, stop: true })
                } else if (origin.x - x0).abs() <= 4.0 {
                    Some(EndDrag { event, stop: false })
                } else {
                    None
                }
            })
        });
        if let Some(g) = grabbed {
            ui.data_mut(|d| d.insert_temp(drag_id, g));
        }
    }
    if let Some(g) = ui.data(|d| d.get_temp::<EndDrag>(drag_id)) {
        let frame = response.interact_pointer_pos().map(|p| frame_at(p.x));
        if response.drag_stopped() || !response.dragged() {
            ui.data_mut(|d| d.remove::<EndDrag>(drag_id));
            return frame.map(|frame| TimelineAction::MoveEventEnd {
                event: g.event,
                stop: g.stop,
                frame,
            });
        }
        if let Some(frame) = frame {
            let x = x_of(frame);
            painter.line_segment(
                [pos2(x, whole.top()), pos2(x, whole.bottom())],
                Stroke::new(2.0, ctx.theme.selection),
            );
        }
        return None;
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_paint_each_column_once_and_merge_by_colour() {
        let (red, blue) = (egui::Color32::RED, egui::Color32::BLUE);
        // Ten frames a column.
        let column = |f: u64| (f / 10) as i64;
        let spans = [
            (0, 25, red),   // columns 0–2
            (28, 45, red),  // 2–4: joins the run
            (30, 35, blue), // inside what is painted: nothing new
            (41, 70, blue), // 4–7: only 5–7 are new
            (90, 91, red),  // 9
            (93, 94, red),  // 9 again: nothing new
        ];
        assert_eq!(
            column_runs(spans.into_iter(), column),
            vec![(0, 4, red), (5, 7, blue), (9, 9, red)]
        );
    }
}
