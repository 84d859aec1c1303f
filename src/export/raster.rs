//! A plotters backend drawing into an RGBA buffer, its text set in DejaVu Sans
//! (`assets/fonts/`, compiled in): `optiscape animate` draws `plot`'s figure through it, frame
//! by frame, with the same drawing functions as the page's canvases and `plot`'s SVG.
//!
//! Lines, polygons and circles are plotters' own rasterizer's; text is laid out and rasterized
//! here with ab_glyph (plotters' font support would read the system's fonts). Anchors follow the
//! SVG backend, so a frame's labels sit where `plot`'s do: a top-anchored line's baseline 0.76 em
//! below the anchor, a centred one's 0.35 em, a bottom-anchored one's 0.24 em above.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters_backend::{BackendColor, BackendCoord, BackendTextStyle, DrawingBackend, DrawingErrorKind};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::FontStyle;
use std::sync::OnceLock;

/// An RGBA picture that plotters draws on; every pixel opaque.
pub struct Raster {
    pub width: u32,
    pub height: u32,
    /// Row-major RGBA.
    pub rgba: Vec<u8>,
}

/// Drawing on a raster cannot fail.
#[derive(Debug)]
pub struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("raster drawing error")
    }
}

impl std::error::Error for Never {}

impl Raster {
    /// A white picture.
    pub fn new(width: u32, height: u32) -> Raster {
        Raster { width, height, rgba: vec![255; width as usize * height as usize * 4] }
    }

    /// Copies an RGBA image of `w x h` pixels with its top left at `(x, y)` (clipped).
    pub fn put(&mut self, x: i32, y: i32, w: usize, h: usize, rgba: &[u8]) {
        for row in 0..h {
            let ty = y + row as i32;
            if ty < 0 || ty >= self.height as i32 {
                continue;
            }
            for col in 0..w {
                let tx = x + col as i32;
                if tx >= 0 && tx < self.width as i32 {
                    let (s, d) = ((row * w + col) * 4, (ty as usize * self.width as usize + tx as usize) * 4);
                    self.rgba[d..d + 3].copy_from_slice(&rgba[s..s + 3]);
                }
            }
        }
    }

    /// Blends `color` at `alpha` (0 to 1) into pixel `(x, y)`, if it is on the picture.
    fn blend(&mut self, (x, y): BackendCoord, rgb: (u8, u8, u8), alpha: f64) {
        if x < 0 || y < 0 || x >= self.width as i32 || y >= self.height as i32 || alpha <= 0.0 {
            return;
        }
        let i = (y as usize * self.width as usize + x as usize) * 4;
        if alpha >= 1.0 {
            self.rgba[i..i + 3].copy_from_slice(&[rgb.0, rgb.1, rgb.2]);
            return;
        }
        let a = alpha;
        for (k, c) in [rgb.0, rgb.1, rgb.2].into_iter().enumerate() {
            let d = self.rgba[i + k] as f64;
            // Rounded half up (the sum is not negative): `f64::round` is a libm call, and this
            // runs for every translucent pixel.
            self.rgba[i + k] = (c as f64 * a + d * (1.0 - a) + 0.5) as u8;
        }
    }
}

/// The three faces, parsed once.
fn face(style: FontStyle) -> &'static FontRef<'static> {
    static FACES: OnceLock<[FontRef<'static>; 3]> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        let parse = |bytes: &'static [u8]| FontRef::try_from_slice(bytes).expect("the fonts in assets/fonts/ parse");
        [
            parse(include_bytes!("../../assets/fonts/optiscape-DejaVuSans.ttf")),
            parse(include_bytes!("../../assets/fonts/optiscape-DejaVuSans-Oblique.ttf")),
            parse(include_bytes!("../../assets/fonts/optiscape-DejaVuSans-Bold.ttf")),
        ]
    });
    match style {
        FontStyle::Italic | FontStyle::Oblique => &faces[1],
        FontStyle::Bold => &faces[2],
        FontStyle::Normal => &faces[0],
    }
}

/// ab_glyph's scale for a font size in pixels per em (as CSS and SVG give it).
fn scale(font: &FontRef, size: f64) -> PxScale {
    let em = font.units_per_em().unwrap_or(2048.0);
    PxScale::from(size as f32 * font.height_unscaled() / em)
}

/// The width of `text` set in the regular face at `size` pixels per em.
pub fn text_width(text: &str, size: f64) -> f64 {
    advance(face(FontStyle::Normal), size, text) as f64
}

/// The text's advance width, in pixels.
fn advance(font: &FontRef, size: f64, text: &str) -> f32 {
    let scaled = font.as_scaled(scale(font, size));
    text.chars().map(|c| scaled.h_advance(font.glyph_id(c))).sum()
}

/// Plotters' face of a [`Raster`]: a drawing area over it (`raster.backend().into_drawing_area()`)
/// draws into it, and the picture is the raster's again once the area is dropped.
pub struct RasterBackend<'a>(&'a mut Raster);

impl Raster {
    pub fn backend(&mut self) -> RasterBackend<'_> {
        RasterBackend(self)
    }
}

