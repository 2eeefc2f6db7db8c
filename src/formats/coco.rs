//! COCO keypoints JSON: `images`, `annotations` and `categories`, as pycocotools reads
//! them. Visibility follows COCO (0 = not labeled, 1 = labeled but occluded, 2 =
//! visible); the skeleton is 1-based; `num_keypoints`, `bbox` and `area` are filled
//! from the keypoints. One annotation per individual per frame; unique keypoints
//! (DeepLabCut's "single") get a category of their own, with one annotation per frame.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::dlc_project::{folder_name, frame_of_image_path};
use super::error::{FormatError, FormatResult};
use super::frame_images::VideoAccess;
use super::frame_images::{frame_image_name, write_frame_images};
use super::report::ExportReport;
use super::report::ImportReport;
use crate::project::{
    IndividualId, Keypoint, Label, LabelKey, ProjectState, Provenance, Visibility,
};
use crate::util::atomic_file::write_atomically;

/// The category that holds the unique keypoints.
pub const UNIQUE_CATEGORY: &str = "unique";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CocoImage {
    pub id: i64,
    pub file_name: String,
    #[serde(default)]
    pub width: u32,
    #[serde(default)]
    pub height: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CocoAnnotation {
    pub id: i64,
    pub image_id: i64,
    pub category_id: i64,
    /// x, y, v per keypoint.
    pub keypoints: Vec<f64>,
    #[serde(default)]
    pub num_keypoints: u32,
    #[serde(default)]
    pub bbox: Vec<f64>,
    #[serde(default)]
    pub area: f64,
    #[serde(default)]
    pub iscrowd: u8,
    /// Kinelab's individual (an extension; other tools ignore it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub individual: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_id: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CocoCategory {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub supercategory: String,
    pub keypoints: Vec<String>,
    /// Edges as 1-based keypoint numbers.
    #[serde(default)]
    pub skeleton: Vec<[i64; 2]>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CocoFile {
    #[serde(default)]
    pub info: serde_json::Value,
    #[serde(default)]
    pub licenses: Vec<serde_json::Value>,
    pub images: Vec<CocoImage>,
    pub annotations: Vec<CocoAnnotation>,
    pub categories: Vec<CocoCategory>,
}

/// Reads and checks a COCO keypoints file: skeleton numbers within each category's
/// keypoints, keypoint triples of the right length, images and categories that exist.
pub fn read(path: &Path) -> FormatResult<CocoFile> {
    let text = std::fs::read_to_string(path).map_err(|e| FormatError::io(path, e))?;
    let file: CocoFile = serde_json::from_str(&text)
        .map_err(|e| FormatError::row(path, e.line(), format!("not a COCO keypoints file: {e}")))?;
    for (i, c) in file.categories.iter().enumerate() {
        let n = c.keypoints.len() as i64;
        for (j, edge) in c.skeleton.iter().enumerate() {
            if let Some(&bad) = edge.iter().find(|&&k| k < 1 || k > n) {
                return Err(FormatError::invalid(
                    path,
                    format!(
                        "categories[{i}] ('{}'): skeleton[{j}] = [{}, {}] names keypoint {bad}, \
                         but the category has {n} keypoints (numbered from 1)",
                        c.name, edge[0], edge[1]
                    ),
                ));
            }
        }
    }
    let categories: HashMap<i64, &CocoCategory> =
        file.categories.iter().map(|c| (c.id, c)).collect();
    let images: HashMap<i64, &CocoImage> = file.images.iter().map(|im| (im.id, im)).collect();
    for (i, a) in file.annotations.iter().enumerate() {
        let Some(c) = categories.get(&a.category_id) else {
            return Err(FormatError::invalid(
                path,
                format!(
                    "annotations[{i}] (id {}): no category {}",
                    a.id, a.category_id
                ),
            ));
        };
        if a.keypoints.len() != 3 * c.keypoints.len() {
            return Err(FormatError::invalid(
                path,
                format!(
                    "annotations[{i}] (id {}): {} keypoint values, but category '{}' has {} keypoints (3 values each)",
                    a.id,
                    a.keypoints.len(),
                    c.name,
                    c.keypoints.len()
                ),
            ));
        }
        if !images.contains_key(&a.image_id) {
            return Err(FormatError::invalid(
                path,
                format!("annotations[{i}] (id {}): no image {}", a.id, a.image_id),
            ));
        }
    }
    Ok(file)
}

/// An annotation's keypoint triples, bbox and area from labels (`None` = not labeled).
fn annotation_values(points: &[Option<&Label>]) -> (Vec<f64>, u32, Vec<f64>, f64) {
    let mut keypoints = Vec::with_capacity(points.len() * 3);
    let mut n = 0;
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in points {
        match p {
            Some(l) if l.visibility != Visibility::Absent => {
                let v = if l.visibility == Visibility::Occluded {
                    1.0
                } else {
                    2.0
                };
                keypoints.extend([l.x, l.y, v]);
                n += 1;
                x0 = x0.min(l.x);
                y0 = y0.min(l.y);
                x1 = x1.max(l.x);
                y1 = y1.max(l.y);
            }
            _ => keypoints.extend([0.0, 0.0, 0.0]),
        }
    }
    if n == 0 {
        return (keypoints, 0, vec![0.0; 4], 0.0);
    }
    let (w, h) = (x1 - x0, y1 - y0);
    (keypoints, n, vec![x0, y0, w, h], w * h)
}

fn category(id: i64, name: &str, keypoints: &[&Keypoint], state: &ProjectState) -> CocoCategory {
    let position: HashMap<_, _> = keypoints
        .iter()
        .enumerate()
        .map(|(i, k)| (k.id, i as i64 + 1))
        .collect();
    let skeleton = state
        .skeleton
        .edges
        .iter()
        .filter_map(|(a, b)| Some([*position.get(a)?, *position.get(b)?]))
        .collect();
    CocoCategory {
        id,
        name: name.to_owned(),
        supercategory: "animal".into(),
        keypoints: keypoints.iter().map(|k| k.def.name.clone()).collect(),
        skeleton,
    }
}

/// Per video, the frames an export writes and their image names.
pub type FramesOut = Vec<(crate::project::VideoId, Vec<(u64, String)>)>;

/// Who an annotation is for: the individual's name and order (none for the unique
/// keypoints), its id, its keypoints and its category.
type Owner<'a> = (
    Option<&'a str>,
    Option<i64>,
    IndividualId,
    &'a [&'a Keypoint],
    i64,
);

