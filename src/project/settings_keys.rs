//! Keys of the settings a project stores (each change an undoable edit), in one place
//! for the dialogs that edit them, the panels that read them and the importers that
//! fill them.

/// Marker radius in points.
pub const MARKER_SIZE: &str = "marker_size";
/// Marker opacity, 0 to 1.
pub const MARKER_OPACITY: &str = "marker_opacity";
/// Predicted points below this score are hidden or faded (0 to 1).
pub const PREDICTION_PCUTOFF: &str = "prediction_pcutoff";
/// What happens to a predicted point below the cutoff: "hide" or "fade".
pub const PREDICTION_BELOW_CUTOFF: &str = "prediction_below_cutoff";
/// How many frames back a predicted point's trail reaches (0: no trail).
pub const PREDICTION_TRAIL_FRAMES: &str = "prediction_trail_frames";
/// How predictions are coloured: "individual" or "keypoint".
pub const PREDICTION_COLOR_BY: &str = "prediction_color_by";
/// The pose models added to the project: a JSON list of model paths (relative to the
/// project's folder where they are inside it).
pub const MODELS: &str = "models";
/// Suggestions scored below this are not shown (0 to 1).
pub const SUGGESTION_THRESHOLD: &str = "suggestion_threshold";
/// Where models run: an execution provider's id ("auto", "cpu", "cuda", ...).
pub const INFERENCE_PROVIDER: &str = "inference_provider";
/// "1": the model suggests on every frame shown (the demo project starts so).
pub const SUGGEST_EVERY_FRAME: &str = "suggest_every_frame";
/// Frames picked for labeling, per video: JSON `{video id: {method, frames}}`.
pub const FRAMES_TO_LABEL: &str = "frames_to_label";
/// The scale for real units, from a known distance drawn on the frame:
/// `PX_PER_UNIT:UNIT` ("12.5:mm"); absent or empty: pixels.
pub const KINEMATICS_SCALE: &str = "kinematics_scale";
/// The behaviour rules (JSON, `analysis::rules::RuleSet`, regions apart).
pub const BEHAVIOUR_RULES: &str = "behaviour_rules";
/// The regions of interest drawn on the frame (JSON list of `analysis::rules::Region`).
pub const REGIONS: &str = "regions";
