//! The Models panel: the project's pose models (add a file, see its family, spec,
//! inputs, outputs and execution providers, map its keypoints to the skeleton, write
//! its spec), and suggestions on the frame shown (on a key or on every frame, the
//! threshold below which they are hidden, accept all).

use std::path::{Path, PathBuf};

use egui::RichText;

use crate::formats::FileKind;
use crate::inference::model::SpecSource;
use crate::inference::providers::Provider;
use crate::inference::spec::{Element, HeatmapDecode, Layout, OutputSpec, Resize};
use crate::inference::worker::LoadedModel;
use crate::project::ProjectState;
use crate::ui::file_picker::FilePicker;
use crate::ui::theme::Theme;
use crate::ui::workspace::suggestions::{ModelEntry, ModelStatus};

/// ONNX model files, for the file picker.
pub const MODEL_KINDS: &[FileKind] = &[FileKind {
    name: "ONNX model",
    extensions: &["onnx"],
    examples: "Ultralytics YOLO pose, RTMPose, DeepLabCut or MMPose heatmap exports",
}];

/// What the panel reads.
pub struct ModelsContext<'a> {
    pub state: &'a ProjectState,
    pub project_dir: &'a Path,
    pub entries: &'a [ModelEntry],
    pub active: Option<&'a Path>,
    pub auto: bool,
    pub threshold: f32,
    pub provider: Provider,
    pub detector: Option<&'a Path>,
    /// Suggestions drawn on the frame shown, and how long the model took for them.
    pub shown: usize,
    pub millis: Option<f64>,
    /// Frames prepared ahead, and frames still being prepared.
    pub ahead_ready: usize,
    pub ahead_pending: usize,
    pub theme: &'a Theme,
}

/// What a person did in the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelsAction {
    Add(PathBuf),
    Remove(PathBuf),
    SetActive(PathBuf),
    SuggestNow,
    SetAuto(bool),
    SetThreshold(f32),
    /// Fill `project_keypoint` ("" for none) with the model's `model_keypoint`.
    MapKeypoint {
        model: PathBuf,
        model_keypoint: String,
        project_keypoint: String,
    },
    /// Write the model's spec (with its keypoint map) beside it.
    WriteSpec(PathBuf),
    /// Run the model over the video shown.
    RunOnVideo(PathBuf),
    /// Run models on this execution provider.
    SetProvider(Provider),
    /// Prepare suggestions on the next N unlabeled frames.
    SuggestAhead(usize),
    /// Boxes for a top-down model from this detector (`None`: from labels, else
    /// predictions, else the whole frame).
    SetDetector(Option<PathBuf>),
    AcceptAll,
}

/// The panel's own state: whether it is open, the path being typed, the file picker.
#[derive(Default)]
pub struct ModelsPanel {
    pub open: bool,
    path: String,
    picker: FilePicker,
    /// The threshold while its slider is dragged (one edit when it is let go).
    threshold_drag: Option<f32>,
    /// How many unlabeled frames to prepare suggestions on.
    ahead: Option<usize>,
}

fn input_text(m: &LoadedModel) -> String {
    let i = &m.spec.input;
    let layout = match i.layout {
        Layout::Nchw => "NCHW",
        Layout::Nhwc => "NHWC",
    };
    let element = match i.element {
        Element::F32 => "f32",
        Element::F16 => "f16",
        Element::U8 => "u8",
    };
    let resize = match i.resize {
        Resize::Letterbox { pad } => format!("letterbox (pad {pad})"),
        Resize::Stretch => "stretch".to_owned(),
        Resize::Crop { padding } => format!("crop around a box ×{padding}"),
        Resize::Native => "the frame at its own size".to_owned(),
    };
    let colour = match i.colour {
        crate::inference::spec::ColourOrder::Rgb => "RGB",
        crate::inference::spec::ColourOrder::Bgr => "BGR",
    };
    format!(
        "'{}' {layout} {element} {}×{}, {resize}, {colour}, (pixel − mean) / std with mean {:?}, std {:?}",
        i.name, i.width, i.height, i.mean, i.std
    )
}

