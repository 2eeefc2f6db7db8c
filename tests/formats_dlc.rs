//! DeepLabCut files: the real ones in ../shared/data read, written back and read again
//! with no value lost, and what Kinelab writes loaded by pandas as DeepLabCut loads it.

mod common;

use std::path::Path;

use kinelab::formats::dlc_table::{DlcTable, RowIndex};
use kinelab::formats::{dlc_csv, pandas_h5};

const SLEAP_DLC_CSVS: &[&str] = &[
    "dlc_testdata.csv",
    "dlc_testdata_v2.csv",
    "madlc_testdata.csv",
    "madlc_testdata_v2.csv",
    "maudlc_testdata.csv",
    "maudlc_testdata_v2.csv",
    "CollectedData_LM.csv",
];

#[test]
fn openfield_csv_and_table_h5_hold_the_same_frame() {
    let Some(dir) = common::shared_data("dlc-openfield/labeled-data/m4s1") else {
        return;
    };
    let csv = dlc_csv::read(&dir.join("CollectedData_Pranav.csv")).unwrap();
    let h5 = pandas_h5::read(&dir.join("CollectedData_Pranav.h5"), None).unwrap();
    assert_eq!(csv.n_rows(), 116);
    assert_eq!(csv.columns.len(), 8);
    assert_eq!(h5.level_names, ["scorer", "bodyparts", "coords"]);
    assert!(csv.same_as(&h5), "the CSV and the table-format HDF5 differ");
}

/// Every real label CSV of the shared data: SLEAP's variants and openfield's.
fn all_label_csvs() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = SLEAP_DLC_CSVS
        .iter()
        .filter_map(|f| common::shared_data(&format!("sleap/dlc/labeled-data/video/{f}")))
        .collect();
    files.extend(common::shared_data(
        "dlc-openfield/labeled-data/m4s1/CollectedData_Pranav.csv",
    ));
    files
}

#[test]
fn every_csv_variant_round_trips_exactly_through_csv_and_h5() {
    let files = all_label_csvs();
    let out = tempfile::tempdir().unwrap();
    for path in files {
        let table = dlc_csv::read(&path).unwrap();
        let csv_back = out.path().join("back.csv");
        dlc_csv::write(&table, &csv_back).unwrap();
        let again = dlc_csv::read(&csv_back).unwrap();
        assert!(
            again.same_as(&table),
            "{}: CSV round trip differs",
            path.display()
        );
        let h5_back = out.path().join("back.h5");
        pandas_h5::write_fixed(&table, &h5_back, pandas_h5::DLC_KEY).unwrap();
        let again = pandas_h5::read(&h5_back, None).unwrap();
        assert!(
            again.same_as(&table),
            "{}: HDF5 round trip differs",
            path.display()
        );
    }
}

/// pandas reads the file as DeepLabCut does and prints it as our CSV writer would;
/// pandas' own CSV of what it read must equal the CSV of what we wrote.
const PANDAS_READ_HDF: &str = r#"
import sys, pandas as pd
df = pd.read_hdf(sys.argv[1], key="df_with_missing")
assert isinstance(df.columns, pd.MultiIndex), type(df.columns)
assert list(df.columns.names) == sys.argv[3].split(","), df.columns.names
assert df.dtypes.unique().tolist() == ["float64"], df.dtypes.unique()
ref = pd.read_csv(sys.argv[2], header=list(range(len(df.columns.names))), index_col=list(range(df.index.nlevels)))
ref.index.names = df.index.names
ref.columns.names = df.columns.names
pd.testing.assert_frame_equal(df, ref, check_exact=True, check_index_type=False, check_column_type=False)
print(df.shape[0], df.shape[1])
"#;

fn level_names(table: &DlcTable) -> String {
    table.level_names.join(",")
}

#[test]
fn pandas_reads_the_h5_we_write_as_deeplabcut_does() {
    let files = all_label_csvs();
    let out = tempfile::tempdir().unwrap();
    for path in files {
        let table = dlc_csv::read(&path).unwrap();
        let h5 = out.path().join("CollectedData_x.h5");
        let csv = out.path().join("CollectedData_x.csv");
        pandas_h5::write_fixed(&table, &h5, pandas_h5::DLC_KEY).unwrap();
        dlc_csv::write(&table, &csv).unwrap();
        let shape = common::run_python(
            PANDAS_READ_HDF,
            &[
                h5.to_str().unwrap(),
                csv.to_str().unwrap(),
                &level_names(&table),
            ],
        );
        assert_eq!(
            shape.trim(),
            format!("{} {}", table.n_rows(), table.n_cols()),
            "{}",
            path.display()
        );
    }
}

