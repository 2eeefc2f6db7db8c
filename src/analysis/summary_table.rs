//! A video's summary table: per subject and behaviour, its events' count, total and
//! mean duration and latency to the first; and, where regions of interest are drawn,
//! each subject's entries into each region, time inside and latency to the first
//! entry. Over the whole video or per time bin. The rows `kinelab events --summary`
//! writes and the Behaviours panel shows and saves.

use super::event_summary::{summarize, time_in_regions};
use crate::project::behaviours::{Ethogram, Event};
use crate::project::prediction_store::PredictionSource;
use crate::project::{ProjectError, ProjectState, Video};

/// One row: a subject and a behaviour (or `in <region>`) in a time bin.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryLine {
    pub subject: String,
    /// The behaviour's code, or `in <region name>`.
    pub what: String,
    /// The bin's start in seconds (0 for the whole video).
    pub bin_start_secs: f64,
    /// Events, or entries into the region.
    pub count: usize,
    /// NaN for point behaviours.
    pub total_secs: f64,
    pub mean_secs: f64,
    /// Time of the first event's start, or of the first frame inside (NaN if none).
    pub latency_secs: f64,
}

/// The rows of the video's events.
pub fn behaviour_lines(
    state: &ProjectState,
    events: &[Event],
    ethogram: &Ethogram,
    times_secs: &[f64],
    bin_secs: Option<f64>,
) -> Vec<SummaryLine> {
    summarize(events, ethogram, times_secs, bin_secs)
        .into_iter()
        .map(|r| SummaryLine {
            subject: state.individual_name(r.subject),
            what: r.behaviour,
            bin_start_secs: r.bin_start_secs,
            count: r.count,
            total_secs: r.total_secs,
            mean_secs: r.mean_secs,
            latency_secs: r.latency_secs,
        })
        .collect()
}

/// The rows of the time each subject spends in the project's regions of interest, from
/// the video's default tracks (its prediction set where it has one, else its labels);
/// none where no region is drawn.
pub fn region_lines(
    state: &ProjectState,
    predictions: &dyn PredictionSource,
    video: &Video,
    times_secs: &[f64],
    bin_secs: Option<f64>,
) -> Result<Vec<SummaryLine>, ProjectError> {
    let regions = super::rules::regions_of(state);
    if regions.is_empty() {
        return Ok(Vec::new());
    }
    let source = super::track_source::chosen_or_default(state, video.id, None);
    let tracks =
        super::track_source::load_tracks(state, predictions, video, source, times_secs.len())?;
    Ok(time_in_regions(&tracks, &regions, times_secs, bin_secs)
        .into_iter()
        .map(|t| SummaryLine {
            subject: t.subject,
            what: format!("in {}", t.region),
            bin_start_secs: t.bin_start_secs,
            count: t.entries,
            total_secs: t.total_secs,
            mean_secs: if t.entries > 0 {
                t.total_secs / t.entries as f64
            } else {
                f64::NAN
            },
            latency_secs: t.latency_secs,
        })
        .collect())
}

/// The table as CSV, one block of rows per observation (video), with the columns of
/// BORIS's time budget: empty cells where a value does not apply.
pub fn to_csv(observations: &[(String, Vec<SummaryLine>)]) -> Result<Vec<u8>, csv::Error> {
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
    for (observation, lines) in observations {
        for l in lines {
            writer.write_record([
                observation.clone(),
                l.subject.clone(),
                l.what.clone(),
                cell(l.bin_start_secs),
                l.count.to_string(),
                cell(l.total_secs),
                cell(l.mean_secs),
                cell(l.latency_secs),
            ])?;
        }
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}
