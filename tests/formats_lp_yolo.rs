//! Lightning Pose CSV and YOLO pose datasets: written, checked by pandas and sleap-io,
//! and (Lightning Pose) read back.

mod common;

use std::path::Path;

use kinelab::formats::{DatasetFormat, ExportOptions, dlc_project};
use kinelab::project::{ProjectState, Visibility, edits};
use kinelab::video::project_access::FfmpegVideos;

/// The openfield project with every 9th label occluded, and leftear/rightear a pair.
fn openfield(dir: &Path, occlude: bool) -> Option<ProjectState> {
    let src = common::shared_data("dlc-openfield")?;
    common::copy_tree(&src, dir);
    let mut state = dlc_project::read_project(&dir.join("config.yaml"), &FfmpegVideos)
        .unwrap()
        .state;
    let mut edits_to_apply = Vec::new();
    if occlude {
        for key in state.labels.keys().copied().step_by(9) {
            edits_to_apply.push(edits::toggle_occluded(&state, key).unwrap());
        }
    }
    let (l, r) = (
        state.skeleton.by_name("leftear").unwrap().id,
        state.skeleton.by_name("rightear").unwrap().id,
    );
    edits_to_apply.push(edits::toggle_symmetric(&state, l, r).unwrap().unwrap());
    for edit in edits_to_apply {
        for change in &edit.changes {
            state.apply(change);
        }
    }
    Some(state)
}

#[test]
fn lightning_pose_csv_round_trips_with_its_visible_column() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("of");
    let Some(state) = openfield(&dir, true) else {
        return;
    };
    let out = tmp.path().join("lp");
    let report = DatasetFormat::LightningPose
        .export(
            &state,
            &dir,
            &out,
            &kinelab::formats::ProjectAccess::without_predictions(&FfmpegVideos),
            &ExportOptions::default(),
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!((report.frames, report.labels), (116, 464));
    assert!(out.join("labeled-data/m4s1/img0000.png").is_file());
    let shape = common::run_python(
        r#"
import sys, pandas as pd
df = pd.read_csv(sys.argv[1], header=[0, 1, 2], index_col=0)
print(df.shape[0], df.shape[1], sorted(set(df.columns.get_level_values(2))), int((df.xs("visible", axis=1, level=2) == 0).sum().sum()))
"#,
        &[out.join("CollectedData.csv").to_str().unwrap()],
    );
    let occluded = state
        .labels
        .values()
        .filter(|l| l.visibility == Visibility::Occluded)
        .count();
    assert_eq!(
        shape.trim(),
        format!("116 12 ['visible', 'x', 'y'] {occluded}")
    );
    let kinelab::formats::ImportedFile { labels, report, .. } =
        kinelab::formats::labels_from_file(&state, &out.join("CollectedData.csv"), None).unwrap();
    assert!(report.skipped.is_empty(), "{}", report.summary());
    assert_eq!(labels.len(), state.labels.len());
    assert!(labels.iter().all(|(k, l)| state.labels.get(k) == Some(l)));
}

#[test]
fn lightning_pose_csv_without_occlusion_is_plain_deeplabcut() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("of");
    let Some(state) = openfield(&dir, false) else {
        return;
    };
    let out = tmp.path().join("lp");
    DatasetFormat::LightningPose
        .export(
            &state,
            &dir,
            &out,
            &kinelab::formats::ProjectAccess::without_predictions(&FfmpegVideos),
            &ExportOptions::default(),
            &mut |_, _| {},
        )
        .unwrap();
    // The same frame as DeepLabCut's own CSV, with the default scorer.
    let ours = kinelab::formats::dlc_csv::read(&out.join("CollectedData.csv")).unwrap();
    let theirs =
        kinelab::formats::dlc_csv::read(&dir.join("labeled-data/m4s1/CollectedData_Pranav.csv"))
            .unwrap();
    assert!(ours.same_as(&theirs));
}

#[test]
fn yolo_pose_datasets_load_in_sleap_io_with_the_same_points() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("of");
    let Some(state) = openfield(&dir, true) else {
        return;
    };
    let out = tmp.path().join("yolo");
    let report = DatasetFormat::Yolo
        .export(
            &state,
            &dir,
            &out,
            &kinelab::formats::ProjectAccess::without_predictions(&FfmpegVideos),
            &ExportOptions { val_fraction: 0.25 },
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!((report.frames, report.labels), (116, 464));
    let yaml = std::fs::read_to_string(out.join("data.yaml")).unwrap();
    assert!(yaml.contains("kpt_shape: [4, 3]"), "{yaml}");
    // snout, leftear, rightear, tailbase: the ears are each other's mirror.
    assert!(yaml.contains("flip_idx: [0, 2, 1, 3]"), "{yaml}");
    let count = |split: &str| {
        std::fs::read_dir(out.join("labels").join(split))
            .unwrap()
            .count()
    };
    let (train, val) = (count("train"), count("val"));
    assert_eq!(train + val, 116);
    assert!((10..=45).contains(&val), "val has {val} of 116 frames");
    assert_eq!(
        std::fs::read_dir(out.join("images/val")).unwrap().count(),
        val
    );
    // Every point, denormalized by sleap-io, within a thousandth of a pixel of ours.
    let got = common::run_python(
        r#"
import sys, numpy as np, sleap_io as sio
from sleap_io.io import ultralytics
rows = []
for split in ["train", "val"]:
    labels = ultralytics.read_labels(sys.argv[1], split=split, image_size=(480, 640))
    for lf in labels.labeled_frames:
        name = lf.video.filename if isinstance(lf.video.filename, str) else lf.video.filename[lf.frame_idx]
        for inst in lf.instances:
            for node, p in zip(labels.skeleton.node_names, inst.points):
                if not np.isnan(p["xy"][0]):
                    rows.append(f"{name.rsplit('/', 1)[-1]} {node} {p['xy'][0]:.3f} {p['xy'][1]:.3f}")
print(len(rows))
for r in sorted(rows):
    print(r)
"#,
        &[out.to_str().unwrap()],
    );
    let mut lines = got.lines();
    assert_eq!(lines.next(), Some("464"));
    let mut want: Vec<String> = state
        .labels
        .iter()
        .map(|(k, l)| {
            format!(
                "m4s1_img{:04}.png {} {:.3} {:.3}",
                k.frame_idx,
                state.skeleton.name_of(k.keypoint),
                l.x,
                l.y,
            )
        })
        .collect();
    want.sort();
    let got: Vec<&str> = lines.collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w);
    }
    // sleap-io reads 1 and 2 alike; the files say which keypoints are occluded (v = 1).
    let mut flags = [0usize; 3];
    for split in ["train", "val"] {
        for entry in std::fs::read_dir(out.join("labels").join(split)).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                let values: Vec<&str> = line.split(' ').collect();
                assert_eq!(values.len(), 5 + 3 * 4, "{line}");
                for v in values[5..].chunks(3) {
                    flags[v[2].parse::<usize>().unwrap()] += 1;
                }
            }
        }
    }
    let occluded = state
        .labels
        .values()
        .filter(|l| l.visibility == Visibility::Occluded)
        .count();
    assert_eq!(flags, [0, occluded, 464 - occluded]);
}
