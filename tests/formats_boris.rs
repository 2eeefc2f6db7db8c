//! BORIS interchange checked by BORIS itself: the `.boris` project Kinelab writes is
//! opened by BORIS's own `project_functions` (its integrity and state-event checks pass)
//! and exported by BORIS's own tabular and aggregated exporters, in each format BORIS
//! offers that Kinelab reads (TSV, CSV, XLSX, XLS, ODS); every export, read back into a
//! fresh project, gives the events Kinelab wrote. The ethogram table Kinelab writes is
//! loaded by BORIS's own ethogram-table loader.

mod common;

use std::path::{Path, PathBuf};

use kinelab::project::behaviours::{self, Behaviour, BehaviourKind, Ethogram, Event};
use kinelab::project::{NewProject, Project};

fn make_project(dir: &Path) -> PathBuf {
    let new = NewProject {
        name: "coded".into(),
        keypoints: vec!["snout".into(), "tail".into()],
        individuals: vec!["m1".into(), "m2".into()],
        ..NewProject::default()
    };
    common::project_on_pattern_clip(dir, "coded.kinelab", new).0
}

fn behaviour(code: &str, key: &str, kind: BehaviourKind, group: Option<&str>) -> Behaviour {
    Behaviour {
        code: code.into(),
        key: key.into(),
        color: "#4363d8".into(),
        kind,
        modifiers: vec![],
        group: group.map(Into::into),
        description: format!("{code}, as coded"),
    }
}

/// Two subjects; two states that exclude each other; a point event with modifiers.
fn code_events(project: &Path) -> Vec<Event> {
    let mut doc = Project::open(project).unwrap();
    let mut poke = behaviour("poke", "P", BehaviourKind::Point, None);
    poke.modifiers = vec!["left".into(), "right".into()];
    let ethogram = Ethogram {
        behaviours: vec![
            behaviour("walk", "K", BehaviourKind::State, Some("posture")),
            behaviour("rest", "R", BehaviourKind::State, Some("posture")),
            poke,
        ],
    };
    let edit = behaviours::set_ethogram(doc.state(), &ethogram).unwrap();
    doc.apply(edit).unwrap();
    let (m1, m2) = (doc.state().individuals[0].id, doc.state().individuals[1].id);
    let video = doc.state().videos[0].id;
    let event = |behaviour: &str, subject, start_frame, stop_frame, modifier: Option<&str>| Event {
        behaviour: behaviour.into(),
        subject,
        start_frame,
        stop_frame,
        modifier: modifier.map(Into::into),
        computed: false,
    };
    let events = vec![
        event("walk", m2, 5, Some(70), None),
        event("walk", m1, 10, Some(40), None),
        event("poke", m2, 25, None, Some("left")),
        event("rest", m1, 41, Some(60), None),
        event("poke", m1, 80, None, None),
        event("poke", m1, 90, None, Some("right")),
    ];
    let edit = behaviours::set_events(doc.state(), video, events, "code").unwrap();
    doc.apply(edit).unwrap();
    behaviours::events(doc.state(), video)
}

/// Opens `.boris` argv[1] in BORIS, checks it, and writes BORIS's tabular and aggregated
/// events into folder argv[2] in each format BORIS offers that Kinelab reads; the
/// compressed `.boris.gz` argv[3] must open in BORIS to the same project.
const BORIS_CHECK: &str = r#"
import os, sys, logging, tablib
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from decimal import Decimal
from boris import project_functions as pf, export_observation as eo, config as cfg
logging.disable(logging.CRITICAL)
path, out, gzipped = sys.argv[1:4]
FORMATS = ["tsv", "csv", "xlsx", "xls", "ods"]
_, changed, pj, msg = pf.open_project_json(path)
assert "error" not in pj, pj["error"]
assert not changed and not msg, (changed, msg)
assert pf.open_project_json(gzipped)[2] == pj, "the .boris.gz opens to another project"
problems = pf.check_project_integrity(pj, cfg.S, path, media_file_available=True)
assert problems == "", problems
(obs_id,) = pj[cfg.OBSERVATIONS]
ok, why = pf.check_state_events_obs(obs_id, pj[cfg.ETHOGRAM], pj[cfg.OBSERVATIONS][obs_id])
assert ok, why
params = {
    cfg.SELECTED_SUBJECTS: [s[cfg.SUBJECT_NAME] for s in pj[cfg.SUBJECTS].values()],
    cfg.SELECTED_BEHAVIORS: [b[cfg.BEHAVIOR_CODE] for b in pj[cfg.ETHOGRAM].values()],
    "time": cfg.TIME_FULL_OBS, cfg.START_TIME: Decimal(0), cfg.END_TIME: Decimal(0),
    cfg.INCLUDE_MODIFIERS: True, cfg.EXCLUDE_BEHAVIORS: False,
}
observation = pj[cfg.OBSERVATIONS][obs_id]
for f in FORMATS:
    ok, why = eo.export_tabular_events(pj, params, obs_id, observation, pj[cfg.ETHOGRAM], f"{out}/tabular.{f}", f)
    assert ok, why
