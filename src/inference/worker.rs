//! The inference worker: one thread that owns the app's loaded models (one ONNX
//! Runtime session each) and serves suggestions for the frame shown. Requests arrive
//! over a bounded channel; of the suggestions waiting, only the newest is run, so a
//! person stepping through frames never waits for frames already left behind. Replies
//! come back over a bounded channel, and `wake` tells the UI to look.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

use crate::video::{FrameConverter, VideoFrame, VideoReader};

use super::decode::Pose;
use super::model::{PoseModel, SessionOptions, SpecSource};
use super::preprocess::{BoxXyxy, RgbFrame};
use super::providers::Provider;
use super::recognise::ModelFacts;
use super::spec::ModelSpec;

/// What the UI knows of a loaded model.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedModel {
    pub name: String,
    pub spec: ModelSpec,
    pub spec_source: SpecSource,
    pub facts: ModelFacts,
    /// Execution providers the runtime library offers (CPU always).
    pub providers: Vec<String>,
    /// The one that runs this model.
    pub provider: Provider,
}

/// One frame to suggest on.
pub struct SuggestRequest {
    pub model: PathBuf,
    /// Names the video in errors (and converts with its colour tags).
    pub video: PathBuf,
    pub frame: VideoFrame,
    /// For top-down models: one box per animal, each giving one pose, in order; empty:
    /// the whole frame (or the detector's boxes).
    pub boxes: Vec<BoxXyxy>,
    /// A loaded detector whose best `max_animals` boxes the model crops around.
    pub detector: Option<PathBuf>,
    pub max_animals: usize,
    /// Returned with the reply, so the UI can drop replies it no longer wants.
    pub tag: u64,
}

/// Frames to suggest on ahead of the person, decoded by the worker; served when no
/// suggestion for the frame shown waits. A new list replaces the one before.
pub struct AheadRequest {
    pub model: PathBuf,
    pub video: PathBuf,
    pub frames: Vec<usize>,
    pub tag: u64,
}

enum Request {
    Load {
        model: PathBuf,
        spec: Option<PathBuf>,
        options: SessionOptions,
    },
    Forget {
        model: PathBuf,
    },
    Suggest(SuggestRequest),
    Ahead(AheadRequest),
}

/// What the worker sends back.
#[derive(Debug)]
pub enum Reply {
    Loaded {
        model: PathBuf,
        result: Result<Box<LoadedModel>, String>,
    },
    Suggested {
        model: PathBuf,
        tag: u64,
        result: Result<Vec<Pose>, String>,
        millis: f64,
    },
    /// A frame ahead's suggestions.
    Ahead {
        model: PathBuf,
        tag: u64,
        frame_idx: usize,
        result: Result<Vec<Pose>, String>,
    },
}

/// The worker thread's handle; dropping it ends the thread.
pub struct InferenceWorker {
    tx: Sender<Request>,
    rx: Receiver<Reply>,
}

/// Requests waiting at most; more are refused (the UI asks again next frame).
const QUEUE: usize = 16;

impl InferenceWorker {
    pub fn spawn(wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (tx, requests) = bounded::<Request>(QUEUE);
        let (replies, rx) = bounded::<Reply>(QUEUE);
        std::thread::Builder::new()
            .name("inference".into())
            .spawn(move || serve(&requests, &replies, &wake))?;
        Ok(Self { tx, rx })
    }

    /// Loads (or reloads, with a new spec or options) a model.
    pub fn load(&self, model: PathBuf, spec: Option<PathBuf>, options: SessionOptions) -> bool {
        self.send(Request::Load {
            model,
            spec,
            options,
        })
    }

    /// Unloads a model.
    pub fn forget(&self, model: PathBuf) -> bool {
        self.send(Request::Forget { model })
    }

    /// Asks for suggestions on a frame; false when the queue is full.
    pub fn suggest(&self, request: SuggestRequest) -> bool {
        self.send(Request::Suggest(request))
    }

    fn send(&self, request: Request) -> bool {
        match self.tx.try_send(request) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => false,
        }
    }

    /// Asks for suggestions on frames ahead (replacing any list before); an empty list
    /// stops the preparing.
    pub fn ahead(&self, request: AheadRequest) -> bool {
        self.send(Request::Ahead(request))
    }

    /// Replies that arrived since the last call.
    pub fn poll(&self) -> Vec<Reply> {
        self.rx.try_iter().collect()
    }
}

/// The worker's own state between requests.
struct Worker {
    models: HashMap<PathBuf, PoseModel>,
    converter: Option<(PathBuf, FrameConverter)>,
    /// The video the frames ahead are decoded from.
    reader: Option<(PathBuf, VideoReader)>,
    /// Frames to suggest on ahead, when nothing else waits.
    ahead: VecDeque<(PathBuf, PathBuf, usize, u64)>,
}

impl Worker {
    fn converter(&mut self, video: &Path) -> &mut FrameConverter {
        if self.converter.as_ref().is_some_and(|(p, _)| p != video) {
            self.converter = None;
        }
        &mut self
            .converter
            .get_or_insert_with(|| (video.to_owned(), FrameConverter::new(video)))
            .1
    }

