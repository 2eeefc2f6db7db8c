//! Every action a person can take, in one enum that feeds the menus (with their keys),
//! the keyboard shortcuts, the shortcut sheet and the command palette.

/// Where a command sits in the menu bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MenuGroup {
    File,
    Edit,
    Label,
    Model,
    Navigate,
    View,
    Help,
}

impl MenuGroup {
    pub const ALL: [MenuGroup; 7] = [
        Self::File,
        Self::Edit,
        Self::Label,
        Self::Model,
        Self::Navigate,
        Self::View,
        Self::Help,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::File => "File",
            Self::Edit => "Edit",
            Self::Label => "Label",
            Self::Model => "Model",
            Self::Navigate => "Navigate",
            Self::View => "View",
            Self::Help => "Help",
        }
    }
}

/// Where a command runs, and whether it needs an open project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandScope {
    /// The app runs it, with or without a project.
    App,
    /// The app runs it, on the open project (closing it).
    AppWithProject,
    /// The open project's workspace runs it.
    Workspace,
}

macro_rules! commands {
    ($( $variant:ident, $id:literal, $title:literal, $group:ident, $scope:ident, [$($key:literal),*]; )*) => {
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

            /// Where it runs, as the table says.
            pub fn scope(self) -> CommandScope {
                match self { $(Command::$variant => CommandScope::$scope),* }
            }

            /// Default shortcuts, as `Ctrl+Shift+Z` text (see `keymap`).
            pub fn default_keys(self) -> &'static [&'static str] {
                match self { $(Command::$variant => &[$($key),*]),* }
            }
        }
    };
}

