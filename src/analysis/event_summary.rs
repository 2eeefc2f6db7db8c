//! Summaries of coded events, per subject and behaviour, as BORIS reports them: how
//! many, their total and mean duration (states; from the start frame's time to the
//! stop frame's), and the latency to the first (its start's time from the video's
//! first frame); over the whole video, or per time bin (a state that spans bins counts
//! in each, with the part of it that falls there).

use crate::project::IndividualId;
use crate::project::behaviours::{BehaviourKind, Ethogram, Event};

/// One row of a summary.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    pub subject: IndividualId,
    pub behaviour: String,
    /// The bin's start in seconds (0 for the whole video).
    pub bin_start_secs: f64,
    pub count: usize,
    /// States only (NaN for point behaviours).
    pub total_secs: f64,
    pub mean_secs: f64,
    /// Time of the first event's start in the bin, or the bin's start for a state
    /// already going on (NaN where there is none).
    pub latency_secs: f64,
}

/// The time bins of a video whose frames are at `times_secs`: `[lo, hi)` of
/// `bin_secs` each from 0 to the last frame, or one bin for the whole video.
pub fn time_bins(times_secs: &[f64], bin_secs: Option<f64>) -> Vec<(f64, f64)> {
    let end = times_secs
        .last()
        .copied()
        .filter(|t| t.is_finite())
        .unwrap_or(0.0);
    match bin_secs.filter(|b| b.is_finite() && *b > 0.0) {
        Some(b) => {
            let n = ((end / b).floor() as usize) + 1;
            (0..n).map(|i| (i as f64 * b, (i + 1) as f64 * b)).collect()
        }
        None => vec![(0.0, f64::INFINITY)],
    }
}

