//! `kinelab rules`: behaviours found from kinematics by the rules of a `rules.json`,
//! on every video of a project (or one), written as BORIS's tabular events CSV, and
//! with `--save` kept in the project as computed events (one undoable edit a video).

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::analysis::rules::{RuleSet, apply};
use crate::analysis::track_source::{TrackSource, chosen_or_default, frame_times, load_tracks};
use crate::formats::dlc_project::folder_name;
use crate::formats::events_csv::{VideoEvents, to_csv};
use crate::project::behaviours::{self, Event};
use crate::project::prediction_store::PredictionReader;
use crate::project::{Project, Video};
use crate::util::atomic_file::write_bytes_atomically;

/// What `kinelab rules` was given.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// A project (a .kinelab file, a DeepLabCut config.yaml or folder, a SLEAP .slp).
    pub project: PathBuf,
    /// The rules (JSON: {"rules": [...], "regions": [...], "units": {...}}); without
    /// regions or a scale, the project's.
    #[arg(long)]
    pub rules: PathBuf,
    /// The events table to write (.csv).
    #[arg(long)]
    pub out: PathBuf,
    /// Only this video (its path or name).
    #[arg(long)]
    pub video: Option<PathBuf>,
    /// A prediction set, by name (default: each video's first set, else its labels).
    #[arg(long, conflicts_with = "labels")]
    pub set: Option<String>,
    /// The labels rather than a prediction set.
    #[arg(long)]
    pub labels: bool,
    /// Also keep the events in the project, as computed events (replacing the ones the
    /// same behaviours found for the same subjects before).
    #[arg(long)]
    pub save: bool,
}

pub fn run(args: &RulesArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.rules)
        .with_context(|| format!("reading {}", args.rules.display()))?;
    let mut set: RuleSet = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a rules file", args.rules.display()))?;
    let mut project = Project::open(&super::interchange::project_to_open(&args.project)?)?;
    // What the file leaves out comes from the project, as in the Rules panel: its
    // regions of interest and its scale for real units.
    if set.regions.is_empty() {
        set.regions = crate::analysis::rules::regions_of(project.state());
    }
    if set.units.scale.is_none() {
        set.units.scale = crate::analysis::kinematics_table::kinematics_scale_of(project.state());
    }
    let videos: Vec<Video> = {
        let state = project.state();
        match &args.video {
            Some(v) => vec![super::render::pick_video(state, &project.dir(), v)?.clone()],
            None => state.videos.clone(),
        }
    };
    let mut found: Vec<(Video, Vec<Event>, Vec<f64>, PathBuf)> = Vec::new();
    for v in videos {
        let state = project.state();
        let source = match (&args.set, args.labels) {
            (_, true) => TrackSource::Labels,
            (Some(name), false) => match state
                .present_prediction_sets()
                .find(|s| &s.def.name == name && s.video(v.id).is_some())
            {
                Some(s) => TrackSource::Set(s.id),
                None => continue,
            },
            (None, false) => chosen_or_default(state, v.id, None),
        };
        let frames = v.def.frame_count as usize;
        let reader = PredictionReader::open(project.path())?;
        let tracks = load_tracks(state, &reader, &v, source, frames)?;
        let path = project
            .video_path(v.id)
            .context("the project's video has no path")?;
        let times = frame_times(&v, &path).with_context(|| path.display().to_string())?;
        let mut events = Vec::new();
        for rule in &set.rules {
            let Some(subject) = state.individual_by_name(&rule.subject) else {
                bail!(
                    "{}: rule '{}' names no individual '{}'",
                    args.rules.display(),
                    rule.behaviour,
                    rule.subject
                );
            };
            let runs = apply(rule, &set, &tracks, &times)
                .with_context(|| format!("{} on {}", args.rules.display(), folder_name(&v)))?;
            events.extend(runs.into_iter().map(|(start, stop)| Event {
                behaviour: rule.behaviour.clone(),
                subject: subject.id,
                start_frame: start,
                stop_frame: Some(stop),
                modifier: None,
                computed: true,
            }));
        }
        found.push((v, events, times, path));
    }
    let count: usize = found.iter().map(|f| f.1.len()).sum();
    {
        let state = project.state();
        let rows: Vec<VideoEvents<'_>> = found
            .iter()
            .map(|(v, events, times, path)| VideoEvents::new(v, path, times, events))
            .collect();
        let csv = to_csv(state, &behaviours::ethogram(state), &rows)?;
        write_bytes_atomically(&args.out, &csv)
            .with_context(|| format!("writing {}", args.out.display()))?;
    }
    if args.save {
        for (v, new, _, _) in &found {
            let state = project.state();
            let replaced = |e: &Event| {
                e.computed
                    && set.rules.iter().any(|r| {
                        r.behaviour == e.behaviour
                            && state.individual_by_name(&r.subject).map(|i| i.id) == Some(e.subject)
                    })
            };
            let mut events: Vec<Event> = behaviours::events(state, v.id)
                .into_iter()
                .filter(|e| !replaced(e))
                .collect();
            events.extend(new.iter().cloned());
            let description = format!(
                "find {} by rules",
                crate::util::text::plural(new.len(), "event", "events")
            );
            if let Some(edit) = behaviours::set_events(state, v.id, events, description) {
                project.apply(edit)?;
            }
        }
    }
    println!(
        "{count} events found on {} videos{} -> {}",
        found.len(),
        if args.save {
            " (kept in the project)"
        } else {
            ""
        },
        args.out.display()
    );
    Ok(())
}
