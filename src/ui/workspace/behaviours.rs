//! Behaviour coding in an open project: the Behaviours panel, the behaviour keys
//! (after the command table's), and the events lanes under the timeline.

use super::Workspace;
use crate::project::behaviours;
use crate::ui::panels::behaviours::{BehavioursAction, BehavioursContext};
use crate::ui::panels::modifier_prompt::{self, ModifierPromptAction, PendingModifier};
use crate::ui::panels::timeline::{EventChange, EventLane};
use crate::ui::theme::Theme;

impl Workspace {
    /// Draws the panel and returns its actions.
    pub(super) fn behaviours_panel_ui(
        &mut self,
        ctx: &egui::Context,
        theme: &Theme,
    ) -> Vec<BehavioursAction> {
        if !self.behaviours_panel.open {
            return Vec::new();
        }
        let state = self.project.state();
        let ethogram = behaviours::ethogram(state);
        let events = self
            .selection
            .video
            .map(|v| self.events_cache.events(state, v))
            .unwrap_or_default();
        let taken = &self.command_keys;
        let key_taken = |k: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(k));
        let times_secs = self.frame_times_secs();
        let project_path = self.project.path().to_owned();
        let context = BehavioursContext {
            state,
            project_dir: self.project.dir(),
            video: self.selection.video,
            ethogram: &ethogram,
            events: &events,
            current_frame: self.selection.frame_idx,
            key_taken: &key_taken,
            times_secs: &times_secs,
            project_path: &project_path,
            label_generation: self.label_generation,
            theme,
        };
        self.behaviours_panel.show(ctx, &context)
    }

    pub(super) fn handle_behaviours_action(&mut self, action: BehavioursAction) {
        match action {
            BehavioursAction::GoTo(f) => self.go_to(f),
            BehavioursAction::SetEthogram(ethogram) => {
                if let Some(edit) = behaviours::set_ethogram(self.project.state(), &ethogram)
                    && self.apply_edit(edit)
                {
                    self.behaviours_panel.draft = None;
                    self.set_status(format!(
                        "ethogram saved: {} behaviours; their keys code events",
                        ethogram.behaviours.len()
                    ));
                }
            }
            BehavioursAction::Error(e) => self.set_error(e),
            BehavioursAction::Imported(edit, summary) => match edit {
                Some(edit) => {
                    if self.apply_edit(edit) {
                        self.set_status(summary);
                    }
                }
                None => self.set_status(summary),
            },
            BehavioursAction::ExportEvents(video, boris) => {
                match self.export_events(video, boris) {
                    Ok(path) => self.set_status(format!("saved {}", path.display())),
                    Err(e) => self.set_error(format!("the events could not be saved: {e}")),
                }
            }
            BehavioursAction::SaveSummary(video, lines) => match self.save_summary(video, &lines) {
                Ok(path) => self.set_status(format!("saved {}", path.display())),
                Err(e) => self.set_error(format!("the summary could not be saved: {e}")),
            },
            BehavioursAction::ExportEthogram => match self.export_ethogram() {
                Ok(path) => self.set_status(format!("saved {}", path.display())),
                Err(e) => self.set_error(format!("the ethogram could not be saved: {e}")),
            },
            BehavioursAction::SavePlot(video) => match self.save_ethogram_plot(video) {
                Ok(path) => self.set_status(format!("saved {} (and .png)", path.display())),
                Err(e) => self.set_error(format!("the ethogram plot could not be saved: {e}")),
            },
            BehavioursAction::SetEvents(video, events, description) => {
                if let Some(edit) =
                    behaviours::set_events(self.project.state(), video, events, description)
                {
                    self.apply_edit(edit);
                }
            }
        }
    }

    /// Each frame's time in seconds: by its timestamp once the index is built, by the
    /// fps until then. Worked out once per video and index, not every UI frame.
    fn frame_times_secs(&self) -> std::sync::Arc<Vec<f64>> {
        let frames = self.frame_count() as usize;
        let fps = self.fps();
        let indexed = self
            .feed
            .as_ref()
            .and_then(|f| Some((f.index()?, f.info()?.secs_per_tick())));
        let key = (self.selection.video, indexed.is_some(), frames);
        let mut cache = self.times_cache.borrow_mut();
        if let Some((k, times)) = cache.as_ref()
            && *k == key
        {
            return std::sync::Arc::clone(times);
        }
        let by_fps = |f: usize| if fps > 0.0 { f as f64 / fps } else { f64::NAN };
        let times: Vec<f64> = match indexed {
            Some((index, tick)) => (0..frames)
                .map(|f| index.time_of(f, tick).unwrap_or_else(|| by_fps(f)))
                .collect(),
            None => (0..frames).map(by_fps).collect(),
        };
        let times = std::sync::Arc::new(times);
        *cache = Some((key, std::sync::Arc::clone(&times)));
        times
    }

    /// Writes the video's events into the project's `events/` folder: BORIS's tabular
    /// CSV, or a BORIS project.
    fn export_events(
        &self,
        video: crate::project::VideoId,
        boris: bool,
    ) -> Result<std::path::PathBuf, String> {
        let state = self.project.state();
        let ethogram = behaviours::ethogram(state);
        let events = behaviours::events(state, video);
        let times = self.frame_times_secs();
        let v = state.video(video).ok_or("no such video")?;
        let media = self
            .project
            .video_path(video)
            .unwrap_or_else(|| std::path::PathBuf::from(&v.def.path));
        let rows = [crate::formats::events_csv::VideoEvents::new(
            v, &media, &times, &events,
        )];
        let name = &rows[0].observation;
        let dir = self.project.dir().join("events");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let (path, bytes) = if boris {
            let bytes = crate::formats::boris::project_file(state, name, &ethogram, &rows);
            (dir.join(format!("{name}.boris")), bytes)
        } else {
            let csv = crate::formats::events_csv::to_csv(state, &ethogram, &rows)
                .map_err(|e| e.to_string())?;
            (dir.join(format!("{name}.csv")), csv)
        };
        crate::util::atomic_file::write_bytes_atomically(&path, &bytes)
            .map_err(|e| e.to_string())?;
        Ok(path)
    }

    /// Writes the ethogram as BORIS's table into the project's `events/` folder.
    fn export_ethogram(&self) -> Result<std::path::PathBuf, String> {
        let state = self.project.state();
        let dir = self.project.dir().join("events");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join("ethogram.csv");
        let bytes = crate::formats::boris_ethogram::file_bytes(
            state,
            &behaviours::ethogram(state),
            "kinelab",
            &path,
        )
        .map_err(|e| e.to_string())?;
        crate::util::atomic_file::write_bytes_atomically(&path, &bytes)
            .map_err(|e| e.to_string())?;
        Ok(path)
    }

    /// Writes the video's summary table into the project's `events/` folder.
    fn save_summary(
        &self,
        video: crate::project::VideoId,
        lines: &[crate::analysis::summary_table::SummaryLine],
    ) -> Result<std::path::PathBuf, String> {
        let v = self.project.state().video(video).ok_or("no such video")?;
        let name = crate::formats::dlc_project::folder_name(v);
        let csv = crate::analysis::summary_table::to_csv(&[(name.clone(), lines.to_vec())])
            .map_err(|e| e.to_string())?;
        let dir = self.project.dir().join("events");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join(format!("{name} summary.csv"));
        crate::util::atomic_file::write_bytes_atomically(&path, &csv).map_err(|e| e.to_string())?;
        Ok(path)
    }

    /// Writes the video's ethogram plot as SVG and PNG into the project's `plots/`.
    fn save_ethogram_plot(
        &self,
        video: crate::project::VideoId,
    ) -> Result<std::path::PathBuf, String> {
        let state = self.project.state();
        let ethogram = behaviours::ethogram(state);
        let events = behaviours::events(state, video);
        let named: Vec<(String, &behaviours::Event)> = events
            .iter()
            .map(|e| (state.individual_name(e.subject), e))
            .collect();
        let times = self.frame_times_secs();
        let duration = times
            .last()
            .copied()
            .filter(|t| t.is_finite())
            .unwrap_or(0.0);
        let name = state.video(video).map_or_else(
            || "video".to_owned(),
            crate::formats::dlc_project::folder_name,
        );
        let svg = crate::analysis::ethogram_plot::svg(&name, &ethogram, &named, &times, duration);
        let png = crate::analysis::plot_export::svg_to_png(&svg).map_err(|e| e.to_string())?;
        let dir = self.project.dir().join("plots");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let stem = crate::util::text::file_stem_of(&format!("{name} ethogram"));
        let svg_path = dir.join(format!("{stem}.svg"));
        crate::util::atomic_file::write_bytes_atomically(&svg_path, svg.as_bytes())
            .map_err(|e| e.to_string())?;
        crate::util::atomic_file::write_bytes_atomically(&dir.join(format!("{stem}.png")), &png)
            .map_err(|e| e.to_string())?;
        Ok(svg_path)
    }

    /// Moves an event's start or last frame (a drag on its lane): one edit.
    pub(super) fn move_event_end(&mut self, event: usize, stop: bool, frame: u64) {
        let Some(video) = self.selection.video else {
            return;
        };
        let state = self.project.state();
        let mut events = behaviours::events(state, video);
        let Some(e) = events.get_mut(event) else {
            return;
        };
        let what = e.behaviour.clone();
        if stop {
            e.stop_frame = Some(frame.max(e.start_frame));
        } else {
            e.start_frame = frame.min(e.stop_frame.unwrap_or(frame));
        }
        let end = if stop { "end" } else { "start" };
        if let Some(edit) =
            behaviours::set_events(state, video, events, format!("move a {what} event's {end}"))
        {
            self.apply_edit(edit);
        }
    }

    /// Deletes, relabels or accepts one of the video's events (one edit), as asked from
    /// its lane.
    pub(super) fn change_event(&mut self, change: EventChange) {
        let Some(video) = self.selection.video else {
            return;
        };
        let state = self.project.state();
        let mut events = behaviours::events(state, video);
        let index = match change {
            EventChange::Delete(i) | EventChange::Accept(i) => i,
            EventChange::Relabel { event, .. } => event,
        };
        let Some(what) = events.get(index).map(|e| e.behaviour.clone()) else {
            return;
        };
        let description = match change {
            EventChange::Delete(i) => {
                events.remove(i);
                format!("delete a {what} event")
            }
            EventChange::Accept(i) => {
                events[i].computed = false;
                format!("accept a computed {what} event")
            }
            EventChange::Relabel { event, behaviour } => {
                let ethogram = behaviours::ethogram(state);
                let Some(b) = ethogram.behaviours.get(behaviour) else {
                    return;
                };
                events[event].behaviour = b.code.clone();
                format!("relabel a {what} event as {}", b.code)
            }
        };
        if let Some(edit) = behaviours::set_events(state, video, events, description.clone())
            && self.apply_edit(edit)
        {
            self.set_status(description);
        }
    }

    /// Takes this frame's presses of behaviour keys (no modifiers, no repeats) and codes
    /// them for the selected individual on the frame shown.
    pub fn take_behaviour_keys(&mut self, ctx: &egui::Context) {
        let Some(video) = self.selection.video else {
            return;
        };
        let ethogram = behaviours::ethogram(self.project.state());
        if ethogram.behaviours.is_empty() {
            return;
        }
        let mut pressed = Vec::new();
        ctx.input_mut(|input| {
            input.events.retain(|event| {
                if let egui::Event::Key {
                    key,
                    pressed: true,
                    repeat: false,
                    modifiers,
                    ..
                } = event
                    && modifiers.is_none()
                    && ethogram.by_key(key.name()).is_some()
                {
                    pressed.push(key.name().to_owned());
                    return false;
                }
                true
            });
        });
        for key in pressed {
            let (subject, frame) = (self.selection.individual, self.selection.frame_idx);
            if let Some((edit, said)) =
                behaviours::code_key(self.project.state(), video, &key, subject, frame)
                && self.apply_edit(edit)
            {
                self.set_status(said);
                self.ask_for_modifier(video, &key, subject, frame);
            }
        }
    }

    /// After a key coded an event whose behaviour has modifiers (a point, or a state
    /// started), asks which modifier applies.
    fn ask_for_modifier(
        &mut self,
        video: crate::project::VideoId,
        key: &str,
        subject: crate::project::IndividualId,
        frame: u64,
    ) {
        let state = self.project.state();
        let ethogram = behaviours::ethogram(state);
        let Some(b) = ethogram.by_key(key) else {
            return;
        };
        let new = behaviours::events(state, video).into_iter().any(|e| {
            e.behaviour == b.code
                && e.subject == subject
                && e.start_frame == frame
                && e.stop_frame.is_none()
                && e.modifier.is_none()
        });
        // A behaviour without modifiers leaves an earlier question open.
        if new && !b.modifiers.is_empty() {
            self.pending_modifier = Some(PendingModifier {
                video,
                behaviour: b.code.clone(),
                subject,
                start_frame: frame,
                modifiers: b.modifiers.clone(),
            });
        }
    }

    /// Takes the modifier prompt's keys, before the command table's.
    pub fn take_modifier_keys(&mut self, ctx: &egui::Context) {
        if let Some(pending) = &self.pending_modifier
            && let Some(action) = modifier_prompt::take_keys(ctx, pending)
        {
            self.handle_modifier_action(action);
        }
    }

    /// Draws the modifier prompt while an event waits for its modifier.
    pub(super) fn modifier_prompt_ui(
        &mut self,
        ctx: &egui::Context,
    ) -> Option<ModifierPromptAction> {
        let pending = self.pending_modifier.as_ref()?;
        // The video or the event gone (undone, deleted): nothing to ask.
        let still_there = self.selection.video == Some(pending.video)
            && self
                .events_cache
                .events(self.project.state(), pending.video)
                .iter()
                .any(|e| Self::is_pending(pending, e));
        if !still_there {
            self.pending_modifier = None;
            return None;
        }
        let subject = self.project.state().individual_name(pending.subject);
        modifier_prompt::show(
            ctx,
            &modifier_prompt::ModifierPromptContext {
                pending,
                subject_name: &subject,
            },
        )
    }

    fn is_pending(pending: &PendingModifier, e: &behaviours::Event) -> bool {
        e.behaviour == pending.behaviour
            && e.subject == pending.subject
            && e.start_frame == pending.start_frame
            && e.modifier.is_none()
    }

    pub(super) fn handle_modifier_action(&mut self, action: ModifierPromptAction) {
        let Some(pending) = self.pending_modifier.take() else {
            return;
        };
        let ModifierPromptAction::Choose(modifier) = action else {
            return;
        };
        let mut events = behaviours::events(self.project.state(), pending.video);
        let Some(e) = events.iter_mut().find(|e| Self::is_pending(&pending, e)) else {
            return;
        };
        e.modifier = Some(modifier.clone());
        let description = format!(
            "set modifier {modifier} of {} on frame {}",
            pending.behaviour, pending.start_frame
        );
        if let Some(edit) = behaviours::set_events(
            self.project.state(),
            pending.video,
            events,
            description.clone(),
        ) && self.apply_edit(edit)
        {
            self.set_status(description);
        }
    }

    /// The events lanes under the timeline, for tests.
    pub fn event_lanes_for_tests(&self) -> Vec<EventLane> {
        self.event_lanes()
    }

    /// The events lanes of the video shown: one per subject with events; an open
    /// state reaches the frame shown.
    pub(super) fn event_lanes(&self) -> Vec<EventLane> {
        let Some(video) = self.selection.video else {
            return Vec::new();
        };
        let state = self.project.state();
        let events = self.events_cache.events(state, video);
        crate::ui::panels::event_lanes::event_lanes(
            state,
            &behaviours::ethogram(state),
            &events,
            self.selection.frame_idx,
        )
    }
}
