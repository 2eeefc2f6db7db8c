//! The project file: one SQLite database. Schema, migrations, loading, and writing
//! changes and the edit history, each edit in its own transaction.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};

use super::change::{Change, Edit};
use super::error::{ProjectError, ProjectResult};
use super::model::{
    Individual, IndividualDef, IndividualId, Keypoint, KeypointDef, KeypointId, Label, LabelKey,
    Provenance, Rgb, Video, VideoDef, VideoId, Visibility, ordered_pair,
};
use super::state::ProjectState;

/// `PRAGMA application_id` of a Kinelab project ("KLAB"), so that another program's
/// SQLite file is told apart from a project.
pub const APPLICATION_ID: i32 = 0x4B4C_4142;

/// One schema migration: SQL, then (where the data must be rewritten) a function, both
/// in the migration's transaction.
pub struct Migration {
    pub sql: &'static str,
    pub data: Option<fn(&Transaction<'_>) -> rusqlite::Result<()>>,
}

const fn sql(sql: &'static str) -> Migration {
    Migration { sql, data: None }
}

/// Schema migrations, oldest first: `MIGRATIONS[i]` takes a file from version `i` to
/// `i + 1`. The schema version is `PRAGMA user_version`.
pub const MIGRATIONS: &[Migration] = &[
    // 1: the first schema.
    sql(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE keypoints (
         id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, color TEXT NOT NULL,
         ord INTEGER NOT NULL);
     CREATE TABLE edges (
         a INTEGER NOT NULL REFERENCES keypoints(id), b INTEGER NOT NULL REFERENCES keypoints(id),
         PRIMARY KEY (a, b));
     CREATE TABLE symmetric_pairs (
         a INTEGER NOT NULL REFERENCES keypoints(id), b INTEGER NOT NULL REFERENCES keypoints(id),
         PRIMARY KEY (a, b));
     CREATE TABLE individuals (
         id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, ord INTEGER NOT NULL);
     CREATE TABLE videos (
         id INTEGER PRIMARY KEY, path TEXT NOT NULL, size_bytes INTEGER NOT NULL,
         edge_hash INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
         fps REAL NOT NULL, frame_count INTEGER NOT NULL);
     CREATE TABLE labels (
         video INTEGER NOT NULL REFERENCES videos(id),
         frame_idx INTEGER NOT NULL,
         individual INTEGER NOT NULL REFERENCES individuals(id),
         keypoint INTEGER NOT NULL REFERENCES keypoints(id),
         x REAL NOT NULL, y REAL NOT NULL, visibility TEXT NOT NULL,
         provenance TEXT NOT NULL, model TEXT,
         PRIMARY KEY (video, frame_idx, individual, keypoint)) WITHOUT ROWID;
     CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE history (
         seq INTEGER PRIMARY KEY AUTOINCREMENT, description TEXT NOT NULL,
         changes TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0);",
    ),
    // 2: when each edit was made, for the history list.
    sql("ALTER TABLE history ADD COLUMN made_at_unix_secs REAL;"),
    // 3: unique keypoints (DeepLabCut's "single"), whose labels belong to individual 0
    // (so labels.individual no longer refers to a row), and image folders as videos.
    sql(
        "ALTER TABLE keypoints ADD COLUMN is_unique INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE videos ADD COLUMN frame_files TEXT;
     CREATE TABLE labels_v3 (
         video INTEGER NOT NULL REFERENCES videos(id),
         frame_idx INTEGER NOT NULL,
         individual INTEGER NOT NULL,
         keypoint INTEGER NOT NULL REFERENCES keypoints(id),
         x REAL NOT NULL, y REAL NOT NULL, visibility TEXT NOT NULL,
         provenance TEXT NOT NULL, model TEXT,
         PRIMARY KEY (video, frame_idx, individual, keypoint)) WITHOUT ROWID;
     INSERT INTO labels_v3
         SELECT video, frame_idx, individual, keypoint, x, y, visibility, provenance, model
         FROM labels;
     DROP TABLE labels;
     ALTER TABLE labels_v3 RENAME TO labels;",
    ),
    // 4: a model's confidence in each predicted point.
    sql("ALTER TABLE labels ADD COLUMN score REAL;"),
    // 5: predictions as prediction sets with chunked arrays; a model's scored label
    // rows from before become sets.
    Migration {
        sql: "CREATE TABLE prediction_sets (
                  id INTEGER PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL,
                  scorer TEXT NOT NULL, created_unix_secs REAL NOT NULL,
                  present INTEGER NOT NULL DEFAULT 0);
              CREATE TABLE prediction_videos (
                  set_id INTEGER NOT NULL REFERENCES prediction_sets(id) ON DELETE CASCADE,
                  video INTEGER NOT NULL, frame_count INTEGER NOT NULL,
                  individuals TEXT NOT NULL, keypoints TEXT NOT NULL,
                  chunk_frames INTEGER NOT NULL, summary BLOB NOT NULL,
                  PRIMARY KEY (set_id, video));
              CREATE TABLE prediction_chunks (
                  set_id INTEGER NOT NULL, video INTEGER NOT NULL, chunk INTEGER NOT NULL,
                  data BLOB NOT NULL,
                  PRIMARY KEY (set_id, video, chunk),
                  FOREIGN KEY (set_id, video) REFERENCES prediction_videos(set_id, video)
                      ON DELETE CASCADE);",
        data: Some(super::prediction_store::model_labels_to_sets),
    },
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// An open project file.
pub struct Store {
    /// Checkpoints off the committing thread (a store opened, not one being made).
    /// First, because fields drop in order: its thread ends before `conn` closes.
    checkpointer: Option<super::checkpointer::Checkpointer>,
    path: PathBuf,
    conn: Connection,
}

/// One entry of the edit history as the store lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    pub seq: i64,
    pub description: String,
    pub undone: bool,
}

