//! What a person is working on: a video, a frame, an individual and a keypoint, and the
//! rules that move them (the next unlabeled keypoint after a click, as DeepLabCut's
//! sequential labeling does; cycling; staying valid after undo). No egui here: the app
//! and the tests drive it alike.

use super::{IndividualId, KeypointId, LabelKey, ProjectState, VideoId};

/// The current video, frame, individual and keypoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub video: Option<VideoId>,
    pub frame_idx: u64,
    pub individual: IndividualId,
    pub keypoint: Option<KeypointId>,
}

impl Selection {
    /// The first video, its frame 0, the first individual and its first unlabeled
    /// keypoint.
    pub fn new(state: &ProjectState) -> Self {
        let mut selection = Self {
            video: state.videos.first().map(|v| v.id),
            frame_idx: 0,
            individual: state.individuals.first().map_or(IndividualId(0), |i| i.id),
            keypoint: None,
        };
        selection.select_first_unlabeled(state);
        selection
    }

    /// The label key of `keypoint` on the current frame, for the selected individual
    /// (no individual for a unique keypoint).
    pub fn label_key(&self, state: &ProjectState, keypoint: KeypointId) -> Option<LabelKey> {
        Some(LabelKey {
            video: self.video?,
            frame_idx: self.frame_idx,
            individual: state.owner(keypoint, self.individual),
            keypoint,
        })
    }

    /// The selected keypoint's label key on the current frame.
    pub fn selected_key(&self, state: &ProjectState) -> Option<LabelKey> {
        self.keypoint.and_then(|k| self.label_key(state, k))
    }

    fn is_unlabeled(&self, state: &ProjectState, keypoint: KeypointId) -> bool {
        self.label_key(state, keypoint)
            .is_some_and(|key| state.label(&key).is_none())
    }

    /// Selects the first keypoint (in order) that has no label on this frame; keeps
    /// the selection when all are labeled.
    pub fn select_first_unlabeled(&mut self, state: &ProjectState) {
        let first = state
            .skeleton
            .keypoints
            .iter()
            .map(|k| k.id)
            .find(|&k| self.is_unlabeled(state, k));
        match first {
            Some(k) => self.keypoint = Some(k),
            None if self
                .keypoint
                .is_some_and(|k| state.skeleton.keypoint(k).is_some()) => {}
            None => self.keypoint = state.skeleton.keypoints.first().map(|k| k.id),
        }
    }

    /// After placing `placed`, selects the next unlabeled keypoint after it (wrapping).
    pub fn select_next_unlabeled_after(&mut self, state: &ProjectState, placed: KeypointId) {
        let ids: Vec<KeypointId> = state.skeleton.keypoints.iter().map(|k| k.id).collect();
        let Some(start) = ids.iter().position(|&k| k == placed) else {
            return;
        };
        let next = (1..ids.len())
            .map(|i| ids[(start + i) % ids.len()])
            .find(|&k| self.is_unlabeled(state, k));
        if let Some(k) = next {
            self.keypoint = Some(k);
        }
    }

    /// Moves the keypoint selection by `delta` in skeleton order (wrapping).
    pub fn cycle_keypoint(&mut self, state: &ProjectState, delta: isize) {
        let ids: Vec<KeypointId> = state.skeleton.keypoints.iter().map(|k| k.id).collect();
        if let Some(next) = cycled(&ids, self.keypoint, delta) {
            self.keypoint = Some(next);
        }
    }

    /// Moves the individual selection by `delta` (wrapping), then selects its first
    /// unlabeled keypoint.
    pub fn cycle_individual(&mut self, state: &ProjectState, delta: isize) {
        let ids: Vec<IndividualId> = state.individuals.iter().map(|i| i.id).collect();
        if let Some(next) = cycled(&ids, Some(self.individual), delta) {
            self.individual = next;
            self.select_first_unlabeled(state);
        }
    }

