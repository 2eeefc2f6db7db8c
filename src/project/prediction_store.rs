//! Prediction sets in the project file: their rows (`prediction_sets`,
//! `prediction_videos`) and their arrays in chunks of frames (`prediction_chunks`).
//! An import writes a set on its own connection, in short transactions so the app's
//! edits never wait long, and hidden (`present = 0`) until the edit that adds it to the
//! project; a set that nothing can bring back (an abandoned import, an undone one whose
//! redo was dropped) is deleted when the project opens.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::error::{ProjectError, ProjectResult};
use super::model::{IndividualId, KeypointId, VideoId};
use super::predictions::{
    CHUNK_FRAMES, PredictionArrays, PredictionSet, PredictionSetDef, PredictionSetId,
    PredictionSets, PredictionShape, PredictionVideo, decode_chunk, encode_chunk, frame_summary,
};

/// Chunks written per transaction by an import: the app's own commits wait for at most
/// this many (a few milliseconds).
const CHUNKS_PER_TRANSACTION: u64 = 8;

fn ids_json<T: Copy>(ids: &[T], raw: impl Fn(T) -> i64) -> String {
    serde_json::to_string(&ids.iter().map(|&id| raw(id)).collect::<Vec<i64>>()).unwrap_or_default()
}

fn ids_from_json(json: &str) -> rusqlite::Result<Vec<i64>> {
    serde_json::from_str(json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Every stored set with its videos' shapes and summaries.
pub fn load_sets(conn: &Connection) -> rusqlite::Result<PredictionSets> {
    let mut sets = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT id, name, source, scorer, created_unix_secs, present FROM prediction_sets
         ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PredictionSet {
            id: PredictionSetId(r.get(0)?),
            def: PredictionSetDef {
                name: r.get(1)?,
                source: r.get(2)?,
                scorer: r.get(3)?,
                created_unix_secs: r.get(4)?,
            },
            present: r.get::<_, i64>(5)? != 0,
            videos: Vec::new(),
        })
    })?;
    for set in rows {
        let set = set?;
        sets.insert(set.id, set);
    }
    let mut stmt = conn.prepare(
        "SELECT set_id, video, frame_count, individuals, keypoints, summary
         FROM prediction_videos ORDER BY set_id, video",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id = PredictionSetId(r.get(0)?);
        let video = PredictionVideo {
            video: VideoId(r.get(1)?),
            shape: PredictionShape {
                frame_count: r.get::<_, i64>(2)? as u64,
                individuals: ids_from_json(&r.get::<_, String>(3)?)?
                    .into_iter()
                    .map(IndividualId)
                    .collect(),
                keypoints: ids_from_json(&r.get::<_, String>(4)?)?
                    .into_iter()
                    .map(KeypointId)
                    .collect(),
            },
            summary: r.get(5)?,
        };
        if let Some(set) = sets.get_mut(&id) {
            set.videos.push(video);
        }
    }
    Ok(sets)
}

/// Inserts a set's row; its videos follow.
fn insert_set(conn: &Connection, def: &PredictionSetDef, present: bool) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO prediction_sets (name, source, scorer, created_unix_secs, present)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            def.name,
            def.source,
            def.scorer,
            def.created_unix_secs,
            present as i64
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Inserts a video's row with its per-frame summary.
fn insert_video(
    conn: &Connection,
    set: i64,
    video: VideoId,
    arrays: &PredictionArrays,
) -> rusqlite::Result<()> {
    let shape = &arrays.shape;
    let summary: Vec<u8> = (0..shape.frame_count)
        .flat_map(|f| frame_summary(shape, arrays.frame(f)))
        .collect();
    conn.execute(
        "INSERT INTO prediction_videos
         (set_id, video, frame_count, individuals, keypoints, chunk_frames, summary)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            set,
            video.0,
            shape.frame_count as i64,
            ids_json(&shape.individuals, |i: IndividualId| i.0),
            ids_json(&shape.keypoints, |k: KeypointId| k.0),
            CHUNK_FRAMES as i64,
            summary
        ],
    )?;
    Ok(())
}

