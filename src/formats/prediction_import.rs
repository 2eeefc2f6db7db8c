//! What an imported file gives a project: human labels, which become label rows, and a
//! model's predictions, which become a prediction set (columnar arrays, see
//! `project::predictions`). Readers that build label maps hand their model labels
//! here to be turned into arrays; the DeepLabCut reader builds arrays directly.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::report::ImportReport;
use crate::project::prediction_store::{InMemoryPredictions, PredictionWriter};
use crate::project::predictions::{
    PredictionArrays, PredictionSet, PredictionShape, PredictionVideo, frame_summary,
};
use crate::project::{
    IndividualId, KeypointId, Label, LabelKey, PredictionSetDef, PredictionSetId, Project,
    ProjectState, Provenance, VideoId,
};

/// Predictions read from a file: one set, with arrays per video.
#[derive(Clone, Debug)]
pub struct ImportedPredictions {
    pub def: PredictionSetDef,
    pub videos: Vec<(VideoId, PredictionArrays)>,
}

impl ImportedPredictions {
    pub fn point_count(&self) -> usize {
        self.videos.iter().map(|(_, a)| a.point_count()).sum()
    }

    pub fn frames_with_points(&self) -> usize {
        self.videos
            .iter()
            .map(|(_, a)| a.frames_with_points())
            .sum()
    }
}

/// What a file gives a project.
#[derive(Clone, Debug, Default)]
pub struct ImportedFile {
    /// Labels to add as rows (people's, or a model's that a person reviewed).
    pub labels: BTreeMap<LabelKey, Label>,
    /// A model's predictions, as a new prediction set.
    pub predictions: Option<ImportedPredictions>,
    pub report: ImportReport,
}

/// The set's description for predictions read from `path` by `scorer`.
pub fn set_def(path: &Path, scorer: &str) -> PredictionSetDef {
    PredictionSetDef {
        name: path.file_stem().map_or_else(
            || "predictions".into(),
            |s| s.to_string_lossy().into_owned(),
        ),
        source: path.display().to_string(),
        scorer: scorer.to_owned(),
        created_unix_secs: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64()),
    }
}

/// The shape arrays need to hold `points` of one video: the individuals and keypoints
/// they use, in project order, over the video's frames (or as many as they reach).
pub fn shape_for(
    state: &ProjectState,
    video: VideoId,
    points: impl Iterator<Item = (IndividualId, KeypointId, u64)>,
) -> PredictionShape {
    let mut individuals = BTreeSet::new();
    let mut keypoints = BTreeSet::new();
    let mut last_frame = 0;
    for (i, k, f) in points {
        individuals.insert(i);
        keypoints.insert(k);
        last_frame = last_frame.max(f);
    }
    let order_i = |i: &IndividualId| {
        state
            .individuals
            .iter()
            .position(|x| x.id == *i)
            .map_or(-1, |p| p as i64)
    };
    let order_k = |k: &KeypointId| {
        state
            .skeleton
            .keypoints
            .iter()
            .position(|x| x.id == *k)
            .unwrap_or(usize::MAX)
    };
    let mut individuals: Vec<IndividualId> = individuals.into_iter().collect();
    individuals.sort_by_key(order_i);
    let mut keypoints: Vec<KeypointId> = keypoints.into_iter().collect();
    keypoints.sort_by_key(order_k);
    let frame_count = state
        .video(video)
        .map_or(0, |v| v.def.frame_count)
        .max(last_frame + 1);
    PredictionShape {
        individuals,
        keypoints,
        frame_count,
    }
}

