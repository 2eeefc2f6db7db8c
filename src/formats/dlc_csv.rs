//! DeepLabCut's CSV: the data frame as pandas' `to_csv` writes it. Header rows name
//! the column levels (first cell `scorer`, then `individuals`, `bodyparts`, `coords`);
//! the index takes one column (a path or a frame number) or three (`labeled-data`,
//! video, image). Empty cells are NaN. Rows shorter than the header are padded with NaN,
//! as pandas reads them.

use std::collections::HashMap;
use std::path::Path;

use super::dlc_table::{DlcTable, RowIndex, python_float};
use super::error::{FormatError, FormatResult};
use crate::util::atomic_file::write_atomically;

/// Reads a DeepLabCut CSV (labels or predictions).
pub fn read(path: &Path) -> FormatResult<DlcTable> {
    let bytes = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    parse(path, &bytes)
}

/// Parses CSV bytes; `path` only names the file in errors.
pub fn parse(path: &Path, bytes: &[u8]) -> FormatResult<DlcTable> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    // One record, reused row after row; its position gives the 1-based line for errors.
    let mut rec = csv::ByteRecord::new();
    let next = |reader: &mut csv::Reader<&[u8]>,
                rec: &mut csv::ByteRecord|
     -> FormatResult<Option<usize>> {
        let line = reader.position().line() as usize;
        match reader.read_byte_record(rec) {
            Ok(true) => Ok(Some(rec.position().map_or(line, |p| p.line() as usize))),
            Ok(false) => Ok(None),
            Err(e) => Err(FormatError::row(path, line, format!("unreadable CSV: {e}"))),
        }
    };

    // Header rows, up to and including `coords`.
    let mut header: Vec<csv::StringRecord> = Vec::new();
    loop {
        let Some(line) = next(&mut reader, &mut rec)? else {
            return Err(FormatError::invalid(
                path,
                "the file ends before its 'coords' header row: not a DeepLabCut CSV",
            ));
        };
        let rec = csv::StringRecord::from_byte_record(rec.clone())
            .map_err(|_| FormatError::row(path, line, "the header is not UTF-8 text"))?;
        let first = rec.get(0).unwrap_or("").trim().to_owned();
        if header.is_empty() && first != "scorer" {
            return Err(FormatError::row(
                path,
                line,
                format!("the first cell is '{first}', not 'scorer': not a DeepLabCut CSV"),
            ));
        }
        if first.is_empty() || header.len() >= 4 && first != "coords" {
            return Err(FormatError::row(
                path,
                line,
                "expected a header row naming a column level (scorer, individuals, bodyparts, coords)",
            ));
        }
        header.push(rec);
        if first == "coords" {
            break;
        }
    }
    let first_row = &header[0];
    let n_index = 1 + first_row
        .iter()
        .skip(1)
        .take_while(|c| c.is_empty())
        .count();
    let width = header.iter().map(csv::StringRecord::len).max().unwrap_or(0);
    // Some hand-made files (SLEAP's test data among them) stop the `scorer` row early:
    // the scorer is one name for every column, so the last one carries on.
    if let Some(last) = first_row
        .iter()
        .next_back()
        .filter(|_| first_row.len() < width)
    {
        let last = last.to_owned();
        let mut filled = first_row.clone();
        while filled.len() < width {
            filled.push_field(&last);
        }
        header[0] = filled;
    }
    if width <= n_index {
        return Err(FormatError::row(path, 1, "the header names no columns"));
    }
    let n_cols = width - n_index;
    for (i, rec) in header.iter().enumerate() {
        if rec.len() != width {
            return Err(FormatError::row(
                path,
                i + 1,
                format!(
                    "misaligned header: this row has {} cells, the widest has {width}",
                    rec.len()
                ),
            ));
        }
        if let Some(c) = rec.iter().skip(n_index).position(str::is_empty) {
            return Err(FormatError::row(
                path,
                i + 1,
                format!(
                    "misaligned header: column {} has no '{}' name",
                    c + n_index + 1,
                    &rec[0]
                ),
            ));
        }
    }
    let level_names: Vec<String> = header.iter().map(|r| r[0].trim().to_owned()).collect();
    let columns: Vec<Vec<String>> = (0..n_cols)
        .map(|c| header.iter().map(|r| r[n_index + c].to_owned()).collect())
        .collect();
    {
        let mut seen = HashMap::new();
        for (c, col) in columns.iter().enumerate() {
            if let Some(prev) = seen.insert(col, c) {
                return Err(FormatError::invalid(
                    path,
                    format!(
                        "columns {} and {} are both '{}'",
                        prev + n_index + 1,
                        c + n_index + 1,
                        col.join("/")
                    ),
                ));
            }
        }
    }

    let mut names: Vec<Vec<String>> = Vec::new();
    let mut lines: Vec<usize> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    while let Some(line) = next(&mut reader, &mut rec)? {
        if rec.iter().all(<[u8]>::is_empty) {
            continue;
        }
        if rec.len() > width {
            return Err(FormatError::row(
                path,
                line,
                format!(
                    "misaligned row: {} cells where the header has {width}",
                    rec.len()
                ),
            ));
        }
        let name: Vec<String> = (0..n_index)
            .map(|i| String::from_utf8_lossy(rec.get(i).unwrap_or(b"")).into_owned())
            .collect();
        for (c, column) in columns.iter().enumerate() {
            let cell = rec.get(n_index + c).unwrap_or(b"").trim_ascii();
            let v = parse_cell(cell).ok_or_else(|| {
                FormatError::row(
                    path,
                    line,
                    format!(
                        "'{}' in column '{}' is not a number",
                        String::from_utf8_lossy(cell),
                        column.join("/")
                    ),
                )
            })?;
            values.push(v);
        }
        names.push(name);
        lines.push(line);
    }
    let mut seen: HashMap<&Vec<String>, usize> = HashMap::with_capacity(names.len());
    for (name, &line) in names.iter().zip(&lines) {
        if let Some(prev) = seen.insert(name, line) {
            return Err(FormatError::row(
                path,
                line,
                format!("duplicate row '{}' (also row {prev})", name.join("/")),
            ));
        }
    }
    let index =
        if n_index == 1 && !names.is_empty() && names.iter().all(|n| n[0].parse::<i64>().is_ok()) {
            RowIndex::Frames(names.iter().map(|n| n[0].parse().unwrap_or(0)).collect())
        } else {
            RowIndex::Paths(names)
        };
    Ok(DlcTable {
        level_names,
        columns,
        index,
        values,
    })
}

