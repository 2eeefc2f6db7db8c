//! ONNX pose models: each family's decoding checked against hand-computed positions in
//! the frame (tiny models with planted peaks), the same frame through Kinelab and
//! through Python onnxruntime with the family's own code, bad models refused by name,
//! and `kinelab infer` over a video.

mod common;

use std::path::{Path, PathBuf};

use kinelab::inference::decode::Pose;
use kinelab::inference::preprocess::RgbFrame;
use kinelab::inference::spec::{Family, ModelSpec};
use kinelab::inference::{PoseModel, SessionOptions};

fn open(path: &Path) -> PoseModel {
    PoseModel::open(path, None, &SessionOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A 320×240 frame of a smooth pattern (the planted models ignore it).
fn pattern_frame() -> Vec<u8> {
    let (w, h) = (320, 240);
    let mut px = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            px.extend([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8]);
        }
    }
    px
}

fn predict(model: &mut PoseModel, pixels: &[u8], w: usize, h: usize) -> Vec<Pose> {
    let frame = RgbFrame {
        width: w,
        height: h,
        pixels,
    };
    model.predict(&[(frame, None)]).unwrap().remove(0)
}

fn assert_point(got: [f32; 3], want: [f64; 3], tol: f64, what: &str) {
    for (g, w) in got.iter().zip(want) {
        assert!(
            (f64::from(*g) - w).abs() <= tol,
            "{what}: got {got:?}, want {want:?}"
        );
    }
}

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

#[test]
fn planted_peaks_decode_to_hand_computed_positions_in_the_frame() {
    use kinelab::inference::spec::Element;
    let dir = tempfile::tempdir().unwrap();
    common::make_pose_models(dir.path());
    let frame = pattern_frame();
    let tol = 1e-3;

    // DeepLabCut: 320×240 stretched to 64×64, stride 8, locref × 7.2801, sigmoid.
    let mut m = open(&dir.path().join("dlc_planted.onnx"));
    assert_eq!(m.spec().family, Family::DlcHeatmap);
    let p = predict(&mut m, &frame, 320, 240);
    assert_eq!(p.len(), 1);
    let (gx, gy) = (64.0 / 320.0, 64.0 / 240.0);
    let x0 = (5.0 * 8.0 + 4.0 + 0.5 * 7.2801) / gx;
    let y0 = (2.0 * 8.0 + 4.0 - 0.25 * 7.2801) / gy;
    assert_point(p[0].points[0], [x0, y0, sigmoid(3.0)], tol, "dlc kp0");
    assert_point(
        p[0].points[1],
        [12.0 / gx, 52.0 / gy, sigmoid(1.0)],
        tol,
        "dlc kp1",
    );

    // Top-down crop of the whole frame: box ×1.25 = 400×300, widened to the input's
    // 48:64 aspect = 400×533.33, centred on (160, 120).
    let (sw, sh) = (400.0, 400.0 / 0.75);
    let back = |x_in: f64, y_in: f64| {
        (
            x_in / 48.0 * sw + 160.0 - sw / 2.0,
            y_in / 64.0 * sh + 120.0 - sh / 2.0,
        )
    };

    // MMPose: argmax (col 7, row 5), a quarter toward the higher neighbours, ×4.
    let mut m = open(&dir.path().join("mmpose_planted.onnx"));
    assert_eq!(m.spec().family, Family::MmposeHeatmap);
    let p = predict(&mut m, &frame, 320, 240);
    let (x, y) = back(7.25 * 4.0, 5.25 * 4.0);
    assert_point(p[0].points[0], [x, y, 0.9], tol, "mmpose kp0");
    // On row 0 MMPose refines neither axis.
    let (x, y) = back(3.0 * 4.0, 0.0);
    assert_point(p[0].points[1], [x, y, 0.7], tol, "mmpose kp1");

    // RTMPose: SimCC bins ÷ 2, score the smaller maximum.
    let mut m = open(&dir.path().join("rtmpose_planted.onnx"));
    assert_eq!(m.spec().family, Family::Rtmpose);
    let p = predict(&mut m, &frame, 320, 240);
    let (x, y) = back(20.0, 35.0);
    assert_point(p[0].points[0], [x, y, 0.6], tol, "rtmpose kp0");
    let (x, y) = back(5.0, 50.0);
    assert_point(p[0].points[1], [x, y, 0.3], tol, "rtmpose kp1");

    // Ultralytics: 320×240 letterboxed into 64×64 (gain 0.2, 8 rows of padding above),
    // the overlapping box suppressed, the one below conf dropped, best first.
    let mut m = open(&dir.path().join("yolo_planted.onnx"));
    assert_eq!(m.spec().family, Family::UltralyticsPose);
    let p = predict(&mut m, &frame, 320, 240);
    let scores: Vec<f32> = p.iter().map(|p| p.score).collect();
    assert_eq!(scores, vec![0.9, 0.5]);
    let back = |x: f64, y: f64| (x / 0.2, (y - 8.0) / 0.2);
    let (x, y) = back(25.0, 28.0);
    assert_point(p[0].points[0], [x, y, 0.95], tol, "yolo pose 0 kp0");
    let (x, y) = back(35.0, 33.0);
    assert_point(p[0].points[1], [x, y, 0.4], tol, "yolo pose 0 kp1");
    let (x, y) = back(11.0, 51.0);
    assert_point(p[1].points[1], [x, y, 0.8], tol, "yolo pose 1 kp1");
    let b = p[0].bbox.expect("a box");
    assert_point([b.x1, b.y1, b.x2], [100.0, 70.0, 200.0], tol, "yolo box");

    // Lightning Pose: 16×16 heatmaps of a 64×64 input, upsampled twice; a lone peak at
    // heatmap pixel (c, r) is input pixel (4c, 4r) after the 1.5-pixel offset, with all
    // the softmax's mass (the lower bump gets none at temperature 1000), then stretched
    // back to 320×240. The fp16 export in a litpose model folder takes its keypoint
    // names from the folder's config.yaml.
    let lp_f16 = dir
        .path()
        .join("lp_model/exports_onnx/lp_fp16_planted.onnx");
    for (path, names, element) in [
        (
            dir.path().join("lp_planted.onnx"),
            ["kp1", "kp2"],
            Element::F32,
        ),
        (lp_f16, ["nose", "tail_base"], Element::F16),
    ] {
        let mut m = open(&path);
        let spec = m.spec().clone();
        assert_eq!(spec.family, Family::LightningPose, "{}", path.display());
        assert_eq!(spec.keypoints, names);
        assert_eq!(spec.input.element, element);
        let p = predict(&mut m, &frame, 320, 240);
        assert_eq!(p.len(), 1);
        let (gx, gy) = (320.0 / 64.0, 240.0 / 64.0);
        assert_point(p[0].points[0], [36.0 * gx, 20.0 * gy, 1.0], tol, "lp kp0");
        assert_point(p[0].points[1], [12.0 * gx, 44.0 * gy, 1.0], tol, "lp kp1");
    }
}

