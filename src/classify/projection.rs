//! The linear classifier's loss on one plane through the racers' shared initial weights: the
//! core of the projected classifier view (issue 4, item 4b).
//!
//! # The plane
//!
//! `w0` is the initial weights every racer starts from (`Model::init(spec.seed)`, the 64 x 10
//! weights row-major, then the 10 biases). `w_ref` is a reference solution computed by the core,
//! deterministically: [`REFERENCE_STEPS`] steps of full-batch Adam (lr [`REFERENCE_LR`], torch's
//! other defaults) from `w0` on the whole training set, under the spec's `input`. The plane is
//! `w(a, b) = w0 + a u + b v` where
//!
//! - `u = w_ref - w0` (`d1`), so `w0` is at `(0, 0)` and `w_ref` at `(1, 0)`;
//! - `v` is a random direction (Gaussian, seeded by `spec.seed`), filter-normalized as in Li et
//!   al. 2018, "Visualizing the loss landscape of neural nets" (each output unit's row of 64
//!   weights rescaled to the norm of that row of `w0`; bias entries zero, as their code does by
//!   default), made orthogonal to `u` (Gram-Schmidt, which gives the biases a small component
//!   along `u`'s), then scaled to `|v| = |u|`.
//!
//! So the axes are orthogonal and equally long in weight space: one unit of `a` or `b` is
//! `|w_ref - w0|`, distances on the plot are distances between weights. [`Plane::default_view`]
//! shows `a` in [-0.5, 1.5] and `b` in [-1, 1].
//!
//! # The loss
//!
//! [`Plane::loss_at`] is the mean training cross-entropy at `w(a, b)`, on the same inputs as the
//! racers (the spec's `input`: transform and scale; racers with their own `input` train on other
//! data, so their loss differs from the surface's at their projection). The logits are linear in
//! the weights, so the plane precomputes, per training sample, the logits at `w0` and their
//! derivatives along `u` and `v`; a point then costs 10 multiply-adds and 10 `exp` per sample
//! instead of a 650-weight forward pass. That reassociates the dot products, so `loss_at`
//! agrees with `Model::loss_grad` at `weights_at` to rounding (about 1e-15 relative), and
//! exactly at `(0, 0)`.
//!
//! # API
//!
//! ```ignore
//! let plane = Plane::new(&digits, &spec)?;          // linear models only; ~50 full-batch steps
//! let p = plane.project(trainer.weights(i));        // p.coords = [a, b], p.distance, p.relative_distance
//! let loss = plane.loss_at([a, b]);
//! let mut surface = Surface::new(plane, Plane::default_view(), 200, 200);
//! while !surface.advance(2_000) { /* draw surface.values(): row-major, row 0 at the top */ }
//! ```
//!
//! [`Surface`] samples the centre of every cell of a `width x height` grid over a view (row 0 at
//! `b = view.y[1]`, as `render::Field` does), coarse to fine: first every 8th cell of every 8th
//! row, each filling its 8 x 8 block, then the cells new at spacing 4 (filling 4 x 4 blocks), 2,
//! and 1. A partial surface already shows the whole view at a coarser resolution; a finished
//! one equals `loss_at` at every cell centre.
//!
//! Cost (`cargo bench --bench classify`, and its wasm build): a cell is ~9,000 `exp`, about
//! 50 us natively and 75 us in wasm (V8), so a 200 x 200 surface takes ~2 s natively and ~3 s in
//! wasm, its first coarse pass (every 8th cell) 1/64 of that; `advance(200)` per frame is about
//! 15 ms in wasm. `Plane::new` takes ~25 ms natively, ~40 ms in wasm.

use super::digits::{Digits, CLASSES, FEATURES};
use super::model::{cross_entropy, dot, Model, Rng};
use super::train::{prepare, TrainSpec};
use crate::landscape::View;
use crate::math::{cos, ln, powi};
use crate::optim::{Adam, Derivatives, Optimizer};

/// Full-batch Adam steps from `w0` to the reference solution `w_ref`.
pub const REFERENCE_STEPS: u32 = 50;
/// The reference run's learning rate.
pub const REFERENCE_LR: f64 = 0.05;
/// Mixed into `spec.seed` for the random direction, so that it is not the init's stream.
const DIRECTION_SEED: u64 = 0x5eed_d1ec_7104_0002;

/// A weight vector seen from the plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Projection {
    /// `[a, b]` of the nearest plane point `w0 + a u + b v` (orthogonal projection).
    pub coords: [f64; 2],
    /// Euclidean distance in weight space from the weights to that plane point.
    pub distance: f64,
    /// `distance / |u|`, in the plot's units.
    pub relative_distance: f64,
}

