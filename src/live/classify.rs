//! A classifier race as the page shows it: the trainer, its two charts (training loss and test
//! accuracy per epoch, [`crate::render::classify`], redrawn when an epoch ends) and, once
//! attached, the projected view ([`super::projection`]).
//!
//! Training advances in slices within a time budget ([`Classify::advance`], once a frame):
//! racers take turns, the one furthest behind first, until the budget is spent, so they
//! progress together and the page stays responsive.

use super::projection::{Placement, Projected, ProjectionStatus};
use super::{dpr_of, drawn, Clock, Layer};
use crate::classify::digits::{Digits, TRAIN};
use crate::classify::train::{Epoch, Input, TrainSpec, Trainer, Transform};
use crate::presets::{self, Lesson};
use crate::race::Status;
use crate::render::classify::{draw_epochs, EpochSeries, Metric};
use crate::render::{colormap, scene};
use crate::text::{self, Card, SEP};
use plotters::style::RGBColor;
use serde::Serialize;

/// Weights x samples handled per slice: about a tenth of a millisecond of work, so that the
/// budget is kept to that and racers take turns often.
const SLICE_WORK: usize = 650 * 64;
/// With the projected view on, a racer's weights are projected after at most this many steps.
const RECORD_STEPS: u64 = 16;

/// One racer's progress, for the page's cards and results table.
#[derive(Serialize)]
pub struct LearnerState<'a> {
    pub index: usize,
    pub name: &'static str,
    pub label: Option<&'a str>,
    pub color: &'a str,
    /// Optimizer steps taken.
    pub step: u64,
    /// Epochs completed, of `epochs`.
    pub epoch: usize,
    pub epochs: u32,
    /// Fraction of the whole training done, 0 to 1.
    pub progress: f64,
    /// The last completed epoch's mean training loss; null before one.
    pub loss: Option<f64>,
    /// The mean loss so far in the current epoch; null at an epoch's start.
    pub running_loss: Option<f64>,
    pub test_accuracy: Option<f64>,
    /// Time spent training this racer, in seconds.
    pub seconds: f64,
    pub status: Status,
    /// The step at which the loss or a weight became non-finite.
    pub diverged_at: Option<u64>,
    pub diverged_at_epoch: Option<u32>,
    /// "raw", "standardized", with " × k" for a factor other than 1.
    pub input: String,
    /// The projected view: where the racer's (equivalent) weights project on the plane, their
    /// distance from it (in weight space, and in units of `|w_ref - w0|`), and how it is placed:
    /// "same" (the spec's input), "rescaled" (equivalent weights), or null when not projected.
    pub plane: Option<[f64; 2]>,
    pub off_plane: Option<f64>,
    pub off_plane_relative: Option<f64>,
    pub projection: Option<&'static str>,
}

/// One racer's row of the results table: its input, epoch, last training loss, test
/// accuracy, distance from the projected view's plane, and training time.
#[derive(Serialize)]
pub struct Row {
    pub input: String,
    pub epoch: String,
    pub loss: String,
    pub accuracy: String,
    pub off_plane: String,
    pub time: String,
}

/// The projected view's status line and notes.
#[derive(Serialize)]
pub struct ProjectionTexts {
    pub status: String,
    pub notes: String,
}

/// A racer's input in words: "raw", "standardized / 50", "raw × 5".
pub fn input_text(input: Input) -> String {
    let t = match input.transform {
        Transform::Raw => "raw",
        Transform::Standardize => "standardized",
    };
    let k = input.factor;
    if k == 1.0 {
        t.into()
    } else if k < 1.0 && (1.0 / k).fract().abs() < 1e-9 {
        format!("{t} / {}", 1.0 / k)
    } else {
        format!("{t} \u{d7} {k}")
    }
}

/// A classifier race and the layers of its charts.
pub struct Classify<L: Layer> {
    digits: Digits,
    trainer: Trainer,
    loss: L,
    accuracy: L,
    dpr: f64,
    /// Epochs per learner when the charts were last drawn.
    drawn: Vec<usize>,
    /// The projected view, once attached.
    projected: Option<Projected<L>>,
    now: Clock,
}