/// The summary of `events` on frames with timestamps `times_secs`; per bin of
/// `bin_secs` when given. Open states end at the video's last frame.
pub fn summarize(
    events: &[Event],
    ethogram: &Ethogram,
    times_secs: &[f64],
    bin_secs: Option<f64>,
) -> Vec<SummaryRow> {
    let time = |f: u64| {
        times_secs
            .get(f as usize)
            .copied()
            .unwrap_or_else(|| times_secs.last().copied().unwrap_or(0.0))
    };
    let end = times_secs.last().copied().unwrap_or(0.0);
    let bins = time_bins(times_secs, bin_secs);
    let mut keys: Vec<(IndividualId, String)> = events
        .iter()
        .map(|e| (e.subject, e.behaviour.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    let mut rows = Vec::new();
    for (subject, behaviour) in keys {
        let is_state = ethogram
            .by_code(&behaviour)
            .is_none_or(|b| b.kind == BehaviourKind::State);
        let of_this: Vec<&Event> = events
            .iter()
            .filter(|e| e.subject == subject && e.behaviour == behaviour)
            .collect();
        for &(lo, hi) in &bins {
            let (mut count, mut total, mut first) = (0usize, 0.0f64, f64::NAN);
            for e in &of_this {
                let start = time(e.start_frame);
                let stop = if is_state {
                    e.stop_frame.map_or(end, time)
                } else {
                    start
                };
                // In the bin: a point inside it; a state overlapping it.
                let inside = if is_state {
                    start < hi && stop >= lo
                } else {
                    start >= lo && start < hi
                };
                if !inside {
                    continue;
                }
                count += 1;
                if is_state {
                    total += stop.min(hi) - start.max(lo);
                }
                // A state that began before the bin is first there at the bin's start.
                let start_here = start.max(lo);
                if first.is_nan() || start_here < first {
                    first = start_here;
                }
            }
            if count == 0 && bin_secs.is_none() {
                continue;
            }
            rows.push(SummaryRow {
                subject,
                behaviour: behaviour.clone(),
                bin_start_secs: lo,
                count,
                total_secs: if is_state { total } else { f64::NAN },
                mean_secs: if is_state && count > 0 {
                    total / count as f64
                } else {
                    f64::NAN
                },
                latency_secs: first,
            });
        }
    }
    rows
}

/// Time each subject spends in a region of interest: its centroid (the mean of its
/// placed keypoints) inside on a frame counts that frame's duration (to the next
/// frame's timestamp). Per time bin, as events are: a visit that spans bins is an
/// entry in each, with the frames that fall there.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionTime {
    pub subject: String,
    pub region: String,
    /// The bin's start in seconds (0 for the whole video).
    pub bin_start_secs: f64,
    /// How many times it went in (runs of frames inside).
    pub entries: usize,
    pub total_secs: f64,
    /// Time of the first frame inside (NaN if never).
    pub latency_secs: f64,
}

/// The time in each region of each subject of `tracks`, over the whole video or per
/// bin of `bin_secs`.
pub fn time_in_regions(
    tracks: &[super::tracks::Track],
    regions: &[super::rules::Region],
    times_secs: &[f64],
    bin_secs: Option<f64>,
) -> Vec<RegionTime> {
    let step = |f: usize| match (times_secs.get(f), times_secs.get(f + 1)) {
        (Some(a), Some(b)) => b - a,
        _ if f > 0 => times_secs[f] - times_secs[f - 1],
        _ => 0.0,
    };
    let bins = time_bins(times_secs, bin_secs);
    let bin_of = |t: f64| match bin_secs.filter(|b| b.is_finite() && *b > 0.0) {
        // A time that is not a number (frames from image files) is in the first.
        Some(b) if t.is_finite() => ((t / b).floor().max(0.0) as usize).min(bins.len() - 1),
        _ => 0,
    };
    let mut subjects: Vec<&str> = tracks.iter().map(|t| t.individual_name.as_str()).collect();
    subjects.dedup();
    let mut out = Vec::new();
    for subject in subjects {
        let mine: Vec<&super::tracks::Track> = tracks
            .iter()
            .filter(|t| t.individual_name == subject)
            .collect();
        let centroids: Vec<Option<(f64, f64)>> = (0..times_secs.len())
            .map(|f| {
                let (mut x, mut y, mut n) = (0.0, 0.0, 0.0);
                for t in &mine {
                    let (px, py) = (t.points.x.get(f).copied(), t.points.y.get(f).copied());
                    if let (Some(px), Some(py)) = (px, py)
                        && px.is_finite()
                        && py.is_finite()
                    {
                        (x, y, n) = (x + px, y + py, n + 1.0);
                    }
                }
                (n > 0.0).then(|| (x / n, y / n))
            })
            .collect();
        for region in regions {
            let mut per_bin: Vec<RegionTime> = bins
                .iter()
                .map(|&(lo, _)| RegionTime {
                    subject: subject.to_owned(),
                    region: region.name().to_owned(),
                    bin_start_secs: lo,
                    entries: 0,
                    total_secs: 0.0,
                    latency_secs: f64::NAN,
                })
                .collect();
            let mut previous: Option<(usize, bool)> = None;
            for (f, &t) in times_secs.iter().enumerate() {
                let bin = bin_of(t);
                let inside = centroids[f].is_some_and(|(x, y)| region.contains(x, y));
                if inside {
                    let r = &mut per_bin[bin];
                    r.total_secs += step(f);
                    // A new visit, or one that goes on into a new bin.
                    if previous != Some((bin, true)) {
                        r.entries += 1;
                    }
                    if r.latency_secs.is_nan() {
                        r.latency_secs = t;
                    }
                }
                previous = Some((bin, inside));
            }
            out.extend(per_bin);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::behaviours::Behaviour;

    fn event(code: &str, start: u64, stop: Option<u64>) -> Event {
        Event {
            behaviour: code.into(),
            subject: IndividualId(1),
            start_frame: start,
            stop_frame: stop,
            modifier: None,
            computed: false,
        }
    }

    #[test]
    fn time_in_a_region_counts_entries_and_frame_durations() {
        use crate::analysis::kinematics::PointSeries;
        use crate::analysis::rules::Region;
        use crate::analysis::tracks::Track;
        let x = vec![0.0, 5.0, 5.0, 20.0, 5.0, 20.0];
        let track = Track {
            individual: IndividualId(1),
            keypoint: crate::project::KeypointId(1),
            individual_name: "m1".into(),
            keypoint_name: "snout".into(),
            points: PointSeries {
                y: vec![5.0; x.len()],
                likelihood: vec![1.0; x.len()],
                x,
            },
        };
        let square = Region::Polygon {
            name: "box".into(),
            points: vec![[2.0, 0.0], [10.0, 0.0], [10.0, 10.0], [2.0, 10.0]],
        };
        let times: Vec<f64> = (0..6).map(|f| f as f64 * 0.5).collect();
        let r = &time_in_regions(
            std::slice::from_ref(&track),
            std::slice::from_ref(&square),
            &times,
            None,
        )[0];
        assert_eq!((r.entries, r.total_secs, r.latency_secs), (2, 1.5, 0.5));
        // In 1-second bins: frames 1–2 (0.5, 1.0 s) are one visit that spans the first
        // two bins, frame 4 (2.0 s) another in the third.
        let binned: Vec<(f64, usize, f64, f64)> =
            time_in_regions(&[track], &[square], &times, Some(1.0))
                .iter()
                .map(|r| (r.bin_start_secs, r.entries, r.total_secs, r.latency_secs))
                .collect();
        assert_eq!(binned.len(), 3);
        assert_eq!(binned[0], (0.0, 1, 0.5, 0.5));
        assert_eq!(binned[1], (1.0, 1, 0.5, 1.0));
        assert_eq!(binned[2], (2.0, 1, 0.5, 2.0));
    }

    #[test]
    fn counts_durations_latencies_and_bins() {
        let ethogram = Ethogram {
            behaviours: vec![Behaviour {
                code: "sniff".into(),
                key: "e".into(),
                color: "#000000".into(),
                kind: BehaviourKind::Point,
                modifiers: Vec::new(),
                group: None,
                description: String::new(),
            }],
        };
        // 10 frames a second over 100 frames.
        let times: Vec<f64> = (0..100).map(|f| f as f64 / 10.0).collect();
        let events = [
            event("freezing", 10, Some(30)),
            event("freezing", 50, Some(55)),
            event("sniff", 42, None),
        ];
        let whole = summarize(&events, &ethogram, &times, None);
        assert_eq!(whole.len(), 2);
        let f = &whole[0];
        assert_eq!((f.behaviour.as_str(), f.count), ("freezing", 2));
        assert!((f.total_secs - 2.5).abs() < 1e-9 && (f.mean_secs - 1.25).abs() < 1e-9);
        assert!((f.latency_secs - 1.0).abs() < 1e-9);
        assert!(whole[1].total_secs.is_nan() && (whole[1].latency_secs - 4.2).abs() < 1e-9);
        // 5-second bins: freezing 1.0–3.0 s falls in the first; 5.0–5.5 s in the second.
        let binned = summarize(&events, &ethogram, &times, Some(5.0));
        let freezing: Vec<_> = binned
            .iter()
            .filter(|r| r.behaviour == "freezing")
            .collect();
        assert_eq!(freezing.len(), 2);
        assert!((freezing[0].total_secs - 2.0).abs() < 1e-9 && freezing[1].count == 1);
        // 2-second bins: the first freezing (1.0–3.0 s) spans two; in the second it is
        // there from the bin's start.
        let binned = summarize(&events, &ethogram, &times, Some(2.0));
        let second = binned
            .iter()
            .find(|r| r.behaviour == "freezing" && r.bin_start_secs == 2.0)
            .unwrap();
        assert_eq!(second.count, 1);
        assert!((second.total_secs - 1.0).abs() < 1e-9);
        assert!((second.latency_secs - 2.0).abs() < 1e-9);
    }
}
