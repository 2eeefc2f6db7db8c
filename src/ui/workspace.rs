//! An open project on screen: the video view, timeline, keypoint panel and status bar,
//! the selection, and the commands that act on them. Every change to the project goes
//! through `Project::apply`, which commits it before it is drawn.

use std::path::PathBuf;

use egui::{Pos2, Vec2};

use super::commands::Command;
use super::dialogs::Dialogs;
use super::frame_feed::FrameFeed;
use super::keypoint_panel::{self, KeypointPanelContext, PanelAction};
use super::theme::Theme;
use super::timeline::{self, TimelineContext};
use super::video_texture::RgbaVideoTexture;
use super::video_view::{self, LabelDrag, VideoViewContext, ViewAction};
use super::view_transform::{ViewTransform, size_vec};
use crate::gpu::yuv_video::GpuVideo;
use crate::project::{
    Edit, IndividualId, KeypointId, LabelKey, Project, ProjectError, VideoId, Visibility, edits,
};
use crate::video::cache::DEFAULT_CACHE_BYTES;

/// Settings keys stored in the project.
pub const MARKER_SIZE: &str = "marker_size";
pub const MARKER_OPACITY: &str = "marker_opacity";

/// A message in the status bar.
#[derive(Clone, Debug)]
pub struct StatusMessage {
    pub text: String,
    pub is_error: bool,
}

/// How frames reach the screen.
enum FramePainter {
    Gpu(GpuVideo),
    Rgba(RgbaVideoTexture),
}

/// An open project.
pub struct Workspace {
    pub project: Project,
    pub video: Option<VideoId>,
    pub frame_idx: u64,
    pub selected_individual: IndividualId,
    pub selected_keypoint: Option<KeypointId>,
    feed: Option<FrameFeed>,
    painter: Option<FramePainter>,
    pub transform: ViewTransform,
    auto_fit: bool,
    drag: Option<LabelDrag>,
    pub status: Option<StatusMessage>,
    pub cursor_in_image: Option<Pos2>,
    /// The marker under the pointer in the last frame drawn: label keys act on it.
    hovered_label: Option<LabelKey>,
    view_rect: egui::Rect,
    pub dialogs: Dialogs,
    /// Whether frames may go through the GPU (YUV textures and a shader).
    gpu: Option<eframe::egui_wgpu::RenderState>,
    cache_bytes: usize,
    /// Labeled frames of the current video, rebuilt only when labels change.
    labeled_cache: Option<(u64, Vec<(u64, bool)>)>,
    label_generation: u64,
}

impl Workspace {
    pub fn new(project: Project, gpu: Option<eframe::egui_wgpu::RenderState>) -> Self {
        let state = project.state();
        let video = state.videos.first().map(|v| v.id);
        let selected_individual = state.individuals.first().map_or(IndividualId(0), |i| i.id);
        let mut ws = Self {
            project,
            video,
            frame_idx: 0,
            selected_individual,
            selected_keypoint: None,
            feed: None,
            painter: None,
            transform: ViewTransform::default(),
            auto_fit: true,
            drag: None,
            status: None,
            cursor_in_image: None,
            hovered_label: None,
            view_rect: egui::Rect::NOTHING,
            dialogs: Dialogs::default(),
            gpu,
            cache_bytes: DEFAULT_CACHE_BYTES,
            labeled_cache: None,
            label_generation: 0,
        };
        ws.select_first_unlabeled();
        ws
    }

    /// Sets the frame cache budget for videos opened from now on.
    pub fn set_cache_bytes(&mut self, bytes: usize) {
        self.cache_bytes = bytes;
    }

    pub fn frame_count(&self) -> u64 {
        self.video
            .and_then(|v| self.project.state().video(v))
            .map_or(0, |v| v.def.frame_count)
    }

    pub fn fps(&self) -> f64 {
        self.video
            .and_then(|v| self.project.state().video(v))
            .map_or(0.0, |v| v.def.fps)
    }

    /// The decode feed of the current video, if it is open.
    pub fn feed(&self) -> Option<&FrameFeed> {
        self.feed.as_ref()
    }

