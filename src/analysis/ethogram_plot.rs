//! The ethogram plot: each subject's events over the video's time, a row per subject
//! and behaviour, states as bars and point events as ticks in their behaviours'
//! colours, as an SVG picture (and PNG through `plot_export::svg_to_png`).

use std::fmt::Write as _;

use super::plot_export::ticks;
use crate::project::behaviours::{BehaviourKind, Ethogram, Event};

const WIDTH: f64 = 1200.0;
const LEFT: f64 = 170.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const ROW: f64 = 22.0;
const BOTTOM: f64 = 46.0;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The plot of `events` (with each subject's name) over a video of `duration_secs`,
/// times from `times_secs` (per frame).
pub fn svg(
    title: &str,
    ethogram: &Ethogram,
    events: &[(String, &Event)],
    times_secs: &[f64],
    duration_secs: f64,
) -> String {
    let time = |f: u64| times_secs.get(f as usize).copied().unwrap_or(duration_secs);
    let mut rows: Vec<(String, String)> = events
        .iter()
        .map(|(s, e)| (s.clone(), e.behaviour.clone()))
        .collect();
    rows.sort();
    rows.dedup();
    let height = TOP + ROW * rows.len().max(1) as f64 + BOTTOM;
    let plot_w = WIDTH - LEFT - RIGHT;
    let span = duration_secs.max(1e-9);
    let x = |t: f64| LEFT + t.clamp(0.0, span) / span * plot_w;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Ubuntu, sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="{LEFT}" y="24" font-size="16">{}</text>
"##,
        escape(title)
    );
    for (r, (subject, behaviour)) in rows.iter().enumerate() {
        let y = TOP + ROW * r as f64;
        let _ = writeln!(
            s,
            r##"<rect x="{LEFT}" y="{y:.1}" width="{plot_w}" height="{ROW}" fill="{}"/><text x="{:.1}" y="{:.1}" text-anchor="end">{} — {}</text>"##,
            if r % 2 == 0 { "#f4f4f4" } else { "#ffffff" },
            LEFT - 8.0,
            y + ROW * 0.7,
            escape(subject),
            escape(behaviour)
        );
        let b = ethogram.by_code(behaviour);
        let color = b.map_or("#808080", |b| b.color.as_str());
        let point = b.is_some_and(|b| b.kind == BehaviourKind::Point);
        for (_, e) in events
            .iter()
            .filter(|(sub, e)| sub == subject && &e.behaviour == behaviour)
        {
            let start = time(e.start_frame);
            if point {
                let _ = writeln!(
                    s,
                    r##"<line x1="{0:.2}" y1="{1:.1}" x2="{0:.2}" y2="{2:.1}" stroke="{color}" stroke-width="2"/>"##,
                    x(start),
                    y + 3.0,
                    y + ROW - 3.0
                );
            } else {
                let stop = e.stop_frame.map_or(duration_secs, time);
                let _ = writeln!(
                    s,
                    r##"<rect x="{:.2}" y="{:.1}" width="{:.2}" height="{:.1}" fill="{color}"/>"##,
                    x(start),
                    y + 3.0,
                    (x(stop) - x(start)).max(1.0),
                    ROW - 6.0
                );
            }
        }
    }
    let axis_y = TOP + ROW * rows.len().max(1) as f64;
    for t in ticks(0.0, span, 10) {
        let _ = writeln!(
            s,
            r##"<line x1="{0:.2}" y1="{1:.1}" x2="{0:.2}" y2="{2:.1}" stroke="#888888"/><text x="{0:.2}" y="{3:.1}" text-anchor="middle">{4}</text>"##,
            x(t),
            axis_y,
            axis_y + 5.0,
            axis_y + 20.0,
            if t == t.trunc() {
                format!("{t:.0}")
            } else {
                format!("{t:.1}")
            }
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">time (s)</text>"##,
        LEFT + plot_w / 2.0,
        height - 8.0
    );
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::IndividualId;
    use crate::project::behaviours::Behaviour;

    #[test]
    fn rows_bars_and_ticks() {
        let ethogram = Ethogram {
            behaviours: vec![Behaviour {
                code: "sniff".into(),
                key: "e".into(),
                color: "#123456".into(),
                kind: BehaviourKind::Point,
                modifiers: Vec::new(),
                group: None,
                description: String::new(),
            }],
        };
        let e = |code: &str, start, stop| Event {
            behaviour: code.into(),
            subject: IndividualId(1),
            start_frame: start,
            stop_frame: stop,
            modifier: None,
            computed: false,
        };
        let (a, b) = (e("freezing", 10, Some(20)), e("sniff", 30, None));
        let times: Vec<f64> = (0..100).map(|f| f as f64 / 10.0).collect();
        let svg = svg(
            "m1 <test>",
            &ethogram,
            &[("m1".into(), &a), ("m1".into(), &b)],
            &times,
            10.0,
        );
        assert!(svg.contains("m1 &lt;test&gt;"));
        assert_eq!(svg.matches("— freezing").count(), 1);
        assert!(
            svg.contains(r##"stroke="#123456""##),
            "the point event's tick"
        );
        assert!(
            svg.contains(r##"fill="#808080""##),
            "a behaviour not in the ethogram, in grey"
        );
        let png = super::super::plot_export::svg_to_png(&svg).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }
}
