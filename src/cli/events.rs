//! `kinelab events`: a project's coded events as BORIS's tabular events CSV, every
//! video (or one), with each row's time from the video's timestamps.

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
    /// The table to write (.csv).
    #[arg(long)]
    pub out: PathBuf,
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
}

pub fn run(args: &EventsArgs) -> anyhow::Result<()> {
    let project = Project::open(&super::interchange::project_to_open(&args.project)?)?;
    let state = project.state();
    let ethogram = behaviours::ethogram(state);
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
        .map(|(v, events, times, path)| VideoEvents {
            observation: folder_name(v),
            media_file: path.display().to_string(),
            fps: v.def.fps,
            times,
            events,
        })
        .collect();
    let count: usize = rows.iter().map(|r| r.events.len()).sum();
    let csv = to_csv(state, &ethogram, &rows)?;
    write_bytes_atomically(&args.out, &csv)
        .with_context(|| format!("writing {}", args.out.display()))?;
    if let Some(path) = &args.summary {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let cell = |v: f64| {
            if v.is_finite() {
                format!("{v:.6}")
            } else {
                String::new()
            }
        };
        writer.write_record([
            "Observation id",
            "Subject",
            "Behavior",
            "Bin start (s)",
            "Count",
            "Total duration (s)",
            "Mean duration (s)",
            "Latency (s)",
        ])?;
        for r in &rows {
            for s in crate::analysis::event_summary::summarize(
                r.events,
                &ethogram,
                r.times,
                args.bin_secs,
            ) {
                writer.write_record([
                    r.observation.clone(),
                    state.individual_name(s.subject),
                    s.behaviour.clone(),
                    cell(s.bin_start_secs),
                    s.count.to_string(),
                    cell(s.total_secs),
                    cell(s.mean_secs),
                    cell(s.latency_secs),
                ])?;
            }
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| anyhow::anyhow!(e.to_string()))?;
        write_bytes_atomically(path, &bytes)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "{count} events on {} videos -> {}",
        rows.len(),
        args.out.display()
    );
    Ok(())
}
