//! Filters on one coordinate's series over frames, as movement's `filtering` module
//! applies them (and so as its users expect the numbers): dropping points below a
//! likelihood, linear interpolation over gaps of at most N frames, a rolling median and
//! a Savitzky–Golay filter. Missing values are NaN throughout.

use std::fmt;
use std::str::FromStr;

/// Errors of filter settings that cannot be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FilterError {
    #[error("the {filter} window must be odd and at least 3 frames, not {window}")]
    Window { filter: &'static str, window: usize },
    #[error("the Savitzky–Golay order must be less than its window ({window}), not {order}")]
    Order { window: usize, order: usize },
    #[error("the Savitzky–Golay window ({window} frames) is longer than the track ({len})")]
    TooShort { window: usize, len: usize },
    #[error("'{0}' is not a smoothing: write median:N or savgol:N:ORDER (N odd), or none")]
    Syntax(String),
}

/// A smoothing filter over time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Smoothing {
    /// movement's `rolling_filter(window, "median")`: the median of the centred window
    /// (edges padded by reflection); NaN where the window holds a NaN.
    Median { window: usize },
    /// movement's `savgol_filter(window, order)`: scipy's Savitzky–Golay with its
    /// `interp` edges (a polynomial fitted to the first and last windows).
    Savgol { window: usize, order: usize },
}

impl Smoothing {
    /// Checks the settings before any data is filtered.
    pub fn validate(self) -> Result<Self, FilterError> {
        let (filter, window) = match self {
            Smoothing::Median { window } => ("median", window),
            Smoothing::Savgol { window, .. } => ("Savitzky–Golay", window),
        };
        if window < 3 || window % 2 == 0 {
            return Err(FilterError::Window { filter, window });
        }
        if let Smoothing::Savgol { window, order } = self
            && order >= window
        {
            return Err(FilterError::Order { window, order });
        }
        Ok(self)
    }

    /// The smoothed series.
    pub fn apply(self, values: &[f64]) -> Result<Vec<f64>, FilterError> {
        match self.validate()? {
            Smoothing::Median { window } => Ok(rolling_median(values, window)),
            Smoothing::Savgol { window, order } => savgol(values, window, order),
        }
    }
}

impl fmt::Display for Smoothing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Smoothing::Median { window } => write!(f, "median:{window}"),
            Smoothing::Savgol { window, order } => write!(f, "savgol:{window}:{order}"),
        }
    }
}

impl FromStr for Smoothing {
    type Err = FilterError;

    /// `median:N` or `savgol:N:ORDER`.
    fn from_str(text: &str) -> Result<Self, FilterError> {
        let bad = || FilterError::Syntax(text.to_owned());
        let parts: Vec<&str> = text.trim().split(':').collect();
        let number = |s: &str| s.trim().parse::<usize>().map_err(|_| bad());
        let smoothing = match parts.as_slice() {
            ["median", n] => Smoothing::Median { window: number(n)? },
            ["savgol", n, order] => Smoothing::Savgol {
                window: number(n)?,
                order: number(order)?,
            },
            _ => return Err(bad()),
        };
        smoothing.validate()
    }
}

/// movement's `filter_by_confidence`: NaN where the likelihood is below `threshold`
/// (or is NaN itself).
pub fn drop_below(values: &mut [f64], likelihood: &[f64], threshold: f64) {
    for (v, l) in values.iter_mut().zip(likelihood) {
        if l.is_nan() || *l < threshold {
            *v = f64::NAN;
        }
    }
}

/// movement's `interpolate_over_time(method="linear", max_gap)`: each run of at most
/// `max_gap` NaNs (any length with `None`) between two values is filled on the line
/// between them; runs at the ends stay NaN.
pub fn interpolate_gaps(values: &mut [f64], max_gap: Option<usize>) {
    let mut last_valid: Option<usize> = None;
    for i in 0..values.len() {
        if values[i].is_nan() {
            continue;
        }
        if let Some(p) = last_valid {
            let gap = i - p - 1;
            if gap > 0 && max_gap.is_none_or(|m| gap <= m) {
                // numpy.interp: slope × (x − x₀) + y₀.
                let slope = (values[i] - values[p]) / (i - p) as f64;
                for j in p + 1..i {
                    values[j] = slope * (j - p) as f64 + values[p];
                }
            }
        }
        last_valid = Some(i);
    }
}

/// numpy's `reflect` padding: the index mirrored about the ends (the end itself not
/// repeated).
fn reflect(i: i64, n: usize) -> usize {
    let n = n as i64;
    if n == 1 {
        return 0;
    }
    let period = 2 * (n - 1);
    let m = i.rem_euclid(period);
    (if m < n { m } else { period - m }) as usize
}

