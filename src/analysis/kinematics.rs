//! Kinematics of tracked points, with movement's definitions (`movement.kinematics`
//! and `movement.utils.vector`), so a number here is the number a movement user gets:
//! velocity and acceleration are first and second time derivatives (see `derivative`),
//! speed is the velocity's norm, distances are Euclidean, and angles are signed, in
//! radians in (−π, π], measured in image coordinates (y down, so positive turns
//! clockwise on screen).

use super::derivative::gradient;
use super::filters::{Smoothing, drop_below, interpolate_gaps};

/// One point's positions and likelihoods over a video's frames (NaN where missing).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PointSeries {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub likelihood: Vec<f64>,
}

impl PointSeries {
    pub fn len(&self) -> usize {
        self.x.len()
    }

    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

/// Velocity, speed and acceleration of one point, per frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Motion {
    pub vx: Vec<f64>,
    pub vy: Vec<f64>,
    pub speed: Vec<f64>,
    pub ax: Vec<f64>,
    pub ay: Vec<f64>,
}

/// Motion over the time coordinate `clock` (frame indices for per-frame units, the
/// frames' timestamps in seconds for per-second units).
pub fn motion(points: &PointSeries, clock: &[f64]) -> Motion {
    let vx = gradient(&points.x, clock);
    let vy = gradient(&points.y, clock);
    let speed = vx.iter().zip(&vy).map(|(a, b)| a.hypot(*b)).collect();
    let ax = gradient(&vx, clock);
    let ay = gradient(&vy, clock);
    Motion {
        vx,
        vy,
        speed,
        ax,
        ay,
    }
}

/// The distance between two points on each frame.
pub fn distance(a: &PointSeries, b: &PointSeries) -> Vec<f64> {
    (0..a.len().min(b.len()))
        .map(|i| (a.x[i] - b.x[i]).hypot(a.y[i] - b.y[i]))
        .collect()
}

/// movement's `compute_signed_angle_2d(u, v)`: the rotation that takes `u` to `v`,
/// from the unit vectors (NaN for a zero vector), with −π reported as π.
pub fn signed_angle(u: [f64; 2], v: [f64; 2]) -> f64 {
    let unit = |w: [f64; 2]| {
        let n = w[0].hypot(w[1]);
        [w[0] / n, w[1] / n]
    };
    let (u, v) = (unit(u), unit(v));
    let cross = u[0] * v[1] - u[1] * v[0];
    let dot = u[0] * v[0] + u[1] * v[1];
    let angle = cross.atan2(dot);
    if angle <= -std::f64::consts::PI {
        std::f64::consts::PI
    } else {
        angle
    }
}

/// The angle at joint `b` from the segment to `a` to the segment to `c`, per frame.
pub fn joint_angle(a: &PointSeries, b: &PointSeries, c: &PointSeries) -> Vec<f64> {
    (0..a.len().min(b.len()).min(c.len()))
        .map(|i| {
            let ba = [a.x[i] - b.x[i], a.y[i] - b.y[i]];
            let bc = [c.x[i] - b.x[i], c.y[i] - b.y[i]];
            signed_angle(ba, bc)
        })
        .collect()
}

/// The heading of the vector from `from` to `to`: its angle from the image's +x axis.
pub fn heading(from: &PointSeries, to: &PointSeries) -> Vec<f64> {
    (0..from.len().min(to.len()))
        .map(|i| {
            let v = [to.x[i] - from.x[i], to.y[i] - from.y[i]];
            signed_angle([1.0, 0.0], v)
        })
        .collect()
}

/// How tracks are cleaned before kinematics, in movement's usual order: points below
/// a likelihood dropped, gaps of at most `max_gap` frames interpolated, then smoothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cleaning {
    pub min_likelihood: Option<f64>,
    /// Interpolate over gaps of at most this many frames (0: none).
    #[serde(default)]
    pub max_gap: usize,
    pub smoothing: Option<Smoothing>,
}