#[test]
fn sleap_nn_exports_take_the_frame_as_bytes_and_give_their_peaks() {
    use kinelab::inference::spec::{Element, Resize};
    let dir = tempfile::tempdir().unwrap();
    common::make_pose_models(dir.path());
    let frame = pattern_frame();

    // Single instance, grey input: the peaks as the model gives them, in frame pixels.
    let mut m = open(&dir.path().join("sleap_single_planted.onnx"));
    let spec = m.spec().clone();
    assert_eq!(spec.family, Family::SleapNn);
    assert_eq!(spec.keypoints, ["head", "thorax"]);
    assert_eq!(
        (spec.input.channels, spec.input.element, spec.input.resize),
        (1, Element::U8, Resize::Native)
    );
    let p = predict(&mut m, &frame, 320, 240);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].points[0], [100.5, 60.25, 0.8]);
    assert!(p[0].points[1][0].is_nan() && p[0].points[1][2] == 0.0);
    assert_eq!(
        p[0].score, 0.8,
        "the mean over the peaks that have a position"
    );

    // Top-down (centroid, then centred instance, in one graph): the valid instances,
    // scored by their centroids.
    let mut m = open(&dir.path().join("sleap_topdown_planted.onnx"));
    let p = predict(&mut m, &frame, 320, 240);
    assert_eq!(p.len(), 1, "the second instance is not valid");
    assert_eq!(p[0].points, vec![[10.0, 20.0, 0.7], [30.0, 40.0, 0.6]]);
    assert_eq!(p[0].score, 0.9);

    // Bottom-up exports need grouping outside the model: refused, saying so.
    let e = open_err(&dir.path().join("sleap_bottomup.onnx"), None);
    assert!(
        e.contains("sleap_bottomup.onnx") && e.contains("part affinity fields"),
        "{e}"
    );
}

