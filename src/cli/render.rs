//! `kinelab render`: a labeled video from the command line, with a progress bar.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::{Context, bail};

use crate::formats::dlc_project::folder_name;
use crate::labeled_video::{RenderContent, RenderFilter, RenderOptions, read_sets, render};
use crate::overlay::OverlayStyle;
use crate::project::prediction_store::PredictionReader;
use crate::project::{PredictionSetId, Project, ProjectState, Video};

/// What `kinelab render` was asked for.
pub struct RenderArgs<'a> {
    pub project: &'a Path,
    pub video: Option<&'a str>,
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

/// The project video named `name` (its file stem), or the only one.
pub fn pick_video<'s>(state: &'s ProjectState, name: Option<&str>) -> anyhow::Result<&'s Video> {
    let names = || {
        state
            .videos
            .iter()
            .map(folder_name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match name {
        Some(name) => state
            .videos
            .iter()
            .find(|v| folder_name(v) == name)
            .with_context(|| format!("the project has no video '{name}' (it has: {})", names())),
        None => match state.videos.as_slice() {
            [only] => Ok(only),
            [] => bail!("the project has no videos"),
            _ => bail!(
                "the project has several videos: name one with --video ({})",
                names()
            ),
        },
    }
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
    let project_path = super::interchange::project_to_open(args.project)?;
    let project = Project::open(&project_path)?;
    let state = project.state();
    let video = pick_video(state, args.video)?;
    let video_path: PathBuf = project
        .video_path(video.id)
        .context("the project's video has no path")?;
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
    let reader = PredictionReader::open(project.path())?;
    let mut arrays = read_sets(state, video.id, &sets, &reader)?;
    if let Some(file) = args.predictions {
        // Read for this render only: the project does not change.
        let imported = crate::formats::labels_from_file(state, file, Some(&folder_name(video)))?;
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
