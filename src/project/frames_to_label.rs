//! Frames to label: per video, a list of frames picked for labeling (evenly, by
//! appearance, or where a model is least sure), stored with the project as a setting,
//! so that picking one is an undoable edit and the list survives reopening.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::change::Change;
use super::model::VideoId;
use super::settings_keys::FRAMES_TO_LABEL;
use super::{Edit, ProjectState};

/// One video's frames to label and how they were picked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FramesToLabel {
    /// "uniform", "kmeans" or "lowest confidence (<model>)".
    pub method: String,
    /// Ascending, without repeats.
    pub frames: Vec<u64>,
}

/// Every video's list, as the project stores it (keys are video ids).
pub fn all(state: &ProjectState) -> BTreeMap<i64, FramesToLabel> {
    state
        .settings
        .get(FRAMES_TO_LABEL)
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

/// A video's list (empty when none was picked).
pub fn of_video(state: &ProjectState, video: VideoId) -> FramesToLabel {
    all(state).remove(&video.0).unwrap_or_default()
}

/// The edit that makes `list` the video's frames to label (`None`: clears them).
pub fn set(state: &ProjectState, video: VideoId, list: Option<FramesToLabel>) -> Option<Edit> {
    let mut lists = all(state);
    let description = match &list {
        Some(l) => format!("pick {} frames to label ({})", l.frames.len(), l.method),
        None => "clear the frames to label".to_owned(),
    };
    match list {
        Some(mut l) => {
            l.frames.sort_unstable();
            l.frames.dedup();
            lists.insert(video.0, l);
        }
        None => {
            lists.remove(&video.0)?;
        }
    }
    let after = serde_json::to_string(&lists).ok()?;
    Edit::new(
        description,
        vec![Change::Setting {
            key: FRAMES_TO_LABEL.to_owned(),
            before: state.settings.get(FRAMES_TO_LABEL).cloned(),
            after: Some(after),
        }],
    )
}

/// The next frame to label after `frame_idx` (wrapping around), or the one before it.
pub fn step(list: &[u64], frame_idx: u64, forward: bool) -> Option<u64> {
    if forward {
        list.iter()
            .copied()
            .find(|&f| f > frame_idx)
            .or(list.first().copied())
    } else {
        list.iter()
            .rev()
            .copied()
            .find(|&f| f < frame_idx)
            .or(list.last().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stepping_wraps_around() {
        let list = [5, 10, 20];
        assert_eq!(step(&list, 0, true), Some(5));
        assert_eq!(step(&list, 10, true), Some(20));
        assert_eq!(step(&list, 20, true), Some(5));
        assert_eq!(step(&list, 10, false), Some(5));
        assert_eq!(step(&list, 5, false), Some(20));
        assert_eq!(step(&[], 5, false), None);
    }
}