/// The rolling median of an odd window, centred, edges padded by reflection; NaN where
/// the window holds a NaN (movement's default `min_periods`, the whole window).
pub fn rolling_median(values: &[f64], window: usize) -> Vec<f64> {
    let n = values.len();
    let half = (window / 2) as i64;
    let mut buf = Vec::with_capacity(window);
    (0..n as i64)
        .map(|i| {
            buf.clear();
            buf.extend((i - half..=i + half).map(|j| values[reflect(j, n)]));
            if buf.iter().any(|v| v.is_nan()) {
                return f64::NAN;
            }
            buf.sort_by(f64::total_cmp);
            buf[buf.len() / 2]
        })
        .collect()
}

/// Solves the small square system `a x = b` by Gaussian elimination with partial
/// pivoting (the normal equations of a polynomial fit).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (done, rest) = a.split_at_mut(col + 1);
        let pivot_row = &done[col];
        for (offset, row) in rest.iter_mut().enumerate() {
            let f = row[col] / pivot_row[col];
            for (v, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *v -= f * p;
            }
            b[col + 1 + offset] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = a[row][row + 1..]
            .iter()
            .zip(&x[row + 1..])
            .map(|(a, x)| a * x)
            .sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    x
}

/// `u⁰ … uᵐ⁻¹`.
fn powers(u: f64, m: usize) -> Vec<f64> {
    (0..m).map(|p| u.powi(p as i32)).collect()
}

/// The normal matrix `AᵀA` of the polynomial basis at the abscissae `us`.
fn normal_matrix(us: impl Iterator<Item = f64>, m: usize) -> Vec<Vec<f64>> {
    let mut ata = vec![vec![0.0; m]; m];
    for u in us {
        let p = powers(u, m);
        for (row, pa) in ata.iter_mut().zip(&p) {
            for (cell, pb) in row.iter_mut().zip(&p) {
                *cell += pa * pb;
            }
        }
    }
    ata
}

/// The least-squares polynomial of `order` through `(t, y)`, evaluated at `at`. The
/// abscissae are centred and scaled to [−1, 1] first, which leaves the fitted values
/// as they are and keeps the normal equations well conditioned.
fn poly_fit_eval(t: &[f64], y: &[f64], order: usize, at: &[f64]) -> Vec<f64> {
    let (lo, hi) = (t[0], t[t.len() - 1]);
    let (mid, half) = ((lo + hi) / 2.0, ((hi - lo) / 2.0).max(f64::MIN_POSITIVE));
    let s = |v: f64| (v - mid) / half;
    let m = order + 1;
    let ata = normal_matrix(t.iter().map(|&v| s(v)), m);
    let mut aty = vec![0.0; m];
    for (&ti, &yi) in t.iter().zip(y) {
        for (acc, p) in aty.iter_mut().zip(powers(s(ti), m)) {
            *acc += p * yi;
        }
    }
    let coef = solve(ata, aty);
    at.iter()
        .map(|&v| coef.iter().zip(powers(s(v), m)).map(|(c, p)| c * p).sum())
        .collect()
}

/// scipy's `savgol_coeffs(window, order)` for smoothing: the weights, at offsets
/// −half..=half, of the least-squares polynomial's value at the centre, which is the
/// constant coefficient: the row `e₀ᵀ (AᵀA)⁻¹ Aᵀ` (on offsets scaled to [−1, 1], which
/// leaves the fitted values as they are).
fn savgol_weights(window: usize, order: usize) -> Vec<f64> {
    let half = (window / 2) as f64;
    let us: Vec<f64> = (0..window).map(|k| (k as f64 - half) / half).collect();
    let m = order + 1;
    let mut e0 = vec![0.0; m];
    e0[0] = 1.0;
    let row = solve(normal_matrix(us.iter().copied(), m), e0);
    us.iter()
        .map(|&u| row.iter().zip(powers(u, m)).map(|(r, p)| r * p).sum())
        .collect()
}

