//! Behaviour coding on the video's frames: the ethogram (behaviours with a key, a
//! colour, point or state, modifiers and an optional group of mutually exclusive
//! states, as BORIS has them) and each video's events, for the project's individuals
//! as subjects. Both are kept as project settings (JSON), so every change is one
//! undoable edit, stored at once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::change::Change;
use super::model::{IndividualId, VideoId};
use super::{Edit, ProjectState};

/// The setting that holds the ethogram.
pub const ETHOGRAM: &str = "ethogram";

/// The setting that holds a video's events.
pub fn events_key(video: VideoId) -> String {
    format!("events/{}", video.0)
}

/// A point event happens on one frame; a state lasts from a start frame to a stop frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BehaviourKind {
    Point,
    State,
}

/// One behaviour of the ethogram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Behaviour {
    /// Its code, as events and exports name it ("freezing").
    pub code: String,
    /// The key that codes it (one letter or digit, not a command's key).
    pub key: String,
    /// `#rrggbb`.
    pub color: String,
    pub kind: BehaviourKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<String>,
    /// States of the same group exclude each other: starting one stops the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// Colours given to behaviours that come without one, in turn.
const PALETTE: [&str; 8] = [
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45",
];

/// The `n`th colour of the palette new behaviours take (`#rrggbb`).
pub fn palette_color(n: usize) -> String {
    PALETTE[n % PALETTE.len()].to_owned()
}

/// Whether `key` can code a behaviour: one letter or digit.
pub fn is_behaviour_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_ascii_alphanumeric())
}

/// The project's behaviours.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ethogram {
    pub behaviours: Vec<Behaviour>,
}

impl Ethogram {
    pub fn by_code(&self, code: &str) -> Option<&Behaviour> {
        self.behaviours.iter().find(|b| b.code == code)
    }

    pub fn by_key(&self, key: &str) -> Option<&Behaviour> {
        self.behaviours
            .iter()
            .find(|b| b.key.eq_ignore_ascii_case(key))
    }

    /// What is wrong with it, if anything: empty or repeated codes, repeated keys, keys
    /// that are not one letter or digit, or that a command already has (`taken`). A
    /// behaviour may have no key: it is then coded from the events list or by rules.
    pub fn problems(&self, taken: &dyn Fn(&str) -> bool) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, b) in self.behaviours.iter().enumerate() {
            if b.code.trim().is_empty() {
                problems.push(format!("behaviour {} has no code", i + 1));
            }
            let keyed = !b.key.is_empty();
            if keyed && !is_behaviour_key(&b.key) {
                problems.push(format!(
                    "'{}': the key '{}' is not one letter or digit",
                    b.code, b.key
                ));
            } else if keyed && taken(&b.key) {
                problems.push(format!("'{}': the key '{}' is a command's", b.code, b.key));
            }
            let same = |other: &Behaviour| {
                other.code == b.code || (keyed && other.key.eq_ignore_ascii_case(&b.key))
            };
            if self.behaviours[..i].iter().any(same) {
                problems.push(format!(
                    "'{}': its code or key is another behaviour's too",
                    b.code
                ));
            }
        }
        problems
    }
}

/// One coded event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub behaviour: String,
    pub subject: IndividualId,
    pub start_frame: u64,
    /// A state's last frame; `None` for a point event, or a state still open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_frame: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modifier: Option<String>,
    /// Found by a rule rather than coded by a person.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub computed: bool,
}

impl Event {
    /// Whether it is a state still open (started, not stopped).
    pub fn is_open(&self, ethogram: &Ethogram) -> bool {
        self.stop_frame.is_none()
            && ethogram
                .by_code(&self.behaviour)
                .is_some_and(|b| b.kind == BehaviourKind::State)
    }
}

