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

    /// Reads the preferences; a missing or unreadable file gives the defaults.
    pub fn load(path: Option<&Path>) -> Self {
        path.and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
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
        let mut prefs = Prefs::load(Some(&file));
        for name in ["/a.kinelab", "/b.kinelab", "/a.kinelab"] {
            prefs.remember(Path::new(name));
        }
        prefs.save(Some(&file)).unwrap();
        let back = Prefs::load(Some(&file));
        assert_eq!(
            back.recent_projects,
            [PathBuf::from("/a.kinelab"), PathBuf::from("/b.kinelab")]
        );
    }
}