impl<L: Layer> Classify<L> {
    /// A race of `spec` on `digits`, its charts drawn on `loss` and `accuracy`.
    pub fn new(
        spec: TrainSpec,
        digits: Digits,
        loss: L,
        accuracy: L,
        now: Clock,
    ) -> Result<Classify<L>, String> {
        let trainer = Trainer::new(spec, &digits);
        let mut c = Classify {
            digits,
            trainer,
            loss,
            accuracy,
            dpr: 1.0,
            drawn: Vec::new(),
            projected: None,
            now,
        };
        c.draw()?;
        Ok(c)
    }

    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// Applies a new spec: a change of labels or colours only redraws; any other change starts
    /// the race over.
    pub fn set_spec(&mut self, spec: TrainSpec) -> Result<(), String> {
        let looks = |s: &TrainSpec| {
            let mut s = s.clone();
            s.racers
                .iter_mut()
                .for_each(|r| (r.label, r.color) = (None, None));
            s
        };
        if looks(&spec) == looks(&self.trainer.spec) {
            for (l, r) in self.trainer.learners.iter_mut().zip(&spec.racers) {
                l.spec = r.clone();
            }
            self.trainer.spec = spec;
        } else {
            self.trainer = Trainer::new(spec, &self.digits);
            // A new plane first (for a new model, seed or input), then paths on it.
            if let Some(p) = &mut self.projected {
                p.ensure_plane(&self.digits, &self.trainer, self.now);
                p.restart_paths(&self.trainer);
            }
        }
        self.draw()
    }

    /// The training spec.
    pub fn spec(&self) -> &TrainSpec {
        &self.trainer.spec
    }

    /// Where the experiment's preset stands (its hint only while the race is the preset's own).
    pub fn lesson(&self) -> Option<Lesson> {
        presets::train_lesson(&self.trainer.spec)
    }

    /// Every racer back to the seeded initial weights.
    pub fn reset(&mut self) -> Result<(), String> {
        self.trainer = Trainer::new(self.trainer.spec.clone(), &self.digits);
        if let Some(p) = &mut self.projected {
            p.restart_paths(&self.trainer);
        }
        self.draw()
    }

    /// Turns the projected view on: the loss surface on `surface`, the racers' projected paths
    /// on `paths` (the same size, stacked on top).
    pub fn attach_projection(&mut self, surface: L, paths: L) -> Result<(), String> {
        let mut p = Projected::new(surface, paths);
        p.restart_paths(&self.trainer);
        self.projected = Some(p);
        self.draw()
    }

