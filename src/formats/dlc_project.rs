//! A DeepLabCut project folder as a Kinelab project, and back.
//!
//! Reading: `config.yaml` gives the skeleton, individuals and scorer; each
//! `labeled-data/<video>/CollectedData_<scorer>.h5` (or `.csv`) gives labels. Frames are
//! PNGs named by frame index (`img0042.png`): where the folder's video is there, labels
//! land on that video's frames; otherwise the folder of PNGs is the "video".
//!
//! Writing: `CollectedData_<scorer>.csv` and `.h5` per video, PNGs for labeled frames
//! that have none, and the config's skeleton keys, each file written atomically.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::dlc_config::{self, DlcConfig, pair_list, string_list};
use super::dlc_labels::{labels_from_table, table_from_labels};
use super::dlc_table::{DlcTable, RowIndex};
use super::error::{FormatError, FormatResult};
use super::frame_images::VideoAccess;
use super::prediction_import::{ImportedFile, ImportedPredictions};
use super::report::{ExportReport, ImportReport};
use super::{dlc_csv, pandas_h5};
use crate::project::{
    Individual, IndividualDef, IndividualId, Keypoint, KeypointDef, KeypointId, ProjectState,
    Provenance, Rgb, Video, VideoDef, VideoId, ordered_pair,
};

/// Settings keys under which a project remembers its DeepLabCut side.
pub mod keys {
    /// The scorer name that label files carry.
    pub const SCORER: &str = "dlc.scorer";
    /// "parts" (3 index columns, DeepLabCut ≥ 2.3) or "path" (one column).
    pub const INDEX_LAYOUT: &str = "dlc.index_layout";
    /// "true" for a multi-animal project.
    pub const MULTI_ANIMAL: &str = "dlc.multi_animal";
    /// DeepLabCut's likelihood cutoff for showing predictions.
    pub const PCUTOFF: &str = "dlc.pcutoff";
    /// Per video: the frames that were rows of its label file (extracted frames), so
    /// that rows with no label survive a round trip. Followed by the video id.
    pub const ROWS_PREFIX: &str = "dlc.rows.";
}

const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg"];

fn is_image(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// The frame index in an image name (`img0042.png` -> 42).
pub fn frame_index_of_image(name: &str) -> Option<u64> {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let digits: String = stem
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

pub use super::frame_images::image_name;

/// The label file of a labeled-data folder: the `.h5` where there is one (DeepLabCut
/// reads that first), else the `.csv`.
fn label_file(folder: &Path, scorer: &str) -> Option<PathBuf> {
    ["h5", "csv"]
        .iter()
        .map(|ext| folder.join(format!("CollectedData_{scorer}.{ext}")))
        .find(|p| p.is_file())
}

/// Reads a label file by its extension.
pub fn read_label_file(path: &Path) -> FormatResult<DlcTable> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("h5") | Some("hdf5") => pandas_h5::read(path, None),
        _ => dlc_csv::read(path),
    }
}

/// The video file that a labeled-data folder belongs to, where it is on this machine:
/// a `video_sets` path with the folder's name as its stem, as written or in `videos/`.
fn find_video(config: &DlcConfig, folder_name: &str) -> Option<PathBuf> {
    config.videos.iter().find_map(|v| {
        let as_written = PathBuf::from(v.replace('\\', "/"));
        let stem = as_written.file_stem()?.to_str()?;
        if stem != folder_name {
            return None;
        }
        let file_name = as_written.file_name()?;
        [
            as_written.clone(),
            config.dir.join("videos").join(file_name),
        ]
        .into_iter()
        .find(|p| p.is_file())
    })
}

/// A DeepLabCut project read as a new Kinelab project's state.
pub struct ImportedProject {
    pub name: String,
    pub state: ProjectState,
    pub report: ImportReport,
}

