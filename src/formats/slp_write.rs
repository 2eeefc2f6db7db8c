//! Writing SLEAP's `.slp` labels file, as sleap-io writes it (format 1.4): the
//! skeleton (edges and symmetries in SLEAP's networkx/jsonpickle JSON), the videos and
//! tracks as JSON rows, and the `frames`, `instances`, `points` and `pred_points`
//! tables. A project's labels become user instances, one per individual on each
//! labeled frame, on the track of the individual's name; a label not visible is a
//! placed point with `visible` false, a missing or absent one NaN. An instance whose
//! labels all came from a model unreviewed is a predicted instance with their scores.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hdf5::types::VarLenUnicode;
use serde_json::json;

use super::dlc_project::folder_name;
use super::error::{FormatError, FormatResult};
use super::h5;
use super::report::ExportReport;
use crate::project::document::resolve_video_path;
use crate::project::{IndividualId, ProjectState, Provenance, Video, Visibility};

/// The format sleap-io writes for files with instances and tracks only.
const FORMAT_ID: f64 = 1.4;

#[derive(hdf5::H5Type, Clone, Copy)]
#[repr(C)]
struct FrameRow {
    frame_id: u64,
    video: u32,
    frame_idx: u64,
    instance_id_start: u64,
    instance_id_end: u64,
}

#[derive(hdf5::H5Type, Clone, Copy)]
#[repr(C)]
struct InstanceRow {
    instance_id: i64,
    instance_type: u8,
    frame_id: u64,
    skeleton: u32,
    track: i32,
    from_predicted: i64,
    score: f32,
    point_id_start: u64,
    point_id_end: u64,
    tracking_score: f32,
}

#[derive(hdf5::H5Type, Clone, Copy)]
#[repr(C)]
struct PointRow {
    x: f64,
    y: f64,
    visible: bool,
    complete: bool,
}

#[derive(hdf5::H5Type, Clone, Copy)]
#[repr(C)]
struct PredPointRow {
    x: f64,
    y: f64,
    visible: bool,
    complete: bool,
    score: f64,
}

/// The tables of a labels file.
#[derive(Default)]
struct Tables {
    frames: Vec<FrameRow>,
    instances: Vec<InstanceRow>,
    points: Vec<PointRow>,
    pred_points: Vec<PredPointRow>,
}

/// SLEAP's skeleton JSON: the nodes by index, edges (type 1) in order, then each
/// symmetry (type 2) once, as sleap-io's encoder writes them.
fn skeleton_json(state: &ProjectState) -> (serde_json::Value, serde_json::Value) {
    let keypoints = &state.skeleton.keypoints;
    let index = |id| keypoints.iter().position(|k| k.id == id);
    let mut links = Vec::new();
    let mut edge_type_written = false;
    for (n, &(a, b)) in state.skeleton.edges.iter().enumerate() {
        let (Some(a), Some(b)) = (index(a), index(b)) else {
            continue;
        };
        let edge_type = if edge_type_written {
            json!({"py/id": 1})
        } else {
            edge_type_written = true;
            json!({"py/reduce": [{"py/type": "sleap.skeleton.EdgeType"}, {"py/tuple": [1]}]})
        };
        links.push(
            json!({"edge_insert_idx": n, "key": 0, "source": a, "target": b, "type": edge_type}),
        );
    }
    let mut symmetry_type_written = false;
    for &(a, b) in &state.skeleton.symmetric {
        let (Some(a), Some(b)) = (index(a), index(b)) else {
            continue;
        };
        let symmetry_type = if symmetry_type_written {
            json!({"py/id": if edge_type_written { 2 } else { 1 }})
        } else {
            symmetry_type_written = true;
            json!({"py/reduce": [{"py/type": "sleap.skeleton.EdgeType"}, {"py/tuple": [2]}]})
        };
        links.push(json!({"key": 0, "source": a, "target": b, "type": symmetry_type}));
    }
    let skeleton = json!({
        "directed": true,
        "graph": {"name": "skeleton", "num_edges_inserted": state.skeleton.edges.len()},
        "links": links,
        "multigraph": true,
        "nodes": (0..keypoints.len()).map(|i| json!({"id": i})).collect::<Vec<_>>(),
    });
    let nodes = keypoints
        .iter()
        .map(|k| json!({"name": k.def.name, "weight": 1.0}))
        .collect::<Vec<_>>();
    (skeleton, json!(nodes))
}

