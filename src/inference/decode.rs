//! Model outputs to keypoints, as each tool decodes them, in the model input's pixels
//! (the caller maps them back to the frame). Each decoder checks the shapes it reads
//! and names the tensor, the shape it expected and the one it got.

use std::path::Path;

use super::error::{InferenceError, InferenceResult};
use super::preprocess::BoxXyxy;
use super::soft_argmax;
use super::spec::HeatmapDecode;

/// An output tensor copied out of ONNX Runtime.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    pub name: String,
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

impl Tensor {
    fn shape_text(&self) -> String {
        format!("{:?}", self.shape)
    }
}

/// One animal found in one input: keypoints `(x, y, score)` in input pixels, an
/// instance score, and its box where the model gives one.
#[derive(Clone, Debug, PartialEq)]
pub struct Pose {
    pub points: Vec<[f32; 3]>,
    pub score: f32,
    pub bbox: Option<BoxXyxy>,
}

impl Pose {
    /// A pose without a box, scored by the mean of its points' scores.
    fn of_points(points: Vec<[f32; 3]>) -> Self {
        let score = mean_score(&points);
        Self {
            points,
            score,
            bbox: None,
        }
    }
}

fn expect_rank(model: &Path, t: &Tensor, rank: usize, what: &str) -> InferenceResult<()> {
    if t.shape.len() != rank || t.data.len() != t.shape.iter().product::<usize>() {
        return Err(InferenceError::tensor(model, &t.name, what, t.shape_text()));
    }
    Ok(())
}

/// First index of the largest value (numpy's and torch's argmax); NaN never wins.
fn argmax(values: &[f32]) -> (usize, f32) {
    let mut best = (0, f32::NEG_INFINITY);
    for (i, &v) in values.iter().enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best
}

fn sigmoid(v: f32) -> f32 {
    1.0 / (1.0 + (-v).exp())
}

/// Heatmaps `[B, K, h, w]` (and DeepLabCut's location refinement `[B, 2K, h, w]`) to
/// one pose per batch item; `input_size` is the model's input (width, height).
pub fn heatmaps(
    model: &Path,
    heatmap: &Tensor,
    locref: Option<&Tensor>,
    decode: HeatmapDecode,
    keypoints: usize,
    input_size: (u32, u32),
) -> InferenceResult<Vec<Pose>> {
    let expected = format!("[batch, {keypoints}, height, width]");
    expect_rank(model, heatmap, 4, &expected)?;
    let [b, k, h, w] = [
        heatmap.shape[0],
        heatmap.shape[1],
        heatmap.shape[2],
        heatmap.shape[3],
    ];
    if k != keypoints || h == 0 || w == 0 {
        return Err(InferenceError::tensor(
            model,
            &heatmap.name,
            expected,
            heatmap.shape_text(),
        ));
    }
    if let Some(l) = locref {
        let want = format!("[{b}, {}, {h}, {w}]", 2 * k);
        if l.shape != [b, 2 * k, h, w] || l.data.len() != b * 2 * k * h * w {
            return Err(InferenceError::tensor(model, &l.name, want, l.shape_text()));
        }
    }
    if let HeatmapDecode::SoftArgmax { temperature } = decode {
        return soft_argmax_heatmaps(model, heatmap, input_size, temperature);
    }
    let (in_w, in_h) = (f64::from(input_size.0), f64::from(input_size.1));
    let (stride_x, stride_y) = (in_w / w as f64, in_h / h as f64);
    let plane = h * w;
    let mut poses = Vec::with_capacity(b);
    for bi in 0..b {
        let mut points = Vec::with_capacity(k);
        for ki in 0..k {
            let map = &heatmap.data[(bi * k + ki) * plane..(bi * k + ki + 1) * plane];
            let (idx, peak) = argmax(map);
            let (row, col) = (idx / w, idx % w);
            let point = match decode {
                HeatmapDecode::Dlc {
                    locref_stdev,
                    sigmoid: apply,
                } => {
                    let (mut dx, mut dy) = (0.0f64, 0.0f64);
                    if let Some(l) = locref {
                        let at = |c: usize| l.data[((bi * 2 * k + c) * h + row) * w + col];
                        dx = f64::from(at(2 * ki) * locref_stdev);
                        dy = f64::from(at(2 * ki + 1) * locref_stdev);
                    }
                    let x = col as f64 * stride_x + 0.5 * stride_x + dx;
                    let y = row as f64 * stride_y + 0.5 * stride_y + dy;
                    let score = if apply { sigmoid(peak) } else { peak };
                    [x as f32, y as f32, score]
                }
                HeatmapDecode::SoftArgmax { .. } => unreachable!("decoded above"),
                HeatmapDecode::Msra => {
                    let (mut x, mut y) = (col as f64, row as f64);
                    // mmpose.codecs.utils.refine_keypoints, bounds as written there.
                    let dx = if 1 < col && col < w - 1 && 0 < row {
                        map[row * w + col + 1] - map[row * w + col - 1]
                    } else {
                        0.0
                    };
                    let dy = if 1 < row && row < h - 1 && 0 < col {
                        map[(row + 1) * w + col] - map[(row - 1) * w + col]
                    } else {
                        0.0
                    };
                    x += 0.25 * f64::from(sign(dx));
                    y += 0.25 * f64::from(sign(dy));
                    let score = peak;
                    if score <= 0.0 {
                        [f32::NAN, f32::NAN, score]
                    } else {
                        [(x * stride_x) as f32, (y * stride_y) as f32, score]
                    }
                }
            };
            points.push(point);
        }
        poses.push(Pose::of_points(points));
    }
    Ok(poses)
}

