//! Marks rasterized onto 8-bit YUV 4:2:0 planes: anti-aliased with tiny-skia into an
//! RGBA patch covering only the marks, then blended into luma per pixel and into
//! chroma per 2×2 block, in the frame's own colour matrix and range (so a mark's
//! colour is the colour a player shows).

use tiny_skia::{FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Stroke, Transform};

use crate::video::canvas::Yuv420PlanesMut;
use crate::video::{ColorMatrix, ColorRange};

use super::marks::{Mark, Rgba};

/// How far a mark reaches from its centre or line: its radius and half its stroke.
fn extent(mark: &Mark) -> ([f32; 2], [f32; 2]) {
    let grow = |a: [f32; 2], b: [f32; 2], r: f32| {
        (
            [a[0].min(b[0]) - r, a[1].min(b[1]) - r],
            [a[0].max(b[0]) + r, a[1].max(b[1]) + r],
        )
    };
    match *mark {
        Mark::Line {
            from, to, width, ..
        } => grow(from, to, width / 2.0),
        Mark::Diamond {
            center,
            radius,
            width,
            ..
        }
        | Mark::Ring {
            center,
            radius,
            width,
            ..
        } => grow(center, center, radius + width),
        Mark::Disc {
            center,
            radius,
            outline_width,
            ..
        } => grow(center, center, radius + outline_width),
    }
}

fn paint_of(color: Rgba) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(color[0], color[1], color[2], color[3]);
    paint.anti_alias = true;
    paint
}

fn stroke_of(width: f32) -> Stroke {
    Stroke {
        width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        ..Stroke::default()
    }
}

/// Draws `marks` into `pixmap`, whose top-left corner is at `origin` in the image.
fn draw(pixmap: &mut Pixmap, origin: [f32; 2], marks: &[Mark]) {
    let t = Transform::from_translate(-origin[0], -origin[1]);
    for mark in marks {
        match *mark {
            Mark::Line {
                from,
                to,
                width,
                color,
            } => {
                let mut pb = PathBuilder::new();
                pb.move_to(from[0], from[1]);
                pb.line_to(to[0], to[1]);
                if let Some(path) = pb.finish() {
                    pixmap.stroke_path(&path, &paint_of(color), &stroke_of(width), t, None);
                }
            }
            Mark::Diamond {
                center,
                radius,
                width,
                color,
            } => {
                let [first, rest @ ..] = super::marks::diamond_corners(center, radius);
                let mut pb = PathBuilder::new();
                pb.move_to(first[0], first[1]);
                for [x, y] in rest {
                    pb.line_to(x, y);
                }
                pb.close();
                if let Some(path) = pb.finish() {
                    pixmap.stroke_path(&path, &paint_of(color), &stroke_of(width), t, None);
                }
            }
            Mark::Disc {
                center: [x, y],
                radius,
                fill,
                outline_width,
                outline,
            } => {
                if let Some(path) = PathBuilder::from_circle(x, y, radius) {
                    pixmap.fill_path(&path, &paint_of(fill), FillRule::Winding, t, None);
                    pixmap.stroke_path(
                        &path,
                        &paint_of(outline),
                        &stroke_of(outline_width),
                        t,
                        None,
                    );
                }
            }
            Mark::Ring {
                center: [x, y],
                radius,
                width,
                color,
            } => {
                if let Some(path) = PathBuilder::from_circle(x, y, radius) {
                    pixmap.stroke_path(&path, &paint_of(color), &stroke_of(width), t, None);
                }
            }
        }
    }
}

/// RGB to Y'CbCr in a frame's matrix and range, applied to premultiplied colours so a
/// blend is `out = src·α + dst·(1 − α)` without dividing by α.
#[derive(Clone, Copy, Debug)]
struct YuvOf {
    kr: f32,
    kb: f32,
    y_offset: f32,
    y_scale: f32,
    c_scale: f32,
}

impl YuvOf {
    fn new(matrix: ColorMatrix, range: ColorRange) -> Self {
        let (kr, kb) = match matrix {
            ColorMatrix::Bt601 => (0.299, 0.114),
            ColorMatrix::Bt709 => (0.2126, 0.0722),
            ColorMatrix::Bt2020 => (0.2627, 0.0593),
        };
        let (y_offset, y_scale, c_scale) = match range {
            ColorRange::Limited => (16.0, 219.0, 224.0),
            ColorRange::Full => (0.0, 255.0, 255.0),
        };
        Self {
            kr,
            kb,
            y_offset,
            y_scale,
            c_scale,
        }
    }

