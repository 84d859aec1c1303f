//! Optimizers, each exactly as its reference implementation computes it.
//!
//! Hyperparameters, parameters and state are three separate values (optax's split): an
//! optimizer is built once from validated hyperparameters, [`Optimizer::init`] makes a fresh
//! state, and [`Optimizer::update`] moves the parameters in place and advances the state. That
//! is what lets many racers share one start, reset and replay, and show their state.
//!
//! Every file in this folder holds one optimizer: its parameter table (names and defaults as
//! torch.optim spells them), its update written in the reference's own order of floating-point
//! operations, and its inspector. [`REGISTRY`] lists them all.

// The updates index parameters, gradients and every state buffer by one `i`, as the references'
// element-wise formulas read; zipping five slices would hide that.
#![allow(clippy::needless_range_loop)]

use crate::schema::{Hyper, Param};
pub use crate::schedule::Knobs;
pub use explain::{Piece, PieceInfo, PieceValue};
use lanes::Lanes;
use serde::Serialize;

mod adabelief;
mod adadelta;
mod adafactor;
mod adagrad;
mod adam;
mod adamax;
mod asgd;
pub mod explain;
pub mod external;
pub mod fma;
pub mod lanes;
mod lbfgs;
mod lion;
mod muon;
mod nadam;
mod newton;
mod radam;
mod rmsprop;
mod rprop;
mod sgd;

pub use adabelief::AdaBelief;
pub use adadelta::Adadelta;
pub use adafactor::Adafactor;
pub use adagrad::Adagrad;
pub use adam::Adam;
pub use adamax::Adamax;
pub use asgd::Asgd;
pub use lbfgs::Lbfgs;
pub use lion::Lion;
pub use muon::{newton_schulz, Muon};
pub use nadam::NAdam;
pub use newton::Newton;
pub use radam::RAdam;
pub use rmsprop::RMSprop;
pub use rprop::Rprop;
pub use sgd::Sgd;

/// What an optimizer may ask of the objective at the current parameters.
pub struct Derivatives<'a> {
    /// The gradient, one entry per parameter.
    pub grad: &'a [f64],
    /// The Hessian, row-major n x n; present when the optimizer's `NEEDS_HESSIAN` is true.
    pub hessian: Option<&'a [f64]>,
    /// The objective again, for an optimizer that evaluates it inside a step (torch's
    /// `step(closure)`); present when the optimizer's `NEEDS_CLOSURE` is true.
    pub closure: Option<Closure<'a>>,
}

impl<'a> Derivatives<'a> {
    /// The gradient alone.
    pub fn of(grad: &'a [f64]) -> Derivatives<'a> {
        Derivatives { grad, hessian: None, closure: None }
    }
}

/// torch's `closure`: what the step's objective gives where the gradient was taken, and a way
/// to evaluate it elsewhere.
#[derive(Clone, Copy)]
pub struct Closure<'a> {
    /// The loss where [`Derivatives::grad`] was taken (the closure's first call, made by the
    /// caller with the gradient).
    pub loss: f64,
    /// `eval(params, grad)` writes the gradient at `params` into `grad` and returns the loss
    /// there: one more evaluation of the objective.
    pub eval: &'a dyn Fn(&[f64], &mut [f64]) -> f64,
}

/// One tensor of a model's parameters (torch's `model.parameters()`), in the order they lie in
/// the flat parameter vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tensor {
    /// A weight matrix, `rows x cols`, row-major (a Linear layer's `(out, in)`).
    Matrix { rows: usize, cols: usize },
    /// A vector: a bias.
    Vector(usize),
}

