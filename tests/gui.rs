//! The labeling app driven headlessly with egui_kittest: by labels, keys and pointer
//! events, asserting on the project that the store holds.

mod common;

use std::path::{Path, PathBuf};

use egui::{Event, Key, Modifiers, PointerButton, Pos2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kinelab::project::{LabelKey, NewProject, Project, Visibility};
use kinelab::ui::KinelabApp;
use kinelab::ui::keymap::Keymap;

/// A project with two mice and three keypoints on a generated 320x240 clip.
fn make_project(dir: &Path) -> PathBuf {
    let new = NewProject {
        name: "gui".into(),
        keypoints: vec!["snout".into(), "leftear".into(), "rightear".into()],
        edges: vec![("snout".into(), "leftear".into())],
        symmetric: vec![("leftear".into(), "rightear".into())],
        individuals: vec!["m1".into(), "m2".into()],
        ..NewProject::default()
    };
    common::project_on_pattern_clip(dir, "gui.kinelab", new).0
}

/// The app on its start screen (no project, no saved preferences).
fn start_screen() -> Harness<'static, KinelabApp> {
    let app = KinelabApp::new(None, None, Keymap::default());
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_ui_state(|ui, app: &mut KinelabApp| app.window_ui(ui), app);
    harness.run_steps(2);
    harness
}

/// The app with `project` open.
fn harness(project: &Path) -> Harness<'static, KinelabApp> {
    let mut harness = start_screen();
    let app = harness.state_mut();
    assert!(app.open_project(project), "{:?}", app.message);
    harness.run_steps(3);
    harness
}

fn ws<'a>(h: &'a Harness<'_, KinelabApp>) -> &'a kinelab::ui::workspace::Workspace {
    h.state().workspace.as_ref().expect("a project is open")
}

/// Where an image position is on screen.
fn screen(h: &Harness<'_, KinelabApp>, x: f32, y: f32) -> Pos2 {
    ws(h).ui_from_image(pos2(x, y))
}

fn click(h: &mut Harness<'_, KinelabApp>, pos: Pos2, button: PointerButton) {
    h.hover_at(pos);
    h.step();
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos,
            button,
            pressed,
            modifiers: Modifiers::NONE,
        });
        h.step();
    }
    h.run_steps(2);
}

/// Clicks at an image position.
fn click_img(h: &mut Harness<'_, KinelabApp>, x: f32, y: f32, button: PointerButton) {
    let pos = screen(h, x, y);
    click(h, pos, button);
}

fn drag(h: &mut Harness<'_, KinelabApp>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for i in 1..=8 {
        h.hover_at(from + (to - from) * (i as f32 / 8.0));
        h.step();
    }
    h.drop_at(to);
    h.run_steps(3);
}

fn press(h: &mut Harness<'_, KinelabApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run_steps(2);
}

fn key_of(
    h: &Harness<'_, KinelabApp>,
    frame_idx: u64,
    individual: &str,
    keypoint: &str,
) -> LabelKey {
    let s = ws(h).project.state();
    LabelKey {
        video: s.videos[0].id,
        frame_idx,
        individual: s.individual_by_name(individual).unwrap().id,
        keypoint: s.skeleton.by_name(keypoint).unwrap().id,
    }
}

/// The label as the file holds it (reopened), not only as memory does.
fn stored_label(project: &Path, key: &LabelKey) -> Option<kinelab::project::Label> {
    Project::open(project).unwrap().state().label(key).cloned()
}

#[test]
fn clicking_places_the_selected_keypoint_and_moves_on() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    click_img(&mut h, 100.0, 80.0, PointerButton::Primary);
    let snout = key_of(&h, 0, "m1", "snout");
    let label = stored_label(&project, &snout).expect("the click placed snout");
    assert!(
        (label.x - 100.0).abs() < 0.6 && (label.y - 80.0).abs() < 0.6,
        "{label:?}"
    );
    assert_eq!(label.visibility, Visibility::Visible);
    // Selection moved on to the next unlabeled keypoint.
    let leftear = key_of(&h, 0, "m1", "leftear").keypoint;
    assert_eq!(ws(&h).selection.keypoint, Some(leftear));
    click_img(&mut h, 120.0, 70.0, PointerButton::Primary);
    assert!(
        ws(&h)
            .project
            .state()
            .label(&key_of(&h, 0, "m1", "leftear"))
            .is_some()
    );
    assert_eq!(ws(&h).project.undo_description(), Some("place 'leftear'"));
}

#[test]
fn dragging_moves_a_keypoint_in_one_edit() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    click_img(&mut h, 100.0, 80.0, PointerButton::Primary);
    let history_before = ws(&h).project.history().unwrap().len();
    let from = screen(&h, 100.0, 80.0);
    let to = screen(&h, 150.0, 120.0);
    drag(&mut h, from, to);
    let snout = key_of(&h, 0, "m1", "snout");
    let label = stored_label(&project, &snout).unwrap();
    assert!(
        (label.x - 150.0).abs() < 1.0 && (label.y - 120.0).abs() < 1.0,
        "{label:?}"
    );
    assert_eq!(ws(&h).project.history().unwrap().len(), history_before + 1);
    assert_eq!(ws(&h).project.undo_description(), Some("move 'snout'"));
    // No other keypoint was placed by the drag.
    assert_eq!(ws(&h).project.state().labels.len(), 1);

    // Undo with Ctrl+Z puts it back; redo with Ctrl+Shift+Z and Ctrl+Y.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!((stored_label(&project, &snout).unwrap().x - 100.0).abs() < 0.6);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert!((stored_label(&project, &snout).unwrap().x - 150.0).abs() < 1.0);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::Y);
    assert!((stored_label(&project, &snout).unwrap().x - 150.0).abs() < 1.0);
}

#[test]
fn occluding_and_deleting_by_mouse_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    click_img(&mut h, 60.0, 60.0, PointerButton::Primary);
    let snout = key_of(&h, 0, "m1", "snout");
    click_img(&mut h, 60.0, 60.0, PointerButton::Secondary);
    assert_eq!(
        stored_label(&project, &snout).unwrap().visibility,
        Visibility::Occluded
    );
    // Clicking the marker selects it; O toggles, Delete removes.
    click_img(&mut h, 60.0, 60.0, PointerButton::Primary);
    assert_eq!(ws(&h).selection.keypoint, Some(snout.keypoint));
    press(&mut h, Modifiers::NONE, Key::O);
    assert_eq!(
        stored_label(&project, &snout).unwrap().visibility,
        Visibility::Visible
    );
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert!(stored_label(&project, &snout).is_none());
    assert_eq!(ws(&h).project.undo_description(), Some("delete 'snout'"));
}

#[test]
fn the_edit_menu_names_the_edit_to_undo() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    click_img(&mut h, 100.0, 80.0, PointerButton::Primary);
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label("Undo place 'snout' Ctrl+Z").click();
    h.run_steps(2);
    assert!(ws(&h).project.state().labels.is_empty());
}

#[test]
fn frame_navigation_by_keys_and_go_to() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    press(&mut h, Modifiers::NONE, Key::ArrowRight);
    assert_eq!(ws(&h).selection.frame_idx, 1);
    press(&mut h, Modifiers::NONE, Key::D);
    assert_eq!(ws(&h).selection.frame_idx, 2);
    press(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    assert_eq!(ws(&h).selection.frame_idx, 12);
    let second = ws(&h).fps().round() as u64;
    press(&mut h, Modifiers::COMMAND, Key::ArrowRight);
    assert_eq!(ws(&h).selection.frame_idx, 12 + second, "one second");
    press(&mut h, Modifiers::NONE, Key::A);
    assert_eq!(ws(&h).selection.frame_idx, 11 + second);
    press(&mut h, Modifiers::NONE, Key::End);
    assert_eq!(ws(&h).selection.frame_idx, ws(&h).frame_count() - 1);
    press(&mut h, Modifiers::NONE, Key::Home);
    assert_eq!(ws(&h).selection.frame_idx, 0);

    press(&mut h, Modifiers::COMMAND, Key::G);
    h.get_by_label("Frame (0 to 299)").type_text("42");
    h.run_steps(1);
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(ws(&h).selection.frame_idx, 42);

    // Label frame 42, go home, jump to the next labeled frame and back.
    click_img(&mut h, 50.0, 50.0, PointerButton::Primary);
    assert_eq!(
        ws(&h).project.state().labels.len(),
        1,
        "the click placed nothing: {:?}",
        ws(&h).status
    );
    press(&mut h, Modifiers::NONE, Key::Home);
    press(&mut h, Modifiers::NONE, Key::PageDown);
    assert_eq!(ws(&h).selection.frame_idx, 42);
    press(&mut h, Modifiers::NONE, Key::End);
    press(&mut h, Modifiers::NONE, Key::PageUp);
    assert_eq!(ws(&h).selection.frame_idx, 42);
    // The frame is shown at last, exactly.
    for _ in 0..200 {
        if ws(&h).feed().is_some_and(|f| f.is_exact()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    let feed = ws(&h).feed().unwrap();
    assert!(feed.is_exact(), "frame 42 was not shown");
    assert_eq!(feed.shown().unwrap().0.frame_idx(), 42);
}

#[test]
fn switching_individuals_labels_the_other_animal() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    click_img(&mut h, 40.0, 40.0, PointerButton::Primary);
    press(&mut h, Modifiers::NONE, Key::Tab);
    let m2 = key_of(&h, 0, "m2", "snout");
    assert_eq!(ws(&h).selection.individual, m2.individual);
    assert_eq!(ws(&h).selection.keypoint, Some(m2.keypoint));
    click_img(&mut h, 200.0, 150.0, PointerButton::Primary);
    assert!((stored_label(&project, &m2).unwrap().x - 200.0).abs() < 0.6);
    // Shift+Tab goes back; swapping exchanges the two animals on this frame.
    press(&mut h, Modifiers::SHIFT, Key::Tab);
    let m1 = key_of(&h, 0, "m1", "snout");
    assert_eq!(ws(&h).selection.individual, m1.individual);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::X);
    assert!((stored_label(&project, &m1).unwrap().x - 200.0).abs() < 0.6);
    assert!((stored_label(&project, &m2).unwrap().x - 40.0).abs() < 0.6);
    // Copy to the next frame.
    press(&mut h, Modifiers::NONE, Key::ArrowRight);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::V);
    assert!(stored_label(&project, &key_of(&h, 1, "m2", "snout")).is_some());
}

#[test]
fn skeleton_edits_in_the_dialog_are_undoable() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    click_img(&mut h, 100.0, 80.0, PointerButton::Primary);
    press(&mut h, Modifiers::COMMAND, Key::K);
    h.get_by_label("New keypoint").focus();
    h.run_steps(1);
    h.get_by_label("New keypoint").type_text("tail");
    h.run_steps(1);
    h.get_by_label("Add keypoint").click();
    h.run_steps(2);
    assert!(ws(&h).project.state().skeleton.by_name("tail").is_some());

    // An edge by clicking two keypoints.
    h.get_by_label("pick 'rightear'").click();
    h.run_steps(1);
    h.get_by_label("pick 'tail'").click();
    h.run_steps(2);
    assert_eq!(ws(&h).project.state().skeleton.edges.len(), 2);

    // Delete asks first; then labels go with the keypoint, and undo brings them back.
    h.get_by_label("Delete 'snout'").click();
    h.run_steps(2);
    h.get_by_label("Delete").click();
    h.run_steps(2);
    assert!(ws(&h).project.state().skeleton.by_name("snout").is_none());
    assert!(ws(&h).project.state().labels.is_empty());
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let reopened = Project::open(&project).unwrap();
    assert!(reopened.state().skeleton.by_name("snout").is_some());
    assert_eq!(reopened.state().labels.len(), 1);
}

/// Steps the app (with real time passing, for background jobs) until `done`.
fn step_until(h: &mut Harness<'_, KinelabApp>, what: &str, done: impl Fn(&KinelabApp) -> bool) {
    for _ in 0..500 {
        if done(h.state()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    panic!("timed out waiting for {what}");
}

/// Replaces a text field's content by selecting all and typing.
fn replace_text(h: &mut Harness<'_, KinelabApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.get_by_label(label).type_text(text);
    h.run_steps(1);
}

#[test]
fn a_moved_video_is_found_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let videos = dir.path().join("videos");
    std::fs::create_dir_all(&videos).unwrap();
    let video = videos.join("clip.mp4");
    std::fs::copy(common::clip(&common::h264_gop30()), &video).unwrap();
    let project = dir.path().join("moved.kinelab");
    let def =
        kinelab::video::describe::describe_for_project(dir.path(), &video, &mut |_| {}).unwrap();
    Project::create(
        &project,
        &NewProject {
            name: "moved".into(),
            keypoints: vec!["snout".into()],
            videos: vec![def],
            ..NewProject::default()
        },
    )
    .unwrap();
    let elsewhere = dir.path().join("archive/2026");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::rename(&video, elsewhere.join("renamed.mp4")).unwrap();

    let mut h = harness(&project);
    h.run_steps(2);
    assert!(
        h.query_by_label("Search").is_some(),
        "the relink dialog opened"
    );
    replace_text(
        &mut h,
        "Search folder",
        dir.path().join("archive").to_str().unwrap(),
    );
    h.get_by_label("Search").click();
    step_until(&mut h, "the search", |app| {
        app.workspace
            .as_ref()
            .is_some_and(|w| w.dialogs.relink.is_none())
    });
    let reopened = Project::open(&project).unwrap();
    let id = reopened.state().videos[0].id;
    assert_eq!(
        reopened.state().videos[0].def.path,
        "archive/2026/renamed.mp4"
    );
    assert!(reopened.video_path(id).unwrap().exists());
    assert_eq!(reopened.undo_description(), Some("relink video"));
}

#[test]
fn the_wizard_creates_and_opens_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let video = common::clip(&common::h264_gop30());
    let mut h = start_screen();
    h.get_by_label("New project…").click();
    h.run_steps(2);
    replace_text(&mut h, "Name", "wizard-made");
    replace_text(&mut h, "Folder", dir.path().to_str().unwrap());
    replace_text(&mut h, "Video", video.to_str().unwrap());
    h.get_by_label("Add video").click();
    h.run_steps(2);
    replace_text(&mut h, "Individuals", "m1, m2");
    h.get_by_label("Create project").click();
    step_until(&mut h, "the new project", |app| app.workspace.is_some());
    let project = Project::open(&dir.path().join("wizard-made.kinelab")).unwrap();
    let s = project.state();
    assert_eq!(s.videos.len(), 1);
    assert_eq!(s.videos[0].def.frame_count, 300);
    assert_eq!(s.individuals.len(), 2);
    // The first preset (DeepLabCut's open field) was the skeleton.
    assert_eq!(s.skeleton.keypoints.len(), 4);
    assert!(s.skeleton.by_name("tailbase").is_some());
}

