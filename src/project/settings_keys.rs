//! Keys of the settings a project stores (each change an undoable edit), in one place
//! for the dialogs that edit them, the panels that read them and the importers that
//! fill them.

/// Marker radius in points.
pub const MARKER_SIZE: &str = "marker_size";
/// Marker opacity, 0 to 1.
pub const MARKER_OPACITY: &str = "marker_opacity";
