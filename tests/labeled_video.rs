//! Labeled videos: every source frame in order, with the project's marks drawn where
//! its labels and predictions are, and nothing left behind when cancelled.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use kinelab::labeled_video::{RenderContent, RenderError, RenderFilter, RenderOptions, render};
use kinelab::overlay::{BelowCutoff, ColorBy, OverlayStyle};
use kinelab::project::prediction_store::PredictionWriter;
use kinelab::project::predictions::{PredictionArrays, PredictionSetDef, PredictionShape};
use kinelab::project::{LabelKey, NewProject, Project, edits};
use kinelab::video::{FrameConverter, VideoReader};

/// Frames 200 to 209 have no predictions.
const GAP: std::ops::Range<u64> = 200..210;

/// Where the snout is predicted on `frame_idx`.
fn snout_at(frame_idx: u64) -> (f32, f32) {
    (80.0 + frame_idx as f32 * 0.5, 170.0)
}

/// A project on the 300-frame pattern clip: one mouse (snout, tail), a prediction set
/// "model" of the snout on every frame but the gap, and a label on frame 50.
fn project_with_predictions(dir: &Path) -> (PathBuf, PathBuf) {
    let new = NewProject {
        name: "render".into(),
        keypoints: vec!["snout".into(), "tail".into()],
        edges: vec![("snout".into(), "tail".into())],
        ..NewProject::default()
    };
    let (path, mut project) = common::project_on_pattern_clip(dir, "render.kinelab", new);
    let s = project.state().clone();
    let snout = s.skeleton.by_name("snout").unwrap().id;
    let shape = PredictionShape {
        individuals: vec![s.individuals[0].id],
        keypoints: vec![snout],
        frame_count: 300,
    };
    let mut arrays = PredictionArrays::empty(shape.clone());
    let slot = shape.slot(s.individuals[0].id, snout).unwrap();
    for f in (0..300).filter(|f| !GAP.contains(f)) {
        let (x, y) = snout_at(f);
        arrays.set(f, slot, [x, y, 0.95]);
    }
    let def = PredictionSetDef {
        name: "model".into(),
        source: "test".into(),
        scorer: "test".into(),
        created_unix_secs: 0.0,
    };
    let id = PredictionWriter::open(&path)
        .unwrap()
        .write_set(&def, &[(s.videos[0].id, arrays)], false, &mut |_, _| {})
        .unwrap();
    project.add_prediction_set(id, "import model").unwrap();
    let key = LabelKey {
        video: s.videos[0].id,
        frame_idx: 50,
        individual: s.individuals[0].id,
        keypoint: s.skeleton.by_name("tail").unwrap().id,
    };
    project
        .apply(edits::set_label_position(&s, key, 250.0, 200.0).unwrap())
        .unwrap();
    (path, common::clip(&common::h264_gop30()))
}

fn style() -> OverlayStyle {
    OverlayStyle {
        color_by: ColorBy::Keypoint,
        pcutoff: 0.6,
        below: BelowCutoff::Fade,
        trail_frames: 0,
    }
}

fn content_of(path: &Path) -> RenderContent {
    let project = Project::open(path).unwrap();
    let s = project.state();
    let sets: Vec<_> = s.present_prediction_sets().map(|x| x.id).collect();
    let reader = kinelab::project::prediction_store::PredictionReader::open(path).unwrap();
    let arrays = kinelab::labeled_video::read_sets(s, s.videos[0].id, &sets, &reader).unwrap();
    RenderContent::new(
        s,
        s.videos[0].id,
        arrays,
        true,
        &RenderFilter::default(),
        style(),
    )
}

fn options(out: &Path) -> RenderOptions {
    RenderOptions {
        out: out.to_owned(),
        frames: None,
        preset: "ultrafast".into(),
        crf: 18,
        marker_radius: Some(8.0),
    }
}

fn rgb_at(img: &image::RgbImage, x: f32, y: f32) -> [i32; 3] {
    img.get_pixel(x.round() as u32, y.round() as u32)
        .0
        .map(i32::from)
}

fn distance(a: [i32; 3], b: [i32; 3]) -> i32 {
    a.iter().zip(b).map(|(a, b)| (a - b).abs()).sum()
}

/// How strongly `pixel` leans the way `color` does: its value in `color`'s strongest
/// channel less its value in the weakest (about 0 on the gray pattern).
fn lean(pixel: [i32; 3], color: [i32; 3]) -> i32 {
    let hi = (0..3).max_by_key(|&i| color[i]).unwrap();
    let lo = (0..3).min_by_key(|&i| color[i]).unwrap();
    pixel[hi] - pixel[lo]
}