/// Without a detector, a top-down model over a video runs on the whole first frame,
/// then on each frame in the box its pose on the frame before gave (rtmlib's
/// `pose_to_bbox`: the keypoints' extent ×1.25).
#[test]
fn without_a_detector_the_box_follows_the_pose() {
    use kinelab::inference::top_down::box_of_pose;
    use std::sync::atomic::AtomicBool;
    let dir = tempfile::tempdir().unwrap();
    common::make_pose_models(dir.path());
    let mut rtm = open(&dir.path().join("rtmpose_planted.onnx"));
    let video = common::clip(&common::h264_gop30());
    let mut poses: Vec<Pose> = Vec::new();
    kinelab::inference::video_run::run_video(
        &mut rtm,
        &video,
        Some(0..4),
        2,
        &AtomicBool::new(false),
        &mut |_| {},
        &mut |_, mut of_frame| {
            assert_eq!(of_frame.len(), 1);
            poses.push(of_frame.remove(0));
        },
    )
    .unwrap();
    assert_eq!(poses.len(), 4);
    assert_eq!(poses[0].bbox, None, "the first frame runs whole");
    // The planted peaks (20, 35) and (5, 50) of the 48×64 input, in the whole frame
    // (320×240 cropped ×1.25 and widened to 48:64: 400 × 533⅓ about its centre).
    let (w, h) = (400.0, 400.0 / 0.75);
    let at = |ix: f64, iy: f64| {
        (
            ix / 48.0 * w + 160.0 - w / 2.0,
            iy / 64.0 * h + 120.0 - h / 2.0,
        )
    };
    let (x0, y0) = at(20.0, 35.0);
    assert_point(poses[0].points[0], [x0, y0, 0.6], 1e-3, "kp0, whole frame");
    let (x1, y1) = at(5.0, 50.0);
    let b = box_of_pose(&poses[0]).unwrap();
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let expect = [
        cx - (cx - x0.min(x1)) * 1.25,
        cy - (cy - y0.min(y1)) * 1.25,
        cx + (x0.max(x1) - cx) * 1.25,
        cy + (y0.max(y1) - cy) * 1.25,
    ];
    for (got, want) in [b.x1, b.y1, b.x2, b.y2].into_iter().zip(expect) {
        assert!((f64::from(got) - want).abs() < 1e-2, "{b:?} vs {expect:?}");
    }
    for t in 1..4 {
        assert_eq!(poses[t].bbox, box_of_pose(&poses[t - 1]), "frame {t}'s box");
    }
    assert_ne!(poses[1].points[0], poses[0].points[0], "the crop moved");
}

