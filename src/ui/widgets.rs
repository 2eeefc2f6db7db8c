//! Small widgets the dialogs share.

use std::collections::HashMap;

use egui::Id;

/// A name field that commits when the person leaves it: returns the name to apply.
/// What is typed lives in `drafts` until then; an untouched field follows the project
/// (undo may rename behind it).
pub fn rename_field_ui<K: std::hash::Hash + Eq + Copy>(
    ui: &mut egui::Ui,
    drafts: &mut HashMap<K, String>,
    key: K,
    current: &str,
    id: Id,
) -> Option<String> {
    let buffer = drafts.entry(key).or_insert_with(|| current.to_owned());
    // A fixed size: in a grid the column would shrink the field to a few letters.
    let response = ui.add_sized([150.0, 20.0], egui::TextEdit::singleline(buffer).id(id));
    if response.lost_focus() && buffer.trim() != current {
        return drafts.remove(&key);
    }
    if !response.has_focus() && buffer != current {
        *buffer = current.to_owned();
    }
    None
}

/// A modal asking before a delete: `Some(true)` to delete, `Some(false)` when the
/// person keeps it or dismisses the modal, `None` while it waits.
pub fn confirm_delete(
    ctx: &egui::Context,
    id_salt: &str,
    heading: &str,
    body: &str,
) -> Option<bool> {
    let mut answer = None;
    let modal = egui::Modal::new(Id::unique(id_salt)).show(ctx, |ui| {
        ui.heading(heading);
        ui.label(body);
        ui.horizontal(|ui| {
            if ui.button("Delete").clicked() {
                answer = Some(true);
            }
            if ui.button("Keep it").clicked() {
                answer = Some(false);
            }
        });
    });
    answer.or_else(|| modal.should_close().then_some(false))
}

/// A "From frame … to …" row of two short fields (labelled for tests and screen
/// readers).
pub fn frame_range_ui(ui: &mut egui::Ui, from: &mut String, to: &mut String) {
    ui.horizontal(|ui| {
        let label = ui.label("From frame");
        ui.add(egui::TextEdit::singleline(from).desired_width(70.0))
            .labelled_by(label.id);
        let label = ui.label("to");
        ui.add(egui::TextEdit::singleline(to).desired_width(70.0))
            .labelled_by(label.id);
    });
}

/// The frames `from..=to` typed in `frame_range_ui`, or what is wrong with them.
pub fn parse_frame_range(from: &str, to: &str) -> Result<(usize, usize), String> {
    let parse = |s: &str, what: &str| {
        s.trim()
            .parse::<usize>()
            .map_err(|_| format!("{what} is not a frame number: '{}'", s.trim()))
    };
    let (from, to) = (parse(from, "From")?, parse(to, "To")?);
    if to < from {
        return Err(format!("To ({to}) is before From ({from})"));
    }
    Ok((from, to))
}

/// The data a panel reads on `video` (see `track_source::chosen_or_default`).
pub use crate::analysis::track_source::chosen_or_default as track_source_for;

/// A combo of the data on `video`: its labels and each prediction set that has it.
/// Returns the one picked, when the person picks another.
pub fn track_source_combo(
    ui: &mut egui::Ui,
    id_salt: &str,
    state: &crate::project::ProjectState,
    video: crate::project::VideoId,
    current: crate::analysis::track_source::TrackSource,
) -> Option<crate::analysis::track_source::TrackSource> {
    use crate::analysis::track_source::TrackSource;
    let name = match current {
        TrackSource::Labels => "labels".to_owned(),
        TrackSource::Set(id) => state
            .prediction_set(id)
            .map_or_else(|| "?".to_owned(), |s| s.def.name.clone()),
    };
    let mut choice = current;
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(name)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut choice, TrackSource::Labels, "labels");
            for set in state
                .present_prediction_sets()
                .filter(|s| s.video(video).is_some())
            {
                ui.selectable_value(&mut choice, TrackSource::Set(set.id), &set.def.name);
            }
        });
    (choice != current).then_some(choice)
}