/// Reads the DeepLabCut project of `config_path` into a project state whose video paths
/// are relative to the DeepLabCut folder (where the sidecar project file goes).
pub fn read_project(config_path: &Path, videos: &dyn VideoAccess) -> FormatResult<ImportedProject> {
    let config = dlc_config::read(config_path)?;
    let config_path = if config_path.is_dir() {
        config_path.join("config.yaml")
    } else {
        config_path.to_owned()
    };
    let mut report = ImportReport::default();
    let mut state = ProjectState::default();

    // Skeleton: shared bodyparts, then unique ones.
    let all: Vec<(&String, bool)> = config
        .bodyparts
        .iter()
        .map(|b| (b, false))
        .chain(config.unique_bodyparts.iter().map(|b| (b, true)))
        .collect();
    for (i, (name, unique)) in all.iter().enumerate() {
        if state.skeleton.by_name(name).is_some() {
            report.warnings.push(format!(
                "bodypart '{name}' is listed twice in {}",
                config_path.display()
            ));
            continue;
        }
        state.skeleton.keypoints.push(Keypoint {
            id: KeypointId(i as i64 + 1),
            def: KeypointDef {
                name: (*name).clone(),
                color: Rgb::rainbow(i, all.len()),
                order: i as i64,
                unique: *unique,
            },
        });
    }
    for (a, b) in &config.skeleton {
        match (state.skeleton.by_name(a), state.skeleton.by_name(b)) {
            (Some(ka), Some(kb)) if ka.id != kb.id => {
                state.skeleton.edges.insert(ordered_pair(ka.id, kb.id));
            }
            _ => report.warnings.push(format!(
                "skeleton edge {a}-{b} names a bodypart that is not in the config; left out"
            )),
        }
    }
    let individuals = if config.individuals.is_empty() {
        vec!["animal".to_owned()]
    } else {
        config.individuals.clone()
    };
    for (i, name) in individuals.iter().enumerate() {
        state.individuals.push(Individual {
            id: IndividualId(i as i64 + 1),
            def: IndividualDef {
                name: name.clone(),
                order: i as i64,
            },
        });
    }
    state
        .settings
        .insert(keys::SCORER.into(), config.scorer.clone());
    state
        .settings
        .insert(keys::MULTI_ANIMAL.into(), config.multi_animal.to_string());
    if let Some(size) = config.dotsize {
        state.settings.insert(
            crate::project::settings_keys::MARKER_SIZE.into(),
            size.to_string(),
        );
    }
    if let Some(pcutoff) = config.pcutoff {
        // The likelihood below which DeepLabCut hides a prediction.
        state
            .settings
            .insert(keys::PCUTOFF.into(), pcutoff.to_string());
    }

    // One video (or image folder) per labeled-data folder.
    let labeled = config.dir.join("labeled-data");
    let mut folders: Vec<PathBuf> = match std::fs::read_dir(&labeled) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect(),
        Err(_) => Vec::new(),
    };
    folders.sort();
    let mut index_layout = None;
    for folder in folders {
        let Some(folder_name) = folder
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
        else {
            continue;
        };
        // Skip DeepLabCut's own derived folders.
        if folder_name.ends_with("_labeled") || folder_name.ends_with("_cropped") {
            continue;
        }
        let table = match label_file(&folder, &config.scorer) {
            Some(file) => Some((read_label_file(&file)?, file)),
            None => None,
        };
        let video_id = VideoId(state.videos.len() as i64 + 1);
        let video_file = find_video(&config, &folder_name);
        let mut images: BTreeSet<String> = std::fs::read_dir(&folder)
            .map_err(|e| FormatError::io(&folder, e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| is_image(p))
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_owned))
            .collect();
        let def = match &video_file {
            Some(path) => match videos.describe(&config.dir, path) {
                Ok(def) => Some(def),
                Err(e) => {
                    report.warnings.push(format!(
                        "{}: {e}; the PNGs of labeled-data/{folder_name} are used instead",
                        path.display()
                    ));
                    None
                }
            },
            None => None,
        };
        if let Some((
            DlcTable {
                index: RowIndex::Paths(rows),
                ..
            },
            _,
        )) = &table
        {
            {
                index_layout.get_or_insert(if rows.first().is_some_and(|r| r.len() > 1) {
                    "parts"
                } else {
                    "path"
                });
                if def.is_none() {
                    images.extend(
                        rows.iter()
                            .filter_map(|r| r.last())
                            .filter(|n| !n.is_empty())
                            .map(|n| n.rsplit('/').next().unwrap_or(n).to_owned()),
                    );
                }
            }
        }
        let def = match def {
            Some(def) => def,
            None => {
                let files: Vec<String> = images.iter().cloned().collect();
                let (width, height) = files
                    .iter()
                    .find_map(|f| image::image_dimensions(folder.join(f)).ok())
                    .unwrap_or((0, 0));
                let missing: Vec<&String> =
                    files.iter().filter(|f| !folder.join(f).is_file()).collect();
                if !missing.is_empty() {
                    report.warnings.push(format!(
                        "{} labeled frames of labeled-data/{folder_name} have no image ({}{}): their labels are kept",
                        missing.len(),
                        missing.iter().take(3).map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                        if missing.len() > 3 { ", ..." } else { "" }
                    ));
                }
                VideoDef {
                    path: format!("labeled-data/{folder_name}"),
                    size_bytes: 0,
                    edge_hash: 0,
                    width,
                    height,
                    fps: 0.0,
                    frame_count: files.len() as u64,
                    frame_files: Some(files),
                }
            }
        };
        let frame_files = def.frame_files.clone();
        let frame_count = def.frame_count;
        state.videos.push(Video { id: video_id, def });
        let Some((table, file)) = table else {
            continue;
        };
        let mut rows = BTreeSet::new();
        let labels = labels_from_table(
            &table,
            &state,
            &Provenance::Human,
            |r| {
                let name = table.index.name(r);
                let image = name.rsplit('/').next().unwrap_or(&name).to_owned();
                let frame_idx = match &frame_files {
                    Some(files) => files.iter().position(|f| *f == image).map(|i| i as u64),
                    None => frame_index_of_image(&image).filter(|&i| i < frame_count),
                }
                .ok_or_else(|| {
                    format!(
                        "{}: row '{name}' names no frame of the video",
                        file.display()
                    )
                })?;
                rows.insert(frame_idx);
                Ok((video_id, frame_idx))
            },
            &mut report,
        );
        state.labels.extend(labels);
        state.settings.insert(
            format!("{}{}", keys::ROWS_PREFIX, video_id.0),
            serde_json::to_string(&rows).unwrap_or_default(),
        );
    }
    state.settings.insert(
        keys::INDEX_LAYOUT.into(),
        index_layout.unwrap_or("parts").into(),
    );
    state.rebuild_frame_counts();
    let name = if config.task.is_empty() {
        config
            .dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("deeplabcut")
            .to_owned()
    } else {
        config.task.clone()
    };
    Ok(ImportedProject {
        name,
        state,
        report,
    })
}

