//! Behaviours found from kinematics: a rule is conditions on a subject's kinematics
//! (the speed of one or every keypoint, a distance between two points, an angle, a
//! point inside a region of interest) compared with thresholds, combined with AND or
//! OR, and held for at least a minimum duration. The frames where it holds become
//! state events, marked as computed, for a person to review.
//!
//! Rules are written with names (individuals, keypoints, regions), as a person or a
//! script writes them (`rules.json`), and resolved against a project's tracks.

use serde::{Deserialize, Serialize};

use super::kinematics::Cleaning;
use super::kinematics_table::{Units, cleaned_points, track_kinematics};
use super::tracks::Track;
use super::{FilterError, kinematics};

/// A point by names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedPoint {
    pub individual: String,
    pub keypoint: String,
}

/// A region of interest in image pixels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "lowercase")]
pub enum Region {
    Polygon {
        name: String,
        points: Vec<[f64; 2]>,
    },
    Circle {
        name: String,
        center: [f64; 2],
        radius: f64,
    },
}

impl Region {
    pub fn name(&self) -> &str {
        match self {
            Region::Polygon { name, .. } | Region::Circle { name, .. } => name,
        }
    }

    /// Whether (x, y) lies inside (even-odd rule for polygons).
    pub fn contains(&self, x: f64, y: f64) -> bool {
        match self {
            Region::Circle { center, radius, .. } => {
                (x - center[0]).hypot(y - center[1]) <= *radius
            }
            Region::Polygon { points, .. } => {
                let mut inside = false;
                let n = points.len();
                for i in 0..n {
                    let (a, b) = (points[i], points[(i + n - 1) % n]);
                    if (a[1] > y) != (b[1] > y)
                        && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]
                    {
                        inside = !inside;
                    }
                }
                inside
            }
        }
    }
}

/// What a condition measures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    /// The speed of each point; the condition must hold for every one of them.
    Speed {
        points: Vec<NamedPoint>,
    },
    Distance {
        a: NamedPoint,
        b: NamedPoint,
    },
    /// At `b`, from `a` to `c`, in degrees (signed, as movement's).
    Angle {
        a: NamedPoint,
        b: NamedPoint,
        c: NamedPoint,
    },
    /// 1 where the point is inside the region, 0 outside.
    InRegion {
        point: NamedPoint,
        region: String,
    },
}

/// How a measure is compared with the threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    Below,
    Above,
}

/// One condition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub measure: Measure,
    pub compare: Compare,
    /// In the rule's units (px or the scale's unit, per frame or per second; degrees).
    /// Ignored for `InRegion`, which holds inside (`below`: outside).
    #[serde(default)]
    pub threshold: f64,
}

/// How conditions combine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    #[default]
    All,
    Any,
}

/// A rule: the behaviour (a state of the ethogram) it finds for a subject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub behaviour: String,
    pub subject: String,
    pub conditions: Vec<Condition>,
    #[serde(default)]
    pub combine: Combine,
    /// Held for at least this long: the time from its first frame to its last.
    #[serde(default)]
    pub min_duration_secs: f64,
}

/// Rules, regions and the units they are written in, as `rules.json` holds them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub regions: Vec<Region>,
    #[serde(default)]
    pub units: Units,
    #[serde(default)]
    pub cleaning: Cleaning,
}

/// Why a rule cannot be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    #[error("rule '{rule}': no track for {individual} {keypoint}")]
    NoTrack {
        rule: String,
        individual: String,
        keypoint: String,
    },
    #[error("rule '{rule}': no region '{region}'")]
    NoRegion { rule: String, region: String },
    #[error("rule '{0}' has no conditions")]
    Empty(String),
    #[error(transparent)]
    Filter(#[from] FilterError),
}

/// The project's rules.
pub fn rules_of(state: &crate::project::ProjectState) -> RuleSet {
    state
        .settings
        .get(crate::project::settings_keys::BEHAVIOUR_RULES)
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

/// The project's regions of interest.
pub fn regions_of(state: &crate::project::ProjectState) -> Vec<Region> {
    state
        .settings
        .get(crate::project::settings_keys::REGIONS)
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

/// A run of frames where a rule holds: first and last frame.
pub type Run = (u64, u64);

fn find<'t>(tracks: &'t [Track], rule: &Rule, p: &NamedPoint) -> Result<&'t Track, RuleError> {
    tracks
        .iter()
        .find(|t| t.individual_name == p.individual && t.keypoint_name == p.keypoint)
        .ok_or_else(|| RuleError::NoTrack {
            rule: rule.behaviour.clone(),
            individual: p.individual.clone(),
            keypoint: p.keypoint.clone(),
        })
}

