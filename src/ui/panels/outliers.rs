//! The Outliers panel: where the video's tracking is likely wrong, by DeepLabCut's three
//! methods (a jump, an unsure point, a point off its smoothed track), found on a worker
//! from the labels or a prediction set. The frames are listed (worst first, or in
//! order), marked in strips under the timeline, and walked with J and Shift+J.

use std::path::{Path, PathBuf};

use crate::analysis::outliers::{OutlierMethod, OutlierReport, OutlierSettings, find_outliers};
use crate::analysis::track_source::{TrackSource, load_tracks};
use crate::project::prediction_store::PredictionReader;
use crate::project::{PredictionSetId, ProjectState, VideoId};
use crate::ui::jobs::Job;
use crate::ui::theme::Theme;

/// What the panel reads.
pub struct OutliersContext<'a> {
    pub state: &'a ProjectState,
    pub video: Option<VideoId>,
    pub video_path: Option<PathBuf>,
    pub project_path: &'a Path,
    pub frame_count: u64,
    pub current_frame: u64,
    pub theme: &'a Theme,
}

/// What a person did in the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum OutliersAction {
    GoTo(u64),
    Error(String),
    /// Frames picked among the outliers for retraining: they become the frames to
    /// label, and, from a set, its points there become labels to correct.
    Picked {
        video: VideoId,
        frames: Vec<u64>,
        accept_from: Option<PredictionSetId>,
    },
}

type PickResult = Result<(VideoId, Vec<u64>, Option<PredictionSetId>), String>;

/// Outliers found on one video's data, with the names of the points scored.
pub struct FoundOutliers {
    pub video: VideoId,
    pub source: TrackSource,
    pub settings: OutlierSettings,
    pub report: OutlierReport,
    /// "m1 snout", per track index of the report.
    pub point_names: Vec<String>,
}

/// The panel's own state.
pub struct OutliersPanel {
    pub open: bool,
    pub source: Option<TrackSource>,
    pub settings: OutlierSettings,
    /// List the worst first rather than in frame order.
    pub worst_first: bool,
    job: Option<Job<Result<FoundOutliers, String>>>,
    pub found: Option<FoundOutliers>,
    /// How many outlier frames to pick for retraining.
    pub pick_count: usize,
    /// Accept the set's points on the picked frames as labels to correct.
    pub accept_picked: bool,
    pick_job: Option<Job<PickResult>>,
}

/// A strip under the timeline: a method's per-frame severity (0: nothing there).
pub struct OutlierStrip<'a> {
    pub name: &'static str,
    pub severity: &'a [f32],
}

impl Default for OutliersPanel {
    fn default() -> Self {
        Self {
            open: false,
            source: None,
            settings: OutlierSettings::default(),
            worst_first: false,
            job: None,
            found: None,
            pick_count: 20,
            accept_picked: true,
            pick_job: None,
        }
    }
}

impl OutliersPanel {
    pub fn is_busy(&self) -> bool {
        self.job.is_some() || self.pick_job.is_some()
    }

    /// Picks `pick_count` of the outlier frames found, one per k-means cluster of their
    /// thumbnails (as DeepLabCut's `extract_outlier_frames` does), on a worker.
    fn start_pick(&mut self, ctx: &egui::Context, c: &OutliersContext<'_>) -> Result<(), String> {
        let found = self.found.as_ref().ok_or("find the outliers first")?;
        let path = c.video_path.clone().ok_or("the video has no file")?;
        let candidates: Vec<usize> = found
            .report
            .outliers
            .iter()
            .map(|o| o.frame_idx as usize)
            .collect();
        if candidates.is_empty() {
            return Err("no outlier frames to pick from".into());
        }
        let accept_from = match (self.accept_picked, found.source) {
            (true, TrackSource::Set(id)) => Some(id),
            _ => None,
        };
        let (video, count) = (found.video, self.pick_count.max(1));
        self.pick_job = Some(Job::spawn("picking outlier frames", ctx, move |progress| {
            let mut reader = crate::video::VideoReader::open(&path).map_err(|e| e.to_string())?;
            let picked = crate::analysis::frame_selection::kmeans_among(
                &mut reader,
                &candidates,
                count,
                &mut |done| progress.store(done as u64, std::sync::atomic::Ordering::Relaxed),
            )
            .map_err(|e| e.to_string())?;
            Ok((
                video,
                picked.into_iter().map(|f| f as u64).collect(),
                accept_from,
            ))
        }));
        Ok(())
    }