fn output_text(m: &LoadedModel) -> String {
    match &m.spec.output {
        OutputSpec::Heatmap {
            heatmap,
            locref,
            decode,
        } => {
            let decode = match decode {
                HeatmapDecode::Dlc {
                    locref_stdev,
                    sigmoid,
                } => {
                    let sigmoid = if *sigmoid { ", sigmoid scores" } else { "" };
                    format!("DeepLabCut argmax, locref × {locref_stdev}{sigmoid}")
                }
                HeatmapDecode::Msra => "MMPose argmax with quarter-pixel refinement".to_owned(),
                HeatmapDecode::SoftArgmax { temperature } => {
                    format!("Lightning Pose subpixel soft-argmax, temperature {temperature}")
                }
            };
            match locref {
                Some(l) => format!("heatmaps '{heatmap}' and '{l}', {decode}"),
                None => format!("heatmaps '{heatmap}', {decode}"),
            }
        }
        OutputSpec::Peaks {
            peaks, peak_vals, ..
        } => format!("peaks '{peaks}' and '{peak_vals}', decoded in the model"),
        OutputSpec::Simcc { x, y, split_ratio } => {
            format!("SimCC '{x}', '{y}', split ratio {split_ratio}")
        }
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
            format!("'{output}': {classes} classes, conf {conf}, NMS IoU {iou}, at most {max_det}")
        }
    }
}

