//! What an import or export did and what it left out, with reasons a person can act
//! on: the summaries every format's reader and writer give.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::util::text::plural;

/// What an import did and what it left out, with reasons a person can act on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportReport {
    pub frames: usize,
    pub labels: usize,
    /// Points of a model's predictions (a prediction set), and the frames they are on.
    pub predicted_points: usize,
    pub predicted_frames: usize,
    /// Reason -> number of rows (or cells) skipped for it.
    pub skipped: BTreeMap<String, usize>,
    /// Things that were kept but deserve a look.
    pub warnings: Vec<String>,
}

impl ImportReport {
    pub fn skip(&mut self, reason: impl Into<String>, rows: usize) {
        *self.skipped.entry(reason.into()).or_default() += rows;
    }

    /// One line per skip reason: "12 rows skipped: bodypart 'tail' is not in the skeleton".
    pub fn skipped_lines(&self) -> Vec<String> {
        self.skipped
            .iter()
            .map(|(reason, n)| {
                let rows = if *n == 1 { "row" } else { "rows" };
                format!("{n} {rows} skipped: {reason}")
            })
            .collect()
    }

    /// A summary for a person: counts, then every skip and warning.
    pub fn summary(&self) -> String {
        self.summary_as("imported")
    }

    /// The summary with another verb for what was done ("read" by a conversion, which
    /// imports nothing).
    pub fn summary_as(&self, verb: &str) -> String {
        let labels = format!(
            "{} on {} {verb}",
            plural(self.labels, "label", "labels"),
            plural(self.frames, "frame", "frames"),
        );
        let predictions = format!(
            "{} on {} {verb} as a prediction set",
            plural(self.predicted_points, "predicted point", "predicted points"),
            plural(self.predicted_frames, "frame", "frames"),
        );
        let mut lines = if self.predicted_points == 0 {
            vec![labels]
        } else if self.labels == 0 {
            vec![predictions]
        } else {
            vec![labels, predictions]
        };
        lines.extend(self.skipped_lines());
        lines.extend(self.warnings.iter().cloned());
        lines.join("\n")
    }

    pub fn merge(&mut self, other: ImportReport) {
        self.frames += other.frames;
        self.labels += other.labels;
        self.predicted_points += other.predicted_points;
        self.predicted_frames += other.predicted_frames;
        for (reason, n) in other.skipped {
            self.skip(reason, n);
        }
        self.warnings.extend(other.warnings);
    }
}

/// What an export wrote and what it left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportReport {
    /// Every file written (or found already holding what it would hold), images aside.
    pub files: Vec<PathBuf>,
    pub frames: usize,
    pub labels: usize,
    /// Frame images written by this export.
    pub images_written: usize,
    /// Frame images that were there already and were kept as they are.
    pub images_present: usize,
    /// Reason -> count of what was left out.
    pub skipped: BTreeMap<String, usize>,
}

impl ExportReport {
    /// A summary for a person: what went in, each kind of file written, the images
    /// (written, or there already), and what was left out.
    pub fn summary(&self) -> String {
        let mut lines = vec![format!(
            "{} on {}",
            plural(self.labels, "label", "labels"),
            plural(self.frames, "frame", "frames"),
        )];
        let mut written = self.files_phrases();
        if self.images_written > 0 {
            written.push(plural(self.images_written, "image", "images"));
        }
        if !written.is_empty() {
            lines.push(format!("written: {}", written.join(", ")));
        }
        if self.images_present > 0 {
            lines.push(format!(
                "{} already there, kept as they are",
                plural(self.images_present, "image", "images")
            ));
        }
        lines.extend(
            self.skipped
                .iter()
                .map(|(r, n)| format!("{n} skipped: {r}")),
        );
        lines.join("\n")
    }

    /// The files written, by kind: a kind with one file is named ("config.yaml"), a
    /// kind with many is counted ("116 label files (.txt)").
    fn files_phrases(&self) -> Vec<String> {
        let mut by_extension: BTreeMap<String, Vec<&PathBuf>> = BTreeMap::new();
        for file in &self.files {
            let ext = file
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default();
            by_extension.entry(ext).or_default().push(file);
        }
        let mut phrases = Vec::new();
        for (ext, files) in by_extension {
            if files.len() <= 3 {
                phrases.extend(files.iter().map(|f| {
                    f.file_name().map_or_else(
                        || f.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    )
                }));
            } else {
                let kind = match ext.as_str() {
                    "txt" | "csv" | "h5" | "json" => "label files",
                    _ => "files",
                };
                phrases.push(format!("{} {kind} (.{ext})", files.len()));
            }
        }
        phrases
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_summaries_name_what_was_written_and_what_was_there() {
        let report = ExportReport {
            files: vec![
                "out/labeled-data/m4s1/CollectedData_Pranav.csv".into(),
                "out/labeled-data/m4s1/CollectedData_Pranav.h5".into(),
                "out/config.yaml".into(),
            ],
            frames: 116,
            labels: 1,
            images_written: 0,
            images_present: 116,
            ..ExportReport::default()
        };
        let summary = report.summary();
        assert_eq!(
            summary,
            "1 label on 116 frames\n\
             written: CollectedData_Pranav.csv, CollectedData_Pranav.h5, config.yaml\n\
             116 images already there, kept as they are"
        );
        assert!(!summary.contains("0 images"), "{summary}");
        let yolo = ExportReport {
            files: (0..116)
                .map(|i| PathBuf::from(format!("labels/train/img{i:03}.txt")))
                .chain(["data.yaml".into()])
                .collect(),
            frames: 116,
            labels: 464,
            images_written: 116,
            ..ExportReport::default()
        };
        assert_eq!(
            yolo.summary(),
            "464 labels on 116 frames\nwritten: 116 label files (.txt), data.yaml, 116 images"
        );
    }

    #[test]
    fn import_summaries_use_singulars() {
        let report = ImportReport {
            frames: 1,
            labels: 1,
            ..ImportReport::default()
        };
        assert_eq!(report.summary(), "1 label on 1 frame imported");
        assert_eq!(report.summary_as("read"), "1 label on 1 frame read");
    }
}
