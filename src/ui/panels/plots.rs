//! The plots dock: kinematics of the video shown, on the video's own frame axis, under
//! the video. Several plots stack, each one quantity (speed, a distance, an angle…) of
//! the labels or a prediction set, with the same cleaning and units for all; a line
//! marks the frame shown; a click or a drag seeks; scrolling pans and Ctrl+scroll
//! zooms in time, all plots together. Tracks are read on a worker, and series are
//! computed on workers when their settings change; the UI thread only draws them,
//! decimated to the plot's width, so an hour of frames draws as fast as a minute.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{Color32, Id};
use egui_plot::{Line, Plot, PlotPoints, VLine};

use crate::analysis::Smoothing;
use crate::analysis::decimate::decimate;
use crate::analysis::kinematics::Cleaning;
use crate::analysis::kinematics_table::{Scale, TimeUnit, Units, clock};
use crate::analysis::quantity::{PointRef, Quantity, SeriesSpec};
use crate::analysis::track_source::{TrackSource, frame_times, load_tracks};
use crate::analysis::tracks::Track;
use crate::project::prediction_store::PredictionReader;
use crate::project::prediction_store::{PredictionSource, PredictionWriter};
use crate::project::{PredictionSetId, ProjectState, VideoId};
use crate::ui::jobs::Job;
use crate::ui::theme::Theme;

/// What the dock reads.
pub struct PlotsContext<'a> {
    pub state: &'a ProjectState,
    pub video: Option<VideoId>,
    pub project_path: &'a Path,
    pub video_path: Option<PathBuf>,
    pub frame_idx: u64,
    pub frame_count: u64,
    /// Changes whenever labels change (labels are re-read then).
    pub label_generation: u64,
    /// The project's scale for real units, if it has one.
    pub scale: Option<Scale>,
    pub theme: &'a Theme,
}

/// What a person did in the dock.
#[derive(Clone, Debug, PartialEq)]
pub enum PlotsAction {
    /// Seek while the pointer drags along a plot.
    ScrubTo(u64),
    ScrubEnded,
    GoTo(u64),
    /// A plot's table or picture was written.
    Exported(PathBuf),
    /// The project's scale for real units (`None`: pixels).
    SetScale(Option<Scale>),
    /// A cleaned copy of a prediction set was written: add it as one undoable step.
    SetWritten {
        new: PredictionSetId,
        description: String,
    },
    Error(String),
    Close,
}

/// The tracks the plots read, and which data they are.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DataKey {
    video: VideoId,
    source: TrackSource,
    label_generation: u64,
}

/// Tracks read for the dock, with the video's clock (shared with the workers that
/// compute series).
pub struct PlotData {
    key: Option<DataKey>,
    pub tracks: Arc<Vec<Track>>,
    /// Each frame's timestamp in seconds (NaN where it has none).
    pub times: Arc<Vec<f64>>,
}

/// What a series is computed from: its spec, the settings and the data.
#[derive(Clone, Debug, PartialEq)]
struct SeriesKey {
    spec: SeriesSpec,
    cleaning: Cleaning,
    units: Units,
    generation: u64,
}

/// One plot's series, computed for its key.
struct Computed {
    key: SeriesKey,
    values: Result<Vec<f64>, String>,
}

type SeriesJob = Job<Result<Vec<f64>, String>>;

/// The dock's own state.
#[derive(Default)]
pub struct PlotsPanel {
    pub open: bool,
    /// Labels, or a prediction set; `None`: the video's first set, else its labels.
    pub source: Option<TrackSource>,
    pub plots: Vec<SeriesSpec>,
    pub cleaning: Cleaning,
    pub units: Units,
    data: Option<PlotData>,
    /// Bumped when new data arrives, so every series is computed again.
    data_generation: u64,
    job: Option<(DataKey, Job<Result<PlotData, String>>)>,
    computed: Vec<Option<Computed>>,
    /// Series being computed on workers (the last computed stays shown meanwhile).
    pending: Vec<Option<(SeriesKey, SeriesJob)>>,
    /// A drag along a plot is seeking.
    scrubbing: bool,
    /// Each plot's map from frames and values to the screen, as last drawn.
    transforms: Vec<Option<egui_plot::PlotTransform>>,
    /// A line measured on the frame (pixels), waiting for its real length.
    pub measured_px: Option<f64>,
    /// The real length and unit typed for it.
    pub measured_length: f64,
    pub measured_unit: String,
    /// Plot in the project's real units (when it has a scale) rather than pixels.
    pub in_pixels: bool,
    /// A cleaned copy of a set being written.
    save_job: Option<Job<Result<(PredictionSetId, String), String>>>,
}