/// The project's ethogram.
pub fn ethogram(state: &ProjectState) -> Ethogram {
    state
        .settings
        .get(ETHOGRAM)
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

/// A video's events, in the order they start.
pub fn events(state: &ProjectState, video: VideoId) -> Vec<Event> {
    state
        .settings
        .get(&events_key(video))
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

/// A video's events parsed once per change of their setting: the UI reads them several
/// times a frame (lanes, list, prompt), and parsing thousands of events each time would
/// cost milliseconds. Comparing the setting's text is a memcmp.
#[derive(Default)]
pub struct EventsCache {
    cached: std::cell::RefCell<Option<CachedEvents>>,
}

/// The video, its setting's text (`None`: no setting) and its events.
type CachedEvents = (VideoId, Option<String>, std::sync::Arc<Vec<Event>>);

impl EventsCache {
    /// The video's events, as `events` gives them.
    pub fn events(&self, state: &ProjectState, video: VideoId) -> std::sync::Arc<Vec<Event>> {
        let text = state.settings.get(&events_key(video));
        let mut cached = self.cached.borrow_mut();
        if let Some((v, t, events)) = cached.as_ref()
            && *v == video
            && t.as_ref() == text
        {
            return std::sync::Arc::clone(events);
        }
        let events = std::sync::Arc::new(events(state, video));
        *cached = Some((video, text.cloned(), std::sync::Arc::clone(&events)));
        events
    }
}

fn setting_edit(
    state: &ProjectState,
    key: String,
    value: String,
    description: String,
) -> Option<Edit> {
    Edit::new(
        description,
        vec![Change::Setting {
            before: state.settings.get(&key).cloned(),
            key,
            after: Some(value),
        }],
    )
}

/// The edit that makes `ethogram` the project's.
pub fn set_ethogram(state: &ProjectState, ethogram: &Ethogram) -> Option<Edit> {
    let value = serde_json::to_string(ethogram).ok()?;
    setting_edit(
        state,
        ETHOGRAM.to_owned(),
        value,
        "edit the ethogram".to_owned(),
    )
}

/// The edit that makes `events` the video's (sorted by start frame).
pub fn set_events(
    state: &ProjectState,
    video: VideoId,
    mut events: Vec<Event>,
    description: impl Into<String>,
) -> Option<Edit> {
    events.sort_by_key(|e| (e.start_frame, e.subject, e.behaviour.clone()));
    let value = serde_json::to_string(&events).ok()?;
    setting_edit(state, events_key(video), value, description.into())
}

/// What pressing a behaviour's key does on `frame_idx` for `subject`: a point event
/// there; or for a state, stopping its open event, else starting one (which stops the
/// subject's open states of the same group a frame before). `None`: no such key.
pub fn code_key(
    state: &ProjectState,
    video: VideoId,
    key: &str,
    subject: IndividualId,
    frame_idx: u64,
) -> Option<(Edit, String)> {
    let ethogram = ethogram(state);
    let behaviour = ethogram.by_key(key)?.clone();
    let mut events = events(state, video);
    let subject_name = state.individual_name(subject);
    let open =
        |e: &Event, code: &str| e.subject == subject && e.behaviour == code && e.is_open(&ethogram);
    let said = match behaviour.kind {
        BehaviourKind::Point => {
            events.push(Event {
                behaviour: behaviour.code.clone(),
                subject,
                start_frame: frame_idx,
                stop_frame: None,
                modifier: None,
                computed: false,
            });
            format!("{} ({subject_name}) on frame {frame_idx}", behaviour.code)
        }
        BehaviourKind::State => {
            if let Some(e) = events.iter_mut().find(|e| open(e, &behaviour.code)) {
                e.stop_frame = Some(frame_idx.max(e.start_frame));
                format!(
                    "{} ({subject_name}) stopped on frame {frame_idx}",
                    behaviour.code
                )
            } else {
                if let Some(group) = &behaviour.group {
                    let exclusive: Vec<String> = ethogram
                        .behaviours
                        .iter()
                        .filter(|b| b.group.as_ref() == Some(group) && b.code != behaviour.code)
                        .map(|b| b.code.clone())
                        .collect();
                    for e in events
                        .iter_mut()
                        .filter(|e| exclusive.iter().any(|c| open(e, c)))
                    {
                        e.stop_frame = Some(frame_idx.saturating_sub(1).max(e.start_frame));
                    }
                }
                events.push(Event {
                    behaviour: behaviour.code.clone(),
                    subject,
                    start_frame: frame_idx,
                    stop_frame: None,
                    modifier: None,
                    computed: false,
                });
                format!(
                    "{} ({subject_name}) started on frame {frame_idx}",
                    behaviour.code
                )
            }
        }
    };
    let edit = set_events(state, video, events, format!("code {said}"))?;
    Some((edit, said))
}

/// Events of a video per subject, for lanes: `(subject, events)` in subject order.
pub fn by_subject(events: &[Event]) -> BTreeMap<IndividualId, Vec<&Event>> {
    let mut out: BTreeMap<IndividualId, Vec<&Event>> = BTreeMap::new();
    for e in events {
        out.entry(e.subject).or_default().push(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn behaviour(code: &str, key: &str, kind: BehaviourKind, group: Option<&str>) -> Behaviour {
        Behaviour {
            code: code.into(),
            key: key.into(),
            color: "#ff0000".into(),
            kind,
            modifiers: Vec::new(),
            group: group.map(str::to_owned),
            description: String::new(),
        }
    }

    #[test]
    fn problems_name_the_behaviour_and_what_is_wrong() {
        let e = Ethogram {
            behaviours: vec![
                behaviour("rear", "r", BehaviourKind::State, None),
                behaviour("groom", "R", BehaviourKind::State, None),
                behaviour("sniff", "ss", BehaviourKind::Point, None),
                behaviour("jump", "d", BehaviourKind::Point, None),
                // Two without a key: coded from the list or by rules, no clash.
                behaviour("freeze", "", BehaviourKind::State, None),
                behaviour("dig", "", BehaviourKind::State, None),
            ],
        };
        let p = e.problems(&|k| k.eq_ignore_ascii_case("d"));
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].contains("'groom'") && p[1].contains("'ss'") && p[2].contains("command"));
    }

    #[test]
    fn the_events_cache_parses_again_only_after_a_change() {
        let mut state = ProjectState::default();
        let (a, b) = (VideoId(1), VideoId(2));
        let event = |start| Event {
            behaviour: "rear".into(),
            subject: IndividualId(1),
            start_frame: start,
            stop_frame: None,
            modifier: None,
            computed: false,
        };
        let put = |state: &mut ProjectState, video, events: &[Event]| {
            state
                .settings
                .insert(events_key(video), serde_json::to_string(events).unwrap());
        };
        put(&mut state, a, &[event(1)]);
        put(&mut state, b, &[event(2), event(3)]);
        let cache = EventsCache::default();
        let first = cache.events(&state, a);
        assert!(std::sync::Arc::ptr_eq(&first, &cache.events(&state, a)));
        assert_eq!(cache.events(&state, b).len(), 2, "another video");
        assert_eq!(*cache.events(&state, a), vec![event(1)]);
        put(&mut state, a, &[event(1), event(5)]);
        assert_eq!(*cache.events(&state, a), vec![event(1), event(5)]);
        state.settings.remove(&events_key(a));
        assert!(cache.events(&state, a).is_empty(), "gone with its setting");
    }
}
