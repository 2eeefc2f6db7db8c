//! Builders of the edits a person makes: each reads the current state and returns the
//! edit (with its before values, so it can be undone), or `None` when it would change
//! nothing. Names are for the Undo menu: "move 'snout'".

use super::change::{Change, Edit};
use super::document::check_name;
use super::error::{ProjectError, ProjectResult};
use super::model::{
    IndividualDef, IndividualId, KeypointDef, KeypointId, Label, LabelKey, Provenance, Rgb,
    VideoDef, VideoId, Visibility, ordered_pair,
};
use super::state::ProjectState;

fn keypoint_name(state: &ProjectState, id: KeypointId) -> String {
    state.skeleton.name_of(id)
}

/// Places or moves the keypoint `key` to (x, y) in image pixels. A person moving a
/// model's label turns it into an edited suggestion; an absent label becomes visible.
pub fn set_label_position(state: &ProjectState, key: LabelKey, x: f64, y: f64) -> Option<Edit> {
    let before = state.label(&key).cloned();
    let name = keypoint_name(state, key.keypoint);
    let (after, verb) = match &before {
        None => (Label::human(x, y), "place"),
        Some(old) => (
            Label {
                x,
                y,
                visibility: match old.visibility {
                    Visibility::Absent => Visibility::Visible,
                    v => v,
                },
                provenance: old.provenance.after_human_move(),
                // A moved point is no longer the model's.
                score: None,
            },
            "move",
        ),
    };
    Edit::new(
        format!("{verb} '{name}'"),
        vec![Change::Label {
            key,
            before,
            after: Some(after),
        }],
    )
}

/// Sets a label's visibility; an unlabeled keypoint has none to set.
pub fn set_visibility(state: &ProjectState, key: LabelKey, visibility: Visibility) -> Option<Edit> {
    let before = state.label(&key)?.clone();
    let after = Label {
        visibility,
        ..before.clone()
    };
    let verb = match visibility {
        Visibility::Visible => "show",
        Visibility::Occluded => "occlude",
        Visibility::Absent => "mark absent",
    };
    Edit::new(
        format!("{verb} '{}'", keypoint_name(state, key.keypoint)),
        vec![Change::Label {
            key,
            before: Some(before),
            after: Some(after),
        }],
    )
}

/// Toggles a label between visible and occluded.
pub fn toggle_occluded(state: &ProjectState, key: LabelKey) -> Option<Edit> {
    let visibility = match state.label(&key)?.visibility {
        Visibility::Occluded => Visibility::Visible,
        Visibility::Visible | Visibility::Absent => Visibility::Occluded,
    };
    set_visibility(state, key, visibility)
}

/// Removes a label.
pub fn delete_label(state: &ProjectState, key: LabelKey) -> Option<Edit> {
    let before = state.label(&key)?.clone();
    Edit::new(
        format!("delete '{}'", keypoint_name(state, key.keypoint)),
        vec![Change::Label {
            key,
            before: Some(before),
            after: None,
        }],
    )
}

/// Sets many labels at once (an import), as one edit named `description`. Labels equal
/// to what is there already are left out; `None` when nothing changes.
pub fn set_labels(
    state: &ProjectState,
    labels: impl IntoIterator<Item = (LabelKey, Label)>,
    description: impl Into<String>,
) -> Option<Edit> {
    let changes = labels
        .into_iter()
        .filter_map(|(key, label)| {
            let before = state.label(&key).cloned();
            (before.as_ref() != Some(&label)).then_some(Change::Label {
                key,
                before,
                after: Some(label),
            })
        })
        .collect();
    Edit::new(description, changes)
}

/// Makes predicted points of the set named `set_name` labels (accepted as they are,
/// or `moved` by a person), where no label is yet: predictions never overwrite labels.
/// `None` when nothing would change.
pub fn accept_predictions(
    state: &ProjectState,
    set_name: &str,
    points: impl IntoIterator<Item = (LabelKey, [f32; 3])>,
    moved: bool,
    description: impl Into<String>,
) -> Option<Edit> {
    let set = set_name.to_owned();
    let provenance = if moved {
        Provenance::EditedPrediction { set }
    } else {
        Provenance::AcceptedPrediction { set }
    };
    accept_points(state, points, provenance, !moved, description)
}

