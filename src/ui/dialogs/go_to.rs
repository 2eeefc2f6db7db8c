//! Go to frame: a number, Enter.

use super::request::DialogRequest;

/// The "Go to frame" window.
#[derive(Default)]
pub struct GoToDialog {
    /// What is typed, while the window is open.
    pub text: Option<String>,
    /// The frame shown when it opened, as the field's hint.
    from: u64,
}

impl GoToDialog {
    /// Opens it with an empty field, so typing a number replaces nothing.
    pub fn open(&mut self, frame_idx: u64) {
        self.text = Some(String::new());
        self.from = frame_idx;
    }

    pub fn is_open(&self) -> bool {
        self.text.is_some()
    }

    pub fn show(&mut self, ctx: &egui::Context, frame_count: u64, out: &mut Vec<DialogRequest>) {
        let from = self.from;
        let Some(text) = &mut self.text else { return };
        let mut close = false;
        egui::Window::new("Go to frame")
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                let label = ui.label(format!("Frame (0 to {})", frame_count.saturating_sub(1)));
                let edit = ui
                    .add(egui::TextEdit::singleline(text).hint_text(format!("now {from}")))
                    .labelled_by(label.id);
                edit.request_focus();
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let go = ui.button("Go").clicked();
                    if go || enter {
                        match text.trim().parse::<u64>() {
                            Ok(f) => {
                                out.push(DialogRequest::GoTo(f));
                                close = true;
                            }
                            Err(_) => out.push(DialogRequest::Error(format!(
                                "'{}' is not a frame number",
                                text.trim()
                            ))),
                        }
                    }
                    if ui.button("Cancel").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        close = true;
                    }
                });
            });
        if close {
            self.text = None;
        }
    }
}