impl Tensor {
    pub fn len(&self) -> usize {
        match *self {
            Tensor::Matrix { rows, cols } => rows * cols,
            Tensor::Vector(n) => n,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One optimization algorithm with its hyperparameters (torch's param group).
pub trait Optimizer {
    type State: Clone;
    /// Whether [`Derivatives::hessian`] must be given to `update`.
    const NEEDS_HESSIAN: bool = false;
    /// Whether [`Derivatives::closure`] must be given to `update`.
    const NEEDS_CLOSURE: bool = false;
    /// A fresh state for a landscape's point (one parameter of 2 coordinates).
    fn init(&self, params: &[f64]) -> Self::State;
    /// A fresh state for a model's parameters, tensor by tensor: `init`, unless the optimizer
    /// treats a matrix otherwise than a vector (Adafactor factors it, Muon orthogonalizes it).
    fn init_model(&self, params: &[f64], _tensors: &[Tensor]) -> Self::State {
        self.init(params)
    }
    /// One step: moves `params` in place and advances `state`.
    fn update(&self, params: &mut [f64], d: &Derivatives, state: &mut Self::State);
    /// The state as named values, for the page's inspector.
    fn inspect(&self, state: &Self::State) -> Vec<Entry>;
    /// Every name `inspect` may give, with a plain-language line for each.
    const STATE: &'static [Quantity];
    /// The explanation table: the pieces of an update in its own order, the step last (see
    /// [`explain`]).
    const PIECES: &'static [PieceInfo];
    /// The values of the pieces of the update from `params` with `d`, by their keys in
    /// [`Optimizer::PIECES`] (the step aside): `before` is the state the update started from,
    /// `after` the state it left. A piece without a value is not shown (momentum without
    /// momentum).
    fn explain(&self, before: &Self::State, after: &Self::State, params: &[f64], d: &Derivatives) -> Vec<explain::Value>;
    /// Whether the last update had no step to take (Newton's method without a fallback at a
    /// singular Hessian): it left the parameters as they were, and the racer stops there.
    fn undefined(&self, _state: &Self::State) -> bool {
        false
    }
    /// torch's `group["lr"]`, which a scheduler sets between steps.
    fn lr_mut(&mut self) -> &mut f64;
    /// torch's `group["momentum"]` or `group["betas"][0]`, which CyclicLR and OneCycleLR set
    /// between steps; None where the optimizer has neither.
    fn momentum_mut(&mut self) -> Option<&mut f64> {
        None
    }
}

/// A name an inspector shows, with a plain-language line for a tooltip.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Quantity {
    pub name: &'static str,
    pub tip: &'static str,
}

/// The state's step count, first in every inspector.
pub const STEP: Quantity = Quantity { name: "step", tip: "how many updates this optimizer has made" };

/// One named value of an optimizer's state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    pub name: &'static str,
    pub value: EntryValue,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EntryValue {
    Int(u64),
    Scalar(f64),
    Vector(Vec<f64>),
    Flag(bool),
}

impl Entry {
    pub fn int(name: &'static str, v: u64) -> Entry {
        Entry { name, value: EntryValue::Int(v) }
    }
    pub fn scalar(name: &'static str, v: f64) -> Entry {
        Entry { name, value: EntryValue::Scalar(v) }
    }
    pub fn vector(name: &'static str, v: &[f64]) -> Entry {
        Entry { name, value: EntryValue::Vector(v.to_vec()) }
    }
    pub fn flag(name: &'static str, v: bool) -> Entry {
        Entry { name, value: EntryValue::Flag(v) }
    }
}

/// An optimizer together with its state, behind one object-safe face; its learning rate and
/// momentum are a scheduler's [`Knobs`].
pub trait Stepper: Knobs {
    fn needs_hessian(&self) -> bool;
    fn needs_closure(&self) -> bool;
    /// Starts over from `params`: a fresh state, and the hyperparameters as built (a
    /// scheduler's changes undone).
    fn reset(&mut self, params: &[f64]);
    fn step(&mut self, params: &mut [f64], d: &Derivatives);
    fn inspect(&self) -> Vec<Entry>;
    /// See [`Optimizer::undefined`].
    fn undefined(&self) -> bool;
    /// Whether it has no next point at all: an external racer at the end of its given
    /// trajectory. The racer stops there, its status still ok.
    fn ended(&self) -> bool {
        false
    }
    /// The next step from `params` with `d`, piece by piece, leaving the state as it is.
    fn explain(&self, params: &[f64], d: &Derivatives) -> Explained;
}

/// The next update of a run, without taking it.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    /// Where the update goes: the parameters it leaves.
    pub next: Vec<f64>,
    /// Its learning rate (as a scheduler set it); None for a given trajectory.
    pub lr: Option<f64>,
    pub pieces: Vec<Piece>,
}

struct Running<O: Optimizer> {
    /// The hyperparameters as built.
    built: O,
    /// As a scheduler has set them.
    opt: O,
    state: O::State,
    /// A model's tensors; None for a landscape's point.
    tensors: Option<Vec<Tensor>>,
}

impl<O: Optimizer + Clone> Running<O> {
    fn fresh_state(&self, params: &[f64]) -> O::State {
        match &self.tensors {
            Some(t) => self.opt.init_model(params, t),
            None => self.opt.init(params),
        }
    }
}

impl<O: Optimizer + Clone> Knobs for Running<O> {
    fn lr_mut(&mut self) -> &mut f64 {
        self.opt.lr_mut()
    }
    fn momentum_mut(&mut self) -> Option<&mut f64> {
        self.opt.momentum_mut()
    }
}

impl<O: Optimizer + Clone> Stepper for Running<O> {
    fn needs_hessian(&self) -> bool {
        O::NEEDS_HESSIAN
    }
    fn needs_closure(&self) -> bool {
        O::NEEDS_CLOSURE
    }
    fn reset(&mut self, params: &[f64]) {
        self.opt = self.built.clone();
        self.state = self.fresh_state(params);
    }
    fn step(&mut self, params: &mut [f64], d: &Derivatives) {
        self.opt.update(params, d, &mut self.state)
    }
    fn inspect(&self) -> Vec<Entry> {
        self.opt.inspect(&self.state)
    }
    fn undefined(&self) -> bool {
        self.opt.undefined(&self.state)
    }
    fn explain(&self, params: &[f64], d: &Derivatives) -> Explained {
        // The update itself, on copies: its step is the run's next step, bit for bit.
        let (mut opt, mut after, mut next) = (self.opt.clone(), self.state.clone(), params.to_vec());
        opt.update(&mut next, d, &mut after);
        let values = opt.explain(&self.state, &after, params, d);
        let step = next.iter().zip(params).map(|(n, p)| n - p).collect();
        Explained { lr: Some(*opt.lr_mut()), pieces: explain::in_table_order(O::PIECES, values, step), next }
    }
}

/// Pairs an optimizer with a fresh state for `params`: a landscape's point, or a model's
/// `tensors`.
pub fn running<O: Optimizer + Clone + 'static>(opt: O, params: &[f64], tensors: Option<&[Tensor]>) -> Box<dyn Stepper> {
    let tensors = tensors.map(<[Tensor]>::to_vec);
    let state = match &tensors {
        Some(t) => opt.init_model(params, t),
        None => opt.init(params),
    };
    Box::new(Running { built: opt.clone(), opt, state, tensors })
}

/// The description of one optimizer: what `optiscape list` prints and the page builds its
/// controls from.
#[derive(Serialize)]
pub struct OptimizerInfo {
    pub name: &'static str,
    pub title: &'static str,
    /// The implementation whose iterates this one reproduces.
    pub reference: &'static str,
    pub params: &'static [Param],
    /// Every name its inspector may show, with a plain-language line each.
    pub state: &'static [Quantity],
    /// The pieces of its update, in order, as the "explain step" view draws them.
    pub pieces: &'static [PieceInfo],
    pub needs_hessian: bool,
    #[serde(skip)]
    pub build: fn(&Hyper) -> Result<Box<dyn OptimizerFactory>, String>,
}

/// Built hyperparameters, ready to start any number of runs.
pub trait OptimizerFactory {
    /// A run from a landscape's point.
    fn start(&self, params: &[f64]) -> Box<dyn Stepper>;
    /// A run on a model's parameters, `tensors` giving their shapes in order.
    fn start_model(&self, params: &[f64], tensors: &[Tensor]) -> Box<dyn Stepper>;
}

impl<O: Optimizer + Clone + 'static> OptimizerFactory for O {
    fn start(&self, params: &[f64]) -> Box<dyn Stepper> {
        running(self.clone(), params, None)
    }
    fn start_model(&self, params: &[f64], tensors: &[Tensor]) -> Box<dyn Stepper> {
        running(self.clone(), params, Some(tensors))
    }
}