#[test]
fn the_palette_runs_a_command_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    press(&mut h, Modifiers::COMMAND, Key::P);
    h.get_by_label("Command").type_text("last frame");
    h.run_steps(1);
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(ws(&h).selection.frame_idx, ws(&h).frame_count() - 1);
    // F1 opens the shortcut sheet, which lists the remappable ids.
    assert_eq!(h.query_all_by_label("Keyboard shortcuts").count(), 0);
    press(&mut h, Modifiers::NONE, Key::F1);
    assert!(h.query_all_by_label("Keyboard shortcuts").count() > 0);
    assert!(h.query_by_label("toggle_occluded").is_some());
}

#[test]
fn dragging_the_timeline_scrubs_then_shows_the_exact_frame() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    step_until(&mut h, "the frame index", |app| {
        app.workspace
            .as_ref()
            .is_some_and(|w| w.feed().is_some_and(|f| f.index().is_some()))
    });
    // The timeline strip lies just above the transport buttons.
    let buttons = h.get_by_label("|<").rect();
    let y = buttons.top() - 4.0 - kinelab::ui::panels::timeline::HEIGHT / 2.0;
    let (from, to) = (pos2(30.0, y), pos2(700.0, y));
    drag(&mut h, from, to);
    let frame = ws(&h).selection.frame_idx;
    assert!(frame > 100, "the drag reached frame {frame}");
    step_until(&mut h, "the exact frame after the drag", |app| {
        app.workspace.as_ref().is_some_and(|w| {
            w.feed()
                .and_then(|f| f.shown())
                .is_some_and(|(shown, _)| shown.frame_idx() as u64 == w.selection.frame_idx)
        })
    });
}

/// A file dropped onto the window, as winit reports it.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_file(h: &mut Harness<'_, KinelabApp>, path: &Path) {
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path.to_owned())));
    h.run_steps(2);
}

#[test]
fn dropping_a_video_starts_a_project_and_dropping_a_project_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let video = common::clip(&common::h264_gop30());
    let mut h = start_screen();
    drop_file(&mut h, &video);
    assert!(
        h.query_by_label("Create project").is_some(),
        "the wizard opened"
    );
    assert!(
        h.query_by_label(&video.display().to_string()).is_some(),
        "with the video"
    );
    // A second video dropped while the wizard is open joins the list.
    let other = common::clip(&common::h264_faststart());
    drop_file(&mut h, &other);
    assert!(h.query_by_label(&other.display().to_string()).is_some());
    // The project opens on a worker; the start screen says so meanwhile.
    drop_file(&mut h, &project);
    step_until(&mut h, "the dropped project", |app| app.workspace.is_some());
    assert!(!h.state().is_opening());
}

#[test]
fn a_deeplabcut_project_opens_with_its_pngs_as_frames() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(dlc) = common::openfield_copy(tmp.path()) else {
        return;
    };
    let mut h = harness(&dlc.join("config.yaml"));
    assert!(
        dlc.join("kinelab.kinelab").is_file(),
        "the sidecar project was made"
    );
    // The import's summary is in the status bar, and the first PNG is the frame.
    h.get_by_label_contains("464 labels on 116 frames imported");
    step_until(&mut h, "the first image", |app| {
        let ws = app.workspace.as_ref().unwrap();
        ws.feed()
            .and_then(|f| f.shown())
            .is_some_and(|(f, _)| f.frame_idx() == 0)
    });
    h.get_by_label("img0000.png");
    let shown = ws(&h).feed().unwrap().shown().unwrap().0.clone();
    assert_eq!((shown.width(), shown.height()), (640, 480));
    // Stepping shows the next image, exactly.
    press(&mut h, Modifiers::NONE, Key::ArrowRight);
    step_until(&mut h, "the second image", |app| {
        let ws = app.workspace.as_ref().unwrap();
        ws.feed()
            .and_then(|f| f.shown())
            .is_some_and(|(f, _)| f.frame_idx() == 1)
    });
    h.get_by_label("img0001.png");
}

#[test]
fn save_to_deeplabcut_and_export_write_what_was_labeled() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(dlc) = common::openfield_copy(tmp.path()) else {
        return;
    };
    let mut h = harness(&dlc.join("config.yaml"));
    step_until(&mut h, "the first image", |app| {
        let ws = app.workspace.as_ref().unwrap();
        ws.feed().and_then(|f| f.shown()).is_some()
    });
    // Move the snout of frame 0 by dragging it, then save back with the shortcut.
    let key = *ws(&h).project().state().labels.keys().next().unwrap();
    let label = ws(&h).project().state().label(&key).unwrap().clone();
    let (x, y) = (label.x as f32, label.y as f32);
    let (from, to) = (screen(&h, x, y), screen(&h, x + 20.0, y + 10.0));
    drag(&mut h, from, to);
    let moved = ws(&h).project().state().label(&key).unwrap().clone();
    assert!((moved.x - label.x - 20.0).abs() < 1.0, "{moved:?}");
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    // Done once the status bar says so (the save may not have started a frame after
    // the key, on a busy machine).
    step_until(&mut h, "the save", |app| {
        let ws = app.workspace.as_ref().unwrap();
        !ws.dialogs.export.is_busy()
            && ws
                .status
                .as_ref()
                .is_some_and(|m| m.text.starts_with("Saved to DeepLabCut"))
    });
    h.run_steps(2);
    // A save: no Export window, and the status bar says what was written where.
    assert!(!ws(&h).dialogs.export.open);
    h.get_by_label_contains(&format!(
        "Saved to DeepLabCut in {}: 464 labels on 116 frames",
        dlc.display()
    ));
    let csv =
        kinelab::formats::dlc_csv::read(&dlc.join("labeled-data/m4s1/CollectedData_Pranav.csv"))
            .unwrap();
    assert_eq!(csv.row(0)[0], moved.x);
    let h5 = kinelab::formats::pandas_h5::read(
        &dlc.join("labeled-data/m4s1/CollectedData_Pranav.h5"),
        None,
    )
    .unwrap();
    assert!(h5.same_as(&csv));

    // Export dataset to another folder, through the dialog.
    press(&mut h, Modifiers::COMMAND, Key::E);
    let out = tmp.path().join("exported");
    replace_text(&mut h, "Folder", out.to_str().unwrap());
    h.get_by_label("Export").click();
    h.run_steps(2);
    step_until(&mut h, "the export", |app| {
        let export = &app.workspace.as_ref().unwrap().dialogs.export;
        !export.is_busy()
    });
    h.run_steps(2);
    h.get_by_label_contains(&format!("Exported to {}", out.display()));
    assert!(!ws(&h).dialogs.export.open, "the window closes when done");
    assert!(
        out.join("labeled-data/m4s1/CollectedData_Pranav.h5")
            .is_file()
    );
    assert!(out.join("labeled-data/m4s1/img0115.png").is_file());
    assert!(out.join("config.yaml").is_file());
}

#[test]
fn typing_a_sleap_file_imports_it_in_the_background() {
    let Some(src) = common::shared_data("sleap/tracks") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&src, tmp.path());
    let slp = tmp.path().join("clip.slp");
    let mut h = start_screen();
    replace_text(&mut h, "Project file", slp.to_str().unwrap());
    h.get_by_label("Open").click();
    h.run_steps(2);
    step_until(&mut h, "the imported project", |app| {
        app.workspace.is_some()
    });
    assert!(tmp.path().join("clip.kinelab").is_file());
    h.run_steps(2);
    h.get_by_label_contains("Imported:");
    let names: Vec<String> = ws(&h)
        .project()
        .state()
        .individuals
        .iter()
        .map(|i| i.def.name.clone())
        .collect();
    assert_eq!(names, ["female", "male"]);
}

#[test]
fn a_unique_keypoint_is_labeled_once_for_all_individuals() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(config) = common::maudlc_project(&tmp.path().join("p")) else {
        return;
    };
    let mut h = harness(&config);
    step_until(&mut h, "the first image", |app| {
        let ws = app.workspace.as_ref().unwrap();
        ws.feed().and_then(|f| f.shown()).is_some()
    });
    // Frame 2 has no labels; place unique keypoint D with Animal2 selected.
    press(&mut h, Modifiers::NONE, Key::ArrowRight);
    press(&mut h, Modifiers::NONE, Key::ArrowRight);
    let d = ws(&h).project().state().skeleton.by_name("D").unwrap().id;
    let animal2 = ws(&h)
        .project()
        .state()
        .individual_by_name("Animal2")
        .unwrap()
        .id;
    {
        let ws = h.state_mut().workspace.as_mut().unwrap();
        ws.selection.individual = animal2;
        ws.selection.keypoint = Some(d);
    }
    h.run_steps(2);
    click_img(&mut h, 10.0, 12.0, PointerButton::Primary);
    let state = ws(&h).project().state();
    let owned: Vec<_> = state
        .labels
        .keys()
        .filter(|k| k.frame_idx == 2 && k.keypoint == d)
        .map(|k| k.individual)
        .collect();
    assert_eq!(owned, [kinelab::project::IndividualId::NONE]);
    // Animal1's view of the frame shows D as labeled too.
    press(&mut h, Modifiers::NONE, Key::Tab);
    assert_ne!(ws(&h).selection.individual, animal2);
    assert_eq!(h.query_all_by_label("visible, unique").count(), 1);
    assert_eq!(h.query_all_by_label("unlabeled, unique").count(), 1);
    // Clicking D's marker keeps the selected individual.
    let before = ws(&h).selection.individual;
    click_img(&mut h, 10.0, 12.0, PointerButton::Primary);
    assert_eq!(ws(&h).selection.individual, before);
    assert_eq!(ws(&h).selection.keypoint, Some(d));
}

#[test]
fn importing_through_the_dialog_adds_one_undoable_edit_or_says_nothing_is_new() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(dlc) = common::openfield_copy(tmp.path()) else {
        return;
    };
    // A COCO export of the project, with one label moved in the file.
    let state = kinelab::formats::dlc_project::read_project(
        &dlc.join("config.yaml"),
        &kinelab::video::project_access::FfmpegVideos,
    )
    .unwrap()
    .state;
    let out = tmp.path().join("coco");
    kinelab::formats::DatasetFormat::Coco
        .export(
            &state,
            &dlc,
            &out,
            &kinelab::formats::ProjectAccess::without_predictions(
                &kinelab::video::project_access::FfmpegVideos,
            ),
            &Default::default(),
            &mut |_, _| {},
        )
        .unwrap();
    let json = out.join("annotations.json");
    let mut file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    file["annotations"][0]["keypoints"][0] = serde_json::json!(99.5);
    std::fs::write(&json, serde_json::to_string(&file).unwrap()).unwrap();

    let mut h = harness(&dlc.join("config.yaml"));
    let import = |h: &mut Harness<'_, KinelabApp>| {
        {
            let ws = h.state_mut().workspace.as_mut().unwrap();
            ws.dialogs.import.open = true;
            ws.dialogs.import.path = json.display().to_string();
        }
        h.run_steps(2);
        h.get_by_label("Import").click();
        h.run_steps(2);
        step_until(h, "the import", |app| {
            !app.workspace.as_ref().unwrap().dialogs.import.open
        });
        h.run_steps(2);
    };
    import(&mut h);
    assert_eq!(
        ws(&h).project().undo_description(),
        Some("import annotations.json")
    );
    let moved = ws(&h)
        .project()
        .state()
        .labels
        .values()
        .filter(|l| l.x == 99.5)
        .count();
    assert_eq!(moved, 1);
    // The same file again changes nothing, and says so.
    import(&mut h);
    h.get_by_label_contains("Nothing new");
    assert_eq!(
        ws(&h).project().undo_description(),
        Some("import annotations.json")
    );
    // A file that cannot be read: the error is in the status bar, where every job's
    // errors go, and the window stays open to try another.
    let broken = tmp.path().join("broken.json");
    std::fs::write(&broken, "{ not json").unwrap();
    {
        let ws = h.state_mut().workspace.as_mut().unwrap();
        ws.dialogs.import.open = true;
        ws.dialogs.import.path = broken.display().to_string();
    }
    h.run_steps(2);
    h.get_by_label("Import").click();
    step_until(&mut h, "the failed import", |app| {
        app.workspace
            .as_ref()
            .unwrap()
            .status
            .as_ref()
            .is_some_and(|s| s.is_error)
    });
    h.run_steps(2);
    let status = ws(&h).status.clone().unwrap();
    assert!(
        status.text.starts_with("Import failed: ") && status.text.contains("broken.json"),
        "{}",
        status.text
    );
    assert!(ws(&h).dialogs.import.open);
}

/// Clicks at an image position with modifier keys held, as a person holding Shift does:
/// the keys go down a frame before the click and up after it.
fn click_img_with(h: &mut Harness<'_, KinelabApp>, x: f32, y: f32, modifiers: Modifiers) {
    let pos = screen(h, x, y);
    h.hover_at(pos);
    h.event(Event::ModifiersChanged(modifiers));
    h.step();
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers,
        });
        h.step();
    }
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run_steps(2);
}

fn status_text(h: &Harness<'_, KinelabApp>) -> String {
    ws(h)
        .status
        .as_ref()
        .map_or(String::new(), |s| s.text.clone())
}

