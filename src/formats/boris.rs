//! BORIS project files (`.boris`, JSON, project format 7): the ethogram
//! (`behaviors_conf`), the subjects (`subjects_conf`) and one media observation per
//! video whose `events` are `[time, subject, code, modifier, comment, frame index]`
//! rows, a state event being two rows of its code (start, then stop) for its subject.
//! Kinelab writes its ethogram and events as such a project and reads one back.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::error::{FormatError, FormatResult};
use super::events_csv::VideoEvents;
use crate::project::ProjectState;
use crate::project::behaviours::{Behaviour, BehaviourKind, Ethogram, Event};

const STATE_EVENT: &str = "State event";
const POINT_EVENT: &str = "Point event";

/// BORIS's `behaviors_conf`: exclusive groups become each behaviour's `excluded` codes.
pub(super) fn behaviours_conf(ethogram: &Ethogram) -> Value {
    let mut conf = serde_json::Map::new();
    for (i, b) in ethogram.behaviours.iter().enumerate() {
        let excluded: Vec<&str> = match &b.group {
            Some(g) => ethogram
                .behaviours
                .iter()
                .filter(|o| o.group.as_ref() == Some(g) && o.code != b.code)
                .map(|o| o.code.as_str())
                .collect(),
            None => Vec::new(),
        };
        let modifiers = if b.modifiers.is_empty() {
            json!({})
        } else {
            json!({"0": {"name": "modifiers", "type": 0, "values": b.modifiers}})
        };
        conf.insert(
            i.to_string(),
            json!({
                "type": match b.kind { BehaviourKind::State => STATE_EVENT, BehaviourKind::Point => POINT_EVENT },
                "key": b.key,
                "code": b.code,
                "description": b.description,
                "color": b.color,
                // BORIS has no name for a group of exclusive states: the category
                // carries it, so it comes back.
                "category": b.group.clone().unwrap_or_default(),
                "modifiers": modifiers,
                "excluded": excluded.join(","),
                "coding map": "",
            }),
        );
    }
    Value::Object(conf)
}

/// A BORIS project holding the ethogram, the subjects and each video's events.
/// Subjects are the project's individuals; each video is an observation.
pub fn project_json(
    state: &ProjectState,
    name: &str,
    ethogram: &Ethogram,
    observations: &[VideoEvents<'_>],
) -> Value {
    let subjects_conf: serde_json::Map<String, Value> = state
        .individuals
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                i.to_string(),
                json!({"key": ((i + 1) % 10).to_string(), "name": s.def.name, "description": ""}),
            )
        })
        .collect();
    let mut obs = serde_json::Map::new();
    for o in observations {
        let length_secs = o
            .times
            .last()
            .copied()
            .filter(|t| t.is_finite())
            .unwrap_or(0.0);
        let time = |f: u64| {
            o.times
                .get(f as usize)
                .copied()
                .filter(|t| t.is_finite())
                .unwrap_or(f as f64 / o.fps.max(1e-9))
        };
        let mut rows: Vec<(f64, u64, Value)> = Vec::new();
        for e in o.events {
            let subject = state.individual_name(e.subject);
            let modifier = e.modifier.clone().unwrap_or_default();
            let comment = if e.computed { "computed" } else { "" };
            let mut push = |f: u64| {
                rows.push((
                    time(f),
                    f,
                    json!([time(f), subject, e.behaviour, modifier, comment, f]),
                ));
            };
            push(e.start_frame);
            if let Some(stop) = e.stop_frame {
                push(stop);
            }
        }
        rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        obs.insert(
            o.observation.clone(),
            json!({
                "file": {"1": [o.media_file], "2": []},
                "type": "MEDIA",
                "date": "",
                "description": "",
                "time offset": 0.0,
                "events": rows.into_iter().map(|r| r.2).collect::<Vec<_>>(),
                "independent_variables": {},
                "visualize_spectrogram": false,
                "close_behaviors_between_videos": false,
                "media_info": {
                    "length": {o.media_file.clone(): length_secs},
                    "fps": {o.media_file.clone(): o.fps},
                    "hasVideo": {o.media_file.clone(): true},
                    "hasAudio": {o.media_file.clone(): false},
                    "offset": {"1": 0.0},
                },
            }),
        );
    }
    // The groups ride in the behaviours' categories, and BORIS's integrity check wants
    // each category listed (the names sorted, as BORIS keeps them; a colour each).
    let categories: std::collections::BTreeSet<&str> = ethogram
        .behaviours
        .iter()
        .filter_map(|b| b.group.as_deref())
        .collect();
    let categories_config: serde_json::Map<String, Value> = categories
        .iter()
        .enumerate()
        .map(|(i, name)| (i.to_string(), json!({"name": name, "color": ""})))
        .collect();
    json!({
        "project_name": name,
        "project_date": "",
        "project_description": "written by Kinelab",
        "project_format_version": "7.0",
        "time_format": "hh:mm:ss",
        "behaviors_conf": behaviours_conf(ethogram),
        "subjects_conf": subjects_conf,
        "behavioral_categories": categories,
        "behavioral_categories_config": categories_config,
        "coding_map": {},
        "independent_variables": {},
        "converters": {},
        "observations": obs,
    })
}