fn color32(rgb: crate::project::Rgb) -> Color32 {
    let [r, g, b] = rgb.0;
    Color32::from_rgb(r, g, b)
}

impl PlotsPanel {
    /// Hands the dock tracks read elsewhere (a bench, a test): they stay until the
    /// video or data changes.
    pub fn set_data(&mut self, tracks: Vec<Track>, times: Vec<f64>) {
        self.data = Some(PlotData {
            key: None,
            tracks: Arc::new(tracks),
            times: Arc::new(times),
        });
        self.data_generation += 1;
    }

    /// The tracks shown, once read.
    pub fn data(&self) -> Option<&PlotData> {
        self.data.as_ref()
    }

    pub fn is_loading(&self) -> bool {
        self.job.is_some()
    }

    /// Whether a cleaned copy of a set is being written.
    pub fn is_saving(&self) -> bool {
        self.save_job.is_some()
    }

    /// Writes a copy of the set shown, cleaned as the plots are (positions in pixels),
    /// as a new prediction set, on a worker.
    fn start_save(&mut self, ctx: &egui::Context, c: &PlotsContext<'_>) -> Result<(), String> {
        let video = c.video.ok_or("no video shown")?;
        let Some(TrackSource::Set(id)) = self
            .data
            .as_ref()
            .and_then(|d| d.key.as_ref())
            .map(|k| k.source)
        else {
            return Err("the plots show labels: choose a prediction set to save cleaned".into());
        };
        let set = c.state.prediction_set(id).ok_or("no such set")?.clone();
        let cleaning = self.cleaning;
        let project_path = c.project_path.to_owned();
        self.save_job = Some(Job::spawn("saving a cleaned set", ctx, move |_| {
            let reader = PredictionReader::open(&project_path).map_err(|e| e.to_string())?;
            let arrays = reader.arrays(&set, video).map_err(|e| e.to_string())?;
            let cleaned = cleaning
                .apply_to_arrays(&arrays)
                .map_err(|e| e.to_string())?;
            let mut def = set.def.clone();
            def.name = format!("{} ({})", set.def.name, cleaning.describe());
            def.created_unix_secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64());
            let new = PredictionWriter::open(&project_path)
                .and_then(|mut w| w.write_set(&def, &[(video, cleaned)], false, &mut |_, _| {}))
                .map_err(|e| e.to_string())?;
            Ok((
                new,
                format!("save {} cleaned: {}", set.def.name, cleaning.describe()),
            ))
        }));
        Ok(())
    }

    /// A line of `px` pixels was measured on the frame: the dock opens to ask its
    /// real length.
    pub fn measured(&mut self, px: f64) {
        self.open = true;
        self.measured_px = Some(px);
        if self.measured_length <= 0.0 {
            self.measured_length = 10.0;
        }
        if self.measured_unit.is_empty() {
            self.measured_unit = "mm".into();
        }
    }

    /// Plot `i`'s values, once computed.
    pub fn series(&self, i: usize) -> Option<&[f64]> {
        match self.computed.get(i)?.as_ref()?.values.as_ref() {
            Ok(v) => Some(v),
            Err(_) => None,
        }
    }

    /// Where frame `frame_idx` is on plot `i`, half way up, as last drawn.
    pub fn screen_pos_of_frame(&self, i: usize, frame_idx: f64) -> Option<egui::Pos2> {
        let t = self.transforms.get(i)?.as_ref()?;
        let rect = t.frame();
        let x = t
            .position_from_point(&egui_plot::PlotPoint::new(frame_idx, 0.0))
            .x;
        Some(egui::pos2(x, rect.center().y))
    }

    /// A plot of `quantity` as "Add plot" makes it: of the first track with points not
    /// plotted yet (then the tracks after it, for quantities of several points).
    pub fn add_plot(&mut self, quantity: Quantity) {
        // Tracks with points first: a set holds every keypoint, tracked or not.
        let refs: Vec<PointRef> = self.data.as_ref().map_or_else(Vec::new, |d| {
            let mut tracks: Vec<&Track> = d.tracks.iter().collect();
            tracks.sort_by_key(|t| !t.points.x.iter().any(|v| v.is_finite()));
            tracks
                .into_iter()
                .map(|t| PointRef {
                    individual: t.individual,
                    keypoint: t.keypoint,
                })
                .collect()
        });
        let plotted = |p: &PointRef| self.plots.iter().any(|s| s.points.first() == Some(p));
        let start = refs.iter().position(|p| !plotted(p)).unwrap_or(0);
        let points = (0..quantity.points_needed())
            .filter_map(|i| refs.get((start + i) % refs.len().max(1)).copied())
            .collect();
        self.plots.push(SeriesSpec { quantity, points });
    }

    /// Starts reading the tracks the dock needs when they are not the ones it has.
    fn sync_data(&mut self, ctx: &egui::Context, c: &PlotsContext<'_>) {
        let Some(video) = c.video else {
            return;
        };
        let source = crate::ui::widgets::track_source_for(c.state, video, self.source);
        let key = DataKey {
            video,
            source,
            label_generation: match source {
                TrackSource::Labels => c.label_generation,
                TrackSource::Set(_) => 0,
            },
        };
        let have = self.data.as_ref().and_then(|d| d.key.as_ref());
        let loading = self.job.as_ref().map(|(k, _)| k);
        if have == Some(&key) || loading == Some(&key) {
            return;
        }
        // Data handed over directly stays until the video or the choice changes.
        if self.data.as_ref().is_some_and(|d| d.key.is_none()) && self.source.is_none() {
            return;
        }
        let (Some(video_entry), Some(video_path)) = (c.state.video(video), c.video_path.clone())
        else {
            return;
        };
        let state = c.state.clone();
        let video_entry = video_entry.clone();
        let project_path = c.project_path.to_owned();
        let frames = c.frame_count as usize;
        let job_key = key.clone();
        let job = Job::spawn("reading tracks for the plots", ctx, move |_| {
            let reader = PredictionReader::open(&project_path).map_err(|e| e.to_string())?;
            let tracks = load_tracks(&state, &reader, &video_entry, source, frames)
                .map_err(|e| e.to_string())?;
            let times = frame_times(&video_entry, &video_path)
                .map_err(|e| format!("{}: {e}", video_path.display()))?;
            Ok(PlotData {
                key: Some(job_key),
                tracks: Arc::new(tracks),
                times: Arc::new(times),
            })
        });
        self.job = Some((key, job));
    }

    /// Takes the tracks a finished read gave.
    fn poll_job(&mut self) -> Option<String> {
        let (_, job) = self.job.as_ref()?;
        let result = job.poll()?;
        self.job = None;
        match result {
            Ok(data) => {
                self.data = Some(data);
                self.data_generation += 1;
                if self.plots.is_empty() {
                    self.add_plot(Quantity::Speed);
                }
                None
            }
            Err(e) => Some(format!("the plots could not read their tracks: {e}")),
        }
    }

    /// Starts computing, on a worker, each series whose spec, settings or data
    /// changed, and takes the ones that are done.
    fn refresh_series(&mut self, ctx: &egui::Context) {
        self.computed.resize_with(self.plots.len(), || None);
        self.pending.resize_with(self.plots.len(), || None);
        let Some(data) = &self.data else {
            return;
        };
        for (i, spec) in self.plots.iter().enumerate() {
            let key = SeriesKey {
                spec: spec.clone(),
                cleaning: self.cleaning,
                units: self.units.clone(),
                generation: self.data_generation,
            };
            if self.computed[i].as_ref().is_some_and(|c| c.key == key) {
                self.pending[i] = None;
                continue;
            }
            if let Some((pending_key, job)) = &self.pending[i]
                && *pending_key == key
            {
                if let Some(values) = job.poll() {
                    self.computed[i] = Some(Computed { key, values });
                    self.pending[i] = None;
                }
                continue;
            }
            let (tracks, times) = (Arc::clone(&data.tracks), Arc::clone(&data.times));
            let job_key = key.clone();
            let job = Job::spawn("computing a plot", ctx, move |_| {
                let clock = clock(job_key.units.time, &times).map_err(|e| e.to_string())?;
                job_key
                    .spec
                    .compute(&tracks, &clock, &job_key.cleaning, &job_key.units)
                    .map_err(|e| e.to_string())
            });
            self.pending[i] = Some((key, job));
        }
    }

    /// Whether every plot's series is computed for its current settings.
    pub fn is_computed(&self) -> bool {
        self.pending.iter().all(Option::is_none)
            && self.computed.len() == self.plots.len()
            && self.computed.iter().all(Option::is_some)
    }

    /// Draws the dock (when open) and returns what the person did.
    pub fn ui(&mut self, ui: &mut egui::Ui, c: &PlotsContext<'_>) -> Vec<PlotsAction> {
        let mut actions = Vec::new();
        if let Some(result) = Job::take_finished(&mut self.save_job) {
            actions.push(match result {
                Ok((new, description)) => PlotsAction::SetWritten { new, description },
                Err(e) => PlotsAction::Error(format!("the cleaned set could not be saved: {e}")),
            });
        }
        self.units.scale = if self.in_pixels {
            None
        } else {
            c.scale.clone()
        };
        self.sync_data(ui.ctx(), c);
        if let Some(e) = self.poll_job() {
            actions.push(PlotsAction::Error(e));
        }
        self.refresh_series(ui.ctx());
        self.toolbar_ui(ui, c, &mut actions);
        self.scale_ui(ui, c, &mut actions);
        let Some(data) = &self.data else {
            ui.label(if self.job.is_some() {
                "reading tracks…"
            } else {
                "no tracks for this video"
            });
            return actions;
        };
        if data.tracks.is_empty() {
            ui.label("This video has no tracked points in the chosen data.");
            return actions;
        }
        let n = self.plots.len().max(1) as f32;
        // Each plot takes its picker row and the spacing around it besides its height;
        // asking for more than the dock has would make it grow every frame.
        let row = ui.spacing().interact_size.y + 3.0 * ui.spacing().item_spacing.y + 4.0;
        let height = ((ui.available_height() - 4.0) / n - row).max(110.0);
        let mut remove = None;
        let mut exports = Vec::new();
        let mut changed: Vec<(usize, SeriesSpec)> = Vec::new();
        let mut scrubbing = self.scrubbing;
        let mut transforms = Vec::with_capacity(self.plots.len());
        for (i, spec) in self.plots.iter().enumerate() {
            ui.push_id(i, |ui| {
                let mut edited = spec.clone();
                ui.horizontal(|ui| {
                    series_picker_ui(ui, &mut edited, &data.tracks);
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui
                            .small_button("×")
                            .on_hover_text("Remove this plot")
                            .clicked()
                        {
                            remove = Some(i);
                        }
                        for (text, kind, tip) in [
                            (
                                "CSV",
                                ExportKind::Csv,
                                "Save its table in the project's plots folder",
                            ),
                            ("SVG", ExportKind::Svg, "Save it as a vector picture"),
                            ("PNG", ExportKind::Png, "Save it as a picture"),
                        ] {
                            if ui.small_button(text).on_hover_text(tip).clicked() {
                                exports.push((i, kind));
                            }
                        }
                    });
                });
                if edited != *spec {
                    changed.push((i, edited));
                }
                let computed = self.computed.get(i).and_then(Option::as_ref);
                transforms.push(None);
                match computed.map(|c| &c.values) {
                    Some(Ok(values)) => {
                        let plot = PlotLook {
                            index: i,
                            color: series_color(spec, c.state, c.theme),
                            unit: spec.quantity.unit(&self.units),
                            height,
                        };
                        let drawn = plot_ui(ui, &plot, values, c, &mut actions, &mut scrubbing);
                        if let Some(slot) = transforms.last_mut() {
                            *slot = Some(drawn);
                        }
                    }
                    Some(Err(e)) => {
                        ui.colored_label(c.theme.error, e);
                    }
                    None => {
                        ui.label("…");
                    }
                }
            });
        }
        self.scrubbing = scrubbing;
        self.transforms = transforms;
        for (i, kind) in exports {
            actions.push(self.export(c, i, kind));
        }
        for (i, spec) in changed {
            self.plots[i] = spec;
        }
        if let Some(i) = remove {
            self.plots.remove(i);
            if i < self.computed.len() {
                self.computed.remove(i);
            }
            if i < self.pending.len() {
                self.pending.remove(i);
            }
        }
        actions
    }

    /// The scale: the line measured waiting for its length, or the project's scale.
    fn scale_ui(
        &mut self,
        ui: &mut egui::Ui,
        c: &PlotsContext<'_>,
        actions: &mut Vec<PlotsAction>,
    ) {
        ui.horizontal_wrapped(|ui| match self.measured_px {
            Some(px) => {
                ui.label(format!("The line measured, {px:.1} px, is"));
                ui.add(
                    egui::DragValue::new(&mut self.measured_length)
                        .range(0.0001..=f64::MAX)
                        .speed(0.1),
                );
                ui.add(egui::TextEdit::singleline(&mut self.measured_unit).desired_width(40.0))
                    .on_hover_text("the unit: mm, cm, m…");
                let unit = self.measured_unit.trim().to_owned();
                let scale = Scale::from_known_distance(px, self.measured_length, &unit)
                    .filter(|_| !unit.is_empty());
                if ui
                    .add_enabled(scale.is_some(), egui::Button::new("Set scale"))
                    .clicked()
                {
                    actions.push(PlotsAction::SetScale(scale));
                    self.measured_px = None;
                    self.in_pixels = false;
                }
                if ui.button("Cancel").clicked() {
                    self.measured_px = None;
                }
            }
            None => match &c.scale {
                Some(s) => {
                    ui.label(format!("Scale: {:.4} px per {}", s.px_per_unit, s.unit));
                    if ui
                        .small_button("Clear")
                        .on_hover_text("Back to pixels")
                        .clicked()
                    {
                        actions.push(PlotsAction::SetScale(None));
                    }
                }
                None => {
                    ui.weak("Real units: Ctrl+Shift+drag a known distance on the frame");
                }
            },
        });
    }

    /// Data, units, cleaning, "Add plot" and Close.
    fn toolbar_ui(
        &mut self,
        ui: &mut egui::Ui,
        c: &PlotsContext<'_>,
        actions: &mut Vec<PlotsAction>,
    ) {
        ui.horizontal_wrapped(|ui| {
            ui.strong("Plots");
            let Some(video) = c.video else {
                return;
            };
            let current = crate::ui::widgets::track_source_for(c.state, video, self.source);
            if let Some(picked) =
                crate::ui::widgets::track_source_combo(ui, "plots data", c.state, video, current)
            {
                self.source = Some(picked);
            }
            egui::ComboBox::from_id_salt("plots units")
                .selected_text(self.units.rate())
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.units.time, TimeUnit::Frame, "per frame");
                    ui.selectable_value(&mut self.units.time, TimeUnit::Second, "per second");
                    if let Some(scale) = &c.scale {
                        ui.separator();
                        ui.selectable_value(
                            &mut self.in_pixels,
                            false,
                            format!("in {}", scale.unit),
                        );
                        ui.selectable_value(&mut self.in_pixels, true, "in pixels");
                    }
                });
            smoothing_ui(ui, &mut self.cleaning);
            let mut drop_low = self.cleaning.min_likelihood.is_some();
            if ui.checkbox(&mut drop_low, "likelihood ≥").changed() {
                self.cleaning.min_likelihood = drop_low.then_some(0.6);
            }
            if let Some(p) = &mut self.cleaning.min_likelihood {
                ui.add(egui::DragValue::new(p).range(0.0..=1.0).speed(0.01));
            }
            ui.label("fill gaps ≤");
            ui.add(egui::DragValue::new(&mut self.cleaning.max_gap).range(0..=1000))
                .on_hover_text("frames; 0 leaves gaps empty");
            if ui.button("Add plot").clicked() {
                self.add_plot(Quantity::Speed);
            }
            let from_set = matches!(
                self.data
                    .as_ref()
                    .and_then(|d| d.key.as_ref())
                    .map(|k| k.source),
                Some(TrackSource::Set(_))
            );
            let can_save = from_set && !self.cleaning.is_identity() && self.save_job.is_none();
            if ui
                .add_enabled(can_save, egui::Button::new("Save cleaned as a set"))
                .on_hover_text("A copy of the set with this cleaning, as a new prediction set")
                .clicked()
                && let Err(e) = self.start_save(ui.ctx(), c)
            {
                actions.push(PlotsAction::Error(e));
            }
            if self.job.is_some() {
                ui.spinner();
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.small_button("Close").clicked() {
                    actions.push(PlotsAction::Close);
                }
            });
        });
    }
}

