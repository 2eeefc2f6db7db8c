//! The GPU path for real: the app draws frames through `shaders/yuv_to_rgb.wgsl` on a
//! wgpu device (lavapipe here), and the rendered pixels match swscale's RGB for the
//! stream's colour matrix and range.

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
    let dir = tempfile::tempdir().unwrap();
    let project = project_for(dir.path(), video);
    let render_state = create_render_state(default_wgpu_setup(), Default::default());
    let mut app = KinelabApp::new(Some(render_state.clone()), None, Keymap::default());
    assert!(app.open_project(&project));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1000.0, 700.0))
        .renderer(WgpuTestRenderer::from_render_state(render_state))
        .build_ui_state(|ui, app: &mut KinelabApp| app.show(ui), app);
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

    let mut reader = VideoReader::open(video).unwrap();
    let frame = reader.frame(0).unwrap();
    let expected = FrameConverter::new(video).to_rgba(&frame).unwrap();
    let (w, h) = (expected.width() as f32, expected.height() as f32);
    let ppp = harness.ctx.pixels_per_point();
    let mut worst = 0i32;
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
                        expected.get_pixel(nx, ny).0[..3]
                            .iter()
                            .zip(&expected.get_pixel(xi, yi).0[..3])
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
                worst = worst.max((i32::from(got[c]) - i32::from(want[c])).abs());
            }
            compared += 1;
        }
    }
    assert!(compared > 40, "only {compared} flat points compared");
    assert!(
        worst <= 6,
        "{}: GPU and swscale differ by up to {worst} levels",
        video.display()
    );
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
