//! `kinelab bench events`: the UI thread's CPU time for a frame with a video's coded
//! events on screen (the events lanes under the timeline and the Behaviours panel
//! with its list), N events over an hour of video, set beside the same frame with no
//! events; and the frame right after an edit, when the events are read again.

use std::time::Instant;

use egui::{RawInput, Rect, pos2, vec2};

use super::bench::{median_p95, ms};
use super::bench_ui::{stats, thread_cpu_time};
use crate::project::ProjectState;
use crate::project::behaviours::{self, Behaviour, BehaviourKind, Ethogram, Event, EventsCache};
use crate::ui::panels::behaviours::{BehavioursContext, BehavioursPanel};
use crate::ui::panels::event_lanes::event_lanes;
use crate::ui::panels::timeline::{TimelineContext, timeline_ui};
use crate::ui::theme::Theme;

/// Four behaviours: two exclusive states, two points (one with modifiers).
fn bench_ethogram() -> Ethogram {
    let b = |code: &str, key: &str, kind, group: Option<&str>, color: &str| Behaviour {
        code: code.into(),
        key: key.into(),
        color: color.into(),
        kind,
        modifiers: if code == "sniff" {
            vec!["left".into(), "right".into()]
        } else {
            Vec::new()
        },
        group: group.map(str::to_owned),
        description: String::new(),
    };
    Ethogram {
        behaviours: vec![
            b(
                "rest",
                "Q",
                BehaviourKind::State,
                Some("posture"),
                "#e6194b",
            ),
            b(
                "walk",
                "K",
                BehaviourKind::State,
                Some("posture"),
                "#3cb44b",
            ),
            b("sniff", "E", BehaviourKind::Point, None, "#4363d8"),
            b("groom", "G", BehaviourKind::Point, None, "#f58231"),
        ],
    }
}

/// `count` events spread over `frames`, alternating subjects and behaviours; the
/// states a few seconds long, a tenth of them found by rules.
fn bench_events(state: &ProjectState, frames: u64, count: usize) -> Vec<Event> {
    let subjects: Vec<_> = state.individuals.iter().map(|i| i.id).collect();
    let codes = ["rest", "walk", "sniff", "groom"];
    let step = (frames / count.max(1) as u64).max(1);
    (0..count)
        .map(|i| {
            let start = (i as u64 * step).min(frames - 1);
            let code = codes[i % codes.len()];
            let state_event = i % codes.len() < 2;
            Event {
                behaviour: code.into(),
                subject: subjects[i % subjects.len()],
                start_frame: start,
                stop_frame: state_event.then(|| (start + 30 + (i as u64 % 7) * 20).min(frames - 1)),
                modifier: None,
                computed: i % 10 == 0,
            }
        })
        .collect()
}

/// What the app draws each frame for the events, and the CPU time it took.
struct Screen {
    ctx: egui::Context,
    panel: BehavioursPanel,
    cache: EventsCache,
    started: Instant,
}

impl Screen {
    fn new(started: Instant) -> Self {
        let mut panel = BehavioursPanel::default();
        panel.open = true;
        Self {
            ctx: egui::Context::default(),
            panel,
            cache: EventsCache::default(),
            started,
        }
    }