/// The smoothing combo and its window (and order).
fn smoothing_ui(ui: &mut egui::Ui, cleaning: &mut Cleaning) {
    let text = cleaning
        .smoothing
        .map_or_else(|| "no smoothing".to_owned(), |s| s.to_string());
    egui::ComboBox::from_id_salt("plots smoothing")
        .selected_text(text)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut cleaning.smoothing, None, "no smoothing");
            let median = Smoothing::Median { window: 5 };
            let savgol = Smoothing::Savgol {
                window: 7,
                order: 2,
            };
            if ui
                .selectable_label(
                    matches!(cleaning.smoothing, Some(Smoothing::Median { .. })),
                    "median",
                )
                .clicked()
            {
                cleaning.smoothing = Some(median);
            }
            if ui
                .selectable_label(
                    matches!(cleaning.smoothing, Some(Smoothing::Savgol { .. })),
                    "Savitzky–Golay",
                )
                .clicked()
            {
                cleaning.smoothing = Some(savgol);
            }
        });
    match &mut cleaning.smoothing {
        Some(Smoothing::Median { window }) => {
            ui.add(
                egui::DragValue::new(window)
                    .range(3..=301)
                    .speed(2.0)
                    .prefix("window "),
            );
            *window |= 1;
        }
        Some(Smoothing::Savgol { window, order }) => {
            ui.add(
                egui::DragValue::new(window)
                    .range(3..=301)
                    .speed(2.0)
                    .prefix("window "),
            );
            *window |= 1;
            ui.add(
                egui::DragValue::new(order)
                    .range(1..=(*window - 1).min(6))
                    .prefix("order "),
            );
        }
        None => {}
    }
}