#[test]
fn keys_act_on_the_marker_under_the_pointer_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    click_img(&mut h, 60.0, 60.0, PointerButton::Primary);
    click_img(&mut h, 160.0, 120.0, PointerButton::Primary);
    let snout = key_of(&h, 0, "m1", "snout");
    let leftear = key_of(&h, 0, "m1", "leftear");
    // Select snout in the list, then point at leftear's marker and press O: leftear
    // changes, not the selected snout.
    click_img(&mut h, 60.0, 60.0, PointerButton::Primary);
    assert_eq!(ws(&h).selection.keypoint, Some(snout.keypoint));
    h.hover_at(screen(&h, 160.0, 120.0));
    h.run_steps(2);
    press(&mut h, Modifiers::NONE, Key::O);
    assert_eq!(
        stored_label(&project, &leftear).unwrap().visibility,
        Visibility::Occluded
    );
    assert_eq!(
        stored_label(&project, &snout).unwrap().visibility,
        Visibility::Visible
    );
    assert_eq!(
        status_text(&h),
        "'leftear' of m1 marked occluded on frame 0"
    );
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert!(stored_label(&project, &leftear).is_none());
    assert!(stored_label(&project, &snout).is_some());
    assert_eq!(status_text(&h), "'leftear' of m1 deleted on frame 0");
    // Off every marker, the keys act on the selected keypoint.
    h.hover_at(screen(&h, 250.0, 200.0));
    h.run_steps(2);
    press(&mut h, Modifiers::NONE, Key::O);
    assert_eq!(
        stored_label(&project, &snout).unwrap().visibility,
        Visibility::Occluded
    );
    assert_eq!(status_text(&h), "'snout' of m1 marked occluded on frame 0");
}

#[test]
fn a_stray_click_does_not_move_a_placed_keypoint() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    click_img(&mut h, 60.0, 60.0, PointerButton::Primary);
    let snout = key_of(&h, 0, "m1", "snout");
    // Select the placed snout, then click on empty image: nothing moves.
    click_img(&mut h, 60.0, 60.0, PointerButton::Primary);
    assert_eq!(ws(&h).selection.keypoint, Some(snout.keypoint));
    let history = ws(&h).project.history().unwrap().len();
    click_img(&mut h, 250.0, 200.0, PointerButton::Primary);
    let label = stored_label(&project, &snout).unwrap();
    assert!((label.x - 60.0).abs() < 0.6, "{label:?}");
    assert_eq!(ws(&h).project.history().unwrap().len(), history);
    assert!(
        status_text(&h).contains("placed already: drag it to move it, or Shift+click"),
        "{}",
        status_text(&h)
    );
    // Shift+click moves it, as one edit; F1 lists the gesture.
    click_img_with(&mut h, 250.0, 200.0, Modifiers::SHIFT);
    let label = stored_label(&project, &snout).unwrap();
    assert!(
        (label.x - 250.0).abs() < 0.6 && (label.y - 200.0).abs() < 0.6,
        "{label:?}"
    );
    assert_eq!(ws(&h).project.undo_description(), Some("move 'snout'"));
    press(&mut h, Modifiers::NONE, Key::F1);
    h.get_by_label("Shift+click");
    h.get_by_label("Move the selected keypoint here");
}

#[test]
fn a_frame_that_does_not_decode_is_never_shown_as_another_nor_labeled() {
    let dir = tempfile::tempdir().unwrap();
    let clip = common::truncated_clip(dir.path());
    let mut reader = kinelab::video::VideoReader::open(&clip).unwrap();
    let tail = kinelab::video::decode_check::tail_range(&reader);
    let check = kinelab::video::decode_check::check_frames(&mut reader, tail, &mut |_| {}).unwrap();
    let &missing = check
        .missing
        .first()
        .expect("the cut file has frames that do not decode");
    let video =
        kinelab::video::describe::describe_for_project(dir.path(), &clip, &mut |_| {}).unwrap();
    let project = dir.path().join("cut.kinelab");
    Project::create(
        &project,
        &NewProject {
            name: "cut".into(),
            keypoints: vec!["snout".into()],
            videos: vec![video],
            ..NewProject::default()
        },
    )
    .unwrap();
    let mut h = harness(&project);
    step_until(&mut h, "frame 0", |app| {
        let ws = app.workspace.as_ref().unwrap();
        ws.feed().is_some_and(|f| f.is_exact())
    });
    press(&mut h, Modifiers::COMMAND, Key::G);
    h.get_by_label_contains("Frame (0 to")
        .type_text(&missing.to_string());
    h.run_steps(1);
    press(&mut h, Modifiers::NONE, Key::Enter);
    step_until(&mut h, "the decoder's answer", |app| {
        let ws = app.workspace.as_ref().unwrap();
        ws.feed().and_then(|f| f.missing(missing)).is_some()
    });
    h.run_steps(2);
    assert_eq!(ws(&h).selection.frame_idx, missing as u64);
    // Nothing stands in for it: no frame is drawn, and the view says why.
    assert!(ws(&h).feed().unwrap().shown().is_none());
    h.get_by_label("missing: cannot be decoded");
    // The timeline marks it: hovering there names it.
    let buttons = h.get_by_label("|<").rect();
    let (left, width) = (buttons.left(), 1200.0 - 2.0 * buttons.left());
    let frames = ws(&h).frame_count() as f32;
    let strip_y = buttons.top() - 4.0 - kinelab::ui::panels::timeline::HEIGHT / 2.0;
    h.hover_at(pos2(
        left + (missing as f32 + 0.5) / frames * width,
        strip_y,
    ));
    h.run_steps(3);
    h.get_by_label_contains(&format!("frame {missing} · does not decode"));
    click_img(&mut h, 100.0, 100.0, PointerButton::Primary);
    assert!(ws(&h).project.state().labels.is_empty());
    assert!(
        status_text(&h).contains(&format!("frame {missing} could not be decoded")),
        "{}",
        status_text(&h)
    );
    // Frame 0 still shows and takes labels.
    press(&mut h, Modifiers::NONE, Key::Home);
    step_until(&mut h, "frame 0 again", |app| {
        let ws = app.workspace.as_ref().unwrap();
        ws.feed().is_some_and(|f| f.is_exact())
    });
    if std::env::var_os("KINELAB_SHOT").is_some() {
        h.run_steps(2);
        h.render().unwrap().save("/tmp/missing.png").unwrap();
    }
    click_img(&mut h, 100.0, 100.0, PointerButton::Primary);
    assert_eq!(ws(&h).project.state().labels.len(), 1);
}

#[test]
fn open_buttons_fall_back_to_the_in_app_browser() {
    kinelab::ui::file_picker::use_in_app_browser();
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    std::fs::write(dir.path().join("notes.txt"), "not a project").unwrap();
    let mut h = start_screen();
    replace_text(&mut h, "Project file", dir.path().to_str().unwrap());
    h.get_by_label("Open project…").click();
    h.run_steps(3);
    // The browser lists the folder's projects (and only them, with folders).
    h.get_by_label("🗋 gui.kinelab").click();
    h.run_steps(2);
    assert!(h.query_by_label("🗋 notes.txt").is_none());
    let open = h.get_all_by_label("Open").last().unwrap();
    open.click();
    h.run_steps(3);
    step_until(&mut h, "the chosen project", |app| app.workspace.is_some());
    assert_eq!(
        h.state().workspace.as_ref().map(|w| w.project_path()),
        Some(project.clone())
    );

    // The Export dialog's Browse… picks a folder the same way.
    std::fs::create_dir(dir.path().join("exports")).unwrap();
    press(&mut h, Modifiers::COMMAND, Key::E);
    replace_text(&mut h, "Folder", dir.path().to_str().unwrap());
    h.get_by_label("Browse…").click();
    h.run_steps(3);
    h.get_by_label("🗀 exports").click();
    h.run_steps(2);
    h.get_all_by_label("Open").last().unwrap().click();
    h.run_steps(3);
    assert_eq!(
        ws(&h).dialogs.export.out,
        dir.path().join("exports").display().to_string()
    );
}

/// The command table says where each command runs: every workspace command is one the
/// workspace handles, and every other one the app handles without a project.
#[test]
fn every_command_runs_where_the_table_says() {
    use kinelab::ui::commands::{Command, CommandScope};
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    for &command in Command::ALL {
        if command.scope() != CommandScope::Workspace {
            continue;
        }
        let mut h = harness(&project);
        let handled = h.state_mut().workspace.as_mut().unwrap().run(command);
        assert!(
            handled,
            "{command:?} is a workspace command it does not run"
        );
    }
    let mut h = start_screen();
    h.state_mut().run(Command::NewProject);
    h.run_steps(2);
    h.get_by_label("New project");
}

/// A DeepLabCut prediction file for `make_project`'s clip (300 frames): on every frame
/// m1's snout at (100, 80) with likelihood 0.9 and its left ear at (140, 60) with 0.95,
/// m2's snout at (220, 160) with 0.7 and its left ear at (260, 190) with 0.2 (below the
/// cutoff).
fn predictions_for_gui_clip(dir: &Path) -> PathBuf {
    let h5 = dir.join("h264_g30DLC_resnet50_guiOct30shuffle1_1000.h5");
    common::run_python(
        r#"
import sys, numpy as np, pandas as pd
cols = pd.MultiIndex.from_product(
    [["DLC_resnet50_guiOct30shuffle1_1000"], ["m1", "m2"], ["snout", "leftear", "rightear"], ["x", "y", "likelihood"]],
    names=["scorer", "individuals", "bodyparts", "coords"])
df = pd.DataFrame(np.nan, index=range(300), columns=cols)
s = "DLC_resnet50_guiOct30shuffle1_1000"
for ind, bp, x, y, p in [("m1", "snout", 100, 80, 0.9), ("m1", "leftear", 140, 60, 0.95),
                         ("m2", "snout", 220, 160, 0.7), ("m2", "leftear", 260, 190, 0.2)]:
    df[(s, ind, bp, "x")] = float(x)
    df[(s, ind, bp, "y")] = float(y)
    df[(s, ind, bp, "likelihood")] = p
df.to_hdf(sys.argv[1], key="df_with_missing", format="table", mode="w")
"#,
        &[h5.to_str().unwrap()],
    );
    h5
}

/// The app on `make_project`'s project with `predictions_for_gui_clip` imported.
fn with_imported_predictions(dir: &Path) -> Harness<'static, KinelabApp> {
    let project = make_project(dir);
    let h5 = predictions_for_gui_clip(dir);
    let mut h = harness(&project);
    import_through_the_dialog(&mut h, &h5);
    h
}

/// Imports `file` through File → Import and waits until the import is done.
fn import_through_the_dialog(h: &mut Harness<'_, KinelabApp>, file: &Path) {
    {
        let ws = h.state_mut().workspace.as_mut().unwrap();
        ws.dialogs.import.open = true;
        ws.dialogs.import.path = file.display().to_string();
    }
    h.run_steps(2);
    h.get_by_label("Import").click();
    step_until(h, "the import", |app| {
        !app.workspace.as_ref().unwrap().dialogs.import.open
    });
}

#[test]
fn predictions_import_as_a_set_draw_as_a_layer_and_are_accepted_as_labels() {
    use kinelab::project::Provenance;
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let h5 = predictions_for_gui_clip(dir.path());
    let mut h = harness(&project);
    import_through_the_dialog(&mut h, &h5);
    h.run_steps(2);
    // One set, no label rows; the status bar says so; the layers list it.
    let state = ws(&h).project.state();
    let set = state
        .present_prediction_sets()
        .next()
        .expect("a prediction set");
    let set_name = set.def.name.clone();
    assert_eq!(set_name, "h264_g30DLC_resnet50_guiOct30shuffle1_1000");
    assert!(state.labels.is_empty());
    assert!(
        status_text(&h)
            .contains("1200 predicted points on 300 frames imported as a prediction set"),
        "{}",
        status_text(&h)
    );
    h.get_by_label(&set_name);
    // A click on m1's predicted snout accepts it, as the set's.
    click_img(&mut h, 100.0, 80.0, PointerButton::Primary);
    let snout = key_of(&h, 0, "m1", "snout");
    let label = stored_label(&project, &snout).expect("the click accepted the prediction");
    assert_eq!((label.x, label.y), (100.0, 80.0));
    assert_eq!(
        label.provenance,
        Provenance::AcceptedPrediction {
            set: set_name.clone()
        }
    );
    assert_eq!(label.score, Some(0.9f32 as f64));
    // Dragging m1's predicted left ear accepts it where it lands, as edited.
    let (from, to) = (screen(&h, 140.0, 60.0), screen(&h, 150.0, 70.0));
    drag(&mut h, from, to);
    let leftear = stored_label(&project, &key_of(&h, 0, "m1", "leftear")).unwrap();
    assert!(
        (leftear.x - 150.0).abs() < 1.0 && (leftear.y - 70.0).abs() < 1.0,
        "{leftear:?}"
    );
    assert_eq!(
        leftear.provenance,
        Provenance::EditedPrediction {
            set: set_name.clone()
        }
    );
    // Shift+Enter accepts the rest of the frame above the cutoff (m2's snout), and
    // leaves m2's left ear (0.2) and the labels already there alone.
    press(&mut h, Modifiers::SHIFT, Key::Enter);
    assert!(stored_label(&project, &key_of(&h, 0, "m2", "snout")).is_some());
    assert!(stored_label(&project, &key_of(&h, 0, "m2", "leftear")).is_none());
    assert_eq!(stored_label(&project, &snout).unwrap().x, 100.0);
    assert_eq!(ws(&h).project.state().labels.len(), 3);
    // Undo, three times for the labels and once for the import: the set is hidden.
    for _ in 0..4 {
        press(&mut h, Modifiers::COMMAND, Key::Z);
    }
    assert!(ws(&h).project.state().labels.is_empty());
    assert!(
        ws(&h)
            .project
            .state()
            .present_prediction_sets()
            .next()
            .is_none()
    );
    h.get_by_label_contains("No predictions");
}

#[test]
fn predictions_over_a_range_of_frames_are_accepted_as_one_edit() {
    use kinelab::ui::commands::Command;
    let dir = tempfile::tempdir().unwrap();
    let mut h = with_imported_predictions(dir.path());
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .run(Command::AcceptPredictionsRange);
    h.run_steps(2);
    replace_text(&mut h, "From frame", "10");
    replace_text(&mut h, "To frame", "19");
    h.get_by_label("Accept").click();
    h.run_steps(3);
    // Ten frames of the three points above the cutoff, as one edit.
    let labels = &ws(&h).project.state().labels;
    assert_eq!(labels.len(), 30, "{}", status_text(&h));
    assert!(labels.keys().all(|k| (10..=19).contains(&k.frame_idx)));
    assert!(labels.values().all(|l| matches!(
        l.provenance,
        kinelab::project::Provenance::AcceptedPrediction { .. }
    )));
    assert!(
        status_text(&h).starts_with("30 predictions of h264_g30DLC"),
        "{}",
        status_text(&h)
    );
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(ws(&h).project.state().labels.is_empty());
}