/// Inserts (or writes again) chunks `chunks` of a video's arrays.
fn insert_chunks(
    conn: &Connection,
    set: i64,
    video: VideoId,
    arrays: &PredictionArrays,
    chunks: std::ops::Range<u64>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO prediction_chunks (set_id, video, chunk, data)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    let per_frame = arrays.shape.frame_floats();
    for chunk in chunks {
        let first = (chunk * CHUNK_FRAMES) as usize * per_frame;
        let last =
            (((chunk + 1) * CHUNK_FRAMES).min(arrays.shape.frame_count)) as usize * per_frame;
        let bytes = encode_chunk(&arrays.values[first..last]);
        stmt.execute(params![set, video.0, chunk as i64, bytes])?;
    }
    Ok(())
}

/// Reads one chunk's floats: frames `chunk * CHUNK_FRAMES ..` of the video.
pub fn read_chunk(
    conn: &Connection,
    set: PredictionSetId,
    video: VideoId,
    chunk: u64,
) -> rusqlite::Result<Option<Vec<f32>>> {
    conn.prepare_cached(
        "SELECT data FROM prediction_chunks WHERE set_id = ?1 AND video = ?2 AND chunk = ?3",
    )?
    .query_row(params![set.0, video.0, chunk as i64], |r| {
        r.get::<_, Vec<u8>>(0)
    })
    .optional()
    .map(|bytes| bytes.map(|b| decode_chunk(&b)))
}

/// Reads a video's whole arrays.
pub fn read_arrays(
    conn: &Connection,
    set: PredictionSetId,
    video: VideoId,
    shape: &PredictionShape,
) -> rusqlite::Result<PredictionArrays> {
    let mut arrays = PredictionArrays::empty(shape.clone());
    let per_frame = shape.frame_floats();
    let mut stmt = conn.prepare_cached(
        "SELECT chunk, data FROM prediction_chunks WHERE set_id = ?1 AND video = ?2",
    )?;
    let mut rows = stmt.query(params![set.0, video.0])?;
    while let Some(r) = rows.next()? {
        let chunk = r.get::<_, i64>(0)? as usize;
        let bytes = r.get_ref(1)?.as_blob()?;
        let first = chunk * CHUNK_FRAMES as usize * per_frame;
        for (i, b) in bytes.chunks_exact(4).enumerate() {
            if let Some(cell) = arrays.values.get_mut(first + i) {
                *cell = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
        }
    }
    Ok(arrays)
}

/// Deletes the hidden sets that no history entry can bring back: an import abandoned
/// half way, or one undone whose redo was dropped by a later edit.
pub fn delete_unreachable(conn: &Connection) -> rusqlite::Result<usize> {
    let hidden: Vec<i64> = conn
        .prepare("SELECT id FROM prediction_sets WHERE present = 0")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if hidden.is_empty() {
        return Ok(0);
    }
    let mut referenced = BTreeSet::new();
    let mut stmt =
        conn.prepare("SELECT changes FROM history WHERE changes LIKE '%prediction_set%'")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let json: String = r.get(0)?;
        if let Ok(changes) = serde_json::from_str::<Vec<super::change::Change>>(&json) {
            for change in changes {
                if let super::change::Change::PredictionSet { id, .. } = change {
                    referenced.insert(id.0);
                }
            }
        }
    }
    let mut deleted = 0;
    for id in hidden.into_iter().filter(|id| !referenced.contains(id)) {
        deleted += conn.execute("DELETE FROM prediction_sets WHERE id = ?1", [id])?;
    }
    Ok(deleted)
}

