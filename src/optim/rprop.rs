//! Rprop, as `torch.optim.Rprop`: every coordinate has its own step size, which grows by
//! `etas[1]` while the gradient keeps its sign and shrinks by `etas[0]` when it flips, within
//! `step_sizes`; the step is that size against the gradient's sign. The ancestor of the sign
//! methods (Lion, signSGD).
//!
//! Traps this file keeps: the step sizes start at the learning rate read at the first step (a
//! scheduler changing `lr` later does not reach them); where the gradient flips sign the
//! coordinate does not move that step and its gradient is remembered as 0; the sign is that of
//! the product `grad * prev` (which can underflow to 0: no change of size then).

use super::{addcmul, clamp, sign, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, ItemTip, Param, Range, Spacing, Slider};
use super::explain::{common, downhill, vector, PieceInfo, Space, Value};
use super::{Quantity, STEP};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "rprop",
    title: "Rprop",
    reference: "torch.optim.Rprop",
    params: &[
        Param::number("lr", 1e-2, Range::NON_NEGATIVE, sliders::LR, "initial step size of every coordinate (read at the first step only)")
        .tip("every coordinate's first step size"),
        Param::pair("etas", [0.5, 1.2], Range::POSITIVE, Slider { min: 0.1, max: 2.0, spacing: Spacing::Linear }, "factors that shrink (etaminus < 1) and grow (etaplus > 1) a step size")
        .tip("how each coordinate's step size changes: shrinks when the gradient's sign flips, grows while it holds")
        .item_tips(&[ItemTip { symbol: "η−", tip: "the factor a step size shrinks by when the gradient's sign flips (below 1)" }, ItemTip { symbol: "η+", tip: "the factor it grows by while the sign holds (above 1)" }]),
        Param::pair("step_sizes", [1e-6, 50.0], Range::NON_NEGATIVE, Slider { min: 1e-8, max: 100.0, spacing: Spacing::Log }, "smallest and largest step size")
        .tip("the smallest and largest step size a coordinate may have")
        .item_tips(&[ItemTip { symbol: "min", tip: "the smallest step size" }, ItemTip { symbol: "max", tip: "the largest step size" }]),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(Rprop::new(h)?)),
};

#[derive(Clone, Debug)]
pub struct Rprop {
    pub lr: f64,
    pub etas: [f64; 2],
    pub step_sizes: [f64; 2],
}

impl Rprop {
    pub fn new(h: &Hyper) -> Result<Rprop, String> {
        let etas = h.pair("etas");
        if !(0.0 < etas[0] && etas[0] < 1.0 && 1.0 < etas[1]) {
            return Err(format!("`etas` must be [etaminus, etaplus] with 0 < etaminus < 1 < etaplus (as in torch), got [{}, {}]", etas[0], etas[1]));
        }
        Ok(Rprop { lr: h.num("lr"), etas, step_sizes: h.pair("step_sizes") })
    }
}

#[derive(Clone, Debug)]
pub struct RpropState {
    pub step: u64,
    /// The gradient of the last step (0 where it flipped sign).
    pub prev: Vec<f64>,
    pub step_size: Vec<f64>,
}

const STATE: &[Quantity] = &[
    STEP,
    Quantity { name: "step_size", tip: "each coordinate's own step size: times η+ while the gradient's sign holds, times η− when it flips" },
    Quantity { name: "prev", tip: "the last step's gradient, 0 where its sign had flipped" },
];

const PREV: PieceInfo = PieceInfo::arrow(
    "prev",
    "−g_prev",
    Space::Gradient,
    "the last step's gradient (0 where its sign had flipped): where its sign agrees with g's the step size grows, where not it shrinks",
);
const SIZES: PieceInfo = PieceInfo::boxed(
    "step_size",
    "step sizes",
    Space::Step,
    "each coordinate's own step size after this step's change: times η+ while the sign holds, times η− when it flips",
);

const PIECES: &[PieceInfo] = &[
    common::GRADIENT,
    PREV,
    SIZES,
    PieceInfo::step("the step: each coordinate moves its step size against the gradient's sign (not at all where the sign flipped)"),
];

impl Optimizer for Rprop {
    type State = RpropState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> RpropState {
        RpropState { step: 0, prev: zeros(p), step_size: vec![self.lr; p.len()] }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut RpropState) {
        if s.step == 0 {
            // torch fills the step sizes with the group's lr when the state is made, at the first step.
            s.step_size.fill(self.lr);
        }
        s.step += 1;
        let [etaminus, etaplus] = self.etas;
        let [step_size_min, step_size_max] = self.step_sizes;
        for i in 0..p.len() {
            let product = sign(d.grad[i] * s.prev[i]);
            let factor = if product > 0.0 {
                etaplus
            } else if product < 0.0 {
                etaminus
            } else {
                1.0
            };
            s.step_size[i] = clamp(s.step_size[i] * factor, step_size_min, step_size_max);
            let g = if factor == etaminus { 0.0 } else { d.grad[i] };
            p[i] = addcmul(p[i], sign(g), s.step_size[i], -1.0);
            s.prev[i] = g;
        }
    }

    fn inspect(&self, s: &RpropState) -> Vec<Entry> {
        vec![Entry::int("step", s.step), Entry::vector("step_size", &s.step_size), Entry::vector("prev", &s.prev)]
    }

    fn explain(&self, before: &RpropState, after: &RpropState, _p: &[f64], d: &Derivatives) -> Vec<Value> {
        vec![downhill(common::GRADIENT.key, d.grad), downhill(PREV.key, &before.prev), vector(SIZES.key, after.step_size.clone())]
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }
}
