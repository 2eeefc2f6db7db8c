//! The events lanes under the timeline, built from a video's events: one lane per
//! subject, and one more per subject for the events rules found (to review); states
//! as spans, an open state reaching the frame shown, points as ticks, each in its
//! behaviour's colour.

use std::collections::BTreeMap;

use super::timeline::EventLane;
use crate::project::ProjectState;
use crate::project::behaviours::{BehaviourKind, Ethogram, Event};

/// A behaviour's `#rrggbb` colour (grey when it is not one).
pub fn hex_color(hex: &str) -> egui::Color32 {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0x808080);
    egui::Color32::from_rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

/// The lanes of `events` (a video's, in their order) with the frame shown at
/// `current_frame`.
pub fn event_lanes(
    state: &ProjectState,
    ethogram: &Ethogram,
    events: &[Event],
    current_frame: u64,
) -> Vec<EventLane> {
    let mut by_subject: BTreeMap<_, Vec<(usize, &Event)>> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        by_subject
            .entry((e.subject, e.computed))
            .or_default()
            .push((i, e));
    }
    by_subject
        .into_iter()
        .map(|((subject, computed), events)| {
            let name = state.individual_name(subject);
            let mut lane = EventLane {
                computed,
                name: if computed {
                    format!("{name} computed events (to review)")
                } else {
                    format!("{name} events")
                },
                spans: Vec::new(),
                points: Vec::new(),
            };
            for (index, e) in events {
                let Some(b) = ethogram.by_code(&e.behaviour) else {
                    continue;
                };
                let color = hex_color(&b.color);
                match b.kind {
                    BehaviourKind::Point => lane.points.push((e.start_frame, color, index)),
                    BehaviourKind::State => {
                        let stop = e.stop_frame.unwrap_or(current_frame.max(e.start_frame));
                        lane.spans.push((e.start_frame, stop, color, index));
                    }
                }
            }
            // The timeline paints spans in order of their start.
            lane.spans.sort_by_key(|s| (s.0, s.1));
            lane.points.sort_by_key(|p| p.0);
            lane
        })
        .collect()
}
