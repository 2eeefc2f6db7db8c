//! The quantities a plot can show, each a series over a video's frames computed from
//! its tracks: a point's position, velocity, speed, acceleration or likelihood; the
//! distance between two points; the angle at a joint of three; the heading of a
//! two-point vector. Angles are shown in degrees; everything else in the units chosen.

use super::FilterError;
use super::kinematics::{self, Cleaning, PointSeries};
use super::kinematics_table::{Units, cleaned_points, track_kinematics};
use super::tracks::Track;
use crate::project::{IndividualId, KeypointId};

/// What a plot shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Quantity {
    X,
    Y,
    Vx,
    Vy,
    Speed,
    /// The acceleration's magnitude.
    Acceleration,
    Likelihood,
    /// Between two points (of one animal or two).
    Distance,
    /// At the second of three points, from the first to the third, signed.
    Angle,
    /// Of the vector from the first point to the second, from the image's +x axis.
    Heading,
}

impl Quantity {
    pub const ALL: [Quantity; 10] = [
        Quantity::Speed,
        Quantity::X,
        Quantity::Y,
        Quantity::Vx,
        Quantity::Vy,
        Quantity::Acceleration,
        Quantity::Likelihood,
        Quantity::Distance,
        Quantity::Angle,
        Quantity::Heading,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Quantity::X => "x",
            Quantity::Y => "y",
            Quantity::Vx => "velocity x",
            Quantity::Vy => "velocity y",
            Quantity::Speed => "speed",
            Quantity::Acceleration => "acceleration",
            Quantity::Likelihood => "likelihood",
            Quantity::Distance => "distance",
            Quantity::Angle => "joint angle",
            Quantity::Heading => "heading",
        }
    }

    /// How many points it reads.
    pub fn points_needed(self) -> usize {
        match self {
            Quantity::Distance | Quantity::Heading => 2,
            Quantity::Angle => 3,
            _ => 1,
        }
    }

    /// Its unit, as an axis label shows it.
    pub fn unit(self, units: &Units) -> String {
        let length = units.length();
        let time = units.time_name();
        match self {
            Quantity::X | Quantity::Y | Quantity::Distance => length.to_owned(),
            Quantity::Vx | Quantity::Vy | Quantity::Speed => format!("{length}/{time}"),
            Quantity::Acceleration => format!("{length}/{time}²"),
            Quantity::Likelihood => String::new(),
            Quantity::Angle | Quantity::Heading => "°".to_owned(),
        }
    }
}

/// One individual's keypoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PointRef {
    pub individual: IndividualId,
    pub keypoint: KeypointId,
}

/// A series to plot: a quantity of one, two or three points.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SeriesSpec {
    pub quantity: Quantity,
    pub points: Vec<PointRef>,
}