#[test]
fn a_detector_gives_a_top_down_model_its_boxes() {
    let dir = tempfile::tempdir().unwrap();
    common::make_pose_models(dir.path());
    let mut detector = open(&dir.path().join("yolo_detect_planted.onnx"));
    assert_eq!(detector.spec().family, Family::UltralyticsDetect);
    let mut rtm = open(&dir.path().join("rtmpose_planted.onnx"));
    let frame = pattern_frame();
    let f = RgbFrame {
        width: 320,
        height: 240,
        pixels: &frame,
    };
    let poses =
        kinelab::inference::top_down::detect_then_pose(&mut detector, &mut rtm, &[f], 2).unwrap();
    // Boxes (letterbox gain 0.2, 8 rows of padding): (130, 40, 170, 80) and
    // (35, 145, 65, 175); each cropped ×1.25 and widened to 48:64, the planted peak
    // (20, 35) of the 48×64 input lands at (20/48·w + cx − w/2, 35/64·h + cy − h/2).
    let back = |cx: f64, cy: f64, side: f64| {
        let (w, h) = (side * 1.25, side * 1.25 / 0.75);
        (
            20.0 / 48.0 * w + cx - w / 2.0,
            35.0 / 64.0 * h + cy - h / 2.0,
        )
    };
    assert_eq!(poses[0].len(), 2);
    for (pose, (cx, cy, side, score)) in poses[0]
        .iter()
        .zip([(150.0, 60.0, 40.0, 0.9), (50.0, 160.0, 30.0, 0.8)])
    {
        let (x, y) = back(cx, cy, side);
        assert_point(pose.points[0], [x, y, 0.6], 1e-3, "kp0 in its box");
        assert_eq!(pose.score, score);
    }

    // The same through `kinelab infer --detector`, two animals a frame.
    let video = common::clip(&common::h264_gop30());
    let out = dir.path().join("out");
    let model = dir.path().join("rtmpose_planted.onnx");
    let det = dir.path().join("yolo_detect_planted.onnx");
    infer(
        &model,
        &video,
        &out,
        &[
            "--detector",
            det.to_str().unwrap(),
            "--animals",
            "2",
            "--stop",
            "3",
            "--format",
            "dlc-csv",
        ],
    );
    let csv = std::fs::read_to_string(out.join(format!(
        "{}DLC_rtmpose_planted.csv",
        video.file_stem().unwrap().to_string_lossy()
    )))
    .unwrap();
    let (x1, _) = back(150.0, 60.0, 40.0);
    let (x2, _) = back(50.0, 160.0, 30.0);
    assert!(
        csv.contains(&format!("{x1:.3}")) && csv.contains(&format!("{x2:.3}")),
        "{csv}"
    );
    // A detector is not a pose model, and a bottom-up model takes no boxes.
    let err = common::kinelab(&[
        "infer",
        "--model",
        det.to_str().unwrap(),
        video.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&err.stderr).contains("gives boxes, not keypoints"));
    let dlc = dir.path().join("dlc_planted.onnx");
    let err = common::kinelab(&[
        "infer",
        "--model",
        dlc.to_str().unwrap(),
        "--detector",
        det.to_str().unwrap(),
        video.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&err.stderr).contains("are for top-down models"));
}

/// Frame 10 of a synthetic clip as RGB, written as a PNG for Python to read.
fn clip_frame(png: &Path) -> (Vec<u8>, usize, usize) {
    let video = common::clip(&common::h264_gop30());
    let mut reader = kinelab::video::VideoReader::open(&video).unwrap();
    let frame = reader.frame(10).unwrap();
    let rgb = kinelab::video::FrameConverter::new(&video)
        .to_rgb(&frame)
        .unwrap();
    rgb.save(png).unwrap();
    let (w, h) = (rgb.width() as usize, rgb.height() as usize);
    (rgb.into_raw(), w, h)
}

