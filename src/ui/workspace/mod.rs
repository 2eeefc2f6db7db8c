//! An open project on screen, as a host of panels: each frame it builds every panel's
//! context from its state, draws the panels, collects what they ask for, and applies
//! it all in one place (`apply`) at the end of the frame. Every change to the project
//! goes through `Project::apply`, which commits it before it is drawn. Commands (keys,
//! menus, the palette) are run in `run.rs`.

mod behaviours;
mod frames_to_label;
mod identities;
mod labeling;
mod outliers;
mod playing;
mod plots;
mod predictions;
mod rules;
mod run;
pub mod suggestions;

use std::path::PathBuf;

use egui::{Pos2, Vec2};

use super::commands::Command;
use super::dialogs::{DialogRequest, Dialogs};
use super::panels::behaviours::{BehavioursAction, BehavioursPanel};
use super::panels::frames_to_label::{FramesAction, FramesToLabelPanel};
use super::panels::identities::{IdentitiesAction, IdentitiesPanel};
use super::panels::keypoints::{KeypointsAction, KeypointsContext, keypoints_ui};
use super::panels::layers::{Layers, LayersAction, LayersContext, layers_ui};
use super::panels::models::{ModelsAction, ModelsContext, ModelsPanel};
use super::panels::outliers::{OutliersAction, OutliersPanel};
use super::panels::plots::{PlotsAction, PlotsPanel};
use super::panels::prediction_overlay::OverlayStyle;
use super::panels::rules::{RulesAction, RulesPanel};
use super::panels::status_bar::{
    FrameState, StatusBarContext, StatusMessage, clock_text, status_bar_ui,
};
use super::panels::suggestion_overlay::Ghost;
use super::panels::timeline::{PredictionLane, TimelineAction, TimelineContext, timeline_ui};
use super::panels::transport::{TransportAction, TransportContext, transport_ui};
use super::panels::video_view::{VideoViewContext, ViewAction, ViewState, video_view_ui};
use super::theme::Theme;
use super::video_texture::RgbaVideoTexture;
use super::view_transform::size_vec;
use crate::gpu::yuv_video::GpuVideo;
use crate::project::selection::Selection;
use crate::project::settings_keys::{MARKER_OPACITY, MARKER_SIZE};
use crate::project::{
    Edit, IndividualId, KeypointId, LabelKey, Project, ProjectError, VideoId, edits,
};
use crate::util::text::one_line;
use crate::video::ScreenFormat;
use crate::video::cache::DEFAULT_CACHE_BYTES;
use crate::video::frame_feed::FrameFeed;

/// How frames reach the screen.
enum FramePainter {
    Gpu(GpuVideo),
    Rgba(RgbaVideoTexture),
}

/// What a panel or dialog asked for this frame; applied in one place, `apply`.
pub enum Action {
    Run(Command),
    GoTo(u64),
    SetSpeed(f64),
    ScrubTo(u64),
    ScrubEnded,
    MoveEventEnd {
        event: usize,
        stop: bool,
        frame: u64,
    },
    SelectVideo(VideoId),
    SelectIndividual(IndividualId),
    SelectKeypoint(KeypointId),
    View(ViewAction),
    Layers(LayersAction),
    Models(ModelsAction),
    Frames(FramesAction),
    Plots(PlotsAction),
    Outliers(OutliersAction),
    Identities(IdentitiesAction),
    Behaviours(BehavioursAction),
    Modifier(crate::ui::panels::modifier_prompt::ModifierPromptAction),
    EventChange(crate::ui::panels::timeline::EventChange),
    Rules(RulesAction),
    Dialog(DialogRequest),
}

/// What the frame times were worked out for: the video, whether its index was built,
/// and its frame count.
type TimesKey = (Option<VideoId>, bool, usize);

