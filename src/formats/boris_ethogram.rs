//! BORIS's ethogram table, as its project window exports it (Export ethogram → CSV or
//! TSV) and imports it (Import behaviors → from a text file): a row per behaviour with
//! `Behavior code`, `Behavior type` (`State event` or `Point event`), `Description`,
//! `Key`, `Color`, `Behavioral category`, `Excluded behaviors`, `Modifiers`
//! (`name:value,value`) and `Modifiers (JSON)`. Kinelab writes the columns BORIS writes
//! and reads them as BORIS does: by name, in any case or order; the first six must be
//! there.

use std::path::Path;

use serde_json::{Value, json};

use super::boris::{BorisProject, behaviours_conf, ethogram_from_conf, sorted_values};
use super::error::{FormatError, FormatResult};
use crate::project::behaviours::Ethogram;

/// The columns BORIS's ethogram export writes, in its order.
pub const COLUMNS: [&str; 9] = [
    "Behavior code",
    "Behavior type",
    "Description",
    "Key",
    "Color",
    "Behavioral category",
    "Excluded behaviors",
    "Modifiers",
    "Modifiers (JSON)",
];

/// The columns BORIS's import insists on.
const REQUIRED: [&str; 6] = [
    "Behavior code",
    "Behavior type",
    "Description",
    "Key",
    "Behavioral category",
    "Excluded behaviors",
];

/// Whether a table's header row is an ethogram's (it names `Behavior code`).
pub fn is_ethogram_header(headers: &[String]) -> bool {
    headers
        .iter()
        .any(|h| h.trim().eq_ignore_ascii_case("Behavior code"))
}

