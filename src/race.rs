//! Racing optimizers on one landscape from one start.
//!
//! Every racer owns its optimizer state and its position; a step asks the objective for exactly
//! the derivatives that racer needs. A racer whose iterate or loss becomes non-finite, or whose
//! coordinates pass [`DIVERGENCE_LIMIT`] in magnitude, stops: it keeps its last finite point and
//! records the step at which it diverged, while the others carry on. A racer that comes within
//! [`ARRIVAL_FRACTION`] of the landscape's default view diagonal of a known minimum has arrived
//! there: the first such step is its [`Arrival`], and it keeps stepping.

use crate::landscape::{Built, Mark, MarkKind, Objective, Point, View};
use crate::optim::{Closure, Derivatives, Entry, Stepper};
use crate::schedule::Scheduled;
use crate::spec::{Clip, RacerSpec, RunSpec};
use std::cell::Cell;
use serde::Serialize;

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
        let minima = marks.iter().filter(|m| m.kind != MarkKind::Saddle).map(|m| (m.at, m.kind == MarkKind::Global)).collect();
        let radius = ARRIVAL_FRACTION * (view.x[1] - view.x[0]).hypot(view.y[1] - view.y[0]);
        Finish { minima, radius }
    }

    /// The arrival at `step` if `p` is within the radius of a minimum (the nearest one). Runs
    /// every step of a racer that has not arrived: squared distances, no square root.
    fn arrival(&self, step: u64, p: Point) -> Option<Arrival> {
        let r2 = self.radius * self.radius;
        self.minima
            .iter()
            .map(|&(at, global)| ((p[0] - at[0]).powi(2) + (p[1] - at[1]).powi(2), at, global))
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
        } else {
            Status::Ok
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
            .then(|| (-dg / (dd.sqrt() * gg.sqrt())).clamp(-1.0, 1.0).acos().to_degrees())
            .filter(|a| a.is_finite());
        curvature.is_finite().then_some(StepModel { from, step: d, gradient: g, curvature, alpha_star, angle_to_descent })
    }

    /// Starts over from `start` with a fresh optimizer state.
    pub fn reset(&mut self, objective: &Objective, start: Point) {
        self.stepper.reset(&start);
        self.schedule = self.spec.schedule.as_ref().map(|s| match Scheduled::start(s, &mut *self.stepper) {
            Ok(s) => s,
            Err(e) => unreachable!("racer spec was validated: {e}"),
        });
        self.evaluations = 0;
        self.position = start;
        self.loss = objective.value(start);
        self.step = 0;
        self.diverged_at = None;
        self.previous = None;
        if !is_sane(start, self.loss) {
            self.diverged_at = Some(0);
        }
        self.arrival = self.finish.arrival(0, start);
    }

    /// Takes up to `n` steps, calling `visit(step, point, loss)` for every new finite point.
    /// Returns the number of steps taken (fewer than `n` when the racer diverges).
    pub fn advance(&mut self, objective: &Objective, n: u64, mut visit: impl FnMut(u64, Point, f64)) -> u64 {
        self.advance_visits(objective, n, |v| visit(v.step, v.point, v.loss))
    }

    /// As [`Racer::advance`], with everything each step did ([`Visit`]).
    pub fn advance_visits(&mut self, objective: &Objective, n: u64, mut visit: impl FnMut(&Visit)) -> u64 {
        for taken in 0..n {
            if self.diverged_at.is_some() {
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
            let loss = if next.iter().all(|c| c.is_finite()) { objective.value(next) } else { f64::NAN };
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
            visit(&Visit { step, point: next, loss, lr, evaluations: self.evaluations });
        }
        n
    }

    /// One optimizer step from `next`, the racer's position; returns the evaluations it made.
    fn step_once(&mut self, objective: &Objective, next: &mut Point) -> u64 {
        step(&mut *self.stepper, objective, self.spec.clip, self.step, next)
    }
}

