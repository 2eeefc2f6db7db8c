//! What is drawn over a video, apart from how: the app paints it with egui and a
//! labeled video rasterizes it onto the frames, from the same marks.
//!
//! - `style`: how predictions look, from the project's settings (cutoff, colouring).
//! - `marks`: labels and prediction sets on a frame as marks in image pixels.
//! - `raster`: marks drawn onto 8-bit YUV 4:2:0 planes (a labeled video's frames).

pub mod marks;
pub mod raster;
pub mod style;

pub use marks::{Mark, SetOnFrame, label_marks, prediction_marks};
pub use style::{
    BelowCutoff, ColorBy, DEFAULT_PCUTOFF, OverlayStyle, individual_color, point_color,
};
