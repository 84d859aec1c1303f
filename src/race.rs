//! Racing optimizers on one landscape from one start.
//!
//! Every racer owns its optimizer state and its position; a step asks the objective for exactly
//! the derivatives that racer needs. A racer whose iterate or loss becomes non-finite, or whose
//! coordinates pass [`DIVERGENCE_LIMIT`] in magnitude, stops: it keeps its last finite point and
//! records the step at which it diverged, while the others carry on.

use crate::landscape::{Built, Mark, Objective, Point, View};
use crate::optim::{Derivatives, Entry, Stepper};
use crate::spec::{RacerSpec, RunSpec};
use serde::Serialize;

/// Coordinates beyond this magnitude count as divergence.
pub const DIVERGENCE_LIMIT: f64 = 1e12;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Diverged,
}

pub struct Racer {
    pub spec: RacerSpec,
    stepper: Box<dyn Stepper>,
    /// The current iterate: the last finite one once diverged.
    pub position: Point,
    pub loss: f64,
    /// Steps taken (the index of `position` in the trajectory).
    pub step: u64,
    /// The step whose iterate was not finite, once diverged.
    pub diverged_at: Option<u64>,
}

impl Racer {
    pub fn new(spec: RacerSpec, objective: &Objective, start: Point) -> Racer {
        let stepper = spec.optimizer().start(&start);
        let mut racer = Racer { spec, stepper, position: start, loss: 0.0, step: 0, diverged_at: None };
        racer.reset(objective, start);
        racer
    }

    pub fn status(&self) -> Status {
        if self.diverged_at.is_some() {
            Status::Diverged
        } else {
            Status::Ok
        }
    }

    /// The optimizer's state as named values.
    pub fn inspect(&self) -> Vec<Entry> {
        self.stepper.inspect()
    }

    /// Starts over from `start` with a fresh optimizer state.
    pub fn reset(&mut self, objective: &Objective, start: Point) {
        self.stepper.reset(&start);
        self.position = start;
        self.loss = objective.value(start);
        self.step = 0;
        self.diverged_at = None;
        if !is_sane(start, self.loss) {
            self.diverged_at = Some(0);
        }
    }

    /// Takes up to `n` steps, calling `visit(step, point, loss)` for every new finite point.
    /// Returns the number of steps taken (fewer than `n` when the racer diverges).
    pub fn advance(&mut self, objective: &Objective, n: u64, mut visit: impl FnMut(u64, Point, f64)) -> u64 {
        let needs_hessian = self.stepper.needs_hessian();
        for taken in 0..n {
            if self.diverged_at.is_some() {
                return taken;
            }
            let p = self.position;
            let grad = objective.gradient(p);
            let hessian = needs_hessian.then(|| objective.hessian(p));
            let mut next = p;
            self.stepper.step(&mut next, &Derivatives { grad: &grad, hessian: hessian.as_ref().map(|h| &h[..]) });
            let step = self.step + 1;
            let loss = if next.iter().all(|c| c.is_finite()) { objective.value(next) } else { f64::NAN };
            if !is_sane(next, loss) {
                self.diverged_at = Some(step);
                return taken;
            }
            self.position = next;
            self.loss = loss;
            self.step = step;
            visit(step, next, loss);
        }
        n
    }
}

fn is_sane(p: Point, loss: f64) -> bool {
    p.iter().all(|c| c.is_finite() && c.abs() <= DIVERGENCE_LIMIT) && loss.is_finite()
}

/// Every racer of a spec on its landscape.
pub struct Race {
    pub objective: Objective,
    /// The landscape's default view and known critical points.
    pub default_view: View,
    pub marks: Vec<Mark>,
    pub start: Point,
    pub racers: Vec<Racer>,
}

impl Race {
    pub fn new(spec: &RunSpec) -> Race {
        let Built { f, view, start, marks } = spec.landscape.build();
        let start = spec.start.unwrap_or(start);
        let objective = Objective { f, scale: spec.landscape.scale };
        let racers = spec.racers.iter().map(|r| Racer::new(r.clone(), &objective, start)).collect();
        Race { objective, default_view: view, marks, start, racers }
    }
}

/// One racer's full result, as `optiscape run` prints it.
#[derive(Serialize)]
pub struct RacerResult {
    pub name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub trajectory: Vec<Point>,
    pub loss: Vec<f64>,
    pub status: Status,
    pub diverged_at: Option<u64>,
}

#[derive(Serialize)]
pub struct RunResult {
    pub racers: Vec<RacerResult>,
}

/// Runs every racer of `spec` for `spec.steps` steps and keeps every point.
pub fn run(spec: &RunSpec) -> RunResult {
    run_race(&mut Race::new(spec), spec.steps)
}

/// Advances every racer of `race` by `steps` steps and keeps every point, from where it stands.
pub fn run_race(race: &mut Race, steps: u64) -> RunResult {
    let objective = &race.objective;
    let racers = race
        .racers
        .iter_mut()
        .map(|r| {
            let mut trajectory = Vec::new();
            let mut loss = Vec::new();
            if r.diverged_at.is_none() {
                trajectory.push(r.position);
                loss.push(r.loss);
            }
            r.advance(objective, steps, |_, p, l| {
                trajectory.push(p);
                loss.push(l);
            });
            RacerResult {
                name: r.spec.info.name,
                label: r.spec.label.clone(),
                trajectory,
                loss,
                status: r.status(),
                diverged_at: r.diverged_at,
            }
        })
        .collect();
    RunResult { racers }
}