/// Makes a model's suggestions labels (accepted as they are, or `moved` by a person),
/// where no label is yet: suggestions never overwrite labels. `None` when nothing
/// would change.
pub fn accept_suggestions(
    state: &ProjectState,
    model: &str,
    points: impl IntoIterator<Item = (LabelKey, [f32; 3])>,
    moved: bool,
    description: impl Into<String>,
) -> Option<Edit> {
    let model = model.to_owned();
    let provenance = if moved {
        Provenance::EditedSuggestion { model }
    } else {
        Provenance::AcceptedSuggestion { model }
    };
    accept_points(state, points, provenance, !moved, description)
}

/// Points as visible labels of `provenance` where no label is yet; their scores kept
/// when `keep_score`.
fn accept_points(
    state: &ProjectState,
    points: impl IntoIterator<Item = (LabelKey, [f32; 3])>,
    provenance: Provenance,
    keep_score: bool,
    description: impl Into<String>,
) -> Option<Edit> {
    let changes = points
        .into_iter()
        .filter(|(key, p)| state.label(key).is_none() && !p[0].is_nan() && !p[1].is_nan())
        .map(|(key, [x, y, score])| Change::Label {
            key,
            before: None,
            after: Some(Label {
                x: f64::from(x),
                y: f64::from(y),
                visibility: Visibility::Visible,
                provenance: provenance.clone(),
                score: (keep_score && !score.is_nan()).then_some(f64::from(score)),
            }),
        })
        .collect();
    Edit::new(description, changes)
}

/// Copies the labels of `from_frame` onto `to_frame` where `to_frame` has none yet, as
/// human labels to be adjusted. `individual` limits it to one animal.
pub fn copy_labels_from_frame(
    state: &ProjectState,
    video: VideoId,
    from_frame: u64,
    to_frame: u64,
    individual: Option<IndividualId>,
) -> Option<Edit> {
    if from_frame == to_frame {
        return None;
    }
    let changes = state
        .labels_on_frame(video, from_frame)
        .filter(|(k, _)| individual.is_none_or(|i| k.individual == i))
        .filter_map(|(k, label)| {
            let key = LabelKey {
                frame_idx: to_frame,
                ..*k
            };
            state.label(&key).is_none().then(|| Change::Label {
                key,
                before: None,
                after: Some(Label {
                    provenance: Provenance::Human,
                    score: None,
                    ..label.clone()
                }),
            })
        })
        .collect();
    Edit::new(format!("copy labels from frame {from_frame}"), changes)
}

/// Swaps the labels of two individuals on one frame (an identity switch fixed).
pub fn swap_individuals(
    state: &ProjectState,
    video: VideoId,
    frame_idx: u64,
    a: IndividualId,
    b: IndividualId,
) -> Option<Edit> {
    if a == b {
        return None;
    }
    let mut changes = Vec::new();
    for keypoint in state.skeleton.keypoints.iter().map(|k| k.id) {
        let key_a = LabelKey {
            video,
            frame_idx,
            individual: a,
            keypoint,
        };
        let key_b = LabelKey {
            individual: b,
            ..key_a
        };
        let (label_a, label_b) = (state.label(&key_a).cloned(), state.label(&key_b).cloned());
        changes.push(Change::Label {
            key: key_a,
            before: label_a.clone(),
            after: label_b.clone(),
        });
        changes.push(Change::Label {
            key: key_b,
            before: label_b,
            after: label_a,
        });
    }
    Edit::new(
        format!(
            "swap '{}' and '{}' on frame {frame_idx}",
            state.individual_name(a),
            state.individual_name(b)
        ),
        changes,
    )
}