/// A video as SLEAP's `videos_json` row: its file, or a folder's images.
fn video_json(project_dir: &Path, v: &Video) -> serde_json::Value {
    let path = resolve_video_path(project_dir, &v.def.path);
    match &v.def.frame_files {
        Some(files) => {
            let files: Vec<String> = files
                .iter()
                .map(|f| path.join(f).display().to_string())
                .collect();
            json!({
                "filename": files.first().cloned().unwrap_or_default(),
                "backend": {"filenames": files},
            })
        }
        None => {
            let file = path.display().to_string();
            json!({"filename": file, "backend": {"filename": file}})
        }
    }
}

/// The project's labels as the file's tables: per labeled frame, one instance per
/// individual with labels there (unique keypoints go with the frame's first instance).
fn tables(state: &ProjectState, videos: &[&Video], report: &mut ExportReport) -> Tables {
    let mut t = Tables::default();
    let keypoints = &state.skeleton.keypoints;
    let track_of = |i: IndividualId| state.individuals.iter().position(|x| x.id == i);
    for (video_index, v) in videos.iter().enumerate() {
        for frame_idx in state.labeled_frames(v.id).collect::<Vec<_>>() {
            // Labels by individual, unique keypoints apart.
            let mut by_individual: BTreeMap<usize, Vec<(usize, crate::project::Label)>> =
                BTreeMap::new();
            let mut unique = Vec::new();
            for (key, label) in state.labels_on_frame(v.id, frame_idx) {
                let Some(node) = keypoints.iter().position(|k| k.id == key.keypoint) else {
                    continue;
                };
                match track_of(key.individual) {
                    Some(track) => by_individual
                        .entry(track)
                        .or_default()
                        .push((node, label.clone())),
                    None => unique.push((node, label.clone())),
                }
            }
            if by_individual.is_empty() && !unique.is_empty() {
                by_individual.insert(0, Vec::new());
            }
            let frame_id = t.frames.len() as u64;
            let instance_start = t.instances.len() as u64;
            for (n, (track, mut labels)) in by_individual.into_iter().enumerate() {
                if n == 0 {
                    labels.append(&mut unique);
                }
                let mut slots: Vec<Option<crate::project::Label>> = vec![None; keypoints.len()];
                for (node, label) in labels {
                    slots[node] = Some(label);
                }
                let predicted = slots
                    .iter()
                    .flatten()
                    .all(|l| matches!(l.provenance, Provenance::Model { .. }))
                    && slots.iter().any(Option::is_some);
                let point = |l: &Option<crate::project::Label>| match l {
                    Some(l) if l.visibility != Visibility::Absent => {
                        (l.x, l.y, l.visibility == Visibility::Visible)
                    }
                    _ => (f64::NAN, f64::NAN, false),
                };
                let placed = slots
                    .iter()
                    .filter(|l| {
                        l.as_ref()
                            .is_some_and(|l| l.visibility != Visibility::Absent)
                    })
                    .count();
                report.labels += placed;
                let (start, end, score) = if predicted {
                    let start = t.pred_points.len() as u64;
                    let mut total = 0.0;
                    for l in &slots {
                        let (x, y, visible) = point(l);
                        let s = l.as_ref().and_then(|l| l.score).unwrap_or(f64::NAN);
                        if s.is_finite() {
                            total += s;
                        }
                        t.pred_points.push(PredPointRow {
                            x,
                            y,
                            visible,
                            complete: false,
                            score: s,
                        });
                    }
                    (
                        start,
                        t.pred_points.len() as u64,
                        (total / placed.max(1) as f64) as f32,
                    )
                } else {
                    let start = t.points.len() as u64;
                    for l in &slots {
                        let (x, y, visible) = point(l);
                        t.points.push(PointRow {
                            x,
                            y,
                            visible,
                            complete: false,
                        });
                    }
                    (start, t.points.len() as u64, 0.0)
                };
                t.instances.push(InstanceRow {
                    instance_id: t.instances.len() as i64,
                    instance_type: u8::from(predicted),
                    frame_id,
                    skeleton: 0,
                    track: track as i32,
                    from_predicted: -1,
                    score,
                    point_id_start: start,
                    point_id_end: end,
                    tracking_score: f32::NAN,
                });
            }
            t.frames.push(FrameRow {
                frame_id,
                video: video_index as u32,
                frame_idx,
                instance_id_start: instance_start,
                instance_id_end: t.instances.len() as u64,
            });
            report.frames += 1;
        }
    }
    t
}

