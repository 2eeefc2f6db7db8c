//! Lightning Pose's heatmap decoding, `run_subpixelmaxima` in
//! `lightning_pose/models/heads/heatmap.py`, written out step by step:
//!
//! 1. `upsample`, once per factor of two between the heatmap and the input: PyTorch's
//!    `interpolate(mode="bicubic", align_corners=False)` to twice the size (cubic
//!    coefficient −0.75, source positions `(i + 0.5) / 2 − 0.5`, edges clamped), then
//!    kornia's `filter2d` with its 5×5 pyramid Gaussian (`[1 4 6 4 1]ᵀ[1 4 6 4 1] / 256`)
//!    and zeros outside;
//! 2. `spatial_softmax2d` at the head's temperature (1000): a softmax over the whole
//!    map of `value × temperature`;
//! 3. `spatial_expectation2d` in pixels: the softmax-weighted mean column and row;
//! 4. `evaluate_heatmaps_at_location`: the score is the softmax's mass in the 5×5
//!    window (σ 1.25, two σ) at the truncated position, zeros outside;
//! 5. the grid offset Lightning Pose subtracts: 0.5, 1.5 or 2.5 pixels for one, two or
//!    three upsamplings.
//!
//! Lightning Pose decodes an fp16 export's heatmaps in fp16; Kinelab decodes every
//! export in `f32`.

/// The 1-D factor of kornia's pyramid kernel (the 2-D kernel is its outer product).
const GAUSSIAN_5: [f32; 5] = [1.0 / 16.0, 4.0 / 16.0, 6.0 / 16.0, 4.0 / 16.0, 1.0 / 16.0];

/// PyTorch's cubic convolution constant.
const CUBIC_A: f32 = -0.75;

/// Half the score window: `floor(1.25 σ × 2 σ)`.
const SCORE_RADIUS: i64 = 2;

/// A heatmap plane, row-major.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plane {
    pub width: usize,
    pub height: usize,
    pub values: Vec<f32>,
}

/// Buffers reused from one keypoint to the next (the upsampled maps are large enough
/// that allocating them afresh costs more in page faults than the arithmetic).
#[derive(Default)]
pub struct Scratch {
    map: Plane,
    rows: Vec<f32>,
    up: Plane,
}

/// The position (in the input's pixels, after the offset) and the score of one
/// keypoint's heatmap, upsampled `upsamplings` times.
pub fn decode(plane: &Plane, upsamplings: u32, temperature: f32) -> [f32; 3] {
    decode_with(plane, upsamplings, temperature, &mut Scratch::default())
}

/// `decode`, with buffers kept between calls.
pub fn decode_with(
    plane: &Plane,
    upsamplings: u32,
    temperature: f32,
    scratch: &mut Scratch,
) -> [f32; 3] {
    let Scratch { map, rows, up } = scratch;
    map.clone_from(plane);
    for _ in 0..upsamplings {
        bicubic_double(map, rows, up);
        gaussian_5x5(up, rows, map);
    }
    spatial_softmax(&mut map.values, temperature);
    let (mut x, mut y) = (0.0f64, 0.0f64);
    for (row, line) in map.values.chunks_exact(map.width).enumerate() {
        let (mut mass, mut moment) = (0.0f32, 0.0f32);
        for (col, p) in line.iter().enumerate() {
            mass += p;
            moment += p * col as f32;
        }
        x += f64::from(moment);
        y += f64::from(mass) * row as f64;
    }
    let score = window_mass(&map.values, map.width, map.height, x, y);
    let offset = match upsamplings {
        1 => 0.5,
        2 => 1.5,
        3 => 2.5,
        _ => 0.0,
    };
    [(x - offset) as f32, (y - offset) as f32, score]
}

/// `cubic_convolution1` and `cubic_convolution2` of PyTorch's `UpSample.h`: the four
/// weights for a source fraction `t`.
fn cubic_weights(t: f32) -> [f32; 4] {
    let near = |x: f32| ((CUBIC_A + 2.0) * x - (CUBIC_A + 3.0)) * x * x + 1.0;
    let far = |x: f32| ((CUBIC_A * x - 5.0 * CUBIC_A) * x + 8.0 * CUBIC_A) * x - 4.0 * CUBIC_A;
    [far(t + 1.0), near(t), near(1.0 - t), far(2.0 - t)]
}