/// Migration 5: a model's scored label rows (predictions imported before sets existed)
/// become one prediction set per model, in the project.
pub fn model_labels_to_sets(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    struct Row {
        video: i64,
        frame: i64,
        individual: i64,
        keypoint: i64,
        point: [f32; 3],
    }
    let mut by_model: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    {
        let mut stmt = tx.prepare(
            "SELECT model, video, frame_idx, individual, keypoint, x, y, score FROM labels
             WHERE provenance = 'model' AND score IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            by_model
                .entry(r.get::<_, Option<String>>(0)?.unwrap_or_default())
                .or_default()
                .push(Row {
                    video: r.get(1)?,
                    frame: r.get(2)?,
                    individual: r.get(3)?,
                    keypoint: r.get(4)?,
                    point: [
                        r.get::<_, f64>(5)? as f32,
                        r.get::<_, f64>(6)? as f32,
                        r.get::<_, f64>(7)? as f32,
                    ],
                });
        }
    }
    let frame_counts: BTreeMap<i64, i64> = tx
        .prepare("SELECT id, frame_count FROM videos")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let keypoint_order: BTreeMap<i64, i64> = tx
        .prepare("SELECT id, ord FROM keypoints")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (model, rows) in by_model {
        let name = if model.is_empty() {
            "predictions".to_owned()
        } else {
            model.clone()
        };
        let def = PredictionSetDef {
            name,
            source: "labels of earlier Kinelab versions".into(),
            scorer: model.clone(),
            created_unix_secs: 0.0,
        };
        let set = insert_set(tx, &def, true)?;
        let videos: BTreeSet<i64> = rows.iter().map(|r| r.video).collect();
        for video in videos {
            let of_video: Vec<&Row> = rows.iter().filter(|r| r.video == video).collect();
            let individuals: BTreeSet<i64> = of_video.iter().map(|r| r.individual).collect();
            let mut keypoints: Vec<i64> = of_video
                .iter()
                .map(|r| r.keypoint)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            keypoints.sort_by_key(|k| (keypoint_order.get(k).copied().unwrap_or(0), *k));
            let last_frame = of_video.iter().map(|r| r.frame).max().unwrap_or(0);
            let frame_count = frame_counts
                .get(&video)
                .copied()
                .unwrap_or(0)
                .max(last_frame + 1) as u64;
            let shape = PredictionShape {
                individuals: individuals.into_iter().map(IndividualId).collect(),
                keypoints: keypoints.into_iter().map(KeypointId).collect(),
                frame_count,
            };
            let mut arrays = PredictionArrays::empty(shape.clone());
            for r in &of_video {
                if let Some(slot) = shape.slot(IndividualId(r.individual), KeypointId(r.keypoint)) {
                    arrays.set(r.frame as u64, slot, r.point);
                }
            }
            insert_video(tx, set, VideoId(video), &arrays)?;
            insert_chunks(tx, set, VideoId(video), &arrays, 0..shape.chunk_count())?;
        }
        tx.execute(
            "DELETE FROM labels WHERE provenance = 'model' AND score IS NOT NULL
             AND IFNULL(model, '') = ?1",
            [&model],
        )?;
    }
    Ok(())
}

/// Writes new prediction sets into a project file from another thread (an import's
/// worker), on a connection of its own.
pub struct PredictionWriter {
    path: PathBuf,
    conn: Connection,
}

impl PredictionWriter {
    /// Opens the project file at `path` for writing sets.
    pub fn open(path: &Path) -> ProjectResult<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|conn| {
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            // As the project's own connection (`Store::configure`): commits append to
            // the write-ahead log without an fsync each (SQLite's default here is
            // FULL, an fsync per commit). A set is hidden until its edit commits, and
            // one left hidden by a crash is deleted on the next open.
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            // The set goes into the log only: the project's checkpoint thread moves it
            // into the file once its edit commits (`checkpointer`), and the import
            // does not wait for that copy.
            conn.pragma_update(None, "wal_autocheckpoint", 0)?;
            Ok(conn)
        })
        .map_err(|e| ProjectError::sqlite(path, e))?;
        Ok(Self {
            path: path.to_owned(),
            conn,
        })
    }

    /// Writes a set of `videos`' arrays: hidden until an edit adds it to the project
    /// (`Project::add_prediction_set`), or `present` at once for a project being made
    /// from another tool's files. `on_progress(done, total)` counts chunks.
    pub fn write_set(
        &mut self,
        def: &PredictionSetDef,
        videos: &[(VideoId, PredictionArrays)],
        present: bool,
        on_progress: &mut dyn FnMut(u64, u64),
    ) -> ProjectResult<PredictionSetId> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| ProjectError::sqlite(&path, e);
        let total: u64 = videos.iter().map(|(_, a)| a.shape.chunk_count()).sum();
        let tx = self.conn.transaction().map_err(err)?;
        let set = insert_set(&tx, def, present).map_err(err)?;
        for (video, arrays) in videos {
            insert_video(&tx, set, *video, arrays).map_err(err)?;
        }
        tx.commit().map_err(err)?;
        let mut done = 0;
        for (video, arrays) in videos {
            let count = arrays.shape.chunk_count();
            let mut chunk = 0;
            while chunk < count {
                let end = (chunk + CHUNKS_PER_TRANSACTION).min(count);
                let tx = self.conn.transaction().map_err(err)?;
                insert_chunks(&tx, set, *video, arrays, chunk..end).map_err(err)?;
                tx.commit().map_err(err)?;
                done += end - chunk;
                on_progress(done, total);
                chunk = end;
            }
        }
        Ok(PredictionSetId(set))
    }
}

