//! BORIS's tabular exports read back: the tabular events (a row per point event and per
//! state START and STOP: `Subject`, `Behavior`, `Behavior type`, `Time`, with
//! `Image index` and the media file where BORIS gives them) and the aggregated events
//! (a row per event: `Start (s)`, `Stop (s)`, `Image index start`/`stop`). Columns are
//! found by their names, so BORIS versions that add or move columns read the same;
//! CSV and TSV both.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::boris::{BorisEvent, BorisProject};
use super::error::{FormatError, FormatResult};
use crate::project::behaviours::{Behaviour, BehaviourKind};

/// The spreadsheets BORIS exports to besides CSV and TSV (Excel's two and
/// OpenDocument's), read through calamine.
pub const SPREADSHEET_EXTENSIONS: &[&str] = &["xlsx", "xls", "ods"];

/// Whether `path` names one of [`SPREADSHEET_EXTENSIONS`].
pub fn is_spreadsheet(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        SPREADSHEET_EXTENSIONS
            .iter()
            .any(|s| e.eq_ignore_ascii_case(s))
    })
}

/// Whether a row is a BORIS table's header: it names the subject or the behaviour.
/// BORIS 7's tabular export puts the observation's details (its id, media files, date,
/// independent variables) in rows above the header.
fn is_header_row<'a>(mut cells: impl Iterator<Item = &'a str>) -> bool {
    cells.any(|c| {
        ["Subject", "Behavior", "Behaviour", "Behavior code"]
            .iter()
            .any(|n| c.trim().eq_ignore_ascii_case(n))
    })
}

/// `rows` split at the header row (the first [`is_header_row`], else the first row):
/// its trimmed names, and the rows below it.
fn split_at_header(
    mut rows: Vec<csv::StringRecord>,
) -> Option<(Vec<String>, Vec<csv::StringRecord>)> {
    let at = rows
        .iter()
        .position(|r| is_header_row(r.iter()))
        .unwrap_or(0);
    if at >= rows.len() {
        return None;
    }
    let below = rows.split_off(at + 1);
    let names = rows[at].iter().map(|h| h.trim().to_owned()).collect();
    Some((names, below))
}

/// A BORIS table: its trimmed column names and its rows. A spreadsheet (see
/// [`is_spreadsheet`]) is read through calamine; other files as CSV, or TSV when the
/// header line has more tabs than commas.
pub(super) fn read_table(path: &Path) -> FormatResult<(Vec<String>, Vec<csv::StringRecord>)> {
    if is_spreadsheet(path) {
        return read_spreadsheet(path);
    }
    let text = std::fs::read_to_string(path).map_err(|e| FormatError::io(path, e))?;
    let header_line = text
        .lines()
        .find(|l| is_header_row(l.split(['\t', ','])))
        .or_else(|| text.lines().next())
        .unwrap_or_default();
    let delimiter = if header_line.matches('\t').count() > header_line.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let rows = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .enumerate()
        .map(|(n, r)| r.map_err(|e| FormatError::row(path, n + 1, e.to_string())))
        .collect::<FormatResult<Vec<_>>>()?;
    split_at_header(rows).ok_or_else(|| FormatError::invalid(path, "the file is empty"))
}

/// A spreadsheet's rows under its header (see [`split_at_header`]). A workbook BORIS
/// wrote with a sheet per observation gives every sheet's rows, each cell under the
/// first sheet's column of the same name.
fn read_spreadsheet(path: &Path) -> FormatResult<(Vec<String>, Vec<csv::StringRecord>)> {
    use calamine::{DataType, Reader};
    let unreadable =
        |e: calamine::Error| FormatError::invalid(path, format!("not a readable spreadsheet: {e}"));
    let mut book = calamine::open_workbook_auto(path).map_err(unreadable)?;
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).map_err(unreadable)?;
        let sheet_rows: Vec<csv::StringRecord> = range
            .rows()
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        let Some((names, sheet_rows)) = split_at_header(sheet_rows) else {
            continue;
        };
        let headers = headers.get_or_insert_with(|| names.clone());
        let column_of: Vec<Option<usize>> = names
            .iter()
            .map(|n| headers.iter().position(|h| h == n))
            .collect();
        for row in sheet_rows {
            let mut cells = vec![String::new(); headers.len()];
            for (cell, column) in row.iter().zip(&column_of) {
                if let Some(column) = column {
                    cells[*column] = cell.to_owned();
                }
            }
            rows.push(csv::StringRecord::from(cells));
        }
    }
    let headers = headers.ok_or_else(|| FormatError::invalid(path, "the spreadsheet is empty"))?;
    Ok((headers, rows))
}

