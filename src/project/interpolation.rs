//! Labels filled in between two labeled frames: every point labeled (visible or
//! occluded) on both frames gets, on each frame between them where it has no label, the
//! position on the line between its two labels. One undoable edit; the labels say they
//! were interpolated, and become a person's own when moved.

use super::change::{Change, Edit};
use super::model::{Label, LabelKey, Provenance, VideoId, Visibility};
use super::state::ProjectState;

/// What filling a gap does.
#[derive(Clone, Debug)]
pub struct Interpolation {
    pub edit: Edit,
    /// The labeled frames on either side.
    pub from: u64,
    pub to: u64,
    pub filled: usize,
}

/// The two labeled frames around `frame_idx`: the gap after it when it is labeled
/// itself, else the gap it lies in.
pub fn gap_around(state: &ProjectState, video: VideoId, frame_idx: u64) -> Option<(u64, u64)> {
    let from = if state.label_count_on_frame(video, frame_idx) > 0 {
        frame_idx
    } else {
        state.previous_labeled_frame(video, frame_idx)?
    };
    let to = state.next_labeled_frame(video, frame_idx)?;
    (to > from + 1).then_some((from, to))
}

/// Fills the gap between the labeled frames `from` and `to` (exclusive).
pub fn interpolate(
    state: &ProjectState,
    video: VideoId,
    from: u64,
    to: u64,
) -> Option<Interpolation> {
    let mut changes = Vec::new();
    for (key, start) in state.labels_on_frame(video, from) {
        if start.visibility == Visibility::Absent {
            continue;
        }
        let end_key = LabelKey {
            frame_idx: to,
            ..*key
        };
        let Some(end) = state
            .label(&end_key)
            .filter(|l| l.visibility != Visibility::Absent)
        else {
            continue;
        };
        let visibility =
            if start.visibility == Visibility::Visible && end.visibility == Visibility::Visible {
                Visibility::Visible
            } else {
                Visibility::Occluded
            };
        for f in from + 1..to {
            let at = LabelKey {
                frame_idx: f,
                ..*key
            };
            if state.label(&at).is_some() {
                continue;
            }
            let t = (f - from) as f64 / (to - from) as f64;
            changes.push(Change::Label {
                key: at,
                before: None,
                after: Some(Label {
                    x: start.x + t * (end.x - start.x),
                    y: start.y + t * (end.y - start.y),
                    visibility,
                    provenance: Provenance::Interpolated,
                    score: None,
                }),
            });
        }
    }
    let filled = changes.len();
    let edit = Edit::new(
        format!(
            "interpolate {} on frames {}–{}",
            crate::util::text::plural(filled, "label", "labels"),
            from + 1,
            to - 1
        ),
        changes,
    )?;
    Some(Interpolation {
        edit,
        from,
        to,
        filled,
    })
}