impl ModelsPanel {
    /// Draws the panel (when open); returns what the person did.
    pub fn show(&mut self, ctx: &egui::Context, c: &ModelsContext<'_>) -> Vec<ModelsAction> {
        let mut out = Vec::new();
        if !self.open {
            return out;
        }
        if let Some(path) = self.picker.show(ctx) {
            self.path = path.display().to_string();
        }
        let mut open = self.open;
        egui::Window::new("Models")
            .open(&mut open)
            .default_width(460.0)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(600.0)
                    .show(ui, |ui| {
                        self.models_ui(ui, c, &mut out);
                        ui.separator();
                        self.add_ui(ui, ctx, c, &mut out);
                        self.provider_ui(ui, c, &mut out);
                        ui.separator();
                        suggest_ui(ui, c, &mut self.threshold_drag, &mut out);
                        self.ahead_ui(ui, c, &mut out);
                    });
            });
        self.open = open;
        out
    }

    fn models_ui(&mut self, ui: &mut egui::Ui, c: &ModelsContext<'_>, out: &mut Vec<ModelsAction>) {
        if c.entries.is_empty() {
            ui.label("No pose model yet: add an .onnx file below.");
            return;
        }
        for entry in c.entries {
            let active = c.active == Some(entry.path.as_path());
            ui.horizontal(|ui| {
                let name = entry.path.file_name().map_or_else(
                    || entry.stored.clone(),
                    |n| n.to_string_lossy().into_owned(),
                );
                if ui
                    .radio(active, name)
                    .on_hover_text(entry.path.display().to_string())
                    .clicked()
                {
                    out.push(ModelsAction::SetActive(entry.path.clone()));
                }
                match &entry.status {
                    ModelStatus::Loading => {
                        ui.spinner();
                        ui.label("loading…");
                    }
                    ModelStatus::Ready(m) => {
                        ui.label(m.spec.family.label());
                        // A detector gives boxes to a top-down model; it runs with it.
                        if !m.spec.is_detector() && ui.small_button("Run on video…").clicked() {
                            out.push(ModelsAction::RunOnVideo(entry.path.clone()));
                        }
                    }
                    ModelStatus::Failed(_) => {
                        ui.colored_label(c.theme.error, "failed");
                    }
                }
                if ui.small_button("Remove").clicked() {
                    out.push(ModelsAction::Remove(entry.path.clone()));
                }
            });
            match &entry.status {
                ModelStatus::Failed(e) => {
                    ui.label(RichText::new(e).color(c.theme.error));
                }
                ModelStatus::Ready(m) if active => {
                    if m.spec.is_top_down() {
                        boxes_ui(ui, c, out);
                    }
                    details_ui(ui, c, &entry.path, m, out)
                }
                _ => {}
            }
        }
    }

    fn ahead_ui(&mut self, ui: &mut egui::Ui, c: &ModelsContext<'_>, out: &mut Vec<ModelsAction>) {
        let ready = c
            .entries
            .iter()
            .any(|e| Some(e.path.as_path()) == c.active && e.loaded().is_some());
        let n = self.ahead.get_or_insert(20);
        ui.horizontal(|ui| {
            if ui
                .add_enabled(ready, egui::Button::new("Prepare suggestions ahead"))
                .on_hover_text("on the next unlabeled frames, in the background")
                .clicked()
            {
                out.push(ModelsAction::SuggestAhead(*n));
            }
            let label = ui.label("frames");
            ui.add(egui::DragValue::new(n).range(1..=10_000))
                .labelled_by(label.id);
        });
        if c.ahead_ready + c.ahead_pending > 0 {
            ui.label(format!(
                "{} prepared, {} to go",
                crate::util::text::plural(c.ahead_ready, "frame", "frames"),
                c.ahead_pending
            ));
        }
    }

    fn provider_ui(
        &mut self,
        ui: &mut egui::Ui,
        c: &ModelsContext<'_>,
        out: &mut Vec<ModelsAction>,
    ) {
        ui.horizontal(|ui| {
            let label = ui.label("Run models on");
            egui::ComboBox::from_id_salt("execution provider")
                .selected_text(c.provider.label())
                .show_ui(ui, |ui| {
                    for p in Provider::ALL {
                        let text = if p.compiled() {
                            p.label().to_owned()
                        } else {
                            format!("{} (not in this build)", p.label())
                        };
                        let item = ui.add_enabled(
                            p.compiled(),
                            egui::Button::selectable(c.provider == p, text),
                        );
                        if item.clicked() && c.provider != p {
                            out.push(ModelsAction::SetProvider(p));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
    }

    fn add_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        c: &ModelsContext<'_>,
        out: &mut Vec<ModelsAction>,
    ) {
        ui.horizontal(|ui| {
            let label = ui.label("Model file");
            ui.text_edit_singleline(&mut self.path)
                .labelled_by(label.id);
            if ui.button("Browse…").clicked() {
                self.picker
                    .open_file(ctx, "Add pose model", MODEL_KINDS, Some(c.project_dir));
            }
            let path = PathBuf::from(self.path.trim());
            if ui
                .add_enabled(!self.path.trim().is_empty(), egui::Button::new("Add model"))
                .clicked()
            {
                out.push(ModelsAction::Add(path));
                self.path.clear();
            }
        });
    }
}

fn details_ui(
    ui: &mut egui::Ui,
    c: &ModelsContext<'_>,
    path: &Path,
    m: &LoadedModel,
    out: &mut Vec<ModelsAction>,
) {
    egui::CollapsingHeader::new("Spec, tensors and keypoints")
        .id_salt(("model details", path))
        .default_open(false)
        .show(ui, |ui| {
            let spec = match &m.spec_source {
                SpecSource::File(f) => format!("from {}", f.display()),
                SpecSource::Recognised => "recognised from its tensors and metadata".to_owned(),
                SpecSource::Given => "as edited here".to_owned(),
            };
            ui.label(format!("Spec: {spec}"));
            ui.label(format!("Input: {}", input_text(m)));
            ui.label(format!("Output: {}", output_text(m)));
            for t in &m.facts.inputs {
                ui.label(format!(
                    "  tensor in: {} {} {}",
                    t.name,
                    t.element,
                    t.dims_text()
                ));
            }
            for t in &m.facts.outputs {
                ui.label(format!(
                    "  tensor out: {} {} {}",
                    t.name,
                    t.element,
                    t.dims_text()
                ));
            }
            ui.label(format!(
                "Runs on: {} (the runtime offers {})",
                m.provider.label(),
                m.providers.join(", ")
            ));
            ui.add_space(4.0);
            ui.label("Keypoints (model to project):");
            let project: Vec<&str> = c
                .state
                .skeleton
                .keypoints
                .iter()
                .map(|k| k.def.name.as_str())
                .collect();
            egui::Grid::new(("keypoint map", path))
                .striped(true)
                .show(ui, |ui| {
                    for name in &m.spec.keypoints {
                        ui.label(name);
                        let target = m.spec.project_keypoint(name).unwrap_or("");
                        let shown = if target.is_empty() || !project.contains(&target) {
                            "(none)".to_owned()
                        } else {
                            target.to_owned()
                        };
                        egui::ComboBox::from_id_salt(("map", path, name.as_str()))
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                if ui.selectable_label(target.is_empty(), "(none)").clicked() {
                                    out.push(ModelsAction::MapKeypoint {
                                        model: path.to_owned(),
                                        model_keypoint: name.clone(),
                                        project_keypoint: String::new(),
                                    });
                                }
                                for p in &project {
                                    if ui.selectable_label(target == *p, *p).clicked() {
                                        out.push(ModelsAction::MapKeypoint {
                                            model: path.to_owned(),
                                            model_keypoint: name.clone(),
                                            project_keypoint: (*p).to_owned(),
                                        });
                                    }
                                }
                            });
                        ui.end_row();
                    }
                });
            if ui
                .button("Write spec beside the model")
                .on_hover_text("Saves input, outputs and the keypoint map as <model>.json")
                .clicked()
            {
                out.push(ModelsAction::WriteSpec(path.to_owned()));
            }
        });
}

/// Where a top-down model's boxes come from: a detector of the project, or the
/// animals' labels, else their predictions, else the whole frame.
fn boxes_ui(ui: &mut egui::Ui, c: &ModelsContext<'_>, out: &mut Vec<ModelsAction>) {
    const FROM_POINTS: &str = "labels, else predictions, else the whole frame";
    let name = |p: &Path| {
        p.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    };
    ui.horizontal(|ui| {
        let label = ui.label("Boxes from");
        egui::ComboBox::from_id_salt("boxes from")
            .selected_text(c.detector.map_or_else(|| FROM_POINTS.to_owned(), name))
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(c.detector.is_none(), FROM_POINTS)
                    .clicked()
                {
                    out.push(ModelsAction::SetDetector(None));
                }
                for e in c.entries {
                    if e.loaded().is_some_and(|m| m.spec.is_detector()) {
                        let chosen = c.detector == Some(e.path.as_path());
                        if ui.selectable_label(chosen, name(&e.path)).clicked() {
                            out.push(ModelsAction::SetDetector(Some(e.path.clone())));
                        }
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
}

fn suggest_ui(
    ui: &mut egui::Ui,
    c: &ModelsContext<'_>,
    dragging: &mut Option<f32>,
    out: &mut Vec<ModelsAction>,
) {
    let ready = c
        .entries
        .iter()
        .any(|e| Some(e.path.as_path()) == c.active && e.loaded().is_some());
    ui.horizontal(|ui| {
        if ui
            .add_enabled(ready, egui::Button::new("Suggest on this frame (G)"))
            .clicked()
        {
            out.push(ModelsAction::SuggestNow);
        }
        let mut auto = c.auto;
        if ui.checkbox(&mut auto, "on every frame").changed() {
            out.push(ModelsAction::SetAuto(auto));
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Hide below");
        let mut t = dragging.unwrap_or(c.threshold);
        let slider = ui.add(egui::Slider::new(&mut t, 0.0..=1.0).step_by(0.01));
        let slider = slider.labelled_by(label.id);
        if slider.dragged() {
            *dragging = Some(t);
        } else if slider.drag_stopped() || slider.changed() || dragging.is_some() {
            *dragging = None;
            out.push(ModelsAction::SetThreshold(t));
        }
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(c.shown > 0, egui::Button::new("Accept all (Enter)"))
            .clicked()
        {
            out.push(ModelsAction::AcceptAll);
        }
        ui.label(crate::util::text::plural(
            c.shown,
            "suggestion shown",
            "suggestions shown",
        ));
        if let Some(ms) = c.millis {
            ui.label(format!("(the model took {ms:.0} ms)"));
        }
    });
}