impl Store {
    /// Opens an existing project file, migrating an older schema forward.
    pub fn open(path: &Path) -> ProjectResult<Self> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ProjectError::NotFound {
                    path: path.to_owned(),
                });
            }
            Err(e) => return Err(ProjectError::io(path, e)),
            Ok(meta) if meta.is_dir() => {
                return Err(ProjectError::NotAProject {
                    path: path.to_owned(),
                    reason: "it is a folder".into(),
                });
            }
            Ok(meta) if meta.len() == 0 => {
                return Err(ProjectError::NotAProject {
                    path: path.to_owned(),
                    reason: "the file is empty".into(),
                });
            }
            Ok(_) => {}
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| ProjectError::sqlite(path, e))?;
        let mut store = Self {
            checkpointer: None,
            path: path.to_owned(),
            conn,
        };
        let (app_id, version) = store.identity().map_err(|e| match e {
            ProjectError::Sqlite { reason, .. } => ProjectError::NotAProject {
                path: path.to_owned(),
                reason,
            },
            other => other,
        })?;
        if app_id != APPLICATION_ID {
            return Err(ProjectError::NotAProject {
                path: path.to_owned(),
                reason: "it is an SQLite database of another program".into(),
            });
        }
        if version > SCHEMA_VERSION {
            return Err(ProjectError::NewerSchema {
                path: path.to_owned(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        store.configure()?;
        store.migrate_from(version)?;
        // From here on, checkpoints happen on their own thread (see `checkpointer`).
        if let Some(checkpointer) = super::checkpointer::Checkpointer::start(path) {
            store
                .conn
                .pragma_update(None, "wal_autocheckpoint", 0)
                .map_err(|e| ProjectError::sqlite(path, e))?;
            store.checkpointer = Some(checkpointer);
        }
        // Prediction sets nothing can bring back (an import abandoned half way) go.
        if let Err(e) = super::prediction_store::delete_unreachable(&store.conn) {
            tracing::warn!(
                "{}: could not clear unused predictions: {e}",
                path.display()
            );
        }
        Ok(store)
    }

    /// Reads one chunk of a prediction set's arrays for a video.
    pub fn prediction_chunk(
        &self,
        set: super::predictions::PredictionSetId,
        video: super::model::VideoId,
        chunk: u64,
    ) -> ProjectResult<Option<Vec<f32>>> {
        super::prediction_store::read_chunk(&self.conn, set, video, chunk)
            .map_err(|e| ProjectError::sqlite(&self.path, e))
    }

    /// Reads the stored sets again (after another connection wrote one).
    pub fn prediction_sets(&self) -> ProjectResult<super::predictions::PredictionSets> {
        super::prediction_store::load_sets(&self.conn)
            .map_err(|e| ProjectError::sqlite(&self.path, e))
    }

    /// Creates a project file holding `initial` (with no history). The file appears
    /// complete or not at all: it is built under a temporary name and renamed, and an
    /// existing file is never replaced.
    pub fn create(path: &Path, name: &str, initial: &ProjectState) -> ProjectResult<()> {
        if path.exists() {
            return Err(ProjectError::Exists {
                path: path.to_owned(),
            });
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temp =
            crate::util::atomic_file::temp_beside(path).map_err(|e| ProjectError::io(path, e))?;
        {
            let conn = Connection::open(temp.path()).map_err(|e| ProjectError::sqlite(path, e))?;
            let mut store = Self {
                checkpointer: None,
                path: path.to_owned(),
                conn,
            };
            store
                .conn
                .pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(|e| ProjectError::sqlite(path, e))?;
            store.migrate_from(0)?;
            let tx = store.transaction()?;
            write_meta(&tx, "name", name).map_err(|e| ProjectError::sqlite(path, e))?;
            write_meta(
                &tx,
                "created_by",
                concat!("kinelab ", env!("CARGO_PKG_VERSION")),
            )
            .map_err(|e| ProjectError::sqlite(path, e))?;
            for change in initial_changes(initial) {
                write_change(&tx, &change).map_err(|e| ProjectError::sqlite(path, e))?;
            }
            tx.commit().map_err(|e| ProjectError::sqlite(path, e))?;
            store
                .conn
                .close()
                .map_err(|(_, e)| ProjectError::sqlite(path, e))?;
        }
        temp.as_file()
            .sync_all()
            .map_err(|e| ProjectError::io(path, e))?;
        temp.persist_noclobber(path)
            .map_err(|e| match e.error.kind() {
                std::io::ErrorKind::AlreadyExists => ProjectError::Exists {
                    path: path.to_owned(),
                },
                _ => ProjectError::io(path, e.error),
            })?;
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn identity(&self) -> ProjectResult<(i32, i64)> {
        let read = || -> rusqlite::Result<(i32, i64)> {
            let app_id: i32 = self
                .conn
                .pragma_query_value(None, "application_id", |r| r.get(0))?;
            let version: i64 = self
                .conn
                .pragma_query_value(None, "user_version", |r| r.get(0))?;
            Ok((app_id, version))
        };
        read().map_err(|e| ProjectError::sqlite(&self.path, e))
    }

    /// WAL with `synchronous = NORMAL`: a commit is one append to the log, with no
    /// fsync, so it costs microseconds on the UI thread and survives a killed process
    /// (the OS holds the written pages). Only a power cut can lose the last commits,
    /// and never corrupts the file.
    fn configure(&mut self) -> ProjectResult<()> {
        let path = self.path.clone();
        let run = |conn: &Connection| -> rusqlite::Result<()> {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            conn.busy_timeout(std::time::Duration::from_secs(2))?;
            Ok(())
        };
        run(&self.conn).map_err(|e| ProjectError::sqlite(&path, e))
    }

    fn migrate_from(&mut self, version: i64) -> ProjectResult<()> {
        let path = self.path.clone();
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            let tx = self.transaction()?;
            tx.execute_batch(migration.sql)
                .and_then(|()| migration.data.map_or(Ok(()), |data| data(&tx)))
                .and_then(|()| tx.pragma_update(None, "user_version", (i + 1) as i64))
                .and_then(|()| tx.commit())
                .map_err(|e| ProjectError::Migration {
                    path: path.clone(),
                    to_version: (i + 1) as i64,
                    reason: e.to_string(),
                })?;
        }
        Ok(())
    }

    fn transaction(&mut self) -> ProjectResult<Transaction<'_>> {
        let path = self.path.clone();
        self.conn
            .transaction()
            .map_err(|e| ProjectError::sqlite(&path, e))
    }

    /// The project's name as given at creation.
    pub fn name(&self) -> ProjectResult<String> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = 'name'", [], |r| {
                r.get(0)
            })
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(|e| ProjectError::sqlite(&self.path, e))
    }

    /// Reads the whole project into memory.
    pub fn load(&self) -> ProjectResult<ProjectState> {
        self.load_inner().map_err(|e| match e {
            LoadError::Sqlite(e) => ProjectError::sqlite(&self.path, e),
            LoadError::Invalid(reason) => ProjectError::Corrupt {
                path: self.path.clone(),
                reason,
            },
        })
    }

    fn load_inner(&self) -> Result<ProjectState, LoadError> {
        let mut state = ProjectState::default();
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, color, ord, is_unique FROM keypoints ORDER BY ord, id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?;
        for row in rows {
            let (id, name, color, order, unique) = row?;
            let color = Rgb::from_hex(&color).ok_or_else(|| {
                LoadError::Invalid(format!("keypoint '{name}' has colour '{color}'"))
            })?;
            state.skeleton.keypoints.push(Keypoint {
                id: KeypointId(id),
                def: KeypointDef {
                    name,
                    color,
                    order,
                    unique,
                },
            });
        }
        for (table, set) in [
            ("edges", &mut state.skeleton.edges),
            ("symmetric_pairs", &mut state.skeleton.symmetric),
        ] {
            let mut stmt = self.conn.prepare(&format!("SELECT a, b FROM {table}"))?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (a, b) = row?;
                set.insert(ordered_pair(KeypointId(a), KeypointId(b)));
            }
        }
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, ord FROM individuals ORDER BY ord, id")?;
        let rows = stmt.query_map([], |r| {
            Ok(Individual {
                id: IndividualId(r.get(0)?),
                def: IndividualDef {
                    name: r.get(1)?,
                    order: r.get(2)?,
                },
            })
        })?;
        for row in rows {
            state.individuals.push(row?);
        }
        let mut stmt = self.conn.prepare(
            "SELECT id, path, size_bytes, edge_hash, width, height, fps, frame_count, frame_files
             FROM videos ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Video {
                id: VideoId(r.get(0)?),
                def: VideoDef {
                    path: r.get(1)?,
                    size_bytes: r.get::<_, i64>(2)? as u64,
                    edge_hash: r.get::<_, i64>(3)? as u64,
                    width: r.get(4)?,
                    height: r.get(5)?,
                    fps: r.get(6)?,
                    frame_count: r.get::<_, i64>(7)? as u64,
                    frame_files: r
                        .get::<_, Option<String>>(8)?
                        .and_then(|json| serde_json::from_str(&json).ok()),
                },
            })
        })?;
        for row in rows {
            state.videos.push(row?);
        }
        let mut stmt = self.conn.prepare(
            "SELECT video, frame_idx, individual, keypoint, x, y, visibility, provenance, model,
                    score
             FROM labels",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key = LabelKey {
                video: VideoId(r.get(0)?),
                frame_idx: r.get::<_, i64>(1)? as u64,
                individual: IndividualId(r.get(2)?),
                keypoint: KeypointId(r.get(3)?),
            };
            let visibility: String = r.get(6)?;
            let provenance: String = r.get(7)?;
            let label = Label {
                x: r.get(4)?,
                y: r.get(5)?,
                visibility: Visibility::parse(&visibility).ok_or_else(|| {
                    LoadError::Invalid(format!("a label has visibility '{visibility}'"))
                })?,
                provenance: Provenance::from_parts(&provenance, r.get(8)?).ok_or_else(|| {
                    LoadError::Invalid(format!("a label has provenance '{provenance}'"))
                })?,
                score: r.get(9)?,
            };
            state.labels.insert(key, label);
        }
        let mut stmt = self.conn.prepare("SELECT key, value FROM settings")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (key, value) = row?;
            state.settings.insert(key, value);
        }
        state.prediction_sets = super::prediction_store::load_sets(&self.conn)?;
        state.rebuild_frame_counts();
        Ok(state)
    }

    /// The history, oldest first.
    pub fn history(&self) -> ProjectResult<Vec<HistoryEntry>> {
        let read = || -> rusqlite::Result<Vec<HistoryEntry>> {
            let mut stmt = self
                .conn
                .prepare("SELECT seq, description, undone FROM history ORDER BY seq")?;
            let rows = stmt.query_map([], |r| {
                Ok(HistoryEntry {
                    seq: r.get(0)?,
                    description: r.get(1)?,
                    undone: r.get::<_, i64>(2)? != 0,
                })
            })?;
            rows.collect()
        };
        read().map_err(|e| ProjectError::sqlite(&self.path, e))
    }

    /// Reads one history entry's edit.
    pub fn history_edit(&self, seq: i64) -> ProjectResult<Edit> {
        let (description, json): (String, String) = self
            .conn
            .query_row(
                "SELECT description, changes FROM history WHERE seq = ?1",
                [seq],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| ProjectError::sqlite(&self.path, e))?;
        let changes = serde_json::from_str(&json).map_err(|e| ProjectError::Corrupt {
            path: self.path.clone(),
            reason: format!("history entry {seq}: {e}"),
        })?;
        Ok(Edit {
            description,
            changes,
        })
    }

    /// Commits a new edit: its changes, dropping the redo entries it replaces, and its
    /// history entry. Returns the entry's sequence number.
    pub fn commit_new(&mut self, edit: &Edit) -> ProjectResult<i64> {
        let path = self.path.clone();
        let json = serde_json::to_string(&edit.changes).map_err(|e| ProjectError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let tx = self.transaction()?;
        let run = || -> rusqlite::Result<i64> {
            for change in &edit.changes {
                write_change(&tx, change)?;
            }
            tx.execute("DELETE FROM history WHERE undone = 1", [])?;
            tx.execute(
                "INSERT INTO history (description, changes, made_at_unix_secs)
                 VALUES (?1, ?2, ?3)",
                params![edit.description, json, unix_secs_now()],
            )?;
            Ok(tx.last_insert_rowid())
        };
        let seq = run().map_err(|e| ProjectError::sqlite(&path, e))?;
        tx.commit().map_err(|e| ProjectError::sqlite(&path, e))?;
        self.after_commit();
        Ok(seq)
    }

    /// Commits `changes` (an edit or its inverse) and marks history entry `seq` as
    /// undone or redone, in one transaction.
    pub fn commit_history_step(
        &mut self,
        seq: i64,
        changes: &[Change],
        undone: bool,
    ) -> ProjectResult<()> {
        let path = self.path.clone();
        let tx = self.transaction()?;
        let run = || -> rusqlite::Result<()> {
            for change in changes {
                write_change(&tx, change)?;
            }
            tx.execute(
                "UPDATE history SET undone = ?1 WHERE seq = ?2",
                params![undone as i64, seq],
            )?;
            Ok(())
        };
        run().map_err(|e| ProjectError::sqlite(&path, e))?;
        tx.commit().map_err(|e| ProjectError::sqlite(&path, e))?;
        self.after_commit();
        Ok(())
    }

    fn after_commit(&self) {
        if let Some(c) = &self.checkpointer {
            c.after_commit();
        }
    }
}