/// A child process started while Kinelab has an HDF5 file open inherits the descriptor
/// (the HDF5 library opens files without `O_CLOEXEC`); the file must still open in
/// pandas' PyTables once Kinelab has closed it, while that child lives on. HDF5's own
/// `flock` on the inherited descriptor made this fail at random in CI, whenever another
/// test spawned Python during a write.
#[test]
fn a_child_process_that_inherits_an_hdf5_file_does_not_lock_it() {
    let out = tempfile::tempdir().unwrap();
    let h5_path = out.path().join("held.h5");
    let file = kinelab::formats::h5::create_file(&h5_path).unwrap();
    file.new_dataset::<f64>()
        .shape(3)
        .create("values")
        .unwrap()
        .write(&[1.0, 2.0, 3.0])
        .unwrap();
    let mut child = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    file.close().unwrap();
    let read = std::panic::catch_unwind(|| {
        common::run_python(
            "import sys, tables\nf = tables.open_file(sys.argv[1])\nprint(f.root.values.read().sum())",
            &[h5_path.to_str().unwrap()],
        )
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        read.expect("PyTables could not open the file").trim(),
        "6.0"
    );
}

#[test]
fn pandas_table_format_predictions_are_read() {
    // pandas writes a prediction-style frame (integer index, likelihood) in table format,
    // as DeepLabCut's analyze_videos does; we read it back through the pickled names.
    let out = tempfile::tempdir().unwrap();
    let h5 = out.path().join("videoDLC_resnet50.h5");
    common::run_python(
        r#"
import sys, numpy as np, pandas as pd
cols = pd.MultiIndex.from_product([["DLC_resnet50"], ["ind1", "ind2"], ["snout", "tail"], ["x", "y", "likelihood"]],
                                  names=["scorer", "individuals", "bodyparts", "coords"])
vals = np.arange(5 * len(cols), dtype=float).reshape(5, len(cols)) / 7.0
vals[2, 3] = np.nan
pd.DataFrame(vals, columns=cols).to_hdf(sys.argv[1], key="df_with_missing", format="table", mode="w")
"#,
        &[h5.to_str().unwrap()],
    );
    let table = pandas_h5::read(&h5, None).unwrap();
    assert_eq!(table.index, RowIndex::Frames(vec![0, 1, 2, 3, 4]));
    assert_eq!(
        table.level_names,
        ["scorer", "individuals", "bodyparts", "coords"]
    );
    assert_eq!(
        table.columns[2],
        ["DLC_resnet50", "ind1", "snout", "likelihood"]
    );
    assert_eq!(table.n_cols(), 12);
    assert_eq!(table.row(1)[2], (12 + 2) as f64 / 7.0);
    assert!(table.row(2)[3].is_nan());
}

#[test]
fn bad_h5_files_are_named() {
    let out = tempfile::tempdir().unwrap();
    let truncated = out.path().join("CollectedData_cut.h5");
    let Some(real) = common::shared_data("dlc-openfield/labeled-data/m4s1/CollectedData_Pranav.h5")
    else {
        return;
    };
    let bytes = std::fs::read(real).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let err = pandas_h5::read(&truncated, None).unwrap_err().to_string();
    assert!(err.contains("CollectedData_cut.h5"), "{err}");
    let text = out.path().join("notes.h5");
    std::fs::write(&text, "hello").unwrap();
    let err = pandas_h5::read(&text, None).unwrap_err().to_string();
    assert!(
        err.contains("notes.h5") && err.contains("not a readable HDF5"),
        "{err}"
    );
}

#[test]
fn a_failed_h5_write_keeps_the_old_file() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("CollectedData_x.h5");
    std::fs::write(&target, b"old").unwrap();
    // A NUL byte in the key makes HDF5 refuse the write half-way.
    let table = dlc_csv::parse(
        Path::new("t.csv"),
        b"scorer,S,S\nbodyparts,A,A\ncoords,x,y\np,1,2\n",
    )
    .unwrap();
    assert!(pandas_h5::write_fixed(&table, &target, "bad\0key").is_err());
    assert_eq!(std::fs::read(&target).unwrap(), b"old");
    let leftovers: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "the temporary file was left behind");
}

