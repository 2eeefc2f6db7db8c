//! DeepLabCut label frames and the project's labels: which column is which keypoint and
//! individual, which row is which video frame, and back.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::dlc_table::{DlcTable, RowIndex};
use super::report::ImportReport;
use crate::project::predictions::PredictionArrays;
use crate::project::{
    IndividualId, KeypointId, Label, LabelKey, ProjectState, Provenance, VideoId, Visibility,
};

/// The individual name DeepLabCut gives unique bodyparts' columns.
pub const UNIQUE_INDIVIDUAL: &str = "single";

/// Which columns hold x and y (and likelihood, and Lightning Pose's `visible`) of one
/// keypoint of one individual.
struct ColumnGroup {
    individual: IndividualId,
    keypoint: KeypointId,
    x: usize,
    y: usize,
    likelihood: Option<usize>,
    visible: Option<usize>,
}

/// Maps the table's columns to keypoints and individuals of `state`. Columns that name
/// something the project lacks are reported and left out.
fn column_groups(
    table: &DlcTable,
    state: &ProjectState,
    report: &mut ImportReport,
) -> Vec<ColumnGroup> {
    let bodypart_level = table
        .level("bodyparts")
        .unwrap_or(table.level_names.len().saturating_sub(2));
    let coord_level = table
        .level("coords")
        .unwrap_or(table.level_names.len().saturating_sub(1));
    let individual_level = table.level("individuals");
    let mut by_owner: BTreeMap<(String, String), HashMap<String, usize>> = BTreeMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    for (c, col) in table.columns.iter().enumerate() {
        let individual = individual_level.map(|l| col[l].clone()).unwrap_or_default();
        let owner = (individual, col[bodypart_level].clone());
        if !by_owner.contains_key(&owner) {
            order.push(owner.clone());
        }
        by_owner
            .entry(owner)
            .or_default()
            .insert(col[coord_level].clone(), c);
    }
    let rows_with_values = |cols: &[usize]| {
        (0..table.n_rows())
            .filter(|&r| cols.iter().any(|&c| !table.row(r)[c].is_nan()))
            .count()
    };
    let first_individual = state.individuals.first().map(|i| i.id);
    let mut groups = Vec::new();
    for owner in order {
        let coords = &by_owner[&owner];
        let (individual_name, bodypart) = &owner;
        let all: Vec<usize> = coords.values().copied().collect();
        let (Some(&x), Some(&y)) = (coords.get("x"), coords.get("y")) else {
            report.skip(
                format!("bodypart '{bodypart}' has no x and y columns"),
                rows_with_values(&all),
            );
            continue;
        };
        let Some(keypoint) = state.skeleton.by_name(bodypart) else {
            report.skip(
                format!("bodypart '{bodypart}' is not in the skeleton"),
                rows_with_values(&all),
            );
            continue;
        };
        let individual = if keypoint.def.unique {
            IndividualId::NONE
        } else if individual_level.is_none() || individual_name == UNIQUE_INDIVIDUAL {
            match first_individual {
                Some(id) if individual_level.is_none() => id,
                _ => {
                    report.skip(
                        format!(
                            "bodypart '{bodypart}' is listed as unique but is not a unique bodypart"
                        ),
                        rows_with_values(&all),
                    );
                    continue;
                }
            }
        } else {
            match state.individual_by_name(individual_name) {
                Some(i) => i.id,
                None => {
                    report.skip(
                        format!("individual '{individual_name}' is not in the project"),
                        rows_with_values(&all),
                    );
                    continue;
                }
            }
        };
        groups.push(ColumnGroup {
            individual,
            keypoint: keypoint.id,
            x,
            y,
            likelihood: coords.get("likelihood").copied(),
            visible: coords.get("visible").copied(),
        });
    }
    groups
}

