//! The Rules panel: behaviours found from kinematics, built without code. Each rule is
//! a state of the ethogram for a subject, found where its conditions (the speed of one
//! or every keypoint, a distance between two points, an angle, a point in a region)
//! hold, combined with AND or OR, for at least a minimum duration. Rules are kept with
//! the project (one undoable edit); "Find" runs them on the video shown on a worker,
//! and the frames found become computed events (replacing those the same rules found
//! before), which the lanes and the events list show for review.

use std::path::PathBuf;

use crate::analysis::kinematics_table::{TimeUnit, kinematics_scale_of};
use crate::analysis::rules::{
    Combine, Compare, Condition, Measure, NamedPoint, Region, Rule, RuleSet, apply,
};
use crate::analysis::track_source::{chosen_or_default, frame_times, load_tracks};
use crate::project::behaviours::{self, BehaviourKind, Ethogram, Event};
use crate::project::prediction_store::PredictionReader;
use crate::project::{ProjectState, VideoId};
use crate::ui::jobs::Job;
use crate::ui::theme::Theme;

pub use crate::analysis::rules::{regions_of, rules_of};
pub use crate::project::settings_keys::{BEHAVIOUR_RULES as RULES, REGIONS};

/// What the panel reads.
pub struct RulesContext<'a> {
    pub state: &'a ProjectState,
    pub video: Option<VideoId>,
    pub video_path: Option<PathBuf>,
    pub project_path: PathBuf,
    /// A region is being drawn on the frame.
    pub drawing: bool,
    pub theme: &'a Theme,
}

/// What a person did in the panel (or a run that finished).
#[derive(Clone, Debug, PartialEq)]
pub enum RulesAction {
    SaveRules(RuleSet),
    /// Draw a region of this shape and name on the frame.
    DrawRegion(crate::ui::panels::region_overlay::RegionShape, String),
    CancelDrawing,
    DeleteRegion(String),
    /// The video's events with the rules' findings in place of their earlier ones.
    Found(VideoId, Vec<Event>, usize),
    Error(String),
}

type FindResult = Result<(VideoId, Vec<Event>, usize), String>;

/// The panel's own state.
#[derive(Default)]
pub struct RulesPanel {
    pub open: bool,
    /// The rules as edited, until saved (`None`: the project's).
    pub draft: Option<RuleSet>,
    /// The name for the next region drawn.
    pub region_name: String,
    job: Option<Job<FindResult>>,
}

fn point_picker(
    ui: &mut egui::Ui,
    id: (usize, usize, usize),
    p: &mut NamedPoint,
    state: &ProjectState,
) {
    egui::ComboBox::from_id_salt(("individual", id))
        .selected_text(p.individual.clone())
        .width(70.0)
        .show_ui(ui, |ui| {
            for i in &state.individuals {
                ui.selectable_value(&mut p.individual, i.def.name.clone(), &i.def.name);
            }
        });
    egui::ComboBox::from_id_salt(("keypoint", id))
        .selected_text(p.keypoint.clone())
        .width(80.0)
        .show_ui(ui, |ui| {
            for k in &state.skeleton.keypoints {
                ui.selectable_value(&mut p.keypoint, k.def.name.clone(), &k.def.name);
            }
        });
}

fn measure_name(m: &Measure) -> &'static str {
    match m {
        Measure::Speed { .. } => "speed",
        Measure::Distance { .. } => "distance",
        Measure::Angle { .. } => "angle",
        Measure::InRegion { .. } => "in region",
    }
}