/// scipy's `savgol_filter(values, window, order)` with its default `interp` edges:
/// inside, the weighted sum over the centred window (NaN where the window holds a NaN);
/// the first and last `window / 2` values from a polynomial fitted to the first and
/// last windows (NaN where that window holds a NaN; scipy refuses such input).
pub fn savgol(values: &[f64], window: usize, order: usize) -> Result<Vec<f64>, FilterError> {
    Smoothing::Savgol { window, order }.validate()?;
    let n = values.len();
    if n < window {
        return Err(FilterError::TooShort { window, len: n });
    }
    let weights = savgol_weights(window, order);
    let half = window / 2;
    let mut out = vec![f64::NAN; n];
    for i in half..n - half {
        out[i] = weights
            .iter()
            .zip(&values[i - half..=i + half])
            .map(|(w, v)| w * v)
            .sum();
    }
    let t: Vec<f64> = (0..window).map(|k| k as f64).collect();
    let edge = |slice: &[f64], at: &[f64]| -> Vec<f64> {
        if slice.iter().any(|v| v.is_nan()) {
            vec![f64::NAN; at.len()]
        } else {
            poly_fit_eval(&t, slice, order, at)
        }
    };
    let left_at: Vec<f64> = (0..half).map(|k| k as f64).collect();
    out[..half].copy_from_slice(&edge(&values[..window], &left_at));
    let right_at: Vec<f64> = (window - half..window).map(|k| k as f64).collect();
    out[n - half..].copy_from_slice(&edge(&values[n - window..], &right_at));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothings_parse_and_refuse_what_cannot_run() {
        assert_eq!(
            "median:5".parse::<Smoothing>(),
            Ok(Smoothing::Median { window: 5 })
        );
        assert_eq!(
            "savgol:7:3".parse::<Smoothing>(),
            Ok(Smoothing::Savgol {
                window: 7,
                order: 3
            })
        );
        assert!(matches!(
            "median:4".parse::<Smoothing>(),
            Err(FilterError::Window { .. })
        ));
        assert!(matches!(
            "savgol:5:5".parse::<Smoothing>(),
            Err(FilterError::Order { .. })
        ));
        assert!(matches!(
            "mean:3".parse::<Smoothing>(),
            Err(FilterError::Syntax(_))
        ));
        assert_eq!(
            Smoothing::Savgol {
                window: 9,
                order: 2
            }
            .to_string(),
            "savgol:9:2"
        );
    }

    #[test]
    fn gaps_up_to_the_limit_are_filled_on_the_line_and_the_ends_stay_empty() {
        let nan = f64::NAN;
        let mut v = [nan, 1.0, nan, 3.0, nan, nan, nan, 7.0, nan];
        interpolate_gaps(&mut v, Some(2));
        assert!(v[0].is_nan() && v[8].is_nan());
        assert_eq!(v[2], 2.0);
        assert!(
            v[4].is_nan() && v[6].is_nan(),
            "a gap of 3 is over the limit"
        );
        interpolate_gaps(&mut v, None);
        assert_eq!(&v[4..7], &[4.0, 5.0, 6.0]);
    }

    #[test]
    fn the_median_pads_by_reflection_and_keeps_nan_in_its_window() {
        let v = [5.0, 1.0, 3.0, 2.0, 4.0];
        // Padded: [3, 1 | 5, 1, 3, 2, 4 | 2, 3].
        assert_eq!(rolling_median(&v, 3), vec![1.0, 3.0, 2.0, 3.0, 2.0]);
        assert_eq!(rolling_median(&v, 5), vec![3.0, 2.0, 3.0, 2.0, 3.0]);
        let v = [1.0, 2.0, f64::NAN, 4.0, 5.0, 6.0];
        let m = rolling_median(&v, 3);
        assert!(m[1].is_nan() && m[2].is_nan() && m[3].is_nan());
        assert_eq!(m[4], 5.0);
    }

    #[test]
    fn savgol_keeps_polynomials_of_its_order_everywhere() {
        let v: Vec<f64> = (0..20)
            .map(|t| {
                let t = f64::from(t);
                0.5 * t * t - 3.0 * t + 1.0
            })
            .collect();
        let s = savgol(&v, 7, 2).unwrap();
        for (a, b) in s.iter().zip(&v) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
        // scipy.signal.savgol_coeffs(5, 2): [-3, 12, 17, 12, -3] / 35.
        let w = savgol_weights(5, 2);
        for (a, b) in w.iter().zip([-3.0, 12.0, 17.0, 12.0, -3.0]) {
            assert!((a - b / 35.0).abs() < 1e-12);
        }
        assert_eq!(
            savgol(&v[..5], 7, 2),
            Err(FilterError::TooShort { window: 7, len: 5 })
        );
    }

    #[test]
    fn likelihood_below_the_threshold_drops_the_point() {
        let mut v = [1.0, 2.0, 3.0];
        drop_below(&mut v, &[0.9, 0.2, f64::NAN], 0.6);
        assert_eq!(v[0], 1.0);
        assert!(v[1].is_nan() && v[2].is_nan());
    }
}
