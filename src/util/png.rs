//! Writing images as PNG files, atomically.

use std::path::Path;

use anyhow::Context;
use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};

use crate::util::atomic_file::write_atomically;

/// Writes an RGB image as PNG at `path` (fast compression: frames are large and
/// written in bulk).
pub fn write_rgb_png(path: &Path, image: &image::RgbImage) -> anyhow::Result<()> {
    write_atomically(path, |w| {
        PngEncoder::new_with_quality(w, CompressionType::Fast, FilterType::Adaptive)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::Rgb8,
            )
            .map_err(std::io::Error::other)
    })
    .map(drop)
    .with_context(|| format!("cannot write {}", path.display()))
}
