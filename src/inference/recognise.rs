//! Which tool exported a model, from its tensor names, shapes and metadata, and the
//! spec that tool's own inference code implies. What cannot be recognised gets a
//! message that says which spec fields to write.

use std::collections::BTreeMap;
use std::path::Path;

use super::error::{InferenceError, InferenceResult};
use super::spec::{
    ColourOrder, Element, Family, HeatmapDecode, InputSpec, Layout, ModelSpec, OutputSpec, Resize,
};

/// One input or output as the model declares it: dimensions are `None` where dynamic.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorInfo {
    pub name: String,
    pub dims: Vec<Option<usize>>,
    /// ONNX Runtime's element type name (`f32`, `u8`, ...).
    pub element: String,
}

impl TensorInfo {
    pub fn dims_text(&self) -> String {
        let dims: Vec<String> = self
            .dims
            .iter()
            .map(|d| d.map_or("?".to_owned(), |v| v.to_string()))
            .collect();
        format!("[{}]", dims.join(", "))
    }
}

/// What Kinelab reads of a model to recognise it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelFacts {
    pub inputs: Vec<TensorInfo>,
    pub outputs: Vec<TensorInfo>,
    pub metadata: BTreeMap<String, String>,
}

/// COCO's 17 person keypoints, the order Ultralytics' pretrained pose models use.
pub const COCO_KEYPOINTS: [&str; 17] = [
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
];

/// DeepLabCut's default location refinement scale.
pub const DLC_LOCREF_STDEV: f32 = 7.2801;

/// ImageNet mean and std on 0–255 pixels (MMPose's and DeepLabCut's normalisation).
const IMAGENET_MEAN: [f32; 3] = [123.675, 116.28, 103.53];
const IMAGENET_STD: [f32; 3] = [58.395, 57.12, 57.375];

/// The soft-argmax temperature of Lightning Pose's heatmap head.
pub const LIGHTNING_POSE_TEMPERATURE: f32 = 1000.0;

/// The spec fields to write by hand, for messages.
pub const SPEC_FIELDS_HELP: &str = "write a spec beside the model (<model>.json) with: family \
(ultralytics-pose, rtmpose, dlc-heatmap, mmpose-heatmap, lightning-pose), input {name, layout \
nchw|nhwc, width, height, element f32|f16|u8, colour rgb|bgr, resize {kind: letterbox|stretch|crop}, mean, \
std}, output {kind: heatmap|simcc|yolo-pose and its tensor names}, keypoints [names in output \
order]";

fn generic_names(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("kp{i}")).collect()
}

