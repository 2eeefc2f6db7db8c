//! `kinelab events`: a project's coded events as BORIS's tabular events CSV or as a
//! BORIS project (`.boris`), every video (or one), with each row's time from the
//! video's timestamps; and a BORIS project's ethogram and events read into a project.

use std::path::PathBuf;

use anyhow::Context;

use crate::analysis::track_source::frame_times;
use crate::formats::dlc_project::folder_name;
use crate::formats::events_csv::{VideoEvents, to_csv};
use crate::project::{Project, behaviours};
use crate::util::atomic_file::write_bytes_atomically;

/// What `kinelab events` was given.
#[derive(Debug, clap::Args)]
pub struct EventsArgs {
    /// A project (a .kinelab file, a DeepLabCut config.yaml or folder, a SLEAP .slp).
    pub project: PathBuf,
    /// The file to write: BORIS's tabular events (.csv) or a BORIS project (.boris, or
    /// .boris.gz compressed).
    #[arg(long, required_unless_present_any = ["import", "ethogram"])]
    pub out: Option<PathBuf>,
    /// Also write the ethogram as BORIS exports it: its table (.csv or .tsv) or a BORIS
    /// project holding the ethogram and subjects (.boris).
    #[arg(long)]
    pub ethogram: Option<PathBuf>,
    /// A BORIS project (.boris, .boris.gz), or BORIS's tabular or aggregated events or
    /// ethogram table (.csv, .tsv, .xlsx, .xls, .ods), whose behaviours and events are
    /// added to the project (observations matched to videos by media file name; one
    /// undoable edit).
    #[arg(long)]
    pub import: Option<PathBuf>,
    /// Only this video (its path or name).
    #[arg(long)]
    pub video: Option<PathBuf>,
    /// Also write a summary per subject and behaviour: count, total and mean duration,
    /// latency to the first.
    #[arg(long)]
    pub summary: Option<PathBuf>,
    /// With --summary: per time bin of this many seconds.
    #[arg(long, requires = "summary")]
    pub bin_secs: Option<f64>,
    /// Also draw the ethogram plot (events over time per subject) as .svg or .png; with
    /// several videos, one file each, named after the video.
    #[arg(long)]
    pub plot: Option<PathBuf>,
}

