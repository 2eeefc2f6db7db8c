//! The modifier prompt: coding a behaviour that has modifiers asks which one applies,
//! as BORIS does, while the video goes on. The number keys 1–9 or a click choose;
//! Escape or "none" leaves the event without one. The choice is its own undoable edit.

use crate::project::{IndividualId, VideoId};

/// An event just coded whose behaviour has modifiers, waiting for one.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingModifier {
    pub video: VideoId,
    pub behaviour: String,
    pub subject: IndividualId,
    pub start_frame: u64,
    /// The behaviour's modifiers, in the ethogram's order (keys 1–9 pick them).
    pub modifiers: Vec<String>,
}

/// What the person chose.
#[derive(Clone, Debug, PartialEq)]
pub enum ModifierPromptAction {
    Choose(String),
    /// No modifier.
    Dismiss,
}

/// Takes the number keys and Escape from the frame's input while the prompt is up,
/// before the command table sees them ("1" is a command otherwise).
pub fn take_keys(ctx: &egui::Context, pending: &PendingModifier) -> Option<ModifierPromptAction> {
    const DIGITS: [egui::Key; 9] = [
        egui::Key::Num1,
        egui::Key::Num2,
        egui::Key::Num3,
        egui::Key::Num4,
        egui::Key::Num5,
        egui::Key::Num6,
        egui::Key::Num7,
        egui::Key::Num8,
        egui::Key::Num9,
    ];
    let mut chosen = None;
    ctx.input_mut(|input| {
        input.events.retain(|event| {
            let egui::Event::Key {
                key,
                pressed,
                modifiers,
                ..
            } = event
            else {
                return true;
            };
            if !modifiers.is_none() {
                return true;
            }
            if *key == egui::Key::Escape {
                if *pressed {
                    chosen = Some(ModifierPromptAction::Dismiss);
                }
                return false;
            }
            match DIGITS.iter().position(|d| d == key) {
                Some(i) if i < pending.modifiers.len() => {
                    if *pressed {
                        chosen = Some(ModifierPromptAction::Choose(pending.modifiers[i].clone()));
                    }
                    false
                }
                _ => true,
            }
        });
    });
    chosen
}

/// What the prompt reads.
pub struct ModifierPromptContext<'a> {
    pub pending: &'a PendingModifier,
    /// The event's subject, by name.
    pub subject_name: &'a str,
}

/// Draws the prompt near the top of the video; returns a click's choice.
pub fn show(ctx: &egui::Context, c: &ModifierPromptContext<'_>) -> Option<ModifierPromptAction> {
    let (pending, subject_name) = (c.pending, c.subject_name);
    let mut chosen = None;
    egui::Window::new("Modifier")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 48.0])
        .show(ctx, |ui| {
            ui.label(format!(
                "{} ({subject_name}) on frame {}: which?",
                pending.behaviour, pending.start_frame
            ));
            ui.horizontal_wrapped(|ui| {
                for (i, m) in pending.modifiers.iter().enumerate() {
                    let text = if i < 9 {
                        format!("{} {m}", i + 1)
                    } else {
                        m.clone()
                    };
                    if ui.button(text).clicked() {
                        chosen = Some(ModifierPromptAction::Choose(m.clone()));
                    }
                }
                if ui.button("none").on_hover_text("Escape").clicked() {
                    chosen = Some(ModifierPromptAction::Dismiss);
                }
            });
        });
    chosen
}
