//! Keyboard shortcuts: the defaults of `Command`, remapped by the user's
//! `shortcuts.toml` in the config folder, and matched against key events.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};

use super::commands::Command;

/// A key with the modifiers that must be held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shortcut {
    pub ctrl: bool,
    pub shift: bool,
    pub alt: bool,
    pub key: Key,
}

impl Shortcut {
    /// Parses `Ctrl+Shift+Z`, `Right`, `Questionmark`, `F1`. Key names are egui's.
    pub fn parse(text: &str) -> Option<Self> {
        let mut shortcut = Self {
            ctrl: false,
            shift: false,
            alt: false,
            key: Key::Escape,
        };
        let parts: Vec<&str> = text.split('+').map(str::trim).collect();
        // "Ctrl++" names the plus key.
        let (mods, key) = match parts.as_slice() {
            [.., "", ""] => (&parts[..parts.len() - 2], "+"),
            [mods @ .., key] => (mods, *key),
            [] => return None,
        };
        for m in mods {
            match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" | "cmd" | "command" => shortcut.ctrl = true,
                "shift" => shortcut.shift = true,
                "alt" | "option" => shortcut.alt = true,
                _ => return None,
            }
        }
        shortcut.key = Key::from_name(key).or_else(|| Key::from_name(&key.to_ascii_uppercase()))?;
        Some(shortcut)
    }

    /// Text for menus and the shortcut sheet.
    pub fn label(&self) -> String {
        let mut text = String::new();
        if self.ctrl {
            text.push_str("Ctrl+");
        }
        if self.alt {
            text.push_str("Alt+");
        }
        if self.shift {
            text.push_str("Shift+");
        }
        text.push_str(match self.key {
            // Words, not arrow glyphs: egui's bundled font has no arrows.
            Key::ArrowLeft => "Left",
            Key::ArrowRight => "Right",
            Key::ArrowUp => "Up",
            Key::ArrowDown => "Down",
            other => other.symbol_or_name(),
        });
        text
    }

    /// Whether a key event with `modifiers` is this shortcut. Keys typed with Shift
    /// by nature (`?`, `+`) match with or without it.
    pub fn matches(&self, key: Key, modifiers: Modifiers) -> bool {
        let shift_is_part_of_key = matches!(self.key, Key::Questionmark | Key::Plus | Key::Colon);
        key == self.key
            && modifiers.command == self.ctrl
            && modifiers.alt == self.alt
            && (modifiers.shift == self.shift || shift_is_part_of_key)
    }
}

/// Commands by shortcut and shortcuts by command.
#[derive(Clone, Debug)]
pub struct Keymap {
    by_command: HashMap<Command, Vec<Shortcut>>,
    /// Problems found in the user's file, shown once in the status bar.
    pub warnings: Vec<String>,
}

impl Default for Keymap {
    fn default() -> Self {
        let by_command = Command::ALL
            .iter()
            .map(|&c| {
                let keys = c
                    .default_keys()
                    .iter()
                    .filter_map(|k| Shortcut::parse(k))
                    .collect();
                (c, keys)
            })
            .collect();
        Self {
            by_command,
            warnings: Vec::new(),
        }
    }
}

/// The user's shortcuts file: `[shortcuts]` with `command_id = ["Ctrl+G", "G"]`.
#[derive(serde::Deserialize, Default)]
struct ShortcutsFile {
    #[serde(default)]
    shortcuts: std::collections::BTreeMap<String, Vec<String>>,
}

impl Keymap {
    /// Where the user's overrides live: `~/.config/kinelab/shortcuts.toml`.
    pub fn user_file() -> Option<PathBuf> {
        dirs::config_dir().map(|d| d.join("kinelab").join("shortcuts.toml"))
    }

