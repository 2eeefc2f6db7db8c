//! The project store: edits are durable the moment they are made, undo and redo are
//! exact and survive reopening, schemas migrate, and bad files get clear messages.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use kinelab::project::edits;
use kinelab::project::store::{APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION};
use kinelab::project::*;
use kinelab::project::{prediction_store, predictions};

fn two_mice() -> NewProject {
    NewProject {
        name: "two mice".into(),
        keypoints: vec![
            "snout".into(),
            "leftear".into(),
            "rightear".into(),
            "tail".into(),
        ],
        edges: vec![
            ("snout".into(), "leftear".into()),
            ("snout".into(), "rightear".into()),
        ],
        symmetric: vec![("leftear".into(), "rightear".into())],
        individuals: vec!["m1".into(), "m2".into()],
        videos: vec![VideoDef {
            path: "videos/a.mp4".into(),
            size_bytes: 1234,
            edge_hash: u64::MAX - 5,
            width: 640,
            height: 480,
            fps: 30.0,
            frame_count: 1000,
            frame_files: None,
        }],
    }
}

fn new_project(dir: &Path) -> Project {
    Project::create(&dir.join("mice.kinelab"), &two_mice()).unwrap()
}

fn key(p: &Project, frame_idx: u64, individual: &str, keypoint: &str) -> LabelKey {
    let s = p.state();
    LabelKey {
        video: s.videos[0].id,
        frame_idx,
        individual: s.individual_by_name(individual).unwrap().id,
        keypoint: s.skeleton.by_name(keypoint).unwrap().id,
    }
}

/// Places the label at (frame, individual, keypoint).
fn place_at(p: &mut Project, (frame_idx, individual, keypoint): (u64, &str, &str), x: f64, y: f64) {
    let k = key(p, frame_idx, individual, keypoint);
    place(p, k, x, y);
}

fn place(p: &mut Project, k: LabelKey, x: f64, y: f64) {
    let edit = edits::set_label_position(p.state(), k, x, y).unwrap();
    p.apply(edit).unwrap();
}

#[test]
fn a_new_project_reopens_as_it_was_created() {
    let dir = tempfile::tempdir().unwrap();
    let p = new_project(dir.path());
    let created = p.state().clone();
    drop(p);
    let p = Project::open(&dir.path().join("mice.kinelab")).unwrap();
    assert_eq!(p.state(), &created);
    assert_eq!(p.name(), "two mice");
    let s = p.state();
    assert_eq!(s.skeleton.keypoints.len(), 4);
    assert_eq!(s.skeleton.edges.len(), 2);
    let left = s.skeleton.by_name("leftear").unwrap().id;
    let right = s.skeleton.by_name("rightear").unwrap().id;
    assert_eq!(s.skeleton.partner(left), Some(right));
    // u64 values above i64::MAX survive SQLite's signed integers.
    assert_eq!(s.videos[0].def.edge_hash, u64::MAX - 5);
    // Nothing but the project file is left in the folder.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect();
    assert_eq!(names, ["mice.kinelab"]);
}

/// A project on shared lab storage is a file collaborators can open: it gets the
/// umask's mode, as any new file, never the 0600 of the temporary file it was made in.
#[cfg(unix)]
#[test]
fn a_new_project_file_has_an_ordinary_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let project = new_project(dir.path());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let probe = dir.path().join("probe");
    std::fs::File::create(&probe).unwrap();
    assert_eq!(mode(project.path()), mode(&probe));
}