/// The sidecar project file that Kinelab keeps inside a DeepLabCut project folder.
pub fn sidecar_path(dlc_dir: &Path) -> PathBuf {
    dlc_dir.join("kinelab.kinelab")
}

/// The rows (name parts, frame) of video `v`'s label file: the frames that were rows
/// when imported, plus every labeled frame, by frame.
fn export_rows(
    state: &ProjectState,
    v: &Video,
    parts_layout: bool,
) -> (String, Vec<(Vec<String>, u64)>) {
    let mut frames: BTreeSet<u64> = state
        .settings
        .get(&format!("{}{}", keys::ROWS_PREFIX, v.id.0))
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    frames.extend(state.labeled_frames(v.id));
    let folder = folder_name(v);
    let rows = frames
        .into_iter()
        .filter_map(|f| {
            let image = super::frame_images::frame_image_name(v, f)?;
            let parts = if parts_layout {
                vec!["labeled-data".to_owned(), folder.clone(), image]
            } else {
                vec![format!("labeled-data/{folder}/{image}")]
            };
            Some((parts, f))
        })
        .collect();
    (folder, rows)
}

/// Writes the project as a DeepLabCut project in `out_dir`: label files (CSV and HDF5)
/// and images per video, and `config.yaml` (its skeleton keys updated where it exists,
/// a new one otherwise). `project_dir` resolves the project's video paths.
/// `on_progress(done, total)` counts frames.
pub fn write_project(
    state: &ProjectState,
    project_dir: &Path,
    out_dir: &Path,
    videos: &dyn VideoAccess,
    on_progress: &mut dyn FnMut(usize, usize),
) -> FormatResult<ExportReport> {
    let mut report = ExportReport::default();
    let parts_layout = state
        .settings
        .get(keys::INDEX_LAYOUT)
        .is_none_or(|l| l == "parts");
    let total: usize = state
        .videos
        .iter()
        .map(|v| export_rows(state, v, parts_layout).1.len())
        .sum();
    let mut done = 0usize;
    let scorer = state
        .settings
        .get(keys::SCORER)
        .cloned()
        .unwrap_or_else(|| "kinelab".into());
    let multi_animal = state.settings.get(keys::MULTI_ANIMAL).map_or(
        state.individuals.len() > 1 || state.skeleton.keypoints.iter().any(|k| k.def.unique),
        |v| v == "true",
    );
    let parts_layout = state
        .settings
        .get(keys::INDEX_LAYOUT)
        .is_none_or(|l| l == "parts");
    // (labeled-data folder, the video's path, its size) of each folder written.
    let mut folders_written: Vec<(String, PathBuf, u32, u32)> = Vec::new();
    for v in &state.videos {
        let (folder_name, rows) = export_rows(state, v, parts_layout);
        if rows.is_empty() {
            continue;
        }
        let video_path = match &v.def.frame_files {
            // An image folder has no video: name one after the folder, where DeepLabCut
            // keeps videos, so that its `video_sets` key leads to the folder.
            Some(_) => absolute(out_dir)
                .join("videos")
                .join(format!("{folder_name}.mp4")),
            None => absolute(&crate::project::document::resolve_video_path(
                project_dir,
                &v.def.path,
            )),
        };
        folders_written.push((folder_name.clone(), video_path, v.def.width, v.def.height));
        let folder = out_dir.join("labeled-data").join(&folder_name);
        std::fs::create_dir_all(&folder).map_err(|e| FormatError::io(&folder, e))?;
        let frames: Vec<(u64, PathBuf)> = rows
            .iter()
            .map(|(parts, frame_idx)| {
                let image = parts
                    .last()
                    .map(|p| p.rsplit('/').next().unwrap_or(p).to_owned())
                    .unwrap_or_default();
                (*frame_idx, folder.join(image))
            })
            .collect();
        super::frame_images::write_frame_images(
            v,
            project_dir,
            &frames,
            videos,
            &mut report,
            &mut || {
                done += 1;
                on_progress(done, total);
            },
        )?;
        let table = table_from_labels(state, v.id, &scorer, multi_animal, &rows);
        report.frames += rows.len();
        report.labels += table.values.iter().filter(|x| !x.is_nan()).count() / 2;
        let csv = folder.join(format!("CollectedData_{scorer}.csv"));
        let h5 = folder.join(format!("CollectedData_{scorer}.h5"));
        dlc_csv::write(&table, &csv)?;
        pandas_h5::write_fixed(&table, &h5, pandas_h5::DLC_KEY)?;
        report.files.push(csv);
        report.files.push(h5);
    }
    let config = out_dir.join("config.yaml");
    let names = |unique: bool| -> Vec<String> {
        state
            .skeleton
            .keypoints
            .iter()
            .filter(|k| k.def.unique == unique)
            .map(|k| k.def.name.clone())
            .collect()
    };
    let edges: Vec<(String, String)> = state
        .skeleton
        .edges
        .iter()
        .map(|&(a, b)| (state.skeleton.name_of(a), state.skeleton.name_of(b)))
        .collect();
    let mut updates: Vec<(&str, serde_norway::Value)> = vec![("skeleton", pair_list(&edges))];
    if multi_animal {
        let individuals: Vec<String> = state
            .individuals
            .iter()
            .map(|i| i.def.name.clone())
            .collect();
        updates.push(("multianimalproject", serde_norway::Value::Bool(true)));
        updates.push(("individuals", string_list(&individuals)));
        updates.push(("multianimalbodyparts", string_list(&names(false))));
        updates.push(("uniquebodyparts", string_list(&names(true))));
        updates.push(("bodyparts", serde_norway::Value::String("MULTI!".into())));
    } else {
        updates.push(("bodyparts", string_list(&names(false))));
    }
    // DeepLabCut finds labeled data only through `video_sets`: its keys' stems name
    // the labeled-data folders. Existing entries stay; each folder without one gets one.
    let mut video_sets = if config.is_file() {
        dlc_config::video_sets(&config)?
    } else {
        serde_norway::Mapping::new()
    };
    let known: BTreeSet<String> = video_sets
        .keys()
        .filter_map(|k| k.as_str().map(dlc_config::video_set_stem))
        .collect();
    let mut added = false;
    for (folder, video_path, width, height) in &folders_written {
        if !known.contains(folder) {
            video_sets.insert(
                serde_norway::Value::String(video_path.display().to_string()),
                dlc_config::video_set_entry(*width, *height),
            );
            added = true;
        }
    }
    if added || !config.is_file() {
        updates.push(("video_sets", serde_norway::Value::Mapping(video_sets)));
    }
    let text = match std::fs::read_to_string(&config) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let task = out_dir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("kinelab");
            dlc_config::new_config_text(task, &scorer, &absolute(out_dir), multi_animal)
        }
        Err(e) => return Err(FormatError::io(&config, e)),
    };
    dlc_config::write_with_keys_replaced(&config, &text, &updates)?;
    report.files.push(config);
    Ok(report)
}

