//! A learning-rate sweep: one racer raced again at learning rates across the lr slider's range
//! (1e-5 to 10, five per decade, and its own), everything else as set, and its loss after the
//! same number of steps at each. Where a curve is flat the optimizer forgives a badly chosen
//! learning rate; where it ends the racer diverged.
//!
//! It is the scale lesson in one picture: multiplying the objective by c moves plain gradient
//! descent's curve by a factor c along the lr axis (lr on c f takes the steps lr c takes on
//! f), while Adam's stays put, a factor c higher.

use crate::landscape::{Objective, Point};
use crate::math::{log10, powf};
use crate::race::{Finish, Race, Racer};
use crate::schema::sliders;
use crate::spec::{RacerSpec, RunSpec};
use crate::trace::TrailingMean;
use serde::Serialize;

/// A sweep stops here even when the race goes on longer: at most 2000 steps for each of its
/// learning rates.
pub const MAX_HORIZON: u64 = 2000;
/// Learning rates per decade of the grid.
pub const PER_DECADE: u32 = 5;

/// The learning rates every sweep tries: the lr slider's range, [`PER_DECADE`] per decade.
pub fn grid() -> Vec<f64> {
    let (lo, hi) = (
        log10(sliders::LR.min).round() as i32,
        log10(sliders::LR.max).round() as i32,
    );
    let n = (hi - lo) as u32 * PER_DECADE;
    (0..=n)
        .map(|k| {
            let (decade, within) = (lo + (k / PER_DECADE) as i32, k % PER_DECADE);
            // 10^k exactly at whole decades; between them 10^(k/5).
            let base: f64 = format!("1e{decade}").parse().expect("a float literal");
            if within == 0 {
                base
            } else {
                base * powf(10.0, within as f64 / PER_DECADE as f64)
            }
        })
        .collect()
}

/// The steps a sweep takes at each learning rate for a race that stops at `steps`.
pub fn horizon(steps: u64) -> u64 {
    steps.clamp(1, MAX_HORIZON)
}

/// The loss at one learning rate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SweepPoint {
    pub lr: f64,
    /// After the sweep's steps (with noisy gradients, its mean over the latest tenth of them,
    /// as the page's racer cards give it); None when the racer diverged.
    pub loss: Option<f64>,
    pub diverged_at: Option<u64>,
}

/// One racer's sweep, run a few steps at a time (the page spreads it over idle time).
pub struct Sweep {
    /// The racer's own learning rate (one of `racers` runs at it).
    pub lr: f64,
    /// The racer at each learning rate, in increasing order.
    racers: Vec<RacerSpec>,
    pub horizon: u64,
    /// The learning rates run so far, in increasing order.
    pub points: Vec<SweepPoint>,
    /// The learning rate being run, when one is under way, with its loss's trailing mean when
    /// the gradients are noisy.
    running: Option<(Racer, Option<TrailingMean>)>,
}

impl Sweep {
    /// The sweep of `racer` over [`grid`] and its own learning rate, `horizon` steps each. An
    /// external racer has no learning rate to sweep: its sweep is empty, done at once, and its
    /// `lr` NaN (`null` in JSON).
    pub fn new(racer: &RacerSpec, horizon: u64) -> Sweep {
        let Some(lr) = racer.lr() else {
            return Sweep {
                lr: f64::NAN,
                racers: Vec::new(),
                horizon,
                points: Vec::new(),
                running: None,
            };
        };
        let mut lrs = grid();
        if !lrs.contains(&lr) {
            lrs.push(lr);
            lrs.sort_by(f64::total_cmp);
        }
        // Every grid learning rate is valid for every optimizer (tests/sweep.rs); one that
        // were not would be left out, never run as another.
        let racers = lrs
            .into_iter()
            .filter_map(|lr| with_lr(racer, lr))
            .collect();
        Sweep {
            lr,
            racers,
            horizon,
            points: Vec::new(),
            running: None,
        }
    }

    pub fn done(&self) -> bool {
        self.points.len() == self.racers.len()
    }

    /// The learning rates it runs, those run or not.
    pub fn len(&self) -> usize {
        self.racers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.racers.is_empty()
    }

    /// Takes up to `steps` steps of the learning rates still to run (a point is added each time
    /// one reaches the horizon or diverges); false once every one has run.
    pub fn work(
        &mut self,
        objective: &Objective,
        start: Point,
        finish: &Finish,
        mut steps: u64,
    ) -> bool {
        while steps > 0 {
            let Some(spec) = self.racers.get(self.points.len()) else {
                return false;
            };
            let lr = spec.hyper.num("lr");
            let (racer, mean) = self.running.get_or_insert_with(|| {
                let racer = Racer::new(spec.clone(), objective, start, finish);
                let mean = (!objective.noise.is_none()).then(|| {
                    let mut mean = TrailingMean::default();
                    mean.push(racer.loss);
                    mean
                });
                (racer, mean)
            });
            let todo = (self.horizon - racer.step).min(steps);
            let taken = racer.advance(objective, todo, |_, _, loss| {
                if let Some(mean) = mean.as_mut() {
                    mean.push(loss);
                }
            });
            steps -= todo;
            if taken < todo || racer.step == self.horizon {
                let last = mean
                    .as_ref()
                    .and_then(TrailingMean::value)
                    .unwrap_or(racer.loss);
                let loss = racer.diverged_at.is_none().then_some(last);
                self.points.push(SweepPoint {
                    lr,
                    loss,
                    diverged_at: racer.diverged_at,
                });
                self.running = None;
            }
        }
        !self.done()
    }
}

