//! Coded events as BORIS's tabular events export: one row per point event, and a
//! START and a STOP row per state event (an open state has its START only), with the
//! time of each row's frame (from the video's timestamps) and the frame itself.

use super::error::FormatResult;
use crate::project::ProjectState;
use crate::project::behaviours::{BehaviourKind, Ethogram, Event};

/// The columns, as BORIS names them.
pub const COLUMNS: [&str; 10] = [
    "Observation id",
    "Media file name",
    "FPS",
    "Subject",
    "Behavior",
    "Modifiers",
    "Behavior type",
    "Time",
    "Image index",
    "Computed",
];

/// One video's events for the table, with its name, fps and frame times.
pub struct VideoEvents<'a> {
    pub observation: String,
    pub media_file: String,
    pub fps: f64,
    /// Each frame's time in seconds; a frame without one falls back to frame / fps.
    pub times: &'a [f64],
    pub events: &'a [Event],
}

impl<'a> VideoEvents<'a> {
    /// A project video's events: observed as its folder name, from `media_file`.
    pub fn new(
        video: &crate::project::Video,
        media_file: &std::path::Path,
        times: &'a [f64],
        events: &'a [Event],
    ) -> Self {
        Self {
            observation: super::dlc_project::folder_name(video),
            media_file: media_file.display().to_string(),
            fps: video.def.fps,
            times,
            events,
        }
    }
}

/// The table's rows, in time order within each video: (frame, status, event).
fn rows<'e>(ethogram: &Ethogram, events: &'e [Event]) -> Vec<(u64, &'static str, &'e Event)> {
    let mut rows = Vec::new();
    for e in events {
        let kind = ethogram.by_code(&e.behaviour).map(|b| b.kind);
        match (kind, e.stop_frame) {
            (Some(BehaviourKind::Point), _) | (None, None) => {
                rows.push((e.start_frame, "POINT", e))
            }
            (_, stop) => {
                rows.push((e.start_frame, "START", e));
                if let Some(stop) = stop {
                    rows.push((stop, "STOP", e));
                }
            }
        }
    }
    rows.sort_by_key(|&(f, status, e)| (f, status == "START", e.subject, e.behaviour.clone()));
    rows
}

/// The CSV text of every video's events.
pub fn to_csv(
    state: &ProjectState,
    ethogram: &Ethogram,
    videos: &[VideoEvents<'_>],
) -> FormatResult<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(COLUMNS);
    for v in videos {
        for (frame, status, e) in rows(ethogram, v.events) {
            let time = v
                .times
                .get(frame as usize)
                .copied()
                .filter(|t| t.is_finite())
                .unwrap_or_else(|| {
                    if v.fps > 0.0 {
                        frame as f64 / v.fps
                    } else {
                        f64::NAN
                    }
                });
            let _ = writer.write_record([
                v.observation.clone(),
                v.media_file.clone(),
                format!("{}", v.fps),
                state.individual_name(e.subject),
                e.behaviour.clone(),
                e.modifier.clone().unwrap_or_default(),
                status.to_owned(),
                format!("{time:.6}"),
                frame.to_string(),
                if e.computed { "yes" } else { "" }.to_owned(),
            ]);
        }
    }
    Ok(writer.into_inner().unwrap_or_default())
}