/// Whether `path` names a BORIS project: `<name>.boris`, or `<name>.boris.gz`, which
/// BORIS saves gzip-compressed when asked to.
pub fn is_project_path(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".boris") || name.ends_with(".boris.gz")
}

/// [`project_file`]'s bytes for the file `path`: gzip-compressed where its name ends in
/// `.gz`, as BORIS reads a `.boris.gz`.
pub fn project_file_at(
    path: &Path,
    state: &ProjectState,
    name: &str,
    ethogram: &Ethogram,
    observations: &[VideoEvents<'_>],
) -> FormatResult<Vec<u8>> {
    let bytes = project_file(state, name, ethogram, observations);
    let gzipped = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    if !gzipped {
        return Ok(bytes);
    }
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(&bytes)
        .and_then(|()| encoder.finish())
        .map_err(|e| FormatError::io(path, e))
}

/// The project file's bytes: `project_json`, pretty-printed with a final newline.
pub fn project_file(
    state: &ProjectState,
    name: &str,
    ethogram: &Ethogram,
    observations: &[VideoEvents<'_>],
) -> Vec<u8> {
    let json = project_json(state, name, ethogram, observations);
    // A `Value` always serialises.
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

/// An event of a BORIS observation, by names and time.
#[derive(Clone, Debug, PartialEq)]
pub struct BorisEvent {
    pub behaviour: String,
    pub subject: String,
    pub modifier: Option<String>,
    pub start_secs: f64,
    pub stop_secs: Option<f64>,
    pub start_frame: Option<u64>,
    pub stop_frame: Option<u64>,
    pub computed: bool,
}

/// A BORIS project as Kinelab takes it: the ethogram and, per observation, the media
/// file names and their events (state rows paired into start and stop).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BorisProject {
    pub ethogram: Ethogram,
    pub subjects: Vec<String>,
    /// Observation id -> (media files, events).
    pub observations: BTreeMap<String, (Vec<String>, Vec<BorisEvent>)>,
}

/// The values of a BORIS object keyed "0", "1", ..., in their keys' order.
pub(super) fn sorted_values(o: &Value) -> Vec<Value> {
    let mut items: Vec<(i64, Value)> = o
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.parse().unwrap_or(i64::MAX), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    items.sort_by_key(|(k, _)| *k);
    items.into_iter().map(|(_, v)| v).collect()
}

/// A text field, trimmed ("" where absent).
fn text_of(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or_default().trim().to_owned()
}

/// An ethogram from BORIS's behaviour definitions (`behaviors_conf`'s values in order,
/// or an ethogram table's rows as the same JSON): exclusions become groups.
pub(super) fn ethogram_from_conf(conf: &[Value]) -> Ethogram {
    let behaviours: Vec<Behaviour> = conf
        .iter()
        .enumerate()
        .map(|(i, b)| Behaviour {
            code: text_of(b, "code"),
            key: text_of(b, "key"),
            // BORIS often leaves the colour out: the palette's, in turn.
            color: Some(text_of(b, "color"))
                .filter(|c| c.starts_with('#') && c.len() == 7)
                .unwrap_or_else(|| crate::project::behaviours::palette_color(i)),
            kind: if text_of(b, "type").starts_with("State") {
                BehaviourKind::State
            } else {
                BehaviourKind::Point
            },
            modifiers: sorted_values(&b["modifiers"])
                .iter()
                .flat_map(|m| {
                    m["values"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|x| x.as_str().map(|s| s.trim().to_owned()))
                })
                .collect(),
            group: None,
            description: text_of(b, "description"),
        })
        .collect();
    // Exclusions (a list of codes each) become groups: each behaviour with the ones it
    // excludes, named by its category where it has one, else by their codes.
    let mut ethogram = Ethogram { behaviours };
    let categories: Vec<String> = conf.iter().map(|b| text_of(b, "category")).collect();
    let excluded: Vec<Vec<String>> = conf
        .iter()
        .map(|b| {
            text_of(b, "excluded")
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .collect();
    for i in 0..ethogram.behaviours.len() {
        if excluded[i].is_empty() || ethogram.behaviours[i].group.is_some() {
            continue;
        }
        let mut members = vec![ethogram.behaviours[i].code.clone()];
        members.extend(excluded[i].iter().cloned());
        members.sort();
        let category = categories[i].clone();
        let group = if category.is_empty() {
            members.join("|")
        } else {
            category
        };
        for b in &mut ethogram.behaviours {
            if members.contains(&b.code) && b.kind == BehaviourKind::State {
                b.group = Some(group.clone());
            }
        }
    }
    ethogram
}

/// A media file of a BORIS observation and where it starts on the observation's clock.
struct MediaClock {
    file: String,
    /// The player ("1", "2", …) that shows it.
    player: String,
    /// The player's offset plus the lengths of the files before it in that player.
    start_secs: f64,
    /// Its length, where BORIS recorded it.
    length_secs: Option<f64>,
    /// Whether it is the last file of its player (an event may stop at its very end).
    last_of_player: bool,
}

/// Each media file of observation `o`, every player's, with where it starts.
fn media_clocks(o: &Value) -> Vec<MediaClock> {
    let mut players: Vec<(&String, &Value)> = o["file"]
        .as_object()
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    players.sort_by_key(|(p, _)| p.parse::<u32>().unwrap_or(u32::MAX));
    let mut clocks = Vec::new();
    for (player, files) in players {
        let files: Vec<&str> = files
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut start = o["media_info"]["offset"][player.as_str()]
            .as_f64()
            .unwrap_or(0.0);
        for (i, file) in files.iter().enumerate() {
            let length = o["media_info"]["length"][*file].as_f64();
            clocks.push(MediaClock {
                file: (*file).to_owned(),
                player: player.clone(),
                start_secs: start,
                length_secs: length,
                last_of_player: i + 1 == files.len(),
            });
            start += length.unwrap_or(f64::NAN);
        }
    }
    clocks
}

/// Reads a `.boris` project.
pub fn read(path: &Path) -> FormatResult<BorisProject> {
    let bad = |why: String| FormatError::invalid(path, why);
    let bytes = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    // A `.boris.gz` (gzip's magic bytes first), as BORIS saves a compressed project.
    let text = if bytes.starts_with(&[0x1f, 0x8b]) {
        use std::io::Read;
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_string(&mut text)
            .map_err(|e| bad(format!("not a readable gzip-compressed BORIS project: {e}")))?;
        text
    } else {
        String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text: not a BORIS project".into()))?
    };
    let v: Value = serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    if v.get("behaviors_conf").is_none() {
        return Err(bad("no 'behaviors_conf': not a BORIS project".into()));
    }
    let ethogram = ethogram_from_conf(&sorted_values(&v["behaviors_conf"]));
    let subjects = sorted_values(&v["subjects_conf"])
        .iter()
        .map(|s| text_of(s, "name"))
        .collect();
    let mut observations = BTreeMap::new();
    for (id, o) in v["observations"].as_object().into_iter().flatten() {
        let media = media_clocks(o);
        let files: Vec<String> = media.iter().map(|m| m.file.clone()).collect();
        let mut events: Vec<BorisEvent> = Vec::new();
        let mut open: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for row in o["events"].as_array().into_iter().flatten() {
            let Some(r) = row.as_array() else {
                continue;
            };
            let time = r.first().and_then(Value::as_f64).unwrap_or(f64::NAN);
            let s = |i: usize| {
                r.get(i)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            };
            let (subject, code, modifier, comment) = (s(1), s(2), s(3), s(4));
            let frame = r.get(5).and_then(Value::as_u64);
            let state = ethogram
                .by_code(&code)
                .is_some_and(|b| b.kind == BehaviourKind::State);
            let key = (subject.clone(), code.clone(), modifier.clone());
            if state && let Some(i) = open.remove(&key) {
                events[i].stop_secs = Some(time);
                events[i].stop_frame = frame;
                continue;
            }
            if state {
                open.insert(key, events.len());
            }
            events.push(BorisEvent {
                behaviour: code,
                subject,
                modifier: Some(modifier).filter(|m| !m.is_empty()),
                start_secs: time,
                stop_secs: None,
                start_frame: frame,
                stop_frame: None,
                computed: comment == "computed",
            });
        }
        // Event times are on the observation's clock: the time offset, then player 1's
        // files one after another. With one media file, its times less the offset; with
        // more, each file gets the events that start while it plays, on its own clock.
        let time_offset = o["time offset"].as_f64().unwrap_or(0.0);
        let shift = |e: &BorisEvent, by: f64, keep_frames: bool| BorisEvent {
            start_secs: e.start_secs - by,
            stop_secs: e.stop_secs.map(|t| t - by),
            start_frame: e.start_frame.filter(|_| keep_frames),
            stop_frame: e.stop_frame.filter(|_| keep_frames),
            ..e.clone()
        };
        if media.len() <= 1 {
            let events = events.iter().map(|e| shift(e, time_offset, true)).collect();
            observations.insert(id.clone(), (files, events));
            continue;
        }
        for m in &media {
            let start = time_offset + m.start_secs;
            let playing = |e: &&BorisEvent| {
                start.is_finite()
                    && m.length_secs.is_none_or(|len| {
                        let t = e.start_secs - start;
                        t >= 0.0 && (t < len || (m.last_of_player && t <= len + 1e-6))
                    })
            };
            // BORIS's frame indices count in player 1's file.
            let here = events
                .iter()
                .filter(playing)
                .map(|e| shift(e, start, m.player == "1"))
                .collect();
            let stem = Path::new(&m.file.replace('\\', "/"))
                .file_name()
                .map_or_else(|| m.file.clone(), |n| n.to_string_lossy().into_owned());
            observations.insert(format!("{id} ({stem})"), (vec![m.file.clone()], here));
        }
    }
    Ok(BorisProject {
        ethogram,
        subjects,
        observations,
    })
}

/// What [`read_any`] reads, for the file picker and the help.
pub const IMPORT_KINDS: &[super::FileKind] = &[
    super::FileKind {
        name: "BORIS project",
        extensions: &["boris", "gz"],
        examples: "<project>.boris, <project>.boris.gz",
    },
    super::FileKind {
        name: "BORIS tabular or aggregated events, or an ethogram table",
        extensions: &["csv", "tsv", "xlsx", "xls", "ods"],
        examples: "events.csv, events.tsv, events.xlsx, ethogram.tsv",
    },
];

/// Reads a BORIS project (`.boris`), one of BORIS's tabular or aggregated events
/// exports, or its ethogram table (`.csv`, `.tsv` or a spreadsheet: `.xlsx`, `.xls`,
/// `.ods`; told apart by their columns).
pub fn read_any(path: &Path) -> FormatResult<BorisProject> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let is_table =
        matches!(ext.as_str(), "csv" | "tsv" | "txt") || super::boris_tabular::is_spreadsheet(path);
    if !is_table {
        return read(path);
    }
    // Read once; an ethogram table names `Behavior code`, events tables `Behavior`.
    let (headers, rows) = super::boris_tabular::read_table(path)?;
    if super::boris_ethogram::is_ethogram_header(&headers) {
        super::boris_ethogram::from_table(path, &headers, &rows)
    } else {
        super::boris_tabular::from_table(path, &headers, &rows)
    }
}

/// What importing a BORIS project into a project gives: one edit (the behaviours the
/// ethogram lacks, and each matched video's events), with what was added and skipped.
pub struct BorisImport {
    pub edit: Option<crate::project::Edit>,
    pub behaviours_added: usize,
    pub events_added: usize,
    /// Reason -> count.
    pub skipped: BTreeMap<String, usize>,
    /// Keys of added behaviours left off, as `'key' (code)`: a command or another
    /// behaviour has them, or they are not one letter or digit.
    pub keys_left_off: Vec<String>,
}

impl BorisImport {
    /// "3 behaviours and 12 events added (2 skipped: ...)".
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} behaviours and {} events added",
            self.behaviours_added, self.events_added
        );
        if !self.skipped.is_empty() {
            let parts: Vec<String> = self
                .skipped
                .iter()
                .map(|(why, n)| format!("{n} skipped: {why}"))
                .collect();
            text.push_str(&format!(" ({})", parts.join("; ")));
        }
        if !self.keys_left_off.is_empty() {
            text.push_str(&format!(
                "; keys left off, as commands or other behaviours have them: {} \
                 (give those behaviours free keys in the ethogram)",
                self.keys_left_off.join(", ")
            ));
        }
        text
    }
}

