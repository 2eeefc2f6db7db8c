//! The buttons under the timeline: first, previous, next and last frame, and the video
//! picker when the project has several.

use crate::project::{Video, VideoId};
use crate::ui::commands::Command;

/// What the transport row reads.
pub struct TransportContext<'a> {
    pub videos: &'a [Video],
    pub video: Option<VideoId>,
    pub playing: bool,
    pub speed: f64,
}

/// What the person asked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TransportAction {
    Run(Command),
    SelectVideo(VideoId),
    SetSpeed(f64),
}

const BUTTONS: [(&str, Command); 4] = [
    ("|<", Command::FirstFrame),
    ("<", Command::PreviousFrame),
    (">", Command::NextFrame),
    (">|", Command::LastFrame),
];

pub fn transport_ui(ui: &mut egui::Ui, ctx: &TransportContext<'_>) -> Option<TransportAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        for (text, command) in BUTTONS {
            if ui
                .small_button(text)
                .on_hover_text(command.title())
                .clicked()
            {
                action = Some(TransportAction::Run(command));
            }
        }
        let play = if ctx.playing { "Pause" } else { "Play" };
        if ui
            .small_button(play)
            .on_hover_text(Command::PlayPause.title())
            .clicked()
        {
            action = Some(TransportAction::Run(Command::PlayPause));
        }
        egui::ComboBox::from_label("speed")
            .width(60.0)
            .selected_text(format!("{}×", ctx.speed))
            .show_ui(ui, |ui| {
                for speed in crate::video::playback::SPEEDS {
                    if ui
                        .selectable_label((speed - ctx.speed).abs() < 1e-9, format!("{speed}×"))
                        .clicked()
                    {
                        action = Some(TransportAction::SetSpeed(speed));
                    }
                }
            });
        ui.separator();
        if ctx.videos.len() > 1 {
            let current = ctx
                .video
                .and_then(|id| ctx.videos.iter().find(|v| v.id == id))
                .map_or(String::new(), |v| v.def.path.clone());
            egui::ComboBox::from_label("video")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for v in ctx.videos {
                        if ui
                            .selectable_label(Some(v.id) == ctx.video, &v.def.path)
                            .clicked()
                        {
                            action = Some(TransportAction::SelectVideo(v.id));
                        }
                    }
                });
        }
    });
    action
}
