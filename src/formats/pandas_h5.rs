//! pandas' HDF5 layouts (PyTables underneath), read and written without Python.
//!
//! - **fixed** (`pandas_type = frame`): each axis and block is an array of its own;
//!   MultiIndex levels are sorted unique values plus integer codes. DeepLabCut writes
//!   its `CollectedData_*.h5` this way, under the key `df_with_missing`.
//! - **table** (`pandas_type = frame_table`): one compound dataset `table` with an
//!   `index` field and `values_block_<k>` fields; the column names exist only as pickled
//!   lists in the `non_index_axes` and `values_block_<k>_kind` attributes. DeepLabCut's
//!   prediction files and older label files use it.
//!
//! Writes go to a temporary file that is renamed over the target when complete.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use hdf5::{Group, Location};
use hdf5_sys::h5t::H5T_class_t;
use serde_pickle::{DeOptions, HashableValue, Value};

use super::dlc_table::{DlcTable, RowIndex};
use super::error::{FormatError, FormatResult};
use super::h5;

/// The key DeepLabCut stores its frames under.
pub const DLC_KEY: &str = "df_with_missing";

/// Reads the data frame under `key` (or, with `None`, under `df_with_missing`, else the
/// file's only top-level group).
pub fn read(path: &Path, key: Option<&str>) -> FormatResult<DlcTable> {
    let invalid = |m: String| FormatError::invalid(path, m);
    if !path.exists() {
        return Err(FormatError::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        ));
    }
    let file = super::h5::open_file(path).map_err(|e| {
        invalid(format!(
            "not a readable HDF5 file (truncated or another format?): {e}"
        ))
    })?;
    let key = match key {
        Some(k) => k.to_owned(),
        None => {
            let names = file.member_names().map_err(|e| invalid(e.to_string()))?;
            if names.iter().any(|n| n == DLC_KEY) {
                DLC_KEY.to_owned()
            } else if names.len() == 1 {
                names[0].clone()
            } else {
                return Err(invalid(format!(
                    "no '{DLC_KEY}' key; the file holds {}",
                    names.join(", ")
                )));
            }
        }
    };
    let group = file
        .group(&key)
        .map_err(|_| invalid(format!("no data frame under the key '{key}'")))?;
    let kind = h5::read_string_attr(&group, "pandas_type").map_err(&invalid)?;
    let result = match kind.as_deref() {
        Some("frame") => read_fixed(&group),
        Some("frame_table") => read_table(&group),
        Some(other) => Err(format!("holds a pandas '{other}', not a data frame")),
        None => Err("is not a pandas data frame (no pandas_type)".into()),
    };
    result.map_err(|m| invalid(format!("key '{key}': {m}")))
}

type Res<T> = Result<T, String>;

fn read_index_level_names(group: &Group, key: &str, levels: usize) -> Res<Vec<String>> {
    (0..levels)
        .map(|i| {
            let ds = group
                .dataset(&format!("{key}_level{i}"))
                .map_err(|_| format!("'{key}_level{i}' is missing"))?;
            let name = h5::read_string_attr(&ds, "name")?.unwrap_or_default();
            // PyTables pickles None ("N.").
            Ok(if name == "N." { String::new() } else { name })
        })
        .collect()
}

