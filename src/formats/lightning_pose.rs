//! Lightning Pose: a DeepLabCut-style `CollectedData.csv` (header rows scorer,
//! bodyparts, coords; one index column with the image path relative to the data
//! folder) beside `labeled-data/<video>/<image>`. Lightning Pose is single-animal: the
//! first individual is written. Where any label is occluded, each bodypart gets a
//! `visible` column (1 or 0) after x and y; reading takes it where present.

use std::path::{Path, PathBuf};

use super::dlc_csv;
use super::dlc_project::folder_name;
use super::dlc_table::{DlcTable, RowIndex};
use super::error::FormatResult;
use super::frame_images::VideoAccess;
use super::frame_images::{frame_image_name, write_frame_images};
use super::report::ExportReport;
use crate::project::{IndividualId, LabelKey, ProjectState, Visibility};

/// The name of the label file.
pub const LABEL_FILE: &str = "CollectedData.csv";

/// The project's labeled frames as a Lightning Pose table, with each row's video and
/// frame.
pub fn to_table(
    state: &ProjectState,
    report: &mut ExportReport,
) -> (DlcTable, Vec<(usize, u64, String)>) {
    let scorer = state
        .settings
        .get(super::dlc_project::keys::SCORER)
        .cloned()
        .unwrap_or_else(|| "kinelab".into());
    let first = state.individuals.first().map(|i| i.id);
    let left_out = state
        .labels
        .keys()
        .filter(|k| Some(k.individual) != first && k.individual != IndividualId::NONE)
        .count();
    if left_out > 0 {
        *report
            .skipped
            .entry("labels of individuals after the first (Lightning Pose is single-animal)".into())
            .or_default() += left_out;
    }
    let with_visible = state
        .labels
        .values()
        .any(|l| l.visibility == Visibility::Occluded);
    let coords: &[&str] = if with_visible {
        &["x", "y", "visible"]
    } else {
        &["x", "y"]
    };
    let keypoints = &state.skeleton.keypoints;
    let columns = keypoints
        .iter()
        .flat_map(|k| {
            coords
                .iter()
                .map(|c| vec![scorer.clone(), k.def.name.clone(), (*c).to_owned()])
                .collect::<Vec<_>>()
        })
        .collect();
    let mut rows = Vec::new();
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (vi, v) in state.videos.iter().enumerate() {
        let folder = folder_name(v);
        for frame_idx in state.labeled_frames(v.id).collect::<Vec<_>>() {
            let Some(image) = frame_image_name(v, frame_idx) else {
                continue;
            };
            names.push(vec![format!("labeled-data/{folder}/{image}")]);
            rows.push((vi, frame_idx, image));
            for k in keypoints {
                let individual = if k.def.unique {
                    IndividualId::NONE
                } else {
                    first.unwrap_or(IndividualId::NONE)
                };
                let label = state.label(&LabelKey {
                    video: v.id,
                    frame_idx,
                    individual,
                    keypoint: k.id,
                });
                match label {
                    Some(l) if l.visibility != Visibility::Absent => {
                        values.extend([l.x, l.y]);
                        report.labels += 1;
                        if with_visible {
                            values.push(if l.visibility == Visibility::Occluded {
                                0.0
                            } else {
                                1.0
                            });
                        }
                    }
                    _ => values.extend(std::iter::repeat_n(f64::NAN, coords.len())),
                }
            }
        }
    }
    let table = DlcTable {
        level_names: ["scorer", "bodyparts", "coords"].map(String::from).to_vec(),
        columns,
        index: RowIndex::Paths(names),
        values,
    };
    (table, rows)
}

/// Writes `out_dir/CollectedData.csv` and the labeled frames under
/// `out_dir/labeled-data/<video>/`.
pub fn write(
    state: &ProjectState,
    project_dir: &Path,
    out_dir: &Path,
    videos: &dyn VideoAccess,
    on_progress: &mut dyn FnMut(usize, usize),
) -> FormatResult<ExportReport> {
    let mut report = ExportReport::default();
    let (table, rows) = to_table(state, &mut report);
    report.frames = rows.len();
    let total = rows.len();
    let mut done = 0;
    for (vi, v) in state.videos.iter().enumerate() {
        let dir = out_dir.join("labeled-data").join(folder_name(v));
        let targets: Vec<(u64, PathBuf)> = rows
            .iter()
            .filter(|(i, _, _)| *i == vi)
            .map(|(_, f, image)| (*f, dir.join(image)))
            .collect();
        write_frame_images(v, project_dir, &targets, videos, &mut report, &mut || {
            done += 1;
            on_progress(done, total);
        })?;
    }
    let csv = out_dir.join(LABEL_FILE);
    dlc_csv::write(&table, &csv)?;
    report.files.push(csv);
    Ok(report)
}