/// The plane through `w0` spanned by `u` (to `w_ref`) and `v`, with what `loss_at` needs.
#[derive(Clone, Debug)]
pub struct Plane {
    pub w0: Vec<f64>,
    pub w_ref: Vec<f64>,
    pub u: Vec<f64>,
    pub v: Vec<f64>,
    /// `|u| = |v| = |w_ref - w0|`.
    pub unit: f64,
    model: Model,
    labels: Vec<u8>,
    /// Per training sample and class: logits at `w0`, and their derivatives along `u` and `v`.
    z0: Vec<f64>,
    zu: Vec<f64>,
    zv: Vec<f64>,
}

impl Plane {
    /// The plane of `spec`'s linear model, seed and input. Errors for other models.
    pub fn new(digits: &Digits, spec: &TrainSpec) -> Result<Plane, String> {
        let model = Model::new(spec.model, FEATURES, CLASSES);
        if model.hidden.is_some() {
            return Err("the projected loss surface is for the linear model only".into());
        }
        let data = prepare(digits, spec.input);
        let (xs, ys) = (&data.train_x, &data.train_y);
        let w0 = model.init(spec.seed);
        let n = w0.len();

        let adam = Adam {
            lr: REFERENCE_LR,
            betas: [0.9, 0.999],
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
            decoupled_weight_decay: false,
        };
        let mut w_ref = w0.clone();
        let mut state = adam.init(&w_ref);
        let mut grad = vec![0.0; n];
        for _ in 0..REFERENCE_STEPS {
            model.loss_grad(&w_ref, xs, ys, &mut grad);
            adam.update(&mut w_ref, &Derivatives::of(&grad), &mut state);
        }

        let u: Vec<f64> = w_ref.iter().zip(&w0).map(|(r, o)| r - o).collect();
        let unit = norm(&u);
        if !(unit > 0.0 && unit.is_finite()) {
            return Err(format!(
                "the reference run moved the weights by {unit}: no plane"
            ));
        }
        let v = direction(&w0, &u, spec.seed ^ DIRECTION_SEED, unit);

        let logits = |w: &[f64]| -> Vec<f64> {
            let (weights, bias) = w.split_at(CLASSES * FEATURES);
            xs.chunks_exact(FEATURES)
                .flat_map(|x| {
                    weights
                        .chunks_exact(FEATURES)
                        .zip(bias)
                        .map(move |(row, b)| dot(row, x) + b)
                })
                .collect()
        };
        let (z0, zu, zv) = (logits(&w0), logits(&u), logits(&v));
        Ok(Plane {
            w0,
            w_ref,
            u,
            v,
            unit,
            model,
            labels: ys.clone(),
            z0,
            zu,
            zv,
        })
    }

    /// `a` in [-0.5, 1.5], `b` in [-1, 1]: `w0` at (0, 0) and `w_ref` at (1, 0), centred.
    pub fn default_view() -> View {
        View::new(-0.5, 1.5, -1.0, 1.0)
    }

    pub fn model(&self) -> Model {
        self.model
    }

    /// The weights at plane point `[a, b]`: `w0 + a u + b v`.
    pub fn weights_at(&self, [a, b]: [f64; 2]) -> Vec<f64> {
        self.w0
            .iter()
            .zip(&self.u)
            .zip(&self.v)
            .map(|((w, u), v)| w + a * u + b * v)
            .collect()
    }

    /// The orthogonal projection of `weights` (a flat vector of the model's length) on the plane.
    pub fn project(&self, weights: &[f64]) -> Projection {
        assert_eq!(weights.len(), self.w0.len(), "weights of another model");
        let r: Vec<f64> = weights.iter().zip(&self.w0).map(|(w, o)| w - o).collect();
        let s2 = self.unit * self.unit;
        let (a, b) = (dot(&r, &self.u) / s2, dot(&r, &self.v) / s2);
        let residual: f64 = r
            .iter()
            .zip(&self.u)
            .zip(&self.v)
            .map(|((r, u), v)| powi(r - a * u - b * v, 2))
            .sum();
        let distance = residual.sqrt();
        Projection {
            coords: [a, b],
            distance,
            relative_distance: distance / self.unit,
        }
    }