    /// The outliers of `video`, if they were found.
    pub fn report_for(&self, video: VideoId) -> Option<&OutlierReport> {
        self.found
            .as_ref()
            .filter(|f| f.video == video)
            .map(|f| &f.report)
    }

    /// The strips under the timeline for `video`.
    pub fn strips(&self, video: VideoId) -> Vec<OutlierStrip<'_>> {
        self.report_for(video).map_or_else(Vec::new, |r| {
            OutlierMethod::ALL
                .iter()
                .zip(&r.strips)
                .map(|(m, s)| OutlierStrip {
                    name: m.label(),
                    severity: s,
                })
                .collect()
        })
    }

    /// Starts finding outliers of the video shown on a worker.
    pub fn start(&mut self, ctx: &egui::Context, c: &OutliersContext<'_>) -> Result<(), String> {
        let video = c.video.ok_or("no video shown")?;
        let entry = c.state.video(video).ok_or("no video shown")?.clone();
        let source = self.chosen_source(c.state, video);
        let (state, project_path): (ProjectState, PathBuf) =
            (c.state.clone(), c.project_path.to_owned());
        let (settings, frames) = (self.settings, c.frame_count as usize);
        self.job = Some(Job::spawn("finding outliers", ctx, move |_| {
            let reader = PredictionReader::open(&project_path).map_err(|e| e.to_string())?;
            let tracks =
                load_tracks(&state, &reader, &entry, source, frames).map_err(|e| e.to_string())?;
            let report = find_outliers(&tracks, frames, &settings);
            Ok(FoundOutliers {
                video,
                source,
                settings,
                report,
                point_names: tracks
                    .iter()
                    .map(|t| format!("{} {}", t.individual_name, t.keypoint_name))
                    .collect(),
            })
        }));
        Ok(())
    }

    /// The data chosen, else the video's first prediction set, else its labels.
    fn chosen_source(&self, state: &ProjectState, video: VideoId) -> TrackSource {
        crate::ui::widgets::track_source_for(state, video, self.source)
    }

    /// Draws the panel; returns what the person did.
    pub fn show(&mut self, ctx: &egui::Context, c: &OutliersContext<'_>) -> Vec<OutliersAction> {
        let mut out = Vec::new();
        if let Some(result) = Job::take_finished(&mut self.job) {
            match result {
                Ok(found) => self.found = Some(found),
                Err(e) => out.push(OutliersAction::Error(format!(
                    "Finding outliers failed: {e}"
                ))),
            }
        }
        if let Some(result) = Job::take_finished(&mut self.pick_job) {
            match result {
                Ok((video, frames, accept_from)) => out.push(OutliersAction::Picked {
                    video,
                    frames,
                    accept_from,
                }),
                Err(e) => out.push(OutliersAction::Error(format!("Picking frames failed: {e}"))),
            }
        }
        if !self.open {
            return out;
        }
        let mut open = self.open;
        egui::Window::new("Outliers")
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
        c: &OutliersContext<'_>,
        out: &mut Vec<OutliersAction>,
    ) {
        let Some(video) = c.video else {
            ui.label("No video shown.");
            return;
        };
        ui.add_enabled_ui(self.job.is_none(), |ui| {
            let current = self.chosen_source(c.state, video);
            ui.horizontal(|ui| {
                ui.label("Data");
                if let Some(picked) = crate::ui::widgets::track_source_combo(
                    ui,
                    "outliers data",
                    c.state,
                    video,
                    current,
                ) {
                    self.source = Some(picked);
                }
            });
            let s = &mut self.settings;
            egui::Grid::new("outlier settings")
                .num_columns(2)
                .show(ui, |ui| {
                    ui.label("Jump: moved more than");
                    ui.add(
                        egui::DragValue::new(&mut s.jump_px)
                            .range(0.1..=10_000.0)
                            .suffix(" px"),
                    );
                    ui.end_row();
                    ui.label("Uncertain: likelihood below");
                    ui.add(
                        egui::DragValue::new(&mut s.min_likelihood)
                            .range(0.0..=1.0)
                            .speed(0.005),
                    );
                    ui.end_row();
                    ui.label("Off the fit: more than");
                    ui.add(
                        egui::DragValue::new(&mut s.fit_px)
                            .range(0.1..=10_000.0)
                            .suffix(" px"),
                    );
                    ui.end_row();
                    ui.label("from a median over");
                    ui.add(
                        egui::DragValue::new(&mut s.fit_window)
                            .range(3..=301)
                            .speed(2.0)
                            .suffix(" frames"),
                    );
                    s.fit_window |= 1;
                    ui.end_row();
                });
            if ui.button("Find outliers").clicked()
                && let Err(e) = self.start(ctx, c)
            {
                out.push(OutliersAction::Error(e));
            }
        });
        if self.job.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("reading and scoring the tracks…");
            });
        }
        ui.separator();
        let Some(found) = self.found.as_ref().filter(|f| f.video == video) else {
            ui.label("Not searched on this video yet.");
            return;
        };
        let r = &found.report;
        ui.label(format!(
            "{} frames: {} jump, {} uncertain, {} off the fit. J and Shift+J walk them.",
            r.outliers.len(),
            r.counts[0],
            r.counts[1],
            r.counts[2]
        ));
        ui.checkbox(&mut self.worst_first, "worst first");
        let mut order: Vec<usize> = (0..r.outliers.len()).collect();
        if self.worst_first {
            order.sort_by(|&a, &b| r.outliers[b].severity.total_cmp(&r.outliers[a].severity));
        }
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical().max_height(260.0).show_rows(
            ui,
            row_height,
            order.len(),
            |ui, rows| {
                for &i in &order[rows] {
                    let o = &r.outliers[i];
                    let what = match o.method {
                        OutlierMethod::Uncertain => format!("likelihood {:.3}", o.value),
                        m => format!("{} {:.1} px", m.label(), o.value),
                    };
                    let point = found.point_names.get(o.track).map_or("", String::as_str);
                    let here = o.frame_idx == c.current_frame;
                    let text = format!("frame {}  {what}, {point}", o.frame_idx);
                    if ui.selectable_label(here, text).clicked() {
                        out.push(OutliersAction::GoTo(o.frame_idx));
                    }
                }
            },
        );
        self.retrain_ui(ui, ctx, c, out);
    }

    /// Picking outlier frames to label, for retraining.
    fn retrain_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        c: &OutliersContext<'_>,
        out: &mut Vec<OutliersAction>,
    ) {
        let Some(source) = self.found.as_ref().map(|f| f.source) else {
            return;
        };
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            ui.label("For retraining, pick");
            ui.add(egui::DragValue::new(&mut self.pick_count).range(1..=1000));
            ui.label("of them by appearance (k-means) to label");
        });
        let from_set = matches!(source, TrackSource::Set(_));
        ui.add_enabled_ui(from_set, |ui| {
            ui.checkbox(
                &mut self.accept_picked,
                "with the set's points there as labels to correct",
            );
        });
        let picking = self.pick_job.is_some();
        if ui
            .add_enabled(!picking, egui::Button::new("Pick frames to label"))
            .clicked()
            && let Err(e) = self.start_pick(ctx, c)
        {
            out.push(OutliersAction::Error(e));
        }
        if picking {
            ui.spinner();
        }
    }
}
