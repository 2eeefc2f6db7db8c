//! Frames to model inputs, with OpenCV's geometry, because that is what the pose tools
//! resize and crop with when they train and predict: `cv2.resize` (INTER_LINEAR, pixel
//! centres at +0.5, edges clamped) for letterbox and stretch, and `cv2.warpAffine` for
//! top-down crops (INTER_LINEAR, exact source positions, outside the frame 0). The
//! work is done in `f32` (OpenCV's float path), so no rounding to bytes happens between
//! the decoded frame and the tensor.

use super::spec::{ColourOrder, InputSpec, Layout, Resize};

/// A decoded frame as tightly packed 8-bit RGB.
#[derive(Clone, Copy, Debug)]
pub struct RgbFrame<'a> {
    pub width: usize,
    pub height: usize,
    pub pixels: &'a [u8],
}

/// A box in frame pixels: left, top, right, bottom.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoxXyxy {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
}

impl BoxXyxy {
    /// The whole frame, as rtmlib uses when it has no detector.
    pub fn whole(width: usize, height: usize) -> Self {
        Self {
            x1: 0.0,
            y1: 0.0,
            x2: width as f32,
            y2: height as f32,
        }
    }
}

/// Maps positions in the model's input back to the frame:
/// `frame = (input − offset) / gain` on each axis (letterbox: padding and gain;
/// stretch: per-axis ratios; crop: the box's scale and centre).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InputMap {
    pub gain: [f64; 2],
    pub offset: [f64; 2],
    /// The offset for boxes where it differs: Ultralytics maps boxes back with the
    /// padding rounded as the letterbox drew it, and keypoints with it unrounded.
    pub box_offset: [f64; 2],
    /// The frame's width and height, for tools that clip to it.
    pub frame_size: [f64; 2],
}

impl InputMap {
    pub fn to_frame(&self, x_in: f64, y_in: f64) -> (f64, f64) {
        (
            (x_in - self.offset[0]) / self.gain[0],
            (y_in - self.offset[1]) / self.gain[1],
        )
    }

    pub fn box_to_frame(&self, b: BoxXyxy) -> BoxXyxy {
        let x = |v: f32| ((f64::from(v) - self.box_offset[0]) / self.gain[0]) as f32;
        let y = |v: f32| ((f64::from(v) - self.box_offset[1]) / self.gain[1]) as f32;
        BoxXyxy {
            x1: x(b.x1),
            y1: y(b.y1),
            x2: x(b.x2),
            y2: y(b.y2),
        }
    }

    fn plain(gain: [f64; 2], offset: [f64; 2], frame: &RgbFrame<'_>) -> Self {
        Self {
            gain,
            offset,
            box_offset: offset,
            frame_size: [frame.width as f64, frame.height as f64],
        }
    }
}

/// Ultralytics' `LetterBox` (centre, no upscale limit): the resized size, the padding
/// left and top, and the gain.
pub fn letterbox_geometry(
    frame_w: usize,
    frame_h: usize,
    in_w: usize,
    in_h: usize,
) -> (usize, usize, usize, usize, f64) {
    let r = (in_h as f64 / frame_h as f64).min(in_w as f64 / frame_w as f64);
    let new_w = (frame_w as f64 * r).round_ties_even() as usize;
    let new_h = (frame_h as f64 * r).round_ties_even() as usize;
    let dw = (in_w as f64 - new_w as f64) / 2.0;
    let dh = (in_h as f64 - new_h as f64) / 2.0;
    let left = (dw - 0.1).round_ties_even().max(0.0) as usize;
    let top = (dh - 0.1).round_ties_even().max(0.0) as usize;
    (new_w, new_h, left, top, r)
}

