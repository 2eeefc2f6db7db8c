//! A DeepLabCut data frame held as plain data: rows (frames) by columns, each column
//! named by one value per level (`scorer`, [`individuals`], `bodyparts`, `coords`). The
//! CSV and HDF5 readers produce it and the writers consume it, so every file layout
//! meets the project model in one place (`dlc_labels`).

/// The row labels of a frame.
#[derive(Clone, Debug, PartialEq)]
pub enum RowIndex {
    /// Image paths: one part (`labeled-data/video/img0001.png`) or several
    /// (`labeled-data`, `video`, `img0001.png`), as DeepLabCut 2.3 writes them.
    Paths(Vec<Vec<String>>),
    /// Frame numbers, as prediction files have them.
    Frames(Vec<i64>),
}

impl RowIndex {
    pub fn len(&self) -> usize {
        match self {
            Self::Paths(p) => p.len(),
            Self::Frames(f) => f.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `r`'s label as one string (path parts joined with `/`).
    pub fn name(&self, r: usize) -> String {
        match self {
            Self::Paths(p) => p[r].join("/"),
            Self::Frames(f) => f[r].to_string(),
        }
    }
}

/// A DeepLabCut data frame.
#[derive(Clone, Debug, PartialEq)]
pub struct DlcTable {
    /// The column levels' names, outermost first: `scorer`, `individuals` (multi-animal
    /// only), `bodyparts`, `coords`.
    pub level_names: Vec<String>,
    /// Each column's value on every level, in file order.
    pub columns: Vec<Vec<String>>,
    pub index: RowIndex,
    /// Row-major values, `index.len() * columns.len()`; NaN where a cell is empty.
    pub values: Vec<f64>,
}

impl DlcTable {
    pub fn n_rows(&self) -> usize {
        self.index.len()
    }

    pub fn n_cols(&self) -> usize {
        self.columns.len()
    }

    /// The values of row `r`.
    pub fn row(&self, r: usize) -> &[f64] {
        let n = self.n_cols();
        &self.values[r * n..(r + 1) * n]
    }

    /// Position of the level called `name`.
    pub fn level(&self, name: &str) -> Option<usize> {
        self.level_names.iter().position(|l| l == name)
    }

    /// True when the values equal `other`'s, NaN matching NaN, and the labels match.
    pub fn same_as(&self, other: &Self) -> bool {
        self.level_names == other.level_names
            && self.columns == other.columns
            && self.index == other.index
            && self.values.len() == other.values.len()
            && self
                .values
                .iter()
                .zip(&other.values)
                .all(|(a, b)| a == b || (a.is_nan() && b.is_nan()))
    }
}

/// Formats a float as Python's `repr` does (what pandas writes to CSV): the shortest
/// text that reads back to the same value, with `.0` on whole numbers and Python's
/// exponent style outside [1e-4, 1e16).
pub fn python_float(v: f64) -> String {
    if v.is_nan() {
        return String::new();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let abs = v.abs();
    if abs == 0.0 || (1e-4..1e16).contains(&abs) {
        let text = format!("{v}");
        if text.contains('.') {
            text
        } else {
            format!("{text}.0")
        }
    } else {
        let text = format!("{v:e}");
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        format!("{mantissa}e{sign}{digits:0>2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_python_repr() {
        for (v, want) in [
            (0.0, "0.0"),
            (21.521, "21.521"),
            (250.05599999999998, "250.05599999999998"),
            (12.0, "12.0"),
            (-3.5, "-3.5"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e16, "1e+16"),
            (0.0001, "0.0001"),
        ] {
            assert_eq!(python_float(v), want);
            assert_eq!(want.parse::<f64>().unwrap(), v);
        }
        assert_eq!(python_float(f64::NAN), "");
    }
}
