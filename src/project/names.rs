//! Lists of names as people type them (`snout, leftear`; `snout-leftear`) and project
//! file names: parsed one way for the new-project wizard and `kinelab new`.

use std::path::{Path, PathBuf};

use super::PROJECT_EXTENSION;

/// Splits `a, b, c` into trimmed, non-empty names.
pub fn split_names(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Splits `a-b, b-c` into pairs. `what` names an item in errors ("edge 'a-' is not of
/// the form a-b"). A name with a hyphen of its own (`tail-base`) cannot be written
/// this way: use the skeleton editor for it.
pub fn split_pairs(text: &str, what: &str) -> Result<Vec<(String, String)>, String> {
    split_names(text)
        .into_iter()
        .map(|pair| match pair.split_once('-') {
            Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() && !b.contains('-') => {
                Ok((a.trim().to_owned(), b.trim().to_owned()))
            }
            _ => Err(format!("{what} '{pair}' is not of the form a-b")),
        })
        .collect()
}

/// `a-b, c-d`: pairs as `split_pairs` reads them.
pub fn join_pairs(pairs: &[[String; 2]]) -> String {
    pairs
        .iter()
        .map(|[a, b]| format!("{a}-{b}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The project file for a path a person gave: `.kinelab` is added when missing.
pub fn project_file(path: &Path) -> PathBuf {
    if path.extension().is_some_and(|e| e == PROJECT_EXTENSION) {
        path.to_owned()
    } else {
        let mut name = path.as_os_str().to_owned();
        name.push(".");
        name.push(PROJECT_EXTENSION);
        PathBuf::from(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_pairs_parse_one_way() {
        assert_eq!(split_names(" a, b ,,c "), ["a", "b", "c"]);
        assert_eq!(
            split_pairs("a-b, c - d", "edge").unwrap(),
            [
                ("a".to_owned(), "b".to_owned()),
                ("c".to_owned(), "d".to_owned())
            ]
        );
        for bad in ["a-", "-b", "ab", "a-b-c"] {
            let err = split_pairs(bad, "edge").unwrap_err();
            assert_eq!(err, format!("edge '{bad}' is not of the form a-b"));
        }
        assert_eq!(
            join_pairs(&[["a".into(), "b".into()], ["c".into(), "d".into()]]),
            "a-b, c-d"
        );
        assert_eq!(
            project_file(Path::new("x/mice")),
            Path::new("x/mice.kinelab")
        );
        assert_eq!(
            project_file(Path::new("x/mice.kinelab")),
            Path::new("x/mice.kinelab")
        );
    }
}