impl RulesPanel {
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// Runs `set` on the video shown, on a worker.
    fn start_find(
        &mut self,
        ctx: &egui::Context,
        c: &RulesContext<'_>,
        mut set: RuleSet,
    ) -> Result<(), String> {
        let video = c.video.ok_or("no video shown")?;
        let entry = c.state.video(video).ok_or("no video shown")?.clone();
        let path = c.video_path.clone().ok_or("the video has no file")?;
        set.regions = regions_of(c.state);
        set.units.scale = kinematics_scale_of(c.state);
        let state = c.state.clone();
        let project_path = c.project_path.clone();
        self.job = Some(Job::spawn("finding behaviours", ctx, move |_| {
            let reader = PredictionReader::open(&project_path).map_err(|e| e.to_string())?;
            let source = chosen_or_default(&state, video, None);
            let frames = entry.def.frame_count as usize;
            let tracks =
                load_tracks(&state, &reader, &entry, source, frames).map_err(|e| e.to_string())?;
            let times = frame_times(&entry, &path).map_err(|e| e.to_string())?;
            let mut found = Vec::new();
            for rule in &set.rules {
                let subject = state.individual_by_name(&rule.subject).ok_or_else(|| {
                    format!(
                        "rule '{}': no individual '{}'",
                        rule.behaviour, rule.subject
                    )
                })?;
                for (start, stop) in
                    apply(rule, &set, &tracks, &times).map_err(|e| e.to_string())?
                {
                    found.push(Event {
                        behaviour: rule.behaviour.clone(),
                        subject: subject.id,
                        start_frame: start,
                        stop_frame: Some(stop),
                        modifier: None,
                        computed: true,
                    });
                }
            }
            // The rules' earlier findings give way to these.
            let replaced = |e: &Event| {
                e.computed
                    && set.rules.iter().any(|r| {
                        r.behaviour == e.behaviour
                            && state.individual_by_name(&r.subject).map(|i| i.id) == Some(e.subject)
                    })
            };
            let n = found.len();
            let mut events: Vec<Event> = behaviours::events(&state, video)
                .into_iter()
                .filter(|e| !replaced(e))
                .collect();
            events.extend(found);
            Ok((video, events, n))
        }));
        Ok(())
    }

    /// The regions of interest: listed with a delete button; a new one drawn on the
    /// frame as a circle or a polygon.
    fn regions_ui(
        &mut self,
        ui: &mut egui::Ui,
        c: &RulesContext<'_>,
        regions: &[Region],
        out: &mut Vec<RulesAction>,
    ) {
        use crate::ui::panels::region_overlay::RegionShape;
        ui.horizontal_wrapped(|ui| {
            ui.label("Regions:");
            for r in regions {
                ui.label(r.name());
                if ui
                    .small_button("×")
                    .on_hover_text(format!("Delete '{}'", r.name()))
                    .clicked()
                {
                    out.push(RulesAction::DeleteRegion(r.name().to_owned()));
                }
            }
            if self.region_name.trim().is_empty() {
                self.region_name = format!("region{}", regions.len() + 1);
            }
            ui.add(egui::TextEdit::singleline(&mut self.region_name).desired_width(80.0));
            if c.drawing {
                if ui.button("Cancel drawing").clicked() {
                    out.push(RulesAction::CancelDrawing);
                }
            } else {
                let name = self.region_name.trim().to_owned();
                if ui.button("Draw circle").clicked() {
                    out.push(RulesAction::DrawRegion(RegionShape::Circle, name.clone()));
                }
                if ui.button("Draw polygon").clicked() {
                    out.push(RulesAction::DrawRegion(RegionShape::Polygon, name));
                }
            }
        });
    }

    /// Draws the panel; returns what was asked for.
    pub fn show(&mut self, ctx: &egui::Context, c: &RulesContext<'_>) -> Vec<RulesAction> {
        let mut out = Vec::new();
        if let Some(result) = Job::take_finished(&mut self.job) {
            out.push(match result {
                Ok((video, events, n)) => RulesAction::Found(video, events, n),
                Err(e) => RulesAction::Error(format!("Finding behaviours failed: {e}")),
            });
        }
        if !self.open {
            return out;
        }
        let mut open = self.open;
        egui::Window::new("Behaviour rules")
            .open(&mut open)
            .default_width(560.0)
            .show(ctx, |ui| self.window_ui(ui, ctx, c, &mut out));
        self.open = open;
        out
    }

