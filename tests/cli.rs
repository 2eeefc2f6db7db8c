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
        "nominal_fps",
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
    // A variable frame rate: the stream's nominal rate, and the average over the file.
    assert_eq!(json["nominal_fps"], 30.0);
    let average = json["fps"].as_f64().unwrap();
    assert!((average - 300.0 / duration).abs() < 1e-9, "fps {average}");
    assert!(json.get("decodable_frames").is_none());

    let counted = json_of(&["probe", "--json", "--count", path.to_str().unwrap()]);
    assert_eq!(counted["decodable_frames"], 300);
    assert!(counted.get("missing_frames").is_none());
    assert!(counted["decode_fps"].as_f64().unwrap() > 0.0);

    let text = stdout_of(&kinelab(&["probe", path.to_str().unwrap()]));
    assert!(
        text.contains("300 in the index (frame_idx 0 to 299)"),
        "{text}"
    );
    assert!(text.contains("30.000 nominal, 27.3"), "{text}");
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

/// Runs kinelab expecting failure; returns its one-line error.
fn error_of(args: &[&str]) -> String {
    let out = kinelab(args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?} should fail with status 1"
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

#[test]
fn new_then_labels_lists_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let video = clip(&h264_gop30());
    let project = dir.path().join("mice");
    let (p, v) = (project.to_str().unwrap(), video.to_str().unwrap());
    let stdout = stdout_of(&kinelab(&[
        "new",
        p,
        "--video",
        v,
        "--bodyparts",
        "snout, leftear,rightear",
        "--edges",
        "snout-leftear,snout-rightear",
        "--symmetric",
        "leftear-rightear",
        "--individuals",
        "m1,m2",
    ]));
    assert!(
        stdout.contains("3 keypoints, 2 individuals, 1 video\n"),
        "{stdout}"
    );
    let file = dir.path().join("mice.kinelab");
    let opened = kinelab::project::Project::open(&file).unwrap();
    let s = opened.state();
    assert_eq!(s.videos[0].def.frame_count, 300);
    assert_eq!((s.videos[0].def.width, s.videos[0].def.height), (320, 240));
    assert_eq!(s.skeleton.edges.len(), 2);
    assert_eq!(s.skeleton.symmetric.len(), 1);
    // The video path is stored relative to the project's folder.
    assert!(!std::path::Path::new(&s.videos[0].def.path).is_absolute());
    assert!(opened.video_path(s.videos[0].id).unwrap().exists());

    // Label something, then list it.
    let mut opened = opened;
    let key = kinelab::project::LabelKey {
        video: opened.state().videos[0].id,
        frame_idx: 7,
        individual: opened.state().individual_by_name("m2").unwrap().id,
        keypoint: opened.state().skeleton.by_name("leftear").unwrap().id,
    };
    let edit =
        kinelab::project::edits::set_label_position(opened.state(), key, 12.5, 30.25).unwrap();
    opened.apply(edit).unwrap();
    drop(opened);
    let rows = json_of(&["labels", file.to_str().unwrap(), "--json"]);
    let row = &rows.as_array().unwrap()[0];
    assert_eq!(row["frame_idx"], 7);
    assert_eq!(row["individual"], "m2");
    assert_eq!(row["keypoint"], "leftear");
    assert_eq!(row["x"], 12.5);
    assert_eq!(row["visibility"], "visible");
    assert_eq!(row["provenance"], "human");
    let text = stdout_of(&kinelab(&["labels", file.to_str().unwrap()]));
    assert!(
        text.contains("\t7\tm2\tleftear\t12.50\t30.25\tvisible\thuman"),
        "{text}"
    );

    // A second `new` on the same name is refused and the project is untouched.
    let err = error_of(&["new", p, "--bodyparts", "a"]);
    assert!(
        err.contains("mice.kinelab") && err.contains("already"),
        "{err}"
    );
}

#[test]
fn new_from_a_preset_and_bad_new_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("fly.kinelab");
    stdout_of(&kinelab(&[
        "new",
        p.to_str().unwrap(),
        "--preset",
        "fly-13",
    ]));
    let opened = kinelab::project::Project::open(&p).unwrap();
    assert_eq!(opened.state().skeleton.keypoints.len(), 13);
    assert_eq!(opened.state().skeleton.symmetric.len(), 5);

    let q = dir.path().join("q").to_str().unwrap().to_owned();
    let err = error_of(&["new", &q, "--preset", "dragon"]);
    assert!(
        err.contains("dragon") && err.contains("openfield-4"),
        "{err}"
    );
    let err = error_of(&["new", &q]);
    assert!(err.contains("--bodyparts"), "{err}");
    let err = error_of(&["new", &q, "--bodyparts", "a,b", "--edges", "a-c"]);
    assert!(err.contains("'c'"), "{err}");
    let err = error_of(&["new", &q, "--bodyparts", "a,a"]);
    assert!(err.contains("twice"), "{err}");
    let missing = dir.path().join("nope.mp4");
    let err = error_of(&[
        "new",
        &q,
        "--bodyparts",
        "a",
        "--video",
        missing.to_str().unwrap(),
    ]);
    assert!(err.contains("nope.mp4"), "{err}");
    // Nothing was left behind by the failures.
    assert!(!dir.path().join("q.kinelab").exists());
    let err = error_of(&["labels", missing.to_str().unwrap()]);
    assert!(
        err.contains("nope.mp4") && err.contains("no such project"),
        "{err}"
    );
}

