//! The inference engine: ONNX pose models run through ONNX Runtime (loaded at run time),
//! each described by a spec that says how to feed it and read it, with the
//! pre- and post-processing of the tool that exported it.

pub mod decode;
pub mod error;
pub mod frame_picks;
pub mod layout;
pub mod model;
pub mod onnx_file;
pub mod preprocess;
pub mod providers;
pub mod recognise;
pub mod runtime;
pub mod soft_argmax;
pub mod spec;
pub mod top_down;
pub mod video_run;
pub mod worker;

pub use error::{InferenceError, InferenceResult};
pub use model::{PoseModel, SessionOptions};
pub use spec::ModelSpec;
