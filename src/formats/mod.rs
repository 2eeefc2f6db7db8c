//! Other tools' files, read and written: DeepLabCut (CSV, HDF5, config.yaml), and the
//! pandas HDF5 layouts beneath them. Sits above `project` (it maps files to the domain
//! model) and below `video`, `ui` and `cli`.

pub mod boris;
pub mod boris_ethogram;
pub mod boris_tabular;
pub mod coco;
pub mod dlc_config;
pub mod dlc_csv;
pub mod dlc_labels;
pub mod dlc_predictions;
pub mod dlc_project;
pub mod dlc_table;
pub mod error;
pub mod events_csv;
pub mod frame_images;
pub mod h5;
pub mod lightning_pose;
pub mod pandas_h5;
pub mod prediction_import;
pub mod report;
pub mod sleap_analysis;
pub mod slp;
pub mod slp_write;
pub mod yolo;

pub use error::{FormatError, FormatResult};
pub use frame_images::VideoAccess;
pub use prediction_import::{ImportedFile, ImportedPredictions};
pub use report::{ExportReport, ImportReport};

use std::collections::BTreeMap;
use std::path::Path;

use crate::project::{Label, LabelKey, ProjectState};

/// The dataset formats a project exports to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DatasetFormat {
    /// A DeepLabCut project folder: CollectedData CSV + HDF5, PNG frames, config.yaml.
    Dlc,
    /// DeepLabCut predictions: `<video>DLC_<scorer>.h5` (table format) and `.csv`.
    DlcPredictions,
    /// COCO keypoints: annotations.json and images/.
    Coco,
    /// SLEAP labels: one `.slp` file of user instances on tracks.
    Slp,
    /// SLEAP analysis HDF5, one `<video>.analysis.h5` per video.
    SleapAnalysis,
    /// Lightning Pose: CollectedData.csv and labeled-data/.
    LightningPose,
    /// YOLO pose (Ultralytics): images/, labels/ and data.yaml, split into train/val.
    Yolo,
}

/// The one-file label formats a DeepLabCut label file converts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelFileFormat {
    DlcCsv,
    /// pandas fixed format, as DeepLabCut writes `CollectedData_<scorer>.h5`.
    DlcH5,
}

impl LabelFileFormat {
    pub const ALL: [LabelFileFormat; 2] = [Self::DlcCsv, Self::DlcH5];

    pub fn id(self) -> &'static str {
        match self {
            Self::DlcCsv => "dlc-csv",
            Self::DlcH5 => "dlc-h5",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::DlcCsv => "DeepLabCut CSV, from a DeepLabCut .csv or .h5 label file",
            Self::DlcH5 => {
                "DeepLabCut HDF5 (pandas fixed format), from a DeepLabCut .csv or .h5 label file"
            }
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::DlcCsv => "csv",
            Self::DlcH5 => "h5",
        }
    }

    /// Writes `table` to `path` in this format.
    pub fn write(self, table: &dlc_table::DlcTable, path: &Path) -> FormatResult<()> {
        match self {
            Self::DlcCsv => dlc_csv::write(table, path),
            Self::DlcH5 => pandas_h5::write_fixed(table, path, pandas_h5::DLC_KEY),
        }
    }
}

/// Choices an export may take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExportOptions {
    /// YOLO: the share of frames for validation (0 to 1).
    pub val_fraction: f64,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            val_fraction: yolo::DEFAULT_VAL_FRACTION,
        }
    }
}

impl DatasetFormat {
    pub const ALL: [DatasetFormat; 7] = [
        Self::Dlc,
        Self::DlcPredictions,
        Self::Coco,
        Self::Slp,
        Self::SleapAnalysis,
        Self::LightningPose,
        Self::Yolo,
    ];

