//! The Identities panel: where two animals come close (a tracker's identity swaps
//! happen there), found on a worker and listed; and swapping two individuals on this
//! frame, from here on, or over frames, in the labels (one undoable edit) or in a
//! prediction set (a corrected copy of the set, added as one undoable step).

use std::path::{Path, PathBuf};

use crate::analysis::crossings::{Crossing, find_crossings};
use crate::analysis::track_source::{TrackSource, load_tracks};
use crate::project::prediction_store::{PredictionReader, PredictionSource, PredictionWriter};
use crate::project::{IndividualId, PredictionSetId, ProjectState, VideoId};
use crate::ui::jobs::Job;
use crate::ui::theme::Theme;

/// What the panel reads.
pub struct IdentitiesContext<'a> {
    pub state: &'a ProjectState,
    pub video: Option<VideoId>,
    pub project_path: &'a Path,
    pub frame_count: u64,
    pub current_frame: u64,
    pub selected_individual: IndividualId,
    pub theme: &'a Theme,
}

/// Over which frames a swap applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwapScope {
    ThisFrame,
    FromHereOn,
    Frames { first: u64, last: u64 },
}

/// What a person did in the panel (or a job that finished).
#[derive(Clone, Debug, PartialEq)]
pub enum IdentitiesAction {
    GoTo(u64),
    Error(String),
    /// Swap two individuals' labels over frames (inclusive).
    SwapLabels {
        video: VideoId,
        a: IndividualId,
        b: IndividualId,
        first: u64,
        last: u64,
    },
    /// A corrected copy of `from` was written as `new`: add it (and hide `from`).
    SetCorrected {
        from: PredictionSetId,
        new: PredictionSetId,
        description: String,
    },
}

type CrossingsResult = Result<(VideoId, TrackSource, Vec<Crossing>), String>;
type SwapResult = Result<(PredictionSetId, PredictionSetId, String), String>;

/// The panel's own state.
pub struct IdentitiesPanel {
    pub open: bool,
    pub source: Option<TrackSource>,
    /// Two animals closer than this (centroids, px) may swap.
    pub within_px: f64,
    pub crossings: Option<(VideoId, TrackSource, Vec<Crossing>)>,
    pub swap_a: Option<IndividualId>,
    pub swap_b: Option<IndividualId>,
    pub scope: SwapScope,
    find_job: Option<Job<CrossingsResult>>,
    swap_job: Option<Job<SwapResult>>,
}

impl Default for IdentitiesPanel {
    fn default() -> Self {
        Self {
            open: false,
            source: None,
            within_px: 30.0,
            crossings: None,
            swap_a: None,
            swap_b: None,
            scope: SwapScope::ThisFrame,
            find_job: None,
            swap_job: None,
        }
    }
}

impl IdentitiesPanel {
    pub fn is_busy(&self) -> bool {
        self.find_job.is_some() || self.swap_job.is_some()
    }

    /// The data chosen, else the video's first prediction set, else its labels.
    fn chosen_source(&self, state: &ProjectState, video: VideoId) -> TrackSource {
        crate::ui::widgets::track_source_for(state, video, self.source)
    }

    /// The frames a swap covers, first and last.
    pub fn scope_frames(&self, current: u64, frame_count: u64) -> (u64, u64) {
        let end = frame_count.saturating_sub(1);
        match self.scope {
            SwapScope::ThisFrame => (current, current),
            SwapScope::FromHereOn => (current, end),
            SwapScope::Frames { first, last } => (first.min(last), last.max(first).min(end)),
        }
    }

    fn start_find(&mut self, ctx: &egui::Context, c: &IdentitiesContext<'_>) -> Result<(), String> {
        let video = c.video.ok_or("no video shown")?;
        let entry = c.state.video(video).ok_or("no video shown")?.clone();
        let source = self.chosen_source(c.state, video);
        let (state, project_path) = (c.state.clone(), c.project_path.to_owned());
        let (within, frames) = (self.within_px, c.frame_count as usize);
        self.find_job = Some(Job::spawn("finding crossings", ctx, move |_| {
            let reader = PredictionReader::open(&project_path).map_err(|e| e.to_string())?;
            let tracks =
                load_tracks(&state, &reader, &entry, source, frames).map_err(|e| e.to_string())?;
            Ok((video, source, find_crossings(&tracks, frames, within)))
        }));
        Ok(())
    }

