//! `kinelab labels`: print every label of a project.

use std::path::Path;

use serde::Serialize;

use crate::project::Project;

#[derive(Serialize)]
struct LabelRow<'a> {
    video: &'a str,
    frame_idx: u64,
    individual: String,
    keypoint: String,
    x: f64,
    y: f64,
    visibility: &'static str,
    provenance: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
}

pub fn run(project: &Path, json: bool) -> anyhow::Result<()> {
    let project = Project::open(&super::interchange::project_to_open(project)?)?;
    let state = project.state();
    let rows: Vec<LabelRow<'_>> = state
        .labels
        .iter()
        .map(|(key, label)| LabelRow {
            video: state.video(key.video).map_or("?", |v| v.def.path.as_str()),
            frame_idx: key.frame_idx,
            individual: state.individual_name(key.individual),
            keypoint: state.skeleton.name_of(key.keypoint),
            x: label.x,
            y: label.y,
            visibility: label.visibility.as_str(),
            provenance: label.provenance.kind(),
            model: label.provenance.model(),
        })
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    println!("video\tframe_idx\tindividual\tkeypoint\tx\ty\tvisibility\tprovenance");
    for r in &rows {
        let provenance = match r.model {
            Some(model) => format!("{} ({model})", r.provenance),
            None => r.provenance.to_owned(),
        };
        println!(
            "{}\t{}\t{}\t{}\t{:.2}\t{:.2}\t{}\t{}",
            r.video, r.frame_idx, r.individual, r.keypoint, r.x, r.y, r.visibility, provenance
        );
    }
    eprintln!("{} labels", rows.len());
    Ok(())
}
