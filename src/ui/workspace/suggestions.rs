//! Pose models in an open project: the models listed in its settings are loaded on the
//! inference worker; suggestions for the frame shown are asked for on a key or on
//! every new frame, drawn as ghosts, and accepted (all, one, or one corrected) as
//! labels with the model's name as provenance. Suggestions never overwrite a label.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Workspace;
use crate::inference::SessionOptions;
use crate::inference::decode::Pose;
use crate::inference::preprocess::BoxXyxy;
use crate::inference::providers::Provider;
use crate::inference::worker::{InferenceWorker, LoadedModel, Reply, SuggestRequest};
use crate::project::document::{resolve_video_path, stored_video_path};
use crate::project::settings_keys::{
    INFERENCE_PROVIDER, MODELS, SUGGEST_EVERY_FRAME, SUGGESTION_THRESHOLD,
};
use crate::project::{IndividualId, LabelKey, VideoId, Visibility, edits};
use crate::ui::panels::models::ModelsAction;
use crate::ui::panels::suggestion_overlay::Ghost;

/// Suggestions scored below this are hidden unless the project says otherwise.
pub const DEFAULT_SUGGESTION_THRESHOLD: f32 = 0.3;

/// A model of the project, as the worker reported it.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelStatus {
    Loading,
    Ready(Box<LoadedModel>),
    Failed(String),
}

/// A model listed in the project.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelEntry {
    /// As stored in the project (relative to its folder where inside it).
    pub stored: String,
    pub path: PathBuf,
    pub status: ModelStatus,
}

impl ModelEntry {
    pub fn loaded(&self) -> Option<&LoadedModel> {
        match &self.status {
            ModelStatus::Ready(m) => Some(m),
            _ => None,
        }
    }
}

/// The suggestions of one frame.
#[derive(Clone, Debug)]
pub struct FrameSuggestions {
    pub video: VideoId,
    pub frame_idx: u64,
    pub model: PathBuf,
    pub poses: Vec<Pose>,
    /// For a top-down model given boxes: the individual each pose belongs to. Empty:
    /// poses fill the individuals best score first.
    pub owners: Vec<IndividualId>,
    pub millis: f64,
}

/// Models and suggestions of a workspace.
#[derive(Default)]
pub struct Suggestions {
    worker: Option<InferenceWorker>,
    pub entries: Vec<ModelEntry>,
    /// The model that suggests.
    pub active: Option<PathBuf>,
    /// A detector whose boxes a top-down active model crops around.
    pub detector: Option<PathBuf>,
    /// Boxes people drew (Ctrl+drag), per frame and animal, in frame pixels.
    pub drawn: HashMap<(VideoId, u64, IndividualId), BoxXyxy>,
    tag: u64,
    /// The newest request: its tag, the frame it was for, the model, and the
    /// individuals its boxes belong to.
    asked: Option<(u64, VideoId, u64, PathBuf, Vec<IndividualId>)>,
    pub current: Option<FrameSuggestions>,
    /// Suggestions prepared ahead on frames of one video by one model.
    pub ahead: HashMap<u64, Vec<Pose>>,
    ahead_for: Option<(VideoId, PathBuf, u64)>,
    /// Frames ahead asked for and not back yet.
    pub ahead_pending: usize,
    /// The models setting the entries were made from, and the provider they run on.
    synced: Option<String>,
    synced_provider: Option<Provider>,
}

/// Smallest box side given to a top-down model, in frame pixels: two points close
/// together (an ear and the snout) still make a crop the animal fits in.
const MIN_BOX_SIDE: f32 = 48.0;

