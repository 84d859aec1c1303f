//! The browser shell: a thin `#[wasm_bindgen]` layer over the core.
//!
//! Long-lived state stays in Rust behind [`Scene`]; JavaScript sends run specs as JSON text (the
//! very parser the CLI uses, so a URL is validated exactly like a spec file) and gets back small
//! plain objects. JS owns the DOM, events and canvas sizes; Rust owns the numbers and the pixels.
//! One call per animation frame: [`Scene::frame`] advances every racer and redraws.

use crate::landscape::{Point, View};
use crate::optim::{Entry, EntryValue};
use crate::race::{Applied, Arrival, Race, Racer, Status};
use crate::spec::RunSpec;
use crate::trace::{Curve, Path, TrailingMean};
use crate::render::loss::{draw_loss_axes, draw_loss_lines, loss_series, LossAxes, LossSeries};
use crate::render::colormap::Dash;
use crate::render::racers::{draw_heads, draw_trails, exit_point, head_boxes, Casings, Head, Pen, RacerTrace};
use crate::render::step_glyph::{draw_step_glyphs, StepGlyph};
use crate::render::sweep::{draw_sweep, SweepSeries};
use crate::sweep::{self, Sweep};
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::IntoDrawingArea;
use plotters::style::RGBColor;
use crate::render::field::Sampler;
use crate::render::layout::PlotRect;
use crate::render::{self, colormap, scene, Field, Layout, Mapping};
use crate::catalog;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

mod training;

/// Kept points per trajectory and samples per loss curve: bounded memory for hour-long lectures.
const PATH_CAPACITY: usize = 8192;
const CURVE_CAPACITY: usize = 2048;
/// A trajectory keeps a point once it moved this fraction of the default view's diagonal.
const PATH_RESOLUTION: f64 = 2e-5;
/// A landscape whose sampling would take longer than this is drawn coarse first (one sample per
/// `COARSE_STEP` x `COARSE_STEP` pixels), then refined `REFINE_ROWS` rows at a time.
const BACKGROUND_BUDGET_MS: f64 = 40.0;
/// The page's very first landscape has a tighter budget: the page shows up at once (the wasm
/// still runs its baseline code then) and the landscape sharpens in the next frames.
const FIRST_BACKGROUND_BUDGET_MS: f64 = 5.0;
const COARSE_STEP: u32 = 4;
/// Steps of a learning-rate sweep between two looks at the clock: well under a millisecond on
/// the costliest landscape (digits2d, ~10 µs a step).
const SWEEP_CHUNK: u64 = 50;
const REFINE_ROWS: usize = 4;
/// Most milliseconds a change spends replaying the racers it restarted before it returns (a
/// race thousands of steps long replays at once); longer replays go on a frame at a time.
const APPLY_CATCH_UP_MS: f64 = 60.0;
/// Milliseconds of replay per frame while racers are behind the race's clock.
const FRAME_CATCH_UP_MS: f64 = 12.0;
/// Racer steps of replay between two looks at the clock.
const CATCH_UP_CHUNK: u64 = 2000;

thread_local! {
    /// The message of the panic that stopped the module, for the page's banner.
    static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// A panic (which should never happen: user input gets errors, not panics) is logged to the
/// console with its stack and kept for [`panic_message`], so the page can say what happened
/// and offer a reload.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let text = match info.payload().downcast_ref::<&str>() {
            Some(s) => s.to_string(),
            None => info.payload().downcast_ref::<String>().cloned().unwrap_or_else(|| "a panic".into()),
        };
        let at = info.location().map(|l| format!(" ({}:{})", l.file(), l.line())).unwrap_or_default();
        let _ = PANIC.try_with(|p| p.try_borrow_mut().map(|mut p| *p = Some(format!("{text}{at}"))));
        console_error_panic_hook::hook(info);
    }));
}

/// The message of the panic that stopped the module, if one did.
#[wasm_bindgen]
pub fn panic_message() -> Option<String> {
    PANIC.try_with(|p| p.try_borrow().ok().and_then(|p| p.clone())).ok().flatten()
}

/// Panics on purpose: the end-to-end tests check that the page survives one.
#[wasm_bindgen]
pub fn panic_for_tests() {
    panic!("a deliberate panic from the tests");
}

/// A spec for the page: the CLI's parser, and no external racer (their cards are still to come).
fn page_spec(text: &str) -> Result<RunSpec, JsError> {
    let spec = RunSpec::parse(text).map_err(err)?;
    spec.without_external("the page").map_err(err)?;
    Ok(spec)
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(err)
}

/// Every optimizer and landscape, the racer palette and the presets, as JSON text: the very JSON
/// of `optiscape list --json` (an infinite range end is `null`). One string is much cheaper to
/// hand over than an object built field by field across the boundary.
#[wasm_bindgen]
pub fn catalog_json() -> String {
    serde_json::to_string(&catalog::catalog()).expect("the catalog always serializes")
}

/// A loss curve for the chart: its bounded history, the samples not drawn yet, and the last one
/// drawn (where the next piece starts).
struct LossTrace {
    curve: Curve,
    /// At most one frame's steps.
    fresh: Vec<(f64, f64)>,
    tail: Option<(f64, f64)>,
}

