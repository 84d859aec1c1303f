//! The classifier race in the browser: a thin `#[wasm_bindgen]` layer over
//! [`crate::classify::train::Trainer`].
//!
//! JavaScript hands over the training spec as JSON text (parsed by [`TrainSpec::parse`], exactly
//! as `optiscape train` parses it) and the digits file's bytes (fetched from the page's own
//! origin), and calls [`Training::advance`] once per animation frame with a time budget: racers
//! take turns in small slices of steps, the one furthest behind first, until the budget is
//! spent, so they progress together and the page stays responsive. The charts (training loss
//! and test accuracy per epoch, [`crate::render::training`]) are redrawn when an epoch ends.
//!
//! The projected view (issue 4, item 4b; linear model only): once the page hands over its two
//! canvases ([`Training::attach_projection`]), the same per-frame call also samples the loss
//! surface on the plane of [`crate::classify::projection`] for up to `surface_ms` (coarse to
//! fine, redrawn every few frames until complete), records each racer's projected weights after
//! every few steps in a bounded [`crate::trace::Path`], and redraws the paths on the overlay.
//! Racers on another input scale are placed at their equivalent weights for the spec's input
//! (weights times `scale_racer / scale_spec`, biases kept: the same logits on every sample);
//! racers on another transform are not projected.

use crate::classify::digits::{Digits, CLASSES, FEATURES, TRAIN};
use crate::classify::projection::{Plane, Projection, Surface};
use crate::classify::train::{Input, Trainer, Transform, TrainSpec};
use crate::landscape::View;
use crate::race::Status;
use crate::render::colormap;
use crate::render::layout::{Layout, Mapping};
use crate::render::training::{draw_epochs, draw_projected_background, draw_projected_racers, projected_rgba, surface_field, EpochSeries, Metric, PlaneTrace};
use crate::trace::Path;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Weights x samples handled per slice: about a tenth of a millisecond of work, so that the
/// budget is kept to that and racers take turns often.
const SLICE_WORK: usize = 650 * 64;
/// With the projected view on, a racer's weights are projected after at most this many steps.
const RECORD_STEPS: u64 = 16;
/// Points kept per projected path (then every other one is dropped, see [`Path`]).
const PATH_CAPACITY: usize = 1024;
/// Cells of the surface per CSS pixel of the plot, and the grid's bounds per side.
const CELL_CSS: f64 = 3.0;
const GRID_MIN: usize = 24;
const GRID_MAX: usize = 150;
/// While the surface fills, its picture is redrawn at most this often (ms).
const SURFACE_REDRAW_MS: f64 = 200.0;

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(err)
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn context(canvas: &HtmlCanvasElement) -> Result<web_sys::CanvasRenderingContext2d, JsError> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or_else(|| err("the canvas has no 2d context"))
}

fn backend(canvas: &HtmlCanvasElement) -> Result<plotters_canvas::CanvasBackend, JsError> {
    plotters_canvas::CanvasBackend::with_canvas_object(canvas.clone()).ok_or_else(|| err("the canvas has no 2d context"))
}

/// One racer's progress, for the page's legend and results table.
#[derive(Serialize)]
struct LearnerState<'a> {
    index: usize,
    name: &'static str,
    label: Option<&'a str>,
    color: &'a str,
    /// Optimizer steps taken (the legend's "step").
    step: u64,
    /// Epochs completed, of `epochs`.
    epoch: usize,
    epochs: u32,
    /// Fraction of the whole training done, 0 to 1.
    progress: f64,
    /// The last completed epoch's mean training loss; null before one.
    loss: Option<f64>,
    /// The mean loss so far in the current epoch; null at an epoch's start.
    running_loss: Option<f64>,
    test_accuracy: Option<f64>,
    /// Time spent training this racer, in seconds.
    seconds: f64,
    status: Status,
    /// The step at which the loss or a weight became non-finite.
    diverged_at: Option<u64>,
    diverged_at_epoch: Option<u32>,
    /// "raw", "standardized", with " × s" for a scale other than 1.
    input: String,
    /// The projected view: where the racer's (equivalent) weights project on the plane, their
    /// distance from it (in weight space, and in units of `|w_ref - w0|`), and how it is placed:
    /// "same" (the spec's input), "rescaled" (equivalent weights), or null when not projected.
    plane: Option<[f64; 2]>,
    off_plane: Option<f64>,
    off_plane_relative: Option<f64>,
    projection: Option<&'static str>,
}

