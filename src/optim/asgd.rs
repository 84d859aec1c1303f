//! ASGD, as `torch.optim.ASGD`: gradient descent whose step `eta` shrinks as
//! `lr / (1 + lambd lr t)^alpha`, with the weights decayed by `1 - lambd eta`, and a running
//! average `ax` of the iterates from step `t0` on. The race follows the iterate itself, not the
//! average (the inspector shows it).
//!
//! Traps this file keeps: `eta` starts at the lr of the first step, and the eta after step t
//! uses the lr of step t, so a scheduled lr arrives one step late.

use crate::math::powf;
use super::{add, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{Hyper, Param, Range, Spacing, Slider};
use super::explain::{self, common, downhill, number, vector, PieceInfo, Space, Value};
use super::{Quantity, STEP};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "asgd",
    title: "ASGD",
    reference: "torch.optim.ASGD",
    params: &[
        params::lr(1e-2),
        Param::number("lambd", 1e-4, Range::NON_NEGATIVE, Slider { min: 1e-8, max: 1.0, spacing: Spacing::Log }, "decay term")
        .tip("how fast the step size shrinks over the steps, and how hard the weights are pulled toward zero"),
        Param::number("alpha", 0.75, Range::NON_NEGATIVE, Slider { min: 0.0, max: 2.0, spacing: Spacing::Linear }, "power for the eta update")
        .tip("how steeply the step size shrinks: lr / (1 + lambd · lr · t)^alpha"),
        Param::number("t0", 1e6, Range::ANY, Slider { min: 1.0, max: 1e6, spacing: Spacing::Log }, "step at which averaging starts")
        .tip("the step from which the iterates are averaged (the average is ASGD's answer; the race follows the iterate)"),
        params::weight_decay(0.0),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(Asgd::new(h))),
};

#[derive(Clone, Debug)]
pub struct Asgd {
    pub lr: f64,
    pub lambd: f64,
    pub alpha: f64,
    pub t0: f64,
    pub weight_decay: f64,
}

impl Asgd {
    pub fn new(h: &Hyper) -> Asgd {
        Asgd { lr: h.num("lr"), lambd: h.num("lambd"), alpha: h.num("alpha"), t0: h.num("t0"), weight_decay: h.num("weight_decay") }
    }
}

#[derive(Clone, Debug)]
pub struct AsgdState {
    pub step: u64,
    pub eta: f64,
    pub mu: f64,
    /// The average of the iterates.
    pub ax: Vec<f64>,
}

const STATE: &[Quantity] = &[
    STEP,
    Quantity { name: "eta", tip: "the step size of the next step, lr / (1 + lambd · lr · step)^alpha" },
    Quantity { name: "mu", tip: "the weight the next iterate gets in the average (1 until step t0: the average is the iterate)" },
    Quantity { name: "ax", tip: "the average of the iterates from step t0 on: ASGD's answer (the race follows the iterate)" },
];

const ETA: PieceInfo = PieceInfo::scalar("eta", "η", "this step's step size, lr / (1 + λ·lr·t)^α, shrinking over the steps");
const SHRINK: PieceInfo = PieceInfo::arrow("shrink", "−λη·x", Space::Step, "the weights shrink by λ·η of themselves");
const AX: PieceInfo = PieceInfo::point("ax", "x̄", "the average of the iterates so far (from step t0 on): ASGD's answer, not the raced point");

const PIECES: &[PieceInfo] =
    &[common::GRADIENT, common::L2, common::DECAYED, ETA, SHRINK, AX, PieceInfo::step("the step: the shrink, then −η times the gradient")];

impl Optimizer for Asgd {
    type State = AsgdState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> AsgdState {
        AsgdState { step: 0, eta: self.lr, mu: 1.0, ax: zeros(p) }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut AsgdState) {
        if s.step == 0 {
            // torch makes the state, eta = lr, at the first step.
            s.eta = self.lr;
        }
        s.step += 1;
        let eta = s.eta;
        for i in 0..p.len() {
            let mut g = d.grad[i];
            if self.weight_decay != 0.0 {
                g = add(g, p[i], self.weight_decay);
            }
            p[i] *= 1.0 - self.lambd * eta;
            p[i] = add(p[i], g, -eta);
            if s.mu != 1.0 {
                s.ax[i] += (p[i] - s.ax[i]) * s.mu;
            } else {
                s.ax[i] = p[i];
            }
        }
        let step = s.step as f64;
        s.eta = self.lr / powf(1.0 + self.lambd * self.lr * step, self.alpha);
        s.mu = 1.0 / (step - self.t0).max(1.0);
    }

    fn inspect(&self, s: &AsgdState) -> Vec<Entry> {
        vec![Entry::int("step", s.step), Entry::scalar("eta", s.eta), Entry::scalar("mu", s.mu), Entry::vector("ax", &s.ax)]
    }

    fn explain(&self, before: &AsgdState, _after: &AsgdState, p: &[f64], d: &Derivatives) -> Vec<Value> {
        let eta = if before.step == 0 { self.lr } else { before.eta };
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        out.extend(explain::l2(p, d.grad, self.weight_decay));
        out.push(number(ETA.key, eta));
        let factor = 1.0 - self.lambd * eta;
        if factor != 1.0 {
            out.push(vector(SHRINK.key, p.iter().map(|&x| x * factor - x).collect()));
        }
        if before.step > 0 {
            out.push(vector(AX.key, before.ax.clone()));
        }
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }
}