    /// Mean training cross-entropy at plane point `[a, b]` (see the module header).
    pub fn loss_at(&self, [a, b]: [f64; 2]) -> f64 {
        let mut z = [0.0; CLASSES];
        let mut total = 0.0;
        let rows = self
            .z0
            .chunks_exact(CLASSES)
            .zip(self.zu.chunks_exact(CLASSES))
            .zip(self.zv.chunks_exact(CLASSES));
        for (((z0, zu), zv), &y) in rows.zip(&self.labels) {
            for (k, z) in z.iter_mut().enumerate() {
                *z = z0[k] + a * zu[k] + b * zv[k];
            }
            total += cross_entropy(&z, y as usize);
        }
        total * (1.0 / self.labels.len() as f64)
    }
}

/// Li et al.'s filter-normalized random direction, orthogonal to `u`, of norm `length`.
fn direction(w0: &[f64], u: &[f64], seed: u64, length: f64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut gaussian = || {
        // Box-Muller; 1 - uniform is in (0, 1], so the log is finite.
        let (r, t) = (1.0 - rng.uniform(), rng.uniform());
        (-2.0 * ln(r)).sqrt() * cos(std::f64::consts::TAU * t)
    };
    let mut d = vec![0.0; w0.len()];
    let (rows, _bias) = d.split_at_mut(CLASSES * FEATURES);
    for (row, w) in rows
        .chunks_exact_mut(FEATURES)
        .zip(w0.chunks_exact(FEATURES))
    {
        row.iter_mut().for_each(|x| *x = gaussian());
        let k = norm(w) / norm(row);
        row.iter_mut().for_each(|x| *x *= k);
    }
    // Gram-Schmidt against u, twice for orthogonality to rounding; then |d| = length.
    for _ in 0..2 {
        let k = dot(&d, u) / dot(u, u);
        d.iter_mut().zip(u).for_each(|(x, u)| *x -= k * u);
    }
    let k = length / norm(&d);
    d.iter_mut().for_each(|x| *x *= k);
    d
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// Coarse-to-fine spacings: every 8th cell, then 4th, 2nd, each.
const SPACINGS: [usize; 4] = [8, 4, 2, 1];

/// The loss over a view of the plane, sampled progressively (see the module header).
pub struct Surface {
    plane: Plane,
    view: View,
    width: usize,
    height: usize,
    values: Vec<f64>,
    /// Index into [`SPACINGS`] and the next cell (row-major) to consider at that spacing.
    level: usize,
    next: usize,
    evaluated: usize,
}

impl Surface {
    /// An empty `width x height` surface over `view` (values NaN until sampled).
    pub fn new(plane: Plane, view: View, width: usize, height: usize) -> Surface {
        assert!(width > 0 && height > 0, "a surface needs at least one cell");
        Surface {
            plane,
            view,
            width,
            height,
            values: vec![f64::NAN; width * height],
            level: 0,
            next: 0,
            evaluated: 0,
        }
    }

    pub fn plane(&self) -> &Plane {
        &self.plane
    }

    pub fn view(&self) -> View {
        self.view
    }

    pub fn size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// The plane point `[a, b]` at the centre of cell `(i, j)` (column `i`, row `j` from the top).
    pub fn point(&self, i: usize, j: usize) -> [f64; 2] {
        let (x, y) = (self.view.x, self.view.y);
        [
            x[0] + (i as f64 + 0.5) / self.width as f64 * (x[1] - x[0]),
            y[1] - (j as f64 + 0.5) / self.height as f64 * (y[1] - y[0]),
        ]
    }

    /// Evaluates up to `budget` more cells; returns whether the surface is complete.
    pub fn advance(&mut self, budget: usize) -> bool {
        let mut spent = 0;
        while spent < budget && self.level < SPACINGS.len() {
            let s = SPACINGS[self.level];
            if self.next >= self.width * self.height {
                self.level += 1;
                self.next = 0;
                continue;
            }
            let (i, j) = (self.next % self.width, self.next / self.width);
            self.next += 1;
            // Cells at this spacing, except those a coarser spacing already evaluated.
            let coarser = self.level > 0 && i % (2 * s) == 0 && j % (2 * s) == 0;
            if i % s != 0 || j % s != 0 || coarser {
                continue;
            }
            let value = self.plane.loss_at(self.point(i, j));
            // Fill the block this cell stands for; it holds no cell of a coarser spacing.
            for row in j..(j + s).min(self.height) {
                self.values[row * self.width + i..row * self.width + (i + s).min(self.width)]
                    .fill(value);
            }
            self.evaluated += 1;
            spent += 1;
        }
        self.done()
    }

    pub fn done(&self) -> bool {
        self.level >= SPACINGS.len()
    }

    /// Cells evaluated so far, of `width * height`.
    pub fn evaluated(&self) -> usize {
        self.evaluated
    }

    /// Row-major `width * height` losses, row 0 at the top; NaN where nothing is sampled yet
    /// (only before the first `advance`).
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}