    pub fn set_status(&mut self, text: impl Into<String>) {
        self.status = Some(StatusMessage {
            text: text.into(),
            is_error: false,
        });
    }

    pub fn set_error(&mut self, text: impl Into<String>) {
        self.status = Some(StatusMessage {
            text: text.into(),
            is_error: true,
        });
    }

    /// Commits an edit; on failure nothing changed and the status bar says why.
    pub fn apply(&mut self, edit: Edit) -> bool {
        let description = edit.description.clone();
        match self.project.apply(edit) {
            Ok(()) => {
                self.label_generation += 1;
                self.status = None;
                true
            }
            Err(e) => {
                self.set_error(format!("could not {description}: {e}"));
                false
            }
        }
    }

    fn apply_result(&mut self, edit: Result<Option<Edit>, ProjectError>) {
        match edit {
            Ok(Some(edit)) => {
                self.apply(edit);
            }
            Ok(None) => {}
            Err(e) => self.set_error(e.to_string()),
        }
    }

    /// Opens the decode feed of the current video if it is not open yet.
    fn ensure_feed(&mut self, ctx: &egui::Context) {
        let Some(video) = self.video else { return };
        let Some(path) = self.project.video_path(video) else {
            return;
        };
        if self.feed.as_ref().is_some_and(|f| f.path() == path) {
            return;
        }
        if !path.exists() {
            self.feed = None;
            self.painter = None;
            self.dialogs.open_relink(video);
            return;
        }
        let repaint = ctx.clone();
        let images = self
            .project
            .state()
            .video(video)
            .and_then(|v| v.def.frame_files.clone());
        let mut feed = FrameFeed::open(&path, images.as_deref(), self.cache_bytes, move || {
            repaint.request_repaint()
        });
        feed.want(self.frame_idx as usize);
        self.feed = Some(feed);
        self.painter = Some(match &self.gpu {
            Some(render_state) => FramePainter::Gpu(GpuVideo::new(render_state, &path)),
            None => FramePainter::Rgba(RgbaVideoTexture::new(&path)),
        });
        self.auto_fit = true;
    }

    /// Switches to another video of the project.
    pub fn set_video(&mut self, video: VideoId) {
        if self.video != Some(video) {
            self.video = Some(video);
            self.feed = None;
            self.painter = None;
            self.frame_idx = 0;
            self.labeled_cache = None;
            self.select_first_unlabeled();
        }
    }

    /// Goes to a frame (clamped to the video).
    pub fn go_to(&mut self, frame_idx: u64) {
        let last = self.frame_count().saturating_sub(1);
        let frame_idx = frame_idx.min(last);
        if frame_idx != self.frame_idx {
            self.frame_idx = frame_idx;
            self.drag = None;
            self.select_first_unlabeled();
        }
        if let Some(feed) = &mut self.feed {
            feed.want(frame_idx as usize);
        }
    }

    /// Goes to a frame while the pointer drags along the timeline: keyframes are shown
    /// until it rests or lets go (`go_to`).
    pub fn scrub_to(&mut self, frame_idx: u64) {
        let frame_idx = frame_idx.min(self.frame_count().saturating_sub(1));
        if frame_idx != self.frame_idx {
            self.frame_idx = frame_idx;
            self.drag = None;
            self.select_first_unlabeled();
        }
        if let Some(feed) = &mut self.feed {
            feed.want_while_scrubbing(frame_idx as usize);
        }
    }

    fn step(&mut self, delta: i64) {
        let target = (self.frame_idx as i64 + delta).max(0) as u64;
        self.go_to(target);
    }

    fn label_key(&self, keypoint: KeypointId) -> Option<LabelKey> {
        Some(LabelKey {
            video: self.video?,
            frame_idx: self.frame_idx,
            individual: self
                .project
                .state()
                .owner(keypoint, self.selected_individual),
            keypoint,
        })
    }