/// The box around `points`, at least `MIN_BOX_SIDE` on each side.
fn box_around(points: &[(f32, f32)]) -> BoxXyxy {
    let (mut x1, mut y1, mut x2, mut y2) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in points {
        x1 = x1.min(x);
        y1 = y1.min(y);
        x2 = x2.max(x);
        y2 = y2.max(y);
    }
    let grow = |lo: f32, hi: f32| {
        let extra = (MIN_BOX_SIDE - (hi - lo)).max(0.0) / 2.0;
        (lo - extra, hi + extra)
    };
    let (x1, x2) = grow(x1, x2);
    let (y1, y2) = grow(y1, y2);
    BoxXyxy { x1, y1, x2, y2 }
}

/// The model paths a project lists.
pub fn listed_models(setting: Option<&String>) -> Vec<String> {
    setting
        .and_then(|s| serde_json::from_str::<Vec<String>>(s).ok())
        .unwrap_or_default()
}

impl Workspace {
    /// The execution provider the project asks for.
    pub fn inference_provider(&self) -> Provider {
        self.project
            .state()
            .settings
            .get(INFERENCE_PROVIDER)
            .and_then(|id| Provider::from_id(id))
            .unwrap_or_default()
    }

    /// How the project's models run.
    pub fn session_options(&self) -> SessionOptions {
        SessionOptions {
            intra_threads: 0,
            provider: self.inference_provider(),
            no_spinning: false,
        }
    }

    /// Whether the model suggests on every frame shown (a project setting).
    pub fn suggests_every_frame(&self) -> bool {
        self.project
            .state()
            .settings
            .get(SUGGEST_EVERY_FRAME)
            .is_some_and(|v| v == "1")
    }

    pub(super) fn set_suggest_every_frame(&mut self, on: bool) {
        let value = if on { "1" } else { "0" }.to_owned();
        if let Some(mut edit) = edits::set_setting(self.project.state(), SUGGEST_EVERY_FRAME, value)
        {
            edit.description = format!("suggest on every frame: {}", if on { "on" } else { "off" });
            if self.apply_edit(edit) {
                self.set_status(format!(
                    "suggestions on every frame: {}",
                    if on { "on" } else { "off" }
                ));
            }
        }
    }

    /// The suggestion threshold of the project.
    pub fn suggestion_threshold(&self) -> f32 {
        self.project
            .state()
            .setting_f32(SUGGESTION_THRESHOLD, DEFAULT_SUGGESTION_THRESHOLD)
    }

    /// Loads the models the project lists (and unloads those it no longer lists, after
    /// an undo), then takes the worker's replies.
    pub(super) fn sync_models(&mut self, ctx: &egui::Context) {
        let setting = self.project.state().settings.get(MODELS).cloned();
        let provider = self.inference_provider();
        if self.suggestions.synced_provider != Some(provider) {
            // Another provider: every model loads again.
            self.suggestions.synced_provider = Some(provider);
            self.suggestions.synced = None;
            self.suggestions.entries.clear();
        }
        if self.suggestions.synced != setting {
            let options = self.session_options();
            let dir = self.project.dir();
            let listed = listed_models(setting.as_ref());
            let s = &mut self.suggestions;
            if s.worker.is_none() && !listed.is_empty() {
                let repaint = ctx.clone();
                match InferenceWorker::spawn(move || repaint.request_repaint()) {
                    Ok(w) => s.worker = Some(w),
                    Err(e) => self.set_error(format!("could not start the inference thread: {e}")),
                }
            }
            let s = &mut self.suggestions;
            let before = std::mem::take(&mut s.entries);
            for stored in listed {
                let path = resolve_video_path(&dir, &stored);
                match before.iter().find(|e| e.stored == stored) {
                    Some(kept) => s.entries.push(kept.clone()),
                    None => {
                        if let Some(w) = &s.worker {
                            w.load(path.clone(), None, options.clone());
                        }
                        s.entries.push(ModelEntry {
                            stored,
                            path,
                            status: ModelStatus::Loading,
                        });
                    }
                }
            }
            for gone in before
                .iter()
                .filter(|b| !s.entries.iter().any(|e| e.stored == b.stored))
            {
                if let Some(w) = &s.worker {
                    w.forget(gone.path.clone());
                }
            }
            if s.active
                .as_ref()
                .is_none_or(|a| !s.entries.iter().any(|e| &e.path == a))
            {
                s.active = s.entries.first().map(|e| e.path.clone());
                s.current = None;
            }
            s.synced = setting;
        }
        self.poll_suggestions();
        self.auto_suggest();
    }