/// Every optimizer, in the order the page lists them.
pub static REGISTRY: &[&OptimizerInfo] = &[
    &sgd::INFO,
    &adagrad::INFO,
    &rmsprop::INFO,
    &adadelta::INFO,
    &adam::INFO,
    &adam::INFO_W,
    &nadam::INFO,
    &radam::INFO,
    &adamax::INFO,
    &adabelief::INFO,
    &lion::INFO,
    &rprop::INFO,
    &asgd::INFO,
    &adafactor::INFO,
    &muon::INFO,
    &lbfgs::INFO,
    &newton::INFO,
];

pub fn find(name: &str) -> Option<&'static OptimizerInfo> {
    REGISTRY.iter().copied().find(|o| o.name == name)
}

/// Common parameter rows, spelled and defaulted as torch.optim does.
pub(crate) mod params {
    use crate::schema::{sliders, ItemTip, Param, Range};

    pub const fn lr(default: f64) -> Param {
        Param::number("lr", default, Range::NON_NEGATIVE, sliders::LR, "learning rate").tip("how big the steps are: the update's direction times lr")
    }
    pub const fn betas(b1: f64, b2: f64) -> Param {
        Param::pair("betas", [b1, b2], Range::UNIT_OPEN, sliders::BETA, "decay rates of the first and second moment averages")
            .tip("how long the two memories last: β1 of the gradient's direction, β2 of its size")
            .item_tips(&BETAS)
    }
    /// Adam's two memories, as the family's betas are.
    pub const BETAS: [ItemTip; 2] = [
        ItemTip { symbol: "β1", tip: "memory of the gradient's direction: how much of the gradients' running average each step keeps (0.9: about the last 10 steps)" },
        ItemTip { symbol: "β2", tip: "memory of its size: how much of the squared gradients' running average each step keeps (0.999: about the last 1000 steps)" },
    ];
    pub const fn eps(default: f64) -> Param {
        Param::number("eps", default, Range::NON_NEGATIVE, sliders::EPS, "term added to the denominator for numerical stability")
            .tip("a tiny number added where the step divides by the gradient's size, so a coordinate whose gradient stayed near zero does not get a huge step")
    }
    pub const fn weight_decay(default: f64) -> Param {
        Param::number("weight_decay", default, Range::NON_NEGATIVE, sliders::WEIGHT_DECAY, "weight decay (L2 penalty)")
            .tip("pulls the weights toward zero every step: weight_decay times the weights is added to the gradient")
    }
    /// `weight_decay` where a flag says whether it is decoupled.
    pub const EITHER_TIP: &str =
        "pulls the weights toward zero every step: weight_decay times the weights is added to the gradient, or, with decoupled_weight_decay, the weights shrink directly by lr · weight_decay of themselves";
    /// `weight_decay` where it is decoupled: the weights shrink directly.
    pub const DECOUPLED_TIP: &str = "shrinks the weights toward zero directly, by lr · weight_decay of themselves every step, apart from the gradient";
}

