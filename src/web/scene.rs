//! The landscape race's bindings: [`Scene`] over [`crate::live::Scene`] on five canvases.

use super::canvas::Canvas;
use super::{err, now, to_js};
use crate::landscape::View;
use crate::live::scene::Layers;
use crate::spec::RunSpec;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Steps of a learning-rate sweep between two looks at the clock: well under a millisecond on
/// the costliest landscape (digits2d, ~10 µs a step).
const SWEEP_CHUNK: u64 = 50;

/// A race in progress and the canvases it draws on.
#[wasm_bindgen]
pub struct Scene {
    pub(super) live: crate::live::Scene<Canvas>,
}

/// A spec for the page: the CLI's parser, and no external racer (their cards are still to come).
fn parse(spec_json: &str) -> Result<RunSpec, JsError> {
    let spec = RunSpec::parse(spec_json).map_err(err)?;
    spec.without_external("the page").map_err(err)?;
    Ok(spec)
}

/// A step from JavaScript: anything but a finite number above 0 is 0.
fn steps(x: f64) -> u64 {
    if x.is_finite() {
        x.max(0.0) as u64
    } else {
        0
    }
}

#[wasm_bindgen]
impl Scene {
    /// Parses `spec_json` (throws its one-line error when invalid). Draws nothing until
    /// [`Scene::resize`] gives it the canvases' size. Canvases of one size stacked in this
    /// order make the plot: the landscape, the trails' casings, the trails, the heads (on top,
    /// where pointer events go); the loss chart is apart.
    #[wasm_bindgen(constructor)]
    pub fn new(
        spec_json: &str,
        background: HtmlCanvasElement,
        casings: HtmlCanvasElement,
        trails: HtmlCanvasElement,
        overlay: HtmlCanvasElement,
        loss: HtmlCanvasElement,
    ) -> Result<Scene, JsError> {
        let spec = parse(spec_json)?;
        let layers = Layers {
            background: Canvas::new(background)?,
            casings: Canvas::new(casings)?,
            trails: Canvas::new(trails)?,
            overlay: Canvas::new(overlay)?,
            loss: Canvas::new(loss)?,
        };
        Ok(Scene {
            live: crate::live::Scene::new(spec, layers, now),
        })
    }

    /// Validates and applies a new spec (the race keeps its clock; see
    /// [`crate::live::Scene::set_spec`]); on error the scene is unchanged.
    pub fn set_spec(&mut self, spec_json: &str) -> Result<(), JsError> {
        let spec = parse(spec_json)?;
        self.live.set_spec(spec).map_err(err)
    }

    /// Takes a spec as a fresh race: every racer at the start, the clock at 0 (throws the spec's
    /// one-line error when invalid, and then changes nothing).
    pub fn load(&mut self, spec_json: &str) -> Result<(), JsError> {
        let spec = parse(spec_json)?;
        self.live.load(spec).map_err(err)
    }

    /// The current run spec (with the view as it is) as canonical JSON text.
    pub fn spec(&self) -> String {
        self.live.spec().to_json()
    }