fn parse_cell(cell: &[u8]) -> Option<f64> {
    if cell.is_empty() || cell.eq_ignore_ascii_case(b"nan") {
        return Some(f64::NAN);
    }
    // Lightning Pose's `visible` column may hold booleans.
    if cell.eq_ignore_ascii_case(b"true") {
        return Some(1.0);
    }
    if cell.eq_ignore_ascii_case(b"false") {
        return Some(0.0);
    }
    // fast-float2 parses the bytes as they are, exactly as `str::parse` would.
    fast_float2::parse(cell).ok()
}

/// The CSV text of `table`, as pandas' `to_csv` writes it.
pub fn to_bytes(table: &DlcTable) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let n_index = match &table.index {
        RowIndex::Paths(p) => p.first().map_or(1, Vec::len).max(1),
        RowIndex::Frames(_) => 1,
    };
    // Writing to a Vec cannot fail; errors here would be programming errors.
    let mut put = |cells: Vec<String>| {
        let _ = writer.write_record(&cells);
    };
    for (l, level) in table.level_names.iter().enumerate() {
        let mut cells = vec![level.clone()];
        cells.extend(std::iter::repeat_n(String::new(), n_index - 1));
        cells.extend(table.columns.iter().map(|c| c[l].clone()));
        put(cells);
    }
    for r in 0..table.n_rows() {
        let mut cells = match &table.index {
            RowIndex::Paths(p) => p[r].clone(),
            RowIndex::Frames(f) => vec![f[r].to_string()],
        };
        cells.extend(table.row(r).iter().map(|&v| python_float(v)));
        put(cells);
    }
    writer.into_inner().unwrap_or_default()
}

