//! Small helpers every layer may use (the bottom of the layer stack: it imports no
//! other Kinelab module).

pub mod atomic_file;
pub mod fingerprint;
pub mod png;
pub mod text;