/// For each output index along an axis of `n` inputs doubled: the four clamped source
/// indices and their weights.
fn cubic_taps(n: usize) -> Vec<([usize; 4], [f32; 4])> {
    let scale = n as f32 / (2 * n) as f32;
    (0..2 * n)
        .map(|out| {
            let real = scale * (out as f32 + 0.5) - 0.5;
            let floor = (real.floor() as i64).min(n as i64 - 1);
            let t = (real - floor as f32).clamp(0.0, 1.0);
            let idx = |j: i64| (floor - 1 + j).clamp(0, n as i64 - 1) as usize;
            ([idx(0), idx(1), idx(2), idx(3)], cubic_weights(t))
        })
        .collect()
}

/// Bicubic interpolation of `src` to twice its width and height, into `out`.
fn bicubic_double(src: &Plane, rows: &mut Vec<f32>, out: &mut Plane) {
    let (w, h) = (src.width, src.height);
    let (xs, ys) = (cubic_taps(w), cubic_taps(h));
    // Along rows first, then columns: the same sums PyTorch takes, in another order.
    rows.clear();
    rows.resize(h * 2 * w, 0.0);
    for (line, dst) in src.values.chunks_exact(w).zip(rows.chunks_exact_mut(2 * w)) {
        for (o, (idx, wt)) in dst.iter_mut().zip(&xs) {
            *o = wt[0] * line[idx[0]]
                + wt[1] * line[idx[1]]
                + wt[2] * line[idx[2]]
                + wt[3] * line[idx[3]];
        }
    }
    out.width = 2 * w;
    out.height = 2 * h;
    out.values.clear();
    out.values.resize(4 * w * h, 0.0);
    for (dst, (idx, wt)) in out.values.chunks_exact_mut(2 * w).zip(&ys) {
        let line = |j: usize| &rows[idx[j] * 2 * w..(idx[j] + 1) * 2 * w];
        let (a, b, c, d) = (line(0), line(1), line(2), line(3));
        for (i, o) in dst.iter_mut().enumerate() {
            *o = wt[0] * a[i] + wt[1] * b[i] + wt[2] * c[i] + wt[3] * d[i];
        }
    }
}

/// kornia's `filter2d` with the pyramid Gaussian, zeros outside, same size, into `out`.
fn gaussian_5x5(src: &Plane, rows: &mut Vec<f32>, out: &mut Plane) {
    let (w, h) = (src.width, src.height);
    rows.clear();
    rows.resize(w * h, 0.0);
    for (line, dst) in src.values.chunks_exact(w).zip(rows.chunks_exact_mut(w)) {
        blur_line(line, dst);
    }
    // Down the columns, a whole row at a time.
    out.width = w;
    out.height = h;
    out.values.clear();
    out.values.resize(w * h, 0.0);
    for (r, dst) in out.values.chunks_exact_mut(w).enumerate() {
        for (k, g) in GAUSSIAN_5.iter().enumerate() {
            let Some(from) = (r + k).checked_sub(2).filter(|&i| i < h) else {
                continue;
            };
            for (o, v) in dst.iter_mut().zip(&rows[from * w..(from + 1) * w]) {
                *o += g * v;
            }
        }
    }
}

/// One axis of the Gaussian: `out[i] = Σₖ g[k]·line[i + k − 2]`, zeros outside.
fn blur_line(line: &[f32], out: &mut [f32]) {
    let n = line.len();
    let at = |i: i64| {
        if (0..n as i64).contains(&i) {
            line[i as usize]
        } else {
            0.0
        }
    };
    for (i, o) in out.iter_mut().enumerate() {
        *o = if i >= 2 && i + 2 < n {
            let s = &line[i - 2..i + 3];
            GAUSSIAN_5[0] * s[0]
                + GAUSSIAN_5[1] * s[1]
                + GAUSSIAN_5[2] * s[2]
                + GAUSSIAN_5[3] * s[3]
                + GAUSSIAN_5[4] * s[4]
        } else {
            (0..5)
                .map(|k| GAUSSIAN_5[k] * at(i as i64 + k as i64 - 2))
                .sum()
        };
    }
}

