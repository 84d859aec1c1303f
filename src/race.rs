//! Racing optimizers on one landscape from one start.
//!
//! Every racer owns its optimizer state and its position; a step asks the objective for exactly
//! the derivatives that racer needs. A racer whose iterate or loss becomes non-finite, or whose
//! coordinates pass [`DIVERGENCE_LIMIT`] in magnitude, stops: it keeps its last finite point and
//! records the step at which it diverged, while the others carry on. A racer that comes within
//! [`ARRIVAL_FRACTION`] of the landscape's default view diagonal of a known minimum has arrived
//! there: the first such step is its [`Arrival`], and it keeps stepping. With noisy gradients no
//! racer arrives: each is kicked about by the noise, and passing within a pixel of a minimum is
//! luck, not a result (the trailing mean of the loss says how low it hovers).
//!
//! A race has one clock ([`Race::clock`]): every racer has taken that many steps, or stopped
//! before. A racer that is edited, added or restarted is behind the clock and is replayed up to
//! it ([`Race::catch_up`]) before the race goes on; [`Race::apply`] decides which racers a new
//! spec restarts and which it keeps as they are, bit for bit.

use crate::landscape::{Built, Mark, MarkKind, Objective, Point, View};
use crate::math::{atan, powi};
use crate::optim::{Closure, Derivatives, Entry, Explained, Stepper};
use crate::schedule::Scheduled;
use crate::spec::{Clip, LandscapeSpec, RacerSpec, RunSpec};
use serde::Serialize;
use std::cell::Cell;

/// Coordinates beyond this magnitude count as divergence.
pub const DIVERGENCE_LIMIT: f64 = 1e12;

/// A racer is at a minimum once within this fraction of the landscape's default view diagonal of
/// it: on an 800-pixel plot, within a pixel of its mark.
pub const ARRIVAL_FRACTION: f64 = 1e-3;

/// The known minima of a landscape (its global and local marks) and how close counts as there.
#[derive(Clone, Debug, PartialEq)]
pub struct Finish {
    minima: Vec<(Point, bool)>,
    /// The distance within which a racer is at a minimum.
    pub radius: f64,
}

impl Finish {
    /// The minima among `marks` (saddles are no place to arrive at), with a radius of
    /// [`ARRIVAL_FRACTION`] of `view`'s diagonal.
    pub fn new(marks: &[Mark], view: &View) -> Finish {
        let minima = marks
            .iter()
            .filter(|m| m.kind != MarkKind::Saddle)
            .map(|m| (m.at, m.kind == MarkKind::Global))
            .collect();
        let (w, h) = (view.x[1] - view.x[0], view.y[1] - view.y[0]);
        let radius = ARRIVAL_FRACTION * (w * w + h * h).sqrt();
        Finish { minima, radius }
    }

    /// No minimum to arrive at (with noisy gradients), the same radius.
    pub fn unreachable(view: &View) -> Finish {
        Finish {
            minima: Vec::new(),
            ..Finish::new(&[], view)
        }
    }

    /// The arrival at `step` if `p` is within the radius of a minimum (the nearest one). Runs
    /// every step of a racer that has not arrived: squared distances, no square root.
    fn arrival(&self, step: u64, p: Point) -> Option<Arrival> {
        let r2 = self.radius * self.radius;
        self.minima
            .iter()
            .map(|&(at, global)| (powi(p[0] - at[0], 2) + powi(p[1] - at[1], 2), at, global))
            .filter(|&(d2, _, _)| d2 <= r2)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, at, global)| Arrival { step, at, global })
    }
}

/// The first step at which a racer was at a known minimum, and which one.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Arrival {
    pub step: u64,
    /// The minimum (its mark), not the racer's position.
    pub at: Point,
    /// Whether that minimum is a global one.
    pub global: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Diverged,
    /// Stopped where its optimizer has no step: Newton's method without a fallback, at a
    /// singular Hessian. Its point is finite; it stays there.
    Singular,
}

pub struct Racer {
    pub spec: RacerSpec,
    stepper: Box<dyn Stepper>,
    /// Its learning-rate scheduler, stepped after every optimizer step.
    schedule: Option<Scheduled>,
    /// Evaluations of the objective and its gradient so far: one a step, more for L-BFGS.
    pub evaluations: u64,
    /// The current iterate: the last finite one once diverged.
    pub position: Point,
    pub loss: f64,
    /// Steps taken (the index of `position` in the trajectory).
    pub step: u64,
    /// The step whose iterate was not finite, once diverged.
    pub diverged_at: Option<u64>,
    /// The step its optimizer could not take (see [`Status::Singular`]), once stopped there.
    pub singular_at: Option<u64>,
    /// The first step at a known minimum, once there.
    pub arrival: Option<Arrival>,
    finish: Finish,
    /// The iterate before `position`, once a step was taken.
    previous: Option<Point>,
}

/// The last step against the local quadratic model at the point it left (the seed notebook's
/// "optimal alpha"): with d the step, g and H the gradient and Hessian where it started, the
/// model's curvature along d and, where that is positive, `alpha_star = -dᵀg / dᵀHd`, where the
/// model is lowest along d, in units of d. 1: the step landed on that minimum; 2: it went half as
/// far; 0.5: twice as far; below 0: it went uphill.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepModel {
    /// Where the step started.
    pub from: Point,
    /// The step d.
    pub step: [f64; 2],
    /// The gradient g where the step started.
    pub gradient: [f64; 2],
    /// dᵀHd / dᵀd: the objective's second derivative along the step.
    pub curvature: f64,
    /// None where the curvature is not positive: the model has no minimum along d.
    pub alpha_star: Option<f64>,
    /// The angle between d and the steepest descent -g, in degrees: 0 for gradient descent,
    /// above 90 for a step uphill. None where the gradient is zero.
    pub angle_to_descent: Option<f64>,
}

