//! A pose model ready to run: its ONNX Runtime session and its spec, checked against
//! each other when it is opened, with the spec recognised from the model when none is
//! given. `prepare` (frames to an input batch) and `run` (a batch to poses in frame
//! pixels) are separate so a pipeline can prepare the next batch while one runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::{TensorRef, ValueType};

use super::decode::{self, Pose, Tensor, YoloParams};
use super::error::{InferenceError, InferenceResult};
use super::onnx_file;
use super::preprocess::{self, BoxXyxy, InputMap, RgbFrame};
use super::providers::Provider;
use super::recognise::{self, ModelFacts, TensorInfo};
use super::runtime;
use super::spec::{Element, Family, Layout, ModelSpec, OutputSpec};

/// How a session runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionOptions {
    /// Threads for one operator (0: ONNX Runtime's default, one per core).
    pub intra_threads: usize,
    /// The execution provider asked for.
    pub provider: Provider,
    /// Let the operator threads spin between runs (lowest latency for suggestions);
    /// off for whole-video runs, where spinning threads take the cores that decode and
    /// prepare the next frames.
    pub no_spinning: bool,
}

/// Where a model's spec came from.
#[derive(Clone, Debug, PartialEq)]
pub enum SpecSource {
    /// A spec file (given, or found beside the model).
    File(PathBuf),
    /// Recognised from the model's tensors and metadata.
    Recognised,
    /// Given by the caller (the app's copy, with its keypoint map as edited).
    Given,
}

/// A model ready to run.
pub struct PoseModel {
    path: PathBuf,
    session: Session,
    /// The execution provider that runs it.
    provider: Provider,
    spec: ModelSpec,
    spec_source: SpecSource,
    facts: ModelFacts,
}

/// A batch of model inputs and their maps back to the frames.
pub struct Batch {
    values: BatchValues,
    pub maps: Vec<InputMap>,
    width: usize,
    height: usize,
    channels: usize,
}

enum BatchValues {
    F32(Vec<f32>),
    F16(Vec<half::f16>),
    U8(Vec<u8>),
}

impl Batch {
    pub fn len(&self) -> usize {
        self.maps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.maps.is_empty()
    }
}

fn tensor_info(name: &str, dtype: &ValueType) -> TensorInfo {
    let (dims, element) = match dtype {
        ValueType::Tensor { ty, shape, .. } => (
            shape
                .iter()
                .map(|&d| usize::try_from(d).ok().filter(|&d| d > 0))
                .collect(),
            ty.to_string(),
        ),
        other => (Vec::new(), format!("{other:?}")),
    };
    TensorInfo {
        name: name.to_owned(),
        dims,
        element,
    }
}