#[test]
fn demo_installs_a_project_with_its_clip_and_keeps_labels() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let stdout = stdout_of(&kinelab(&[
        "demo",
        "--dir",
        demo.to_str().unwrap(),
        "--no-open",
    ]));
    assert!(stdout.contains("demo.kinelab"), "{stdout}");
    let file = demo.join("demo.kinelab");
    let mut project = kinelab::project::Project::open(&file).unwrap();
    assert_eq!(project.state().videos[0].def.frame_count, 300);
    assert_eq!(project.state().skeleton.keypoints.len(), 6);
    // The truth file matches the skeleton: every keypoint on every frame.
    let truth = std::fs::read_to_string(demo.join("truth.csv")).unwrap();
    assert_eq!(truth.lines().count(), 1 + 300 * 6);
    let key = kinelab::project::LabelKey {
        video: project.state().videos[0].id,
        frame_idx: 3,
        individual: project.state().individuals[0].id,
        keypoint: project.state().skeleton.keypoints[0].id,
    };
    let edit = kinelab::project::edits::set_label_position(project.state(), key, 1.0, 2.0).unwrap();
    project.apply(edit).unwrap();
    drop(project);
    stdout_of(&kinelab(&[
        "demo",
        "--dir",
        demo.to_str().unwrap(),
        "--no-open",
    ]));
    let project = kinelab::project::Project::open(&file).unwrap();
    assert_eq!(
        project.state().labels.len(),
        1,
        "a second install kept the labels"
    );
}

#[test]
fn bench_ui_reports_the_app_figures() {
    let video = clip(&h264_gop30());
    let report = json_of(&[
        "bench",
        "ui",
        video.to_str().unwrap(),
        "--keypoints",
        "5",
        "--cpu-path",
        "--json",
    ]);
    assert_eq!(report["frames"], 300);
    assert_eq!(report["labels_on_frame"], 10);
    assert_eq!(report["frame_path"], "cpu (rgba texture)");
    let steps = report["hold_right_30hz"]["steps"].as_u64().unwrap();
    assert!(steps > 100, "{report}");
    assert!(report["start_to_first_frame_ms"].as_f64().unwrap() > 0.0);
    assert!(report["ui_frame_cpu_ms"]["n"].as_u64().unwrap() == 300);
    assert!(
        report["scrub"]["exact_frame_after_stop_ms"]
            .as_f64()
            .unwrap()
            < 5000.0
    );
}

#[test]
fn export_import_and_convert_from_the_command_line() {
    let Some(src) = shared_data("dlc-openfield") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dlc = tmp.path().join("of");
    copy_tree(&src, &dlc);
    let config = dlc.join("config.yaml");
    // Export straight from the DeepLabCut project (through its sidecar project).
    for (format, file) in [
        ("coco", "annotations.json"),
        ("yolo", "data.yaml"),
        ("lightning-pose", "CollectedData.csv"),
        ("sleap-analysis", "m4s1.analysis.h5"),
        ("dlc", "labeled-data/m4s1/CollectedData_Pranav.h5"),
    ] {
        let out = tmp.path().join(format);
        let stdout = stdout_of(&kinelab(&[
            "export",
            config.to_str().unwrap(),
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]));
        assert!(stdout.contains("464 labels"), "{format}: {stdout}");
        assert!(out.join(file).is_file(), "{format}: no {file}");
    }
    assert!(dlc.join("kinelab.kinelab").is_file());

    // Import: a COCO file into a new, smaller project says what it skipped.
    let project = tmp.path().join("small.kinelab");
    stdout_of(&kinelab(&[
        "new",
        project.to_str().unwrap(),
        "--bodyparts",
        "snout,tailbase",
    ]));
    let out = kinelab(&[
        "import",
        project.to_str().unwrap(),
        tmp.path().join("coco/annotations.json").to_str().unwrap(),
    ]);
    let stdout = stdout_of(&out);
    assert!(
        stdout.contains("116 rows skipped: the project has no video 'm4s1'"),
        "{stdout}"
    );

    // Convert: CSV to HDF5 and back, values unchanged.
    let csv = dlc.join("labeled-data/m4s1/CollectedData_Pranav.csv");
    let h5 = tmp.path().join("converted.h5");
    let back = tmp.path().join("back.csv");
    stdout_of(&kinelab(&[
        "convert",
        csv.to_str().unwrap(),
        "--to",
        "dlc-h5",
        "--out",
        h5.to_str().unwrap(),
    ]));
    stdout_of(&kinelab(&[
        "convert",
        h5.to_str().unwrap(),
        "--to",
        "dlc-csv",
        "--out",
        back.to_str().unwrap(),
    ]));
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&csv).unwrap());

    // A bad file is named, with its row.
    let bad = tmp.path().join("bad.csv");
    std::fs::write(&bad, "scorer,S,S\nbodyparts,A,A\ncoords,x,y\np,1,oops\n").unwrap();
    let err = error_of(&[
        "convert",
        bad.to_str().unwrap(),
        "--to",
        "dlc-h5",
        "--out",
        h5.to_str().unwrap(),
    ]);
    assert!(err.contains("bad.csv, row 4: 'oops'"), "{err}");
    // ... and the earlier output is still whole.
    assert!(kinelab::formats::pandas_h5::read(&h5, None).is_ok());
}

