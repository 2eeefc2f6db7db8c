//! The command line, run as a user runs it.

mod common;

use common::*;

fn stdout_of(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "kinelab failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs kinelab and parses its JSON output.
fn json_of(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&stdout_of(&kinelab(args))).expect("JSON output")
}

/// Runs `kinelab extract` into `out` and returns the frame indices it printed.
fn extract(video: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> Vec<usize> {
    let mut args = vec![
        "extract",
        video.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let stdout = stdout_of(&kinelab(&args));
    stdout
        .trim()
        .split(',')
        .map(|s| {
            s.parse()
                .unwrap_or_else(|_| panic!("not an index list: {stdout}"))
        })
        .collect()
}

#[test]
fn probe_json_has_the_documented_keys_and_exact_count() {
    let path = clip(&vfr_drops());
    let json = json_of(&["probe", "--json", path.to_str().unwrap()]);
    for key in [
        "path",
        "width",
        "height",
        "fps",
        "frame_count",
        "keyframe_count",
        "codec",
        "pix_fmt",
        "duration_secs",
    ] {
        assert!(json.get(key).is_some(), "missing {key}: {json}");
    }
    assert_eq!(json["frame_count"], 300);
    assert_eq!(json["keyframe_count"], 5);
    assert_eq!(json["codec"], "h264");
    assert_eq!(json["width"], WIDTH);
    // 300 frames with a one-frame gap after every 10th span 329 frame times at 30 fps.
    let duration = json["duration_secs"].as_f64().unwrap();
    assert!((duration - 329.0 / 30.0).abs() < 0.1, "duration {duration}");
    assert!(json.get("decoded_frames").is_none());

    let counted = json_of(&["probe", "--json", "--count", path.to_str().unwrap()]);
    assert_eq!(counted["decoded_frames"], 300);
    assert!(counted["decode_fps"].as_f64().unwrap() > 0.0);

    let text = stdout_of(&kinelab(&["probe", path.to_str().unwrap()]));
    assert!(text.contains("300 (frame_idx 0 to 299)"), "{text}");
}

#[test]
fn frames_writes_the_exact_frames() {
    let path = clip(&h264_gop250());
    let out = tempfile::tempdir().unwrap();
    let list = out.path().join("list.txt");
    std::fs::write(&list, "599\n0, 17\n# comment\n249-251\n").unwrap();
    let dir = out.path().join("frames");
    stdout_of(&kinelab(&[
        "frames",
        path.to_str().unwrap(),
        "--indices-file",
        list.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]));
    for i in [0u32, 17, 249, 250, 251, 599] {
        let png = image::open(dir.join(format!("{i:06}.png")))
            .unwrap()
            .to_rgba8();
        assert_eq!(read_pattern_rgba(&png), Some(i), "frame {i}");
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 6);

    let dir2 = out.path().join("inline");
    stdout_of(&kinelab(&[
        "frames",
        path.to_str().unwrap(),
        "--indices",
        "5,300",
        "--out",
        dir2.to_str().unwrap(),
    ]));
    let png = image::open(dir2.join("000300.png")).unwrap().to_rgba8();
    assert_eq!(read_pattern_rgba(&png), Some(300));
}

#[test]
fn frames_rejects_out_of_range_and_bad_lists() {
    let path = clip(&h264_gop30());
    let out = tempfile::tempdir().unwrap();
    let run = |indices: &str| {
        kinelab(&[
            "frames",
            path.to_str().unwrap(),
            "--indices",
            indices,
            "--out",
            out.path().to_str().unwrap(),
        ])
    };
    let result = run("3,300");
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("frame 300 is out of range") && stderr.contains("h264_g30.mp4"),
        "{stderr}"
    );
    let result = run("3,x");
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("'x'"));
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing written on error"
    );
}

#[test]
fn extract_uniform_and_kmeans_write_deeplabcut_names() {
    let path = clip(&h264_gop30());
    // The whole video, and its second half (k-means seeks straight to frame 150).
    for (method, range, count) in [
        ("uniform", ["0", "1"], 8),
        ("kmeans", ["0", "1"], 8),
        ("kmeans", ["0.5", "1"], 4),
    ] {
        let out = tempfile::tempdir().unwrap();
        let count_arg = count.to_string();
        let picked = extract(
            &path,
            out.path(),
            &[
                "--count", &count_arg, "--method", method, "--start", range[0], "--stop", range[1],
            ],
        );
        assert_eq!(picked.len(), count, "{method} {range:?}: {picked:?}");
        let first = if range[0] == "0.5" { 150 } else { 0 };
        for &i in &picked {
            assert!(
                (first..300).contains(&i),
                "{method} {range:?}: {i} outside the range"
            );
            // 300 frames: ceil(log10(300)) = 3 digits, as DeepLabCut names them.
            let png = image::open(out.path().join(format!("img{i:03}.png")))
                .unwrap()
                .to_rgba8();
            assert_eq!(
                read_pattern_rgba(&png),
                Some(i as u32),
                "{method}: img{i:03}.png"
            );
        }
    }
}

#[test]
fn kmeans_picks_one_frame_from_each_distinct_scene() {
    // Four scenes of 30 frames: brightness levels far apart. Four clusters, one pick each.
    let path = ffmpeg_file(
        "scenes.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=black:s=160x120:r=30:d=4",
            "-vf",
            "geq=lum='16+60*floor(N/30)+mod(X+N,7)':cb=128:cr=128",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
        ],
    );
    let out = tempfile::tempdir().unwrap();
    let picked = extract(&path, out.path(), &["--count", "4", "--method", "kmeans"]);
    let scenes: std::collections::BTreeSet<usize> = picked.iter().map(|i| i / 30).collect();
    assert_eq!(scenes.len(), 4, "picked {picked:?}");
}

#[test]
fn bench_commands_print_figures() {
    let path = clip(&h264_gop30());
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("idx.txt");
    std::fs::write(&list, "5 250 17 299").unwrap();
    let seek = json_of(&[
        "bench",
        "seek",
        path.to_str().unwrap(),
        "--indices-file",
        list.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(seek["per_index"].as_array().unwrap().len(), 4);
    assert!(seek["median_ms"].as_f64().unwrap() > 0.0);
    let decode = json_of(&[
        "bench",
        "decode",
        path.to_str().unwrap(),
        "--threads",
        "1",
        "--json",
    ]);
    assert_eq!(decode["frames"], 300);
    let first = json_of(&[
        "bench",
        "first",
        path.to_str().unwrap(),
        "--rounds",
        "2",
        "--json",
    ]);
    assert!(first["median_ms"].as_f64().unwrap() > 0.0);
    let step = json_of(&[
        "bench",
        "step",
        path.to_str().unwrap(),
        "--start",
        "100",
        "--steps",
        "5",
        "--json",
    ]);
    assert!(step["forward_median_ms"].as_f64().is_some());
}

#[test]
fn real_dlc_video_probe() {
    let Some(path) = shared_data("dlc-openfield/videos/m3v1mp4.mp4") else {
        return;
    };
    let json = json_of(&["probe", "--json", path.to_str().unwrap()]);
    assert_eq!(
        json["frame_count"].as_u64().unwrap() as usize,
        ffprobe_frame_count(&path)
    );
    assert_eq!(json["width"], 640);
    assert_eq!(json["height"], 480);
}