# As BORIS's "Export aggregated events" does (export_events.py): the rows sorted by
# start, under the header of its fields_type(), a column per modifier set.
_, n_modifiers = eo.export_aggregated_events(pj, params, obs_id)
data, _ = eo.export_aggregated_events(pj, params, obs_id, force_number_modifiers=n_modifiers)
header = ["Observation id", "Observation date", "Description", "Observation type", "Source",
          "Time offset (s)", "Coding duration", "Media duration (s)", "FPS (frame/s)", "Subject",
          "Observation duration by subject by observation", "Behavior", "Behavioral category"]
header += [f"Modifier #{i + 1}" for i in range(n_modifiers)]
header += ["Behavior type", "Start (s)", "Stop (s)", "Duration (s)", "Media file name",
           "Image index start", "Image index stop", "Image file path start", "Image file path stop",
           "Comment start", "Comment stop"]
start = header.index("Start (s)")
data = tablib.Dataset(*sorted(data, key=lambda row: float(row[start])), headers=header)
data.title = obs_id
for f in FORMATS:
    ok, why = eo.dataset_write(data, f"{out}/aggregated.{f}", f)
    assert ok, why
print(len(pj[cfg.ETHOGRAM]), len(pj[cfg.SUBJECTS]), len(observation[cfg.EVENTS]), len(data))
"#;

#[test]
fn boris_opens_checks_and_exports_the_boris_project_kinelab_writes() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let ours = code_events(&project);
    let boris = dir.path().join("coded.boris");
    common::kinelab_ok(&[
        "events",
        project.to_str().unwrap(),
        "--out",
        boris.to_str().unwrap(),
    ]);
    let gzipped = dir.path().join("coded.boris.gz");
    common::kinelab_ok(&[
        "events",
        project.to_str().unwrap(),
        "--out",
        gzipped.to_str().unwrap(),
    ]);
    let exports = dir.path().join("from_boris");
    std::fs::create_dir(&exports).unwrap();
    let said = common::run_python(
        BORIS_CHECK,
        &[
            boris.to_str().unwrap(),
            exports.to_str().unwrap(),
            gzipped.to_str().unwrap(),
        ],
    );
    // 3 behaviours, 2 subjects, 3 states as START + STOP and 3 points, 6 events.
    assert_eq!(said.trim(), "3 2 9 6", "{said}");
    // What BORIS exported, each kind in each format, read into a fresh project: the
    // events Kinelab wrote.
    let mut files: Vec<PathBuf> = std::fs::read_dir(&exports)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 10, "{files:?}");
    files.push(gzipped);
    for export in &files {
        let other_dir = tempfile::tempdir().unwrap();
        let other = make_project(other_dir.path());
        let said = common::kinelab_ok(&[
            "events",
            other.to_str().unwrap(),
            "--import",
            export.to_str().unwrap(),
        ]);
        assert!(
            said.contains("6 events added"),
            "{}: {said}",
            export.display()
        );
        let theirs = Project::open(&other).unwrap();
        let video = theirs.state().videos[0].id;
        assert_eq!(
            behaviours::events(theirs.state(), video),
            ours,
            "{}",
            export.display()
        );
    }
}