#[test]
fn creating_over_an_existing_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mice.kinelab");
    std::fs::write(&path, "precious").unwrap();
    let err = Project::create(&path, &two_mice()).err().unwrap();
    assert!(err.to_string().contains("already there"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
}

#[test]
fn edits_undo_and_redo_exactly_and_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path());
    let snout = key(&p, 5, "m1", "snout");
    place(&mut p, snout, 10.0, 20.0);
    place(&mut p, snout, 11.5, 21.5);
    assert_eq!(p.undo_description(), Some("move 'snout'"));
    let occlude = edits::toggle_occluded(p.state(), snout).unwrap();
    p.apply(occlude).unwrap();
    assert_eq!(
        p.state().label(&snout).unwrap().visibility,
        Visibility::Occluded
    );

    assert_eq!(p.undo().unwrap().as_deref(), Some("occlude 'snout'"));
    assert_eq!(
        p.state().label(&snout).unwrap().visibility,
        Visibility::Visible
    );
    assert_eq!(p.undo().unwrap().as_deref(), Some("move 'snout'"));
    assert_eq!(p.state().label(&snout).unwrap().x, 10.0);
    assert_eq!(p.undo().unwrap().as_deref(), Some("place 'snout'"));
    assert!(p.state().label(&snout).is_none());
    assert_eq!(p.undo().unwrap(), None);
    assert_eq!(p.redo_description(), Some("place 'snout'"));
    assert_eq!(p.redo().unwrap().as_deref(), Some("place 'snout'"));
    assert_eq!(p.redo().unwrap().as_deref(), Some("move 'snout'"));
    assert_eq!(p.state().label(&snout).unwrap().x, 11.5);

    // A new edit drops what could still be redone.
    let delete = edits::delete_label(p.state(), snout).unwrap();
    p.apply(delete).unwrap();
    assert_eq!(p.redo_description(), None);
    assert!(p.state().label(&snout).is_none());
    assert_eq!(p.state().label_count_on_frame(p.state().videos[0].id, 5), 0);
}

#[test]
fn history_and_labels_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mice.kinelab");
    let mut p = new_project(dir.path());
    let a = key(&p, 1, "m1", "snout");
    let b = key(&p, 2, "m2", "tail");
    place(&mut p, a, 1.0, 2.0);
    place(&mut p, b, 3.0, 4.0);
    p.undo().unwrap();
    let before = p.state().clone();
    drop(p);

    let mut p = Project::open(&path).unwrap();
    assert_eq!(p.state(), &before);
    assert_eq!(p.redo_description(), Some("place 'tail'"));
    assert_eq!(p.undo_description(), Some("place 'snout'"));
    p.redo().unwrap();
    assert_eq!(p.state().label(&b).unwrap().y, 4.0);
    p.undo().unwrap();
    p.undo().unwrap();
    assert!(p.state().labels.is_empty());
}

#[test]
fn deleting_a_keypoint_takes_its_labels_and_edges_and_undo_brings_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path());
    for f in 0..5 {
        place_at(&mut p, (f, "m1", "leftear"), 1.0, f as f64);
        place_at(&mut p, (f, "m2", "snout"), 2.0, f as f64);
    }
    let full = p.state().clone();
    let leftear = p.state().skeleton.by_name("leftear").unwrap().id;
    assert_eq!(edits::labels_of_keypoint(p.state(), leftear), 5);
    let edit = edits::delete_keypoint(p.state(), leftear).unwrap();
    p.apply(edit).unwrap();
    let s = p.state();
    assert!(s.skeleton.by_name("leftear").is_none());
    assert_eq!(s.labels.len(), 5);
    assert_eq!(s.skeleton.edges.len(), 1);
    assert!(s.skeleton.symmetric.is_empty());
    assert_eq!(
        p.undo().unwrap().as_deref(),
        Some("delete keypoint 'leftear'")
    );
    assert_eq!(p.state(), &full);
    // And the file agrees with memory.
    let path = p.path().to_owned();
    drop(p);
    assert_eq!(Project::open(&path).unwrap().state(), &full);
}

