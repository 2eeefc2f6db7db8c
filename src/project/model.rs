//! The domain model: skeleton, individuals, videos and labels. Plain data, no storage.

use serde::{Deserialize, Serialize};

/// Identifies a keypoint (bodypart) of the skeleton; stable across renames and reorders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct KeypointId(pub i64);

/// Identifies an individual (animal, identity or track).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct IndividualId(pub i64);

impl IndividualId {
    /// The owner of a unique keypoint's labels (DeepLabCut's "single"): no individual.
    /// Real individuals' ids start at 1.
    pub const NONE: Self = Self(0);
}

/// Identifies a video of the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct VideoId(pub i64);

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// `#rrggbb`.
    pub fn to_hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// Parses `#rrggbb` (the `#` is optional).
    pub fn from_hex(text: &str) -> Option<Self> {
        let hex = text.trim().trim_start_matches('#');
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Self([channel(0)?, channel(2)?, channel(4)?]))
    }

    /// The `i`-th of `n` colours spread over the rainbow, as DeepLabCut's default
    /// colormap does, so neighbouring keypoints get distinguishable colours.
    pub fn rainbow(i: usize, n: usize) -> Self {
        let t = if n <= 1 {
            0.0
        } else {
            i as f64 / (n - 1) as f64
        };
        // Hue from violet-blue (0.75) down to red (0.0), full saturation and value.
        let hue = 0.75 * (1.0 - t);
        let h6 = hue * 6.0;
        let sector = h6.floor() as i32;
        let f = h6 - f64::from(sector);
        let (r, g, b) = match sector.rem_euclid(6) {
            0 => (1.0, f, 0.0),
            1 => (1.0 - f, 1.0, 0.0),
            2 => (0.0, 1.0, f),
            3 => (0.0, 1.0 - f, 1.0),
            4 => (f, 0.0, 1.0),
            _ => (1.0, 0.0, 1.0 - f),
        };
        let to_u8 = |c: f64| (c * 255.0).round().clamp(0.0, 255.0) as u8;
        Self([to_u8(r), to_u8(g), to_u8(b)])
    }
}

/// A keypoint's definition: what the skeleton editor edits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeypointDef {
    pub name: String,
    pub color: Rgb,
    /// Position in the skeleton's keypoint order (labeling order), from 0.
    pub order: i64,
    /// A unique keypoint (DeepLabCut's `uniquebodyparts`): labeled once per frame, not
    /// per individual; its labels belong to [`IndividualId::NONE`].
    #[serde(default)]
    pub unique: bool,
}

/// A keypoint of the skeleton.
#[derive(Clone, Debug, PartialEq)]
pub struct Keypoint {
    pub id: KeypointId,
    pub def: KeypointDef,
}

/// An individual's definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndividualDef {
    pub name: String,
    /// Position in the individuals' order, from 0.
    pub order: i64,
}

/// An individual (animal).
#[derive(Clone, Debug, PartialEq)]
pub struct Individual {
    pub id: IndividualId,
    pub def: IndividualDef,
}

/// A video as the project records it, so that a moved file can be found again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VideoDef {
    /// Path relative to the project file's folder where possible, with `/` separators;
    /// absolute otherwise.
    pub path: String,
    pub size_bytes: u64,
    /// xxh3 of the file's first and last 64 KiB (see `util::fingerprint`).
    pub edge_hash: u64,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    /// Exact frame count from the frame index.
    pub frame_count: u64,
    /// For a folder of images standing in for a video (DeepLabCut's labeled-data
    /// folder when its video is not there): the image file names, frame `i` being
    /// `frame_files[i]` inside the folder at `path`. `None` for a video file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_files: Option<Vec<String>>,
}

/// A video of the project.
#[derive(Clone, Debug, PartialEq)]
pub struct Video {
    pub id: VideoId,
    pub def: VideoDef,
}

/// Whether a labeled keypoint is seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Labeled and visible.
    Visible,
    /// Labeled where it is, but hidden behind something.
    Occluded,
    /// Marked as not in the frame at all (DeepLabCut's NaN, COCO's 0).
    Absent,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visible => "visible",
            Self::Occluded => "occluded",
            Self::Absent => "absent",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "visible" => Some(Self::Visible),
            "occluded" => Some(Self::Occluded),
            "absent" => Some(Self::Absent),
            _ => None,
        }
    }
}

/// Where a label came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Provenance {
    /// Placed by a person.
    Human,
    /// A model's prediction, unreviewed (model name and version).
    Model { model: String },
    /// A model's suggestion that a person accepted as it was.
    AcceptedSuggestion { model: String },
    /// A model's suggestion that a person then moved.
    EditedSuggestion { model: String },
    /// A point of a prediction set (named `set`) that a person accepted as it was.
    AcceptedPrediction { set: String },
    /// A point of a prediction set that a person accepted, then moved.
    EditedPrediction { set: String },
    /// Filled in on the line between the same point's labels on two frames.
    Interpolated,
}