#[test]
fn render_labeled_video_writes_the_frames_asked_for_with_progress_in_the_status_bar() {
    use kinelab::ui::commands::Command;
    let dir = tempfile::tempdir().unwrap();
    let mut h = with_imported_predictions(dir.path());
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .run(Command::RenderLabeledVideo);
    h.run_steps(2);
    // The imported set is ticked; the output defaults to beside the video.
    let dialog = &ws(&h).dialogs.render_video;
    assert_eq!(dialog.sets.len(), 1);
    assert!(
        dialog.out.ends_with("h264_g30_labeled.mp4"),
        "{}",
        dialog.out
    );
    let out = dir.path().join("review.mp4");
    replace_text(&mut h, "Output file", out.to_str().unwrap());
    replace_text(&mut h, "From frame", "5");
    replace_text(&mut h, "to", "34");
    h.get_by_label("Render").click();
    h.run_steps(1);
    step_until(&mut h, "the render", |app| {
        !app.workspace
            .as_ref()
            .unwrap()
            .dialogs
            .render_video
            .is_busy()
    });
    h.run_steps(2);
    assert!(
        status_text(&h).starts_with("Rendered labeled video: wrote")
            && status_text(&h).contains("30 frames"),
        "{}",
        status_text(&h)
    );
    assert!(!ws(&h).dialogs.render_video.open);
    assert_eq!(common::ffprobe_frame_count(&out), 30);
    // A bad range is refused with a message, and nothing is written.
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .run(Command::RenderLabeledVideo);
    h.run_steps(2);
    replace_text(&mut h, "From frame", "40");
    replace_text(&mut h, "to", "20");
    h.get_by_label("Render").click();
    h.run_steps(2);
    assert!(
        status_text(&h).contains("To (20) is before From (40)"),
        "{}",
        status_text(&h)
    );
    assert!(!ws(&h).dialogs.render_video.is_busy());
}

#[test]
fn space_plays_and_pauses_and_space_drag_still_pans() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    step_until(&mut h, "the index and frame 0", |app| {
        let ws = app.workspace.as_ref().unwrap();
        ws.feed()
            .is_some_and(|f| f.is_exact() && f.index().is_some())
    });
    press(&mut h, Modifiers::NONE, Key::Space);
    assert_eq!(ws(&h).playing(), Some(1.0));
    step_until(&mut h, "ten frames played", |app| {
        app.workspace.as_ref().unwrap().selection.frame_idx >= 10
    });
    press(&mut h, Modifiers::NONE, Key::Space);
    assert_eq!(ws(&h).playing(), None);
    let paused_at = ws(&h).selection.frame_idx;
    std::thread::sleep(std::time::Duration::from_millis(150));
    h.run_steps(3);
    assert_eq!(
        ws(&h).selection.frame_idx,
        paused_at,
        "pausing stops the clock"
    );
    // `]` doubles the speed.
    press(&mut h, Modifiers::NONE, Key::CloseBracket);
    assert_eq!(status_text(&h), "speed 2×");
    press(&mut h, Modifiers::NONE, Key::Space);
    assert_eq!(ws(&h).playing(), Some(2.0));
    press(&mut h, Modifiers::NONE, Key::Space);
    assert_eq!(ws(&h).playing(), None);
    // Space held for a drag pans, and leaves playing as it was.
    let zoom_before = ws(&h).view.transform;
    h.key_down(Key::Space);
    h.run_steps(2);
    let (from, to) = (screen(&h, 100.0, 100.0), screen(&h, 140.0, 120.0));
    drag(&mut h, from, to);
    h.key_up(Key::Space);
    h.run_steps(2);
    assert_eq!(ws(&h).playing(), None, "a pan is not a play");
    assert_ne!(ws(&h).view.transform, zoom_before, "the view panned");
}

/// Writes `model`'s recognised spec beside it with these keypoint names.
fn write_spec_naming(model: &Path, keypoints: &[&str]) {
    use kinelab::inference::{PoseModel, SessionOptions};
    let mut spec = PoseModel::open(model, None, &SessionOptions::default())
        .unwrap()
        .spec()
        .clone();
    spec.keypoints = keypoints.iter().map(|k| (*k).to_owned()).collect();
    spec.write(&model.with_extension("json")).unwrap();
}

/// Checks each mouse's right ear on frame 0, as stored, to 1e-3 px.
fn assert_right_ears(h: &Harness<'_, KinelabApp>, project: &Path, want: &[(&str, f64, f64)]) {
    for &(who, x, y) in want {
        let key = key_of(h, 0, who, "rightear");
        let label = stored_label(project, &key).unwrap_or_else(|| panic!("{who}'s right ear"));
        assert!(
            (label.x - x).abs() < 1e-3 && (label.y - y).abs() < 1e-3,
            "{who}: {label:?}, want ({x}, {y})"
        );
    }
}

/// Waits for the suggestions asked for, and draws them.
fn wait_for_suggestions(h: &mut Harness<'_, KinelabApp>) {
    step_until(h, "suggestions", |app| {
        app.workspace
            .as_ref()
            .unwrap()
            .suggestions
            .current
            .is_some()
    });
    h.run_steps(2);
}

/// Presses G (suggest on this frame) and waits for the suggestions.
fn ask_for_suggestions(h: &mut Harness<'_, KinelabApp>) {
    press(h, Modifiers::NONE, Key::G);
    wait_for_suggestions(h);
}

/// The app on `project` with `model` added through the Models panel and loaded.
fn with_model(project: &Path, model: &Path) -> Harness<'static, KinelabApp> {
    let mut h = harness(project);
    press(&mut h, Modifiers::COMMAND, Key::M);
    replace_text(&mut h, "Model file", model.to_str().unwrap());
    h.get_by_label("Add model").click();
    step_until(&mut h, "the model to load", |app| {
        app.workspace
            .as_ref()
            .unwrap()
            .suggestions
            .entries
            .iter()
            .any(|e| e.loaded().is_some())
    });
    h
}

#[test]
fn a_models_suggestions_are_ghosts_accepted_by_click_drag_or_enter_never_over_a_label() {
    use kinelab::project::Provenance;
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    common::make_pose_models(dir.path());
    // The planted DeepLabCut model's two keypoints are the project's snout and left
    // ear: its spec, beside it, says so.
    let model = dir.path().join("dlc_planted.onnx");
    write_spec_naming(&model, &["snout", "leftear"]);

    let mut h = with_model(&project, &model);
    // G asks for suggestions on the frame shown; they come back from the worker.
    ask_for_suggestions(&mut h);
    h.get_by_label("2 suggestions shown");
    // Planted: snout at (238.2, 68.17), left ear at (60, 195), both of the best pose,
    // so m1's.
    let (sx, sy) = (238.200_25_f32, 68.174_9_f32);
    let pos = screen(&h, sx, sy);
    click(&mut h, pos, PointerButton::Primary);
    let snout = key_of(&h, 0, "m1", "snout");
    let label = stored_label(&project, &snout).expect("the click accepted the suggestion");
    assert!((label.x - f64::from(sx)).abs() < 1e-2 && (label.y - f64::from(sy)).abs() < 1e-2);
    assert_eq!(
        label.provenance,
        Provenance::AcceptedSuggestion {
            model: "dlc_planted".into()
        }
    );
    assert!(label.score.is_some_and(|s| (s - 0.952_574).abs() < 1e-4));
    // Dragging the left ear accepts it where it is dropped, as edited.
    let (from, to) = (screen(&h, 60.0, 195.0), screen(&h, 70.0, 200.0));
    drag(&mut h, from, to);
    let ear = key_of(&h, 0, "m1", "leftear");
    let label = stored_label(&project, &ear).expect("the drag accepted the suggestion");
    assert!(
        (label.x - 70.0).abs() < 0.5 && (label.y - 200.0).abs() < 0.5,
        "{label:?}"
    );
    assert_eq!(
        label.provenance,
        Provenance::EditedSuggestion {
            model: "dlc_planted".into()
        }
    );
    assert_eq!(label.score, None);
    // Undo both; place the snout by hand elsewhere; Enter accepts the rest, not over it.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(stored_label(&project, &snout).is_none() && stored_label(&project, &ear).is_none());
    {
        let ws = h.state_mut().workspace.as_mut().unwrap();
        ws.selection.keypoint = Some(snout.keypoint);
        // The panel floats over the image's corner: out of the way of the click.
        ws.models_panel.open = false;
    }
    click_img(&mut h, 30.0, 30.0, PointerButton::Primary);
    press(&mut h, Modifiers::COMMAND, Key::M);
    h.get_by_label("1 suggestion shown");
    press(&mut h, Modifiers::NONE, Key::Enter);
    let kept = stored_label(&project, &snout).unwrap();
    assert_eq!(
        (kept.x, kept.y, kept.provenance),
        (30.0, 30.0, Provenance::Human)
    );
    let ear_label = stored_label(&project, &ear).expect("Enter accepted the left ear");
    assert_eq!(
        ear_label.provenance,
        Provenance::AcceptedSuggestion {
            model: "dlc_planted".into()
        }
    );
    assert!(
        status_text(&h).contains("1 suggestion of dlc_planted accepted"),
        "{}",
        status_text(&h)
    );
    // The model list is part of the project: undoing the add removes it.
    let models = ws(&h).project.state().settings.get("models").cloned();
    assert!(models.is_some_and(|m| m.contains("dlc_planted.onnx")));
}

#[test]
fn running_a_model_on_the_video_adds_an_undoable_prediction_set() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    common::make_pose_models(dir.path());
    let model = dir.path().join("dlc_planted.onnx");
    let mut h = with_model(&project, &model);
    h.run_steps(2);
    // The model's keypoints (kp1, kp2) are mapped in the panel to the skeleton.
    {
        use kinelab::ui::panels::models::ModelsAction;
        let ws = h.state_mut().workspace.as_mut().unwrap();
        for (model_kp, project_kp) in [("kp1", "snout"), ("kp2", "rightear")] {
            ws.apply(kinelab::ui::workspace::Action::Models(
                ModelsAction::MapKeypoint {
                    model: model.clone(),
                    model_keypoint: model_kp.into(),
                    project_keypoint: project_kp.into(),
                },
            ));
        }
    }
    h.get_by_label("Run on video…").click();
    h.run_steps(2);
    // Out of the way of the window it opened.
    h.state_mut().workspace.as_mut().unwrap().models_panel.open = false;
    h.run_steps(2);
    replace_text(&mut h, "to", "29");
    h.get_by_label("Run").click();
    step_until(&mut h, "the run", |app| {
        !app.workspace.as_ref().unwrap().dialogs.run_model.open
    });
    h.run_steps(2);
    let state = ws(&h).project.state();
    let set = state
        .present_prediction_sets()
        .next()
        .expect("the run's set");
    assert_eq!(set.def.name, "dlc_planted");
    assert!(
        status_text(&h).contains("30 frames (30 with poses"),
        "{}",
        status_text(&h)
    );
    // Its points are drawn where the model put them: m1's snout and right ear.
    let (video, set_id) = (state.videos[0].id, set.id);
    let (shape, points) = ws(&h)
        .project
        .prediction_frame(set_id, video, 12)
        .unwrap()
        .expect("frame 12 predicted");
    let snout = state.skeleton.by_name("snout").unwrap().id;
    let m1 = state.individual_by_name("m1").unwrap().id;
    let slot = shape.slot(m1, snout).unwrap();
    assert!(
        (points[slot] - 238.2).abs() < 0.01,
        "{:?}",
        &points[slot..slot + 3]
    );
    assert!(
        ws(&h)
            .project
            .prediction_frame(set_id, video, 30)
            .unwrap()
            .is_none_or(|(_, p)| p.iter().all(|v| v.is_nan()))
    );
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(ws(&h).project.state().present_prediction_sets().count(), 0);
}

#[test]
fn a_top_down_model_run_without_a_detector_follows_the_pose() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    common::make_pose_models(dir.path());
    let model = dir.path().join("rtmpose_planted.onnx");
    write_spec_naming(&model, &["rightear", "tailtip"]);
    let mut h = with_model(&project, &model);
    h.get_by_label("Run on video…").click();
    h.run_steps(2);
    h.state_mut().workspace.as_mut().unwrap().models_panel.open = false;
    h.run_steps(2);
    // The dialog says where the boxes come from.
    h.get_by_label("Boxes from: the whole first frame, then each pose's box");
    replace_text(&mut h, "to", "3");
    h.get_by_label("Run").click();
    step_until(&mut h, "the run", |app| {
        !app.workspace.as_ref().unwrap().dialogs.run_model.open
    });
    h.run_steps(2);
    assert!(
        status_text(&h).contains("4 frames (4 with poses"),
        "{}",
        status_text(&h)
    );
}

#[test]
fn a_top_down_model_gets_a_box_per_animal_from_its_labels() {
    use kinelab::project::edits;
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    common::make_pose_models(dir.path());
    // The planted RTMPose model's first keypoint is the right ear; its second is not
    // in the project.
    let model = dir.path().join("rtmpose_planted.onnx");
    write_spec_naming(&model, &["rightear", "tailtip"]);
    // Each mouse has its snout and left ear labeled on frame 0.
    {
        let mut p = Project::open(&project).unwrap();
        for (who, points) in [
            ("m1", [(100.0, 80.0), (140.0, 60.0)]),
            ("m2", [(220.0, 160.0), (260.0, 190.0)]),
        ] {
            for (kp, (x, y)) in ["snout", "leftear"].into_iter().zip(points) {
                let s = p.state();
                let key = LabelKey {
                    video: s.videos[0].id,
                    frame_idx: 0,
                    individual: s.individual_by_name(who).unwrap().id,
                    keypoint: s.skeleton.by_name(kp).unwrap().id,
                };
                let edit = edits::set_label_position(s, key, x, y).unwrap();
                p.apply(edit).unwrap();
            }
        }
    }
    let mut h = with_model(&project, &model);
    ask_for_suggestions(&mut h);
    h.get_by_label("2 suggestions shown");
    press(&mut h, Modifiers::NONE, Key::Enter);
    // m1's box: its points grown to 48×48 around (120, 70), cropped ×1.25 and widened
    // to 48:64 = 60×80; the planted peak (20, 35) of the 48×64 input lands at
    // (20/48·60 + 120 − 30, 35/64·80 + 70 − 40). m2's box is centred on (240, 175).
    assert_right_ears(&h, &project, &[("m1", 115.0, 73.75), ("m2", 235.0, 178.75)]);
}