/// Lightning Pose: each heatmap upsampled to the input's size, then its soft-argmax
/// (see `soft_argmax`). The heatmaps must be the input's size divided by a power of two.
fn soft_argmax_heatmaps(
    model: &Path,
    heatmap: &Tensor,
    input_size: (u32, u32),
    temperature: f32,
) -> InferenceResult<Vec<Pose>> {
    let [b, k, h, w] = [
        heatmap.shape[0],
        heatmap.shape[1],
        heatmap.shape[2],
        heatmap.shape[3],
    ];
    let (in_w, in_h) = (input_size.0 as usize, input_size.1 as usize);
    let upsamplings = (0..=3u32).find(|&n| w << n == in_w && h << n == in_h);
    let Some(upsamplings) = upsamplings else {
        return Err(InferenceError::tensor(
            model,
            &heatmap.name,
            format!("[{b}, {k}, {in_h}/2ⁿ, {in_w}/2ⁿ] (the input's size over 1, 2, 4 or 8)"),
            heatmap.shape_text(),
        ));
    };
    let plane = h * w;
    let mut scratch = soft_argmax::Scratch::default();
    let mut map = soft_argmax::Plane {
        width: w,
        height: h,
        values: Vec::with_capacity(plane),
    };
    Ok((0..b)
        .map(|bi| {
            let points = (0..k)
                .map(|ki| {
                    let at = (bi * k + ki) * plane;
                    map.values.clear();
                    map.values.extend_from_slice(&heatmap.data[at..at + plane]);
                    soft_argmax::decode_with(&map, upsamplings, temperature, &mut scratch)
                })
                .collect();
            Pose::of_points(points)
        })
        .collect())
}

fn sign(v: f32) -> f32 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    }
}

fn mean_score(points: &[[f32; 3]]) -> f32 {
    let scores: Vec<f32> = points
        .iter()
        .map(|p| p[2])
        .filter(|s| s.is_finite())
        .collect();
    if scores.is_empty() {
        0.0
    } else {
        scores.iter().sum::<f32>() / scores.len() as f32
    }
}