impl Racer {
    pub fn new(spec: RacerSpec, objective: &Objective, start: Point, finish: &Finish) -> Racer {
        let stepper = spec.optimizer().start(&start);
        let finish = finish.clone();
        let mut racer = Racer {
            spec,
            stepper,
            schedule: None,
            evaluations: 0,
            position: start,
            loss: 0.0,
            step: 0,
            diverged_at: None,
            singular_at: None,
            arrival: None,
            finish,
            previous: None,
        };
        racer.reset(objective, start);
        racer
    }

    /// The learning rate its next step uses (as its scheduler has set it).
    pub fn lr(&mut self) -> f64 {
        *self.stepper.lr_mut()
    }

    pub fn status(&self) -> Status {
        if self.diverged_at.is_some() {
            Status::Diverged
        } else if self.singular_at.is_some() {
            Status::Singular
        } else {
            Status::Ok
        }
    }

    /// Whether it stopped (diverged, singular, or an external racer at its last point): it
    /// takes no more steps.
    pub fn stopped(&self) -> bool {
        self.diverged_at.is_some() || self.singular_at.is_some() || self.stepper.ended()
    }

    /// The step it stopped at, once stopped: where it diverged, had no step, or ended.
    fn stopped_at(&self) -> Option<u64> {
        self.diverged_at
            .or(self.singular_at)
            .or_else(|| self.stepper.ended().then_some(self.step))
    }

    /// The step of the race it stands at when the race's clock reads `clock`: its own step, or
    /// the clock once it stopped (it stays where it stopped).
    pub fn step_at(&self, clock: u64) -> u64 {
        if self.stopped() {
            clock.max(self.step)
        } else {
            self.step
        }
    }

    /// The optimizer's state as named values.
    pub fn inspect(&self) -> Vec<Entry> {
        self.stepper.inspect()
    }

    /// The last step against the local quadratic model where it started (see [`StepModel`]);
    /// None before the first step or after a step of zero length.
    pub fn step_model(&self, objective: &Objective) -> Option<StepModel> {
        let from = self.previous?;
        let d = [self.position[0] - from[0], self.position[1] - from[1]];
        let dd = d[0] * d[0] + d[1] * d[1];
        if dd == 0.0 {
            return None;
        }
        let g = objective.gradient(from);
        let [a, b, c, e] = objective.hessian(from);
        let dhd = d[0] * (a * d[0] + b * d[1]) + d[1] * (c * d[0] + e * d[1]);
        let dg = d[0] * g[0] + d[1] * g[1];
        let curvature = dhd / dd;
        let alpha_star = (dhd > 0.0).then(|| -dg / dhd).filter(|a| a.is_finite());
        let gg = g[0] * g[0] + g[1] * g[1];
        let angle_to_descent = (gg > 0.0)
            .then(|| arc_cos((-dg / (dd.sqrt() * gg.sqrt())).clamp(-1.0, 1.0)).to_degrees())
            .filter(|a| a.is_finite());
        curvature.is_finite().then_some(StepModel {
            from,
            step: d,
            gradient: g,
            curvature,
            alpha_star,
            angle_to_descent,
        })
    }

    /// Starts over from `start` (an external racer from its own first point) with a fresh
    /// optimizer state.
    pub fn reset(&mut self, objective: &Objective, start: Point) {
        let start = self.spec.start_from(start);
        self.stepper.reset(&start);
        self.schedule =
            self.spec
                .schedule
                .as_ref()
                .map(|s| match Scheduled::start(s, &mut *self.stepper) {
                    Ok(s) => s,
                    Err(e) => unreachable!("racer spec was validated: {e}"),
                });
        self.evaluations = 0;
        self.position = start;
        self.loss = objective.value(start);
        self.step = 0;
        self.diverged_at = None;
        self.singular_at = None;
        self.previous = None;
        if !is_sane(start, self.loss) {
            self.diverged_at = Some(0);
        }
        self.arrival = self.finish.arrival(0, start);
    }

    /// Takes up to `n` steps, calling `visit(step, point, loss)` for every new finite point.
    /// Returns the number of steps taken (fewer than `n` when the racer diverges).
    pub fn advance(
        &mut self,
        objective: &Objective,
        n: u64,
        mut visit: impl FnMut(u64, Point, f64),
    ) -> u64 {
        self.advance_visits(objective, n, |v| visit(v.step, v.point, v.loss))
    }

    /// As [`Racer::advance`], with everything each step did ([`Visit`]).
    pub fn advance_visits(
        &mut self,
        objective: &Objective,
        n: u64,
        mut visit: impl FnMut(&Visit),
    ) -> u64 {
        for taken in 0..n {
            if self.stopped() {
                return taken;
            }
            let p = self.position;
            let lr = self.lr();
            let mut next = p;
            self.evaluations += self.step_once(objective, &mut next);
            if let Some(s) = &mut self.schedule {
                // ReduceLROnPlateau watches the noise-free loss where the step's gradient was taken.
                s.step(&mut *self.stepper, self.loss);
            }
            let step = self.step + 1;
            if self.stepper.undefined() {
                self.singular_at = Some(step);
                return taken;
            }
            let loss = if next.iter().all(|c| c.is_finite()) {
                objective.value(next)
            } else {
                f64::NAN
            };
            if !is_sane(next, loss) {
                self.diverged_at = Some(step);
                return taken;
            }
            self.previous = Some(p);
            self.position = next;
            self.loss = loss;
            self.step = step;
            if self.arrival.is_none() {
                self.arrival = self.finish.arrival(step, next);
            }
            visit(&Visit {
                step,
                point: next,
                loss,
                lr,
                evaluations: self.evaluations,
            });
        }
        n
    }