#[test]
fn same_frame_as_python_onnxruntime_within_a_thousandth_of_a_pixel() {
    let dir = tempfile::tempdir().unwrap();
    common::make_pose_models(dir.path());
    let png = dir.path().join("frame.png");
    let (pixels, w, h) = clip_frame(&png);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/pose_models.py");
    let out = std::process::Command::new(common::peer_python())
        .arg(&script)
        .arg("reference")
        .arg(dir.path())
        .arg(&png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reference: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for family in ["dlc", "mmpose", "rtmpose", "yolo", "lp"] {
        let path = match family {
            "lp" => dir.path().join("lp_model/exports_onnx/lp_fp16_random.onnx"),
            _ => dir.path().join(format!("{family}_random.onnx")),
        };
        let mut m = open(&path);
        let poses = predict(&mut m, &pixels, w, h);
        let best = &poses[0];
        let want = reference[family].as_array().unwrap();
        assert_eq!(want.len(), best.points.len(), "{family}");
        for (k, (got, want)) in best.points.iter().zip(want).enumerate() {
            let want: Vec<Option<f64>> = want
                .as_array()
                .unwrap()
                .iter()
                .map(serde_json::Value::as_f64)
                .collect();
            match (want[0], want[1]) {
                (Some(x), Some(y)) => {
                    let dx = (f64::from(got[0]) - x).abs();
                    let dy = (f64::from(got[1]) - y).abs();
                    assert!(
                        dx <= 1e-3 && dy <= 1e-3,
                        "{family} kp{k}: Kinelab {got:?}, onnxruntime {want:?}"
                    );
                }
                _ => assert!(
                    got[0].is_nan(),
                    "{family} kp{k}: {got:?} where Python had none"
                ),
            }
            let score = want[2].unwrap();
            assert!(
                (f64::from(got[2]) - score).abs() <= 1e-4,
                "{family} kp{k} score: {} vs {score}",
                got[2]
            );
        }
    }
}

fn open_err(model: &Path, spec: Option<&Path>) -> String {
    match PoseModel::open(model, spec, &SessionOptions::default()) {
        Ok(_) => panic!("{} opened", model.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_models_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models");
    std::fs::create_dir(&models).unwrap();
    common::make_pose_models(&models);

    let missing = models.join("nope.onnx");
    let e = open_err(&missing, None);
    assert!(
        e.contains("nope.onnx") && e.contains("no such model file"),
        "{e}"
    );

    let text = models.join("notes.onnx");
    std::fs::write(&text, "these are my notes, not a model\n").unwrap();
    let e = open_err(&text, None);
    assert!(
        e.contains("notes.onnx") && e.contains("not an ONNX model"),
        "{e}"
    );

    let e = open_err(&models.join("bad_rank.onnx"), None);
    assert!(
        e.contains("bad_rank.onnx")
            && e.contains("'image'")
            && e.contains("rank 4")
            && e.contains("[?, 3, 64]"),
        "{e}"
    );

    // The weights file exists, one folder up: still refused.
    std::fs::write(dir.path().join("outside.bin"), [0u8; 12]).unwrap();
    let e = open_err(&models.join("external.onnx"), None);
    assert!(
        e.contains("external.onnx")
            && e.contains("../outside.bin")
            && e.contains("outside the model's folder"),
        "{e}"
    );

    // A spec that names a tensor the model lacks.
    let model = models.join("dlc_planted.onnx");
    let mut spec = open(&model).spec().clone();
    if let kinelab::inference::spec::OutputSpec::Heatmap { locref, .. } = &mut spec.output {
        *locref = Some("offsets".into());
    }
    let spec_path = dir.path().join("wrong.json");
    spec.write(&spec_path).unwrap();
    let e = open_err(&model, Some(&spec_path));
    assert!(
        e.contains("dlc_planted.onnx") && e.contains("'offsets'") && e.contains("heatmap, locref"),
        "{e}"
    );

    // A spec whose keypoint count disagrees with the heatmaps: the run names the tensor.
    let mut spec = open(&model).spec().clone();
    spec.keypoints.push("tail".into());
    spec.write(&spec_path).unwrap();
    let mut m = PoseModel::open(&model, Some(&spec_path), &SessionOptions::default()).unwrap();
    let frame = pattern_frame();
    let f = RgbFrame {
        width: 320,
        height: 240,
        pixels: &frame,
    };
    let e = m.predict(&[(f, None)]).unwrap_err().to_string();
    assert!(
        e.contains("'heatmap'")
            && e.contains("[batch, 3, height, width]")
            && e.contains("[1, 2, 8, 8]"),
        "{e}"
    );

    // A provider this build lacks is named, with how to get it; the CPU always runs.
    let cuda = SessionOptions {
        provider: kinelab::inference::providers::Provider::Cuda,
        ..SessionOptions::default()
    };
    match PoseModel::open(&model, None, &cuda) {
        Ok(m) => assert_eq!(m.provider(), kinelab::inference::providers::Provider::Cuda),
        Err(e) => {
            let e = e.to_string();
            assert!(e.contains("dlc_planted.onnx") && e.contains("CUDA"), "{e}");
        }
    }
    let cpu = SessionOptions {
        provider: kinelab::inference::providers::Provider::Cpu,
        ..SessionOptions::default()
    };
    let m = PoseModel::open(&model, None, &cpu).unwrap();
    assert_eq!(m.provider(), kinelab::inference::providers::Provider::Cpu);
    assert_eq!(
        open(&model).provider(),
        kinelab::inference::providers::Provider::Cpu
    );

    // A spec that is not JSON.
    std::fs::write(&spec_path, "{ family: ").unwrap();
    let e = open_err(&model, Some(&spec_path));
    assert!(
        e.contains("wrong.json") && e.contains("not a model spec"),
        "{e}"
    );
}

#[test]
fn a_missing_runtime_library_says_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    common::make_pose_models(dir.path());
    let video = common::clip(&common::h264_gop30());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kinelab"))
        .args(["infer", "--model"])
        .arg(dir.path().join("dlc_planted.onnx"))
        .arg(&video)
        .arg("--out")
        .arg(dir.path().join("out"))
        .env("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so.1.31.1")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("/nonexistent/libonnxruntime.so.1.31.1")
            && e.contains("ONNX Runtime could not be loaded")
            && e.contains("make setup"),
        "{e}"
    );
}

fn infer(model: &Path, video: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "infer".to_owned(),
        "--model".into(),
        model.display().to_string(),
        video.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::kinelab_ok(&args)
}

#[test]
fn infer_writes_one_file_per_video_that_peers_read() {
    let dir = tempfile::tempdir().unwrap();
    common::make_pose_models(dir.path());
    let video = common::clip(&common::h264_gop30());
    let stem = video.file_stem().unwrap().to_string_lossy().into_owned();
    let model = dir.path().join("dlc_planted.onnx");
    let out = dir.path().join("out");

    // DeepLabCut .h5: read back with pandas, every frame has the planted positions.
    infer(
        &model,
        &video,
        &out,
        &["--format", "dlc-h5", "--start", "5", "--stop", "25"],
    );
    let h5: PathBuf = out.join(format!("{stem}DLC_dlc_planted.h5"));
    let code = r#"
import sys, pandas as pd
df = pd.read_hdf(sys.argv[1])
scorer = df.columns.get_level_values(0)[0]
x = df[scorer]["kp1"]["x"]
print(scorer, len(df), int(x.notna().sum()), float(x.dropna().iloc[0]), float(df[scorer]["kp1"]["y"].dropna().iloc[0]))
"#;
    let got = common::run_python(code, &[h5.to_str().unwrap()]);
    let parts: Vec<&str> = got.split_whitespace().collect();
    assert_eq!(parts[0], "DLC_dlc_planted");
    assert_eq!(parts[2], "20", "frames 5..25 predicted: {got}");
    let x0: f64 = parts[3].parse().unwrap();
    let y0: f64 = parts[4].parse().unwrap();
    let want_x = (5.0 * 8.0 + 4.0 + 0.5 * 7.2801) / 0.2;
    let want_y = (2.0 * 8.0 + 4.0 - 0.25 * 7.2801) / (64.0 / 240.0);
    assert!(
        (x0 - want_x).abs() < 1e-3 && (y0 - want_y).abs() < 1e-3,
        "{got}"
    );

    // SLEAP analysis: read back with h5py.
    infer(
        &model,
        &video,
        &out,
        &["--format", "sleap-analysis", "--stop", "3"],
    );
    let analysis = out.join(format!("{stem}.dlc_planted.analysis.h5"));
    let code = r#"
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    t = f["tracks"][:]
    print(t.shape, [n.decode() for n in f["node_names"][:]], float(t[0, 0, 1, 0]))
"#;
    let got = common::run_python(code, &[analysis.to_str().unwrap()]);
    assert!(got.contains("['kp1', 'kp2']"), "{got}");

    // A Kinelab project: made the first time, given a second set the next.
    infer(&model, &video, &out, &["--stop", "4"]);
    infer(&model, &video, &out, &["--start", "4", "--stop", "8"]);
    let project = kinelab::project::Project::open(&out.join(format!("{stem}.kinelab"))).unwrap();
    let sets: Vec<_> = project.state().present_prediction_sets().collect();
    assert_eq!(sets.len(), 2);
    assert!(sets.iter().all(|s| s.def.name == "dlc_planted"));
    // Each set holds its run's frames, and only those.
    use kinelab::project::prediction_store::{PredictionReader, PredictionSource};
    let reader = PredictionReader::open(project.path()).unwrap();
    let video = project.state().videos[0].id;
    let with_points = |set| -> Vec<u64> {
        let arrays = reader.arrays(set, video).unwrap();
        (0..arrays.shape.frame_count)
            .filter(|&f| arrays.frame(f).iter().any(|v| v.is_finite()))
            .collect()
    };
    assert_eq!(with_points(sets[0]), [0, 1, 2, 3]);
    assert_eq!(with_points(sets[1]), [4, 5, 6, 7]);
}

#[test]
fn a_recognised_spec_round_trips_through_its_file() {
    let dir = tempfile::tempdir().unwrap();
    common::make_pose_models(dir.path());
    for family in ["dlc", "mmpose", "rtmpose", "yolo"] {
        let model = dir.path().join(format!("{family}_planted.onnx"));
        let spec = open(&model).spec().clone();
        let path = dir.path().join(format!("{family}.json"));
        spec.write(&path).unwrap();
        assert_eq!(ModelSpec::read(&path).unwrap(), spec, "{family}");
    }
}

#[test]
fn the_demo_model_finds_the_demo_mouse_within_3_px_on_frames_it_never_saw() {
    use std::collections::HashMap;
    use std::sync::atomic::AtomicBool;
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    // Its spec (model.json beside it) names the demo skeleton's keypoints.
    let mut model = open(&demo.join("model.onnx"));
    assert_eq!(model.spec().family, Family::DlcHeatmap);
    assert_eq!(
        model.spec().keypoints,
        [
            "snout",
            "left_ear",
            "right_ear",
            "body_center",
            "tail_base",
            "tail_tip"
        ]
    );
    assert!(std::fs::metadata(demo.join("model.onnx")).unwrap().len() < 5 << 20);
    let truth: HashMap<(u64, String), (f64, f64)> = kinelab::cli::demo::truth()
        .into_iter()
        .map(|(f, k, x, y)| ((f, k), (x, y)))
        .collect();
    let names = model.spec().keypoints.clone();
    let mut errors = Vec::new();
    let cancel = AtomicBool::new(false);
    let report = kinelab::inference::video_run::run_video(
        &mut model,
        &demo.join("demo.mp4"),
        None,
        8,
        &cancel,
        &mut |_| {},
        &mut |frame_idx, poses| {
            let pose = &poses[0];
            for (name, p) in names.iter().zip(&pose.points) {
                let (x, y) = truth[&(frame_idx as u64, name.clone())];
                errors.push((f64::from(p[0]) - x).hypot(f64::from(p[1]) - y));
            }
        },
    )
    .unwrap();
    assert_eq!(report.frames_with_poses, 300);
    let within = errors.iter().filter(|&&e| e <= 3.0).count() as f64 / errors.len() as f64;
    assert!(
        within >= 0.95,
        "{:.1}% of keypoints within 3 px (the bar is 95%)",
        within * 100.0
    );
}

/// A model run writes its set as it goes: stopped midway (the set dropped unfinished,
/// as a killed process leaves it), the project keeps every completed chunk; finished,
/// every frame.
#[test]
fn a_filling_set_keeps_the_frames_done_when_the_run_stops() {
    use kinelab::project::filling_set::FillingSet;
    use kinelab::project::prediction_store::{PredictionReader, PredictionSource};
    let dir = tempfile::tempdir().unwrap();
    let new = kinelab::project::NewProject {
        name: "run".into(),
        keypoints: vec!["snout".into()],
        ..kinelab::project::NewProject::default()
    };
    let (path, mut project) = common::project_on_pattern_clip(dir.path(), "run.kinelab", new);
    let s = project.state().clone();
    let shape = kinelab::project::predictions::PredictionShape {
        individuals: vec![s.individuals[0].id],
        keypoints: vec![s.skeleton.keypoints[0].id],
        frame_count: 3000,
    };
    let def = |name: &str| kinelab::project::predictions::PredictionSetDef {
        name: name.into(),
        source: "test".into(),
        scorer: name.into(),
        created_unix_secs: 0.0,
    };
    let video = s.videos[0].id;
    let mut run = |name: &str, finish: bool| {
        let mut arrays = kinelab::project::predictions::PredictionArrays::empty(shape.clone());
        let mut filling = FillingSet::begin(&path, &def(name), video, &arrays).unwrap();
        project
            .add_import(format!("run {name}"), None, Some(filling.set()))
            .unwrap();
        for f in 0..1500 {
            arrays.set(f, 0, [f as f32, 1.0, 0.9]);
            filling.frame_done(&arrays, f);
        }
        if finish {
            filling.finish(&arrays, 1499).unwrap();
        }
    };
    run("stopped", false);
    run("finished", true);
    drop(project);
    let project = kinelab::project::Project::open(&path).unwrap();
    let reader = PredictionReader::open(&path).unwrap();
    let frames_with_points = |name: &str| {
        let set = project
            .state()
            .present_prediction_sets()
            .find(|s| s.def.name == name)
            .unwrap();
        let arrays = reader.arrays(set, video).unwrap();
        (0..arrays.shape.frame_count)
            .filter(|&f| arrays.frame(f).iter().any(|v| v.is_finite()))
            .count()
    };
    let stopped = frames_with_points("stopped");
    assert!(
        (kinelab::project::predictions::CHUNK_FRAMES as usize..1500).contains(&stopped),
        "{stopped} frames: the first chunk, complete, was written"
    );
    assert_eq!(frames_with_points("finished"), 1500);
}