/// Reads `key` as a MultiIndex: per entry, one value per level.
fn read_multi(group: &Group, key: &str) -> Res<Vec<Vec<String>>> {
    let levels = h5::read_int_attr(group, &format!("{key}_nlevels"))?
        .ok_or_else(|| format!("'{key}_nlevels' is missing"))? as usize;
    let mut per_level: Vec<Vec<String>> = Vec::new();
    let mut len = None;
    for i in 0..levels {
        let values = group
            .dataset(&format!("{key}_level{i}"))
            .map_err(|_| format!("'{key}_level{i}' is missing"))
            .and_then(|ds| read_any_strings(&ds))?;
        let codes: Vec<i64> = group
            .dataset(&format!("{key}_label{i}"))
            .and_then(|ds| ds.read_raw::<i64>())
            .map_err(|e| format!("'{key}_label{i}': {e}"))?;
        if *len.get_or_insert(codes.len()) != codes.len() {
            return Err(format!("the levels of '{key}' differ in length"));
        }
        let column = codes
            .iter()
            .map(|&c| match c {
                -1 => Ok(String::new()),
                c => values
                    .get(c as usize)
                    .cloned()
                    .ok_or_else(|| format!("'{key}_label{i}' has the code {c} out of range")),
            })
            .collect::<Res<Vec<_>>>()?;
        per_level.push(column);
    }
    let n = len.unwrap_or(0);
    Ok((0..n)
        .map(|r| per_level.iter().map(|l| l[r].clone()).collect())
        .collect())
}

/// Strings, or numbers printed as text (an index level may hold either).
fn read_any_strings(ds: &hdf5::Dataset) -> Res<Vec<String>> {
    match h5::read_strings(ds) {
        Ok(s) => Ok(s),
        Err(_) => ds
            .read_raw::<i64>()
            .map(|v| v.iter().map(i64::to_string).collect())
            .map_err(|e| e.to_string()),
    }
}

fn read_fixed(group: &Group) -> Res<DlcTable> {
    let ndim = h5::read_int_attr(group, "ndim")?.unwrap_or(2);
    if ndim != 2 {
        return Err(format!("has {ndim} axes, not 2"));
    }
    let variety = |axis: &str| -> Res<String> {
        h5::read_string_attr(group, &format!("{axis}_variety"))?
            .ok_or_else(|| format!("'{axis}_variety' is missing"))
    };
    // Columns.
    let (columns, level_names) = match variety("axis0")?.as_str() {
        "multi" => {
            let n = h5::read_int_attr(group, "axis0_nlevels")?.unwrap_or(0) as usize;
            (
                read_multi(group, "axis0")?,
                read_index_level_names(group, "axis0", n)?,
            )
        }
        "regular" => {
            let ds = group.dataset("axis0").map_err(|e| e.to_string())?;
            let cols = read_any_strings(&ds)?;
            (
                cols.into_iter().map(|c| vec![c]).collect(),
                vec![String::new()],
            )
        }
        other => return Err(format!("axis0 has the unknown variety '{other}'")),
    };
    // Rows.
    let index = match variety("axis1")?.as_str() {
        "multi" => RowIndex::Paths(read_multi(group, "axis1")?),
        "regular" => {
            let ds = group.dataset("axis1").map_err(|e| e.to_string())?;
            let kind = h5::read_string_attr(&ds, "kind")?.unwrap_or_default();
            if kind == "integer" {
                RowIndex::Frames(ds.read_raw::<i64>().map_err(|e| e.to_string())?)
            } else {
                RowIndex::Paths(
                    h5::read_strings(&ds)?
                        .into_iter()
                        .map(|s| vec![s])
                        .collect(),
                )
            }
        }
        other => return Err(format!("axis1 has the unknown variety '{other}'")),
    };
    let n_rows = index.len();
    let n_cols = columns.len();
    let position: HashMap<&Vec<String>, usize> =
        columns.iter().enumerate().map(|(i, c)| (c, i)).collect();
    // Filled lazily: the usual single block becomes the values as it is.
    let mut values: Vec<f64> = Vec::new();
    let nblocks = h5::read_int_attr(group, "nblocks")?.unwrap_or(0);
    for b in 0..nblocks {
        let items =
            match h5::read_string_attr(group, &format!("block{b}_items_variety"))?.as_deref() {
                Some("multi") => read_multi(group, &format!("block{b}_items"))?,
                _ => {
                    let ds = group
                        .dataset(&format!("block{b}_items"))
                        .map_err(|e| e.to_string())?;
                    read_any_strings(&ds)?
                        .into_iter()
                        .map(|c| vec![c])
                        .collect()
                }
            };
        let ds = group
            .dataset(&format!("block{b}_values"))
            .map_err(|_| format!("'block{b}_values' is missing"))?;
        let data: Vec<f64> = ds
            .read_raw::<f64>()
            .map_err(|e| format!("block {b} does not hold numbers: {e}"))?;
        let transposed = h5::read_flag_attr(&ds, "transposed")?.unwrap_or(false);
        // The common case, one block in column order stored row by row, is the frame.
        if nblocks == 1 && transposed && items == columns && data.len() == n_rows * n_cols {
            values = data;
            break;
        }
        if data.len() != items.len() * n_rows {
            return Err(format!(
                "block {b} holds {} values for {} rows × {} columns",
                data.len(),
                n_rows,
                items.len()
            ));
        }
        if values.is_empty() {
            values = vec![f64::NAN; n_rows * n_cols];
        }
        for (i, item) in items.iter().enumerate() {
            let c = *position
                .get(item)
                .ok_or_else(|| format!("block {b} names a column not in axis0"))?;
            for r in 0..n_rows {
                let v = if transposed {
                    data[r * items.len() + i]
                } else {
                    data[i * n_rows + r]
                };
                values[r * n_cols + c] = v;
            }
        }
    }
    if values.len() != n_rows * n_cols {
        values = vec![f64::NAN; n_rows * n_cols];
    }
    Ok(DlcTable {
        level_names,
        columns,
        index,
        values,
    })
}