    /// Its next step from where it stands, piece by piece, without taking it: the derivatives
    /// it would get, its optimizer's update on a copy of its state.
    pub fn explain_next(&self, objective: &Objective) -> Explained {
        let s = &*self.stepper;
        let (needs_hessian, needs_closure) = (s.needs_hessian(), s.needs_closure());
        with_derivatives(
            needs_hessian,
            needs_closure,
            objective,
            self.spec.clip,
            self.step,
            self.position,
            |d| s.explain(&self.position, d),
        )
        .0
    }

    /// One optimizer step from `next`, the racer's position; returns the evaluations it made.
    fn step_once(&mut self, objective: &Objective, next: &mut Point) -> u64 {
        step(
            &mut *self.stepper,
            objective,
            self.spec.clip,
            self.step,
            next,
        )
    }
}

/// One step of `stepper` from `p`, iterate `k` of a race on `objective`, as a racer takes it: the
/// gradient it sees (scaled, noisy, clipped), and the Hessian or the objective again where the
/// optimizer asks for them (every evaluation within the step sees step k's noise: the same
/// mini-batch). Returns the evaluations made: 1, more for L-BFGS.
pub fn step(
    stepper: &mut dyn Stepper,
    objective: &Objective,
    clip: Clip,
    k: u64,
    p: &mut Point,
) -> u64 {
    let (needs_hessian, needs_closure) = (stepper.needs_hessian(), stepper.needs_closure());
    let ((), evaluations) =
        with_derivatives(needs_hessian, needs_closure, objective, clip, k, *p, |d| {
            stepper.step(p, d)
        });
    evaluations
}

/// Hands `then` the derivatives step `k` of a race on `objective` gets at `at`, as [`step`]
/// describes them; returns what it returns and the evaluations made (1, and one more for each
/// call of the closure).
fn with_derivatives<R>(
    needs_hessian: bool,
    needs_closure: bool,
    objective: &Objective,
    clip: Clip,
    k: u64,
    at: Point,
    then: impl FnOnce(&Derivatives) -> R,
) -> (R, u64) {
    let gradient = |q: Point| {
        let mut g = objective.observed_gradient(q, k);
        clip.apply(&mut g);
        g
    };
    let grad = gradient(at);
    let hessian = needs_hessian.then(|| objective.hessian(at));
    let calls = Cell::new(0);
    let eval = |q: &[f64], g: &mut [f64]| {
        calls.set(calls.get() + 1);
        let q = [q[0], q[1]];
        g.copy_from_slice(&gradient(q));
        objective.batch_value(q, k)
    };
    let closure = needs_closure.then(|| Closure {
        loss: objective.batch_value(at, k),
        eval: &eval,
    });
    let out = then(&Derivatives {
        grad: &grad,
        hessian: hessian.as_ref().map(|h| &h[..]),
        closure,
    });
    (out, 1 + calls.get())
}

/// What one step of a racer did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Visit {
    pub step: u64,
    pub point: Point,
    pub loss: f64,
    /// The learning rate the step used.
    pub lr: f64,
    /// Evaluations of the objective so far, this step's included.
    pub evaluations: u64,
}

/// acos(c) for c in [-1, 1], as 2 atan(sqrt((1 - c) / (1 + c))): the core's one arc tangent
/// (math.rs has no acos: it was 20 KB of the browser's module for this one number). 0 at c = 1,
/// so a step along the steepest descent reads 0 degrees.
fn arc_cos(c: f64) -> f64 {
    2.0 * atan(((1.0 - c) / (1.0 + c)).sqrt())
}

fn is_sane(p: Point, loss: f64) -> bool {
    p.iter()
        .all(|c| c.is_finite() && c.abs() <= DIVERGENCE_LIMIT)
        && loss.is_finite()
}

/// Every racer of a spec on its landscape, and the race's clock.
pub struct Race {
    /// The landscape as specified, and where the racers start as specified (None: its default).
    pub landscape: LandscapeSpec,
    start_spec: Option<Point>,
    pub objective: Objective,
    /// The landscape's default view and known critical points.
    pub default_view: View,
    pub marks: Vec<Mark>,
    pub finish: Finish,
    pub start: Point,
    pub racers: Vec<Racer>,
    /// The race's step: every racer has taken this many steps, has stopped before, or is behind
    /// and is caught up to it ([`Race::catch_up`]) before the clock moves on.
    pub clock: u64,
}

/// Racer steps a racer behind the clock takes before the next one's turn: racers caught up a
/// few frames at a time move up together.
const CATCH_UP_TURN: u64 = 256;

/// What [`Race::apply`] did to the racers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// For each racer of the new spec, the index it had before when it was kept (its step,
    /// state and path as they were, only its label or colour perhaps new); None when it is new
    /// or its settings changed, so it starts over and is behind the clock.
    pub kept: Vec<Option<usize>>,
    /// Racers (new indices) sent back to the start because the clock went back (the new stop
    /// step lies behind it); they are behind the clock too.
    pub rewound: Vec<usize>,
    /// The landscape, its parameters or the start changed: every racer starts over.
    pub landscape: bool,
}

impl Applied {
    /// Whether racer `i` (of the new spec) starts over: its path so far is gone.
    pub fn restarted(&self, i: usize) -> bool {
        self.kept[i].is_none() || self.rewound.contains(&i)
    }
}