/// The labels that `table` holds. `frame_of_row` places each row on a video frame
/// (`Err(reason)` skips the row with that reason). Labels get `provenance`; a
/// likelihood column, where there is one, is ignored for labels; a `visible` column of 0
/// makes the label occluded.
pub fn labels_from_table(
    table: &DlcTable,
    state: &ProjectState,
    provenance: &Provenance,
    mut frame_of_row: impl FnMut(usize) -> Result<(VideoId, u64), String>,
    report: &mut ImportReport,
) -> BTreeMap<LabelKey, Label> {
    let groups = column_groups(table, state, report);
    let mut labels = BTreeMap::new();
    let mut frames = BTreeSet::new();
    for r in 0..table.n_rows() {
        let row = table.row(r);
        let (video, frame_idx) = match frame_of_row(r) {
            Ok(place) => place,
            Err(reason) => {
                report.skip(reason, 1);
                continue;
            }
        };
        frames.insert((video, frame_idx));
        for g in &groups {
            let (x, y) = (row[g.x], row[g.y]);
            if x.is_nan() || y.is_nan() {
                continue;
            }
            let _ = g.likelihood;
            let occluded = g.visible.is_some_and(|c| row[c] == 0.0);
            labels.insert(
                LabelKey {
                    video,
                    frame_idx,
                    individual: g.individual,
                    keypoint: g.keypoint,
                },
                Label {
                    x,
                    y,
                    visibility: if occluded {
                        Visibility::Occluded
                    } else {
                        Visibility::Visible
                    },
                    provenance: provenance.clone(),
                    score: g.likelihood.map(|c| row[c]).filter(|s| !s.is_nan()),
                },
            );
        }
    }
    report.frames += frames.len();
    report.labels += labels.len();
    labels
}

/// The predictions that `table` holds (a file with likelihood columns), straight into
/// arrays, one per video: no label per point is ever made, so an hour of a video's
/// predictions reads in about the time the file takes to parse. `frame_of_row` places
/// each row as for `labels_from_table`.
pub fn predictions_from_table(
    table: &DlcTable,
    state: &ProjectState,
    mut frame_of_row: impl FnMut(usize) -> Result<(VideoId, u64), String>,
    report: &mut ImportReport,
) -> BTreeMap<VideoId, PredictionArrays> {
    let groups = column_groups(table, state, report);
    let places: Vec<Option<(VideoId, u64)>> = (0..table.n_rows())
        .map(|r| match frame_of_row(r) {
            Ok(place) => Some(place),
            Err(reason) => {
                report.skip(reason, 1);
                None
            }
        })
        .collect();
    let mut arrays: BTreeMap<VideoId, (PredictionArrays, Vec<Option<usize>>)> = BTreeMap::new();
    for &(video, _) in places.iter().flatten() {
        arrays.entry(video).or_insert_with(|| {
            let last = places
                .iter()
                .flatten()
                .filter(|(v, _)| *v == video)
                .map(|(_, f)| *f)
                .max()
                .unwrap_or(0);
            let shape = super::prediction_import::shape_for(
                state,
                video,
                groups.iter().map(|g| (g.individual, g.keypoint, last)),
            );
            let slots = groups
                .iter()
                .map(|g| shape.slot(g.individual, g.keypoint))
                .collect();
            (PredictionArrays::empty(shape), slots)
        });
    }
    for (r, place) in places.iter().enumerate() {
        let Some((video, frame_idx)) = *place else {
            continue;
        };
        let Some((arrays, slots)) = arrays.get_mut(&video) else {
            continue;
        };
        let row = table.row(r);
        for (g, slot) in groups.iter().zip(slots.iter()) {
            let (x, y) = (row[g.x], row[g.y]);
            if x.is_nan() || y.is_nan() {
                continue;
            }
            let score = g.likelihood.map_or(f32::NAN, |c| row[c] as f32);
            if let Some(slot) = slot {
                arrays.set(frame_idx, *slot, [x as f32, y as f32, score]);
            }
        }
    }
    let arrays: BTreeMap<VideoId, PredictionArrays> =
        arrays.into_iter().map(|(v, (a, _))| (v, a)).collect();
    report.predicted_points += arrays
        .values()
        .map(PredictionArrays::point_count)
        .sum::<usize>();
    report.predicted_frames += arrays
        .values()
        .map(PredictionArrays::frames_with_points)
        .sum::<usize>();
    arrays
}

