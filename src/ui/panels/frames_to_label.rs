//! The Frames to label panel: pick frames of the video shown to label, evenly, by
//! appearance (k-means over thumbnails, as DeepLabCut's `extract_frames`), or where
//! the active model is least sure (as SLEAP's labeling suggestions); the list is kept
//! with the project, marked on the timeline, and walked with N and Shift+N.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::analysis::frame_selection;
use crate::inference::frame_picks::lowest_confidence;
use crate::inference::spec::ModelSpec;
use crate::inference::{PoseModel, SessionOptions};
use crate::project::frames_to_label::FramesToLabel;
use crate::project::{PredictionSetId, VideoId};
use crate::ui::jobs::Job;
use crate::ui::theme::Theme;

/// How frames are picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickMethod {
    Uniform,
    Kmeans,
    LowestConfidence,
    /// Where a prediction set of the video (a model's run, an import) has its lowest
    /// mean scores, from the set's per-frame summary.
    LowestSetScore,
}

impl PickMethod {
    pub const ALL: [PickMethod; 4] = [
        PickMethod::Uniform,
        PickMethod::Kmeans,
        PickMethod::LowestConfidence,
        PickMethod::LowestSetScore,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PickMethod::Uniform => "evenly spread",
            PickMethod::Kmeans => "by appearance (k-means)",
            PickMethod::LowestConfidence => "where the model is least sure",
            PickMethod::LowestSetScore => "where a prediction set is least sure",
        }
    }
}

/// A prediction set of the video shown, for "where a prediction set is least sure".
pub struct SetSummary<'a> {
    pub id: PredictionSetId,
    pub name: &'a str,
    /// Two bytes a frame: the share of points predicted and their mean score.
    pub summary: &'a [u8],
}

/// The `count` frames with points whose mean score is lowest, ascending by frame.
pub fn lowest_set_frames(summary: &[u8], count: usize) -> Vec<u64> {
    let mut scored: Vec<(u8, u64)> = summary
        .chunks_exact(2)
        .enumerate()
        .filter(|(_, s)| s[0] > 0)
        .map(|(f, s)| (s[1], f as u64))
        .collect();
    scored.sort_unstable();
    let mut picked: Vec<u64> = scored.into_iter().take(count).map(|(_, f)| f).collect();
    picked.sort_unstable();
    picked
}

/// The model that scores frames for "least sure".
#[derive(Clone, Debug)]
pub struct ScoringModel {
    pub path: PathBuf,
    pub name: String,
    pub spec: ModelSpec,
    pub options: SessionOptions,
}

/// What the panel reads.
pub struct FramesContext<'a> {
    pub video: Option<(VideoId, PathBuf, u64)>,
    pub list: &'a FramesToLabel,
    /// Frames of the list with labels on them.
    pub labeled_in_list: usize,
    pub current_frame: u64,
    pub model: Option<ScoringModel>,
    /// The prediction sets of the video shown.
    pub sets: &'a [SetSummary<'a>],
    pub theme: &'a Theme,
}

/// What a person did in the panel (or a pick that finished).
#[derive(Clone, Debug, PartialEq)]
pub enum FramesAction {
    Set(VideoId, FramesToLabel),
    Clear(VideoId),
    GoTo(u64),
}

type PickResult = Result<(VideoId, FramesToLabel), String>;

/// The panel's own state: open, the method and count, the pick running.
pub struct FramesToLabelPanel {
    pub open: bool,
    pub method: PickMethod,
    pub count: usize,
    /// The set "where a prediction set is least sure" reads.
    pub set: Option<PredictionSetId>,
    job: Option<Job<PickResult>>,
    total: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
}

impl Default for FramesToLabelPanel {
    fn default() -> Self {
        Self {
            open: false,
            method: PickMethod::Kmeans,
            count: 20,
            set: None,
            job: None,
            total: Arc::default(),
            cancel: Arc::default(),
        }
    }
}

impl Drop for FramesToLabelPanel {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Candidate frames scored by the model: ten per frame wanted, at least 200, evenly.
fn candidates(frame_count: usize, count: usize) -> Vec<usize> {
    frame_selection::uniform(0..frame_count, (count * 10).max(200))
}

impl FramesToLabelPanel {
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// Starts picking frames of `video` on a worker (a set's scores are read at once:
    /// `Ok(Some(..))`).
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        c: &FramesContext<'_>,
    ) -> Result<Option<FramesAction>, String> {
        let (video, path, frame_count) = c.video.clone().ok_or("no video shown")?;
        let (method, count) = (self.method, self.count.max(1));
        if method == PickMethod::LowestSetScore {
            let set = c
                .sets
                .iter()
                .find(|s| Some(s.id) == self.set)
                .or_else(|| c.sets.first())
                .ok_or("no prediction set has this video: import one or run a model")?;
            let frames = lowest_set_frames(set.summary, count);
            if frames.is_empty() {
                return Err(format!("{} has no points on this video", set.name));
            }
            let list = FramesToLabel {
                method: format!("lowest scores of {}", set.name),
                frames,
            };
            return Ok(Some(FramesAction::Set(video, list)));
        }
        let model = c.model.clone();
        if method == PickMethod::LowestConfidence && model.is_none() {
            return Err("no pose model is loaded: add one in the Models panel (Ctrl+M)".into());
        }
        self.cancel = Arc::new(AtomicBool::new(false));
        let cancel = Arc::clone(&self.cancel);
        let total = Arc::clone(&self.total);
        total.store(0, Ordering::Relaxed);
        let repaint = ctx.clone();
        self.job = Some(Job::spawn("pick frames to label", ctx, move |progress| {
            let n = frame_count as usize;
            let (label, frames): (String, Vec<u64>) = match method {
                PickMethod::Uniform => (
                    "uniform".into(),
                    frame_selection::uniform(0..n, count)
                        .into_iter()
                        .map(|f| f as u64)
                        .collect(),
                ),
                PickMethod::Kmeans => {
                    total.store(n as u64, Ordering::Relaxed);
                    let mut reader =
                        crate::video::VideoReader::open(&path).map_err(|e| e.to_string())?;
                    let picked = frame_selection::kmeans(&mut reader, 0..n, count, &mut |f| {
                        progress.store(f as u64, Ordering::Relaxed);
                        if f % 64 == 0 {
                            repaint.request_repaint();
                        }
                    })
                    .map_err(|e| e.to_string())?;
                    (
                        "kmeans".into(),
                        picked.into_iter().map(|f| f as u64).collect(),
                    )
                }
                PickMethod::LowestSetScore => return Err("read at once, not on a worker".into()),
                PickMethod::LowestConfidence => {
                    let m = model.ok_or("no model")?;
                    let mut pose = PoseModel::open(&m.path, None, &m.options)
                        .and_then(|p| p.with_spec(m.spec))
                        .map_err(|e| e.to_string())?;
                    let picked = lowest_confidence(
                        &mut pose,
                        &path,
                        &candidates(n, count),
                        count,
                        &cancel,
                        &mut |done, all| {
                            total.store(all as u64, Ordering::Relaxed);
                            progress.store(done as u64, Ordering::Relaxed);
                            repaint.request_repaint();
                        },
                    )
                    .map_err(|e| e.to_string())?;
                    (format!("lowest confidence ({})", m.name), picked)
                }
            };
            Ok((
                video,
                FramesToLabel {
                    method: label,
                    frames,
                },
            ))
        }));
        Ok(None)
    }