impl Cleaning {
    /// What it does, in words: "likelihood ≥ 0.6, gaps ≤ 5 frames interpolated,
    /// median:5".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = self.min_likelihood {
            parts.push(format!("likelihood ≥ {p}"));
        }
        if self.max_gap > 0 {
            parts.push(format!("gaps ≤ {} frames interpolated", self.max_gap));
        }
        if let Some(s) = self.smoothing {
            parts.push(s.to_string());
        }
        parts.join(", ")
    }

    /// A prediction set's arrays cleaned point by point (positions only; the scores
    /// stay as they were, and a point the cleaning empties is dropped).
    pub fn apply_to_arrays(
        &self,
        arrays: &crate::project::predictions::PredictionArrays,
    ) -> Result<crate::project::predictions::PredictionArrays, super::FilterError> {
        use crate::project::predictions::POINT_FLOATS;
        let mut out = arrays.clone();
        let shape = &arrays.shape;
        let frames = shape.frame_count as usize;
        let per_frame = shape.frame_floats();
        for &i in &shape.individuals {
            for &k in &shape.keypoints {
                let Some(slot) = shape.slot(i, k) else {
                    continue;
                };
                let at = |f: usize, c: usize| f64::from(arrays.values[f * per_frame + slot + c]);
                let series = PointSeries {
                    x: (0..frames).map(|f| at(f, 0)).collect(),
                    y: (0..frames).map(|f| at(f, 1)).collect(),
                    likelihood: (0..frames).map(|f| at(f, 2)).collect(),
                };
                let cleaned = self.apply(&series)?;
                for f in 0..frames {
                    let base = f * per_frame + slot;
                    let (x, y) = (cleaned.x[f], cleaned.y[f]);
                    if x.is_finite() && y.is_finite() {
                        out.values[base] = x as f32;
                        out.values[base + 1] = y as f32;
                        // A point filled where the model had none has no score of
                        // its own (NaN, as movement leaves its confidence).
                    } else {
                        out.values[base..base + POINT_FLOATS].fill(f32::NAN);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Whether it changes anything.
    pub fn is_identity(&self) -> bool {
        self.min_likelihood.is_none() && self.max_gap == 0 && self.smoothing.is_none()
    }

    /// The cleaned positions (the likelihoods as they were).
    pub fn apply(&self, points: &PointSeries) -> Result<PointSeries, super::FilterError> {
        let mut out = points.clone();
        for values in [&mut out.x, &mut out.y] {
            if let Some(threshold) = self.min_likelihood {
                drop_below(values, &points.likelihood, threshold);
            }
            if self.max_gap > 0 {
                interpolate_gaps(values, Some(self.max_gap));
            }
            if let Some(s) = self.smoothing {
                *values = s.apply(values)?;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::{FRAC_PI_2, PI};

    fn series(points: &[(f64, f64)]) -> PointSeries {
        PointSeries {
            x: points.iter().map(|p| p.0).collect(),
            y: points.iter().map(|p| p.1).collect(),
            likelihood: vec![1.0; points.len()],
        }
    }

    #[test]
    fn steady_motion_has_constant_velocity_and_no_acceleration() {
        let p = series(&[(0.0, 0.0), (3.0, 4.0), (6.0, 8.0), (9.0, 12.0)]);
        let clock = [0.0, 0.5, 1.0, 1.5];
        let m = motion(&p, &clock);
        assert_eq!(m.vx, vec![6.0; 4]);
        assert_eq!(m.speed, vec![10.0; 4]);
        assert_eq!(m.ax, vec![0.0; 4]);
    }

    #[test]
    fn angles_are_signed_in_image_coordinates() {
        let a = series(&[(1.0, 0.0)]);
        let b = series(&[(0.0, 0.0)]);
        let down = series(&[(0.0, 1.0)]);
        let left = series(&[(-1.0, 0.0)]);
        // From +x to +y (down on screen): a quarter turn clockwise, positive.
        assert!((joint_angle(&a, &b, &down)[0] - FRAC_PI_2).abs() < 1e-12);
        assert!((heading(&b, &down)[0] - FRAC_PI_2).abs() < 1e-12);
        // Straight back is π, never −π.
        assert_eq!(joint_angle(&a, &b, &left)[0], PI);
        assert!(joint_angle(&b, &b, &a)[0].is_nan(), "a zero-length segment");
        assert_eq!(distance(&a, &left), vec![2.0]);
    }

    #[test]
    fn cleaning_drops_interpolates_then_smooths() {
        let mut p = series(&[(0.0, 0.0), (1.0, 1.0), (50.0, 50.0), (3.0, 3.0), (4.0, 4.0)]);
        p.likelihood[2] = 0.1;
        let c = Cleaning {
            min_likelihood: Some(0.5),
            max_gap: 1,
            smoothing: None,
        };
        let out = c.apply(&p).unwrap();
        assert_eq!(out.x, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(out.likelihood[2], 0.1, "likelihoods stay as they were");
        assert!(Cleaning::default().is_identity());
    }
}