    /// The name on the command line (`--format coco`).
    pub fn id(self) -> &'static str {
        match self {
            Self::Dlc => "dlc",
            Self::DlcPredictions => "dlc-predictions",
            Self::Coco => "coco",
            Self::Slp => "slp",
            Self::SleapAnalysis => "sleap-analysis",
            Self::LightningPose => "lightning-pose",
            Self::Yolo => "yolo",
        }
    }

    /// What a person picks from.
    pub fn title(self) -> &'static str {
        match self {
            Self::Dlc => "DeepLabCut (CSV + HDF5, PNG frames, config.yaml)",
            Self::DlcPredictions => "DeepLabCut predictions (<video>DLC_<scorer>.h5 + .csv)",
            Self::Coco => "COCO keypoints (annotations.json + images)",
            Self::Slp => "SLEAP labels (.slp: user instances with tracks, skeleton, videos)",
            Self::SleapAnalysis => "SLEAP analysis HDF5 (one file per video)",
            Self::LightningPose => "Lightning Pose (CollectedData.csv + labeled-data)",
            Self::Yolo => "YOLO pose (images, labels, data.yaml; train/val)",
        }
    }

    /// The extension of the file this format writes when `--out` names one file
    /// rather than a folder: COCO's annotations `.json` (its images go beside it); one
    /// video's SLEAP analysis or DeepLabCut predictions `.h5`. `None`: folders only.
    pub fn single_file_extension(self) -> Option<&'static str> {
        match self {
            Self::Coco => Some("json"),
            Self::SleapAnalysis | Self::DlcPredictions => Some("h5"),
            Self::Slp => Some("slp"),
            Self::Dlc | Self::LightningPose | Self::Yolo => None,
        }
    }

    /// Where an export to `out` goes: `out` is a folder, unless this format writes a
    /// single file and `out` has that file's extension (and is no folder).
    pub fn target(self, out: &Path) -> ExportTarget {
        let names_file = self.single_file_extension().is_some_and(|ext| {
            out.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case(ext))
        }) && !out.is_dir();
        match (names_file, out.file_name()) {
            (true, Some(name)) => ExportTarget {
                dir: out
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .to_owned(),
                file_name: Some(name.to_string_lossy().into_owned()),
            },
            _ => ExportTarget {
                dir: out.to_owned(),
                file_name: None,
            },
        }
    }

    /// Writes the project's labels in this format to `out`: a folder, or for a
    /// single-file format a file with its extension (see [`DatasetFormat::target`]).
    /// `on_progress(done, total)` counts frames.
    pub fn export(
        self,
        state: &ProjectState,
        project_dir: &Path,
        out: &Path,
        access: &ProjectAccess<'_>,
        options: &ExportOptions,
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> FormatResult<ExportReport> {
        let videos = access.videos;
        let ExportTarget { dir, file_name } = self.target(out);
        if dir.is_file() {
            return Err(FormatError::invalid(
                &dir,
                "is a file; this export writes a folder there",
            ));
        }
        let out_dir = dir.as_path();
        std::fs::create_dir_all(out_dir).map_err(|e| FormatError::io(out_dir, e))?;
        let file_name = file_name.as_deref();
        match self {
            Self::Dlc => {
                dlc_project::write_project(state, project_dir, out_dir, videos, on_progress)
            }
            Self::DlcPredictions => {
                dlc_predictions::write(state, out_dir, file_name, access.predictions, on_progress)
            }
            Self::Coco => coco::write(state, project_dir, out_dir, file_name, videos, on_progress),
            Self::Slp => slp_write::write(state, project_dir, out_dir, file_name, on_progress),
            Self::SleapAnalysis => sleap_analysis::write_project(
                state,
                project_dir,
                out_dir,
                file_name,
                access.predictions,
                on_progress,
            ),
            Self::LightningPose => {
                lightning_pose::write(state, project_dir, out_dir, videos, on_progress)
            }
            Self::Yolo => yolo::write(
                state,
                project_dir,
                out_dir,
                videos,
                options.val_fraction.clamp(0.0, 1.0),
                on_progress,
            ),
        }
    }
}

/// A kind of file Kinelab reads, as the help texts and the file pickers list it.
#[derive(Clone, Copy, Debug)]
pub struct FileKind {
    pub name: &'static str,
    /// Extensions without the dot, lower case.
    pub extensions: &'static [&'static str],
    /// The files of this kind, as a person knows them.
    pub examples: &'static str,
}

/// Labels or predictions read from a file by a reader, with what was skipped and why;
/// a model's labels become a prediction set (`prediction_import`).
pub type ReadLabels = FormatResult<(BTreeMap<LabelKey, Label>, ImportReport)>;

