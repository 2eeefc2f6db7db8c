//! What an import or export did and what it left out, with reasons a person can act
//! on: the summaries every format's reader and writer give.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// What an import did and what it left out, with reasons a person can act on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportReport {
    pub frames: usize,
    pub labels: usize,
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
        let mut lines = vec![format!(
            "{} labels on {} frames imported",
            self.labels, self.frames
        )];
        lines.extend(self.skipped_lines());
        lines.extend(self.warnings.iter().cloned());
        lines.join("\n")
    }

    pub fn merge(&mut self, other: ImportReport) {
        self.frames += other.frames;
        self.labels += other.labels;
        for (reason, n) in other.skipped {
            self.skip(reason, n);
        }
        self.warnings.extend(other.warnings);
    }
}

/// What an export wrote and what it left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportReport {
    pub files: Vec<PathBuf>,
    pub frames: usize,
    pub labels: usize,
    pub images_written: usize,
    /// Reason -> count of what was left out.
    pub skipped: BTreeMap<String, usize>,
}

impl ExportReport {
    pub fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut lines = vec![format!(
            "{} on {}; {} and {} written",
            plural(self.labels, "label", "labels"),
            plural(self.frames, "frame", "frames"),
            plural(self.files.len(), "file", "files"),
            plural(self.images_written, "image", "images"),
        )];
        lines.extend(
            self.skipped
                .iter()
                .map(|(r, n)| format!("{n} skipped: {r}")),
        );
        lines.join("\n")
    }
}
