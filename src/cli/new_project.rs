//! `kinelab new`: create a project from videos and a skeleton.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::project::document::project_dir;
use crate::project::preset::builtin_preset;
use crate::project::{NewProject, Project};
use crate::video::describe::describe_for_project;

use super::progress;
use crate::util::text::plural;

/// What `kinelab new` was given.
pub struct NewArgs<'a> {
    pub project: &'a Path,
    pub videos: &'a [PathBuf],
    pub bodyparts: Option<&'a str>,
    pub preset: Option<&'a str>,
    pub edges: Option<&'a str>,
    pub symmetric: Option<&'a str>,
    pub individuals: Option<&'a str>,
}

/// Splits `a,b,c` into trimmed, non-empty names.
fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Splits `a-b,b-c` into pairs.
fn split_pairs(text: &str, what: &str) -> anyhow::Result<Vec<(String, String)>> {
    split_list(text)
        .into_iter()
        .map(|pair| match pair.split_once('-') {
            Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
                Ok((a.trim().to_owned(), b.trim().to_owned()))
            }
            _ => bail!("{what} '{pair}' is not of the form a-b"),
        })
        .collect()
}

/// The project file for a given path: `NAME.kinelab` is added when missing.
pub fn project_file(path: &Path) -> PathBuf {
    if path.extension().is_some_and(|e| e == "kinelab") {
        path.to_owned()
    } else {
        let mut name = path.as_os_str().to_owned();
        name.push(".kinelab");
        PathBuf::from(name)
    }
}

pub fn run(args: NewArgs<'_>) -> anyhow::Result<()> {
    let path = project_file(args.project);
    if path.exists() {
        bail!(
            "{}: a file is already there; choose another name",
            path.display()
        );
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    let mut new = NewProject {
        name,
        ..NewProject::default()
    };
    if let Some(id) = args.preset {
        let preset = builtin_preset(id).with_context(|| {
            let ids: Vec<String> = crate::project::preset::builtin_presets()
                .into_iter()
                .map(|p| p.id)
                .collect();
            format!("no skeleton preset '{id}' (there are: {})", ids.join(", "))
        })?;
        preset.fill(&mut new);
    }
    if let Some(list) = args.bodyparts {
        new.keypoints = split_list(list);
        new.edges.clear();
        new.symmetric.clear();
    }
    if new.keypoints.is_empty() {
        bail!("give the keypoints with --bodyparts a,b,c or a skeleton with --preset");
    }
    if let Some(list) = args.edges {
        new.edges = split_pairs(list, "edge")?;
    }
    if let Some(list) = args.symmetric {
        new.symmetric = split_pairs(list, "pair")?;
    }
    if let Some(list) = args.individuals {
        new.individuals = split_list(list);
    }
    let dir = project_dir(&path);
    for video in args.videos {
        let size = std::fs::metadata(video).map(|m| m.len()).unwrap_or(0);
        let bar = progress::bar(size, "indexing");
        let def = describe_for_project(&dir, video, &mut |pos| bar.set_position(pos))?;
        bar.finish_and_clear();
        new.videos.push(def);
    }
    let project = Project::create(&path, &new)?;
    let state = project.state();
    println!(
        "created {}: {}, {}, {}",
        path.display(),
        plural(state.skeleton.keypoints.len(), "keypoint", "keypoints"),
        plural(state.individuals.len(), "individual", "individuals"),
        plural(state.videos.len(), "video", "videos")
    );
    Ok(())
}