fn input_text(input: Input) -> String {
    let t = match input.transform {
        Transform::Raw => "raw",
        Transform::Standardize => "standardized",
    };
    if input.scale == 1.0 {
        t.into()
    } else if input.scale < 1.0 && (1.0 / input.scale).fract().abs() < 1e-9 {
        format!("{t} / {}", 1.0 / input.scale)
    } else {
        format!("{t} \u{d7} {}", input.scale)
    }
}

/// A classifier race and the two canvases of its charts.
#[wasm_bindgen]
pub struct Training {
    digits: Digits,
    trainer: Trainer,
    loss: HtmlCanvasElement,
    accuracy: HtmlCanvasElement,
    dpr: f64,
    /// Epochs per learner when the charts were last drawn.
    drawn: Vec<usize>,
    /// The projected view, once the page attached its canvases.
    proj: Option<Projected>,
}

/// What the plane and its surface were built for: a change of any of these makes a new plane.
#[derive(Clone, Copy, PartialEq)]
struct PlaneKey {
    model: crate::classify::model::Architecture,
    seed: u64,
    input: Input,
}

impl PlaneKey {
    fn of(spec: &TrainSpec) -> PlaneKey {
        PlaneKey { model: spec.model, seed: spec.seed, input: spec.input }
    }
}

/// How a racer's weights are placed on the plane.
#[derive(Clone, Copy, PartialEq)]
enum Placement {
    /// Trained on the spec's input: its own weights.
    Same,
    /// Trained on the spec's transform at another scale: weights times this factor.
    Rescaled(f64),
    /// Another transform: not projected.
    Other,
}

/// The projected view's state: canvases, plane, surface, paths.
struct Projected {
    canvas: HtmlCanvasElement,
    overlay: HtmlCanvasElement,
    key: Option<PlaneKey>,
    /// Why there is no plane (the MLP, or an error), for the page.
    unavailable: Option<String>,
    plane: Option<Plane>,
    surface: Option<Surface>,
    /// Per learner: its placement, path and latest projection.
    placements: Vec<Placement>,
    paths: Vec<Path>,
    current: Vec<Option<Projection>>,
    scratch: Vec<f64>,
    rgba: Vec<u8>,
    /// Cells evaluated when the surface was last drawn, and when.
    drawn_cells: usize,
    drawn_at: f64,
    overlay_stale: bool,
    /// Timings (ms): building the plane; the surface's start (page time), its wall-clock fill
    /// time once complete, and the time spent evaluating cells.
    plane_ms: f64,
    started: f64,
    fill_ms: Option<f64>,
    compute_ms: f64,
    surface_draw_ms: f64,
    paths_draw_ms: f64,
}

/// The projected view's progress, for the page (`Training::projection`).
#[derive(Serialize)]
struct ProjectionStatus<'a> {
    available: bool,
    reason: Option<&'a str>,
    evaluated: usize,
    cells: usize,
    done: bool,
    grid: [usize; 2],
    plane_ms: f64,
    fill_ms: Option<f64>,
    compute_ms: f64,
    /// `|w_ref - w0|`, the plot's unit length in weight space.
    unit: Option<f64>,
    /// The sampled loss range.
    min: Option<f64>,
    max: Option<f64>,
    /// Racers (indices) placed at equivalent weights, and racers not projected.
    rescaled: Vec<usize>,
    not_projected: Vec<usize>,
    /// The plotted view of the plane, `{x: [lo, hi], y: [lo, hi]}`.
    view: Option<View>,
    /// The last redraw of the surface's picture and of the paths (ms).
    surface_draw_ms: f64,
    paths_draw_ms: f64,
}

