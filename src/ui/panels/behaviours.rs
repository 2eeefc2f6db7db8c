//! The Behaviours panel: the ethogram editor (each behaviour's code, key, colour,
//! point or state, exclusive group and modifiers; saved as one undoable edit once it
//! has no problems) and the video's coded events, listed in order: a click goes to an
//! event's start, and an event can be relabelled or deleted (each one edit).

use crate::analysis::summary_table::SummaryLine;
use crate::project::behaviours::{Behaviour, BehaviourKind, Ethogram, Event};
use crate::project::{ProjectState, VideoId};
use crate::ui::theme::Theme;

/// What the panel reads.
pub struct BehavioursContext<'a> {
    pub state: &'a ProjectState,
    pub project_dir: std::path::PathBuf,
    pub video: Option<VideoId>,
    pub ethogram: &'a Ethogram,
    pub events: &'a [Event],
    pub current_frame: u64,
    /// Whether a key is a command's (a behaviour cannot take it).
    pub key_taken: &'a dyn Fn(&str) -> bool,
    /// Each frame's time in seconds, for the summary.
    pub times_secs: &'a [f64],
    /// The project file (its predictions are read for the time in regions).
    pub project_path: &'a std::path::Path,
    /// Bumped by every edit: the time in regions is worked out again after one.
    pub label_generation: u64,
    pub theme: &'a Theme,
}

/// What a person did in the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum BehavioursAction {
    SetEthogram(Ethogram),
    /// The video's events, changed as described.
    SetEvents(VideoId, Vec<Event>, String),
    /// Save the video's ethogram plot (SVG and PNG) in the project's plots folder.
    SavePlot(VideoId),
    /// Save the video's summary table (as shown) as CSV in the project's events folder.
    SaveSummary(VideoId, Vec<SummaryLine>),
    /// Save the video's events as BORIS's tabular CSV (`false`) or a BORIS project.
    ExportEvents(VideoId, bool),
    /// Save the project's ethogram as BORIS's ethogram table.
    ExportEthogram,
    /// A BORIS project read for import: apply its edit.
    Imported(Option<crate::project::Edit>, String),
    Error(String),
    GoTo(u64),
}

/// The panel's own state: the ethogram being edited, the file picker for imports.
#[derive(Default)]
pub struct BehavioursPanel {
    pub open: bool,
    /// The ethogram as edited, until saved (`None`: the project's, unedited).
    pub draft: Option<Ethogram>,
    picker: crate::ui::file_picker::FilePicker,
    import_job: Option<crate::ui::jobs::Job<ImportResult>>,
    /// The summary's time bin in seconds (0: the whole video).
    pub summary_bin_secs: f64,
    /// Each subject's time in the regions of interest, worked out on a worker for the
    /// video, bin and project state it names.
    /// The summary's rows of events, for the video, bin and project state they name.
    behaviour_lines: Option<(RegionKey, Vec<SummaryLine>)>,
    region_lines: Option<(RegionKey, RegionResult)>,
    region_job: Option<(RegionKey, crate::ui::jobs::Job<RegionResult>)>,
}

/// What a summary was worked out for: video, bin (bits of the f64) and the project's
/// label generation.
type RegionKey = (VideoId, u64, u64);

/// The time-in-region rows, or why they could not be worked out.
type RegionResult = Result<Vec<SummaryLine>, String>;

/// A BORIS import read on a worker: its edit (if it adds anything) and its summary.
type ImportResult = Result<(Option<crate::project::Edit>, String), String>;

use super::event_lanes::hex_color as color32;