fn unpickle(group: &Location, name: &str) -> Res<Value> {
    let bytes = h5::read_bytes_attr(group, name)?.ok_or_else(|| format!("'{name}' is missing"))?;
    serde_pickle::value_from_slice(&bytes, DeOptions::new())
        .map_err(|e| format!("'{name}' is not a readable pickle: {e}"))
}

fn pickled_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::I64(i) => i.to_string(),
        Value::F64(f) => f.to_string(),
        Value::None => String::new(),
        other => format!("{other:?}"),
    }
}

/// A pickled list of column-name tuples.
fn pickled_columns(v: &Value) -> Res<Vec<Vec<String>>> {
    let Value::List(items) = v else {
        return Err("column names are not a list".into());
    };
    items
        .iter()
        .map(|item| match item {
            Value::Tuple(parts) | Value::List(parts) => {
                Ok(parts.iter().map(pickled_text).collect())
            }
            single => Ok(vec![pickled_text(single)]),
        })
        .collect()
}

fn read_table(group: &Group) -> Res<DlcTable> {
    let axes = unpickle(group, "non_index_axes")?;
    let Value::List(axes) = axes else {
        return Err("'non_index_axes' is not a list".into());
    };
    let columns = axes
        .iter()
        .find_map(|a| match a {
            Value::Tuple(pair) if pair.len() == 2 && matches!(pair[0], Value::I64(1)) => {
                Some(pickled_columns(&pair[1]))
            }
            _ => None,
        })
        .ok_or("'non_index_axes' names no columns")??;
    let n_levels = columns.first().map_or(0, Vec::len);
    // Level names live in the pickled `info` dict under the key 1.
    let level_names = unpickle(group, "info")
        .ok()
        .and_then(|info| match info {
            Value::Dict(d) => d.get(&HashableValue::I64(1)).cloned(),
            _ => None,
        })
        .and_then(|axis| match axis {
            Value::Dict(d) => d.get(&HashableValue::String("names".into())).cloned(),
            _ => None,
        })
        .and_then(|names| match names {
            Value::List(n) => Some(n.iter().map(pickled_text).collect::<Vec<_>>()),
            _ => None,
        })
        .filter(|n| n.len() == n_levels)
        .unwrap_or_else(|| vec![String::new(); n_levels]);

    let table = group
        .dataset("table")
        .map_err(|_| "'table' is missing".to_string())?;
    // One read of the whole table in its native layout: HDF5's conversion of a
    // compound member subset is several times slower.
    if let Some((frames, values)) = h5::read_frame_table(&table)? {
        let kinds = pickled_columns(&unpickle(&table, "values_block_0_kind")?)?;
        if kinds == columns {
            return Ok(DlcTable {
                level_names,
                columns,
                index: RowIndex::Frames(frames),
                values,
            });
        }
    }
    let raw = h5::RawTable::read(&table)?;
    let fields: Vec<(String, H5T_class_t, usize)> =
        raw.fields().map(|(n, c, w)| (n.to_owned(), c, w)).collect();
    let index = match fields.iter().find(|f| f.0 == "index") {
        Some((_, H5T_class_t::H5T_STRING, _)) => RowIndex::Paths(
            h5::read_compound_strings(&table, "index")?
                .into_iter()
                .map(|s| vec![s])
                .collect(),
        ),
        Some(_) => RowIndex::Frames(raw.column("index")?.into_iter().map(|v| v as i64).collect()),
        None => return Err("the table has no 'index' column".into()),
    };
    let n_rows = index.len();
    let n_cols = columns.len();
    let position: HashMap<&Vec<String>, usize> =
        columns.iter().enumerate().map(|(i, c)| (c, i)).collect();
    let blocks: Vec<&(String, H5T_class_t, usize)> = fields
        .iter()
        .filter(|f| f.0.starts_with("values_block_"))
        .collect();
    let mut values = Vec::new();
    for (name, class, width) in blocks.iter().copied() {
        if !matches!(class, H5T_class_t::H5T_FLOAT | H5T_class_t::H5T_INTEGER) {
            return Err(format!("'{name}' does not hold numbers"));
        }
        let kinds = pickled_columns(&unpickle(&table, &format!("{name}_kind"))?)?;
        if kinds.len() != *width {
            return Err(format!(
                "'{name}' has {width} values per row but names {} columns",
                kinds.len()
            ));
        }
        let data = raw.column(name)?;
        // The common case, one block in column order, is the frame as it is.
        if blocks.len() == 1 && kinds == columns {
            values = data;
            break;
        }
        if values.is_empty() {
            values = vec![f64::NAN; n_rows * n_cols];
        }
        for (i, kind) in kinds.iter().enumerate() {
            let c = *position
                .get(kind)
                .ok_or_else(|| format!("'{name}' names a column not in non_index_axes"))?;
            for r in 0..n_rows {
                values[r * n_cols + c] = data[r * width + i];
            }
        }
    }
    if values.len() != n_rows * n_cols {
        values = vec![f64::NAN; n_rows * n_cols];
    }
    Ok(DlcTable {
        level_names,
        columns,
        index,
        values,
    })
}