// --- whole projects ----------------------------------------------------------------

use kinelab::formats::dlc_project;
use kinelab::project::{IndividualId, Project, edits};
use kinelab::video::project_access::FfmpegVideos;

#[test]
fn openfield_opens_as_a_project_and_saves_back_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(dlc) = common::openfield_copy(tmp.path()) else {
        return;
    };
    let (sidecar, report) =
        dlc_project::open_or_import(&dlc.join("config.yaml"), &FfmpegVideos).unwrap();
    assert_eq!(sidecar, dlc.join("kinelab.kinelab"));
    let report = report.expect("imported the first time");
    assert_eq!(
        (report.labels, report.frames),
        (464, 116),
        "{}",
        report.summary()
    );
    assert!(report.skipped.is_empty(), "{}", report.summary());

    let mut project = Project::open(&sidecar).unwrap();
    let state = project.state();
    assert_eq!(state.skeleton.keypoints.len(), 4);
    let video = &state.videos[0];
    // The video in videos/ is another one (m3v1mp4): the PNGs are the frames.
    assert_eq!(video.def.path, "labeled-data/m4s1");
    assert_eq!(video.def.frame_files.as_ref().map(Vec::len), Some(116));
    assert_eq!((video.def.width, video.def.height), (640, 480));

    // Saved back unchanged, the CSV is the original byte for byte.
    let original = std::fs::read(dlc.join("labeled-data/m4s1/CollectedData_Pranav.csv")).unwrap();
    let out = tmp.path().join("out");
    dlc_project::write_project(
        project.state(),
        &project.dir(),
        &out,
        &FfmpegVideos,
        &mut |_, _| {},
    )
    .unwrap();
    let written = std::fs::read(out.join("labeled-data/m4s1/CollectedData_Pranav.csv")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&written),
        String::from_utf8_lossy(&original)
    );
    let h5 = pandas_h5::read(&out.join("labeled-data/m4s1/CollectedData_Pranav.h5"), None).unwrap();
    let csv = dlc_csv::read(&out.join("labeled-data/m4s1/CollectedData_Pranav.csv")).unwrap();
    assert!(h5.same_as(&csv));
    assert!(out.join("labeled-data/m4s1/img0115.png").is_file());

    // An edit reaches the files, and the config keeps its other keys.
    let key = *project.state().labels.keys().next().unwrap();
    let edit = edits::set_label_position(project.state(), key, 100.25, 200.5).unwrap();
    project.apply(edit).unwrap();
    dlc_project::write_project(
        project.state(),
        &project.dir(),
        &dlc,
        &FfmpegVideos,
        &mut |_, _| {},
    )
    .unwrap();
    let csv = dlc_csv::read(&dlc.join("labeled-data/m4s1/CollectedData_Pranav.csv")).unwrap();
    assert_eq!(&csv.row(0)[..2], &[100.25, 200.5]);
    let config = std::fs::read_to_string(dlc.join("config.yaml")).unwrap();
    assert!(config.contains("SuperAnimalConversionTables:\n  superanimal_topviewmouse:"));
    assert!(
        config.contains("# Plotting configuration\nskeleton: []\n"),
        "{config}"
    );
    // Opening again uses the sidecar as it is.
    let (_, again) = dlc_project::open_or_import(&dlc.join("config.yaml"), &FfmpegVideos).unwrap();
    assert!(again.is_none());
}

