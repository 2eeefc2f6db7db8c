//! The mapping between image pixels and UI points in the video view: zoom about a
//! point, pan, fit. The only place the two coordinate spaces meet.

use egui::{Pos2, Rect, Vec2, pos2, vec2};

/// Zoom limits, in UI points per image pixel.
pub const MIN_ZOOM: f32 = 0.02;
pub const MAX_ZOOM: f32 = 64.0;

/// Where the image sits in the view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewTransform {
    /// UI points per image pixel.
    pub zoom: f32,
    /// UI position of the image's top-left corner, relative to the view's top-left.
    pub offset: Vec2,
}

impl Default for ViewTransform {
    fn default() -> Self {
        Self {
            zoom: 1.0,
            offset: Vec2::ZERO,
        }
    }
}

impl ViewTransform {
    /// A transform that shows the whole image, centred, as large as fits.
    pub fn fit(view: Rect, image_size: Vec2) -> Self {
        if image_size.x <= 0.0 || image_size.y <= 0.0 || view.width() <= 0.0 {
            return Self::default();
        }
        let zoom = (view.width() / image_size.x)
            .min(view.height() / image_size.y)
            .clamp(MIN_ZOOM, MAX_ZOOM);
        let offset = (view.size() - image_size * zoom) * 0.5;
        Self { zoom, offset }
    }

    pub fn ui_from_image(&self, view: Rect, pos_in_image: Pos2) -> Pos2 {
        view.min + self.offset + pos_in_image.to_vec2() * self.zoom
    }

    pub fn image_from_ui(&self, view: Rect, pos_in_ui: Pos2) -> Pos2 {
        ((pos_in_ui - view.min - self.offset) / self.zoom).to_pos2()
    }

    /// The image's rectangle in UI points.
    pub fn image_rect_in_ui(&self, view: Rect, image_size: Vec2) -> Rect {
        Rect::from_min_size(view.min + self.offset, image_size * self.zoom)
    }

    /// Multiplies the zoom by `factor`, keeping the image point under `anchor_in_ui`
    /// where it is.
    pub fn zoom_about(&mut self, view: Rect, anchor_in_ui: Pos2, factor: f32) {
        let anchor_in_image = self.image_from_ui(view, anchor_in_ui);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        self.offset = anchor_in_ui - view.min - anchor_in_image.to_vec2() * self.zoom;
    }

    /// Sets an absolute zoom about the view's centre.
    pub fn set_zoom_about_center(&mut self, view: Rect, zoom: f32) {
        let factor = zoom / self.zoom;
        self.zoom_about(view, view.center(), factor);
    }

    pub fn pan(&mut self, delta_in_ui: Vec2) {
        self.offset += delta_in_ui;
    }

    /// Past 100% a person wants to see the pixels as squares, not blurred.
    pub fn wants_nearest_filtering(&self, pixels_per_point: f32) -> bool {
        self.zoom * pixels_per_point > 1.0
    }
}

/// The part of the image that is visible in `view`, as a rectangle in UI points and
/// the matching UV rectangle (0..1) of the image.
pub fn visible_part(
    view: Rect,
    transform: &ViewTransform,
    image_size: Vec2,
) -> Option<(Rect, Rect)> {
    let image_rect = transform.image_rect_in_ui(view, image_size);
    let shown = image_rect.intersect(view);
    if shown.width() <= 0.0 || shown.height() <= 0.0 {
        return None;
    }
    let to_uv = |p: Pos2| {
        pos2(
            (p.x - image_rect.min.x) / image_rect.width(),
            (p.y - image_rect.min.y) / image_rect.height(),
        )
    };
    Some((
        shown,
        Rect::from_min_max(to_uv(shown.min), to_uv(shown.max)),
    ))
}

/// The size of an image in pixels as a vector.
pub fn size_vec(width: u32, height: u32) -> Vec2 {
    vec2(width as f32, height as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> Rect {
        Rect::from_min_size(pos2(100.0, 50.0), vec2(800.0, 600.0))
    }

    #[test]
    fn image_and_ui_round_trip() {
        let t = ViewTransform {
            zoom: 2.5,
            offset: vec2(-30.0, 12.0),
        };
        let p = pos2(123.25, 456.5);
        let back = t.image_from_ui(view(), t.ui_from_image(view(), p));
        assert!((back - p).length() < 1e-3);
    }

    #[test]
    fn fit_centres_the_whole_image() {
        let t = ViewTransform::fit(view(), vec2(1920.0, 1080.0));
        let r = t.image_rect_in_ui(view(), vec2(1920.0, 1080.0));
        assert!((r.width() - 800.0).abs() < 1e-3);
        assert!((r.center() - view().center()).length() < 1e-3);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let mut t = ViewTransform::fit(view(), vec2(640.0, 480.0));
        let cursor = pos2(300.0, 200.0);
        let under = t.image_from_ui(view(), cursor);
        t.zoom_about(view(), cursor, 3.0);
        assert!((t.image_from_ui(view(), cursor) - under).length() < 1e-3);
        t.zoom_about(view(), cursor, 1e6);
        assert_eq!(t.zoom, MAX_ZOOM);
    }

    #[test]
    fn visible_part_clips_to_the_view() {
        let t = ViewTransform {
            zoom: 4.0,
            offset: vec2(-400.0, 0.0),
        };
        let (shown, uv) = visible_part(view(), &t, vec2(400.0, 300.0)).unwrap();
        assert_eq!(shown.min.x, view().min.x);
        assert!((uv.min.x - 0.25).abs() < 1e-4);
        assert!(uv.max.x <= 1.0 && uv.max.y <= 1.0);
    }
}