    fn poll_suggestions(&mut self) {
        let Some(worker) = &self.suggestions.worker else {
            return;
        };
        for reply in worker.poll() {
            match reply {
                Reply::Loaded { model, result } => {
                    let name = model.display().to_string();
                    let failed = result.as_ref().err().cloned();
                    if let Some(e) = self
                        .suggestions
                        .entries
                        .iter_mut()
                        .find(|e| e.path == model)
                    {
                        e.status = match result {
                            Ok(m) => ModelStatus::Ready(m),
                            Err(err) => ModelStatus::Failed(err),
                        };
                    }
                    if let Some(e) = failed {
                        self.set_error(format!("{name} could not be loaded: {e}"));
                    }
                }
                Reply::Ahead {
                    model,
                    tag,
                    frame_idx,
                    result,
                } => {
                    let Some((_, for_model, ahead_tag)) = &self.suggestions.ahead_for else {
                        continue;
                    };
                    if *ahead_tag != tag || *for_model != model {
                        continue;
                    }
                    self.suggestions.ahead_pending =
                        self.suggestions.ahead_pending.saturating_sub(1);
                    match result {
                        Ok(poses) => {
                            self.suggestions.ahead.insert(frame_idx as u64, poses);
                        }
                        Err(e) => self
                            .set_error(format!("no suggestions ahead on frame {frame_idx}: {e}")),
                    }
                }
                Reply::Suggested {
                    model,
                    tag,
                    result,
                    millis,
                } => {
                    let Some((asked, video, frame_idx, _, owners)) = self.suggestions.asked.clone()
                    else {
                        continue;
                    };
                    if asked != tag {
                        continue;
                    }
                    match result {
                        Ok(poses) => {
                            self.suggestions.current = Some(FrameSuggestions {
                                video,
                                frame_idx,
                                model,
                                poses,
                                owners,
                                millis,
                            });
                        }
                        Err(e) => self.set_error(format!("no suggestions: {e}")),
                    }
                }
            }
        }
    }

