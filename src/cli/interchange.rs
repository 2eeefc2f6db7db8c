//! `kinelab import`, `export` and `convert`, and opening DeepLabCut projects: other
//! tools' files in and out, with a summary of what was skipped and why.

use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::ValueEnum;

use crate::formats::dlc_project;
use crate::formats::{DatasetFormat, ForeignProject, dlc_csv, pandas_h5};
use crate::project::{Project, edits};
use crate::util::text::plural;
use crate::video::project_access::FfmpegVideos;

/// What `kinelab export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A DeepLabCut project: labeled-data/<video>/CollectedData_<scorer>.csv and .h5,
    /// the frames as PNG, and config.yaml.
    Dlc,
    /// DeepLabCut predictions: <video>DLC_<scorer>.h5 (table format) and .csv per video.
    DlcPredictions,
    /// COCO keypoints: annotations.json and images/<video>/.
    Coco,
    /// SLEAP analysis HDF5: <video>.analysis.h5 per video.
    SleapAnalysis,
    /// Lightning Pose: CollectedData.csv and labeled-data/.
    LightningPose,
    /// YOLO pose: images/, labels/ (train and val) and data.yaml.
    Yolo,
}

impl ExportFormat {
    fn dataset(self) -> DatasetFormat {
        match self {
            Self::Dlc => DatasetFormat::Dlc,
            Self::DlcPredictions => DatasetFormat::DlcPredictions,
            Self::Coco => DatasetFormat::Coco,
            Self::SleapAnalysis => DatasetFormat::SleapAnalysis,
            Self::LightningPose => DatasetFormat::LightningPose,
            Self::Yolo => DatasetFormat::Yolo,
        }
    }
}

/// What `kinelab convert` writes: a label file, or any export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertFormat {
    /// DeepLabCut CSV (from a DeepLabCut .csv or .h5 label file).
    DlcCsv,
    /// DeepLabCut HDF5, pandas fixed format (from a DeepLabCut .csv or .h5 label file).
    DlcH5,
    /// A DeepLabCut project folder.
    Dlc,
    /// DeepLabCut predictions (.h5 in table format, and .csv).
    DlcPredictions,
    /// COCO keypoints.
    Coco,
    /// SLEAP analysis HDF5.
    SleapAnalysis,
    /// Lightning Pose.
    LightningPose,
    /// YOLO pose.
    Yolo,
}

impl ConvertFormat {
    fn dataset(self) -> Option<DatasetFormat> {
        Some(match self {
            Self::DlcCsv | Self::DlcH5 => return None,
            Self::Dlc => DatasetFormat::Dlc,
            Self::DlcPredictions => DatasetFormat::DlcPredictions,
            Self::Coco => DatasetFormat::Coco,
            Self::SleapAnalysis => DatasetFormat::SleapAnalysis,
            Self::LightningPose => DatasetFormat::LightningPose,
            Self::Yolo => DatasetFormat::Yolo,
        })
    }
}

/// The project file to open for `path`: itself, or for a DeepLabCut project (its
/// config.yaml or folder) the sidecar Kinelab project, imported the first time.
pub fn project_to_open(path: &Path) -> anyhow::Result<PathBuf> {
    let (project, report) = crate::video::project_access::project_to_open(path)?;
    if let Some(report) = report {
        eprintln!("imported {} into {}", path.display(), project.display());
        eprintln!("{}", report.summary());
    }
    Ok(project)
}

pub fn import(project: &Path, files: &[PathBuf], video: Option<&str>) -> anyhow::Result<()> {
    let mut project = Project::open(project)?;
    for file in files {
        let (labels, report) = crate::formats::labels_from_file(project.state(), file, video)?;
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("labels");
        match edits::set_labels(project.state(), labels, format!("import {name}")) {
            Some(edit) => project.apply(edit)?,
            None => eprintln!("{}: nothing new", file.display()),
        }
        println!(
            "{}: {}",
            file.display(),
            report.summary().replace('\n', "\n  ")
        );
    }
    Ok(())
}

pub fn export(
    project: &Path,
    format: ExportFormat,
    out: &Path,
    options: &crate::formats::ExportOptions,
) -> anyhow::Result<()> {
    let project = Project::open(&project_to_open(project)?)?;
    let bar = super::progress::bar(0, "frames");
    let report = format.dataset().export(
        project.state(),
        &project.dir(),
        out,
        &FfmpegVideos,
        options,
        &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )?;
    bar.finish_and_clear();
    println!("{}", report.summary());
    Ok(())
}

/// Converts `input` to `to` at `out` with no project file made: a DeepLabCut label
/// file to CSV or HDF5; a DeepLabCut project (config.yaml), a SLEAP `.slp` file or a
/// Kinelab project to any export format (then `out` is a folder).
pub fn convert(
    input: &Path,
    to: ConvertFormat,
    out: &Path,
    options: &crate::formats::ExportOptions,
) -> anyhow::Result<()> {
    let Some(format) = to.dataset() else {
        let table = dlc_project::read_label_file(input)?;
        let ext = match to {
            ConvertFormat::DlcH5 => "h5",
            _ => "csv",
        };
        // A folder gets the input's name with the new extension.
        let out = if out.is_dir() {
            let stem = input.file_stem().unwrap_or_default();
            out.join(stem).with_extension(ext)
        } else {
            out.to_owned()
        };
        match to {
            ConvertFormat::DlcH5 => pandas_h5::write_fixed(&table, &out, pandas_h5::DLC_KEY)?,
            _ => dlc_csv::write(&table, &out)?,
        }
        println!(
            "{} × {} written to {}",
            plural(table.n_rows(), "row", "rows"),
            plural(table.n_cols(), "column", "columns"),
            out.display()
        );
        return Ok(());
    };
    let is_project = input
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(crate::project::PROJECT_EXTENSION));
    let (state, dir) = match ForeignProject::detect(input) {
        Some(foreign) => {
            let (state, dir, report) = foreign.read(&FfmpegVideos)?;
            eprintln!("{}: {}", input.display(), report.summary_as("read"));
            (state, dir)
        }
        None if is_project => {
            let project = Project::open(input)?;
            (project.state().clone(), project.dir())
        }
        None => bail!(
            "{}: convert reads a DeepLabCut config.yaml, a SLEAP .slp or a .kinelab project \
             for --to {}; label files convert to dlc-csv or dlc-h5",
            input.display(),
            to.to_possible_value()
                .map_or(String::new(), |v| v.get_name().to_owned())
        ),
    };
    let report = format.export(&state, &dir, out, &FfmpegVideos, options, &mut |_, _| {})?;
    println!("{}", report.summary());
    Ok(())
}
