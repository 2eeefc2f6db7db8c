//! Skeleton presets: the JSON files of `assets/skeletons/`, built into the binary so
//! they are there wherever it is installed.

use serde::Deserialize;

use super::document::NewProject;
use super::error::{ProjectError, ProjectResult};

/// A skeleton to start a project from.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct SkeletonPreset {
    /// The file's stem, used on the command line (`openfield-4`).
    #[serde(skip)]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub keypoints: Vec<String>,
    #[serde(default)]
    pub edges: Vec<[String; 2]>,
    #[serde(default)]
    pub symmetric: Vec<[String; 2]>,
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "openfield-4",
        include_str!("../../assets/skeletons/openfield-4.json"),
    ),
    (
        "mouse-topdown-11",
        include_str!("../../assets/skeletons/mouse-topdown-11.json"),
    ),
    ("fly-13", include_str!("../../assets/skeletons/fly-13.json")),
    (
        "coco-human-17",
        include_str!("../../assets/skeletons/coco-human-17.json"),
    ),
];

impl SkeletonPreset {
    /// Parses a preset from JSON; `id` names it in messages.
    pub fn from_json(id: &str, json: &str) -> ProjectResult<Self> {
        let mut preset: Self = serde_json::from_str(json)
            .map_err(|e| ProjectError::Invalid(format!("skeleton preset '{id}': {e}")))?;
        preset.id = id.to_owned();
        // Check the names once, so a broken preset fails here and not in a wizard.
        let mut probe = NewProject {
            name: preset.name.clone(),
            ..NewProject::default()
        };
        preset.fill(&mut probe);
        probe
            .to_state()
            .map_err(|e| ProjectError::Invalid(format!("skeleton preset '{id}': {e}")))?;
        Ok(preset)
    }

    /// Puts this skeleton into a new project's description.
    pub fn fill(&self, new: &mut NewProject) {
        new.keypoints = self.keypoints.clone();
        new.edges = self
            .edges
            .iter()
            .map(|[a, b]| (a.clone(), b.clone()))
            .collect();
        new.symmetric = self
            .symmetric
            .iter()
            .map(|[a, b]| (a.clone(), b.clone()))
            .collect();
    }
}

/// The presets that ship with Kinelab.
pub fn builtin_presets() -> Vec<SkeletonPreset> {
    BUILTIN
        .iter()
        .filter_map(|(id, json)| SkeletonPreset::from_json(id, json).ok())
        .collect()
}

/// A built-in preset by id.
pub fn builtin_preset(id: &str) -> Option<SkeletonPreset> {
    builtin_presets().into_iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_preset_is_valid() {
        for (id, json) in BUILTIN {
            let preset = SkeletonPreset::from_json(id, json).unwrap();
            assert!(!preset.keypoints.is_empty(), "{id}");
        }
        assert_eq!(builtin_presets().len(), BUILTIN.len());
        let coco = builtin_preset("coco-human-17").unwrap();
        assert_eq!(coco.keypoints.len(), 17);
        assert_eq!(coco.symmetric.len(), 8);
    }

    /// The name of the other side's keypoint: `left_ear` <-> `right_ear`,
    /// `wing_left` <-> `wing_right`, `forelegL` <-> `forelegR`; `None` for a keypoint
    /// on the midline.
    fn mirrored(name: &str) -> Option<String> {
        let lower = name.to_ascii_lowercase();
        for (from, to) in [("left", "right"), ("right", "left")] {
            if let Some(at) = lower.find(from) {
                return Some(format!("{}{to}{}", &name[..at], &name[at + from.len()..]));
            }
        }
        let (stem, side) = name.split_at(name.len().checked_sub(1)?);
        let lower_before = stem.chars().last().is_some_and(|c| c.is_ascii_lowercase());
        match side {
            "L" if lower_before => Some(format!("{stem}R")),
            "R" if lower_before => Some(format!("{stem}L")),
            _ => None,
        }
    }

    #[test]
    fn every_preset_pairs_its_left_and_right_keypoints() {
        assert_eq!(mirrored("left_hindpaw").as_deref(), Some("right_hindpaw"));
        assert_eq!(mirrored("wing_right").as_deref(), Some("wing_left"));
        assert_eq!(mirrored("forelegL").as_deref(), Some("forelegR"));
        assert_eq!(mirrored("tail_base"), None);
        for preset in builtin_presets() {
            for name in &preset.keypoints {
                let Some(other) = mirrored(name) else {
                    continue;
                };
                assert!(
                    preset.keypoints.contains(&other),
                    "preset {}: '{name}' has no '{other}'",
                    preset.id
                );
                let paired = preset
                    .symmetric
                    .iter()
                    .any(|[a, b]| (a == name && *b == other) || (*a == other && b == name));
                assert!(
                    paired,
                    "preset {}: '{name}' and '{other}' are not a symmetric pair",
                    preset.id
                );
            }
            let count_in_name = preset
                .name
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse::<usize>().ok())
                .next_back();
            if let Some(n) = count_in_name {
                assert_eq!(n, preset.keypoints.len(), "preset {}", preset.id);
            }
        }
    }

    #[test]
    fn a_preset_naming_an_unknown_keypoint_is_refused() {
        let json = r#"{"name": "x", "keypoints": ["a"], "edges": [["a", "b"]]}"#;
        let err = SkeletonPreset::from_json("broken", json).unwrap_err();
        assert!(err.to_string().contains("'b'"), "{err}");
    }
}
