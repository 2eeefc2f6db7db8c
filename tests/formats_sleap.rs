//! SLEAP files: the analysis HDF5 that SLEAP wrote is read; what Kinelab writes loads
//! in sleap-io and movement with the same values, and reads back the same.

mod common;

use kinelab::formats::{DatasetFormat, dlc_project, sleap_analysis};
use kinelab::video::project_access::FfmpegVideos;

#[test]
fn sleaps_own_analysis_file_is_read() {
    let Some(path) =
        common::shared_data("sleap/hdf5_format_v1/small_robot.000_small_robot_3_frame.analysis.h5")
    else {
        return;
    };
    let a = sleap_analysis::read(&path).unwrap();
    assert_eq!(a.node_names, ["top", "front", "rear"]);
    assert_eq!((a.n_tracks(), a.n_frames), (1, 3));
    assert_eq!(a.edge_inds, [[0, 1], [0, 2], [1, 2]]);
    assert!(a.video_path.ends_with("small_robot_3_frame.mp4"));
    // x of node "top" over the 3 frames, and y of node "rear" (values from h5py).
    assert_eq!(
        &a.tracks[0..3],
        &[322.8760097729464, 320.9737548828125, 322.8760097729464]
    );
    assert_eq!(
        &a.tracks[15..18],
        &[181.86605800817773, 180.3446044921875, 181.86605800817773]
    );
}

#[test]
fn sleap_io_and_movement_read_the_analysis_we_write() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(dlc) = common::openfield_copy(tmp.path()) else {
        return;
    };
    let state = dlc_project::read_project(&dlc.join("config.yaml"), &FfmpegVideos)
        .unwrap()
        .state;
    let out = tmp.path().join("sleap");
    let report = DatasetFormat::SleapAnalysis
        .export(
            &state,
            &dlc,
            &out,
            &kinelab::formats::ProjectAccess::without_predictions(&FfmpegVideos),
            &Default::default(),
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(report.labels, 464);
    let file = out.join("m4s1.analysis.h5");
    // Every label, as text: frame track node x y, from our state...
    let mut want: Vec<String> = state
        .labels
        .iter()
        .map(|(k, l)| {
            let node = state.skeleton.name_of(k.keypoint);
            format!("{} {} {:.6} {:.6}", k.frame_idx, node, l.x, l.y)
        })
        .collect();
    want.sort();
    // ...and as sleap-io and movement read them.
    let got = common::run_python(
        r#"
import sys, numpy as np, sleap_io as sio
from movement.io import load_poses
labels = sio.load_file(sys.argv[1], format="analysis_h5")
rows = []
for lf in labels.labeled_frames:
    for inst in lf.instances:
        for node, pt in zip(labels.skeleton.node_names, inst.numpy()):
            if not np.isnan(pt[0]):
                rows.append(f"{lf.frame_idx} {node} {pt[0]:.6f} {pt[1]:.6f}")
ds = load_poses.from_file(sys.argv[1], source_software="SLEAP")
pos = ds.position.values  # time, space, keypoints, individuals
count = int((~np.isnan(pos[:, 0, :, :])).sum())
for r in sorted(rows):
    print(r)
print("movement", count, [str(k) for k in ds.keypoints.values])
"#,
        &[file.to_str().unwrap()],
    );
    let mut lines: Vec<&str> = got.lines().collect();
    let movement = lines.pop().unwrap();
    assert_eq!(lines, want.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        movement,
        "movement 464 ['snout', 'leftear', 'rightear', 'tailbase']"
    );

    // And it reads back into the project as the same labels.
    // (through the same dispatch File → Import and `kinelab import` use).
    let kinelab::formats::ImportedFile { labels, report, .. } =
        kinelab::formats::labels_from_file(&state, &file, None).unwrap();
    assert!(report.skipped.is_empty(), "{}", report.summary());
    assert_eq!(labels.len(), state.labels.len());
    assert!(labels.iter().all(|(k, l)| state.labels.get(k) == Some(l)));
}

#[test]
fn bad_analysis_files_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("broken.analysis.h5");
    std::fs::write(&path, b"not hdf5").unwrap();
    let err = sleap_analysis::read(&path).unwrap_err().to_string();
    assert!(
        err.contains("broken.analysis.h5") && err.contains("not a readable HDF5"),
        "{err}"
    );
    let other = tmp.path().join("other.h5");
    kinelab::formats::h5::create_file(&other).unwrap();
    let err = sleap_analysis::read(&other).unwrap_err().to_string();
    assert!(err.contains("other.h5: no 'tracks' dataset"), "{err}");
}