/// Loads the ethogram table argv[1] as BORIS's "Import behaviors from a text file"
/// does (pandas by the file's suffix, then BORIS's own loader into its ethogram table)
/// and prints each row it made.
const BORIS_ETHOGRAM_TABLE: &str = r#"
import os, sys, json, logging
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import pandas as pd
from PyQt5.QtWidgets import QApplication, QTableWidget
from boris import project_import_export as pie, config as cfg
logging.disable(logging.CRITICAL)
app = QApplication([])
class Ethogram:
    twBehaviors = QTableWidget(0, len(cfg.behavioursFields))
path = sys.argv[1]
df = pd.read_csv(path, delimiter="\t" if path.endswith(".tsv") else ",")
assert pie.load_dataframe_into_behaviors_tablewidget(Ethogram, df) == 0
table = Ethogram.twBehaviors
for row in range(table.rowCount()):
    cell = lambda field: table.item(row, cfg.behavioursFields[field]).text()
    modifiers = json.loads(cell("modifiers")) if cell("modifiers") else {}
    values = ",".join(v for m in modifiers.values() for v in m["values"])
    print("|".join([cell("type"), cell("key"), cell("code"), cell("category"), cell("excluded"), values]))
"#;

#[test]
fn boris_loads_the_ethogram_table_kinelab_writes() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    code_events(&project);
    for name in ["ethogram.tsv", "ethogram.csv"] {
        let table = dir.path().join(name);
        common::kinelab_ok(&[
            "events",
            project.to_str().unwrap(),
            "--ethogram",
            table.to_str().unwrap(),
        ]);
        let rows = common::run_python(BORIS_ETHOGRAM_TABLE, &[table.to_str().unwrap()]);
        assert_eq!(
            rows,
            "State event|K|walk|posture|rest|\n\
             State event|R|rest|posture|walk|\n\
             Point event|P|poke|||left,right\n",
            "{name}"
        );
    }
    // The table as a spreadsheet (BORIS's "Import behaviors from a spreadsheet" takes
    // .xlsx), read into a fresh project: the same ethogram.
    let xlsx = dir.path().join("ethogram.xlsx");
    common::run_python(
        "import sys, pandas as pd\npd.read_csv(sys.argv[1], sep='\\t').to_excel(sys.argv[2], index=False)",
        &[
            dir.path().join("ethogram.tsv").to_str().unwrap(),
            xlsx.to_str().unwrap(),
        ],
    );
    let other_dir = tempfile::tempdir().unwrap();
    let other = make_project(other_dir.path());
    common::kinelab_ok(&[
        "events",
        other.to_str().unwrap(),
        "--import",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(
        behaviours::ethogram(Project::open(&other).unwrap().state()),
        behaviours::ethogram(Project::open(&project).unwrap().state())
    );
}

#[test]
fn an_import_skips_what_falls_after_the_video_and_what_is_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let (media, fps, frames) = common::first_video(&project);
    let end_secs = frames as f64 / fps;
    // A state stopped "at the end of the media" (past the last frame's start), a point
    // well after the video, and one inside it; BORIS gives no frame indices here.
    let table = dir.path().join("events.tsv");
    std::fs::write(
        &table,
        format!(
            "Subject\tBehavior\tModifiers\tBehavior type\tTime\tMedia file name\n\
             m1\twalk\t\tSTART\t2.0\t{media}\n\
             m2\tpoke\tleft\tPOINT\t1.0\t{media}\n\
             m1\twalk\t\tSTOP\t{stop}\t{media}\n\
             m2\tpoke\t\tPOINT\t{after}\t{media}\n",
            stop = end_secs + 0.5,
            after = end_secs + 30.0,
        ),
    )
    .unwrap();
    let import = || {
        common::kinelab_ok(&[
            "events",
            project.to_str().unwrap(),
            "--import",
            table.to_str().unwrap(),
        ])
    };
    let said = import();
    assert!(
        said.contains("2 events added")
            && said.contains(&format!(
                "1 skipped: observation '{media}': after the video's last frame ({})",
                frames - 1
            )),
        "{said}"
    );
    let doc = Project::open(&project).unwrap();
    let events = behaviours::events(doc.state(), doc.state().videos[0].id);
    let spans: Vec<(u64, Option<u64>)> = events
        .iter()
        .map(|e| (e.start_frame, e.stop_frame))
        .collect();
    // 1.0 s and 2.0 s are the frames on screen then; the stop is the last frame.
    let frame = |secs: f64| (secs * fps + 1e-6).floor() as u64;
    assert_eq!(spans, [(frame(1.0), None), (frame(2.0), Some(frames - 1))]);
    drop(doc);
    // The same file again adds nothing.
    let said = import();
    assert!(
        said.contains("0 events added") && said.contains("2 skipped: already in the project"),
        "{said}"
    );
}