    fn window_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        c: &RulesContext<'_>,
        out: &mut Vec<RulesAction>,
    ) {
        let saved = rules_of(c.state);
        let ethogram: Ethogram = behaviours::ethogram(c.state);
        let states: Vec<String> = ethogram
            .behaviours
            .iter()
            .filter(|b| b.kind == BehaviourKind::State)
            .map(|b| b.code.clone())
            .collect();
        if states.is_empty() {
            ui.label("Rules find states of the ethogram: add one in Label > Behaviours first.");
            return;
        }
        let regions = regions_of(c.state);
        self.regions_ui(ui, c, &regions, out);
        let first_point = || NamedPoint {
            individual: c
                .state
                .individuals
                .first()
                .map(|i| i.def.name.clone())
                .unwrap_or_default(),
            keypoint: c
                .state
                .skeleton
                .keypoints
                .first()
                .map(|k| k.def.name.clone())
                .unwrap_or_default(),
        };
        let draft = self.draft.get_or_insert_with(|| saved.clone());
        ui.horizontal(|ui| {
            ui.label("Rates");
            ui.radio_value(&mut draft.units.time, TimeUnit::Frame, "per frame");
            ui.radio_value(&mut draft.units.time, TimeUnit::Second, "per second");
            if let Some(scale) = kinematics_scale_of(c.state) {
                ui.weak(format!("lengths in {}", scale.unit));
            }
        });
        let mut remove_rule = None;
        for (r, rule) in draft.rules.iter_mut().enumerate() {
            ui.separator();
            ui.horizontal(|ui| {
                egui::ComboBox::from_id_salt(("behaviour", r))
                    .selected_text(rule.behaviour.clone())
                    .show_ui(ui, |ui| {
                        for s in &states {
                            ui.selectable_value(&mut rule.behaviour, s.clone(), s);
                        }
                    });
                ui.label("of");
                egui::ComboBox::from_id_salt(("subject", r))
                    .selected_text(rule.subject.clone())
                    .show_ui(ui, |ui| {
                        for i in &c.state.individuals {
                            ui.selectable_value(&mut rule.subject, i.def.name.clone(), &i.def.name);
                        }
                    });
                ui.label("when");
                egui::ComboBox::from_id_salt(("combine", r))
                    .selected_text(match rule.combine {
                        Combine::All => "all hold",
                        Combine::Any => "any holds",
                    })
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut rule.combine, Combine::All, "all hold");
                        ui.selectable_value(&mut rule.combine, Combine::Any, "any holds");
                    });
                ui.label("for ≥");
                ui.add(
                    egui::DragValue::new(&mut rule.min_duration_secs)
                        .range(0.0..=3600.0)
                        .speed(0.05)
                        .suffix(" s"),
                );
                if ui
                    .small_button("×")
                    .on_hover_text("Remove this rule")
                    .clicked()
                {
                    remove_rule = Some(r);
                }
            });
            let mut remove_condition = None;
            for (n, cond) in rule.conditions.iter_mut().enumerate() {
                ui.horizontal(|ui| {
                    ui.add_space(16.0);
                    let mut kind = measure_name(&cond.measure);
                    egui::ComboBox::from_id_salt(("measure", r, n))
                        .selected_text(kind)
                        .show_ui(ui, |ui| {
                            for k in ["speed", "distance", "angle", "in region"] {
                                ui.selectable_value(&mut kind, k, k);
                            }
                        });
                    if kind != measure_name(&cond.measure) {
                        cond.measure = match kind {
                            "distance" => Measure::Distance {
                                a: first_point(),
                                b: first_point(),
                            },
                            "angle" => Measure::Angle {
                                a: first_point(),
                                b: first_point(),
                                c: first_point(),
                            },
                            "in region" => Measure::InRegion {
                                point: first_point(),
                                region: regions
                                    .first()
                                    .map(|g| g.name().to_owned())
                                    .unwrap_or_default(),
                            },
                            _ => Measure::Speed {
                                points: vec![first_point()],
                            },
                        };
                    }
                    match &mut cond.measure {
                        Measure::Speed { points } => {
                            for (i, p) in points.iter_mut().enumerate() {
                                point_picker(ui, (r, n, i), p, c.state);
                            }
                            if ui
                                .small_button("+")
                                .on_hover_text("Another keypoint: each must hold")
                                .clicked()
                            {
                                let p = points.last().cloned().unwrap_or_else(first_point);
                                points.push(p);
                            }
                            if points.len() > 1
                                && ui
                                    .small_button("−")
                                    .on_hover_text("Drop the last keypoint")
                                    .clicked()
                            {
                                points.pop();
                            }
                            let individual = points
                                .last()
                                .map_or_else(|| first_point().individual, |p| p.individual.clone());
                            if ui
                                .small_button("every keypoint")
                                .on_hover_text(format!(
                                    "Each keypoint of {individual}: all must hold (freezing: \
                                     every keypoint slow)"
                                ))
                                .clicked()
                            {
                                *points = c
                                    .state
                                    .skeleton
                                    .keypoints
                                    .iter()
                                    .map(|k| NamedPoint {
                                        individual: individual.clone(),
                                        keypoint: k.def.name.clone(),
                                    })
                                    .collect();
                            }
                        }
                        Measure::Distance { a, b } => {
                            point_picker(ui, (r, n, 0), a, c.state);
                            ui.label("to");
                            point_picker(ui, (r, n, 1), b, c.state);
                        }
                        Measure::Angle { a, b, c: end } => {
                            point_picker(ui, (r, n, 0), a, c.state);
                            ui.label("at");
                            point_picker(ui, (r, n, 1), b, c.state);
                            ui.label("to");
                            point_picker(ui, (r, n, 2), end, c.state);
                        }
                        Measure::InRegion { point, region } => {
                            point_picker(ui, (r, n, 0), point, c.state);
                            egui::ComboBox::from_id_salt(("region", r, n))
                                .selected_text(region.clone())
                                .show_ui(ui, |ui| {
                                    for g in &regions {
                                        ui.selectable_value(region, g.name().to_owned(), g.name());
                                    }
                                });
                        }
                    }
                    let inside = matches!(cond.measure, Measure::InRegion { .. });
                    egui::ComboBox::from_id_salt(("compare", r, n))
                        .selected_text(match (inside, cond.compare) {
                            (true, Compare::Above) => "inside",
                            (true, Compare::Below) => "outside",
                            (false, Compare::Below) => "<",
                            (false, Compare::Above) => ">",
                        })
                        .width(60.0)
                        .show_ui(ui, |ui| {
                            let (below, above) = if inside {
                                ("outside", "inside")
                            } else {
                                ("<", ">")
                            };
                            ui.selectable_value(&mut cond.compare, Compare::Below, below);
                            ui.selectable_value(&mut cond.compare, Compare::Above, above);
                        });
                    if !inside {
                        ui.add(egui::DragValue::new(&mut cond.threshold).speed(0.1));
                    }
                    if ui.small_button("×").clicked() {
                        remove_condition = Some(n);
                    }
                });
            }
            if let Some(n) = remove_condition {
                rule.conditions.remove(n);
            }
            ui.horizontal(|ui| {
                ui.add_space(16.0);
                if ui.small_button("+ condition").clicked() {
                    rule.conditions.push(Condition {
                        measure: Measure::Speed {
                            points: vec![first_point()],
                        },
                        compare: Compare::Below,
                        threshold: 1.0,
                    });
                }
            });
        }
        if let Some(r) = remove_rule {
            draft.rules.remove(r);
        }
        ui.separator();
        let changed = *draft != saved;
        let mut revert = false;
        ui.horizontal(|ui| {
            if ui.button("Add rule").clicked() {
                draft.rules.push(Rule {
                    behaviour: states[0].clone(),
                    subject: c
                        .state
                        .individuals
                        .first()
                        .map(|i| i.def.name.clone())
                        .unwrap_or_default(),
                    conditions: vec![Condition {
                        measure: Measure::Speed {
                            points: vec![first_point()],
                        },
                        compare: Compare::Below,
                        threshold: 1.0,
                    }],
                    combine: Combine::All,
                    min_duration_secs: 1.0,
                });
            }
            if ui
                .add_enabled(changed, egui::Button::new("Save rules"))
                .clicked()
            {
                out.push(RulesAction::SaveRules(draft.clone()));
            }
            if changed && ui.button("Revert").clicked() {
                revert = true;
            }
        });
        let draft = draft.clone();
        if revert {
            self.draft = None;
        }
        let busy = self.job.is_some();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    !busy && !draft.rules.is_empty(),
                    egui::Button::new("Find in this video"),
                )
                .on_hover_text(
                    "The frames where each rule holds become computed events, for review",
                )
                .clicked()
                && let Err(e) = self.start_find(ctx, c, draft.clone())
            {
                out.push(RulesAction::Error(e));
            }
            if busy {
                ui.spinner();
            }
        });
    }
}