/// The ethogram as BORIS's table, separated by `delimiter` (b',' or b'\t').
pub fn to_table(ethogram: &Ethogram, delimiter: u8) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    for b in sorted_values(&behaviours_conf(ethogram)) {
        let modifier_sets = sorted_values(&b["modifiers"]);
        let modifiers: Vec<String> = modifier_sets
            .iter()
            .map(|m| {
                let values: Vec<String> = m["values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(text)
                    .collect();
                format!("{}:{}", text(&m["name"]), values.join(","))
            })
            .collect();
        let modifiers_json = if modifier_sets.is_empty() {
            String::new()
        } else {
            b["modifiers"].to_string()
        };
        writer.write_record([
            text(&b["code"]),
            text(&b["type"]),
            text(&b["description"]),
            text(&b["key"]),
            text(&b["color"]),
            text(&b["category"]),
            text(&b["excluded"]),
            modifiers.join(";"),
            modifiers_json,
        ])?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// The ethogram as the file `path` names: a BORIS project holding only the ethogram
/// and the project's individuals as subjects (`.boris`, as BORIS's own ethogram export writes), or the table
/// (`.tsv`, else CSV).
pub fn file_bytes(
    state: &crate::project::ProjectState,
    ethogram: &Ethogram,
    project_name: &str,
    path: &Path,
) -> FormatResult<Vec<u8>> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let table = |delimiter| {
        to_table(ethogram, delimiter).map_err(|e| FormatError::invalid(path, e.to_string()))
    };
    if super::boris::is_project_path(path) {
        return super::boris::project_file_at(path, state, project_name, ethogram, &[]);
    }
    match ext.as_str() {
        "tsv" | "txt" => table(b'\t'),
        _ => table(b','),
    }
}

/// Reads an ethogram table (.csv or .tsv, told apart by the header's separators).
pub fn read(path: &Path) -> FormatResult<BorisProject> {
    let (headers, rows) = super::boris_tabular::read_table(path)?;
    from_table(path, &headers, &rows)
}

/// The ethogram of a table already read (`boris_tabular::read_table`); `path` names it
/// in messages.
pub(super) fn from_table(
    path: &Path,
    headers: &[String],
    rows: &[csv::StringRecord],
) -> FormatResult<BorisProject> {
    let bad = |why: String| FormatError::invalid(path, why);
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let missing: Vec<&str> = REQUIRED.into_iter().filter(|c| col(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(bad(format!(
            "not a BORIS ethogram table: no {} column{} (it has {})",
            missing
                .iter()
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(", "),
            if missing.len() == 1 { "" } else { "s" },
            headers.join(", ")
        )));
    }
    let mut conf = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let cell = |name: &str| {
            col(name)
                .and_then(|c| row.get(c))
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        let code = cell("Behavior code");
        if code.is_empty() {
            continue;
        }
        // As BORIS: the type is the one whose word it holds.
        let kind = cell("Behavior type").to_ascii_uppercase();
        let kind = if kind.contains("POINT") {
            "Point event"
        } else if kind.contains("STATE") {
            "State event"
        } else {
            return Err(bad(format!(
                "row {}: '{code}' has no behavior type (POINT or STATE)",
                i + 2
            )));
        };
        let modifiers = modifiers_of(&cell("Modifiers (JSON)"), &cell("Modifiers"))
            .map_err(|e| bad(format!("row {}: '{code}': {e}", i + 2)))?;
        conf.push(json!({
            "code": code,
            "type": kind,
            "description": cell("Description"),
            "key": cell("Key"),
            "color": cell("Color"),
            "category": cell("Behavioral category"),
            "excluded": cell("Excluded behaviors"),
            "modifiers": modifiers,
        }));
    }
    Ok(BorisProject {
        ethogram: ethogram_from_conf(&conf),
        ..BorisProject::default()
    })
}

/// A behaviour's modifiers as BORIS's JSON: from the JSON column where it is filled,
/// else from the `name:value,value;name:value` column.
fn modifiers_of(json_text: &str, plain: &str) -> Result<Value, String> {
    if !json_text.is_empty() {
        let v: Value = serde_json::from_str(json_text)
            .map_err(|e| format!("its 'Modifiers (JSON)' is not JSON: {e}"))?;
        return Ok(v);
    }
    let mut sets = serde_json::Map::new();
    for (i, set) in plain
        .split(';')
        .filter(|s| !s.trim().is_empty())
        .enumerate()
    {
        let (name, values) = set.split_once(':').unwrap_or(("", set));
        let values: Vec<&str> = values
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        sets.insert(
            i.to_string(),
            json!({"name": name.trim(), "type": 0, "values": values}),
        );
    }
    Ok(Value::Object(sets))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::behaviours::{Behaviour, BehaviourKind};

    fn ethogram() -> Ethogram {
        let b = |code: &str, key: &str, kind, group: Option<&str>, modifiers: &[&str]| Behaviour {
            code: code.into(),
            key: key.into(),
            color: "#3cb44b".into(),
            kind,
            modifiers: modifiers.iter().map(|m| m.to_string()).collect(),
            group: group.map(str::to_owned),
            description: format!("{code}, as seen"),
        };
        Ethogram {
            behaviours: vec![
                b("rest", "r", BehaviourKind::State, Some("posture"), &[]),
                b("walk", "w", BehaviourKind::State, Some("posture"), &[]),
                b("sniff", "s", BehaviourKind::Point, None, &["left", "right"]),
            ],
        }
    }

    #[test]
    fn the_table_reads_back_as_the_same_ethogram_in_csv_and_tsv() {
        let dir = tempfile::tempdir().unwrap();
        for (name, delimiter) in [("e.csv", b','), ("e.tsv", b'\t')] {
            let path = dir.path().join(name);
            std::fs::write(&path, to_table(&ethogram(), delimiter).unwrap()).unwrap();
            assert_eq!(read(&path).unwrap().ethogram, ethogram(), "{name}");
        }
        let text = String::from_utf8(to_table(&ethogram(), b',').unwrap()).unwrap();
        let (headers, _) =
            crate::formats::boris_tabular::read_table(&dir.path().join("e.csv")).unwrap();
        assert!(is_ethogram_header(&headers));
        assert!(text.contains("walk,State event,\"walk, as seen\",w,#3cb44b,posture,rest,,"));
        assert!(text.contains(
            "sniff,Point event,\"sniff, as seen\",s,#3cb44b,,,\"modifiers:left,right\","
        ));
    }

    #[test]
    fn a_table_typed_by_hand_reads_as_boris_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hand.tsv");
        // Lower-case headers in another order, no colour, plain modifiers.
        std::fs::write(
            &path,
            "behavior type\tbehavior code\tkey\tdescription\tbehavioral category\texcluded behaviors\tmodifiers\n\
             state\tgroom\tg\t\t\t\tarea:head,flank\n\
             POINT\tjump\tj\t\t\t\t\n",
        )
        .unwrap();
        let e = read(&path).unwrap().ethogram;
        assert_eq!(e.behaviours.len(), 2);
        assert_eq!(e.behaviours[0].kind, BehaviourKind::State);
        assert_eq!(e.behaviours[0].modifiers, ["head", "flank"]);
        assert_eq!(e.behaviours[1].kind, BehaviourKind::Point);
        // A missing column and a missing type are named.
        std::fs::write(&path, "Behavior code\tKey\nx\ty\n").unwrap();
        let said = read(&path).unwrap_err().to_string();
        assert!(
            said.contains("hand.tsv") && said.contains("'Behavior type'"),
            "{said}"
        );
        std::fs::write(
            &path,
            "Behavior code,Behavior type,Description,Key,Behavioral category,Excluded behaviors\nx,,,,,\n",
        )
        .unwrap();
        let said = read(&path).unwrap_err().to_string();
        assert!(said.contains("'x' has no behavior type"), "{said}");
    }
}