/// The quantity and its points.
fn series_picker_ui(ui: &mut egui::Ui, spec: &mut SeriesSpec, tracks: &[Track]) {
    egui::ComboBox::from_id_salt("quantity")
        .selected_text(spec.quantity.label())
        .show_ui(ui, |ui| {
            for q in Quantity::ALL {
                ui.selectable_value(&mut spec.quantity, q, q.label());
            }
        });
    let needed = spec.quantity.points_needed();
    let first = tracks.first().map(|t| PointRef {
        individual: t.individual,
        keypoint: t.keypoint,
    });
    while spec.points.len() < needed {
        let Some(p) = spec.points.last().copied().or(first) else {
            break;
        };
        spec.points.push(p);
    }
    spec.points.truncate(needed);
    let name = |p: &PointRef| {
        tracks
            .iter()
            .find(|t| t.individual == p.individual && t.keypoint == p.keypoint)
            .map_or_else(
                || "?".to_owned(),
                |t| format!("{} {}", t.individual_name, t.keypoint_name),
            )
    };
    for (n, point) in spec.points.iter_mut().enumerate() {
        egui::ComboBox::from_id_salt(("point", n))
            .selected_text(name(point))
            .show_ui(ui, |ui| {
                for t in tracks {
                    let p = PointRef {
                        individual: t.individual,
                        keypoint: t.keypoint,
                    };
                    ui.selectable_value(
                        point,
                        p,
                        format!("{} {}", t.individual_name, t.keypoint_name),
                    );
                }
            });
    }
}

