//! `kinelab kinematics`: the kinematics table of one video's tracks, from a project
//! (its labels or a prediction set) or from another tool's file (DeepLabCut, SLEAP,
//! Lightning Pose), cleaned and smoothed as asked, in pixels or a real unit, per frame
//! or per second by the video's timestamps.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::analysis::Smoothing;
use crate::analysis::kinematics::Cleaning;
use crate::analysis::kinematics_table::{Scale, TimeUnit, Units, kinematics_scale_of, to_csv};
use crate::analysis::track_source::{TrackSource, frame_times, load_tracks};
use crate::analysis::tracks;
use crate::formats::dlc_project::folder_name;
use crate::project::prediction_store::PredictionReader;
use crate::project::{Project, ProjectState, Video};
use crate::util::atomic_file::write_bytes_atomically;
use crate::util::text::one_line;

/// What `kinelab kinematics` was given.
#[derive(Debug, clap::Args)]
pub struct KinematicsArgs {
    /// A project (a .kinelab file, a DeepLabCut config.yaml or folder, a SLEAP .slp),
    /// or a predictions or labels file another tool wrote (DeepLabCut .h5 or .csv,
    /// SLEAP analysis .h5, Lightning Pose .csv).
    pub input: PathBuf,
    /// The table to write (.csv).
    #[arg(long)]
    pub out: PathBuf,
    /// The video: for a project, its path or name where the project has several; for
    /// a file, the video it tracks (default: the video in the file's folder whose name
    /// the file's begins with).
    #[arg(long)]
    pub video: Option<PathBuf>,
    /// A project's prediction set, by name (default: the video's only set, else its
    /// labels).
    #[arg(long, conflicts_with = "labels")]
    pub set: Option<String>,
    /// A project's labels rather than a prediction set.
    #[arg(long)]
    pub labels: bool,
    /// Rates per frame, or per second by the video's timestamps.
    #[arg(long, default_value = "px/frame")]
    pub units: TimeUnit,
    /// Positions in a real unit: pixels per unit and its name, e.g. 12.5:mm (default:
    /// a project's scale, set in the app by measuring a known distance).
    #[arg(long)]
    pub scale: Option<Scale>,
    /// Drop points whose likelihood is below this before anything else.
    #[arg(long)]
    pub min_likelihood: Option<f64>,
    /// Interpolate linearly over gaps of at most this many frames.
    #[arg(long, default_value_t = 0)]
    pub max_gap: usize,
    /// Smooth the positions: median:N or savgol:N:ORDER (N odd), as movement's
    /// rolling median and Savitzky–Golay filters.
    #[arg(long)]
    pub smooth: Option<Smoothing>,
    /// First frame (from 0): the table, its filters and derivatives start here.
    #[arg(long)]
    pub start: Option<usize>,
    /// Frame to stop before (default: the end).
    #[arg(long)]
    pub stop: Option<usize>,
}

fn is_project(path: &Path) -> bool {
    path.is_dir() || crate::formats::is_of_kind(path, crate::formats::PROJECT_KINDS)
}

/// The video of a project that the command means.
fn project_video<'s>(
    state: &'s ProjectState,
    dir: &Path,
    video: Option<&Path>,
) -> anyhow::Result<&'s Video> {
    match (video, state.videos.as_slice()) {
        (Some(v), _) => super::render::pick_video(state, dir, v),
        (None, [only]) => Ok(only),
        (None, []) => bail!("the project has no videos"),
        (None, many) => {
            let names: Vec<String> = many.iter().map(folder_name).collect();
            bail!(
                "the project has {} videos: choose one with --video ({})",
                many.len(),
                names.join(", ")
            )
        }
    }
}

/// The video a tool's file tracks: the video in its folder whose name the file's
/// name begins with (DeepLabCut's `<video>DLC_<scorer>.h5`, `<video>.analysis.h5`,
/// Lightning Pose's `<video>.csv`), the longest such name first.
fn video_beside(file: &Path) -> Option<PathBuf> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty())?;
    let stem = file.file_name()?.to_string_lossy().into_owned();
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| crate::video::is_video_file(p))
        .filter(|p| {
            p.file_stem()
                .is_some_and(|s| stem.starts_with(&*s.to_string_lossy()))
        })
        .collect();
    candidates.sort_by_key(|p| std::cmp::Reverse(p.as_os_str().len()));
    candidates.into_iter().next()
}

