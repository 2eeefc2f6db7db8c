//! Every action a person can take, in one enum that feeds the menus (with their keys),
//! the keyboard shortcuts, the shortcut sheet and the command palette.

/// Where a command sits in the menu bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MenuGroup {
    File,
    Edit,
    Label,
    Navigate,
    View,
    Help,
}

impl MenuGroup {
    pub const ALL: [MenuGroup; 6] = [
        Self::File,
        Self::Edit,
        Self::Label,
        Self::Navigate,
        Self::View,
        Self::Help,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::File => "File",
            Self::Edit => "Edit",
            Self::Label => "Label",
            Self::Navigate => "Navigate",
            Self::View => "View",
            Self::Help => "Help",
        }
    }
}

macro_rules! commands {
    ($( $variant:ident, $id:literal, $title:literal, $group:ident, [$($key:literal),*]; )*) => {
        /// An action of the app.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Command { $($variant),* }

        impl Command {
            /// Every command, in menu order.
            pub const ALL: &'static [Command] = &[$(Command::$variant),*];

            /// Stable name used in the shortcuts file (`next_frame`).
            pub fn id(self) -> &'static str {
                match self { $(Command::$variant => $id),* }
            }

            /// What menus and the palette show.
            pub fn title(self) -> &'static str {
                match self { $(Command::$variant => $title),* }
            }

            pub fn group(self) -> MenuGroup {
                match self { $(Command::$variant => MenuGroup::$group),* }
            }

            /// Default shortcuts, as `Ctrl+Shift+Z` text (see `keymap`).
            pub fn default_keys(self) -> &'static [&'static str] {
                match self { $(Command::$variant => &[$($key),*]),* }
            }
        }
    };
}

commands! {
    NewProject, "new_project", "New project…", File, ["Ctrl+N"];
    OpenProject, "open_project", "Open project…", File, ["Ctrl+O"];
    AddVideo, "add_video", "Add video…", File, [];
    ImportLabels, "import_labels", "Import labels or predictions…", File, [];
    ExportDataset, "export_dataset", "Export dataset…", File, ["Ctrl+E"];
    SaveToDlc, "save_to_dlc", "Save to DeepLabCut", File, ["Ctrl+Shift+S"];
    CloseProject, "close_project", "Close project", File, ["Ctrl+W"];
    Undo, "undo", "Undo", Edit, ["Ctrl+Z"];
    Redo, "redo", "Redo", Edit, ["Ctrl+Shift+Z", "Ctrl+Y"];
    EditSkeleton, "edit_skeleton", "Skeleton…", Edit, ["Ctrl+K"];
    EditIndividuals, "edit_individuals", "Individuals…", Edit, ["Ctrl+I"];
    Settings, "settings", "Settings…", Edit, ["Ctrl+Comma"];
    ToggleOccluded, "toggle_occluded", "Toggle occluded", Label, ["O"];
    DeleteLabel, "delete_label", "Delete keypoint label", Label, ["Delete", "Backspace"];
    NextKeypoint, "next_keypoint", "Next keypoint", Label, ["S"];
    PreviousKeypoint, "previous_keypoint", "Previous keypoint", Label, ["W"];
    NextIndividual, "next_individual", "Next individual", Label, ["Tab"];
    PreviousIndividual, "previous_individual", "Previous individual", Label, ["Shift+Tab"];
    CopyPreviousLabels, "copy_previous_labels", "Copy labels from previous labeled frame", Label, ["Ctrl+Shift+V"];
    SwapIndividuals, "swap_individuals", "Swap selected individual with the next", Label, ["Ctrl+Shift+X"];
    NextFrame, "next_frame", "Next frame", Navigate, ["Right", "D"];
    PreviousFrame, "previous_frame", "Previous frame", Navigate, ["Left", "A"];
    Forward10, "forward_10", "Forward 10 frames", Navigate, ["Shift+Right", "Shift+D"];
    Back10, "back_10", "Back 10 frames", Navigate, ["Shift+Left", "Shift+A"];
    ForwardSecond, "forward_second", "Forward 1 second", Navigate, ["Ctrl+Right", "Ctrl+D"];
    BackSecond, "back_second", "Back 1 second", Navigate, ["Ctrl+Left", "Ctrl+A"];
    FirstFrame, "first_frame", "First frame", Navigate, ["Home"];
    LastFrame, "last_frame", "Last frame", Navigate, ["End"];
    GoToFrame, "go_to_frame", "Go to frame…", Navigate, ["Ctrl+G"];
    NextLabeledFrame, "next_labeled_frame", "Next labeled frame", Navigate, ["PageDown", "Period"];
    PreviousLabeledFrame, "previous_labeled_frame", "Previous labeled frame", Navigate, ["PageUp", "Comma"];
    NextUnlabeled, "next_unlabeled", "Next frame with unlabeled keypoints", Navigate, ["U"];
    NextVideo, "next_video", "Next video", Navigate, ["Ctrl+PageDown"];
    PreviousVideo, "previous_video", "Previous video", Navigate, ["Ctrl+PageUp"];
    Fit, "fit", "Fit frame to view", View, ["F"];
    ZoomIn, "zoom_in", "Zoom in", View, ["Plus", "Equals"];
    ZoomOut, "zoom_out", "Zoom out", View, ["Minus"];
    ActualSize, "actual_size", "Actual size (100%)", View, ["1"];
    ToggleTheme, "toggle_theme", "Light/dark theme", View, [];
    CommandPalette, "command_palette", "Command palette…", Help, ["Ctrl+P"];
    ShortcutSheet, "shortcut_sheet", "Keyboard shortcuts", Help, ["F1", "Questionmark"];
}

impl Command {
    /// Looks a command up by its id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.id() == id)
    }

    /// Commands that act on a video frame and need an open project.
    pub fn needs_project(self) -> bool {
        !matches!(
            self,
            Self::NewProject
                | Self::OpenProject
                | Self::ToggleTheme
                | Self::CommandPalette
                | Self::ShortcutSheet
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut ids: Vec<_> = Command::ALL.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
        for &c in Command::ALL {
            assert_eq!(Command::from_id(c.id()), Some(c));
        }
    }
}
