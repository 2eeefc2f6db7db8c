//! `kinelab demo`: the demo project, built from the clip and skeleton compiled into
//! the binary (made by `scripts/make-demo`), so it works wherever Kinelab is installed.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::project::preset::SkeletonPreset;
use crate::project::{NewProject, Project};
use crate::util::atomic_file::write_bytes_atomically;
use crate::video::describe::describe_for_project;

const CLIP: &[u8] = include_bytes!("../../assets/demo/demo.mp4");
const TRUTH: &str = include_str!("../../assets/demo/truth.csv");
const SKELETON: &str = include_str!("../../assets/demo/skeleton.json");
/// The demo's pose model and its spec (made by `scripts/train-demo-model`).
const MODEL: &[u8] = include_bytes!("../../assets/demo/model.onnx");
const MODEL_SPEC: &str = include_str!("../../assets/demo/model.json");

/// File name of the demo project inside its folder.
pub const PROJECT_FILE: &str = "demo.kinelab";

/// Where the demo goes by default: `~/.local/share/kinelab/demo`.
pub fn default_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("kinelab")
        .join("demo")
}

/// Writes a file unless it is there with the same content.
fn write_if_changed(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_bytes_atomically(path, bytes)
        .map(drop)
        .with_context(|| format!("{}: could not write", path.display()))
}

/// Puts the demo project in `dir` (or the default folder) and returns the project
/// file. An existing demo project is kept, labels and all.
pub fn install(dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    let dir = dir.map_or_else(default_dir, Path::to_owned);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("{}: could not create", dir.display()))?;
    write_if_changed(&dir.join("demo.mp4"), CLIP)?;
    write_if_changed(&dir.join("truth.csv"), TRUTH.as_bytes())?;
    write_if_changed(&dir.join("model.onnx"), MODEL)?;
    write_if_changed(&dir.join("model.json"), MODEL_SPEC.as_bytes())?;
    let project = dir.join(PROJECT_FILE);
    if project.exists() {
        add_demo_model(&mut Project::open(&project)?)?;
        return Ok(project);
    }
    let skeleton = SkeletonPreset::from_json("demo", SKELETON)?;
    let mut new = NewProject {
        name: "demo".into(),
        individuals: vec!["mouse".into()],
        ..NewProject::default()
    };
    skeleton.fill(&mut new);
    new.videos.push(describe_for_project(
        &dir,
        &dir.join("demo.mp4"),
        &mut |_| {},
    )?);
    add_demo_model(&mut Project::create(&project, &new)?)?;
    Ok(project)
}

/// Lists the demo's model in the demo project, suggesting on every frame, unless the
/// project lists models already (a person's choice is kept).
fn add_demo_model(project: &mut Project) -> anyhow::Result<()> {
    use crate::project::settings_keys::{MODELS, SUGGEST_EVERY_FRAME};
    if project.state().settings.contains_key(MODELS) {
        return Ok(());
    }
    for (key, value) in [(MODELS, r#"["model.onnx"]"#), (SUGGEST_EVERY_FRAME, "1")] {
        if let Some(mut edit) =
            crate::project::edits::set_setting(project.state(), key, value.into())
        {
            edit.description = "add the demo's pose model".into();
            project.apply(edit)?;
        }
    }
    Ok(())
}

/// The demo clip's true keypoint positions: (frame_idx, keypoint, x, y).
pub fn truth() -> Vec<(u64, String, f64, f64)> {
    let mut reader = csv::Reader::from_reader(TRUTH.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| {
            Some((
                r.get(0)?.parse().ok()?,
                r.get(1)?.to_owned(),
                r.get(2)?.parse().ok()?,
                r.get(3)?.parse().ok()?,
            ))
        })
        .collect()
}
