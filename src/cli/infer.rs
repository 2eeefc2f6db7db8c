//! `kinelab infer`: a pose model over whole videos, headless, with one output per
//! video under a name that depends only on the video and the model, so a cluster's
//! array jobs can split the videos between them.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::{Context, bail};
use clap::ValueEnum;

use crate::formats::ExportReport;
use crate::formats::{dlc_csv, dlc_predictions, pandas_h5, sleap_analysis};
use crate::inference::layout::PoseLayout;
use crate::inference::model::SpecSource;
use crate::inference::providers::Provider;
use crate::inference::video_run::{Detector, RunReport, run_video_with};
use crate::inference::{PoseModel, SessionOptions};
use crate::project::document::project_dir;
use crate::project::filling_set::FillingSet;
use crate::project::predictions::{PredictionArrays, PredictionSetDef};
use crate::project::{NewProject, Project, ProjectState};
use crate::video::describe::describe_for_project;

use super::progress;

/// What `kinelab infer` writes per video.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InferFormat {
    /// A Kinelab project per video (`<video>.kinelab`), the run as a prediction set;
    /// a project already there gets the run as a new set.
    Kinelab,
    /// DeepLabCut's prediction file, `<video>DLC_<model>.h5` (pandas table).
    DlcH5,
    /// DeepLabCut's prediction CSV, `<video>DLC_<model>.csv`.
    DlcCsv,
    /// SLEAP's analysis file, `<video>.<model>.analysis.h5`.
    SleapAnalysis,
}

/// What `kinelab infer` was given.
#[derive(Debug, clap::Args)]
pub struct InferArgs {
    /// The model (.onnx).
    #[arg(long)]
    pub model: PathBuf,
    /// Its spec (.json); default: <model>.json or model.json beside it, else
    /// recognised.
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Videos to run the model on.
    #[arg(required = true)]
    pub videos: Vec<PathBuf>,
    /// Output folder (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t = InferFormat::Kinelab)]
    pub format: InferFormat,
    /// Frames per model run (at most what the model takes).
    #[arg(long, default_value_t = 8)]
    pub batch: usize,
    /// First frame (from 0).
    #[arg(long)]
    pub start: Option<usize>,
    /// Frame to stop before (default: the end).
    #[arg(long)]
    pub stop: Option<usize>,
    /// Animals kept per frame, best score first (multi-animal models).
    #[arg(long, default_value_t = 1)]
    pub animals: usize,
    /// ONNX Runtime threads per operator (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Where the model runs.
    #[arg(long, value_enum, default_value_t = Provider::Auto)]
    pub provider: Provider,
    /// A detector (an Ultralytics YOLO `task: detect` export) whose best --animals
    /// boxes a top-down model (RTMPose, MMPose) crops around on each frame; without
    /// one, a top-down model sees the whole frame.
    #[arg(long)]
    pub detector: Option<PathBuf>,
    /// Write the recognised spec beside the model (<model>.json) to edit it.
    #[arg(long)]
    pub write_spec: bool,
}

/// The output file for a video, by its stem and the model's name.
pub fn output_path(out: &Path, video: &Path, model_name: &str, format: InferFormat) -> PathBuf {
    let stem = video
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "video".into());
    out.join(match format {
        InferFormat::Kinelab => format!("{stem}.kinelab"),
        InferFormat::DlcH5 => format!("{stem}DLC_{model_name}.h5"),
        InferFormat::DlcCsv => format!("{stem}DLC_{model_name}.csv"),
        InferFormat::SleapAnalysis => format!("{stem}.{model_name}.analysis.h5"),
    })
}

fn animal_names(n: usize) -> Vec<String> {
    if n <= 1 {
        vec!["animal".into()]
    } else {
        (1..=n).map(|i| format!("animal{i}")).collect()
    }
}