enum LoadError {
    Sqlite(rusqlite::Error),
    Invalid(String),
}

impl From<rusqlite::Error> for LoadError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

fn unix_secs_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn write_meta(tx: &Transaction<'_>, key: &str, value: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        params![key, value],
    )
    .map(|_| ())
}

/// The changes that build `state` from an empty project, in an order the foreign keys
/// accept (rows before the rows that refer to them).
fn initial_changes(state: &ProjectState) -> Vec<Change> {
    let mut changes = Vec::new();
    for k in &state.skeleton.keypoints {
        changes.push(Change::Keypoint {
            id: k.id,
            before: None,
            after: Some(k.def.clone()),
        });
    }
    for &(a, b) in &state.skeleton.edges {
        changes.push(Change::Edge {
            a,
            b,
            before: false,
            after: true,
        });
    }
    for &(a, b) in &state.skeleton.symmetric {
        changes.push(Change::Symmetric {
            a,
            b,
            before: false,
            after: true,
        });
    }
    for i in &state.individuals {
        changes.push(Change::Individual {
            id: i.id,
            before: None,
            after: Some(i.def.clone()),
        });
    }
    for v in &state.videos {
        changes.push(Change::Video {
            id: v.id,
            before: None,
            after: Some(v.def.clone()),
        });
    }
    for (key, label) in &state.labels {
        changes.push(Change::Label {
            key: *key,
            before: None,
            after: Some(label.clone()),
        });
    }
    for (key, value) in &state.settings {
        changes.push(Change::Setting {
            key: key.clone(),
            before: None,
            after: Some(value.clone()),
        });
    }
    changes
}