/// The edit that adds `boris` to `state`: observations go to the video of their media
/// file's name, times to frames by `times_of(video)` (the frames' timestamps) unless
/// BORIS gave the frame, subjects by name (BORIS's "no focal subject" is the one animal
/// of a single-animal project). A behaviour's key that a command has (`key_taken`) or
/// another behaviour has is left off, and said: BORIS's keys are often Kinelab's
/// commands (S, W, D…).
pub fn import_edit(
    state: &crate::project::ProjectState,
    boris: &BorisProject,
    file: &Path,
    times_of: &dyn Fn(&crate::project::Video) -> Option<Vec<f64>>,
    key_taken: &dyn Fn(&str) -> bool,
) -> BorisImport {
    use crate::project::behaviours::{self, events_key, is_behaviour_key};
    use crate::project::change::Change;
    let mut ethogram = behaviours::ethogram(state);
    let (mut added, mut keys_left_off) = (0, Vec::new());
    for b in &boris.ethogram.behaviours {
        if ethogram.by_code(&b.code).is_none() {
            let mut b = b.clone();
            let free =
                is_behaviour_key(&b.key) && !key_taken(&b.key) && ethogram.by_key(&b.key).is_none();
            if !b.key.is_empty() && !free {
                keys_left_off.push(format!("'{}' ({})", b.key, b.code));
                b.key.clear();
            }
            ethogram.behaviours.push(b);
            added += 1;
        }
    }
    let mut changes = Vec::new();
    if added > 0
        && let Ok(value) = serde_json::to_string(&ethogram)
    {
        changes.push(Change::Setting {
            key: behaviours::ETHOGRAM.to_owned(),
            before: state.settings.get(behaviours::ETHOGRAM).cloned(),
            after: Some(value),
        });
    }
    let stem = |p: &str| {
        Path::new(&p.replace('\\', "/"))
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let (mut imported, mut skipped) = (0usize, BTreeMap::<String, usize>::new());
    // Each video's events as the import leaves them: several observations (or a file of
    // a multi-file observation) may land on the same video.
    let mut by_video: BTreeMap<crate::project::VideoId, Vec<Event>> = BTreeMap::new();
    for (id, (files, events)) in &boris.observations {
        let video = state.videos.iter().find(|v| {
            files
                .iter()
                .any(|f| stem(f) == super::dlc_project::folder_name(v))
        });
        let Some(video) = video else {
            *skipped
                .entry(format!("observation '{id}': no video of its media file"))
                .or_default() += events.len();
            continue;
        };
        let times = times_of(video).unwrap_or_default();
        let fps = video.def.fps.max(1e-9);
        let frame_count = if times.is_empty() {
            video.def.frame_count
        } else {
            times.len() as u64
        };
        // The frame on screen at `secs` (the last that starts at or before it), or the
        // frame BORIS gives; `None` past the video's last frame.
        let frame_of = |secs: f64, given: Option<u64>| -> Option<u64> {
            let frame = match given {
                Some(f) => f,
                None if times.is_empty() => (secs * fps + 1e-6).floor().max(0.0) as u64,
                None => {
                    let last_end = times.last().map_or(0.0, |t| t + 1.0 / fps);
                    if secs >= last_end + 1e-6 {
                        return None;
                    }
                    times
                        .partition_point(|&t| t <= secs + 1e-9)
                        .saturating_sub(1) as u64
                }
            };
            (frame < frame_count).then_some(frame)
        };
        let all = by_video
            .entry(video.id)
            .or_insert_with(|| behaviours::events(state, video.id));
        for e in events {
            let subject = match (e.subject.as_str(), state.individuals.as_slice()) {
                ("", [only]) => Some(only),
                (name, _) => state.individual_by_name(name),
            };
            let Some(subject) = subject else {
                let why = if e.subject.is_empty() {
                    format!(
                        "no focal subject, and the project has {} individuals",
                        state.individuals.len()
                    )
                } else {
                    format!("subject '{}' is not an individual", e.subject)
                };
                *skipped.entry(why).or_default() += 1;
                continue;
            };
            let Some(start_frame) = frame_of(e.start_secs, e.start_frame) else {
                *skipped
                    .entry(format!(
                        "observation '{id}': after the video's last frame ({})",
                        frame_count.saturating_sub(1)
                    ))
                    .or_default() += 1;
                continue;
            };
            // A state stopped at the end of the media stops on the last frame.
            let last_frame = frame_count.saturating_sub(1);
            let event = Event {
                behaviour: e.behaviour.clone(),
                subject: subject.id,
                start_frame,
                stop_frame: e
                    .stop_secs
                    .map(|s| frame_of(s, e.stop_frame).unwrap_or(last_frame)),
                modifier: e.modifier.clone(),
                computed: e.computed,
            };
            if all.contains(&event) {
                *skipped
                    .entry("already in the project".to_owned())
                    .or_default() += 1;
                continue;
            }
            all.push(event);
            imported += 1;
        }
    }
    for (video, mut all) in by_video {
        all.sort_by_key(|e| (e.start_frame, e.subject, e.behaviour.clone()));
        if let Ok(value) = serde_json::to_string(&all) {
            let key = events_key(video);
            changes.push(Change::Setting {
                before: state.settings.get(&key).cloned(),
                key,
                after: Some(value),
            });
        }
    }
    BorisImport {
        edit: crate::project::Edit::new(format!("import {}", file.display()), changes),
        behaviours_added: added,
        events_added: imported,
        skipped,
        keys_left_off,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_or_foreign_project_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes, why) in [
            (
                "p.boris.gz",
                &[0x1f, 0x8b, 8, 0, 1, 2, 3][..],
                "not a readable gzip-compressed BORIS project",
            ),
            ("p.boris", &[0xff, 0xfe, 0][..], "not UTF-8 text"),
            ("q.boris", b"{}", "no 'behaviors_conf'"),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let err = read_any(&path).unwrap_err().to_string();
            assert!(err.contains(name) && err.contains(why), "{err}");
        }
        assert!(is_project_path(Path::new("a/B.BORIS.GZ")));
        assert!(!is_project_path(Path::new("a/events.csv.gz")));
    }

    #[test]
    fn a_boris_project_reads_with_paired_states_exclusions_and_modifiers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.boris");
        // As BORIS 7 writes them: times only, a state's start and stop as two rows.
        std::fs::write(
            &path,
            r#"{"project_format_version": "7.0", "subjects_conf": {"0": {"key": "1", "name": "rat", "description": ""}},
  "behaviors_conf": {
    "0": {"type": "State event", "key": "w", "code": "walk", "description": "", "category": "", "modifiers": {}, "excluded": "rest", "coding map": ""},
    "1": {"type": "State event", "key": "r", "code": "rest", "description": "", "category": "", "modifiers": {}, "excluded": "walk", "coding map": ""},
    "2": {"type": "Point event", "key": "p", "code": "poke", "description": "", "category": "",
          "modifiers": {"0": {"name": "side", "type": 0, "values": ["left", "right"]}}, "excluded": "", "coding map": ""}},
  "observations": {"obs1": {"file": {"1": ["C:\\videos\\trial1.mp4"], "2": []}, "type": "MEDIA",
    "events": [[1.5, "rat", "walk", "", ""], [2.0, "rat", "poke", "left", ""], [3.25, "rat", "walk", "", ""], [4.0, "", "rest", "", ""]]}}}"#,
        )
        .unwrap();
        let p = read(&path).unwrap();
        assert_eq!(p.subjects, ["rat"]);
        let walk = p.ethogram.by_code("walk").unwrap();
        assert_eq!(walk.group.as_deref(), Some("rest|walk"));
        assert_eq!(
            p.ethogram.by_code("poke").unwrap().modifiers,
            ["left", "right"]
        );
        let (files, events) = &p.observations["obs1"];
        assert_eq!(files, &["C:\\videos\\trial1.mp4"]);
        assert_eq!(events.len(), 3);
        assert_eq!(
            (events[0].start_secs, events[0].stop_secs),
            (1.5, Some(3.25))
        );
        assert_eq!(events[1].modifier.as_deref(), Some("left"));
        assert_eq!(
            (events[2].subject.as_str(), events[2].stop_secs),
            ("", None)
        );
    }
}