/// A kind of file labels or predictions are imported from: how it is named, recognised
/// and read. `IMPORT_KINDS` is the one list the dispatch, the file pickers and the help
/// texts all read.
#[derive(Clone, Copy)]
pub struct ImportKind {
    pub kind: FileKind,
    /// Whether a file with one of the kind's extensions is of this kind (its content
    /// tells a SLEAP analysis `.h5` from a pandas one).
    pub recognises: fn(&Path) -> bool,
    /// Reads the file for a project; `video` names the project video that
    /// frame-numbered rows belong to.
    pub read: fn(&ProjectState, &Path, Option<&str>) -> FormatResult<ImportedFile>,
}

/// What `kinelab import` and File → Import take, in the order a file is matched
/// against them (the first kind that recognises it reads it).
pub const IMPORT_KINDS: &[ImportKind] = &[
    ImportKind {
        kind: FileKind {
            name: "SLEAP analysis HDF5",
            extensions: &["h5", "hdf5"],
            examples: "<video>.analysis.h5",
        },
        recognises: is_sleap_analysis,
        read: read_sleap_analysis,
    },
    ImportKind {
        kind: FileKind {
            name: "DeepLabCut labels or predictions",
            extensions: &["csv", "h5", "hdf5"],
            examples: "CollectedData_<scorer>.csv/.h5, <video>DLC_<scorer>.h5/.csv, machinelabels-iter<N>.h5",
        },
        recognises: any_file,
        read: dlc_project::labels_from_file,
    },
    ImportKind {
        kind: FileKind {
            name: "Lightning Pose labels",
            extensions: &["csv"],
            examples: "CollectedData.csv (with or without its visible columns)",
        },
        recognises: any_file,
        read: dlc_project::labels_from_file,
    },
    ImportKind {
        kind: FileKind {
            name: "SLEAP labels",
            extensions: &["slp"],
            examples: "<name>.slp (user and predicted instances)",
        },
        recognises: any_file,
        read: read_slp,
    },
    ImportKind {
        kind: FileKind {
            name: "COCO keypoints",
            extensions: &["json"],
            examples: "annotations.json, person_keypoints_*.json",
        },
        recognises: any_file,
        read: read_coco,
    },
];

fn any_file(_: &Path) -> bool {
    true
}

/// A reader's labels, a model's among them becoming a prediction set.
fn with_predictions_split(
    state: &ProjectState,
    path: &Path,
    read: ReadLabels,
) -> FormatResult<ImportedFile> {
    let (labels, report) = read?;
    Ok(prediction_import::split_predictions(
        state, path, labels, report,
    ))
}

fn read_sleap_analysis(
    state: &ProjectState,
    path: &Path,
    video: Option<&str>,
) -> FormatResult<ImportedFile> {
    with_predictions_split(
        state,
        path,
        sleap_analysis::labels_from_analysis(state, path, video),
    )
}

fn read_slp(state: &ProjectState, path: &Path, _video: Option<&str>) -> FormatResult<ImportedFile> {
    with_predictions_split(state, path, slp::labels_from_slp(state, path))
}

fn read_coco(
    state: &ProjectState,
    path: &Path,
    _video: Option<&str>,
) -> FormatResult<ImportedFile> {
    with_predictions_split(state, path, coco::labels_from_coco(state, path))
}

/// The file kinds of `IMPORT_KINDS`, for pickers and help texts.
pub fn import_file_kinds() -> Vec<FileKind> {
    IMPORT_KINDS.iter().map(|k| k.kind).collect()
}

/// What opens as a project: Kinelab's own file, or another tool's project, opened
/// through a sidecar Kinelab project made the first time.
pub const PROJECT_KINDS: &[FileKind] = &[
    FileKind {
        name: "Kinelab project",
        extensions: &[crate::project::PROJECT_EXTENSION],
        examples: "<name>.kinelab",
    },
    FileKind {
        name: "DeepLabCut project",
        extensions: &["yaml", "yml"],
        examples: "its config.yaml, or its folder (imported into kinelab.kinelab inside it)",
    },
    FileKind {
        name: "SLEAP labels",
        extensions: &["slp"],
        examples: "<name>.slp (imported into <name>.kinelab beside it)",
    },
];