/// Every `.slp` in the shared data, as sleap-io reads it and as we do, as text lines:
/// skeleton, then per instance its video, frame, type, track and points.
#[test]
fn every_slp_file_reads_as_sleap_io_reads_it() {
    let files = [
        "sleap/slp_hdf5/minimal_instance.slp",
        "sleap/tracks/clip.slp",
        "sleap/tracks/clip.2node.slp",
        "sleap/tracks/clip.predictions.slp",
    ];
    for rel in files {
        let Some(path) = common::shared_data(rel) else {
            return;
        };
        let theirs = common::run_python(
            r#"
import sys, numpy as np, sleap_io as sio
l = sio.load_file(sys.argv[1])
sk = l.skeleton
print("nodes", " ".join(sk.node_names))
print("edges", sorted((sk.node_names.index(e.source.name), sk.node_names.index(e.destination.name)) for e in sk.edges))
print("symmetries", len(sk.symmetries))
print("tracks", " ".join(t.name for t in l.tracks))
rows = []
for lf in l.labeled_frames:
    v = l.videos.index(lf.video)
    for inst in lf.instances:
        kind = "pred" if type(inst).__name__ == "PredictedInstance" else "user"
        track = inst.track.name if inst.track is not None else "-"
        pts = " ".join("nan" if np.isnan(p["xy"][0]) else f"{p['xy'][0]:.4f},{p['xy'][1]:.4f},{int(p['visible'])}" for p in inst.points)
        rows.append(f"{v} {lf.frame_idx} {kind} {track} {pts}")
for r in sorted(rows):
    print(r)
"#,
            &[path.to_str().unwrap()],
        );
        let s = kinelab::formats::slp::read(&path).unwrap();
        let mut ours = vec![
            format!("nodes {}", s.nodes.join(" ")),
            format!("edges {:?}", {
                let mut e = s.edges.clone();
                e.sort();
                e
            }),
            format!("symmetries {}", s.symmetries.len()),
            format!("tracks {}", s.tracks.join(" ")),
        ];
        let mut rows: Vec<String> = s
            .instances
            .iter()
            .map(|i| {
                let pts: Vec<String> = i
                    .points
                    .iter()
                    .map(|p| {
                        if p.x.is_nan() {
                            "nan".into()
                        } else {
                            format!("{:.4},{:.4},{}", p.x, p.y, u8::from(p.visible))
                        }
                    })
                    .collect();
                let track = i.track.map_or("-".to_string(), |t| s.tracks[t].clone());
                let kind = if i.predicted { "pred" } else { "user" };
                format!(
                    "{} {} {kind} {track} {}",
                    i.video,
                    i.frame_idx,
                    pts.join(" ")
                )
            })
            .collect();
        rows.sort();
        ours.extend(rows);
        let theirs: Vec<&str> = theirs.lines().collect();
        assert_eq!(theirs.len(), ours.len(), "{rel}: line counts differ");
        for (a, b) in theirs.iter().zip(&ours) {
            assert_eq!(*a, b.as_str(), "{rel}");
        }
    }
}

#[test]
fn an_slp_file_opens_as_a_project_with_its_video() {
    let Some(src) = common::shared_data("sleap/tracks") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&src, tmp.path());
    let (sidecar, report) =
        kinelab::formats::slp::open_or_import(&tmp.path().join("clip.slp"), &FfmpegVideos).unwrap();
    let report = report.unwrap();
    assert!(report.skipped.is_empty(), "{}", report.summary());
    let project = kinelab::project::Project::open(&sidecar).unwrap();
    let state = project.state();
    assert_eq!(state.skeleton.keypoints.len(), 13);
    let names: Vec<_> = state
        .individuals
        .iter()
        .map(|i| i.def.name.as_str())
        .collect();
    assert_eq!(names, ["female", "male"]);
    assert_eq!(state.videos[0].def.path, "clip.mp4");
    assert!(state.videos[0].def.frame_count > 0);
    assert_eq!(report.labels, state.labels.len());
    assert!(state.labels.len() > 1000);
}

/// A labels file as sleap-io loads it: skeleton, symmetries, tracks, video names, and
/// every user instance's points (x, y, visible) by video, frame and track.
const SLEAP_IO_USER_INSTANCES: &str = r#"
import sys, os, numpy as np, sleap_io as sio
l = sio.load_file(sys.argv[1], open_videos=False)
sk = l.skeleton
print("nodes", " ".join(sk.node_names))
# Kinelab keeps edges undirected (a pair per edge), so they are compared as pairs.
print("edges", sorted(tuple(sorted((e.source.name, e.destination.name), key=sk.node_names.index)) for e in sk.edges))
print("symmetries", sorted(tuple(sorted(n.name for n in s.nodes)) for s in sk.symmetries))
print("tracks", " ".join(sorted(t.name for t in l.tracks)))
print("videos", " ".join(os.path.basename(v.filename) for v in l.videos))
rows = []
for lf in l.labeled_frames:
    for inst in lf.user_instances:
        track = inst.track.name if inst.track is not None else "-"
        pts = " ".join("nan" if np.isnan(p["xy"][0]) else f"{p['xy'][0]:.6f},{p['xy'][1]:.6f},{int(p['visible'])}" for p in inst.points)
        rows.append(f"{os.path.basename(lf.video.filename)} {lf.frame_idx} {track} {pts}")