    /// The defaults with the overrides of `path` applied, if it exists.
    pub fn load(path: Option<&Path>) -> Self {
        let mut keymap = Self::default();
        let Some(path) = path else { return keymap };
        match std::fs::read_to_string(path) {
            Ok(text) => keymap.apply_overrides(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => keymap.warnings.push(format!("{}: {e}", path.display())),
        }
        keymap
    }

    /// Applies a shortcuts file's text. Each listed command gets exactly the listed
    /// keys (an empty list unbinds it); a key taken from another command is removed
    /// there, so one key never runs two commands.
    pub fn apply_overrides(&mut self, text: &str, path: &Path) {
        let file: ShortcutsFile = match toml::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                self.warnings
                    .push(format!("{}: {}", path.display(), e.message()));
                return;
            }
        };
        for (id, keys) in file.shortcuts {
            let Some(command) = Command::from_id(&id) else {
                self.warnings.push(format!(
                    "{}: no command '{id}' (see Help > Keyboard shortcuts)",
                    path.display()
                ));
                continue;
            };
            let mut parsed = Vec::new();
            for key in keys {
                match Shortcut::parse(&key) {
                    Some(s) => parsed.push(s),
                    None => self
                        .warnings
                        .push(format!("{}: '{key}' for {id} is not a key", path.display())),
                }
            }
            for s in &parsed {
                for list in self.by_command.values_mut() {
                    list.retain(|k| k != s);
                }
            }
            self.by_command.insert(command, parsed);
        }
    }

    /// The shortcuts of a command.
    pub fn keys(&self, command: Command) -> &[Shortcut] {
        self.by_command.get(&command).map_or(&[], Vec::as_slice)
    }

    /// The first shortcut's text, for menus.
    pub fn label(&self, command: Command) -> Option<String> {
        self.keys(command).first().map(Shortcut::label)
    }

    /// The keys bound to commands without modifiers ("A", "1", "Space"), which a
    /// behaviour's key may not be.
    pub fn unmodified_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Command::ALL
            .iter()
            .flat_map(|&c| self.keys(c))
            .filter(|s| !s.ctrl && !s.shift && !s.alt)
            .map(|s| s.key.name().to_owned())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// The command bound to a key event, if any.
    pub fn command_for(&self, key: Key, modifiers: Modifiers) -> Option<Command> {
        Command::ALL
            .iter()
            .copied()
            .find(|&c| self.keys(c).iter().any(|s| s.matches(key, modifiers)))
    }

    /// Takes this frame's key presses (repeats included, so holding a key steps at the
    /// key-repeat rate) that are bound to commands, removing them from egui's input.
    pub fn take_commands(&self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        ctx.input_mut(|input| {
            input.events.retain(|event| {
                if let egui::Event::Key {
                    key,
                    pressed: true,
                    modifiers,
                    ..
                } = event
                    && let Some(c) = self.command_for(*key, *modifiers)
                {
                    commands.push(c);
                    return false;
                }
                true
            });
        });
        commands
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_key_parses_and_no_key_runs_two_commands() {
        let keymap = Keymap::default();
        let mut seen = HashMap::new();
        for &c in Command::ALL {
            assert_eq!(keymap.keys(c).len(), c.default_keys().len(), "{c:?}");
            for s in keymap.keys(c) {
                if let Some(other) = seen.insert(*s, c) {
                    panic!("{} is bound to {other:?} and {c:?}", s.label());
                }
            }
        }
    }

    #[test]
    fn shortcuts_match_exact_modifiers() {
        let keymap = Keymap::default();
        let none = Modifiers::NONE;
        assert_eq!(
            keymap.command_for(Key::ArrowRight, none),
            Some(Command::NextFrame)
        );
        assert_eq!(
            keymap.command_for(Key::ArrowRight, Modifiers::SHIFT),
            Some(Command::Forward10)
        );
        assert_eq!(
            keymap.command_for(Key::ArrowRight, Modifiers::COMMAND),
            Some(Command::ForwardSecond)
        );
        assert_eq!(
            keymap.command_for(Key::Z, Modifiers::COMMAND),
            Some(Command::Undo)
        );
        let ctrl_shift = Modifiers::COMMAND | Modifiers::SHIFT;
        assert_eq!(keymap.command_for(Key::Z, ctrl_shift), Some(Command::Redo));
        assert_eq!(
            keymap.command_for(Key::Questionmark, Modifiers::SHIFT),
            Some(Command::ShortcutSheet)
        );
    }

    #[test]
    fn a_user_file_remaps_and_reports_mistakes() {
        let mut keymap = Keymap::default();
        let path = Path::new("/home/me/.config/kinelab/shortcuts.toml");
        keymap.apply_overrides(
            "[shortcuts]\nnext_frame = [\"L\"]\ngo_to_frame = [\"Right\"]\nfly = [\"Q\"]\nfit = [\"Ctrl+Nope\"]\n",
            path,
        );
        assert_eq!(
            keymap.command_for(Key::L, Modifiers::NONE),
            Some(Command::NextFrame)
        );
        assert_eq!(keymap.command_for(Key::D, Modifiers::NONE), None);
        assert_eq!(
            keymap.command_for(Key::ArrowRight, Modifiers::NONE),
            Some(Command::GoToFrame)
        );
        assert_eq!(keymap.warnings.len(), 2, "{:?}", keymap.warnings);
        assert!(keymap.warnings[0].contains("shortcuts.toml"));
        keymap.apply_overrides("not = toml = at all", path);
        assert_eq!(keymap.warnings.len(), 3);
    }
}