/// Swaps two individuals' labels on every labeled frame of `frames`: one edit.
pub fn swap_individuals_over(
    state: &ProjectState,
    video: VideoId,
    frames: std::ops::RangeInclusive<u64>,
    a: IndividualId,
    b: IndividualId,
) -> Option<Edit> {
    let labeled: Vec<u64> = state
        .labeled_frames(video)
        .filter(|f| frames.contains(f))
        .collect();
    let changes = labeled
        .iter()
        .filter_map(|&f| swap_individuals(state, video, f, a, b))
        .flat_map(|edit| edit.changes)
        .collect();
    Edit::new(
        format!(
            "swap '{}' and '{}' on frames {}–{}",
            state.individual_name(a),
            state.individual_name(b),
            frames.start(),
            frames.end()
        ),
        changes,
    )
}

fn next_keypoint_id(state: &ProjectState) -> KeypointId {
    KeypointId(
        state
            .skeleton
            .keypoints
            .iter()
            .map(|k| k.id.0)
            .max()
            .unwrap_or(0)
            + 1,
    )
}

fn next_individual_id(state: &ProjectState) -> IndividualId {
    IndividualId(state.individuals.iter().map(|i| i.id.0).max().unwrap_or(0) + 1)
}

/// Adds a keypoint at the end of the labeling order. Returns the edit and the new id.
pub fn add_keypoint(state: &ProjectState, name: &str) -> ProjectResult<(Edit, KeypointId)> {
    let name = check_name(name, "keypoint")?;
    if state.skeleton.by_name(&name).is_some() {
        return Err(ProjectError::Invalid(format!(
            "there is already a keypoint '{name}'"
        )));
    }
    let id = next_keypoint_id(state);
    let n = state.skeleton.keypoints.len();
    let order = state
        .skeleton
        .keypoints
        .iter()
        .map(|k| k.def.order + 1)
        .max()
        .unwrap_or(0);
    // A colour not too close to the last keypoint's: step round the rainbow.
    let color = Rgb::rainbow((n * 7) % 20, 20);
    let edit = Edit::new(
        format!("add keypoint '{name}'"),
        vec![Change::Keypoint {
            id,
            before: None,
            after: Some(KeypointDef {
                name,
                color,
                order,
                unique: false,
            }),
        }],
    )
    .expect("adding a keypoint changes the skeleton");
    Ok((edit, id))
}

fn keypoint_def(state: &ProjectState, id: KeypointId) -> ProjectResult<KeypointDef> {
    state
        .skeleton
        .keypoint(id)
        .map(|k| k.def.clone())
        .ok_or_else(|| ProjectError::Invalid(format!("keypoint #{} no longer exists", id.0)))
}

/// Renames a keypoint; its labels, edges and pairs stay, as they refer to its id.
pub fn rename_keypoint(
    state: &ProjectState,
    id: KeypointId,
    new_name: &str,
) -> ProjectResult<Option<Edit>> {
    let new_name = check_name(new_name, "keypoint")?;
    let before = keypoint_def(state, id)?;
    if let Some(other) = state.skeleton.by_name(&new_name)
        && other.id != id
    {
        return Err(ProjectError::Invalid(format!(
            "there is already a keypoint '{new_name}'"
        )));
    }
    let after = KeypointDef {
        name: new_name.clone(),
        ..before.clone()
    };
    Ok(Edit::new(
        format!("rename '{}' to '{new_name}'", before.name),
        vec![Change::Keypoint {
            id,
            before: Some(before),
            after: Some(after),
        }],
    ))
}

/// Sets a keypoint's colour.
pub fn set_keypoint_color(
    state: &ProjectState,
    id: KeypointId,
    color: Rgb,
) -> ProjectResult<Option<Edit>> {
    let before = keypoint_def(state, id)?;
    let after = KeypointDef {
        color,
        ..before.clone()
    };
    Ok(Edit::new(
        format!("recolour '{}'", before.name),
        vec![Change::Keypoint {
            id,
            before: Some(before),
            after: Some(after),
        }],
    ))
}

