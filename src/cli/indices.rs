//! Parsing lists of frame indices: `0,17,900`, ranges `10-20`, or a file of them.

use std::path::Path;

use anyhow::{Context, bail};

/// The indices given on the command line or in a file, in the order given.
pub fn from_args(inline: Option<&str>, file: Option<&Path>) -> anyhow::Result<Vec<usize>> {
    match (inline, file) {
        (Some(text), _) => parse(text).context("in --indices"),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the indices file: {}", path.display()))?;
            parse(&text).with_context(|| format!("in the indices file {}", path.display()))
        }
        (None, None) => bail!("give --indices or --indices-file"),
    }
}

/// Parses indices separated by commas, white space or new lines; `a-b` is a range and
/// `#` starts a comment.
pub fn parse(text: &str) -> anyhow::Result<Vec<usize>> {
    let mut out = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("");
        for token in line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            let number = |s: &str| {
                s.trim().parse::<usize>().with_context(|| {
                    format!(
                        "line {}: '{token}' is not a frame index (a whole number from 0)",
                        line_no + 1
                    )
                })
            };
            match token.split_once('-') {
                Some((a, b)) if !a.is_empty() => {
                    let (a, b) = (number(a)?, number(b)?);
                    if b < a {
                        bail!("line {}: the range '{token}' runs backwards", line_no + 1);
                    }
                    out.extend(a..=b);
                }
                _ => out.push(number(token)?),
            }
        }
    }
    if out.is_empty() {
        bail!("no frame indices given");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_ranges_and_comments() {
        assert_eq!(
            parse("0,17, 900\n# note\n3-5 # tail").unwrap(),
            vec![0, 17, 900, 3, 4, 5]
        );
    }

    #[test]
    fn bad_tokens_are_named() {
        let err = format!("{:#}", parse("1,two").unwrap_err());
        assert!(err.contains("'two'"), "{err}");
        assert!(parse("-3").is_err());
        assert!(parse("").is_err());
    }
}