// --- writing (fixed format) -----------------------------------------------------------

fn h5err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// PyTables' bookkeeping attributes on an array node.
fn array_attrs(id: hdf5_sys::h5i::hid_t) -> Res<()> {
    h5::write_string_attr(id, "CLASS", b"ARRAY", true)?;
    h5::write_string_attr(id, "FLAVOR", b"numpy", true)?;
    h5::write_string_attr(id, "TITLE", b"", true)?;
    h5::write_string_attr(id, "VERSION", b"2.4", true)?;
    h5::write_flag_attr(id, "transposed", true)
}

fn write_i64_attr(loc: &Location, name: &str, v: i64) -> Res<()> {
    loc.new_attr::<i64>()
        .create(name)
        .and_then(|a| a.write_scalar(&v))
        .map_err(h5err)
}

/// Writes a MultiIndex as pandas does: sorted unique levels plus the smallest integer
/// codes, and the level names in three places.
fn write_multi(group: &Group, key: &str, entries: &[Vec<String>], names: &[String]) -> Res<()> {
    let n_levels = names.len();
    write_i64_attr(group, &format!("{key}_nlevels"), n_levels as i64)?;
    h5::write_string_attr(group.id(), &format!("{key}_variety"), b"multi", true)?;
    for (l, name) in names.iter().enumerate() {
        let level: Vec<String> = entries
            .iter()
            .map(|e| e[l].clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let code_of: HashMap<&String, i64> = level
            .iter()
            .enumerate()
            .map(|(i, v)| (v, i as i64))
            .collect();
        let codes: Vec<i64> = entries.iter().map(|e| code_of[&e[l]]).collect();
        let ds = h5::write_strings(group, &format!("{key}_level{l}"), &level)?;
        array_attrs(ds.id())?;
        let (attr_name, pickled_name): (String, Vec<u8>) = if name.is_empty() {
            (format!("{key}_nameNone"), b"N.".to_vec())
        } else {
            (format!("{key}_name{name}"), name.as_bytes().to_vec())
        };
        h5::write_string_attr(ds.id(), &attr_name, &pickled_name, true)?;
        h5::write_string_attr(ds.id(), "kind", b"string", true)?;
        h5::write_string_attr(ds.id(), "name", &pickled_name, true)?;
        h5::write_string_attr(ds.id(), "nan_rep", b"", true)?;
        let label_name = format!("{key}_label{l}");
        let ds = if level.len() < 128 {
            let c: Vec<i8> = codes.iter().map(|&c| c as i8).collect();
            group
                .new_dataset_builder()
                .with_data(&c)
                .create(label_name.as_str())
        } else if level.len() < 32768 {
            let c: Vec<i16> = codes.iter().map(|&c| c as i16).collect();
            group
                .new_dataset_builder()
                .with_data(&c)
                .create(label_name.as_str())
        } else {
            let c: Vec<i32> = codes.iter().map(|&c| c as i32).collect();
            group
                .new_dataset_builder()
                .with_data(&c)
                .create(label_name.as_str())
        }
        .map_err(h5err)?;
        array_attrs(ds.id())?;
    }
    Ok(())
}

/// The file's root and the frame's group, with PyTables' bookkeeping attributes.
fn create_frame_group(file: &hdf5::File, key: &str) -> Res<Group> {
    h5::write_string_attr(file.id(), "CLASS", b"GROUP", false)?;
    h5::write_string_attr(file.id(), "PYTABLES_FORMAT_VERSION", b"2.1", false)?;
    h5::write_string_attr(file.id(), "TITLE", b"", false)?;
    h5::write_string_attr(file.id(), "VERSION", b"1.0", false)?;
    file.create_group(key).map_err(h5err)
}

fn write_fixed_into(file: &hdf5::File, key: &str, table: &DlcTable) -> Res<()> {
    let group = create_frame_group(file, key)?;
    let gid = group.id();
    h5::write_string_attr(gid, "CLASS", b"GROUP", true)?;
    h5::write_string_attr(gid, "TITLE", b"", true)?;
    h5::write_string_attr(gid, "VERSION", b"1.0", true)?;
    h5::write_string_attr(gid, "pandas_type", b"frame", true)?;
    h5::write_string_attr(gid, "encoding", b"UTF-8", true)?;
    h5::write_string_attr(gid, "errors", b"strict", true)?;
    write_i64_attr(&group, "ndim", 2)?;
    write_i64_attr(&group, "nblocks", 1)?;

    write_multi(&group, "axis0", &table.columns, &table.level_names)?;
    match &table.index {
        RowIndex::Paths(paths) if paths.first().is_some_and(|p| p.len() > 1) => {
            let names = vec![String::new(); paths[0].len()];
            write_multi(&group, "axis1", paths, &names)?;
        }
        RowIndex::Paths(paths) => {
            h5::write_string_attr(gid, "axis1_variety", b"regular", true)?;
            let flat: Vec<String> = paths.iter().map(|p| p.join("/")).collect();
            let ds = h5::write_strings(&group, "axis1", &flat)?;
            array_attrs(ds.id())?;
            h5::write_string_attr(ds.id(), "kind", b"string", true)?;
            h5::write_string_attr(ds.id(), "name", b"N.", true)?;
            h5::write_string_attr(ds.id(), "nan_rep", b"", true)?;
        }
        RowIndex::Frames(frames) => {
            h5::write_string_attr(gid, "axis1_variety", b"regular", true)?;
            let ds = group
                .new_dataset_builder()
                .with_data(frames.as_slice())
                .create("axis1")
                .map_err(h5err)?;
            array_attrs(ds.id())?;
            h5::write_string_attr(ds.id(), "kind", b"integer", true)?;
            h5::write_string_attr(ds.id(), "name", b"N.", true)?;
        }
    }
    write_multi(&group, "block0_items", &table.columns, &table.level_names)?;
    // pandas stores the (columns × rows) block transposed, so rows come first on disk.
    let ds = group
        .new_dataset::<f64>()
        .shape([table.n_rows(), table.n_cols()])
        .create("block0_values")
        .map_err(h5err)?;
    if !table.values.is_empty() {
        ds.write_raw(&table.values).map_err(h5err)?;
    }
    array_attrs(ds.id())?;
    Ok(())
}

/// Writes `table` in pandas' fixed format under `key`, as DeepLabCut's
/// `df.to_hdf(path, key="df_with_missing")` does; atomically.
pub fn write_fixed(table: &DlcTable, path: &Path, key: &str) -> FormatResult<()> {
    h5::write_file_atomically(path, |file| write_fixed_into(file, key, table))
}

// --- writing (table format) -----------------------------------------------------------

/// A value to pickle in protocol 0, the text form PyTables' own attributes use (binary
/// protocols hold NUL bytes, which string attributes cannot).
enum Pickle {
    None,
    Int(i64),
    Str(String),
    List(Vec<Pickle>),
    Tuple(Vec<Pickle>),
    Dict(Vec<(Pickle, Pickle)>),
}

impl Pickle {
    fn write(&self, out: &mut String) {
        match self {
            Self::None => out.push('N'),
            Self::Int(i) => {
                out.push_str(&format!("L{i}L\n"));
            }
            Self::Str(s) => {
                // raw-unicode-escape, kept to ASCII.
                out.push('V');
                for c in s.chars() {
                    match c {
                        '\\' | '\n' | '\r' => out.push_str(&format!("\\u{:04x}", c as u32)),
                        c if c.is_ascii() => out.push(c),
                        c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
                        c => out.push_str(&format!("\\U{:08x}", c as u32)),
                    }
                }
                out.push('\n');
            }
            Self::List(items) => {
                out.push_str("(l");
                for item in items {
                    item.write(out);
                    out.push('a');
                }
            }
            Self::Tuple(items) => {
                out.push('(');
                for item in items {
                    item.write(out);
                }
                out.push('t');
            }
            Self::Dict(pairs) => {
                out.push_str("(d");
                for (k, v) in pairs {
                    k.write(out);
                    v.write(out);
                    out.push('s');
                }
            }
        }
    }

    fn dumps(&self) -> Vec<u8> {
        let mut out = String::new();
        self.write(&mut out);
        out.push('.');
        out.into_bytes()
    }
}

fn pickled_column_names(columns: &[Vec<String>]) -> Pickle {
    Pickle::List(
        columns
            .iter()
            .map(|c| Pickle::Tuple(c.iter().map(|s| Pickle::Str(s.clone())).collect()))
            .collect(),
    )
}

fn write_f64_attr(loc: &Location, name: &str, v: f64) -> Res<()> {
    loc.new_attr::<f64>()
        .create(name)
        .and_then(|a| a.write_scalar(&v))
        .map_err(h5err)
}

fn write_table_into(file: &hdf5::File, key: &str, table: &DlcTable) -> Res<()> {
    let RowIndex::Frames(frames) = &table.index else {
        return Err("table format is written for frame-numbered rows only".into());
    };
    let group = create_frame_group(file, key)?;
    let gid = group.id();
    let names = Pickle::List(
        table
            .level_names
            .iter()
            .map(|n| Pickle::Str(n.clone()))
            .collect(),
    );
    let info = Pickle::Dict(vec![
        (
            Pickle::Int(1),
            Pickle::Dict(vec![
                (Pickle::Str("names".into()), names),
                (Pickle::Str("type".into()), Pickle::Str("MultiIndex".into())),
            ]),
        ),
        (Pickle::Str("index".into()), Pickle::Dict(Vec::new())),
        (
            Pickle::Str("values_block_0".into()),
            Pickle::Dict(Vec::new()),
        ),
    ]);
    let attrs: Vec<(&str, Vec<u8>)> = vec![
        ("CLASS", b"GROUP".to_vec()),
        ("TITLE", Vec::new()),
        ("VERSION", b"1.0".to_vec()),
        ("data_columns", Pickle::List(Vec::new()).dumps()),
        ("encoding", b"UTF-8".to_vec()),
        ("errors", b"strict".to_vec()),
        (
            "index_cols",
            Pickle::List(vec![Pickle::Tuple(vec![
                Pickle::Int(0),
                Pickle::Str("index".into()),
            ])])
            .dumps(),
        ),
        ("info", info.dumps()),
        ("metadata", Pickle::List(Vec::new()).dumps()),
        ("nan_rep", b"nan".to_vec()),
        (
            "non_index_axes",
            Pickle::List(vec![Pickle::Tuple(vec![
                Pickle::Int(1),
                pickled_column_names(&table.columns),
            ])])
            .dumps(),
        ),
        ("pandas_type", b"frame_table".to_vec()),
        ("pandas_version", b"0.15.2".to_vec()),
        ("table_type", b"appendable_frame".to_vec()),
        (
            "values_cols",
            Pickle::List(vec![Pickle::Str("values_block_0".into())]).dumps(),
        ),
    ];
    // PyTables stores text as UTF-8 and pickles as plain bytes; only the latter are
    // unpickled when read.
    for (name, value) in attrs {
        let is_pickle = value.ends_with(b".") && value.len() > 1 && name != "nan_rep";
        h5::write_string_attr(gid, name, &value, !is_pickle)?;
    }
    write_i64_attr(&group, "levels", 1)?;
    let ds = h5::write_index_values_table(&group, "table", frames, &table.values, table.n_cols())?;
    let tid = ds.id();
    for (name, value) in [
        ("CLASS", b"TABLE".to_vec()),
        ("FIELD_0_NAME", b"index".to_vec()),
        ("FIELD_1_NAME", b"values_block_0".to_vec()),
        ("TITLE", Vec::new()),
        ("VERSION", b"2.7".to_vec()),
        ("index_kind", b"integer".to_vec()),
        ("values_block_0_dtype", b"float64".to_vec()),
        (
            "values_block_0_kind",
            pickled_column_names(&table.columns).dumps(),
        ),
        ("values_block_0_meta", Pickle::None.dumps()),
    ] {
        let is_pickle = name.starts_with("values_block_0_k") || name.ends_with("_meta");
        h5::write_string_attr(tid, name, &value, !is_pickle)?;
    }
    write_i64_attr(&ds, "FIELD_0_FILL", 0)?;
    write_f64_attr(&ds, "FIELD_1_FILL", 0.0)?;
    write_i64_attr(&ds, "NROWS", frames.len() as i64)?;
    Ok(())
}

/// Writes `table` (frame-numbered rows) in pandas' table format under `key`, as
/// DeepLabCut writes its prediction files; atomically.
pub fn write_table(table: &DlcTable, path: &Path, key: &str) -> FormatResult<()> {
    h5::write_file_atomically(path, |file| write_table_into(file, key, table))
}