impl From<TimelineAction> for Action {
    fn from(action: TimelineAction) -> Self {
        match action {
            TimelineAction::GoTo(f) => Self::GoTo(f),
            TimelineAction::ScrubTo(f) => Self::ScrubTo(f),
            TimelineAction::ScrubEnded => Self::ScrubEnded,
            TimelineAction::MoveEventEnd { event, stop, frame } => {
                Self::MoveEventEnd { event, stop, frame }
            }
            TimelineAction::Event(change) => Self::EventChange(change),
        }
    }
}

impl From<TransportAction> for Action {
    fn from(action: TransportAction) -> Self {
        match action {
            TransportAction::Run(command) => Self::Run(command),
            TransportAction::SelectVideo(v) => Self::SelectVideo(v),
            TransportAction::SetSpeed(speed) => Self::SetSpeed(speed),
        }
    }
}

impl From<KeypointsAction> for Action {
    fn from(action: KeypointsAction) -> Self {
        match action {
            KeypointsAction::SelectIndividual(i) => Self::SelectIndividual(i),
            KeypointsAction::SelectKeypoint(k) => Self::SelectKeypoint(k),
        }
    }
}

/// An open project.
pub struct Workspace {
    pub project: Project,
    /// The video, frame, individual and keypoint being worked on.
    pub selection: Selection,
    feed: Option<FrameFeed>,
    painter: Option<FramePainter>,
    /// Zoom, pan and the drag in progress in the video view.
    pub view: ViewState,
    /// Which of labels and prediction sets are drawn.
    pub layers: Layers,
    /// The clock while the video plays.
    playback: Option<crate::video::playback::Playback>,
    /// The speed playing starts at.
    speed: f64,
    /// What playing was before the last Space press, while Space is held: a pan with
    /// Space held restores it.
    pending_space_toggle: Option<Option<crate::video::playback::Playback>>,
    pub status: Option<StatusMessage>,
    pub cursor_in_image: Option<Pos2>,
    /// The marker under the pointer in the last frame drawn: label keys act on it.
    hovered_label: Option<LabelKey>,
    pub dialogs: Dialogs,
    /// Whether frames may go through the GPU (YUV textures and a shader).
    gpu: Option<eframe::egui_wgpu::RenderState>,
    cache_bytes: usize,
    /// Labeled frames of the current video, rebuilt only when labels change.
    labeled_cache: Option<(u64, Vec<(u64, bool)>)>,
    label_generation: u64,
    /// Pose models and their suggestions on the frame shown.
    pub suggestions: suggestions::Suggestions,
    pub models_panel: ModelsPanel,
    pub frames_panel: FramesToLabelPanel,
    /// The kinematics plots under the video.
    pub plots_panel: PlotsPanel,
    /// Where tracking is likely wrong.
    pub outliers_panel: OutliersPanel,
    /// Crossings and identity swaps.
    pub identities_panel: IdentitiesPanel,
    /// The ethogram and the video's coded events.
    pub behaviours_panel: BehavioursPanel,
    /// The shown video's events, parsed once per change.
    events_cache: crate::project::behaviours::EventsCache,
    /// The shown video's frame times (video, indexed, frames), for the events' clock.
    times_cache: std::cell::RefCell<Option<(TimesKey, std::sync::Arc<Vec<f64>>)>>,
    /// An event just coded that waits for its modifier.
    pub pending_modifier: Option<crate::ui::panels::modifier_prompt::PendingModifier>,
    /// Behaviours found from kinematics by rules.
    pub rules_panel: RulesPanel,
    /// Keys (without modifiers) that commands have: a behaviour cannot take them.
    pub command_keys: Vec<String>,
}