#[wasm_bindgen]
impl Training {
    /// Parses `spec_json` (throws its one-line error when invalid) and the digits file, and draws
    /// the empty charts.
    #[wasm_bindgen(constructor)]
    pub fn new(spec_json: &str, digits: &[u8], loss: HtmlCanvasElement, accuracy: HtmlCanvasElement) -> Result<Training, JsError> {
        let spec = TrainSpec::parse(spec_json).map_err(err)?;
        let digits = Digits::parse(digits).map_err(err)?;
        let trainer = Trainer::new(spec, &digits);
        let mut t = Training { digits, trainer, loss, accuracy, dpr: 1.0, drawn: Vec::new(), proj: None };
        t.draw()?;
        Ok(t)
    }

    /// Validates and applies a new spec; on error nothing changes. A change of labels or colours
    /// only redraws; any other change starts the race over.
    pub fn set_spec(&mut self, spec_json: &str) -> Result<(), JsError> {
        let spec = TrainSpec::parse(spec_json).map_err(err)?;
        let looks = |s: &TrainSpec| {
            let mut s = s.clone();
            for r in &mut s.racers {
                r.label = None;
                r.color = None;
            }
            s
        };
        if looks(&spec) == looks(&self.trainer.spec) {
            self.trainer.spec = spec.clone();
            for (l, r) in self.trainer.learners.iter_mut().zip(spec.racers) {
                l.spec = r;
            }
        } else {
            self.trainer = Trainer::new(spec, &self.digits);
            // A new plane first (for a new model, seed or input), then paths on it.
            self.ensure_plane();
            self.restart_paths();
        }
        self.draw()
    }

    /// The current training spec as canonical JSON text.
    pub fn spec(&self) -> String {
        self.trainer.spec.to_json()
    }

    /// Where the experiment's preset stands: `{id, title, hint}` (hint null once the training
    /// race departs from the preset's), or null when it comes from none.
    pub fn lesson(&self) -> Result<JsValue, JsError> {
        to_js(&crate::presets::train_lesson(&self.trainer.spec))
    }

    /// Every racer back to the seeded initial weights.
    pub fn reset(&mut self) -> Result<(), JsError> {
        self.trainer = Trainer::new(self.trainer.spec.clone(), &self.digits);
        self.restart_paths();
        self.draw()
    }

    /// Turns the projected view on: the loss surface on `canvas` (sized by the page like the
    /// charts), the racers' projected paths on `overlay` (same size, stacked on top).
    pub fn attach_projection(&mut self, canvas: HtmlCanvasElement, overlay: HtmlCanvasElement) -> Result<(), JsError> {
        self.proj = Some(Projected {
            canvas,
            overlay,
            key: None,
            unavailable: None,
            plane: None,
            surface: None,
            placements: Vec::new(),
            paths: Vec::new(),
            current: Vec::new(),
            scratch: Vec::new(),
            rgba: Vec::new(),
            drawn_cells: 0,
            drawn_at: f64::NEG_INFINITY,
            overlay_stale: true,
            plane_ms: 0.0,
            started: 0.0,
            fill_ms: None,
            compute_ms: 0.0,
            surface_draw_ms: 0.0,
            paths_draw_ms: 0.0,
        });
        self.restart_paths();
        self.draw()
    }

