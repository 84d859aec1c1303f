//! 2-D landscapes: value, exact gradient and exact Hessian.
//!
//! Each file holds one landscape, with a header giving its formula, default view box, default
//! start and known minima. Textbook functions come from `argmin_testfunctions` (a maintained
//! crate with analytic derivatives); the rest are written by hand. Every derivative is
//! property-tested against central differences in `tests/landscapes.rs`.
//!
//! The optimized objective is `scale * f`: [`Objective`] applies the scale, so every gradient is
//! multiplied by it (seed 000's lesson: Adam is nearly invariant to it, SGD is not).

use crate::schema::{Hyper, Param, Range, Spacing, Slider};
use serde::Serialize;

mod beale;
mod custom;
pub mod digits2d;
pub mod expr;
mod gaussian_mixture;
mod himmelblau;
mod noise;
mod quadratic;
mod rastrigin;
mod rosenbrock;
mod rotation;
mod saddle;
mod styblinski_tang;

pub use noise::Noise;
pub use rotation::{Rotated, Rotation};

pub type Point = [f64; 2];
pub type Matrix = [[f64; 2]; 2];

/// A smooth function of two variables with exact first and second derivatives.
pub trait Landscape {
    fn value(&self, p: Point) -> f64;
    fn gradient(&self, p: Point) -> Point;
    fn hessian(&self, p: Point) -> Matrix;

    /// `value` along a row, appended to `out`: one dynamic call per row of a picture, with
    /// `value` inlined in the loop (each landscape gets its own copy of this method).
    fn values_along_x(&self, xs: &[f64], y: f64, out: &mut Vec<f64>) {
        out.extend(xs.iter().map(|&x| self.value([x, y])));
    }
}

/// A rectangle in data coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    pub x: [f64; 2],
    pub y: [f64; 2],
}

impl View {
    pub const fn new(x0: f64, x1: f64, y0: f64, y1: f64) -> View {
        View { x: [x0, x1], y: [y0, y1] }
    }