    /// Selects the first keypoint (in order) of the selected individual that has no
    /// label on this frame; keeps the selection when all are labeled.
    pub fn select_first_unlabeled(&mut self) {
        let state = self.project.state();
        let first = state.skeleton.keypoints.iter().map(|k| k.id).find(|&k| {
            self.label_key(k)
                .is_some_and(|key| state.label(&key).is_none())
        });
        match first {
            Some(k) => self.selected_keypoint = Some(k),
            None if self
                .selected_keypoint
                .is_some_and(|k| state.skeleton.keypoint(k).is_some()) => {}
            None => self.selected_keypoint = state.skeleton.keypoints.first().map(|k| k.id),
        }
    }

    /// After placing `placed`, selects the next unlabeled keypoint after it (wrapping),
    /// as DeepLabCut's sequential labeling does.
    fn select_next_unlabeled_after(&mut self, placed: KeypointId) {
        let state = self.project.state();
        let ids: Vec<KeypointId> = state.skeleton.keypoints.iter().map(|k| k.id).collect();
        let Some(start) = ids.iter().position(|&k| k == placed) else {
            return;
        };
        let next = (1..ids.len())
            .map(|i| ids[(start + i) % ids.len()])
            .find(|&k| {
                self.label_key(k)
                    .is_some_and(|key| state.label(&key).is_none())
            });
        if let Some(k) = next {
            self.selected_keypoint = Some(k);
        }
    }

    fn cycle_keypoint(&mut self, delta: isize) {
        let ids: Vec<KeypointId> = self
            .project
            .state()
            .skeleton
            .keypoints
            .iter()
            .map(|k| k.id)
            .collect();
        if ids.is_empty() {
            return;
        }
        let at = self
            .selected_keypoint
            .and_then(|k| ids.iter().position(|&x| x == k))
            .unwrap_or(0) as isize;
        let n = ids.len() as isize;
        self.selected_keypoint = Some(ids[(at + delta).rem_euclid(n) as usize]);
    }

    fn cycle_individual(&mut self, delta: isize) {
        let ids: Vec<IndividualId> = self
            .project
            .state()
            .individuals
            .iter()
            .map(|i| i.id)
            .collect();
        if ids.is_empty() {
            return;
        }
        let at = ids
            .iter()
            .position(|&x| x == self.selected_individual)
            .unwrap_or(0) as isize;
        let n = ids.len() as isize;
        self.selected_individual = ids[(at + delta).rem_euclid(n) as usize];
        self.set_status(format!(
            "labeling {}",
            self.project
                .state()
                .individual_name(self.selected_individual)
        ));
        self.select_first_unlabeled();
    }