/// Per frame, whether the condition holds (false where its measure is missing).
fn holds(
    rule: &Rule,
    cond: &Condition,
    set: &RuleSet,
    tracks: &[Track],
    clock: &[f64],
) -> Result<Vec<bool>, RuleError> {
    let frames = clock.len();
    let cmp = |v: f64| match cond.compare {
        Compare::Below => v < cond.threshold,
        Compare::Above => v > cond.threshold,
    };
    let cleaned = |p: &NamedPoint| -> Result<_, RuleError> {
        Ok(cleaned_points(
            find(tracks, rule, p)?,
            &set.cleaning,
            &set.units,
        )?)
    };
    Ok(match &cond.measure {
        Measure::Speed { points } => {
            let mut all = vec![!points.is_empty(); frames];
            for p in points {
                let k = track_kinematics(find(tracks, rule, p)?, &set.cleaning, &set.units, clock)?;
                for (ok, v) in all.iter_mut().zip(&k.motion.speed) {
                    *ok &= v.is_finite() && cmp(*v);
                }
            }
            all
        }
        Measure::Distance { a, b } => kinematics::distance(&cleaned(a)?, &cleaned(b)?)
            .into_iter()
            .map(|v| v.is_finite() && cmp(v))
            .collect(),
        Measure::Angle { a, b, c } => {
            kinematics::joint_angle(&cleaned(a)?, &cleaned(b)?, &cleaned(c)?)
                .into_iter()
                .map(|v| v.is_finite() && cmp(v.to_degrees()))
                .collect()
        }
        Measure::InRegion { point, region } => {
            let r = set
                .regions
                .iter()
                .find(|r| r.name() == region)
                .ok_or_else(|| RuleError::NoRegion {
                    rule: rule.behaviour.clone(),
                    region: region.clone(),
                })?;
            // Regions are in pixels: the raw track, not the scaled one.
            let p = &find(tracks, rule, point)?.points;
            (0..frames)
                .map(|f| {
                    let (x, y) = (p.x[f], p.y[f]);
                    x.is_finite()
                        && y.is_finite()
                        && (r.contains(x, y) == (cond.compare == Compare::Above))
                })
                .collect()
        }
    })
}

/// The runs of frames where `rule` holds for at least its minimum duration, by the
/// frames' timestamps `times_secs`.
pub fn apply(
    rule: &Rule,
    set: &RuleSet,
    tracks: &[Track],
    times_secs: &[f64],
) -> Result<Vec<Run>, RuleError> {
    if rule.conditions.is_empty() {
        return Err(RuleError::Empty(rule.behaviour.clone()));
    }
    let clock = match set.units.time {
        super::kinematics_table::TimeUnit::Frame => {
            (0..times_secs.len()).map(|f| f as f64).collect()
        }
        super::kinematics_table::TimeUnit::Second => times_secs.to_vec(),
    };
    let mut combined: Option<Vec<bool>> = None;
    for cond in &rule.conditions {
        let h = holds(rule, cond, set, tracks, &clock)?;
        combined = Some(match combined {
            None => h,
            Some(c) => c
                .iter()
                .zip(&h)
                .map(|(a, b)| match rule.combine {
                    Combine::All => *a && *b,
                    Combine::Any => *a || *b,
                })
                .collect(),
        });
    }
    let combined = combined.unwrap_or_default();
    let mut runs = Vec::new();
    let mut start: Option<usize> = None;
    for f in 0..=combined.len() {
        let on = combined.get(f).copied().unwrap_or(false);
        match (on, start) {
            (true, None) => start = Some(f),
            (false, Some(s)) => {
                let last = f - 1;
                let duration = times_secs[last] - times_secs[s];
                if duration >= rule.min_duration_secs {
                    runs.push((s as u64, last as u64));
                }
                start = None;
            }
            _ => {}
        }
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::kinematics::PointSeries;
    use crate::project::{IndividualId, KeypointId};

    fn track(ind: &str, kp: &str, x: Vec<f64>) -> Track {
        Track {
            individual: IndividualId(1),
            keypoint: KeypointId(1),
            individual_name: ind.into(),
            keypoint_name: kp.into(),
            points: PointSeries {
                y: vec![0.0; x.len()],
                likelihood: vec![1.0; x.len()],
                x,
            },
        }
    }

    fn point(ind: &str, kp: &str) -> NamedPoint {
        NamedPoint {
            individual: ind.into(),
            keypoint: kp.into(),
        }
    }

    #[test]
    fn a_still_run_long_enough_is_found_and_a_short_one_is_not() {
        // Moving 5 px a frame, still on frames 3–9, moving, still on 13–14, moving.
        let mut x = Vec::new();
        let mut at = 0.0;
        for f in 0..20 {
            if !((3..=9).contains(&f) || (13..=14).contains(&f)) {
                at += 5.0;
            }
            x.push(at);
        }
        let tracks = [track("m1", "snout", x)];
        let times: Vec<f64> = (0..20).map(|f| f as f64 * 0.1).collect();
        let rule = Rule {
            behaviour: "freezing".into(),
            subject: "m1".into(),
            conditions: vec![Condition {
                measure: Measure::Speed {
                    points: vec![point("m1", "snout")],
                },
                compare: Compare::Below,
                threshold: 1.0,
            }],
            combine: Combine::All,
            min_duration_secs: 0.3,
        };
        let runs = apply(&rule, &RuleSet::default(), &tracks, &times).unwrap();
        // Central differences: (x4 − x2) / 2 = 0 at frame 3, (x10 − x8) / 2 > 0 at 9.
        assert_eq!(runs, vec![(3, 8)]);
    }

    #[test]
    fn regions_contain_what_they_should() {
        let square = Region::Polygon {
            name: "centre".into(),
            points: vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]],
        };
        assert!(square.contains(5.0, 5.0) && !square.contains(15.0, 5.0));
        let circle = Region::Circle {
            name: "nest".into(),
            center: [0.0, 0.0],
            radius: 2.0,
        };
        assert!(circle.contains(1.0, 1.0) && !circle.contains(2.0, 2.0));
    }
}