    pub fn check(&self) -> Result<(), String> {
        for (axis, [lo, hi]) in [("x", self.x), ("y", self.y)] {
            // Wider than 1e-12 of its coordinates' size too: narrower, doubles could not tell
            // its pixels (or its ticks) apart.
            let least = 1e-9f64.max(1e-12 * lo.abs().max(hi.abs()));
            if !(lo.is_finite() && hi.is_finite() && lo < hi && hi - lo > least && lo.abs() < 1e9 && hi.abs() < 1e9) {
                return Err(format!(
                    "`view.{axis}` must be two finite numbers lo < hi within 1e9, more than 1e-9 and 1e-12 of their size apart, got [{lo}, {hi}]"
                ));
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    Global,
    Local,
    Saddle,
}

/// A known critical point, marked on the plot.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Mark {
    pub kind: MarkKind,
    pub at: Point,
}

/// A landscape built from validated parameters, with its defaults for the page.
pub struct Built {
    pub f: Box<dyn Landscape>,
    pub view: View,
    pub start: Point,
    pub marks: Vec<Mark>,
}

impl Built {
    /// The landscape turned by `degrees` about the centre of its default view: its function, its
    /// start and its marks (the view stays).
    pub fn turned(self, degrees: f64) -> Built {
        if degrees == 0.0 {
            return self;
        }
        let centre = [0.5 * (self.view.x[0] + self.view.x[1]), 0.5 * (self.view.y[0] + self.view.y[1])];
        let rotation = Rotation::new(degrees, centre);
        Built {
            f: Box::new(Rotated { f: self.f, rotation }),
            view: self.view,
            start: rotation.turn(self.start),
            marks: self.marks.into_iter().map(|m| Mark { at: rotation.turn(m.at), ..m }).collect(),
        }
    }
}

/// The description of one landscape, as `optiscape list` prints it.
#[derive(Serialize)]
pub struct LandscapeInfo {
    pub name: &'static str,
    pub title: &'static str,
    /// The formula in plain text.
    pub formula: &'static str,
    pub params: &'static [Param],
    #[serde(skip)]
    pub build: fn(&Hyper) -> Built,
}

/// The parameter every landscape takes: the objective is `scale * f`.
pub const SCALE: Param = Param::number(
    "scale",
    1.0,
    Range::POSITIVE,
    Slider { min: 1e-3, max: 1e3, spacing: Spacing::Log },
    "the optimized objective is scale * f, so every gradient is multiplied by scale",
)
        .tip("multiplies the whole landscape, and so every gradient: adaptive optimizers barely notice, plain gradient descent does");

/// The standard deviation of the noise added to every gradient of f ([`Noise`]).
pub const NOISE: Param = Param::number(
    "noise",
    0.0,
    Range::NON_NEGATIVE,
    Slider { min: 0.0, max: 10.0, spacing: Spacing::Linear },
    "gradients are scale * (grad f + noise * a nearly N(0, 1) draw per coordinate), the same draws for every racer; 0: exact",
)
        .tip("shakes every gradient by this much, as a mini-batch would (the same shakes for every racer); 0: exact gradients");

/// The largest seed (every whole number up to it is exact in JSON's doubles).
pub const MAX_SEED: f64 = 1e15;

/// The seed of the gradient noise's draws.
pub const SEED: Param = Param::number(
    "seed",
    0.0,
    Range { lo: 0.0, lo_open: false, hi: MAX_SEED, hi_open: false },
    Slider { min: 0.0, max: 100.0, spacing: Spacing::Linear },
    "seed of the noise's draws (a whole number)",
)
        .tip("which shakes: another seed, other random draws of the noise");

/// The turn of the landscape, in degrees ([`Rotation`]).
pub const ROTATE: Param = Param::number(
    "rotate",
    0.0,
    Range::closed(-360.0, 360.0),
    Slider { min: -180.0, max: 180.0, spacing: Spacing::Linear },
    "degrees the landscape is turned counter-clockwise about the centre of its default view; its marks, minima and default start turn with it",
)
        .tip("turns the landscape: optimizers that treat each coordinate alone take other paths");

/// The parameters every landscape takes, before its own: scale, noise, seed, rotate.
pub const SHARED: [Param; 4] = [SCALE, NOISE, SEED, ROTATE];

/// Every landscape, in the order the page lists them.
pub static REGISTRY: &[&LandscapeInfo] = &[
    &rosenbrock::INFO,
    &gaussian_mixture::INFO,
    &beale::INFO,
    &himmelblau::INFO,
    &rastrigin::INFO,
    &styblinski_tang::INFO,
    &quadratic::INFO,
    &saddle::INFO,
    &digits2d::INFO,
    &custom::INFO,
];

pub fn find(name: &str) -> Option<&'static LandscapeInfo> {
    REGISTRY.iter().copied().find(|l| l.name == name)
}

/// The landscape times its scale, its gradients observed with [`Noise`]: what the optimizers see.
pub struct Objective {
    pub f: Box<dyn Landscape>,
    pub scale: f64,
    pub noise: Noise,
}

impl Objective {
    /// `scale * f` with exact gradients.
    pub fn new(f: Box<dyn Landscape>, scale: f64) -> Objective {
        Objective { f, scale, noise: Noise::NONE }
    }
    pub fn value(&self, p: Point) -> f64 {
        self.scale * self.f.value(p)
    }
    /// The exact gradient of `scale * f`.
    pub fn gradient(&self, p: Point) -> Point {
        let [gx, gy] = self.f.gradient(p);
        [self.scale * gx, self.scale * gy]
    }
    /// The gradient a racer gets at iterate `step`: `scale * (∇f + σ ξ_step)`, the exact one
    /// without noise.
    pub fn observed_gradient(&self, p: Point, step: u64) -> Point {
        if self.noise.is_none() {
            return self.gradient(p);
        }
        let [gx, gy] = self.f.gradient(p);
        let [nx, ny] = self.noise.at(step);
        [self.scale * (gx + nx), self.scale * (gy + ny)]
    }
    /// The loss whose gradient [`Objective::observed_gradient`] gives at iterate `step`: with
    /// noise, `scale * (f + σ ξ_step · p)`, a mini-batch's loss, which an optimizer evaluating
    /// the objective inside a step (L-BFGS) compares along its line; `value` without noise.
    pub fn batch_value(&self, p: Point, step: u64) -> f64 {
        if self.noise.is_none() {
            return self.value(p);
        }
        let [nx, ny] = self.noise.at(step);
        self.scale * (self.f.value(p) + (nx * p[0] + ny * p[1]))
    }
    /// Row-major, as [`crate::optim::Derivatives::hessian`] wants it.
    pub fn hessian(&self, p: Point) -> [f64; 4] {
        let [[a, b], [c, d]] = self.f.hessian(p);
        let s = self.scale;
        [s * a, s * b, s * c, s * d]
    }
}

/// The Newton step `H^-1 g`, or None where the Hessian is singular or not finite.
pub fn newton_step([gx, gy]: Point, [[a, b], [c, d]]: Matrix) -> Option<Point> {
    let det = a * d - b * c;
    (det != 0.0 && det.is_finite()).then(|| [(d * gx - b * gy) / det, (a * gy - c * gx) / det])
}

/// Polishes a guessed critical point with Newton's method on the exact derivatives. Used to state
/// minima to full precision where the literature gives six digits.
pub fn refine(f: &dyn Landscape, guess: Point) -> Point {
    let mut p = guess;
    for _ in 0..50 {
        let Some(step) = newton_step(f.gradient(p), f.hessian(p)) else { break };
        p = [p[0] - step[0], p[1] - step[1]];
        if step[0].abs() + step[1].abs() < 1e-15 * (1.0 + p[0].abs() + p[1].abs()) {
            break;
        }
    }
    p
}

/// Marks minima, polished by [`refine`]; those with the lowest value are global.
pub fn minima(f: &dyn Landscape, guesses: &[Point]) -> Vec<Mark> {
    let points: Vec<Point> = guesses.iter().map(|&g| refine(f, g)).collect();
    let best = points.iter().map(|&p| f.value(p)).fold(f64::INFINITY, f64::min);
    points
        .into_iter()
        .map(|at| {
            let v = f.value(at);
            let global = v - best <= 1e-9 * (1.0 + best.abs());
            Mark { kind: if global { MarkKind::Global } else { MarkKind::Local }, at }
        })
        .collect()
}
