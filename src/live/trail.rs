//! One racer's record in the live view: its path and loss in bounded memory, the pieces not yet
//! drawn, where its drawing stands, and its learning-rate sweep.

use crate::landscape::Point;
use crate::race::Racer;
use crate::render::racers::Pen;
use crate::sweep::Sweep;
use crate::trace::{Curve, Path, TrailingMean};

/// Kept points per trajectory and samples per loss curve: bounded memory for hour-long lectures.
pub const PATH_CAPACITY: usize = 8192;
pub const CURVE_CAPACITY: usize = 2048;
/// A trajectory keeps a point once it moved this fraction of the default view's diagonal.
pub const PATH_RESOLUTION: f64 = 2e-5;

/// A loss curve for the chart: its bounded history, the samples not drawn yet, and the last one
/// drawn (where the next piece starts).
pub struct LossTrace {
    pub curve: Curve,
    /// At most one frame's steps.
    pub fresh: Vec<(f64, f64)>,
    pub tail: Option<(f64, f64)>,
}

impl LossTrace {
    fn new() -> LossTrace {
        LossTrace {
            curve: Curve::new(CURVE_CAPACITY),
            fresh: Vec::new(),
            tail: None,
        }
    }

    fn clear(&mut self) {
        self.curve.clear();
        self.fresh.clear();
        self.tail = None;
    }

    /// Step `step`'s value, drawn at `x` on the chart's axis (the step, or the evaluations).
    fn push(&mut self, step: u64, x: f64, value: f64, fresh: bool) {
        self.curve.push_at(step, x, value);
        if fresh {
            self.fresh.push((x, value));
        }
    }

    /// The samples drawn this frame: from the last one drawn on when `append`, else all of them.
    pub fn piece(&self, append: bool) -> Vec<(f64, f64)> {
        if append {
            self.tail
                .into_iter()
                .chain(self.fresh.iter().copied())
                .collect()
        } else {
            self.curve.samples().collect()
        }
    }

    /// After `piece` was drawn: it ends the curve drawn so far.
    pub fn drawn(&mut self, piece: &[(f64, f64)]) {
        if let Some(&last) = piece
            .iter()
            .rev()
            .find(|p| p.0.is_finite() && p.1.is_finite())
        {
            self.tail = Some(last);
        }
        self.fresh.clear();
    }
}

/// One racer's trail.
pub struct Trail {
    pub path: Path,
    /// Points not drawn yet (at most one frame's steps).
    pub fresh: Vec<Point>,
    pub loss: LossTrace,
    /// With noisy gradients, the loss's trailing mean, drawn over the loss itself.
    pub mean: Option<(TrailingMean, LossTrace)>,
    pub pen: Pen,
    /// The racer's learning-rate sweep, run in the page's idle time.
    pub sweep: Sweep,
}

impl Trail {
    /// A trail for `racer` as it stands: `resolution` (data units) between kept points,
    /// `sweep_steps` for its sweep, a trailing mean of the loss when `noisy`.
    pub fn new(racer: &Racer, resolution: f64, sweep_steps: u64, noisy: bool) -> Trail {
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

    /// Forgets the path and loss: the racer is back at its start.
    pub fn restart(&mut self, racer: &Racer) {
        self.path.clear();
        self.fresh.clear();
        self.loss.clear();
        if let Some((mean, trace)) = &mut self.mean {
            mean.clear();
            trace.clear();
        }
        self.pen.clear();
        if racer.diverged_at.is_none() {
            self.record(0, 0.0, racer.position, racer.loss, true);
        }
    }

    /// A new point of step `step`, its loss drawn at `x` on the loss chart's axis (the step, or
    /// the evaluations made by then); `fresh`: to be drawn as a piece of the path next frame
    /// (else the whole path is drawn again: a replay of many steps at once).
    pub fn record(&mut self, step: u64, x: f64, p: Point, loss: f64, fresh: bool) {
        self.path.push(p);
        if fresh {
            self.fresh.push(p);
        }
        self.loss.push(step, x, loss, fresh);
        if let Some((mean, trace)) = &mut self.mean {
            trace.push(step, x, mean.push(loss), fresh);
        }
    }

    /// With noisy gradients, the loss's trailing mean now.
    pub fn mean_loss(&self) -> Option<f64> {
        self.mean.as_ref().and_then(|(m, _)| m.value())
    }

    /// The loss, then its mean when there is one.
    pub fn loss_traces(&self) -> impl Iterator<Item = &LossTrace> {
        std::iter::once(&self.loss).chain(self.mean.as_ref().map(|(_, t)| t))
    }

    /// The same, to be changed.
    pub fn loss_traces_mut(&mut self) -> impl Iterator<Item = &mut LossTrace> {
        std::iter::once(&mut self.loss).chain(self.mean.as_mut().map(|(_, t)| t))
    }
}