/// A model's labels as the arrays of a prediction set named after `path`.
fn predictions_of(
    state: &ProjectState,
    path: &Path,
    model: &BTreeMap<LabelKey, Label>,
) -> ImportedPredictions {
    let scorer = model
        .values()
        .find_map(|l| l.provenance.model().map(str::to_owned))
        .unwrap_or_default();
    let videos: BTreeSet<VideoId> = model.keys().map(|k| k.video).collect();
    let videos = videos
        .into_iter()
        .map(|video| {
            let of_video = || model.iter().filter(move |(k, _)| k.video == video);
            let shape = shape_for(
                state,
                video,
                of_video().map(|(k, _)| (k.individual, k.keypoint, k.frame_idx)),
            );
            let mut arrays = PredictionArrays::empty(shape.clone());
            for (k, l) in of_video() {
                if let Some(slot) = shape.slot(k.individual, k.keypoint) {
                    let score = l.score.map_or(f32::NAN, |s| s as f32);
                    arrays.set(k.frame_idx, slot, [l.x as f32, l.y as f32, score]);
                }
            }
            (video, arrays)
        })
        .collect();
    ImportedPredictions {
        def: set_def(path, &scorer),
        videos,
    }
}

/// Moves a model's labels out of a project read from another tool's files (a `.slp`
/// with predicted instances) into a prediction set of the state, present, and returns
/// its arrays (to write into the sidecar project, or to export from memory).
pub fn take_model_labels(state: &mut ProjectState, source: &Path) -> InMemoryPredictions {
    let labels = std::mem::take(&mut state.labels);
    let (model, human): (BTreeMap<_, _>, BTreeMap<_, _>) = labels
        .into_iter()
        .partition(|(_, l)| matches!(l.provenance, Provenance::Model { .. }));
    state.labels = human;
    state.rebuild_frame_counts();
    let mut memory = InMemoryPredictions::default();
    if model.is_empty() {
        return memory;
    }
    let predictions = predictions_of(state, source, &model);
    let id = PredictionSetId(
        state
            .prediction_sets
            .keys()
            .next_back()
            .map_or(1, |last| last.0 + 1),
    );
    let videos = predictions
        .videos
        .iter()
        .map(|(video, arrays)| PredictionVideo {
            video: *video,
            shape: arrays.shape.clone(),
            summary: (0..arrays.shape.frame_count)
                .flat_map(|f| frame_summary(&arrays.shape, arrays.frame(f)))
                .collect(),
        })
        .collect();
    state.prediction_sets.insert(
        id,
        PredictionSet {
            id,
            def: predictions.def,
            present: true,
            videos,
        },
    );
    for (video, arrays) in predictions.videos {
        memory.0.insert((id, video), arrays);
    }
    memory
}

/// Splits a reader's labels: those a model made and no person reviewed (provenance
/// `Model`) become the arrays of a prediction set named after `path`; the others stay
/// labels. The report's counts are of what each part holds.
pub fn split_predictions(
    state: &ProjectState,
    path: &Path,
    labels: BTreeMap<LabelKey, Label>,
    mut report: ImportReport,
) -> ImportedFile {
    let (model, human): (BTreeMap<_, _>, BTreeMap<_, _>) = labels
        .into_iter()
        .partition(|(_, l)| matches!(l.provenance, Provenance::Model { .. }));
    report.labels = human.len();
    report.frames = human
        .keys()
        .map(|k| (k.video, k.frame_idx))
        .collect::<BTreeSet<_>>()
        .len();
    let predictions = (!model.is_empty()).then(|| predictions_of(state, path, &model));
    if let Some(p) = &predictions {
        report.predicted_points = p.point_count();
        report.predicted_frames = p.frames_with_points();
    }
    ImportedFile {
        labels: human,
        predictions,
        report,
    }
}

/// The name of an import's edit: "import annotations.json".
pub fn import_description(file: &Path) -> String {
    let name = file
        .file_name()
        .map_or_else(|| "labels".into(), |n| n.to_string_lossy());
    format!("import {name}")
}

/// Writes an imported file's predictions, if it has any, into the project file at
/// `project_path` as a hidden set (on the calling thread: an import's worker);
/// `add_to_project` then adds it. `on_progress(done, total)` counts chunks.
pub fn write_predictions(
    project_path: &Path,
    imported: &ImportedFile,
    on_progress: &mut dyn FnMut(u64, u64),
) -> crate::project::ProjectResult<Option<PredictionSetId>> {
    let Some(predictions) = &imported.predictions else {
        return Ok(None);
    };
    let mut writer = PredictionWriter::open(project_path)?;
    writer
        .write_set(&predictions.def, &predictions.videos, false, on_progress)
        .map(Some)
}