/// Parses a Python list of ints as Ultralytics writes metadata: `[17, 3]`.
fn python_ints(text: &str) -> Vec<usize> {
    text.trim_matches(|c| c == '[' || c == ']' || c == '(' || c == ')')
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// Counts a Python dict's entries as Ultralytics writes `names`: `{0: 'person'}`.
fn python_dict_len(text: &str) -> usize {
    let inner = text
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim();
    if inner.is_empty() {
        0
    } else {
        inner.split(", ").filter(|s| s.contains(':')).count().max(1)
    }
}

/// How many classes an Ultralytics model names (`{0: 'person'}`), at least one.
fn ultralytics_classes(facts: &ModelFacts) -> usize {
    facts
        .metadata
        .get("names")
        .map(|n| python_dict_len(n))
        .filter(|&n| n > 0)
        .unwrap_or(1)
}

/// The input's fixed `[N, 3, H, W]` or `[N, H, W, 3]` size and layout.
fn image_input(model: &Path, input: &TensorInfo) -> InferenceResult<(Layout, u32, u32)> {
    let d = &input.dims;
    let expected = "rank 4: [batch, 3, height, width] or [batch, height, width, 3]";
    if d.len() != 4 {
        return Err(InferenceError::tensor(
            model,
            &input.name,
            expected,
            input.dims_text(),
        ));
    }
    let (layout, h, w) = match (d[1], d[3]) {
        (Some(3), _) => (Layout::Nchw, d[2], d[3]),
        (_, Some(3)) => (Layout::Nhwc, d[1], d[2]),
        _ => {
            return Err(InferenceError::tensor(
                model,
                &input.name,
                expected,
                input.dims_text(),
            ));
        }
    };
    match (w, h) {
        (Some(w), Some(h)) if w > 0 && h > 0 => Ok((layout, w as u32, h as u32)),
        _ => Err(InferenceError::spec(
            model,
            format!(
                "input '{}' {} has no fixed size: write input.width and input.height in a spec \
                 beside the model",
                input.name,
                input.dims_text()
            ),
        )),
    }
}

fn max_batch(input: &TensorInfo) -> usize {
    match input.dims.first() {
        Some(Some(n)) => (*n).max(1),
        _ => 16,
    }
}

/// Recognises the family and writes the spec its tool implies.
pub fn recognise(model: &Path, facts: &ModelFacts) -> InferenceResult<ModelSpec> {
    let unrecognised = |why: String| {
        InferenceError::spec(
            model,
            format!("not a model family Kinelab knows ({why}); {SPEC_FIELDS_HELP}"),
        )
    };
    let Some(input) = facts.inputs.first() else {
        return Err(unrecognised("it has no inputs".into()));
    };
    if facts.inputs.len() != 1 {
        return Err(unrecognised(format!(
            "it has {} inputs, not one image",
            facts.inputs.len()
        )));
    }
    let output = |name: &str| facts.outputs.iter().find(|o| o.name == name);
    if let Some(meta) = facts.metadata.get("sleap_nn_metadata") {
        return sleap_nn(model, facts, input, meta);
    }
    let lightning_pose = input.name == "images"
        && matches!(facts.outputs.as_slice(), [only] if only.name == "heatmaps");
    if lightning_pose && input.dims.len() == 5 {
        return Err(InferenceError::spec(
            model,
            format!(
                "a Lightning Pose context (MHCRNN) or multiview export: its input '{}' {} \
                 takes several frames or views at once; Kinelab runs single-frame, \
                 single-view exports",
                input.name,
                input.dims_text()
            ),
        ));
    }
    let (layout, width, height) = image_input(model, input)?;
    let element = match input.element.as_str() {
        "u8" => Element::U8,
        "f16" => Element::F16,
        _ => Element::F32,
    };
    let base_input = |resize, mean, std, colour| InputSpec {
        name: input.name.clone(),
        layout,
        width,
        height,
        channels: 3,
        element,
        colour,
        resize,
        mean,
        std,
    };

    // Ultralytics: kpt_shape in the metadata, one [1, 4 + nc + 3K, anchors] output.
    if let Some(kpt) = facts.metadata.get("kpt_shape") {
        let kpt = python_ints(kpt);
        let out = facts
            .outputs
            .first()
            .ok_or_else(|| unrecognised("no outputs".into()))?;
        let (k, dims) = match kpt[..] {
            [k, d] => (k, d),
            _ => return Err(unrecognised(format!("kpt_shape '{kpt:?}' is not [K, 2|3]"))),
        };
        if dims != 3 {
            return Err(unrecognised(format!(
                "keypoints without visibility (kpt_shape [{k}, {dims}])"
            )));
        }
        let classes = ultralytics_classes(facts);
        let channels = 4 + classes + 3 * k;
        if out.dims.len() != 3 || out.dims[1] != Some(channels) {
            return Err(InferenceError::tensor(
                model,
                &out.name,
                format!("[batch, {channels}, anchors] (4 + {classes} classes + 3×{k} keypoints)"),
                out.dims_text(),
            ));
        }
        let keypoints = if k == COCO_KEYPOINTS.len() {
            COCO_KEYPOINTS.iter().map(|s| (*s).to_owned()).collect()
        } else {
            generic_names(k)
        };
        return Ok(ModelSpec {
            family: Family::UltralyticsPose,
            input: base_input(
                Resize::Letterbox { pad: 114.0 },
                [0.0; 3],
                [255.0; 3],
                ColourOrder::Rgb,
            ),
            output: OutputSpec::YoloPose {
                output: out.name.clone(),
                classes,
                conf: 0.25,
                iou: 0.7,
                max_det: 300,
            },
            keypoints,
            keypoint_map: BTreeMap::new(),
            max_batch: max_batch(input),
        });
    }

    // An Ultralytics detector: task "detect", one [1, 4 + nc, anchors] output.
    if facts.metadata.get("task").is_some_and(|t| t == "detect") {
        let out = facts
            .outputs
            .first()
            .ok_or_else(|| unrecognised("no outputs".into()))?;
        let classes = ultralytics_classes(facts);
        if out.dims.len() != 3 || out.dims[1] != Some(4 + classes) {
            return Err(InferenceError::tensor(
                model,
                &out.name,
                format!("[batch, {}, anchors] (4 + {classes} classes)", 4 + classes),
                out.dims_text(),
            ));
        }
        return Ok(ModelSpec {
            family: Family::UltralyticsDetect,
            input: base_input(
                Resize::Letterbox { pad: 114.0 },
                [0.0; 3],
                [255.0; 3],
                ColourOrder::Rgb,
            ),
            output: OutputSpec::YoloDetect {
                output: out.name.clone(),
                classes,
                conf: 0.25,
                iou: 0.7,
                max_det: 300,
            },
            keypoints: Vec::new(),
            keypoint_map: BTreeMap::new(),
            max_batch: max_batch(input),
        });
    }

    // RTMPose (mmdeploy end2end.onnx): simcc_x and simcc_y.
    if let (Some(x), Some(y)) = (output("simcc_x"), output("simcc_y")) {
        let k = match (x.dims.get(1), x.dims.get(2)) {
            (Some(Some(k)), Some(Some(_))) if x.dims.len() == 3 => *k,
            _ => {
                return Err(InferenceError::tensor(
                    model,
                    &x.name,
                    "[batch, keypoints, bins]",
                    x.dims_text(),
                ));
            }
        };
        let bins = x.dims[2].unwrap_or(0);
        let split_ratio = bins as f32 / width as f32;
        return Ok(ModelSpec {
            family: Family::Rtmpose,
            input: base_input(
                Resize::Crop { padding: 1.25 },
                IMAGENET_MEAN,
                IMAGENET_STD,
                ColourOrder::Rgb,
            ),
            output: OutputSpec::Simcc {
                x: x.name.clone(),
                y: y.name.clone(),
                split_ratio,
            },
            keypoints: generic_names(k),
            keypoint_map: BTreeMap::new(),
            max_batch: max_batch(input),
        });
    }

    // Lightning Pose: `images` in, `heatmaps [B, K, H/2ⁿ, W/2ⁿ]` out (already a
    // spatial softmax), resized by stretching with ImageNet normalisation as its
    // `predict_frame` does; keypoint names from the model folder's config.yaml.
    if lightning_pose && let [heat] = facts.outputs.as_slice() {
        let k = match heat.dims[..] {
            [_, Some(k), Some(_), Some(_)] => k,
            _ => {
                return Err(InferenceError::tensor(
                    model,
                    &heat.name,
                    "[batch, keypoints, height, width]",
                    heat.dims_text(),
                ));
            }
        };
        return Ok(ModelSpec {
            family: Family::LightningPose,
            input: base_input(
                Resize::Stretch,
                IMAGENET_MEAN,
                IMAGENET_STD,
                ColourOrder::Rgb,
            ),
            output: OutputSpec::Heatmap {
                heatmap: heat.name.clone(),
                locref: None,
                decode: HeatmapDecode::SoftArgmax {
                    temperature: LIGHTNING_POSE_TEMPERATURE,
                },
            },
            keypoints: lightning_pose_keypoints(model, k).unwrap_or_else(|| generic_names(k)),
            keypoint_map: BTreeMap::new(),
            max_batch: max_batch(input),
        });
    }

    // Heatmaps: DeepLabCut names them heatmap(s) (+ locref); mmdeploy's top-down
    // heatmap models have one output named "output".
    let rank4: Vec<&TensorInfo> = facts.outputs.iter().filter(|o| o.dims.len() == 4).collect();
    let heat = rank4
        .iter()
        .find(|o| o.name.to_lowercase().contains("heatmap"))
        .copied();
    if let Some(heat) = heat {
        let k = heat.dims[1]
            .ok_or_else(|| unrecognised(format!("'{}' has no fixed keypoint count", heat.name)))?;
        let locref = rank4
            .iter()
            .find(|o| o.name.to_lowercase().contains("locref"));
        return Ok(ModelSpec {
            family: Family::DlcHeatmap,
            input: base_input(
                Resize::Stretch,
                IMAGENET_MEAN,
                IMAGENET_STD,
                ColourOrder::Rgb,
            ),
            output: OutputSpec::Heatmap {
                heatmap: heat.name.clone(),
                locref: locref.map(|l| l.name.clone()),
                decode: HeatmapDecode::Dlc {
                    locref_stdev: DLC_LOCREF_STDEV,
                    sigmoid: true,
                },
            },
            keypoints: generic_names(k),
            keypoint_map: BTreeMap::new(),
            max_batch: max_batch(input),
        });
    }
    if let [only] = facts.outputs.as_slice()
        && only.name == "output"
        && only.dims.len() == 4
        && let Some(k) = only.dims[1]
    {
        return Ok(ModelSpec {
            family: Family::MmposeHeatmap,
            input: base_input(
                Resize::Crop { padding: 1.25 },
                IMAGENET_MEAN,
                IMAGENET_STD,
                ColourOrder::Rgb,
            ),
            output: OutputSpec::Heatmap {
                heatmap: only.name.clone(),
                locref: None,
                decode: HeatmapDecode::Msra,
            },
            keypoints: generic_names(k),
            keypoint_map: BTreeMap::new(),
            max_batch: max_batch(input),
        });
    }
    let outs: Vec<String> = facts
        .outputs
        .iter()
        .map(|o| format!("{} {}", o.name, o.dims_text()))
        .collect();
    Err(unrecognised(format!("outputs: {}", outs.join(", "))))
}

/// Lightning Pose keeps a model's `config.yaml` in the model folder, and its ONNX
/// exports in `exports_onnx/` below it: the keypoint names are `data.keypoint_names`
/// there, when there are `k` of them.
fn lightning_pose_keypoints(model: &Path, k: usize) -> Option<Vec<String>> {
    let folder = model.parent()?;
    let config = [
        folder.join("config.yaml"),
        folder.parent()?.join("config.yaml"),
    ]
    .into_iter()
    .find(|p| p.is_file())?;
    let text = std::fs::read_to_string(config).ok()?;
    let yaml: serde_norway::Value = serde_norway::from_str(&text).ok()?;
    let names: Vec<String> = yaml
        .get("data")?
        .get("keypoint_names")?
        .as_sequence()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect::<Option<_>>()?;
    (names.len() == k).then_some(names)
}

/// A sleap-nn export: its `sleap_nn_metadata` (model type, node names, channels) and
/// its `peaks`/`peak_vals` outputs; the frame goes in as bytes at its own size.
fn sleap_nn(
    model: &Path,
    facts: &ModelFacts,
    input: &TensorInfo,
    meta: &str,
) -> InferenceResult<ModelSpec> {
    let bad = |why: String| InferenceError::spec(model, format!("sleap_nn_metadata: {why}"));
    let meta: serde_json::Value =
        serde_json::from_str(meta).map_err(|e| bad(format!("not JSON ({e})")))?;
    let model_type = meta["model_type"].as_str().unwrap_or_default();
    if model_type.contains("bottomup") {
        return Err(bad(format!(
            "a {model_type} export groups its peaks with part affinity fields outside the \
             model, which Kinelab does not do yet; export a single-instance or top-down model"
        )));
    }
    let keypoints: Vec<String> = meta["node_names"]
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if keypoints.is_empty() {
        return Err(bad("no node_names".into()));
    }
    let channels = meta["input_channels"].as_u64().unwrap_or(3) as u32;
    let has = |name: &str| facts.outputs.iter().any(|o| o.name == name);
    for needed in ["peaks", "peak_vals"] {
        if !has(needed) {
            return Err(bad(format!("the model has no '{needed}' output")));
        }
    }
    if input.dims.len() != 4 {
        let expected = format!("[batch, {channels}, height, width]");
        return Err(InferenceError::tensor(
            model,
            &input.name,
            expected,
            input.dims_text(),
        ));
    }
    let fixed = |d: Option<usize>| d.map_or(0, |v| v as u32);
    let (height, width) = (fixed(input.dims[2]), fixed(input.dims[3]));
    let batch = meta["max_batch_size"].as_u64().unwrap_or(1).max(1) as usize;
    Ok(ModelSpec {
        family: Family::SleapNn,
        input: InputSpec {
            name: input.name.clone(),
            layout: Layout::Nchw,
            width,
            height,
            channels,
            element: Element::U8,
            colour: ColourOrder::Rgb,
            resize: Resize::Native,
            mean: [0.0; 3],
            std: [1.0; 3],
        },
        output: OutputSpec::Peaks {
            peaks: "peaks".into(),
            peak_vals: "peak_vals".into(),
            instance_valid: has("instance_valid").then(|| "instance_valid".into()),
            instance_scores: has("centroid_vals").then(|| "centroid_vals".into()),
        },
        keypoints,
        keypoint_map: BTreeMap::new(),
        max_batch: match input.dims.first() {
            Some(Some(n)) => (*n).max(1),
            _ => batch,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str, dims: &[Option<usize>]) -> TensorInfo {
        TensorInfo {
            name: name.into(),
            dims: dims.to_vec(),
            element: "f32".into(),
        }
    }

    #[test]
    fn ultralytics_metadata_and_shapes() {
        let mut metadata = BTreeMap::new();
        metadata.insert("kpt_shape".into(), "[17, 3]".into());
        metadata.insert("names".into(), "{0: 'person'}".into());
        let facts = ModelFacts {
            inputs: vec![info("images", &[Some(1), Some(3), Some(640), Some(640)])],
            outputs: vec![info("output0", &[Some(1), Some(56), Some(8400)])],
            metadata,
        };
        let spec = recognise(Path::new("yolo.onnx"), &facts).unwrap();
        assert_eq!(spec.family, Family::UltralyticsPose);
        assert_eq!(spec.keypoints[0], "nose");
        assert_eq!(spec.input.resize, Resize::Letterbox { pad: 114.0 });
        assert_eq!(spec.max_batch, 1);
    }

    #[test]
    fn rtmpose_and_dlc_and_unknown() {
        let facts = ModelFacts {
            inputs: vec![info("input", &[None, Some(3), Some(256), Some(192)])],
            outputs: vec![
                info("simcc_x", &[None, Some(17), Some(384)]),
                info("simcc_y", &[None, Some(17), Some(512)]),
            ],
            metadata: BTreeMap::new(),
        };
        let spec = recognise(Path::new("rtm.onnx"), &facts).unwrap();
        assert_eq!(spec.family, Family::Rtmpose);
        assert_eq!(
            spec.output,
            OutputSpec::Simcc {
                x: "simcc_x".into(),
                y: "simcc_y".into(),
                split_ratio: 2.0
            }
        );

        let facts = ModelFacts {
            inputs: vec![info("image", &[None, Some(3), Some(256), Some(256)])],
            outputs: vec![
                info("heatmap", &[None, Some(4), Some(32), Some(32)]),
                info("locref", &[None, Some(8), Some(32), Some(32)]),
            ],
            metadata: BTreeMap::new(),
        };
        let spec = recognise(Path::new("dlc.onnx"), &facts).unwrap();
        assert_eq!(spec.family, Family::DlcHeatmap);
        assert_eq!(spec.keypoints.len(), 4);

        let facts = ModelFacts {
            inputs: vec![info("x", &[Some(1), Some(3), Some(64), Some(64)])],
            outputs: vec![info("y", &[Some(1), Some(10)])],
            metadata: BTreeMap::new(),
        };
        let err = recognise(Path::new("odd.onnx"), &facts)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("odd.onnx") && err.contains("y [1, 10]") && err.contains("keypoints ["),
            "{err}"
        );
    }

    #[test]
    fn lightning_pose_exports_and_their_context_models() {
        let facts = ModelFacts {
            inputs: vec![TensorInfo {
                element: "f16".into(),
                ..info("images", &[None, Some(3), Some(256), Some(192)])
            }],
            outputs: vec![info("heatmaps", &[None, Some(6), Some(64), Some(48)])],
            metadata: BTreeMap::new(),
        };
        let spec = recognise(Path::new("m_fp16.onnx"), &facts).unwrap();
        assert_eq!(spec.family, Family::LightningPose);
        assert_eq!(spec.input.element, Element::F16);
        assert_eq!(spec.input.resize, Resize::Stretch);
        assert_eq!(spec.keypoints.len(), 6);

        let mut context = facts.clone();
        context.inputs[0].dims = vec![Some(1), Some(5), Some(3), Some(256), Some(192)];
        let err = recognise(Path::new("ctx.onnx"), &context)
            .unwrap_err()
            .to_string();
        assert!(err.contains("ctx.onnx") && err.contains("context"), "{err}");
    }
}