/// Why a series cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SeriesError {
    #[error("{0} needs {1} points")]
    Points(&'static str, usize),
    #[error("no track for {0}")]
    NoTrack(String),
    #[error(transparent)]
    Filter(#[from] FilterError),
}

/// The name of a point, "mouse1 snout".
fn point_name(tracks: &[Track], p: PointRef) -> String {
    tracks
        .iter()
        .find(|t| t.individual == p.individual && t.keypoint == p.keypoint)
        .map_or_else(
            || format!("individual {} keypoint {}", p.individual.0, p.keypoint.0),
            |t| format!("{} {}", t.individual_name, t.keypoint_name),
        )
}

impl SeriesSpec {
    /// "speed of mouse1 snout", "distance mouse1 snout – mouse2 snout".
    pub fn title(&self, tracks: &[Track]) -> String {
        let names: Vec<String> = self.points.iter().map(|&p| point_name(tracks, p)).collect();
        match self.quantity.points_needed() {
            1 => format!("{} of {}", self.quantity.label(), names.join("")),
            _ => format!("{} {}", self.quantity.label(), names.join(" – ")),
        }
    }

    /// The series over the tracks' frames, on `clock`, cleaned and in `units`.
    pub fn compute(
        &self,
        tracks: &[Track],
        clock: &[f64],
        cleaning: &Cleaning,
        units: &Units,
    ) -> Result<Vec<f64>, SeriesError> {
        let needed = self.quantity.points_needed();
        if self.points.len() != needed {
            return Err(SeriesError::Points(self.quantity.label(), needed));
        }
        let find = |p: PointRef| {
            tracks
                .iter()
                .find(|t| t.individual == p.individual && t.keypoint == p.keypoint)
                .ok_or_else(|| SeriesError::NoTrack(point_name(tracks, p)))
        };
        let cleaned = |p: PointRef| -> Result<PointSeries, SeriesError> {
            Ok(cleaned_points(find(p)?, cleaning, units)?)
        };
        let degrees = |v: Vec<f64>| v.into_iter().map(f64::to_degrees).collect();
        Ok(match self.quantity {
            Quantity::Distance => {
                kinematics::distance(&cleaned(self.points[0])?, &cleaned(self.points[1])?)
            }
            Quantity::Heading => degrees(kinematics::heading(
                &cleaned(self.points[0])?,
                &cleaned(self.points[1])?,
            )),
            Quantity::Angle => degrees(kinematics::joint_angle(
                &cleaned(self.points[0])?,
                &cleaned(self.points[1])?,
                &cleaned(self.points[2])?,
            )),
            single => {
                let track = find(self.points[0])?;
                if single == Quantity::Likelihood {
                    return Ok(track.points.likelihood.clone());
                }
                let k = track_kinematics(track, cleaning, units, clock)?;
                match single {
                    Quantity::X => k.points.x,
                    Quantity::Y => k.points.y,
                    Quantity::Vx => k.motion.vx,
                    Quantity::Vy => k.motion.vy,
                    Quantity::Speed => k.motion.speed,
                    _ => k
                        .motion
                        .ax
                        .iter()
                        .zip(&k.motion.ay)
                        .map(|(x, y)| x.hypot(*y))
                        .collect(),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(i: i64, k: i64, name: &str, xs: &[f64]) -> Track {
        Track {
            individual: IndividualId(i),
            keypoint: KeypointId(k),
            individual_name: format!("m{i}"),
            keypoint_name: name.into(),
            points: PointSeries {
                x: xs.to_vec(),
                y: vec![0.0; xs.len()],
                likelihood: vec![0.5; xs.len()],
            },
        }
    }

    #[test]
    fn series_of_one_two_and_three_points() {
        let tracks = [
            track(1, 1, "nose", &[0.0, 1.0, 3.0]),
            track(1, 2, "tail", &[-1.0, -1.0, -1.0]),
        ];
        let at = |k| PointRef {
            individual: IndividualId(1),
            keypoint: KeypointId(k),
        };
        let clock = [0.0, 1.0, 2.0];
        let units = Units::default();
        let c = Cleaning::default();
        let speed = SeriesSpec {
            quantity: Quantity::Speed,
            points: vec![at(1)],
        };
        assert_eq!(
            speed.compute(&tracks, &clock, &c, &units).unwrap(),
            [1.0, 1.5, 2.0]
        );
        assert_eq!(speed.title(&tracks), "speed of m1 nose");
        let distance = SeriesSpec {
            quantity: Quantity::Distance,
            points: vec![at(1), at(2)],
        };
        assert_eq!(
            distance.compute(&tracks, &clock, &c, &units).unwrap(),
            [1.0, 2.0, 4.0]
        );
        let heading = SeriesSpec {
            quantity: Quantity::Heading,
            points: vec![at(2), at(1)],
        };
        assert_eq!(
            heading.compute(&tracks, &clock, &c, &units).unwrap(),
            [0.0; 3]
        );
        let wrong = SeriesSpec {
            quantity: Quantity::Angle,
            points: vec![at(1)],
        };
        assert!(matches!(
            wrong.compute(&tracks, &clock, &c, &units),
            Err(SeriesError::Points(_, 3))
        ));
        assert_eq!(Quantity::Acceleration.unit(&units), "px/frame²");
    }
}