pub fn run(args: &InferArgs) -> anyhow::Result<()> {
    if args.batch == 0 {
        bail!("--batch must be at least 1");
    }
    let options = SessionOptions {
        intra_threads: args.threads,
        provider: args.provider,
        no_spinning: true,
    };
    let mut model = PoseModel::open(&args.model, args.spec.as_deref(), &options)?;
    let spec = model.spec().clone();
    let how = match model.spec_source() {
        SpecSource::File(p) => format!("spec {}", p.display()),
        SpecSource::Recognised => "recognised from its tensors and metadata".into(),
        SpecSource::Given => "spec given".into(),
    };
    eprintln!(
        "model {}: {} ({how}); {} keypoints, input {}×{}; runs on {}",
        args.model.display(),
        spec.family.label(),
        spec.keypoints.len(),
        spec.input.width,
        spec.input.height,
        model.provider().label()
    );
    if args.write_spec && *model.spec_source() == SpecSource::Recognised {
        let path = args.model.with_extension("json");
        spec.write(&path)?;
        eprintln!("spec written to {}", path.display());
    }
    if spec.is_detector() {
        bail!(
            "{}: a detector gives boxes, not keypoints: give it with --detector beside a \
             top-down pose model",
            args.model.display()
        );
    }
    let mut detector = match &args.detector {
        None => None,
        Some(path) => {
            let d = PoseModel::open(path, None, &options)?;
            if !d.spec().is_detector() {
                bail!(
                    "{}: not a detector (it gives keypoints, not boxes)",
                    path.display()
                );
            }
            if !spec.is_top_down() {
                bail!(
                    "{}: a detector's boxes are for top-down models; {} is a {} model",
                    path.display(),
                    args.model.display(),
                    spec.family.label()
                );
            }
            eprintln!("detector {}: boxes for the model", path.display());
            Some(d)
        }
    };
    if detector.is_none() && spec.is_top_down() {
        eprintln!(
            "no detector: {} runs on the whole first frame, then in the box each pose gives \
             the next frame",
            args.model.display()
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create the output folder", args.out.display()))?;
    let model_name = model.name();
    for video in &args.videos {
        let out = output_path(&args.out, video, &model_name, args.format);
        let report = infer_video(&mut model, detector.as_mut(), video, &out, args)?;
        let missing = if report.missing.is_empty() {
            String::new()
        } else {
            format!(", {} frames did not decode", report.missing.len())
        };
        println!(
            "{}: {} frames, {} with poses, {:.1} frames/s{missing} -> {}",
            video.display(),
            report.frames.len(),
            report.frames_with_poses,
            report.fps(),
            out.display()
        );
    }
    Ok(())
}

/// The project the run's arrays belong to: the output project (made or opened), or a
/// project in memory for the other formats.
enum Target {
    Project(Box<Project>),
    Memory(Box<ProjectState>),
}

impl Target {
    fn state(&self) -> &ProjectState {
        match self {
            Target::Project(p) => p.state(),
            Target::Memory(s) => s,
        }
    }
}

fn infer_video(
    model: &mut PoseModel,
    detector: Option<&mut PoseModel>,
    video: &Path,
    out: &Path,
    args: &InferArgs,
) -> anyhow::Result<RunReport> {
    let spec = model.spec().clone();
    let new_project = |dir: &Path| -> anyhow::Result<NewProject> {
        let keypoints: Vec<String> = spec
            .keypoints
            .iter()
            .filter_map(|k| spec.project_keypoint(k).map(str::to_owned))
            .collect();
        Ok(NewProject {
            name: video
                .file_stem()
                .map_or_else(|| "inference".into(), |s| s.to_string_lossy().into_owned()),
            keypoints,
            edges: Vec::new(),
            symmetric: Vec::new(),
            individuals: animal_names(args.animals),
            videos: vec![describe_for_project(dir, video, &mut |_| {})?],
        })
    };
    let mut target = if args.format == InferFormat::Kinelab {
        let project = if out.exists() {
            Project::open(out)?
        } else {
            Project::create(out, &new_project(&project_dir(out))?)?
        };
        Target::Project(Box::new(project))
    } else {
        let new = new_project(&args.out)?;
        let state = new
            .to_state()
            .with_context(|| format!("{}: its keypoint names", args.model.display()))?;
        Target::Memory(Box::new(state))
    };
    let state = target.state();
    let video_entry = match &target {
        Target::Project(p) => super::render::pick_video(state, &project_dir(p.path()), video)?,
        Target::Memory(s) => &s.videos[0],
    };
    let video_id = video_entry.id;
    let frame_count = video_entry.def.frame_count;
    let layout = PoseLayout::new(state, &spec, args.animals, frame_count)
        .map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
    let mut arrays = PredictionArrays::empty(layout.shape.clone());
    let model_name = model.name();
    let def = PredictionSetDef {
        name: model_name.clone(),
        source: model.path().display().to_string(),
        scorer: format!("DLC_{model_name}"),
        created_unix_secs: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64()),
    };
    // Into a project, the set is added first and fills as the run goes, as the app's
    // runs do: a run stopped or killed keeps every frame done so far.
    let mut filling = match &mut target {
        Target::Project(project) => {
            let filling = FillingSet::begin(project.path(), &def, video_id, &arrays)?;
            project.add_import(
                format!("Inference with {model_name}"),
                None,
                Some(filling.set()),
            )?;
            Some(filling)
        }
        Target::Memory(_) => None,
    };
    let state = target.state();
    let frames = match (args.start, args.stop) {
        (None, None) => None,
        (start, stop) => Some(start.unwrap_or(0)..stop.unwrap_or(usize::MAX)),
    };
    let total = frames.as_ref().map_or(frame_count as usize, |r| {
        r.end.min(frame_count as usize).saturating_sub(r.start)
    });
    let last_frame = frames
        .as_ref()
        .map_or(frame_count, |r| (r.end as u64).min(frame_count))
        .saturating_sub(1);
    let bar = progress::bar(total as u64, "inference");
    let cancel = AtomicBool::new(false);
    let detector = detector.map(|model| Detector {
        model,
        max_animals: args.animals,
    });
    let report = run_video_with(
        model,
        detector,
        video,
        frames,
        args.batch,
        &cancel,
        &mut |p| bar.set_position(p.done as u64),
        &mut |frame_idx, poses| {
            layout.put(state, &mut arrays, frame_idx as u64, &poses);
            if let Some(filling) = filling.as_mut() {
                filling.frame_done(&arrays, frame_idx as u64);
            }
        },
    );
    bar.finish_and_clear();
    if let Some(filling) = filling {
        filling.finish(&arrays, last_frame)?;
    }
    let report = report.with_context(|| match &target {
        Target::Project(_) => format!(
            "{}: the run stopped; {} keeps the frames done so far",
            video.display(),
            out.display()
        ),
        Target::Memory(_) => format!("{}: the run stopped", video.display()),
    })?;
    match target {
        Target::Project(_) => {}
        Target::Memory(state) => {
            let mut export = ExportReport::default();
            match args.format {
                InferFormat::DlcH5 | InferFormat::DlcCsv => {
                    let table = dlc_predictions::table_for_arrays(
                        &state,
                        &arrays,
                        &def.scorer,
                        &mut export,
                    );
                    if args.format == InferFormat::DlcH5 {
                        pandas_h5::write_table(&table, out, pandas_h5::DLC_KEY)?;
                    } else {
                        dlc_csv::write(&table, out)?;
                    }
                }
                InferFormat::SleapAnalysis => {
                    let path = video.display().to_string();
                    let analysis = sleap_analysis::from_arrays(&state, &arrays, &path, &mut export);
                    sleap_analysis::write(&analysis, out)?;
                }
                InferFormat::Kinelab => bail!("{}: a Kinelab output is a project", out.display()),
            }
        }
    }
    Ok(report)
}