impl Race {
    pub fn new(spec: &RunSpec) -> Race {
        let built = spec.landscape.build();
        let start = spec.start_point(&built);
        let Built { f, view, marks, .. } = built;
        let objective = spec.landscape.objective(f);
        let finish = if objective.noise.is_none() {
            Finish::new(&marks, &view)
        } else {
            Finish::unreachable(&view)
        };
        let racers = spec
            .racers
            .iter()
            .map(|r| Racer::new(r.clone(), &objective, start, &finish))
            .collect();
        Race {
            landscape: spec.landscape.clone(),
            start_spec: spec.start,
            objective,
            default_view: view,
            marks,
            finish,
            start,
            racers,
            clock: 0,
        }
    }

    /// The racers behind the clock (not stopped, fewer steps than the clock).
    pub fn behind(&self) -> impl Iterator<Item = (usize, &Racer)> + '_ {
        self.racers
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.stopped() && r.step < self.clock)
    }

    /// Whether every racer is at the clock or stopped before it.
    pub fn in_step(&self) -> bool {
        self.behind().next().is_none()
    }

    /// Steps the racers behind the clock toward it, about `budget` racer steps in all, taking
    /// turns; `visit(racer, step, point, loss)` sees every new finite point. True once every
    /// racer is in step.
    pub fn catch_up(&mut self, budget: u64, mut visit: impl FnMut(usize, u64, Point, f64)) -> bool {
        self.catch_up_visits(budget, |i, v| visit(i, v.step, v.point, v.loss))
    }

    /// As [`Race::catch_up`], with everything each step did ([`Visit`]).
    pub fn catch_up_visits(
        &mut self,
        mut budget: u64,
        mut visit: impl FnMut(usize, &Visit),
    ) -> bool {
        let (objective, clock) = (&self.objective, self.clock);
        while budget > 0 {
            let mut moved = false;
            for (i, r) in self.racers.iter_mut().enumerate() {
                if r.stopped() || r.step >= clock || budget == 0 {
                    continue;
                }
                let n = (clock - r.step).min(CATCH_UP_TURN).min(budget);
                r.advance_visits(objective, n, |v| visit(i, v));
                budget -= n;
                moved = true;
            }
            if !moved {
                break;
            }
        }
        self.in_step()
    }

    /// Moves the clock `n` steps on and steps every racer there.
    pub fn advance(&mut self, n: u64, visit: impl FnMut(usize, u64, Point, f64)) {
        self.clock = self.clock.saturating_add(n);
        self.catch_up(u64::MAX, visit);
    }

    /// As [`Race::advance`], with everything each step did ([`Visit`]).
    pub fn advance_visits(&mut self, n: u64, visit: impl FnMut(usize, &Visit)) {
        self.clock = self.clock.saturating_add(n);
        self.catch_up_visits(u64::MAX, visit);
    }

    /// Sets the clock to `step`. Going back sends the racers that were past it back to the
    /// start (they are then behind it, to be caught up: doubles take no step back); returns
    /// those racers' indices.
    pub fn seek(&mut self, step: u64) -> Vec<usize> {
        let mut rewound = Vec::new();
        if step < self.clock {
            let (objective, start) = (&self.objective, self.start);
            for (i, r) in self.racers.iter_mut().enumerate() {
                // Still before `step`: a racer that has not got there, or stopped before it.
                let stopped_by = r.stopped_at().is_some_and(|k| k <= step);
                if r.step > step || (r.stopped() && !stopped_by) {
                    r.reset(objective, start);
                    rewound.push(i);
                }
            }
        }
        self.clock = step;
        rewound
    }

    /// Every racer back to the start, the clock at 0.
    pub fn reset(&mut self) {
        let (objective, start) = (&self.objective, self.start);
        self.racers
            .iter_mut()
            .for_each(|r| r.reset(objective, start));
        self.clock = 0;
    }

    /// Takes a new spec, keeping the clock (or moving it back to the spec's stop step when that
    /// lies behind it). A new landscape, landscape parameter or start restarts every racer; else
    /// the racers are matched to the new list in order by optimizer and settings (so a
    /// racer added, duplicated or removed leaves the others alone): matched ones are kept, bit
    /// for bit, with their new label and colour; the others start over. Racers that start over
    /// are behind the clock until [`Race::catch_up`] replays them.
    pub fn apply(&mut self, spec: &RunSpec) -> Applied {
        let landscape = spec.landscape != self.landscape || spec.start != self.start_spec;
        let kept = if landscape {
            let clock = self.clock;
            *self = Race::new(spec);
            self.clock = clock;
            vec![None; spec.racers.len()]
        } else {
            let pairs = match_racers(&self.racers, &spec.racers);
            let mut old: Vec<Option<Racer>> = std::mem::take(&mut self.racers)
                .into_iter()
                .map(Some)
                .collect();
            let (objective, start, finish) = (&self.objective, self.start, &self.finish);
            let mut kept = Vec::with_capacity(spec.racers.len());
            for (j, new) in spec.racers.iter().enumerate() {
                let from = pairs.iter().find(|&&(_, b)| b == j).map(|&(a, _)| a);
                let racer = match from.and_then(|a| old[a].take()) {
                    Some(mut r) => {
                        r.spec = new.clone();
                        r
                    }
                    None => Racer::new(new.clone(), objective, start, finish),
                };
                kept.push(from);
                self.racers.push(racer);
            }
            kept
        };
        let rewound = if spec.steps < self.clock {
            self.seek(spec.steps)
        } else {
            Vec::new()
        };
        Applied {
            kept,
            rewound,
            landscape,
        }
    }
}

