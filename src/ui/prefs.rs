//! The user's preferences across projects: recent projects and the theme, in
//! `~/.config/kinelab/prefs.json`, written atomically.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::util::atomic_file::write_atomically;

/// How many recent projects the start screen lists.
pub const RECENT_MAX: usize = 10;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Prefs {
    #[serde(default)]
    pub recent_projects: Vec<PathBuf>,
    #[serde(default)]
    pub light_theme: bool,
}

impl Prefs {
    pub fn default_file() -> Option<PathBuf> {
        dirs::config_dir().map(|d| d.join("kinelab").join("prefs.json"))
    }

    /// Reads the preferences; a missing file gives the defaults. A damaged one also
    /// does, with a message, and is moved aside (`.bad`) so the next save does not
    /// overwrite what it held.
    pub fn load(path: Option<&Path>) -> (Self, Option<String>) {
        let Some(path) = path else {
            return (Self::default(), None);
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Self::default(), None),
            Err(e) => return (Self::default(), Some(format!("{}: {e}", path.display()))),
        };
        match serde_json::from_str(&text) {
            Ok(prefs) => (prefs, None),
            Err(e) => {
                let mut aside = path.as_os_str().to_owned();
                aside.push(".bad");
                let kept = std::fs::rename(path, &aside)
                    .map(|()| format!("; kept as {}", Path::new(&aside).display()))
                    .unwrap_or_default();
                let warning = format!(
                    "{}: not readable ({e}); recent projects start empty{kept}",
                    path.display()
                );
                (Self::default(), Some(warning))
            }
        }
    }

    pub fn save(&self, path: Option<&Path>) -> anyhow::Result<()> {
        let Some(path) = path else { return Ok(()) };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let json = serde_json::to_vec_pretty(self)?;
        write_atomically(path, |w| w.write_all(&json))?;
        Ok(())
    }

    /// Puts `project` first in the recent list.
    pub fn remember(&mut self, project: &Path) {
        let project = std::path::absolute(project).unwrap_or_else(|_| project.to_owned());
        self.recent_projects.retain(|p| p != &project);
        self.recent_projects.insert(0, project);
        self.recent_projects.truncate(RECENT_MAX);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_projects_are_most_recent_first_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("prefs.json");
        let (mut prefs, warning) = Prefs::load(Some(&file));
        assert_eq!(warning, None);
        for name in ["/a.kinelab", "/b.kinelab", "/a.kinelab"] {
            prefs.remember(Path::new(name));
        }
        prefs.save(Some(&file)).unwrap();
        let (back, _) = Prefs::load(Some(&file));
        assert_eq!(
            back.recent_projects,
            [PathBuf::from("/a.kinelab"), PathBuf::from("/b.kinelab")]
        );
    }

    #[test]
    fn a_damaged_file_is_reported_and_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("prefs.json");
        std::fs::write(&file, "{ not json").unwrap();
        let (prefs, warning) = Prefs::load(Some(&file));
        assert_eq!(prefs, Prefs::default());
        let warning = warning.expect("a message");
        assert!(
            warning.contains("prefs.json") && warning.contains(".bad"),
            "{warning}"
        );
        let aside = dir.path().join("prefs.json.bad");
        assert_eq!(std::fs::read_to_string(aside).unwrap(), "{ not json");
    }
}
