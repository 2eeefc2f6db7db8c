//! Colour, for real: the app draws frames through `shaders/yuv_to_rgb.wgsl` on a wgpu
//! device (lavapipe here), and the rendered pixels match swscale's RGB for the stream's
//! colour matrix and range; and every frame that leaves Kinelab (frames, extraction,
//! dataset exports) and the GPU view match what OpenCV's `VideoCapture` reads, the
//! frames DeepLabCut and SLEAP see at inference.

mod common;

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::wgpu::{WgpuTestRenderer, create_render_state, default_wgpu_setup};
use kinelab::project::{NewProject, Project};
use kinelab::ui::KinelabApp;
use kinelab::ui::keymap::Keymap;
use kinelab::video::{FrameConverter, VideoReader};

/// Colour bars (SMPTE) encoded with the given colour tags.
fn bars(name: &str, size: &str, pix_fmt: &str, codec: &[&str], tags: &[&str]) -> PathBuf {
    let mut args = vec![
        "-f",
        "lavfi",
        "-i",
        &*Box::leak(format!("smptehdbars=size={size}:rate=25:duration=1").into_boxed_str()),
        "-pix_fmt",
        pix_fmt,
    ];
    args.extend_from_slice(codec);
    args.extend_from_slice(tags);
    common::ffmpeg_file(name, &args)
}

fn project_for(dir: &Path, video: &Path) -> PathBuf {
    let def = kinelab::video::describe::describe_for_project(dir, video, &mut |_| {}).unwrap();
    let path = dir.join(format!(
        "{}.kinelab",
        video.file_stem().unwrap().to_string_lossy()
    ));
    Project::create(
        &path,
        &NewProject {
            name: "gpu".into(),
            keypoints: vec!["a".into()],
            videos: vec![def],
            ..NewProject::default()
        },
    )
    .unwrap();
    path
}

/// Renders frame 0 of `video` through the app on the GPU and compares pixels across
/// the frame with swscale's conversion of the same frame.
fn assert_gpu_matches_swscale(video: &Path) {
    let mut reader = VideoReader::open(video).unwrap();
    let frame = reader.frame(0).unwrap();
    let expected = FrameConverter::new(video).to_rgba(&frame).unwrap();
    let (worst, _) = gpu_view_against(video, &image::DynamicImage::ImageRgba8(expected).to_rgb8());
    assert!(
        worst <= 6,
        "{}: GPU and swscale differ by up to {worst} levels",
        video.display()
    );
}

