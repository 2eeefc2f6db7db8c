//! The headless command line: the same work as the app, for scripts and clusters.

mod bench;
mod bench_events;
mod bench_import;
mod bench_infer;
mod bench_play;
mod bench_plots;
mod bench_ui;
pub mod demo;
mod events;
mod extract;
mod frames;
mod indices;
pub mod infer;
pub mod interchange;
pub mod kinematics;
mod labels;
pub mod new_project;
mod probe;
mod progress;
pub mod render;
mod rules;

use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::formats::{PROJECT_KINDS, import_file_kinds, kinds_help};

/// Kinelab: frame-exact video, keypoint labeling and pose review.
#[derive(Debug, Parser)]
#[command(name = "kinelab", version, about)]
pub struct Cli {
    /// Without a command, the app opens on its start screen.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a video's facts: size, fps, exact frame count, keyframes, codec.
    Probe {
        video: PathBuf,
        /// Also decode every frame and report the count and decode speed.
        #[arg(long)]
        count: bool,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write exact frames as PNG files named DIR/<index, 6 digits>.png.
    Frames {
        video: PathBuf,
        /// Frame indices (from 0), e.g. 0,17,900 or 10-20.
        #[arg(
            long,
            conflicts_with = "indices_file",
            required_unless_present = "indices_file"
        )]
        indices: Option<String>,
        /// A file of frame indices, separated by commas, spaces or new lines.
        #[arg(long)]
        indices_file: Option<PathBuf>,
        /// Output folder (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Pick frames to label, as DeepLabCut's extract_frames, and write img<idx>.png.
    Extract {
        video: PathBuf,
        /// How many frames to pick.
        #[arg(long)]
        count: usize,
        #[arg(long, value_enum, default_value_t = ExtractMethod::Kmeans)]
        method: ExtractMethod,
        /// Start of the range, as a fraction of the video (0 to 1).
        #[arg(long, default_value_t = 0.0)]
        start: f64,
        /// End of the range, as a fraction of the video (0 to 1).
        #[arg(long, default_value_t = 1.0)]
        stop: f64,
        /// Output folder (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Create a project: videos, a skeleton and individuals.
    New {
        /// The project file (`.kinelab` is added when missing).
        project: PathBuf,
        /// A video to label (repeat for more).
        #[arg(long = "video")]
        videos: Vec<PathBuf>,
        /// Keypoint names in labeling order: snout,leftear,rightear.
        #[arg(long)]
        bodyparts: Option<String>,
        /// Start from a built-in skeleton (openfield-4, mouse-topdown-11, fly-13,
        /// coco-human-17); --bodyparts replaces its keypoints.
        #[arg(long)]
        preset: Option<String>,
        /// Skeleton edges: snout-leftear,snout-rightear.
        #[arg(long)]
        edges: Option<String>,
        /// Left/right pairs: leftear-rightear.
        #[arg(long)]
        symmetric: Option<String>,
        /// Individuals (animals): m1,m2. Default: one, "animal".
        #[arg(long)]
        individuals: Option<String>,
    },
    /// Open the app on a project: a .kinelab file, or another tool's project, imported
    /// into a sidecar Kinelab project the first time (the kinds are listed below).
    Open { path: PathBuf },
    /// Add labels or predictions from other tools' files to a project, as one undoable
    /// edit each (the kinds are listed below).
    Import {
        project: PathBuf,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The project video that prediction rows (frame numbers) belong to, by its
        /// file stem; by default taken from the file name (<video>DLC_...).
        #[arg(long)]
        video: Option<String>,
    },
    /// Write a project's labels in another tool's format (a project file, or a
    /// DeepLabCut config.yaml or SLEAP .slp, opened through its sidecar project).
    Export {
        project: PathBuf,
        #[arg(long, value_enum)]
        format: interchange::ExportFormat,
        /// Where to write: a folder (created if missing). Formats whose output can be
        /// one file take that file's name too: coco (a .json; images/ go beside it),
        /// sleap-analysis and dlc-predictions (a .h5, for a project with one video).
        #[arg(long)]
        out: PathBuf,
        /// YOLO: the share of frames that go to the validation split.
        #[arg(long, default_value_t = crate::formats::yolo::DEFAULT_VAL_FRACTION)]
        val_fraction: f64,
    },
    /// Convert between formats with no project file made: a DeepLabCut label file to
    /// CSV or HDF5, or a DeepLabCut project (config.yaml), SLEAP .slp or .kinelab
    /// project to any export format.
    Convert {
        input: PathBuf,
        #[arg(long, value_enum)]
        to: interchange::ConvertFormat,
        /// Where to write, as for `export`: a folder, or a file's name for the
        /// formats that write one file. dlc-csv and dlc-h5 write one file: given a
        /// folder, it is named after the input.
        #[arg(long)]
        out: PathBuf,
        /// YOLO: the share of frames that go to the validation split.
        #[arg(long, default_value_t = crate::formats::yolo::DEFAULT_VAL_FRACTION)]
        val_fraction: f64,
    },
    /// Draw labels and predictions on a video and write an MP4 (H.264): every frame,
    /// with the source's timing, drawn as the app draws them. What is drawn comes from
    /// a project (its labels and prediction sets for this video), a predictions file,
    /// or both.
    #[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["project", "predictions"])))]
    Render {
        /// The video to draw on.
        video: PathBuf,
        /// A project file, or a DeepLabCut config.yaml or SLEAP .slp (through its
        /// sidecar project), that has this video.
        #[arg(long)]
        project: Option<PathBuf>,
        /// The output video (.mp4).
        #[arg(long)]
        out: PathBuf,
        /// A prediction set to draw, by name (repeat for more). Default: every set
        /// that has this video.
        #[arg(long = "set")]
        sets: Vec<String>,
        /// A predictions file (DeepLabCut .h5 or .csv, SLEAP analysis .h5) drawn too,
        /// read for this render only: a project does not change. Without --project,
        /// its keypoints, edges and individuals are the file's.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Leave the labels out (predictions only).
        #[arg(long)]
        no_labels: bool,
        /// Draw only these individuals: m1,m2.
        #[arg(long, value_delimiter = ',')]
        individuals: Vec<String>,
        /// Draw only these keypoints: snout,tailbase.
        #[arg(long, value_delimiter = ',')]
        keypoints: Vec<String>,
        /// First frame rendered (from 0).
        #[arg(long)]
        start: Option<usize>,
        /// Frame to stop before (default: the end).
        #[arg(long)]
        stop: Option<usize>,
        /// Likelihood cutoff (default: the project's, else its DeepLabCut config's).
        #[arg(long)]
        pcutoff: Option<f32>,
        /// Trail length in frames (default: the project's setting).
        #[arg(long)]
        trail: Option<usize>,
        /// x264 preset: faster presets write larger files.
        #[arg(long, default_value = crate::labeled_video::DEFAULT_PRESET,
              value_parser = clap::builder::PossibleValuesParser::new(crate::labeled_video::PRESETS))]
        preset: String,
        /// x264 quality: lower is better and larger (0 to 51).
        #[arg(long, default_value_t = crate::labeled_video::DEFAULT_CRF,
              value_parser = clap::value_parser!(u32).range(0..=51))]
        crf: u32,
        /// Marker radius in video pixels (default: 8 at 1080 lines, scaled).
        #[arg(long)]
        radius: Option<f32>,
    },
    /// Run a pose model (ONNX) over whole videos and write its predictions: one file
    /// per video, named after the video and the model. Without --spec, the model's
    /// family is recognised from its tensors and metadata (the choice is printed).
    Infer(infer::InferArgs),
    /// Write the kinematics table of a video's tracks (position, velocity, speed,
    /// acceleration, likelihood per frame, individual and keypoint) from a project or
    /// another tool's file, cleaned and smoothed as asked.
    Kinematics(kinematics::KinematicsArgs),
    /// Write a project's coded behaviour events as BORIS's tabular events CSV (START,
    /// STOP and POINT rows with their time and frame), every video or one.
    Events(events::EventsArgs),
    /// Find behaviours from kinematics by the rules of a rules.json (conditions on
    /// speed, distance, angle or a region, held for a minimum duration) and write them
    /// as BORIS's tabular events CSV; --save keeps them in the project as computed.
    Rules(rules::RulesArgs),
    /// Copy the demo project (a synthetic clip with a skeleton) into DIR and open it.
    Demo {
        /// Where to put it (default: Kinelab's folder in the user data folder).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Only copy it; do not open the app.
        #[arg(long)]
        no_open: bool,
    },
    /// Print every label of a project: video, frame, individual, keypoint, x, y,
    /// visibility and provenance.
    Labels {
        project: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Measure the video engine and the file readers.
    Bench {
        #[command(subcommand)]
        bench: BenchCommand,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExtractMethod {
    /// Evenly spread over the range.
    Uniform,
    /// One frame per k-means cluster of small grayscale thumbnails.
    Kmeans,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Open once, then fetch each listed frame as RGBA, in list order, without a cache.
    Seek {
        video: PathBuf,
        #[arg(long)]
        indices_file: PathBuf,
        /// Seek for every frame, even when decoding forward would be shorter.
        #[arg(long)]
        always_seek: bool,
        #[arg(long)]
        json: bool,
    },
    /// Decode every frame to RGBA and report frames per second.
    Decode {
        video: PathBuf,
        /// Decoder threads (0 = one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        #[arg(long)]
        json: bool,
    },
    /// Time from opening the file to the first RGBA frame (no index needed).
    First {
        video: PathBuf,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        #[arg(long)]
        json: bool,
    },
    /// The labeling app's speed, headless: start to first frame, CPU per UI frame with
    /// many labels, holding → at 30/s, scrubbing, store commits, peak memory.
    Ui {
        video: PathBuf,
        #[arg(long, default_value_t = 20)]
        keypoints: usize,
        #[arg(long, default_value_t = 2)]
        individuals: usize,
        /// Show frames through the RGBA texture fallback instead of the YUV shader.
        #[arg(long)]
        cpu_path: bool,
        /// Add prediction sets of this many frames in all (every point of every
        /// individual and keypoint predicted), drawn while it runs.
        #[arg(long, default_value_t = 0)]
        predictions: u64,
        #[arg(long)]
        json: bool,
    },
    /// Play a video in the app, headlessly, with a prediction set drawn over it: every
    /// due frame shown on time, late, or skipped.
    Play {
        video: PathBuf,
        /// How long to play.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// 0.25, 0.5, 1, 2 or 4.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// Show frames through the RGBA texture fallback instead of the YUV shader.
        #[arg(long)]
        cpu_path: bool,
        #[arg(long)]
        json: bool,
    },
    /// Step one frame at a time (forward, then back) through the decode worker and its
    /// cache, as a person holding an arrow key does.
    Step {
        video: PathBuf,
        /// Frame to start from.
        #[arg(long, default_value_t = 0)]
        start: usize,
        /// Steps in each direction.
        #[arg(long, default_value_t = 60)]
        steps: usize,
        #[arg(long)]
        json: bool,
    },
    /// Import a DeepLabCut prediction file into a fresh project as a prediction set,
    /// ROUNDS times; print the median time and the project's growth against the raw
    /// floats (see scripts/bench-formats).
    Import {
        file: PathBuf,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        #[arg(long)]
        json: bool,
    },
    /// A pose model's speed on a video: one suggestion's latency on a decoded frame,
    /// the model alone at the batch size, decoding alone, and the pipelined run (see
    /// scripts/bench-inference).
    Infer {
        #[arg(long)]
        model: PathBuf,
        video: PathBuf,
        #[arg(long, default_value_t = 8)]
        batch: usize,
        /// Timed runs of the suggestion and of the model alone.
        #[arg(long, default_value_t = 50)]
        iters: usize,
        /// ONNX Runtime threads per operator (0: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        #[arg(long)]
        json: bool,
    },
    /// Read a DeepLabCut label or prediction file (.csv, or .h5 in fixed or table
    /// format) ROUNDS times; print the median time (see scripts/bench-formats).
    ReadLabels {
        file: PathBuf,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        #[arg(long)]
        json: bool,
    },
    /// The UI-thread CPU per frame with a video's coded events on screen (the events
    /// lanes and the Behaviours panel), beside the same screen with none.
    Events {
        /// Frames of the video (108,000: an hour at 30 fps).
        #[arg(long, default_value_t = 108_000)]
        frames: u64,
        /// Coded events over them.
        #[arg(long, default_value_t = 20_000)]
        events: usize,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        #[arg(long)]
        json: bool,
    },
    /// The plots dock's UI-thread CPU per frame with three plots of an hour of
    /// tracks, beside the dock with none.
    Plots {
        /// Frames of tracks (108,000: an hour at 30 fps).
        #[arg(long, default_value_t = 108_000)]
        frames: u64,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        #[arg(long)]
        json: bool,
    },
}

/// The command line's definition, with the help texts that list file kinds built from
/// the lists the app and the readers use.
pub fn command() -> clap::Command {
    Cli::command()
        .mut_subcommand("import", |c| {
            c.after_help(format!(
                "Files it takes:\n{}",
                kinds_help(&import_file_kinds())
            ))
        })
        .mut_subcommand("open", |c| {
            c.after_help(format!("Projects it opens:\n{}", kinds_help(PROJECT_KINDS)))
        })
}

/// Parses the process's arguments; on a usage error, prints it and exits with 2.
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Runs the command line: a headless command, or the app.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let Some(command) = cli.command else {
        return crate::ui::run_gui(None);
    };
    match command {
        Command::Open { path } => {
            let path = interchange::project_to_open(&path)?;
            // Fail here, in the terminal, rather than on the start screen.
            drop(crate::project::Project::open(&path)?);
            crate::ui::run_gui(Some(path))
        }
        Command::Import {
            project,
            files,
            video,
        } => interchange::import(&project, &files, video.as_deref()),
        Command::Export {
            project,
            format,
            out,
            val_fraction,
        } => interchange::export(
            &project,
            format,
            &out,
            &crate::formats::ExportOptions { val_fraction },
        ),
        Command::Convert {
            input,
            to,
            out,
            val_fraction,
        } => interchange::convert(
            &input,
            to,
            &out,
            &crate::formats::ExportOptions { val_fraction },
        ),
        Command::Infer(args) => infer::run(&args),
        Command::Kinematics(args) => kinematics::run(&args),
        Command::Events(args) => events::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Demo { dir, no_open } => {
            let project = demo::install(dir.as_deref())?;
            println!("demo project: {}", project.display());
            if no_open {
                Ok(())
            } else {
                crate::ui::run_gui(Some(project))
            }
        }
        Command::Probe { video, count, json } => probe::run(&video, count, json),
        Command::Frames {
            video,
            indices,
            indices_file,
            out,
        } => {
            let list = indices::from_args(indices.as_deref(), indices_file.as_deref())?;
            frames::run(&video, &list, &out)
        }
        Command::Extract {
            video,
            count,
            method,
            start,
            stop,
            out,
        } => extract::run(&video, count, method, start, stop, &out),
        Command::New {
            project,
            videos,
            bodyparts,
            preset,
            edges,
            symmetric,
            individuals,
        } => new_project::run(new_project::NewArgs {
            project: &project,
            videos: &videos,
            bodyparts: bodyparts.as_deref(),
            preset: preset.as_deref(),
            edges: edges.as_deref(),
            symmetric: symmetric.as_deref(),
            individuals: individuals.as_deref(),
        }),
        Command::Labels { project, json } => labels::run(&project, json),
        Command::Render {
            video,
            project,
            out,
            sets,
            predictions,
            no_labels,
            individuals,
            keypoints,
            start,
            stop,
            pcutoff,
            trail,
            preset,
            crf,
            radius,
        } => render::run(&render::RenderArgs {
            video: &video,
            project: project.as_deref(),
            out: &out,
            sets: &sets,
            predictions: predictions.as_deref(),
            no_labels,
            individuals: &individuals,
            keypoints: &keypoints,
            start,
            stop,
            pcutoff,
            trail,
            preset: &preset,
            crf,
            radius,
        }),
        Command::Bench { bench } => match bench {
            BenchCommand::Ui {
                video,
                keypoints,
                individuals,
                cpu_path,
                predictions,
                json,
            } => bench_ui::run(&video, keypoints, individuals, cpu_path, predictions, json),
            BenchCommand::Seek {
                video,
                indices_file,
                always_seek,
                json,
            } => {
                let list = indices::from_args(None, Some(&indices_file))?;
                bench::seek(&video, &list, always_seek, json)
            }
            BenchCommand::Decode {
                video,
                threads,
                json,
            } => bench::decode(&video, threads, json),
            BenchCommand::First {
                video,
                rounds,
                json,
            } => bench::first(&video, rounds, json),
            BenchCommand::Step {
                video,
                start,
                steps,
                json,
            } => bench::step(&video, start, steps, json),
            BenchCommand::Import { file, rounds, json } => bench_import::run(&file, rounds, json),
            BenchCommand::Play {
                video,
                seconds,
                speed,
                cpu_path,
                json,
            } => bench_play::run(&video, seconds, speed, cpu_path, json),
            BenchCommand::Infer {
                model,
                video,
                batch,
                iters,
                threads,
                json,
            } => bench_infer::run(&bench_infer::BenchInferArgs {
                model: &model,
                video: &video,
                batch,
                iters,
                threads,
                json,
            }),
            BenchCommand::Plots {
                frames,
                rounds,
                json,
            } => bench_plots::run(frames, rounds, json),
            BenchCommand::Events {
                frames,
                events,
                rounds,
                json,
            } => bench_events::run(frames, events, rounds, json),
            BenchCommand::ReadLabels { file, rounds, json } => {
                bench::read_labels(&file, rounds, json)
            }
        },
    }
}
