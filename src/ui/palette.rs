//! The command palette (Ctrl+P: type to filter, Enter to run) and the shortcut sheet.

use egui::{Id, RichText};

use super::commands::{Command, MenuGroup};
use super::keymap::Keymap;
use super::theme::Theme;

#[derive(Default)]
pub struct Palette {
    pub open: bool,
    pub query: String,
    pub selected: usize,
}

/// Commands whose title contains every word of the query, in menu order.
pub fn matching(query: &str) -> Vec<Command> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    Command::ALL
        .iter()
        .copied()
        .filter(|c| {
            let title = c.title().to_lowercase();
            words.iter().all(|w| title.contains(w.as_str()))
        })
        .collect()
}

impl Palette {
    pub fn open(&mut self) {
        self.open = true;
        self.query.clear();
        self.selected = 0;
    }

    /// Shows the palette; returns the command chosen.
    pub fn show(&mut self, ctx: &egui::Context, keymap: &Keymap, theme: &Theme) -> Option<Command> {
        if !self.open {
            return None;
        }
        let mut chosen = None;
        let matches = matching(&self.query);
        let (up, down, enter, escape) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
                i.key_pressed(egui::Key::Enter),
                i.key_pressed(egui::Key::Escape),
            )
        });
        if down {
            self.selected = (self.selected + 1).min(matches.len().saturating_sub(1));
        }
        if up {
            self.selected = self.selected.saturating_sub(1);
        }
        self.selected = self.selected.min(matches.len().saturating_sub(1));
        let modal = egui::Modal::new(Id::unique("command palette")).show(ctx, |ui| {
            ui.set_width(420.0);
            let label = ui.label("Command");
            let edit = ui
                .text_edit_singleline(&mut self.query)
                .labelled_by(label.id);
            edit.request_focus();
            if edit.changed() {
                self.selected = 0;
            }
            egui::ScrollArea::vertical()
                .max_height(320.0)
                .show(ui, |ui| {
                    for (i, &c) in matches.iter().enumerate() {
                        ui.horizontal(|ui| {
                            if ui.selectable_label(i == self.selected, c.title()).clicked() {
                                chosen = Some(c);
                            }
                            if let Some(key) = keymap.label(c) {
                                ui.label(RichText::new(key).color(theme.text_dim).small());
                            }
                        });
                    }
                });
        });
        if enter && chosen.is_none() {
            chosen = matches.get(self.selected).copied();
        }
        if chosen.is_some() || escape || modal.should_close() {
            self.open = false;
        }
        chosen
    }
}

/// The shortcut sheet: every command with its keys, by menu.
pub fn shortcut_sheet(
    ctx: &egui::Context,
    open: &mut bool,
    keymap: &Keymap,
    behaviour_keys: &[(String, String)],
    theme: &Theme,
) {
    egui::Window::new("Keyboard shortcuts")
        .open(open)
        .default_width(520.0)
        .show(ctx, |ui| {
            if let Some(path) = Keymap::user_file() {
                ui.label(
                    RichText::new(format!(
                        "Remap keys in {} ([shortcuts] command_id = [\"Ctrl+G\"]).",
                        path.display()
                    ))
                    .color(theme.text_dim)
                    .small(),
                );
            }
            egui::ScrollArea::vertical().show(ui, |ui| {
                // One grid for every group, so the key column lines up down the sheet.
                egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                    ui.label(RichText::new("Mouse, in the video").strong());
                    ui.end_row();
                    for (gesture, what) in crate::ui::panels::video_view::MOUSE_GESTURES {
                        ui.label(*what);
                        ui.label(RichText::new(*gesture).monospace());
                        ui.end_row();
                    }
                    for group in MenuGroup::ALL {
                        ui.label(RichText::new(group.title()).strong());
                        ui.end_row();
                        for &c in Command::ALL.iter().filter(|c| c.group() == group) {
                            ui.label(c.title());
                            let keys: Vec<String> =
                                keymap.keys(c).iter().map(|k| k.label()).collect();
                            ui.label(RichText::new(keys.join(", ")).monospace());
                            ui.label(RichText::new(c.id()).color(theme.text_dim).small());
                            ui.end_row();
                        }
                    }
                    if !behaviour_keys.is_empty() {
                        ui.label(RichText::new("Behaviours (this project's ethogram)").strong());
                        ui.end_row();
                        for (key, code) in behaviour_keys {
                            ui.label(format!("Code '{code}'"));
                            ui.label(RichText::new(key).monospace());
                            ui.end_row();
                        }
                    }
                });
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_match() {
        assert_eq!(matching("go frame"), vec![Command::GoToFrame]);
        assert!(matching("next").contains(&Command::NextLabeledFrame));
        assert!(matching("zzz").is_empty());
        assert_eq!(matching("").len(), Command::ALL.len());
    }
}
