//! The workspace's dialogs, one per file: go to frame, skeleton, individuals, settings,
//! add video, relink, export, import and render labeled video. Each reports what the person asked for as a
//! `DialogRequest`; the workspace applies it, so every change is one undoable edit.

pub mod accept_predictions;
pub mod add_video;
pub mod export;
pub mod go_to;
pub mod import;
pub mod individuals;
pub mod relink;
pub mod render_video;
pub mod request;
pub mod run_model;
pub mod settings;
pub mod skeleton;

pub use request::DialogRequest;

use crate::project::{Project, VideoId};
use crate::ui::theme::Theme;

/// Every dialog of an open project.
#[derive(Default)]
pub struct Dialogs {
    pub go_to: go_to::GoToDialog,
    pub skeleton: skeleton::SkeletonEditor,
    pub individuals: individuals::IndividualsEditor,
    pub settings: settings::SettingsDialog,
    pub add_video: add_video::AddVideoDialog,
    pub relink: Option<relink::RelinkDialog>,
    pub export: export::ExportDialog,
    pub import: import::ImportDialog,
    pub accept_predictions: accept_predictions::AcceptPredictionsDialog,
    pub render_video: render_video::RenderVideoDialog,
    pub run_model: run_model::RunModelDialog,
}

impl Dialogs {
    /// Opens "Go to frame" with an empty field, so typing a number replaces nothing.
    pub fn open_go_to(&mut self, frame_idx: u64) {
        self.go_to.open(frame_idx);
    }

    pub fn open_add_video(&mut self) {
        self.add_video.open = true;
    }

    /// Opens "Find moved video" for `video`, unless it is open for it already.
    pub fn open_relink(&mut self, video: VideoId) {
        if self.relink.as_ref().is_none_or(|r| r.video != video) {
            self.relink = Some(relink::RelinkDialog::new(video));
        }
    }

    /// Whether any dialog is open (keys then go to it, not to labeling).
    pub fn any_open(&self) -> bool {
        self.go_to.is_open()
            || self.skeleton.open
            || self.individuals.open
            || self.settings.open
            || self.add_video.open
            || self.relink.is_some()
            || self.export.open
            || self.import.open
            || self.accept_predictions.open
            || self.render_video.open
            || self.run_model.open
    }

    /// Draws the open dialogs; returns what they asked for.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        frame_count: u64,
        theme: &Theme,
    ) -> Vec<DialogRequest> {
        let mut out = Vec::new();
        self.go_to.show(ctx, frame_count, &mut out);
        self.skeleton.show(ctx, project, theme, &mut out);
        self.individuals.show(ctx, project, &mut out);
        self.settings.show(ctx, project, &mut out);
        self.add_video.show(ctx, project, theme, &mut out);
        relink::RelinkDialog::show(&mut self.relink, ctx, project, theme, &mut out);
        self.export.show(ctx, project, &mut out);
        self.import.show(ctx, project, theme, &mut out);
        self.accept_predictions.show(ctx, project.state(), &mut out);
        self.render_video.show(ctx, project, &mut out);
        self.run_model.show(ctx, project, &mut out);
        out
    }
}
