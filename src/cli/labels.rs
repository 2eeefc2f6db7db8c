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
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
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
            score: label.score,
        })
        .collect();
    let mut text = String::new();
    if json {
        text = serde_json::to_string_pretty(&rows)?;
        text.push('\n');
    } else {
        use std::fmt::Write as _;
        text.push_str(
            "video\tframe_idx\tindividual\tkeypoint\tx\ty\tvisibility\tprovenance\tscore\n",
        );
        for r in &rows {
            let provenance = match r.model {
                Some(model) => format!("{} ({model})", r.provenance),
                None => r.provenance.to_owned(),
            };
            let score = r
                .score
                .map_or_else(|| "-".to_owned(), |s| format!("{s:.3}"));
            let _ = writeln!(
                text,
                "{}\t{}\t{}\t{}\t{:.2}\t{:.2}\t{}\t{}\t{score}",
                r.video, r.frame_idx, r.individual, r.keypoint, r.x, r.y, r.visibility, provenance
            );
        }
    }
    // A reader that stops early (`| head`) is not an error.
    use std::io::Write as _;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
        other => other?,
    }
    if !json {
        eprintln!(
            "{}",
            crate::util::text::plural(rows.len(), "label", "labels")
        );
    }
    Ok(())
}