/// Moves a keypoint to `new_position` in the labeling order (clamped), renumbering
/// the order of all keypoints 0..n.
pub fn move_keypoint_in_order(
    state: &ProjectState,
    id: KeypointId,
    new_position: usize,
) -> ProjectResult<Option<Edit>> {
    let mut ids: Vec<KeypointId> = state.skeleton.keypoints.iter().map(|k| k.id).collect();
    let from = ids
        .iter()
        .position(|&k| k == id)
        .ok_or_else(|| ProjectError::Invalid(format!("keypoint #{} no longer exists", id.0)))?;
    let moved = ids.remove(from);
    ids.insert(new_position.min(ids.len()), moved);
    let changes = ids
        .iter()
        .enumerate()
        .filter_map(|(order, &k)| {
            let before = state.skeleton.keypoint(k)?.def.clone();
            Some(Change::Keypoint {
                id: k,
                after: Some(KeypointDef {
                    order: order as i64,
                    ..before.clone()
                }),
                before: Some(before),
            })
        })
        .collect();
    Ok(Edit::new(
        format!("reorder '{}'", keypoint_name(state, id)),
        changes,
    ))
}

/// Deletes a keypoint with all its labels, edges and pairs, as one undoable edit.
pub fn delete_keypoint(state: &ProjectState, id: KeypointId) -> ProjectResult<Edit> {
    let def = keypoint_def(state, id)?;
    let mut changes: Vec<Change> = state
        .labels
        .iter()
        .filter(|(k, _)| k.keypoint == id)
        .map(|(k, l)| Change::Label {
            key: *k,
            before: Some(l.clone()),
            after: None,
        })
        .collect();
    for &(a, b) in state
        .skeleton
        .edges
        .iter()
        .filter(|(a, b)| *a == id || *b == id)
    {
        changes.push(Change::Edge {
            a,
            b,
            before: true,
            after: false,
        });
    }
    for &(a, b) in state
        .skeleton
        .symmetric
        .iter()
        .filter(|(a, b)| *a == id || *b == id)
    {
        changes.push(Change::Symmetric {
            a,
            b,
            before: true,
            after: false,
        });
    }
    changes.push(Change::Keypoint {
        id,
        before: Some(def.clone()),
        after: None,
    });
    Ok(
        Edit::new(format!("delete keypoint '{}'", def.name), changes)
            .expect("deleting a keypoint changes the skeleton"),
    )
}

/// How many labels deleting keypoint `id` would remove (for the confirmation).
pub fn labels_of_keypoint(state: &ProjectState, id: KeypointId) -> usize {
    state.labels.keys().filter(|k| k.keypoint == id).count()
}

/// Adds the edge a–b, or removes it if it is there.
pub fn toggle_edge(
    state: &ProjectState,
    a: KeypointId,
    b: KeypointId,
) -> ProjectResult<Option<Edit>> {
    let (na, nb) = (keypoint_def(state, a)?.name, keypoint_def(state, b)?.name);
    if a == b {
        return Ok(None);
    }
    let (a, b) = ordered_pair(a, b);
    let present = state.skeleton.edges.contains(&(a, b));
    let verb = if present { "remove edge" } else { "add edge" };
    Ok(Edit::new(
        format!("{verb} '{na}'–'{nb}'"),
        vec![Change::Edge {
            a,
            b,
            before: present,
            after: !present,
        }],
    ))
}

/// Marks a and b as a left/right pair, or unmarks them. A keypoint has at most one
/// partner: pairing it anew drops its old pair in the same edit.
pub fn toggle_symmetric(
    state: &ProjectState,
    a: KeypointId,
    b: KeypointId,
) -> ProjectResult<Option<Edit>> {
    let (na, nb) = (keypoint_def(state, a)?.name, keypoint_def(state, b)?.name);
    if a == b {
        return Ok(None);
    }
    let pair = ordered_pair(a, b);
    if state.skeleton.symmetric.contains(&pair) {
        return Ok(Edit::new(
            format!("unpair '{na}' and '{nb}'"),
            vec![Change::Symmetric {
                a: pair.0,
                b: pair.1,
                before: true,
                after: false,
            }],
        ));
    }
    let mut changes: Vec<Change> = state
        .skeleton
        .symmetric
        .iter()
        .filter(|(x, y)| [a, b].contains(x) || [a, b].contains(y))
        .map(|&(x, y)| Change::Symmetric {
            a: x,
            b: y,
            before: true,
            after: false,
        })
        .collect();
    changes.push(Change::Symmetric {
        a: pair.0,
        b: pair.1,
        before: false,
        after: true,
    });
    Ok(Edit::new(format!("pair '{na}' and '{nb}'"), changes))
}

