//! Words for people: counts with the right noun.

/// "1 label", "2 labels".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A multi-line text on one line, its lines joined by "; " (for a status bar).
pub fn one_line(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join("; ")
}

/// A title made a file name: letters, digits, `-`, `_` and `.` kept, anything else
/// one `_`, at most 100 characters ("speed of m1 snout" → "speed_of_m1_snout").
pub fn file_stem_of(title: &str) -> String {
    let mut stem = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
            stem.push(c);
        } else if !stem.ends_with('_') {
            stem.push('_');
        }
    }
    let stem: String = stem.trim_matches('_').chars().take(100).collect();
    if stem.is_empty() {
        "plot".to_owned()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_become_file_names() {
        assert_eq!(
            super::file_stem_of("speed of m1 snout"),
            "speed_of_m1_snout"
        );
        assert_eq!(super::file_stem_of("distance a – b / c"), "distance_a_b_c");
        assert_eq!(super::file_stem_of("///"), "plot");
    }
}