/// `path` made absolute (without resolving links), for paths written into a config.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// The config file of a DeepLabCut project given as its `config.yaml` or its folder.
pub fn dlc_config_path(path: &Path) -> Option<PathBuf> {
    if path.is_dir() {
        Some(path.join("config.yaml")).filter(|p| p.is_file())
    } else {
        let is_yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        (is_yaml && path.is_file()).then(|| path.to_owned())
    }
}

/// Opens a DeepLabCut project as its sidecar Kinelab project, importing it the first
/// time. Returns the sidecar's path and, when it was just made, the import's report.
pub fn open_or_import(
    config_path: &Path,
    videos: &dyn VideoAccess,
) -> FormatResult<(PathBuf, Option<ImportReport>)> {
    let sidecar = sidecar_path(config_path.parent().unwrap_or(Path::new(".")));
    if sidecar.exists() {
        return Ok((sidecar, None));
    }
    let imported = read_project(config_path, videos)?;
    crate::project::Project::create_from_state(&sidecar, &imported.name, &imported.state)
        .map_err(|e| FormatError::invalid(&sidecar, e.to_string()))?;
    Ok((sidecar, Some(imported.report)))
}

/// The labeled-data folder name of a project video: its image folder's name, or its
/// file's stem.
pub fn folder_name(v: &Video) -> String {
    match &v.def.frame_files {
        Some(_) => v
            .def
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&v.def.path)
            .to_owned(),
        None => Path::new(&v.def.path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("video")
            .to_owned(),
    }
}