    /// Asks for suggestions on the frame shown, when it is decoded exactly. Returns why
    /// not, when it cannot.
    pub(super) fn suggest_now(&mut self) -> Result<(), String> {
        let Some(model) = self.suggestions.active.clone() else {
            return Err(
                "no pose model: add one in the Models panel (Model > Add pose model…)".into(),
            );
        };
        let loaded = self
            .suggestions
            .entries
            .iter()
            .find(|e| e.path == model)
            .and_then(ModelEntry::loaded)
            .map(|m| (m.spec.is_top_down(), m.spec.is_detector()));
        if loaded.is_some_and(|(_, detector)| detector) {
            return Err(format!(
                "{} is a detector: it gives boxes, not keypoints; choose it under Boxes from, \
                 beside a top-down model",
                model.display()
            ));
        }
        let Some((top_down, _)) = loaded else {
            return Err(format!("{} is not loaded (yet)", model.display()));
        };
        let (Some(video), Some(feed)) = (self.selection.video, self.feed.as_ref()) else {
            return Err("no video shown".into());
        };
        let frame_idx = self.selection.frame_idx;
        // Asked already (suggesting on every frame asks each UI frame).
        if self
            .suggestions
            .asked
            .as_ref()
            .is_some_and(|(_, v, f, m, _)| *v == video && *f == frame_idx && *m == model)
        {
            return Ok(());
        }
        // Prepared ahead already: shown at once.
        if let Some((v, m, _)) = &self.suggestions.ahead_for
            && *v == video
            && *m == model
            && let Some(poses) = self.suggestions.ahead.get(&frame_idx)
        {
            self.suggestions.tag += 1;
            self.suggestions.current = Some(FrameSuggestions {
                video,
                frame_idx,
                model: model.clone(),
                poses: poses.clone(),
                owners: Vec::new(),
                millis: 0.0,
            });
            self.suggestions.asked =
                Some((self.suggestions.tag, video, frame_idx, model, Vec::new()));
            return Ok(());
        }
        let Some((frame, _)) = feed
            .shown()
            .filter(|(f, _)| f.frame_idx() as u64 == frame_idx)
        else {
            return Err("the frame is still decoding".into());
        };
        let detector = self.suggestions.detector.clone().filter(|_| top_down);
        let (owners, boxes): (Vec<IndividualId>, Vec<BoxXyxy>) = if top_down && detector.is_none() {
            self.animal_boxes(video, frame_idx).into_iter().unzip()
        } else {
            (Vec::new(), Vec::new())
        };
        let Some(worker) = &self.suggestions.worker else {
            return Err("the inference thread is not running".into());
        };
        self.suggestions.tag += 1;
        let tag = self.suggestions.tag;
        let request = SuggestRequest {
            model: model.clone(),
            video: feed.path().to_owned(),
            frame: frame.clone(),
            boxes,
            detector,
            max_animals: self.project.state().individuals.len().max(1),
            tag,
        };
        if worker.suggest(request) {
            self.suggestions.asked = Some((tag, video, frame_idx, model, owners));
            Ok(())
        } else {
            Err("the inference thread is busy".into())
        }
    }

    /// With "suggest on every frame" on, asks for the frame shown once it is exact.
    fn auto_suggest(&mut self) {
        if self.suggests_every_frame() && self.playback.is_none() {
            let _ = self.suggest_now();
        }
    }

    /// The suggestions to draw on the frame shown: mapped to the project's keypoints
    /// and individuals (best pose first), above the threshold, where no label is.
    pub(super) fn ghosts(&self) -> Vec<Ghost> {
        let Some(current) = &self.suggestions.current else {
            return Vec::new();
        };
        let state = self.project.state();
        if Some(current.video) != self.selection.video
            || current.frame_idx != self.selection.frame_idx
        {
            return Vec::new();
        }
        let Some(model) = self
            .suggestions
            .entries
            .iter()
            .find(|e| e.path == current.model)
            .and_then(ModelEntry::loaded)
        else {
            return Vec::new();
        };
        let threshold = self.suggestion_threshold();
        let mut order: Vec<&Pose> = current.poses.iter().collect();
        order.sort_by(|a, b| b.score.total_cmp(&a.score));
        let mut ghosts = Vec::new();
        let first = state.individuals.first().map(|i| i.id);
        for (pose, individual) in order
            .into_iter()
            .zip(state.individuals.iter().map(|i| i.id))
        {
            for (name, point) in model.spec.keypoints.iter().zip(&pose.points) {
                let Some(keypoint) = model
                    .spec
                    .project_keypoint(name)
                    .and_then(|n| state.skeleton.by_name(n))
                else {
                    continue;
                };
                let owner = state.owner(keypoint.id, individual);
                // A unique keypoint comes from the best pose only.
                if owner == IndividualId::NONE && Some(individual) != first {
                    continue;
                }
                let key = LabelKey {
                    video: current.video,
                    frame_idx: current.frame_idx,
                    individual: owner,
                    keypoint: keypoint.id,
                };
                if point[0].is_nan()
                    || point[1].is_nan()
                    || point[2] < threshold
                    || state.label(&key).is_some()
                {
                    continue;
                }
                ghosts.push(Ghost {
                    individual: owner,
                    keypoint: keypoint.id,
                    x: point[0],
                    y: point[1],
                    score: point[2],
                    color: keypoint.def.color,
                });
            }
        }
        ghosts
    }