/// The extensions of `kinds`, each once, in order.
pub fn extensions_of(kinds: &[FileKind]) -> Vec<&'static str> {
    let mut all: Vec<&'static str> = Vec::new();
    for kind in kinds {
        for ext in kind.extensions {
            if !all.contains(ext) {
                all.push(ext);
            }
        }
    }
    all
}

/// Whether `path`'s extension is one of `kinds`'.
pub fn is_of_kind(path: &Path, kinds: &[FileKind]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions_of(kinds).contains(&e.to_ascii_lowercase().as_str()))
}

/// `kinds` as lines for a help text: "  DeepLabCut labels or predictions (.csv, .h5): ...".
pub fn kinds_help(kinds: &[FileKind]) -> String {
    kinds
        .iter()
        .map(|k| {
            let exts: Vec<String> = k.extensions.iter().map(|e| format!(".{e}")).collect();
            format!("  {} ({}): {}", k.name, exts.join(", "), k.examples)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What an export reads besides the project state: the videos' frames, and the
/// prediction sets' arrays.
pub struct ProjectAccess<'a> {
    pub videos: &'a dyn VideoAccess,
    pub predictions: &'a dyn crate::project::prediction_store::PredictionSource,
}

impl<'a> ProjectAccess<'a> {
    /// Access for a state without prediction sets.
    pub fn without_predictions(videos: &'a dyn VideoAccess) -> Self {
        Self {
            videos,
            predictions: &crate::project::prediction_store::NO_PREDICTIONS,
        }
    }
}

/// Where an export writes: its folder, and the one file's name when `--out` named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportTarget {
    pub dir: std::path::PathBuf,
    pub file_name: Option<String>,
}

/// The videos a per-video export writes: all of them into a folder, or the one video
/// that a single named file can hold (the only video, else the only one with labels).
pub fn videos_to_write<'a>(
    state: &'a ProjectState,
    out_dir: &Path,
    file_name: Option<&str>,
) -> FormatResult<Vec<&'a crate::project::Video>> {
    let Some(name) = file_name else {
        return Ok(state.videos.iter().collect());
    };
    if let [only] = state.videos.as_slice() {
        return Ok(vec![only]);
    }
    let labeled: Vec<&crate::project::Video> = state
        .videos
        .iter()
        .filter(|v| state.labeled_frames(v.id).next().is_some())
        .collect();
    match labeled.as_slice() {
        [only] => Ok(vec![*only]),
        _ => Err(FormatError::invalid(
            &out_dir.join(name),
            format!(
                "names one file, but {} videos have labels and each gets its own file: give a folder",
                labeled.len()
            ),
        )),
    }
}

/// Labels (or predictions) from another tool's file, for an existing project, read by
/// the first of `IMPORT_KINDS` whose extension it has and that recognises it. `video`
/// names the project video that frame-numbered rows (or an analysis file) belong to.
pub fn labels_from_file(
    state: &ProjectState,
    path: &Path,
    video: Option<&str>,
) -> FormatResult<ImportedFile> {
    let kind = IMPORT_KINDS
        .iter()
        .find(|k| is_of_kind(path, &[k.kind]) && (k.recognises)(path));
    match kind {
        Some(kind) => (kind.read)(state, path, video),
        None => Err(FormatError::invalid(
            path,
            format!(
                "unknown kind of file; Kinelab imports:\n{}",
                kinds_help(&import_file_kinds())
            ),
        )),
    }
}

/// True for an HDF5 file laid out as a SLEAP analysis file (a root `tracks` dataset),
/// not a pandas frame.
pub(crate) fn is_sleap_analysis(path: &Path) -> bool {
    h5::open_file(path)
        .and_then(|f| f.dataset("tracks"))
        .is_ok()
}

/// Another tool's project as read, with no project file made.
pub struct ForeignRead {
    /// The project's name (the DeepLabCut task, the `.slp` file's stem).
    pub name: String,
    pub state: ProjectState,
    /// The folder the state's video paths are relative to.
    pub dir: std::path::PathBuf,
    pub report: ImportReport,
    /// The arrays of the state's prediction sets.
    pub predictions: crate::project::prediction_store::InMemoryPredictions,
}