impl LossTrace {
    fn new() -> LossTrace {
        LossTrace { curve: Curve::new(CURVE_CAPACITY), fresh: Vec::new(), tail: None }
    }

    fn clear(&mut self) {
        self.curve.clear();
        self.fresh.clear();
        self.tail = None;
    }

    fn push(&mut self, step: u64, value: f64, fresh: bool) {
        self.curve.push(step, value);
        if fresh {
            self.fresh.push((step as f64, value));
        }
    }
}

/// One racer's trail: its bounded history, what was stepped since the last drawing, and where
/// the drawing stands.
struct Trail {
    path: Path,
    /// Points not drawn yet (at most one frame's steps).
    fresh: Vec<Point>,
    loss: LossTrace,
    /// With noisy gradients, the loss's trailing mean, drawn over the loss itself.
    mean: Option<(TrailingMean, LossTrace)>,
    pen: Pen,
    /// The racer's learning-rate sweep, run in the page's idle time ([`Scene::sweep_work`]).
    sweep: Sweep,
}

impl Trail {
    fn new(racer: &Racer, resolution: f64, sweep_steps: u64, noisy: bool) -> Trail {
        let mut t = Trail {
            path: Path::new(resolution, PATH_CAPACITY),
            fresh: Vec::new(),
            loss: LossTrace::new(),
            mean: noisy.then(|| (TrailingMean::default(), LossTrace::new())),
            pen: Pen::default(),
            sweep: Sweep::new(&racer.spec, sweep_steps),
        };
        t.restart(racer);
        t
    }

    fn restart(&mut self, racer: &Racer) {
        self.path.clear();
        self.fresh.clear();
        self.loss.clear();
        if let Some((mean, trace)) = &mut self.mean {
            mean.clear();
            trace.clear();
        }
        self.pen.clear();
        if racer.diverged_at.is_none() {
            self.record(0, racer.position, racer.loss, true);
        }
    }

    /// A new point; `fresh`: to be drawn as a piece of the path next frame (else the whole
    /// path is drawn again: a replay of many steps at once).
    fn record(&mut self, step: u64, p: Point, loss: f64, fresh: bool) {
        self.path.push(p);
        if fresh {
            self.fresh.push(p);
        }
        self.loss.push(step, loss, fresh);
        if let Some((mean, trace)) = &mut self.mean {
            trace.push(step, mean.push(loss), fresh);
        }
    }

    /// With noisy gradients, the loss's trailing mean now.
    fn mean_loss(&self) -> Option<f64> {
        self.mean.as_ref().and_then(|(m, _)| m.value())
    }

    /// The loss, then its mean when there is one.
    fn loss_traces(&self) -> impl Iterator<Item = &LossTrace> {
        std::iter::once(&self.loss).chain(self.mean.as_ref().map(|(_, t)| t))
    }
}

#[derive(Serialize)]
struct RacerState<'a> {
    index: usize,
    name: &'static str,
    label: Option<&'a str>,
    color: &'a str,
    /// Racers of one colour are told apart by it.
    dash: Dash,
    /// The race's step it stands at (the clock, once it stopped; less while it is replayed).
    step: u64,
    position: Point,
    loss: f64,
    /// With noisy gradients, the loss's mean over the latest tenth of the steps.
    mean_loss: Option<f64>,
    status: Status,
    diverged_at: Option<u64>,
    singular_at: Option<u64>,
    arrival: Option<Arrival>,
}

#[derive(Serialize, Default, Clone, Copy)]
struct Timings {
    background_ms: f64,
    frame_ms: f64,
    /// Parts of the last frame: stepping, the overlay, the loss chart.
    step_ms: f64,
    overlay_ms: f64,
    loss_ms: f64,
}

/// A race in progress and the canvases it draws on.
#[wasm_bindgen]
pub struct Scene {
    spec: RunSpec,
    race: Race,
    trails: Vec<Trail>,
    view: View,
    background: Layer,
    casings: Layer,
    trails_layer: Layer,
    overlay: Layer,
    loss: Layer,
    /// Where the heads were drawn on the overlay: the next frame clears only these boxes.
    head_boxes: Vec<[f64; 4]>,
    /// Racers whose last step is drawn at their head ([`Scene::set_inspected`]).
    inspected: Vec<usize>,
    /// Step glyphs are on the overlay: the next frame clears all of it.
    glyphs_drawn: bool,
    dpr: f64,
    timings: Timings,
    /// The trails canvas must be cleared and every path drawn again.
    trails_stale: bool,
    /// The loss chart's axes as drawn; None: draw it again.
    loss_axes: Option<LossAxes>,
    /// The full-resolution landscape being sampled while a coarse one is shown.
    refining: Option<Sampler>,
    drew_background: bool,
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

#[wasm_bindgen]
impl Scene {
    /// Parses `spec_json` (throws its one-line error when invalid). Draws nothing until
    /// [`Scene::resize`] gives it the canvases' size: the first drawing is the full-size one.
    /// Canvases of one size stacked in this order make the plot: the landscape, the trails'
    /// casings (shown at `render::racers::CASING_LAYER_OPACITY`), the trails, the heads (on
    /// top, where pointer events go); the loss chart is apart.
    #[wasm_bindgen(constructor)]
    pub fn new(
        spec_json: &str,
        background: HtmlCanvasElement,
        casings: HtmlCanvasElement,
        trails: HtmlCanvasElement,
        overlay: HtmlCanvasElement,
        loss: HtmlCanvasElement,
    ) -> Result<Scene, JsError> {
        let spec = page_spec(spec_json)?;
        let race = Race::new(&spec);
        let view = spec.view.unwrap_or(race.default_view);
        let mut scene = Scene {
            spec,
            race,
            trails: Vec::new(),
            view,
            background: Layer::new(background)?,
            casings: Layer::new(casings)?,
            trails_layer: Layer::new(trails)?,
            overlay: Layer::new(overlay)?,
            loss: Layer::new(loss)?,
            head_boxes: Vec::new(),
            inspected: Vec::new(),
            glyphs_drawn: false,
            dpr: 1.0,
            timings: Timings::default(),
            trails_stale: true,
            loss_axes: None,
            refining: None,
            drew_background: false,
        };
        scene.restart_trails(sweep::horizon(scene.spec.steps));
        Ok(scene)
    }