/// Places a table row on a project frame, or says why it cannot.
type FrameOfRow<'a> = dyn FnMut(usize) -> Result<(VideoId, u64), String> + 'a;

/// Reads a DeepLabCut label or prediction file (CSV or HDF5) for an existing project.
/// Label files name their frames by image path; prediction files number them, and
/// belong to the video named by `video` or by the file name (`<video>DLC_...`). A file
/// with likelihood columns is a model's predictions: a prediction set under the file's
/// scorer, built straight into arrays.
pub fn labels_from_file(
    state: &ProjectState,
    path: &Path,
    video: Option<&str>,
) -> FormatResult<ImportedFile> {
    let table = read_label_file(path)?;
    let mut report = ImportReport::default();
    let scorer = table
        .level("scorer")
        .and_then(|l| table.columns.first().map(|c| c[l].clone()))
        .unwrap_or_default();
    let has_likelihood = table
        .columns
        .iter()
        .any(|c| c.last().is_some_and(|x| x == "likelihood"));
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let find_video = |name: &str| state.videos.iter().find(|v| folder_name(v) == name);
    let frame_of_row: Box<FrameOfRow<'_>> = match &table.index {
        RowIndex::Frames(frames) => {
            let wanted = video.map(str::to_owned).or_else(|| {
                file_name
                    .split_once("DLC")
                    .map(|(stem, _)| stem.trim_end_matches('_').to_owned())
            });
            let target = match wanted.as_deref() {
                Some(name) => find_video(name).ok_or_else(|| {
                    FormatError::invalid(path, format!("the project has no video '{name}'"))
                })?,
                None if state.videos.len() == 1 => &state.videos[0],
                None => {
                    return Err(FormatError::invalid(
                        path,
                        "its rows are frame numbers, and the file name does not say which video they belong to: name the video",
                    ));
                }
            };
            let count = target.def.frame_count;
            let id = target.id;
            Box::new(move |r| {
                let f = frames[r];
                if f < 0 || (count > 0 && f as u64 >= count) {
                    Err(format!("frame {f} is outside the video's {count} frames"))
                } else {
                    Ok((id, f as u64))
                }
            })
        }
        RowIndex::Paths(rows) => Box::new(move |r| frame_of_image_path(state, &rows[r].join("/"))),
    };
    if has_likelihood {
        let arrays =
            super::dlc_labels::predictions_from_table(&table, state, frame_of_row, &mut report);
        let predictions = (!arrays.is_empty()).then(|| ImportedPredictions {
            def: super::prediction_import::set_def(path, &scorer),
            videos: arrays.into_iter().collect(),
        });
        return Ok(ImportedFile {
            labels: BTreeMap::new(),
            predictions,
            report,
        });
    }
    let labels = labels_from_table(&table, state, &Provenance::Human, frame_of_row, &mut report);
    Ok(ImportedFile {
        labels,
        predictions: None,
        report,
    })
}