/// A DeepLabCut project folder around one of SLEAP's CSV variants: config from the CSV's
/// own columns, the CSV as CollectedData_<scorer>.csv beside SLEAP's four PNGs.
fn project_around_csv(csv: &Path, dir: &Path) -> DlcTable {
    let table = dlc_csv::read(csv).unwrap();
    let level = |name: &str| table.level(name);
    let mut bodyparts = Vec::new();
    let mut unique = Vec::new();
    let mut individuals = Vec::new();
    for col in &table.columns {
        let bp = col[level("bodyparts").unwrap()].clone();
        match level("individuals").map(|l| col[l].clone()) {
            Some(i) if i == "single" => {
                if !unique.contains(&bp) {
                    unique.push(bp)
                }
            }
            Some(i) => {
                if !individuals.contains(&i) {
                    individuals.push(i);
                }
                if !bodyparts.contains(&bp) {
                    bodyparts.push(bp)
                }
            }
            None => {
                if !bodyparts.contains(&bp) {
                    bodyparts.push(bp)
                }
            }
        }
    }
    let list = |items: &[String]| items.iter().map(|i| format!("- {i}\n")).collect::<String>();
    let config = if level("individuals").is_some() {
        format!(
            "Task: t\nscorer: Scorer\nmultianimalproject: true\nindividuals:\n{}uniquebodyparts:\n{}multianimalbodyparts:\n{}bodyparts: MULTI!\nskeleton: []\n",
            list(&individuals),
            list(&unique),
            list(&bodyparts)
        )
    } else {
        format!(
            "Task: t\nscorer: Scorer\nbodyparts:\n{}skeleton: []\n",
            list(&bodyparts)
        )
    };
    let folder = dir.join("labeled-data/video");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(dir.join("config.yaml"), config).unwrap();
    std::fs::copy(csv, folder.join("CollectedData_Scorer.csv")).unwrap();
    for i in 0..4 {
        let png = csv.parent().unwrap().join(format!("img00{i}.png"));
        std::fs::copy(&png, folder.join(png.file_name().unwrap())).unwrap();
    }
    table
}

#[test]
fn every_csv_variant_round_trips_through_a_project() {
    let tmp = tempfile::tempdir().unwrap();
    for (n, name) in SLEAP_DLC_CSVS.iter().enumerate() {
        let Some(csv) = common::shared_data(&format!("sleap/dlc/labeled-data/video/{name}")) else {
            return;
        };
        let dir = tmp.path().join(format!("p{n}"));
        let table = project_around_csv(&csv, &dir);
        let imported = dlc_project::read_project(&dir.join("config.yaml"), &FfmpegVideos).unwrap();
        assert!(
            imported.report.skipped.is_empty(),
            "{name}: {}",
            imported.report.summary()
        );
        let labeled = table.values.iter().filter(|v| !v.is_nan()).count() / 2;
        assert_eq!(imported.report.labels, labeled, "{name}");
        if table.level("individuals").is_some() && name.starts_with("mau") {
            assert!(
                imported
                    .state
                    .labels
                    .keys()
                    .any(|k| k.individual == IndividualId::NONE)
            );
        }
        let out = tmp.path().join(format!("out{n}"));
        dlc_project::write_project(&imported.state, &dir, &out, &FfmpegVideos, &mut |_, _| {})
            .unwrap();
        let back = dlc_csv::read(&out.join("labeled-data/video/CollectedData_Scorer.csv")).unwrap();
        assert!(
            back.same_as(&table),
            "{name}: the project round trip changed the frame"
        );
    }
}

