//! How predictions look, read from the project's settings, and the colours of
//! individuals and keypoints.

use crate::project::settings_keys::{
    PREDICTION_BELOW_CUTOFF, PREDICTION_COLOR_BY, PREDICTION_PCUTOFF, PREDICTION_TRAIL_FRAMES,
};
use crate::project::{IndividualId, KeypointId, ProjectState, Rgb};

/// How predictions are coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorBy {
    Individual,
    Keypoint,
}

/// What becomes of a point below the cutoff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BelowCutoff {
    Hide,
    Fade,
}

/// How predictions look, from the project's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OverlayStyle {
    pub color_by: ColorBy,
    pub pcutoff: f32,
    pub below: BelowCutoff,
    pub trail_frames: usize,
}

/// The cutoff when neither the project nor its DeepLabCut config sets one
/// (DeepLabCut's own default).
pub const DEFAULT_PCUTOFF: f32 = 0.6;

impl OverlayStyle {
    /// The style the project's settings give; the cutoff defaults to the DeepLabCut
    /// config's `pcutoff` where the project came from one.
    pub fn of(state: &ProjectState) -> Self {
        let dlc_pcutoff = state
            .settings
            .get(crate::formats::dlc_project::keys::PCUTOFF)
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_PCUTOFF);
        Self {
            color_by: match state.settings.get(PREDICTION_COLOR_BY).map(String::as_str) {
                Some("keypoint") => ColorBy::Keypoint,
                _ => ColorBy::Individual,
            },
            pcutoff: state.setting_f32(PREDICTION_PCUTOFF, dlc_pcutoff),
            below: match state
                .settings
                .get(PREDICTION_BELOW_CUTOFF)
                .map(String::as_str)
            {
                Some("hide") => BelowCutoff::Hide,
                _ => BelowCutoff::Fade,
            },
            trail_frames: state.setting_f32(PREDICTION_TRAIL_FRAMES, 0.0).max(0.0) as usize,
        }
    }

    /// How opaque a point of `score` is drawn: 0 (hidden) to 1.
    pub fn alpha_of(&self, score: f32) -> f32 {
        if score.is_nan() || score >= self.pcutoff {
            1.0
        } else {
            match self.below {
                BelowCutoff::Hide => 0.0,
                BelowCutoff::Fade => 0.3,
            }
        }
    }
}

/// Colour of an individual's skeleton edges, so animals are told apart.
pub fn individual_color(state: &ProjectState, individual: IndividualId) -> Rgb {
    let n = state.individuals.len();
    let i = state
        .individuals
        .iter()
        .position(|x| x.id == individual)
        .unwrap_or(0);
    if n <= 1 {
        Rgb([230, 230, 230])
    } else {
        Rgb::rainbow(i, n)
    }
}

/// A predicted point's colour under `style`.
pub fn point_color(
    state: &ProjectState,
    style: &OverlayStyle,
    individual: IndividualId,
    keypoint: KeypointId,
) -> Rgb {
    match style.color_by {
        ColorBy::Keypoint => state
            .skeleton
            .keypoint(keypoint)
            .map_or(Rgb([200, 200, 200]), |k| k.def.color),
        ColorBy::Individual => individual_color(state, individual),
    }
}
