//! The kinematics table that `kinelab kinematics` writes and the plots export: one row
//! per frame, individual and keypoint (frame-major), with the columns
//! `frame_idx, time_secs, individual, keypoint, x, y, likelihood, vx, vy, speed, ax, ay`;
//! missing values are empty cells, which pandas reads as NaN.

use std::fmt;
use std::str::FromStr;

use super::FilterError;
use super::kinematics::{Cleaning, Motion, PointSeries, motion};
use super::tracks::Track;

/// The table's columns, in order.
pub const COLUMNS: [&str; 12] = [
    "frame_idx",
    "time_secs",
    "individual",
    "keypoint",
    "x",
    "y",
    "likelihood",
    "vx",
    "vy",
    "speed",
    "ax",
    "ay",
];

/// Per frame or per second: the time coordinate derivatives are taken over.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    #[default]
    Frame,
    /// By the frames' own timestamps (exact under variable frame rates).
    Second,
}

/// Positions in pixels, or in a real unit from a known distance drawn on the frame.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scale {
    pub px_per_unit: f64,
    /// What the unit is called ("mm", "cm").
    pub unit: String,
}

impl Scale {
    /// The scale from a distance of `distance_px` pixels that is `length` units long.
    pub fn from_known_distance(distance_px: f64, length: f64, unit: &str) -> Option<Self> {
        (distance_px > 0.0 && length > 0.0 && distance_px.is_finite() && length.is_finite()).then(
            || Self {
                px_per_unit: distance_px / length,
                unit: unit.to_owned(),
            },
        )
    }
}

impl FromStr for Scale {
    type Err = String;

    /// `PX_PER_UNIT:UNIT`, e.g. `12.5:mm`.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("'{text}' is not a scale: write PX_PER_UNIT:UNIT, e.g. 12.5:mm");
        let (px, unit) = text.split_once(':').ok_or_else(bad)?;
        let px: f64 = px.trim().parse().map_err(|_| bad())?;
        let unit = unit.trim();
        if !(px > 0.0 && px.is_finite()) || unit.is_empty() {
            return Err(bad());
        }
        Ok(Self {
            px_per_unit: px,
            unit: unit.to_owned(),
        })
    }
}

/// The scale a project keeps for real units (its `kinematics_scale` setting).
pub fn kinematics_scale_of(state: &crate::project::ProjectState) -> Option<Scale> {
    state
        .settings
        .get(crate::project::settings_keys::KINEMATICS_SCALE)
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| v.parse().ok())
}

/// How positions and rates are expressed.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Units {
    pub time: TimeUnit,
    pub scale: Option<Scale>,
}

impl Units {
    /// The length unit's name.
    pub fn length(&self) -> &str {
        self.scale.as_ref().map_or("px", |s| s.unit.as_str())
    }

    /// The time unit's name.
    pub fn time_name(&self) -> &'static str {
        match self.time {
            TimeUnit::Frame => "frame",
            TimeUnit::Second => "s",
        }
    }

    /// Speed's unit, as `px/s`.
    pub fn rate(&self) -> String {
        format!("{}/{}", self.length(), self.time_name())
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeUnit::Frame => "px/frame",
            TimeUnit::Second => "px/s",
        })
    }
}

impl FromStr for TimeUnit {
    type Err = String;

    /// `px/frame` or `px/s` (the length part may name the scale's unit).
    fn from_str(text: &str) -> Result<Self, String> {
        match text.rsplit_once('/').map(|(_, t)| t.trim()) {
            Some("frame") => Ok(TimeUnit::Frame),
            Some("s") => Ok(TimeUnit::Second),
            _ => Err(format!("'{text}' is not a unit: px/frame or px/s")),
        }
    }
}

/// Errors building the table.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error(transparent)]
    Filter(#[from] FilterError),
    #[error("per-second rates need the video's timestamps, and frame {0} has none: use px/frame")]
    NoTimestamp(usize),
}

/// The time coordinate for `units`: frame indices, or the frames' timestamps.
pub fn clock(units: TimeUnit, time_secs: &[f64]) -> Result<Vec<f64>, TableError> {
    match units {
        TimeUnit::Frame => Ok((0..time_secs.len()).map(|f| f as f64).collect()),
        TimeUnit::Second => match time_secs.iter().position(|t| !t.is_finite()) {
            Some(f) => Err(TableError::NoTimestamp(f)),
            None => Ok(time_secs.to_vec()),
        },
    }
}

/// One track's cleaned, scaled positions and their motion.
#[derive(Clone, Debug)]
pub struct TrackKinematics {
    pub points: PointSeries,
    pub motion: Motion,
}