    fn resolution(&self) -> f64 {
        let v = self.race.default_view;
        let (w, h) = (v.x[1] - v.x[0], v.y[1] - v.y[0]);
        (w * w + h * h).sqrt() * PATH_RESOLUTION
    }

    /// Whether the racers' gradients are noisy: the loss chart then draws trailing means too.
    fn noisy(&self) -> bool {
        !self.race.objective.noise.is_none()
    }

    fn restart_trails(&mut self, sweep_steps: u64) {
        let (resolution, noisy) = (self.resolution(), self.noisy());
        self.trails = self.race.racers.iter().map(|r| Trail::new(r, resolution, sweep_steps, noisy)).collect();
        self.redraw_all_racers();
    }

    /// The next frame draws every path and the loss chart from scratch.
    fn redraw_all_racers(&mut self) {
        self.trails_stale = true;
        self.loss_axes = None;
    }

    /// Validates and applies a new spec; on error the scene is unchanged. The race keeps its
    /// clock ([`Race::apply`]): racers whose settings changed, new ones, and all of them on a
    /// new landscape or start, are replayed up to it (for at most [`APPLY_CATCH_UP_MS`] here,
    /// then a frame at a time: see [`Scene::behind`]); the others keep their step and path. A
    /// stop step below the clock takes the race back to it. Labels and colours only redraw.
    pub fn set_spec(&mut self, spec_json: &str) -> Result<(), JsError> {
        let spec = page_spec(spec_json)?;
        let sweep_steps = sweep::horizon(spec.steps);
        let horizon_changed = sweep_steps != sweep::horizon(self.spec.steps);
        let applied = self.race.apply(&spec);
        self.take_trails(&applied, horizon_changed.then_some(sweep_steps), sweep_steps);
        let view = spec.view.unwrap_or(self.race.default_view);
        let view_changed = view != self.view;
        self.view = view;
        self.spec = spec;
        self.redraw_all_racers();
        if applied.landscape || view_changed {
            self.draw_background()?;
        }
        self.catch_up(APPLY_CATCH_UP_MS);
        self.draw_frame()
    }

    /// The trails for the racers after `applied`: a kept racer's own (started over when the
    /// clock went back; with a new sweep when `new_sweeps` gives its steps), a new one for the
    /// others.
    fn take_trails(&mut self, applied: &Applied, new_sweeps: Option<u64>, sweep_steps: u64) {
        let (resolution, noisy) = (self.resolution(), self.noisy());
        let mut old: Vec<Option<Trail>> = std::mem::take(&mut self.trails).into_iter().map(Some).collect();
        self.trails = self
            .race
            .racers
            .iter()
            .enumerate()
            .map(|(i, racer)| match applied.kept[i].and_then(|j| old.get_mut(j).and_then(Option::take)) {
                Some(mut t) => {
                    if applied.restarted(i) {
                        t.restart(racer);
                    }
                    if let Some(steps) = new_sweeps {
                        t.sweep = Sweep::new(&racer.spec, steps);
                    }
                    t
                }
                None => Trail::new(racer, resolution, sweep_steps, noisy),
            })
            .collect();
    }

    /// Replays the racers behind the clock for about `budget_ms`, recording their paths (drawn
    /// whole next frame); true once every racer is in step.
    fn catch_up(&mut self, budget_ms: f64) -> bool {
        if self.race.in_step() {
            return true;
        }
        let t0 = now();
        self.redraw_all_racers();
        loop {
            let trails = &mut self.trails;
            if self.race.catch_up(CATCH_UP_CHUNK, |i, k, p, l| trails[i].record(k, p, l, false)) {
                return true;
            }
            if now() - t0 >= budget_ms {
                return false;
            }
        }
    }

    /// The race's clock: the step every racer is at (or stopped before, or is replayed to).
    pub fn clock(&self) -> f64 {
        self.race.clock as f64
    }

    /// How many racers are behind the clock, being replayed a frame at a time (the page says
    /// so; the clock waits for them).
    pub fn behind(&self) -> u32 {
        self.race.behind().count() as u32
    }