#[test]
fn convert_turns_a_sleap_file_into_predictions_without_a_project() {
    let Some(src) = shared_data("sleap/tracks") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&src, tmp.path());
    let slp = tmp.path().join("clip.predictions.slp");
    let out = tmp.path().join("pred");
    let stdout = stdout_of(&kinelab(&[
        "convert",
        slp.to_str().unwrap(),
        "--to",
        "dlc-predictions",
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(stdout.contains("labels on"), "{stdout}");
    assert!(
        !tmp.path().join("clip.predictions.kinelab").exists(),
        "convert made a project"
    );
    // One row per frame of clip.mp4 beside the .slp, both flies, likelihoods kept.
    let h5 = out.join("clipDLC_clip.predictions.h5");
    let table = kinelab::formats::pandas_h5::read(&h5, None).unwrap();
    assert_eq!(
        table.level_names,
        ["scorer", "individuals", "bodyparts", "coords"]
    );
    let frames = ffprobe_frame_count(&tmp.path().join("clip.mp4"));
    assert_eq!(table.n_rows(), frames);
    let likelihoods: Vec<f64> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c[3] == "likelihood")
        .flat_map(|(i, _)| (0..table.n_rows()).map(move |r| (r, i)))
        .map(|(r, i)| table.row(r)[i])
        .filter(|v| !v.is_nan())
        .collect();
    assert!(
        likelihoods.iter().any(|&l| l < 0.99),
        "the scores were lost"
    );
    let err = error_of(&[
        "convert",
        h5.to_str().unwrap(),
        "--to",
        "yolo",
        "--out",
        "x",
    ]);
    assert!(
        err.contains("clipDLC_clip.predictions.h5: convert reads"),
        "{err}"
    );
}

#[test]
fn bench_read_labels_prints_its_figures() {
    let Some(csv) = shared_data("dlc-openfield/labeled-data/m4s1/CollectedData_Pranav.csv") else {
        return;
    };
    let figures = json_of(&[
        "bench",
        "read-labels",
        csv.to_str().unwrap(),
        "--rounds",
        "2",
        "--json",
    ]);
    assert_eq!(figures["rows"], 116);
    assert_eq!(figures["columns"], 8);
    assert_eq!(figures["rounds"], 2);
    assert!(figures["median_ms"].as_f64().is_some_and(|ms| ms > 0.0));
}

#[test]
fn bench_events_prints_its_figures() {
    let figures = json_of(&[
        "bench", "events", "--frames", "3000", "--events", "500", "--rounds", "1", "--json",
    ]);
    assert_eq!(figures["events"], 500);
    assert_eq!(figures["frame_cpu_ms"]["n"], 120);
    assert!(
        figures["no_events_frame_cpu_ms"]["median"]
            .as_f64()
            .is_some_and(|ms| ms > 0.0)
    );
}

fn stderr_of_failure(out: &std::process::Output) -> String {
    assert!(
        !out.status.success(),
        "kinelab succeeded where it should fail"
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn probe_and_frames_name_the_frames_that_do_not_decode() {
    let dir = tempfile::tempdir().unwrap();
    let cut = truncated_clip(dir.path());
    let cut_arg = cut.to_str().unwrap();
    let report = json_of(&["probe", "--json", cut_arg]);
    let count = report["frame_count"].as_u64().unwrap();
    let decodable = report["decodable_frames"].as_u64().unwrap();
    let missing: Vec<u64> = report["missing_frames"]
        .as_array()
        .expect("missing frames listed")
        .iter()
        .map(|f| f.as_u64().unwrap())
        .collect();
    assert!(
        !missing.is_empty() && decodable == count - missing.len() as u64,
        "{report}"
    );
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("do not decode"), "{warnings}");
    assert!(
        warnings.contains("the container lists 300 frames"),
        "{warnings}"
    );
    let text = stdout_of(&kinelab(&["probe", cut_arg]));
    assert!(
        text.contains(&format!("decodable      {decodable} of {count}")),
        "{text}"
    );

    // `frames` fails for such a frame, naming its index and the file.
    let out_dir = dir.path().join("frames");
    let bad = missing[0].to_string();
    let err = stderr_of_failure(&kinelab(&[
        "frames",
        cut_arg,
        "--indices",
        &bad,
        "--out",
        out_dir.to_str().unwrap(),
    ]));
    assert!(
        err.contains(&format!("frame {bad} could not be decoded")) && err.contains(cut_arg),
        "{err}"
    );
}

#[test]
fn help_lists_every_kind_and_errors_exit_as_the_readme_says() {
    let import_help = stdout_of(&kinelab(&["import", "--help"]));
    for kind in kinelab::formats::IMPORT_KINDS {
        assert!(import_help.contains(kind.kind.name), "{import_help}");
    }
    let open_help = stdout_of(&kinelab(&["open", "--help"]));
    for kind in kinelab::formats::PROJECT_KINDS {
        assert!(open_help.contains(kind.name), "{open_help}");
    }
    // A usage error exits with 2 (clap's convention), any other error with 1.
    let usage = kinelab(&["frames"]);
    assert_eq!(usage.status.code(), Some(2));
    let video = clip(&h264_gop30());
    let opened = kinelab(&["open", video.to_str().unwrap()]);
    assert_eq!(opened.status.code(), Some(1));
    let err = String::from_utf8_lossy(&opened.stderr);
    assert!(
        err.contains("is a video, not a project") && err.contains("kinelab new"),
        "{err}"
    );
    // An OS error is said once, with the path.
    let missing = kinelab(&[
        "convert",
        "/no/such.csv",
        "--to",
        "dlc-h5",
        "--out",
        "/tmp/x.h5",
    ]);
    let err = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    assert!(err.contains("/no/such.csv"), "{err}");
}

#[test]
fn extract_says_when_count_is_more_than_the_frames() {
    let video = clip(&h264_gop30());
    let out = tempfile::tempdir().unwrap();
    let result = kinelab(&[
        "extract",
        video.to_str().unwrap(),
        "--count",
        "400",
        "--method",
        "uniform",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(result.status.success(), "{err}");
    assert!(
        err.contains("--count 400 is more than the 300 frames in the range"),
        "{err}"
    );
    assert!(err.contains("wrote 300 frames"), "{err}");
}

#[test]
fn out_names_a_file_for_single_file_formats_and_counts_say_what_was_written() {
    let Some(src) = shared_data("dlc-openfield") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dlc = tmp.path().join("of");
    copy_tree(&src, &dlc);
    let config = dlc.join("config.yaml");
    // COCO given a .json: that file, with its images beside it, not a folder named so.
    let json = tmp.path().join("coco/train.json");
    let out = kinelab(&[
        "convert",
        config.to_str().unwrap(),
        "--to",
        "coco",
        "--out",
        json.to_str().unwrap(),
    ]);
    let stdout = stdout_of(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(json.is_file(), "{stdout}");
    assert!(tmp.path().join("coco/images/m4s1").is_dir());
    assert!(
        stdout.contains("written: train.json, 116 images"),
        "{stdout}"
    );
    // Converting reads the project; it imports nothing.
    assert!(stderr.contains("464 labels on 116 frames read"), "{stderr}");
    assert!(!stderr.contains("imported"), "{stderr}");
    // The same export again: the images are there already, and it says so.
    let again = stdout_of(&kinelab(&[
        "export",
        config.to_str().unwrap(),
        "--format",
        "coco",
        "--out",
        json.to_str().unwrap(),
    ]));
    assert!(again.contains("116 images already there"), "{again}");
    assert!(!again.contains("0 images"), "{again}");
    // A one-file label format given a folder: the file is named after the input.
    let csv = dlc.join("labeled-data/m4s1/CollectedData_Pranav.csv");
    let folder = tmp.path().join("h5s");
    std::fs::create_dir(&folder).unwrap();
    let written = stdout_of(&kinelab(&[
        "convert",
        csv.to_str().unwrap(),
        "--to",
        "dlc-h5",
        "--out",
        folder.to_str().unwrap(),
    ]));
    assert!(
        folder.join("CollectedData_Pranav.h5").is_file(),
        "{written}"
    );
    assert!(
        written.contains("116 rows × 8 columns written"),
        "{written}"
    );
}