/// Adds an individual at the end. Returns the edit and the new id.
pub fn add_individual(state: &ProjectState, name: &str) -> ProjectResult<(Edit, IndividualId)> {
    let name = check_name(name, "individual")?;
    if state.individual_by_name(&name).is_some() {
        return Err(ProjectError::Invalid(format!(
            "there is already an individual '{name}'"
        )));
    }
    let id = next_individual_id(state);
    let order = state
        .individuals
        .iter()
        .map(|i| i.def.order + 1)
        .max()
        .unwrap_or(0);
    let edit = Edit::new(
        format!("add individual '{name}'"),
        vec![Change::Individual {
            id,
            before: None,
            after: Some(IndividualDef { name, order }),
        }],
    )
    .expect("adding an individual changes the project");
    Ok((edit, id))
}

fn individual_def(state: &ProjectState, id: IndividualId) -> ProjectResult<IndividualDef> {
    state
        .individual(id)
        .map(|i| i.def.clone())
        .ok_or_else(|| ProjectError::Invalid(format!("individual #{} no longer exists", id.0)))
}

/// Renames an individual.
pub fn rename_individual(
    state: &ProjectState,
    id: IndividualId,
    new_name: &str,
) -> ProjectResult<Option<Edit>> {
    let new_name = check_name(new_name, "individual")?;
    let before = individual_def(state, id)?;
    if let Some(other) = state.individual_by_name(&new_name)
        && other.id != id
    {
        return Err(ProjectError::Invalid(format!(
            "there is already an individual '{new_name}'"
        )));
    }
    let after = IndividualDef {
        name: new_name.clone(),
        ..before.clone()
    };
    Ok(Edit::new(
        format!("rename '{}' to '{new_name}'", before.name),
        vec![Change::Individual {
            id,
            before: Some(before),
            after: Some(after),
        }],
    ))
}

/// Deletes an individual and its labels. The last individual cannot be deleted.
pub fn delete_individual(state: &ProjectState, id: IndividualId) -> ProjectResult<Edit> {
    let def = individual_def(state, id)?;
    if state.individuals.len() == 1 {
        return Err(ProjectError::Invalid(
            "a project needs at least one individual".into(),
        ));
    }
    let mut changes: Vec<Change> = state
        .labels
        .iter()
        .filter(|(k, _)| k.individual == id)
        .map(|(k, l)| Change::Label {
            key: *k,
            before: Some(l.clone()),
            after: None,
        })
        .collect();
    changes.push(Change::Individual {
        id,
        before: Some(def.clone()),
        after: None,
    });
    Ok(
        Edit::new(format!("delete individual '{}'", def.name), changes)
            .expect("deleting an individual changes the project"),
    )
}

/// Adds a video. Returns the edit and the new id.
pub fn add_video(state: &ProjectState, def: VideoDef) -> (Edit, VideoId) {
    let id = VideoId(state.videos.iter().map(|v| v.id.0).max().unwrap_or(0) + 1);
    let name = def.path.rsplit('/').next().unwrap_or(&def.path).to_owned();
    let edit = Edit::new(
        format!("add video '{name}'"),
        vec![Change::Video {
            id,
            before: None,
            after: Some(def),
        }],
    )
    .expect("adding a video changes the project");
    (edit, id)
}

/// Points a video at a new place (after it was moved), keeping its labels.
pub fn relink_video(state: &ProjectState, id: VideoId, path: String) -> Option<Edit> {
    let before = state.video(id)?.def.clone();
    let after = VideoDef {
        path,
        ..before.clone()
    };
    Edit::new(
        "relink video",
        vec![Change::Video {
            id,
            before: Some(before),
            after: Some(after),
        }],
    )
}

/// Sets a project setting.
pub fn set_setting(state: &ProjectState, key: &str, value: String) -> Option<Edit> {
    Edit::new(
        format!("set {}", key.replace('_', " ")),
        vec![Change::Setting {
            key: key.to_owned(),
            before: state.settings.get(key).cloned(),
            after: Some(value),
        }],
    )
}
