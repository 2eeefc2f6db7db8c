//! A model's spec: how to feed its input and read its outputs. It is written beside
//! the model as `<model>.json` (or `model.json` in the model's folder) when Kinelab
//! recognises the family and the user confirms it, and can be written by hand for a
//! model Kinelab does not recognise.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{InferenceError, InferenceResult};

/// The tool whose export the model is; each decodes its outputs its own way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Ultralytics YOLOv8 / YOLO11 pose (`yolo export format=onnx`).
    UltralyticsPose,
    /// RTMPose (mmdeploy `end2end.onnx`): SimCC x/y vectors from a box's crop.
    Rtmpose,
    /// DeepLabCut-style heatmaps with optional location refinement.
    DlcHeatmap,
    /// MMPose-style heatmaps (argmax with quarter-pixel refinement).
    MmposeHeatmap,
    /// sleap-nn exports (`sleap-nn export --format onnx`): the frame in as bytes, peaks
    /// decoded in the graph.
    SleapNn,
    /// An Ultralytics YOLO detector (`task: detect`): boxes for a top-down model.
    UltralyticsDetect,
    /// Lightning Pose exports (`litpose export --runtime onnx`): `images` in,
    /// `heatmaps` out, decoded by its subpixel soft-argmax.
    LightningPose,
}

impl Family {
    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            Family::UltralyticsPose => "Ultralytics YOLO pose",
            Family::Rtmpose => "RTMPose (SimCC)",
            Family::DlcHeatmap => "DeepLabCut heatmaps",
            Family::MmposeHeatmap => "MMPose heatmaps",
            Family::SleapNn => "SLEAP (sleap-nn export)",
            Family::UltralyticsDetect => "Ultralytics YOLO detector (boxes)",
            Family::LightningPose => "Lightning Pose heatmaps",
        }
    }
}

/// Memory order of the input tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// `[batch, 3, height, width]`
    Nchw,
    /// `[batch, height, width, 3]`
    Nhwc,
}

/// The input tensor's element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Element {
    F32,
    /// Half precision (Lightning Pose's default export): the normalised values rounded
    /// to the nearest `f16`.
    F16,
    /// Raw bytes 0–255 (sleap-nn exports normalise inside the graph).
    U8,
}

/// Channel order the model was trained on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColourOrder {
    Rgb,
    Bgr,
}

/// How a frame becomes the model's input size.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Resize {
    /// Scale to fit, keeping the aspect ratio, centred, padded with `pad` (0–255) on
    /// every channel (Ultralytics: 114).
    Letterbox { pad: f32 },
    /// Scale each axis to the input size (aspect ratio not kept).
    Stretch,
    /// Top-down: an affine crop around a box enlarged by `padding` (RTMPose: 1.25),
    /// widened to the input's aspect ratio; outside the frame is 0.
    Crop { padding: f32 },
    /// The frame as it is, at its own size (sleap-nn exports scale inside the graph).
    Native,
}

/// The input tensor: name, layout, size, element type and how pixels become values:
/// `value = (pixel − mean) / std` per channel, with pixels 0–255 in the spec's colour
/// order (Ultralytics: mean 0, std 255; ImageNet on 0–255: 123.675/58.395, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputSpec {
    pub name: String,
    pub layout: Layout,
    /// The input's size; 0 with `Native` resizing: the frame's.
    pub width: u32,
    pub height: u32,
    /// 3 (colour) or 1 (grey: luma, 0.299 R + 0.587 G + 0.114 B).
    #[serde(default = "three")]
    pub channels: u32,
    pub element: Element,
    pub colour: ColourOrder,
    pub resize: Resize,
    pub mean: [f32; 3],
    pub std: [f32; 3],
}

/// How heatmap peaks become coordinates in the model's input.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum HeatmapDecode {
    /// DeepLabCut: argmax (row, col), then `x = col·stride + stride/2 + dx·locref_stdev`
    /// with `dx`, `dy` from the location refinement maps (channels 2k, 2k+1) where the
    /// model has them; the score is the heatmap's value there (after a sigmoid when
    /// `sigmoid`).
    Dlc { locref_stdev: f32, sigmoid: bool },
    /// MMPose MSRA: argmax, moved a quarter pixel toward the higher neighbour on each
    /// axis, then scaled by input size ÷ heatmap size.
    Msra,
    /// Lightning Pose's `run_subpixelmaxima`: the heatmaps upsampled ×2 (bicubic, then
    /// a 5×5 Gaussian) until they are the input's size, a spatial softmax at
    /// `temperature`, its expectation as the position, less Lightning Pose's grid
    /// offset; the score is the softmax's mass within 2 pixels of the position.
    SoftArgmax { temperature: f32 },
}