    /// Poses of one frame: the whole frame, or one pose per box.
    fn predict(
        &mut self,
        model: &Path,
        video: &Path,
        frame: &VideoFrame,
        boxes: &[BoxXyxy],
    ) -> Result<Vec<Pose>, String> {
        let rgb = self
            .converter(video)
            .to_rgb(frame)
            .map_err(|e| e.to_string())?;
        let Some(model) = self.models.get_mut(model) else {
            return Err(format!("{}: the model is not loaded", model.display()));
        };
        let frame = RgbFrame {
            width: rgb.width() as usize,
            height: rgb.height() as usize,
            pixels: rgb.as_raw(),
        };
        if boxes.is_empty() {
            return model
                .predict(&[(frame, None)])
                .map(|mut v| v.pop().unwrap_or_default())
                .map_err(|e| e.to_string());
        }
        // One pose per box, in the boxes' order.
        let items: Vec<_> = boxes.iter().map(|b| (frame, Some(*b))).collect();
        let per_box = model.predict(&items).map_err(|e| e.to_string())?;
        Ok(per_box
            .into_iter()
            .map(|mut poses| {
                poses.truncate(1);
                poses.pop().unwrap_or(Pose {
                    points: Vec::new(),
                    score: 0.0,
                    bbox: None,
                })
            })
            .collect())
    }

    /// A detector's boxes on the frame, then the model's pose in each.
    fn detect_then_pose(
        &mut self,
        detector: &Path,
        request: &SuggestRequest,
    ) -> Result<Vec<Pose>, String> {
        let rgb = self
            .converter(&request.video)
            .to_rgb(&request.frame)
            .map_err(|e| e.to_string())?;
        let Some(mut det) = self.models.remove(detector) else {
            return Err(format!(
                "{}: the detector is not loaded",
                detector.display()
            ));
        };
        let result = match self.models.get_mut(&request.model) {
            None => Err(format!(
                "{}: the model is not loaded",
                request.model.display()
            )),
            Some(model) => {
                let frame = RgbFrame {
                    width: rgb.width() as usize,
                    height: rgb.height() as usize,
                    pixels: rgb.as_raw(),
                };
                super::top_down::detect_then_pose(&mut det, model, &[frame], request.max_animals)
                    .map(|mut v| v.pop().unwrap_or_default())
                    .map_err(|e| e.to_string())
            }
        };
        self.models.insert(detector.to_owned(), det);
        result
    }

    /// Decodes a frame ahead and suggests on it.
    fn predict_ahead(
        &mut self,
        model: &Path,
        video: &Path,
        frame_idx: usize,
    ) -> Result<Vec<Pose>, String> {
        if self.reader.as_ref().is_some_and(|(p, _)| p != video) {
            self.reader = None;
        }
        if self.reader.is_none() {
            let r = VideoReader::open(video).map_err(|e| e.to_string())?;
            self.reader = Some((video.to_owned(), r));
        }
        let Some((_, reader)) = self.reader.as_mut() else {
            return Err(format!("{}: could not be opened", video.display()));
        };
        let frame = reader.frame(frame_idx).map_err(|e| e.to_string())?;
        self.predict(model, video, &frame, &[])
    }
}

fn serve(requests: &Receiver<Request>, replies: &Sender<Reply>, wake: &dyn Fn()) {
    let mut w = Worker {
        models: HashMap::new(),
        converter: None,
        reader: None,
        ahead: VecDeque::new(),
    };
    loop {
        // Wait only when no frame ahead is queued.
        let first = if w.ahead.is_empty() {
            match requests.recv() {
                Ok(r) => Some(r),
                Err(_) => return,
            }
        } else {
            None
        };
        // Loads and unloads in order; of the suggestions, only the newest; of the lists
        // of frames ahead, the newest.
        let mut newest = None;
        for request in first.into_iter().chain(requests.try_iter()) {
            match request {
                Request::Load {
                    model,
                    spec,
                    options,
                } => {
                    w.models.remove(&model);
                    let result = PoseModel::open(&model, spec.as_deref(), &options)
                        .map_err(|e| e.to_string());
                    let result = result.map(|m| {
                        let info = LoadedModel {
                            name: m.name(),
                            spec: m.spec().clone(),
                            spec_source: m.spec_source().clone(),
                            facts: m.facts().clone(),
                            providers: super::runtime::available_providers()
                                .unwrap_or_else(|_| vec!["CPUExecutionProvider".into()]),
                            provider: m.provider(),
                        };
                        w.models.insert(model.clone(), m);
                        Box::new(info)
                    });
                    if replies.send(Reply::Loaded { model, result }).is_err() {
                        return;
                    }
                    wake();
                }
                Request::Forget { model } => {
                    w.models.remove(&model);
                    w.ahead.retain(|(m, ..)| *m != model);
                }
                Request::Suggest(s) => newest = Some(s),
                Request::Ahead(a) => {
                    w.ahead.clear();
                    let AheadRequest {
                        model,
                        video,
                        frames,
                        tag,
                    } = a;
                    w.ahead.extend(
                        frames
                            .into_iter()
                            .map(|f| (model.clone(), video.clone(), f, tag)),
                    );
                }
            }
        }
        let reply = if let Some(request) = newest {
            let started = Instant::now();
            let result = match &request.detector {
                Some(detector) => w.detect_then_pose(detector, &request),
                None => w.predict(
                    &request.model,
                    &request.video,
                    &request.frame,
                    &request.boxes,
                ),
            };
            Reply::Suggested {
                model: request.model,
                tag: request.tag,
                result,
                millis: started.elapsed().as_secs_f64() * 1e3,
            }
        } else if let Some((model, video, frame_idx, tag)) = w.ahead.pop_front() {
            let result = w.predict_ahead(&model, &video, frame_idx);
            Reply::Ahead {
                model,
                tag,
                frame_idx,
                result,
            }
        } else {
            continue;
        };
        if replies.send(reply).is_err() {
            return;
        }
        wake();
    }
}