/// Another tool's project that opens through a sidecar Kinelab project: a DeepLabCut
/// project (its `config.yaml` or folder) or a SLEAP `.slp` file.
pub enum ForeignProject {
    /// The project's `config.yaml`.
    Dlc(std::path::PathBuf),
    Slp(std::path::PathBuf),
}

impl ForeignProject {
    /// What `path` is, where it is another tool's project.
    pub fn detect(path: &Path) -> Option<Self> {
        if let Some(config) = dlc_project::dlc_config_path(path) {
            return Some(Self::Dlc(config));
        }
        let is_slp = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("slp"));
        is_slp.then(|| Self::Slp(path.to_owned()))
    }

    /// Where its sidecar project is (or will be).
    pub fn sidecar(&self) -> std::path::PathBuf {
        match self {
            Self::Dlc(config) => {
                dlc_project::sidecar_path(config.parent().unwrap_or(Path::new(".")))
            }
            Self::Slp(file) => slp::sidecar_path(file),
        }
    }

    /// Reads the project into a state, with no project file made; video paths in it are
    /// relative to the returned folder. A model's predictions (a `.slp`'s predicted
    /// instances) are a prediction set of the state, its arrays in memory.
    pub fn read(&self, videos: &dyn VideoAccess) -> FormatResult<ForeignRead> {
        let (name, mut state, dir, mut report, source) = match self {
            Self::Dlc(config) => {
                let imported = dlc_project::read_project(config, videos)?;
                let dir = config.parent().unwrap_or(Path::new(".")).to_owned();
                (imported.name, imported.state, dir, imported.report, config)
            }
            Self::Slp(file) => {
                let (name, state, report) = slp::read_project(file, videos)?;
                let dir = file.parent().unwrap_or(Path::new(".")).to_owned();
                (name, state, dir, report, file)
            }
        };
        let predictions = prediction_import::take_model_labels(&mut state, source);
        if let Some(set) = state.present_prediction_sets().next() {
            let points: usize = predictions.0.values().map(|a| a.point_count()).sum();
            let frames: usize = predictions.0.values().map(|a| a.frames_with_points()).sum();
            report.labels = report.labels.saturating_sub(points);
            report.predicted_points = points;
            report.predicted_frames = frames;
            tracing::debug!(
                "{}: predictions as set '{}'",
                source.display(),
                set.def.name
            );
        }
        Ok(ForeignRead {
            name,
            state,
            dir,
            report,
            predictions,
        })
    }

    /// Opens the sidecar project's path, importing the project into it the first time
    /// (then with the import's report): its labels as the project's, its predictions
    /// as prediction sets.
    pub fn open_or_import(
        &self,
        videos: &dyn VideoAccess,
    ) -> FormatResult<(std::path::PathBuf, Option<ImportReport>)> {
        let sidecar = self.sidecar();
        if sidecar.exists() {
            return Ok((sidecar, None));
        }
        let read = self.read(videos)?;
        let mut state = read.state;
        let sets = std::mem::take(&mut state.prediction_sets);
        crate::project::Project::create_from_state(&sidecar, &read.name, &state)
            .map_err(|e| FormatError::invalid(&sidecar, e.to_string()))?;
        let written = (|| -> crate::project::ProjectResult<()> {
            let mut writer = crate::project::prediction_store::PredictionWriter::open(&sidecar)?;
            for set in sets.values() {
                let arrays: Vec<_> = set
                    .videos
                    .iter()
                    .filter_map(|v| {
                        Some((v.video, read.predictions.0.get(&(set.id, v.video))?.clone()))
                    })
                    .collect();
                writer.write_set(&set.def, &arrays, true, &mut |_, _| {})?;
            }
            Ok(())
        })();
        if let Err(e) = written {
            // A half-made sidecar would open next time as if complete.
            let _ = std::fs::remove_file(&sidecar);
            return Err(FormatError::invalid(&sidecar, e.to_string()));
        }
        Ok((sidecar, Some(read.report)))
    }
}
