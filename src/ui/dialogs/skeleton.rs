//! The skeleton editor: keypoints (add, rename, reorder, recolour, delete after a
//! confirmation), edges and left/right pairs made by clicking two keypoints.

use std::collections::HashMap;

use egui::{Id, RichText};

use super::request::{DialogRequest, edit_request};
use crate::project::{KeypointId, Project, Rgb, edits, ordered_pair};
use crate::ui::theme::Theme;
use crate::ui::widgets::{confirm_delete, rename_field_ui};
use crate::util::text::plural;

/// Which kind of pair the skeleton editor's "click two keypoints" mode makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PairMode {
    #[default]
    Edges,
    Symmetric,
}

/// The skeleton editor's state.
#[derive(Default)]
pub struct SkeletonEditor {
    pub open: bool,
    pub new_keypoint: String,
    /// Names being typed, by keypoint; committed on Enter or when focus leaves.
    renames: HashMap<KeypointId, String>,
    pub pair_mode: PairMode,
    /// First keypoint clicked for a new edge or pair.
    pub pair_first: Option<KeypointId>,
    /// Keypoint awaiting delete confirmation.
    pub confirm_delete: Option<KeypointId>,
}

impl SkeletonEditor {
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        theme: &Theme,
        out: &mut Vec<DialogRequest>,
    ) {
        let editor = self;
        if !editor.open {
            return;
        }
        let state = project.state();
        let mut open = true;
        egui::Window::new("Skeleton")
            .open(&mut open)
            .default_width(420.0)
            .show(ctx, |ui| {
                ui.label(RichText::new("Keypoints, in labeling order").strong());
                let n = state.skeleton.keypoints.len();
                egui::Grid::new("keypoints grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for (i, kp) in state.skeleton.keypoints.iter().enumerate() {
                            let mut rgb = kp.def.color.0;
                            if ui.color_edit_button_srgb(&mut rgb).changed() {
                                out.push(DialogRequest::ApplyResult(edits::set_keypoint_color(
                                    state,
                                    kp.id,
                                    Rgb(rgb),
                                )));
                            }
                            let id = Id::unique(("keypoint name", kp.id));
                            if let Some(name) =
                                rename_field_ui(ui, &mut editor.renames, kp.id, &kp.def.name, id)
                            {
                                out.push(DialogRequest::ApplyResult(edits::rename_keypoint(
                                    state, kp.id, &name,
                                )));
                            }
                            if ui
                                .add_enabled(i > 0, egui::Button::new("Up"))
                                .on_hover_text(format!("Move '{}' up", kp.def.name))
                                .clicked()
                            {
                                out.push(DialogRequest::ApplyResult(
                                    edits::move_keypoint_in_order(state, kp.id, i - 1),
                                ));
                            }
                            if ui
                                .add_enabled(i + 1 < n, egui::Button::new("Down"))
                                .on_hover_text(format!("Move '{}' down", kp.def.name))
                                .clicked()
                            {
                                out.push(DialogRequest::ApplyResult(
                                    edits::move_keypoint_in_order(state, kp.id, i + 1),
                                ));
                            }
                            if ui
                                .add_enabled(
                                    n > 1,
                                    egui::Button::new(format!("Delete '{}'", kp.def.name)),
                                )
                                .clicked()
                            {
                                editor.confirm_delete = Some(kp.id);
                            }
                            ui.end_row();
                        }
                    });
                ui.horizontal(|ui| {
                    let label = ui.label("New keypoint");
                    let response = ui
                        .text_edit_singleline(&mut editor.new_keypoint)
                        .labelled_by(label.id);
                    let enter =
                        response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if (ui.button("Add keypoint").clicked() || enter)
                        && !editor.new_keypoint.trim().is_empty()
                    {
                        match edits::add_keypoint(state, &editor.new_keypoint) {
                            Ok((edit, _)) => {
                                out.push(DialogRequest::Apply(edit));
                                editor.new_keypoint.clear();
                            }
                            Err(e) => out.push(DialogRequest::Error(e.to_string())),
                        }
                    }
                });
                ui.separator();
                ui.horizontal(|ui| {
                    ui.label(RichText::new("Click two keypoints to").strong());
                    if ui
                        .selectable_label(
                            editor.pair_mode == PairMode::Edges,
                            "add or remove an edge",
                        )
                        .clicked()
                    {
                        editor.pair_mode = PairMode::Edges;
                        editor.pair_first = None;
                    }
                    if ui
                        .selectable_label(
                            editor.pair_mode == PairMode::Symmetric,
                            "pair left/right",
                        )
                        .clicked()
                    {
                        editor.pair_mode = PairMode::Symmetric;
                        editor.pair_first = None;
                    }
                });
                ui.horizontal_wrapped(|ui| {
                    for kp in &state.skeleton.keypoints {
                        let chosen = editor.pair_first == Some(kp.id);
                        let [r, g, b] = kp.def.color.0;
                        let text =
                            RichText::new(&kp.def.name).color(egui::Color32::from_rgb(r, g, b));
                        let response = ui.selectable_label(chosen, text);
                        // Screen readers (and tests) hear which keypoint the button picks.
                        let name = kp.def.name.clone();
                        response.widget_info(|| {
                            egui::WidgetInfo::selected(
                                egui::Role::Button,
                                true,
                                chosen,
                                format!("pick '{name}'"),
                            )
                        });
                        if response.clicked() {
                            match editor.pair_first.take() {
                                None => editor.pair_first = Some(kp.id),
                                Some(first) if first == kp.id => {}
                                Some(first) => {
                                    out.push(DialogRequest::ApplyResult(match editor.pair_mode {
                                        PairMode::Edges => edits::toggle_edge(state, first, kp.id),
                                        PairMode::Symmetric => {
                                            edits::toggle_symmetric(state, first, kp.id)
                                        }
                                    }))
                                }
                            }
                        }
                    }
                });
                let name = |id| state.skeleton.name_of(id);
                ui.label(RichText::new("Edges").strong());
                ui.horizontal_wrapped(|ui| {
                    if state.skeleton.edges.is_empty() {
                        ui.label(RichText::new("none").color(theme.text_dim));
                    }
                    for &(a, b) in &state.skeleton.edges {
                        if ui
                            .small_button(format!("{}–{} ×", name(a), name(b)))
                            .on_hover_text("Remove this edge")
                            .clicked()
                        {
                            out.push(DialogRequest::ApplyResult(edits::toggle_edge(state, a, b)));
                        }
                    }
                });
                ui.label(RichText::new("Left/right pairs").strong());
                ui.horizontal_wrapped(|ui| {
                    if state.skeleton.symmetric.is_empty() {
                        ui.label(RichText::new("none").color(theme.text_dim));
                    }
                    for &(a, b) in &state.skeleton.symmetric {
                        if ui
                            .small_button(format!("{} <-> {} ×", name(a), name(b)))
                            .on_hover_text("Unpair")
                            .clicked()
                        {
                            let pair = ordered_pair(a, b);
                            out.push(DialogRequest::ApplyResult(edits::toggle_symmetric(
                                state, pair.0, pair.1,
                            )));
                        }
                    }
                });
            });
        if !open {
            editor.open = false;
            editor.pair_first = None;
        }
        if let Some(id) = editor.confirm_delete {
            let count = edits::labels_of_keypoint(state, id);
            let answer = confirm_delete(
                ctx,
                "confirm delete keypoint",
                &format!("Delete keypoint '{}'?", state.skeleton.name_of(id)),
                &format!(
                    "Its {}, edges and pairs go with it. Undo brings them back.",
                    plural(count, "label", "labels")
                ),
            );
            if answer == Some(true) {
                out.push(edit_request(edits::delete_keypoint(state, id)));
            }
            if answer.is_some() {
                editor.confirm_delete = None;
            }
        }
    }
}
