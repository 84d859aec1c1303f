//! A [`Layer`] of RGBA pixels in memory: the live view drawn without a browser, for tests.
//!
//! Shapes are rasterized by plotters' own default rasterizer (one pixel at a time, blended over
//! what is there), which is not the browser's antialiasing: tests compare rasters with rasters,
//! and ask where ink is, not what it looks like to the last pixel. Texts are not rasterized
//! (there is no font here): they are recorded with their position, so a test can read them.

use super::pan::Moved;
use super::Layer;
use crate::render::layout::PlotRect;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::IntoDrawingArea;
use plotters_backend::{
    BackendColor, BackendCoord, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;

/// The pixels of a raster and the texts drawn on it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    /// Row-major, straight (not premultiplied) alpha; all 0 when new.
    pub rgba: Vec<u8>,
    /// Every text drawn and not painted over since, with its anchor point, in order.
    pub texts: Vec<(String, (i32, i32))>,
}

impl Pixels {
    fn new(width: u32, height: u32) -> Pixels {
        Pixels {
            width,
            height,
            rgba: vec![0; width as usize * height as usize * 4],
            texts: Vec::new(),
        }
    }

    /// The RGBA of pixel `(x, y)`.
    pub fn at(&self, x: u32, y: u32) -> [u8; 4] {
        let i = 4 * (y as usize * self.width as usize + x as usize);
        [
            self.rgba[i],
            self.rgba[i + 1],
            self.rgba[i + 2],
            self.rgba[i + 3],
        ]
    }

    /// Pixels that are not fully transparent.
    pub fn inked(&self) -> usize {
        self.rgba.chunks_exact(4).filter(|p| p[3] > 0).count()
    }

    /// Pixels of exactly this colour, opaque.
    pub fn count(&self, [r, g, b]: [u8; 3]) -> usize {
        self.rgba
            .chunks_exact(4)
            .filter(|p| p[..] == [r, g, b, 255])
            .count()
    }

    /// Blends `color` (alpha 0 to 1) over pixel `(x, y)` ("source over").
    fn blend(&mut self, x: i32, y: i32, [r, g, b]: [u8; 3], alpha: f64) {
        if x < 0 || y < 0 || x >= self.width as i32 || y >= self.height as i32 || alpha <= 0.0 {
            return;
        }
        let i = 4 * (y as usize * self.width as usize + x as usize);
        let dst_a = self.rgba[i + 3] as f64 / 255.0;
        let a = alpha.min(1.0);
        let out_a = a + dst_a * (1.0 - a);
        for (k, c) in [r, g, b].into_iter().enumerate() {
            let mixed = (c as f64 * a + self.rgba[i + k] as f64 * dst_a * (1.0 - a)) / out_a;
            self.rgba[i + k] = mixed.round() as u8;
        }
        self.rgba[i + 3] = (out_a * 255.0).round() as u8;
    }

    /// Sets every pixel of `rect` that lies on the raster to `rgba`; texts anchored there go.
    fn set_rect(&mut self, [x, y, w, h]: [f64; 4], rgba: [u8; 4]) {
        self.texts.retain(|(_, (tx, ty))| {
            !((*tx as f64) >= x
                && (*tx as f64) < x + w
                && (*ty as f64) >= y
                && (*ty as f64) < y + h)
        });
        let (x0, y0) = (x.round().max(0.0) as u32, y.round().max(0.0) as u32);
        let (x1, y1) = (
            ((x + w).round().max(0.0) as u32).min(self.width),
            ((y + h).round().max(0.0) as u32).min(self.height),
        );
        for py in y0..y1 {
            for px in x0..x1 {
                let i = 4 * (py as usize * self.width as usize + px as usize);
                self.rgba[i..i + 4].copy_from_slice(&rgba);
            }
        }
    }
}

/// plotters' side of a [`Raster`].
pub struct RasterBackend {
    pixels: Rc<RefCell<Pixels>>,
}

impl DrawingBackend for RasterBackend {
    type ErrorType = std::fmt::Error;

    fn get_size(&self) -> (u32, u32) {
        let p = self.pixels.borrow();
        (p.width, p.height)
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        let (r, g, b) = color.rgb;
        self.pixels.borrow_mut().blend(x, y, [r, g, b], color.alpha);
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        _style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<std::fmt::Error>> {
        self.pixels.borrow_mut().texts.push((text.to_string(), pos));
        Ok(())
    }
}

/// A layer of `width x height` RGBA pixels, transparent when new.
pub struct Raster {
    pixels: Rc<RefCell<Pixels>>,
    area: DrawingArea<RasterBackend, Shift>,
    moved: Cell<Option<Moved>>,
}

impl Raster {
    pub fn new(width: u32, height: u32) -> Raster {
        let pixels = Rc::new(RefCell::new(Pixels::new(width, height)));
        let area = RasterBackend {
            pixels: Rc::clone(&pixels),
        }
        .into_drawing_area();
        Raster {
            pixels,
            area,
            moved: Cell::new(None),
        }
    }

    /// How the layer is shown moved ([`Layer::show_moved`]), None: as drawn.
    pub fn moved(&self) -> Option<Moved> {
        self.moved.get()
    }