    /// The projected view's progress: `{available, reason, evaluated, cells, done, grid,
    /// plane_ms, fill_ms, compute_ms, unit, min, max, rescaled, not_projected}`.
    pub fn projection(&self) -> Result<JsValue, JsError> {
        let Some(p) = &self.proj else {
            return to_js(&ProjectionStatus { available: false, reason: Some("not attached"), evaluated: 0, cells: 0, done: false, grid: [0, 0], plane_ms: 0.0, fill_ms: None, compute_ms: 0.0, unit: None, min: None, max: None, rescaled: vec![], not_projected: vec![], view: None, surface_draw_ms: 0.0, paths_draw_ms: 0.0 });
        };
        let (evaluated, cells, done, grid) = match &p.surface {
            Some(s) => (s.evaluated(), s.size().0 * s.size().1, s.done(), [s.size().0, s.size().1]),
            None => (0, 0, false, [0, 0]),
        };
        let finite = || p.surface.iter().flat_map(|s| s.values().iter().copied()).filter(|v| v.is_finite());
        let min = finite().reduce(f64::min);
        let max = finite().reduce(f64::max);
        let pick = |want: fn(&Placement) -> bool| p.placements.iter().enumerate().filter(|(_, x)| want(x)).map(|(i, _)| i).collect();
        to_js(&ProjectionStatus {
            available: p.plane.is_some(),
            reason: p.unavailable.as_deref(),
            evaluated,
            cells,
            done,
            grid,
            plane_ms: p.plane_ms,
            fill_ms: p.fill_ms,
            compute_ms: p.compute_ms,
            unit: p.plane.as_ref().map(|pl| pl.scale),
            min,
            max,
            rescaled: pick(|x| matches!(x, Placement::Rescaled(_))),
            not_projected: pick(|x| *x == Placement::Other),
            view: p.surface.as_ref().map(|s| s.view()),
            surface_draw_ms: p.surface_draw_ms,
            paths_draw_ms: p.paths_draw_ms,
        })
    }

    /// Redraws the charts after the page resized the canvases (device pixels = CSS px * dpr).
    pub fn resize(&mut self, dpr: f64) -> Result<(), JsError> {
        self.dpr = if dpr.is_finite() && dpr > 0.0 { dpr.clamp(0.5, 4.0) } else { 1.0 };
        self.draw()
    }

    /// Whether every racer has finished (or diverged).
    pub fn finished(&self) -> bool {
        self.trainer.all_finished()
    }

    /// The one call per animation frame: trains for about `budget_ms` milliseconds and at most
    /// `max_steps` steps per racer (the page's pace; pass Infinity for none), the racer furthest
    /// behind first, redraws the charts when an epoch ended, and returns every racer's state.
    ///
    /// With the projected view attached, racers' weights are projected after every few steps,
    /// the surface is sampled for up to `surface_ms` more and redrawn every few frames while it
    /// fills, and the paths are redrawn when they moved.
    pub fn advance(&mut self, budget_ms: f64, max_steps: f64, surface_ms: f64) -> Result<JsValue, JsError> {
        let budget = if budget_ms.is_finite() { budget_ms.clamp(0.0, 1000.0) } else { 0.0 };
        let cap = if max_steps.is_nan() || max_steps < 0.0 { 0 } else if max_steps >= u64::MAX as f64 { u64::MAX } else { max_steps as u64 };
        let t0 = now();
        self.ensure_plane();
        let recording = self.proj.as_ref().is_some_and(|p| p.plane.is_some());
        let slice = if recording { self.slice().min(RECORD_STEPS) } else { self.slice() };
        let start_steps: Vec<u64> = self.trainer.learners.iter().map(|l| l.steps).collect();
        while let Some(i) = self.behind(&start_steps, cap) {
            let left = cap - (self.trainer.learners[i].steps - start_steps[i]);
            let start = now();
            self.trainer.advance(i, slice.min(left));
            let end = now();
            self.trainer.learners[i].seconds += (end - start) / 1e3;
            if recording {
                self.record(i);
            }
            if end - t0 >= budget {
                break;
            }
        }
        if self.trainer.learners.iter().map(|l| l.epochs.len()).ne(self.drawn.iter().copied()) {
            self.draw()?;
        }
        let surface_budget = if surface_ms.is_finite() { surface_ms.clamp(0.0, 1000.0) } else { 0.0 };
        self.fill_surface(surface_budget)?;
        self.states()
    }

    /// Trains every racer up to `max_steps` more steps without drawing (for benchmarks and
    /// tests); returns whether all have finished.
    pub fn train_steps(&mut self, max_steps: f64) -> bool {
        let n = if max_steps.is_finite() && max_steps > 0.0 { max_steps as u64 } else { 0 };
        for i in 0..self.trainer.learners.len() {
            let start = now();
            self.trainer.advance(i, n);
            self.trainer.learners[i].seconds += (now() - start) / 1e3;
        }
        self.trainer.all_finished()
    }