/// The COCO document of the project's labeled frames; image file names are relative
/// to `images/`. Returns it with the frames to write, per video.
pub fn to_coco(state: &ProjectState) -> (CocoFile, FramesOut) {
    let shared: Vec<&Keypoint> = state
        .skeleton
        .keypoints
        .iter()
        .filter(|k| !k.def.unique)
        .collect();
    let unique: Vec<&Keypoint> = state
        .skeleton
        .keypoints
        .iter()
        .filter(|k| k.def.unique)
        .collect();
    let mut categories = Vec::new();
    if !shared.is_empty() {
        categories.push(category(1, "animal", &shared, state));
    }
    if !unique.is_empty() {
        categories.push(category(2, UNIQUE_CATEGORY, &unique, state));
    }
    let mut images = Vec::new();
    let mut annotations = Vec::new();
    let mut frames_out = Vec::new();
    for v in &state.videos {
        let folder = folder_name(v);
        let mut frames = Vec::new();
        for frame_idx in state.labeled_frames(v.id).collect::<Vec<_>>() {
            let Some(image) = frame_image_name(v, frame_idx) else {
                continue;
            };
            let image_id = images.len() as i64 + 1;
            let file_name = format!("{folder}/{image}");
            let mut owners: Vec<Owner<'_>> = state
                .individuals
                .iter()
                .map(|i| {
                    (
                        Some(i.def.name.as_str()),
                        Some(i.def.order),
                        i.id,
                        shared.as_slice(),
                        1,
                    )
                })
                .collect();
            if !unique.is_empty() {
                owners.push((None, None, IndividualId::NONE, unique.as_slice(), 2));
            }
            let mut any = false;
            for (name, track, individual, keypoints, category_id) in owners {
                if keypoints.is_empty() {
                    continue;
                }
                let points: Vec<Option<&Label>> = keypoints
                    .iter()
                    .map(|k| {
                        state.label(&LabelKey {
                            video: v.id,
                            frame_idx,
                            individual,
                            keypoint: k.id,
                        })
                    })
                    .collect();
                let (keypoints, num_keypoints, bbox, area) = annotation_values(&points);
                if num_keypoints == 0 {
                    continue;
                }
                any = true;
                annotations.push(CocoAnnotation {
                    id: annotations.len() as i64 + 1,
                    image_id,
                    category_id,
                    keypoints,
                    num_keypoints,
                    bbox,
                    area,
                    iscrowd: 0,
                    individual: name.map(str::to_owned),
                    track_id: track,
                });
            }
            if any {
                images.push(CocoImage {
                    id: image_id,
                    file_name,
                    width: v.def.width,
                    height: v.def.height,
                });
                frames.push((frame_idx, image));
            }
        }
        frames_out.push((v.id, frames));
    }
    let file = CocoFile {
        info: serde_json::json!({"description": "Exported by Kinelab", "version": env!("CARGO_PKG_VERSION")}),
        licenses: Vec::new(),
        images,
        annotations,
        categories,
    };
    (file, frames_out)
}

