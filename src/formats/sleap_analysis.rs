//! SLEAP's analysis HDF5: one video's tracks as dense arrays, as `sleap-convert
//! --format analysis` writes them: `tracks` (n_tracks, 2, n_nodes, n_frames),
//! `track_occupancy` (n_frames, n_tracks), `point_scores` (n_tracks, n_nodes,
//! n_frames), `instance_scores` and `tracking_scores` (n_tracks, n_frames),
//! `node_names`, `track_names`, `edge_names`, `edge_inds`, `video_path`. Missing points
//! are NaN. Tracks are the project's individuals; SLEAP has no unique keypoints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hdf5::types::VarLenUnicode;

use super::dlc_project::folder_name;
use super::error::{FormatError, FormatResult};
use super::h5;
use super::report::ExportReport;
use super::report::ImportReport;
use crate::project::prediction_store::PredictionSource;
use crate::project::predictions::PredictionArrays;
use crate::project::{
    IndividualId, Keypoint, Label, LabelKey, ProjectState, Provenance, Video, VideoId, Visibility,
};

/// An analysis file in memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub node_names: Vec<String>,
    pub track_names: Vec<String>,
    pub edge_inds: Vec<[i32; 2]>,
    pub video_path: String,
    pub n_frames: usize,
    /// `[track][xy][node][frame]`, flattened in that order.
    pub tracks: Vec<f64>,
    /// `[track][node][frame]`.
    pub point_scores: Vec<f64>,
    /// `[frame][track]`.
    pub track_occupancy: Vec<u8>,
}

impl Analysis {
    pub fn n_tracks(&self) -> usize {
        if self.n_frames == 0 || self.node_names.is_empty() {
            0
        } else {
            self.tracks.len() / (2 * self.node_names.len() * self.n_frames)
        }
    }

    fn at(&self, track: usize, xy: usize, node: usize, frame: usize) -> f64 {
        let n = self.node_names.len();
        self.tracks[((track * 2 + xy) * n + node) * self.n_frames + frame]
    }

    /// An analysis of `n_frames` with nothing in it: the project's non-unique
    /// keypoints (`nodes`) as nodes with its skeleton's edges, its individuals as
    /// tracks.
    fn empty(state: &ProjectState, nodes: &[&Keypoint], n_frames: usize, video_path: &str) -> Self {
        let position = |id| nodes.iter().position(|k: &&Keypoint| k.id == id);
        let (n_nodes, n_tracks) = (nodes.len(), state.individuals.len());
        Self {
            node_names: nodes.iter().map(|k| k.def.name.clone()).collect(),
            track_names: state
                .individuals
                .iter()
                .map(|i| i.def.name.clone())
                .collect(),
            edge_inds: state
                .skeleton
                .edges
                .iter()
                .filter_map(|(a, b)| Some([position(*a)? as i32, position(*b)? as i32]))
                .collect(),
            video_path: video_path.to_owned(),
            n_frames,
            tracks: vec![f64::NAN; n_tracks * 2 * n_nodes * n_frames],
            point_scores: vec![f64::NAN; n_tracks * n_nodes * n_frames],
            track_occupancy: vec![0; n_frames * n_tracks],
        }
    }

    /// Puts one point of `track` and `node` on `frame`, and marks the track present.
    fn set_point(&mut self, track: usize, node: usize, frame: usize, x: f64, y: f64, score: f64) {
        let (n, f) = (self.node_names.len(), self.n_frames);
        self.tracks[((track * 2) * n + node) * f + frame] = x;
        self.tracks[((track * 2 + 1) * n + node) * f + frame] = y;
        self.point_scores[(track * n + node) * f + frame] = score;
        let n_tracks = self.track_names.len();
        self.track_occupancy[frame * n_tracks + track] = 1;
    }
}