/// Renders frame 0 of `video` through the app on the GPU and compares it with
/// `expected` on a grid of points inside flat patches: the largest difference and the
/// mean absolute difference, in 8-bit levels.
fn gpu_view_against(video: &Path, expected: &image::RgbImage) -> (i32, f64) {
    let dir = tempfile::tempdir().unwrap();
    let project = project_for(dir.path(), video);
    let render_state = create_render_state(default_wgpu_setup(), Default::default());
    let mut app = KinelabApp::new(Some(render_state.clone()), None, Keymap::default());
    assert!(app.open_project(&project));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1000.0, 700.0))
        .renderer(WgpuTestRenderer::from_render_state(render_state))
        .build_ui_state(|ui, app: &mut KinelabApp| app.window_ui(ui), app);
    for _ in 0..500 {
        harness.step();
        let ws = harness.state().workspace.as_ref().unwrap();
        if ws.feed().is_some_and(|f| f.is_exact()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    harness.run_steps(2);
    let rendered = harness.render().expect("a rendered image");
    let ws = harness.state().workspace.as_ref().unwrap();
    assert!(ws.feed().unwrap().is_exact(), "frame 0 never arrived");

    let (w, h) = (expected.width() as f32, expected.height() as f32);
    let ppp = harness.ctx.pixels_per_point();
    let mut worst = 0i32;
    let mut total_diff = 0i64;
    let mut compared = 0;
    // A grid of points away from the bars' edges (chroma is interpolated differently
    // there by the GPU sampler and by swscale).
    for gy in 1..8 {
        for gx in 1..16 {
            let (x, y) = (w * gx as f32 / 16.0 + 0.37, h * gy as f32 / 8.0 + 0.41);
            let (xi, yi) = (x as u32, y as u32);
            let neighbours_equal =
                [(-3i32, 0i32), (3, 0), (0, -3), (0, 3)]
                    .iter()
                    .all(|(dx, dy)| {
                        let nx = (xi as i32 + dx).clamp(0, w as i32 - 1) as u32;
                        let ny = (yi as i32 + dy).clamp(0, h as i32 - 1) as u32;
                        expected
                            .get_pixel(nx, ny)
                            .0
                            .iter()
                            .zip(&expected.get_pixel(xi, yi).0)
                            .all(|(a, b)| a.abs_diff(*b) <= 2)
                    });
            if !neighbours_equal {
                continue;
            }
            let ui = ws.ui_from_image(egui::pos2(x, y));
            let (px, py) = ((ui.x * ppp) as u32, (ui.y * ppp) as u32);
            let got = rendered.get_pixel(px, py).0;
            let want = expected.get_pixel(xi, yi).0;
            for c in 0..3 {
                let diff = (i32::from(got[c]) - i32::from(want[c])).abs();
                worst = worst.max(diff);
                total_diff += i64::from(diff);
            }
            compared += 1;
        }
    }
    assert!(compared > 40, "only {compared} flat points compared");
    (worst, total_diff as f64 / (compared * 3) as f64)
}

/// Frames `indices` of `video` as OpenCV's `VideoCapture` reads them (BGR, written as
/// PNG, so RGB once loaded), read in order as DeepLabCut's and SLEAP's readers do.
fn opencv_frames(video: &Path, indices: &[u64]) -> Vec<image::RgbImage> {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec![
        video.to_str().unwrap().to_owned(),
        out.path().to_str().unwrap().to_owned(),
    ];
    args.extend(indices.iter().map(u64::to_string));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::run_python(
        r#"
import sys, cv2
video, out, *wanted = sys.argv[1:]
wanted = {int(i) for i in wanted}
cap = cv2.VideoCapture(video)
i = 0
while wanted:
    ok, frame = cap.read()
    if not ok:
        break
    if i in wanted:
        cv2.imwrite(f"{out}/{i:06}.png", frame)
        wanted.discard(i)
    i += 1
"#,
        &args,
    );
    indices
        .iter()
        .map(|i| {
            image::open(out.path().join(format!("{i:06}.png")))
                .unwrap_or_else(|e| panic!("OpenCV did not read frame {i}: {e}"))
                .to_rgb8()
        })
        .collect()
}

/// The mean absolute difference of two images, in 8-bit levels.
fn mean_abs_diff(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

fn load_rgb(path: &Path) -> image::RgbImage {
    image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8()
}

/// A clip with natural-looking colour gradients (not only flat bars), 10 frames.
fn test_clip(name: &str, size: &str, tags: &[&str]) -> PathBuf {
    let source = format!("testsrc2=size={size}:rate=25:duration=0.4");
    let mut args = vec![
        "-f",
        "lavfi",
        "-i",
        source.as_str(),
        "-pix_fmt",
        "yuv420p",
        "-c:v",
        "libx264",
        "-crf",
        "12",
    ];
    args.extend_from_slice(tags);
    common::ffmpeg_file(name, &args)
}

const BT709_TAGS: &[&str] = &[
    "-colorspace",
    "bt709",
    "-color_primaries",
    "bt709",
    "-color_trc",
    "bt709",
];

#[test]
fn frames_extraction_exports_and_the_view_are_what_opencv_reads() {
    for (video, bars_video) in [
        (
            test_clip("cv_sd_untagged.mp4", "640x480", &[]),
            bars(
                "cv_bars_sd_untagged.mp4",
                "640x480",
                "yuv420p",
                &["-c:v", "libx264", "-qp", "0"],
                &[],
            ),
        ),
        (
            test_clip("cv_hd_untagged.mp4", "1280x720", &[]),
            bars(
                "cv_bars_hd_untagged.mp4",
                "1280x720",
                "yuv420p",
                &["-c:v", "libx264", "-qp", "0"],
                &[],
            ),
        ),
        (
            test_clip("cv_hd_709.mp4", "1280x720", BT709_TAGS),
            bars(
                "cv_bars_hd_709.mp4",
                "1280x720",
                "yuv420p",
                &["-c:v", "libx264", "-qp", "0"],
                BT709_TAGS,
            ),
        ),
    ] {
        let name = video.file_name().unwrap().to_string_lossy().into_owned();
        let opencv = opencv_frames(&video, &[0, 5]);
        let dir = tempfile::tempdir().unwrap();

        // kinelab frames
        let out = dir.path().join("frames");
        common::kinelab_ok(&[
            "frames",
            video.to_str().unwrap(),
            "--indices",
            "0,5",
            "--out",
            out.to_str().unwrap(),
        ]);
        for (i, cv) in [0, 5].iter().zip(&opencv) {
            let ours = load_rgb(&out.join(format!("{i:06}.png")));
            let diff = mean_abs_diff(&ours, cv);
            assert!(
                diff <= 1.0,
                "{name} frame {i}: kinelab frames vs OpenCV {diff:.2}"
            );
        }

        // kinelab extract (DeepLabCut's img<idx>.png)
        let out = dir.path().join("extract");
        let stdout = common::kinelab_ok(&[
            "extract",
            video.to_str().unwrap(),
            "--count",
            "2",
            "--method",
            "uniform",
            "--out",
            out.to_str().unwrap(),
        ]);
        let picked: Vec<u64> = stdout
            .trim()
            .split(',')
            .map(|s| s.parse().unwrap())
            .collect();
        let opencv_picked = opencv_frames(&video, &picked);
        for (i, cv) in picked.iter().zip(&opencv_picked) {
            let ours = load_rgb(&out.join(kinelab::formats::dlc_project::image_name(*i, 10)));
            let diff = mean_abs_diff(&ours, cv);
            assert!(diff <= 1.0, "{name} frame {i}: extract vs OpenCV {diff:.2}");
        }

        // A dataset export (every format writes its frames the same way).
        let project_path = project_for(dir.path(), &video);
        let mut project = Project::open(&project_path).unwrap();
        let state = project.state();
        let key = kinelab::project::LabelKey {
            video: state.videos[0].id,
            frame_idx: 5,
            individual: state.individuals[0].id,
            keypoint: state.skeleton.keypoints[0].id,
        };
        let edit = kinelab::project::edits::set_label_position(state, key, 10.0, 10.0).unwrap();
        project.apply(edit).unwrap();
        let out = dir.path().join("coco");
        kinelab::formats::DatasetFormat::Coco
            .export(
                project.state(),
                &project.dir(),
                &out,
                &kinelab::formats::ProjectAccess::without_predictions(
                    &kinelab::video::project_access::FfmpegVideos,
                ),
                &Default::default(),
                &mut |_, _| {},
            )
            .unwrap();
        let stem = video.file_stem().unwrap().to_string_lossy();
        let image = kinelab::formats::dlc_project::image_name(5, 10);
        let exported = load_rgb(&out.join(format!("images/{stem}/{image}")));
        let diff = mean_abs_diff(&exported, &opencv[1]);
        assert!(diff <= 1.0, "{name} frame 5: export vs OpenCV {diff:.2}");

        // The GPU view, on flat colour patches (bars) where sampling cannot blur.
        let cv_bars = opencv_frames(&bars_video, &[0]).remove(0);
        let (worst, mean) = gpu_view_against(&bars_video, &cv_bars);
        assert!(
            mean <= 1.0 && worst <= 6,
            "{name}: GPU view vs OpenCV: mean {mean:.2}, worst {worst}"
        );
    }
}

#[test]
fn bt709_limited_range_hd_frame() {
    let video = bars(
        "bars_709.mp4",
        "1280x720",
        "yuv420p",
        &["-c:v", "libx264", "-qp", "0"],
        &[
            "-colorspace",
            "bt709",
            "-color_primaries",
            "bt709",
            "-color_trc",
            "bt709",
            "-color_range",
            "tv",
        ],
    );
    assert_gpu_matches_swscale(&video);
}

#[test]
fn bt601_limited_range_sd_frame() {
    let video = bars(
        "bars_601.mp4",
        "640x480",
        "yuv420p",
        &["-c:v", "libx264", "-qp", "0"],
        &[
            "-colorspace",
            "smpte170m",
            "-color_primaries",
            "smpte170m",
            "-color_trc",
            "smpte170m",
            "-color_range",
            "tv",
        ],
    );
    assert_gpu_matches_swscale(&video);
}

#[test]
fn full_range_jpeg_frame() {
    let video = bars(
        "bars_full.avi",
        "640x480",
        "yuvj420p",
        &["-c:v", "mjpeg", "-q:v", "2"],
        &[],
    );
    assert_gpu_matches_swscale(&video);
}

#[test]
fn a_422_frame_converted_to_420_for_the_shader() {
    let video = bars(
        "bars_422.avi",
        "640x480",
        "yuvj422p",
        &["-c:v", "mjpeg", "-q:v", "2"],
        &[],
    );
    assert_gpu_matches_swscale(&video);
}
