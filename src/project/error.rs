//! Errors of the project layer. Each names the project file it concerns.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{}: no such project file", path.display())]
    NotFound { path: PathBuf },
    #[error("{}: a file is already there; choose another name", path.display())]
    Exists { path: PathBuf },
    #[error("{}: not a Kinelab project ({reason})", path.display())]
    NotAProject { path: PathBuf, reason: String },
    #[error(
        "{}: made by a newer Kinelab (project schema {found}; this version reads up to {supported}). Update Kinelab to open it.",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{}: could not upgrade the project to schema {to_version}: {reason}", path.display())]
    Migration {
        path: PathBuf,
        to_version: i64,
        reason: String,
    },
    #[error("{}: the project file is damaged: {reason}", path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error("{}: {reason}", path.display())]
    Sqlite { path: PathBuf, reason: String },
    #[error("{}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    /// An edit that cannot be made as asked (a duplicate name, an unknown keypoint).
    #[error("{0}")]
    Invalid(String),
}

impl ProjectError {
    pub fn sqlite(path: &Path, e: rusqlite::Error) -> Self {
        let reason = match &e {
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::NotADatabase =>
            {
                "the file is not an SQLite database".to_owned()
            }
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::ReadOnly =>
            {
                "the project file is read-only".to_owned()
            }
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::DiskFull =>
            {
                "the disk is full; the last edit was not saved".to_owned()
            }
            _ => e.to_string(),
        };
        Self::Sqlite {
            path: path.to_owned(),
            reason,
        }
    }

    pub fn io(path: &Path, e: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            reason: e.to_string(),
        }
    }
}

pub type ProjectResult<T> = Result<T, ProjectError>;