/// Reads a BORIS tabular or aggregated events export (.csv, .tsv, or a spreadsheet).
pub fn read(path: &Path) -> FormatResult<BorisProject> {
    let (headers, rows) = read_table(path)?;
    from_table(path, &headers, &rows)
}

/// The events of a BORIS tabular or aggregated export already read as a table
/// (`read_table`); `path` names it in messages.
pub(super) fn from_table(
    path: &Path,
    headers: &[String],
    rows: &[csv::StringRecord],
) -> FormatResult<BorisProject> {
    let bad = |why: String| FormatError::invalid(path, why);
    // The first of `names` (in order of preference) that is a column.
    let col = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| headers.iter().position(|h| h.eq_ignore_ascii_case(n)))
    };
    let (Some(subject), Some(behaviour)) = (col(&["Subject"]), col(&["Behavior", "Behaviour"]))
    else {
        return Err(bad(
            "no 'Subject' and 'Behavior' columns: not a BORIS export".into(),
        ));
    };
    let kind = col(&["Behavior type", "Status"]);
    let media = col(&[
        "Media file name",
        "Media file",
        "Media file path",
        "Source",
        "Observation id",
    ]);
    // One "Modifiers" column (Kinelab's, older BORIS), or BORIS's "Modifier #1",
    // "Modifier #2"… (a column per modifier set), joined with "|" as BORIS joins them in
    // its projects.
    let modifier_cols: Vec<usize> = match col(&["Modifiers", "Modifier"]) {
        Some(one) => vec![one],
        None => headers
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                h.to_ascii_lowercase()
                    .strip_prefix("modifier #")
                    .is_some_and(|n| n.parse::<u32>().is_ok())
            })
            .map(|(i, _)| i)
            .collect(),
    };
    let time = col(&["Time"]);
    // BORIS's times include the observation's time offset; the video's do not.
    let time_offset = col(&["Time offset (s)", "Time offset"]);
    let index = col(&["Image index"]);
    let (start, stop) = (col(&["Start (s)"]), col(&["Stop (s)"]));
    let (index_start, index_stop) = (col(&["Image index start"]), col(&["Image index stop"]));
    let aggregated = start.is_some();
    if !aggregated && time.is_none() {
        return Err(bad(
            "no 'Time' (tabular) or 'Start (s)' (aggregated) column".into(),
        ));
    }
    let mut project = BorisProject::default();
    let mut kinds: BTreeMap<String, BehaviourKind> = BTreeMap::new();
    // The modifier values each behaviour's events carry: its modifier list.
    let mut modifiers_seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Open states per (media, subject, behaviour, modifier): their event's index.
    let mut open: BTreeMap<(String, String, String, String), usize> = BTreeMap::new();
    for (n, r) in rows.iter().enumerate() {
        let cell = |i: Option<usize>| {
            i.and_then(|i| r.get(i))
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        let number = |i: Option<usize>| cell(i).parse::<f64>().ok();
        let offset = number(time_offset).unwrap_or(0.0);
        let secs = |i: Option<usize>| number(i).map(|t| t - offset);
        let (who, code) = (cell(Some(subject)), cell(Some(behaviour)));
        let modifier = modifier_cols
            .iter()
            .map(|&i| cell(Some(i)))
            .filter(|m| !m.is_empty() && m != "None")
            .collect::<Vec<_>>()
            .join("|");
        let status = cell(kind).to_ascii_uppercase();
        let file = cell(media);
        let is_state = status.contains("STATE") || status == "START" || status == "STOP";
        kinds.entry(code.clone()).or_insert(if is_state {
            BehaviourKind::State
        } else {
            BehaviourKind::Point
        });
        let seen = modifiers_seen.entry(code.clone()).or_default();
        // BORIS writes "None" for a modifier set left unchosen.
        seen.extend(
            modifier
                .split('|')
                .map(str::trim)
                .filter(|m| !m.is_empty() && *m != "None")
                .map(str::to_owned),
        );
        let entry = project
            .observations
            .entry(file.clone())
            .or_insert_with(|| (vec![file.clone()], Vec::new()));
        let event = |start_secs: f64, start_frame: Option<u64>| BorisEvent {
            behaviour: code.clone(),
            subject: if who.eq_ignore_ascii_case("no focal subject") {
                String::new()
            } else {
                who.clone()
            },
            modifier: Some(modifier.clone()).filter(|m| !m.is_empty() && m != "None"),
            start_secs,
            stop_secs: None,
            start_frame,
            stop_frame: None,
            computed: false,
        };
        if aggregated {
            let Some(s) = secs(start) else {
                return Err(FormatError::row(path, n + 1, "no start time"));
            };
            let mut e = event(s, number(index_start).map(|f| f as u64));
            if is_state {
                e.stop_secs = secs(stop);
                e.stop_frame = number(index_stop).map(|f| f as u64);
            }
            entry.1.push(e);
            continue;
        }
        let Some(t) = secs(time) else {
            return Err(FormatError::row(path, n + 1, "no time"));
        };
        let frame = number(index).map(|f| f as u64);
        let key = (file.clone(), who.clone(), code.clone(), modifier.clone());
        match status.as_str() {
            "STOP" => match open.remove(&key) {
                Some(i) => {
                    entry.1[i].stop_secs = Some(t);
                    entry.1[i].stop_frame = frame;
                }
                None => {
                    return Err(FormatError::row(
                        path,
                        n + 1,
                        format!("'{code}' stops without a start"),
                    ));
                }
            },
            "START" => {
                open.insert(key, entry.1.len());
                entry.1.push(event(t, frame));
            }
            _ => entry.1.push(event(t, frame)),
        }
    }
    project.ethogram.behaviours = kinds
        .into_iter()
        .enumerate()
        .map(|(i, (code, kind))| Behaviour {
            modifiers: modifiers_seen
                .remove(&code)
                .map(|m| m.into_iter().collect())
                .unwrap_or_default(),
            code,
            key: String::new(),
            color: crate::project::behaviours::palette_color(i),
            kind,
            group: None,
            description: String::new(),
        })
        .collect();
    Ok(project)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabular_and_aggregated_exports_read_to_the_same_events() {
        let dir = tempfile::tempdir().unwrap();
        let tabular = dir.path().join("t.tsv");
        std::fs::write(
            &tabular,
            "Observation id\tSubject\tBehavior\tModifiers\tBehavior type\tTime\tMedia file name\tImage index\n\
             o\trat\twalk\t\tSTART\t1.5\ttrial1.mp4\t45\n\
             o\trat\tpoke\tleft\tPOINT\t2.0\ttrial1.mp4\t60\n\
             o\trat\twalk\t\tSTOP\t3.25\ttrial1.mp4\t97\n",
        )
        .unwrap();
        let aggregated = dir.path().join("a.csv");
        std::fs::write(
            &aggregated,
            "Subject,Behavior,Behavior type,Start (s),Stop (s),Duration (s),Media file name,Image index start,Image index stop,Modifiers\n\
             rat,walk,State event,1.5,3.25,1.75,trial1.mp4,45,97,\n\
             rat,poke,Point event,2.0,2.0,,trial1.mp4,60,60,left\n",
        )
        .unwrap();
        let (a, b) = (read(&tabular).unwrap(), read(&aggregated).unwrap());
        assert_eq!(a.ethogram.by_code("poke").unwrap().modifiers, ["left"]);
        for p in [&a, &b] {
            let events = &p.observations["trial1.mp4"].1;
            assert_eq!(events.len(), 2, "{events:?}");
            let walk = events.iter().find(|e| e.behaviour == "walk").unwrap();
            assert_eq!(
                (walk.start_frame, walk.stop_frame, walk.stop_secs),
                (Some(45), Some(97), Some(3.25))
            );
            let poke = events.iter().find(|e| e.behaviour == "poke").unwrap();
            assert_eq!(
                (poke.modifier.as_deref(), poke.stop_secs),
                (Some("left"), None)
            );
            assert_eq!(
                p.ethogram.by_code("walk").unwrap().kind,
                BehaviourKind::State
            );
        }
        // A STOP without its START is named by its row.
        std::fs::write(
            &tabular,
            "Subject\tBehavior\tBehavior type\tTime\nrat\twalk\tSTOP\t1\n",
        )
        .unwrap();
        let err = read(&tabular).unwrap_err().to_string();
        assert!(
            err.contains("t.tsv") && err.contains("stops without a start"),
            "{err}"
        );
    }

    #[test]
    fn a_column_per_modifier_set_joins_as_boris_projects_hold_them() {
        // BORIS 8's tabular export: "Modifier #1", "Modifier #2", one per set.
        let dir = tempfile::tempdir().unwrap();
        let tabular = dir.path().join("t.tsv");
        std::fs::write(
            &tabular,
            "Subject\tBehavior\tModifier #1\tModifier #2\tBehavior type\tTime\tMedia file name\n\
             rat\tpoke\tleft\tfast\tPOINT\t2.0\ttrial1.mp4\n\
             rat\tpoke\tright\t\tPOINT\t3.0\ttrial1.mp4\n",
        )
        .unwrap();
        let p = read(&tabular).unwrap();
        let events = &p.observations["trial1.mp4"].1;
        let modifiers: Vec<_> = events.iter().map(|e| e.modifier.as_deref()).collect();
        assert_eq!(modifiers, [Some("left|fast"), Some("right")]);
        assert_eq!(
            p.ethogram.by_code("poke").unwrap().modifiers,
            ["fast", "left", "right"]
        );
    }

    #[test]
    fn boris_7_details_above_the_header_are_passed_over() {
        // BORIS 7's tabular export: the observation's details, then the table.
        let dir = tempfile::tempdir().unwrap();
        let tabular = dir.path().join("old.tsv");
        std::fs::write(
            &tabular,
            "Observation id\tobservation #1\t\t\n\
             \t\t\t\n\
             Media file(s)\t\t\t\n\
             Player #1\ttrial1.mp4\t\t\n\
             independent variables\t\t\t\n\
             variable\tvalue\t\t\n\
             a\t12, or so\t\t\n\
             \t\t\t\n\
             Time\tMedia file path\tTotal length\tFPS\tSubject\tBehavior\tModifiers\tStatus\n\
             3.300\ttrial1.mp4\t359.960\t25.0\trat\twalk\t\tSTART\n\
             5.000\ttrial1.mp4\t359.960\t25.0\trat\tpoke\tNone|left\tPOINT\n\
             7.750\ttrial1.mp4\t359.960\t25.0\trat\twalk\t\tSTOP\n",
        )
        .unwrap();
        let p = read(&tabular).unwrap();
        let events = &p.observations["trial1.mp4"].1;
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(
            (events[0].start_secs, events[0].stop_secs),
            (3.3, Some(7.75))
        );
        assert_eq!(events[1].modifier.as_deref(), Some("None|left"));
        assert_eq!(p.ethogram.by_code("poke").unwrap().modifiers, ["left"]);
    }

    #[test]
    fn the_time_offset_is_taken_off_borises_times() {
        let dir = tempfile::tempdir().unwrap();
        let tabular = dir.path().join("t.csv");
        std::fs::write(
            &tabular,
            "Observation id,Time offset (s),Subject,Behavior,Behavior type,Time,Media file name,Image index\n\
             o,2.5,rat,poke,POINT,4.0,trial1.mp4,NA\n",
        )
        .unwrap();
        let p = read(&tabular).unwrap();
        let poke = &p.observations["trial1.mp4"].1[0];
        assert_eq!((poke.start_secs, poke.start_frame), (1.5, None));
    }

    #[test]
    fn a_broken_spreadsheet_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.xlsx");
        std::fs::write(&path, "Subject,Behavior\nrat,walk\n").unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.contains("events.xlsx") && err.contains("not a readable spreadsheet"),
            "{err}"
        );
    }
}
