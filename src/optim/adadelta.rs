//! Adadelta, as `torch.optim.Adadelta`: the step is the ratio of two running RMS values, of past
//! updates and of gradients, so it carries units of the parameters; `lr` scales it.

use super::{add, addcmul, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, Param, Range};
use super::explain::{self, common, downhill, vector, PieceInfo, Space, Value};
use super::{Quantity, STEP};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "adadelta",
    title: "Adadelta",
    reference: "torch.optim.Adadelta",
    params: &[
        params::lr(1.0),
        Param::number("rho", 0.9, Range::UNIT, sliders::BETA, "decay rate of the running averages")
        .tip("memory of both averages, of the squared gradients and of the squared steps (0.9: about the last 10 steps)"),
        params::eps(1e-6),
        params::weight_decay(0.0),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(Adadelta::new(h))),
};

#[derive(Clone, Debug)]
pub struct Adadelta {
    pub lr: f64,
    pub rho: f64,
    pub eps: f64,
    pub weight_decay: f64,
}

impl Adadelta {
    pub fn new(h: &Hyper) -> Adadelta {
        Adadelta { lr: h.num("lr"), rho: h.num("rho"), eps: h.num("eps"), weight_decay: h.num("weight_decay") }
    }
}

#[derive(Clone, Debug)]
pub struct AdadeltaState {
    pub step: u64,
    pub square_avg: Vec<f64>,
    pub acc_delta: Vec<f64>,
}

const STATE: &[Quantity] = &[
    STEP,
    Quantity { name: "square_avg", tip: "memory of the gradient's size: the running average of squared gradients (rho)" },
    Quantity { name: "acc_delta", tip: "memory of the steps' size: the running average of squared updates (rho)" },
];

const RMS_GRAD: PieceInfo = PieceInfo::boxed(
    "rms_grad",
    "√(E[g²] + ε)",
    Space::Gradient,
    "memory of the gradient's size: the root of the running average of squared gradients (ε inside)",
);
const RMS_DELTA: PieceInfo = PieceInfo::boxed(
    "rms_delta",
    "√(E[Δx²] + ε)",
    Space::Step,
    "memory of the steps' size: the root of the running average of past squared updates (ε inside)",
);
const DELTA: PieceInfo = PieceInfo::arrow(
    "delta",
    "−Δx",
    Space::Step,
    "the update: the gradient times the box of steps over the box of gradients, per coordinate; in the point's units, without lr",
);

const PIECES: &[PieceInfo] =
    &[common::GRADIENT, common::L2, common::DECAYED, RMS_GRAD, RMS_DELTA, DELTA, PieceInfo::step("the step: lr times the update")];

impl Optimizer for Adadelta {
    type State = AdadeltaState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> AdadeltaState {
        AdadeltaState { step: 0, square_avg: zeros(p), acc_delta: zeros(p) }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut AdadeltaState) {
        s.step += 1;
        for i in 0..p.len() {
            let mut g = d.grad[i];
            if self.weight_decay != 0.0 {
                g = add(g, p[i], self.weight_decay);
            }
            s.square_avg[i] = addcmul(s.square_avg[i] * self.rho, g, g, 1.0 - self.rho);
            let std = (s.square_avg[i] + self.eps).sqrt();
            let delta = (s.acc_delta[i] + self.eps).sqrt() / std * g;
            s.acc_delta[i] = addcmul(s.acc_delta[i] * self.rho, delta, delta, 1.0 - self.rho);
            p[i] = add(p[i], delta, -self.lr);
        }
    }

    fn inspect(&self, s: &AdadeltaState) -> Vec<Entry> {
        vec![Entry::int("step", s.step), Entry::vector("square_avg", &s.square_avg), Entry::vector("acc_delta", &s.acc_delta)]
    }

    fn explain(&self, before: &AdadeltaState, after: &AdadeltaState, p: &[f64], d: &Derivatives) -> Vec<Value> {
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        out.extend(explain::l2(p, d.grad, self.weight_decay));
        let g = explain::decayed(p, d.grad, self.weight_decay);
        let std: Vec<f64> = after.square_avg.iter().map(|&s| (s + self.eps).sqrt()).collect();
        let rms_delta: Vec<f64> = before.acc_delta.iter().map(|&a| (a + self.eps).sqrt()).collect();
        let delta: Vec<f64> = (0..p.len()).map(|i| rms_delta[i] / std[i] * g[i]).collect();
        out.push(vector(RMS_GRAD.key, std));
        out.push(vector(RMS_DELTA.key, rms_delta));
        out.push(downhill(DELTA.key, &delta));
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }
}
