//! The "explain step" view's bindings: a racer's next update as data (for the page's panel)
//! and drawn at its head, piece by piece, on a canvas the size of the plot's.

use super::canvas::Canvas;
use super::scene::Scene;
use super::{err, to_js};
use crate::explanation::Explanation;
use crate::live::Layer;
use crate::render::colormap;
use crate::render::explain::{draw_explanation, scales};
use crate::text::piece_value;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// An explanation as the panel lists it: the core's, each piece's value as words, and how
/// much the drawing magnifies the step's space (1: true size).
#[derive(Serialize)]
struct Explained<'a> {
    #[serde(flatten)]
    explanation: &'a Explanation,
    values: Vec<String>,
    magnify: f64,
    color: &'a str,
}

#[wasm_bindgen]
impl Scene {
    /// Racer `i`'s next update without taking it: `{racer, name, optimizer, step, at, loss,
    /// next, lr, pieces: [{key, label, shape, space, caption, value}], values, magnify, color}`;
    /// throws for a racer that does not exist or has stopped.
    pub fn explain(&self, i: usize) -> Result<JsValue, JsError> {
        let e = self.live.race().explain(i).map_err(err)?;
        let s = scales(&self.live.mapping(), &e, self.live.ink());
        let values = e.pieces.iter().map(|p| piece_value(&p.value)).collect();
        to_js(&Explained {
            explanation: &e,
            values,
            magnify: s.magnify,
            color: self.live.color(i),
        })
    }

    /// Clears `canvas` (the plot's size) and draws the first `shown` pieces of racer `i`'s
    /// next update at its head; throws as [`Scene::explain`] does.
    pub fn draw_explanation_on(
        &self,
        canvas: HtmlCanvasElement,
        i: usize,
        shown: u32,
    ) -> Result<(), JsError> {
        let e = self.live.race().explain(i).map_err(err)?;
        let layer = Canvas::new(canvas)?;
        let (w, h) = layer.size();
        layer.clear_rect([0.0, 0.0, w as f64, h as f64]);
        let color = colormap::parse_hex(self.live.color(i)).unwrap_or(crate::render::scene::INK);
        draw_explanation(
            layer.area(),
            &self.live.mapping(),
            &e,
            color,
            self.live.ink(),
            shown as usize,
        )
        .map_err(err)?;
        layer.area().present().map_err(err)
    }
}