    /// Runs a command. Returns false for commands the workspace does not handle (they
    /// belong to the app: new, open, close, theme).
    pub fn run(&mut self, command: Command) -> bool {
        let fps = self.fps();
        let second = if fps > 0.0 { fps.round() as i64 } else { 30 };
        match command {
            Command::Undo => match self.project.undo() {
                Ok(Some(name)) => {
                    self.label_generation += 1;
                    self.set_status(format!("undid {name}"));
                    self.after_history_step();
                }
                Ok(None) => self.set_status("nothing to undo"),
                Err(e) => self.set_error(format!("could not undo: {e}")),
            },
            Command::Redo => match self.project.redo() {
                Ok(Some(name)) => {
                    self.label_generation += 1;
                    self.set_status(format!("redid {name}"));
                    self.after_history_step();
                }
                Ok(None) => self.set_status("nothing to redo"),
                Err(e) => self.set_error(format!("could not redo: {e}")),
            },
            Command::NextFrame => self.step(1),
            Command::PreviousFrame => self.step(-1),
            Command::Forward10 => self.step(10),
            Command::Back10 => self.step(-10),
            Command::ForwardSecond => self.step(second),
            Command::BackSecond => self.step(-second),
            Command::FirstFrame => self.go_to(0),
            Command::LastFrame => self.go_to(u64::MAX),
            Command::NextLabeledFrame | Command::PreviousLabeledFrame | Command::NextUnlabeled => {
                let Some(video) = self.video else { return true };
                let state = self.project.state();
                let target = match command {
                    Command::NextLabeledFrame => state.next_labeled_frame(video, self.frame_idx),
                    Command::PreviousLabeledFrame => {
                        state.previous_labeled_frame(video, self.frame_idx)
                    }
                    _ => state.next_frame_with_unlabeled(video, self.frame_idx),
                };
                match target {
                    Some(f) => self.go_to(f),
                    None => self.set_status(match command {
                        Command::NextUnlabeled => "every labeled frame is complete",
                        _ => "no labeled frame that way",
                    }),
                }
            }
            Command::NextVideo | Command::PreviousVideo => {
                let ids: Vec<VideoId> = self.project.state().videos.iter().map(|v| v.id).collect();
                if let Some(at) = self.video.and_then(|v| ids.iter().position(|&x| x == v)) {
                    let delta = if command == Command::NextVideo { 1 } else { -1 };
                    let next = (at as isize + delta).rem_euclid(ids.len() as isize) as usize;
                    self.set_video(ids[next]);
                }
            }
            Command::NextKeypoint => self.cycle_keypoint(1),
            Command::PreviousKeypoint => self.cycle_keypoint(-1),
            Command::NextIndividual => self.cycle_individual(1),
            Command::PreviousIndividual => self.cycle_individual(-1),
            Command::ToggleOccluded | Command::DeleteLabel => {
                let Some(key) = self.label_for_key_command() else {
                    return true;
                };
                if let Some(reason) = self.labeling_refused() {
                    self.set_error(reason);
                    return true;
                }
                let state = self.project.state();
                let edit = match command {
                    Command::ToggleOccluded => edits::toggle_occluded(state, key),
                    _ => edits::delete_label(state, key),
                };
                match edit {
                    Some(edit) => self.apply_and_say(edit, key),
                    None => {
                        let name = self.label_name(key);
                        self.set_status(format!("{name} is not placed on this frame"));
                    }
                }
            }
            Command::CopyPreviousLabels => {
                let Some(video) = self.video else { return true };
                let state = self.project.state();
                match state.previous_labeled_frame(video, self.frame_idx) {
                    Some(from) => {
                        match edits::copy_labels_from_frame(
                            state,
                            video,
                            from,
                            self.frame_idx,
                            None,
                        ) {
                            Some(edit) => {
                                self.apply(edit);
                            }
                            None => self.set_status("nothing to copy: this frame has them all"),
                        }
                    }
                    None => self.set_status("no labeled frame before this one"),
                }
            }
            Command::SwapIndividuals => {
                let Some(video) = self.video else { return true };
                let state = self.project.state();
                let ids: Vec<IndividualId> = state.individuals.iter().map(|i| i.id).collect();
                if ids.len() < 2 {
                    self.set_status("swapping needs two individuals");
                    return true;
                }
                let at = ids
                    .iter()
                    .position(|&x| x == self.selected_individual)
                    .unwrap_or(0);
                let other = ids[(at + 1) % ids.len()];
                if let Some(edit) = edits::swap_individuals(
                    state,
                    video,
                    self.frame_idx,
                    self.selected_individual,
                    other,
                ) {
                    self.apply(edit);
                }
            }
            Command::Fit => self.auto_fit = true,
            Command::ZoomIn | Command::ZoomOut | Command::ActualSize => {
                let zoom = match command {
                    Command::ZoomIn => self.transform.zoom * 1.25,
                    Command::ZoomOut => self.transform.zoom / 1.25,
                    _ => 1.0,
                };
                self.transform.set_zoom_about_center(self.view_rect, zoom);
                self.auto_fit = false;
            }
            Command::GoToFrame => self.dialogs.open_go_to(self.frame_idx),
            Command::EditSkeleton => self.dialogs.skeleton.open = true,
            Command::EditIndividuals => self.dialogs.individuals.open = true,
            Command::Settings => self.dialogs.settings_open = true,
            Command::AddVideo => self.dialogs.open_add_video(),
            Command::ImportLabels => self.dialogs.import.open = true,
            Command::ExportDataset => self.dialogs.export.open_for(&self.project),
            Command::SaveToDlc => self.dialogs.export.save_requested = true,
            _ => return false,
        }
        true
    }