/// The model's outputs and how to decode them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum OutputSpec {
    /// `heatmap [B, K, h, w]`, with `locref [B, 2K, h, w]` for DeepLabCut models that
    /// have it.
    Heatmap {
        heatmap: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        locref: Option<String>,
        decode: HeatmapDecode,
    },
    /// RTMPose: `simcc_x [B, K, W·r]`, `simcc_y [B, K, H·r]`, argmax ÷ `split_ratio`;
    /// the score is the smaller of the two maxima.
    Simcc {
        x: String,
        y: String,
        split_ratio: f32,
    },
    /// Peaks found in the graph, in the input's pixels (sleap-nn): `peaks [B, K, 2]`
    /// and `peak_vals [B, K]` for one animal, or `[B, M, K, 2]` and `[B, M, K]` for up
    /// to M, with `instance_valid [B, M]` and the instances' scores where the model has
    /// them.
    Peaks {
        peaks: String,
        peak_vals: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instance_valid: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instance_scores: Option<String>,
    },
    /// An Ultralytics detector: `[1, 4 + classes, anchors]`, decoded as `YoloPose`
    /// without keypoints: boxes only.
    YoloDetect {
        output: String,
        classes: usize,
        conf: f32,
        iou: f32,
        max_det: usize,
    },
    /// Ultralytics: `[1, 4 + classes + 3K, anchors]` (box centre and size, class
    /// scores, then x, y, visibility per keypoint), filtered by `conf`, class-aware NMS
    /// at `iou`, at most `max_det`.
    YoloPose {
        output: String,
        classes: usize,
        conf: f32,
        iou: f32,
        max_det: usize,
    },
}

/// A model's spec.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    pub family: Family,
    pub input: InputSpec,
    pub output: OutputSpec,
    /// The model's keypoint names, in output order.
    pub keypoints: Vec<String>,
    /// The project keypoint each model keypoint fills, where the names differ; a model
    /// keypoint with no entry fills the project keypoint of its own name, if any, and
    /// an entry mapped to "" is dropped.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keypoint_map: BTreeMap<String, String>,
    /// Largest batch the model takes (1 where its batch dimension is fixed).
    #[serde(default = "one")]
    pub max_batch: usize,
}

fn one() -> usize {
    1
}

fn three() -> u32 {
    3
}

impl ModelSpec {
    /// The project keypoint a model keypoint fills: its mapping, else its own name;
    /// `None` when it is mapped to nothing.
    pub fn project_keypoint<'a>(&'a self, model_keypoint: &'a str) -> Option<&'a str> {
        match self.keypoint_map.get(model_keypoint) {
            Some(target) if target.is_empty() => None,
            Some(target) => Some(target),
            None => Some(model_keypoint),
        }
    }

    /// Whether the model gives boxes only (for a top-down model).
    pub fn is_detector(&self) -> bool {
        matches!(self.output, OutputSpec::YoloDetect { .. })
    }

    /// Whether the model needs a box per animal (top-down).
    pub fn is_top_down(&self) -> bool {
        matches!(self.input.resize, Resize::Crop { .. })
    }

    /// Reads a spec, naming the file and the field at fault.
    pub fn read(path: &Path) -> InferenceResult<Self> {
        let text =
            std::fs::read_to_string(path).map_err(|e| InferenceError::spec(path, e.to_string()))?;
        let spec: ModelSpec = serde_json::from_str(&text)
            .map_err(|e| InferenceError::spec(path, format!("not a model spec: {e}")))?;
        spec.validate(path)?;
        Ok(spec)
    }

    /// Writes the spec atomically (pretty JSON, so people can edit it).
    pub fn write(&self, path: &Path) -> InferenceResult<()> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| InferenceError::spec(path, e.to_string()))?;
        text.push('\n');
        crate::util::atomic_file::write_bytes_atomically(path, text.as_bytes())
            .map(|_| ())
            .map_err(|e| InferenceError::spec(path, e.to_string()))
    }

    /// Checks the values no model could use.
    pub fn validate(&self, path: &Path) -> InferenceResult<()> {
        let bad = |why: String| Err(InferenceError::spec(path, why));
        let i = &self.input;
        let native = i.resize == Resize::Native;
        let zero = i.width == 0 || i.height == 0;
        if (zero && !native) || i.width > 16384 || i.height > 16384 {
            return bad(format!("input size {}×{} is not usable", i.width, i.height));
        }
        if i.channels != 1 && i.channels != 3 {
            return bad(format!(
                "input.channels is {}: 1 (grey) or 3 (colour)",
                i.channels
            ));
        }
        if i.std.iter().any(|s| !s.is_finite() || *s == 0.0) {
            return bad("input.std has a zero or non-finite value".into());
        }
        if self.keypoints.is_empty() && !self.is_detector() {
            return bad(
                "keypoints is empty: list the model's keypoint names in output order".into(),
            );
        }
        if self.max_batch == 0 {
            return bad("max_batch is 0".into());
        }
        if let Resize::Crop { padding } = i.resize
            && !(padding.is_finite() && padding > 0.0)
        {
            return bad(format!("resize.padding {padding} is not a positive number"));
        }
        if let OutputSpec::Heatmap {
            decode: HeatmapDecode::SoftArgmax { temperature },
            ..
        } = self.output
            && !(temperature.is_finite() && temperature > 0.0)
        {
            return bad(format!(
                "output.decode.temperature {temperature} is not a positive number"
            ));
        }
        if let OutputSpec::Simcc { split_ratio, .. } = self.output
            && !(split_ratio.is_finite() && split_ratio > 0.0)
        {
            return bad(format!(
                "output.split_ratio {split_ratio} is not a positive number"
            ));
        }
        Ok(())
    }
}

/// Where a model's spec is looked for: `<model stem>.json` beside it, then
/// `model.json` in its folder.
pub fn spec_candidates(model: &Path) -> [PathBuf; 2] {
    [
        model.with_extension("json"),
        model.parent().unwrap_or(Path::new(".")).join("model.json"),
    ]
}

/// The spec written beside the model, if there is one.
pub fn find_spec(model: &Path) -> Option<PathBuf> {
    spec_candidates(model).into_iter().find(|p| p.is_file())
}
