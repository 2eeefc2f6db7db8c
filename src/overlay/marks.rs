//! Labels and prediction sets on one frame as marks: positions in image pixels, sizes
//! in the target's pixels (screen points in the app, video pixels in a labeled video).
//! Labels are filled discs (a ring with a cross when occluded); predictions hollow
//! diamonds with thin skeleton edges and trails, faded or hidden below the cutoff.

use crate::project::predictions::{POINT_FLOATS, PredictionShape};
use crate::project::{Label, LabelKey, PredictionSetId, ProjectState, Rgb, Visibility};

use super::style::{OverlayStyle, individual_color, point_color};

/// A colour with straight (not premultiplied) alpha.
pub type Rgba = [u8; 4];

/// One thing to draw, in draw order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mark {
    Line {
        from: [f32; 2],
        to: [f32; 2],
        width: f32,
        color: Rgba,
    },
    /// A hollow diamond (a predicted point) of half-diagonal `radius`.
    Diamond {
        center: [f32; 2],
        radius: f32,
        width: f32,
        color: Rgba,
    },
    /// A filled disc with an outline (a visible label).
    Disc {
        center: [f32; 2],
        radius: f32,
        fill: Rgba,
        outline_width: f32,
        outline: Rgba,
    },
    /// A circle's outline.
    Ring {
        center: [f32; 2],
        radius: f32,
        width: f32,
        color: Rgba,
    },
}

/// A diamond's corners, clockwise from the top, `half_diagonal` from `center`.
pub fn diamond_corners([x, y]: [f32; 2], half_diagonal: f32) -> [[f32; 2]; 4] {
    let r = half_diagonal;
    [[x, y - r], [x + r, y], [x, y + r], [x - r, y]]
}

/// How big marks are: the marker radius and a factor on every line width (1 on screen;
/// larger on a large video).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MarkSize {
    pub radius: f32,
    pub stroke: f32,
}

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

fn rgba(rgb: Rgb, alpha: f32) -> Rgba {
    let [r, g, b] = rgb.0;
    [r, g, b, (alpha.clamp(0.0, 1.0) * 255.0) as u8]
}

/// A point's position and score in `floats` at `slot`, when it has a position.
fn point_at(floats: &[f32], slot: usize) -> Option<([f32; 2], f32)> {
    let p = floats.get(slot..slot + POINT_FLOATS)?;
    (!p[0].is_nan() && !p[1].is_nan()).then_some(([p[0], p[1]], p[2]))
}

/// The marks of `sets` on this frame, appended to `out`.
pub fn prediction_marks(
    state: &ProjectState,
    sets: &[SetOnFrame<'_>],
    style: &OverlayStyle,
    size: MarkSize,
    out: &mut Vec<Mark>,
) {
    let s = size.stroke;
    for set in sets {
        let shape = set.shape;
        for &individual in &shape.individuals {
            // Skeleton edges, thin, under the points.
            for &(a, b) in &state.skeleton.edges {
                let (Some(sa), Some(sb)) = (shape.slot(individual, a), shape.slot(individual, b))
                else {
                    continue;
                };
                if let (Some((pa, qa)), Some((pb, qb))) =
                    (point_at(set.points, sa), point_at(set.points, sb))
                {
                    let alpha = style.alpha_of(qa).min(style.alpha_of(qb)) * 0.7;
                    if alpha > 0.0 {
                        let color = point_color(state, style, individual, a);
                        out.push(Mark::Line {
                            from: pa,
                            to: pb,
                            width: 1.2 * s,
                            color: rgba(color, alpha),
                        });
                    }
                }
            }
            for &keypoint in &shape.keypoints {
                let Some(slot) = shape.slot(individual, keypoint) else {
                    continue;
                };
                let rgb = point_color(state, style, individual, keypoint);
                // The trail: where the point was on the frames before, fading in.
                let n = set.trail.len();
                let mut last: Option<[f32; 2]> = None;
                for (i, floats) in set.trail.iter().enumerate() {
                    match point_at(floats, slot) {
                        Some((p, q)) if style.alpha_of(q) > 0.0 => {
                            if let Some(prev) = last {
                                let alpha = 0.15 + 0.55 * (i + 1) as f32 / (n + 1) as f32;
                                out.push(Mark::Line {
                                    from: prev,
                                    to: p,
                                    width: 1.5 * s,
                                    color: rgba(rgb, alpha),
                                });
                            }
                            last = Some(p);
                        }
                        _ => last = None,
                    }
                }
                let Some((center, score)) = point_at(set.points, slot) else {
                    continue;
                };
                let alpha = style.alpha_of(score);
                if alpha <= 0.0 {
                    continue;
                }
                if let Some(prev) = last {
                    out.push(Mark::Line {
                        from: prev,
                        to: center,
                        width: 1.5 * s,
                        color: rgba(rgb, 0.7 * alpha),
                    });
                }
                // A dark halo under the coloured outline: readable on any background.
                out.push(Mark::Diamond {
                    center,
                    radius: size.radius * 1.2,
                    width: 3.5 * s,
                    color: [0, 0, 0, (160.0 * alpha) as u8],
                });
                out.push(Mark::Diamond {
                    center,
                    radius: size.radius * 1.2,
                    width: 2.0 * s,
                    color: rgba(rgb, alpha),
                });
            }
        }
    }
}

/// The marks of `labels` (one frame's), appended to `out`: skeleton edges in each
/// individual's colour under discs in each keypoint's; `opacity` from 0 to 1.
pub fn label_marks(
    state: &ProjectState,
    labels: &[(LabelKey, Label)],
    opacity: f32,
    outline: Rgba,
    size: MarkSize,
    out: &mut Vec<Mark>,
) {
    let s = size.stroke;
    let pos = |l: &Label| [l.x as f32, l.y as f32];
    for &(a, b) in &state.skeleton.edges {
        for individual in &state.individuals {
            let find = |kp| {
                labels.iter().find(|(k, l)| {
                    k.keypoint == kp
                        && k.individual == individual.id
                        && l.visibility != Visibility::Absent
                })
            };
            if let (Some((_, la)), Some((_, lb))) = (find(a), find(b)) {
                out.push(Mark::Line {
                    from: pos(la),
                    to: pos(lb),
                    width: 2.0 * s,
                    color: rgba(individual_color(state, individual.id), opacity * 0.8),
                });
            }
        }
    }
    for (key, label) in labels {
        if label.visibility == Visibility::Absent {
            continue;
        }
        let Some(kp) = state.skeleton.keypoint(key.keypoint) else {
            continue;
        };
        let center = pos(label);
        let fill = rgba(kp.def.color, opacity);
        if label.visibility == Visibility::Visible {
            out.push(Mark::Disc {
                center,
                radius: size.radius,
                fill,
                outline_width: 1.0 * s,
                outline,
            });
        } else {
            // Occluded: a hollow ring with a cross, readable on any background.
            out.push(Mark::Ring {
                center,
                radius: size.radius,
                width: 2.0 * s,
                color: fill,
            });
            let d = size.radius * 0.6;
            let [x, y] = center;
            for (from, to) in [
                ([x - d, y - d], [x + d, y + d]),
                ([x - d, y + d], [x + d, y - d]),
            ] {
                out.push(Mark::Line {
                    from,
                    to,
                    width: 1.5 * s,
                    color: fill,
                });
            }
        }
    }
}