#[test]
fn skeleton_and_individual_edits() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path());
    let snout_key = key(&p, 3, "m1", "snout");
    place(&mut p, snout_key, 5.0, 5.0);
    let snout = snout_key.keypoint;

    // Renaming keeps the labels, which refer to the keypoint's id.
    let edit = edits::rename_keypoint(p.state(), snout, "nose")
        .unwrap()
        .unwrap();
    p.apply(edit).unwrap();
    assert_eq!(p.state().skeleton.name_of(snout), "nose");
    assert!(p.state().label(&snout_key).is_some());
    let dup = edits::rename_keypoint(p.state(), snout, "tail").unwrap_err();
    assert!(dup.to_string().contains("already"), "{dup}");

    let (edit, tail_tip) = edits::add_keypoint(p.state(), "tail_tip").unwrap();
    p.apply(edit).unwrap();
    assert_eq!(p.state().skeleton.keypoints.last().unwrap().id, tail_tip);
    let edit = edits::move_keypoint_in_order(p.state(), tail_tip, 0)
        .unwrap()
        .unwrap();
    p.apply(edit).unwrap();
    assert_eq!(p.state().skeleton.keypoints[0].id, tail_tip);
    assert_eq!(p.state().skeleton.position(snout), Some(1));

    let tail = p.state().skeleton.by_name("tail").unwrap().id;
    let edit = edits::toggle_edge(p.state(), tail, tail_tip)
        .unwrap()
        .unwrap();
    p.apply(edit).unwrap();
    assert!(
        p.state()
            .skeleton
            .edges
            .contains(&ordered_pair(tail, tail_tip))
    );
    assert_eq!(p.undo_description(), Some("add edge 'tail'–'tail_tip'"));

    // Pairing a keypoint anew drops its old pair in the same edit.
    let left = p.state().skeleton.by_name("leftear").unwrap().id;
    let edit = edits::toggle_symmetric(p.state(), left, tail)
        .unwrap()
        .unwrap();
    p.apply(edit).unwrap();
    assert_eq!(p.state().skeleton.symmetric.len(), 1);
    assert_eq!(p.state().skeleton.partner(left), Some(tail));
    p.undo().unwrap();
    let right = p.state().skeleton.by_name("rightear").unwrap().id;
    assert_eq!(p.state().skeleton.partner(left), Some(right));

    let (edit, m3) = edits::add_individual(p.state(), "m3").unwrap();
    p.apply(edit).unwrap();
    let edit = edits::rename_individual(p.state(), m3, "female")
        .unwrap()
        .unwrap();
    p.apply(edit).unwrap();
    assert_eq!(p.state().individual_name(m3), "female");
    let m1 = snout_key.individual;
    let edit = edits::delete_individual(p.state(), m1).unwrap();
    p.apply(edit).unwrap();
    assert!(p.state().label(&snout_key).is_none());
    p.undo().unwrap();
    assert!(p.state().label(&snout_key).is_some());

    // Every one of those edits undoes back to the created project.
    while p.undo().unwrap().is_some() {}
    let created = two_mice().to_state().unwrap();
    assert_eq!(p.state().skeleton, created.skeleton);
    assert_eq!(p.state().individuals, created.individuals);
    assert!(p.state().labels.is_empty());
}

#[test]
fn copy_and_swap_on_a_frame() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path());
    let video = p.state().videos[0].id;
    place_at(&mut p, (10, "m1", "snout"), 1.0, 1.0);
    place_at(&mut p, (10, "m2", "snout"), 9.0, 9.0);
    place_at(&mut p, (12, "m1", "snout"), 2.0, 2.0);
    let copy = edits::copy_labels_from_frame(p.state(), video, 10, 12, None).unwrap();
    p.apply(copy).unwrap();
    // Frame 12 kept its own m1 label and got m2's from frame 10.
    assert_eq!(p.state().label(&key(&p, 12, "m1", "snout")).unwrap().x, 2.0);
    assert_eq!(p.state().label(&key(&p, 12, "m2", "snout")).unwrap().x, 9.0);

    let (m1, m2) = (
        key(&p, 0, "m1", "snout").individual,
        key(&p, 0, "m2", "snout").individual,
    );
    let swap = edits::swap_individuals(p.state(), video, 12, m1, m2).unwrap();
    assert_eq!(swap.description, "swap 'm1' and 'm2' on frame 12");
    p.apply(swap).unwrap();
    assert_eq!(p.state().label(&key(&p, 12, "m1", "snout")).unwrap().x, 9.0);
    assert_eq!(p.state().label(&key(&p, 12, "m2", "snout")).unwrap().x, 2.0);

    assert_eq!(
        p.state().labeled_frames(video).collect::<Vec<_>>(),
        [10, 12]
    );
    assert_eq!(p.state().next_labeled_frame(video, 10), Some(12));
    assert_eq!(p.state().previous_labeled_frame(video, 12), Some(10));
    assert_eq!(p.state().next_frame_with_unlabeled(video, 10), Some(12));
}

