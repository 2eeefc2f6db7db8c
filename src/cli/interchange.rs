//! `kinelab import`, `export` and `convert`, and opening DeepLabCut projects: other
//! tools' files in and out, with a summary of what was skipped and why.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use anyhow::bail;
use clap::ValueEnum;
use clap::builder::PossibleValue;

use crate::formats::{DatasetFormat, ForeignProject, LabelFileFormat, ProjectAccess};
use crate::formats::{dlc_project, prediction_import};
use crate::project::Project;
use crate::project::prediction_store::{PredictionReader, PredictionSource};
use crate::util::text::plural;
use crate::video::project_access::FfmpegVideos;

/// What `kinelab export` writes: the export formats, by the names they give
/// themselves (one list, `DatasetFormat::ALL`, for the GUI, the CLI and its help).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportFormat(pub DatasetFormat);

static EXPORT_FORMATS: LazyLock<Vec<ExportFormat>> =
    LazyLock::new(|| DatasetFormat::ALL.into_iter().map(ExportFormat).collect());

impl ValueEnum for ExportFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &EXPORT_FORMATS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.id()).help(self.0.title()))
    }
}

/// What `kinelab convert` writes: a one-file label format, or any export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvertFormat {
    LabelFile(LabelFileFormat),
    Dataset(DatasetFormat),
}

static CONVERT_FORMATS: LazyLock<Vec<ConvertFormat>> = LazyLock::new(|| {
    LabelFileFormat::ALL
        .into_iter()
        .map(ConvertFormat::LabelFile)
        .chain(DatasetFormat::ALL.into_iter().map(ConvertFormat::Dataset))
        .collect()
});

impl ValueEnum for ConvertFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &CONVERT_FORMATS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let (id, title) = match self {
            Self::LabelFile(f) => (f.id(), f.title()),
            Self::Dataset(f) => (f.id(), f.title()),
        };
        Some(PossibleValue::new(id).help(title))
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
        let imported = crate::formats::labels_from_file(project.state(), file, video)?;
        let bar = super::progress::bar(0, "writing predictions");
        let set = prediction_import::write_predictions(project.path(), &imported, &mut |d, t| {
            bar.set_length(t);
            bar.set_position(d);
        })?;
        bar.finish_and_clear();
        let report = imported.report.summary();
        if !prediction_import::add_to_project(&mut project, file, imported.labels, set)? {
            eprintln!("{}: nothing new", file.display());
        }
        println!("{}: {}", file.display(), report.replace('\n', "\n  "));
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
    let predictions = PredictionReader::open(project.path())?;
    let bar = super::progress::bar(0, "frames");
    let report = format.0.export(
        project.state(),
        &project.dir(),
        out,
        &ProjectAccess {
            videos: &FfmpegVideos,
            predictions: &predictions,
        },
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
    let format = match to {
        ConvertFormat::LabelFile(format) => {
            let table = dlc_project::read_label_file(input)?;
            // A folder gets the input's name with the new extension.
            let out = if out.is_dir() {
                let stem = input.file_stem().unwrap_or_default();
                out.join(stem).with_extension(format.extension())
            } else {
                out.to_owned()
            };
            format.write(&table, &out)?;
            println!(
                "{} × {} written to {}",
                plural(table.n_rows(), "row", "rows"),
                plural(table.n_cols(), "column", "columns"),
                out.display()
            );
            return Ok(());
        }
        ConvertFormat::Dataset(format) => format,
    };
    let is_project = input
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(crate::project::PROJECT_EXTENSION));
    let (state, dir, predictions): (_, _, Box<dyn PredictionSource>) =
        match ForeignProject::detect(input) {
            Some(foreign) => {
                let read = foreign.read(&FfmpegVideos)?;
                eprintln!("{}: {}", input.display(), read.report.summary_as("read"));
                (read.state, read.dir, Box::new(read.predictions))
            }
            None if is_project => {
                let project = Project::open(input)?;
                let predictions = PredictionReader::open(project.path())?;
                (
                    project.state().clone(),
                    project.dir(),
                    Box::new(predictions),
                )
            }
            None => bail!(
                "{}: convert reads a DeepLabCut config.yaml, a SLEAP .slp or a .kinelab project \
                 for --to {}; label files convert to dlc-csv or dlc-h5",
                input.display(),
                format.id()
            ),
        };
    let access = ProjectAccess {
        videos: &FfmpegVideos,
        predictions: predictions.as_ref(),
    };
    let report = format.export(&state, &dir, out, &access, options, &mut |_, _| {})?;
    println!("{}", report.summary());
    Ok(())
}
