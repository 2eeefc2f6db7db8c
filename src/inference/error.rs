//! Errors of the inference engine. Each names the file (model, spec or runtime library)
//! and, for tensors, the tensor with the shape expected and the one found, so a person
//! can fix the spec or pick the right model.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum InferenceError {
    /// The ONNX Runtime shared library could not be loaded.
    #[error(
        "ONNX Runtime could not be loaded from {}: {reason}. Run `make setup` (or \
         scripts/setup), which installs it from the PyPI onnxruntime wheel, or point \
         ORT_DYLIB_PATH at a libonnxruntime.so of version 1.31 or newer",
        path.display()
    )]
    Runtime { path: PathBuf, reason: String },
    /// The model file is missing, unreadable or not an ONNX model.
    #[error("{}: {reason}", path.display())]
    Model { path: PathBuf, reason: String },
    /// The spec (`model.json`) is missing a field, unreadable, or disagrees with the model.
    #[error("{}: {reason}", path.display())]
    Spec { path: PathBuf, reason: String },
    /// A tensor's shape or type is not what the spec says.
    #[error("{}: tensor '{tensor}': expected {expected}, the model has {actual}", path.display())]
    Tensor {
        path: PathBuf,
        tensor: String,
        expected: String,
        actual: String,
    },
    /// ONNX Runtime failed while running the model.
    #[error("{}: running the model failed: {reason}", path.display())]
    Run { path: PathBuf, reason: String },
}

impl InferenceError {
    pub fn model(path: &Path, reason: impl Into<String>) -> Self {
        Self::Model {
            path: path.to_owned(),
            reason: reason.into(),
        }
    }

    pub fn spec(path: &Path, reason: impl Into<String>) -> Self {
        Self::Spec {
            path: path.to_owned(),
            reason: reason.into(),
        }
    }

    pub fn tensor(
        path: &Path,
        tensor: &str,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        Self::Tensor {
            path: path.to_owned(),
            tensor: tensor.to_owned(),
            expected: expected.into(),
            actual: actual.into(),
        }
    }

    pub fn run(path: &Path, reason: impl std::fmt::Display) -> Self {
        Self::Run {
            path: path.to_owned(),
            reason: reason.to_string(),
        }
    }
}

pub type InferenceResult<T> = Result<T, InferenceError>;