    /// Replays every racer behind the clock now, however long it takes, and draws.
    pub fn settle(&mut self) -> Result<(), JsError> {
        self.catch_up(f64::INFINITY);
        self.draw_frame()
    }

    /// Sets the race's clock to `step` (at most the stop step): going back replays every racer
    /// from the start. Replays for at most [`APPLY_CATCH_UP_MS`]; the rest follows a frame at
    /// a time. Returns whether every racer is there.
    pub fn seek(&mut self, step: f64) -> Result<bool, JsError> {
        let step = if step.is_finite() { step.max(0.0).min(self.spec.steps as f64) as u64 } else { 0 };
        for i in self.race.seek(step) {
            self.trails[i].restart(&self.race.racers[i]);
        }
        let done = self.catch_up(APPLY_CATCH_UP_MS);
        self.draw_frame()?;
        Ok(done)
    }

    /// Takes a spec as a fresh race: every racer at the start, the clock at 0 (throws the spec's
    /// one-line error when invalid, and then changes nothing).
    pub fn load(&mut self, spec_json: &str) -> Result<(), JsError> {
        page_spec(spec_json)?;
        self.race.reset();
        for (r, trail) in self.race.racers.iter().zip(&mut self.trails) {
            trail.restart(r);
        }
        self.set_spec(spec_json)
    }

    /// Where the scene's preset stands: `{id, title, hint}` (hint null once the race departs
    /// from the preset's), or null when it comes from none.
    pub fn lesson(&self) -> Result<JsValue, JsError> {
        to_js(&crate::presets::lesson(&self.spec))
    }

    /// The current run spec as canonical JSON text.
    pub fn spec(&self) -> String {
        let mut spec = self.spec.clone();
        spec.view = Some(self.view);
        spec.to_json()
    }

    /// Redraws every layer after the page resized the canvases (device pixels = CSS px * dpr).
    pub fn resize(&mut self, dpr: f64) -> Result<(), JsError> {
        self.dpr = if dpr.is_finite() && dpr > 0.0 { dpr.clamp(0.5, 4.0) } else { 1.0 };
        for layer in [&mut self.background, &mut self.casings, &mut self.trails_layer, &mut self.overlay, &mut self.loss] {
            layer.refresh()?;
        }
        self.head_boxes.clear();
        self.redraw_all_racers();
        self.draw_background()?;
        self.draw_frame()
    }

    /// Advances every racer `n` steps, draws what changed and returns every racer's state as
    /// objects (see [`Scene::states`]).
    pub fn frame(&mut self, n: u32) -> Result<JsValue, JsError> {
        self.step_and_draw(n)?;
        self.states()
    }

    /// The per-frame call while racing: as [`Scene::frame`], but returns plain numbers, eleven
    /// per racer: `step, x, y, loss, status (0 ok, 1 diverged, 2 singular), the step it
    /// stopped at (diverged_at or singular_at; NaN when none)`, then its arrival `step, x, y (of
    /// the minimum), global (0 or 1)`, all NaN when none, then its trailing mean loss (NaN
    /// without noisy gradients); and after every racer's, the clock and how many racers are
    /// behind it. While racers are behind, the frame replays them instead of moving the clock.
    /// No string crosses to JavaScript, so a frame costs what its steps and pixels cost.
    pub fn advance(&mut self, n: u32) -> Result<Vec<f64>, JsError> {
        self.step_and_draw(n)?;
        let clock = self.race.clock;
        let mut packed: Vec<f64> = self
            .race
            .racers
            .iter()
            .zip(&self.trails)
            .flat_map(|(r, trail)| {
                let status = match r.status() {
                    Status::Ok => 0.0,
                    Status::Diverged => 1.0,
                    Status::Singular => 2.0,
                };
                let [arrived_at, x, y, global] =
                    r.arrival.map_or([f64::NAN; 4], |a| [a.step as f64, a.at[0], a.at[1], if a.global { 1.0 } else { 0.0 }]);
                [
                    r.step_at(clock) as f64,
                    r.position[0],
                    r.position[1],
                    r.loss,
                    status,
                    r.diverged_at.or(r.singular_at).map_or(f64::NAN, |k| k as f64),
                    arrived_at,
                    x,
                    y,
                    global,
                    trail.mean_loss().unwrap_or(f64::NAN),
                ]
            })
            .collect();
        packed.extend([clock as f64, self.behind() as f64]);
        Ok(packed)
    }

    /// Moves the clock `n` steps on (at most the stop step) and steps every racer there; while
    /// racers are behind it, replays them for a frame's budget instead.
    fn step_and_draw(&mut self, n: u32) -> Result<(), JsError> {
        let t0 = now();
        if !self.catch_up(FRAME_CATCH_UP_MS) {
            self.timings.step_ms = now() - t0;
            return self.draw_frame();
        }
        let n = (n.min(crate::spec::MAX_SPEED) as u64).min(self.spec.steps.saturating_sub(self.race.clock));
        let trails = &mut self.trails;
        self.race.advance(n, |i, step, p, loss| trails[i].record(step, p, loss, true));
        self.timings.step_ms = now() - t0;
        self.draw_frame()?;
        self.timings.frame_ms = now() - t0;
        Ok(())
    }