/// The project frame that an image path names (`labeled-data/<video>/<image>` or
/// `<video>/<image>`): the video by its folder name, the frame by the image's place in an
/// image folder or by the index in its name.
pub fn frame_of_image_path(
    state: &ProjectState,
    image_path: &str,
) -> Result<(VideoId, u64), String> {
    let parts: Vec<&str> = image_path.split(['/', '\\']).collect();
    let (folder, image) = match parts.as_slice() {
        [.., folder, image] => (*folder, *image),
        _ => {
            return Err(format!(
                "'{image_path}' does not name a video folder and an image"
            ));
        }
    };
    let v = state
        .videos
        .iter()
        .find(|v| folder_name(v) == folder)
        .ok_or_else(|| format!("the project has no video '{folder}'"))?;
    let frame = match &v.def.frame_files {
        Some(files) => files.iter().position(|f| f == image).map(|i| i as u64),
        None => frame_index_of_image(image).filter(|&i| i < v.def.frame_count),
    };
    frame
        .map(|f| (v.id, f))
        .ok_or_else(|| format!("image '{image}' is not a frame of video '{folder}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_follow_deeplabcut_padding_and_read_back() {
        assert_eq!(image_name(27, 116), "img027.png");
        assert_eq!(image_name(27, 2330), "img0027.png");
        assert_eq!(image_name(5, 1000), "img005.png");
        assert_eq!(frame_index_of_image("img0042.png"), Some(42));
        assert_eq!(frame_index_of_image("frame.png"), None);
    }
}
