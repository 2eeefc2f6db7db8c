//! Kinematics against movement: `kinelab kinematics` on real SLEAP tracks (two flies,
//! 1,500 frames), plain and through each filter, beside movement's own loading,
//! filters and kinematics in the venv; distances and angles from the library beside
//! movement's; and a tool's file read with the video beside it.

mod common;

use std::path::{Path, PathBuf};

use kinelab::analysis::kinematics::{distance, heading, joint_angle};
use kinelab::analysis::track_source::{TrackSource, load_tracks};
use kinelab::project::Project;
use kinelab::project::prediction_store::PredictionReader;

const TOL: f64 = 1e-6;

/// A writable copy of SLEAP's tracked clip and its predictions, or `None` where the
/// shared data is absent.
fn clip_copy(dir: &Path) -> Option<PathBuf> {
    let slp = common::shared_data("sleap/tracks/clip.predictions.slp")?;
    let video = common::shared_data("sleap/tracks/clip.mp4")?;
    std::fs::copy(&slp, dir.join("clip.predictions.slp")).unwrap();
    std::fs::copy(&video, dir.join("clip.mp4")).unwrap();
    Some(dir.join("clip.predictions.slp"))
}

type Table = Vec<(String, Vec<Option<f64>>)>;

/// The rows of a long table keyed by frame, individual and keypoint, with the value
/// columns named.
fn read_table(path: &Path, columns: &[&str]) -> Table {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (f, i, k) = (at("frame_idx"), at("individual"), at("keypoint"));
    let cols: Vec<usize> = columns.iter().map(|c| at(c)).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let key = format!("{}/{}/{}", &r[f], &r[i], &r[k]);
            let values = cols
                .iter()
                .map(|&c| r[c].parse::<f64>().ok().filter(|v| v.is_finite()))
                .collect();
            (key, values)
        })
        .collect()
}

fn assert_tables_equal(kinelab: &Path, movement: &Path, what: &str) {
    let columns = ["x", "y", "vx", "vy", "speed", "ax", "ay"];
    let ours = read_table(kinelab, &columns);
    let theirs = read_table(movement, &columns);
    assert_eq!(ours.len(), theirs.len(), "{what}: row counts");
    let mut compared = 0;
    for ((ka, va), (kb, vb)) in ours.iter().zip(&theirs) {
        assert_eq!(ka, kb, "{what}: row order");
        for (c, (a, b)) in columns.iter().zip(va.iter().zip(vb)) {
            match (a, b) {
                (Some(a), Some(b)) => {
                    assert!(
                        (a - b).abs() <= TOL,
                        "{what}: {ka} {c}: Kinelab {a}, movement {b}"
                    );
                    compared += 1;
                }
                (None, None) => {}
                _ => panic!("{what}: {ka} {c}: Kinelab {a:?}, movement {b:?}"),
            }
        }
    }
    assert!(compared > 30_000, "{what}: only {compared} values compared");
}

