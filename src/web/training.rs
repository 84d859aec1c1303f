//! The classifier race in the browser: a thin `#[wasm_bindgen]` layer over
//! [`crate::classify::train::Trainer`].
//!
//! JavaScript hands over the training spec as JSON text (parsed by [`TrainSpec::parse`], exactly
//! as `optiscape train` parses it) and the digits file's bytes (fetched from the page's own
//! origin), and calls [`Training::advance`] once per animation frame with a time budget: racers
//! take turns in small slices of steps, the one furthest behind first, until the budget is
//! spent, so they progress together and the page stays responsive. The charts (training loss
//! and test accuracy per epoch, [`crate::render::training`]) are redrawn when an epoch ends.

use crate::classify::digits::{Digits, TRAIN};
use crate::classify::train::{Input, Trainer, Transform, TrainSpec};
use crate::race::Status;
use crate::render::colormap;
use crate::render::training::{draw_epochs, EpochSeries, Metric};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Weights x samples handled per slice: about a tenth of a millisecond of work, so that the
/// budget is kept to that and racers take turns often.
const SLICE_WORK: usize = 650 * 64;

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
        let mut t = Training { digits, trainer, loss, accuracy, dpr: 1.0, drawn: Vec::new() };
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
        }
        self.draw()
    }

    /// The current training spec as canonical JSON text.
    pub fn spec(&self) -> String {
        self.trainer.spec.to_json()
    }

    /// Every racer back to the seeded initial weights.
    pub fn reset(&mut self) -> Result<(), JsError> {
        self.trainer = Trainer::new(self.trainer.spec.clone(), &self.digits);
        self.draw()
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
    pub fn advance(&mut self, budget_ms: f64, max_steps: f64) -> Result<JsValue, JsError> {
        let budget = if budget_ms.is_finite() { budget_ms.clamp(0.0, 1000.0) } else { 0.0 };
        let cap = if max_steps.is_nan() || max_steps < 0.0 { 0 } else if max_steps >= u64::MAX as f64 { u64::MAX } else { max_steps as u64 };
        let t0 = now();
        let slice = self.slice();
        let start_steps: Vec<u64> = self.trainer.learners.iter().map(|l| l.steps).collect();
        loop {
            let Some(i) = self.behind(&start_steps, cap) else { break };
            let left = cap - (self.trainer.learners[i].steps - start_steps[i]);
            let start = now();
            self.trainer.advance(i, slice.min(left));
            let end = now();
            self.trainer.learners[i].seconds += (end - start) / 1e3;
            if end - t0 >= budget {
                break;
            }
        }
        if self.trainer.learners.iter().map(|l| l.epochs.len()).ne(self.drawn.iter().copied()) {
            self.draw()?;
        }
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
        Ok(())
    }
}