/// A zero buffer shaped like `params`: the usual initial state.
pub(crate) fn zeros(params: &[f64]) -> Vec<f64> {
    vec![0.0; params.len()]
}

// Elementwise operations named and computed as torch's CPU kernels compute them. On x86-64
// (AVX2 and AVX-512 kernels, built with FMA) ATen fuses `a + alpha * b`, `addcmul` and `lerp`
// into one rounding, and does not fuse `addcdiv`. Writing every update with these keeps
// iterates equal to torch's to the last bit (tests/golden.rs pins them). Each works on one
// weight (`f64`) or on a pair ([`lanes`]), with the same bits.

/// torch's `a.add(b, alpha=alpha)`: `a + alpha * b`, fused.
#[inline(always)]
pub(crate) fn add<L: Lanes>(a: L, b: L, alpha: f64) -> L {
    L::fused(L::splat(alpha), b, a)
}

/// torch's `a.addcmul(t1, t2, value=value)`: `a + value * t1 * t2`, fused.
#[inline(always)]
pub(crate) fn addcmul<L: Lanes>(a: L, t1: L, t2: L, value: f64) -> L {
    L::fused(L::splat(value) * t1, t2, a)
}

/// torch's `a.addcdiv(t1, t2, value=value)`: `a + value * t1 / t2`, not fused.
#[inline(always)]
pub(crate) fn addcdiv<L: Lanes>(a: L, t1: L, t2: L, value: f64) -> L {
    a + L::splat(value) * t1 / t2
}

