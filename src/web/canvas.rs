//! The canvas layer: a `<canvas>` element as a [`Layer`] of the live view.

use super::err;
use crate::live::Layer;
use crate::render::layout::PlotRect;
use crate::render::path::Strokes;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::IntoDrawingArea;
use plotters::style::RGBAColor;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{Clamped, JsCast, JsError};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// A canvas with its 2-D context and a plotters drawing area on it, kept from one frame to the
/// next (asking the canvas for them every frame costs).
pub struct Canvas {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    area: DrawingArea<CanvasBackend, Shift>,
}

impl Canvas {
    pub fn new(canvas: HtmlCanvasElement) -> Result<Canvas, JsError> {
        let no_context = || err("the canvas has no 2d context");
        let ctx: CanvasRenderingContext2d = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into().ok())
            .ok_or_else(no_context)?;
        let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or_else(no_context)?;
        let layer = Canvas {
            area: backend.into_drawing_area(),
            canvas,
            ctx,
        };
        layer.round_lines();
        Ok(layer)
    }

    /// Round joins and caps (plotters cannot set them; a resize resets them), so that
    /// zigzagging paths have no miter spikes and pieces join seamlessly.
    fn round_lines(&self) {
        self.ctx.set_line_join("round");
        self.ctx.set_line_cap("round");
    }
}

impl Layer for Canvas {
    type Backend = CanvasBackend;

    fn area(&self) -> &DrawingArea<CanvasBackend, Shift> {
        &self.area
    }

    fn size(&self) -> (u32, u32) {
        (self.canvas.width(), self.canvas.height())
    }

    fn refresh(&mut self) -> Result<(), String> {
        *self = Canvas::new(self.canvas.clone())
            .map_err(|_| "the canvas has no 2d context".to_string())?;
        Ok(())
    }

    fn stroke(&self, strokes: &Strokes) -> Result<(), String> {
        // As plotters-canvas strokes one path, with every polyline a subpath of it.
        let RGBAColor(r, g, b, a) = strokes.style.color;
        if a == 0.0 || strokes.lines.is_empty() {
            return Ok(());
        }
        let ctx = &self.ctx;
        ctx.set_stroke_style_str(&format!("rgba({r},{g},{b},{a})"));
        ctx.set_line_width(strokes.style.stroke_width as f64);
        ctx.begin_path();
        for line in &strokes.lines {
            let Some((&(x, y), rest)) = line.split_first() else {
                continue;
            };
            ctx.move_to(x as f64, y as f64);
            for &(x, y) in rest {
                ctx.line_to(x as f64, y as f64);
            }
        }
        ctx.stroke();
        Ok(())
    }

    fn clear_rect(&self, [x, y, w, h]: [f64; 4]) {
        self.ctx.clear_rect(x, y, w, h);
    }

    fn fill_white_rect(&self, [x, y, w, h]: [f64; 4]) {
        self.ctx.set_fill_style_str("#ffffff");
        self.ctx.fill_rect(x, y, w, h);
    }

    fn put_rgba(&self, rgba: &[u8], width: u32, height: u32, x: f64, y: f64) -> Result<(), String> {
        let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height)
            .map_err(|_| "cannot make the image".to_string())?;
        self.ctx
            .put_image_data(&image, x, y)
            .map_err(|_| "cannot draw the image".to_string())
    }

    fn scale_up(&self, [x, y, w, h]: [f64; 4], factor: f64, clip: PlotRect) -> Result<(), String> {
        // In place, inside the clip only (a canvas drawn onto itself is copied first).
        let ctx = &self.ctx;
        ctx.save();
        ctx.begin_path();
        ctx.rect(
            clip.x as f64,
            clip.y as f64,
            clip.width as f64,
            clip.height as f64,
        );
        ctx.clip();
        let drawn = ctx
            .draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                &self.canvas,
                x,
                y,
                w,
                h,
                x,
                y,
                w * factor,
                h * factor,
            );
        ctx.restore();
        drawn.map_err(|_| "cannot scale the image".to_string())
    }
}
