//! Where tracking is likely wrong, per frame, individual and keypoint, by the three
//! methods of DeepLabCut's `extract_outlier_frames`:
//! - jump: the point moved more than `jump_px` since the frame before (both present;
//!   DeepLabCut's `epsilon`, 20 px by default);
//! - uncertain: its likelihood is below `min_likelihood` (DeepLabCut's `p_bound`,
//!   0.01 by default);
//! - fitting: it lies more than `fit_px` from a smoothed fit of its track. DeepLabCut
//!   fits an ARIMA model per keypoint; Kinelab takes movement's rolling median
//!   (`fit_window` frames), which a single wrong frame cannot pull along.
//!
//! Each frame gets, per method, the worst point's score over its threshold, for the
//! timeline's strips; frames where any point is over a threshold are the outliers.

use super::filters::rolling_median;
use super::tracks::Track;

/// How outliers are found.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OutlierSettings {
    pub jump_px: f64,
    pub min_likelihood: f64,
    pub fit_px: f64,
    /// Odd, at least 3.
    pub fit_window: usize,
}

impl Default for OutlierSettings {
    /// DeepLabCut's defaults (`epsilon` 20, `p_bound` 0.01), and a 7-frame median.
    fn default() -> Self {
        Self {
            jump_px: 20.0,
            min_likelihood: 0.01,
            fit_px: 20.0,
            fit_window: 7,
        }
    }
}

/// A method of finding outliers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum OutlierMethod {
    Jump,
    Uncertain,
    Fitting,
}

impl OutlierMethod {
    pub const ALL: [OutlierMethod; 3] = [
        OutlierMethod::Jump,
        OutlierMethod::Uncertain,
        OutlierMethod::Fitting,
    ];

    pub fn label(self) -> &'static str {
        match self {
            OutlierMethod::Jump => "jump",
            OutlierMethod::Uncertain => "uncertain",
            OutlierMethod::Fitting => "off the fit",
        }
    }
}

/// One frame that is an outlier: its worst point and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Outlier {
    pub frame_idx: u64,
    pub method: OutlierMethod,
    /// Index into the tracks scored.
    pub track: usize,
    /// The raw score: pixels for jump and fitting, the likelihood for uncertain.
    pub value: f64,
    /// How far over the threshold, as a ratio (1 at the threshold; larger is worse).
    pub severity: f64,
}

/// The outliers of a video's tracks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutlierReport {
    /// Per method (in `OutlierMethod::ALL` order), per frame: the worst point's
    /// severity, 0 where no point is over the threshold.
    pub strips: [Vec<f32>; 3],
    /// Frames with any point over a threshold, ascending, each with its worst point.
    pub outliers: Vec<Outlier>,
    /// How many frames each method flags.
    pub counts: [usize; 3],
}

impl OutlierReport {
    /// The next outlier frame after `frame_idx` (or before it, going back).
    pub fn step(&self, frame_idx: u64, forward: bool) -> Option<u64> {
        if forward {
            self.outliers
                .iter()
                .map(|o| o.frame_idx)
                .find(|&f| f > frame_idx)
        } else {
            self.outliers
                .iter()
                .rev()
                .map(|o| o.frame_idx)
                .find(|&f| f < frame_idx)
        }
    }
}

/// Each point's score per method, per frame (NaN where it cannot be scored).
fn point_scores(track: &Track, s: &OutlierSettings) -> [Vec<f64>; 3] {
    let p = &track.points;
    let n = p.len();
    let jump = (0..n)
        .map(|f| match f {
            0 => f64::NAN,
            _ => (p.x[f] - p.x[f - 1]).hypot(p.y[f] - p.y[f - 1]),
        })
        .collect();
    let window = s.fit_window.max(3) | 1;
    let (mx, my) = (rolling_median(&p.x, window), rolling_median(&p.y, window));
    let fit = (0..n)
        .map(|f| (p.x[f] - mx[f]).hypot(p.y[f] - my[f]))
        .collect();
    // Only placed points can be uncertain (a missing one is a gap, not a doubt).
    let uncertain = (0..n)
        .map(|f| {
            if p.x[f].is_finite() {
                p.likelihood[f]
            } else {
                f64::NAN
            }
        })
        .collect();
    [jump, uncertain, fit]
}