/// torch's `start.lerp(end, weight)`, computed from the nearer end, fused.
#[inline(always)]
pub(crate) fn lerp<L: Lanes>(start: L, end: L, weight: f64) -> L {
    if weight.abs() < 0.5 {
        L::fused(L::splat(weight), end - start, start)
    } else {
        L::fused(L::splat(weight - 1.0), end - start, end)
    }
}

/// torch's `maximum`: a NaN on either side gives NaN (Rust's `f64::max` would drop it).
#[inline(always)]
pub(crate) fn maximum<L: Lanes>(a: L, b: L) -> L {
    a.maximum(b)
}

/// torch's `sign` (and `sgn` on real numbers), as its CPU kernel computes it, `(0 < x) - (x < 0)`:
/// -1, 0 or 1, and 0 for NaN and for -0.
#[inline(always)]
pub(crate) fn sign(x: f64) -> f64 {
    f64::from(i8::from(0.0 < x) - i8::from(x < 0.0))
}

/// torch's `linalg.vector_norm(x)` (2-norm) of float64, as ATen's CPU reduction computes it:
/// the squares accumulated by fused multiply-adds in order (`sqrt(fma(y, y, x²))` for two
/// coordinates), the absolute value for one.
pub fn norm2(x: &[f64]) -> f64 {
    match x {
        [v] => v.abs(),
        _ => x.iter().fold(0.0, |acc: f64, &v| <f64 as Lanes>::fused(v, v, acc)).sqrt(),
    }
}

/// torch's `clamp(x, min, max)`: `min(max(x, lo), hi)`, NaN for NaN (Rust's `f64::clamp` would
/// panic where lo > hi; torch gives hi there).
#[inline(always)]
pub fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if x.is_nan() {
        x
    } else {
        x.max(lo).min(hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_is_torchs() {
        // torch.sign(torch.tensor([-0.0, 0.0, nan, 3.0, -2.0], dtype=torch.float64)) in torch 2.15.
        let got: Vec<u64> = [-0.0, 0.0, f64::NAN, 3.0, -2.0, f64::INFINITY, -f64::MIN_POSITIVE].map(sign).map(f64::to_bits).to_vec();
        assert_eq!(got, [0.0, 0.0, 0.0, 1.0, -1.0, 1.0, -1.0].map(f64::to_bits));
    }

    #[test]
    fn clamp_is_torchs() {
        // torch.clamp(torch.tensor([nan, 5.0, -5.0, 0.5]), min=1.0, max=-1.0) and min=0, max=1.
        assert!(clamp(f64::NAN, 1.0, -1.0).is_nan());
        assert_eq!([5.0, -5.0, 0.5].map(|x| clamp(x, 1.0, -1.0)), [-1.0, -1.0, -1.0]);
        assert_eq!([5.0, -5.0, 0.5].map(|x| clamp(x, 0.0, 1.0)), [1.0, 0.0, 0.5]);
    }
}
