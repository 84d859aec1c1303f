//! RMSprop, as `torch.optim.RMSprop`: steps divided by a running RMS of gradients (centered:
//! by their running standard deviation), optionally with momentum. eps is added after the root.

use super::lanes::Lanes;
use super::{add, addcdiv, addcmul, lerp, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, Param, Range};
use super::explain::{self, common, downhill, vector, PieceInfo, Space, Value};
use super::{Quantity, STEP};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "rmsprop",
    title: "RMSprop",
    reference: "torch.optim.RMSprop",
    params: &[
        params::lr(1e-2),
        Param::number("alpha", 0.99, Range::UNIT, sliders::BETA, "smoothing constant of the squared-gradient average")
        .tip("memory of the gradient's size: how much of the squared gradients' average each step keeps (0.99: about the last 100 steps)"),
        params::eps(1e-8),
        params::weight_decay(0.0),
        Param::number("momentum", 0.0, Range::NON_NEGATIVE, sliders::MOMENTUM, "momentum factor")
        .tip("how much of the last step carries into this one"),
        Param::flag("centered", false, "normalize by the estimated variance of the gradient")
        .tip("divide by the gradient's spread around its average instead of its size"),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(RMSprop::new(h))),
};

#[derive(Clone, Debug)]
pub struct RMSprop {
    pub lr: f64,
    pub alpha: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub centered: bool,
}

impl RMSprop {
    pub fn new(h: &Hyper) -> RMSprop {
        RMSprop {
            lr: h.num("lr"),
            alpha: h.num("alpha"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
            momentum: h.num("momentum"),
            centered: h.flag("centered"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct RMSpropState {
    pub step: u64,
    pub square_avg: Vec<f64>,
    pub grad_avg: Vec<f64>,
    pub momentum_buffer: Vec<f64>,
}

const STATE: &[Quantity] = &[
    STEP,
    Quantity { name: "square_avg", tip: "memory of the gradient's size: the running average of squared gradients (alpha)" },
    Quantity { name: "grad_avg", tip: "centered: the running average of gradients, whose square is taken off square_avg" },
    Quantity { name: "momentum_buffer", tip: "momentum: the running sum of scaled gradients carried from step to step" },
];

const GRAD_AVG: PieceInfo = PieceInfo::arrow(
    "grad_avg",
    "−E[g]",
    Space::Gradient,
    "centered: the running average of the gradient; its square is taken off the box, leaving the gradient's spread",
);
const RMS: PieceInfo = PieceInfo::boxed(
    "rms",
    "√E[g²] + ε",
    Space::Gradient,
    "memory of the gradient's size: the root of the running average of squared gradients, plus ε",
);
const SPREAD: PieceInfo = PieceInfo::boxed(
    "spread",
    "√(E[g²] − E[g]²) + ε",
    Space::Gradient,
    "centered: the gradient's spread around its average, plus ε",
);
const VELOCITY: PieceInfo = PieceInfo::arrow(
    "velocity",
    "−lr·b",
    Space::Step,
    "momentum: lr times the running sum of the gradient divided by the box, carried from step to step",
);

const PIECES: &[PieceInfo] = &[
    common::GRADIENT,
    common::L2,
    common::DECAYED,
    GRAD_AVG,
    RMS,
    SPREAD,
    VELOCITY,
    PieceInfo::step("the step: −lr times the gradient divided by the box, coordinate by coordinate (with momentum, the momentum arrow)"),
];

impl Optimizer for RMSprop {
    type State = RMSpropState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> RMSpropState {
        RMSpropState { step: 0, square_avg: zeros(p), grad_avg: zeros(p), momentum_buffer: zeros(p) }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut RMSpropState) {
        s.step += 1;
        crate::each_lane!(p.len(), |i, L| {
            let mut g = L::load(d.grad, i);
            let param = L::load(p, i);
            if self.weight_decay != 0.0 {
                g = add(g, param, self.weight_decay);
            }
            let square_avg = addcmul(L::load(&s.square_avg, i) * L::splat(self.alpha), g, g, 1.0 - self.alpha);
            square_avg.store(&mut s.square_avg, i);
            let avg = if self.centered {
                let grad_avg = lerp(L::load(&s.grad_avg, i), g, 1.0 - self.alpha);
                grad_avg.store(&mut s.grad_avg, i);
                addcmul(square_avg, grad_avg, grad_avg, -1.0).sqrt()
            } else {
                square_avg.sqrt()
            } + L::splat(self.eps);
            if self.momentum > 0.0 {
                let buf = addcdiv(L::load(&s.momentum_buffer, i) * L::splat(self.momentum), g, avg, 1.0);
                buf.store(&mut s.momentum_buffer, i);
                add(param, buf, -self.lr).store(p, i);
            } else {
                addcdiv(param, g, avg, -self.lr).store(p, i);
            }
        });
    }

    fn inspect(&self, s: &RMSpropState) -> Vec<Entry> {
        let mut out = vec![Entry::int("step", s.step), Entry::vector("square_avg", &s.square_avg)];
        if self.centered {
            out.push(Entry::vector("grad_avg", &s.grad_avg));
        }
        if self.momentum > 0.0 {
            out.push(Entry::vector("momentum_buffer", &s.momentum_buffer));
        }
        out
    }

    fn explain(&self, _before: &RMSpropState, after: &RMSpropState, p: &[f64], d: &Derivatives) -> Vec<Value> {
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        out.extend(explain::l2(p, d.grad, self.weight_decay));
        let n = p.len();
        if self.centered {
            out.push(downhill(GRAD_AVG.key, &after.grad_avg));
            out.push(vector(SPREAD.key, (0..n).map(|i| addcmul(after.square_avg[i], after.grad_avg[i], after.grad_avg[i], -1.0).sqrt() + self.eps).collect()));
        } else {
            out.push(vector(RMS.key, after.square_avg.iter().map(|&s| s.sqrt() + self.eps).collect()));
        }
        if self.momentum > 0.0 {
            out.push(vector(VELOCITY.key, after.momentum_buffer.iter().map(|&b| -self.lr * b).collect()));
        }
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }

    fn momentum_mut(&mut self) -> Option<&mut f64> {
        Some(&mut self.momentum)
    }
}
