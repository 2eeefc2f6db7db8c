//! DeepLabCut's `config.yaml`: the keys Kinelab reads, and edits that rewrite only the
//! keys they change, so every other key, comment and blank line stays as it was.

use std::path::{Path, PathBuf};

use serde_norway::{Mapping, Value};

use super::error::{FormatError, FormatResult};
use crate::util::atomic_file::write_atomically;

/// What Kinelab takes from a DeepLabCut project's config.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DlcConfig {
    /// The project folder (the config's folder).
    pub dir: PathBuf,
    pub task: String,
    pub scorer: String,
    pub multi_animal: bool,
    /// Single-animal: `bodyparts`. Multi-animal: `multianimalbodyparts`.
    pub bodyparts: Vec<String>,
    /// Multi-animal only: keypoints labeled once per frame (`uniquebodyparts`).
    pub unique_bodyparts: Vec<String>,
    /// Multi-animal only.
    pub individuals: Vec<String>,
    pub skeleton: Vec<(String, String)>,
    /// The video paths of `video_sets`, as written (often absolute, from another machine).
    pub videos: Vec<String>,
    pub pcutoff: Option<f64>,
    pub dotsize: Option<f64>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar_text).collect(),
        _ => Vec::new(),
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads `config.yaml` (or the folder holding it).
pub fn read(path: &Path) -> FormatResult<DlcConfig> {
    let path = if path.is_dir() {
        path.join("config.yaml")
    } else {
        path.to_owned()
    };
    let text = std::fs::read_to_string(&path).map_err(|e| FormatError::io(&path, e))?;
    parse(&path, &text)
}

