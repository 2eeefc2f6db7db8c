//! Other tools' files, read and written: DeepLabCut (CSV, HDF5, config.yaml), and the
//! pandas HDF5 layouts beneath them. Sits above `project` (it maps files to the domain
//! model) and below `video`, `ui` and `cli`.

pub mod dlc_config;
pub mod dlc_csv;
pub mod dlc_labels;
pub mod dlc_project;
pub mod dlc_table;
pub mod error;
pub mod h5;
pub mod pandas_h5;

pub use error::{FormatError, FormatResult};