/// `cv2.resize(src, (dst_w, dst_h), interpolation=INTER_LINEAR)` on a float image:
/// returns `dst_w × dst_h × 3` floats, channels in RGB order.
pub fn resize_bilinear(frame: &RgbFrame<'_>, dst_w: usize, dst_h: usize) -> Vec<f32> {
    let (sw, sh) = (frame.width, frame.height);
    let taps = |dst: usize, src: usize| -> Vec<(usize, usize, f32)> {
        let scale = src as f64 / dst as f64;
        (0..dst)
            .map(|d| {
                let f = ((d as f64 + 0.5) * scale - 0.5) as f32;
                let mut s = f.floor() as i64;
                let mut frac = f - s as f32;
                if s < 0 {
                    s = 0;
                    frac = 0.0;
                }
                if s >= src as i64 - 1 {
                    s = src as i64 - 1;
                    frac = 0.0;
                }
                let s = s as usize;
                (s, (s + 1).min(src - 1), frac)
            })
            .collect()
    };
    let xs = taps(dst_w, sw);
    let ys = taps(dst_h, sh);
    // Horizontal pass per source row that any output row needs, then vertical.
    let row = |y: usize, out: &mut Vec<f32>| {
        out.clear();
        let src = &frame.pixels[y * sw * 3..(y + 1) * sw * 3];
        for &(x0, x1, a) in &xs {
            for c in 0..3 {
                let p0 = f32::from(src[x0 * 3 + c]);
                let p1 = f32::from(src[x1 * 3 + c]);
                out.push(p0 * (1.0 - a) + p1 * a);
            }
        }
    };
    let mut out = Vec::with_capacity(dst_w * dst_h * 3);
    let (mut r0, mut r1) = (Vec::new(), Vec::new());
    let mut cached: (Option<usize>, Option<usize>) = (None, None);
    for &(y0, y1, b) in &ys {
        if cached.0 != Some(y0) {
            if cached.1 == Some(y0) {
                std::mem::swap(&mut r0, &mut r1);
                cached.1 = None;
            } else {
                row(y0, &mut r0);
            }
            cached.0 = Some(y0);
        }
        if cached.1 != Some(y1) {
            row(y1, &mut r1);
            cached.1 = Some(y1);
        }
        out.extend(r0.iter().zip(&r1).map(|(p0, p1)| p0 * (1.0 - b) + p1 * b));
    }
    out
}

/// `cv2.warpAffine(src, m, (dst_w, dst_h), flags=INTER_LINEAR)` (border 0) on a float
/// image, `m` mapping frame to output: returns `dst_w × dst_h × 3` floats, RGB. Source
/// positions are computed in `f32` without a sub-pixel grid, as OpenCV's warp kernels
/// do since 4.11 (older releases rounded them to 1/32 pixel).
pub fn warp_affine(frame: &RgbFrame<'_>, m: [f64; 6], dst_w: usize, dst_h: usize) -> Vec<f32> {
    // Invert as cv2.invertAffineTransform does (in f64), then work in f32.
    let d = m[0] * m[4] - m[1] * m[3];
    let d = if d != 0.0 { 1.0 / d } else { 0.0 };
    let (a00, a01, a10, a11) = (m[4] * d, m[1] * -d, m[3] * -d, m[0] * d);
    let b0 = -a00 * m[2] - a01 * m[5];
    let b1 = -a10 * m[2] - a11 * m[5];
    let inv = [a00, a01, b0, a10, a11, b1].map(|v| v as f32);
    let (sw, sh) = (frame.width as i64, frame.height as i64);
    let pixel = |x: i64, y: i64, c: usize| -> f32 {
        if x < 0 || y < 0 || x >= sw || y >= sh {
            0.0
        } else {
            f32::from(frame.pixels[((y * sw + x) * 3) as usize + c])
        }
    };
    let mut out = Vec::with_capacity(dst_w * dst_h * 3);
    for y in 0..dst_h {
        let yf = y as f32;
        for x in 0..dst_w {
            let xf = x as f32;
            let sx = inv[0] * xf + inv[1] * yf + inv[2];
            let sy = inv[3] * xf + inv[4] * yf + inv[5];
            let (fx, fy) = (sx.floor(), sy.floor());
            let (ax, ay) = (sx - fx, sy - fy);
            let (ix, iy) = (fx as i64, fy as i64);
            for c in 0..3 {
                let top = pixel(ix, iy, c) * (1.0 - ax) + pixel(ix + 1, iy, c) * ax;
                let bottom = pixel(ix, iy + 1, c) * (1.0 - ax) + pixel(ix + 1, iy + 1, c) * ax;
                out.push(top * (1.0 - ay) + bottom * ay);
            }
        }
    }
    out
}

/// RTMPose's top-down crop of a box: centre and size ×`padding`, widened to the
/// input's aspect ratio (`bbox_xyxy2cs`, `_fix_aspect_ratio`), and the affine matrix
/// from frame to input (`get_warp_matrix` with no rotation).
pub fn crop_geometry(
    b: BoxXyxy,
    padding: f32,
    in_w: usize,
    in_h: usize,
) -> ([f64; 2], [f64; 2], [f64; 6]) {
    let centre = [
        (f64::from(b.x1) + f64::from(b.x2)) * 0.5,
        (f64::from(b.y1) + f64::from(b.y2)) * 0.5,
    ];
    let pad = f64::from(padding);
    let (mut w, mut h) = (
        (f64::from(b.x2) - f64::from(b.x1)) * pad,
        (f64::from(b.y2) - f64::from(b.y1)) * pad,
    );
    let aspect = in_w as f64 / in_h as f64;
    if w > h * aspect {
        h = w / aspect;
    } else {
        w = h * aspect;
    }
    let s = in_w as f64 / w;
    let m = [
        s,
        0.0,
        in_w as f64 * 0.5 - centre[0] * s,
        0.0,
        s,
        in_h as f64 * 0.5 - centre[1] * s,
    ];
    (centre, [w, h], m)
}