impl PoseModel {
    /// Opens a model: checks the file, loads ONNX Runtime, creates the session, and
    /// takes the spec given, else the one beside the model, else the recognised one.
    pub fn open(
        path: &Path,
        spec_path: Option<&Path>,
        options: &SessionOptions,
    ) -> InferenceResult<Self> {
        let onnx = onnx_file::inspect(path)?;
        let env = runtime::environment()?;
        let fail = |e: &dyn std::fmt::Display| {
            InferenceError::model(path, format!("ONNX Runtime refused it: {e}"))
        };
        let mut builder = Session::builder(&env).map_err(|e| fail(&e))?;
        builder = builder
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| fail(&e))?;
        if options.intra_threads > 0 {
            builder = builder
                .with_intra_threads(options.intra_threads)
                .map_err(|e| fail(&e))?;
        }
        if options.no_spinning {
            builder = builder
                .with_intra_op_spinning(false)
                .map_err(|e| fail(&e))?;
            builder = builder
                .with_inter_op_spinning(false)
                .map_err(|e| fail(&e))?;
        }
        let (mut builder, provider) = super::providers::register(builder, options.provider)
            .map_err(|why| InferenceError::model(path, why))?;
        let session = builder.commit_from_file(path).map_err(|e| fail(&e))?;
        let facts = ModelFacts {
            inputs: session
                .inputs()
                .iter()
                .map(|o| tensor_info(o.name(), o.dtype()))
                .collect(),
            outputs: session
                .outputs()
                .iter()
                .map(|o| tensor_info(o.name(), o.dtype()))
                .collect(),
            metadata: onnx.metadata,
        };
        let given = spec_path
            .map(Path::to_path_buf)
            .or_else(|| super::spec::find_spec(path));
        let (spec, spec_source) = match given {
            Some(file) => (ModelSpec::read(&file)?, SpecSource::File(file)),
            None => (recognise::recognise(path, &facts)?, SpecSource::Recognised),
        };
        check_spec(path, &spec, &facts)?;
        Ok(Self {
            path: path.to_owned(),
            session,
            provider,
            spec,
            spec_source,
            facts,
        })
    }

    /// The model with another spec (a keypoint map edited in the app), checked
    /// against the model as `open` checks one.
    pub fn with_spec(mut self, spec: ModelSpec) -> InferenceResult<Self> {
        spec.validate(&self.path)?;
        check_spec(&self.path, &spec, &self.facts)?;
        self.spec = spec;
        self.spec_source = SpecSource::Given;
        Ok(self)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The execution provider that runs the model.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    pub fn spec_source(&self) -> &SpecSource {
        &self.spec_source
    }

    pub fn facts(&self) -> &ModelFacts {
        &self.facts
    }

    /// The model's name: its file stem.
    pub fn name(&self) -> String {
        self.path
            .file_stem()
            .map_or_else(|| "model".to_owned(), |s| s.to_string_lossy().into_owned())
    }

    /// Runs a prepared batch; returns each input's poses in frame pixels.
    pub fn run(&mut self, batch: &Batch) -> InferenceResult<Vec<Vec<Pose>>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let input = &self.spec.input;
        let (w, h, c) = (batch.width, batch.height, batch.channels);
        let shape: [usize; 4] = match input.layout {
            Layout::Nchw => [batch.len(), c, h, w],
            Layout::Nhwc => [batch.len(), h, w, c],
        };
        let path = self.path.clone();
        let run_err = |e: &dyn std::fmt::Display| InferenceError::run(&path, e);
        let wanted = output_names(&self.spec.output);
        let outputs = match &batch.values {
            BatchValues::F32(v) => {
                let t =
                    TensorRef::from_array_view((shape, v.as_slice())).map_err(|e| run_err(&e))?;
                self.session
                    .run(ort::inputs![input.name.as_str() => t])
                    .map_err(|e| run_err(&e))?
            }
            BatchValues::F16(v) => {
                let t =
                    TensorRef::from_array_view((shape, v.as_slice())).map_err(|e| run_err(&e))?;
                self.session
                    .run(ort::inputs![input.name.as_str() => t])
                    .map_err(|e| run_err(&e))?
            }
            BatchValues::U8(v) => {
                let t =
                    TensorRef::from_array_view((shape, v.as_slice())).map_err(|e| run_err(&e))?;
                self.session
                    .run(ort::inputs![input.name.as_str() => t])
                    .map_err(|e| run_err(&e))?
            }
        };
        let mut tensors = BTreeMap::new();
        for name in wanted {
            let value = outputs.get(name).ok_or_else(|| {
                InferenceError::tensor(&path, name, "an output of the model", "none")
            })?;
            let (shape, data) = extract_as_f32(value).map_err(|e| {
                InferenceError::tensor(&path, name, "numbers or booleans", e.to_string())
            })?;
            tensors.insert(
                name.to_owned(),
                Tensor {
                    name: name.to_owned(),
                    shape,
                    data,
                },
            );
        }
        drop(outputs);
        let poses = self.decode(&tensors)?;
        if poses.len() != batch.len() {
            return Err(InferenceError::run(
                &self.path,
                format!("{} inputs gave {} results", batch.len(), poses.len()),
            ));
        }
        let clip = matches!(
            self.spec.family,
            Family::UltralyticsPose | Family::UltralyticsDetect
        );
        Ok(poses
            .into_iter()
            .zip(&batch.maps)
            .map(|(of_input, map)| {
                of_input
                    .into_iter()
                    .map(|p| to_frame(p, map, clip))
                    .collect()
            })
            .collect())
    }

    fn decode(&self, t: &BTreeMap<String, Tensor>) -> InferenceResult<Vec<Vec<Pose>>> {
        let spec = &self.spec;
        let k = spec.keypoints.len();
        let get = |name: &str| &t[name];
        Ok(match &spec.output {
            OutputSpec::Heatmap {
                heatmap,
                locref,
                decode,
            } => {
                let size = (spec.input.width, spec.input.height);
                decode::heatmaps(
                    &self.path,
                    get(heatmap),
                    locref.as_deref().map(get),
                    *decode,
                    k,
                    size,
                )?
                .into_iter()
                .map(|p| vec![p])
                .collect()
            }
            OutputSpec::Simcc { x, y, split_ratio } => {
                decode::simcc(&self.path, get(x), get(y), *split_ratio, k)?
                    .into_iter()
                    .map(|p| vec![p])
                    .collect()
            }
            OutputSpec::Peaks {
                peaks,
                peak_vals,
                instance_valid,
                instance_scores,
            } => decode::peaks(
                &self.path,
                get(peaks),
                get(peak_vals),
                instance_valid.as_deref().map(get),
                instance_scores.as_deref().map(get),
                k,
            )?,
            // A detector has no keypoints: the same decoding gives its boxes.
            OutputSpec::YoloPose {
                output,
                classes,
                conf,
                iou,
                max_det,
            }
            | OutputSpec::YoloDetect {
                output,
                classes,
                conf,
                iou,
                max_det,
            } => {
                let params = YoloParams {
                    classes: *classes,
                    conf: *conf,
                    iou: *iou,
                    max_det: *max_det,
                    keypoints: k,
                };
                decode::yolo_pose(&self.path, get(output), &params)?
            }
        })
    }

    /// Prepares, runs and decodes a few frames at once (a suggestion, a test).
    pub fn predict(
        &mut self,
        items: &[(RgbFrame<'_>, Option<BoxXyxy>)],
    ) -> InferenceResult<Vec<Vec<Pose>>> {
        let mut out = Vec::with_capacity(items.len());
        for chunk in items.chunks(self.spec.max_batch.max(1)) {
            let batch = prepare(&self.spec, chunk);
            out.extend(self.run(&batch)?);
        }
        Ok(out)
    }
}

/// An output's values as `f32`, from floats (single or half precision), booleans or
/// integers (sleap-nn marks valid instances with booleans).
fn extract_as_f32(value: &ort::value::DynValue) -> Result<(Vec<usize>, Vec<f32>), ort::Error> {
    let dims = |shape: &ort::value::Shape| shape.iter().map(|&d| d.max(0) as usize).collect();
    if let Ok((shape, data)) = value.try_extract_tensor::<f32>() {
        return Ok((dims(shape), data.to_vec()));
    }
    if let Ok((shape, data)) = value.try_extract_tensor::<half::f16>() {
        return Ok((dims(shape), data.iter().map(|v| v.to_f32()).collect()));
    }
    if let Ok((shape, data)) = value.try_extract_tensor::<bool>() {
        return Ok((
            dims(shape),
            data.iter().map(|&b| f32::from(u8::from(b))).collect(),
        ));
    }
    if let Ok((shape, data)) = value.try_extract_tensor::<u8>() {
        return Ok((dims(shape), data.iter().map(|&b| f32::from(b)).collect()));
    }
    let (shape, data) = value.try_extract_tensor::<i64>()?;
    Ok((dims(shape), data.iter().map(|&v| v as f32).collect()))
}

/// The output tensors a spec reads.
fn output_names(output: &OutputSpec) -> Vec<&str> {
    match output {
        OutputSpec::Heatmap {
            heatmap, locref, ..
        } => {
            let mut v = vec![heatmap.as_str()];
            v.extend(locref.as_deref());
            v
        }
        OutputSpec::Simcc { x, y, .. } => vec![x, y],
        OutputSpec::Peaks {
            peaks,
            peak_vals,
            instance_valid,
            instance_scores,
        } => {
            let mut v = vec![peaks.as_str(), peak_vals.as_str()];
            v.extend(instance_valid.as_deref());
            v.extend(instance_scores.as_deref());
            v
        }
        OutputSpec::YoloPose { output, .. } | OutputSpec::YoloDetect { output, .. } => {
            vec![output]
        }
    }
}

/// Maps a pose from the model's input to the frame. With `clip` (Ultralytics'
/// `clip_coords` and `clip_boxes`), positions are clamped to `[0, width]` and
/// `[0, height]`; the other tools leave them where the model put them.
fn to_frame(mut pose: Pose, map: &InputMap, clip: bool) -> Pose {
    let [w, h] = map.frame_size;
    let clamp = |v: f64, max: f64| if clip { v.clamp(0.0, max) } else { v };
    for p in &mut pose.points {
        if p[0].is_nan() {
            continue;
        }
        let (x, y) = map.to_frame(f64::from(p[0]), f64::from(p[1]));
        p[0] = clamp(x, w) as f32;
        p[1] = clamp(y, h) as f32;
    }
    pose.bbox = pose.bbox.map(|b| {
        let b = map.box_to_frame(b);
        BoxXyxy {
            x1: clamp(f64::from(b.x1), w) as f32,
            y1: clamp(f64::from(b.y1), h) as f32,
            x2: clamp(f64::from(b.x2), w) as f32,
            y2: clamp(f64::from(b.y2), h) as f32,
        }
    });
    pose
}

/// Checks a spec against the model: its tensors exist, the input's rank and fixed
/// sizes agree, outputs are floats.
fn check_spec(path: &Path, spec: &ModelSpec, facts: &ModelFacts) -> InferenceResult<()> {
    let input = &spec.input;
    let Some(info) = facts.inputs.iter().find(|i| i.name == input.name) else {
        let names: Vec<&str> = facts.inputs.iter().map(|i| i.name.as_str()).collect();
        return Err(InferenceError::spec(
            path,
            format!(
                "input '{}' is not an input of the model (it has: {})",
                input.name,
                names.join(", ")
            ),
        ));
    };
    // A native-size input takes any frame size the model's dimensions allow.
    let size = |v: u32| (v > 0).then_some(v as usize);
    let (w, h) = (size(input.width), size(input.height));
    let c = Some(input.channels as usize);
    let want = match input.layout {
        Layout::Nchw => [None, c, h, w],
        Layout::Nhwc => [None, h, w, c],
    };
    let fits = info.dims.len() == 4
        && info
            .dims
            .iter()
            .zip(want)
            .all(|(have, want)| have.is_none() || want.is_none() || *have == want);
    if !fits {
        let text = |v: Option<usize>| v.map_or_else(|| "any".to_owned(), |v| v.to_string());
        let (h, w, c) = (text(h), text(w), input.channels);
        let expected = match input.layout {
            Layout::Nchw => format!("[batch, {c}, {h}, {w}]"),
            Layout::Nhwc => format!("[batch, {h}, {w}, {c}]"),
        };
        return Err(InferenceError::tensor(
            path,
            &input.name,
            expected,
            info.dims_text(),
        ));
    }
    let want = match input.element {
        Element::F32 => "f32",
        Element::F16 => "f16",
        Element::U8 => "u8",
    };
    if info.element != want {
        return Err(InferenceError::tensor(
            path,
            &input.name,
            format!("{want} elements"),
            format!("{} elements", info.element),
        ));
    }
    for name in output_names(&spec.output) {
        let Some(out) = facts.outputs.iter().find(|o| o.name == name) else {
            let names: Vec<&str> = facts.outputs.iter().map(|o| o.name.as_str()).collect();
            return Err(InferenceError::spec(
                path,
                format!(
                    "output '{name}' is not an output of the model (it has: {})",
                    names.join(", ")
                ),
            ));
        };
        if !matches!(out.element.as_str(), "f32" | "f16" | "bool" | "u8" | "i64") {
            return Err(InferenceError::tensor(
                path,
                name,
                "f32 elements",
                format!("{} elements", out.element),
            ));
        }
    }
    if let Some(Some(n)) = info.dims.first()
        && spec.max_batch > *n
    {
        return Err(InferenceError::spec(
            path,
            format!(
                "max_batch {} is more than the model's fixed batch of {n}",
                spec.max_batch
            ),
        ));
    }
    Ok(())
}

/// Prepares frames (and, for top-down models, their boxes) as one input batch. With
/// `Native` resizing the batch takes the first frame's size; a frame of another size
/// is stretched to it (and mapped back).
pub fn prepare(spec: &ModelSpec, items: &[(RgbFrame<'_>, Option<BoxXyxy>)]) -> Batch {
    let input = &spec.input;
    let (width, height) = items
        .first()
        .map_or((0, 0), |(f, _)| preprocess::input_size(input, f));
    let channels = input.channels.max(1) as usize;
    let per_item = width * height * channels;
    let mut maps = Vec::with_capacity(items.len());
    let mut prepared_items = items.iter().map(|(frame, bbox)| {
        if preprocess::input_size(input, frame) == (width, height) {
            preprocess::prepare(frame, input, *bbox)
        } else {
            let fixed = super::spec::InputSpec {
                width: width as u32,
                height: height as u32,
                resize: super::spec::Resize::Stretch,
                ..input.clone()
            };
            preprocess::prepare(frame, &fixed, *bbox)
        }
    });
    let values = match input.element {
        Element::F32 => {
            let mut v = vec![0f32; per_item * items.len()];
            for slot in v.chunks_exact_mut(per_item.max(1)) {
                if let Some(prepared) = prepared_items.next() {
                    preprocess::normalise_into(&prepared.rgb, input, slot);
                    maps.push(prepared.map);
                }
            }
            BatchValues::F32(v)
        }
        Element::F16 => {
            let mut v = vec![half::f16::ZERO; per_item * items.len()];
            let mut scratch = vec![0f32; per_item];
            for slot in v.chunks_exact_mut(per_item.max(1)) {
                if let Some(prepared) = prepared_items.next() {
                    preprocess::normalise_into(&prepared.rgb, input, &mut scratch);
                    for (d, s) in slot.iter_mut().zip(&scratch) {
                        *d = half::f16::from_f32(*s);
                    }
                    maps.push(prepared.map);
                }
            }
            BatchValues::F16(v)
        }
        Element::U8 => {
            let mut v = vec![0u8; per_item * items.len()];
            let mut scratch = vec![0f32; per_item];
            let raw = super::spec::InputSpec {
                mean: [0.0; 3],
                std: [1.0; 3],
                ..input.clone()
            };
            for slot in v.chunks_exact_mut(per_item.max(1)) {
                if let Some(prepared) = prepared_items.next() {
                    preprocess::normalise_into(&prepared.rgb, &raw, &mut scratch);
                    for (d, s) in slot.iter_mut().zip(&scratch) {
                        *d = s.round().clamp(0.0, 255.0) as u8;
                    }
                    maps.push(prepared.map);
                }
            }
            BatchValues::U8(v)
        }
    };
    Batch {
        values,
        maps,
        width,
        height,
        channels,
    }
}