/// Adds what `file` gave (its labels, and the set `write_predictions` wrote) to the
/// project as one undoable edit. The label edit is made against the project as it is
/// now, so an import read on a worker never undoes what a person did meanwhile.
/// Returns false when the file brings nothing new.
pub fn add_to_project(
    project: &mut Project,
    file: &Path,
    labels: BTreeMap<LabelKey, Label>,
    set: Option<PredictionSetId>,
) -> crate::project::ProjectResult<bool> {
    let description = import_description(file);
    let labels = crate::project::edits::set_labels(project.state(), labels, description.clone());
    project.add_import(description, labels, set)
}

/// The keypoints, skeleton edges and individuals a predictions file names: what a
/// project for it alone needs (`kinelab render VIDEO --predictions FILE`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileLayout {
    pub keypoints: Vec<String>,
    pub edges: Vec<(String, String)>,
    pub individuals: Vec<String>,
}

/// The layout of a DeepLabCut prediction file (`.h5` or `.csv`: its bodyparts and
/// individuals columns) or a SLEAP analysis file (its nodes, edges and tracks).
pub fn layout_of_file(path: &Path) -> super::FormatResult<FileLayout> {
    fn unique_in_order(values: impl Iterator<Item = String>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in values {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let is_h5 = matches!(ext.as_deref(), Some("h5" | "hdf5"));
    if is_h5 && super::is_sleap_analysis(path) {
        let a = super::sleap_analysis::read(path)?;
        let name = |i: i32| a.node_names.get(i as usize).cloned();
        let edges = a
            .edge_inds
            .iter()
            .filter_map(|[x, y]| Some((name(*x)?, name(*y)?)))
            .filter(|(x, y)| x != y)
            .collect();
        let individuals = if a.track_names.is_empty() {
            vec!["track_0".to_owned()]
        } else {
            unique_in_order(a.track_names.iter().cloned())
        };
        return Ok(FileLayout {
            keypoints: unique_in_order(a.node_names.iter().cloned()),
            edges,
            individuals,
        });
    }
    if !(is_h5 || ext.as_deref() == Some("csv")) {
        return Err(super::FormatError::invalid(
            path,
            "is not a DeepLabCut prediction file (.h5, .csv) or a SLEAP analysis file \
             (.h5): for other files, import them into a project and render with --project",
        ));
    }
    let table = super::dlc_project::read_label_file(path)?;
    let level_values = |name: &str| {
        table
            .level(name)
            .map(|l| unique_in_order(table.columns.iter().map(|c| c[l].clone())))
    };
    let keypoints = level_values("bodyparts").unwrap_or_default();
    if keypoints.is_empty() {
        return Err(super::FormatError::invalid(path, "names no bodyparts"));
    }
    Ok(FileLayout {
        keypoints,
        edges: Vec::new(),
        individuals: level_values("individuals").unwrap_or_else(|| vec!["animal".to_owned()]),
    })
}

/// Every present set with each of its videos: what a predictions export writes, one
/// file each. `file_name` (one file asked for by name) fits only a single pair.
pub fn set_videos<'s>(
    state: &'s ProjectState,
    out_dir: &Path,
    file_name: Option<&str>,
) -> super::FormatResult<Vec<(&'s PredictionSet, &'s crate::project::Video)>> {
    let pairs: Vec<_> = state
        .present_prediction_sets()
        .flat_map(|set| {
            set.videos
                .iter()
                .filter_map(move |pv| Some((set, state.video(pv.video)?)))
        })
        .collect();
    if let (Some(name), true) = (file_name, pairs.len() != 1) {
        return Err(super::FormatError::invalid(
            &out_dir.join(name),
            format!(
                "names one file, but the project has {} predictions of a video, each its own file: give a folder",
                pairs.len()
            ),
        ));
    }
    Ok(pairs)
}