    /// The label a key command (O, Delete) acts on: the marker under the pointer when
    /// there is one, else the selected keypoint of the selected individual.
    fn label_for_key_command(&self) -> Option<LabelKey> {
        self.hovered_label
            .filter(|k| Some(k.video) == self.video && k.frame_idx == self.frame_idx)
            .or_else(|| self.selected_keypoint.and_then(|k| self.label_key(k)))
    }

    /// A label's keypoint for messages, with its individual where there are several:
    /// "'snout' of m2".
    fn label_name(&self, key: LabelKey) -> String {
        let state = self.project.state();
        let name = state.skeleton.name_of(key.keypoint);
        if state.individuals.len() > 1 && key.individual != IndividualId::NONE {
            format!("'{name}' of {}", state.individual_name(key.individual))
        } else {
            format!("'{name}'")
        }
    }

    /// Commits an edit to one label and says in the status bar what changed, so that
    /// a key pressed over another marker than the selected one is never a surprise.
    fn apply_and_say(&mut self, edit: Edit, key: LabelKey) {
        if self.apply(edit) {
            let name = self.label_name(key);
            let now = match self.project.state().label(&key).map(|l| l.visibility) {
                Some(Visibility::Occluded) => "marked occluded",
                Some(Visibility::Visible) => "marked visible",
                Some(Visibility::Absent) => "marked absent",
                None => "deleted",
            };
            self.set_status(format!("{name} {now} on frame {}", self.frame_idx));
        }
    }

    /// Why this frame takes no labels, if it does not: a frame that cannot be decoded
    /// is never shown as another frame, nor labeled blind.
    pub fn labeling_refused(&self) -> Option<String> {
        let reason = self.feed.as_ref()?.missing(self.frame_idx as usize)?;
        Some(format!(
            "frame {} could not be decoded ({reason}): labeling is off on it",
            self.frame_idx
        ))
    }

    /// Keeps the selection valid after undo or redo changed the project.
    fn after_history_step(&mut self) {
        let state = self.project.state();
        if state.individual(self.selected_individual).is_none() {
            self.selected_individual = state.individuals.first().map_or(IndividualId(0), |i| i.id);
        }
        let keypoint_gone = self
            .selected_keypoint
            .is_some_and(|k| state.skeleton.keypoint(k).is_none());
        if self.video.is_some_and(|v| state.video(v).is_none()) {
            self.video = state.videos.first().map(|v| v.id);
            self.feed = None;
            self.painter = None;
        }
        if keypoint_gone {
            self.selected_keypoint = None;
            self.select_first_unlabeled();
        }
    }

    fn handle_view_action(&mut self, action: ViewAction) {
        let edits_label = matches!(
            action,
            ViewAction::Place { .. } | ViewAction::Move { .. } | ViewAction::ToggleOccluded(_)
        );
        if edits_label && let Some(reason) = self.labeling_refused() {
            self.set_error(reason);
            return;
        }
        match action {
            ViewAction::Place {
                key,
                pos_in_image,
                move_placed,
            } => {
                let placed = self
                    .project
                    .state()
                    .label(&key)
                    .is_some_and(|l| l.visibility != Visibility::Absent);
                if placed && !move_placed {
                    // A stray click must not carry a placed label across the arena.
                    let name = self.label_name(key);
                    self.set_status(format!(
                        "{name} is placed already: drag it to move it, or Shift+click to move it here"
                    ));
                    return;
                }
                self.place_label(key, pos_in_image);
            }
            ViewAction::Move { key, pos_in_image } => self.place_label(key, pos_in_image),
            ViewAction::Select {
                individual,
                keypoint,
            } => {
                // A unique keypoint belongs to no individual: the selection stays.
                if individual != IndividualId::NONE {
                    self.selected_individual = individual;
                }
                self.selected_keypoint = Some(keypoint);
            }
            ViewAction::ToggleOccluded(key) => {
                if let Some(edit) = edits::toggle_occluded(self.project.state(), key) {
                    self.apply_and_say(edit, key);
                }
            }
        }
    }