/// A single-point series in its keypoint's colour; the others in the theme's.
fn series_color(spec: &SeriesSpec, state: &ProjectState, theme: &Theme) -> Color32 {
    match spec.points.as_slice() {
        [p] => state
            .skeleton
            .keypoint(p.keypoint)
            .map_or(theme.timeline_cursor, |k| color32(k.def.color)),
        _ => theme.timeline_cursor,
    }
}

/// How one plot looks.
struct PlotLook {
    index: usize,
    color: Color32,
    unit: String,
    height: f32,
}

/// One plot: the series decimated to the visible frames, the frame shown, seeking.
fn plot_ui(
    ui: &mut egui::Ui,
    look: &PlotLook,
    values: &[f64],
    c: &PlotsContext<'_>,
    actions: &mut Vec<PlotsAction>,
    scrubbing: &mut bool,
) -> egui_plot::PlotTransform {
    let (index, color, height) = (look.index, look.color, look.height);
    let unit = look.unit.as_str();
    let frame_count = c.frame_count.max(1) as f64;
    let cursor = c.frame_idx as f64;
    let response = Plot::new(("kinematics plot", index))
        .height(height)
        .link_axis(Id::unique("plots time axis"), [true, false])
        .link_cursor(Id::unique("plots time axis"), [true, false])
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .allow_zoom([true, false])
        .allow_scroll([true, false])
        .auto_bounds([false, true])
        .default_x_bounds(0.0, frame_count)
        .y_axis_label(unit)
        .y_axis_min_width(48.0)
        .show(ui, |plot_ui| {
            let bounds = plot_ui.plot_bounds();
            let columns = plot_ui.response().rect.width().max(1.0) as usize;
            let lo = bounds.min()[0].floor().max(0.0) as usize;
            let hi = (bounds.max()[0].ceil().max(0.0) as usize + 1).min(values.len());
            for (n, line) in decimate(values, lo..hi, columns).into_iter().enumerate() {
                plot_ui.line(
                    Line::new(format!("series {n}"), PlotPoints::new(line))
                        .color(color)
                        .allow_hover(false),
                );
            }
            plot_ui.vline(
                VLine::new("frame", cursor)
                    .color(c.theme.timeline_cursor)
                    .width(1.5),
            );
            plot_ui.pointer_coordinate()
        });
    let r = &response.response;
    let frame_at = |x: f64| x.round().clamp(0.0, frame_count - 1.0) as u64;
    if let Some(pointer) = response.inner {
        if r.dragged_by(egui::PointerButton::Primary) {
            *scrubbing = true;
            actions.push(PlotsAction::ScrubTo(frame_at(pointer.x)));
        } else if r.clicked() {
            actions.push(PlotsAction::GoTo(frame_at(pointer.x)));
        }
    }
    if r.drag_stopped() && *scrubbing {
        *scrubbing = false;
        // Where the button was let go, which may be past the last move seen.
        match r.interact_pointer_pos() {
            Some(pos) => {
                let x = response.transform.value_from_position(pos).x;
                actions.push(PlotsAction::GoTo(frame_at(x)));
            }
            None => actions.push(PlotsAction::ScrubEnded),
        }
    }
    response.transform
}