pub fn run(args: &KinematicsArgs) -> anyhow::Result<()> {
    let cleaning = Cleaning {
        min_likelihood: args.min_likelihood,
        max_gap: args.max_gap,
        smoothing: args.smooth,
    };
    let mut units = Units {
        time: args.units,
        scale: args.scale.clone(),
    };
    let (tracks, times, what) = if is_project(&args.input) {
        let project = Project::open(&super::interchange::project_to_open(&args.input)?)?;
        let state = project.state();
        if units.scale.is_none()
            && let Some(scale) = kinematics_scale_of(state)
        {
            eprintln!(
                "in {}: the project's scale, {} px per {} (--scale sets another)",
                scale.unit, scale.px_per_unit, scale.unit
            );
            units.scale = Some(scale);
        }
        let video = project_video(state, &project.dir(), args.video.as_deref())?;
        let with_video: Vec<_> = state
            .present_prediction_sets()
            .filter(|s| s.video(video.id).is_some())
            .collect();
        let source = match (&args.set, args.labels, with_video.as_slice()) {
            (Some(name), _, sets) => {
                let set = sets.iter().find(|s| &s.def.name == name).with_context(|| {
                    let names: Vec<&str> = sets.iter().map(|s| s.def.name.as_str()).collect();
                    format!(
                        "no prediction set '{name}' for {} (there are: {})",
                        folder_name(video),
                        if names.is_empty() {
                            "none".to_owned()
                        } else {
                            names.join(", ")
                        }
                    )
                })?;
                TrackSource::Set(set.id)
            }
            (None, true, _) | (None, false, []) => TrackSource::Labels,
            (None, false, [only]) => TrackSource::Set(only.id),
            (None, false, sets) => {
                let names: Vec<&str> = sets.iter().map(|s| s.def.name.as_str()).collect();
                bail!(
                    "{} has {} prediction sets: choose one with --set ({}), or --labels",
                    folder_name(video),
                    sets.len(),
                    names.join(", ")
                )
            }
        };
        let frames = video.def.frame_count as usize;
        let reader = PredictionReader::open(project.path())?;
        let tracks = load_tracks(state, &reader, video, source, frames)?;
        let path = project
            .video_path(video.id)
            .context("the project's video has no path")?;
        let times = frame_times(video, &path).with_context(|| path.display().to_string())?;
        let what = match source {
            TrackSource::Labels => format!("labels of {}", folder_name(video)),
            TrackSource::Set(id) => format!(
                "prediction set '{}' of {}",
                state.prediction_set(id).map_or("", |s| s.def.name.as_str()),
                folder_name(video)
            ),
        };
        (tracks, times, what)
    } else {
        let file = &args.input;
        if !file.is_file() {
            bail!("{}: no such file", file.display());
        }
        let video = match &args.video {
            Some(v) => v.clone(),
            None => video_beside(file).with_context(|| {
                format!(
                    "{}: no video beside it whose name it begins with: say which with --video",
                    file.display()
                )
            })?,
        };
        let state = super::render::state_for_file(&video, file)?;
        let video_entry = &state.videos[0];
        let imported =
            crate::formats::labels_from_file(&state, file, Some(&folder_name(video_entry)))?;
        if !imported.report.skipped.is_empty() || !imported.report.warnings.is_empty() {
            eprintln!(
                "{}: {}",
                file.display(),
                one_line(&imported.report.summary())
            );
        }
        let frames = video_entry.def.frame_count as usize;
        let tracks = match imported.predictions {
            Some(p) => match p.videos.into_iter().find(|(v, _)| *v == video_entry.id) {
                Some((_, arrays)) => tracks::from_predictions(&state, &arrays, frames),
                None => Vec::new(),
            },
            None => {
                let mut labeled = state.clone();
                labeled.labels = imported.labels;
                tracks::from_labels(&labeled, video_entry.id, frames)
            }
        };
        let times =
            frame_times(video_entry, &video).with_context(|| video.display().to_string())?;
        (
            tracks,
            times,
            format!("{} on {}", file.display(), video.display()),
        )
    };
    if tracks.is_empty() {
        bail!("{what}: no tracked points to measure");
    }
    let stop = args.stop.unwrap_or(times.len()).min(times.len());
    let start = args.start.unwrap_or(0);
    if start >= stop {
        bail!(
            "{what}: the frames {start}..{stop} are empty (the video has {} frames)",
            times.len()
        );
    }
    let tracks: Vec<_> = tracks.iter().map(|t| t.slice(start..stop)).collect();
    let times = &times[start..stop];
    let csv = to_csv(&tracks, times, start, &cleaning, &units).with_context(|| what.clone())?;
    write_bytes_atomically(&args.out, &csv)
        .with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "{}: {} tracks × {} frames ({}{}) -> {}",
        what,
        tracks.len(),
        times.len(),
        units.rate(),
        if cleaning.is_identity() {
            String::new()
        } else {
            format!(", cleaned: {}", cleaning.describe())
        },
        args.out.display()
    );
    Ok(())
}