    /// The projected view's progress.
    pub fn projection(&self) -> ProjectionStatus<'_> {
        match &self.projected {
            Some(p) => p.status(),
            None => ProjectionStatus::detached(),
        }
    }

    /// Redraws everything after the layers changed size (device pixels = CSS px x `dpr`).
    pub fn resize(&mut self, dpr: f64) -> Result<(), String> {
        self.dpr = dpr_of(dpr);
        for layer in [&mut self.loss, &mut self.accuracy] {
            layer.refresh()?;
        }
        if let Some(p) = &mut self.projected {
            p.surface_layer.refresh()?;
            p.paths_layer.refresh()?;
        }
        self.draw()
    }

    /// Whether every racer has finished (or diverged).
    pub fn finished(&self) -> bool {
        self.trainer.all_finished()
    }

    /// The once-a-frame work: trains for about `budget_ms` and at most `max_steps` steps per
    /// racer (the page's pace; `u64::MAX` for none), the racer furthest behind first; redraws
    /// the charts when an epoch ended; with the projected view attached, projects racers'
    /// weights every few steps and samples the surface for up to `surface_ms` more.
    pub fn advance(
        &mut self,
        budget_ms: f64,
        max_steps: u64,
        surface_ms: f64,
    ) -> Result<(), String> {
        let t0 = (self.now)();
        if let Some(p) = &mut self.projected {
            p.ensure_plane(&self.digits, &self.trainer, self.now);
        }
        let recording = self.projected.as_ref().is_some_and(Projected::recording);
        let slice = if recording {
            self.slice().min(RECORD_STEPS)
        } else {
            self.slice()
        };
        let start_steps: Vec<u64> = self.trainer.learners.iter().map(|l| l.steps).collect();
        while let Some(i) = self.behind(&start_steps, max_steps) {
            let left = max_steps - (self.trainer.learners[i].steps - start_steps[i]);
            let start = (self.now)();
            self.trainer.advance(i, slice.min(left));
            let end = (self.now)();
            self.trainer.learners[i].seconds += (end - start) / 1e3;
            if let Some(p) = self.projected.as_mut().filter(|_| recording) {
                p.record(i, &self.trainer);
            }
            if end - t0 >= budget_ms {
                break;
            }
        }
        if self
            .trainer
            .learners
            .iter()
            .map(|l| l.epochs.len())
            .ne(self.drawn.iter().copied())
        {
            self.draw()?;
        }
        self.fill_projection(surface_ms)
    }

    /// Trains every racer up to `steps` more steps without drawing (benchmarks, tests);
    /// returns whether all have finished.
    pub fn train_steps(&mut self, steps: u64) -> bool {
        for i in 0..self.trainer.learners.len() {
            let start = (self.now)();
            self.trainer.advance(i, steps);
            self.trainer.learners[i].seconds += ((self.now)() - start) / 1e3;
        }
        self.trainer.all_finished()
    }

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

    /// Racer `i`'s colour: its own, or the palette's.
    pub fn color(&self, i: usize) -> &str {
        let palette = colormap::PALETTE;
        self.trainer.learners[i]
            .spec
            .color
            .as_deref()
            .unwrap_or(palette[i % palette.len()])
    }

    fn colors(&self) -> Vec<RGBColor> {
        (0..self.trainer.learners.len())
            .map(|i| colormap::parse_hex(self.color(i)).unwrap_or(scene::INK))
            .collect()
    }

    /// Both charts, and the projected view again.
    fn draw(&mut self) -> Result<(), String> {
        self.drawn = self
            .trainer
            .learners
            .iter()
            .map(|l| l.epochs.len())
            .collect();
        let colors = self.colors();
        for (layer, metric) in [
            (&self.loss, Metric::TrainLoss),
            (&self.accuracy, Metric::TestAccuracy),
        ] {
            let value = |e: &Epoch| {
                if metric == Metric::TrainLoss {
                    e.train_loss
                } else {
                    e.test_accuracy
                }
            };
            let values: Vec<Vec<f64>> = self
                .trainer
                .learners
                .iter()
                .map(|l| l.epochs.iter().map(value).collect())
                .collect();
            let series: Vec<EpochSeries> = (values.iter().zip(&self.trainer.learners).zip(&colors))
                .map(|((values, l), &color)| EpochSeries {
                    color,
                    values,
                    diverged: l.diverged_at_epoch.is_some(),
                })
                .collect();
            layer.fill_white();
            drawn(draw_epochs(
                layer.area(),
                metric,
                &series,
                self.trainer.spec.epochs,
                self.dpr,
            ))?;
            layer.present()?;
        }
        if let Some(p) = &mut self.projected {
            p.ensure_plane(&self.digits, &self.trainer, self.now);
            p.redraw();
        }
        self.fill_projection(0.0)
    }

    fn fill_projection(&mut self, budget_ms: f64) -> Result<(), String> {
        let (colors, dpr, now) = (self.colors(), self.dpr, self.now);
        let diverged: Vec<bool> = self
            .trainer
            .learners
            .iter()
            .map(|l| l.diverged_at_epoch.is_some())
            .collect();
        match &mut self.projected {
            Some(p) => p.fill(budget_ms, dpr, &colors, &diverged, now),
            None => Ok(()),
        }
    }

    /// Every racer's state.
    pub fn states(&self) -> Vec<LearnerState<'_>> {
        let spec = &self.trainer.spec;
        let total = (spec.epochs as u64 * TRAIN.div_ceil(spec.batch_size) as u64).max(1);
        (self.trainer.learners.iter().enumerate())
            .map(|(index, l)| {
                let placed = self.projected.as_ref().and_then(|p| p.of(index));
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
                    progress: if diverged {
                        1.0
                    } else {
                        (l.steps.min(total) as f64 / total as f64).min(1.0)
                    },
                    loss: last.map(|e| e.train_loss),
                    running_loss: l.running_loss(),
                    test_accuracy: last.map(|e| e.test_accuracy),
                    seconds: l.seconds,
                    status: if diverged {
                        Status::Diverged
                    } else {
                        Status::Ok
                    },
                    diverged_at: diverged.then_some(l.steps),
                    diverged_at_epoch: l.diverged_at_epoch,
                    input: input_text(spec.input_of(index)),
                    plane: placed.map(|(p, _)| p.coords),
                    off_plane: placed.map(|(p, _)| p.distance),
                    off_plane_relative: placed.map(|(p, _)| p.relative_distance),
                    projection: placed.map(|(_, placement)| {
                        if placement == Placement::Same {
                            "same"
                        } else {
                            "rescaled"
                        }
                    }),
                }
            })
            .collect()
    }

    /// Every racer's epochs so far.
    pub fn epochs(&self) -> Vec<&[Epoch]> {
        self.trainer
            .learners
            .iter()
            .map(|l| &l.epochs[..])
            .collect()
    }

    /// Every racer's card.
    pub fn cards(&self) -> Vec<Card> {
        let spec = &self.trainer.spec;
        (self.trainer.learners.iter().enumerate())
            .map(|(i, l)| {
                let (name, mut what) = text::card_name(&l.spec);
                if spec.racer_inputs.get(i).copied().flatten().is_some() {
                    what = format!("{what}{SEP}input {}", input_text(spec.input_of(i)));
                }
                let last = l
                    .epochs
                    .last()
                    .map(|e| e.train_loss)
                    .or_else(|| l.running_loss());
                let status = l
                    .diverged_at_epoch
                    .map(|k| format!("diverged in epoch {k}"))
                    .unwrap_or_default();
                Card {
                    news: if status.is_empty() {
                        String::new()
                    } else {
                        format!("{name}: {status}")
                    },
                    name,
                    what,
                    step: format!("epoch {}/{}", l.epochs.len(), spec.epochs),
                    loss: format!("loss {}", last.map_or("\u{2013}".into(), text::short_loss)),
                    status,
                    ..Card::default()
                }
            })
            .collect()
    }

    /// Every racer's row of the results table.
    pub fn rows(&self) -> Vec<Row> {
        let projection = self.projection();
        (self.states().iter())
            .map(|s| {
                let off = match s.off_plane_relative {
                    Some(d) => text::compact(d, 1),
                    None if projection.available && projection.not_projected.contains(&s.index) => {
                        "not drawn".into()
                    }
                    None => "\u{2013}".into(),
                };
                Row {
                    input: s.input.clone(),
                    epoch: match s.diverged_at_epoch {
                        Some(k) => format!("diverged ({k})"),
                        None => format!("{}/{}", s.epoch, s.epochs),
                    },
                    loss: s.loss.map_or("\u{2013}".into(), text::short_loss),
                    accuracy: s.test_accuracy.map_or("\u{2013}".into(), |a| {
                        format!("{} %", text::fixed(100.0 * a, 1))
                    }),
                    off_plane: off,
                    time: format!("{} s", text::fixed(s.seconds, 2)),
                }
            })
            .collect()
    }

    /// The projected view's status line and its notes on racers drawn elsewhere or not at all.
    pub fn projection_texts(&self) -> ProjectionTexts {
        let p = self.projection();
        let status =
            text::projection_status(p.available, p.evaluated, p.cells, p.grid, p.fill_ms, p.min);
        let names = |list: &[usize]| -> Vec<String> {
            list.iter()
                .filter_map(|&i| self.trainer.learners.get(i))
                .map(|l| l.spec.display_name().to_string())
                .collect()
        };
        let outside: Vec<(String, [f64; 2])> = match p.view.filter(|_| p.available) {
            Some(v) => (self.states().iter())
                .filter_map(|s| {
                    s.plane
                        .filter(|[a, b]| *a < v.x[0] || *a > v.x[1] || *b < v.y[0] || *b > v.y[1])
                        .map(|at| {
                            (
                                self.trainer.learners[s.index]
                                    .spec
                                    .display_name()
                                    .to_string(),
                                at,
                            )
                        })
                })
                .collect(),
            None => Vec::new(),
        };
        let (rescaled, elsewhere) = if p.available {
            (names(&p.rescaled), names(&p.not_projected))
        } else {
            (Vec::new(), Vec::new())
        };
        ProjectionTexts {
            status,
            notes: text::projection_notes(
                &input_text(self.trainer.spec.input),
                &rescaled,
                &elsewhere,
                &outside,
            ),
        }
    }

    /// What the hint says of the experiment: its lesson while the race is the experiment's own,
    /// else what it was based on; empty for a race from no experiment.
    pub fn lesson_text(&self) -> String {
        self.lesson()
            .map_or_else(String::new, |l| text::lesson(&l, "experiment"))
    }

    /// The saved image's caption and a line per racer.
    pub fn legend(&self) -> super::report::Legend {
        let spec = &self.trainer.spec;
        let caption = text::classify_caption(spec, &input_text(spec.input));
        let entries = (self.trainer.learners.iter().enumerate())
            .map(|(i, l)| {
                let input = spec
                    .racer_inputs
                    .get(i)
                    .copied()
                    .flatten()
                    .map(|_| input_text(spec.input_of(i)));
                let line = text::classify_line(
                    &l.spec,
                    input.as_deref(),
                    l.epochs.len(),
                    spec.epochs,
                    l.epochs.last(),
                    l.diverged_at_epoch,
                );
                super::report::LegendEntry {
                    color: self.color(i).to_string(),
                    dash: &[],
                    text: line,
                }
            })
            .collect();
        super::report::Legend { caption, entries }
    }
}