fn json_rows(file: &hdf5::File, name: &str, rows: &[serde_json::Value]) -> h5::H5Result<()> {
    let values = rows
        .iter()
        .map(|r| {
            r.to_string()
                .parse::<VarLenUnicode>()
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let ds = file
        .new_dataset::<VarLenUnicode>()
        .shape(values.len())
        .create(name)
        .map_err(|e| e.to_string())?;
    if !values.is_empty() {
        ds.write(&values).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn table<T: hdf5::H5Type>(file: &hdf5::File, name: &str, rows: &[T]) -> h5::H5Result<()> {
    let ds = file
        .new_dataset::<T>()
        .shape(rows.len())
        .create(name)
        .map_err(|e| e.to_string())?;
    if !rows.is_empty() {
        ds.write(rows).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Writes the project's labels as one `.slp` file: `out_dir/<file_name>`, else
/// `out_dir/<project>.slp` named after the project folder's videos.
pub fn write(
    state: &ProjectState,
    project_dir: &Path,
    out_dir: &Path,
    file_name: Option<&str>,
    on_progress: &mut dyn FnMut(usize, usize),
) -> FormatResult<ExportReport> {
    let mut report = ExportReport::default();
    let videos: Vec<&Video> = state.videos.iter().collect();
    let path: PathBuf = match file_name {
        Some(name) => out_dir.join(name),
        None => {
            let stem = match videos.as_slice() {
                [only] => folder_name(only),
                _ => "labels".to_owned(),
            };
            out_dir.join(format!("{stem}.slp"))
        }
    };
    let t = tables(state, &videos, &mut report);
    if report.frames == 0 {
        return Err(FormatError::invalid(
            &path,
            "the project has no labels to write",
        ));
    }
    let (skeleton, nodes) = skeleton_json(state);
    let metadata = json!({
        "version": "2.0.0",
        "skeletons": [skeleton],
        "nodes": nodes,
        "videos": [],
        "tracks": [],
        "suggestions": [],
        "negative_anchors": {},
        "provenance": {"software": "Kinelab", "version": env!("CARGO_PKG_VERSION")},
    });
    let video_rows: Vec<_> = videos.iter().map(|v| video_json(project_dir, v)).collect();
    let track_rows: Vec<_> = state
        .individuals
        .iter()
        .map(|i| json!([0, i.def.name]))
        .collect();
    h5::write_file_atomically(&path, |file| {
        let group = file.create_group("metadata").map_err(|e| e.to_string())?;
        group
            .new_attr::<f64>()
            .create("format_id")
            .and_then(|a| a.write_scalar(&FORMAT_ID))
            .map_err(|e| e.to_string())?;
        h5::write_string_attr(group.id(), "json", metadata.to_string().as_bytes(), false)?;
        json_rows(file, "videos_json", &video_rows)?;
        json_rows(file, "tracks_json", &track_rows)?;
        json_rows(file, "suggestions_json", &[])?;
        table(file, "frames", &t.frames)?;
        table(file, "instances", &t.instances)?;
        table(file, "points", &t.points)?;
        table(file, "pred_points", &t.pred_points)?;
        Ok(())
    })?;
    report.files.push(path);
    on_progress(1, 1);
    Ok(report)
}
