//! The CPU fallback for showing a frame: RGBA (converted by the decode worker) into one
//! egui texture, updated in place when a new frame of the same size arrives.

use egui::{Color32, ColorImage, Rect, TextureHandle, TextureOptions};

use crate::video::{FrameConverter, VideoFrame};

pub struct RgbaVideoTexture {
    converter: FrameConverter,
    texture: Option<TextureHandle>,
    size: [usize; 2],
    version: u64,
    nearest: bool,
    buf: Vec<u8>,
}

impl RgbaVideoTexture {
    pub fn new(path: &std::path::Path) -> Self {
        Self {
            converter: FrameConverter::new(path),
            texture: None,
            size: [0, 0],
            version: u64::MAX,
            nearest: false,
            buf: Vec::new(),
        }
    }

    fn options(nearest: bool) -> TextureOptions {
        if nearest {
            TextureOptions::NEAREST
        } else {
            TextureOptions::LINEAR
        }
    }

    /// Uploads `frame` if its version is new. Returns an error text when conversion fails.
    pub fn update(
        &mut self,
        ctx: &egui::Context,
        frame: &VideoFrame,
        version: u64,
        nearest: bool,
    ) -> Result<(), String> {
        if version == self.version && nearest == self.nearest && self.texture.is_some() {
            return Ok(());
        }
        if version != self.version || self.texture.is_none() {
            match frame.rgba() {
                // The worker converted it: copy the rows, without their padding.
                Some((pixels, stride)) => {
                    let row = frame.width() as usize * 4;
                    self.buf.clear();
                    for y in 0..frame.height() as usize {
                        self.buf
                            .extend_from_slice(&pixels[y * stride..y * stride + row]);
                    }
                }
                // A frame the worker could not convert: convert it here.
                None => self
                    .converter
                    .rgba_into(frame, &mut self.buf)
                    .map_err(|e| e.to_string())?,
            }
        }
        let size = [frame.width() as usize, frame.height() as usize];
        if self.buf.len() != size[0] * size[1] * 4 {
            return Err("the converted frame has an unexpected size".into());
        }
        let image = ColorImage::from_rgba_unmultiplied(size, &self.buf);
        match &mut self.texture {
            // Same size and filter: overwrite the pixels of the existing texture.
            Some(texture) if self.size == size && self.nearest == nearest => {
                texture.set_partial([0, 0], image, Self::options(nearest));
            }
            Some(texture) => texture.set(image, Self::options(nearest)),
            None => {
                self.texture = Some(ctx.load_texture("video frame", image, Self::options(nearest)));
            }
        }
        self.size = size;
        self.version = version;
        self.nearest = nearest;
        Ok(())
    }

    /// Paints the part `uv` of the frame into `rect`.
    pub fn paint(&self, painter: &egui::Painter, rect: Rect, uv: Rect) {
        if let Some(texture) = &self.texture {
            painter.image(texture.id(), rect, uv, Color32::WHITE);
        }
    }
}