/// Writes `out_dir/annotations.json` (or `json_name`) and the frames under
/// `out_dir/images/<video>/`.
pub fn write(
    state: &ProjectState,
    project_dir: &Path,
    out_dir: &Path,
    json_name: Option<&str>,
    videos: &dyn VideoAccess,
    on_progress: &mut dyn FnMut(usize, usize),
) -> FormatResult<ExportReport> {
    let (file, frames) = to_coco(state);
    let mut report = ExportReport {
        frames: file.images.len(),
        labels: file
            .annotations
            .iter()
            .map(|a| a.num_keypoints as usize)
            .sum(),
        ..ExportReport::default()
    };
    let total: usize = frames.iter().map(|(_, f)| f.len()).sum();
    let mut done = 0;
    for (video, frames) in frames {
        let Some(v) = state.video(video) else {
            continue;
        };
        let dir = out_dir.join("images").join(folder_name(v));
        let targets: Vec<(u64, PathBuf)> = frames
            .into_iter()
            .map(|(f, image)| (f, dir.join(image)))
            .collect();
        write_frame_images(v, project_dir, &targets, videos, &mut report, &mut || {
            done += 1;
            on_progress(done, total);
        })?;
    }
    let json = out_dir.join(json_name.unwrap_or("annotations.json"));
    let text =
        serde_json::to_vec_pretty(&file).map_err(|e| FormatError::invalid(&json, e.to_string()))?;
    write_atomically(&json, |w| w.write_all(&text)).map_err(|e| FormatError::io(&json, e))?;
    report.files.push(json);
    Ok(report)
}

/// The labels of a COCO file for an existing project: images map to frames by their
/// path (`<video>/<image>`), keypoints by name, individuals by the `individual` field or
/// else by order on the image.
pub fn labels_from_coco(
    state: &ProjectState,
    path: &Path,
) -> FormatResult<(BTreeMap<LabelKey, Label>, ImportReport)> {
    let file = read(path)?;
    let mut report = ImportReport::default();
    let mut labels = BTreeMap::new();
    let images: HashMap<i64, &CocoImage> = file.images.iter().map(|im| (im.id, im)).collect();
    let categories: HashMap<i64, &CocoCategory> =
        file.categories.iter().map(|c| (c.id, c)).collect();
    let mut seen_on_image: HashMap<i64, usize> = HashMap::new();
    let mut frames = std::collections::BTreeSet::new();
    for a in &file.annotations {
        let (Some(image), Some(category)) =
            (images.get(&a.image_id), categories.get(&a.category_id))
        else {
            continue;
        };
        let (video, frame_idx) = match frame_of_image_path(state, &image.file_name) {
            Ok(place) => place,
            Err(reason) => {
                report.skip(reason, 1);
                continue;
            }
        };
        let is_unique = category.name == UNIQUE_CATEGORY;
        let individual = if is_unique {
            IndividualId::NONE
        } else {
            let by_name = a
                .individual
                .as_deref()
                .and_then(|n| state.individual_by_name(n));
            let k = seen_on_image.entry(a.image_id).or_default();
            let by_order = state.individuals.get(*k);
            *k += 1;
            match (by_name, a.individual.as_deref()) {
                (Some(i), _) => i.id,
                (None, Some(name)) => {
                    report.skip(format!("individual '{name}' is not in the project"), 1);
                    continue;
                }
                (None, None) => match by_order {
                    Some(i) => i.id,
                    None => {
                        report.skip(
                            format!(
                                "image '{}' has more annotations than the project's {} individuals",
                                image.file_name,
                                state.individuals.len()
                            ),
                            1,
                        );
                        continue;
                    }
                },
            }
        };
        frames.insert((video, frame_idx));
        for (i, name) in category.keypoints.iter().enumerate() {
            let (x, y, v) = (
                a.keypoints[3 * i],
                a.keypoints[3 * i + 1],
                a.keypoints[3 * i + 2],
            );
            if v <= 0.0 {
                continue;
            }
            let Some(k) = state.skeleton.by_name(name) else {
                report.skip(format!("keypoint '{name}' is not in the skeleton"), 1);
                continue;
            };
            labels.insert(
                LabelKey {
                    video,
                    frame_idx,
                    individual: if k.def.unique {
                        IndividualId::NONE
                    } else {
                        individual
                    },
                    keypoint: k.id,
                },
                Label {
                    x,
                    y,
                    visibility: if v < 1.5 {
                        Visibility::Occluded
                    } else {
                        Visibility::Visible
                    },
                    provenance: Provenance::Human,
                    score: None,
                },
            );
        }
    }
    report.frames = frames.len();
    report.labels = labels.len();
    Ok((labels, report))
}