#[test]
fn suggestions_prepared_ahead_show_at_once_on_the_frames_ahead() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    common::make_pose_models(dir.path());
    let model = dir.path().join("dlc_planted.onnx");
    let mut h = with_model(&project, &model);
    {
        use kinelab::ui::panels::models::ModelsAction;
        let ws = h.state_mut().workspace.as_mut().unwrap();
        ws.apply(kinelab::ui::workspace::Action::Models(
            ModelsAction::MapKeypoint {
                model: model.clone(),
                model_keypoint: "kp1".into(),
                project_keypoint: "snout".into(),
            },
        ));
    }
    h.run_steps(1);
    h.get_by_label("Prepare suggestions ahead").click();
    step_until(&mut h, "20 frames prepared", |app| {
        let s = &app.workspace.as_ref().unwrap().suggestions;
        s.ahead.len() == 20 && s.ahead_pending == 0
    });
    let ahead: Vec<u64> = {
        let mut f: Vec<u64> = ws(&h).suggestions.ahead.keys().copied().collect();
        f.sort_unstable();
        f
    };
    assert_eq!(ahead, (1..=20).collect::<Vec<_>>());
    h.state_mut().workspace.as_mut().unwrap().go_to(7);
    h.run_steps(3);
    press(&mut h, Modifiers::NONE, Key::G);
    let current = ws(&h).suggestions.current.clone().expect("shown at once");
    assert_eq!((current.frame_idx, current.millis), (7, 0.0));
    h.get_by_label("1 suggestion shown");
}

#[test]
fn frames_to_label_are_picked_kept_marked_and_walked() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    press(&mut h, Modifiers::COMMAND, Key::L);
    h.get_by_label("evenly spread").click();
    h.run_steps(1);
    h.get_by_label("Pick").click();
    step_until(&mut h, "the pick", |app| {
        let ws = app.workspace.as_ref().unwrap();
        !ws.frames_panel.is_busy() && !ws.frames_to_label().frames.is_empty()
    });
    // 20 frames, each in the middle of its share of the 300.
    let list = ws(&h).frames_to_label();
    assert_eq!(list.method, "uniform");
    assert_eq!(
        list.frames,
        (0..20)
            .map(|k| (2 * k + 1) * 300 / 40)
            .collect::<Vec<u64>>()
    );
    // Kept with the project.
    let stored = Project::open(&project).unwrap();
    let video = stored.state().videos[0].id;
    assert_eq!(
        kinelab::project::frames_to_label::of_video(stored.state(), video).frames,
        list.frames
    );
    // N and Shift+N walk them, wrapping around.
    press(&mut h, Modifiers::NONE, Key::N);
    assert_eq!(ws(&h).selection.frame_idx, 7);
    press(&mut h, Modifiers::NONE, Key::N);
    assert_eq!(ws(&h).selection.frame_idx, 22);
    press(&mut h, Modifiers::SHIFT, Key::N);
    assert_eq!(ws(&h).selection.frame_idx, 7);
    press(&mut h, Modifiers::SHIFT, Key::N);
    assert_eq!(ws(&h).selection.frame_idx, 292);
    // By appearance: k-means over the clip's thumbnails.
    // (Four clusters: k-means' generic code is unoptimised in a debug build.)
    h.state_mut().workspace.as_mut().unwrap().frames_panel.count = 4;
    h.get_by_label("by appearance (k-means)").click();
    h.run_steps(1);
    h.get_by_label("Pick").click();
    step_until(&mut h, "the k-means pick", |app| {
        app.workspace.as_ref().unwrap().frames_to_label().method == "kmeans"
    });
    let kmeans = ws(&h).frames_to_label().frames;
    assert_eq!(kmeans.len(), 4);
    assert!(kmeans.windows(2).all(|w| w[0] < w[1]));
    // Each pick is one edit: undo brings the even list back.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(ws(&h).frames_to_label().frames, list.frames);
}

#[test]
fn frames_where_the_model_is_least_sure_are_picked_by_its_scores() {
    use kinelab::inference::preprocess::RgbFrame;
    use kinelab::inference::{PoseModel, SessionOptions};
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    common::make_pose_models(dir.path());
    let model = dir.path().join("dlc_random.onnx");
    let mut h = with_model(&project, &model);
    h.state_mut().workspace.as_mut().unwrap().models_panel.open = false;
    press(&mut h, Modifiers::COMMAND, Key::L);
    h.get_by_label("where the model is least sure").click();
    h.run_steps(1);
    h.get_by_label("Pick").click();
    step_until(&mut h, "the pick", |app| {
        let ws = app.workspace.as_ref().unwrap();
        !ws.frames_panel.is_busy() && !ws.frames_to_label().frames.is_empty()
    });
    let list = ws(&h).frames_to_label();
    assert_eq!(list.method, "lowest confidence (dlc_random)");
    // The 20 lowest best-pose scores of 200 evenly spread candidates, scored here
    // through the model directly.
    let clip = common::clip(&common::h264_gop30());
    let mut reader = kinelab::video::VideoReader::open(&clip).unwrap();
    let mut converter = kinelab::video::FrameConverter::new(&clip);
    let mut m = PoseModel::open(&model, None, &SessionOptions::default()).unwrap();
    let mut scored: Vec<(f32, u64)> = (0..200)
        .map(|k| ((2 * k + 1) * 300 / 400) as u64)
        .collect::<std::collections::BTreeSet<u64>>()
        .into_iter()
        .map(|f| {
            let rgb = converter
                .to_rgb(&reader.frame(f as usize).unwrap())
                .unwrap();
            let frame = RgbFrame {
                width: rgb.width() as usize,
                height: rgb.height() as usize,
                pixels: rgb.as_raw(),
            };
            (m.predict(&[(frame, None)]).unwrap()[0][0].score, f)
        })
        .collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut want: Vec<u64> = scored.iter().take(20).map(|(_, f)| *f).collect();
    want.sort_unstable();
    assert_eq!(list.frames, want);
}

#[test]
fn a_detector_chosen_in_the_panel_gives_the_top_down_model_its_boxes() {
    use kinelab::ui::panels::models::ModelsAction;
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    common::make_pose_models(dir.path());
    let model = dir.path().join("rtmpose_planted.onnx");
    write_spec_naming(&model, &["rightear", "tailtip"]);
    let detector = dir.path().join("yolo_detect_planted.onnx");
    let mut h = with_model(&project, &model);
    replace_text(&mut h, "Model file", detector.to_str().unwrap());
    h.get_by_label("Add model").click();
    step_until(&mut h, "the detector to load", |app| {
        let s = &app.workspace.as_ref().unwrap().suggestions;
        s.entries.len() == 2 && s.entries.iter().all(|e| e.loaded().is_some())
    });
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .apply(kinelab::ui::workspace::Action::Models(
            ModelsAction::SetDetector(Some(detector.clone())),
        ));
    h.run_steps(2);
    h.get_by_label("Boxes from");
    ask_for_suggestions(&mut h);
    h.get_by_label("2 suggestions shown");
    press(&mut h, Modifiers::NONE, Key::Enter);
    // The better box (0.9, around (150, 60)) is m1's, the other (0.8) m2's.
    assert_right_ears(
        &h,
        &project,
        &[("m1", 145.833_33, 63.125), ("m2", 46.875, 162.343_75)],
    );
}

#[test]
fn frames_where_a_prediction_set_is_least_sure_come_from_its_scores() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = with_imported_predictions(dir.path());
    press(&mut h, Modifiers::COMMAND, Key::L);
    h.get_by_label("where a prediction set is least sure")
        .click();
    h.run_steps(1);
    h.get_by_label("Pick").click();
    h.run_steps(2);
    let list = ws(&h).frames_to_label();
    assert_eq!(
        list.method,
        "lowest scores of h264_g30DLC_resnet50_guiOct30shuffle1_1000"
    );
    // Every frame scores the same: the first 20.
    assert_eq!(list.frames, (0..20).collect::<Vec<u64>>());
}

#[test]
fn a_box_drawn_with_ctrl_drag_is_where_a_top_down_model_looks() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    common::make_pose_models(dir.path());
    let model = dir.path().join("rtmpose_planted.onnx");
    write_spec_naming(&model, &["rightear", "tailtip"]);
    let mut h = with_model(&project, &model);
    h.state_mut().workspace.as_mut().unwrap().models_panel.open = false;
    h.run_steps(2);
    // Ctrl+drag from (100, 40) to (200, 120) in the image.
    let (from, to) = (screen(&h, 100.0, 40.0), screen(&h, 200.0, 120.0));
    h.event(Event::ModifiersChanged(Modifiers::COMMAND));
    drag(&mut h, from, to);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run_steps(2);
    wait_for_suggestions(&mut h);
    press(&mut h, Modifiers::NONE, Key::Enter);
    // The box (100, 40)–(200, 120), ×1.25 and widened to 48:64 = 125×166.7 around
    // (150, 80): the planted peak (20, 35) lands at (139.58, 87.81), m1's (selected).
    let key = key_of(&h, 0, "m1", "rightear");
    let label = stored_label(&project, &key).expect("m1's right ear");
    let (w, hh) = (125.0, 125.0 / 0.75);
    let (x, y) = (
        20.0 / 48.0 * w + 150.0 - w / 2.0,
        35.0 / 64.0 * hh + 80.0 - hh / 2.0,
    );
    assert!(
        (label.x - x).abs() < 0.05 && (label.y - y).abs() < 0.05,
        "{label:?}, want ({x}, {y})"
    );
}

/// How many prediction sets the open project shows.
fn set_count(app: &KinelabApp) -> usize {
    let ws = app.workspace.as_ref().expect("a project is open");
    ws.project.state().present_prediction_sets().count()
}

/// `project` with a prediction set: m1's snout moving right 2 px a frame (but 60 px
/// off its path on `jump_at`), m2's snout still, every other point missing.
fn add_moving_predictions(project: &Path, jump_at: Option<u64>) {
    use kinelab::project::predictions::{PredictionArrays, PredictionShape};
    let mut p = Project::open(project).unwrap();
    let (video, frames, inds, kps) = {
        let s = p.state();
        let v = &s.videos[0];
        let inds: Vec<_> = s.individuals.iter().map(|i| i.id).collect();
        let kps: Vec<_> = s.skeleton.keypoints.iter().map(|k| k.id).collect();
        (v.id, v.def.frame_count, inds, kps)
    };
    let shape = PredictionShape {
        individuals: inds.clone(),
        keypoints: kps.clone(),
        frame_count: frames,
    };
    let mut arrays = PredictionArrays::empty(shape.clone());
    for f in 0..frames {
        let m1 = shape.slot(inds[0], kps[0]).unwrap();
        let off = if Some(f) == jump_at { 60.0 } else { 0.0 };
        arrays.set(f, m1, [10.0 + 2.0 * f as f32, 50.0 + off, 0.9]);
        let m2 = shape.slot(inds[1], kps[0]).unwrap();
        arrays.set(f, m2, [200.0, 100.0, 0.8]);
    }
    let def = kinelab::formats::prediction_import::set_def(Path::new("run.h5"), "DLC_test");
    let set = kinelab::project::prediction_store::PredictionWriter::open(project)
        .unwrap()
        .write_set(&def, &[(video, arrays)], false, &mut |_, _| {})
        .unwrap();
    p.add_prediction_set(set, "add predictions").unwrap();
}