    /// A box drawn for the selected animal on this frame: kept for it, and the active
    /// model (if top-down) asked again.
    pub(super) fn box_drawn(&mut self, min: egui::Pos2, max: egui::Pos2) {
        let Some(video) = self.selection.video else {
            return;
        };
        let individual = self.selection.individual;
        let b = BoxXyxy {
            x1: min.x,
            y1: min.y,
            x2: max.x,
            y2: max.y,
        };
        self.suggestions
            .drawn
            .insert((video, self.selection.frame_idx, individual), b);
        let who = self.project.state().individual_name(individual);
        let top_down = self
            .suggestions
            .active
            .as_ref()
            .and_then(|a| self.suggestions.entries.iter().find(|e| &e.path == a))
            .and_then(ModelEntry::loaded)
            .is_some_and(|m| m.spec.is_top_down());
        if !top_down {
            self.set_status(format!(
                "box drawn for {who}: the active model looks at whole frames and does not use it"
            ));
            return;
        }
        self.suggestions.asked = None;
        match self.suggest_now() {
            Ok(()) => self.set_status(format!("box drawn for {who}: asking the model")),
            Err(e) => self.set_error(e),
        }
    }

    /// Boxes for a top-down model, one per individual: the box drawn for it on the
    /// frame, else one around its labels (at least two), else around its points in
    /// the prediction sets shown (above the cutoff). Empty when none has one: the
    /// model then looks at the whole frame.
    fn animal_boxes(&self, video: VideoId, frame_idx: u64) -> Vec<(IndividualId, BoxXyxy)> {
        let state = self.project.state();
        let style = crate::ui::panels::prediction_overlay::OverlayStyle::of(state);
        let overlay = self.overlay_frames(&style);
        let mut boxes = Vec::new();
        for individual in state.individuals.iter().map(|i| i.id) {
            if let Some(b) = self.suggestions.drawn.get(&(video, frame_idx, individual)) {
                boxes.push((individual, *b));
                continue;
            }
            let mut points: Vec<(f32, f32)> = state
                .labels_on_frame(video, frame_idx)
                .filter(|(k, l)| k.individual == individual && l.visibility != Visibility::Absent)
                .map(|(_, l)| (l.x as f32, l.y as f32))
                .collect();
            if points.len() < 2 {
                points = overlay
                    .iter()
                    .flat_map(|set| {
                        let shape = &set.shape;
                        shape.keypoints.iter().filter_map(move |&k| {
                            let slot = shape.slot(individual, k)?;
                            let p = set.points.get(slot..slot + 3)?;
                            (!p[0].is_nan() && style.alpha_of(p[2]) >= 1.0).then_some((p[0], p[1]))
                        })
                    })
                    .collect();
            }
            if points.len() >= 2 {
                boxes.push((individual, box_around(&points)));
            }
        }
        boxes
    }

    /// The name of the model whose suggestions are shown.
    pub(super) fn suggestion_model_name(&self) -> String {
        self.suggestions
            .current
            .as_ref()
            .and_then(|c| self.suggestions.entries.iter().find(|e| e.path == c.model))
            .and_then(ModelEntry::loaded)
            .map_or_else(String::new, |m| m.name.clone())
    }

    /// Makes suggestions labels, as one edit; says what it did.
    pub(super) fn accept_suggestions(&mut self, points: Vec<(LabelKey, [f32; 3])>, moved: bool) {
        if let Some(reason) = self.labeling_refused() {
            self.set_error(reason);
            return;
        }
        let model = self.suggestion_model_name();
        let offered = points.len();
        let description = match (offered, moved) {
            (1, false) => format!("accept a suggestion of {model}"),
            (1, true) => format!("accept and correct a suggestion of {model}"),
            (n, _) => format!("accept {n} suggestions of {model}"),
        };
        match edits::accept_suggestions(self.project.state(), &model, points, moved, description) {
            Some(edit) => {
                let accepted = edit.changes.len();
                if self.apply_edit(edit) {
                    self.set_status(format!(
                        "{} of {model} accepted as labels",
                        crate::util::text::plural(accepted, "suggestion", "suggestions")
                    ));
                }
            }
            None => self.set_status("nothing to accept: no suggestion is shown where no label is"),
        }
    }