    /// What is drawn so far.
    pub fn pixels(&self) -> Ref<'_, Pixels> {
        self.pixels.borrow()
    }

    /// A new size (as a page resizes a canvas): transparent again; [`Layer::refresh`] follows.
    pub fn resize(&mut self, width: u32, height: u32) {
        *self.pixels.borrow_mut() = Pixels::new(width, height);
    }
}

impl Layer for Raster {
    type Backend = RasterBackend;

    fn area(&self) -> &DrawingArea<RasterBackend, Shift> {
        &self.area
    }

    fn size(&self) -> (u32, u32) {
        let p = self.pixels.borrow();
        (p.width, p.height)
    }

    fn refresh(&mut self) -> Result<(), String> {
        self.area = RasterBackend {
            pixels: Rc::clone(&self.pixels),
        }
        .into_drawing_area();
        Ok(())
    }

    fn clear_rect(&self, rect: [f64; 4]) {
        self.pixels.borrow_mut().set_rect(rect, [0; 4]);
    }

    fn fill_white_rect(&self, rect: [f64; 4]) {
        self.pixels.borrow_mut().set_rect(rect, [255; 4]);
    }

    fn put_rgba(&self, rgba: &[u8], width: u32, height: u32, x: f64, y: f64) -> Result<(), String> {
        if rgba.len() != 4 * width as usize * height as usize {
            return Err(format!(
                "an image of {width} x {height} pixels needs {} bytes, got {}",
                4 * width * height,
                rgba.len()
            ));
        }
        let mut p = self.pixels.borrow_mut();
        let (x0, y0) = (x.round() as i64, y.round() as i64);
        for row in 0..height as i64 {
            for col in 0..width as i64 {
                let (px, py) = (x0 + col, y0 + row);
                if px < 0 || py < 0 || px >= p.width as i64 || py >= p.height as i64 {
                    continue;
                }
                let (src, dst) = (
                    4 * (row * width as i64 + col) as usize,
                    4 * (py as usize * p.width as usize + px as usize),
                );
                p.rgba[dst..dst + 4].copy_from_slice(&rgba[src..src + 4]);
            }
        }
        Ok(())
    }

    fn show_moved(&self, moved: Option<Moved>) {
        self.moved.set(moved);
    }

    fn scale_up(&self, [x, y, w, h]: [f64; 4], factor: f64, clip: PlotRect) -> Result<(), String> {
        let mut p = self.pixels.borrow_mut();
        let source = p.clone();
        // Nearest neighbour (a browser smooths): every pixel of the clip from its source pixel.
        for py in clip.y.max(0)..(clip.y + clip.height as i32).min(p.height as i32) {
            for px in clip.x.max(0)..(clip.x + clip.width as i32).min(p.width as i32) {
                let (sx, sy) = (
                    x + ((px as f64 - x) / factor).floor(),
                    y + ((py as f64 - y) / factor).floor(),
                );
                if sx < x || sy < y || sx >= x + w || sy >= y + h {
                    continue;
                }
                let color = source.at(sx as u32, sy as u32);
                let i = 4 * (py as usize * p.width as usize + px as usize);
                p.rgba[i..i + 4].copy_from_slice(&color);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::element::PathElement;
    use plotters::style::{RGBColor, ShapeStyle};

    #[test]
    fn lines_land_on_pixels_and_clears_take_them_off() {
        let r = Raster::new(20, 10);
        let style = ShapeStyle {
            color: RGBColor(200, 10, 10).into(),
            filled: false,
            stroke_width: 1,
        };
        r.area()
            .draw(&PathElement::new(vec![(1, 5), (18, 5)], style))
            .unwrap();
        assert_eq!(r.pixels().at(10, 5), [200, 10, 10, 255]);
        assert_eq!(r.pixels().count([200, 10, 10]), 18);
        // The line covers x = 1 to 18; clearing x < 10 leaves x = 10 to 18.
        r.clear_rect([0.0, 0.0, 10.0, 10.0]);
        assert_eq!(r.pixels().count([200, 10, 10]), 9);
        r.fill_white();
        assert_eq!(r.pixels().count([255, 255, 255]), 200);
    }

    #[test]
    fn images_are_put_and_scaled_in_place() {
        let r = Raster::new(8, 8);
        let rgba: Vec<u8> = [
            [1, 2, 3, 255],
            [4, 5, 6, 255],
            [7, 8, 9, 255],
            [10, 11, 12, 255],
        ]
        .concat();
        r.put_rgba(&rgba, 2, 2, 1.0, 1.0).unwrap();
        assert_eq!(r.pixels().at(2, 2), [10, 11, 12, 255]);
        r.scale_up(
            [1.0, 1.0, 2.0, 2.0],
            2.0,
            PlotRect {
                x: 1,
                y: 1,
                width: 4,
                height: 4,
            },
        )
        .unwrap();
        assert_eq!(
            (
                r.pixels().at(1, 1),
                r.pixels().at(2, 2),
                r.pixels().at(4, 4)
            ),
            ([1, 2, 3, 255], [1, 2, 3, 255], [10, 11, 12, 255])
        );
        assert!(r.put_rgba(&rgba, 3, 2, 0.0, 0.0).is_err());
    }
}