/// One step of `stepper` from `p`, iterate `k` of a race on `objective`, as a racer takes it: the
/// gradient it sees (scaled, noisy, clipped), and the Hessian or the objective again where the
/// optimizer asks for them (every evaluation within the step sees step k's noise: the same
/// mini-batch). Returns the evaluations made: 1, more for L-BFGS.
pub fn step(stepper: &mut dyn Stepper, objective: &Objective, clip: Clip, k: u64, p: &mut Point) -> u64 {
    let gradient = |q: Point| {
        let mut g = objective.observed_gradient(q, k);
        clip.apply(&mut g);
        g
    };
    let at = *p;
    let grad = gradient(at);
    let hessian = stepper.needs_hessian().then(|| objective.hessian(at));
    let calls = Cell::new(0);
    let eval = |q: &[f64], g: &mut [f64]| {
        calls.set(calls.get() + 1);
        let q = [q[0], q[1]];
        g.copy_from_slice(&gradient(q));
        objective.batch_value(q, k)
    };
    let closure = stepper.needs_closure().then(|| Closure { loss: objective.batch_value(at, k), eval: &eval });
    stepper.step(p, &Derivatives { grad: &grad, hessian: hessian.as_ref().map(|h| &h[..]), closure });
    1 + calls.get()
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

fn is_sane(p: Point, loss: f64) -> bool {
    p.iter().all(|c| c.is_finite() && c.abs() <= DIVERGENCE_LIMIT) && loss.is_finite()
}

/// Every racer of a spec on its landscape.
pub struct Race {
    pub objective: Objective,
    /// The landscape's default view and known critical points.
    pub default_view: View,
    pub marks: Vec<Mark>,
    pub finish: Finish,
    pub start: Point,
    pub racers: Vec<Racer>,
}

impl Race {
    pub fn new(spec: &RunSpec) -> Race {
        let Built { f, view, start, marks } = spec.landscape.build();
        let start = spec.start.unwrap_or(start);
        let objective = spec.landscape.objective(f);
        let finish = Finish::new(&marks, &view);
        let racers = spec.racers.iter().map(|r| Racer::new(r.clone(), &objective, start, &finish)).collect();
        Race { objective, default_view: view, marks, finish, start, racers }
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
    /// Evaluations of the objective and its gradient before each point of the trajectory (0 at
    /// the start, one a step, more for L-BFGS).
    pub evaluations: Vec<u64>,
    /// The learning rate each step used: `lr[k]` took point k to point k + 1.
    pub lr: Vec<f64>,
    pub status: Status,
    pub diverged_at: Option<u64>,
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
    let objective = &race.objective;
    let racers = race
        .racers
        .iter_mut()
        .map(|r| {
            let (mut trajectory, mut loss, mut evaluations, mut lr) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            if r.diverged_at.is_none() {
                trajectory.push(r.position);
                loss.push(r.loss);
                evaluations.push(r.evaluations);
            }
            r.advance_visits(objective, steps, |v| {
                trajectory.push(v.point);
                loss.push(v.loss);
                evaluations.push(v.evaluations);
                lr.push(v.lr);
            });
            RacerResult {
                name: r.spec.info.name,
                label: r.spec.label.clone(),
                trajectory,
                loss,
                evaluations,
                lr,
                status: r.status(),
                diverged_at: r.diverged_at,
                arrival: r.arrival,
            }
        })
        .collect();
    RunResult { racers }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn race(spec: &str) -> Race {
        Race::new(&RunSpec::parse(spec).unwrap())
    }

    #[test]
    fn newton_lands_on_the_quadratic_models_minimum() {
        // On a quadratic the model is the function: Newton's full step is its minimum (alpha* 1),
        // a half step goes half as far (2), on Rosenbrock too, where the model is local.
        for (landscape, lr, want) in [("quadratic", 1.0, 1.0), ("quadratic", 0.5, 2.0), ("rosenbrock", 1.0, 1.0), ("rosenbrock", 0.25, 4.0)] {
            let mut r = race(&format!(r#"{{"landscape": {{"name": "{landscape}"}}, "racers": [{{"name": "newton", "lr": {lr}}}]}}"#));
            let objective = &r.objective;
            let racer = &mut r.racers[0];
            assert_eq!(racer.step_model(objective), None, "no step yet");
            racer.advance(objective, 1, |_, _, _| {});
            let m = racer.step_model(objective).unwrap();
            let alpha = m.alpha_star.unwrap();
            assert!((alpha - want).abs() < 1e-9 * want, "{landscape} lr {lr}: alpha* {alpha}");
            assert!(m.curvature > 0.0);
        }
    }

    #[test]
    fn gradient_descent_against_its_model() {
        // Gradient descent steps d = -lr g, so alpha* = gᵀg / (lr gᵀHg), with the gradient and
        // Hessian where the step started (here a scaled quadratic, off its axes).
        let mut r = race(r#"{"landscape": {"name": "quadratic", "scale": 3}, "start": [1.5, -0.7], "racers": [{"name": "sgd", "lr": 0.01}]}"#);
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
        assert!((m.alpha_star.unwrap() - want).abs() < 1e-9 * want, "{m:?} vs {want}");
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
        let mut r = race(r#"{"landscape": {"name": "saddle"}, "start": [0, 0.05], "racers": [{"name": "sgd", "lr": 0.01}]}"#);
        let objective = &r.objective;
        let racer = &mut r.racers[0];
        racer.advance(objective, 1, |_, _, _| {});
        let m = racer.step_model(objective).unwrap();
        assert!(m.curvature < 0.0, "{m:?}");
        assert_eq!(m.alpha_star, None);
    }

    /// The first point of `trajectory` within `radius` of a minimum among `marks`, found the
    /// plain way: every point against every mark.
    fn first_at_a_minimum(trajectory: &[Point], marks: &[Mark], radius: f64) -> Option<(u64, Point, bool)> {
        trajectory.iter().enumerate().find_map(|(k, p)| {
            let mut near: Vec<(f64, &Mark)> = marks
                .iter()
                .filter(|m| m.kind != MarkKind::Saddle)
                .map(|m| (((p[0] - m.at[0]).powi(2) + (p[1] - m.at[1]).powi(2)).sqrt(), m))
                .filter(|(d, _)| *d <= radius)
                .collect();
            near.sort_by(|a, b| a.0.total_cmp(&b.0));
            near.first().map(|(_, m)| (k as u64, m.at, m.kind == MarkKind::Global))
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
            assert_eq!(radius, ARRIVAL_FRACTION * ((view.x[1] - view.x[0]).powi(2) + (view.y[1] - view.y[0]).powi(2)).sqrt());
            for r in run(&parsed).racers {
                let want = first_at_a_minimum(&r.trajectory, &race.marks, radius);
                assert_eq!(r.arrival.map(|a| (a.step, a.at, a.global)), want, "{spec}: {}", r.name);
                arrived += usize::from(want.is_some());
                local += usize::from(want.is_some_and(|w| !w.2));
            }
        }
        assert!(arrived >= 5 && local >= 1, "the cases reach minima, one a local one: {arrived}, {local}");
    }

    #[test]
    fn newton_arrives_in_one_full_step_on_the_quadratic_and_a_reset_forgets_it() {
        let mut r = race(r#"{"landscape": {"name": "quadratic"}, "racers": [{"name": "newton", "lr": 1}]}"#);
        let (objective, start) = (&r.objective, r.start);
        let racer = &mut r.racers[0];
        assert_eq!(racer.arrival, None);
        racer.advance(objective, 3, |_, _, _| {});
        assert_eq!(racer.arrival, Some(Arrival { step: 1, at: [0.0, 0.0], global: true }), "and it stays the first step");
        racer.reset(objective, start);
        assert_eq!(racer.arrival, None);
        // A start on the minimum is an arrival at step 0.
        let r = race(r#"{"landscape": {"name": "quadratic"}, "start": [0, 0], "racers": [{"name": "sgd"}]}"#);
        assert_eq!(r.racers[0].arrival.map(|a| a.step), Some(0));
    }

    #[test]
    fn the_angle_of_a_step_to_steepest_descent() {
        // Newton on the quadratic f = (x² + κy²)/2 (condition κ) from (1, 1): the gradient is
        // (1, κ) and the step goes straight to the minimum, along (-1, -1), so the angle between
        // them is that of (1, 1) and (1, κ).
        let kappa = 10.0;
        let mut r = race(&format!(r#"{{"landscape": {{"name": "quadratic", "condition": {kappa}}}, "start": [1, 1], "racers": [{{"name": "newton", "lr": 0.5}}, {{"name": "adam", "lr": 0.1}}]}}"#));
        let objective = &r.objective;
        let g = objective.gradient([1.0, 1.0]);
        assert!((g[1] / g[0] - kappa).abs() < 1e-12, "the landscape is the quadratic assumed: {g:?}");
        let want = ((1.0 + kappa) / (2.0f64.sqrt() * (1.0 + kappa * kappa).sqrt())).acos().to_degrees();
        for racer in &mut r.racers {
            racer.advance(objective, 1, |_, _, _| {});
        }
        let newton = r.racers[0].step_model(objective).unwrap();
        assert!((newton.angle_to_descent.unwrap() - want).abs() < 1e-9, "{newton:?} vs {want}");
        // Adam's first step is lr * sign(g) per coordinate: along (-1, -1) too.
        let adam = r.racers[1].step_model(objective).unwrap();
        assert!((adam.angle_to_descent.unwrap() - want).abs() < 1e-6, "{adam:?} vs {want}");
        assert!(want > 30.0, "far from the gradient's direction: {want}");
    }
}
