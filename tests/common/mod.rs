//! Helpers shared by the integration tests: real data from ../shared/data, and
//! synthetic clips whose every frame carries its own index as a block pattern.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

pub const WIDTH: u32 = 320;
pub const HEIGHT: u32 = 240;
const BLOCK_W: u32 = 40;
const BLOCK_H: u32 = 30;
const BITS: u32 = 16;

/// A file in ../shared/data, or `None` (with the reason printed) where the folder is
/// absent, so the suite still runs on a machine without it. Under `CI=true` the folder
/// is always there, and its absence fails the test instead of skipping it.
pub fn shared_data(relative: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if !root.is_dir() {
        assert!(
            !running_in_ci(),
            "{} is absent, and CI=true: CI always has the shared data",
            root.display()
        );
        eprintln!("skipped: {} is absent", root.display());
        return None;
    }
    let path = root.join(relative);
    assert!(
        path.exists(),
        "missing file in shared data: {}",
        path.display()
    );
    Some(path)
}

/// Whether the tests run in CI (`CI=true`), where nothing may be skipped.
pub fn running_in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// The venv Python from scripts/setup, with pandas and the other peer readers.
pub fn peer_python() -> PathBuf {
    let path = std::env::var_os("KINELAB_PYTHON")
        .map(Into::into)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"));
    assert!(
        path.exists(),
        "{} is missing: run scripts/setup (make test does)",
        path.display()
    );
    path
}

/// Runs a Python snippet with `args` in the peer venv and returns its stdout, failing
/// with its stderr.
pub fn run_python(code: &str, args: &[&str]) -> String {
    let out = Command::new(peer_python())
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

/// A writable copy of the DeepLabCut openfield project in `dir/of`, or `None` where the
/// shared data is absent.
pub fn openfield_copy(dir: &Path) -> Option<PathBuf> {
    let src = shared_data("dlc-openfield")?;
    let dlc = dir.join("of");
    copy_tree(&src, &dlc);
    Some(dlc)
}

/// A multi-animal DeepLabCut project in `dir` around SLEAP's maudlc test CSV (two
/// animals with A, B, C; unique D and E) and its four 30×30 PNGs, or `None` where the
/// shared data is absent.
pub fn maudlc_project(dir: &Path) -> Option<PathBuf> {
    let csv = shared_data("sleap/dlc/labeled-data/video/maudlc_testdata.csv")?;
    let folder = dir.join("labeled-data/video");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        dir.join("config.yaml"),
        "scorer: Scorer\nmultianimalproject: true\nindividuals: [Animal1, Animal2]\n\
         uniquebodyparts: [D, E]\nmultianimalbodyparts: [A, B, C]\n",
    )
    .unwrap();
    std::fs::copy(&csv, folder.join("CollectedData_Scorer.csv")).unwrap();
    for i in 0..4 {
        let png = csv.parent().unwrap().join(format!("img00{i}.png"));
        std::fs::copy(&png, folder.join(png.file_name().unwrap())).unwrap();
    }
    Some(dir.join("config.yaml"))
}

/// Copies a folder tree (shared data is read-only; tests work on copies).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The frame pattern for `frame_idx`: a 320×240 gray image whose top four rows of
/// blocks hold the index's 16 bits and their inverse; the rest is texture that changes
/// every frame, so encoders really predict between frames.
pub fn pattern_frame(frame_idx: u32) -> Vec<u8> {
    let mut img = vec![0u8; (WIDTH * HEIGHT) as usize];
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let v = if y < 4 * BLOCK_H {
                let bit = (x / BLOCK_W) + 8 * ((y / BLOCK_H) % 2);
                let on = (frame_idx >> bit) & 1 == 1;
                let inverted = y >= 2 * BLOCK_H;
                if on != inverted { 235 } else { 16 }
            } else {
                let t = frame_idx.wrapping_mul(7);
                (((x + t) ^ (y.wrapping_mul(3) + t / 2)) & 0x7f) as u8 + 64
            };
            img[(y * WIDTH + x) as usize] = v;
        }
    }
    img
}