    /// Draws the panel; returns what was asked for, and an error to show.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        c: &FramesContext<'_>,
    ) -> (Vec<FramesAction>, Option<String>) {
        let mut out = Vec::new();
        let mut error = None;
        if let Some(result) = self.job.as_ref().and_then(Job::poll) {
            self.job = None;
            match result {
                Ok((video, list)) => out.push(FramesAction::Set(video, list)),
                Err(e) => error = Some(format!("Picking frames failed: {e}")),
            }
        }
        if !self.open {
            return (out, error);
        }
        let mut open = self.open;
        egui::Window::new("Frames to label")
            .open(&mut open)
            .default_width(320.0)
            .show(ctx, |ui| {
                ui.add_enabled_ui(self.job.is_none(), |ui| {
                    for m in PickMethod::ALL {
                        let enabled = match m {
                            PickMethod::LowestConfidence => c.model.is_some(),
                            PickMethod::LowestSetScore => !c.sets.is_empty(),
                            _ => true,
                        };
                        ui.add_enabled_ui(enabled, |ui| {
                            ui.radio_value(&mut self.method, m, m.label());
                        });
                    }
                    if self.method == PickMethod::LowestSetScore && !c.sets.is_empty() {
                        let chosen = c
                            .sets
                            .iter()
                            .find(|s| Some(s.id) == self.set)
                            .or_else(|| c.sets.first());
                        egui::ComboBox::from_label("Prediction set")
                            .selected_text(chosen.map_or("", |s| s.name))
                            .show_ui(ui, |ui| {
                                for s in c.sets {
                                    if ui
                                        .selectable_label(Some(s.id) == self.set, s.name)
                                        .clicked()
                                    {
                                        self.set = Some(s.id);
                                    }
                                }
                            });
                    }
                    ui.horizontal(|ui| {
                        let label = ui.label("How many");
                        ui.add(egui::DragValue::new(&mut self.count).range(1..=1000))
                            .labelled_by(label.id);
                        if ui.button("Pick").clicked() {
                            match self.start(ctx, c) {
                                Ok(done) => out.extend(done),
                                Err(e) => error = Some(e),
                            }
                        }
                    });
                });
                if let Some(job) = &self.job {
                    let (done, total) = (job.progress(), self.total.load(Ordering::Relaxed));
                    ui.horizontal(|ui| {
                        ui.spinner();
                        if total > 0 {
                            ui.label(format!("{done} / {total}"));
                        }
                        if ui.button("Cancel").clicked() {
                            self.cancel.store(true, Ordering::Relaxed);
                        }
                    });
                }
                ui.separator();
                if c.list.frames.is_empty() {
                    ui.label("No frames picked for this video yet.");
                    return;
                }
                ui.label(format!(
                    "{} frames ({}), {} labeled. N and Shift+N walk them.",
                    c.list.frames.len(),
                    c.list.method,
                    c.labeled_in_list
                ));
                egui::ScrollArea::vertical()
                    .max_height(240.0)
                    .show(ui, |ui| {
                        ui.horizontal_wrapped(|ui| {
                            for &f in &c.list.frames {
                                let here = f == c.current_frame;
                                if ui.selectable_label(here, f.to_string()).clicked() {
                                    out.push(FramesAction::GoTo(f));
                                }
                            }
                        });
                    });
                if ui.button("Clear the list").clicked()
                    && let Some((video, ..)) = &c.video
                {
                    out.push(FramesAction::Clear(*video));
                }
            });
        self.open = open || self.job.is_some();
        (out, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sets_lowest_scored_frames_with_points() {
        // (coverage, mean score) per frame: frame 1 has nothing, frame 3 the lowest.
        let summary = [255, 200, 0, 0, 255, 90, 128, 10, 255, 90];
        assert_eq!(lowest_set_frames(&summary, 2), vec![2, 3]);
        assert_eq!(lowest_set_frames(&summary, 3), vec![2, 3, 4]);
        assert_eq!(lowest_set_frames(&summary, 10), vec![0, 2, 3, 4]);
    }
}