/// One model input made from a frame: its values (`height × width × 3`, RGB, not yet
/// normalised) and the map back to the frame.
pub struct Prepared {
    pub rgb: Vec<f32>,
    pub map: InputMap,
}

/// The size of the model's input for a frame: the spec's, or the frame's own.
pub fn input_size(input: &InputSpec, frame: &RgbFrame<'_>) -> (usize, usize) {
    match input.resize {
        Resize::Native => (frame.width, frame.height),
        _ => (input.width as usize, input.height as usize),
    }
}

/// Makes the model's input image from a frame (and, for top-down models, a box).
pub fn prepare(frame: &RgbFrame<'_>, input: &InputSpec, bbox: Option<BoxXyxy>) -> Prepared {
    let (in_w, in_h) = input_size(input, frame);
    match input.resize {
        Resize::Native => Prepared {
            rgb: frame.pixels.iter().map(|&p| f32::from(p)).collect(),
            map: InputMap::plain([1.0, 1.0], [0.0, 0.0], frame),
        },
        Resize::Letterbox { pad } => {
            let (new_w, new_h, left, top, gain) =
                letterbox_geometry(frame.width, frame.height, in_w, in_h);
            let resized = resize_bilinear(frame, new_w.max(1), new_h.max(1));
            let mut rgb = vec![pad; in_w * in_h * 3];
            for y in 0..new_h.min(in_h.saturating_sub(top)) {
                let src = &resized[y * new_w * 3..];
                let dst = &mut rgb[((y + top) * in_w + left) * 3..];
                let n = new_w.min(in_w.saturating_sub(left)) * 3;
                dst[..n].copy_from_slice(&src[..n]);
            }
            Prepared {
                rgb,
                map: InputMap {
                    gain: [gain, gain],
                    offset: [
                        (in_w as f64 - frame.width as f64 * gain) / 2.0,
                        (in_h as f64 - frame.height as f64 * gain) / 2.0,
                    ],
                    box_offset: [left as f64, top as f64],
                    frame_size: [frame.width as f64, frame.height as f64],
                },
            }
        }
        Resize::Stretch => Prepared {
            rgb: resize_bilinear(frame, in_w, in_h),
            map: InputMap::plain(
                [
                    in_w as f64 / frame.width as f64,
                    in_h as f64 / frame.height as f64,
                ],
                [0.0, 0.0],
                frame,
            ),
        },
        Resize::Crop { padding } => {
            let b = bbox.unwrap_or_else(|| BoxXyxy::whole(frame.width, frame.height));
            let (centre, size, m) = crop_geometry(b, padding, in_w, in_h);
            // rtmlib maps back with `kp / input_size * scale + centre − scale / 2`.
            let gain = [in_w as f64 / size[0], in_h as f64 / size[1]];
            Prepared {
                rgb: warp_affine(frame, m, in_w, in_h),
                map: InputMap::plain(
                    gain,
                    [
                        (size[0] * 0.5 - centre[0]) * gain[0],
                        (size[1] * 0.5 - centre[1]) * gain[1],
                    ],
                    frame,
                ),
            }
        }
    }
}

/// Writes one prepared image (`pixels × 3` values, RGB) into a batch tensor slot, in
/// the spec's channels, colour order and layout, as `(pixel − mean) / std`.
pub fn normalise_into(rgb: &[f32], input: &InputSpec, out: &mut [f32]) {
    let plane = rgb.len() / 3;
    if input.channels == 1 {
        // Grey: luma with BT.601 weights (cv2.COLOR_RGB2GRAY's).
        let (mean, inv) = (input.mean[0], 1.0 / input.std[0]);
        for (d, px) in out.iter_mut().zip(rgb.chunks_exact(3)) {
            let y = 0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2];
            *d = (y - mean) * inv;
        }
        return;
    }
    let order: [usize; 3] = match input.colour {
        ColourOrder::Rgb => [0, 1, 2],
        ColourOrder::Bgr => [2, 1, 0],
    };
    let inv_std = input.std.map(|s| 1.0 / s);
    for (c_out, &c_in) in order.iter().enumerate() {
        let (mean, inv) = (input.mean[c_out], inv_std[c_out]);
        match input.layout {
            Layout::Nchw => {
                let dst = &mut out[c_out * plane..(c_out + 1) * plane];
                for (d, px) in dst.iter_mut().zip(rgb.chunks_exact(3)) {
                    *d = (px[c_in] - mean) * inv;
                }
            }
            Layout::Nhwc => {
                for (i, px) in rgb.chunks_exact(3).enumerate() {
                    out[i * 3 + c_out] = (px[c_in] - mean) * inv;
                }
            }
        }
    }
}