/// Reads the index back from a luma plane (`stride` bytes per row). `None` when the
/// pattern and its inverse disagree: the frame is not a clean pattern frame.
pub fn read_pattern(luma: &[u8], stride: usize) -> Option<u32> {
    let block_mean = |bx: u32, by: u32| -> f64 {
        let (mut sum, mut n) = (0u64, 0u64);
        for y in by * BLOCK_H + 8..(by + 1) * BLOCK_H - 8 {
            for x in bx * BLOCK_W + 10..(bx + 1) * BLOCK_W - 10 {
                sum += u64::from(luma[y as usize * stride + x as usize]);
                n += 1;
            }
        }
        sum as f64 / n as f64
    };
    let mut value = 0u32;
    for bit in 0..BITS {
        let (bx, row) = (bit % 8, bit / 8);
        let on = block_mean(bx, row) > 128.0;
        let inverse_on = block_mean(bx, row + 2) > 128.0;
        if on == inverse_on {
            return None;
        }
        if on {
            value |= 1 << bit;
        }
    }
    Some(value)
}

/// Reads the index from an RGBA image (its green channel stands in for luma).
pub fn read_pattern_rgba(rgba: &image::RgbaImage) -> Option<u32> {
    let luma: Vec<u8> = rgba.pixels().map(|p| p.0[1]).collect();
    read_pattern(&luma, rgba.width() as usize)
}

/// How to encode a synthetic clip.
#[derive(Clone, Debug)]
pub struct ClipSpec {
    pub name: &'static str,
    pub frames: u32,
    /// ffmpeg output arguments (codec, GOP, container options).
    pub args: &'static [&'static str],
    /// Video filters applied after the pattern input (e.g. timestamp gaps).
    pub filter: Option<&'static str>,
}

pub fn h264_gop250() -> ClipSpec {
    ClipSpec {
        name: "h264_g250.mp4",
        frames: 600,
        args: &[
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "250",
            "-keyint_min",
            "250",
            "-sc_threshold",
            "0",
            "-bf",
            "3",
            "-pix_fmt",
            "yuv420p",
        ],
        filter: None,
    }
}
pub fn h264_gop30() -> ClipSpec {
    ClipSpec {
        name: "h264_g30.mp4",
        frames: 300,
        args: &[
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "30",
            "-keyint_min",
            "30",
            "-sc_threshold",
            "0",
            "-bf",
            "3",
            "-pix_fmt",
            "yuv420p",
        ],
        filter: None,
    }
}
pub fn mjpeg_avi() -> ClipSpec {
    ClipSpec {
        name: "mjpeg.avi",
        frames: 120,
        args: &["-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p"],
        filter: None,
    }
}
/// Every 10th frame is followed by a one-frame timestamp gap, as from a camera that
/// drops frames: frame index != round(t * fps).
pub fn vfr_drops() -> ClipSpec {
    ClipSpec {
        name: "vfr_drops.mp4",
        frames: 300,
        args: &[
            "-fps_mode",
            "passthrough",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "60",
            "-keyint_min",
            "60",
            "-sc_threshold",
            "0",
            "-bf",
            "2",
            "-pix_fmt",
            "yuv420p",
            "-video_track_timescale",
            "15360",
        ],
        filter: Some("setpts='(N+floor(N/10))/(30*TB)'"),
    }
}
/// MPEG-TS with B-frames: its first PTS is far from 0.
pub fn offset_ts() -> ClipSpec {
    ClipSpec {
        name: "offset.ts",
        frames: 150,
        args: &[
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "50",
            "-bf",
            "3",
            "-pix_fmt",
            "yuv420p",
            "-output_ts_offset",
            "10",
        ],
        filter: None,
    }
}
/// Matroska whose first PTS is 10 s.
pub fn offset_mkv() -> ClipSpec {
    ClipSpec {
        name: "offset.mkv",
        frames: 150,
        args: &[
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "50",
            "-bf",
            "3",
            "-pix_fmt",
            "yuv420p",
            "-output_ts_offset",
            "10",
        ],
        filter: None,
    }
}