/// The project's keypoints SLEAP has a place for: the non-unique ones.
fn sleap_nodes(state: &ProjectState) -> Vec<&Keypoint> {
    state
        .skeleton
        .keypoints
        .iter()
        .filter(|k| !k.def.unique)
        .collect()
}

fn invalid(path: &Path, m: impl Into<String>) -> FormatError {
    FormatError::invalid(path, m)
}

/// Reads an analysis file.
pub fn read(path: &Path) -> FormatResult<Analysis> {
    let file = super::h5::open_file(path).map_err(|e| {
        invalid(
            path,
            format!("not a readable HDF5 file (truncated or another format?): {e}"),
        )
    })?;
    let ds = |name: &str| {
        file.dataset(name).map_err(|_| {
            invalid(
                path,
                format!("no '{name}' dataset: not a SLEAP analysis file"),
            )
        })
    };
    let tracks_ds = ds("tracks")?;
    let shape = tracks_ds.shape();
    let [n_tracks, two, n_nodes, n_frames] = shape[..] else {
        return Err(invalid(
            path,
            format!("'tracks' has shape {shape:?}, not (tracks, 2, nodes, frames)"),
        ));
    };
    if two != 2 {
        return Err(invalid(
            path,
            format!("'tracks' has shape {shape:?}: its second axis is not x, y"),
        ));
    }
    let tracks: Vec<f64> = tracks_ds
        .read_raw()
        .map_err(|e| invalid(path, format!("'tracks': {e}")))?;
    let node_names = h5::read_strings(&ds("node_names")?)
        .map_err(|e| invalid(path, format!("'node_names' {e}")))?;
    if node_names.len() != n_nodes {
        return Err(invalid(
            path,
            format!(
                "'node_names' has {} names for {n_nodes} nodes",
                node_names.len()
            ),
        ));
    }
    let track_names = match file.dataset("track_names") {
        Ok(d) if d.size() > 0 => {
            h5::read_strings(&d).map_err(|e| invalid(path, format!("'track_names' {e}")))?
        }
        _ => Vec::new(),
    };
    let edge_inds: Vec<[i32; 2]> = match file.dataset("edge_inds") {
        Ok(d) if d.size() > 0 => {
            let flat: Vec<i32> = d
                .read_raw()
                .map_err(|e| invalid(path, format!("'edge_inds': {e}")))?;
            flat.chunks(2)
                .filter(|c| c.len() == 2)
                .map(|c| [c[0], c[1]])
                .collect()
        }
        _ => Vec::new(),
    };
    if let Some(bad) = edge_inds
        .iter()
        .find(|e| e.iter().any(|&i| i < 0 || i as usize >= n_nodes))
    {
        return Err(invalid(
            path,
            format!(
                "'edge_inds' has the edge [{}, {}], but there are {n_nodes} nodes",
                bad[0], bad[1]
            ),
        ));
    }
    let point_scores: Vec<f64> = match file.dataset("point_scores") {
        Ok(d) if d.size() == n_tracks * n_nodes * n_frames => d.read_raw().unwrap_or_default(),
        _ => Vec::new(),
    };
    let track_occupancy: Vec<u8> = match file.dataset("track_occupancy") {
        Ok(d) if d.size() == n_tracks * n_frames => d.read_raw().unwrap_or_default(),
        _ => Vec::new(),
    };
    let video_path = match file.dataset("video_path") {
        Ok(d) => d
            .read_scalar::<VarLenUnicode>()
            .map(|s| s.as_str().to_owned())
            .or_else(|_| h5::read_strings(&d).map(|v| v.into_iter().next().unwrap_or_default()))
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok(Analysis {
        node_names,
        track_names,
        edge_inds,
        video_path,
        n_frames,
        tracks,
        point_scores,
        track_occupancy,
    })
}

/// The analysis arrays of one project video. Unique keypoints are left out (counted in
/// the report), as SLEAP's layout has no place for them.
pub fn from_project(
    state: &ProjectState,
    v: &Video,
    video_path: &str,
    report: &mut ExportReport,
) -> Analysis {
    let nodes = sleap_nodes(state);
    let unique_labels = state
        .labels
        .keys()
        .filter(|k| k.video == v.id && k.individual == IndividualId::NONE)
        .count();
    if unique_labels > 0 {
        *report
            .skipped
            .entry("labels of unique keypoints (SLEAP has no place for them)".into())
            .or_default() += unique_labels;
    }
    let position = |id| nodes.iter().position(|k| k.id == id);
    let n_frames = v.def.frame_count as usize;
    let mut a = Analysis::empty(state, &nodes, n_frames, video_path);
    for (t, individual) in state.individuals.iter().enumerate() {
        for frame in state.labeled_frames(v.id).collect::<Vec<_>>() {
            let f = frame as usize;
            if f >= n_frames {
                continue;
            }
            for (key, label) in state.labels_on_frame(v.id, frame) {
                if key.individual != individual.id || label.visibility == Visibility::Absent {
                    continue;
                }
                let Some(n) = position(key.keypoint) else {
                    continue;
                };
                a.set_point(t, n, f, label.x, label.y, 1.0);
                report.labels += 1;
            }
        }
    }
    a
}

fn h5err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn write_into(file: &hdf5::File, a: &Analysis) -> Result<(), String> {
    let n_tracks = a.n_tracks();
    let n_nodes = a.node_names.len();
    let f64_ds = |name: &str, shape: Vec<usize>, data: &[f64]| -> Result<(), String> {
        let ds = file
            .new_dataset::<f64>()
            .shape(shape)
            .create(name)
            .map_err(h5err)?;
        if !data.is_empty() {
            ds.write_raw(data).map_err(h5err)?;
        }
        Ok(())
    };
    f64_ds("tracks", vec![n_tracks, 2, n_nodes, a.n_frames], &a.tracks)?;
    f64_ds(
        "point_scores",
        vec![n_tracks, n_nodes, a.n_frames],
        &a.point_scores,
    )?;
    let instance_scores: Vec<f64> = (0..n_tracks * a.n_frames)
        .map(|i| {
            let (t, f) = (i / a.n_frames.max(1), i % a.n_frames.max(1));
            if a.track_occupancy.get(f * n_tracks + t) == Some(&1) {
                1.0
            } else {
                f64::NAN
            }
        })
        .collect();
    f64_ds(
        "instance_scores",
        vec![n_tracks, a.n_frames],
        &instance_scores,
    )?;
    let tracking_scores: Vec<f64> = instance_scores
        .iter()
        .map(|s| if s.is_nan() { f64::NAN } else { 0.0 })
        .collect();
    f64_ds(
        "tracking_scores",
        vec![n_tracks, a.n_frames],
        &tracking_scores,
    )?;
    let occ = file
        .new_dataset::<u8>()
        .shape([a.n_frames, n_tracks])
        .create("track_occupancy")
        .map_err(h5err)?;
    if !a.track_occupancy.is_empty() {
        occ.write_raw(&a.track_occupancy).map_err(h5err)?;
    }
    h5::write_strings(file, "node_names", &a.node_names)?;
    h5::write_strings(file, "track_names", &a.track_names)?;
    let edge_names: Vec<String> = a
        .edge_inds
        .iter()
        .flat_map(|[x, y]| {
            [
                a.node_names[*x as usize].clone(),
                a.node_names[*y as usize].clone(),
            ]
        })
        .collect();
    let flat_inds: Vec<i32> = a.edge_inds.iter().flatten().copied().collect();
    if a.edge_inds.is_empty() {
        file.new_dataset::<i32>()
            .shape([0, 2])
            .create("edge_inds")
            .map_err(h5err)?;
    } else {
        file.new_dataset::<i32>()
            .shape([a.edge_inds.len(), 2])
            .create("edge_inds")
            .and_then(|d| d.write_raw(&flat_inds))
            .map_err(h5err)?;
    }
    // SLEAP stores edge names as (n_edges, 2); write them flat, then reshape by
    // writing a 2-D string dataset.
    h5::write_strings_2d(file, "edge_names", &edge_names, 2)?;
    let scalar_str = |name: &str, value: &str| -> Result<(), String> {
        let v: VarLenUnicode = value.parse().map_err(h5err)?;
        file.new_dataset::<VarLenUnicode>()
            .create(name)
            .and_then(|d| d.write_scalar(&v))
            .map_err(h5err)
    };
    scalar_str("video_path", &a.video_path)?;
    scalar_str("labels_path", "")?;
    scalar_str("provenance", "{\"software\": \"Kinelab\"}")?;
    file.new_dataset::<i32>()
        .create("video_ind")
        .and_then(|d| d.write_scalar(&0))
        .map_err(h5err)?;
    Ok(())
}

/// Writes `a` to `path` atomically.
pub fn write(a: &Analysis, path: &Path) -> FormatResult<()> {
    h5::write_file_atomically(path, |file| write_into(file, a))
}

/// The analysis of one video's arrays in a prediction set: the project's non-unique
/// keypoints as nodes and its individuals as tracks, each point's score kept.
pub fn from_arrays(
    state: &ProjectState,
    arrays: &PredictionArrays,
    video_path: &str,
    report: &mut ExportReport,
) -> Analysis {
    let shape = &arrays.shape;
    let nodes = sleap_nodes(state);
    let n_frames = shape.frame_count as usize;
    let mut a = Analysis::empty(state, &nodes, n_frames, video_path);
    let slots: Vec<Vec<Option<usize>>> = state
        .individuals
        .iter()
        .map(|i| nodes.iter().map(|k| shape.slot(i.id, k.id)).collect())
        .collect();
    let mut frames_with_points = 0;
    for f in 0..n_frames {
        let frame = arrays.frame(f as u64);
        let mut any = false;
        for (t, of_track) in slots.iter().enumerate() {
            for (n, slot) in of_track.iter().enumerate() {
                let Some(p) = slot.and_then(|s| frame.get(s..s + 3)) else {
                    continue;
                };
                if p[0].is_nan() || p[1].is_nan() {
                    continue;
                }
                let [x, y, score] = [p[0], p[1], p[2]].map(f64::from);
                a.set_point(t, n, f, x, y, score);
                report.labels += 1;
                any = true;
            }
        }
        frames_with_points += usize::from(any);
    }
    report.frames += frames_with_points;
    a
}

/// Writes one analysis file per prediction set and video into `out_dir`
/// (`<video>.<set>.analysis.h5`; a project without sets: `<video>.analysis.h5` of its
/// labels); with `file_name`, the one file under that name.
pub fn write_project(
    state: &ProjectState,
    project_dir: &Path,
    out_dir: &Path,
    file_name: Option<&str>,
    predictions: &dyn PredictionSource,
    on_progress: &mut dyn FnMut(usize, usize),
) -> FormatResult<ExportReport> {
    let mut report = ExportReport::default();
    let video_path = |v: &Video| {
        crate::project::document::resolve_video_path(project_dir, &v.def.path)
            .display()
            .to_string()
    };
    if state.present_prediction_sets().next().is_some() {
        let pairs = super::prediction_import::set_videos(state, out_dir, file_name)?;
        for (i, (set, v)) in pairs.iter().enumerate() {
            let arrays = predictions
                .arrays(set, v.id)
                .map_err(|e| FormatError::invalid(&out_dir.join(&set.def.name), e.to_string()))?;
            let analysis = from_arrays(state, &arrays, &video_path(v), &mut report);
            let path: PathBuf = match file_name {
                Some(name) => out_dir.join(name),
                None => out_dir.join(format!("{}.{}.analysis.h5", folder_name(v), set.def.name)),
            };
            write(&analysis, &path)?;
            report.files.push(path);
            on_progress(i + 1, pairs.len());
        }
        return Ok(report);
    }
    let chosen = super::videos_to_write(state, out_dir, file_name)?;
    let total = chosen.len();
    for (i, v) in chosen.into_iter().enumerate() {
        let analysis = from_project(state, v, &video_path(v), &mut report);
        report.frames += state.labeled_frames(v.id).count();
        let path: PathBuf = match file_name {
            Some(name) => out_dir.join(name),
            None => out_dir.join(format!("{}.analysis.h5", folder_name(v))),
        };
        write(&analysis, &path)?;
        report.files.push(path);
        on_progress(i + 1, total);
    }
    Ok(report)
}

/// The labels of an analysis file for an existing project: the video named by `video`
/// or by the file's `video_path`, nodes by name, tracks by name (or by order where the
/// file has no track names).
pub fn labels_from_analysis(
    state: &ProjectState,
    path: &Path,
    video: Option<&str>,
) -> FormatResult<(BTreeMap<LabelKey, Label>, ImportReport)> {
    let a = read(path)?;
    let mut report = ImportReport::default();
    let wanted = video.map(str::to_owned).unwrap_or_else(|| {
        Path::new(&a.video_path.replace('\\', "/"))
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned()
    });
    let target: &Video = state
        .videos
        .iter()
        .find(|v| folder_name(v) == wanted)
        .or(if state.videos.len() == 1 {
            state.videos.first()
        } else {
            None
        })
        .ok_or_else(|| invalid(path, format!("the project has no video '{wanted}'")))?;
    let video_id: VideoId = target.id;
    let scores_are_human = a.point_scores.iter().all(|s| s.is_nan() || *s == 1.0);
    let provenance = if scores_are_human {
        Provenance::Human
    } else {
        Provenance::Model {
            model: "sleap".into(),
        }
    };
    let mut labels = BTreeMap::new();
    let mut frames = std::collections::BTreeSet::new();
    for t in 0..a.n_tracks() {
        let individual = match a.track_names.get(t) {
            Some(name) => match state.individual_by_name(name) {
                Some(i) => i.id,
                None => {
                    report.skip(
                        format!("track '{name}' is not one of the project's individuals"),
                        1,
                    );
                    continue;
                }
            },
            None => match state.individuals.get(t) {
                Some(i) => i.id,
                None => {
                    report.skip(format!("track {t} has no individual to go to"), 1);
                    continue;
                }
            },
        };
        for (n, name) in a.node_names.iter().enumerate() {
            let Some(k) = state.skeleton.by_name(name) else {
                let count = (0..a.n_frames)
                    .filter(|&f| !a.at(t, 0, n, f).is_nan())
                    .count();
                report.skip(format!("node '{name}' is not in the skeleton"), count);
                continue;
            };
            for f in 0..a.n_frames {
                let (x, y) = (a.at(t, 0, n, f), a.at(t, 1, n, f));
                if x.is_nan() || y.is_nan() {
                    continue;
                }
                if f as u64 >= target.def.frame_count {
                    report.skip(format!("frame {f} is past the video's end"), 1);
                    continue;
                }
                frames.insert(f);
                labels.insert(
                    LabelKey {
                        video: video_id,
                        frame_idx: f as u64,
                        individual,
                        keypoint: k.id,
                    },
                    Label {
                        x,
                        y,
                        visibility: Visibility::Visible,
                        provenance: provenance.clone(),
                        score: if scores_are_human {
                            None
                        } else {
                            a.point_scores
                                .get((t * a.node_names.len() + n) * a.n_frames + f)
                                .copied()
                                .filter(|s| !s.is_nan())
                        },
                    },
                );
            }
        }
    }
    report.frames = frames.len();
    report.labels = labels.len();
    Ok((labels, report))
}