impl Provenance {
    /// Short kind name, as stored and printed (`human`, `model`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Human => "human",
            Self::Model { .. } => "model",
            Self::AcceptedSuggestion { .. } => "accepted_suggestion",
            Self::EditedSuggestion { .. } => "edited_suggestion",
            Self::AcceptedPrediction { .. } => "accepted_prediction",
            Self::EditedPrediction { .. } => "edited_prediction",
            Self::Interpolated => "interpolated",
        }
    }

    /// The model's name, where a model was involved.
    pub fn model(&self) -> Option<&str> {
        match self {
            Self::Human | Self::Interpolated => None,
            Self::Model { model }
            | Self::AcceptedSuggestion { model }
            | Self::EditedSuggestion { model } => Some(model),
            Self::AcceptedPrediction { set } | Self::EditedPrediction { set } => Some(set),
        }
    }

    /// Rebuilds a provenance from its stored kind and model name.
    pub fn from_parts(kind: &str, model: Option<String>) -> Option<Self> {
        let model = model.unwrap_or_default();
        Some(match kind {
            "human" => Self::Human,
            "model" => Self::Model { model },
            "accepted_suggestion" => Self::AcceptedSuggestion { model },
            "edited_suggestion" => Self::EditedSuggestion { model },
            "accepted_prediction" => Self::AcceptedPrediction { set: model },
            "edited_prediction" => Self::EditedPrediction { set: model },
            "interpolated" => Self::Interpolated,
            _ => return None,
        })
    }

    /// What a label becomes when a person moves it.
    pub fn after_human_move(&self) -> Self {
        match self {
            Self::Human | Self::Interpolated => Self::Human,
            Self::Model { model }
            | Self::AcceptedSuggestion { model }
            | Self::EditedSuggestion { model } => Self::EditedSuggestion {
                model: model.clone(),
            },
            Self::AcceptedPrediction { set } | Self::EditedPrediction { set } => {
                Self::EditedPrediction { set: set.clone() }
            }
        }
    }
}

/// One keypoint's label on one frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Label {
    /// Position in image pixels (0,0 = top-left corner of the top-left pixel). An absent
    /// label keeps its last position, so marking it present again restores it.
    pub x: f64,
    pub y: f64,
    pub visibility: Visibility,
    pub provenance: Provenance,
    /// The model's confidence in this point (DeepLabCut's likelihood, SLEAP's score);
    /// `None` for labels a person placed or moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

impl Label {
    /// A visible label placed by a person.
    pub fn human(x: f64, y: f64) -> Self {
        Self {
            x,
            y,
            visibility: Visibility::Visible,
            provenance: Provenance::Human,
            score: None,
        }
    }
}

/// Where a label sits: video, frame, individual, keypoint. Ordered so that one frame's
/// labels are contiguous.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LabelKey {
    pub video: VideoId,
    pub frame_idx: u64,
    pub individual: IndividualId,
    pub keypoint: KeypointId,
}

/// The skeleton: keypoints in labeling order, edges and left/right pairs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Skeleton {
    /// Sorted by `def.order`.
    pub keypoints: Vec<Keypoint>,
    /// Each edge as (smaller id, larger id).
    pub edges: std::collections::BTreeSet<(KeypointId, KeypointId)>,
    /// Each left/right pair as (smaller id, larger id).
    pub symmetric: std::collections::BTreeSet<(KeypointId, KeypointId)>,
}

impl Skeleton {
    pub fn keypoint(&self, id: KeypointId) -> Option<&Keypoint> {
        self.keypoints.iter().find(|k| k.id == id)
    }

    pub fn by_name(&self, name: &str) -> Option<&Keypoint> {
        self.keypoints.iter().find(|k| k.def.name == name)
    }

    /// The keypoint's name, or `#id` for one that no longer exists.
    pub fn name_of(&self, id: KeypointId) -> String {
        self.keypoint(id)
            .map_or_else(|| format!("#{}", id.0), |k| k.def.name.clone())
    }

    /// Position of `id` in labeling order.
    pub fn position(&self, id: KeypointId) -> Option<usize> {
        self.keypoints.iter().position(|k| k.id == id)
    }

    /// The symmetric partner of `id`, if it has one.
    pub fn partner(&self, id: KeypointId) -> Option<KeypointId> {
        self.symmetric.iter().find_map(|&(a, b)| {
            if a == id {
                Some(b)
            } else if b == id {
                Some(a)
            } else {
                None
            }
        })
    }
}

/// An edge or pair key with its ends in canonical order.
pub fn ordered_pair(a: KeypointId, b: KeypointId) -> (KeypointId, KeypointId) {
    if a <= b { (a, b) } else { (b, a) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_round_trip_through_hex() {
        for i in 0..20 {
            let c = Rgb::rainbow(i, 20);
            assert_eq!(Rgb::from_hex(&c.to_hex()), Some(c));
        }
        assert_eq!(Rgb::from_hex("#ff0080"), Some(Rgb([255, 0, 128])));
        assert_eq!(Rgb::from_hex("nope"), None);
        assert_ne!(Rgb::rainbow(0, 2), Rgb::rainbow(1, 2));
    }

    #[test]
    fn provenance_survives_its_stored_parts() {
        let all = [
            Provenance::Human,
            Provenance::Model {
                model: "m 1.0".into(),
            },
            Provenance::AcceptedSuggestion { model: "m".into() },
            Provenance::EditedSuggestion { model: "m".into() },
        ];
        for p in all {
            let back = Provenance::from_parts(p.kind(), p.model().map(str::to_owned));
            assert_eq!(back, Some(p));
        }
    }
}
