//! An open project: its store, its data in memory and its undo history. Every edit is
//! committed to the file before memory changes, so what is shown is what is saved.

use std::path::{Path, PathBuf};

use super::change::{Change, Edit};
use super::error::{ProjectError, ProjectResult};
use super::model::{
    Individual, IndividualDef, IndividualId, Keypoint, KeypointDef, KeypointId, Rgb, Video,
    VideoDef, VideoId, ordered_pair,
};
use super::predictions::{CHUNK_FRAMES, PredictionSetId, PredictionShape};
use super::state::ProjectState;
use super::store::{HistoryEntry, Store};

/// What a new project starts with.
#[derive(Clone, Debug, Default)]
pub struct NewProject {
    pub name: String,
    pub keypoints: Vec<String>,
    /// Edges by keypoint name.
    pub edges: Vec<(String, String)>,
    /// Left/right pairs by keypoint name.
    pub symmetric: Vec<(String, String)>,
    /// At least one; a single-animal project has one.
    pub individuals: Vec<String>,
    pub videos: Vec<VideoDef>,
}

impl NewProject {
    /// The initial state, with names checked.
    pub fn to_state(&self) -> ProjectResult<ProjectState> {
        let mut state = ProjectState::default();
        if self.keypoints.is_empty() {
            return Err(ProjectError::Invalid(
                "a project needs at least one keypoint".into(),
            ));
        }
        let n = self.keypoints.len();
        for (i, name) in self.keypoints.iter().enumerate() {
            let name = check_name(name, "keypoint")?;
            if state.skeleton.by_name(&name).is_some() {
                return Err(ProjectError::Invalid(format!(
                    "keypoint '{name}' is listed twice"
                )));
            }
            state.skeleton.keypoints.push(Keypoint {
                id: KeypointId(i as i64 + 1),
                def: KeypointDef {
                    name,
                    color: Rgb::rainbow(i, n),
                    order: i as i64,
                    unique: false,
                },
            });
        }
        let find = |state: &ProjectState, name: &str| -> ProjectResult<KeypointId> {
            state
                .skeleton
                .by_name(name.trim())
                .map(|k| k.id)
                .ok_or_else(|| {
                    ProjectError::Invalid(format!("'{name}' is not one of the keypoints"))
                })
        };
        for (a, b) in &self.edges {
            let pair = ordered_pair(find(&state, a)?, find(&state, b)?);
            if pair.0 == pair.1 {
                return Err(ProjectError::Invalid(format!(
                    "edge '{a}-{b}' joins a keypoint to itself"
                )));
            }
            state.skeleton.edges.insert(pair);
        }
        for (a, b) in &self.symmetric {
            let pair = ordered_pair(find(&state, a)?, find(&state, b)?);
            if pair.0 == pair.1 {
                return Err(ProjectError::Invalid(format!(
                    "pair '{a}-{b}' pairs a keypoint with itself"
                )));
            }
            state.skeleton.symmetric.insert(pair);
        }
        let individuals = if self.individuals.is_empty() {
            vec!["animal".to_owned()]
        } else {
            self.individuals.clone()
        };
        for (i, name) in individuals.iter().enumerate() {
            let name = check_name(name, "individual")?;
            if state.individual_by_name(&name).is_some() {
                return Err(ProjectError::Invalid(format!(
                    "individual '{name}' is listed twice"
                )));
            }
            state.individuals.push(Individual {
                id: IndividualId(i as i64 + 1),
                def: IndividualDef {
                    name,
                    order: i as i64,
                },
            });
        }
        for (i, def) in self.videos.iter().enumerate() {
            state.videos.push(Video {
                id: VideoId(i as i64 + 1),
                def: def.clone(),
            });
        }
        Ok(state)
    }
}

/// A keypoint or individual name, trimmed and checked.
pub fn check_name(name: &str, what: &str) -> ProjectResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ProjectError::Invalid(format!("a {what} needs a name")));
    }
    if name.contains([',', '\n', '\t']) {
        return Err(ProjectError::Invalid(format!(
            "{what} name '{name}' may not contain commas, tabs or line breaks"
        )));
    }
    Ok(name.to_owned())
}

/// An open project.
pub struct Project {
    store: Store,
    state: ProjectState,
    name: String,
    /// Sequence numbers and names of the edits that undo would revert, oldest first.
    done: Vec<(i64, String)>,
    /// Edits that redo would reapply, next one last.
    undone: Vec<(i64, String)>,
    /// Prediction chunks read last.
    chunk_cache: std::sync::Mutex<ChunkCache>,
}

/// Prediction chunks by (set, video, chunk).
type ChunkCache = lru::LruCache<(PredictionSetId, VideoId, u64), std::sync::Arc<Vec<f32>>>;

/// Prediction chunks kept in memory for drawing: scrubbing within a few thousand frames
/// reads none twice.
const CHUNK_CACHE_LEN: usize = 16;

