//! A plot saved as a file: its table (CSV: `frame_idx, time_secs, <title> (<unit>)`),
//! a vector picture (SVG: the series over the frame axis with ticks, title and unit,
//! drawn from the decimated series so an hour of frames stays a small file), and the
//! same picture as a PNG, rasterized by resvg with egui's own font.

use std::fmt::Write as _;

use super::decimate::decimate;

/// What a saved plot holds.
pub struct PlotPicture<'a> {
    pub title: &'a str,
    pub unit: &'a str,
    /// One value a frame (NaN where there is none).
    pub values: &'a [f64],
    /// Each frame's time in seconds (NaN where it has none).
    pub times: &'a [f64],
}

/// The picture's size in pixels, and the plot area's margins.
const WIDTH: f64 = 1200.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;

/// Errors rasterizing a picture.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("the picture could not be read back: {0}")]
    Svg(String),
    #[error("the picture could not be encoded as PNG: {0}")]
    Png(String),
}

/// About `count` round tick values covering `lo..=hi` (1, 2 or 5 times a power of ten
/// apart).
pub fn ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let raw = (hi - lo) / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

fn number(v: f64) -> String {
    if v.abs() >= 1000.0 || v == v.trunc() {
        format!("{v:.0}")
    } else {
        let text = format!("{v:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl PlotPicture<'_> {
    /// The column header of the values.
    fn header(&self) -> String {
        if self.unit.is_empty() {
            self.title.to_owned()
        } else {
            format!("{} ({})", self.title, self.unit)
        }
    }

    /// The plot's table.
    pub fn csv(&self) -> Vec<u8> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let cell = |v: f64| {
            if v.is_finite() {
                v.to_string()
            } else {
                String::new()
            }
        };
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(["frame_idx", "time_secs", &self.header()]);
        for (f, v) in self.values.iter().enumerate() {
            let t = self.times.get(f).copied().unwrap_or(f64::NAN);
            let _ = writer.write_record([f.to_string(), cell(t), cell(*v)]);
        }
        writer.into_inner().unwrap_or_default()
    }

    /// The picture as SVG.
    pub fn svg(&self) -> String {
        let n = self.values.len().max(1);
        let finite = self.values.iter().copied().filter(|v| v.is_finite());
        let (mut lo, mut hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if hi - lo < 1e-12 {
            (lo, hi) = (lo - 0.5, hi + 0.5);
        }
        let pad = (hi - lo) * 0.05;
        let (lo, hi) = (lo - pad, hi + pad);
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let sx = |f: f64| LEFT + f / (n.max(2) - 1) as f64 * plot_w;
        let sy = |v: f64| TOP + (hi - v) / (hi - lo) * plot_h;
        let mut s = String::new();
        let _ = write!(
            s,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Ubuntu, sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="{LEFT}" y="24" font-size="16">{}</text>
<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888888"/>
"##,
            escape(self.title)
        );
        for t in ticks(lo, hi, 5) {
            let y = sy(t);
            let _ = writeln!(
                s,
                r##"<line x1="{LEFT}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="#e0e0e0"/><text x="{:.2}" y="{:.2}" text-anchor="end">{}</text>"##,
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 4.0,
                number(t)
            );
        }
        for t in ticks(0.0, (n - 1) as f64, 8) {
            let x = sx(t);
            let _ = writeln!(
                s,
                r##"<line x1="{x:.2}" y1="{:.2}" x2="{x:.2}" y2="{:.2}" stroke="#888888"/><text x="{x:.2}" y="{:.2}" text-anchor="middle">{}</text>"##,
                HEIGHT - BOTTOM,
                HEIGHT - BOTTOM + 5.0,
                HEIGHT - BOTTOM + 20.0,
                number(t)
            );
        }
        let _ = writeln!(
            s,
            r##"<text x="{:.2}" y="{:.2}" text-anchor="middle">frame</text>"##,
            LEFT + plot_w / 2.0,
            HEIGHT - 8.0
        );
        if !self.unit.is_empty() {
            let _ = writeln!(
                s,
                r##"<text x="16" y="{:.2}" text-anchor="middle" transform="rotate(-90 16 {:.2})">{}</text>"##,
                TOP + plot_h / 2.0,
                TOP + plot_h / 2.0,
                escape(self.unit)
            );
        }
        for line in decimate(self.values, 0..self.values.len(), plot_w as usize) {
            let points: Vec<String> = line
                .iter()
                .map(|[f, v]| format!("{:.2},{:.2}", sx(*f), sy(*v)))
                .collect();
            let _ = writeln!(
                s,
                r##"<polyline fill="none" stroke="#1f64c8" stroke-width="1.2" points="{}"/>"##,
                points.join(" ")
            );
        }
        s.push_str("</svg>\n");
        s
    }

    /// The picture as PNG (the SVG rasterized, text in egui's Ubuntu font).
    pub fn png(&self) -> Result<Vec<u8>, PictureError> {
        svg_to_png(&self.svg())
    }
}

/// An SVG picture rasterized as PNG, its text in egui's Ubuntu font.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, PictureError> {
    let mut options = resvg::usvg::Options::default();
    let fonts = options.fontdb_mut();
    fonts.load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
    fonts.set_sans_serif_family("Ubuntu");
    let tree =
        resvg::usvg::Tree::from_str(svg, &options).map_err(|e| PictureError::Svg(e.to_string()))?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| PictureError::Png("empty picture".into()))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PictureError::Png(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let t = ticks(0.13, 0.61, 4);
        assert_eq!(t.len(), 3);
        assert!((t[2] - 0.6).abs() < 1e-12 && number(t[2]) == "0.6");
        assert_eq!(number(0.30000000000000004), "0.3");
    }

    #[test]
    fn a_plot_saves_as_table_svg_and_png() {
        let values: Vec<f64> = (0..5000)
            .map(|i| {
                if (100..150).contains(&i) {
                    f64::NAN
                } else {
                    (i as f64 / 300.0).sin()
                }
            })
            .collect();
        let times: Vec<f64> = (0..5000).map(|i| i as f64 / 25.0).collect();
        let p = PlotPicture {
            title: "speed of m1 <nose>",
            unit: "px/s",
            values: &values,
            times: &times,
        };
        let csv = String::from_utf8(p.csv()).unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("frame_idx,time_secs,speed of m1 <nose> (px/s)")
        );
        assert_eq!(lines.nth(100), Some("100,4,"));
        let svg = p.svg();
        assert!(svg.contains("speed of m1 &lt;nose&gt;"));
        // A gap wider than a pixel column splits the line.
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.len() < 200_000, "decimated: {} bytes", svg.len());
        let png = p.png().unwrap();
        let image = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!((image.width(), image.height()), (1200, 400));
        // The line is drawn: some pixels are the series' blue.
        let blue = image
            .pixels()
            .filter(|px| px[2] > 150 && px[0] < 100)
            .count();
        assert!(blue > 500, "{blue} blue pixels");
        // And the text is: dark pixels in the title's row.
        let dark = (0..600)
            .flat_map(|x| (10..30).map(move |y| (x, y)))
            .filter(|&(x, y)| image.get_pixel(x, y)[0] < 100)
            .count();
        assert!(dark > 50, "{dark} dark pixels where the title is");
    }
}