/// kornia's `spatial_softmax2d`, in place: softmax over the map of
/// `value × temperature`. Terms more than 87 below the largest are zero, as `f32`'s
/// `exp` makes them.
fn spatial_softmax(values: &mut [f32], temperature: f32) {
    let max = values
        .iter()
        .map(|v| v * temperature)
        .fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        values.fill(0.0);
        return;
    }
    let mut sum = 0.0f64;
    for v in values.iter_mut() {
        let d = *v * temperature - max;
        *v = if d < -87.0 { 0.0 } else { d.exp() };
        sum += f64::from(*v);
    }
    for v in values.iter_mut() {
        *v = (f64::from(*v) / sum) as f32;
    }
}

/// The softmax's mass in the window around the truncated position (zeros outside).
fn window_mass(softmax: &[f32], w: usize, h: usize, x: f64, y: f64) -> f32 {
    let (col, row) = (x.trunc() as i64, y.trunc() as i64);
    let mut mass = 0.0f64;
    for r in row - SCORE_RADIUS..=row + SCORE_RADIUS {
        for c in col - SCORE_RADIUS..=col + SCORE_RADIUS {
            if (0..h as i64).contains(&r) && (0..w as i64).contains(&c) {
                mass += f64::from(softmax[r as usize * w + c as usize]);
            }
        }
    }
    mass as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane_with_peak(w: usize, h: usize, col: usize, row: usize) -> Plane {
        let mut values = vec![0.0; w * h];
        values[row * w + col] = 1.0;
        Plane {
            width: w,
            height: h,
            values,
        }
    }

    #[test]
    fn cubic_weights_sum_to_one_and_interpolate_exactly_at_zero() {
        for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let w = cubic_weights(t);
            assert!((w.iter().sum::<f32>() - 1.0).abs() < 1e-6, "{t}: {w:?}");
        }
        assert_eq!(cubic_weights(0.0), [0.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn a_constant_map_stays_constant_inside_and_fades_at_the_zero_border() {
        let p = Plane {
            width: 6,
            height: 4,
            values: vec![0.5; 24],
        };
        let (mut rows, mut up, mut g) = (Vec::new(), Plane::default(), Plane::default());
        bicubic_double(&p, &mut rows, &mut up);
        assert_eq!((up.width, up.height), (12, 8));
        assert!(up.values.iter().all(|v| (v - 0.5).abs() < 1e-6));
        gaussian_5x5(&up, &mut rows, &mut g);
        assert!((g.values[4 * 12 + 6] - 0.5).abs() < 1e-6);
        // A corner keeps (11/16)² of its neighbourhood.
        assert!((g.values[0] - 0.5 * (11.0f32 / 16.0).powi(2)).abs() < 1e-6);
    }

    #[test]
    fn a_single_peak_decodes_to_its_pixel_times_four_with_full_score() {
        // Two upsamplings: heatmap pixel (9, 5) is input pixel (36, 20) after the
        // 1.5-pixel offset, and all the softmax's mass sits by the peak.
        let p = plane_with_peak(16, 16, 9, 5);
        let [x, y, score] = decode(&p, 2, 1000.0);
        assert!(
            (x - 36.0).abs() < 1e-4 && (y - 20.0).abs() < 1e-4,
            "{x} {y}"
        );
        assert!((score - 1.0).abs() < 1e-4, "{score}");
        // One upsampling: pixel c is 2c after the half-pixel offset.
        let [x, y, _] = decode(&p, 1, 1000.0);
        assert!(
            (x - 18.0).abs() < 1e-4 && (y - 10.0).abs() < 1e-4,
            "{x} {y}"
        );
    }

    #[test]
    fn a_flat_map_has_its_mean_position_and_a_small_score() {
        let p = Plane {
            width: 8,
            height: 8,
            values: vec![0.0; 64],
        };
        let [x, y, score] = decode(&p, 0, 1000.0);
        assert!((x - 3.5).abs() < 1e-6 && (y - 3.5).abs() < 1e-6);
        // The 5×5 window at (3, 3) holds 25 of the 64 pixels.
        assert!((score - 25.0 / 64.0).abs() < 1e-6, "{score}");
    }
}