/// Short clips in the other codecs and containers users bring.
pub fn codec_matrix() -> Vec<ClipSpec> {
    vec![
        ClipSpec {
            name: "hevc.mp4",
            frames: 60,
            args: &[
                "-c:v",
                "libx265",
                "-preset",
                "ultrafast",
                "-x265-params",
                "keyint=24:bframes=3:log-level=error",
                "-pix_fmt",
                "yuv420p",
                "-tag:v",
                "hvc1",
            ],
            filter: None,
        },
        ClipSpec {
            name: "mpeg4.avi",
            frames: 60,
            args: &["-c:v", "mpeg4", "-q:v", "3", "-g", "24", "-bf", "2"],
            filter: None,
        },
        ClipSpec {
            name: "vp9.mkv",
            frames: 60,
            args: &[
                "-c:v",
                "libvpx-vp9",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-g",
                "24",
                "-b:v",
                "1M",
            ],
            filter: None,
        },
        ClipSpec {
            name: "prores.mov",
            frames: 40,
            args: &["-c:v", "prores_ks", "-profile:v", "0"],
            filter: None,
        },
        ClipSpec {
            name: "h264.mov",
            frames: 60,
            args: &[
                "-c:v", "libx264", "-preset", "veryfast", "-g", "24", "-bf", "3", "-pix_fmt",
                "yuv420p",
            ],
            filter: None,
        },
        ClipSpec {
            name: "h264.mkv",
            frames: 60,
            args: &[
                "-c:v", "libx264", "-preset", "veryfast", "-g", "24", "-bf", "3", "-pix_fmt",
                "yuv420p",
            ],
            filter: None,
        },
        ClipSpec {
            name: "mjpeg422.mov",
            frames: 30,
            args: &["-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj422p"],
            filter: None,
        },
    ]
}

/// Folder for generated clips, kept between runs under target/.
pub fn clip_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-clips/v1");
    std::fs::create_dir_all(&dir).expect("create target/test-clips");
    dir
}

/// A project `dir/file_name` made from `new`, on the 300-frame pattern clip
/// (`h264_gop30`) as its one video.
pub fn project_on_pattern_clip(
    dir: &Path,
    file_name: &str,
    new: kinelab::project::NewProject,
) -> (PathBuf, kinelab::project::Project) {
    let clip = clip(&h264_gop30());
    let video = kinelab::video::describe::describe_for_project(dir, &clip, &mut |_| {}).unwrap();
    let path = dir.join(file_name);
    let project = kinelab::project::Project::create(
        &path,
        &kinelab::project::NewProject {
            videos: vec![video],
            ..new
        },
    )
    .unwrap();
    (path, project)
}

/// Each event as a line to compare: `behaviour start[-stop] [modifier]`.
pub fn event_rows(events: &[kinelab::project::behaviours::Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let stop = e.stop_frame.map_or_else(String::new, |f| format!("-{f}"));
            let modifier = e
                .modifier
                .as_deref()
                .map_or_else(String::new, |m| format!(" {m}"));
            format!("{} {}{stop}{modifier}", e.behaviour, e.start_frame)
        })
        .collect()
}

/// The path (as the project holds it), frame rate and frame count of a project's first
/// video.
pub fn first_video(project: &Path) -> (String, f64, u64) {
    let p = kinelab::project::Project::open(project).unwrap();
    let v = &p.state().videos[0];
    (v.def.path.clone(), v.def.fps, v.def.frame_count)
}