    /// Accepts every suggestion shown on the frame.
    pub(super) fn accept_frame_suggestions(&mut self) {
        let Some(video) = self.selection.video else {
            return;
        };
        let frame_idx = self.selection.frame_idx;
        let points: Vec<(LabelKey, [f32; 3])> = self
            .ghosts()
            .into_iter()
            .map(|g| {
                let key = LabelKey {
                    video,
                    frame_idx,
                    individual: g.individual,
                    keypoint: g.keypoint,
                };
                (key, [g.x, g.y, g.score])
            })
            .collect();
        if points.is_empty() {
            self.set_status("no suggestions on this frame to accept (press G to ask the model)");
            return;
        }
        self.accept_suggestions(points, false);
    }

    /// Prepares suggestions on the next `count` frames without labels after the one
    /// shown, in the background; they show at once when the person gets there.
    pub(super) fn suggest_ahead(&mut self, count: usize) {
        let (Some(video), Some(model)) = (self.selection.video, self.suggestions.active.clone())
        else {
            self.set_status("no pose model or video to prepare suggestions with");
            return;
        };
        let Some(path) = self.project.video_path(video) else {
            return;
        };
        let state = self.project.state();
        let frame_count = self.frame_count();
        let frames: Vec<usize> = (self.selection.frame_idx + 1..frame_count)
            .filter(|&f| state.label_count_on_frame(video, f) == 0)
            .take(count)
            .map(|f| f as usize)
            .collect();
        let Some(worker) = &self.suggestions.worker else {
            return;
        };
        self.suggestions.tag += 1;
        let tag = self.suggestions.tag;
        let n = frames.len();
        let request = crate::inference::worker::AheadRequest {
            model: model.clone(),
            video: path,
            frames,
            tag,
        };
        if worker.ahead(request) {
            let same = self
                .suggestions
                .ahead_for
                .as_ref()
                .is_some_and(|(v, m, _)| *v == video && *m == model);
            if !same {
                self.suggestions.ahead.clear();
            }
            self.suggestions.ahead_for = Some((video, model, tag));
            self.suggestions.ahead_pending = n;
            self.set_status(format!(
                "preparing suggestions on {} ahead",
                crate::util::text::plural(n, "unlabeled frame", "unlabeled frames")
            ));
        } else {
            self.set_error("the inference thread is busy: try again");
        }
    }

    /// Opens "Run model on video" for `model` (with its spec as the panel has it) and
    /// the video shown.
    pub(super) fn open_run_model(&mut self, model: Option<PathBuf>) {
        let Some(video) = self.selection.video else {
            self.set_status("add a video first: File > Add video…");
            return;
        };
        let loaded = model.as_ref().and_then(|m| {
            self.suggestions
                .entries
                .iter()
                .find(|e| &e.path == m)
                .and_then(ModelEntry::loaded)
        });
        match (model.clone(), loaded) {
            (Some(path), Some(loaded)) if loaded.spec.is_detector() => self.set_error(format!(
                "{} is a detector: it gives boxes, not keypoints; run a top-down model with it",
                path.display()
            )),
            (Some(path), Some(loaded)) => {
                let spec = loaded.spec.clone();
                let options = self.session_options();
                let detector = self
                    .suggestions
                    .detector
                    .clone()
                    .filter(|_| spec.is_top_down());
                self.dialogs.run_model.open_for(
                    &self.project,
                    video,
                    path,
                    spec,
                    options,
                    detector,
                );
            }
            _ => self.set_status("no pose model is loaded: add one in the Models panel (Ctrl+M)"),
        }
    }