#[test]
fn a_newer_schema_is_refused_and_an_older_one_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mice.kinelab");
    drop(new_project(dir.path()));
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let err = Project::open(&path).err().unwrap().to_string();
    assert!(
        err.contains("newer Kinelab") && err.contains("mice.kinelab"),
        "{err}"
    );

    // A version-1 file, as the first release wrote it.
    let old = dir.path().join("old.kinelab");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO meta VALUES ('name', 'old');
             INSERT INTO keypoints VALUES (1, 'snout', '#ff0000', 0);
             INSERT INTO individuals VALUES (1, 'animal', 0);
             INSERT INTO videos VALUES (1, 'v.mp4', 10, 20, 64, 48, 25.0, 100);
             INSERT INTO labels VALUES (1, 7, 1, 1, 3.5, 4.5, 'occluded', 'human', NULL);",
        )
        .unwrap();
    }
    let mut p = Project::open(&old).unwrap();
    let k = key(&p, 7, "animal", "snout");
    assert_eq!(
        p.state().label(&k).unwrap().visibility,
        Visibility::Occluded
    );
    place(&mut p, k, 1.0, 1.0);
    drop(p);
    let conn = rusqlite::Connection::open(&old).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let stamped: Option<f64> = conn
        .query_row("SELECT made_at_unix_secs FROM history", [], |r| r.get(0))
        .unwrap();
    assert!(stamped.is_some_and(|t| t > 1.0e9));
}

#[test]
fn files_that_are_not_projects_get_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.kinelab");
    std::fs::write(
        &text,
        "this is not a database, just some text to fill a page. ".repeat(100),
    )
    .unwrap();
    let empty = dir.path().join("empty.kinelab");
    std::fs::write(&empty, "").unwrap();
    let other = dir.path().join("other.kinelab");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x);")
        .unwrap();
    let cases: [(PathBuf, &str); 5] = [
        (text, "not an SQLite database"),
        (empty, "empty"),
        (other, "another program"),
        (dir.path().join("missing.kinelab"), "no such project"),
        (dir.path().to_owned(), "folder"),
    ];
    for (path, expected) in cases {
        let err = Project::open(&path).err().unwrap().to_string();
        assert!(err.contains(expected), "{}: {err}", path.display());
        assert!(err.contains(&*path.to_string_lossy()), "{err}");
    }
}

/// The child half of the kill test: makes edits forever, printing each one's number
/// after `apply` returns, that is, once it would be on screen.
#[test]
#[ignore = "run by sigkill_loses_no_edit_that_was_reported"]
fn child_makes_edits_until_killed() {
    let Ok(path) = std::env::var("KINELAB_TEST_CHILD_PROJECT") else {
        return;
    };
    let mut p = Project::open(Path::new(&path)).unwrap();
    for n in 0u64.. {
        let k = key(&p, n, if n % 2 == 0 { "m1" } else { "m2" }, "snout");
        place(&mut p, k, n as f64, 0.5);
        println!("edit {n}");
    }
}