commands! {
    NewProject, "new_project", "New project…", File, App, ["Ctrl+N"];
    OpenProject, "open_project", "Open project…", File, App, ["Ctrl+O"];
    AddVideo, "add_video", "Add video…", File, Workspace, [];
    ImportLabels, "import_labels", "Import labels or predictions…", File, Workspace, [];
    ExportDataset, "export_dataset", "Export dataset…", File, Workspace, ["Ctrl+E"];
    SaveToDlc, "save_to_dlc", "Save to DeepLabCut", File, Workspace, ["Ctrl+Shift+S"];
    RenderLabeledVideo, "render_labeled_video", "Render labeled video…", File, Workspace, [];
    CloseProject, "close_project", "Close project", File, AppWithProject, ["Ctrl+W"];
    Undo, "undo", "Undo", Edit, Workspace, ["Ctrl+Z"];
    Redo, "redo", "Redo", Edit, Workspace, ["Ctrl+Shift+Z", "Ctrl+Y"];
    EditSkeleton, "edit_skeleton", "Skeleton…", Edit, Workspace, ["Ctrl+K"];
    EditIndividuals, "edit_individuals", "Individuals…", Edit, Workspace, ["Ctrl+I"];
    Settings, "settings", "Settings…", Edit, Workspace, ["Ctrl+Comma"];
    ToggleOccluded, "toggle_occluded", "Toggle occluded", Label, Workspace, ["O"];
    DeleteLabel, "delete_label", "Delete keypoint label", Label, Workspace, ["Delete", "Backspace"];
    NextKeypoint, "next_keypoint", "Next keypoint", Label, Workspace, ["S"];
    PreviousKeypoint, "previous_keypoint", "Previous keypoint", Label, Workspace, ["W"];
    NextIndividual, "next_individual", "Next individual", Label, Workspace, ["Tab"];
    PreviousIndividual, "previous_individual", "Previous individual", Label, Workspace, ["Shift+Tab"];
    CopyPreviousLabels, "copy_previous_labels", "Copy labels from previous labeled frame", Label, Workspace, ["Ctrl+Shift+V"];
    SwapIndividuals, "swap_individuals", "Swap selected individual with the next", Label, Workspace, ["Ctrl+Shift+X"];
    AcceptFramePredictions, "accept_frame_predictions", "Accept this frame's predictions as labels", Label, Workspace, ["Shift+Enter"];
    AcceptPredictionsRange, "accept_predictions_range", "Accept predictions over frames…", Label, Workspace, [];
    Behaviours, "behaviours", "Behaviours: ethogram and events…", Label, Workspace, ["Ctrl+B"];
    BehaviourRules, "behaviour_rules", "Behaviour rules…", Label, Workspace, [];
    Identities, "identities", "Identities: crossings and swaps…", Label, Workspace, [];
    InterpolateLabels, "interpolate_labels", "Interpolate labels between labeled frames", Label, Workspace, ["Ctrl+Shift+I"];
    Models, "models", "Models…", Model, Workspace, ["Ctrl+M"];
    SuggestFrame, "suggest_frame", "Suggest keypoints on this frame", Model, Workspace, ["G"];
    AutoSuggest, "auto_suggest", "Suggest on every frame (on/off)", Model, Workspace, ["Shift+G"];
    AcceptSuggestions, "accept_suggestions", "Accept this frame's suggestions as labels", Model, Workspace, ["Enter"];
    RunModelOnVideo, "run_model_on_video", "Run model on video…", Model, Workspace, [];
    PlayPause, "play_pause", "Play / pause", Navigate, Workspace, ["Space"];
    Faster, "faster", "Play faster", Navigate, Workspace, ["CloseBracket"];
    Slower, "slower", "Play slower", Navigate, Workspace, ["OpenBracket"];
    NextFrame, "next_frame", "Next frame", Navigate, Workspace, ["Right", "D"];
    PreviousFrame, "previous_frame", "Previous frame", Navigate, Workspace, ["Left", "A"];
    Forward10, "forward_10", "Forward 10 frames", Navigate, Workspace, ["Shift+Right", "Shift+D"];
    Back10, "back_10", "Back 10 frames", Navigate, Workspace, ["Shift+Left", "Shift+A"];
    ForwardSecond, "forward_second", "Forward 1 second", Navigate, Workspace, ["Ctrl+Right", "Ctrl+D"];
    BackSecond, "back_second", "Back 1 second", Navigate, Workspace, ["Ctrl+Left", "Ctrl+A"];
    FirstFrame, "first_frame", "First frame", Navigate, Workspace, ["Home"];
    LastFrame, "last_frame", "Last frame", Navigate, Workspace, ["End"];
    GoToFrame, "go_to_frame", "Go to frame…", Navigate, Workspace, ["Ctrl+G"];
    NextLabeledFrame, "next_labeled_frame", "Next labeled frame", Navigate, Workspace, ["PageDown", "Period"];
    PreviousLabeledFrame, "previous_labeled_frame", "Previous labeled frame", Navigate, Workspace, ["PageUp", "Comma"];
    NextUnlabeled, "next_unlabeled", "Next frame with unlabeled keypoints", Navigate, Workspace, ["U"];
    FramesToLabel, "frames_to_label", "Frames to label…", Navigate, Workspace, ["Ctrl+L"];
    NextFrameToLabel, "next_frame_to_label", "Next frame to label", Navigate, Workspace, ["N"];
    PreviousFrameToLabel, "previous_frame_to_label", "Previous frame to label", Navigate, Workspace, ["Shift+N"];
    Outliers, "outliers", "Outliers…", Navigate, Workspace, ["Ctrl+Shift+O"];
    NextOutlier, "next_outlier", "Next outlier", Navigate, Workspace, ["J"];
    PreviousOutlier, "previous_outlier", "Previous outlier", Navigate, Workspace, ["Shift+J"];
    NextVideo, "next_video", "Next video", Navigate, Workspace, ["Ctrl+PageDown"];
    PreviousVideo, "previous_video", "Previous video", Navigate, Workspace, ["Ctrl+PageUp"];
    Fit, "fit", "Fit frame to view", View, Workspace, ["F"];
    ZoomIn, "zoom_in", "Zoom in", View, Workspace, ["Plus", "Equals"];
    ZoomOut, "zoom_out", "Zoom out", View, Workspace, ["Minus"];
    ActualSize, "actual_size", "Actual size (100%)", View, Workspace, ["1"];
    Plots, "plots", "Plots (kinematics)", View, Workspace, ["Ctrl+J"];
    ToggleTheme, "toggle_theme", "Light/dark theme", View, App, [];
    CommandPalette, "command_palette", "Command palette…", Help, App, ["Ctrl+P"];
    ShortcutSheet, "shortcut_sheet", "Keyboard shortcuts", Help, App, ["F1", "Questionmark"];
}

impl Command {
    /// Looks a command up by its id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.id() == id)
    }

    /// Whether it needs an open project (its menu item is greyed out without one).
    pub fn needs_project(self) -> bool {
        self.scope() != CommandScope::App
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