fn movement_reference(slp: &Path, kinelab_csv: &Path, options: &str) -> (PathBuf, PathBuf) {
    let dir = slp.parent().unwrap();
    let (csv, json) = (dir.join("movement.csv"), dir.join("movement.json"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/kinematics_reference.py");
    let out = std::process::Command::new(common::peer_python())
        .arg(&script)
        .args([slp, kinelab_csv, &csv, &json])
        .arg(options)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "movement: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (csv, json)
}

#[test]
fn the_table_equals_movement_plain_and_through_each_filter() {
    let dir = tempfile::tempdir().unwrap();
    let Some(slp) = clip_copy(dir.path()) else {
        return;
    };
    let table = dir.path().join("kinematics.csv");
    let slp_arg = slp.to_str().unwrap();
    let out_arg = table.to_str().unwrap();
    // (Kinelab's arguments, movement's options): per second by the video's timestamps;
    // the rolling median over interpolated gaps; and the whole chain with
    // Savitzky–Golay on a range whose ends have points (scipy refuses NaN there).
    let cases: [(&[&str], &str); 3] = [
        (&["--units", "px/s"], r#"{"units": "px/s"}"#),
        (
            &["--max-gap", "3", "--smooth", "median:5"],
            r#"{"max_gap": 3, "smooth": "median:5"}"#,
        ),
        (
            &[
                "--units",
                "px/s",
                "--min-likelihood",
                "0.3",
                "--max-gap",
                "200",
                "--smooth",
                "savgol:7:2",
                "--start",
                "2",
                "--stop",
                "1499",
            ],
            r#"{"units": "px/s", "min_likelihood": 0.3, "max_gap": 200, "smooth": "savgol:7:2", "start": 2, "stop": 1499}"#,
        ),
    ];
    for (args, options) in cases {
        let mut all = vec!["kinematics", slp_arg, "--out", out_arg];
        all.extend_from_slice(args);
        let said = common::kinelab_ok(&all);
        assert!(said.contains("4 tracks"), "{said}");
        let (reference, _) = movement_reference(&slp, &table, options);
        assert_tables_equal(&table, &reference, &args.join(" "));
    }
    // The columns, in the order the issue names them.
    let header = std::fs::read_to_string(&table).unwrap();
    assert!(header.starts_with(
        "frame_idx,time_secs,individual,keypoint,x,y,likelihood,vx,vy,speed,ax,ay\n2,0.08,"
    ));
}

fn close(ours: &[f64], theirs: &serde_json::Value, what: &str) {
    let theirs = theirs.as_array().unwrap();
    assert_eq!(ours.len(), theirs.len(), "{what}");
    let mut compared = 0;
    for (f, (a, b)) in ours.iter().zip(theirs).enumerate() {
        match b.as_f64() {
            Some(b) => {
                assert!((a - b).abs() <= TOL, "{what} frame {f}: {a} vs {b}");
                compared += 1;
            }
            None => assert!(a.is_nan(), "{what} frame {f}: {a} where movement has NaN"),
        }
    }
    assert!(compared > 1000, "{what}: {compared}");
}

#[test]
fn distances_and_angles_equal_movement() {
    let dir = tempfile::tempdir().unwrap();
    let Some(slp) = clip_copy(dir.path()) else {
        return;
    };
    let table = dir.path().join("k.csv");
    common::kinelab_ok(&[
        "kinematics",
        slp.to_str().unwrap(),
        "--out",
        table.to_str().unwrap(),
    ]);
    let (_, json) = movement_reference(&slp, &table, "{}");
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();

    let project = Project::open(&dir.path().join("clip.predictions.kinelab")).unwrap();
    let state = project.state();
    let video = &state.videos[0];
    let set = state.present_prediction_sets().next().unwrap().id;
    let reader = PredictionReader::open(project.path()).unwrap();
    let frames = video.def.frame_count as usize;
    let tracks = load_tracks(state, &reader, video, TrackSource::Set(set), frames).unwrap();
    let track = |ind: &str, kp: &str| {
        &tracks
            .iter()
            .find(|t| t.individual_name == ind && t.keypoint_name == kp)
            .unwrap_or_else(|| panic!("no track {ind}/{kp}"))
            .points
    };
    for ind in ["female", "male"] {
        close(
            &distance(track(ind, "head"), track(ind, "thorax")),
            &reference[format!("head_thorax_{ind}")],
            "head–thorax distance",
        );
        close(
            &heading(track(ind, "thorax"), track(ind, "head")),
            &reference[format!("heading_{ind}")],
            "heading",
        );
    }
    close(
        &distance(track("female", "head"), track("male", "head")),
        &reference["heads"],
        "distance between the heads",
    );
    close(
        &joint_angle(
            track("female", "head"),
            track("female", "thorax"),
            track("male", "thorax"),
        ),
        &reference["joint_female_thorax"],
        "angle at the female's thorax",
    );
}

#[test]
fn a_tools_file_is_read_with_the_video_beside_it_and_bad_settings_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (Some(analysis), Some(video)) = (
        common::shared_data("sleap/hdf5_format_v1/small_robot.000_small_robot_3_frame.analysis.h5"),
        common::shared_data("sleap/videos/small_robot.mp4"),
    ) else {
        return;
    };
    let h5 = dir
        .path()
        .join("small_robot.000_small_robot_3_frame.analysis.h5");
    std::fs::copy(&analysis, &h5).unwrap();
    let table = dir.path().join("robot.csv");
    let h5_arg = h5.to_str().unwrap();
    let out_arg = table.to_str().unwrap();

    // Without the video beside it, the message says what to do.
    let err = common::kinelab(&["kinematics", h5_arg, "--out", out_arg]);
    let stderr = String::from_utf8_lossy(&err.stderr);
    assert!(
        !err.status.success() && stderr.contains("--video") && stderr.contains("analysis.h5"),
        "{stderr}"
    );

    std::fs::copy(&video, dir.path().join("small_robot.mp4")).unwrap();
    let said = common::kinelab_ok(&["kinematics", h5_arg, "--out", out_arg]);
    assert!(said.contains("small_robot.mp4"), "{said}");
    let rows = read_table(&table, &["x", "y", "speed"]);
    assert!(
        rows.iter().any(|(_, v)| v[0].is_some()),
        "no positions read"
    );

    // Smoothing that cannot run is refused before anything is read.
    let err = common::kinelab(&[
        "kinematics",
        h5_arg,
        "--out",
        out_arg,
        "--smooth",
        "median:4",
    ]);
    let stderr = String::from_utf8_lossy(&err.stderr);
    assert!(stderr.contains("odd"), "{stderr}");
}

#[test]
fn jumps_injected_into_real_tracks_are_found() {
    use kinelab::analysis::outliers::{OutlierSettings, find_outliers};
    let dir = tempfile::tempdir().unwrap();
    let Some(slp) = clip_copy(dir.path()) else {
        return;
    };
    let (project, _) = kinelab::video::project_access::project_to_open(&slp).unwrap();
    let project = Project::open(&project).unwrap();
    let state = project.state();
    let video = &state.videos[0];
    let set = state.present_prediction_sets().next().unwrap().id;
    let reader = PredictionReader::open(project.path()).unwrap();
    let frames = video.def.frame_count as usize;
    let mut tracks = load_tracks(state, &reader, video, TrackSource::Set(set), frames).unwrap();
    // 80 one-frame jumps of 40 to 100 px, at frames and points where the point is
    // there on the frame and the one before, at least 10 frames apart.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut injected: Vec<usize> = Vec::new();
    while injected.len() < 80 {
        let (t, f) = (next(tracks.len()), 1 + next(frames - 2));
        let p = &tracks[t].points;
        let present = |g: usize| p.x[g].is_finite() && p.x[g + 1].is_finite();
        if !present(f - 1) || injected.iter().any(|&g| g.abs_diff(f) < 10) {
            continue;
        }
        let distance = 40.0 + next(61) as f64;
        let angle = next(360) as f64 * std::f64::consts::PI / 180.0;
        let p = &mut tracks[t].points;
        p.x[f] += distance * angle.cos();
        p.y[f] += distance * angle.sin();
        injected.push(f);
    }
    let report = find_outliers(&tracks, frames, &OutlierSettings::default());
    let flagged: std::collections::BTreeSet<u64> =
        report.outliers.iter().map(|o| o.frame_idx).collect();
    let found = injected
        .iter()
        .filter(|&&f| flagged.contains(&(f as u64)))
        .count();
    let recall = found as f64 / injected.len() as f64;
    assert!(
        recall >= 0.95,
        "recall {recall:.3}: {found} of {} injected jumps found",
        injected.len()
    );
    eprintln!(
        "recall {recall:.3} ({found}/{}), {} frames flagged in all",
        injected.len(),
        flagged.len()
    );
}

#[test]
fn rules_find_the_runs_numpy_finds_on_movements_kinematics() {
    let dir = tempfile::tempdir().unwrap();
    let Some(slp) = clip_copy(dir.path()) else {
        return;
    };
    // Two rules: the heads within 150 px, and the female still (head and thorax both
    // under 1.5 px a frame), each for at least 0.21 s.
    let rules = dir.path().join("rules.json");
    std::fs::write(
        &rules,
        r#"{"rules": [
  {"behaviour": "close", "subject": "female", "min_duration_secs": 0.21,
   "conditions": [{"measure": {"kind": "distance",
      "a": {"individual": "female", "keypoint": "head"},
      "b": {"individual": "male", "keypoint": "head"}},
    "compare": "below", "threshold": 150}]},
  {"behaviour": "still", "subject": "female", "min_duration_secs": 0.21,
   "conditions": [{"measure": {"kind": "speed", "points": [
      {"individual": "female", "keypoint": "head"},
      {"individual": "female", "keypoint": "thorax"}]},
    "compare": "below", "threshold": 1.5}]}
], "units": {"time": "frame"}}"#,
    )
    .unwrap();
    let out = dir.path().join("events.csv");
    let said = common::kinelab_ok(&[
        "rules",
        slp.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(said.contains("events found"), "{said}");
    // Kinelab's runs, from its START and STOP rows.
    let mut ours: Vec<String> = Vec::new();
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let mut open: std::collections::BTreeMap<String, String> = Default::default();
    for r in reader.records() {
        let r = r.unwrap();
        let (behaviour, status, frame) = (r[4].to_owned(), r[6].to_owned(), r[8].to_owned());
        match status.as_str() {
            "START" => {
                open.insert(behaviour, frame);
            }
            "STOP" => ours.push(format!("{behaviour} {} {frame}", open[&behaviour])),
            _ => panic!("a computed state is START or STOP, not {status}"),
        }
    }
    ours.sort();
    let theirs = common::run_python(
        r#"
import sys, numpy as np
from movement.io import load_poses
from movement.kinematics import compute_speed, compute_pairwise_distances
ds = load_poses.from_sleap_file(sys.argv[1])
pos = ds.position.astype("float64")
dist = compute_pairwise_distances(pos.sel(keypoints="head"), dim="individuals", pairs={"female": "male"}).values
speed = compute_speed(pos.sel(individuals="female")).values  # (time, keypoints)
still = np.all(speed < 1.5, axis=1)
close = dist < 150
t = np.arange(len(close)) / 25.0
def runs(mask, name):
    out, start = [], None
    for f, on in enumerate(list(mask) + [False]):
        if on and start is None:
            start = f
        elif not on and start is not None:
            if t[f - 1] - t[start] >= 0.21:
                out.append(f"{name} {start} {f - 1}")
            start = None
    return out
for r in sorted(runs(close, "close") + runs(still, "still")):
    print(r)
"#,
        &[slp.to_str().unwrap()],
    );
    let theirs: Vec<String> = theirs.lines().map(str::to_owned).collect();
    assert!(theirs.len() >= 4, "{theirs:?}");
    assert_eq!(ours, theirs);

    // Kept in the project as computed events, replacing themselves when run again.
    for _ in 0..2 {
        common::kinelab_ok(&[
            "rules",
            slp.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--save",
        ]);
    }
    let project_path = dir.path().join("clip.predictions.kinelab");
    let mut project = Project::open(&project_path).unwrap();
    let video = project.state().videos[0].id;
    let events = kinelab::project::behaviours::events(project.state(), video);
    assert_eq!(events.len(), ours.len());
    assert!(events.iter().all(|e| e.computed));

    // A rule on a region the file does not define takes the project's region: the
    // same events as with the region written into the file.
    let region = r#"{"shape": "circle", "name": "left half", "center": [0, 512], "radius": 512}"#;
    let edit = kinelab::project::edits::set_setting(
        project.state(),
        kinelab::project::settings_keys::REGIONS,
        format!("[{region}]"),
    )
    .unwrap();
    project.apply(edit).unwrap();
    drop(project);
    let in_region = |regions: &str| {
        format!(
            r#"{{"rules": [{{"behaviour": "left", "subject": "female", "min_duration_secs": 0,
   "conditions": [{{"measure": {{"kind": "in_region",
      "point": {{"individual": "female", "keypoint": "thorax"}}, "region": "left half"}},
    "compare": "above", "threshold": 0}}]}}]{regions}, "units": {{"time": "frame"}}}}"#
        )
    };
    let mut outputs = Vec::new();
    for (name, regions) in [
        ("from_project", String::new()),
        ("inline", format!(r#", "regions": [{region}]"#)),
    ] {
        let rules = dir.path().join(format!("{name}.json"));
        std::fs::write(&rules, in_region(&regions)).unwrap();
        let out = dir.path().join(format!("{name}.csv"));
        common::kinelab_ok(&[
            "rules",
            project_path.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        outputs.push(std::fs::read_to_string(&out).unwrap());
    }
    assert!(outputs[0].contains(",left,"), "{}", outputs[0]);
    assert_eq!(outputs[0], outputs[1]);
}