#[test]
fn the_plots_dock_shows_kinematics_seeks_and_saves() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    add_moving_predictions(&project, None);
    let mut h = harness(&project);
    press(&mut h, Modifiers::COMMAND, Key::J);
    assert!(ws(&h).plots_panel.open, "Ctrl+J opens the dock");
    step_until(&mut h, "the plots' series", |app| {
        let panel = &app.workspace.as_ref().unwrap().plots_panel;
        panel.series(0).is_some() && panel.is_computed()
    });
    // The dock keeps its size: the plots fit it rather than grow it.
    let rect = |h: &Harness<'_, KinelabApp>| ws(h).plots_panel.screen_pos_of_frame(0, 0.0);
    h.run_steps(3);
    let before = rect(&h);
    h.run_steps(5);
    assert_eq!(rect(&h), before, "the plots moved with nothing happening");
    // The first plot: speed of the set's first track, m1's snout, 2 px a frame.
    let panel = &ws(&h).plots_panel;
    assert_eq!(
        panel.plots[0].quantity,
        kinelab::analysis::quantity::Quantity::Speed
    );
    let speed = panel.series(0).unwrap();
    assert!(
        speed.iter().all(|v| (v - 2.0).abs() < 1e-9),
        "{:?}",
        &speed[..5]
    );
    h.get_by_label("Add plot").click();
    h.run_steps(1);
    step_until(&mut h, "the new plot's series", |app| {
        app.workspace.as_ref().unwrap().plots_panel.is_computed()
    });
    let panel = &ws(&h).plots_panel;
    assert_eq!(panel.plots.len(), 2);
    assert_ne!(
        panel.plots[1].points, panel.plots[0].points,
        "a new plot shows a track not plotted yet"
    );
    assert_eq!(panel.series(1).unwrap()[3], 0.0, "m2's snout stands still");

    // A click on a plot goes to that frame; a drag scrubs and lands where it ends.
    let at = |h: &Harness<'_, KinelabApp>, f: f64| {
        ws(h)
            .plots_panel
            .screen_pos_of_frame(0, f)
            .expect("the plot is drawn")
    };
    let pos = at(&h, 20.0);
    click(&mut h, pos, PointerButton::Primary);
    let frame = ws(&h).selection.frame_idx;
    assert!(frame.abs_diff(20) <= 1, "clicked frame 20, at {frame}");
    let (from, to) = (at(&h, 5.0), at(&h, 25.0));
    drag(&mut h, from, to);
    let frame = ws(&h).selection.frame_idx;
    assert!(frame.abs_diff(25) <= 1, "dragged to frame 25, at {frame}");

    // Saving a plot's table writes it into the project's plots folder.
    h.get_all_by_label("CSV").next().unwrap().click();
    h.run_steps(2);
    let csv = dir.path().join("plots/speed_of_m1_snout.csv");
    let text = std::fs::read_to_string(&csv).unwrap_or_else(|e| panic!("{}: {e}", csv.display()));
    assert!(
        text.starts_with("frame_idx,time_secs,speed of m1 snout (px/frame)\n0,0,2\n"),
        "{text:.80}"
    );

    // A known distance: Ctrl+Shift+drag 100 px on the image, say it is 50 mm, and
    // the plots are in millimetres (one undoable setting), as `kinelab kinematics`
    // on the project is.
    let (from, to) = (screen(&h, 20.0, 60.0), screen(&h, 120.0, 60.0));
    h.event(Event::ModifiersChanged(
        Modifiers::COMMAND | Modifiers::SHIFT,
    ));
    drag(&mut h, from, to);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run_steps(2);
    let measured = ws(&h).plots_panel.measured_px.expect("the line measured");
    assert!((measured - 100.0).abs() < 0.5, "{measured}");
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .plots_panel
        .measured_length = 50.0;
    h.get_by_label("Set scale").click();
    h.run_steps(2);
    let scale = ws(&h).kinematics_scale().expect("a scale");
    assert!((scale.px_per_unit - measured / 50.0).abs() < 1e-9 && scale.unit == "mm");
    step_until(&mut h, "the series in mm", |app| {
        let panel = &app.workspace.as_ref().unwrap().plots_panel;
        panel.is_computed() && panel.series(0).is_some_and(|v| (v[0] - 1.0).abs() < 0.01)
    });
    let out = dir.path().join("k.csv");
    let said = common::kinelab_ok(&[
        "kinematics",
        project.to_str().unwrap(),
        "--set",
        "run",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(said.contains("mm/frame"), "{said}");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(
        ws(&h).kinematics_scale().is_none(),
        "undo takes the scale back"
    );

    // The cleaning saved as a set: a 3-frame median leaves the straight walk as it
    // was, but for the first frame, whose window is padded by reflection (12, 10, 12).
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .plots_panel
        .cleaning
        .smoothing = Some(kinelab::analysis::Smoothing::Median { window: 3 });
    h.run_steps(2);
    h.get_by_label("Save cleaned as a set").click();
    h.run_steps(1);
    step_until(&mut h, "the cleaned set", |app| set_count(app) == 2);
    let state = ws(&h).project.state();
    let cleaned = state
        .present_prediction_sets()
        .find(|s| s.def.name == "run (median:3)")
        .expect("the cleaned set")
        .id;
    let video = state.videos[0].id;
    let at = |f| {
        let (shape, p) = ws(&h)
            .project
            .prediction_frame(cleaned, video, f)
            .unwrap()
            .unwrap();
        let slot = shape
            .slot(
                state.individuals[0].id,
                state.skeleton.by_name("snout").unwrap().id,
            )
            .unwrap();
        (p[slot], p[slot + 2])
    };
    assert_eq!(at(0), (12.0, 0.9));
    assert_eq!(at(50), (110.0, 0.9));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(ws(&h).project.state().present_prediction_sets().count(), 1);

    press(&mut h, Modifiers::COMMAND, Key::J);
    assert!(!ws(&h).plots_panel.open, "Ctrl+J closes it again");
}

#[test]
fn outliers_are_found_listed_marked_and_walked() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    add_moving_predictions(&project, Some(40));
    let mut h = harness(&project);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::O);
    assert!(ws(&h).outliers_panel.open);
    h.get_by_label("Find outliers").click();
    h.run_steps(1);
    step_until(&mut h, "the outliers", |app| {
        app.workspace
            .as_ref()
            .unwrap()
            .outliers_panel
            .found
            .is_some()
    });
    h.run_steps(2);
    let found = ws(&h).outliers_panel.found.as_ref().unwrap();
    let frames: Vec<u64> = found.report.outliers.iter().map(|o| o.frame_idx).collect();
    // The jump out (40) and back (41).
    assert_eq!(frames, vec![40, 41]);
    assert_eq!(
        found.point_names[found.report.outliers[0].track],
        "m1 snout"
    );
    // Listed: a click on the row goes there.
    h.get_by_label_contains("frame 41").click();
    h.run_steps(2);
    assert_eq!(ws(&h).selection.frame_idx, 41);
    // J and Shift+J walk them.
    press(&mut h, Modifiers::NONE, Key::Home);
    press(&mut h, Modifiers::NONE, Key::J);
    assert_eq!(ws(&h).selection.frame_idx, 40);
    press(&mut h, Modifiers::NONE, Key::J);
    assert_eq!(ws(&h).selection.frame_idx, 41);
    press(&mut h, Modifiers::SHIFT, Key::J);
    assert_eq!(ws(&h).selection.frame_idx, 40);
    // The timeline's strips: the jump strip marks them.
    let video = ws(&h).project.state().videos[0].id;
    let strips = ws(&h).outliers_panel.strips(video);
    assert_eq!(strips.len(), 3);
    assert!(strips[0].severity[40] > 1.0 && strips[0].severity[39] == 0.0);

    // For retraining: one of them, by appearance, becomes the frame to label, with the
    // set's points there as labels to correct.
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .outliers_panel
        .pick_count = 1;
    h.get_by_label("Pick frames to label").click();
    h.run_steps(1);
    step_until(&mut h, "the picked frame", |app| {
        !app.workspace
            .as_ref()
            .unwrap()
            .frames_to_label()
            .frames
            .is_empty()
    });
    let picked = ws(&h).frames_to_label().frames;
    assert!(
        picked.len() == 1 && (picked[0] == 40 || picked[0] == 41),
        "{picked:?}"
    );
    let label = stored_label(&project, &key_of(&h, picked[0], "m1", "snout"))
        .expect("the set's point accepted as a label");
    assert!(matches!(
        label.provenance,
        kinelab::project::Provenance::AcceptedPrediction { .. }
    ));
}

#[test]
fn labels_are_interpolated_between_labeled_frames_in_one_edit() {
    use kinelab::project::Provenance;
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    // m1's snout at (100, 80) on frame 0 and (200, 40) on frame 10.
    click_img(&mut h, 100.0, 80.0, PointerButton::Primary);
    h.state_mut().workspace.as_mut().unwrap().go_to(10);
    h.run_steps(2);
    h.state_mut().workspace.as_mut().unwrap().selection.keypoint =
        Some(ws(&h).project.state().skeleton.by_name("snout").unwrap().id);
    click_img(&mut h, 200.0, 40.0, PointerButton::Primary);
    h.state_mut().workspace.as_mut().unwrap().go_to(4);
    h.run_steps(2);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    let end = |f| stored_label(&project, &key_of(&h, f, "m1", "snout")).expect("placed");
    let (a, b) = (end(0), end(10));
    assert!(
        (a.x - 100.0).abs() < 0.01 && (b.y - 40.0).abs() < 0.01,
        "{a:?} {b:?}"
    );
    for f in 1..10u64 {
        let label = stored_label(&project, &key_of(&h, f, "m1", "snout"))
            .unwrap_or_else(|| panic!("frame {f} filled"));
        let t = f as f64 / 10.0;
        assert!(
            (label.x - (a.x + (b.x - a.x) * t)).abs() < 1e-9
                && (label.y - (a.y + (b.y - a.y) * t)).abs() < 1e-9,
            "frame {f}: {label:?}"
        );
        assert_eq!(label.provenance, Provenance::Interpolated);
    }
    assert!(
        status_text(&h).contains("9 labels interpolated"),
        "{}",
        status_text(&h)
    );
    // Only the point labeled on both sides: m1's ears were never placed.
    assert!(stored_label(&project, &key_of(&h, 5, "m1", "leftear")).is_none());
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(
        stored_label(&project, &key_of(&h, 5, "m1", "snout")).is_none(),
        "one edit"
    );
}

#[test]
fn crossings_are_listed_and_identities_swapped_in_labels_and_sets() {
    use kinelab::ui::panels::identities::SwapScope;
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    add_moving_predictions(&project, None);
    let mut h = harness(&project);
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .run(kinelab::ui::commands::Command::Identities);
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .identities_panel
        .within_px = 60.0;
    h.run_steps(2);
    h.get_by_label("Find crossings").click();
    h.run_steps(1);
    step_until(&mut h, "the crossings", |app| {
        app.workspace
            .as_ref()
            .unwrap()
            .identities_panel
            .crossings
            .is_some()
    });
    h.run_steps(2);
    // m1's snout walks along y 50 past m2's at (200, 100): within 60 px on frames
    // 79–111 (|x − 200| < 33.2), closest (50 px) on frame 95.
    let (_, _, crossings) = ws(&h).identities_panel.crossings.clone().unwrap();
    assert_eq!(crossings.len(), 1, "{crossings:?}");
    let c = &crossings[0];
    assert_eq!(
        (c.first_frame, c.last_frame, c.closest_frame),
        (79, 111, 95)
    );
    h.get_by_label_contains("frames 79–111").click();
    h.run_steps(2);
    assert_eq!(ws(&h).selection.frame_idx, 95);

    // From here on, in the set: a corrected copy is added (one undoable step) and
    // shown instead of the set.
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .identities_panel
        .scope = SwapScope::FromHereOn;
    h.run_steps(1);
    h.get_by_label("Swap in run").click();
    h.run_steps(1);
    step_until(&mut h, "the corrected set", |app| set_count(app) == 2);
    let state = ws(&h).project.state();
    let (video, snout) = (
        state.videos[0].id,
        state.skeleton.by_name("snout").unwrap().id,
    );
    let (m1, m2) = (
        state.individual_by_name("m1").unwrap().id,
        state.individual_by_name("m2").unwrap().id,
    );
    let fixed = state
        .present_prediction_sets()
        .find(|s| s.def.name == "run (identities fixed)")
        .expect("the corrected copy")
        .id;
    let at = |f: u64, who| {
        let (shape, p) = ws(&h)
            .project
            .prediction_frame(fixed, video, f)
            .unwrap()
            .unwrap();
        let slot = shape.slot(who, snout).unwrap();
        (p[slot], p[slot + 1])
    };
    assert_eq!(at(100, m1), (200.0, 100.0), "swapped from frame 95 on");
    assert_eq!(at(100, m2), (210.0, 50.0));
    assert_eq!(at(50, m1), (110.0, 50.0), "before frame 95: as it was");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(ws(&h).project.state().present_prediction_sets().count(), 1);

    // On one frame, in the labels: m1's snout label becomes m2's.
    h.state_mut().workspace.as_mut().unwrap().go_to(5);
    h.run_steps(2);
    let key = key_of(&h, 5, "m1", "snout");
    let ws_mut = h.state_mut().workspace.as_mut().unwrap();
    let edit = kinelab::project::edits::set_label_position(ws_mut.project.state(), key, 60.0, 60.0)
        .unwrap();
    assert!(ws_mut.apply_edit(edit));
    ws_mut.identities_panel.scope = SwapScope::ThisFrame;
    h.run_steps(1);
    h.get_by_label("Swap in the labels").click();
    h.run_steps(2);
    assert!(stored_label(&project, &key_of(&h, 5, "m1", "snout")).is_none());
    assert!(stored_label(&project, &key_of(&h, 5, "m2", "snout")).is_some());
}

/// The refinement loop on DeepLabCut's openfield project: a model's predictions on the
/// project's video, their outliers found, frames picked among them by appearance with
/// the predictions accepted as labels, one corrected, and saved back into the
/// project's `CollectedData_Pranav` files, which pandas reads.
#[test]
fn the_refinement_loop_on_the_openfield_project_ends_in_collected_data() {
    use kinelab::project::predictions::{PredictionArrays, PredictionShape};
    use kinelab::project::{Provenance, edits};
    let tmp = tempfile::tempdir().unwrap();
    let Some(dlc) = common::openfield_copy(tmp.path()) else {
        return;
    };
    let config = dlc.join("config.yaml");
    let (sidecar, _) = kinelab::video::project_access::project_to_open(&config).unwrap();
    // The video, and a model's run on it: each bodypart circling the arena, the
    // snout jumping 60 px off its path on 12 frames.
    let jumps: Vec<u64> = (0..12).map(|k| 100 + 180 * k).collect();
    let video = {
        let mut p = Project::open(&sidecar).unwrap();
        let path = dlc.join("videos/m3v1mp4.mp4");
        let def = kinelab::video::describe::describe_for_project(&dlc, &path, &mut |_| {}).unwrap();
        let (edit, video) = edits::add_video(p.state(), def);
        p.apply(edit).unwrap();
        let s = p.state();
        let frames = s.video(video).unwrap().def.frame_count;
        let shape = PredictionShape {
            individuals: s.individuals.iter().map(|i| i.id).collect(),
            keypoints: s.skeleton.keypoints.iter().map(|k| k.id).collect(),
            frame_count: frames,
        };
        let mut arrays = PredictionArrays::empty(shape.clone());
        for f in 0..frames {
            let angle = f as f32 * 0.01;
            for (k, &kp) in shape.keypoints.iter().enumerate() {
                let (mut x, y) = (
                    320.0 + 100.0 * angle.cos() + 8.0 * k as f32,
                    240.0 + 100.0 * angle.sin(),
                );
                if k == 0 && jumps.contains(&f) {
                    x += 60.0;
                }
                let slot = shape.slot(shape.individuals[0], kp).unwrap();
                arrays.set(f, slot, [x, y, 0.95]);
            }
        }
        let def = kinelab::formats::prediction_import::set_def(
            Path::new("m3v1mp4DLC_resnet50.h5"),
            "DLC_resnet50",
        );
        let set = kinelab::project::prediction_store::PredictionWriter::open(&sidecar)
            .unwrap()
            .write_set(&def, &[(video, arrays)], false, &mut |_, _| {})
            .unwrap();
        p.add_prediction_set(set, "import the model's run").unwrap();
        video
    };
    let mut h = harness(&config);
    h.state_mut().workspace.as_mut().unwrap().set_video(video);
    h.run_steps(2);

    // Outliers: every injected jump is found.
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::O);
    h.get_by_label("Find outliers").click();
    h.run_steps(1);
    step_until(&mut h, "the outliers", |app| {
        app.workspace
            .as_ref()
            .unwrap()
            .outliers_panel
            .found
            .is_some()
    });
    let flagged: Vec<u64> = ws(&h)
        .outliers_panel
        .found
        .as_ref()
        .unwrap()
        .report
        .outliers
        .iter()
        .map(|o| o.frame_idx)
        .collect();
    assert!(jumps.iter().all(|f| flagged.contains(f)), "{flagged:?}");

    // Five of them by appearance, their predictions accepted as labels to correct.
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .outliers_panel
        .pick_count = 5;
    h.run_steps(1);
    h.get_by_label("Pick frames to label").click();
    h.run_steps(1);
    step_until(&mut h, "the picked frames", |app| {
        !app.workspace
            .as_ref()
            .unwrap()
            .frames_to_label()
            .frames
            .is_empty()
    });
    let picked = ws(&h).frames_to_label().frames;
    assert_eq!(picked.len(), 5);
    let state = ws(&h).project.state();
    let (animal, snout) = (
        state.individuals[0].id,
        state.skeleton.by_name("snout").unwrap().id,
    );
    let key = kinelab::project::LabelKey {
        video,
        frame_idx: picked[0],
        individual: animal,
        keypoint: snout,
    };
    let accepted = state.label(&key).cloned().expect("the prediction accepted");
    assert!(matches!(
        accepted.provenance,
        Provenance::AcceptedPrediction { .. }
    ));
    // The correction: the snout put back where it belongs.
    let ws_mut = h.state_mut().workspace.as_mut().unwrap();
    let edit = edits::set_label_position(ws_mut.project.state(), key, 333.25, 222.5).unwrap();
    assert!(ws_mut.apply_edit(edit));
    assert!(matches!(
        ws(&h).project.state().label(&key).unwrap().provenance,
        Provenance::EditedPrediction { .. }
    ));

    // Saved into the DeepLabCut project: the new video's CollectedData holds the five
    // frames, the corrected snout where the person put it; m4s1's are as they were.
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    step_until(&mut h, "the save", |app| {
        let ws = app.workspace.as_ref().unwrap();
        !ws.dialogs.export.is_busy()
            && ws
                .status
                .as_ref()
                .is_some_and(|m| m.text.starts_with("Saved to DeepLabCut"))
    });
    let folder = dlc.join("labeled-data/m3v1mp4");
    let out = common::run_python(
        r#"
import sys, pandas as pd
h5 = pd.read_hdf(sys.argv[1])
csv = pd.read_csv(sys.argv[2], header=[0, 1, 2], index_col=[0, 1, 2])
old = pd.read_hdf(sys.argv[3])
name = lambda i: i if isinstance(i, str) else "/".join(i)
row = [i for i in h5.index if name(i).endswith(f"/img{int(sys.argv[4]):04d}.png")][0]
print(len(h5), len(csv), len(old), h5.loc[[row]].xs("snout", level="bodyparts", axis=1).values.ravel().tolist())
"#,
        &[
            folder.join("CollectedData_Pranav.h5").to_str().unwrap(),
            folder.join("CollectedData_Pranav.csv").to_str().unwrap(),
            dlc.join("labeled-data/m4s1/CollectedData_Pranav.h5")
                .to_str()
                .unwrap(),
            &picked[0].to_string(),
        ],
    );
    assert_eq!(out.trim(), "5 5 116 [333.25, 222.5]", "{out}");
    for f in &picked {
        assert!(
            folder.join(format!("img{f:04}.png")).is_file(),
            "frame {f}'s PNG"
        );
    }
}

