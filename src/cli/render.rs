//! `kinelab render`: a labeled video from the command line, with a progress bar.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, bail};

use crate::formats::dlc_project::folder_name;
use crate::labeled_video::{RenderContent, RenderFilter, RenderOptions, read_sets, render};
use crate::overlay::OverlayStyle;
use crate::project::document::resolve_video_path;
use crate::project::prediction_store::PredictionReader;
use crate::project::{NewProject, PredictionSetId, Project, ProjectState, Video};
use crate::util::text::one_line;

/// What `kinelab render` was asked for.
pub struct RenderArgs<'a> {
    pub video: &'a Path,
    pub project: Option<&'a Path>,
    pub out: &'a Path,
    pub sets: &'a [String],
    pub predictions: Option<&'a Path>,
    pub no_labels: bool,
    pub individuals: &'a [String],
    pub keypoints: &'a [String],
    pub start: Option<usize>,
    pub stop: Option<usize>,
    pub pcutoff: Option<f32>,
    pub trail: Option<usize>,
    pub preset: &'a str,
    pub crf: u32,
    pub radius: Option<f32>,
}

/// The project video that is `video`: the same file, or else the one of the same
/// name (a project moved with its videos).
pub fn pick_video<'s>(
    state: &'s ProjectState,
    project_dir: &Path,
    video: &Path,
) -> anyhow::Result<&'s Video> {
    let wanted = std::fs::canonicalize(video).ok();
    let same_file = state.videos.iter().find(|v| {
        let stored = resolve_video_path(project_dir, &v.def.path);
        wanted.is_some() && std::fs::canonicalize(stored).ok() == wanted
    });
    let stem = video
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    same_file
        .or_else(|| state.videos.iter().find(|v| folder_name(v) == stem))
        .with_context(|| {
            let names: Vec<String> = state.videos.iter().map(folder_name).collect();
            format!(
                "{} is not one of the project's videos ({})",
                video.display(),
                if names.is_empty() {
                    "it has none".to_owned()
                } else {
                    names.join(", ")
                }
            )
        })
}

/// A project in memory for a predictions file alone: the file's keypoints, edges and
/// individuals, and `video`.
pub(super) fn state_for_file(video: &Path, file: &Path) -> anyhow::Result<ProjectState> {
    let layout = crate::formats::prediction_import::layout_of_file(file)?;
    let dir = video
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let def = crate::video::describe::describe_for_project(dir, video, &mut |_| {})?;
    let state = NewProject {
        name: "render".into(),
        keypoints: layout.keypoints,
        edges: layout.edges,
        symmetric: Vec::new(),
        individuals: layout.individuals,
        videos: vec![def],
    }
    .to_state()
    .with_context(|| format!("{}: its keypoints and individuals", file.display()))?;
    Ok(state)
}

/// The filter for individuals and keypoints named on the command line.
fn filter_of(
    state: &ProjectState,
    individuals: &[String],
    keypoints: &[String],
) -> anyhow::Result<RenderFilter> {
    let individuals = if individuals.is_empty() {
        None
    } else {
        let mut ids = BTreeSet::new();
        for name in individuals {
            let i = state
                .individual_by_name(name)
                .with_context(|| format!("the project has no individual '{name}'"))?;
            ids.insert(i.id);
        }
        Some(ids)
    };
    let keypoints = if keypoints.is_empty() {
        None
    } else {
        let mut ids = BTreeSet::new();
        for name in keypoints {
            let k = state
                .skeleton
                .by_name(name)
                .with_context(|| format!("the skeleton has no keypoint '{name}'"))?;
            ids.insert(k.id);
        }
        Some(ids)
    };
    Ok(RenderFilter {
        individuals,
        keypoints,
    })
}

pub fn run(args: &RenderArgs<'_>) -> anyhow::Result<()> {
    let project = match args.project {
        Some(p) => Some(Project::open(&super::interchange::project_to_open(p)?)?),
        None => None,
    };
    let file_state;
    let (state, video) = match (&project, args.predictions) {
        (Some(project), _) => {
            let state = project.state();
            (state, pick_video(state, &project.dir(), args.video)?)
        }
        (None, Some(file)) => {
            file_state = state_for_file(args.video, file)?;
            (&file_state, &file_state.videos[0])
        }
        (None, None) => bail!("say what to draw: --project PROJECT, --predictions FILE, or both"),
    };
    let mut style = OverlayStyle::of(state);
    if let Some(p) = args.pcutoff {
        style.pcutoff = p;
    }
    if let Some(t) = args.trail {
        style.trail_frames = t;
    }
    let filter = filter_of(state, args.individuals, args.keypoints)?;
    let with_video: Vec<_> = state
        .present_prediction_sets()
        .filter(|s| s.video(video.id).is_some())
        .collect();
    let sets: Vec<PredictionSetId> = if args.sets.is_empty() {
        with_video.iter().map(|s| s.id).collect()
    } else {
        let mut ids = Vec::new();
        for name in args.sets {
            let set = with_video
                .iter()
                .find(|s| &s.def.name == name)
                .with_context(|| {
                    let names: Vec<&str> = with_video.iter().map(|s| s.def.name.as_str()).collect();
                    format!(
                        "no prediction set '{name}' for this video (there are: {})",
                        if names.is_empty() {
                            "none".to_owned()
                        } else {
                            names.join(", ")
                        }
                    )
                })?;
            ids.push(set.id);
        }
        ids
    };
    let mut arrays = match &project {
        Some(project) => read_sets(
            state,
            video.id,
            &sets,
            &PredictionReader::open(project.path())?,
        )?,
        None => Vec::new(),
    };
    if let Some(file) = args.predictions {
        // Read for this render only: the project does not change.
        let imported = crate::formats::labels_from_file(state, file, Some(&folder_name(video)))?;
        if !imported.report.skipped.is_empty() || !imported.report.warnings.is_empty() {
            eprintln!(
                "{}: {}",
                file.display(),
                one_line(&imported.report.summary())
            );
        }
        let Some(predictions) = imported.predictions else {
            bail!("{} holds no predictions (it has no scores)", file.display());
        };
        let name = predictions.def.name;
        arrays.extend(
            predictions
                .videos
                .into_iter()
                .filter(|(v, _)| *v == video.id)
                .map(|(_, a)| (PredictionSetId(-1), name.clone(), a)),
        );
    }
    let video_path = match &project {
        Some(project) => project
            .video_path(video.id)
            .context("the project's video has no path")?,
        None => args.video.to_owned(),
    };
    let content = RenderContent::new(state, video.id, arrays, !args.no_labels, &filter, style);
    if content.is_empty() {
        eprintln!(
            "note: nothing to draw on this video (no labels or predictions): the video is copied as it is"
        );
    }
    let frames = match (args.start, args.stop) {
        (None, None) => None,
        (start, stop) => Some(start.unwrap_or(0)..stop.unwrap_or(usize::MAX)),
    };
    let options = RenderOptions {
        out: args.out.to_owned(),
        frames,
        preset: args.preset.to_owned(),
        crf: args.crf,
        marker_radius: args.radius,
    };
    let bar = super::progress::bar(0, "rendering");
    let report = render(
        &video_path,
        &content,
        &options,
        &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
        &AtomicBool::new(false),
    )?;
    bar.finish_and_clear();
    println!("{}", report.summary());
    Ok(())
}