/// One keypoint of one individual in a label file: its owner and its x and y column
/// names.
pub type OwnedColumns = (IndividualId, KeypointId, Vec<String>, Vec<String>);

/// The columns DeepLabCut expects for the project: per individual its (non-unique)
/// keypoints, then the unique keypoints under `single`; x and y each.
pub fn project_columns(
    state: &ProjectState,
    scorer: &str,
    multi_animal: bool,
) -> (Vec<String>, Vec<OwnedColumns>) {
    let mut owners = Vec::new();
    let level_names: Vec<String> = if multi_animal {
        ["scorer", "individuals", "bodyparts", "coords"]
            .map(String::from)
            .to_vec()
    } else {
        ["scorer", "bodyparts", "coords"].map(String::from).to_vec()
    };
    let col = |individual: &str, bodypart: &str, coord: &str| -> Vec<String> {
        if multi_animal {
            vec![
                scorer.into(),
                individual.into(),
                bodypart.into(),
                coord.into(),
            ]
        } else {
            vec![scorer.into(), bodypart.into(), coord.into()]
        }
    };
    let shared: Vec<_> = state
        .skeleton
        .keypoints
        .iter()
        .filter(|k| !k.def.unique)
        .collect();
    let unique: Vec<_> = state
        .skeleton
        .keypoints
        .iter()
        .filter(|k| k.def.unique)
        .collect();
    let individuals: Vec<_> = if multi_animal {
        state.individuals.iter().collect()
    } else {
        state.individuals.iter().take(1).collect()
    };
    for i in individuals {
        for k in &shared {
            owners.push((
                i.id,
                k.id,
                col(&i.def.name, &k.def.name, "x"),
                col(&i.def.name, &k.def.name, "y"),
            ));
        }
    }
    for k in unique {
        owners.push((
            IndividualId::NONE,
            k.id,
            col(UNIQUE_INDIVIDUAL, &k.def.name, "x"),
            col(UNIQUE_INDIVIDUAL, &k.def.name, "y"),
        ));
    }
    (level_names, owners)
}

/// A DeepLabCut label frame of `rows` (each a row name and its video frame). Missing
/// and absent labels are NaN; occluded ones keep their position (DeepLabCut has no
/// occlusion flag).
pub fn table_from_labels(
    state: &ProjectState,
    video: VideoId,
    scorer: &str,
    multi_animal: bool,
    rows: &[(Vec<String>, u64)],
) -> DlcTable {
    let (level_names, owners) = project_columns(state, scorer, multi_animal);
    let mut columns = Vec::with_capacity(owners.len() * 2);
    for (_, _, x, y) in &owners {
        columns.push(x.clone());
        columns.push(y.clone());
    }
    let mut values = Vec::with_capacity(rows.len() * columns.len());
    for (_, frame_idx) in rows {
        for (individual, keypoint, _, _) in &owners {
            let key = LabelKey {
                video,
                frame_idx: *frame_idx,
                individual: *individual,
                keypoint: *keypoint,
            };
            match state.label(&key) {
                Some(l) if l.visibility != Visibility::Absent => {
                    values.push(l.x);
                    values.push(l.y);
                }
                _ => {
                    values.push(f64::NAN);
                    values.push(f64::NAN);
                }
            }
        }
    }
    DlcTable {
        level_names,
        columns,
        index: RowIndex::Paths(rows.iter().map(|(name, _)| name.clone()).collect()),
        values,
    }
}
