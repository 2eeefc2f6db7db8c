//! Errors of the format readers and writers. Each names the file, and the row where
//! one row is at fault, so a person can open the file and fix it.

use std::path::{Path, PathBuf};

/// A file that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// (The OS error is part of the message and not also a `source`, so that a
    /// report of the error chain says it once.)
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// One row (1-based line number in text files) is at fault.
    #[error("{}, row {row}: {message}", path.display())]
    Row {
        path: PathBuf,
        row: usize,
        message: String,
    },
    /// The file as a whole is not what was expected.
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

impl FormatError {
    pub fn io(path: &Path, error: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            error,
        }
    }

    pub fn row(path: &Path, row: usize, message: impl Into<String>) -> Self {
        Self::Row {
            path: path.to_owned(),
            row,
            message: message.into(),
        }
    }

    pub fn invalid(path: &Path, message: impl Into<String>) -> Self {
        Self::Invalid {
            path: path.to_owned(),
            message: message.into(),
        }
    }
}

pub type FormatResult<T> = Result<T, FormatError>;