#[test]
fn sigkill_loses_no_edit_that_was_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mice.kinelab");
    drop(new_project(dir.path()));
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "child_makes_edits_until_killed",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("KINELAB_TEST_CHILD_PROJECT", &path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut last_reported = None;
    while let Some(Ok(line)) = lines.next() {
        if let Some(n) = line.strip_prefix("edit ") {
            last_reported = n.parse::<u64>().ok();
            if last_reported >= Some(300) {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let last = last_reported.expect("the child reported edits");

    let p = Project::open(&path).unwrap();
    let video = p.state().videos[0].id;
    for n in 0..=last {
        let k = key(&p, n, if n % 2 == 0 { "m1" } else { "m2" }, "snout");
        let label = p
            .state()
            .label(&k)
            .unwrap_or_else(|| panic!("edit {n} was lost"));
        assert_eq!(label.x, n as f64);
    }
    assert!(p.state().labeled_frames(video).count() as u64 > last);
    assert!(p.undo_description().is_some());
}

fn prediction_def(name: &str) -> PredictionSetDef {
    PredictionSetDef {
        name: name.into(),
        source: format!("/data/{name}.h5"),
        scorer: "DLC_resnet50".into(),
        created_unix_secs: 1.7e9,
    }
}

/// Predictions for frames 0..frame_count of the first video: both mice's snouts at
/// (frame, 2·frame) with score 0.5.
fn snout_predictions(p: &Project, frame_count: u64) -> (VideoId, predictions::PredictionArrays) {
    let s = p.state();
    let shape = predictions::PredictionShape {
        individuals: s.individuals.iter().map(|i| i.id).collect(),
        keypoints: vec![s.skeleton.by_name("snout").unwrap().id],
        frame_count,
    };
    let mut arrays = predictions::PredictionArrays::empty(shape.clone());
    for f in 0..frame_count {
        for i in &s.individuals {
            let slot = shape.slot(i.id, shape.keypoints[0]).unwrap();
            arrays.set(f, slot, [f as f32, 2.0 * f as f32, 0.5]);
        }
    }
    (s.videos[0].id, arrays)
}

#[test]
fn a_prediction_set_is_stored_in_chunks_and_undone_as_one_small_edit() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path());
    let frames = predictions::CHUNK_FRAMES * 2 + 5;
    let (video, arrays) = snout_predictions(&p, frames);
    let mut writer = prediction_store::PredictionWriter::open(p.path()).unwrap();
    let mut progress = Vec::new();
    let id = writer
        .write_set(
            &prediction_def("m1DLC"),
            &[(video, arrays.clone())],
            false,
            &mut |done, total| progress.push((done, total)),
        )
        .unwrap();
    assert_eq!(progress.last(), Some(&(3, 3)));
    // Written but not in the project until its edit.
    assert!(p.state().prediction_set(id).is_none());
    p.add_prediction_set(id, "import m1DLC.h5").unwrap();
    let set = p.state().prediction_set(id).unwrap();
    assert_eq!(set.def.name, "m1DLC");
    let summary = set.video(video).unwrap().summary_at(frames - 1).unwrap();
    assert_eq!(summary, (1.0, 128.0 / 255.0));
    // A frame in the third chunk, read from its chunk.
    let (shape, floats) = p.prediction_frame(id, video, frames - 1).unwrap().unwrap();
    let slot = shape
        .slot(shape.individuals[1], shape.keypoints[0])
        .unwrap();
    let f = (frames - 1) as f32;
    assert_eq!(floats[slot..slot + 3], [f, 2.0 * f, 0.5]);
    // The history holds one small change, not the arrays.
    let history_json: String = rusqlite::Connection::open(p.path())
        .unwrap()
        .query_row("SELECT changes FROM history", [], |r| r.get(0))
        .unwrap();
    assert!(history_json.len() < 500, "{history_json}");
    // Undo hides it; redo brings it back with its arrays; reopening keeps it.
    p.undo().unwrap();
    assert!(p.state().prediction_set(id).is_none());
    assert!(p.prediction_frame(id, video, 0).unwrap().is_none());
    p.redo().unwrap();
    assert!(p.prediction_frame(id, video, 7).unwrap().is_some());
    let path = p.path().to_owned();
    drop(p);
    let p = Project::open(&path).unwrap();
    let reader = prediction_store::PredictionReader::open(&path).unwrap();
    use prediction_store::PredictionSource;
    let back = reader
        .arrays(p.state().prediction_set(id).unwrap(), video)
        .unwrap();
    assert_eq!(back.point_count(), arrays.point_count());
    assert!(
        back.values
            .iter()
            .zip(&arrays.values)
            .all(|(a, b)| a == b || (a.is_nan() && b.is_nan()))
    );
    // The file grew by little more than the raw floats.
    let raw = arrays.values.len() * 4;
    let size = std::fs::metadata(&path).unwrap().len() as usize;
    assert!(size < raw * 12 / 10 + 200_000, "{size} bytes for {raw}");
}

#[test]
fn a_set_nothing_can_bring_back_is_deleted_when_the_project_opens() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path());
    let (video, arrays) = snout_predictions(&p, 10);
    let mut writer = prediction_store::PredictionWriter::open(p.path()).unwrap();
    // An import abandoned before its edit.
    let abandoned = writer
        .write_set(
            &prediction_def("a"),
            &[(video, arrays.clone())],
            false,
            &mut |_, _| {},
        )
        .unwrap();
    // An import undone, then replaced by another edit (its redo is gone).
    let undone = writer
        .write_set(
            &prediction_def("b"),
            &[(video, arrays.clone())],
            false,
            &mut |_, _| {},
        )
        .unwrap();
    p.add_prediction_set(undone, "import b").unwrap();
    p.undo().unwrap();
    let k = key(&p, 1, "m1", "snout");
    place(&mut p, k, 1.0, 1.0);
    // An undone import that redo can still bring back stays.
    let kept = writer
        .write_set(
            &prediction_def("c"),
            &[(video, arrays)],
            false,
            &mut |_, _| {},
        )
        .unwrap();
    p.add_prediction_set(kept, "import c").unwrap();
    p.undo().unwrap();
    let path = p.path().to_owned();
    drop(p);
    let mut p = Project::open(&path).unwrap();
    let stored = &p.state().prediction_sets;
    assert!(!stored.contains_key(&abandoned));
    assert!(!stored.contains_key(&undone));
    assert!(stored.contains_key(&kept));
    let chunks: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM prediction_chunks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(chunks, 1, "only the kept set's chunk is left");
    p.redo().unwrap();
    assert!(p.state().prediction_set(kept).is_some());
}