/// A fresh project with `file` imported by `kinelab events --import`: its folder, its
/// path and what the command said.
fn project_importing(file: &Path) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let said = common::kinelab_ok(&[
        "events",
        project.to_str().unwrap(),
        "--import",
        file.to_str().unwrap(),
    ]);
    (dir, project, said)
}

#[test]
fn behaviours_are_coded_by_their_keys_into_events_and_lanes() {
    use kinelab::project::behaviours::{self, BehaviourKind};
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let mut h = harness(&project);
    press(&mut h, Modifiers::COMMAND, Key::B);
    assert!(ws(&h).behaviours_panel.open);
    for _ in 0..3 {
        h.get_by_label("Add behaviour").click();
        // The window grows with each row: let it settle before the next click.
        h.run_steps(4);
    }
    // freezing (Q) and walking (K) exclude each other; sniff (E) is a point event.
    {
        let panel = &mut h.state_mut().workspace.as_mut().unwrap().behaviours_panel;
        let draft = panel.draft.as_mut().unwrap();
        for (b, (code, key, kind)) in draft.behaviours.iter_mut().zip([
            ("freezing", "F", BehaviourKind::State),
            ("walking", "K", BehaviourKind::State),
            ("sniff", "E", BehaviourKind::Point),
        ]) {
            b.code = code.into();
            b.key = key.into();
            b.kind = kind;
            b.group = (kind == BehaviourKind::State).then(|| "posture".to_owned());
        }
        draft.behaviours[2].modifiers = vec!["left".into(), "right".into()];
    }
    h.run_steps(2);
    // F is "Fit frame to view": refused, saying so.
    h.get_by_label_contains("the key 'F' is a command's");
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .behaviours_panel
        .draft
        .as_mut()
        .unwrap()
        .behaviours[0]
        .key = "Q".into();
    h.run_steps(2);
    h.get_by_label("Save ethogram").click();
    h.run_steps(2);
    let ethogram = behaviours::ethogram(ws(&h).project.state());
    assert_eq!(ethogram.behaviours.len(), 3);
    // Coding on the frames shown, for the selected individual (m1).
    let code = |h: &mut Harness<'_, KinelabApp>, frame: u64, key: Key| {
        h.state_mut().workspace.as_mut().unwrap().go_to(frame);
        h.run_steps(1);
        press(h, Modifiers::NONE, key);
    };
    code(&mut h, 10, Key::Q);
    code(&mut h, 20, Key::K);
    code(&mut h, 25, Key::E);
    // sniff has modifiers: a prompt asks which, and the number keys answer it (one
    // edit of its own; "1" is not Actual size meanwhile).
    h.run_steps(2);
    h.get_by_label_contains("sniff (m1) on frame 25: which?");
    if std::env::var_os("KINELAB_SHOT").is_some() {
        h.render().unwrap().save("/tmp/modifier.png").unwrap();
    }
    let video = ws(&h).project.state().videos[0].id;
    let zoom = ws(&h).view.transform.zoom;
    press(&mut h, Modifiers::NONE, Key::Num1);
    h.run_steps(2);
    let sniff = |h: &Harness<'_, KinelabApp>| {
        behaviours::events(ws(h).project.state(), video)
            .into_iter()
            .find(|e| e.behaviour == "sniff")
            .unwrap()
    };
    assert_eq!(sniff(&h).modifier.as_deref(), Some("left"));
    assert!(h.query_by_label_contains("which?").is_none(), "answered");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(sniff(&h).modifier, None, "undone on its own");
    assert_eq!(ws(&h).view.transform.zoom, zoom, "the key was the prompt's");
    code(&mut h, 30, Key::K);
    let events = behaviours::events(ws(&h).project.state(), video);
    let spans: Vec<(String, u64, Option<u64>)> = events
        .iter()
        .map(|e| (e.behaviour.clone(), e.start_frame, e.stop_frame))
        .collect();
    assert_eq!(
        spans,
        vec![
            ("freezing".into(), 10, Some(19)),
            ("walking".into(), 20, Some(30)),
            ("sniff".into(), 25, None),
        ]
    );
    assert!(
        status_text(&h).contains("walking (m1) stopped on frame 30"),
        "{}",
        status_text(&h)
    );
    if std::env::var_os("KINELAB_SHOT").is_some() {
        h.run_steps(3);
        h.render().unwrap().save("/tmp/behaviours.png").unwrap();
    }
    // The lane under the timeline: two states and a point, for m1.
    let lanes = ws(&h).event_lanes_for_tests();
    assert_eq!(lanes.len(), 1);
    assert_eq!((lanes[0].spans.len(), lanes[0].points.len()), (2, 1));
    // The ethogram plot, saved as SVG and PNG in the project's plots folder.
    h.get_by_label("Save plot").click();
    h.run_steps(2);
    let name = kinelab::formats::dlc_project::folder_name(&ws(&h).project.state().videos[0]);
    let plot = dir.path().join(format!("plots/{name}_ethogram.png"));
    let image = image::open(&plot).unwrap_or_else(|e| panic!("{}: {e}", plot.display()));
    assert_eq!(image.width(), 1200);
    if std::env::var_os("KINELAB_SHOT").is_some() {
        std::fs::copy(&plot, "/tmp/ethogram.png").unwrap();
    }
    assert!(
        std::fs::read_to_string(plot.with_extension("svg"))
            .unwrap()
            .contains("walking")
    );
    // The events, saved from the panel as BORIS's CSV and as a BORIS project.
    h.get_by_label("Export CSV").click();
    h.run_steps(2);
    h.get_by_label("Export .boris").click();
    h.run_steps(2);
    let exported = dir.path().join(format!("events/{name}.boris"));
    let boris = kinelab::formats::boris::read(&exported).unwrap();
    assert_eq!(boris.observations[&name].1.len(), 3);
    assert!(dir.path().join(format!("events/{name}.csv")).is_file());
    // Dragging freezing's end on the lane from frame 19 to 15 moves it (one edit).
    let buttons = h.get_by_label("|<").rect();
    let (left, width) = (buttons.left(), 1200.0 - 2.0 * buttons.left());
    let lane_y = buttons.top() - 4.0 - kinelab::ui::panels::timeline::LANE_HEIGHT / 2.0;
    let frames = ws(&h).frame_count() as f32;
    let x_of = |f: f32| left + (f + 0.5) / frames * width;
    drag(
        &mut h,
        pos2(x_of(19.0) + 0.5, lane_y),
        pos2(x_of(15.0), lane_y),
    );
    let moved = behaviours::events(ws(&h).project.state(), video);
    assert_eq!(
        (moved[0].start_frame, moved[0].stop_frame),
        (10, Some(15)),
        "{moved:?}"
    );
    press(&mut h, Modifiers::COMMAND, Key::Z);
    // Hovering an event names it.
    h.hover_at(pos2(x_of(14.0), lane_y));
    h.run_steps(3);
    h.get_by_label_contains("m1 events · freezing 10–19");
    // A right-click on freezing's bar in the lane: relabel it as another state (the
    // point behaviour is not offered); on sniff's tick: delete it. One edit each.
    click(&mut h, pos2(x_of(14.0), lane_y), PointerButton::Secondary);
    h.get_by_label("Relabel as").click();
    h.run_steps(2);
    assert!(h.query_by_label("sniff").is_none(), "a state stays a state");
    h.get_by_label("walking").click();
    h.run_steps(2);
    let codes = |h: &Harness<'_, KinelabApp>| -> Vec<String> {
        behaviours::events(ws(h).project.state(), video)
            .into_iter()
            .map(|e| e.behaviour)
            .collect()
    };
    assert_eq!(codes(&h), ["walking", "walking", "sniff"]);
    click(&mut h, pos2(x_of(25.0), lane_y), PointerButton::Secondary);
    h.get_by_label("Delete").click();
    h.run_steps(2);
    assert_eq!(codes(&h), ["walking", "walking"], "sniff's tick deleted");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(codes(&h), ["freezing", "walking", "sniff"]);
    // The list seeks; each coding is one undoable edit.
    h.get_by_label_contains("frames 20–30: walking (m1)")
        .click();
    h.run_steps(2);
    assert_eq!(ws(&h).selection.frame_idx, 20);
    // The sniff gets its modifier from the list (one edit).
    h.get_by_value("modifier").click();
    h.run_steps(2);
    h.get_by_label("left").click();
    h.run_steps(2);
    let sniff = behaviours::events(ws(&h).project.state(), video)
        .into_iter()
        .find(|e| e.behaviour == "sniff")
        .unwrap();
    assert_eq!(sniff.modifier.as_deref(), Some("left"));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let events = behaviours::events(ws(&h).project.state(), video);
    assert_eq!(events[1].stop_frame, None, "undo reopens walking");
    // Stored in the project: the file holds them.
    let stored = Project::open(&project).unwrap();
    assert_eq!(behaviours::events(stored.state(), video).len(), 3);
    drop(stored);
    // The panel's summary: freezing once, from frame 10 to 19.
    let fps = ws(&h).project.state().videos[0].def.fps;
    h.get_by_label("Summary").click();
    h.run_steps(3);
    let freezing = format!("{:.2} s", 9.0 / fps);
    assert_eq!(
        h.get_all_by_label(&freezing).count(),
        2,
        "its total and its mean"
    );
    // As BORIS's tabular events, which pandas reads: walking is still open.
    let csv = dir.path().join("events.csv");
    let summary = dir.path().join("summary.csv");
    common::kinelab_ok(&[
        "events",
        project.to_str().unwrap(),
        "--out",
        csv.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    let rows = common::run_python(
        r#"
import sys, pandas as pd
s = pd.read_csv(sys.argv[1])
for _, r in s.iterrows():
    t = r["Total duration (s)"]
    print(r["Behavior"], r["Count"], round(t * 1000) if t == t else "-")
"#,
        &[summary.to_str().unwrap()],
    );
    // A BORIS project, read back into a fresh project: the same ethogram and events.
    let boris = dir.path().join("events.boris");
    common::kinelab_ok(&[
        "events",
        project.to_str().unwrap(),
        "--out",
        boris.to_str().unwrap(),
    ]);
    let (_other_dir, other, said) = project_importing(&boris);
    assert!(said.contains("3 behaviours and 3 events added"), "{said}");
    let theirs = Project::open(&other).unwrap();
    let ours = Project::open(&project).unwrap();
    assert_eq!(
        behaviours::ethogram(theirs.state()),
        behaviours::ethogram(ours.state())
    );
    let video_of = |p: &Project| p.state().videos[0].id;
    assert_eq!(
        behaviours::events(theirs.state(), video_of(&theirs)),
        behaviours::events(ours.state(), video_of(&ours))
    );
    // BORIS's tabular events (Kinelab's own CSV) read back the same events too.
    let (_third_dir, third, _) = project_importing(&csv);
    let third = Project::open(&third).unwrap();
    assert_eq!(
        behaviours::events(third.state(), video_of(&third)),
        behaviours::events(ours.state(), video_of(&ours))
    );
    let ms = |frames: f64| (frames / fps * 1000.0).round();
    assert_eq!(
        rows,
        format!(
            "freezing 1 {}\nsniff 1 -\nwalking 1 {}\n",
            ms(9.0),
            ms(279.0)
        ),
        "walking is open: it runs to the last frame (299)"
    );
    let out = common::run_python(
        r#"
import sys, pandas as pd
t = pd.read_csv(sys.argv[1])
for _, r in t.iterrows():
    assert abs(r["Time"] - r["Image index"] / r["FPS"]) < 1e-6, r
    print(r["Subject"], r["Behavior"], r["Behavior type"], r["Image index"])
"#,
        &[csv.to_str().unwrap()],
    );
    assert_eq!(
        out,
        "m1 freezing START 10\nm1 freezing STOP 19\nm1 walking START 20\nm1 sniff POINT 25\n"
    );

    // The ethogram as BORIS's table: from the panel, and from the CLI as TSV, which
    // pandas reads as BORIS's "Import behaviors from a text file" does.
    h.get_by_label("Export ethogram").click();
    h.run_steps(2);
    let from_panel = ws(&h).project.dir().join("events/ethogram.csv");
    assert!(from_panel.is_file(), "{:?}", ws(&h).status);
    let table = dir.path().join("ethogram.tsv");
    let said = common::kinelab_ok(&[
        "events",
        project.to_str().unwrap(),
        "--ethogram",
        table.to_str().unwrap(),
    ]);
    assert!(said.contains("3 behaviours"), "{said}");
    let read = common::run_python(
        r#"
import sys, json, pandas as pd
df = pd.read_csv(sys.argv[1], delimiter="\t")
df.columns = df.columns.str.upper()
for c in ["Behavior code", "Behavior type", "Description", "Key", "Behavioral category", "Excluded behaviors"]:
    assert c.upper() in df.columns, c
for _, r in df.iterrows():
    mods = r["MODIFIERS (JSON)"]
    values = [v for m in json.loads(mods).values() for v in m["values"]] if isinstance(mods, str) else []
    excluded = r["EXCLUDED BEHAVIORS"] if isinstance(r["EXCLUDED BEHAVIORS"], str) else ""
    print(r["BEHAVIOR CODE"], r["BEHAVIOR TYPE"], r["KEY"], excluded, ",".join(values))
"#,
        &[table.to_str().unwrap()],
    );
    assert_eq!(
        read,
        "freezing State event Q walking \nwalking State event K freezing \nsniff Point event E  left,right\n"
    );
    // Read back into a fresh project: the same ethogram.
    let (_fourth_dir, fourth, _) = project_importing(&table);
    assert_eq!(
        behaviours::ethogram(Project::open(&fourth).unwrap().state()),
        behaviours::ethogram(ours.state())
    );
}

#[test]
fn a_rule_built_in_the_panel_finds_computed_events() {
    use kinelab::analysis::rules::{Measure, NamedPoint};
    use kinelab::project::behaviours::{self, Behaviour, BehaviourKind, Ethogram};
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    add_moving_predictions(&project, None);
    let mut h = harness(&project);
    let ethogram = Ethogram {
        behaviours: vec![Behaviour {
            code: "still".into(),
            key: "Q".into(),
            color: "#3cb44b".into(),
            kind: BehaviourKind::State,
            modifiers: Vec::new(),
            group: None,
            description: String::new(),
        }],
    };
    let ws_mut = h.state_mut().workspace.as_mut().unwrap();
    let edit = behaviours::set_ethogram(ws_mut.project.state(), &ethogram).unwrap();
    assert!(ws_mut.apply_edit(edit));
    ws_mut.run(kinelab::ui::commands::Command::BehaviourRules);
    h.run_steps(3);
    h.get_by_label("Add rule").click();
    h.run_steps(3);
    // One click puts every keypoint of the point's individual in a speed condition.
    h.get_by_label("every keypoint").click();
    h.run_steps(2);
    {
        let panel = &ws(&h).rules_panel;
        let rule = &panel.draft.as_ref().unwrap().rules[0];
        let Measure::Speed { points } = &rule.conditions[0].measure else {
            panic!("{rule:?}");
        };
        let names: Vec<&str> = points.iter().map(|p| p.keypoint.as_str()).collect();
        assert_eq!(names, ["snout", "leftear", "rightear"]);
        assert!(points.iter().all(|p| p.individual == points[0].individual));
    }
    h.get_by_label("−").click();
    h.run_steps(2);
    {
        let rule = &ws(&h).rules_panel.draft.as_ref().unwrap().rules[0];
        let Measure::Speed { points } = &rule.conditions[0].measure else {
            panic!("{rule:?}");
        };
        assert_eq!(points.len(), 2, "the last one dropped");
    }
    // "still of m2 when the speed of m2's snout < 0.5 px a frame for ≥ 0.1 s".
    {
        let panel = &mut h.state_mut().workspace.as_mut().unwrap().rules_panel;
        let rule = &mut panel.draft.as_mut().unwrap().rules[0];
        assert_eq!(rule.behaviour, "still");
        rule.subject = "m2".into();
        rule.min_duration_secs = 0.1;
        rule.conditions[0].threshold = 0.5;
        rule.conditions[0].measure = Measure::Speed {
            points: vec![NamedPoint {
                individual: "m2".into(),
                keypoint: "snout".into(),
            }],
        };
    }
    h.run_steps(2);
    h.get_by_label("Save rules").click();
    h.run_steps(2);
    if std::env::var_os("KINELAB_SHOT").is_some() {
        h.render().unwrap().save("/tmp/rules.png").unwrap();
    }
    let saved = kinelab::ui::panels::rules::rules_of(ws(&h).project.state());
    assert_eq!(saved.rules.len(), 1);
    h.get_by_label("Find in this video").click();
    h.run_steps(1);
    let video = ws(&h).project.state().videos[0].id;
    step_until(&mut h, "the rule's events", |app| {
        let ws = app.workspace.as_ref().unwrap();
        !behaviours::events(ws.project.state(), video).is_empty()
    });
    let events = behaviours::events(ws(&h).project.state(), video);
    let frames = ws(&h).frame_count();
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert!(e.computed && e.behaviour == "still");
    assert_eq!((e.start_frame, e.stop_frame), (0, Some(frames - 1)));
    let lanes = ws(&h).event_lanes_for_tests();
    assert_eq!(lanes.len(), 1);
    assert!(
        lanes[0].name.contains("computed"),
        "a lane of its own: {}",
        lanes[0].name
    );
    // A region drawn on the frame: a circle around m2's snout, dragged from its centre.
    h.get_by_label("Draw circle").click();
    h.run_steps(2);
    let (from, to) = (screen(&h, 200.0, 100.0), screen(&h, 240.0, 100.0));
    drag(&mut h, from, to);
    let regions = kinelab::ui::panels::rules::regions_of(ws(&h).project.state());
    assert_eq!(regions.len(), 1, "{regions:?}");
    if std::env::var_os("KINELAB_SHOT").is_some() {
        h.run_steps(2);
        h.render().unwrap().save("/tmp/regions.png").unwrap();
    }
    match &regions[0] {
        kinelab::analysis::rules::Region::Circle { center, radius, .. } => {
            assert!(
                (center[0] - 200.0).abs() < 1.0 && (radius - 40.0).abs() < 1.5,
                "{regions:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Run again: the rule's earlier findings give way, not pile up.
    h.get_by_label("Find in this video").click();
    h.run_steps(1);
    std::thread::sleep(std::time::Duration::from_millis(300));
    h.run_steps(3);
    step_until(&mut h, "the rule to be done", |app| {
        !app.workspace.as_ref().unwrap().rules_panel.is_busy()
    });
    assert_eq!(behaviours::events(ws(&h).project.state(), video).len(), 1);
    // Accepted from its lane's menu (then undone), ...
    let buttons = h.get_by_label("|<").rect();
    let lane_y = buttons.top() - 4.0 - kinelab::ui::panels::timeline::LANE_HEIGHT / 2.0;
    click(&mut h, pos2(600.0, lane_y), PointerButton::Secondary);
    h.get_by_label("Accept").click();
    h.run_steps(2);
    assert!(!behaviours::events(ws(&h).project.state(), video)[0].computed);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(behaviours::events(ws(&h).project.state(), video)[0].computed);
    // ... and in the Behaviours panel: no longer computed.
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .run(kinelab::ui::commands::Command::Behaviours);
    h.run_steps(3);
    h.get_by_label("accept").click();
    h.run_steps(2);
    let events = behaviours::events(ws(&h).project.state(), video);
    assert!(!events[0].computed);
    assert!(!ws(&h).event_lanes_for_tests()[0].name.contains("computed"));

    // The summary's time in the region: m2's snout stays inside, m1's never enters.
    let (csv, summary) = (dir.path().join("e.csv"), dir.path().join("s.csv"));
    common::kinelab_ok(&[
        "events",
        project.to_str().unwrap(),
        "--out",
        csv.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&summary).unwrap();
    let row = |subject: &str| {
        text.lines()
            .find(|l| l.contains(&format!(",{subject},in region1,")))
            .unwrap_or_else(|| panic!("no region row for {subject}:\n{text}"))
            .split(',')
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let (m1, m2) = (row("m1"), row("m2"));
    assert_eq!(m1[4], "0", "{text}");
    assert_eq!(m2[4], "1", "{text}");
    let fps = ws(&h).project.state().videos[0].def.fps;
    let total: f64 = m2[5].parse().unwrap();
    assert!(
        (total - frames as f64 / fps).abs() < 1e-3,
        "{total} s of {frames} frames"
    );
    // Per 1-second bin: one visit in each bin, whose times add up to the whole.
    common::kinelab_ok(&[
        "events",
        project.to_str().unwrap(),
        "--out",
        csv.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
        "--bin-secs",
        "1",
    ]);
    let text = std::fs::read_to_string(&summary).unwrap();
    let m2_bins: Vec<Vec<String>> = text
        .lines()
        .filter(|l| l.contains(",m2,in region1,"))
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let bins = ((frames - 1) as f64 / fps).floor() as usize + 1;
    assert_eq!(m2_bins.len(), bins, "{text}");
    assert!(m2_bins.iter().all(|r| r[4] == "1"), "{text}");
    let binned_total: f64 = m2_bins.iter().map(|r| r[5].parse::<f64>().unwrap()).sum();
    assert!(
        (binned_total - total).abs() < 1e-4,
        "{binned_total} vs {total}"
    );

    // The panel's summary shows the same time in the region, worked out on a worker,
    // and saves it.
    h.get_by_label("Summary").click();
    step_until(&mut h, "the time in regions", |app| {
        app.workspace
            .as_ref()
            .unwrap()
            .behaviours_panel
            .region_lines_for_tests()
            == Some(2)
    });
    h.run_steps(2);
    assert_eq!(h.get_all_by_label("in region1").count(), 2, "m1 and m2");
    assert!(
        h.get_all_by_label(&format!("{total:.2} s")).count() >= 2,
        "m2's total and mean"
    );
    h.state_mut()
        .workspace
        .as_mut()
        .unwrap()
        .behaviours_panel
        .summary_bin_secs = 1.0;
    step_until(&mut h, "the binned time in regions", |app| {
        app.workspace
            .as_ref()
            .unwrap()
            .behaviours_panel
            .region_lines_for_tests()
            == Some(2 * bins)
    });
    h.run_steps(2);
    assert_eq!(h.get_all_by_label("in region1").count(), 2 * bins);
    h.get_by_label("Save summary").click();
    h.run_steps(2);
    let name = kinelab::formats::dlc_project::folder_name(&ws(&h).project.state().videos[0]);
    let saved_path = ws(&h)
        .project
        .dir()
        .join(format!("events/{name} summary.csv"));
    let saved = std::fs::read_to_string(&saved_path)
        .unwrap_or_else(|e| panic!("{}: {e}; {:?}", saved_path.display(), ws(&h).status));
    assert_eq!(
        saved
            .lines()
            .filter(|l| l.contains(",m2,in region1,"))
            .count(),
        bins,
        "{saved}"
    );
    if std::env::var_os("KINELAB_SHOT").is_some() {
        h.render().unwrap().save("/tmp/summary.png").unwrap();
    }
}

#[test]
fn a_boris_spreadsheet_is_imported_from_the_behaviours_panel() {
    use kinelab::project::behaviours;
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let (media, _, _) = common::first_video(&project);
    // BORIS 8's tabular events as it exports them to Excel: a state and a point with
    // its modifier, frame indices given.
    let xlsx = dir.path().join("events.xlsx");
    common::run_python(
        r#"
import sys, pandas as pd
media = sys.argv[2]
rows = [["o", "m1", "walk", "", "START", 1.0, media, 30],
        ["o", "m2", "poke", "left", "POINT", 2.0, media, 60],
        ["o", "m1", "walk", "", "STOP", 3.0, media, 90]]
cols = ["Observation id", "Subject", "Behavior", "Modifier #1", "Behavior type", "Time",
        "Media file name", "Image index"]
pd.DataFrame(rows, columns=cols).to_excel(sys.argv[1], index=False, sheet_name="o")
"#,
        &[xlsx.to_str().unwrap(), &media],
    );
    let mut h = harness(&project);
    press(&mut h, Modifiers::COMMAND, Key::B);
    h.run_steps(3);
    h.get_by_label("Import BORIS…").click();
    h.run_steps(3);
    if std::env::var_os("KINELAB_SHOT").is_some() {
        h.render().unwrap().save("/tmp/boris_picker.png").unwrap();
    }
    // The picker offers BORIS's kinds only: the spreadsheet, not the project file.
    assert!(h.query_by_label_contains("gui.kinelab").is_none());
    h.get_by_label_contains("events.xlsx").click();
    h.run_steps(2);
    h.get_by_label("Open").click();
    step_until(&mut h, "the import", |app| {
        let ws = app.workspace.as_ref().unwrap();
        !behaviours::events(ws.project.state(), ws.project.state().videos[0].id).is_empty()
    });
    let video = ws(&h).project.state().videos[0].id;
    let events = behaviours::events(ws(&h).project.state(), video);
    assert_eq!(
        common::event_rows(&events),
        ["walk 30-90", "poke 60 left"],
        "{:?}",
        ws(&h).status
    );
    let ethogram = behaviours::ethogram(ws(&h).project.state());
    assert_eq!(ethogram.by_code("poke").unwrap().modifiers, ["left"]);
    // One undoable edit.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(behaviours::events(ws(&h).project.state(), video).is_empty());
}
