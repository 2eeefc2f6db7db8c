//! Where two animals come close enough that a tracker may swap their identities: the
//! runs of frames on which two individuals' centroids (the mean of their placed
//! keypoints) are within a distance, with the closest approach of each run.

use super::tracks::Track;
use crate::project::IndividualId;

/// A run of frames on which two individuals are within the distance.
#[derive(Clone, Debug, PartialEq)]
pub struct Crossing {
    pub first_frame: u64,
    pub last_frame: u64,
    pub a: IndividualId,
    pub b: IndividualId,
    pub a_name: String,
    pub b_name: String,
    /// The smallest centroid distance in the run, and where.
    pub closest_px: f64,
    pub closest_frame: u64,
}

/// One individual's centroid per frame (NaN where it has no point).
struct Animal {
    id: IndividualId,
    name: String,
    centroid: Vec<[f64; 2]>,
}

/// Each individual's centroid per frame, in the order the individuals first appear in
/// `tracks`.
fn centroids(tracks: &[Track], frames: usize) -> Vec<Animal> {
    let mut animals: Vec<(Animal, Vec<u32>)> = Vec::new();
    for t in tracks {
        let at = match animals.iter().position(|(a, _)| a.id == t.individual) {
            Some(i) => i,
            None => {
                let animal = Animal {
                    id: t.individual,
                    name: t.individual_name.clone(),
                    centroid: vec![[0.0; 2]; frames],
                };
                animals.push((animal, vec![0; frames]));
                animals.len() - 1
            }
        };
        let (animal, count) = &mut animals[at];
        let points = t.points.x.iter().zip(&t.points.y);
        for ((sum, n), (&x, &y)) in animal.centroid.iter_mut().zip(count.iter_mut()).zip(points) {
            if x.is_finite() && y.is_finite() {
                sum[0] += x;
                sum[1] += y;
                *n += 1;
            }
        }
    }
    animals
        .into_iter()
        .map(|(mut animal, count)| {
            for (c, &n) in animal.centroid.iter_mut().zip(&count) {
                *c = match n {
                    0 => [f64::NAN; 2],
                    n => [c[0] / f64::from(n), c[1] / f64::from(n)],
                };
            }
            animal
        })
        .collect()
}

/// The crossings of every pair of individuals in `tracks` over `frames` frames, where
/// their centroids come within `within_px`, ordered by their first frame.
pub fn find_crossings(tracks: &[Track], frames: usize, within_px: f64) -> Vec<Crossing> {
    let animals = centroids(tracks, frames);
    let mut crossings = Vec::new();
    for i in 0..animals.len() {
        for j in i + 1..animals.len() {
            let (a, b) = (&animals[i], &animals[j]);
            let mut run: Option<Crossing> = None;
            for f in 0..frames {
                let d = (a.centroid[f][0] - b.centroid[f][0])
                    .hypot(a.centroid[f][1] - b.centroid[f][1]);
                if d < within_px {
                    let run = run.get_or_insert_with(|| Crossing {
                        first_frame: f as u64,
                        last_frame: f as u64,
                        a: a.id,
                        b: b.id,
                        a_name: a.name.clone(),
                        b_name: b.name.clone(),
                        closest_px: d,
                        closest_frame: f as u64,
                    });
                    run.last_frame = f as u64;
                    if d < run.closest_px {
                        run.closest_px = d;
                        run.closest_frame = f as u64;
                    }
                } else if let Some(done) = run.take() {
                    crossings.push(done);
                }
            }
            crossings.extend(run);
        }
    }
    crossings.sort_by_key(|c| (c.first_frame, c.a, c.b));
    crossings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::kinematics::PointSeries;
    use crate::project::KeypointId;

    fn track(individual: i64, xs: Vec<f64>) -> Track {
        Track {
            individual: IndividualId(individual),
            keypoint: KeypointId(1),
            individual_name: format!("m{individual}"),
            keypoint_name: "snout".into(),
            points: PointSeries {
                y: vec![0.0; xs.len()],
                likelihood: vec![1.0; xs.len()],
                x: xs,
            },
        }
    }

    #[test]
    fn two_animals_passing_each_other_cross_once() {
        // m1 walks right from 0 to 90; m2 stands at 50; m3 is far away.
        let m1: Vec<f64> = (0..10).map(|f| f64::from(f) * 10.0).collect();
        let tracks = [
            track(1, m1),
            track(2, vec![50.0; 10]),
            track(3, vec![1000.0; 10]),
        ];
        let crossings = find_crossings(&tracks, 10, 15.0);
        assert_eq!(crossings.len(), 1);
        let c = &crossings[0];
        assert_eq!((c.first_frame, c.last_frame, c.closest_frame), (4, 6, 5));
        assert_eq!((c.a_name.as_str(), c.b_name.as_str()), ("m1", "m2"));
        assert_eq!(c.closest_px, 0.0);
    }
}