/// A track's positions, cleaned and in the length unit.
pub fn cleaned_points(
    track: &Track,
    cleaning: &Cleaning,
    units: &Units,
) -> Result<PointSeries, FilterError> {
    let mut points = cleaning.apply(&track.points)?;
    if let Some(scale) = &units.scale {
        for v in points.x.iter_mut().chain(points.y.iter_mut()) {
            *v /= scale.px_per_unit;
        }
    }
    Ok(points)
}

/// Cleans and scales a track's positions and takes its motion over `clock`.
pub fn track_kinematics(
    track: &Track,
    cleaning: &Cleaning,
    units: &Units,
    clock: &[f64],
) -> Result<TrackKinematics, FilterError> {
    let points = cleaned_points(track, cleaning, units)?;
    let motion = motion(&points, clock);
    Ok(TrackKinematics { points, motion })
}

/// The table's CSV text for `tracks` over frames with timestamps `time_secs` (NaN
/// where a frame has none); the first frame is `first_frame` of the video.
pub fn to_csv(
    tracks: &[Track],
    time_secs: &[f64],
    first_frame: usize,
    cleaning: &Cleaning,
    units: &Units,
) -> Result<Vec<u8>, TableError> {
    let clock = clock(units.time, time_secs)?;
    let computed: Vec<TrackKinematics> = tracks
        .iter()
        .map(|t| track_kinematics(t, cleaning, units, &clock))
        .collect::<Result<_, _>>()?;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let cell = |v: f64| {
        if v.is_finite() {
            v.to_string()
        } else {
            String::new()
        }
    };
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(COLUMNS);
    for (f, t) in time_secs.iter().enumerate() {
        for (track, k) in tracks.iter().zip(&computed) {
            let (p, m) = (&k.points, &k.motion);
            let _ = writer.write_record([
                (first_frame + f).to_string(),
                cell(*t),
                track.individual_name.clone(),
                track.keypoint_name.clone(),
                cell(p.x[f]),
                cell(p.y[f]),
                cell(p.likelihood[f]),
                cell(m.vx[f]),
                cell(m.vy[f]),
                cell(m.speed[f]),
                cell(m.ax[f]),
                cell(m.ay[f]),
            ]);
        }
    }
    Ok(writer.into_inner().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{IndividualId, KeypointId};

    #[test]
    fn the_table_is_frame_major_with_empty_cells_for_missing_values() {
        let track = |name: &str, x: Vec<f64>| Track {
            individual: IndividualId(1),
            keypoint: KeypointId(1),
            individual_name: "mouse".into(),
            keypoint_name: name.into(),
            points: PointSeries {
                y: vec![0.0; x.len()],
                likelihood: vec![0.9; x.len()],
                x,
            },
        };
        let tracks = [
            track("nose", vec![0.0, 2.0, 4.0]),
            track("tail", vec![1.0, f64::NAN, 1.0]),
        ];
        let time = [0.0, 0.04, 0.08];
        let units = Units {
            time: TimeUnit::Second,
            scale: Some("2:mm".parse().unwrap()),
        };
        let csv = to_csv(&tracks, &time, 0, &Cleaning::default(), &units).unwrap();
        let text = String::from_utf8(csv).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], COLUMNS.join(","));
        assert_eq!(lines.len(), 1 + 3 * 2);
        // nose at frame 1: x 2 px = 1 mm, moving 1 mm per 0.04 s.
        assert_eq!(lines[3], "1,0.04,mouse,nose,1,0,0.9,25,0,25,0,0");
        assert!(
            lines[4].starts_with("1,0.04,mouse,tail,,0,0.9,"),
            "{}",
            lines[4]
        );
        assert_eq!(units.rate(), "mm/s");

        let no_time = [0.0, f64::NAN, 0.08];
        assert!(matches!(
            to_csv(&tracks, &no_time, 0, &Cleaning::default(), &units),
            Err(TableError::NoTimestamp(1))
        ));
    }

    #[test]
    fn units_and_scales_parse() {
        assert_eq!("px/s".parse::<TimeUnit>(), Ok(TimeUnit::Second));
        assert_eq!("mm/frame".parse::<TimeUnit>(), Ok(TimeUnit::Frame));
        assert!("px".parse::<TimeUnit>().is_err());
        assert!("0:mm".parse::<Scale>().is_err());
        let s = Scale::from_known_distance(100.0, 40.0, "mm").unwrap();
        assert_eq!(s.px_per_unit, 2.5);
    }
}