/// A BORIS observation's clock: its time offset, then player 1's files one after
/// another. Each file's events land on its own frames, and two observations of the same
/// video both land.
#[test]
fn events_of_a_multi_file_observation_land_on_their_own_files_frames() {
    let dir = tempfile::tempdir().unwrap();
    let project = make_project(dir.path());
    let (media, fps, frames) = common::first_video(&project);
    let length = frames as f64 / fps;
    let boris = serde_json::json!({
        "project_format_version": "7.0",
        "behaviors_conf": {
            "0": {"type": "Point event", "key": "P", "code": "poke", "description": "",
                  "category": "", "modifiers": "", "excluded": "", "coding map": ""},
            "1": {"type": "State event", "key": "W", "code": "walk", "description": "",
                  "category": "", "modifiers": "", "excluded": "", "coding map": ""}
        },
        "subjects_conf": {"0": {"key": "1", "name": "m1", "description": ""},
                          "1": {"key": "2", "name": "m2", "description": ""}},
        "observations": {
            // other.mp4 (10 s) plays first, then the project's clip; 1 s offset.
            "two files": {
                "type": "MEDIA", "time offset": 1.0,
                "file": {"1": ["other.mp4", media], "2": []},
                "media_info": {"length": {"other.mp4": 10.0, media.clone(): length},
                               "offset": {"1": 0.0, "2": 0.0}},
                "events": [
                    [6.0, "m1", "poke", "", ""],
                    [13.0, "m1", "poke", "left", ""],
                    [14.0, "m1", "walk", "", ""],
                    [15.0, "m1", "walk", "", ""]
                ]
            },
            "one file": {
                "type": "MEDIA", "time offset": 0.0,
                "file": {"1": [media], "2": []},
                "media_info": {"length": {media.clone(): length}},
                "events": [[0.5, "m2", "poke", "", ""]]
            }
        }
    });
    let file = dir.path().join("clock.boris");
    std::fs::write(&file, serde_json::to_vec_pretty(&boris).unwrap()).unwrap();
    let said = common::kinelab_ok(&[
        "events",
        project.to_str().unwrap(),
        "--import",
        file.to_str().unwrap(),
    ]);
    // W is Kinelab's "previous keypoint": walk comes without a key, and that is said.
    assert!(
        said.contains("3 events added")
            && said.contains("1 skipped: observation 'two files (other.mp4)': no video")
            && said
                .contains("keys left off, as commands or other behaviours have them: 'W' (walk)"),
        "{said}"
    );
    let doc = Project::open(&project).unwrap();
    // The ethogram takes them keyed where free, coloured where BORIS gave no colour,
    // and with no problem the editor would refuse.
    let ethogram = behaviours::ethogram(doc.state());
    let keys: Vec<(&str, &str)> = ethogram
        .behaviours
        .iter()
        .map(|b| (b.code.as_str(), b.key.as_str()))
        .collect();
    assert_eq!(keys, [("poke", "P"), ("walk", "")]);
    assert!(
        ethogram
            .behaviours
            .iter()
            .all(|b| b.color.len() == 7 && b.color != "#808080")
    );
    let command_keys = kinelab::ui::keymap::Keymap::default().unmodified_keys();
    let problems = ethogram.problems(&|k| command_keys.iter().any(|c| c.eq_ignore_ascii_case(k)));
    assert!(problems.is_empty(), "{problems:?}");
    let events = behaviours::events(doc.state(), doc.state().videos[0].id);
    let frame = |secs: f64| (secs * fps + 1e-6).floor() as u64;
    assert_eq!(
        common::event_rows(&events),
        [
            format!("poke {}", frame(0.5)),
            format!("poke {} left", frame(2.0)),
            format!("walk {}-{}", frame(3.0), frame(4.0)),
        ]
    );
}