/// What a plot is saved as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExportKind {
    Csv,
    Svg,
    Png,
}

impl PlotsPanel {
    /// Writes plot `i` into the project folder's `plots/`, named after the plot.
    fn export(&self, c: &PlotsContext<'_>, i: usize, kind: ExportKind) -> PlotsAction {
        let (Some(data), Some(Some(computed)), Some(spec)) =
            (&self.data, self.computed.get(i), self.plots.get(i))
        else {
            return PlotsAction::Error("nothing to save yet".into());
        };
        let Ok(values) = &computed.values else {
            return PlotsAction::Error("this plot has no values to save".into());
        };
        let title = spec.title(&data.tracks);
        let unit = spec.quantity.unit(&self.units);
        let dir = c
            .project_path
            .parent()
            .unwrap_or(Path::new("."))
            .join("plots");
        let stem = crate::util::text::file_stem_of(&title);
        let ext = match kind {
            ExportKind::Csv => "csv",
            ExportKind::Svg => "svg",
            ExportKind::Png => "png",
        };
        let path = dir.join(format!("{stem}.{ext}"));
        let plot = crate::analysis::plot_export::PlotPicture {
            title: &title,
            unit: &unit,
            values,
            times: &data.times,
        };
        let written = std::fs::create_dir_all(&dir)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                let bytes = match kind {
                    ExportKind::Csv => plot.csv(),
                    ExportKind::Svg => plot.svg().into_bytes(),
                    ExportKind::Png => plot.png().map_err(|e| e.to_string())?,
                };
                crate::util::atomic_file::write_bytes_atomically(&path, &bytes)
                    .map_err(|e| e.to_string())
            });
        match written {
            Ok(_) => PlotsAction::Exported(path),
            Err(e) => PlotsAction::Error(format!("could not save {}: {e}", path.display())),
        }
    }
}
