//! `kinelab bench import`: a DeepLabCut prediction file imported into a fresh project
//! as a prediction set, as `kinelab import` and File → Import do it (read, write the
//! set on its own connection, one edit), timed over rounds; with the project's growth
//! against the raw size of the floats (see scripts/bench-formats).

use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use crate::formats::dlc_project::read_label_file;
use crate::formats::prediction_import;
use crate::project::{NewProject, Project, VideoDef};

use super::bench::{median_p95, ms};

/// A project whose skeleton and individuals are the file's, with one video (no file
/// behind it) named as the prediction file names it, of as many frames as it has rows.
fn project_for(file: &Path, dir: &Path) -> anyhow::Result<Project> {
    let table = read_label_file(file)?;
    let names_on = |level: &str| -> Vec<String> {
        let Some(l) = table.level(level) else {
            return Vec::new();
        };
        let mut names: Vec<String> = Vec::new();
        for c in &table.columns {
            if !names.contains(&c[l]) {
                names.push(c[l].clone());
            }
        }
        names
    };
    let stem = file
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split_once("DLC"))
        .map_or("video".to_owned(), |(s, _)| s.to_owned());
    let new = NewProject {
        name: "bench".into(),
        keypoints: names_on("bodyparts"),
        individuals: names_on("individuals"),
        videos: vec![VideoDef {
            path: format!("{stem}.mp4"),
            size_bytes: 0,
            edge_hash: 0,
            width: 640,
            height: 480,
            fps: 30.0,
            frame_count: table.n_rows() as u64,
            frame_files: None,
        }],
        ..NewProject::default()
    };
    Ok(Project::create(&dir.join("bench.kinelab"), &new)?)
}

/// The bytes a project file holds on disk with its write-ahead log folded in.
fn project_bytes(path: &Path) -> anyhow::Result<u64> {
    let conn = rusqlite::Connection::open(path)?;
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
    drop(conn);
    Ok(std::fs::metadata(path)?.len())
}

pub fn run(file: &Path, rounds: usize, json: bool) -> anyhow::Result<()> {
    let mut times = Vec::new();
    // Phases: reading the file into arrays, writing the set into the project.
    let (mut read_ms, mut write_ms, mut close_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut growth = 0u64;
    let mut raw = 0u64;
    let mut points = 0usize;
    for _ in 0..rounds.max(1) {
        let dir = tempfile::tempdir()?;
        let mut project = project_for(file, dir.path())?;
        let path = project.path().to_owned();
        let before = project_bytes(&path)?;
        let started = Instant::now();
        let imported = crate::formats::labels_from_file(project.state(), file, None)?;
        let t_read = started.elapsed();
        let set = prediction_import::write_predictions(&path, &imported, &mut |_, _| {})?;
        let t_write = started.elapsed();
        prediction_import::add_to_project(&mut project, file, imported.labels, set)?;
        times.push(ms(started.elapsed()));
        // Counted outside the timing: the bench's own figures, not the import's work.
        let predictions = imported
            .predictions
            .as_ref()
            .context("the file holds no predictions (no likelihood columns)")?;
        raw = predictions
            .videos
            .iter()
            .map(|(_, a)| a.values.len() as u64 * 4)
            .sum();
        points = predictions.point_count();
        read_ms.push(ms(t_read));
        write_ms.push(ms(t_write - t_read));
        // Closing waits for the checkpoint thread, which copies the set from the log
        // into the file after the import (timed apart: nobody waits for it).
        let closing = Instant::now();
        drop(project);
        close_ms.push(ms(closing.elapsed()));
        growth = project_bytes(&path)? - before;
    }
    let (median, p95) = median_p95(&times);
    let ratio = growth as f64 / raw.max(1) as f64;
    if json {
        println!(
            "{}",
            serde_json::json!({"file": file, "points": points, "median_ms": median,
                "read_median_ms": median_p95(&read_ms).0,
                "write_median_ms": median_p95(&write_ms).0,
                "close_median_ms": median_p95(&close_ms).0,
                "p95_ms": p95, "rounds": times.len(), "project_growth_bytes": growth,
                "raw_f32_bytes": raw, "growth_over_raw": ratio})
        );
    } else {
        println!(
            "{}: {points} points imported in {median:.1} ms (median, p95 {p95:.1} ms, {} rounds); \
             the project grew {:.1} MB for {:.1} MB of floats ({ratio:.2}×)",
            file.display(),
            times.len(),
            growth as f64 / 1e6,
            raw as f64 / 1e6
        );
    }
    Ok(())
}