impl Workspace {
    pub fn new(project: Project, gpu: Option<eframe::egui_wgpu::RenderState>) -> Self {
        let selection = Selection::new(project.state());
        Self {
            project,
            selection,
            feed: None,
            painter: None,
            view: ViewState::default(),
            layers: Layers::default(),
            playback: None,
            speed: 1.0,
            pending_space_toggle: None,
            status: None,
            cursor_in_image: None,
            hovered_label: None,
            dialogs: Dialogs::default(),
            gpu,
            cache_bytes: DEFAULT_CACHE_BYTES,
            labeled_cache: None,
            label_generation: 0,
            suggestions: suggestions::Suggestions::default(),
            models_panel: ModelsPanel::default(),
            frames_panel: FramesToLabelPanel::default(),
            plots_panel: PlotsPanel::default(),
            outliers_panel: OutliersPanel::default(),
            identities_panel: IdentitiesPanel::default(),
            behaviours_panel: BehavioursPanel::default(),
            pending_modifier: None,
            events_cache: Default::default(),
            times_cache: Default::default(),
            rules_panel: RulesPanel::default(),
            command_keys: Vec::new(),
        }
    }

    /// Sets the frame cache budget for videos opened from now on.
    pub fn set_cache_bytes(&mut self, bytes: usize) {
        self.cache_bytes = bytes;
    }

    /// The current video's frame count (0 without a video).
    pub fn frame_count(&self) -> u64 {
        self.selection
            .video
            .and_then(|v| self.project.state().video(v))
            .map_or(0, |v| v.def.frame_count)
    }