    /// Every racer's state (as [`Training::advance`] returns it).
    pub fn states(&self) -> Result<JsValue, JsError> {
        let spec = &self.trainer.spec;
        let total = (spec.epochs as u64 * TRAIN.div_ceil(spec.batch_size) as u64).max(1);
        let states: Vec<LearnerState> = self
            .trainer
            .learners
            .iter()
            .enumerate()
            .map(|(index, l)| {
                let projection = self.proj.as_ref().and_then(|p| p.current.get(index).copied().flatten());
                let placement = self.proj.as_ref().and_then(|p| p.placements.get(index).copied());
                let last = l.epochs.last();
                let diverged = l.diverged_at_epoch.is_some();
                LearnerState {
                    index,
                    name: l.spec.info.name,
                    label: l.spec.label.as_deref(),
                    color: self.color(index),
                    step: l.steps,
                    epoch: l.epochs.len(),
                    epochs: spec.epochs,
                    progress: if diverged { 1.0 } else { (l.steps.min(total) as f64 / total as f64).min(1.0) },
                    loss: last.map(|e| e.train_loss),
                    running_loss: l.running_loss(),
                    test_accuracy: last.map(|e| e.test_accuracy),
                    seconds: l.seconds,
                    status: if diverged { Status::Diverged } else { Status::Ok },
                    diverged_at: if diverged { Some(l.steps) } else { None },
                    diverged_at_epoch: l.diverged_at_epoch,
                    input: input_text(spec.input_of(index)),
                    plane: projection.map(|p| p.coords),
                    off_plane: projection.map(|p| p.distance),
                    off_plane_relative: projection.map(|p| p.relative_distance),
                    projection: projection.and(placement).map(|p| if p == Placement::Same { "same" } else { "rescaled" }),
                }
            })
            .collect();
        to_js(&states)
    }

    /// Every racer's epochs so far: `[{train_loss, test_accuracy}, ...]` per racer.
    pub fn epochs(&self) -> Result<JsValue, JsError> {
        let all: Vec<&[crate::classify::train::Epoch]> = self.trainer.learners.iter().map(|l| &l.epochs[..]).collect();
        to_js(&all)
    }
}

impl Training {
    /// Steps per slice for the spec's batch size and model.
    fn slice(&self) -> u64 {
        let work = self.trainer.model.n_params() * self.trainer.spec.batch_size;
        (SLICE_WORK / work.max(1)).max(1) as u64
    }

    /// The unfinished racer with the fewest steps among those that took fewer than `cap` steps
    /// since `start_steps`.
    fn behind(&self, start_steps: &[u64], cap: u64) -> Option<usize> {
        let learners = &self.trainer.learners;
        (0..learners.len())
            .filter(|&i| !self.trainer.finished(i) && learners[i].steps - start_steps[i] < cap)
            .min_by_key(|&i| learners[i].steps)
    }

    fn color(&self, index: usize) -> &str {
        let palette = colormap::PALETTE;
        self.trainer.learners[index].spec.color.as_deref().unwrap_or(palette[index % palette.len()])
    }

    fn draw(&mut self) -> Result<(), JsError> {
        self.drawn = self.trainer.learners.iter().map(|l| l.epochs.len()).collect();
        let colors: Vec<plotters::style::RGBColor> =
            (0..self.trainer.learners.len()).map(|i| colormap::parse_hex(self.color(i)).unwrap_or(crate::render::scene::INK)).collect();
        let epochs = self.trainer.spec.epochs;
        for (canvas, metric) in [(&self.loss, Metric::TrainLoss), (&self.accuracy, Metric::TestAccuracy)] {
            let values: Vec<Vec<f64>> = self
                .trainer
                .learners
                .iter()
                .map(|l| l.epochs.iter().map(|e| if metric == Metric::TrainLoss { e.train_loss } else { e.test_accuracy }).collect())
                .collect();
            let series: Vec<EpochSeries> = values
                .iter()
                .zip(&self.trainer.learners)
                .zip(&colors)
                .map(|((values, l), &color)| EpochSeries { color, values, diverged: l.diverged_at_epoch.is_some() })
                .collect();
            let ctx = context(canvas)?;
            ctx.set_fill_style_str("#ffffff");
            ctx.fill_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
            let area = plotters::prelude::IntoDrawingArea::into_drawing_area(backend(canvas)?);
            draw_epochs(&area, metric, &series, epochs, self.dpr).map_err(err)?;
            area.present().map_err(err)?;
        }
        self.ensure_plane();
        if let Some(p) = &mut self.proj {
            p.drawn_at = f64::NEG_INFINITY;
            p.overlay_stale = true;
        }
        self.fill_surface(0.0)
    }

