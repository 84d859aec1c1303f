//! What the page hands out of a race: its data and PyTorch script, made by the very functions
//! the CLI prints (`optiscape run --format csv`, `run --state`, `torch`), so a file from the
//! page equals the CLI's byte for byte; and a GIF of frames the page grabs from its canvases,
//! through the encoder `optiscape animate` uses.

use super::err;
use crate::export::{csv, gif::GifEncoder, state, torch};
use crate::spec::RunSpec;
use wasm_bindgen::prelude::*;

/// Points a download from the page may hold, `(steps + 1) x racers`: a tenth of what
/// `optiscape run` keeps, so that the file, with every optimizer's state, and its copy as a
/// JavaScript string stay well within a browser tab's memory (and it is made in about a second).
const MAX_POINTS: u64 = crate::spec::MAX_RUN_POINTS / 10;

/// A run spec for a download: the CLI's parser, and a limit on the points it keeps.
fn parse(spec_json: &str) -> Result<RunSpec, JsError> {
    let spec = RunSpec::parse(spec_json).map_err(err)?;
    let points = (spec.steps + 1).saturating_mul(spec.racers.len() as u64);
    if points > MAX_POINTS {
        return Err(err(format!(
            "steps: the page's files keep every point, so (steps + 1) x racers must stay within {MAX_POINTS}, got ({} + 1) x {}; `optiscape run` takes up to {}",
            spec.steps,
            spec.racers.len(),
            crate::spec::MAX_RUN_POINTS
        )));
    }
    Ok(spec)
}

/// The race of a run spec as CSV: `optiscape run --format csv`'s bytes.
#[wasm_bindgen]
pub fn race_csv(spec_json: &str) -> Result<String, JsError> {
    Ok(csv::race_csv(&parse(spec_json)?))
}

/// The race of a run spec as JSON with every racer's state: `optiscape run --state`'s bytes.
#[wasm_bindgen]
pub fn race_json(spec_json: &str) -> Result<String, JsError> {
    Ok(state::run_json(&parse(spec_json)?))
}

/// The PyTorch script that reruns a run spec's race: `optiscape torch`'s bytes.
#[wasm_bindgen]
pub fn race_torch(spec_json: &str) -> Result<String, JsError> {
    Ok(torch::race_script(&RunSpec::parse(spec_json).map_err(err)?))
}

/// An animated GIF being recorded from the page's canvases, frame by frame
/// ([`crate::export::gif`]: one palette, only the changed rectangle per frame).
#[wasm_bindgen]
pub struct GifRecorder {
    encoder: Option<GifEncoder>,
}

#[wasm_bindgen]
impl GifRecorder {
    /// A GIF of `width x height` pixels starting with `first` (RGBA, as `getImageData` gives
    /// it), shown for `delay` hundredths of a second. `colors`: RGB triples that must stay exact
    /// (the racers' colours).
    #[wasm_bindgen(constructor)]
    pub fn new(
        width: u32,
        height: u32,
        first: &[u8],
        colors: &[u8],
        delay: u16,
    ) -> Result<GifRecorder, JsError> {
        let colors: Vec<[u8; 3]> = colors.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
        Ok(GifRecorder {
            encoder: Some(GifEncoder::new(width, height, first, &colors, delay).map_err(err)?),
        })
    }

    /// Adds a frame (RGBA, the first's size), shown for `delay` hundredths of a second; a frame
    /// like the one before lengthens that one instead.
    pub fn push(&mut self, rgba: &[u8], delay: u16) -> Result<(), JsError> {
        self.encoder
            .as_mut()
            .ok_or_else(finished)?
            .push(rgba, delay)
            .map_err(err)
    }

    /// Frames in the file so far.
    pub fn frames(&self) -> u32 {
        self.encoder.as_ref().map_or(0, |e| e.frames() as u32)
    }

    /// The file's bytes; the recorder takes no more frames.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsError> {
        self.encoder
            .take()
            .ok_or_else(finished)?
            .finish()
            .map_err(err)
    }
}

fn finished() -> JsError {
    err("the GIF is already finished")
}
