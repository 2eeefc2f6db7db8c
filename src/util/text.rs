//! Words for people: counts with the right noun.

/// "1 label", "2 labels".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A multi-line text on one line, its lines joined by "; " (for a status bar).
pub fn one_line(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join("; ")
}