    /// Selects an individual and its first unlabeled keypoint.
    pub fn select_individual(&mut self, state: &ProjectState, individual: IndividualId) {
        self.individual = individual;
        self.select_first_unlabeled(state);
    }

    /// Selects a marker: its keypoint, and its individual (a unique keypoint belongs
    /// to none, so the individual stays).
    pub fn select_label(&mut self, individual: IndividualId, keypoint: KeypointId) {
        if individual != IndividualId::NONE {
            self.individual = individual;
        }
        self.keypoint = Some(keypoint);
    }

    /// Goes to `frame_idx`, clamped to the video's `frame_count` frames. Returns the
    /// frame gone to; a new frame selects its first unlabeled keypoint.
    pub fn go_to(&mut self, state: &ProjectState, frame_idx: u64, frame_count: u64) -> u64 {
        let frame_idx = frame_idx.min(frame_count.saturating_sub(1));
        if frame_idx != self.frame_idx {
            self.frame_idx = frame_idx;
            self.select_first_unlabeled(state);
        }
        frame_idx
    }

    /// Switches to `video` at its frame 0. Returns whether it changed.
    pub fn set_video(&mut self, state: &ProjectState, video: VideoId) -> bool {
        if self.video == Some(video) {
            return false;
        }
        self.video = Some(video);
        self.frame_idx = 0;
        self.select_first_unlabeled(state);
        true
    }

    /// Keeps the selection pointing at things that exist after undo or redo changed
    /// the project. Returns whether the video changed.
    pub fn keep_valid(&mut self, state: &ProjectState) -> bool {
        if state.individual(self.individual).is_none() {
            self.individual = state.individuals.first().map_or(IndividualId(0), |i| i.id);
        }
        let mut video_changed = false;
        if self.video.is_some_and(|v| state.video(v).is_none()) {
            self.video = state.videos.first().map(|v| v.id);
            self.frame_idx = 0;
            video_changed = true;
        }
        if self
            .keypoint
            .is_some_and(|k| state.skeleton.keypoint(k).is_none())
        {
            self.keypoint = None;
            self.select_first_unlabeled(state);
        }
        video_changed
    }
}

/// The id `delta` places after `current` in `ids` (wrapping; from the first when
/// `current` is not there).
fn cycled<T: Copy + PartialEq>(ids: &[T], current: Option<T>, delta: isize) -> Option<T> {
    if ids.is_empty() {
        return None;
    }
    let at = current
        .and_then(|c| ids.iter().position(|&x| x == c))
        .unwrap_or(0) as isize;
    Some(ids[(at + delta).rem_euclid(ids.len() as isize) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::NewProject;

    fn state() -> ProjectState {
        NewProject {
            name: "t".into(),
            keypoints: vec!["a".into(), "b".into(), "c".into()],
            individuals: vec!["m1".into(), "m2".into()],
            ..NewProject::default()
        }
        .to_state()
        .unwrap()
    }

    #[test]
    fn cycling_wraps_and_a_new_individual_starts_at_its_first_unlabeled_keypoint() {
        let state = state();
        let mut s = Selection::new(&state);
        let ids: Vec<KeypointId> = state.skeleton.keypoints.iter().map(|k| k.id).collect();
        assert_eq!(s.keypoint, Some(ids[0]));
        s.cycle_keypoint(&state, -1);
        assert_eq!(s.keypoint, Some(ids[2]));
        s.cycle_keypoint(&state, 1);
        assert_eq!(s.keypoint, Some(ids[0]));
        let m2 = state.individuals[1].id;
        s.cycle_individual(&state, 1);
        assert_eq!(s.individual, m2);
        s.cycle_individual(&state, 1);
        assert_eq!(s.individual, state.individuals[0].id);
        // No video: nothing to label, and going to a frame clamps to an empty video.
        assert_eq!(s.go_to(&state, 10, 0), 0);
    }
}