/// RTMPose's SimCC vectors `[B, K, W·r]` and `[B, K, H·r]`: argmax ÷ `split_ratio`,
/// score the smaller of the two maxima; a point whose score is not above 0 is dropped
/// (mmpose `get_simcc_maximum` sets it to −1).
pub fn simcc(
    model: &Path,
    x: &Tensor,
    y: &Tensor,
    split_ratio: f32,
    keypoints: usize,
) -> InferenceResult<Vec<Pose>> {
    let expected = format!("[batch, {keypoints}, bins]");
    expect_rank(model, x, 3, &expected)?;
    expect_rank(model, y, 3, &expected)?;
    if x.shape[1] != keypoints || x.shape[2] == 0 {
        return Err(InferenceError::tensor(
            model,
            &x.name,
            expected,
            x.shape_text(),
        ));
    }
    if y.shape[0] != x.shape[0] || y.shape[1] != keypoints || y.shape[2] == 0 {
        let want = format!("[{}, {keypoints}, bins]", x.shape[0]);
        return Err(InferenceError::tensor(model, &y.name, want, y.shape_text()));
    }
    let (b, k, wx, wy) = (x.shape[0], keypoints, x.shape[2], y.shape[2]);
    let mut poses = Vec::with_capacity(b);
    for bi in 0..b {
        let mut points = Vec::with_capacity(k);
        for ki in 0..k {
            let (ix, vx) = argmax(&x.data[(bi * k + ki) * wx..(bi * k + ki + 1) * wx]);
            let (iy, vy) = argmax(&y.data[(bi * k + ki) * wy..(bi * k + ki + 1) * wy]);
            let score = vx.min(vy);
            if score > 0.0 {
                points.push([ix as f32 / split_ratio, iy as f32 / split_ratio, score]);
            } else {
                points.push([f32::NAN, f32::NAN, score]);
            }
        }
        poses.push(Pose::of_points(points));
    }
    Ok(poses)
}

/// Ultralytics pose output `[B, 4 + classes + 3K, anchors]`: candidates above `conf`
/// by their best class, class-aware NMS (boxes offset by class × 7680, as Ultralytics
/// does), at most `max_det` per image, best first.
pub struct YoloParams {
    pub classes: usize,
    pub conf: f32,
    pub iou: f32,
    pub max_det: usize,
    pub keypoints: usize,
}

/// Ultralytics' `max_wh`: boxes of different classes are moved this far apart so NMS
/// never compares them.
const MAX_WH: f32 = 7680.0;
/// Ultralytics' `max_nms`: candidates kept for NMS, by score.
const MAX_NMS: usize = 30000;

pub fn yolo_pose(model: &Path, out: &Tensor, p: &YoloParams) -> InferenceResult<Vec<Vec<Pose>>> {
    let channels = 4 + p.classes + 3 * p.keypoints;
    let expected = format!("[batch, {channels}, anchors]");
    expect_rank(model, out, 3, &expected)?;
    if out.shape[1] != channels {
        return Err(InferenceError::tensor(
            model,
            &out.name,
            expected,
            out.shape_text(),
        ));
    }
    let (b, anchors) = (out.shape[0], out.shape[2]);
    let mut all = Vec::with_capacity(b);
    for bi in 0..b {
        let base = bi * channels * anchors;
        let at = |c: usize, a: usize| out.data[base + c * anchors + a];
        // (anchor, score, class)
        let mut cands: Vec<(usize, f32, usize)> = (0..anchors)
            .filter_map(|a| {
                let (mut best, mut cls) = (f32::NEG_INFINITY, 0);
                for c in 0..p.classes {
                    let v = at(4 + c, a);
                    if v > best {
                        best = v;
                        cls = c;
                    }
                }
                (best > p.conf).then_some((a, best, cls))
            })
            .collect();
        // torchvision's nms visits boxes by descending score (stable for ties).
        cands.sort_by(|l, r| r.1.total_cmp(&l.1));
        cands.truncate(MAX_NMS);
        let boxes: Vec<[f32; 4]> = cands
            .iter()
            .map(|&(a, _, cls)| {
                let (cx, cy, w, h) = (at(0, a), at(1, a), at(2, a), at(3, a));
                let off = cls as f32 * MAX_WH;
                [
                    cx - w / 2.0 + off,
                    cy - h / 2.0 + off,
                    cx + w / 2.0 + off,
                    cy + h / 2.0 + off,
                ]
            })
            .collect();
        let mut kept: Vec<usize> = Vec::new();
        let mut removed = vec![false; cands.len()];
        for i in 0..cands.len() {
            if removed[i] {
                continue;
            }
            kept.push(i);
            if kept.len() == p.max_det {
                break;
            }
            for j in i + 1..cands.len() {
                if !removed[j] && iou(&boxes[i], &boxes[j]) > p.iou {
                    removed[j] = true;
                }
            }
        }
        let poses = kept
            .into_iter()
            .map(|i| {
                let (a, score, cls) = cands[i];
                let off = cls as f32 * MAX_WH;
                let bx = boxes[i];
                let points = (0..p.keypoints)
                    .map(|k| {
                        let c = 4 + p.classes + 3 * k;
                        [at(c, a), at(c + 1, a), at(c + 2, a)]
                    })
                    .collect();
                Pose {
                    points,
                    score,
                    bbox: Some(BoxXyxy {
                        x1: bx[0] - off,
                        y1: bx[1] - off,
                        x2: bx[2] - off,
                        y2: bx[3] - off,
                    }),
                }
            })
            .collect();
        all.push(poses);
    }
    Ok(all)
}