    /// `(Y·α, Cb·α, Cr·α)` of a premultiplied colour with channels and α in 0..=1.
    fn premultiplied(&self, r: f32, g: f32, b: f32, a: f32) -> [f32; 3] {
        let y = self.kr * r + (1.0 - self.kr - self.kb) * g + self.kb * b;
        let pb = (b - y) / (2.0 * (1.0 - self.kb));
        let pr = (r - y) / (2.0 * (1.0 - self.kr));
        [
            self.y_offset * a + self.y_scale * y,
            128.0 * a + self.c_scale * pb,
            128.0 * a + self.c_scale * pr,
        ]
    }
}

fn blend(dst: &mut u8, src_times_alpha: f32, alpha: f32) {
    let out = src_times_alpha + f32::from(*dst) * (1.0 - alpha);
    *dst = out.round().clamp(0.0, 255.0) as u8;
}

/// Draws `marks` (positions in image pixels) onto `planes`. Marks outside the frame
/// are clipped; nothing is drawn when there are none.
pub fn draw_marks(planes: &mut Yuv420PlanesMut<'_>, marks: &[Mark]) {
    if marks.is_empty() {
        return;
    }
    let (mut lo, mut hi) = ([f32::MAX; 2], [f32::MIN; 2]);
    for mark in marks {
        let (a, b) = extent(mark);
        lo = [lo[0].min(a[0]), lo[1].min(a[1])];
        hi = [hi[0].max(b[0]), hi[1].max(b[1])];
    }
    // The patch, on even pixels so its 2×2 blocks are the frame's chroma samples.
    let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
    let x0 = clamp(lo[0].floor() - 1.0, planes.width) / 2 * 2;
    let y0 = clamp(lo[1].floor() - 1.0, planes.height) / 2 * 2;
    let x1 = clamp(hi[0].ceil() + 2.0, planes.width).div_ceil(2) * 2;
    let y1 = clamp(hi[1].ceil() + 2.0, planes.height).div_ceil(2) * 2;
    let (x1, y1) = (x1.min(planes.width), y1.min(planes.height));
    if x1 <= x0 || y1 <= y0 || !lo[0].is_finite() || !lo[1].is_finite() {
        return;
    }
    let Some(mut pixmap) = Pixmap::new(x1 - x0, y1 - y0) else {
        return;
    };
    draw(&mut pixmap, [x0 as f32, y0 as f32], marks);

    let yuv = YuvOf::new(planes.color_matrix, planes.color_range);
    let pw = pixmap.width() as usize;
    let ph = pixmap.height() as usize;
    let px = pixmap.data();
    let at = |x: usize, y: usize| -> [f32; 4] {
        let i = (y * pw + x) * 4;
        [px[i], px[i + 1], px[i + 2], px[i + 3]].map(|c| f32::from(c) / 255.0)
    };
    let (x0, y0) = (x0 as usize, y0 as usize);
    // Luma, per pixel.
    for y in 0..ph {
        for x in 0..pw {
            let [r, g, b, a] = at(x, y);
            if a > 0.0 {
                let [ya, _, _] = yuv.premultiplied(r, g, b, a);
                let i = (y0 + y) * planes.y_stride + x0 + x;
                if let Some(dst) = planes.y.get_mut(i) {
                    blend(dst, ya, a);
                }
            }
        }
    }
    // Chroma, per 2×2 block: the block's mean colour and coverage.
    for cy in 0..ph / 2 {
        for cx in 0..pw / 2 {
            let mut sum = [0.0f32; 4];
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let p = at(cx * 2 + dx, cy * 2 + dy);
                for (s, v) in sum.iter_mut().zip(p) {
                    *s += v;
                }
            }
            let [r, g, b, a] = sum.map(|s| s / 4.0);
            if a > 0.0 {
                let [_, ua, va] = yuv.premultiplied(r, g, b, a);
                let i = (y0 / 2 + cy) * planes.u_stride + x0 / 2 + cx;
                if let Some(dst) = planes.u.get_mut(i) {
                    blend(dst, ua, a);
                }
                let i = (y0 / 2 + cy) * planes.v_stride + x0 / 2 + cx;
                if let Some(dst) = planes.v.get_mut(i) {
                    blend(dst, va, a);
                }
            }
        }
    }
}