    /// Every racer: `{index, name, label, color, dash, step, position, loss, mean_loss, status,
    /// diverged_at, singular_at, arrival}` (arrival: `{step, at, global}` or null).
    pub fn states(&self) -> Result<JsValue, JsError> {
        let dashes = self.dashes();
        let states: Vec<RacerState> = self
            .race
            .racers
            .iter()
            .enumerate()
            .map(|(index, r)| RacerState {
                index,
                name: r.spec.info.name,
                label: r.spec.label.as_deref(),
                color: self.color(index),
                dash: dashes[index],
                step: r.step_at(self.race.clock),
                position: r.position,
                loss: r.loss,
                mean_loss: self.trails[index].mean_loss(),
                status: r.status(),
                diverged_at: r.diverged_at,
                singular_at: r.singular_at,
                arrival: r.arrival,
            })
            .collect();
        to_js(&states)
    }

    /// Every racer's dash pattern: racers of one colour are told apart by it.
    fn dashes(&self) -> Vec<Dash> {
        colormap::dashes(&self.colors())
    }

    fn color(&self, index: usize) -> &str {
        let palette = colormap::PALETTE;
        self.race.racers[index].spec.color.as_deref().unwrap_or(palette[index % palette.len()])
    }

    /// Every racer's colour, for drawing.
    fn colors(&self) -> Vec<RGBColor> {
        (0..self.trails.len()).map(|i| hex(self.color(i))).collect()
    }

    /// Every racer back to the start, the clock at 0.
    pub fn reset(&mut self) -> Result<(), JsError> {
        self.race.reset();
        for (r, trail) in self.race.racers.iter().zip(&mut self.trails) {
            trail.restart(r);
        }
        self.redraw_all_racers();
        self.draw_frame()
    }

    /// Data coordinates of a CSS-pixel position on the plot canvas, or undefined outside the plot.
    pub fn data_at(&self, css_x: f64, css_y: f64) -> Option<Vec<f64>> {
        let mapping = self.mapping();
        let px = [css_x * self.dpr, css_y * self.dpr];
        if !(px[0].is_finite() && px[1].is_finite() && mapping.plot.contains(px)) {
            return None;
        }
        Some(mapping.to_data(px).to_vec())
    }

    /// Zooms or pans to a new view; throws on an invalid one.
    pub fn set_view(&mut self, x0: f64, x1: f64, y0: f64, y1: f64) -> Result<(), JsError> {
        let view = View { x: [x0, x1], y: [y0, y1] };
        view.check().map_err(err)?;
        self.view = view;
        self.spec.view = Some(view);
        self.trails_stale = true;
        self.draw_background()?;
        self.draw_frame()
    }

    /// The landscape's default view.
    pub fn default_view(&self) -> Result<JsValue, JsError> {
        to_js(&self.race.default_view)
    }

    /// The objective (the landscape times its scale) at `(x, y)`, for the pointer's read-out:
    /// what a racer standing there would show as its loss. NaN where it is undefined.
    pub fn loss_at(&self, x: f64, y: f64) -> f64 {
        self.race.objective.value([x, y])
    }

    /// The whole loss chart on `canvas`, at the size the caller gave it, on the axes the
    /// page's chart would take at that size: "Save image" puts it beside the landscape.
    pub fn draw_loss_on(&self, canvas: HtmlCanvasElement) -> Result<(), JsError> {
        let layer = Layer::new(canvas)?;
        let curves: Vec<Vec<Vec<(f64, f64)>>> =
            self.trails.iter().map(|t| t.loss_traces().map(|trace| trace.curve.samples().collect()).collect()).collect();
        let series = loss_series(&curves, &self.colors());
        let axes = self.new_loss_axes(&layer, &series)?;
        draw_loss_lines(&layer.area, &axes, &series, true).map_err(err)?;
        layer.area.present().map_err(err)
    }

    /// Runs the racers' learning-rate sweeps ([`crate::sweep`]) for about `budget_ms`,
    /// [`SWEEP_CHUNK`] steps at a time; true while some are still to run. The page calls it
    /// when idle.
    pub fn sweep_work(&mut self, budget_ms: f64) -> bool {
        let t0 = now();
        let (objective, start, finish) = (&self.race.objective, self.race.start, &self.race.finish);
        for t in &mut self.trails {
            while !t.sweep.done() {
                if now() - t0 >= budget_ms {
                    return true;
                }
                t.sweep.work(objective, start, finish, SWEEP_CHUNK);
            }
        }
        false
    }

    /// Each racer's sweep as far as it has run: `[{lr, steps, done, points: [{lr, loss,
    /// diverged_at}]}]`, `loss` null where it diverged.
    pub fn sweeps(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct View<'a> {
            lr: f64,
            steps: u64,
            done: bool,
            points: &'a [sweep::SweepPoint],
        }
        let views: Vec<View> = self.trails.iter().map(|t| View { lr: t.sweep.lr, steps: t.sweep.horizon, done: t.sweep.done(), points: &t.sweep.points }).collect();
        to_js(&views)
    }