    /// Builds the plane (and forgets the surface) when the spec's model, seed or input changed.
    fn ensure_plane(&mut self) {
        let Some(p) = &mut self.proj else { return };
        let key = PlaneKey::of(&self.trainer.spec);
        if p.key == Some(key) {
            return;
        }
        p.key = Some(key);
        p.surface = None;
        p.plane = None;
        p.fill_ms = None;
        p.compute_ms = 0.0;
        let t0 = now();
        match Plane::new(&self.digits, &self.trainer.spec) {
            Ok(plane) => {
                p.plane = Some(plane);
                p.unavailable = None;
            }
            Err(e) => p.unavailable = Some(e),
        }
        p.plane_ms = now() - t0;
        self.restart_paths();
    }

    /// Every racer's path back to its start (after a reset, a new race or a new plane).
    fn restart_paths(&mut self) {
        let Some(p) = &mut self.proj else { return };
        let spec = &self.trainer.spec;
        p.placements = (0..self.trainer.learners.len())
            .map(|i| {
                let own = spec.input_of(i);
                if own == spec.input {
                    Placement::Same
                } else if own.transform == spec.input.transform {
                    Placement::Rescaled(own.scale / spec.input.scale)
                } else {
                    Placement::Other
                }
            })
            .collect();
        p.paths = (0..self.trainer.learners.len()).map(|_| Path::new(1e-4, PATH_CAPACITY)).collect();
        p.current = vec![None; self.trainer.learners.len()];
        p.overlay_stale = true;
        for i in 0..self.trainer.learners.len() {
            self.record(i);
        }
    }

    /// Projects learner `i`'s (equivalent) weights and appends them to its path.
    fn record(&mut self, i: usize) {
        let Some(p) = &mut self.proj else { return };
        let Some(plane) = &p.plane else { return };
        let weights = self.trainer.weights(i);
        if weights.len() != plane.w0.len() {
            return;
        }
        let projection = match p.placements.get(i) {
            Some(Placement::Same) => plane.project(weights),
            Some(&Placement::Rescaled(k)) => {
                // Logits W (k x) + b = (k W) x + b: scale the weights, keep the biases.
                p.scratch.clear();
                p.scratch.extend_from_slice(weights);
                p.scratch[..CLASSES * FEATURES].iter_mut().for_each(|w| *w *= k);
                plane.project(&p.scratch)
            }
            _ => return,
        };
        let finite = projection.coords.iter().all(|c| c.is_finite()) && projection.distance.is_finite();
        if finite {
            p.current[i] = Some(projection);
            p.paths[i].push(projection.coords);
            p.overlay_stale = true;
        }
    }