impl BehavioursPanel {
    /// Draws the panel; returns what was asked for.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        c: &BehavioursContext<'_>,
    ) -> Vec<BehavioursAction> {
        let mut out = Vec::new();
        if let Some(result) = crate::ui::jobs::Job::take_finished(&mut self.import_job) {
            out.push(match result {
                Ok((edit, summary)) => BehavioursAction::Imported(edit, summary),
                Err(e) => BehavioursAction::Error(e),
            });
        }
        if let Some(path) = self.picker.show(ctx) {
            self.start_import(ctx, c, path);
        }
        if !self.open {
            return out;
        }
        let mut open = self.open;
        egui::Window::new("Behaviours")
            .open(&mut open)
            .default_width(460.0)
            .show(ctx, |ui| {
                self.ethogram_ui(ui, c, &mut out);
                ui.separator();
                events_ui(ui, c, &mut out);
                self.summary_ui(ui, c, &mut out);
            });
        self.open = open;
        out
    }

    /// The summary: per subject and behaviour, count, total and mean duration and
    /// latency to the first; and each subject's time in each region of interest
    /// (worked out on a worker); over the whole video or per time bin.
    fn summary_ui(
        &mut self,
        ui: &mut egui::Ui,
        c: &BehavioursContext<'_>,
        out: &mut Vec<BehavioursAction>,
    ) {
        let Some(video) = c.video else {
            return;
        };
        let has_regions = !crate::analysis::rules::regions_of(c.state).is_empty();
        if c.events.is_empty() && !has_regions {
            return;
        }
        egui::CollapsingHeader::new("Summary").show(ui, |ui| {
            let bin_secs = Some(self.summary_bin_secs).filter(|b| *b > 0.0);
            let key = (video, self.summary_bin_secs.to_bits(), c.label_generation);
            // Summarised again only after an edit or another bin, not every UI frame.
            if self.behaviour_lines.as_ref().is_none_or(|(k, _)| *k != key) {
                let lines = crate::analysis::summary_table::behaviour_lines(
                    c.state,
                    c.events,
                    c.ethogram,
                    c.times_secs,
                    bin_secs,
                );
                self.behaviour_lines = Some((key, lines));
            }
            let mut lines = self
                .behaviour_lines
                .as_ref()
                .map(|(_, l)| l.clone())
                .unwrap_or_default();
            if has_regions {
                self.poll_regions(ui.ctx(), c, key);
                match &self.region_lines {
                    Some((k, Ok(regions))) if *k == key => lines.extend(regions.iter().cloned()),
                    Some((k, Err(e))) if *k == key => {
                        ui.colored_label(c.theme.error, format!("time in regions: {e}"));
                    }
                    _ => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.weak("working out the time in regions…");
                        });
                    }
                }
            }
            let secs = |v: f64| {
                if v.is_finite() {
                    format!("{v:.2} s")
                } else {
                    "–".to_owned()
                }
            };
            ui.horizontal(|ui| {
                ui.label("per bin of");
                ui.add(
                    egui::DragValue::new(&mut self.summary_bin_secs)
                        .range(0.0..=86_400.0)
                        .speed(1.0)
                        .suffix(" s"),
                )
                .on_hover_text("0: the whole video");
                if ui
                    .button("Save summary")
                    .on_hover_text("As CSV in the project's events folder")
                    .clicked()
                {
                    out.push(BehavioursAction::SaveSummary(video, lines.clone()));
                }
            });
            egui::ScrollArea::vertical()
                .id_salt("event summary rows")
                .max_height(260.0)
                .show(ui, |ui| {
                    egui::Grid::new("event summary")
                        .striped(true)
                        .show(ui, |ui| {
                            let headers =
                                ["subject", "behaviour", "count", "total", "mean", "first at"];
                            if bin_secs.is_some() {
                                ui.weak("bin");
                            }
                            for h in headers {
                                ui.weak(h);
                            }
                            ui.end_row();
                            for l in &lines {
                                if bin_secs.is_some() {
                                    ui.label(secs(l.bin_start_secs));
                                }
                                ui.label(&l.subject);
                                ui.label(&l.what);
                                ui.label(l.count.to_string());
                                ui.label(secs(l.total_secs));
                                ui.label(secs(l.mean_secs));
                                ui.label(secs(l.latency_secs));
                                ui.end_row();
                            }
                        });
                });
        });
    }

    /// How many time-in-region rows are worked out (for tests).
    pub fn region_lines_for_tests(&self) -> Option<usize> {
        match &self.region_lines {
            Some((_, Ok(lines))) if self.region_job.is_none() => Some(lines.len()),
            _ => None,
        }
    }

    /// Starts working out the time in regions for `key` unless it is done or under
    /// way; takes a finished result.
    fn poll_regions(&mut self, ctx: &egui::Context, c: &BehavioursContext<'_>, key: RegionKey) {
        if let Some((k, job)) = &self.region_job
            && let Some(result) = job.poll()
        {
            self.region_lines = Some((*k, result));
            self.region_job = None;
        }
        // One job at a time: when it ends, the newest key starts the next.
        let done = self.region_lines.as_ref().is_some_and(|(k, _)| *k == key);
        if done || self.region_job.is_some() {
            return;
        }
        let Some(video) = c.state.video(key.0).cloned() else {
            return;
        };
        let state = c.state.clone();
        let project_path = c.project_path.to_owned();
        let times = c.times_secs.to_vec();
        let bin_secs = Some(self.summary_bin_secs).filter(|b| *b > 0.0);
        self.region_job = Some((
            key,
            crate::ui::jobs::Job::spawn("time in regions", ctx, move |_| {
                let reader =
                    crate::project::prediction_store::PredictionReader::open(&project_path)
                        .map_err(|e| e.to_string())?;
                crate::analysis::summary_table::region_lines(
                    &state, &reader, &video, &times, bin_secs,
                )
                .map_err(|e| e.to_string())
            }),
        ));
    }

    /// Reads a BORIS project and builds its import on a worker (the videos' frame
    /// times are read there).
    fn start_import(
        &mut self,
        ctx: &egui::Context,
        c: &BehavioursContext<'_>,
        path: std::path::PathBuf,
    ) {
        let state = c.state.clone();
        let dir = c.project_dir.clone();
        // The keys a behaviour cannot take, for the worker.
        let command_keys: Vec<String> = ('a'..='z')
            .chain('0'..='9')
            .map(String::from)
            .filter(|k| (c.key_taken)(k))
            .collect();
        self.import_job = Some(crate::ui::jobs::Job::spawn(
            "importing a BORIS project",
            ctx,
            move |_| {
                let boris = crate::formats::boris::read_any(&path).map_err(|e| e.to_string())?;
                let times_of = |v: &crate::project::Video| {
                    let file = crate::project::document::resolve_video_path(&dir, &v.def.path);
                    crate::analysis::track_source::frame_times(v, &file).ok()
                };
                let key_taken = |k: &str| command_keys.iter().any(|c| c.eq_ignore_ascii_case(k));
                let import = crate::formats::boris::import_edit(
                    &state, &boris, &path, &times_of, &key_taken,
                );
                let summary = format!("{}: {}", path.display(), import.summary());
                Ok((import.edit, summary))
            },
        ));
    }

    fn ethogram_ui(
        &mut self,
        ui: &mut egui::Ui,
        c: &BehavioursContext<'_>,
        out: &mut Vec<BehavioursAction>,
    ) {
        ui.strong("Ethogram");
        let draft = self.draft.get_or_insert_with(|| c.ethogram.clone());
        let mut remove = None;
        egui::Grid::new("ethogram")
            .num_columns(7)
            .striped(true)
            .show(ui, |ui| {
                for text in [
                    "code",
                    "key",
                    "type",
                    "colour",
                    "exclusive group",
                    "modifiers",
                    "",
                ] {
                    ui.weak(text);
                }
                ui.end_row();
                for (i, b) in draft.behaviours.iter_mut().enumerate() {
                    ui.push_id(i, |ui| {
                        ui.add_sized([110.0, 20.0], egui::TextEdit::singleline(&mut b.code));
                    });
                    ui.push_id(("key", i), |ui| {
                        ui.add_sized([28.0, 20.0], egui::TextEdit::singleline(&mut b.key));
                    });
                    egui::ComboBox::from_id_salt(("kind", i))
                        .selected_text(match b.kind {
                            BehaviourKind::Point => "point",
                            BehaviourKind::State => "state",
                        })
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut b.kind, BehaviourKind::Point, "point");
                            ui.selectable_value(&mut b.kind, BehaviourKind::State, "state");
                        });
                    let mut rgb = color32(&b.color);
                    if ui.color_edit_button_srgba(&mut rgb).changed() {
                        b.color = format!("#{:02x}{:02x}{:02x}", rgb.r(), rgb.g(), rgb.b());
                    }
                    let mut group = b.group.clone().unwrap_or_default();
                    ui.push_id(("group", i), |ui| {
                        if ui
                            .add(egui::TextEdit::singleline(&mut group).desired_width(80.0))
                            .changed()
                        {
                            b.group = Some(group.trim().to_owned()).filter(|g| !g.is_empty());
                        }
                    });
                    // Modifiers as a comma-separated list ("left, right").
                    let mut modifiers = b.modifiers.join(", ");
                    ui.push_id(("modifiers", i), |ui| {
                        if ui
                            .add(egui::TextEdit::singleline(&mut modifiers).desired_width(90.0))
                            .on_hover_text("comma-separated: each event can carry one")
                            .changed()
                        {
                            b.modifiers = modifiers
                                .split(',')
                                .map(|m| m.trim().to_owned())
                                .filter(|m| !m.is_empty())
                                .collect();
                        }
                    });
                    if ui
                        .small_button("×")
                        .on_hover_text("Remove this behaviour")
                        .clicked()
                    {
                        remove = Some(i);
                    }
                    ui.end_row();
                }
            });
        if let Some(i) = remove {
            draft.behaviours.remove(i);
        }
        let problems = draft.problems(c.key_taken);
        let changed = *draft != *c.ethogram;
        let mut revert = false;
        ui.horizontal(|ui| {
            if ui.button("Add behaviour").clicked() {
                let n = draft.behaviours.len();
                draft.behaviours.push(Behaviour {
                    code: format!("behaviour{}", n + 1),
                    key: String::new(),
                    color: crate::project::behaviours::palette_color(n),
                    kind: BehaviourKind::State,
                    modifiers: Vec::new(),
                    group: None,
                    description: String::new(),
                });
            }
            if ui
                .add_enabled(
                    changed && problems.is_empty(),
                    egui::Button::new("Save ethogram"),
                )
                .clicked()
            {
                out.push(BehavioursAction::SetEthogram(draft.clone()));
            }
            if changed && ui.button("Revert").clicked() {
                revert = true;
            }
            if ui
                .button("Import BORIS…")
                .on_hover_text(
                    "A BORIS project's behaviours and events (.boris, .boris.gz), its \
                     tabular or aggregated events, or its ethogram table (CSV, TSV, Excel, \
                     OpenDocument)",
                )
                .clicked()
            {
                self.picker.open_file(
                    ui.ctx(),
                    "Import from BORIS",
                    crate::formats::boris::IMPORT_KINDS,
                    Some(&c.project_dir),
                );
            }
            if ui
                .add_enabled(
                    !c.ethogram.behaviours.is_empty(),
                    egui::Button::new("Export ethogram"),
                )
                .on_hover_text("As BORIS's ethogram table (CSV) in the project's events folder")
                .clicked()
            {
                out.push(BehavioursAction::ExportEthogram);
            }
        });
        if revert {
            self.draft = None;
        }
        for p in &problems {
            ui.colored_label(c.theme.error, p);
        }
        if !changed && !c.ethogram.behaviours.is_empty() {
            ui.weak("Press a behaviour's key while the video plays or steps: a point event, or a state's start and stop, for the selected individual.");
        }
    }
}