/// Writes one change's `after` state.
fn write_change(tx: &Transaction<'_>, change: &Change) -> rusqlite::Result<()> {
    match change {
        Change::Label { key, after, .. } => match after {
            Some(label) => tx.execute(
                "INSERT OR REPLACE INTO labels
                 (video, frame_idx, individual, keypoint, x, y, visibility, provenance, model,
                  score)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    key.video.0,
                    key.frame_idx as i64,
                    key.individual.0,
                    key.keypoint.0,
                    label.x,
                    label.y,
                    label.visibility.as_str(),
                    label.provenance.kind(),
                    label.provenance.model(),
                    label.score,
                ],
            ),
            None => tx.execute(
                "DELETE FROM labels
                 WHERE video = ?1 AND frame_idx = ?2 AND individual = ?3 AND keypoint = ?4",
                params![
                    key.video.0,
                    key.frame_idx as i64,
                    key.individual.0,
                    key.keypoint.0
                ],
            ),
        },
        Change::Keypoint { id, after, .. } => match after {
            Some(def) => tx.execute(
                "INSERT INTO keypoints (id, name, color, ord, is_unique)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, color = ?3, ord = ?4, is_unique = ?5",
                params![id.0, def.name, def.color.to_hex(), def.order, def.unique],
            ),
            None => tx.execute("DELETE FROM keypoints WHERE id = ?1", [id.0]),
        },
        Change::Edge { a, b, after, .. } => write_pair(tx, "edges", *a, *b, *after),
        Change::Symmetric { a, b, after, .. } => write_pair(tx, "symmetric_pairs", *a, *b, *after),
        Change::Individual { id, after, .. } => match after {
            Some(def) => tx.execute(
                "INSERT INTO individuals (id, name, ord) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, ord = ?3",
                params![id.0, def.name, def.order],
            ),
            None => tx.execute("DELETE FROM individuals WHERE id = ?1", [id.0]),
        },
        Change::Video { id, after, .. } => match after {
            Some(def) => tx.execute(
                "INSERT INTO videos
                 (id, path, size_bytes, edge_hash, width, height, fps, frame_count, frame_files)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET path = ?2, size_bytes = ?3, edge_hash = ?4,
                 width = ?5, height = ?6, fps = ?7, frame_count = ?8, frame_files = ?9",
                params![
                    id.0,
                    def.path,
                    def.size_bytes as i64,
                    def.edge_hash as i64,
                    def.width,
                    def.height,
                    def.fps,
                    def.frame_count as i64,
                    def.frame_files
                        .as_ref()
                        .map(|f| serde_json::to_string(f).unwrap_or_default())
                ],
            ),
            None => tx.execute("DELETE FROM videos WHERE id = ?1", [id.0]),
        },
        Change::Setting { key, after, .. } => match after {
            Some(value) => tx.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                params![key, value],
            ),
            None => tx.execute("DELETE FROM settings WHERE key = ?1", [key]),
        },
        Change::PredictionSet { id, after, .. } => match after {
            Some(def) => tx.execute(
                "UPDATE prediction_sets SET name = ?2, source = ?3, scorer = ?4,
                 created_unix_secs = ?5, present = 1 WHERE id = ?1",
                params![
                    id.0,
                    def.name,
                    def.source,
                    def.scorer,
                    def.created_unix_secs
                ],
            ),
            None => tx.execute(
                "UPDATE prediction_sets SET present = 0 WHERE id = ?1",
                [id.0],
            ),
        },
    }
    .map(|_| ())
}

fn write_pair(
    tx: &Transaction<'_>,
    table: &str,
    a: KeypointId,
    b: KeypointId,
    present: bool,
) -> rusqlite::Result<usize> {
    let (a, b) = ordered_pair(a, b);
    if present {
        tx.execute(
            &format!("INSERT OR IGNORE INTO {table} (a, b) VALUES (?1, ?2)"),
            [a.0, b.0],
        )
    } else {
        tx.execute(
            &format!("DELETE FROM {table} WHERE a = ?1 AND b = ?2"),
            [a.0, b.0],
        )
    }
}