    /// Where the scene's preset stands: `{id, title, hint}` (hint null once the race departs
    /// from the preset's), or null when it comes from none.
    pub fn lesson(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.lesson())
    }

    /// The race's clock: the step every racer is at (or stopped before, or is replayed to).
    pub fn clock(&self) -> f64 {
        self.live.clock() as f64
    }

    /// How many racers are behind the clock, being replayed a frame at a time.
    pub fn behind(&self) -> u32 {
        self.live.behind() as u32
    }

    /// Replays every racer behind the clock now, however long it takes, and draws.
    pub fn settle(&mut self) -> Result<(), JsError> {
        self.live.settle().map_err(err)
    }

    /// Sets the race's clock to `step` (at most the stop step); returns whether every racer is
    /// there (else the rest follows a frame at a time).
    pub fn seek(&mut self, step: f64) -> Result<bool, JsError> {
        self.live.seek(steps(step)).map_err(err)
    }

    /// Every racer back to the start, the clock at 0.
    pub fn reset(&mut self) -> Result<(), JsError> {
        self.live.reset().map_err(err)
    }

    /// Redraws every layer after the page resized the canvases (device pixels = CSS px * dpr).
    pub fn resize(&mut self, dpr: f64) -> Result<(), JsError> {
        self.live.resize(dpr).map_err(err)
    }

    /// Advances every racer `n` steps, draws what changed and returns every racer's state (see
    /// [`Scene::states`]).
    pub fn frame(&mut self, n: u32) -> Result<JsValue, JsError> {
        self.live.step_and_draw(n).map_err(err)?;
        self.states()
    }

    /// The per-frame call while racing: as [`Scene::frame`], but returns plain numbers laid out
    /// as `packed_layout()` says. While racers are behind the clock, the frame replays them
    /// instead of moving it. No string crosses to JavaScript.
    pub fn advance(&mut self, n: u32) -> Result<Vec<f64>, JsError> {
        self.live.step_and_draw(n).map_err(err)?;
        Ok(self.live.packed())
    }

    /// Every racer: `{index, name, label, color, dash, step, position, loss, mean_loss, status,
    /// diverged_at, singular_at, arrival}` (arrival: `{step, at, global}` or null).
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

    /// Data coordinates of a CSS-pixel position on the plot canvas, or undefined outside the plot.
    pub fn data_at(&self, css_x: f64, css_y: f64) -> Option<Vec<f64>> {
        self.live.data_at(css_x, css_y).map(|p| p.to_vec())
    }

    /// Draws lines, markers and text `room` times their desk size (1 to 3; presentation mode
    /// uses `present_room(...)`), and redraws.
    pub fn set_room(&mut self, room: f64) -> Result<(), JsError> {
        self.live.set_room(room).map_err(err)
    }

    /// The room scale presentation mode draws at on a `css_width x css_height` window at `dpr`.
    pub fn present_room(css_width: f64, css_height: f64, dpr: f64) -> f64 {
        crate::live::scene::present_room(css_width, css_height, dpr)
    }

    /// Zooms or pans to a new view; throws on an invalid one.
    pub fn set_view(&mut self, x0: f64, x1: f64, y0: f64, y1: f64) -> Result<(), JsError> {
        self.live
            .set_view(View {
                x: [x0, x1],
                y: [y0, y1],
            })
            .map_err(err)
    }

    /// The landscape's default view.
    pub fn default_view(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.race().default_view)
    }

    /// The objective (the landscape times its scale) at `(x, y)`: what a racer standing there
    /// would show as its loss.
    pub fn loss_at(&self, x: f64, y: f64) -> f64 {
        self.live.loss_at([x, y])
    }

    /// The pointer's read-out at a CSS-pixel position on the plot canvas ("x 1.25   y 0.50
    /// loss 3.21"), or undefined outside the plot.
    pub fn readout(&self, css_x: f64, css_y: f64) -> Option<String> {
        self.live.readout(css_x, css_y)
    }

    /// The data point under a CSS-pixel position, rounded to the pixel's digits (where a click
    /// sets the start), or undefined outside the plot.
    pub fn start_at(&self, css_x: f64, css_y: f64) -> Option<Vec<f64>> {
        self.live.start_at(css_x, css_y).map(|p| p.to_vec())
    }

    /// The loss chart's and the sweep chart's subtitles: `{loss, sweep}`.
    pub fn chart_notes(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.chart_notes())
    }

    /// The hint: the preset's lesson while the race is its own, else what it was based on.
    pub fn lesson_text(&self) -> String {
        self.live.lesson_text()
    }

    /// The whole loss chart on `canvas`, at the size the caller gave it ("Save image").
    pub fn draw_loss_on(&self, canvas: HtmlCanvasElement) -> Result<(), JsError> {
        self.live.draw_loss_on(&Canvas::new(canvas)?).map_err(err)
    }

    /// The sweep chart, as far as the sweeps have run, on `canvas` at the size the caller gave it.
    pub fn draw_sweep_on(&self, canvas: HtmlCanvasElement) -> Result<(), JsError> {
        self.live.draw_sweep_on(&Canvas::new(canvas)?).map_err(err)
    }

    /// Runs the racers' learning-rate sweeps for about `budget_ms`; true while some are still
    /// to run. The page calls it when idle.
    pub fn sweep_work(&mut self, budget_ms: f64) -> bool {
        self.live.sweep_work(budget_ms, SWEEP_CHUNK)
    }

    /// Each racer's sweep as far as it has run: `[{lr, steps, done, points: [{lr, loss,
    /// diverged_at}]}]`, `loss` null where it diverged.
    pub fn sweeps(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.sweeps())
    }

    /// The steps each learning rate of a sweep runs (the race's, at most 2000).
    pub fn sweep_steps(&self) -> u32 {
        self.live.sweep_steps() as u32
    }

    /// The Tune button's label while the sweeps run: "Tuning… 40 %".
    pub fn tuning_text(&self) -> String {
        self.live.tuning_text()
    }

    /// Racer `i`'s loss curve as the loss chart holds it: `[x0, loss0, x1, loss1, ...]`, x the
    /// step or the evaluations (the spec's `loss_x`); empty past the last racer.
    pub fn loss_curve(&self, i: usize) -> Vec<f64> {
        self.live.trails().get(i).map_or_else(Vec::new, |t| {
            t.loss.curve.samples().flat_map(|(x, l)| [x, l]).collect()
        })
    }

    /// Sets each racer's learning rate to the best point of its sweep, as `optiscape tune`
    /// does (what is left of the sweeps runs first: call [`Scene::sweep_work`] until done to
    /// spread it over frames); the cards say so while the racers stay as tuned.
    pub fn tune(&mut self) -> Result<(), JsError> {
        self.live.tune().map_err(err)
    }

    /// The optimizer state of racer `i` as named values, then its last step against the local
    /// quadratic model.
    pub fn inspect(&self, i: usize) -> Result<JsValue, JsError> {
        to_js(&self.live.inspect(i).map_err(err)?)
    }

    /// Draws the last step of these racers at their heads, every frame from now on (none: an
    /// empty list). Indices past the last racer are ignored.
    pub fn set_inspected(&mut self, racers: Vec<u32>) -> Result<(), JsError> {
        self.live
            .set_inspected(racers.into_iter().map(|i| i as usize).collect())
            .map_err(err)
    }

    /// Whether the landscape is still being refined (call [`Scene::refine`] every frame).
    pub fn refining(&self) -> bool {
        self.live.refining()
    }

    /// Refines a coarse landscape for about `budget_ms`; returns whether refining goes on.
    pub fn refine(&mut self, budget_ms: f64) -> Result<bool, JsError> {
        self.live.refine(budget_ms).map_err(err)
    }

    /// Durations measured inside wasm, for the benchmarks.
    pub fn timings(&self) -> Result<JsValue, JsError> {
        to_js(&self.live.timings())
    }
}
