//! The classifier race's bindings: [`Classify`] over [`crate::live::Classify`] on the canvases
//! of its charts and projected view.
//!
//! JavaScript hands over the training spec as JSON text (parsed by [`TrainSpec::parse`],
//! exactly as `optiscape train` parses it) and the digits file's bytes (fetched from the page's
//! own origin), and calls [`Classify::advance`] once per animation frame with a time budget.

use super::canvas::Canvas;
use super::{err, now, to_js};
use crate::classify::digits::Digits;
use crate::classify::train::TrainSpec;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// A classifier race and the canvases of its charts.
#[wasm_bindgen]
pub struct Classify {
    live: crate::live::Classify<Canvas>,
}

fn parse(spec_json: &str) -> Result<TrainSpec, JsError> {
    TrainSpec::parse(spec_json).map_err(err)
}

/// A duration from JavaScript, 0 to 1000 ms (0 for nonsense).
fn budget(ms: f64) -> f64 {
    if ms.is_finite() {
        ms.clamp(0.0, 1000.0)
    } else {
        0.0
    }
}

#[wasm_bindgen]
impl Classify {
    /// Parses `spec_json` (throws its one-line error when invalid) and the digits file, and
    /// draws the empty charts.
    #[wasm_bindgen(constructor)]
    pub fn new(
        spec_json: &str,
        digits: &[u8],
        loss: HtmlCanvasElement,
        accuracy: HtmlCanvasElement,
    ) -> Result<Classify, JsError> {
        let spec = parse(spec_json)?;
        let digits = Digits::parse(digits).map_err(err)?;
        let live = crate::live::Classify::new(
            spec,
            digits,
            Canvas::new(loss)?,
            Canvas::new(accuracy)?,
            now,
        )
        .map_err(err)?;
        Ok(Classify { live })
    }

    /// Validates and applies a new spec; on error nothing changes. A change of labels or colours
    /// only redraws; any other change starts the race over.
    pub fn set_spec(&mut self, spec_json: &str) -> Result<(), JsError> {
        let spec = parse(spec_json)?;
        self.live.set_spec(spec).map_err(err)
    }

    /// The current training spec as canonical JSON text.
    pub fn spec(&self) -> String {
        self.live.spec().to_json()
    }

    /// Where the experiment's preset stands: `{id, title, hint}` (hint null once the training
    /// race departs from the preset's), or null when it comes from none.
    pub fn lesson(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.lesson())
    }

    /// Every racer back to the seeded initial weights.
    pub fn reset(&mut self) -> Result<(), JsError> {
        self.live.reset().map_err(err)
    }

    /// Turns the projected view on: the loss surface on `canvas` (sized by the page like the
    /// charts), the racers' projected paths on `overlay` (same size, stacked on top).
    pub fn attach_projection(
        &mut self,
        canvas: HtmlCanvasElement,
        overlay: HtmlCanvasElement,
    ) -> Result<(), JsError> {
        self.live
            .attach_projection(Canvas::new(canvas)?, Canvas::new(overlay)?)
            .map_err(err)
    }

    /// The projected view's progress: `{available, reason, evaluated, cells, done, grid,
    /// plane_ms, fill_ms, compute_ms, unit, min, max, rescaled, not_projected, view, ...}`.
    pub fn projection(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.projection())
    }

    /// Redraws the charts after the page resized the canvases (device pixels = CSS px * dpr).
    pub fn resize(&mut self, dpr: f64) -> Result<(), JsError> {
        self.live.resize(dpr).map_err(err)
    }

    /// Whether every racer has finished (or diverged).
    pub fn finished(&self) -> bool {
        self.live.finished()
    }

    /// The one call per animation frame: trains for about `budget_ms` milliseconds and at most
    /// `max_steps` steps per racer (the page's pace; Infinity for none), samples the projected
    /// surface for up to `surface_ms` more, and returns every racer's state.
    pub fn advance(
        &mut self,
        budget_ms: f64,
        max_steps: f64,
        surface_ms: f64,
    ) -> Result<JsValue, JsError> {
        let cap = if max_steps.is_nan() || max_steps < 0.0 {
            0
        } else if max_steps >= u64::MAX as f64 {
            u64::MAX
        } else {
            max_steps as u64
        };
        self.live
            .advance(budget(budget_ms), cap, budget(surface_ms))
            .map_err(err)?;
        self.states()
    }

    /// Trains every racer up to `max_steps` more steps without drawing (for benchmarks and
    /// tests); returns whether all have finished.
    pub fn train_steps(&mut self, max_steps: f64) -> bool {
        let n = if max_steps.is_finite() && max_steps > 0.0 {
            max_steps as u64
        } else {
            0
        };
        self.live.train_steps(n)
    }

    /// Every racer's state (as [`Classify::advance`] returns it).
    pub fn states(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.states())
    }

    /// Every racer's card: `{name, what, step, loss, loss_note, status, status_note, news}`.
    pub fn cards(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.cards())
    }

    /// The saved image's legend: `{caption, entries: [{color, dash, text}]}`.
    pub fn legend(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.legend())
    }

    /// Every racer's row of the results table: `{input, epoch, loss, accuracy, off_plane, time}`.
    pub fn rows(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.rows())
    }

    /// The projected view's status line and notes: `{status, notes}`.
    pub fn projection_texts(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.projection_texts())
    }

    /// The hint: the experiment's lesson while the race is its own, else what it was based on.
    pub fn lesson_text(&self) -> String {
        self.live.lesson_text()
    }

    /// Every racer's epochs so far: `[{train_loss, test_accuracy, lr}, ...]` per racer.
    pub fn epochs(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.epochs())
    }

    /// The epochs finished so far as CSV: `optiscape train --format csv`'s bytes once every
    /// racer has finished.
    pub fn csv(&self) -> String {
        crate::export::csv::trainer_csv(self.live.trainer())
    }

    /// The PyTorch script of the training race: `optiscape torch`'s bytes for this spec.
    /// `digits_b64`: the digits' text the script embeds (`pkg/digits.b64`, which the build puts
    /// beside the module; fetched only for this); any other text is refused.
    pub fn torch_script(&self, digits_b64: &str) -> Result<String, JsError> {
        crate::export::torch::train_script_with(self.live.spec(), digits_b64).map_err(err)
    }
}
