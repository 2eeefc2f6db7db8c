//! The project's data in memory, with the queries the UI and exporters need. Changes
//! reach it only through `apply`, after the store has committed them.

use std::collections::BTreeMap;

use super::change::Change;
use super::model::{
    Individual, IndividualId, Keypoint, KeypointId, Label, LabelKey, Skeleton, Video, VideoId,
    ordered_pair,
};
use super::predictions::{PredictionSet, PredictionSetId};

/// Everything a project holds, in memory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectState {
    pub skeleton: Skeleton,
    /// Sorted by `def.order`.
    pub individuals: Vec<Individual>,
    /// Sorted by id.
    pub videos: Vec<Video>,
    pub labels: BTreeMap<LabelKey, Label>,
    pub settings: BTreeMap<String, String>,
    /// Every stored prediction set, with its shape and per-frame summary (never its
    /// arrays); those not `present` were undone and wait for a redo.
    pub prediction_sets: BTreeMap<PredictionSetId, PredictionSet>,
    /// Number of labels on each (video, frame): the labeled frames, for the timeline and
    /// for jumping between labeled frames without scanning every label.
    frame_label_counts: BTreeMap<(VideoId, u64), usize>,
}

impl ProjectState {
    /// Applies one committed change.
    pub fn apply(&mut self, change: &Change) {
        match change {
            Change::Label { key, after, .. } => {
                let had = match after {
                    Some(label) => self.labels.insert(*key, label.clone()).is_some(),
                    None => self.labels.remove(key).is_some(),
                };
                let frame = (key.video, key.frame_idx);
                match (had, after.is_some()) {
                    (false, true) => *self.frame_label_counts.entry(frame).or_default() += 1,
                    (true, false) => {
                        if let Some(count) = self.frame_label_counts.get_mut(&frame) {
                            *count -= 1;
                            if *count == 0 {
                                self.frame_label_counts.remove(&frame);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Change::Keypoint { id, after, .. } => {
                let keypoints = &mut self.skeleton.keypoints;
                keypoints.retain(|k| k.id != *id);
                if let Some(def) = after {
                    keypoints.push(Keypoint {
                        id: *id,
                        def: def.clone(),
                    });
                }
                keypoints.sort_by_key(|k| (k.def.order, k.id));
            }
            Change::Edge { a, b, after, .. } => {
                let pair = ordered_pair(*a, *b);
                if *after {
                    self.skeleton.edges.insert(pair);
                } else {
                    self.skeleton.edges.remove(&pair);
                }
            }
            Change::Symmetric { a, b, after, .. } => {
                let pair = ordered_pair(*a, *b);
                if *after {
                    self.skeleton.symmetric.insert(pair);
                } else {
                    self.skeleton.symmetric.remove(&pair);
                }
            }
            Change::Individual { id, after, .. } => {
                self.individuals.retain(|i| i.id != *id);
                if let Some(def) = after {
                    self.individuals.push(Individual {
                        id: *id,
                        def: def.clone(),
                    });
                }
                self.individuals.sort_by_key(|i| (i.def.order, i.id));
            }
            Change::Video { id, after, .. } => {
                self.videos.retain(|v| v.id != *id);
                if let Some(def) = after {
                    self.videos.push(Video {
                        id: *id,
                        def: def.clone(),
                    });
                }
                self.videos.sort_by_key(|v| v.id);
            }
            Change::Setting { key, after, .. } => match after {
                Some(value) => {
                    self.settings.insert(key.clone(), value.clone());
                }
                None => {
                    self.settings.remove(key);
                }
            },
            Change::PredictionSet { id, after, .. } => {
                if let Some(set) = self.prediction_sets.get_mut(id) {
                    match after {
                        Some(def) => {
                            set.def = def.clone();
                            set.present = true;
                        }
                        None => set.present = false,
                    }
                }
            }
        }
    }

    /// The prediction sets in the project, oldest first.
    pub fn present_prediction_sets(&self) -> impl Iterator<Item = &PredictionSet> {
        self.prediction_sets.values().filter(|s| s.present)
    }

    /// A prediction set in the project, by id.
    pub fn prediction_set(&self, id: PredictionSetId) -> Option<&PredictionSet> {
        self.prediction_sets.get(&id).filter(|s| s.present)
    }

    /// Recounts the labeled frames; called once after loading.
    pub fn rebuild_frame_counts(&mut self) {
        self.frame_label_counts.clear();
        for key in self.labels.keys() {
            *self
                .frame_label_counts
                .entry((key.video, key.frame_idx))
                .or_default() += 1;
        }
    }

    pub fn video(&self, id: VideoId) -> Option<&Video> {
        self.videos.iter().find(|v| v.id == id)
    }

    pub fn individual(&self, id: IndividualId) -> Option<&Individual> {
        self.individuals.iter().find(|i| i.id == id)
    }

    pub fn individual_by_name(&self, name: &str) -> Option<&Individual> {
        self.individuals.iter().find(|i| i.def.name == name)
    }

    /// The individual's name, or `#id` for one that no longer exists.
    /// The individual's name; `(unique)` for unique keypoints' owner, `#id` for one
    /// that no longer exists.
    pub fn individual_name(&self, id: IndividualId) -> String {
        if id == IndividualId::NONE {
            return "(unique)".into();
        }
        self.individual(id)
            .map_or_else(|| format!("#{}", id.0), |i| i.def.name.clone())
    }

    pub fn label(&self, key: &LabelKey) -> Option<&Label> {
        self.labels.get(key)
    }

    /// Every label on one frame of one video, in (individual, keypoint id) order.
    pub fn labels_on_frame(
        &self,
        video: VideoId,
        frame_idx: u64,
    ) -> impl Iterator<Item = (&LabelKey, &Label)> {
        let lo = LabelKey {
            video,
            frame_idx,
            individual: IndividualId(i64::MIN),
            keypoint: KeypointId(i64::MIN),
        };
        let hi = LabelKey {
            individual: IndividualId(i64::MAX),
            keypoint: KeypointId(i64::MAX),
            ..lo
        };
        self.labels.range(lo..=hi)
    }

    /// Number of labels on a frame.
    pub fn label_count_on_frame(&self, video: VideoId, frame_idx: u64) -> usize {
        self.frame_label_counts
            .get(&(video, frame_idx))
            .copied()
            .unwrap_or(0)
    }

    /// The frames of `video` that hold at least one label, ascending.
    pub fn labeled_frames(&self, video: VideoId) -> impl Iterator<Item = u64> + '_ {
        self.frame_label_counts
            .range((video, 0)..=(video, u64::MAX))
            .map(|(&(_, f), _)| f)
    }

    /// The first labeled frame after `frame_idx`.
    pub fn next_labeled_frame(&self, video: VideoId, frame_idx: u64) -> Option<u64> {
        if frame_idx == u64::MAX {
            return None;
        }
        self.frame_label_counts
            .range((video, frame_idx + 1)..=(video, u64::MAX))
            .next()
            .map(|(&(_, f), _)| f)
    }

    /// The last labeled frame before `frame_idx`.
    pub fn previous_labeled_frame(&self, video: VideoId, frame_idx: u64) -> Option<u64> {
        if frame_idx == 0 {
            return None;
        }
        self.frame_label_counts
            .range((video, 0)..=(video, frame_idx - 1))
            .next_back()
            .map(|(&(_, f), _)| f)
    }

    /// Labels a fully labeled frame holds: each individual's keypoints, and each unique
    /// keypoint once.
    pub fn labels_per_frame(&self) -> usize {
        let unique = self
            .skeleton
            .keypoints
            .iter()
            .filter(|k| k.def.unique)
            .count();
        (self.skeleton.keypoints.len() - unique) * self.individuals.len() + unique
    }

    /// Who owns `keypoint`'s label when `individual` is being labeled: nobody
    /// ([`IndividualId::NONE`]) for a unique keypoint, else the individual.
    pub fn owner(&self, keypoint: KeypointId, individual: IndividualId) -> IndividualId {
        match self.skeleton.keypoint(keypoint) {
            Some(k) if k.def.unique => IndividualId::NONE,
            _ => individual,
        }
    }

    /// The first labeled frame after `frame_idx` on which some keypoint is still
    /// unlabeled (wrapping around to the start). Frames nobody touched are not
    /// "unlabeled frames": which frames to label is chosen by extraction.
    pub fn next_frame_with_unlabeled(&self, video: VideoId, frame_idx: u64) -> Option<u64> {
        let full = self.labels_per_frame();
        let incomplete =
            |(&(v, f), &n): (&(VideoId, u64), &usize)| (v == video && n < full).then_some(f);
        self.frame_label_counts
            .range((video, frame_idx.saturating_add(1))..=(video, u64::MAX))
            .find_map(incomplete)
            .or_else(|| {
                self.frame_label_counts
                    .range((video, 0)..=(video, frame_idx))
                    .find_map(incomplete)
            })
    }

    /// A setting parsed as a number, or `default` when unset or unparsable.
    pub fn setting_f32(&self, key: &str, default: f32) -> f32 {
        self.settings
            .get(key)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }
}