/// The video's events: a click goes to the start; relabel or delete.
fn events_ui(ui: &mut egui::Ui, c: &BehavioursContext<'_>, out: &mut Vec<BehavioursAction>) {
    let Some(video) = c.video else {
        return;
    };
    ui.horizontal(|ui| {
        ui.strong(format!("Events ({})", c.events.len()));
        if !c.events.is_empty() {
            if ui
                .small_button("Save plot")
                .on_hover_text("The ethogram plot, SVG and PNG, in the project's plots folder")
                .clicked()
            {
                out.push(BehavioursAction::SavePlot(video));
            }
            let computed = c.events.iter().filter(|e| e.computed).count();
            if computed > 0
                && ui
                    .small_button(format!("Accept {computed} computed"))
                    .on_hover_text("Keep every computed event as coded")
                    .clicked()
            {
                let events = c
                    .events
                    .iter()
                    .cloned()
                    .map(|mut e| {
                        e.computed = false;
                        e
                    })
                    .collect();
                out.push(BehavioursAction::SetEvents(
                    video,
                    events,
                    format!("accept {computed} computed events"),
                ));
            }
            if ui
                .small_button("Export CSV")
                .on_hover_text("BORIS's tabular events, in the project's events folder")
                .clicked()
            {
                out.push(BehavioursAction::ExportEvents(video, false));
            }
            if ui
                .small_button("Export .boris")
                .on_hover_text("A BORIS project with the ethogram and these events")
                .clicked()
            {
                out.push(BehavioursAction::ExportEvents(video, true));
            }
        }
    });
    if c.events.is_empty() {
        ui.weak("None coded on this video yet.");
        return;
    }
    let row_height = ui.spacing().interact_size.y;
    egui::ScrollArea::vertical().max_height(220.0).show_rows(
        ui,
        row_height,
        c.events.len(),
        |ui, rows| {
            for i in rows {
                let e = &c.events[i];
                ui.horizontal(|ui| {
                    let span = match e.stop_frame {
                        Some(stop) => format!("frames {}–{stop}", e.start_frame),
                        None if e.is_open(c.ethogram) => format!("frames {}–…", e.start_frame),
                        None => format!("frame {}", e.start_frame),
                    };
                    let subject = c.state.individual_name(e.subject);
                    let computed = if e.computed { " (computed)" } else { "" };
                    let modifier = e
                        .modifier
                        .as_ref()
                        .map_or_else(String::new, |m| format!(" [{m}]"));
                    let here = e.start_frame <= c.current_frame
                        && e.stop_frame.unwrap_or(e.start_frame) >= c.current_frame;
                    if ui
                        .selectable_label(
                            here,
                            format!("{span}: {}{modifier} ({subject}){computed}", e.behaviour),
                        )
                        .clicked()
                    {
                        out.push(BehavioursAction::GoTo(e.start_frame));
                    }
                    let mut relabel = e.behaviour.clone();
                    egui::ComboBox::from_id_salt(("relabel", i))
                        .selected_text("relabel")
                        .width(70.0)
                        .show_ui(ui, |ui| {
                            // As another of its kind: a point stays a point.
                            let kind = c.ethogram.by_code(&e.behaviour).map(|b| b.kind);
                            for b in &c.ethogram.behaviours {
                                if kind.is_some_and(|k| k != b.kind) {
                                    continue;
                                }
                                ui.selectable_value(&mut relabel, b.code.clone(), &b.code);
                            }
                        });
                    if relabel != e.behaviour {
                        let mut events = c.events.to_vec();
                        events[i].behaviour = relabel.clone();
                        out.push(BehavioursAction::SetEvents(
                            video,
                            events,
                            format!("relabel an event as {relabel}"),
                        ));
                    }
                    // A modifier, where the behaviour has some.
                    let choices = c
                        .ethogram
                        .by_code(&e.behaviour)
                        .map_or(&[][..], |b| b.modifiers.as_slice());
                    if !choices.is_empty() {
                        let mut modifier = e.modifier.clone();
                        egui::ComboBox::from_id_salt(("modifier", i))
                            .selected_text(modifier.clone().unwrap_or_else(|| "modifier".into()))
                            .width(70.0)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut modifier, None, "none");
                                for m in choices {
                                    ui.selectable_value(&mut modifier, Some(m.clone()), m);
                                }
                            });
                        if modifier != e.modifier {
                            let mut events = c.events.to_vec();
                            events[i].modifier = modifier.clone();
                            out.push(BehavioursAction::SetEvents(
                                video,
                                events,
                                format!(
                                    "set the modifier of a {} event to {}",
                                    e.behaviour,
                                    modifier.as_deref().unwrap_or("none")
                                ),
                            ));
                        }
                    }
                    if e.computed
                        && ui
                            .small_button("accept")
                            .on_hover_text("Keep it as coded: no longer computed")
                            .clicked()
                    {
                        let mut events = c.events.to_vec();
                        events[i].computed = false;
                        out.push(BehavioursAction::SetEvents(
                            video,
                            events,
                            format!("accept a computed {} event", e.behaviour),
                        ));
                    }
                    if ui
                        .small_button("×")
                        .on_hover_text("Delete this event")
                        .clicked()
                    {
                        let mut events = c.events.to_vec();
                        events.remove(i);
                        out.push(BehavioursAction::SetEvents(
                            video,
                            events,
                            format!("delete a {} event", e.behaviour),
                        ));
                    }
                });
            }
        },
    );
}