/// How far over its threshold a score is (0 when under it or unknown).
fn severity(method: OutlierMethod, value: f64, s: &OutlierSettings) -> f64 {
    if !value.is_finite() {
        return 0.0;
    }
    match method {
        OutlierMethod::Jump if value > s.jump_px => value / s.jump_px.max(1e-9),
        OutlierMethod::Fitting if value > s.fit_px => value / s.fit_px.max(1e-9),
        OutlierMethod::Uncertain if value < s.min_likelihood => {
            1.0 + (s.min_likelihood - value) / s.min_likelihood.max(1e-9)
        }
        _ => 0.0,
    }
}

/// Scores every point of `tracks` over `frames` frames.
pub fn find_outliers(tracks: &[Track], frames: usize, s: &OutlierSettings) -> OutlierReport {
    let mut strips = [vec![0f32; frames], vec![0f32; frames], vec![0f32; frames]];
    let mut worst: Vec<Option<Outlier>> = vec![None; frames];
    for (t, track) in tracks.iter().enumerate() {
        let scores = point_scores(track, s);
        for (m, method) in OutlierMethod::ALL.into_iter().enumerate() {
            for (f, &value) in scores[m].iter().enumerate().take(frames) {
                let sev = severity(method, value, s);
                if sev <= 0.0 {
                    continue;
                }
                strips[m][f] = strips[m][f].max(sev as f32);
                if worst[f].as_ref().is_none_or(|w| sev > w.severity) {
                    worst[f] = Some(Outlier {
                        frame_idx: f as u64,
                        method,
                        track: t,
                        value,
                        severity: sev,
                    });
                }
            }
        }
    }
    let counts = [0, 1, 2].map(|m| strips[m].iter().filter(|&&v| v > 0.0).count());
    OutlierReport {
        strips,
        outliers: worst.into_iter().flatten().collect(),
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::kinematics::PointSeries;
    use crate::project::{IndividualId, KeypointId};

    fn track(x: Vec<f64>, likelihood: Vec<f64>) -> Track {
        Track {
            individual: IndividualId(1),
            keypoint: KeypointId(1),
            individual_name: "m1".into(),
            keypoint_name: "snout".into(),
            points: PointSeries {
                y: vec![0.0; x.len()],
                x,
                likelihood,
            },
        }
    }

    #[test]
    fn a_jump_an_unsure_point_and_a_point_off_its_track() {
        // Steady 1 px a frame; frame 10 jumps 50 px out and back; frame 20 is unsure.
        let mut x: Vec<f64> = (0..30).map(f64::from).collect();
        x[10] += 50.0;
        let mut likelihood = vec![0.9; 30];
        likelihood[20] = 0.001;
        let report = find_outliers(&[track(x, likelihood)], 30, &OutlierSettings::default());
        let frames: Vec<u64> = report.outliers.iter().map(|o| o.frame_idx).collect();
        // The jump in (10) and back out (11); the unsure point (20).
        assert_eq!(frames, vec![10, 11, 20]);
        assert_eq!(
            report.outliers[0].method,
            OutlierMethod::Jump,
            "51 px: worse than 50 off"
        );
        assert_eq!(report.outliers[2].method, OutlierMethod::Uncertain);
        assert_eq!(report.counts, [2, 1, 1]);
        assert!(report.strips[0][10] > 2.0 && report.strips[0][9] == 0.0);
        assert_eq!(report.step(10, true), Some(11));
        assert_eq!(report.step(20, true), None);
        assert_eq!(report.step(20, false), Some(11));
    }
}