    /// Adds a model file to the project (an undoable edit of its model list).
    pub(super) fn add_model(&mut self, path: &Path) {
        let dir = self.project.dir();
        let stored = stored_video_path(&dir, path);
        let mut listed = listed_models(self.project.state().settings.get(MODELS));
        if listed.contains(&stored) {
            self.set_status(format!("{} is in the project already", path.display()));
            return;
        }
        listed.push(stored);
        self.set_models(listed, "add a pose model");
    }

    fn set_models(&mut self, listed: Vec<String>, what: &str) {
        let value = serde_json::to_string(&listed).unwrap_or_else(|_| "[]".into());
        if let Some(mut edit) = edits::set_setting(self.project.state(), MODELS, value) {
            edit.description = what.to_owned();
            self.apply_edit(edit);
        }
    }

    /// What the Models panel asked for.
    pub(super) fn handle_models_action(&mut self, action: ModelsAction) {
        match action {
            ModelsAction::Add(path) => self.add_model(&path),
            ModelsAction::Remove(path) => {
                let dir = self.project.dir();
                let listed: Vec<String> = listed_models(self.project.state().settings.get(MODELS))
                    .into_iter()
                    .filter(|s| resolve_video_path(&dir, s) != path)
                    .collect();
                self.set_models(listed, "remove a pose model");
            }
            ModelsAction::SetActive(path) => {
                self.suggestions.active = Some(path);
                self.suggestions.current = None;
                self.suggestions.asked = None;
                self.suggestions.ahead.clear();
                self.suggestions.ahead_for = None;
                self.suggestions.ahead_pending = 0;
            }
            ModelsAction::SuggestNow => {
                if let Err(e) = self.suggest_now() {
                    self.set_error(e);
                }
            }
            ModelsAction::SetAuto(on) => self.set_suggest_every_frame(on),
            ModelsAction::SetThreshold(t) => {
                if let Some(edit) = edits::set_setting(
                    self.project.state(),
                    SUGGESTION_THRESHOLD,
                    format!("{t:.2}"),
                ) {
                    self.apply_edit(edit);
                }
            }
            ModelsAction::MapKeypoint {
                model,
                model_keypoint,
                project_keypoint,
            } => {
                if let Some(m) = self
                    .suggestions
                    .entries
                    .iter_mut()
                    .find(|e| e.path == model)
                    && let ModelStatus::Ready(loaded) = &mut m.status
                {
                    if project_keypoint == model_keypoint {
                        loaded.spec.keypoint_map.remove(&model_keypoint);
                    } else {
                        loaded
                            .spec
                            .keypoint_map
                            .insert(model_keypoint, project_keypoint);
                    }
                }
            }
            ModelsAction::WriteSpec(model) => {
                let Some(loaded) = self
                    .suggestions
                    .entries
                    .iter()
                    .find(|e| e.path == model)
                    .and_then(ModelEntry::loaded)
                else {
                    return;
                };
                let path = model.with_extension("json");
                match loaded.spec.write(&path) {
                    Ok(()) => self.set_status(format!("spec written to {}", path.display())),
                    Err(e) => self.set_error(e.to_string()),
                }
            }
            ModelsAction::AcceptAll => self.accept_frame_suggestions(),
            ModelsAction::SetProvider(p) => {
                if let Some(edit) =
                    edits::set_setting(self.project.state(), INFERENCE_PROVIDER, p.id().to_owned())
                {
                    self.apply_edit(edit);
                }
            }
            ModelsAction::RunOnVideo(path) => self.open_run_model(Some(path)),
            ModelsAction::SuggestAhead(n) => self.suggest_ahead(n),
            ModelsAction::SetDetector(d) => {
                self.suggestions.detector = d;
                self.suggestions.asked = None;
                self.suggestions.current = None;
            }
        }
    }
}
