//! COCO keypoints: what Kinelab writes loads in pycocotools and evaluates as ground
//! truth, reads back to the same labels, and bad files are named.

mod common;

use std::path::Path;

use kinelab::formats::{DatasetFormat, coco, dlc_project};
use kinelab::project::{ProjectState, Visibility, edits};
use kinelab::video::project_access::FfmpegVideos;

/// The openfield project, with a few labels made occluded.
fn openfield(dir: &Path) -> Option<ProjectState> {
    let src = common::shared_data("dlc-openfield")?;
    common::copy_tree(&src, dir);
    let imported = dlc_project::read_project(&dir.join("config.yaml"), &FfmpegVideos).unwrap();
    let mut state = imported.state;
    let keys: Vec<_> = state.labels.keys().copied().step_by(7).collect();
    for key in keys {
        let edit = edits::toggle_occluded(&state, key).unwrap();
        for change in &edit.changes {
            state.apply(change);
        }
    }
    Some(state)
}

/// Equal label maps, or the first difference.
fn assert_same_labels(
    got: &std::collections::BTreeMap<kinelab::project::LabelKey, kinelab::project::Label>,
    want: &std::collections::BTreeMap<kinelab::project::LabelKey, kinelab::project::Label>,
) {
    assert_eq!(got.len(), want.len(), "label counts differ");
    if let Some((k, l)) = want.iter().find(|(k, l)| got.get(k) != Some(l)) {
        panic!("{k:?}: want {l:?}, got {:?}", got.get(k));
    }
}

#[test]
fn pycocotools_loads_the_export_and_evaluates_it_as_ground_truth() {
    let tmp = tempfile::tempdir().unwrap();
    let dlc = tmp.path().join("of");
    let Some(state) = openfield(&dlc) else { return };
    let out = tmp.path().join("coco");
    let report = DatasetFormat::Coco
        .export(
            &state,
            &dlc,
            &out,
            &kinelab::formats::ProjectAccess::without_predictions(&FfmpegVideos),
            &Default::default(),
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(report.frames, 116);
    assert_eq!(report.labels, 464);
    assert!(out.join("images/m4s1/img0000.png").is_file());
    let script = r#"
import sys, json, numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
gt = COCO(sys.argv[1])
anns = gt.loadAnns(gt.getAnnIds())
for a in anns:
    kp = np.array(a["keypoints"]).reshape(-1, 3)
    assert a["num_keypoints"] == int((kp[:, 2] > 0).sum())
    v = kp[kp[:, 2] > 0]
    x0, y0 = v[:, 0].min(), v[:, 1].min()
    assert np.allclose(a["bbox"], [x0, y0, v[:, 0].max() - x0, v[:, 1].max() - y0])
    assert np.isclose(a["area"], a["bbox"][2] * a["bbox"][3])
cat = gt.loadCats(gt.getCatIds())[0]
assert cat["keypoints"] == ["snout", "leftear", "rightear", "tailbase"], cat
dets = [dict(image_id=a["image_id"], category_id=a["category_id"], keypoints=a["keypoints"], score=1.0) for a in anns]
dt = gt.loadRes(dets)
ev = COCOeval(gt, dt, "keypoints")
ev.params.kpt_oks_sigmas = np.full(len(cat["keypoints"]), 0.05)
ev.evaluate(); ev.accumulate(); ev.summarize()
print("AP", ev.stats[0], "images", len(gt.getImgIds()), "occluded", sum(int((np.array(a["keypoints"])[2::3] == 1).sum()) for a in anns))
"#;
    let output = std::process::Command::new(common::peer_python())
        .arg("-c")
        .arg(script)
        .arg(out.join("annotations.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let occluded = state
        .labels
        .values()
        .filter(|l| l.visibility == Visibility::Occluded)
        .count();
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        format!("AP 1.0 images 116 occluded {occluded}"),
        "{stdout}"
    );
}

#[test]
fn a_coco_export_reads_back_to_the_same_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let dlc = tmp.path().join("of");
    let Some(state) = openfield(&dlc) else { return };
    let out = tmp.path().join("coco");
    DatasetFormat::Coco
        .export(
            &state,
            &dlc,
            &out,
            &kinelab::formats::ProjectAccess::without_predictions(&FfmpegVideos),
            &Default::default(),
            &mut |_, _| {},
        )
        .unwrap();
    let (labels, report) = coco::labels_from_coco(&state, &out.join("annotations.json")).unwrap();
    assert!(report.skipped.is_empty(), "{}", report.summary());
    assert_same_labels(&labels, &state.labels);
}

#[test]
fn unique_keypoints_get_their_own_category() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let Some(config) = common::maudlc_project(&dir) else {
        return;
    };
    let state = dlc_project::read_project(&config, &FfmpegVideos)
        .unwrap()
        .state;
    let (file, _) = coco::to_coco(&state);
    let names: Vec<_> = file.categories.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["animal", "unique"]);
    let out = tmp.path().join("coco");
    DatasetFormat::Coco
        .export(
            &state,
            &dir,
            &out,
            &kinelab::formats::ProjectAccess::without_predictions(&FfmpegVideos),
            &Default::default(),
            &mut |_, _| {},
        )
        .unwrap();
    let (labels, _) = coco::labels_from_coco(&state, &out.join("annotations.json")).unwrap();
    assert_same_labels(&labels, &state.labels);
}

#[test]
fn bad_coco_files_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bad.json");
    std::fs::write(
        &path,
        r#"{"images": [], "annotations": [], "categories": [
            {"id": 1, "name": "mouse", "keypoints": ["a", "b"], "skeleton": [[1, 2], [2, 3]]}]}"#,
    )
    .unwrap();
    let err = coco::read(&path).unwrap_err().to_string();
    assert!(
        err.contains("bad.json") && err.contains("skeleton[1] = [2, 3]"),
        "{err}"
    );
    std::fs::write(&path, r#"{"images": [}"#).unwrap();
    let err = coco::read(&path).unwrap_err().to_string();
    assert!(err.contains("bad.json, row 1"), "{err}");
    std::fs::write(
        &path,
        r#"{"images": [{"id": 1, "file_name": "v/img0.png"}], "categories": [
            {"id": 1, "name": "mouse", "keypoints": ["a"]}],
            "annotations": [{"id": 7, "image_id": 1, "category_id": 1, "keypoints": [1, 2]}]}"#,
    )
    .unwrap();
    let err = coco::read(&path).unwrap_err().to_string();
    assert!(
        err.contains("annotations[0] (id 7): 2 keypoint values"),
        "{err}"
    );
}
