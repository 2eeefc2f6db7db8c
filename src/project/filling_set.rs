//! A prediction set of one video that fills while a model runs over it: each chunk of
//! frames is written once it is complete, and the one still filling at least once a
//! second, so that whoever reads the project meanwhile (the app drawing the run, or
//! anyone after the run was stopped or killed) finds every frame done so far.

use std::path::Path;
use std::time::{Duration, Instant};

use super::error::ProjectResult;
use super::model::VideoId;
use super::prediction_store::PredictionWriter;
use super::predictions::{CHUNK_FRAMES, PredictionArrays, PredictionSetDef, PredictionSetId};

/// How long the chunk still filling may go unwritten.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// A set begun in a project file, written as its frames come.
pub struct FillingSet {
    writer: PredictionWriter,
    set: PredictionSetId,
    video: VideoId,
    /// The first chunk with frames not yet written.
    dirty: Option<u64>,
    flushed: Instant,
    /// The first write that failed; the run goes on, and `finish` reports it.
    error: Option<super::error::ProjectError>,
}

impl FillingSet {
    /// Begins the set in the project file `path`: its row and the video's, no chunks
    /// yet (hidden until an edit adds it to the project).
    pub fn begin(
        path: &Path,
        def: &PredictionSetDef,
        video: VideoId,
        arrays: &PredictionArrays,
    ) -> ProjectResult<Self> {
        let mut writer = PredictionWriter::open(path)?;
        let set = writer.begin_set(def, video, arrays)?;
        Ok(Self {
            writer,
            set,
            video,
            dirty: None,
            flushed: Instant::now(),
            error: None,
        })
    }

    /// The set being filled.
    pub fn set(&self) -> PredictionSetId {
        self.set
    }

    /// Notes that `frame_idx` is now in `arrays`, and writes what is due: its chunk
    /// when the frame completes it, or the chunk still filling once a second. Returns
    /// whether it wrote.
    pub fn frame_done(&mut self, arrays: &PredictionArrays, frame_idx: u64) -> bool {
        let chunk = frame_idx / CHUNK_FRAMES;
        self.dirty.get_or_insert(chunk);
        let chunk_done = (frame_idx + 1).is_multiple_of(CHUNK_FRAMES);
        if !chunk_done && self.flushed.elapsed() < FLUSH_EVERY {
            return false;
        }
        let wrote = self.flush(arrays, frame_idx);
        self.flushed = Instant::now();
        if !chunk_done {
            // The chunk goes on filling: written again next time.
            self.dirty = Some(chunk);
        }
        wrote
    }

    /// Writes the chunks not yet written, up to `last_frame`'s; the first write that
    /// failed during the run, if any.
    pub fn finish(mut self, arrays: &PredictionArrays, last_frame: u64) -> ProjectResult<()> {
        self.flush(arrays, last_frame);
        self.error.map_or(Ok(()), Err)
    }

    fn flush(&mut self, arrays: &PredictionArrays, upto_frame: u64) -> bool {
        let Some(first) = self.dirty.take() else {
            return false;
        };
        let chunks = first..upto_frame / CHUNK_FRAMES + 1;
        if let Err(e) = self.writer.update(self.set, self.video, arrays, chunks) {
            self.error.get_or_insert(e);
        }
        true
    }
}