/// Peaks decoded in the graph (sleap-nn): `peaks [B, K, 2]` and `peak_vals [B, K]`
/// give one pose per input, scored by the mean of its peaks' values where they have a
/// position; `peaks [B, M, K, 2]` and `peak_vals [B, M, K]` give up to M, those marked
/// valid in `instance_valid [B, M]` (every one with a position without it), scored by
/// `instance_scores [B, M]` where given.
pub fn peaks(
    model: &Path,
    peaks: &Tensor,
    vals: &Tensor,
    valid: Option<&Tensor>,
    scores: Option<&Tensor>,
    keypoints: usize,
) -> InferenceResult<Vec<Vec<Pose>>> {
    let rank = peaks.shape.len();
    let expected = format!("[batch, {keypoints}, 2] or [batch, instances, {keypoints}, 2]");
    let shape_ok = (rank == 3 || rank == 4)
        && peaks.shape[rank - 1] == 2
        && peaks.shape[rank - 2] == keypoints
        && peaks.data.len() == peaks.shape.iter().product::<usize>();
    if !shape_ok {
        return Err(InferenceError::tensor(
            model,
            &peaks.name,
            expected,
            peaks.shape_text(),
        ));
    }
    let lead = &peaks.shape[..rank - 1];
    if vals.shape != lead || vals.data.len() != lead.iter().product::<usize>() {
        return Err(InferenceError::tensor(
            model,
            &vals.name,
            format!("{lead:?}"),
            vals.shape_text(),
        ));
    }
    let b = peaks.shape[0];
    let m = if rank == 4 { peaks.shape[1] } else { 1 };
    for t in [valid, scores].into_iter().flatten() {
        if t.shape != [b, m] || t.data.len() != b * m {
            return Err(InferenceError::tensor(
                model,
                &t.name,
                format!("[{b}, {m}]"),
                t.shape_text(),
            ));
        }
    }
    let mut all = Vec::with_capacity(b);
    for bi in 0..b {
        let mut poses = Vec::new();
        for mi in 0..m {
            let instance = bi * m + mi;
            let points: Vec<[f32; 3]> = (0..keypoints)
                .map(|k| {
                    let at = instance * keypoints + k;
                    [peaks.data[at * 2], peaks.data[at * 2 + 1], vals.data[at]]
                })
                .collect();
            let has_points = points.iter().any(|p| !p[0].is_nan());
            let marked = valid.map_or(has_points || rank == 3, |v| v.data[instance] != 0.0);
            if !marked {
                continue;
            }
            let mut pose = Pose::of_points(points);
            pose.score = match scores {
                Some(s) => s.data[instance],
                None => mean_of_placed(&pose.points),
            };
            poses.push(pose);
        }
        all.push(poses);
    }
    Ok(all)
}