#[test]
fn a_models_scored_labels_become_a_prediction_set_when_the_project_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v4.kinelab");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        for m in &MIGRATIONS[..4] {
            conn.execute_batch(m.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.execute_batch(
            "INSERT INTO meta VALUES ('name', 'v4');
             INSERT INTO keypoints VALUES (1, 'snout', '#ff0000', 0, 0);
             INSERT INTO keypoints VALUES (2, 'tail', '#00ff00', 1, 0);
             INSERT INTO individuals VALUES (1, 'animal', 0);
             INSERT INTO videos VALUES (1, 'v.mp4', 10, 20, 64, 48, 25.0, 100, NULL);
             INSERT INTO labels VALUES (1, 7, 1, 1, 3.5, 4.5, 'visible', 'model', 'DLC_x', 0.9);
             INSERT INTO labels VALUES (1, 8, 1, 2, 5.5, 6.5, 'visible', 'model', 'DLC_x', 0.25);
             INSERT INTO labels VALUES (1, 9, 1, 1, 1.0, 2.0, 'visible', 'human', NULL, NULL);",
        )
        .unwrap();
    }
    let p = Project::open(&old).unwrap();
    // The human label stays a label; the model's two points are a set now.
    assert_eq!(p.state().labels.len(), 1);
    let set = p.state().present_prediction_sets().next().expect("a set");
    assert_eq!(set.def.name, "DLC_x");
    let video = p.state().videos[0].id;
    let (shape, floats) = p.prediction_frame(set.id, video, 8).unwrap().unwrap();
    assert_eq!(shape.frame_count, 100);
    let slot = shape
        .slot(
            p.state().individuals[0].id,
            p.state().skeleton.by_name("tail").unwrap().id,
        )
        .unwrap();
    assert_eq!(floats[slot..slot + 3], [5.5, 6.5, 0.25]);
}

