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
use lanes::Lanes;
use serde::Serialize;

mod adabelief;
mod adadelta;
mod adagrad;
mod adam;
mod adamax;
pub mod fma;
pub mod lanes;
mod lion;
mod nadam;
mod newton;
mod radam;
mod rmsprop;
mod sgd;

pub use adabelief::AdaBelief;
pub use adadelta::Adadelta;
pub use adagrad::Adagrad;
pub use adam::Adam;
pub use adamax::Adamax;
pub use lion::Lion;
pub use nadam::NAdam;
pub use newton::Newton;
pub use radam::RAdam;
pub use rmsprop::RMSprop;
pub use sgd::Sgd;

/// What an optimizer may ask of the objective at the current parameters.
pub struct Derivatives<'a> {
    /// The gradient, one entry per parameter.
    pub grad: &'a [f64],
    /// The Hessian, row-major n x n; present when the optimizer's `NEEDS_HESSIAN` is true.
    pub hessian: Option<&'a [f64]>,
}

/// One optimization algorithm with fixed hyperparameters.
pub trait Optimizer {
    type State: Clone;
    /// Whether [`Derivatives::hessian`] must be given to `update`.
    const NEEDS_HESSIAN: bool = false;
    fn init(&self, params: &[f64]) -> Self::State;
    /// One step: moves `params` in place and advances `state`.
    fn update(&self, params: &mut [f64], d: &Derivatives, state: &mut Self::State);
    /// The state as named values, for the page's inspector.
    fn inspect(&self, state: &Self::State) -> Vec<Entry>;
}

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

/// An optimizer together with its state, behind one object-safe face.
pub trait Stepper {
    fn needs_hessian(&self) -> bool;
    /// Starts over from `params`, as a fresh `init`.
    fn reset(&mut self, params: &[f64]);
    fn step(&mut self, params: &mut [f64], d: &Derivatives);
    fn inspect(&self) -> Vec<Entry>;
}

struct Running<O: Optimizer> {
    opt: O,
    state: O::State,
}

impl<O: Optimizer> Stepper for Running<O> {
    fn needs_hessian(&self) -> bool {
        O::NEEDS_HESSIAN
    }
    fn reset(&mut self, params: &[f64]) {
        self.state = self.opt.init(params);
    }
    fn step(&mut self, params: &mut [f64], d: &Derivatives) {
        self.opt.update(params, d, &mut self.state)
    }
    fn inspect(&self) -> Vec<Entry> {
        self.opt.inspect(&self.state)
    }
}

/// Pairs an optimizer with a fresh state for `params`.
pub fn running<O: Optimizer + 'static>(opt: O, params: &[f64]) -> Box<dyn Stepper> {
    let state = opt.init(params);
    Box::new(Running { opt, state })
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
    pub needs_hessian: bool,
    #[serde(skip)]
    pub build: fn(&Hyper) -> Result<Box<dyn OptimizerFactory>, String>,
}

/// Built hyperparameters, ready to start any number of runs.
pub trait OptimizerFactory {
    fn start(&self, params: &[f64]) -> Box<dyn Stepper>;
}

impl<O: Optimizer + Clone + 'static> OptimizerFactory for O {
    fn start(&self, params: &[f64]) -> Box<dyn Stepper> {
        running(self.clone(), params)
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
    &newton::INFO,
];

pub fn find(name: &str) -> Option<&'static OptimizerInfo> {
    REGISTRY.iter().copied().find(|o| o.name == name)
}

/// Common parameter rows, spelled and defaulted as torch.optim does.
pub(crate) mod params {
    use crate::schema::{sliders, Param, Range};

    pub const fn lr(default: f64) -> Param {
        Param::number("lr", default, Range::NON_NEGATIVE, sliders::LR, "learning rate")
    }
    pub const fn betas(b1: f64, b2: f64) -> Param {
        Param::pair("betas", [b1, b2], Range::UNIT_OPEN, sliders::BETA, "decay rates of the first and second moment averages")
    }
    pub const fn eps(default: f64) -> Param {
        Param::number("eps", default, Range::NON_NEGATIVE, sliders::EPS, "term added to the denominator for numerical stability")
    }
    pub const fn weight_decay(default: f64) -> Param {
        Param::number("weight_decay", default, Range::NON_NEGATIVE, sliders::WEIGHT_DECAY, "weight decay (L2 penalty)")
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_is_torchs() {
        // torch.sign(torch.tensor([-0.0, 0.0, nan, 3.0, -2.0], dtype=torch.float64)) in torch 2.15.
        let got: Vec<u64> = [-0.0, 0.0, f64::NAN, 3.0, -2.0, f64::INFINITY, -f64::MIN_POSITIVE].map(sign).map(f64::to_bits).to_vec();
        assert_eq!(got, [0.0, 0.0, 0.0, 1.0, -1.0, 1.0, -1.0].map(f64::to_bits));
    }
}