impl PredictionWriter {
    /// Starts a set of one video that fills in while a model runs: the set (hidden
    /// until its edit) and the video's row, with no chunks yet (frames without chunks
    /// have no points). `update` writes the chunks as they fill.
    pub fn begin_set(
        &mut self,
        def: &PredictionSetDef,
        video: VideoId,
        arrays: &PredictionArrays,
    ) -> ProjectResult<PredictionSetId> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| ProjectError::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        let set = insert_set(&tx, def, false).map_err(err)?;
        insert_video(&tx, set, video, arrays).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(PredictionSetId(set))
    }

    /// Writes chunks `chunks` of a set begun by `begin_set` again, and the video's
    /// per-frame summary, in one transaction.
    pub fn update(
        &mut self,
        set: PredictionSetId,
        video: VideoId,
        arrays: &PredictionArrays,
        chunks: std::ops::Range<u64>,
    ) -> ProjectResult<()> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| ProjectError::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        insert_chunks(&tx, set.0, video, arrays, chunks).map_err(err)?;
        let shape = &arrays.shape;
        let summary: Vec<u8> = (0..shape.frame_count)
            .flat_map(|f| frame_summary(shape, arrays.frame(f)))
            .collect();
        tx.execute(
            "UPDATE prediction_videos SET summary = ?1 WHERE set_id = ?2 AND video = ?3",
            params![summary, set.0, video.0],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }
}

/// Reads prediction arrays from a project file on a connection of its own (an
/// export's worker), or through the app's own store.
pub trait PredictionSource {
    /// The whole arrays of `set` for `video`.
    fn arrays(&self, set: &PredictionSet, video: VideoId) -> ProjectResult<PredictionArrays>;
}

/// A project file opened for reading predictions.
pub struct PredictionReader {
    path: PathBuf,
    conn: Connection,
}

impl PredictionReader {
    pub fn open(path: &Path) -> ProjectResult<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| ProjectError::sqlite(path, e))?;
        Ok(Self {
            path: path.to_owned(),
            conn,
        })
    }
}

impl PredictionSource for PredictionReader {
    fn arrays(&self, set: &PredictionSet, video: VideoId) -> ProjectResult<PredictionArrays> {
        let shape = &set
            .video(video)
            .ok_or_else(|| {
                ProjectError::Invalid(format!("set {} has no such video", set.def.name))
            })?
            .shape;
        read_arrays(&self.conn, set.id, video, shape)
            .map_err(|e| ProjectError::sqlite(&self.path, e))
    }
}

/// Prediction arrays held in memory (a project read from another tool's files and
/// converted without a project file).
#[derive(Default)]
pub struct InMemoryPredictions(pub BTreeMap<(PredictionSetId, VideoId), PredictionArrays>);

/// No predictions at all, for a state that has no prediction sets.
pub static NO_PREDICTIONS: InMemoryPredictions = InMemoryPredictions(BTreeMap::new());

impl PredictionSource for InMemoryPredictions {
    fn arrays(&self, set: &PredictionSet, video: VideoId) -> ProjectResult<PredictionArrays> {
        self.0
            .get(&(set.id, video))
            .cloned()
            .ok_or_else(|| ProjectError::Invalid(format!("set {} has no such video", set.def.name)))
    }
}
