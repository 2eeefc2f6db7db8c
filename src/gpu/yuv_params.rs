//! The YUV→RGB constants for a stream's matrix and range, as the shader takes them.
//! Kept apart from wgpu so they are tested against swscale on the CPU.

use crate::video::{ColorMatrix, ColorRange};

/// Uniform block of `shaders/yuv_to_rgb.wgsl` (std140-compatible: 64 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YuvParams {
    pub uv_min: [f32; 2],
    pub uv_max: [f32; 2],
    pub y_offset: f32,
    pub y_scale: f32,
    pub c_offset: f32,
    pub c_scale: f32,
    /// R = y + k0·v; G = y − k1·u − k2·v; B = y + k3·u.
    pub k: [f32; 4],
    pub output_linear: f32,
    pub pad: [f32; 3],
}

impl YuvParams {
    pub fn new(matrix: ColorMatrix, range: ColorRange) -> Self {
        // Derived from each standard's Kr and Kb.
        let (kr, kb): (f32, f32) = match matrix {
            ColorMatrix::Bt601 => (0.299, 0.114),
            ColorMatrix::Bt709 => (0.2126, 0.0722),
            ColorMatrix::Bt2020 => (0.2627, 0.0593),
        };
        let kg = 1.0 - kr - kb;
        let k = [
            2.0 * (1.0 - kr),
            2.0 * (1.0 - kb) * kb / kg,
            2.0 * (1.0 - kr) * kr / kg,
            2.0 * (1.0 - kb),
        ];
        let (y_offset, y_scale, c_scale) = match range {
            ColorRange::Limited => (16.0 / 255.0, 255.0 / 219.0, 255.0 / 224.0),
            ColorRange::Full => (0.0, 1.0, 1.0),
        };
        Self {
            uv_min: [0.0, 0.0],
            uv_max: [1.0, 1.0],
            y_offset,
            y_scale,
            c_offset: 128.0 / 255.0,
            c_scale,
            k,
            output_linear: 0.0,
            pad: [0.0; 3],
        }
    }

    /// Converts one 8-bit YUV sample as the shader does (for tests).
    pub fn to_rgb(&self, y: u8, u: u8, v: u8) -> [f32; 3] {
        let y = (f32::from(y) / 255.0 - self.y_offset) * self.y_scale;
        let u = (f32::from(u) / 255.0 - self.c_offset) * self.c_scale;
        let v = (f32::from(v) / 255.0 - self.c_offset) * self.c_scale;
        [
            (y + self.k[0] * v).clamp(0.0, 1.0),
            (y - self.k[1] * u - self.k[2] * v).clamp(0.0, 1.0),
            (y + self.k[3] * u).clamp(0.0, 1.0),
        ]
    }

    pub fn as_bytes(&self) -> Vec<u8> {
        let floats: [f32; 16] = [
            self.uv_min[0],
            self.uv_min[1],
            self.uv_max[0],
            self.uv_max[1],
            self.y_offset,
            self.y_scale,
            self.c_offset,
            self.c_scale,
            self.k[0],
            self.k[1],
            self.k[2],
            self.k[3],
            self.output_linear,
            self.pad[0],
            self.pad[1],
            self.pad[2],
        ];
        floats.iter().flat_map(|f| f.to_le_bytes()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bt601_matches_the_textbook_coefficients() {
        let p = YuvParams::new(ColorMatrix::Bt601, ColorRange::Limited);
        assert!((p.k[0] - 1.402).abs() < 1e-3);
        assert!((p.k[1] - 0.344136).abs() < 1e-3);
        assert!((p.k[2] - 0.714136).abs() < 1e-3);
        assert!((p.k[3] - 1.772).abs() < 1e-3);
        // Limited-range white and black.
        assert!(
            p.to_rgb(235, 128, 128)
                .iter()
                .all(|c| (c - 1.0).abs() < 1e-3)
        );
        assert!(p.to_rgb(16, 128, 128).iter().all(|c| c.abs() < 1e-3));
    }

    #[test]
    fn bt709_full_range_red() {
        let p = YuvParams::new(ColorMatrix::Bt709, ColorRange::Full);
        assert!((p.k[0] - 1.5748).abs() < 1e-3 && (p.k[3] - 1.8556).abs() < 1e-3);
        // Pure red in BT.709 full range: Y = 0.2126, Cb = -0.1146, Cr = 0.5.
        let y = (0.2126f32 * 255.0).round() as u8;
        let u = (128.0 - 0.114_572f32 * 255.0).round() as u8;
        let v = 255u8;
        let [r, g, b] = p.to_rgb(y, u, v);
        assert!(r > 0.97 && g < 0.03 && b < 0.03, "{r} {g} {b}");
    }
}
