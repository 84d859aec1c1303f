//! The scheduler picker's bindings: a scheduler's starting arguments for a racer, the learning
//! rate each step of its race uses, and that sequence drawn small.

use super::canvas::Canvas;
use super::err;
use crate::live::Layer;
use crate::spec::RunSpec;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

fn racer(spec: &RunSpec, i: usize) -> Result<&crate::spec::RacerSpec, JsError> {
    spec.racers
        .get(i)
        .ok_or_else(|| err(format!("no racer {}", i + 1)))
}

/// Scheduler `name` as the picker first sets it on racer `i` of `spec_json`, as JSON text:
/// torch's defaults and its required arguments sized for the race.
#[wasm_bindgen]
pub fn scheduler_for(spec_json: &str, i: usize, name: &str) -> Result<String, JsError> {
    let spec = RunSpec::parse(spec_json).map_err(err)?;
    let info =
        crate::schedule::find(name).ok_or_else(|| err(format!("unknown scheduler `{name}`")))?;
    let object = crate::schedule::starter(info, racer(&spec, i)?, spec.steps).map_err(err)?;
    Ok(object.to_string())
}

/// The learning rate each step of racer `i`'s race uses (`optiscape run`'s `lr`), to where it
/// stops.
#[wasm_bindgen]
pub fn lr_sequence(spec_json: &str, i: usize) -> Result<Vec<f64>, JsError> {
    let spec = RunSpec::parse(spec_json).map_err(err)?;
    racer(&spec, i)?;
    crate::schedule::lr_sequence(&spec, i).ok_or_else(|| err(format!("no racer {}", i + 1)))
}

/// `lrs` drawn on `canvas` (sized by the caller in device pixels) in `color` ("#rrggbb"),
/// `steps` the race's stop step; returns what it shows, in words (the canvas's name).
#[wasm_bindgen]
pub fn draw_lr_sequence(
    canvas: HtmlCanvasElement,
    lrs: Vec<f64>,
    color: &str,
    steps: f64,
    dpr: f64,
) -> Result<String, JsError> {
    let layer = Canvas::new(canvas)?;
    let color = crate::render::colormap::parse_hex(color).unwrap_or(crate::render::scene::INK);
    let steps_text = crate::text::steps_text(steps.max(0.0) as u64, lrs.len() as u64);
    crate::render::lr_curve::draw_lr_curve(
        layer.area(),
        &lrs,
        color,
        &steps_text,
        crate::live::dpr_of(dpr),
    )
    .map_err(|e| err(e.to_string()))?;
    layer.present().map_err(err)?;
    Ok(crate::text::lr_curve_label(&lrs, steps.max(0.0) as u64))
}