/// Which old racers become which new ones: pairs (old, new), both in increasing order, of the
/// same optimizer, hyperparameters, clipping and scheduler. The most such pairs, and among those the most whose
/// label and colour are the same too (so a duplicate, which differs only in those, is the new
/// one).
fn match_racers(old: &[Racer], new: &[RacerSpec]) -> Vec<(usize, usize)> {
    let weight = |a: &RacerSpec, b: &RacerSpec| {
        if a.info != b.info
            || a.hyper != b.hyper
            || a.clip != b.clip
            || a.schedule != b.schedule
            || a.trajectory != b.trajectory
        {
            0
        } else if a.label == b.label && a.color == b.color {
            3
        } else {
            2
        }
    };
    let (m, n) = (old.len(), new.len());
    // best[i][j]: the best total weight matching old[i..] with new[j..].
    let mut best = vec![vec![0u32; n + 1]; m + 1];
    for i in (0..m).rev() {
        for j in (0..n).rev() {
            let w = weight(&old[i].spec, &new[j]);
            let pair = if w > 0 { w + best[i + 1][j + 1] } else { 0 };
            best[i][j] = pair.max(best[i + 1][j]).max(best[i][j + 1]);
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < m && j < n {
        let w = weight(&old[i].spec, &new[j]);
        if w > 0 && best[i][j] == w + best[i + 1][j + 1] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if best[i][j] == best[i + 1][j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// One racer's full result, as `optiscape run` prints it.
#[derive(Serialize)]
pub struct RacerResult {
    pub name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub trajectory: Vec<Point>,
    pub loss: Vec<f64>,
    /// Evaluations of the objective and its gradient before each point of the trajectory (0 at
    /// the start, one a step, more for L-BFGS).
    pub evaluations: Vec<u64>,
    /// The learning rate each step used: `lr[k]` took point k to point k + 1. Empty for an
    /// external racer, which has none.
    pub lr: Vec<f64>,
    pub status: Status,
    pub diverged_at: Option<u64>,
    /// With [`Status::Singular`]: the step its optimizer could not take.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub singular_at: Option<u64>,
    pub arrival: Option<Arrival>,
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
    race.clock = race.clock.saturating_add(steps);
    let objective = &race.objective;
    let racers = race
        .racers
        .iter_mut()
        .map(|r| {
            let mut recording = Recording::from(r);
            r.advance_visits(objective, steps, |v| recording.visit(v));
            recording.result(r)
        })
        .collect();
    RunResult { racers }
}

/// The points a racer visits, as its [`RacerResult`] keeps them.
pub(crate) struct Recording {
    trajectory: Vec<Point>,
    loss: Vec<f64>,
    evaluations: Vec<u64>,
    lr: Vec<f64>,
    /// Whether the racer has a learning rate to record: an external racer has none, and its
    /// `lr` stays empty.
    has_lr: bool,
}

impl Recording {
    /// Where `r` stands (nothing once it diverged).
    pub(crate) fn from(r: &Racer) -> Recording {
        let mut recording = Recording {
            trajectory: Vec::new(),
            loss: Vec::new(),
            evaluations: Vec::new(),
            lr: Vec::new(),
            has_lr: r.spec.lr().is_some(),
        };
        if r.diverged_at.is_none() {
            recording.trajectory.push(r.position);
            recording.loss.push(r.loss);
            recording.evaluations.push(r.evaluations);
        }
        recording
    }

    /// Adds a visit, with the learning rate its step used when the racer has one.
    pub(crate) fn visit(&mut self, v: &Visit) {
        self.trajectory.push(v.point);
        self.loss.push(v.loss);
        self.evaluations.push(v.evaluations);
        if self.has_lr {
            self.lr.push(v.lr);
        }
    }

    /// `r`'s result: the points recorded and where it stands now.
    pub(crate) fn result(self, r: &Racer) -> RacerResult {
        RacerResult {
            name: r.spec.info.name,
            label: r.spec.label.clone(),
            trajectory: self.trajectory,
            loss: self.loss,
            evaluations: self.evaluations,
            lr: self.lr,
            status: r.status(),
            diverged_at: r.diverged_at,
            singular_at: r.singular_at,
            arrival: r.arrival,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn race(spec: &str) -> Race {
        Race::new(&RunSpec::parse(spec).unwrap())
    }

    #[test]
    fn newton_lands_on_the_quadratic_models_minimum() {
        // On a quadratic the model is the function: Newton's full step is its minimum (alpha* 1),
        // a half step goes half as far (2), on Rosenbrock too, where the model is local.
        for (landscape, lr, want) in [
            ("quadratic", 1.0, 1.0),
            ("quadratic", 0.5, 2.0),
            ("rosenbrock", 1.0, 1.0),
            ("rosenbrock", 0.25, 4.0),
        ] {
            let mut r = race(&format!(
                r#"{{"landscape": {{"name": "{landscape}"}}, "racers": [{{"name": "newton", "lr": {lr}}}]}}"#
            ));
            let objective = &r.objective;
            let racer = &mut r.racers[0];
            assert_eq!(racer.step_model(objective), None, "no step yet");
            racer.advance(objective, 1, |_, _, _| {});
            let m = racer.step_model(objective).unwrap();
            let alpha = m.alpha_star.unwrap();
            assert!(
                (alpha - want).abs() < 1e-9 * want,
                "{landscape} lr {lr}: alpha* {alpha}"
            );
            assert!(m.curvature > 0.0);
        }
    }

    #[test]
    fn gradient_descent_against_its_model() {
        // Gradient descent steps d = -lr g, so alpha* = gᵀg / (lr gᵀHg), with the gradient and
        // Hessian where the step started (here a scaled quadratic, off its axes).
        let mut r = race(
            r#"{"landscape": {"name": "quadratic", "scale": 3}, "start": [1.5, -0.7], "racers": [{"name": "sgd", "lr": 0.01}]}"#,
        );
        let objective = &r.objective;
        let start = r.start;
        let g = objective.gradient(start);
        let [a, b, c, e] = objective.hessian(start);
        let ghg = g[0] * (a * g[0] + b * g[1]) + g[1] * (c * g[0] + e * g[1]);
        let gg = g[0] * g[0] + g[1] * g[1];
        let racer = &mut r.racers[0];
        racer.advance(objective, 1, |_, _, _| {});
        let m = racer.step_model(objective).unwrap();
        let want = gg / (0.01 * ghg);
        assert!(
            (m.alpha_star.unwrap() - want).abs() < 1e-9 * want,
            "{m:?} vs {want}"
        );
        assert!((m.curvature - ghg / gg).abs() < 1e-9 * m.curvature);
        // It steps straight down: at most rounding away from -g.
        assert!(m.angle_to_descent.unwrap() < 1e-6, "{m:?}");
        // A reset forgets the step.
        racer.reset(objective, start);
        assert_eq!(racer.step_model(objective), None);
    }

    #[test]
    fn no_minimum_along_a_direction_of_negative_curvature() {
        // On the saddle, a step straight down its falling direction (x = 0: y alone moves).
        let mut r = race(
            r#"{"landscape": {"name": "saddle"}, "start": [0, 0.05], "racers": [{"name": "sgd", "lr": 0.01}]}"#,
        );
        let objective = &r.objective;
        let racer = &mut r.racers[0];
        racer.advance(objective, 1, |_, _, _| {});
        let m = racer.step_model(objective).unwrap();
        assert!(m.curvature < 0.0, "{m:?}");
        assert_eq!(m.alpha_star, None);
    }

    /// The first point of `trajectory` within `radius` of a minimum among `marks`, found the
    /// plain way: every point against every mark.
    fn first_at_a_minimum(
        trajectory: &[Point],
        marks: &[Mark],
        radius: f64,
    ) -> Option<(u64, Point, bool)> {
        trajectory.iter().enumerate().find_map(|(k, p)| {
            let mut near: Vec<(f64, &Mark)> = marks
                .iter()
                .filter(|m| m.kind != MarkKind::Saddle)
                .map(|m| {
                    (
                        ((p[0] - m.at[0]) * (p[0] - m.at[0]) + (p[1] - m.at[1]) * (p[1] - m.at[1]))
                            .sqrt(),
                        m,
                    )
                })
                .filter(|(d, _)| *d <= radius)
                .collect();
            near.sort_by(|a, b| a.0.total_cmp(&b.0));
            near.first()
                .map(|(_, m)| (k as u64, m.at, m.kind == MarkKind::Global))
        })
    }

    #[test]
    fn an_arrival_is_the_first_point_of_the_trajectory_at_a_minimum() {
        // Global and local minima (Styblinski-Tang has one global and three local ones), a
        // saddle that does not count (SGD from y = 0 ends on it), racers that never get there.
        let specs = [
            r#"{"landscape": {"name": "rosenbrock"}, "steps": 2000, "racers": [{"name": "newton", "lr": 0.5}, {"name": "sgd", "lr": 0.001, "momentum": 0.9}, {"name": "adam", "lr": 0.05}, {"name": "sgd", "lr": 0.001}]}"#,
            r#"{"landscape": {"name": "styblinski_tang"}, "start": [0.5, -0.5], "steps": 400, "racers": [{"name": "sgd", "lr": 0.01}, {"name": "adam", "lr": 0.1}, {"name": "sgd", "lr": 0.01, "momentum": 0.9}]}"#,
            r#"{"landscape": {"name": "styblinski_tang"}, "start": [-0.5, -0.5], "steps": 400, "racers": [{"name": "sgd", "lr": 0.01}]}"#,
            r#"{"landscape": {"name": "saddle"}, "start": [1.5, 0.0], "steps": 300, "racers": [{"name": "sgd", "lr": 0.05}, {"name": "newton", "lr": 1}]}"#,
            r#"{"landscape": {"name": "himmelblau"}, "steps": 300, "racers": [{"name": "adam", "lr": 0.1}, {"name": "rmsprop", "lr": 0.01}]}"#,
        ];
        let (mut arrived, mut local) = (0, 0);
        for spec in specs {
            let parsed = RunSpec::parse(spec).unwrap();
            let race = Race::new(&parsed);
            let radius = race.finish.radius;
            let view = race.default_view;
            assert_eq!(
                radius,
                ARRIVAL_FRACTION
                    * ((view.x[1] - view.x[0]) * (view.x[1] - view.x[0])
                        + (view.y[1] - view.y[0]) * (view.y[1] - view.y[0]))
                        .sqrt()
            );
            for r in run(&parsed).racers {
                let want = first_at_a_minimum(&r.trajectory, &race.marks, radius);
                assert_eq!(
                    r.arrival.map(|a| (a.step, a.at, a.global)),
                    want,
                    "{spec}: {}",
                    r.name
                );
                arrived += usize::from(want.is_some());
                local += usize::from(want.is_some_and(|w| !w.2));
            }
        }
        assert!(
            arrived >= 5 && local >= 1,
            "the cases reach minima, one a local one: {arrived}, {local}"
        );
    }

    #[test]
    fn newton_arrives_in_one_full_step_on_the_quadratic_and_a_reset_forgets_it() {
        let mut r = race(
            r#"{"landscape": {"name": "quadratic"}, "racers": [{"name": "newton", "lr": 1}]}"#,
        );
        let (objective, start) = (&r.objective, r.start);
        let racer = &mut r.racers[0];
        assert_eq!(racer.arrival, None);
        racer.advance(objective, 3, |_, _, _| {});
        assert_eq!(
            racer.arrival,
            Some(Arrival {
                step: 1,
                at: [0.0, 0.0],
                global: true
            }),
            "and it stays the first step"
        );
        racer.reset(objective, start);
        assert_eq!(racer.arrival, None);
        // A start on the minimum is an arrival at step 0.
        let r = race(
            r#"{"landscape": {"name": "quadratic"}, "start": [0, 0], "racers": [{"name": "sgd"}]}"#,
        );
        assert_eq!(r.racers[0].arrival.map(|a| a.step), Some(0));
    }

    #[test]
    fn the_angle_of_a_step_to_steepest_descent() {
        // Newton on the quadratic f = (x² + κy²)/2 (condition κ) from (1, 1): the gradient is
        // (1, κ) and the step goes straight to the minimum, along (-1, -1), so the angle between
        // them is that of (1, 1) and (1, κ).
        let kappa = 10.0;
        let mut r = race(&format!(
            r#"{{"landscape": {{"name": "quadratic", "condition": {kappa}}}, "start": [1, 1], "racers": [{{"name": "newton", "lr": 0.5}}, {{"name": "adam", "lr": 0.1}}]}}"#
        ));
        let objective = &r.objective;
        let g = objective.gradient([1.0, 1.0]);
        assert!(
            (g[1] / g[0] - kappa).abs() < 1e-12,
            "the landscape is the quadratic assumed: {g:?}"
        );
        // src/math.rs has no acos: std's, for a reference angle compared to 1e-9 degrees.
        #[allow(clippy::disallowed_methods)]
        let want = ((1.0 + kappa) / (2.0f64.sqrt() * (1.0 + kappa * kappa).sqrt()))
            .acos()
            .to_degrees();
        for racer in &mut r.racers {
            racer.advance(objective, 1, |_, _, _| {});
        }
        let newton = r.racers[0].step_model(objective).unwrap();
        assert!(
            (newton.angle_to_descent.unwrap() - want).abs() < 1e-9,
            "{newton:?} vs {want}"
        );
        // Adam's first step is lr * sign(g) per coordinate: along (-1, -1) too.
        let adam = r.racers[1].step_model(objective).unwrap();
        assert!(
            (adam.angle_to_descent.unwrap() - want).abs() < 1e-6,
            "{adam:?} vs {want}"
        );
        assert!(want > 30.0, "far from the gradient's direction: {want}");
    }
    /// Every racer's position, loss, step, status and optimizer state: what "kept bit for bit"
    /// compares.
    fn snapshot(r: &Racer) -> (u64, [u64; 2], u64, Status, String) {
        (
            r.step,
            r.position.map(f64::to_bits),
            r.loss.to_bits(),
            r.status(),
            format!("{:?}", r.inspect()),
        )
    }

    fn spec_with(racers: &str, steps: u64) -> RunSpec {
        RunSpec::parse(&format!(
            r#"{{"landscape": {{"name": "rosenbrock"}}, "steps": {steps}, "racers": [{racers}]}}"#
        ))
        .unwrap()
    }

    /// Racer i of `spec` after `k` steps, raced alone from the start.
    fn alone(spec: &RunSpec, i: usize, k: u64) -> (u64, [u64; 2], u64, Status, String) {
        let mut solo = spec.clone();
        solo.racers = vec![spec.racers[i].clone()];
        let mut race = Race::new(&solo);
        race.advance(k, |_, _, _, _| {});
        snapshot(&race.racers[0])
    }

    const A: &str = r#"{"name": "adam", "lr": 0.05}"#;
    const B: &str = r#"{"name": "sgd", "lr": 0.001, "momentum": 0.9}"#;
    const C: &str = r#"{"name": "sgd", "lr": 0.01}"#;
    const D: &str = r#"{"name": "newton", "lr": 0.5}"#;

    #[test]
    fn one_clock_edits_replay_only_what_changed() {
        let spec = spec_with(&[A, B, C, D].join(","), 3000);
        let mut race = Race::new(&spec);
        race.advance(700, |_, _, _, _| {});
        assert_eq!(
            race.racers[2].status(),
            Status::Diverged,
            "the third diverges before step 700"
        );
        let before: Vec<_> = race.racers.iter().map(snapshot).collect();
        // Duplicate B (a copy after it, new label and colour), change D's lr, remove C.
        let copy = r##"{"name": "sgd", "lr": 0.001, "momentum": 0.9, "label": "copy", "color": "#123456"}"##;
        let edited = spec_with(
            &[A, B, copy, r#"{"name": "newton", "lr": 0.25}"#].join(","),
            3000,
        );
        let applied = race.apply(&edited);
        assert_eq!(
            applied,
            Applied {
                kept: vec![Some(0), Some(1), None, None],
                rewound: vec![],
                landscape: false
            }
        );
        assert_eq!(snapshot(&race.racers[0]), before[0]);
        assert_eq!(snapshot(&race.racers[1]), before[1]);
        assert_eq!(race.racers[2].spec.label.as_deref(), Some("copy"));
        assert_eq!(race.racers[2].step, 0);
        assert!(!race.in_step() && race.behind().count() == 2);
        // Caught up in small budgets, they stand where racing from the start takes them.
        let mut seen = vec![0u64; 4];
        while !race.catch_up(97, |i, k, _, _| {
            assert_eq!(k, seen[i] + 1, "racer {i} visits every step once, in order");
            seen[i] = k;
        }) {}
        assert_eq!(seen, vec![0, 0, 700, 700]);
        for i in 0..4 {
            assert_eq!(
                snapshot(&race.racers[i]),
                alone(&edited, i, 700),
                "racer {i}"
            );
        }
        assert_eq!(race.clock, 700);
        // A label or colour only: nothing restarts.
        let mut relabelled = edited.clone();
        relabelled.racers[0].label = Some("A".into());
        relabelled.racers[3].color = Some("#abcdef".into());
        assert_eq!(
            race.apply(&relabelled).kept,
            vec![Some(0), Some(1), Some(2), Some(3)]
        );
        assert!(race.in_step());
    }

    #[test]
    fn a_stop_below_the_clock_seeks_back_and_the_landscape_restarts_everyone() {
        let spec = spec_with(&[A, B, C].join(","), 3000);
        let mut race = Race::new(&spec);
        race.advance(500, |_, _, _, _| {});
        let diverged_at = race.racers[2].diverged_at.unwrap();
        assert!(diverged_at < 300);
        let mut shorter = spec.clone();
        shorter.steps = 300;
        let applied = race.apply(&shorter);
        // The third racer diverged before step 300: it stays as it was.
        assert_eq!(
            applied,
            Applied {
                kept: vec![Some(0), Some(1), Some(2)],
                rewound: vec![0, 1],
                landscape: false
            }
        );
        assert!(applied.restarted(0) && !applied.restarted(2));
        assert_eq!(race.clock, 300);
        race.catch_up(u64::MAX, |_, _, _, _| {});
        for i in 0..3 {
            assert_eq!(snapshot(&race.racers[i]), alone(&shorter, i, 300));
            assert_eq!(
                race.racers[i].step_at(race.clock),
                300,
                "every racer stands at the clock"
            );
        }
        // A scale changes every racer's race: all start over and are caught up to the clock.
        let mut scaled = shorter.clone();
        scaled.landscape = LandscapeSpec::from_fields(
            "rosenbrock",
            serde_json::json!({"scale": 2}).as_object().unwrap().clone(),
        )
        .unwrap();
        let applied = race.apply(&scaled);
        assert!(applied.landscape && applied.kept == vec![None; 3]);
        assert_eq!(race.clock, 300);
        race.catch_up(u64::MAX, |_, _, _, _| {});
        for i in 0..3 {
            assert_eq!(snapshot(&race.racers[i]), alone(&scaled, i, 300));
        }
        // Seeking forward and back is the same as racing there.
        race.seek(420);
        race.catch_up(u64::MAX, |_, _, _, _| {});
        assert_eq!(snapshot(&race.racers[0]), alone(&scaled, 0, 420));
        race.seek(10);
        assert!(!race.in_step());
        race.catch_up(u64::MAX, |_, _, _, _| {});
        assert_eq!(snapshot(&race.racers[1]), alone(&scaled, 1, 10));
        race.reset();
        assert_eq!((race.clock, race.racers[0].step), (0, 0));
    }

    #[test]
    fn racers_are_matched_in_order_by_settings() {
        let r = |text: &str| {
            RacerSpec::deserialize(serde_json::from_str::<serde_json::Value>(text).unwrap())
                .unwrap()
        };
        let race = Race::new(&spec_with(&[A, B, A, C].join(","), 10));
        // The first racer removed: the others are kept, in order (the two A are the same race,
        // so either could stay).
        let pairs = match_racers(&race.racers, &[r(B), r(A), r(C)]);
        assert_eq!(pairs, vec![(1, 0), (2, 1), (3, 2)]);
        // Reversed lists keep one racer.
        assert_eq!(match_racers(&race.racers, &[r(C), r(B)]).len(), 1);
        assert!(match_racers(&race.racers, &[]).is_empty());
    }

    #[test]
    fn noisy_gradients_arrive_nowhere() {
        let quiet = race(
            r#"{"landscape": {"name": "quadratic"}, "start": [0, 0], "racers": [{"name": "sgd"}]}"#,
        );
        assert!(quiet.racers[0].arrival.is_some());
        let mut noisy = race(
            r#"{"landscape": {"name": "quadratic", "noise": 0.01}, "start": [0, 0], "racers": [{"name": "sgd", "lr": 0.01}]}"#,
        );
        noisy.advance(200, |_, _, _, _| {});
        assert_eq!(noisy.racers[0].arrival, None);
    }

    #[test]
    fn textbook_newton_stops_where_the_hessian_is_singular() {
        // sin(x) cos(y) at (1.9, 1.9): the Hessian is singular. The safeguarded Newton takes a
        // gradient step; textbook Newton has no step and stops there, at a finite point.
        let spec = r#"{"landscape": {"name": "custom", "f": "sin(x) cos(y)"}, "steps": 20, "racers": [{"name": "newton"}, {"name": "newton", "fallback": null}]}"#;
        let result = run(&RunSpec::parse(spec).unwrap());
        let [safe, textbook] = [&result.racers[0], &result.racers[1]];
        assert_eq!((safe.status, safe.trajectory.len()), (Status::Ok, 21));
        assert_eq!(
            (textbook.status, textbook.singular_at, textbook.diverged_at),
            (Status::Singular, Some(1), None)
        );
        assert_eq!(textbook.trajectory, vec![[1.9, 1.9]]);
        let mut r = race(spec);
        r.advance(5, |_, _, _, _| {});
        assert_eq!(r.racers[1].step_at(r.clock), 5);
        assert_eq!(serde_json::to_value(Status::Singular).unwrap(), "singular");
    }
}