    /// Writes a copy of `set` with `a` and `b` swapped over the frames, on a worker.
    fn start_set_swap(
        &mut self,
        ctx: &egui::Context,
        c: &IdentitiesContext<'_>,
        set: PredictionSetId,
        (a, b): (IndividualId, IndividualId),
        (first, last): (u64, u64),
    ) -> Result<(), String> {
        let video = c.video.ok_or("no video shown")?;
        let set_entry = c.state.prediction_set(set).ok_or("no such set")?.clone();
        let project_path: PathBuf = c.project_path.to_owned();
        let names = (c.state.individual_name(a), c.state.individual_name(b));
        self.swap_job = Some(Job::spawn("swapping identities", ctx, move |_| {
            let reader = PredictionReader::open(&project_path).map_err(|e| e.to_string())?;
            let mut arrays = reader
                .arrays(&set_entry, video)
                .map_err(|e| e.to_string())?;
            arrays.swap_individuals(a, b, first..=last);
            let mut def = set_entry.def.clone();
            def.name = format!("{} (identities fixed)", set_entry.def.name);
            def.created_unix_secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64());
            let new = PredictionWriter::open(&project_path)
                .and_then(|mut w| w.write_set(&def, &[(video, arrays)], false, &mut |_, _| {}))
                .map_err(|e| e.to_string())?;
            let description = format!(
                "swap '{}' and '{}' in {} on frames {first}–{last}",
                names.0, names.1, set_entry.def.name
            );
            Ok((set, new, description))
        }));
        Ok(())
    }

    /// Draws the panel; returns what was asked for.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        c: &IdentitiesContext<'_>,
    ) -> Vec<IdentitiesAction> {
        let mut out = Vec::new();
        if let Some(result) = Job::take_finished(&mut self.find_job) {
            match result {
                Ok(found) => self.crossings = Some(found),
                Err(e) => out.push(IdentitiesAction::Error(format!(
                    "Finding crossings failed: {e}"
                ))),
            }
        }
        if let Some(result) = Job::take_finished(&mut self.swap_job) {
            match result {
                Ok((from, new, description)) => out.push(IdentitiesAction::SetCorrected {
                    from,
                    new,
                    description,
                }),
                Err(e) => out.push(IdentitiesAction::Error(format!("The swap failed: {e}"))),
            }
        }
        if !self.open {
            return out;
        }
        let mut open = self.open;
        egui::Window::new("Identities")
            .open(&mut open)
            .default_width(340.0)
            .show(ctx, |ui| self.window_ui(ui, ctx, c, &mut out));
        self.open = open;
        out
    }

    fn window_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        c: &IdentitiesContext<'_>,
        out: &mut Vec<IdentitiesAction>,
    ) {
        let Some(video) = c.video else {
            ui.label("No video shown.");
            return;
        };
        let mut source = self.chosen_source(c.state, video);
        ui.horizontal(|ui| {
            ui.label("Data");
            if let Some(picked) = crate::ui::widgets::track_source_combo(
                ui,
                "identities data",
                c.state,
                video,
                source,
            ) {
                self.source = Some(picked);
                source = picked;
            }
        });
        ui.horizontal(|ui| {
            ui.label("Animals closer than");
            ui.add(
                egui::DragValue::new(&mut self.within_px)
                    .range(0.1..=10_000.0)
                    .suffix(" px"),
            );
            let busy = self.find_job.is_some();
            if ui
                .add_enabled(!busy, egui::Button::new("Find crossings"))
                .clicked()
                && let Err(e) = self.start_find(ctx, c)
            {
                out.push(IdentitiesAction::Error(e));
            }
            if busy {
                ui.spinner();
            }
        });
        if let Some((_, _, crossings)) = self.crossings.as_ref().filter(|(v, ..)| *v == video) {
            ui.label(format!(
                "{} crossings (a click goes to the closest frame)",
                crossings.len()
            ));
            let row_height = ui.spacing().interact_size.y;
            egui::ScrollArea::vertical().max_height(180.0).show_rows(
                ui,
                row_height,
                crossings.len(),
                |ui, rows| {
                    for x in &crossings[rows] {
                        let text = format!(
                            "frames {}–{}: {} & {}, {:.1} px at {}",
                            x.first_frame,
                            x.last_frame,
                            x.a_name,
                            x.b_name,
                            x.closest_px,
                            x.closest_frame
                        );
                        let here = (x.first_frame..=x.last_frame).contains(&c.current_frame);
                        if ui.selectable_label(here, text).clicked() {
                            out.push(IdentitiesAction::GoTo(x.closest_frame));
                        }
                    }
                },
            );
        }
        ui.separator();
        self.swap_ui(ui, ctx, c, video, source, out);
    }

    fn swap_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        c: &IdentitiesContext<'_>,
        video: VideoId,
        source: TrackSource,
        out: &mut Vec<IdentitiesAction>,
    ) {
        let individuals = &c.state.individuals;
        if individuals.len() < 2 {
            ui.label("Swapping needs two individuals.");
            return;
        }
        let a = self.swap_a.unwrap_or(c.selected_individual);
        let b = self
            .swap_b
            .filter(|&b| b != a)
            .or_else(|| individuals.iter().map(|i| i.id).find(|&id| id != a))
            .unwrap_or(a);
        let pick = |ui: &mut egui::Ui, salt: &str, current: IndividualId| {
            let mut chosen = current;
            egui::ComboBox::from_id_salt(salt)
                .selected_text(c.state.individual_name(current))
                .show_ui(ui, |ui| {
                    for i in individuals {
                        ui.selectable_value(&mut chosen, i.id, &i.def.name);
                    }
                });
            chosen
        };
        ui.horizontal(|ui| {
            ui.label("Swap");
            let new_a = pick(ui, "swap a", a);
            ui.label("and");
            let new_b = pick(ui, "swap b", b);
            self.swap_a = Some(new_a);
            self.swap_b = Some(new_b);
        });
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.scope, SwapScope::ThisFrame, "this frame");
            ui.radio_value(&mut self.scope, SwapScope::FromHereOn, "from here on");
            let range = matches!(self.scope, SwapScope::Frames { .. });
            if ui.radio(range, "frames").clicked() && !range {
                self.scope = SwapScope::Frames {
                    first: c.current_frame,
                    last: c.current_frame,
                };
            }
            if let SwapScope::Frames { first, last } = &mut self.scope {
                let max = c.frame_count.saturating_sub(1);
                ui.add(egui::DragValue::new(first).range(0..=max));
                ui.label("to");
                ui.add(egui::DragValue::new(last).range(0..=max));
            }
        });
        let (a, b) = (self.swap_a.unwrap_or(a), self.swap_b.unwrap_or(b));
        let (first, last) = self.scope_frames(c.current_frame, c.frame_count);
        ui.horizontal(|ui| {
            if ui
                .add_enabled(a != b, egui::Button::new("Swap in the labels"))
                .clicked()
            {
                out.push(IdentitiesAction::SwapLabels {
                    video,
                    a,
                    b,
                    first,
                    last,
                });
            }
            if let TrackSource::Set(set) = source {
                let busy = self.swap_job.is_some();
                let text = format!(
                    "Swap in {}",
                    c.state
                        .prediction_set(set)
                        .map_or("", |s| s.def.name.as_str())
                );
                if ui
                    .add_enabled(a != b && !busy, egui::Button::new(text))
                    .on_hover_text("writes a corrected copy of the set, added as one undoable step")
                    .clicked()
                    && let Err(e) = self.start_set_swap(ctx, c, set, (a, b), (first, last))
                {
                    out.push(IdentitiesAction::Error(e));
                }
                if busy {
                    ui.spinner();
                }
            }
        });
    }
}
