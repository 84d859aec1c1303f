//! Lion, as `lion-pytorch` (`Lion` class): the step is the *sign* of an interpolation between
//! momentum and gradient, taken before the momentum itself is updated with beta2. Every
//! coordinate moves by exactly lr (or 0), so Lion wants a smaller lr than Adam.

use super::{add, sign, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, ItemTip, Param, Range};
use super::explain::{self, common, downhill, vector, PieceInfo, Space, Value};
use super::{Quantity, STEP};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "lion",
    title: "Lion",
    reference: "lion-pytorch (Lion)",
    params: &[
        Param::number("lr", 1e-4, Range::POSITIVE, sliders::LR, "learning rate")
        .tip("how far every coordinate moves each step: exactly lr (or 0), whatever the gradient's size"),
        Param::pair("betas", [0.9, 0.99], Range::UNIT, sliders::BETA, "interpolation (beta1) and momentum decay (beta2)")
        .tip("β1 sets what the step\'s sign is taken of, β2 how long the memory of the gradient\'s direction lasts")
        .item_tips(&[ItemTip { symbol: "β1", tip: "how much of the momentum the step's sign is taken of, against the new gradient" }, ItemTip { symbol: "β2", tip: "memory of the gradient's direction: how much of the momentum each step keeps" }]),
        Param::number("weight_decay", 0.0, Range::NON_NEGATIVE, sliders::WEIGHT_DECAY, "decoupled weight decay").tip(super::params::DECOUPLED_TIP),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(Lion::new(h))),
};

#[derive(Clone, Debug)]
pub struct Lion {
    pub lr: f64,
    pub betas: [f64; 2],
    pub weight_decay: f64,
}

impl Lion {
    pub fn new(h: &Hyper) -> Lion {
        Lion { lr: h.num("lr"), betas: h.pair("betas"), weight_decay: h.num("weight_decay") }
    }
}

#[derive(Clone, Debug)]
pub struct LionState {
    pub step: u64,
    pub exp_avg: Vec<f64>,
}

const STATE: &[Quantity] = &[STEP, Quantity { name: "m", tip: "memory of the gradient's direction: the running average of gradients (β2)" }];

const M: PieceInfo = PieceInfo::arrow(
    "m",
    "−m",
    Space::Gradient,
    "memory of the gradient's direction, from before this step: the running average of gradients (β2)",
);
const BLEND: PieceInfo = PieceInfo::arrow(
    "blend",
    "−c",
    Space::Gradient,
    "the blend β1·m + (1 − β1)·g: the step goes against its sign",
);
const REACH: PieceInfo = PieceInfo::boxed(
    "reach",
    "±lr",
    Space::Step,
    "every coordinate moves exactly lr: the step lands on a corner of this box (on an edge where the blend is 0)",
);

const PIECES: &[PieceInfo] =
    &[common::GRADIENT, common::DECOUPLED, M, BLEND, REACH, PieceInfo::step("the step: −lr times the blend's sign, coordinate by coordinate")];

impl Optimizer for Lion {
    type State = LionState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> LionState {
        LionState { step: 0, exp_avg: zeros(p) }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut LionState) {
        let [beta1, beta2] = self.betas;
        s.step += 1;
        for i in 0..p.len() {
            let g = d.grad[i];
            p[i] *= 1.0 - self.lr * self.weight_decay;
            let update = sign(add(s.exp_avg[i] * beta1, g, 1.0 - beta1));
            p[i] = add(p[i], update, -self.lr);
            s.exp_avg[i] = add(s.exp_avg[i] * beta2, g, 1.0 - beta2);
        }
    }

    fn inspect(&self, s: &LionState) -> Vec<Entry> {
        vec![Entry::int("step", s.step), Entry::vector("m", &s.exp_avg)]
    }

    fn explain(&self, before: &LionState, _after: &LionState, p: &[f64], d: &Derivatives) -> Vec<Value> {
        let beta1 = self.betas[0];
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        out.extend(explain::decoupled(p, 1.0 - self.lr * self.weight_decay));
        out.push(downhill(M.key, &before.exp_avg));
        out.push(downhill(BLEND.key, &(0..p.len()).map(|i| add(before.exp_avg[i] * beta1, d.grad[i], 1.0 - beta1)).collect::<Vec<f64>>()));
        out.push(vector(REACH.key, vec![self.lr; p.len()]));
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }

    fn momentum_mut(&mut self) -> Option<&mut f64> {
        Some(&mut self.betas[0])
    }
}