    /// Samples the surface for up to `budget_ms`, redraws its picture when due, and the overlay
    /// when the paths moved. Creates the surface for the canvas's plot when there is none.
    fn fill_surface(&mut self, budget_ms: f64) -> Result<(), JsError> {
        let dpr = self.dpr;
        let Some(p) = &mut self.proj else { return Ok(()) };
        let (w, h) = (p.canvas.width(), p.canvas.height());
        let layout = Layout::landscape(w, h, dpr);
        let fitted = Mapping::fit(layout.plot, Plane::default_view());
        let usable = layout.plot.width >= 8 && layout.plot.height >= 8;
        if let (Some(plane), true) = (&p.plane, usable) {
            let far = |a: View, b: View| {
                let span = (b.x[1] - b.x[0]).max(b.y[1] - b.y[0]);
                (0..2).any(|k| (a.x[k] - b.x[k]).abs() > 0.02 * span || (a.y[k] - b.y[k]).abs() > 0.02 * span)
            };
            if p.surface.as_ref().is_none_or(|s| far(s.view(), fitted.view)) {
                let cells = |px: u32| ((px as f64 / dpr / CELL_CSS).round() as usize).clamp(GRID_MIN, GRID_MAX);
                p.surface = Some(Surface::new(plane.clone(), fitted.view, cells(layout.plot.width), cells(layout.plot.height)));
                p.started = now();
                p.fill_ms = None;
                p.compute_ms = 0.0;
                p.drawn_cells = 0;
                p.drawn_at = f64::NEG_INFINITY;
            }
        }
        let Some(surface) = &mut p.surface else {
            // No plane (the MLP) or no room: clear both canvases; the page shows why.
            for c in [&p.canvas, &p.overlay] {
                context(c)?.clear_rect(0.0, 0.0, c.width() as f64, c.height() as f64);
            }
            return Ok(());
        };
        let t0 = now();
        while !surface.done() && now() - t0 < budget_ms {
            surface.advance(4);
        }
        let t1 = now();
        p.compute_ms += t1 - t0;
        if surface.done() && p.fill_ms.is_none() {
            p.fill_ms = Some(t1 - p.started);
        }
        let mapping = Mapping::new(layout.plot, surface.view());
        let fresh = surface.evaluated() != p.drawn_cells;
        if p.drawn_at == f64::NEG_INFINITY || (fresh && (surface.done() || t1 - p.drawn_at >= SURFACE_REDRAW_MS)) {
            p.drawn_cells = surface.evaluated();
            p.drawn_at = t1;
            let (gw, gh) = surface.size();
            let field = surface_field(surface.view(), gw, gh, surface.values());
            let ctx = context(&p.canvas)?;
            ctx.set_fill_style_str("#ffffff");
            ctx.fill_rect(0.0, 0.0, w as f64, h as f64);
            projected_rgba(&field, &mapping, &mut p.rgba);
            let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(wasm_bindgen::Clamped(&p.rgba), layout.plot.width, layout.plot.height)
                .map_err(|_| err("cannot make the projected image"))?;
            ctx.put_image_data(&image, layout.plot.x as f64, layout.plot.y as f64).map_err(|_| err("cannot draw the projected image"))?;
            let area = plotters::prelude::IntoDrawingArea::into_drawing_area(backend(&p.canvas)?);
            draw_projected_background(&area, &mapping, &field, dpr).map_err(err)?;
            area.present().map_err(err)?;
            p.surface_draw_ms = now() - t1;
        }
        if p.overlay_stale {
            let t2 = now();
            p.overlay_stale = false;
            let ctx = context(&p.overlay)?;
            ctx.clear_rect(0.0, 0.0, p.overlay.width() as f64, p.overlay.height() as f64);
            let points: Vec<Vec<[f64; 2]>> = p.paths.iter().map(|path| path.points().collect()).collect();
            let racers: Vec<PlaneTrace> = (0..self.trainer.learners.len())
                .filter(|&i| p.placements.get(i).is_some_and(|x| *x != Placement::Other))
                .map(|i| PlaneTrace {
                    color: colormap::parse_hex(self.trainer.learners[i].spec.color.as_deref().unwrap_or(colormap::PALETTE[i % colormap::PALETTE.len()])).unwrap_or(crate::render::scene::INK),
                    points: &points[i],
                    diverged: self.trainer.learners[i].diverged_at_epoch.is_some(),
                })
                .collect();
            let area = plotters::prelude::IntoDrawingArea::into_drawing_area(backend(&p.overlay)?);
            draw_projected_racers(&area, &mapping, &racers, dpr).map_err(err)?;
            area.present().map_err(err)?;
            p.paths_draw_ms = now() - t2;
        }
        Ok(())
    }
}
