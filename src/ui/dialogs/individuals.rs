//! The individuals editor: add, rename and delete (after a confirmation) the animals.

use std::collections::HashMap;

use egui::Id;

use super::request::{DialogRequest, edit_request};
use crate::project::{IndividualId, Project, edits};
use crate::ui::widgets::{confirm_delete, rename_field_ui};
use crate::util::text::plural;

/// The individuals editor's state.
#[derive(Default)]
pub struct IndividualsEditor {
    pub open: bool,
    pub new_name: String,
    renames: HashMap<IndividualId, String>,
    pub confirm_delete: Option<IndividualId>,
}

impl IndividualsEditor {
    pub fn show(&mut self, ctx: &egui::Context, project: &Project, out: &mut Vec<DialogRequest>) {
        let editor = self;
        if !editor.open {
            return;
        }
        let state = project.state();
        let mut open = true;
        egui::Window::new("Individuals")
            .open(&mut open)
            .show(ctx, |ui| {
                for individual in &state.individuals {
                    ui.horizontal(|ui| {
                        let (id, name) = (individual.id, &individual.def.name);
                        let field = Id::unique(("individual name", id));
                        if let Some(name) =
                            rename_field_ui(ui, &mut editor.renames, id, name, field)
                        {
                            out.push(DialogRequest::ApplyResult(edits::rename_individual(
                                state, id, &name,
                            )));
                        }
                        if ui
                            .add_enabled(
                                state.individuals.len() > 1,
                                egui::Button::new(format!("Delete '{}'", individual.def.name)),
                            )
                            .clicked()
                        {
                            editor.confirm_delete = Some(individual.id);
                        }
                    });
                }
                ui.horizontal(|ui| {
                    let label = ui.label("New individual");
                    ui.text_edit_singleline(&mut editor.new_name)
                        .labelled_by(label.id);
                    if ui.button("Add individual").clicked() && !editor.new_name.trim().is_empty() {
                        match edits::add_individual(state, &editor.new_name) {
                            Ok((edit, _)) => {
                                out.push(DialogRequest::Apply(edit));
                                editor.new_name.clear();
                            }
                            Err(e) => out.push(DialogRequest::Error(e.to_string())),
                        }
                    }
                });
            });
        if !open {
            editor.open = false;
        }
        if let Some(id) = editor.confirm_delete {
            let count = state.labels.keys().filter(|k| k.individual == id).count();
            let answer = confirm_delete(
                ctx,
                "confirm delete individual",
                &format!("Delete individual '{}'?", state.individual_name(id)),
                &format!(
                    "Its {} go with it. Undo brings them back.",
                    plural(count, "label", "labels")
                ),
            );
            if answer == Some(true) {
                out.push(edit_request(edits::delete_individual(state, id)));
            }
            if answer.is_some() {
                editor.confirm_delete = None;
            }
        }
    }
}