    /// The steps each learning rate of a sweep runs (the race's, at most 2000).
    pub fn sweep_steps(&self) -> u32 {
        sweep::horizon(self.spec.steps) as u32
    }

    /// The sweep chart, as far as the sweeps have run, on `canvas` at the size the caller gave it.
    pub fn draw_sweep_on(&self, canvas: HtmlCanvasElement) -> Result<(), JsError> {
        let layer = Layer::new(canvas)?;
        layer.fill_white();
        let colors = self.colors();
        let series: Vec<SweepSeries> =
            self.trails.iter().zip(colors).map(|(t, color)| SweepSeries { color, points: &t.sweep.points, lr: t.sweep.lr }).collect();
        let reference = render::field::known_minimum(&self.race.objective, &self.race.marks);
        draw_sweep(&layer.area, &series, reference, self.dpr).map_err(err)?;
        layer.area.present().map_err(err)
    }

    /// The optimizer state of racer `i` as named values, then its last step against the local
    /// quadratic model (see [`crate::race::StepModel`]).
    pub fn inspect(&self, i: usize) -> Result<JsValue, JsError> {
        let racer = self.race.racers.get(i).ok_or_else(|| err(format!("no racer {i}")))?;
        let mut entries = racer.inspect();
        if let Some(model) = racer.step_model(&self.race.objective) {
            entries.push(Entry { name: "last step: curvature along it", value: EntryValue::Scalar(model.curvature) });
            if let Some(alpha) = model.alpha_star {
                entries.push(Entry { name: "last step: model optimum α*", value: EntryValue::Scalar(alpha) });
            }
            if let Some(angle) = model.angle_to_descent {
                entries.push(Entry { name: "last step: degrees from −gradient", value: EntryValue::Scalar(angle) });
            }
        }
        to_js(&entries)
    }

    /// Draws the last step of these racers at their heads, every frame from now on (none:
    /// an empty list): its direction, steepest descent and where the quadratic model along it
    /// is lowest ([`crate::render::step_glyph`]). Indices past the last racer are ignored.
    pub fn set_inspected(&mut self, racers: Vec<u32>) -> Result<(), JsError> {
        self.inspected = racers.into_iter().map(|i| i as usize).collect();
        let colors = self.colors();
        self.draw_heads(&colors)
    }

    /// Whether the landscape is still being refined (call [`Scene::refine`] every frame).
    pub fn refining(&self) -> bool {
        self.refining.is_some()
    }

    /// Refines a coarse landscape for about `budget_ms`; draws it sharp once every row is
    /// sampled. Returns whether refining goes on.
    pub fn refine(&mut self, budget_ms: f64) -> Result<bool, JsError> {
        let t0 = now();
        let Some(sampler) = self.refining.as_mut() else { return Ok(false) };
        let field = loop {
            if let Some(field) = sampler.advance(&self.race.objective, REFINE_ROWS) {
                break Some(field);
            }
            if now() - t0 >= budget_ms {
                break None;
            }
        };
        if let Some(field) = field {
            self.refining = None;
            let mapping = self.mapping();
            self.paint_background(&mapping, Some(&field), 1)?;
        }
        Ok(self.refining.is_some())
    }

    /// Durations measured inside wasm, for the benchmarks.
    pub fn timings(&self) -> Result<JsValue, JsError> {
        to_js(&self.timings)
    }
}


/// A canvas with its 2-D context and a plotters drawing area on it, kept from one frame to the
/// next (asking the canvas for them every frame costs). [`Layer::refresh`] after a resize.
struct Layer {
    canvas: HtmlCanvasElement,
    ctx: web_sys::CanvasRenderingContext2d,
    area: DrawingArea<plotters_canvas::CanvasBackend, Shift>,
}

impl Layer {
    fn new(canvas: HtmlCanvasElement) -> Result<Layer, JsError> {
        let no_context = || err("the canvas has no 2d context");
        let ctx: web_sys::CanvasRenderingContext2d =
            canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok()).ok_or_else(no_context)?;
        let backend = plotters_canvas::CanvasBackend::with_canvas_object(canvas.clone()).ok_or_else(no_context)?;
        let layer = Layer { area: backend.into_drawing_area(), canvas, ctx };
        layer.round_lines();
        Ok(layer)
    }

    /// Round joins and caps (plotters cannot set them; a resize resets them), so that
    /// zigzagging paths have no miter spikes and pieces join seamlessly.
    fn round_lines(&self) {
        self.ctx.set_line_join("round");
        self.ctx.set_line_cap("round");
    }

    /// After the canvas changed size: a drawing area of the new size.
    fn refresh(&mut self) -> Result<(), JsError> {
        *self = Layer::new(self.canvas.clone())?;
        Ok(())
    }

    fn size(&self) -> (u32, u32) {
        (self.canvas.width(), self.canvas.height())
    }

    fn clear(&self) {
        self.ctx.clear_rect(0.0, 0.0, self.canvas.width() as f64, self.canvas.height() as f64);
    }

    fn fill_white(&self) {
        self.ctx.set_fill_style_str("#ffffff");
        self.ctx.fill_rect(0.0, 0.0, self.canvas.width() as f64, self.canvas.height() as f64);
    }

    /// White everywhere but `plot` (which the caller covers): four strips instead of a whole
    /// canvas of pixels.
    fn fill_white_around(&self, plot: PlotRect) {
        let (w, h) = (self.canvas.width() as f64, self.canvas.height() as f64);
        let (x0, y0) = (plot.x as f64, plot.y as f64);
        let (x1, y1) = (x0 + plot.width as f64, y0 + plot.height as f64);
        self.ctx.set_fill_style_str("#ffffff");
        self.ctx.fill_rect(0.0, 0.0, w, y0);
        self.ctx.fill_rect(0.0, y1, w, h - y1);
        self.ctx.fill_rect(0.0, y0, x0, y1 - y0);
        self.ctx.fill_rect(x1, y0, w - x1, y1 - y0);
    }
}