pub fn run(args: &EventsArgs) -> anyhow::Result<()> {
    if let Some(file) = &args.import {
        import_boris(args, file)?;
    }
    let project = Project::open(&super::interchange::project_to_open(&args.project)?)?;
    let state = project.state();
    let ethogram = behaviours::ethogram(state);
    if let Some(path) = &args.ethogram {
        let bytes = crate::formats::boris_ethogram::file_bytes(
            state,
            &ethogram,
            &project_name(&project),
            path,
        )?;
        write_bytes_atomically(path, &bytes)
            .with_context(|| format!("writing {}", path.display()))?;
        println!(
            "{} -> {}",
            crate::util::text::plural(ethogram.behaviours.len(), "behaviour", "behaviours"),
            path.display()
        );
    }
    if args.out.is_none() {
        return Ok(());
    }
    let videos: Vec<_> = match &args.video {
        Some(v) => vec![super::render::pick_video(state, &project.dir(), v)?],
        None => state.videos.iter().collect(),
    };
    let mut tables = Vec::new();
    for v in &videos {
        let events = behaviours::events(state, v.id);
        if events.is_empty() {
            continue;
        }
        let path = project
            .video_path(v.id)
            .context("the project's video has no path")?;
        let times = frame_times(v, &path).with_context(|| path.display().to_string())?;
        tables.push((v, events, times, path));
    }
    let rows: Vec<VideoEvents<'_>> = tables
        .iter()
        .map(|(v, events, times, path)| VideoEvents::new(v, path, times, events))
        .collect();
    let count: usize = rows.iter().map(|r| r.events.len()).sum();
    let out = args.out.as_ref().context("say where to write: --out")?;
    let bytes = if crate::formats::boris::is_project_path(out) {
        let name = project_name(&project);
        crate::formats::boris::project_file_at(out, state, &name, &ethogram, &rows)?
    } else {
        to_csv(state, &ethogram, &rows)?
    };
    write_bytes_atomically(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    if let Some(plot) = &args.plot {
        for r in &rows {
            let path = if rows.len() > 1 {
                let stem = plot
                    .file_stem()
                    .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
                let ext = plot
                    .extension()
                    .map_or_else(String::new, |e| e.to_string_lossy().into_owned());
                plot.with_file_name(format!("{stem}-{}.{ext}", r.observation))
            } else {
                plot.clone()
            };
            write_ethogram_plot(state, &ethogram, r, &path)?;
        }
    }
    if let Some(path) = &args.summary {
        // Every chosen video: one with no events may still have time in regions.
        let reader = crate::project::prediction_store::PredictionReader::open(project.path())?;
        let mut observations = Vec::new();
        for v in &videos {
            let times = match rows.iter().find(|r| r.observation == folder_name(v)) {
                Some(r) => r.times.to_vec(),
                None => {
                    let path = project
                        .video_path(v.id)
                        .context("the project's video has no path")?;
                    frame_times(v, &path).with_context(|| path.display().to_string())?
                }
            };
            let events = behaviours::events(state, v.id);
            let mut lines = crate::analysis::summary_table::behaviour_lines(
                state,
                &events,
                &ethogram,
                &times,
                args.bin_secs,
            );
            lines.extend(crate::analysis::summary_table::region_lines(
                state,
                &reader,
                v,
                &times,
                args.bin_secs,
            )?);
            if !lines.is_empty() {
                observations.push((folder_name(v), lines));
            }
        }
        let bytes = crate::analysis::summary_table::to_csv(&observations)?;
        write_bytes_atomically(path, &bytes)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "{count} events on {} videos -> {}",
        rows.len(),
        out.display()
    );
    Ok(())
}

/// The name a BORIS project written from `project` carries: its file's stem.
fn project_name(project: &Project) -> String {
    project
        .path()
        .file_stem()
        .map_or_else(|| "kinelab".into(), |s| s.to_string_lossy().into_owned())
}

/// Adds a BORIS project's behaviours (those the ethogram lacks) and its events: each
/// observation to the video of its media file's name, times to frames by the video's
/// timestamps (or BORIS's own frame index), subjects by name.
fn import_boris(args: &EventsArgs, file: &std::path::Path) -> anyhow::Result<()> {
    let boris = crate::formats::boris::read_any(file)?;
    let mut project = Project::open(&super::interchange::project_to_open(&args.project)?)?;
    let times_of = |v: &crate::project::Video| {
        let path = project.video_path(v.id)?;
        frame_times(v, &path).ok()
    };
    // The app's keys, as the person set them: a behaviour cannot take one.
    let command_keys =
        crate::ui::keymap::Keymap::load(crate::ui::keymap::Keymap::user_file().as_deref())
            .unmodified_keys();
    let key_taken = |k: &str| command_keys.iter().any(|c| c.eq_ignore_ascii_case(k));
    let import =
        crate::formats::boris::import_edit(project.state(), &boris, file, &times_of, &key_taken);
    let summary = import.summary();
    if let Some(edit) = import.edit {
        project.apply(edit)?;
    }
    println!("{}: {summary}", file.display());
    Ok(())
}

/// One video's ethogram plot, as SVG or (by the file's extension) PNG.
fn write_ethogram_plot(
    state: &crate::project::ProjectState,
    ethogram: &behaviours::Ethogram,
    r: &VideoEvents<'_>,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    let named: Vec<(String, &behaviours::Event)> = r
        .events
        .iter()
        .map(|e| (state.individual_name(e.subject), e))
        .collect();
    let duration = r
        .times
        .last()
        .copied()
        .filter(|t| t.is_finite())
        .unwrap_or(0.0);
    let svg =
        crate::analysis::ethogram_plot::svg(&r.observation, ethogram, &named, r.times, duration);
    let png = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    let bytes = if png {
        crate::analysis::plot_export::svg_to_png(&svg)?
    } else {
        svg.into_bytes()
    };
    write_bytes_atomically(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