#[test]
fn importing_labels_skips_what_the_project_lacks_and_says_so() {
    let Some(csv) = common::shared_data("sleap/dlc/labeled-data/video/madlc_testdata.csv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    project_around_csv(&csv, &dir);
    let imported = dlc_project::read_project(&dir.join("config.yaml"), &FfmpegVideos).unwrap();
    // A project that lacks bodypart C and individual Animal2.
    let mut state = imported.state.clone();
    state.labels.clear();
    state.skeleton.keypoints.retain(|k| k.def.name != "C");
    state.individuals.retain(|i| i.def.name != "Animal2");
    state.rebuild_frame_counts();
    let kinelab::formats::ImportedFile { labels, report, .. } =
        dlc_project::labels_from_file(&state, &csv, None).unwrap();
    let lines = report.skipped_lines();
    assert!(
        lines.contains(&"5 rows skipped: bodypart 'C' is not in the skeleton".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"3 rows skipped: individual 'Animal2' is not in the project".to_string()),
        "{lines:?}"
    );
    // C of both animals on 3 + 2 rows; Animal2's A and B on 3; Animal1's A and B kept.
    assert_eq!(
        labels.len(),
        5,
        "A and B of Animal1 on the frames that have them"
    );
}

#[test]
fn predictions_are_written_in_table_format_for_deeplabcut_and_movement() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(dlc) = common::openfield_copy(tmp.path()) else {
        return;
    };
    let mut state = dlc_project::read_project(&dlc.join("config.yaml"), &FfmpegVideos)
        .unwrap()
        .state;
    // Every third label is a model's, with a likelihood.
    let model = "DLC_resnet50_openfieldOct30shuffle1_1000";
    for (i, label) in state.labels.values_mut().enumerate() {
        if i % 3 == 0 {
            label.provenance = kinelab::project::Provenance::Model {
                model: model.into(),
            };
            label.score = Some(0.25 + (i % 7) as f64 / 10.0);
        }
    }
    let out = tmp.path().join("pred");
    let report = kinelab::formats::DatasetFormat::DlcPredictions
        .export(
            &state,
            &dlc,
            &out,
            &kinelab::formats::ProjectAccess::without_predictions(&FfmpegVideos),
            &Default::default(),
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(report.labels, 464);
    let h5 = out.join(format!("m4s1{model}.h5"));
    let csv = out.join(format!("m4s1{model}.csv"));
    let got = common::run_python(
        r#"
import sys, numpy as np, pandas as pd
from movement.io import load_poses
df = pd.read_hdf(sys.argv[1])
assert pd.HDFStore(sys.argv[1], mode="r").get_storer("df_with_missing").is_table
ref = pd.read_csv(sys.argv[2], header=[0, 1, 2], index_col=0)
ref.columns.names = df.columns.names
pd.testing.assert_frame_equal(df, ref, check_exact=True, check_index_type=False, check_column_type=False)
ds = load_poses.from_dlc_file(sys.argv[1])
conf = ds.confidence.values
print(df.shape[0], df.shape[1], int((~np.isnan(ds.position.values[:, 0])).sum()), round(float(np.nansum(conf)), 6))
"#,
        &[h5.to_str().unwrap(), csv.to_str().unwrap()],
    );
    let score_sum: f64 = state.labels.values().map(|l| l.score.unwrap_or(1.0)).sum();
    assert_eq!(
        got.trim(),
        format!("116 12 464 {}", (score_sum * 1e6).round() / 1e6)
    );
    // Our reader reads the table format back, and an import keeps the likelihoods.
    let back = pandas_h5::read(&h5, None).unwrap();
    assert!(back.same_as(&dlc_csv::read(&csv).unwrap()));
    // A prediction file imports as a prediction set, every likelihood kept.
    let imported = kinelab::formats::labels_from_file(&state, &h5, None).unwrap();
    let report = &imported.report;
    assert!(report.skipped.is_empty(), "{}", report.summary());
    assert!(imported.labels.is_empty());
    assert_eq!(report.predicted_points, 464, "{}", report.summary());
    let predictions = imported.predictions.expect("a prediction set");
    assert_eq!(predictions.def.scorer, model);
    let (video, arrays) = &predictions.videos[0];
    for (k, want) in &state.labels {
        assert_eq!(k.video, *video);
        let slot = arrays.shape.slot(k.individual, k.keypoint).unwrap();
        let p = &arrays.frame(k.frame_idx)[slot..slot + 3];
        assert_eq!(
            (p[0], p[1], p[2]),
            (
                want.x as f32,
                want.y as f32,
                want.score.unwrap_or(1.0) as f32
            )
        );
    }
}

#[test]
fn stitched_tracklets_under_the_tracks_key_are_read() {
    let out = tempfile::tempdir().unwrap();
    let h5 = out.path().join("videoDLC_dlcrnet_el.h5");
    common::run_python(
        r#"
import sys, numpy as np, pandas as pd
cols = pd.MultiIndex.from_product([["DLC_dlcrnet"], ["ind1", "ind2"], ["nose", "tail"], ["x", "y", "likelihood"]],
                                  names=["scorer", "individuals", "bodyparts", "coords"])
pd.DataFrame(np.arange(3 * len(cols), dtype=float).reshape(3, len(cols)), columns=cols).to_hdf(
    sys.argv[1], key="tracks", format="table", mode="w")
"#,
        &[h5.to_str().unwrap()],
    );
    let table = pandas_h5::read(&h5, None).unwrap();
    assert_eq!(table.n_rows(), 3);
    assert_eq!(
        table.columns[5],
        ["DLC_dlcrnet", "ind1", "tail", "likelihood"]
    );
    assert_eq!(table.row(2)[5], (2 * 12 + 5) as f64);
    let err = pandas_h5::read(&h5, Some("df_with_missing"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no data frame under the key 'df_with_missing'"),
        "{err}"
    );
}

/// A DeepLabCut project around a generated 300-frame clip: labels of frames 10 and 40
/// in labeled-data/clip, image names by frame index (3 digits), no PNGs yet.
fn project_with_video(dir: &Path) {
    let clip = common::clip(&common::h264_gop30());
    std::fs::create_dir_all(dir.join("videos")).unwrap();
    std::fs::create_dir_all(dir.join("labeled-data/clip")).unwrap();
    std::fs::copy(&clip, dir.join("videos/clip.mp4")).unwrap();
    std::fs::write(
        dir.join("config.yaml"),
        "Task: clip\nscorer: S\n# which videos\nvideo_sets:\n  C:\\\\elsewhere\\\\clip.mp4:\n    crop: 0, 320, 0, 240\nbodyparts:\n- nose\n- tail\nskeleton:\n- - nose\n  - tail\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("labeled-data/clip/CollectedData_S.csv"),
        "scorer,,,S,S,S,S\nbodyparts,,,nose,nose,tail,tail\ncoords,,,x,y,x,y\n\
         labeled-data,clip,img010.png,10.5,20.5,30.5,40.5\n\
         labeled-data,clip,img040.png,11.5,21.5,,\n",
    )
    .unwrap();
}

#[test]
fn labels_land_on_the_video_frames_and_new_frames_get_exact_pngs() {
    let tmp = tempfile::tempdir().unwrap();
    let dlc = tmp.path().join("withvideo");
    project_with_video(&dlc);
    let (sidecar, report) =
        dlc_project::open_or_import(&dlc.join("config.yaml"), &FfmpegVideos).unwrap();
    let report = report.unwrap();
    assert_eq!(
        (report.labels, report.frames),
        (3, 2),
        "{}",
        report.summary()
    );
    let mut project = Project::open(&sidecar).unwrap();
    let video = project.state().videos[0].clone();
    assert_eq!(video.def.path, "videos/clip.mp4");
    assert_eq!(video.def.frame_count, 300);
    assert_eq!(
        project.state().labeled_frames(video.id).collect::<Vec<_>>(),
        [10, 40]
    );
    assert_eq!(project.state().skeleton.edges.len(), 1);

    // Label frame 123, then save back: its PNG is extracted, exactly frame 123.
    let nose = project.state().skeleton.by_name("nose").unwrap().id;
    let individual = project.state().individuals[0].id;
    let key = kinelab::project::LabelKey {
        video: video.id,
        frame_idx: 123,
        individual,
        keypoint: nose,
    };
    let edit = edits::set_label_position(project.state(), key, 50.0, 60.0).unwrap();
    project.apply(edit).unwrap();
    let report =
        dlc_project::write_project(project.state(), &dlc, &dlc, &FfmpegVideos, &mut |_, _| {})
            .unwrap();
    assert_eq!(report.images_written, 3, "{}", report.summary());
    let png = image::open(dlc.join("labeled-data/clip/img123.png"))
        .unwrap()
        .to_rgba8();
    assert_eq!(common::read_pattern_rgba(&png), Some(123));
    let csv = dlc_csv::read(&dlc.join("labeled-data/clip/CollectedData_S.csv")).unwrap();
    let names: Vec<String> = (0..csv.n_rows()).map(|r| csv.index.name(r)).collect();
    assert_eq!(
        names,
        [
            "labeled-data/clip/img010.png",
            "labeled-data/clip/img040.png",
            "labeled-data/clip/img123.png"
        ]
    );
    assert_eq!(&csv.row(2)[..2], &[50.0, 60.0]);
    // The config keeps its comment and video_sets.
    let config = std::fs::read_to_string(dlc.join("config.yaml")).unwrap();
    assert!(
        config.contains("# which videos\nvideo_sets:\n  C:\\\\elsewhere\\\\clip.mp4:"),
        "{config}"
    );
}

#[test]
fn missing_images_and_unknown_bodyparts_are_reported() {
    let Some(csv) = common::shared_data("sleap/dlc/labeled-data/video/dlc_testdata.csv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    std::fs::create_dir_all(dir.join("labeled-data/video")).unwrap();
    // The config lacks bodypart C; no PNGs are there.
    std::fs::write(
        dir.join("config.yaml"),
        "scorer: Scorer\nbodyparts: [A, B]\n",
    )
    .unwrap();
    std::fs::copy(
        &csv,
        dir.join("labeled-data/video/CollectedData_Scorer.csv"),
    )
    .unwrap();
    let imported = dlc_project::read_project(&dir.join("config.yaml"), &FfmpegVideos).unwrap();
    let summary = imported.report.summary();
    assert!(
        summary.contains("3 rows skipped: bodypart 'C' is not in the skeleton"),
        "{summary}"
    );
    assert!(
        summary.contains("4 labeled frames of labeled-data/video have no image (img000.png, img001.png, img002.png, ...)"),
        "{summary}"
    );
}

/// DeepLabCut's `create_training_dataset` finds labeled data only through the config's
/// `video_sets`: `merge_annotateddatasets` splits each key with `_robust_path_split`,
/// takes the file stem, and reads `labeled-data/<stem>/CollectedData_<scorer>.h5`;
/// training then opens every image the rows index. Written out here as it does it.
/// Prints the number of rows found, after checking the scorer level and every image.
const DLC_TRAINING_LOOKUP: &str = r#"
import os, sys
import yaml, pandas as pd
config = sys.argv[1]
cfg = yaml.safe_load(open(config))
# read_config sets project_path to the config's folder
project = os.path.dirname(os.path.abspath(config))
def robust_path_split(path):
    sep = "\\" if "\\" in path else "/"
    splits = path.rsplit(sep, 1)
    file = splits[-1]
    return os.path.splitext(file)[0]
if cfg.get("multianimalproject"):
    bodyparts = cfg["multianimalbodyparts"] + (cfg.get("uniquebodyparts") or [])
else:
    bodyparts = cfg["bodyparts"]
rows = 0
for video in cfg["video_sets"].keys():
    stem = robust_path_split(str(video))
    path = os.path.join(project, "labeled-data", stem, "CollectedData_" + cfg["scorer"] + ".h5")
    if not os.path.exists(path):
        continue
    df = pd.read_hdf(path)
    assert list(df.columns.get_level_values("scorer").unique()) == [cfg["scorer"]], df.columns
    assert set(df.columns.get_level_values("bodyparts")) <= set(bodyparts), df.columns
    crop = [int(v) for v in str(cfg["video_sets"][video]["crop"]).split(",")]
    assert crop[0] == 0 and crop[2] == 0 and crop[1] > 0 and crop[3] > 0, crop
    for index in df.index:
        parts = index if isinstance(index, tuple) else tuple(str(index).split("/"))
        image = os.path.join(project, *parts)
        assert os.path.isfile(image), image
    rows += len(df.index)
print(rows)
"#;

fn rows_deeplabcut_finds(config: &Path) -> usize {
    common::run_python(DLC_TRAINING_LOOKUP, &[config.to_str().unwrap()])
        .trim()
        .parse()
        .unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn deeplabcut_finds_every_exported_frame_through_video_sets() {
    let tmp = tempfile::tempdir().unwrap();
    // A project made in Kinelab on a real video, labeled on three frames.
    let Some(video) = common::shared_data("dlc-openfield/videos/m3v1mp4.mp4") else {
        return;
    };
    let dir = tmp.path().join("made");
    std::fs::create_dir_all(&dir).unwrap();
    let def = kinelab::video::describe::describe_for_project(&dir, &video, &mut |_| {}).unwrap();
    let path = dir.join("made.kinelab");
    let mut project = Project::create(
        &path,
        &kinelab::project::NewProject {
            name: "made".into(),
            keypoints: vec!["snout".into(), "tailbase".into()],
            videos: vec![def],
            ..Default::default()
        },
    )
    .unwrap();
    for frame_idx in [3u64, 50, 120] {
        let state = project.state();
        let key = kinelab::project::LabelKey {
            video: state.videos[0].id,
            frame_idx,
            individual: state.individuals[0].id,
            keypoint: state.skeleton.keypoints[0].id,
        };
        let edit = edits::set_label_position(state, key, 100.0, 120.0).unwrap();
        project.apply(edit).unwrap();
    }
    let out = tmp.path().join("made-dlc");
    kinelab::formats::DatasetFormat::Dlc
        .export(
            project.state(),
            &project.dir(),
            &out,
            &kinelab::formats::ProjectAccess::without_predictions(&FfmpegVideos),
            &Default::default(),
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(rows_deeplabcut_finds(&out.join("config.yaml")), 3);
    let config = std::fs::read_to_string(out.join("config.yaml")).unwrap();
    assert!(
        config.contains("m3v1mp4.mp4:\n    crop: 0, 640, 0, 480"),
        "{config}"
    );
    assert!(config.contains("TrainingFraction:\n- 0.95"), "{config}");
    assert!(
        config.contains(&format!("project_path: {}\n", out.display())),
        "{config}"
    );

    // Multi-animal, with unique bodyparts: a new config from SLEAP's maudlc test data.
    let Some(maudlc) = common::maudlc_project(&tmp.path().join("ma")) else {
        return;
    };
    let imported = dlc_project::read_project(&maudlc, &FfmpegVideos).unwrap();
    let out = tmp.path().join("ma-out");
    dlc_project::write_project(
        &imported.state,
        &tmp.path().join("ma"),
        &out,
        &FfmpegVideos,
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(rows_deeplabcut_finds(&out.join("config.yaml")), 4);

    // Saved back into openfield, whose video_sets key is a placeholder: the entry is
    // kept and one for labeled-data/m4s1 is added.
    let Some(dlc) = common::openfield_copy(tmp.path()) else {
        return;
    };
    let config = dlc.join("config.yaml");
    assert_eq!(
        rows_deeplabcut_finds(&config),
        0,
        "the original finds nothing"
    );
    let (sidecar, _) = dlc_project::open_or_import(&config, &FfmpegVideos).unwrap();
    let project = Project::open(&sidecar).unwrap();
    dlc_project::write_project(project.state(), &dlc, &dlc, &FfmpegVideos, &mut |_, _| {}).unwrap();
    assert_eq!(rows_deeplabcut_finds(&config), 116);
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("WILL BE AUTOMATICALLY UPDATED BY DEMO CODE:\n    crop: 0, 640, 0, 480"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn saving_keeps_file_modes_and_leaves_unchanged_files_alone() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let tmp = tempfile::tempdir().unwrap();
    let Some(dlc) = common::openfield_copy(tmp.path()) else {
        return;
    };
    let config = dlc.join("config.yaml");
    let folder = dlc.join("labeled-data/m4s1");
    // Shared lab storage: group-writable files (the copy of read-only data is 0444).
    for file in [
        config.clone(),
        folder.join("CollectedData_Pranav.csv"),
        folder.join("CollectedData_Pranav.h5"),
    ] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o664)).unwrap();
    }
    let (sidecar, _) = dlc_project::open_or_import(&config, &FfmpegVideos).unwrap();
    let project = Project::open(&sidecar).unwrap();
    let save = || {
        dlc_project::write_project(project.state(), &dlc, &dlc, &FfmpegVideos, &mut |_, _| {})
            .unwrap()
    };
    save();
    for file in ["CollectedData_Pranav.csv", "CollectedData_Pranav.h5"] {
        assert_eq!(mode(&folder.join(file)), 0o664, "{file}");
    }
    assert_eq!(mode(&config), 0o664);
    // Saving again with nothing changed rewrites neither the config nor the CSV.
    let identities = || -> Vec<(u64, std::time::SystemTime)> {
        [config.clone(), folder.join("CollectedData_Pranav.csv")]
            .iter()
            .map(|f| {
                let m = std::fs::metadata(f).unwrap();
                (m.ino(), m.modified().unwrap())
            })
            .collect()
    };
    let before = identities();
    std::thread::sleep(std::time::Duration::from_millis(20));
    save();
    let after = identities();
    assert_eq!(before, after);

    // A new export: ordinary modes (the umask's), never the temp file's 0600; copied
    // PNGs do not take the read-only mode of their source.
    let out = tmp.path().join("export");
    dlc_project::write_project(project.state(), &dlc, &out, &FfmpegVideos, &mut |_, _| {}).unwrap();
    let probe = tmp.path().join("probe");
    std::fs::File::create(&probe).unwrap();
    let default_mode = mode(&probe);
    for file in [
        out.join("config.yaml"),
        out.join("labeled-data/m4s1/CollectedData_Pranav.csv"),
        out.join("labeled-data/m4s1/CollectedData_Pranav.h5"),
        out.join("labeled-data/m4s1/img0000.png"),
    ] {
        assert_eq!(mode(&file), default_mode, "{}", file.display());
    }
}