#[test]
fn a_large_set_is_written_to_the_log_then_reaches_the_file_while_the_project_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path());
    // 2 animals × 1 keypoint × 3 floats × 4 bytes × 250,000 frames: 6 MB, more than
    // the 4 MB of log that wakes the thread.
    let (video, arrays) = snout_predictions(&p, 250_000);
    let file_before = std::fs::metadata(p.path()).unwrap().len();
    let id = prediction_store::PredictionWriter::open(p.path())
        .unwrap()
        .write_set(
            &prediction_def("big"),
            &[(video, arrays)],
            false,
            &mut |_, _| {},
        )
        .unwrap();
    // The writer left the set in the log: the file itself has not grown.
    assert!(std::fs::metadata(p.path()).unwrap().len() < file_before + (1 << 20));
    p.add_prediction_set(id, "import big").unwrap();
    // The edit's commit wakes the thread, which copies the log into the file while
    // the project stays open.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::metadata(p.path()).unwrap().len() < file_before + (5 << 20) {
        assert!(
            std::time::Instant::now() < deadline,
            "the set never reached the project file"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Reopened, the set reads back whole.
    drop(p);
    let p = Project::open(&dir.path().join("mice.kinelab")).unwrap();
    let (_, floats) = p.prediction_frame(id, video, 249_999).unwrap().unwrap();
    assert_eq!(floats[0], 249_999.0);
}

#[test]
fn a_set_a_model_run_fills_shows_each_chunk_once_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path());
    let frames = predictions::CHUNK_FRAMES * 2 + 5;
    let (video, full) = snout_predictions(&p, frames);
    // The run begins its set empty; the app shows it at once.
    let mut arrays = predictions::PredictionArrays::empty(full.shape.clone());
    let mut writer = prediction_store::PredictionWriter::open(p.path()).unwrap();
    let id = writer
        .begin_set(&prediction_def("run"), video, &arrays)
        .unwrap();
    p.add_prediction_set(id, "run the model").unwrap();
    assert!(p.prediction_frame(id, video, 3).unwrap().is_none());
    // The first chunk fills and is written; the app reads it after a refresh, and
    // nothing yet of the second.
    let n = predictions::CHUNK_FRAMES;
    let per_frame = full.shape.frame_floats();
    arrays.values[..n as usize * per_frame].copy_from_slice(&full.values[..n as usize * per_frame]);
    writer.update(id, video, &arrays, 0..1).unwrap();
    p.refresh_prediction_set(id).unwrap();
    let (shape, floats) = p.prediction_frame(id, video, 3).unwrap().unwrap();
    let slot = shape
        .slot(shape.individuals[1], shape.keypoints[0])
        .unwrap();
    assert_eq!(floats[slot..slot + 3], [3.0, 6.0, 0.5]);
    assert!(p.prediction_frame(id, video, n + 1).unwrap().is_none());
    let summary = &p.state().prediction_set(id).unwrap().video(video).unwrap();
    assert_eq!(summary.summary_at(3).unwrap().0, 1.0);
    assert_eq!(summary.summary_at(n + 1).unwrap().0, 0.0);
    // A chunk written again replaces what was there; undo hides the whole set.
    arrays.values.copy_from_slice(&full.values);
    writer.update(id, video, &arrays, 0..3).unwrap();
    p.refresh_prediction_set(id).unwrap();
    assert!(p.prediction_frame(id, video, frames - 1).unwrap().is_some());
    p.undo().unwrap();
    assert!(p.state().prediction_set(id).is_none());
}