/// Writes `table` to `path` atomically.
pub fn write(table: &DlcTable, path: &Path) -> FormatResult<()> {
    let bytes = to_bytes(table);
    write_atomically(path, |w| w.write_all(&bytes))
        .map(drop)
        .map_err(|e| FormatError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> FormatResult<DlcTable> {
        parse(Path::new("t.csv"), text.as_bytes())
    }

    #[test]
    fn reads_both_index_layouts_and_pads_short_rows() {
        let one = parse_str(
            "scorer,S,S\nbodyparts,A,A\ncoords,x,y\nlabeled-data/v/img0.png,1,2\nlabeled-data/v/img1.png,,\n",
        )
        .unwrap();
        assert_eq!(one.level_names, ["scorer", "bodyparts", "coords"]);
        assert_eq!(one.index.name(1), "labeled-data/v/img1.png");
        assert!(one.row(1)[0].is_nan());
        let three = parse_str(
            "scorer,,,S,S\nbodyparts,,,A,A\ncoords,,,x,y\nlabeled-data,v,img0.png,1,2\nlabeled-data,v,img1.png,,\n",
        )
        .unwrap();
        assert_eq!(three.index.name(0), "labeled-data/v/img0.png");
        let short = parse_str("scorer,S,S\nbodyparts,A,A\ncoords,x,y\np,1\n").unwrap();
        assert!(short.row(0)[1].is_nan());
        // Writing and reading again gives the same frame.
        for table in [one, three] {
            let back = parse(Path::new("t.csv"), &to_bytes(&table)).unwrap();
            assert!(back.same_as(&table));
        }
    }

    #[test]
    fn bad_input_names_the_row() {
        let misaligned = parse_str("scorer,S,S\nbodyparts,A\ncoords,x,y\n").unwrap_err();
        assert!(
            misaligned
                .to_string()
                .contains("t.csv, row 2: misaligned header"),
            "{misaligned}"
        );
        let text = parse_str("scorer,S,S\nbodyparts,A,A\ncoords,x,y\np,1,abc\n").unwrap_err();
        assert!(
            text.to_string().contains("row 4: 'abc' in column 'S/A/y'"),
            "{text}"
        );
        let dup = parse_str("scorer,S,S\nbodyparts,A,A\ncoords,x,y\np,1,2\np,3,4\n").unwrap_err();
        assert!(
            dup.to_string()
                .contains("row 5: duplicate row 'p' (also row 4)"),
            "{dup}"
        );
        let long = parse_str("scorer,S,S\nbodyparts,A,A\ncoords,x,y\np,1,2,3\n").unwrap_err();
        assert!(long.to_string().contains("row 4: misaligned row"), "{long}");
        let other = parse_str("a,b\n1,2\n").unwrap_err();
        assert!(
            other.to_string().contains("not a DeepLabCut CSV"),
            "{other}"
        );
    }

    #[test]
    fn prediction_csvs_have_frame_numbers() {
        let t = parse_str(
            "scorer,M,M,M\nbodyparts,A,A,A\ncoords,x,y,likelihood\n0,1.5,2.5,0.9\n1,,,\n",
        )
        .unwrap();
        assert_eq!(t.index, RowIndex::Frames(vec![0, 1]));
        assert!(
            parse(Path::new("t.csv"), &to_bytes(&t))
                .unwrap()
                .same_as(&t)
        );
    }
}
