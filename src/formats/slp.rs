//! SLEAP's `.slp` labels file (HDF5): the skeleton, videos and tracks as JSON in
//! `metadata` and `*_json` datasets; `frames`, `instances`, `points` and `pred_points`
//! as tables. Instances are user-labeled (type 0) or predicted (type 1); a point whose
//! `visible` flag is false was placed but is not visible.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::dlc_project::folder_name;
use super::error::{FormatError, FormatResult};
use super::frame_images::VideoAccess;
use super::h5::{self, RawTable};
use super::report::ImportReport;
use crate::project::{
    Individual, IndividualDef, IndividualId, Keypoint, KeypointDef, KeypointId, Label, LabelKey,
    ProjectState, Provenance, Rgb, Video, VideoDef, VideoId, Visibility, ordered_pair,
};

/// One point of an instance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlpPoint {
    pub x: f64,
    pub y: f64,
    pub visible: bool,
    /// Predicted points' score.
    pub score: Option<f64>,
}

/// One instance (an animal on a frame).
#[derive(Clone, Debug, PartialEq)]
pub struct SlpInstance {
    pub video: usize,
    pub frame_idx: u64,
    pub predicted: bool,
    /// Index into `tracks`.
    pub track: Option<usize>,
    pub score: Option<f64>,
    /// In skeleton node order.
    pub points: Vec<SlpPoint>,
}

/// A labels file's content.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SlpLabels {
    /// The (first) skeleton's node names, in order.
    pub nodes: Vec<String>,
    /// Edges by node position.
    pub edges: Vec<(usize, usize)>,
    /// Left/right pairs by node position.
    pub symmetries: Vec<(usize, usize)>,
    /// Video file names as the file holds them.
    pub videos: Vec<String>,
    pub tracks: Vec<String>,
    pub instances: Vec<SlpInstance>,
}

fn invalid(path: &Path, m: impl Into<String>) -> FormatError {
    FormatError::invalid(path, m)
}

fn json_strings(file: &hdf5::File, name: &str) -> Result<Vec<Value>, String> {
    match file.dataset(name) {
        Ok(d) if d.size() > 0 => h5::read_strings(&d)?
            .iter()
            .map(|s| serde_json::from_str(s).map_err(|e| format!("'{name}' holds bad JSON: {e}")))
            .collect(),
        _ => Ok(Vec::new()),
    }
}

/// The edge type of a skeleton link: 1 for an edge, 2 for a symmetry.
fn link_type(link: &Value) -> Option<i64> {
    let t = &link["type"];
    t["py/reduce"][1]["py/tuple"][0]
        .as_i64()
        .or_else(|| t["py/id"].as_i64())
}

