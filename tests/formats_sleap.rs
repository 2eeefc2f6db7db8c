//! SLEAP files: the analysis HDF5 that SLEAP wrote is read; what Kinelab writes loads
//! in sleap-io and movement with the same values, and reads back the same.

mod common;

use std::path::Path;

use kinelab::formats::{DatasetFormat, dlc_project, sleap_analysis};
use kinelab::video::project_access::FfmpegVideos;

fn python() -> std::path::PathBuf {
    let path = std::env::var_os("KINELAB_PYTHON")
        .map(Into::into)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"));
    assert!(
        path.exists(),
        "{} is missing: run scripts/setup",
        path.display()
    );
    path
}

fn run_python(code: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(python())
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

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
    let Some(src) = common::shared_data("dlc-openfield") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dlc = tmp.path().join("of");
    common::copy_tree(&src, &dlc);
    let state = dlc_project::read_project(&dlc.join("config.yaml"), &FfmpegVideos)
        .unwrap()
        .state;
    let out = tmp.path().join("sleap");
    let report = DatasetFormat::SleapAnalysis
        .export(&state, &dlc, &out, &FfmpegVideos, &mut |_, _| {})
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
    let got = run_python(
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
    let (labels, report) = sleap_analysis::labels_from_analysis(&state, &file, None).unwrap();
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
    hdf5::File::create(&other).unwrap();
    let err = sleap_analysis::read(&other).unwrap_err().to_string();
    assert!(err.contains("other.h5: no 'tracks' dataset"), "{err}");
}