/// `racer` with learning rate `lr`, everything else as it is, its schedule kept: a scheduler's
/// own rates (CyclicLR's `base_lr` and `max_lr`, OneCycleLR's `max_lr`, the floors `eta_min` and
/// `min_lr`) move by the same factor as `lr`, so the schedule has the same shape at another base
/// rate. None where its optimizer does not accept that learning rate.
pub fn with_lr(racer: &RacerSpec, lr: f64) -> Option<RacerSpec> {
    // The rate checked by its own table entry; the other settings were checked already.
    let value = racer
        .info
        .params
        .iter()
        .find(|p| p.name == "lr")?
        .parse(&serde_json::Value::from(lr))
        .ok()?;
    let mut hyper = racer.hyper.clone();
    hyper.set("lr", value);
    let own = racer.hyper.num("lr");
    let schedule = match &racer.schedule {
        Some(s) if own > 0.0 && lr != own => Some(crate::schedule::scaled(s, lr / own)),
        other => other.clone(),
    };
    Some(RacerSpec {
        hyper,
        schedule,
        ..racer.clone()
    })
}

/// `spec` with each racer's learning rate set to the best point of its sweep: the lowest loss
/// (with noisy gradients, the lowest mean loss) after the sweep's steps. A racer that diverged
/// at every rate keeps its own. Returns the tuned spec and each racer's chosen point.
pub fn tune(spec: &RunSpec) -> (RunSpec, Vec<Option<SweepPoint>>) {
    let sweeps = sweep(spec);
    let points: Vec<&[SweepPoint]> = sweeps.racers.iter().map(|s| &s.points[..]).collect();
    tune_with(spec, &points)
}

/// [`tune`] with each racer's sweep already run (`points[i]`, racer i's whole sweep): what the
/// page does with the sweeps it ran in idle time.
pub fn tune_with(spec: &RunSpec, points: &[&[SweepPoint]]) -> (RunSpec, Vec<Option<SweepPoint>>) {
    let mut tuned = spec.clone();
    let mut best = Vec::new();
    for (racer, points) in tuned.racers.iter_mut().zip(points) {
        let point = best_point(points);
        if let Some(p) = point {
            if let Some(r) = with_lr(racer, p.lr) {
                *racer = r;
            }
        }
        best.push(point.copied());
    }
    (tuned, best)
}

/// The lowest loss of a sweep that did not diverge; the first lowest: ties go to the smaller rate.
pub fn best_point(points: &[SweepPoint]) -> Option<&SweepPoint> {
    points
        .iter()
        .filter(|p| p.loss.is_some())
        .fold(None::<&SweepPoint>, |b, p| match b {
            Some(b) if b.loss <= p.loss => Some(b),
            _ => Some(p),
        })
}

/// One racer's whole sweep, as `optiscape sweep` prints it.
#[derive(Serialize)]
pub struct SweepResult {
    pub name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The racer's own learning rate.
    pub lr: f64,
    pub points: Vec<SweepPoint>,
}

#[derive(Serialize)]
pub struct SweepsResult {
    /// Steps taken at each learning rate.
    pub steps: u64,
    pub racers: Vec<SweepResult>,
}

/// Every racer's sweep for `spec`, [`horizon`]`(spec.steps)` steps at each learning rate.
pub fn sweep(spec: &RunSpec) -> SweepsResult {
    sweeps_of(&Race::new(spec), spec.steps)
}

/// Every racer's sweep on `race`'s landscape from its start (whatever steps the race itself has
/// taken), [`horizon`]`(steps)` steps at each learning rate.
pub fn sweeps_of(race: &Race, steps: u64) -> SweepsResult {
    let steps = horizon(steps);
    let racers = race
        .racers
        .iter()
        .map(|r| {
            let mut s = Sweep::new(&r.spec, steps);
            while s.work(&race.objective, race.start, &race.finish, u64::MAX) {}
            SweepResult {
                name: r.spec.info.name,
                label: r.spec.label.clone(),
                lr: s.lr,
                points: s.points,
            }
        })
        .collect();
    SweepsResult { steps, racers }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_spans_the_lr_slider_five_per_decade() {
        let g = grid();
        assert_eq!(g.len(), 31);
        assert_eq!((g[0], g[5], g[25], g[30]), (1e-5, 1e-4, 1.0, 10.0));
        assert!(g
            .windows(2)
            .all(|w| (w[1] / w[0] - crate::math::powf(10.0, 0.2)).abs() < 1e-12));
    }
}
