//! YOLO pose (Ultralytics) datasets: `images/{train,val}/`, `labels/{train,val}/*.txt`
//! with one line per animal (`cls cx cy w h x y v ...`, all normalized to the image
//! size; v = 2 visible, 1 occluded, 0 missing) and `data.yaml` with `kpt_shape` and
//! `flip_idx` (from the symmetric pairs). Frames are split into train and val by a hash
//! of their name, so a frame stays on its side when the dataset is exported again.
//! Unique keypoints do not fit YOLO's one keypoint list per class and are skipped.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::dlc_project::folder_name;
use super::error::{FormatError, FormatResult};
use super::frame_images::VideoAccess;
use super::frame_images::{frame_image_name, write_frame_images};
use super::report::ExportReport;
use crate::project::{IndividualId, Keypoint, LabelKey, ProjectState, Visibility};
use crate::util::atomic_file::write_atomically;

/// The share of frames that go to `val` by default.
pub const DEFAULT_VAL_FRACTION: f64 = 0.2;

/// True when the frame named `name` goes to the validation split.
fn is_val(name: &str, val_fraction: f64) -> bool {
    let h = xxhash_rust::xxh3::xxh3_64(name.as_bytes());
    (h as f64 / u64::MAX as f64) < val_fraction
}

/// One label line, or `None` when the animal has no labeled keypoint.
fn label_line(
    state: &ProjectState,
    keypoints: &[&Keypoint],
    key: (crate::project::VideoId, u64, IndividualId),
    (width, height): (f64, f64),
) -> Option<(String, usize)> {
    let (video, frame_idx, individual) = key;
    let mut pts = Vec::with_capacity(keypoints.len());
    for k in keypoints {
        let label = state.label(&LabelKey {
            video,
            frame_idx,
            individual,
            keypoint: k.id,
        });
        pts.push(match label {
            Some(l) if l.visibility == Visibility::Visible => Some((l.x, l.y, 2)),
            Some(l) if l.visibility == Visibility::Occluded => Some((l.x, l.y, 1)),
            _ => None,
        });
    }
    let present: Vec<(f64, f64)> = pts.iter().flatten().map(|&(x, y, _)| (x, y)).collect();
    if present.is_empty() {
        return None;
    }
    let (x0, x1) = present
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (y0, y1) = present
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    // A box around the keypoints with a margin (10% of its size, 4 px at least), kept
    // inside the image.
    let pad_x = ((x1 - x0) * 0.1).max(4.0);
    let pad_y = ((y1 - y0) * 0.1).max(4.0);
    let (bx0, bx1) = ((x0 - pad_x).max(0.0), (x1 + pad_x).min(width));
    let (by0, by1) = ((y0 - pad_y).max(0.0), (y1 + pad_y).min(height));
    let mut line = format!(
        "0 {:.6} {:.6} {:.6} {:.6}",
        (bx0 + bx1) / 2.0 / width,
        (by0 + by1) / 2.0 / height,
        (bx1 - bx0) / width,
        (by1 - by0) / height
    );
    for p in &pts {
        match p {
            Some((x, y, v)) => {
                let _ = write!(line, " {:.6} {:.6} {v}", x / width, y / height);
            }
            None => line.push_str(" 0.000000 0.000000 0"),
        }
    }
    Some((line, present.len()))
}