impl Project {
    /// Creates the project file and opens it.
    pub fn create(path: &Path, new: &NewProject) -> ProjectResult<Self> {
        let state = new.to_state()?;
        Store::create(path, &new.name, &state)?;
        Self::open(path)
    }

    /// Creates a project file holding `state` (an import's result) and opens it.
    pub fn create_from_state(path: &Path, name: &str, state: &ProjectState) -> ProjectResult<Self> {
        Store::create(path, name, state)?;
        Self::open(path)
    }

    /// Opens a project file.
    pub fn open(path: &Path) -> ProjectResult<Self> {
        let store = Store::open(path)?;
        let state = store.load()?;
        let name = store.name()?;
        let mut done = Vec::new();
        let mut undone = Vec::new();
        for HistoryEntry {
            seq,
            description,
            undone: is_undone,
        } in store.history()?
        {
            if is_undone {
                undone.push((seq, description));
            } else {
                done.push((seq, description));
            }
        }
        // Redo takes the oldest undone entry first.
        undone.reverse();
        Ok(Self {
            store,
            state,
            name,
            done,
            undone,
            chunk_cache: std::sync::Mutex::new(lru::LruCache::new(
                std::num::NonZeroUsize::new(CHUNK_CACHE_LEN).expect("not zero"),
            )),
        })
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// The folder that relative video paths start from.
    pub fn dir(&self) -> PathBuf {
        project_dir(self.store.path())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The project's data. Change it with `apply`.
    pub fn state(&self) -> &ProjectState {
        &self.state
    }

    /// Where video `id` is on disk.
    pub fn video_path(&self, id: VideoId) -> Option<PathBuf> {
        self.state
            .video(id)
            .map(|v| resolve_video_path(&self.dir(), &v.def.path))
    }

    /// Adds a prediction set that a `PredictionWriter` wrote (hidden) to the project,
    /// as one undoable edit named `description`: undo hides it again, without copying
    /// its arrays into the history.
    pub fn add_prediction_set(
        &mut self,
        id: PredictionSetId,
        description: impl Into<String>,
    ) -> ProjectResult<()> {
        self.add_import(description, None, Some(id)).map(drop)
    }

    /// Adds what an imported file gave, as one undoable edit named `description`: its
    /// labels (`labels`, an edit of label rows) and its prediction set (written hidden
    /// by a `PredictionWriter`). Returns false when it brings nothing new.
    pub fn add_import(
        &mut self,
        description: impl Into<String>,
        labels: Option<Edit>,
        set: Option<PredictionSetId>,
    ) -> ProjectResult<bool> {
        let mut changes = labels.map(|e| e.changes).unwrap_or_default();
        if let Some(id) = set {
            let mut stored = self.store.prediction_sets()?;
            let set = stored.remove(&id).ok_or_else(|| {
                ProjectError::Invalid(format!("no prediction set {} in the project file", id.0))
            })?;
            let def = set.def.clone();
            self.state.prediction_sets.insert(id, set);
            changes.push(Change::PredictionSet {
                id,
                before: None,
                after: Some(def),
            });
        }
        match Edit::new(description, changes) {
            Some(edit) => self.apply(edit).map(|()| true),
            None => Ok(false),
        }
    }

    /// The predicted points of `set` on one frame of `video`: the frame's floats
    /// (`individuals × keypoints × (x, y, score)`, NaN where none) with the set's shape
    /// for that video. Reads the frame's chunk (cached), not per-frame rows.
    pub fn prediction_frame(
        &self,
        set: PredictionSetId,
        video: VideoId,
        frame_idx: u64,
    ) -> ProjectResult<Option<(PredictionShape, Vec<f32>)>> {
        let Some(shape) = self
            .state
            .prediction_set(set)
            .and_then(|s| s.video(video))
            .map(|v| v.shape.clone())
        else {
            return Ok(None);
        };
        if frame_idx >= shape.frame_count {
            return Ok(None);
        }
        let chunk = frame_idx / CHUNK_FRAMES;
        let floats = self.chunk(set, video, chunk)?;
        let per_frame = shape.frame_floats();
        let at = (frame_idx - chunk * CHUNK_FRAMES) as usize * per_frame;
        Ok(floats
            .get(at..at + per_frame)
            .map(|f| (shape.clone(), f.to_vec())))
    }

    /// Reads a set's chunks and per-frame summaries again after another connection
    /// wrote more of them (a model run that fills its set as it goes).
    pub fn refresh_prediction_set(&mut self, id: PredictionSetId) -> ProjectResult<()> {
        if let Ok(mut cache) = self.chunk_cache.lock() {
            let stale: Vec<_> = cache
                .iter()
                .filter(|((set, _, _), _)| *set == id)
                .map(|(k, _)| *k)
                .collect();
            for key in stale {
                cache.pop(&key);
            }
        }
        let mut stored = self.store.prediction_sets()?;
        if let (Some(fresh), Some(set)) =
            (stored.remove(&id), self.state.prediction_sets.get_mut(&id))
        {
            set.videos = fresh.videos;
        }
        Ok(())
    }

    /// A chunk of predictions, from the small cache of the chunks read last.
    fn chunk(
        &self,
        set: PredictionSetId,
        video: VideoId,
        chunk: u64,
    ) -> ProjectResult<std::sync::Arc<Vec<f32>>> {
        let key = (set, video, chunk);
        if let Some(hit) = self
            .chunk_cache
            .lock()
            .ok()
            .and_then(|mut c| c.get(&key).cloned())
        {
            return Ok(hit);
        }
        let floats = std::sync::Arc::new(
            self.store
                .prediction_chunk(set, video, chunk)?
                .unwrap_or_default(),
        );
        if let Ok(mut cache) = self.chunk_cache.lock() {
            cache.put(key, std::sync::Arc::clone(&floats));
        }
        Ok(floats)
    }

    /// Commits `edit` and applies it. On error nothing changed, on disk or in memory.
    pub fn apply(&mut self, edit: Edit) -> ProjectResult<()> {
        let seq = self.store.commit_new(&edit)?;
        for change in &edit.changes {
            self.state.apply(change);
        }
        self.done.push((seq, edit.description));
        self.undone.clear();
        Ok(())
    }

    /// Name of the edit that undo would revert.
    pub fn undo_description(&self) -> Option<&str> {
        self.done.last().map(|(_, d)| d.as_str())
    }

    /// Name of the edit that redo would reapply.
    pub fn redo_description(&self) -> Option<&str> {
        self.undone.last().map(|(_, d)| d.as_str())
    }

    /// Reverts the last edit; returns its name, or `None` when there is nothing to undo.
    pub fn undo(&mut self) -> ProjectResult<Option<String>> {
        let Some(&(seq, _)) = self.done.last() else {
            return Ok(None);
        };
        let inverse = self.store.history_edit(seq)?.inverse();
        self.store
            .commit_history_step(seq, &inverse.changes, true)?;
        for change in &inverse.changes {
            self.state.apply(change);
        }
        let entry = self.done.pop().expect("checked above");
        let name = entry.1.clone();
        self.undone.push(entry);
        Ok(Some(name))
    }

    /// Reapplies the last undone edit; returns its name, or `None` when there is none.
    pub fn redo(&mut self) -> ProjectResult<Option<String>> {
        let Some(&(seq, _)) = self.undone.last() else {
            return Ok(None);
        };
        let edit = self.store.history_edit(seq)?;
        self.store.commit_history_step(seq, &edit.changes, false)?;
        for change in &edit.changes {
            self.state.apply(change);
        }
        let entry = self.undone.pop().expect("checked above");
        let name = entry.1.clone();
        self.done.push(entry);
        Ok(Some(name))
    }

    /// The edit history, oldest first.
    pub fn history(&self) -> ProjectResult<Vec<HistoryEntry>> {
        self.store.history()
    }
}

/// The folder a project file's relative paths start from.
pub fn project_dir(project_path: &Path) -> PathBuf {
    match project_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// How a project stores the path of a video: relative to the project's folder where
/// the two share a root, with `/` separators, so that a project folder moved as a
/// whole keeps its videos.
pub fn stored_video_path(project_dir: &Path, video: &Path) -> String {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .map(|a| normalize(&a))
            .unwrap_or_else(|_| p.to_owned())
    };
    // A bare file name's folder is "" (the working folder), which `absolute` refuses.
    let project_dir = if project_dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        project_dir
    };
    let (dir, video_abs) = (absolute(project_dir), absolute(video));
    match pathdiff::diff_paths(&video_abs, &dir) {
        // Joining an absolute path's components would double its leading `/`.
        Some(rel) if rel.is_absolute() => rel.to_string_lossy().into_owned(),
        Some(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        None => video_abs.to_string_lossy().into_owned(),
    }
}

/// Where a stored video path points, seen from the project's folder.
pub fn resolve_video_path(project_dir: &Path, stored: &str) -> PathBuf {
    let path = Path::new(stored);
    if path.is_absolute() {
        path.to_owned()
    } else {
        project_dir.join(path)
    }
}

/// Removes `.` and folds `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_named_without_a_folder_stores_its_video_relative_to_the_working_folder() {
        // `kinelab open clip.slp` from the file's folder: the project's folder is "".
        assert_eq!(
            stored_video_path(Path::new(""), Path::new("clip.mp4")),
            "clip.mp4"
        );
        assert_eq!(
            stored_video_path(Path::new(""), Path::new("videos/clip.mp4")),
            "videos/clip.mp4"
        );
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            stored_video_path(&cwd, &cwd.join("a").join("b.mp4")),
            "a/b.mp4"
        );
    }
}