    /// Places or moves a label; after placing a new one, selects the next unlabeled
    /// keypoint.
    fn place_label(&mut self, key: LabelKey, pos_in_image: Pos2) {
        let is_new = self.project.state().label(&key).is_none();
        if let Some(edit) = edits::set_label_position(
            self.project.state(),
            key,
            f64::from(pos_in_image.x),
            f64::from(pos_in_image.y),
        ) && self.apply(edit)
            && is_new
        {
            self.select_next_unlabeled_after(key.keypoint);
        }
    }

    /// Recounts the labeled frames of the current video (with completeness, for the
    /// timeline) when labels changed since the last count.
    fn refresh_labeled_frames(&mut self) {
        if self
            .labeled_cache
            .as_ref()
            .is_some_and(|(generation, _)| *generation == self.label_generation)
        {
            return;
        }
        let state = self.project.state();
        let full = state.labels_per_frame();
        let frames = self.video.map_or_else(Vec::new, |video| {
            state
                .labeled_frames(video)
                .map(|f| (f, state.label_count_on_frame(video, f) >= full))
                .collect()
        });
        self.labeled_cache = Some((self.label_generation, frames));
    }

    /// The time of the current frame in seconds: from the frame's timestamp once the
    /// index is built (right for variable frame rates), from the fps until then.
    pub fn time_secs(&self) -> f64 {
        if let Some(feed) = &self.feed
            && let (Some(index), Some(info)) = (feed.index(), feed.info())
            && let (Some(pts), Some(first)) =
                (index.pts_of(self.frame_idx as usize), index.pts_of(0))
        {
            return (pts - first) as f64 * info.secs_per_tick();
        }
        let fps = self.fps();
        if fps > 0.0 {
            self.frame_idx as f64 / fps
        } else {
            0.0
        }
    }