/// The mean value of the points that have a position (sleap-nn's instance score).
fn mean_of_placed(points: &[[f32; 3]]) -> f32 {
    let placed: Vec<f32> = points
        .iter()
        .filter(|p| !p[0].is_nan())
        .map(|p| p[2])
        .collect();
    if placed.is_empty() {
        0.0
    } else {
        placed.iter().sum::<f32>() / placed.len() as f32
    }
}

/// Intersection over union of two `xyxy` boxes (torchvision's `box_iou`).
fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let area = |r: &[f32; 4]| (r[2] - r[0]) * (r[3] - r[1]);
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = w * h;
    inter / (area(a) + area(b) - inter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tensor(name: &str, shape: &[usize], data: Vec<f32>) -> Tensor {
        Tensor {
            name: name.into(),
            shape: shape.to_vec(),
            data,
        }
    }

    #[test]
    fn dlc_heatmap_peak_and_locref() {
        // 2 keypoints on a 4×4 map of a 32×32 input: stride 8.
        let mut hm = vec![0.0; 2 * 16];
        hm[2 * 4 + 1] = 0.9; // kp0 at row 2, col 1
        hm[16 + 3] = 0.7; // kp1 at row 0, col 3
        let mut lr = vec![0.0; 4 * 16];
        lr[2 * 4 + 1] = 0.5; // kp0 dx
        lr[16 + 2 * 4 + 1] = -1.0; // kp0 dy
        let poses = heatmaps(
            Path::new("m.onnx"),
            &tensor("heatmap", &[1, 2, 4, 4], hm),
            Some(&tensor("locref", &[1, 4, 4, 4], lr)),
            HeatmapDecode::Dlc {
                locref_stdev: 2.0,
                sigmoid: false,
            },
            2,
            (32, 32),
        )
        .unwrap();
        assert_eq!(poses[0].points[0], [8.0 + 4.0 + 1.0, 16.0 + 4.0 - 2.0, 0.9]);
        assert_eq!(poses[0].points[1], [24.0 + 4.0, 4.0, 0.7]);
    }

    #[test]
    fn wrong_shapes_name_the_tensor() {
        let err = heatmaps(
            Path::new("m.onnx"),
            &tensor("heatmap", &[1, 3, 4, 4], vec![0.0; 48]),
            None,
            HeatmapDecode::Msra,
            2,
            (32, 32),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("'heatmap'")
                && err.contains("[batch, 2, height, width]")
                && err.contains("[1, 3, 4, 4]"),
            "{err}"
        );
    }

    #[test]
    fn nms_keeps_the_best_of_overlapping_boxes() {
        // 1 class, 1 keypoint: channels 4 + 1 + 3 = 8; 3 anchors.
        let anchors = 3;
        let mut d = vec![0.0; 8 * anchors];
        let mut set = |c: usize, a: usize, v: f32| d[c * anchors + a] = v;
        for (a, (cx, score)) in [(10.0, 0.9), (11.0, 0.8), (50.0, 0.3)]
            .into_iter()
            .enumerate()
        {
            set(0, a, cx);
            set(1, a, 10.0);
            set(2, a, 10.0);
            set(3, a, 10.0);
            set(4, a, score);
            set(5, a, cx);
            set(6, a, 5.0);
            set(7, a, 0.99);
        }
        let params = YoloParams {
            classes: 1,
            conf: 0.25,
            iou: 0.7,
            max_det: 300,
            keypoints: 1,
        };
        let poses = yolo_pose(
            Path::new("m.onnx"),
            &tensor("output0", &[1, 8, 3], d),
            &params,
        )
        .unwrap();
        let scores: Vec<f32> = poses[0].iter().map(|p| p.score).collect();
        assert_eq!(scores, vec![0.9, 0.3]);
        assert_eq!(poses[0][0].points[0], [10.0, 5.0, 0.99]);
    }
}