/// Reads a `.slp` file.
pub fn read(path: &Path) -> FormatResult<SlpLabels> {
    let file = super::h5::open_file(path).map_err(|e| {
        invalid(
            path,
            format!("not a readable HDF5 file (truncated or another format?): {e}"),
        )
    })?;
    let metadata = file
        .group("metadata")
        .map_err(|_| invalid(path, "no 'metadata' group: not a SLEAP labels file"))?;
    let json = h5::read_string_attr(&metadata, "json")
        .map_err(|e| invalid(path, e))?
        .ok_or_else(|| invalid(path, "metadata has no 'json' attribute"))?;
    let md: Value =
        serde_json::from_str(&json).map_err(|e| invalid(path, format!("metadata JSON: {e}")))?;
    let all_nodes: Vec<String> = md["nodes"]
        .as_array()
        .map(|n| {
            n.iter()
                .map(|n| n["name"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let skeleton = md["skeletons"]
        .get(0)
        .ok_or_else(|| invalid(path, "the file has no skeleton"))?;
    // Newer files wrap the graph in `nx_graph` beside a description.
    let skeleton = skeleton.get("nx_graph").unwrap_or(skeleton);
    let ids: Vec<usize> = skeleton["nodes"]
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|n| n["id"].as_u64().map(|i| i as usize))
                .collect()
        })
        .unwrap_or_default();
    let nodes = ids
        .iter()
        .map(|&i| {
            all_nodes.get(i).cloned().ok_or_else(|| {
                invalid(
                    path,
                    format!(
                        "the skeleton names node {i}, but there are {}",
                        all_nodes.len()
                    ),
                )
            })
        })
        .collect::<FormatResult<Vec<_>>>()?;
    let position =
        |global: Option<u64>| global.and_then(|g| ids.iter().position(|&i| i as u64 == g));
    let mut edges = Vec::new();
    let mut symmetries = Vec::new();
    for link in skeleton["links"].as_array().into_iter().flatten() {
        let (Some(a), Some(b)) = (
            position(link["source"].as_u64()),
            position(link["target"].as_u64()),
        ) else {
            return Err(invalid(
                path,
                "a skeleton link names a node that is not in the skeleton",
            ));
        };
        match link_type(link) {
            Some(2) => {
                if !symmetries.contains(&(b, a)) {
                    symmetries.push((a, b));
                }
            }
            _ => edges.push((a, b)),
        }
    }
    let videos = json_strings(&file, "videos_json")
        .map_err(|e| invalid(path, e))?
        .iter()
        .map(|v| {
            v["backend"]["filename"]
                .as_str()
                .or_else(|| v["filename"].as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let tracks = json_strings(&file, "tracks_json")
        .map_err(|e| invalid(path, e))?
        .iter()
        .map(|t| t[1].as_str().unwrap_or_default().to_owned())
        .collect();

    let table = |name: &str| -> FormatResult<RawTable> {
        let ds = file
            .dataset(name)
            .map_err(|_| invalid(path, format!("no '{name}' table: not a SLEAP labels file")))?;
        RawTable::read(&ds).map_err(|e| invalid(path, format!("'{name}' {e}")))
    };
    let col = |t: &RawTable, table_name: &str, c: &str| {
        t.column(c)
            .map_err(|e| invalid(path, format!("'{table_name}': {e}")))
    };
    let frames = table("frames")?;
    let (f_video, f_idx) = (
        col(&frames, "frames", "video")?,
        col(&frames, "frames", "frame_idx")?,
    );
    let instances = table("instances")?;
    let i_type = col(&instances, "instances", "instance_type")?;
    let i_frame = col(&instances, "instances", "frame_id")?;
    let i_track = col(&instances, "instances", "track")?;
    let i_score = col(&instances, "instances", "score")?;
    let i_start = col(&instances, "instances", "point_id_start")?;
    let i_end = col(&instances, "instances", "point_id_end")?;
    let points = table("points")?;
    let pred = table("pred_points")?;
    let read_points = |t: &RawTable, name: &str, scored: bool| -> FormatResult<Vec<SlpPoint>> {
        let (x, y, v) = (
            col(t, name, "x")?,
            col(t, name, "y")?,
            col(t, name, "visible")?,
        );
        let s = if scored {
            Some(col(t, name, "score")?)
        } else {
            None
        };
        Ok((0..t.rows)
            .map(|i| SlpPoint {
                x: x[i],
                y: y[i],
                visible: v[i] != 0.0,
                score: s.as_ref().map(|s| s[i]),
            })
            .collect())
    };
    let user_points = read_points(&points, "points", false)?;
    let pred_points = read_points(&pred, "pred_points", true)?;
    let mut out = Vec::with_capacity(instances.rows);
    for i in 0..instances.rows {
        let frame = i_frame[i] as usize;
        let (Some(&video), Some(&frame_idx)) = (f_video.get(frame), f_idx.get(frame)) else {
            return Err(FormatError::row(
                path,
                i,
                format!("instance {i} names frame {frame}, which the file lacks"),
            ));
        };
        let predicted = i_type[i] == 1.0;
        let pool = if predicted {
            &pred_points
        } else {
            &user_points
        };
        let (start, end) = (i_start[i] as usize, i_end[i] as usize);
        let pts = pool.get(start..end).ok_or_else(|| {
            FormatError::row(
                path,
                i,
                format!(
                    "instance {i} names points {start}..{end}, past the file's {}",
                    pool.len()
                ),
            )
        })?;
        if pts.len() != nodes.len() {
            return Err(FormatError::row(
                path,
                i,
                format!(
                    "instance {i} has {} points for {} nodes",
                    pts.len(),
                    nodes.len()
                ),
            ));
        }
        out.push(SlpInstance {
            video: video as usize,
            frame_idx: frame_idx as u64,
            predicted,
            track: (i_track[i] >= 0.0).then_some(i_track[i] as usize),
            score: Some(i_score[i]).filter(|s| s.is_finite()),
            points: pts.to_vec(),
        });
    }
    Ok(SlpLabels {
        nodes,
        edges,
        symmetries,
        videos,
        tracks,
        instances: out,
    })
}

/// The individual each instance belongs to: its track's name, or for untracked
/// instances `animal<k>` by their order on the frame (user and predicted counted apart).
fn individual_names(s: &SlpLabels) -> Vec<String> {
    let mut seen: BTreeMap<(usize, u64, bool), usize> = BTreeMap::new();
    s.instances
        .iter()
        .map(|inst| match inst.track.and_then(|t| s.tracks.get(t)) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => {
                let k = seen
                    .entry((inst.video, inst.frame_idx, inst.predicted))
                    .or_default();
                *k += 1;
                format!("animal{k}")
            }
        })
        .collect()
}

/// The labels of `s` in `state`: videos by file stem (`video_of` maps the file's video
/// index to a project video), nodes by name, tracks by individual name. A user
/// instance wins over a predicted one of the same individual on the same frame.
fn labels_of(
    s: &SlpLabels,
    state: &ProjectState,
    video_of: &dyn Fn(usize) -> Option<VideoId>,
    report: &mut ImportReport,
) -> BTreeMap<LabelKey, Label> {
    let names = individual_names(s);
    let mut labels: BTreeMap<LabelKey, Label> = BTreeMap::new();
    let mut frames = BTreeSet::new();
    // Predicted first, so user instances overwrite them.
    let mut order: Vec<usize> = (0..s.instances.len()).collect();
    order.sort_by_key(|&i| !s.instances[i].predicted);
    for i in order {
        let inst = &s.instances[i];
        let Some(video) = video_of(inst.video) else {
            report.skip(
                format!(
                    "video '{}' is not in the project",
                    s.videos.get(inst.video).map_or("?", String::as_str)
                ),
                1,
            );
            continue;
        };
        let Some(individual) = state.individual_by_name(&names[i]) else {
            report.skip(
                format!("individual '{}' is not in the project", names[i]),
                1,
            );
            continue;
        };
        frames.insert((video, inst.frame_idx));
        let provenance = if inst.predicted {
            Provenance::Model {
                model: "sleap".into(),
            }
        } else {
            Provenance::Human
        };
        for (n, p) in inst.points.iter().enumerate() {
            if p.x.is_nan() || p.y.is_nan() {
                continue;
            }
            let Some(k) = state.skeleton.by_name(&s.nodes[n]) else {
                report.skip(format!("node '{}' is not in the skeleton", s.nodes[n]), 1);
                continue;
            };
            let key = LabelKey {
                video,
                frame_idx: inst.frame_idx,
                individual: if k.def.unique {
                    IndividualId::NONE
                } else {
                    individual.id
                },
                keypoint: k.id,
            };
            labels.insert(
                key,
                Label {
                    x: p.x,
                    y: p.y,
                    visibility: if p.visible {
                        Visibility::Visible
                    } else {
                        Visibility::Occluded
                    },
                    provenance: provenance.clone(),
                    score: p.score.filter(|s| !s.is_nan()),
                },
            );
        }
    }
    report.frames = frames.len();
    report.labels = labels.len();
    labels
}

/// The file stem of a video path as SLEAP stores it (either slash).
fn stem(path: &str) -> String {
    Path::new(&path.replace('\\', "/"))
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned()
}

/// The labels of a `.slp` file for an existing project.
pub fn labels_from_slp(
    state: &ProjectState,
    path: &Path,
) -> FormatResult<(BTreeMap<LabelKey, Label>, ImportReport)> {
    let s = read(path)?;
    let mut report = ImportReport::default();
    let video_of = |i: usize| {
        let wanted = stem(s.videos.get(i)?);
        state
            .videos
            .iter()
            .find(|v| folder_name(v) == wanted)
            .map(|v| v.id)
    };
    let labels = labels_of(&s, state, &video_of, &mut report);
    Ok((labels, report))
}

/// Where a `.slp` file's video is on this machine: as written (relative to the file's
/// folder or absolute), or by its name beside the file.
fn find_video(slp: &Path, stored: &str) -> Option<PathBuf> {
    let stored = PathBuf::from(stored.replace('\\', "/"));
    let dir = slp.parent().unwrap_or(Path::new("."));
    let name = stored.file_name()?;
    [stored.clone(), dir.join(&stored), dir.join(name)]
        .into_iter()
        .find(|p| p.is_file())
}

/// A `.slp` file as a new project's state (video paths relative to the file's folder).
pub fn read_project(
    path: &Path,
    videos: &dyn VideoAccess,
) -> FormatResult<(String, ProjectState, ImportReport)> {
    let s = read(path)?;
    let dir = path.parent().unwrap_or(Path::new(".")).to_owned();
    let mut state = ProjectState::default();
    let mut report = ImportReport::default();
    for (i, name) in s.nodes.iter().enumerate() {
        state.skeleton.keypoints.push(Keypoint {
            id: KeypointId(i as i64 + 1),
            def: KeypointDef {
                name: name.clone(),
                color: Rgb::rainbow(i, s.nodes.len()),
                order: i as i64,
                unique: false,
            },
        });
    }
    let kid = |n: usize| KeypointId(n as i64 + 1);
    for &(a, b) in &s.edges {
        if a != b {
            state.skeleton.edges.insert(ordered_pair(kid(a), kid(b)));
        }
    }
    for &(a, b) in &s.symmetries {
        if a != b {
            state
                .skeleton
                .symmetric
                .insert(ordered_pair(kid(a), kid(b)));
        }
    }
    let mut names: Vec<String> = Vec::new();
    for name in s.tracks.iter().chain(individual_names(&s).iter()) {
        if !name.is_empty() && !names.contains(name) {
            names.push(name.clone());
        }
    }
    if names.is_empty() {
        names.push("animal1".into());
    }
    for (i, name) in names.iter().enumerate() {
        state.individuals.push(Individual {
            id: IndividualId(i as i64 + 1),
            def: IndividualDef {
                name: name.clone(),
                order: i as i64,
            },
        });
    }
    for (i, stored) in s.videos.iter().enumerate() {
        let frames_used = s
            .instances
            .iter()
            .filter(|inst| inst.video == i)
            .map(|inst| inst.frame_idx + 1)
            .max()
            .unwrap_or(1);
        let def = match find_video(path, stored).map(|p| videos.describe(&dir, &p)) {
            Some(Ok(def)) => def,
            found => {
                let why = match found {
                    Some(Err(e)) => e,
                    _ => "not found".into(),
                };
                report.warnings.push(format!(
                    "video '{stored}': {why}; its labels are kept and it can be relinked"
                ));
                VideoDef {
                    path: stored.replace('\\', "/"),
                    size_bytes: 0,
                    edge_hash: 0,
                    width: 0,
                    height: 0,
                    fps: 0.0,
                    frame_count: frames_used,
                    frame_files: None,
                }
            }
        };
        state.videos.push(Video {
            id: VideoId(i as i64 + 1),
            def,
        });
    }
    let video_of = |i: usize| (i < s.videos.len()).then_some(VideoId(i as i64 + 1));
    let labels = labels_of(&s, &state, &video_of, &mut report);
    state.labels = labels;
    state.rebuild_frame_counts();
    let name = path
        .file_stem()
        .and_then(|n| n.to_str())
        .unwrap_or("sleap")
        .to_owned();
    Ok((name, state, report))
}

/// The sidecar project of a `.slp` file: `<file>.kinelab` beside it.
pub fn sidecar_path(path: &Path) -> PathBuf {
    path.with_extension(crate::project::PROJECT_EXTENSION)
}

/// Opens a `.slp` file as its sidecar project, imported the first time.
pub fn open_or_import(
    path: &Path,
    videos: &dyn VideoAccess,
) -> FormatResult<(PathBuf, Option<ImportReport>)> {
    let sidecar = sidecar_path(path);
    if sidecar.exists() {
        return Ok((sidecar, None));
    }
    let (name, state, report) = read_project(path, videos)?;
    crate::project::Project::create_from_state(&sidecar, &name, &state)
        .map_err(|e| FormatError::invalid(&sidecar, e.to_string()))?;
    Ok((sidecar, Some(report)))
}