    /// Draws the workspace: panels, view, dialogs.
    pub fn ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        let ctx = ui.ctx().clone();
        self.ensure_feed(&ctx);
        if let Some(feed) = &mut self.feed {
            feed.poll();
            if let Some(after) = feed.repaint_after() {
                ctx.request_repaint_after(after);
            }
        }
        // Status bar.
        egui::Panel::bottom("status bar").show(ui, |ui| {
            ui.horizontal(|ui| self.status_bar(ui, theme));
        });
        // Timeline.
        egui::Panel::bottom("timeline").show(ui, |ui| {
            ui.add_space(4.0);
            self.refresh_labeled_frames();
            let out = timeline::show(
                ui,
                TimelineContext {
                    frame_count: self.frame_count(),
                    current_frame: self.frame_idx,
                    labeled: self.labeled_cache.as_ref().map_or(&[], |(_, f)| f),
                    keyframes: self
                        .feed
                        .as_ref()
                        .and_then(|f| f.index())
                        .map_or(&[], |i| i.keyframe_frames()),
                    theme,
                },
            );
            match out.seek_to {
                Some(f) if out.scrubbing => self.scrub_to(f),
                Some(f) => self.go_to(f),
                None if out.released => self.go_to(self.frame_idx),
                None => {}
            }
            ui.horizontal(|ui| {
                if ui.small_button("|<").on_hover_text("First frame").clicked() {
                    self.run(Command::FirstFrame);
                }
                if ui
                    .small_button("<")
                    .on_hover_text("Previous frame")
                    .clicked()
                {
                    self.run(Command::PreviousFrame);
                }
                if ui.small_button(">").on_hover_text("Next frame").clicked() {
                    self.run(Command::NextFrame);
                }
                if ui.small_button(">|").on_hover_text("Last frame").clicked() {
                    self.run(Command::LastFrame);
                }
                ui.separator();
                let videos: Vec<(VideoId, String)> = self
                    .project
                    .state()
                    .videos
                    .iter()
                    .map(|v| (v.id, v.def.path.clone()))
                    .collect();
                if videos.len() > 1 {
                    let current = self
                        .video
                        .and_then(|id| videos.iter().find(|(v, _)| *v == id))
                        .map_or(String::new(), |(_, p)| p.clone());
                    let mut chosen = None;
                    egui::ComboBox::from_id_salt("video")
                        .selected_text(current)
                        .show_ui(ui, |ui| {
                            for (id, path) in &videos {
                                if ui.selectable_label(Some(*id) == self.video, path).clicked() {
                                    chosen = Some(*id);
                                }
                            }
                        });
                    if let Some(id) = chosen {
                        self.set_video(id);
                    }
                }
            });
        });
        // Keypoint list.
        egui::Panel::right("keypoints")
            .resizable(true)
            .default_size(240.0)
            .min_size(240.0)
            .show(ui, |ui| {
                let Some(video) = self.video else {
                    ui.label("No video yet.");
                    return;
                };
                let actions = keypoint_panel::show(
                    ui,
                    KeypointPanelContext {
                        state: self.project.state(),
                        video,
                        frame_idx: self.frame_idx,
                        selected_individual: self.selected_individual,
                        selected_keypoint: self.selected_keypoint,
                        theme,
                    },
                );
                for action in actions {
                    match action {
                        PanelAction::SelectIndividual(i) => {
                            self.selected_individual = i;
                            self.select_first_unlabeled();
                        }
                        PanelAction::SelectKeypoint(k) => self.selected_keypoint = Some(k),
                    }
                }
            });
        // The video view.
        egui::CentralPanel::no_frame().show(ui, |ui| self.video_area(ui, theme));
        // Dialogs, last, on top.
        let requests = self
            .dialogs
            .show(&ctx, &self.project, self.frame_count(), theme);
        for request in requests {
            self.handle_dialog_request(request);
        }
    }

    fn video_area(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        let Some(video) = self.video else {
            ui.centered_and_justified(|ui| {
                ui.label("This project has no video yet: File > Add video…");
            });
            return;
        };
        let Some(def) = self.project.state().video(video).map(|v| v.def.clone()) else {
            return;
        };
        let image_size = size_vec(def.width, def.height);
        // Upload the shown frame if it changed.
        let mut frame_error = None;
        if let (Some(feed), Some(painter)) = (&self.feed, &mut self.painter)
            && let Some((frame, version)) = feed.shown()
        {
            let nearest = self
                .transform
                .wants_nearest_filtering(ui.ctx().pixels_per_point());
            match painter {
                FramePainter::Rgba(texture) => {
                    if let Err(e) = texture.update(ui.ctx(), frame, version, nearest) {
                        frame_error = Some(e);
                    }
                }
                FramePainter::Gpu(gpu) => gpu.set_frame(frame, version),
            }
        }
        if let Some(e) = frame_error {
            self.set_error(e);
        }
        let marker_size = self.project.state().setting_f32(MARKER_SIZE, 6.0);
        let opacity = self.project.state().setting_f32(MARKER_OPACITY, 0.9);
        let painter = &self.painter;
        let has_frame = self.feed.as_ref().is_some_and(|f| f.shown().is_some());
        let out = video_view::show(
            ui,
            VideoViewContext {
                state: self.project.state(),
                video,
                frame_idx: self.frame_idx,
                image_size,
                selected_individual: self.selected_individual,
                selected_keypoint: self.selected_keypoint,
                transform: &mut self.transform,
                drag: &mut self.drag,
                auto_fit: &mut self.auto_fit,
                marker_radius: marker_size,
                opacity,
                theme,
            },
            &mut |p, rect, uv, nearest| {
                if !has_frame {
                    return;
                }
                match painter {
                    Some(FramePainter::Rgba(texture)) => texture.paint(p, rect, uv),
                    Some(FramePainter::Gpu(gpu)) => gpu.paint(p, rect, uv, nearest),
                    None => {}
                }
            },
        );
        self.view_rect = out.view_rect;
        self.cursor_in_image = out.cursor_in_image;
        self.hovered_label = out.hovered;
        if let Some(feed) = &self.feed {
            if let Some(refused) = self.labeling_refused() {
                ui.painter().text(
                    out.view_rect.center(),
                    egui::Align2::CENTER_CENTER,
                    format!("{refused}.\nThe file may be truncated or damaged here."),
                    egui::FontId::proportional(16.0),
                    theme.error,
                );
            } else if let Some(e) = feed.error() {
                let e = e.to_owned();
                ui.painter().text(
                    out.view_rect.center(),
                    egui::Align2::CENTER_CENTER,
                    e,
                    egui::FontId::proportional(16.0),
                    theme.error,
                );
            } else if !has_frame {
                ui.painter().text(
                    out.view_rect.center(),
                    egui::Align2::CENTER_CENTER,
                    "opening video…",
                    egui::FontId::proportional(16.0),
                    theme.text_dim,
                );
            }
        }
        for action in out.actions {
            self.handle_view_action(action);
        }
    }

    fn status_bar(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        let count = self.frame_count();
        let exact = self.feed.as_ref().is_none_or(|f| f.is_exact());
        let frame_text = format!("frame {} / {}", self.frame_idx, count.saturating_sub(1));
        ui.label(egui::RichText::new(frame_text).monospace());
        if self.labeling_refused().is_some() {
            ui.label(egui::RichText::new("missing: cannot be decoded").color(theme.error));
        } else if !exact {
            ui.label(egui::RichText::new("decoding…").color(theme.text_dim));
        }
        ui.separator();
        // An image folder's frames have names, not times.
        let image_name = self
            .video
            .and_then(|v| self.project.state().video(v))
            .and_then(|v| v.def.frame_files.as_ref())
            .and_then(|files| files.get(self.frame_idx as usize).cloned());
        let when = match image_name {
            Some(name) => name,
            None => {
                let t = self.time_secs();
                format!("{:02}:{:06.3}", (t / 60.0).floor() as u64, t % 60.0)
            }
        };
        ui.label(egui::RichText::new(when).monospace());
        ui.separator();
        ui.label(format!("zoom {:.0}%", self.transform.zoom * 100.0));
        ui.separator();
        match self.cursor_in_image {
            Some(p) => {
                ui.label(egui::RichText::new(format!("x {:.1}  y {:.1}", p.x, p.y)).monospace())
            }
            None => ui.label(egui::RichText::new("x –  y –").monospace()),
        };
        if let Some(target) = self.dialogs.export.saving_to() {
            ui.separator();
            ui.spinner();
            ui.label(format!("saving to DeepLabCut in {}…", target.display()));
        }
        if let Some(status) = &self.status {
            ui.separator();
            let color = if status.is_error {
                theme.error
            } else {
                theme.text_dim
            };
            ui.label(egui::RichText::new(&status.text).color(color));
        }
    }

    fn handle_dialog_request(&mut self, request: super::dialogs::DialogRequest) {
        use super::dialogs::DialogRequest;
        match request {
            DialogRequest::GoTo(f) => self.go_to(f),
            DialogRequest::Apply(edit) => {
                self.apply(edit);
                self.after_history_step();
            }
            DialogRequest::ApplyResult(result) => {
                self.apply_result(result);
                self.after_history_step();
            }
            DialogRequest::Status(text) => self.set_status(text),
            DialogRequest::Error(e) => self.set_error(e),
            DialogRequest::AddVideo(def) => {
                let (edit, id) = edits::add_video(self.project.state(), def);
                if self.apply(edit) {
                    self.set_video(id);
                }
            }
            DialogRequest::Relink { video, path } => {
                let stored =
                    crate::project::document::stored_video_path(&self.project.dir(), &path);
                if let Some(edit) = edits::relink_video(self.project.state(), video, stored) {
                    self.apply(edit);
                }
                self.feed = None;
                self.painter = None;
            }
        }
    }

    /// The open project.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Where the project file is.
    pub fn project_path(&self) -> PathBuf {
        self.project.path().to_owned()
    }

    /// The view's size, for tests that click at image positions.
    pub fn ui_from_image(&self, pos_in_image: Pos2) -> Pos2 {
        self.transform.ui_from_image(self.view_rect, pos_in_image)
    }

    pub fn view_rect(&self) -> egui::Rect {
        self.view_rect
    }

    /// Size of the current video's frame in pixels.
    pub fn image_size(&self) -> Vec2 {
        self.video
            .and_then(|v| self.project.state().video(v))
            .map_or(Vec2::ZERO, |v| size_vec(v.def.width, v.def.height))
    }
}
