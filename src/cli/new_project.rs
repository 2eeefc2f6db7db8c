//! `kinelab new`: create a project from videos and a skeleton.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::project::document::project_dir;
use crate::project::names::{project_file, split_names, split_pairs};
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
        new.keypoints = split_names(list);
        new.edges.clear();
        new.symmetric.clear();
    }
    if new.keypoints.is_empty() {
        bail!("give the keypoints with --bodyparts a,b,c or a skeleton with --preset");
    }
    if let Some(list) = args.edges {
        new.edges = split_pairs(list, "edge").map_err(anyhow::Error::msg)?;
    }
    if let Some(list) = args.symmetric {
        new.symmetric = split_pairs(list, "pair").map_err(anyhow::Error::msg)?;
    }
    if let Some(list) = args.individuals {
        new.individuals = split_names(list);
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