#[test]
fn every_frame_is_kept_in_order_with_marks_where_the_predictions_are() {
    let dir = tempfile::tempdir().unwrap();
    let (project, clip) = project_with_predictions(dir.path());
    let content = content_of(&project);
    let out = dir.path().join("labeled.mp4");
    let mut progress = Vec::new();
    let report = render(
        &clip,
        &content,
        &options(&out),
        &mut |done, total| progress.push((done, total)),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(report.frames, 300);
    assert!(report.damaged_frames.is_empty());
    assert_eq!(progress.last(), Some(&(300, 300)));
    // Every frame, as FFmpeg counts them and as our index does.
    assert_eq!(common::ffprobe_frame_count(&out), 300);
    let mut rendered = VideoReader::open(&out).unwrap();
    assert_eq!(rendered.frame_count(), 300);
    let mut source = VideoReader::open(&clip).unwrap();
    let (mut conv_out, mut conv_src) = (FrameConverter::new(&out), FrameConverter::new(&clip));
    let snout_rgb = {
        let p = Project::open(&project).unwrap();
        p.state().skeleton.by_name("snout").unwrap().def.color.0
    }
    .map(i32::from);
    for frame_idx in [0usize, 1, 99, 150, 205, 299] {
        let frame = rendered.frame(frame_idx).unwrap();
        let planes = frame.yuv420_planes().unwrap();
        // Frame i of the labeled video is frame i of the source.
        assert_eq!(
            common::read_pattern(planes.y, planes.y_stride),
            Some(frame_idx as u32),
            "frame {frame_idx}"
        );
        let out_rgb = conv_out.to_rgb(&frame).unwrap();
        let src_rgb = conv_src.to_rgb(&source.frame(frame_idx).unwrap()).unwrap();
        let (x, y) = snout_at(frame_idx as u64);
        // The diamond's right corner (half-diagonal 1.2 × radius) and its hollow middle.
        let corner = (x + 9.6, y);
        let middle = (x, y);
        let drawn = rgb_at(&out_rgb, corner.0, corner.1);
        let untouched_src = rgb_at(&src_rgb, corner.0, corner.1);
        assert!(
            lean(untouched_src, snout_rgb).abs() < 20,
            "the pattern is gray"
        );
        if GAP.contains(&(frame_idx as u64)) {
            assert!(
                distance(rgb_at(&out_rgb, corner.0, corner.1), untouched_src) < 40,
                "frame {frame_idx} has no predictions, so nothing is drawn"
            );
        } else {
            assert!(
                lean(drawn, snout_rgb) > 50,
                "frame {frame_idx}: the corner has the snout's colour {snout_rgb:?}, not {drawn:?}"
            );
        }
        assert!(
            distance(
                rgb_at(&out_rgb, middle.0, middle.1),
                rgb_at(&src_rgb, middle.0, middle.1)
            ) < 40,
            "frame {frame_idx}: the diamond is hollow"
        );
    }
    // The label on frame 50 is a filled disc in the tail's colour, on that frame only.
    let tail_rgb = {
        let p = Project::open(&project).unwrap();
        p.state().skeleton.by_name("tail").unwrap().def.color.0
    }
    .map(i32::from);
    let at_label = |frame_idx: usize, conv: &mut FrameConverter, r: &mut VideoReader| {
        rgb_at(
            &conv.to_rgb(&r.frame(frame_idx).unwrap()).unwrap(),
            250.0,
            200.0,
        )
    };
    assert!(lean(at_label(50, &mut conv_out, &mut rendered), tail_rgb) > 150);
    assert!(lean(at_label(51, &mut conv_out, &mut rendered), tail_rgb).abs() < 20);
}

#[test]
fn a_range_renders_those_frames_and_a_cancel_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let (project, clip) = project_with_predictions(dir.path());
    let content = content_of(&project);
    let out = dir.path().join("part.mp4");
    let report = render(
        &clip,
        &content,
        &RenderOptions {
            frames: Some(40..70),
            ..options(&out)
        },
        &mut |_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(report.frames, 30);
    let mut rendered = VideoReader::open(&out).unwrap();
    assert_eq!(rendered.frame_count(), 30);
    let first = rendered.frame(0).unwrap();
    let planes = first.yuv420_planes().unwrap();
    assert_eq!(common::read_pattern(planes.y, planes.y_stride), Some(40));

    // Cancelled part way: an error that says so, and no file, finished or not.
    let cancelled = dir.path().join("cancelled.mp4");
    let cancel = AtomicBool::new(false);
    let err = render(
        &clip,
        &content,
        &options(&cancelled),
        &mut |done, _| {
            if done == 20 {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        },
        &cancel,
    )
    .err()
    .unwrap();
    assert!(matches!(err, RenderError::Cancelled { .. }), "{err}");
    assert!(!cancelled.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A range past the end says so, naming the video.
    let err = render(
        &clip,
        &content,
        &RenderOptions {
            frames: Some(500..600),
            ..options(&out)
        },
        &mut |_, _| {},
        &AtomicBool::new(false),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(
        err.contains("no frames to render") && err.contains("h264_g30.mp4"),
        "{err}"
    );
}

#[test]
fn render_from_the_command_line_with_sets_filters_and_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (project, clip) = project_with_predictions(dir.path());
    let project = project.to_str().unwrap();
    let clip_s = clip.to_str().unwrap();
    let out = dir.path().join("cli.mp4");
    let out_s = out.to_str().unwrap();
    let stdout = common::kinelab_ok(&[
        "render",
        clip_s,
        "--project",
        project,
        "--out",
        out_s,
        "--set",
        "model",
        "--start",
        "10",
        "--stop",
        "25",
        "--keypoints",
        "snout",
        "--preset",
        "ultrafast",
    ]);
    assert!(stdout.contains("15 frames"), "{stdout}");
    assert_eq!(common::ffprobe_frame_count(&out), 15);

    let error = |args: &[&str]| {
        let o = common::kinelab(args);
        assert!(!o.status.success(), "{args:?} should fail");
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let with = |extra: &[&str]| {
        let mut args = vec!["render", clip_s, "--project", project, "--out", out_s];
        args.extend_from_slice(extra);
        error(&args)
    };
    let e = with(&["--set", "nope"]);
    assert!(
        e.contains("no prediction set 'nope'") && e.contains("model"),
        "{e}"
    );
    let e = with(&["--keypoints", "wing"]);
    assert!(e.contains("no keypoint 'wing'"), "{e}");
    let e = with(&["--preset", "warp"]);
    assert!(e.contains("warp"), "{e}");
    let missing_dir = dir.path().join("no/such/folder/x.mp4");
    let e = error(&[
        "render",
        clip_s,
        "--project",
        project,
        "--out",
        missing_dir.to_str().unwrap(),
    ]);
    assert!(e.contains("x.mp4"), "{e}");
    // Something to draw must be named.
    let folder = dir.path().to_str().unwrap();
    let e = error(&["render", clip_s, "--project", project, "--out", folder]);
    assert!(e.contains("is a folder"), "{e}");
    let e = error(&["render", clip_s, "--out", out_s]);
    assert!(
        e.contains("--project") && e.contains("--predictions"),
        "{e}"
    );
    // A video the project does not have.
    let other = common::clip(&common::mjpeg_avi());
    let e = error(&[
        "render",
        other.to_str().unwrap(),
        "--project",
        project,
        "--out",
        out_s,
    ]);
    assert!(
        e.contains("is not one of the project's videos") && e.contains("h264_g30"),
        "{e}"
    );
}

#[test]
fn render_a_predictions_file_on_its_video_without_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let (project, clip) = project_with_predictions(dir.path());
    // The set as DeepLabCut writes predictions: <video>DLC_<scorer>.h5.
    let exported = dir.path().join("exported");
    common::kinelab_ok(&[
        "export",
        project.to_str().unwrap(),
        "--format",
        "dlc-predictions",
        "--out",
        exported.to_str().unwrap(),
    ]);
    let h5 = std::fs::read_dir(&exported)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "h5"))
        .expect("a prediction .h5");
    let out = dir.path().join("from_file.mp4");
    let stdout = common::kinelab_ok(&[
        "render",
        clip.to_str().unwrap(),
        "--predictions",
        h5.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--preset",
        "ultrafast",
        "--radius",
        "8",
    ]);
    assert!(stdout.contains("300 frames"), "{stdout}");
    assert_eq!(common::ffprobe_frame_count(&out), 300);
    // The snout's diamond is drawn where the file puts it (light on the gray pattern).
    let mut rendered = VideoReader::open(&out).unwrap();
    let mut source = VideoReader::open(&clip).unwrap();
    let (mut c1, mut c2) = (FrameConverter::new(&out), FrameConverter::new(&clip));
    let (x, y) = snout_at(100);
    let drawn = rgb_at(
        &c1.to_rgb(&rendered.frame(100).unwrap()).unwrap(),
        x + 9.6,
        y,
    );
    let before = rgb_at(&c2.to_rgb(&source.frame(100).unwrap()).unwrap(), x + 9.6, y);
    assert!(distance(drawn, before) > 60, "{drawn:?} vs {before:?}");
    // No project file was made beside the file.
    assert!(
        std::fs::read_dir(&exported)
            .unwrap()
            .filter_map(|e| e.ok())
            .all(|e| e.path().extension().is_none_or(|x| x != "kinelab"))
    );
}
