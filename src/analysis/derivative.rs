//! Time derivatives as movement takes them: `xarray.DataArray.differentiate("time")`,
//! which is `numpy.gradient` over the time coordinate with `edge_order=1`: second-order
//! central differences inside (the uneven-spacing formula where the steps differ), one-
//! sided first differences at both ends, and NaN wherever a NaN is used.

/// The derivative of `values` over `coords` (one coordinate per value, increasing).
/// Fewer than two values have no derivative: all NaN.
pub fn gradient(values: &[f64], coords: &[f64]) -> Vec<f64> {
    let n = values.len().min(coords.len());
    if n < 2 {
        return vec![f64::NAN; values.len()];
    }
    let steps: Vec<f64> = coords[..n].windows(2).map(|w| w[1] - w[0]).collect();
    let uniform = steps.iter().all(|&d| d == steps[0]);
    let mut out = vec![f64::NAN; values.len()];
    out[0] = (values[1] - values[0]) / steps[0];
    out[n - 1] = (values[n - 1] - values[n - 2]) / steps[n - 2];
    for i in 1..n - 1 {
        out[i] = if uniform {
            (values[i + 1] - values[i - 1]) / (2.0 * steps[0])
        } else {
            let (dx1, dx2) = (steps[i - 1], steps[i]);
            let a = -dx2 / (dx1 * (dx1 + dx2));
            let b = (dx2 - dx1) / (dx1 * dx2);
            let c = dx1 / (dx2 * (dx1 + dx2));
            a * values[i - 1] + b * values[i] + c * values[i + 1]
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quadratic_has_its_exact_derivative_inside_on_even_and_uneven_steps() {
        let even: Vec<f64> = (0..6).map(f64::from).collect();
        let uneven = [0.0, 0.5, 1.5, 1.75, 3.0, 4.5];
        for coords in [&even[..], &uneven[..]] {
            let values: Vec<f64> = coords.iter().map(|t| 3.0 * t * t + 2.0 * t).collect();
            let d = gradient(&values, coords);
            for i in 1..coords.len() - 1 {
                let want = 6.0 * coords[i] + 2.0;
                assert!((d[i] - want).abs() < 1e-12, "{i}: {} vs {want}", d[i]);
            }
            // One-sided at the ends.
            let want0 = (values[1] - values[0]) / (coords[1] - coords[0]);
            assert!((d[0] - want0).abs() < 1e-12);
        }
    }

    #[test]
    fn nan_spreads_to_the_neighbours_that_use_it() {
        let v = [0.0, 1.0, f64::NAN, 3.0, 4.0, 5.0];
        let t: Vec<f64> = (0..6).map(f64::from).collect();
        let d = gradient(&v, &t);
        // The central difference at 2 skips the NaN itself.
        assert!(d[1].is_nan() && d[3].is_nan());
        assert_eq!((d[0], d[2], d[4], d[5]), (1.0, 1.0, 1.0, 1.0));
        assert!(gradient(&[1.0], &[0.0])[0].is_nan());
    }
}