fn hex(color: &str) -> RGBColor {
    colormap::parse_hex(color).unwrap_or(scene::INK)
}

impl Scene {
    /// Data to device pixels on the landscape canvases (background and overlay share a size).
    fn mapping(&self) -> Mapping {
        let (w, h) = self.background.size();
        let layout = Layout::landscape(w, h, self.dpr);
        Mapping::fit(layout.plot, self.view)
    }

    /// The landscape: sampled at every plot pixel when that fits in a frame; else sampled
    /// coarse and drawn at once, then refined a few rows per frame ([`Scene::refine`]).
    fn draw_background(&mut self) -> Result<(), JsError> {
        let t0 = now();
        self.refining = None;
        let mapping = self.mapping();
        if mapping.plot.width < 2 || mapping.plot.height < 2 {
            return self.paint_background(&mapping, None, 1);
        }
        let (objective, marks) = (&self.race.objective, &self.race.marks);
        let coarse = Field::for_mapping_at(objective, &mapping, marks, COARSE_STEP);
        let estimate = (now() - t0) * (COARSE_STEP * COARSE_STEP) as f64;
        let budget = if std::mem::replace(&mut self.drew_background, true) { BACKGROUND_BUDGET_MS } else { FIRST_BACKGROUND_BUDGET_MS };
        if estimate <= budget {
            let field = Field::for_mapping(objective, &mapping, marks);
            self.paint_background(&mapping, Some(&field), 1)?;
        } else {
            self.refining = Some(Sampler::new(objective, &mapping, marks));
            self.paint_background(&mapping, Some(&coarse), COARSE_STEP)?;
        }
        self.timings.background_ms = now() - t0;
        Ok(())
    }