    fn frame_cpu_ms(&mut self, state: &ProjectState, frame_idx: u64, times: &[f64]) -> f64 {
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), vec2(1600.0, 1000.0))),
            time: Some(self.started.elapsed().as_secs_f64()),
            ..RawInput::default()
        };
        let theme = Theme::dark();
        let video = state.videos[0].id;
        let project_path = std::path::PathBuf::from("bench.kinelab");
        let cpu = thread_cpu_time();
        // As the workspace: the events (parsed once per change), the lanes, the
        // timeline and the panel.
        let ethogram = behaviours::ethogram(state);
        let events = self.cache.events(state, video);
        let lanes = event_lanes(state, &ethogram, &events, frame_idx);
        let codes: Vec<(String, bool)> = ethogram
            .behaviours
            .iter()
            .map(|b| (b.code.clone(), b.kind == BehaviourKind::State))
            .collect();
        let key_taken = |_: &str| false;
        let (panel, ctx) = (&mut self.panel, &self.ctx);
        let mut output = ctx.run_ui(input, |ui| {
            egui::Panel::bottom("timeline").show(ui, |ui| {
                timeline_ui(
                    ui,
                    &TimelineContext {
                        frame_count: times.len() as u64,
                        current_frame: frame_idx,
                        labeled: &[],
                        to_label: &[],
                        missing: &[],
                        keyframes: &[],
                        lanes: &[],
                        outlier_strips: &[],
                        event_lanes: &lanes,
                        events: &events,
                        behaviour_codes: &codes,
                        theme: &theme,
                    },
                );
            });
            let context = BehavioursContext {
                state,
                project_dir: std::path::PathBuf::from("."),
                video: Some(video),
                ethogram: &ethogram,
                events: &events,
                current_frame: frame_idx,
                key_taken: &key_taken,
                times_secs: times,
                project_path: &project_path,
                label_generation: 0,
                theme: &theme,
            };
            panel.show(ui.ctx(), &context);
        });
        let _ = ctx.tessellate(std::mem::take(&mut output.shapes), output.pixels_per_point);
        // No renderer here to take the font atlas.
        output.textures_delta.clear();
        ms(thread_cpu_time().saturating_sub(cpu))
    }
}

/// `state` with `events` as its video's (and the bench ethogram).
fn with_events(state: &ProjectState, events: &[Event]) -> anyhow::Result<ProjectState> {
    let mut state = state.clone();
    let video = state.videos[0].id;
    state.settings.insert(
        behaviours::events_key(video),
        serde_json::to_string(events)?,
    );
    state.settings.insert(
        behaviours::ETHOGRAM.to_owned(),
        serde_json::to_string(&bench_ethogram())?,
    );
    Ok(state)
}

pub fn run(frames: u64, count: usize, rounds: usize, json: bool) -> anyhow::Result<()> {
    anyhow::ensure!(frames > 0, "--frames must be at least 1");
    let base = super::bench_plots::bench_state(frames)?;
    let events = bench_events(&base, frames, count);
    let full = with_events(&base, &events)?;
    let empty = with_events(&base, &[])?;
    let times: Vec<f64> = (0..frames).map(|f| f as f64 / 30.0).collect();
    let started = Instant::now();
    let (mut with, mut without, mut after_edit) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds.max(1) {
        // Playback: the frame shown moves; the events stay as they are.
        let mut screen = Screen::new(started);
        screen.frame_cpu_ms(&full, 0, &times);
        for f in 0..120 {
            with.push(screen.frame_cpu_ms(&full, (f * 900) % frames, &times));
        }
        // Right after an edit (one event more each time): the events are read again.
        let mut edited = full.clone();
        let mut more = events.clone();
        for f in 0..20u64 {
            more.push(Event {
                behaviour: "sniff".into(),
                subject: base.individuals[0].id,
                start_frame: (f * 5_000) % frames,
                stop_frame: None,
                modifier: None,
                computed: false,
            });
            edited = with_events(&edited, &more)?;
            after_edit.push(screen.frame_cpu_ms(&edited, (f * 900) % frames, &times));
        }
        // The reference: the same screen with no events.
        let mut bare = Screen::new(started);
        bare.frame_cpu_ms(&empty, 0, &times);
        for f in 0..120 {
            without.push(bare.frame_cpu_ms(&empty, (f * 900) % frames, &times));
        }
    }
    let result = serde_json::json!({
        "frames": frames,
        "events": count,
        "frame_cpu_ms": stats(with.clone()),
        "after_edit_frame_cpu_ms": stats(after_edit.clone()),
        "no_events_frame_cpu_ms": stats(without.clone()),
    });
    if json {
        println!("{result}");
    } else {
        let median = |v: &[f64]| median_p95(v).0;
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        println!("events lanes and the Behaviours panel, {count} events over {frames} frames:");
        println!(
            "  UI frame CPU while the frame shown moves: median {:.2} ms, max {:.2} ms (bar: < 16 ms)",
            median(&with),
            max(&with)
        );
        println!(
            "  the frame after an edit (events read again): median {:.2} ms, max {:.2} ms",
            median(&after_edit),
            max(&after_edit)
        );
        println!(
            "  the same screen with no events: median {:.2} ms -> the events add {:.2} ms",
            median(&without),
            median(&with) - median(&without)
        );
    }
    Ok(())
}