/// Writes the dataset into `out_dir`, `val_fraction` of the frames to `val`.
pub fn write(
    state: &ProjectState,
    project_dir: &Path,
    out_dir: &Path,
    videos: &dyn VideoAccess,
    val_fraction: f64,
    on_progress: &mut dyn FnMut(usize, usize),
) -> FormatResult<ExportReport> {
    let mut report = ExportReport::default();
    let keypoints: Vec<&Keypoint> = state
        .skeleton
        .keypoints
        .iter()
        .filter(|k| !k.def.unique)
        .collect();
    let unique = state
        .labels
        .keys()
        .filter(|k| k.individual == IndividualId::NONE)
        .count();
    if unique > 0 {
        *report
            .skipped
            .entry("labels of unique keypoints (YOLO has one keypoint list per class)".into())
            .or_default() += unique;
    }
    let total: usize = state
        .videos
        .iter()
        .map(|v| state.labeled_frames(v.id).count())
        .sum();
    let mut done = 0;
    for v in &state.videos {
        let folder = folder_name(v);
        if v.def.width == 0 || v.def.height == 0 {
            *report
                .skipped
                .entry(format!("frames of video '{folder}', whose size is unknown"))
                .or_default() += state.labeled_frames(v.id).count();
            continue;
        }
        let size = (f64::from(v.def.width), f64::from(v.def.height));
        let mut targets: Vec<(u64, PathBuf)> = Vec::new();
        for frame_idx in state.labeled_frames(v.id).collect::<Vec<_>>() {
            let Some(image) = frame_image_name(v, frame_idx) else {
                continue;
            };
            let stem = format!(
                "{folder}_{}",
                image.rsplit_once('.').map_or(image.as_str(), |(s, _)| s)
            );
            let ext = image.rsplit_once('.').map_or("png", |(_, e)| e);
            let split = if is_val(&stem, val_fraction) {
                "val"
            } else {
                "train"
            };
            let mut text = String::new();
            for i in &state.individuals {
                if let Some((line, n)) =
                    label_line(state, &keypoints, (v.id, frame_idx, i.id), size)
                {
                    text.push_str(&line);
                    text.push('\n');
                    report.labels += n;
                }
            }
            if text.is_empty() {
                continue;
            }
            let label_path = out_dir
                .join("labels")
                .join(split)
                .join(format!("{stem}.txt"));
            if let Some(dir) = label_path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| FormatError::io(dir, e))?;
            }
            write_atomically(&label_path, |w| w.write_all(text.as_bytes()))
                .map_err(|e| FormatError::io(&label_path, e))?;
            report.files.push(label_path);
            targets.push((
                frame_idx,
                out_dir
                    .join("images")
                    .join(split)
                    .join(format!("{stem}.{ext}")),
            ));
            report.frames += 1;
        }
        write_frame_images(v, project_dir, &targets, videos, &mut report, &mut || {
            done += 1;
            on_progress(done, total);
        })?;
    }
    for split in ["train", "val"] {
        for kind in ["images", "labels"] {
            let dir = out_dir.join(kind).join(split);
            std::fs::create_dir_all(&dir).map_err(|e| FormatError::io(&dir, e))?;
        }
    }
    let flip_idx: Vec<String> = keypoints
        .iter()
        .enumerate()
        .map(|(i, k)| {
            state
                .skeleton
                .partner(k.id)
                .and_then(|p| keypoints.iter().position(|q| q.id == p))
                .unwrap_or(i)
                .to_string()
        })
        .collect();
    let names: Vec<String> = keypoints
        .iter()
        .map(|k| format!("'{}'", k.def.name.replace('\'', "''")))
        .collect();
    let position = |id| keypoints.iter().position(|k| k.id == id);
    let edges: Vec<String> = state
        .skeleton
        .edges
        .iter()
        .filter_map(|&(a, b)| Some(format!("[{}, {}]", position(a)?, position(b)?)))
        .collect();
    // kpt_names is Ultralytics' own key; node_names and skeleton (0-based edges) are
    // what sleap-io reads back. The "./" keeps the split paths relative for Ultralytics
    // and lets sleap-io find labels/ by replacing "/images" in them.
    let yaml = format!(
        "# YOLO pose dataset written by Kinelab\npath: {}\ntrain: ./images/train\nval: ./images/val\nkpt_shape: [{}, 3]\nflip_idx: [{}]\nnames:\n  0: animal\nkpt_names:\n  0: [{names}]\nnode_names: [{names}]\nskeleton: [{}]\n",
        out_dir.display(),
        keypoints.len(),
        flip_idx.join(", "),
        edges.join(", "),
        names = names.join(", "),
    );
    let data = out_dir.join("data.yaml");
    write_atomically(&data, |w| w.write_all(yaml.as_bytes()))
        .map_err(|e| FormatError::io(&data, e))?;
    report.files.push(data);
    Ok(report)
}