/// Encodes the clip once (per machine) and returns its path.
pub fn clip(spec: &ClipSpec) -> PathBuf {
    static LOCK: OnceLock<Mutex<()>> = OnceLock::new();
    let _guard = LOCK
        .get_or_init(|| Mutex::new(()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let path = clip_dir().join(spec.name);
    if path.exists() {
        return path;
    }
    let ext = Path::new(spec.name).extension().unwrap().to_str().unwrap();
    let part = clip_dir().join(format!("{}.part.{ext}", spec.name));
    let mut cmd = Command::new("ffmpeg");
    cmd.args([
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "gray",
    ])
    .args([
        "-s",
        &format!("{WIDTH}x{HEIGHT}"),
        "-r",
        "30",
        "-i",
        "pipe:0",
    ]);
    if let Some(filter) = spec.filter {
        cmd.args(["-vf", filter]);
    }
    cmd.args(spec.args).arg(&part).stdin(Stdio::piped());
    let mut child = cmd
        .spawn()
        .expect("the ffmpeg CLI is needed for test clips (scripts/setup installs it)");
    {
        let mut stdin = child.stdin.take().unwrap();
        for i in 0..spec.frames {
            stdin.write_all(&pattern_frame(i)).expect("write to ffmpeg");
        }
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "ffmpeg failed to make {}", spec.name);
    std::fs::rename(&part, &path).unwrap();
    path
}

/// A clip from an ffmpeg command line (for files without the pattern: audio-only).
pub fn ffmpeg_file(name: &str, args: &[&str]) -> PathBuf {
    let path = clip_dir().join(name);
    if !path.exists() {
        let part = clip_dir().join(format!("part.{name}"));
        let status = Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
            .args(args)
            .arg(&part)
            .status()
            .expect("ffmpeg CLI");
        assert!(status.success(), "ffmpeg failed to make {name}");
        std::fs::rename(&part, &path).unwrap();
    }
    path
}

/// Runs the `kinelab` binary built for these tests.
pub fn kinelab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kinelab"))
        .args(args)
        .output()
        .expect("run kinelab")
}

/// Runs the `kinelab` binary, fails the test with its stderr if it fails, and returns
/// its stdout.
pub fn kinelab_ok(args: &[&str]) -> String {
    let out = kinelab(args);
    assert!(
        out.status.success(),
        "kinelab {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// H.264 with B-frames and the moov atom first (`+faststart`), as streaming tools write.
pub fn h264_faststart() -> ClipSpec {
    ClipSpec {
        name: "faststart.mp4",
        frames: 300,
        args: &[
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "30",
            "-bf",
            "3",
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
        ],
        filter: None,
    }
}

/// What `ffprobe -count_frames` says the stream holds.
pub fn ffprobe_frame_count(path: &Path) -> usize {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-count_frames",
            "-show_entries",
            "stream=nb_read_frames",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("ffprobe frame count")
}

/// A deterministic pseudo-random sample of `n` distinct indices below `len`.
pub fn sample_indices(len: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = Vec::new();
    while out.len() < n.min(len) {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let idx = ((state >> 33) as usize) % len;
        if !out.contains(&idx) {
            out.push(idx);
        }
    }
    out
}

/// A copy of the test clip cut short, as a copy interrupted mid-file leaves it: the
/// index (moov) first, the data cut at 80%.
pub fn truncated_clip(dir: &Path) -> PathBuf {
    let full = dir.join("full.mp4");
    let status = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i"])
        .arg(clip(&h264_gop30()))
        .args(["-c", "copy", "-movflags", "+faststart"])
        .arg(&full)
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(&full).unwrap();
    let cut = dir.join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() * 8 / 10]).unwrap();
    cut
}

/// The tiny ONNX pose models of tests/python/pose_models.py (planted peaks, random
/// weights, bad ones), made in `dir`.
pub fn make_pose_models(dir: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/pose_models.py");
    let out = Command::new(peer_python())
        .arg(&script)
        .arg("make")
        .arg(dir)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "making the models failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
