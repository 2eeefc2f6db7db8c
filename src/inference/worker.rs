//! The inference worker: one thread that owns the app's loaded models (one ONNX
//! Runtime session each) and serves suggestions for the frame shown. Requests arrive
//! over a bounded channel; of the suggestions waiting, only the newest is run, so a
//! person stepping through frames never waits for frames already left behind. Replies
//! come back over a bounded channel, and `wake` tells the UI to look.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

use crate::video::{FrameConverter, VideoFrame};

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
    /// the whole frame.
    pub boxes: Vec<BoxXyxy>,
    /// Returned with the reply, so the UI can drop replies it no longer wants.
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

    /// Replies that arrived since the last call.
    pub fn poll(&self) -> Vec<Reply> {
        self.rx.try_iter().collect()
    }
}

fn serve(requests: &Receiver<Request>, replies: &Sender<Reply>, wake: &dyn Fn()) {
    let mut models: HashMap<PathBuf, PoseModel> = HashMap::new();
    let mut converter: Option<(PathBuf, FrameConverter)> = None;
    while let Ok(first) = requests.recv() {
        // Loads and unloads in order; of the suggestions, only the newest.
        let mut newest = None;
        for request in std::iter::once(first).chain(requests.try_iter()) {
            match request {
                Request::Load {
                    model,
                    spec,
                    options,
                } => {
                    models.remove(&model);
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
                        models.insert(model.clone(), m);
                        Box::new(info)
                    });
                    if replies.send(Reply::Loaded { model, result }).is_err() {
                        return;
                    }
                    wake();
                }
                Request::Forget { model } => {
                    models.remove(&model);
                }
                Request::Suggest(s) => newest = Some(s),
            }
        }
        let Some(request) = newest else { continue };
        let started = Instant::now();
        let result = match models.get_mut(&request.model) {
            None => Err(format!(
                "{}: the model is not loaded",
                request.model.display()
            )),
            Some(model) => {
                let conv = match &mut converter {
                    Some((path, c)) if *path == request.video => c,
                    _ => {
                        &mut converter
                            .insert((request.video.clone(), FrameConverter::new(&request.video)))
                            .1
                    }
                };
                conv.to_rgb(&request.frame)
                    .map_err(|e| e.to_string())
                    .and_then(|rgb| {
                        let frame = RgbFrame {
                            width: rgb.width() as usize,
                            height: rgb.height() as usize,
                            pixels: rgb.as_raw(),
                        };
                        if request.boxes.is_empty() {
                            model
                                .predict(&[(frame, None)])
                                .map(|mut v| v.pop().unwrap_or_default())
                                .map_err(|e| e.to_string())
                        } else {
                            // One pose per box, in the boxes' order.
                            let items: Vec<_> =
                                request.boxes.iter().map(|b| (frame, Some(*b))).collect();
                            model
                                .predict(&items)
                                .map(|per_box| {
                                    per_box
                                        .into_iter()
                                        .map(|mut poses| {
                                            poses.truncate(1);
                                            poses.pop().unwrap_or(Pose {
                                                points: Vec::new(),
                                                score: 0.0,
                                                bbox: None,
                                            })
                                        })
                                        .collect()
                                })
                                .map_err(|e| e.to_string())
                        }
                    })
            }
        };
        let reply = Reply::Suggested {
            model: request.model,
            tag: request.tag,
            result,
            millis: started.elapsed().as_secs_f64() * 1e3,
        };
        if replies.send(reply).is_err() {
            return;
        }
        wake();
    }
}
