//! DeepLabCut prediction files: `<video>DLC_<scorer>.h5` (pandas table format, key
//! `df_with_missing`) and `.csv`, every frame of the video a row, x, y and likelihood
//! per keypoint (and individual, for multi-animal projects). Labels a person placed get
//! likelihood 1; frames without a label are NaN.

use std::collections::BTreeMap;
use std::path::Path;

use super::dlc_csv;
use super::dlc_labels::project_columns;
use super::dlc_project::folder_name;
use super::dlc_table::{DlcTable, RowIndex};
use super::error::FormatResult;
use super::pandas_h5;
use super::report::ExportReport;
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

/// Writes `<video><scorer>.h5` and `.csv` for every video into `out_dir`; with
/// `h5_name`, the one video's `.h5` under that name (and its `.csv` beside it).
pub fn write(
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