    pub fn fps(&self) -> f64 {
        self.selection
            .video
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
    pub fn apply_edit(&mut self, edit: Edit) -> bool {
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

    /// Opens the decode feed of the current video if it is not open yet.
    fn ensure_feed(&mut self, ctx: &egui::Context) {
        let Some(video) = self.selection.video else {
            return;
        };
        let Some(path) = self.project.video_path(video) else {
            return;
        };
        if self.feed.as_ref().is_some_and(|f| f.path() == path) {
            return;
        }
        if !path.exists() {
            self.close_feed();
            self.dialogs.open_relink(video);
            return;
        }
        let repaint = ctx.clone();
        let images = self
            .project
            .state()
            .video(video)
            .and_then(|v| v.def.frame_files.clone());
        // The worker delivers frames as the painter draws them: 4:2:0 planes for the
        // shader, RGBA for the CPU texture.
        let screen_format = match self.gpu {
            Some(_) => ScreenFormat::Yuv420,
            None => ScreenFormat::Rgba,
        };
        let mut feed = FrameFeed::open(
            &path,
            images.as_deref(),
            self.cache_bytes,
            screen_format,
            move || repaint.request_repaint(),
        );
        feed.want(self.selection.frame_idx as usize);
        self.feed = Some(feed);
        self.painter = Some(match &self.gpu {
            Some(render_state) => FramePainter::Gpu(GpuVideo::new(render_state, &path)),
            None => FramePainter::Rgba(RgbaVideoTexture::new(&path)),
        });
        self.view.auto_fit = true;
    }

    /// Drops the decode feed: the next frame opens the current video again.
    fn close_feed(&mut self) {
        self.feed = None;
        self.painter = None;
    }

    /// Switches to another video of the project.
    pub fn set_video(&mut self, video: VideoId) {
        if self.selection.set_video(self.project.state(), video) {
            self.close_feed();
            self.labeled_cache = None;
        }
    }

    /// Goes to a frame (clamped to the video).
    pub fn go_to(&mut self, frame_idx: u64) {
        self.move_to(frame_idx, false);
    }

    /// Goes to a frame while the pointer drags along the timeline: keyframes are shown
    /// until it rests or lets go (`go_to`).
    pub fn scrub_to(&mut self, frame_idx: u64) {
        self.move_to(frame_idx, true);
    }

    fn move_to(&mut self, frame_idx: u64, scrubbing: bool) {
        let before = self.selection.frame_idx;
        let frame_count = self.frame_count();
        let frame_idx = self
            .selection
            .go_to(self.project.state(), frame_idx, frame_count);
        if frame_idx != before {
            self.view.drag = None;
        }
        if let Some(feed) = &mut self.feed {
            if scrubbing {
                feed.want_while_scrubbing(frame_idx as usize);
            } else {
                feed.want(frame_idx as usize);
            }
        }
    }

    /// Keeps the selection valid after undo or redo changed the project.
    fn after_history_step(&mut self) {
        if self.selection.keep_valid(self.project.state()) {
            self.close_feed();
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
        let frames = self.selection.video.map_or_else(Vec::new, |video| {
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
        let frame_idx = self.selection.frame_idx;
        if let Some(feed) = &self.feed
            && let (Some(index), Some(info)) = (feed.index(), feed.info())
            && let (Some(pts), Some(first)) = (index.pts_of(frame_idx as usize), index.pts_of(0))
        {
            return (pts - first) as f64 * info.secs_per_tick();
        }
        let fps = self.fps();
        if fps > 0.0 {
            frame_idx as f64 / fps
        } else {
            0.0
        }
    }

    /// Draws the workspace, then applies what its panels and dialogs asked for.
    pub fn ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        let ctx = ui.ctx().clone();
        self.ensure_feed(&ctx);
        if let Some(feed) = &mut self.feed {
            feed.poll();
            if let Some(after) = feed.repaint_after() {
                ctx.request_repaint_after(after);
            }
        }
        self.advance_playback(&ctx);
        self.sync_models(&ctx);
        if !ctx.input(|i| i.key_down(egui::Key::Space)) {
            self.pending_space_toggle = None;
        }
        let mut actions: Vec<Action> = Vec::new();
        let status_bar = self.status_bar_context(theme);
        egui::Panel::bottom("status bar").show(ui, |ui| status_bar_ui(ui, &status_bar));
        self.refresh_labeled_frames();
        let to_label = self.frames_to_label().frames;
        let lanes: Vec<PredictionLane<'_>> = self
            .selection
            .video
            .map(|video| {
                self.project
                    .state()
                    .present_prediction_sets()
                    .filter(|s| self.layers.shows(s.id))
                    .filter_map(|s| {
                        Some(PredictionLane {
                            name: &s.def.name,
                            summary: &s.video(video)?.summary,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let outlier_strips = self
            .selection
            .video
            .map(|v| self.outliers_panel.strips(v))
            .unwrap_or_default();
        let event_lanes = self.event_lanes();
        let events = self
            .selection
            .video
            .map(|v| self.events_cache.events(self.project.state(), v))
            .unwrap_or_default();
        let behaviour_codes: Vec<(String, bool)> =
            crate::project::behaviours::ethogram(self.project.state())
                .behaviours
                .into_iter()
                .map(|b| {
                    let state = b.kind == crate::project::behaviours::BehaviourKind::State;
                    (b.code, state)
                })
                .collect();
        let missing: Vec<u64> = self
            .feed
            .as_ref()
            .map(|f| f.missing_frames().map(|i| i as u64).collect())
            .unwrap_or_default();
        egui::Panel::bottom("timeline").show(ui, |ui| {
            ui.add_space(4.0);
            let timeline = TimelineContext {
                missing: &missing,
                lanes: &lanes,
                outlier_strips: &outlier_strips,
                event_lanes: &event_lanes,
                events: &events,
                behaviour_codes: &behaviour_codes,
                frame_count: self.frame_count(),
                current_frame: self.selection.frame_idx,
                labeled: self.labeled_cache.as_ref().map_or(&[], |(_, f)| f),
                to_label: &to_label,
                keyframes: self
                    .feed
                    .as_ref()
                    .and_then(|f| f.index())
                    .map_or(&[], |i| i.keyframe_frames()),
                theme,
            };
            actions.extend(timeline_ui(ui, &timeline).map(Action::from));
            let transport = TransportContext {
                videos: &self.project.state().videos,
                video: self.selection.video,
                playing: self.playback.is_some(),
                speed: self.speed,
            };
            actions.extend(transport_ui(ui, &transport).map(Action::from));
        });
        let plot_actions = self.plots_dock_ui(ui, theme);
        actions.extend(plot_actions.into_iter().map(Action::Plots));
        egui::Panel::right("keypoints")
            .resizable(true)
            .default_size(240.0)
            .min_size(240.0)
            .show(ui, |ui| match self.selection.video {
                Some(video) => {
                    let keypoints = KeypointsContext {
                        state: self.project.state(),
                        video,
                        frame_idx: self.selection.frame_idx,
                        selected_individual: self.selection.individual,
                        selected_keypoint: self.selection.keypoint,
                        theme,
                    };
                    actions.extend(keypoints_ui(ui, &keypoints).map(Action::from));
                    ui.separator();
                    let layers = LayersContext {
                        state: self.project.state(),
                        layers: &self.layers,
                        style: OverlayStyle::of(self.project.state()),
                        theme,
                    };
                    actions.extend(layers_ui(ui, &layers).map(Action::Layers));
                }
                None => {
                    ui.label("No video yet.");
                }
            });
        // The model's suggestions on this frame, for the view and the Models panel.
        let ghosts = self.ghosts();
        egui::CentralPanel::no_frame().show(ui, |ui| {
            self.video_area_ui(ui, theme, &ghosts, &mut actions)
        });
        // Dialogs, last, on top.
        let requests = self
            .dialogs
            .show(&ctx, &self.project, self.frame_count(), theme);
        actions.extend(requests.into_iter().map(Action::Dialog));
        let models = ModelsContext {
            state: self.project.state(),
            project_dir: &self.project.dir(),
            entries: &self.suggestions.entries,
            active: self.suggestions.active.as_deref(),
            auto: self.suggests_every_frame(),
            threshold: self.suggestion_threshold(),
            provider: self.inference_provider(),
            detector: self.suggestions.detector.as_deref(),
            shown: ghosts.len(),
            millis: self.suggestions.current.as_ref().map(|c| c.millis),
            ahead_ready: self.suggestions.ahead.len(),
            ahead_pending: self.suggestions.ahead_pending,
            theme,
        };
        let model_actions = self.models_panel.show(&ctx, &models);
        actions.extend(model_actions.into_iter().map(Action::Models));
        let frame_actions = self.frames_panel_ui(&ctx, theme);
        actions.extend(frame_actions.into_iter().map(Action::Frames));
        let outlier_actions = self.outliers_panel_ui(&ctx, theme);
        actions.extend(outlier_actions.into_iter().map(Action::Outliers));
        let identity_actions = self.identities_panel_ui(&ctx, theme);
        actions.extend(identity_actions.into_iter().map(Action::Identities));
        let behaviour_actions = self.behaviours_panel_ui(&ctx, theme);
        actions.extend(behaviour_actions.into_iter().map(Action::Behaviours));
        actions.extend(self.modifier_prompt_ui(&ctx).map(Action::Modifier));
        let rule_actions = self.rules_panel_ui(&ctx, theme);
        actions.extend(rule_actions.into_iter().map(Action::Rules));
        for action in actions {
            self.apply(action);
        }
    }

    /// Applies one thing a panel or dialog asked for.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Run(command) => {
                self.run(command);
            }
            Action::GoTo(f) => {
                self.go_to(f);
                // Playing goes on from where the person clicked.
                if let Some(p) = self.playback {
                    self.start_playing(p.speed);
                }
            }
            Action::ScrubTo(f) => {
                self.playback = None;
                self.scrub_to(f);
            }
            Action::ScrubEnded => self.go_to(self.selection.frame_idx),
            Action::MoveEventEnd { event, stop, frame } => self.move_event_end(event, stop, frame),
            Action::SetSpeed(speed) => {
                self.speed = speed;
                if self.playback.is_some() {
                    self.start_playing(speed);
                }
            }
            Action::SelectVideo(v) => self.set_video(v),
            Action::SelectIndividual(i) => {
                self.selection.select_individual(self.project.state(), i);
            }
            Action::SelectKeypoint(k) => self.selection.keypoint = Some(k),
            Action::View(action) => self.handle_view_action(action),
            Action::Layers(LayersAction::ShowLabels(shown)) => self.layers.labels_hidden = !shown,
            Action::Layers(LayersAction::ShowSet(set, shown)) => {
                if shown {
                    self.layers.hidden_sets.remove(&set);
                } else {
                    self.layers.hidden_sets.insert(set);
                }
            }
            Action::Layers(LayersAction::SetSetting(key, value)) => {
                if let Some(edit) = edits::set_setting(self.project.state(), key, value) {
                    self.apply_edit(edit);
                }
            }
            Action::Models(action) => self.handle_models_action(action),
            Action::Frames(action) => self.handle_frames_action(action),
            Action::Plots(action) => self.handle_plots_action(action),
            Action::Outliers(action) => self.handle_outliers_action(action),
            Action::Identities(action) => self.handle_identities_action(action),
            Action::Behaviours(action) => self.handle_behaviours_action(action),
            Action::Modifier(action) => self.handle_modifier_action(action),
            Action::EventChange(change) => self.change_event(change),
            Action::Rules(action) => self.handle_rules_action(action),
            Action::Dialog(request) => self.handle_dialog_request(request),
        }
    }

    fn status_bar_context<'a>(&'a self, theme: &'a Theme) -> StatusBarContext<'a> {
        let frame_state = if self.labeling_refused().is_some() {
            FrameState::Missing
        } else if self.feed.as_ref().is_none_or(|f| f.is_exact()) {
            FrameState::Exact
        } else {
            FrameState::Decoding
        };
        // An image folder's frames have names, not times.
        let image_name = self
            .selection
            .video
            .and_then(|v| self.project.state().video(v))
            .and_then(|v| v.def.frame_files.as_ref())
            .and_then(|files| files.get(self.selection.frame_idx as usize).cloned());
        StatusBarContext {
            frame_idx: self.selection.frame_idx,
            frame_count: self.frame_count(),
            frame_state,
            when: image_name.unwrap_or_else(|| clock_text(self.time_secs())),
            zoom: self.view.transform.zoom,
            cursor_in_image: self.cursor_in_image,
            saving_to: self.dialogs.export.saving_to(),
            rendering: self.dialogs.render_video.progress(),
            playing: self.playing(),
            message: self.status.as_ref(),
            theme,
        }
    }

    /// The video view: uploads the frame to show when it changed, draws the view and
    /// collects what the person did in it.
    fn video_area_ui(
        &mut self,
        ui: &mut egui::Ui,
        theme: &Theme,
        ghosts: &[Ghost],
        actions: &mut Vec<Action>,
    ) {
        let Some(video) = self.selection.video else {
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
                .view
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
        let prediction_style = OverlayStyle::of(self.project.state());
        let overlay = self.overlay_frames(&prediction_style);
        let overlay_views: Vec<_> = overlay.iter().map(|o| o.view()).collect();
        let suggestion_model = self.suggestion_model_name();
        let regions = crate::ui::panels::rules::regions_of(self.project.state());
        let state = self.project.state();
        let painter = &self.painter;
        let has_frame = self.feed.as_ref().is_some_and(|f| f.shown().is_some());
        let out = video_view_ui(
            ui,
            VideoViewContext {
                state,
                video,
                frame_idx: self.selection.frame_idx,
                image_size,
                selected_individual: self.selection.individual,
                selected_keypoint: self.selection.keypoint,
                view: &mut self.view,
                marker_radius: state.setting_f32(MARKER_SIZE, 6.0),
                opacity: state.setting_f32(MARKER_OPACITY, 0.9),
                theme,
                show_labels: !self.layers.labels_hidden,
                predictions: &overlay_views,
                prediction_style,
                suggestions: ghosts,
                suggestion_model: &suggestion_model,
                regions: &regions,
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
        self.cursor_in_image = out.cursor_in_image;
        self.hovered_label = out.hovered;
        if out.space_pan_started {
            self.space_pan_started();
        }
        let notice = match (&self.feed, self.labeling_refused()) {
            (Some(_), Some(refused)) => Some((
                format!("{refused}.\nThe file may be truncated or damaged here."),
                theme.error,
            )),
            (Some(feed), None) => match feed.error() {
                Some(e) => Some((e.to_owned(), theme.error)),
                None if !has_frame => Some(("opening video…".to_owned(), theme.text_dim)),
                None => None,
            },
            (None, _) => None,
        };
        if let Some((text, color)) = notice {
            ui.painter().text(
                self.view.rect.center(),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(16.0),
                color,
            );
        }
        actions.extend(out.actions.into_iter().map(Action::View));
    }

    fn handle_dialog_request(&mut self, request: DialogRequest) {
        match request {
            DialogRequest::GoTo(f) => self.go_to(f),
            DialogRequest::Apply(edit) => {
                self.apply_edit(edit);
                self.after_history_step();
            }
            DialogRequest::ApplyResult(result) => {
                self.apply_result(result);
                self.after_history_step();
            }
            DialogRequest::Import {
                file,
                labels,
                set,
                summary,
            } => {
                let added = crate::formats::prediction_import::add_to_project(
                    &mut self.project,
                    &file,
                    labels,
                    set,
                );
                self.label_generation += 1;
                self.after_history_step();
                let summary = one_line(&summary);
                match added {
                    Ok(true) => self.set_status(format!("{}: {summary}", file.display())),
                    // Re-importing what is there already changes nothing.
                    Ok(false) => self.set_status(format!(
                        "{}: {summary}; Nothing new: the project already holds these labels.",
                        file.display()
                    )),
                    Err(e) => self.set_error(format!("Import failed: {e}")),
                }
            }
            DialogRequest::AddPredictionSet {
                set,
                description,
                summary,
            } => {
                let added = self.project.add_import(description, None, Some(set));
                self.after_history_step();
                match added {
                    Ok(_) => self.set_status(format!("{summary}; added as a prediction set")),
                    Err(e) => self.set_error(format!("the model run could not be added: {e}")),
                }
            }
            DialogRequest::RefreshPredictionSet(set) => {
                if let Err(e) = self.project.refresh_prediction_set(set) {
                    self.set_error(format!("the model run's points could not be read: {e}"));
                }
            }
            DialogRequest::AcceptPredictions { set, from, to } => {
                self.accept_range_predictions(set, from, to)
            }
            DialogRequest::Status(text) => self.set_status(text),
            DialogRequest::Error(e) => self.set_error(e),
            DialogRequest::AddVideo(def) => {
                let (edit, id) = edits::add_video(self.project.state(), def);
                if self.apply_edit(edit) {
                    self.set_video(id);
                }
            }
            DialogRequest::Relink { video, path } => {
                let stored =
                    crate::project::document::stored_video_path(&self.project.dir(), &path);
                if let Some(edit) = edits::relink_video(self.project.state(), video, stored) {
                    self.apply_edit(edit);
                }
                self.close_feed();
            }
        }
    }

    fn apply_result(&mut self, edit: Result<Option<Edit>, ProjectError>) {
        match edit {
            Ok(Some(edit)) => {
                self.apply_edit(edit);
            }
            Ok(None) => {}
            Err(e) => self.set_error(e.to_string()),
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

    /// Where an image position is on screen, for tests that click at image positions.
    pub fn ui_from_image(&self, pos_in_image: Pos2) -> Pos2 {
        self.view
            .transform
            .ui_from_image(self.view.rect, pos_in_image)
    }

    /// Size of the current video's frame in pixels.
    pub fn image_size(&self) -> Vec2 {
        self.selection
            .video
            .and_then(|v| self.project.state().video(v))
            .map_or(Vec2::ZERO, |v| size_vec(v.def.width, v.def.height))
    }
}