    /// White around the plot, the banded fill over it (one putImageData covering the plot,
    /// scaled up by `step` when sampled coarse), then axes, iso-lines and marks through plotters.
    fn paint_background(&self, mapping: &Mapping, field: Option<&Field>, step: u32) -> Result<(), JsError> {
        let ctx = &self.background.ctx;
        // Only a fill drawn pixel for pixel covers the plot exactly (a scaled one has edges).
        match field {
            Some(_) if step == 1 => self.background.fill_white_around(mapping.plot),
            _ => self.background.fill_white(),
        }
        let Some(field) = field else { return Ok(()) };
        let rgba = field.rgba();
        let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
            wasm_bindgen::Clamped(&rgba),
            field.width as u32,
            field.height as u32,
        )
        .map_err(|_| err("cannot make the background image"))?;
        let p = mapping.plot;
        let (x, y) = (p.x as f64, p.y as f64);
        ctx.put_image_data(&image, x, y).map_err(|_| err("cannot draw the background image"))?;
        if step > 1 {
            // Scaled up in place, inside the plot only (a canvas drawn onto itself is copied first).
            let (fw, fh) = (field.width as f64, field.height as f64);
            ctx.save();
            ctx.begin_path();
            ctx.rect(x, y, p.width as f64, p.height as f64);
            ctx.clip();
            let s = step as f64;
            ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(&self.background.canvas, x, y, fw, fh, x, y, fw * s, fh * s)
                .map_err(|_| err("cannot scale the background image"))?;
            ctx.restore();
        }
        let input = scene::BackgroundInput { mapping: *mapping, field, marks: &self.race.marks, dpr: self.dpr };
        scene::draw_background(&self.background.area, &input).map_err(err)?;
        self.background.area.present().map_err(err)
    }

    /// The racers: new trail pieces (every path again when stale), the heads, the loss chart.
    fn draw_frame(&mut self) -> Result<(), JsError> {
        let t0 = now();
        let colors = self.colors();
        self.draw_trails(&colors)?;
        self.draw_heads(&colors)?;
        let t1 = now();
        self.timings.overlay_ms = t1 - t0;
        self.draw_loss(&colors)?;
        self.timings.loss_ms = now() - t1;
        Ok(())
    }

    fn draw_trails(&mut self, colors: &[RGBColor]) -> Result<(), JsError> {
        let mapping = self.mapping();
        let stale = std::mem::take(&mut self.trails_stale);
        let whole: Vec<Vec<Point>> = if stale {
            self.trails_layer.clear();
            self.casings.clear();
            self.trails.iter_mut().map(|t| {
                t.pen.clear();
                t.path.points().collect()
            }).collect()
        } else {
            Vec::new()
        };
        let mut pens: Vec<Pen> = self.trails.iter_mut().map(|t| std::mem::take(&mut t.pen)).collect();
        let dashes = colormap::dashes(colors);
        let traces: Vec<RacerTrace> = self
            .trails
            .iter()
            .enumerate()
            .map(|(i, t)| RacerTrace {
                color: colors[i],
                points: if stale { &whole[i] } else { &t.fresh },
                diverged: false,
                dash: dashes[i],
            })
            .collect();
        let (area, casing_area) = (&self.trails_layer.area, &self.casings.area);
        let drawn = draw_trails(casing_area, area, Casings::OwnLayer, &mapping, &traces, &mut pens, self.dpr);
        drop(traces);
        for (t, pen) in self.trails.iter_mut().zip(pens) {
            t.pen = pen;
            t.fresh.clear();
        }
        drawn.map_err(err)?;
        casing_area.present().map_err(err)?;
        area.present().map_err(err)
    }

    fn draw_heads(&mut self, colors: &[RGBColor]) -> Result<(), JsError> {
        let mapping = self.mapping();
        let heads: Vec<Head> = self
            .race
            .racers
            .iter()
            .zip(&self.trails)
            .enumerate()
            .map(|(i, (r, t))| {
                let diverged = r.status() == Status::Diverged;
                let at = t.path.points().last();
                // Where the path leaves the plot matters only for a diverged racer out of sight.
                let out_of_sight = at.is_some_and(|p| !mapping.plot.contains(mapping.to_px(p)));
                let exit = if diverged && out_of_sight {
                    let points: Vec<Point> = t.path.points().collect();
                    exit_point(&mapping, &points)
                } else {
                    None
                };
                Head { color: colors[i], at, diverged, exit }
            })
            .collect();
        let glyphs: Vec<StepGlyph> = self
            .inspected
            .iter()
            .filter_map(|&i| {
                let r = self.race.racers.get(i).filter(|r| r.status() == Status::Ok)?;
                let model = r.step_model(&self.race.objective)?;
                Some(StepGlyph { color: colors[i], head: r.position, model })
            })
            .collect();
        // Erase last frame's heads only: a few small boxes, not the whole canvas (all of it
        // where step glyphs were or will be: they reach across the plot).
        let boxes = head_boxes(&mapping, Some(self.race.start), &heads, self.dpr);
        if self.glyphs_drawn || !glyphs.is_empty() {
            self.overlay.clear();
        } else {
            for b in &self.head_boxes {
                self.overlay.ctx.clear_rect(b[0], b[1], b[2], b[3]);
            }
        }
        self.head_boxes = boxes;
        self.glyphs_drawn = !glyphs.is_empty();
        draw_step_glyphs(&self.overlay.area, &mapping, &glyphs, self.dpr).map_err(err)?;
        draw_heads(&self.overlay.area, &mapping, Some(self.race.start), &heads, self.dpr).map_err(err)?;
        self.overlay.area.present().map_err(err)
    }

    /// A loss chart started over on `layer`: white, then axes with room to grow for `series`
    /// (the live chart's, at `layer`'s size).
    fn new_loss_axes(&self, layer: &Layer, series: &[LossSeries]) -> Result<LossAxes, JsError> {
        let reference = render::field::known_minimum(&self.race.objective, &self.race.marks);
        let (w, h) = layer.size();
        let axes = LossAxes::live(w, h, self.dpr, series, reference, self.spec.steps as f64);
        layer.fill_white();
        draw_loss_axes(&layer.area, &axes).map_err(err)?;
        Ok(axes)
    }

    /// Appends the new loss samples while the axes hold them; else draws the chart again on
    /// axes with room to grow.
    fn draw_loss(&mut self, colors: &[RGBColor]) -> Result<(), JsError> {
        let holds = self.loss_axes.is_some_and(|a| self.trails.iter().flat_map(Trail::loss_traces).all(|t| a.holds(&t.fresh)));
        let area = &self.loss.area;
        let pieces: Vec<Vec<Vec<(f64, f64)>>> = self
            .trails
            .iter()
            .map(|t| {
                t.loss_traces()
                    .map(|trace| if holds { trace.tail.into_iter().chain(trace.fresh.iter().copied()).collect() } else { trace.curve.samples().collect() })
                    .collect()
            })
            .collect();
        let series = loss_series(&pieces, colors);
        let axes = match self.loss_axes.filter(|_| holds) {
            Some(axes) => axes,
            None => self.new_loss_axes(&self.loss, &series)?,
        };
        draw_loss_lines(area, &axes, &series, !holds).map_err(err)?;
        self.loss_axes = Some(axes);
        for (t, traces) in self.trails.iter_mut().zip(&pieces) {
            let (loss, mean) = (&mut t.loss, t.mean.as_mut().map(|(_, trace)| trace));
            for (trace, piece) in std::iter::once(loss).chain(mean).zip(traces) {
                if let Some(&last) = piece.iter().rev().find(|p| p.0.is_finite() && p.1.is_finite()) {
                    trace.tail = Some(last);
                }
                trace.fresh.clear();
            }
        }
        area.present().map_err(err)
    }
}
