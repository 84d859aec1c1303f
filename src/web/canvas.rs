//! The canvas layer: a `<canvas>` element as a [`Layer`] of the live view.

use super::err;
use crate::live::pan::Moved;
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

    /// A canvas off the page of `width x height` pixels, a new one each time: writing to one
    /// that a drawing still waiting to be rasterized refers to would make the browser
    /// rasterize that drawing first (at 3840 x 2160, most of a frame).
    fn scratch(
        &self,
        width: u32,
        height: u32,
    ) -> Result<(HtmlCanvasElement, CanvasRenderingContext2d), String> {
        let no_canvas = || "cannot make a canvas".to_string();
        let canvas: HtmlCanvasElement = (self.canvas.owner_document())
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|e| e.dyn_into().ok())
            .ok_or_else(no_canvas)?;
        canvas.set_width(width);
        canvas.set_height(height);
        let ctx: CanvasRenderingContext2d = (canvas.get_context("2d").ok().flatten())
            .and_then(|c| c.dyn_into().ok())
            .ok_or_else(no_canvas)?;
        Ok((canvas, ctx))
    }

    /// Round joins and caps (plotters cannot set them; a resize resets them), so that
    /// zigzagging paths have no miter spikes and pieces join seamlessly.
    fn round_lines(&self) {
        self.ctx.set_line_join("round");
        self.ctx.set_line_cap("round");
    }

    /// `draw` on this canvas's context, drawing inside `clip` only.
    fn clipped<T>(&self, clip: PlotRect, draw: impl FnOnce(&CanvasRenderingContext2d) -> T) -> T {
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
        let drawn = draw(ctx);
        ctx.restore();
        drawn
    }
}

/// Puts `rgba` (`width x height` pixels) on `ctx` with its top left corner at `(x, y)`.
fn put_image(
    ctx: &CanvasRenderingContext2d,
    rgba: &[u8],
    (width, height): (u32, u32),
    (x, y): (f64, f64),
) -> Result<(), String> {
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height)
        .map_err(|_| "cannot make the image".to_string())?;
    ctx.put_image_data(&image, x, y)
        .map_err(|_| "cannot draw the image".to_string())
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
        put_image(&self.ctx, rgba, (width, height), (x, y))
    }

    fn put_rgba_scaled(
        &self,
        rgba: &[u8],
        width: u32,
        height: u32,
        (x, y): (f64, f64),
        factor: f64,
        clip: PlotRect,
    ) -> Result<(), String> {
        // Put on the small scratch canvas, then drawn scaled from there: a canvas drawn onto
        // itself is copied whole first, which at 3840 x 2160 costs most of a frame.
        let (scratch, scratch_ctx) = self.scratch(width, height)?;
        put_image(&scratch_ctx, rgba, (width, height), (0.0, 0.0))?;
        let (w, h) = (width as f64 * factor, height as f64 * factor);
        self.clipped(clip, |ctx| {
            ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&scratch, x, y, w, h)
        })
        .map_err(|_| "cannot scale the image".to_string())
    }

    fn show_moved(&self, moved: Option<Moved>) {
        let style = self.canvas.style();
        let Some(m) = moved else {
            let _ = style.remove_property("transform");
            let _ = style.remove_property("clip-path");
            let _ = self.canvas.remove_attribute("data-moved");
            return;
        };
        // The same in device pixels, for whoever draws the canvas elsewhere (a recording):
        // "scale_x scale_y offset_x offset_y clip_x clip_y clip_width clip_height".
        let _ = self.canvas.set_attribute(
            "data-moved",
            &format!(
                "{} {} {} {} {} {} {} {}",
                m.scale[0],
                m.scale[1],
                m.offset[0],
                m.offset[1],
                m.clip.x,
                m.clip.y,
                m.clip.width,
                m.clip.height
            ),
        );
        // Device pixels to the canvas's CSS pixels; the clip is in the canvas's own (moved)
        // coordinates, so that it stays on the plot on screen.
        let css = |v: f64| v / m.dpr;
        let (c, [sx, sy], [ox, oy]) = (m.clip, m.scale, m.offset);
        let (x0, y0) = ((c.x as f64 - ox) / sx, (c.y as f64 - oy) / sy);
        let (x1, y1) = ((c.right() as f64 - ox) / sx, (c.bottom() as f64 - oy) / sy);
        let (x0, y0, x1, y1) = (css(x0), css(y0), css(x1), css(y1));
        let _ = style.set_property("transform-origin", "0 0");
        let _ = style.set_property(
            "transform",
            &format!("translate({}px, {}px) scale({sx}, {sy})", css(ox), css(oy)),
        );
        let _ = style.set_property(
            "clip-path",
            &format!("polygon({x0}px {y0}px, {x1}px {y0}px, {x1}px {y1}px, {x0}px {y1}px)"),
        );
    }

    fn scale_up(&self, [x, y, w, h]: [f64; 4], factor: f64, clip: PlotRect) -> Result<(), String> {
        // In place, inside the clip only (a canvas drawn onto itself is copied first).
        let (to_w, to_h) = (w * factor, h * factor);
        self.clipped(clip, |ctx| {
            ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                &self.canvas,
                x,
                y,
                w,
                h,
                x,
                y,
                to_w,
                to_h,
            )
        })
        .map_err(|_| "cannot scale the image".to_string())
    }
}