impl DrawingBackend for RasterBackend<'_> {
    type ErrorType = Never;

    fn get_size(&self) -> (u32, u32) {
        (self.0.width, self.0.height)
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<Never>> {
        self.0.blend(point, color.rgb, color.alpha);
        Ok(())
    }

    /// Filled rectangles pixel by pixel: plotters' own fills them with lines as wide as the
    /// style's stroke, which is 0 for a fill, so they came out empty (the colour bar did).
    fn draw_rect<S: plotters_backend::BackendStyle>(&mut self, upper_left: BackendCoord, bottom_right: BackendCoord, style: &S, fill: bool) -> Result<(), DrawingErrorKind<Never>> {
        if !fill {
            return plotters_backend::rasterizer::draw_rect(self, upper_left, bottom_right, style, fill);
        }
        let color = style.color();
        let (x0, x1) = (upper_left.0.min(bottom_right.0).max(0), upper_left.0.max(bottom_right.0).min(self.0.width as i32 - 1));
        let (y0, y1) = (upper_left.1.min(bottom_right.1).max(0), upper_left.1.max(bottom_right.1).min(self.0.height as i32 - 1));
        for y in y0..=y1 {
            for x in x0..=x1 {
                self.0.blend((x, y), color.rgb, color.alpha);
            }
        }
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Result<(), DrawingErrorKind<Never>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let font = face(style.style());
        let size = style.size();
        let px = scale(font, size);
        let scaled = font.as_scaled(px);
        let anchor = style.anchor();
        let width = advance(font, size, text);
        let dx = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let baseline = size as f32
            * match anchor.v_pos {
                VPos::Top => 0.76,
                VPos::Center => 0.35,
                VPos::Bottom => -0.24,
            };
        let transform = style.transform();
        let mut caret = dx;
        for c in text.chars() {
            let id = font.glyph_id(c);
            let glyph = id.with_scale_and_position(px, point(caret, baseline));
            caret += scaled.h_advance(id);
            let Some(outlined) = font.outline_glyph(glyph) else { continue };
            let bounds = outlined.px_bounds();
            outlined.draw(|gx, gy, coverage| {
                let (x, y) = transform.transform(bounds.min.x as i32 + gx as i32, bounds.min.y as i32 + gy as i32);
                self.0.blend((pos.0 + x, pos.1 + y), color.rgb, color.alpha * coverage as f64);
            });
        }
        Ok(())
    }

    fn estimate_text_size<S: BackendTextStyle>(&self, text: &str, style: &S) -> Result<(u32, u32), DrawingErrorKind<Never>> {
        let font = face(style.style());
        Ok((advance(font, style.size(), text).ceil() as u32, (style.size() * 1.2).ceil() as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;
    use plotters::style::text_anchor::Pos;

    fn ink(r: &Raster) -> Vec<(u32, u32)> {
        (0..r.height).flat_map(|y| (0..r.width).map(move |x| (x, y))).filter(|&(x, y)| r.rgba[((y * r.width + x) * 4) as usize] < 128).collect()
    }

    #[test]
    fn text_is_drawn_where_its_anchor_says() {
        let mut r = Raster::new(200, 60);
        {
            let area = r.backend().into_drawing_area();
            let style = TextStyle::from(("sans-serif", 20).into_font()).color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top));
            area.draw_text("Adam β₁ 10⁻⁵ −", &style, (100, 10)).unwrap();
        }
        let dark = ink(&r);
        assert!(dark.len() > 200, "glyphs drawn: {}", dark.len());
        let (xs, ys): (Vec<u32>, Vec<u32>) = dark.into_iter().unzip();
        let (left, right) = (*xs.iter().min().unwrap(), *xs.iter().max().unwrap());
        // Centred on x = 100, and below the anchor, within a line's height.
        assert!((left as i32 + right as i32 - 200).abs() <= 6, "{left}..{right}");
        assert!(*ys.iter().min().unwrap() >= 10 && *ys.iter().max().unwrap() <= 10 + 24, "{ys:?}");
    }

    #[test]
    fn rotated_text_reads_upwards() {
        let mut r = Raster::new(60, 200);
        {
            let area = r.backend().into_drawing_area();
            let style = TextStyle::from(("sans-serif", 20).into_font().transform(FontTransform::Rotate270)).color(&BLACK).pos(Pos::new(HPos::Center, VPos::Bottom));
            area.draw_text("loss − min", &style, (40, 100)).unwrap();
        }
        let (xs, ys): (Vec<u32>, Vec<u32>) = ink(&r).into_iter().unzip();
        assert!(ys.iter().max().unwrap() - ys.iter().min().unwrap() > 60, "tall");
        assert!(xs.iter().max().unwrap() - xs.iter().min().unwrap() < 24, "narrow");
    }

    #[test]
    fn filled_rectangles_are_filled() {
        let mut r = Raster::new(10, 10);
        {
            let area = r.backend().into_drawing_area();
            area.draw(&Rectangle::new([(2, 2), (5, 4)], BLUE.filled())).unwrap();
            area.draw(&Rectangle::new([(6, 6), (20, 20)], BLACK.mix(0.5).filled())).unwrap();
        }
        let px = |x: usize, y: usize| r.rgba[(y * 10 + x) * 4..(y * 10 + x) * 4 + 3].to_vec();
        assert_eq!((px(2, 2), px(5, 4), px(3, 3)), (vec![0, 0, 255], vec![0, 0, 255], vec![0, 0, 255]));
        assert_eq!((px(1, 2), px(6, 2)), (vec![255; 3], vec![255; 3]));
        assert_eq!(px(9, 9), vec![128; 3], "translucent, and cut at the picture's edge");
    }

    #[test]
    fn shapes_blend_and_stay_on_the_picture() {
        let mut r = Raster::new(20, 20);
        {
            let area = r.backend().into_drawing_area();
            area.draw(&Circle::new((10, 10), 30, RED.mix(0.5).filled())).unwrap();
        }
        assert_eq!(&r.rgba[..4], &[255, 128, 128, 255]);
        r.put(-2, 18, 3, 3, &[0; 36]);
        assert_eq!(&r.rgba[(19 * 20) * 4..(19 * 20) * 4 + 4], &[0, 0, 0, 255]);
    }
}
