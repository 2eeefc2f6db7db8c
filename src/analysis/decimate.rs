//! Long series made drawable: a plot `columns` pixels wide needs no more than the
//! smallest and largest value in each column's frames, in frame order, to look exactly
//! as the whole series would (min/max decimation). Gaps (NaN) split the line.

use std::ops::Range;

/// The polylines, as `[frame, value]` points, that draw `values[range]` in `columns`
/// pixel columns: every point where there are at most two a column, else each
/// column's minimum and maximum; a frame or column without a value ends a polyline.
pub fn decimate(values: &[f64], range: Range<usize>, columns: usize) -> Vec<Vec<[f64; 2]>> {
    let range = range.start.min(values.len())..range.end.min(values.len());
    let mut lines: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut current: Vec<[f64; 2]> = Vec::new();
    let mut end_line = |current: &mut Vec<[f64; 2]>| {
        if !current.is_empty() {
            lines.push(std::mem::take(current));
        }
    };
    let count = range.len();
    let columns = columns.max(1);
    if count <= 2 * columns {
        for f in range {
            let v = values[f];
            if v.is_finite() {
                current.push([f as f64, v]);
            } else {
                end_line(&mut current);
            }
        }
    } else {
        for c in 0..columns {
            let lo = range.start + c * count / columns;
            let hi = range.start + (c + 1) * count / columns;
            let mut min: Option<(usize, f64)> = None;
            let mut max: Option<(usize, f64)> = None;
            for (f, &v) in values[lo..hi].iter().enumerate() {
                if !v.is_finite() {
                    continue;
                }
                if min.is_none_or(|(_, m)| v < m) {
                    min = Some((lo + f, v));
                }
                if max.is_none_or(|(_, m)| v > m) {
                    max = Some((lo + f, v));
                }
            }
            match (min, max) {
                (Some(a), Some(b)) => {
                    let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
                    current.push([first.0 as f64, first.1]);
                    if second.0 != first.0 {
                        current.push([second.0 as f64, second.1]);
                    }
                }
                _ => end_line(&mut current),
            }
        }
    }
    end_line(&mut current);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_points_are_drawn_as_they_are_split_at_gaps() {
        let v = [1.0, 2.0, f64::NAN, 4.0];
        let lines = decimate(&v, 0..4, 100);
        assert_eq!(lines, vec![vec![[0.0, 1.0], [1.0, 2.0]], vec![[3.0, 4.0]]]);
    }

    #[test]
    fn many_points_keep_each_columns_extremes_in_frame_order() {
        let v: Vec<f64> = (0..1000)
            .map(|i| if i == 555 { 100.0 } else { (i % 7) as f64 })
            .collect();
        let lines = decimate(&v, 0..1000, 10);
        assert_eq!(lines.len(), 1);
        let points = &lines[0];
        assert!(points.len() <= 20);
        assert!(points.contains(&[555.0, 100.0]), "the spike survives");
        assert!(points.windows(2).all(|w| w[0][0] < w[1][0]), "frame order");
        // A visible range far narrower than the series: only its frames.
        let lines = decimate(&v, 550..560, 100);
        assert_eq!(lines[0].len(), 10);
    }
}