/// Parses config text; `path` names the file in errors and gives the project folder.
pub fn parse(path: &Path, text: &str) -> FormatResult<DlcConfig> {
    let value: Value = serde_norway::from_str(text).map_err(|e| {
        let row = e.location().map_or(0, |l| l.line());
        FormatError::row(path, row, format!("not valid YAML: {e}"))
    })?;
    let Value::Mapping(map) = value else {
        return Err(FormatError::invalid(
            path,
            "not a DeepLabCut config (the top level is not a mapping)",
        ));
    };
    let get = |k: &str| map.get(Value::String(k.into()));
    let multi_animal = matches!(get("multianimalproject"), Some(Value::Bool(true)));
    let (bodyparts, unique_bodyparts, individuals) = if multi_animal {
        (
            strings(get("multianimalbodyparts")),
            strings(get("uniquebodyparts")),
            strings(get("individuals")),
        )
    } else {
        (strings(get("bodyparts")), Vec::new(), Vec::new())
    };
    if bodyparts.is_empty() && unique_bodyparts.is_empty() {
        let key = if multi_animal {
            "multianimalbodyparts"
        } else {
            "bodyparts"
        };
        return Err(FormatError::invalid(
            path,
            format!("'{key}' lists no bodyparts: not a DeepLabCut config?"),
        ));
    }
    let skeleton = match get("skeleton") {
        Some(Value::Sequence(edges)) => edges
            .iter()
            .filter_map(|e| match strings(Some(e)).as_slice() {
                [a, b] => Some((a.clone(), b.clone())),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let videos = match get("video_sets") {
        Some(Value::Mapping(sets)) => sets.keys().filter_map(scalar_text).collect(),
        _ => Vec::new(),
    };
    let number = |k: &str| match get(k) {
        Some(Value::Number(n)) => n.as_f64(),
        _ => None,
    };
    Ok(DlcConfig {
        dir: path.parent().map(Path::to_owned).unwrap_or_default(),
        task: get("Task").and_then(scalar_text).unwrap_or_default(),
        scorer: get("scorer")
            .and_then(scalar_text)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| FormatError::invalid(path, "'scorer' is missing"))?,
        multi_animal,
        bodyparts,
        unique_bodyparts,
        individuals,
        skeleton,
        videos,
        pcutoff: number("pcutoff"),
        dotsize: number("dotsize"),
    })
}

/// `text` with the top-level `key: ...` blocks replaced by `updates` (appended where
/// missing). Everything else (other keys, comments, blank lines) is kept byte for byte.
pub fn with_keys_replaced(text: &str, updates: &[(&str, Value)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for (key, value) in updates {
        let mut one = Mapping::new();
        one.insert(Value::String((*key).into()), value.clone());
        let block = serde_norway::to_string(&Value::Mapping(one)).unwrap_or_default();
        let block: Vec<String> = block.lines().map(str::to_owned).collect();
        let prefix = format!("{key}:");
        let start = lines.iter().position(|l| {
            l.strip_prefix(&prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        });
        match start {
            Some(start) => {
                // The block goes on while lines are indented or list items.
                let end = lines[start + 1..]
                    .iter()
                    .position(|l| {
                        !(l.starts_with([' ', '\t']) || l.starts_with('-')) || l.trim().is_empty()
                    })
                    .map_or(lines.len(), |n| start + 1 + n);
                lines.splice(start..end, block);
            }
            None => lines.extend(block),
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Writes `text` (the config's current text, or a new one) with its `updates` keys
/// replaced to `path`, atomically, keeping every other line; a file that already holds
/// the result is left alone.
pub fn write_with_keys_replaced(
    path: &Path,
    text: &str,
    updates: &[(&str, Value)],
) -> FormatResult<()> {
    let new_text = with_keys_replaced(text, updates);
    // Refuse to write what would not read back.
    serde_norway::from_str::<Value>(&new_text)
        .map_err(|e| FormatError::invalid(path, format!("the edited config is not YAML: {e}")))?;
    write_atomically(path, |w| w.write_all(new_text.as_bytes()))
        .map(drop)
        .map_err(|e| FormatError::io(path, e))
}

/// The text of a new `config.yaml`, laid out as DeepLabCut's `create_new_project`
/// writes it, with its defaults (training fraction, network, plotting), so that
/// DeepLabCut's own pipeline (`create_training_dataset`, training, analysis) runs on
/// it. The skeleton, bodyparts, individuals and `video_sets` keys are left empty for
/// [`with_keys_replaced`] to fill.
pub fn new_config_text(
    task: &str,
    scorer: &str,
    project_path: &Path,
    multi_animal: bool,
) -> String {
    let quoted = |s: &str| {
        serde_norway::to_string(&Value::String(s.to_owned()))
            .map_or_else(|_| format!("'{s}'"), |t| t.trim_end().to_owned())
    };
    let (individuals, net, augmenter, track) = if multi_animal {
        (
            "individuals:\nuniquebodyparts:\nmultianimalbodyparts:\n",
            "dlcrnet_ms5",
            "multi-animal-imgaug",
            "default_track_method: ellipse\n",
        )
    } else {
        ("", "resnet_50", "default", "")
    };
    format!(
        "# Project definitions (do not edit)
Task: {task}
scorer: {scorer}
date: ''
multianimalproject: {multi_animal}
identity:


# Project path (change when moving around)
project_path: {path}


# Default DeepLabCut engine to use for shuffle creation (either pytorch or tensorflow)
engine: pytorch


# Annotation data set configuration (and individual video cropping parameters)
video_sets:
{individuals}bodyparts:


# Fraction of video to start/stop when extracting frames for labeling/refinement
start: 0
stop: 1
numframes2pick: 20


# Plotting configuration
skeleton:
skeleton_color: black
pcutoff: 0.6
dotsize: 12
alphavalue: 0.7
colormap: rainbow


# Training,Evaluation and Analysis configuration
TrainingFraction:
- 0.95
iteration: 0
default_net_type: {net}
default_augmenter: {augmenter}
{track}snapshotindex: -1
detector_snapshotindex: -1
batch_size: 8
detector_batch_size: 1


# Cropping Parameters (for analysis and outlier frame detection)
cropping: false
#if cropping is true for analysis, then set the values here:
x1: 0
x2: 640
y1: 277
y2: 624


# Refinement configuration (parameters from annotation dataset configuration also relevant in this stage)
corner2move2:
- 50
- 50
move2corner: true
",
        task = quoted(task),
        scorer = quoted(scorer),
        path = quoted(&project_path.display().to_string()),
    )
}

/// The `video_sets` entries of a config as written (path -> its settings), in order.
pub fn video_sets(path: &Path) -> FormatResult<Mapping> {
    let text = std::fs::read_to_string(path).map_err(|e| FormatError::io(path, e))?;
    let value: Value = serde_norway::from_str(&text)
        .map_err(|e| FormatError::invalid(path, format!("not valid YAML: {e}")))?;
    Ok(match value.get("video_sets") {
        Some(Value::Mapping(sets)) => sets.clone(),
        _ => Mapping::new(),
    })
}

/// The labeled-data folder name that DeepLabCut derives from a `video_sets` key: the
/// file stem, with either slash as the separator (as its `_robust_path_split` does).
pub fn video_set_stem(key: &str) -> String {
    let file = key.rsplit(['/', '\\']).next().unwrap_or(key);
    match file.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
        _ => file.to_owned(),
    }
}

/// One `video_sets` entry's settings: the whole frame as the crop, as DeepLabCut
/// writes it for a video added uncropped.
pub fn video_set_entry(width: u32, height: u32) -> Value {
    let mut entry = Mapping::new();
    entry.insert(
        Value::String("crop".into()),
        Value::String(format!("0, {width}, 0, {height}")),
    );
    Value::Mapping(entry)
}

/// A YAML list of strings.
pub fn string_list(items: &[String]) -> Value {
    Value::Sequence(items.iter().map(|s| Value::String(s.clone())).collect())
}

/// A YAML list of two-item lists (the skeleton's edges).
pub fn pair_list(pairs: &[(String, String)]) -> Value {
    Value::Sequence(
        pairs
            .iter()
            .map(|(a, b)| string_list(&[a.clone(), b.clone()]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "# Project definitions (do not edit)
Task: openfield
scorer: Pranav
multianimalproject:

bodyparts:
- snout
- tailbase


# Plotting configuration
skeleton: []
pcutoff: 0.4
dotsize: 8
";

    #[test]
    fn reads_the_keys_kinelab_uses() {
        let c = parse(Path::new("/p/config.yaml"), CONFIG).unwrap();
        assert_eq!(c.scorer, "Pranav");
        assert!(!c.multi_animal);
        assert_eq!(c.bodyparts, ["snout", "tailbase"]);
        assert_eq!(c.pcutoff, Some(0.4));
        assert_eq!(c.dotsize, Some(8.0));
        assert_eq!(c.dir, Path::new("/p"));
    }

    #[test]
    fn edits_keep_every_other_line() {
        let out = with_keys_replaced(
            CONFIG,
            &[
                ("bodyparts", string_list(&["snout".into(), "ear".into()])),
                ("skeleton", pair_list(&[("snout".into(), "ear".into())])),
                ("newkey", Value::Bool(true)),
            ],
        );
        assert!(out.starts_with("# Project definitions (do not edit)\nTask: openfield\n"));
        assert!(
            out.contains("bodyparts:\n- snout\n- ear\n\n\n# Plotting configuration\n"),
            "{out}"
        );
        assert!(
            out.contains("skeleton:\n- - snout\n  - ear\npcutoff: 0.4\n"),
            "{out}"
        );
        assert!(out.ends_with("newkey: true\n"), "{out}");
        let c = parse(Path::new("c.yaml"), &out).unwrap();
        assert_eq!(c.skeleton, [("snout".to_string(), "ear".to_string())]);
    }

    #[test]
    fn bad_configs_are_named() {
        let err = parse(Path::new("config.yaml"), "a: [1,\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("config.yaml, row"), "{err}");
        let err = parse(Path::new("config.yaml"), "scorer: x\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no bodyparts"), "{err}");
    }
}