for r in sorted(rows):
    print(r)
"#;

#[test]
fn corrections_go_back_to_sleap_as_an_slp_file_sleap_io_loads_point_for_point() {
    let tmp = tempfile::tempdir().unwrap();
    let (Some(slp), Some(video)) = (
        common::shared_data("sleap/tracks/clip.slp"),
        common::shared_data("sleap/tracks/clip.mp4"),
    ) else {
        return;
    };
    let copy = tmp.path().join("clip.slp");
    std::fs::copy(&slp, &copy).unwrap();
    std::fs::copy(&video, tmp.path().join("clip.mp4")).unwrap();
    // Opened as a project (its sidecar), then exported back as .slp.
    let out = tmp.path().join("back/clip.corrected.slp");
    let said = common::kinelab_ok(&[
        "export",
        copy.to_str().unwrap(),
        "--format",
        "slp",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(out.is_file(), "{said}");
    let theirs = common::run_python(SLEAP_IO_USER_INSTANCES, &[copy.to_str().unwrap()]);
    let ours = common::run_python(SLEAP_IO_USER_INSTANCES, &[out.to_str().unwrap()]);
    let (theirs, ours): (Vec<&str>, Vec<&str>) = (theirs.lines().collect(), ours.lines().collect());
    assert!(theirs.len() > 5, "{theirs:?}");
    assert_eq!(
        theirs.len(),
        ours.len(),
        "instances:\n{}\nvs\n{}",
        theirs.join("\n"),
        ours.join("\n")
    );
    for (a, b) in theirs.iter().zip(&ours) {
        assert_eq!(a, b);
    }
    // And Kinelab reads its own file back the same.
    let again = kinelab::formats::slp::read(&out).unwrap();
    let original = kinelab::formats::slp::read(&copy).unwrap();
    assert_eq!(again.nodes, original.nodes);
    assert_eq!(
        again.instances.iter().filter(|i| !i.predicted).count(),
        original.instances.iter().filter(|i| !i.predicted).count()
    );
}

#[test]
fn an_slp_file_keeps_edges_symmetries_occlusion_and_absence() {
    use kinelab::project::{LabelKey, NewProject, Visibility, edits};
    let tmp = tempfile::tempdir().unwrap();
    let new = NewProject {
        name: "p".into(),
        keypoints: vec!["snout".into(), "leftear".into(), "rightear".into()],
        edges: vec![
            ("snout".into(), "leftear".into()),
            ("snout".into(), "rightear".into()),
        ],
        symmetric: vec![("leftear".into(), "rightear".into())],
        individuals: vec!["m1".into(), "m2".into()],
        ..NewProject::default()
    };
    let (path, mut p) = common::project_on_pattern_clip(tmp.path(), "p.kinelab", new);
    let s = p.state().clone();
    let key = |f, i: usize, k: &str| LabelKey {
        video: s.videos[0].id,
        frame_idx: f,
        individual: s.individuals[i].id,
        keypoint: s.skeleton.by_name(k).unwrap().id,
    };
    for (k, x, y) in [
        (key(3, 0, "snout"), 10.5, 20.25),
        (key(3, 0, "leftear"), 12.0, 18.0),
        (key(3, 1, "rightear"), 99.0, 98.0),
    ] {
        p.apply(edits::set_label_position(p.state(), k, x, y).unwrap())
            .unwrap();
    }
    p.apply(edits::set_visibility(p.state(), key(3, 0, "leftear"), Visibility::Occluded).unwrap())
        .unwrap();
    drop(p);
    let out = tmp.path().join("p.slp");
    common::kinelab_ok(&[
        "export",
        path.to_str().unwrap(),
        "--format",
        "slp",
        "--out",
        out.to_str().unwrap(),
    ]);
    let got = common::run_python(SLEAP_IO_USER_INSTANCES, &[out.to_str().unwrap()]);
    let clip = common::clip(&common::h264_gop30());
    let name = clip.file_name().unwrap().to_string_lossy().into_owned();
    let want = format!(
        "nodes snout leftear rightear\n\
         edges [('snout', 'leftear'), ('snout', 'rightear')]\n\
         symmetries [('leftear', 'rightear')]\n\
         tracks m1 m2\n\
         videos {name}\n\
         {name} 3 m1 10.500000,20.250000,1 12.000000,18.000000,0 nan\n\
         {name} 3 m2 nan nan 99.000000,98.000000,1\n"
    );
    assert_eq!(got, want);
}
