//! DeepLabCut prediction files: `<video>DLC_<scorer>.h5` (pandas table format, key
//! `df_with_missing`) and `.csv`, every frame of the video a row, x, y and likelihood
//! per keypoint (and individual, for multi-animal projects). Each prediction set is
//! written with every value it holds; a project without sets writes its labels, those
//! a person placed with likelihood 1. Frames without a point are NaN.

use std::collections::BTreeMap;
use std::path::Path;

use super::dlc_csv;
use super::dlc_labels::project_columns;
use super::dlc_project::folder_name;
use super::dlc_table::{DlcTable, RowIndex};
use super::error::{FormatError, FormatResult};
use super::pandas_h5;
use super::report::ExportReport;
use crate::project::prediction_store::PredictionSource;
use crate::project::predictions::{PredictionArrays, PredictionSet};
use crate::project::{LabelKey, ProjectState, Provenance, Video, Visibility};

/// The scorer written: the model most labels came from (when it is a DeepLabCut name),
/// else `DLC_kinelab`.
pub fn scorer_of(state: &ProjectState) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for l in state.labels.values() {
        if let Provenance::Model { model } = &l.provenance {
            *counts.entry(model.as_str()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(_, n)| n)
        .map(|(m, _)| m)
        .filter(|m| m.starts_with("DLC"))
        .map_or_else(|| "DLC_kinelab".to_owned(), str::to_owned)
}

/// The prediction frame of one video.
pub fn table_for_video(
    state: &ProjectState,
    v: &Video,
    scorer: &str,
    report: &mut ExportReport,
) -> DlcTable {
    let multi_animal =
        state.individuals.len() > 1 || state.skeleton.keypoints.iter().any(|k| k.def.unique);
    let (level_names, owners) = project_columns(state, scorer, multi_animal);
    let mut columns = Vec::with_capacity(owners.len() * 3);
    for (_, _, x, y) in &owners {
        columns.push(x.clone());
        columns.push(y.clone());
        let mut l = x.clone();
        if let Some(last) = l.last_mut() {
            *last = "likelihood".into();
        }
        columns.push(l);
    }
    let n_frames = v.def.frame_count;
    let mut values = Vec::with_capacity(n_frames as usize * columns.len());
    for frame_idx in 0..n_frames {
        for (individual, keypoint, _, _) in &owners {
            let key = LabelKey {
                video: v.id,
                frame_idx,
                individual: *individual,
                keypoint: *keypoint,
            };
            match state.label(&key) {
                Some(l) if l.visibility != Visibility::Absent => {
                    values.extend([l.x, l.y, l.score.unwrap_or(1.0)]);
                    report.labels += 1;
                }
                _ => values.extend([f64::NAN; 3]),
            }
        }
    }
    report.frames += state.labeled_frames(v.id).count();
    DlcTable {
        level_names,
        columns,
        index: RowIndex::Frames((0..n_frames as i64).collect()),
        values,
    }
}

/// The prediction frame of one video's arrays in a set: the project's columns, each
/// point's x, y and score where the set has it.
pub fn table_for_arrays(
    state: &ProjectState,
    arrays: &PredictionArrays,
    scorer: &str,
    report: &mut ExportReport,
) -> DlcTable {
    let shape = &arrays.shape;
    let multi_animal = shape.individuals.len() > 1
        || state.individuals.len() > 1
        || state.skeleton.keypoints.iter().any(|k| k.def.unique);
    let (level_names, owners) = project_columns(state, scorer, multi_animal);
    let mut columns = Vec::with_capacity(owners.len() * 3);
    for (_, _, x, _) in &owners {
        for coord in ["x", "y", "likelihood"] {
            let mut c = x.clone();
            if let Some(last) = c.last_mut() {
                *last = coord.into();
            }
            columns.push(c);
        }
    }
    let slots: Vec<Option<usize>> = owners
        .iter()
        .map(|(individual, keypoint, _, _)| shape.slot(*individual, *keypoint))
        .collect();
    let n_frames = shape.frame_count;
    let mut values = Vec::with_capacity(n_frames as usize * columns.len());
    for frame_idx in 0..n_frames {
        let frame = arrays.frame(frame_idx);
        let mut any = false;
        for slot in &slots {
            match slot.and_then(|s| frame.get(s..s + 3)) {
                Some(p) if !p[0].is_nan() => {
                    values.extend(p.iter().map(|&v| f64::from(v)));
                    report.labels += 1;
                    any = true;
                }
                _ => values.extend([f64::NAN; 3]),
            }
        }
        report.frames += usize::from(any);
    }
    DlcTable {
        level_names,
        columns,
        index: RowIndex::Frames((0..n_frames as i64).collect()),
        values,
    }
}

/// The file stem of a set's predictions for a video: the set's own name where it is
/// already a DeepLabCut prediction file's (`<video>DLC_...`), else
/// `<video>DLC_<scorer>`.
fn set_file_stem(set: &PredictionSet, video: &Video) -> String {
    let folder = folder_name(video);
    if set.def.name.starts_with(&format!("{folder}DLC")) {
        set.def.name.clone()
    } else {
        let scorer = if set.def.scorer.starts_with("DLC") {
            set.def.scorer.clone()
        } else {
            format!("DLC_{}", set.def.name)
        };
        format!("{folder}{scorer}")
    }
}

/// Writes each prediction set's `.h5` and `.csv` per video into `out_dir` (a project
/// without sets: its labels); with `h5_name`, the one file under that name (and its
/// `.csv` beside it).
pub fn write(
    state: &ProjectState,
    out_dir: &Path,
    h5_name: Option<&str>,
    predictions: &dyn PredictionSource,
    on_progress: &mut dyn FnMut(usize, usize),
) -> FormatResult<ExportReport> {
    if state.present_prediction_sets().next().is_none() {
        return write_labels(state, out_dir, h5_name, on_progress);
    }
    let pairs = super::prediction_import::set_videos(state, out_dir, h5_name)?;
    let mut report = ExportReport::default();
    let mut stems = std::collections::BTreeSet::new();
    for (i, (set, video)) in pairs.iter().enumerate() {
        let arrays = predictions
            .arrays(set, video.id)
            .map_err(|e| FormatError::invalid(&out_dir.join(&set.def.name), e.to_string()))?;
        let scorer = if set.def.scorer.is_empty() {
            "DLC_kinelab"
        } else {
            &set.def.scorer
        };
        let table = table_for_arrays(state, &arrays, scorer, &mut report);
        let mut stem = match h5_name {
            Some(name) => name.rsplit_once('.').map_or(name, |(s, _)| s).to_owned(),
            None => set_file_stem(set, video),
        };
        if !stems.insert(stem.clone()) {
            stem = format!("{stem}_{}", set.id.0);
            stems.insert(stem.clone());
        }
        let h5 = out_dir.join(format!("{stem}.h5"));
        let csv = out_dir.join(format!("{stem}.csv"));
        pandas_h5::write_table(&table, &h5, pandas_h5::DLC_KEY)?;
        dlc_csv::write(&table, &csv)?;
        report.files.extend([h5, csv]);
        on_progress(i + 1, pairs.len());
    }
    Ok(report)
}

/// Writes `<video><scorer>.h5` and `.csv` of the project's labels for every video.
fn write_labels(
    state: &ProjectState,
    out_dir: &Path,
    h5_name: Option<&str>,
    on_progress: &mut dyn FnMut(usize, usize),
) -> FormatResult<ExportReport> {
    let mut report = ExportReport::default();
    let scorer = scorer_of(state);
    let chosen = super::videos_to_write(state, out_dir, h5_name)?;
    for (i, v) in chosen.iter().enumerate() {
        let table = table_for_video(state, v, &scorer, &mut report);
        let stem = match h5_name {
            Some(name) => name
                .rsplit_once('.')
                .map_or(name, |(stem, _)| stem)
                .to_owned(),
            None => format!("{}{scorer}", folder_name(v)),
        };
        let h5 = out_dir.join(format!("{stem}.h5"));
        let csv = out_dir.join(format!("{stem}.csv"));
        pandas_h5::write_table(&table, &h5, pandas_h5::DLC_KEY)?;
        dlc_csv::write(&table, &csv)?;
        report.files.extend([h5, csv]);
        on_progress(i + 1, chosen.len());
    }
    Ok(report)
}
