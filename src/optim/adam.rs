//! Adam and AdamW, as `torch.optim.Adam` / `torch.optim.AdamW` (single-tensor path).
//!
//! Traps this file keeps: eps is added *after* bias-correcting sqrt(v) (`sqrt(v)/sqrt(1-b2^t) + eps`,
//! not `sqrt(v_hat + eps)`); AMSGrad keeps the running max of the raw v, then bias-corrects it;
//! AdamW decays the weights by `1 - lr*weight_decay` before the moments are updated.

use super::explain::{self, common, downhill, vector, PieceInfo, Space, Value};
use super::lanes::Lanes;
use super::{
    add, addcdiv, addcmul, lerp, maximum, params, zeros, Derivatives, Entry, Optimizer,
    OptimizerInfo,
};
use super::{Quantity, STEP};
use crate::math::powf;
use crate::schema::{Hyper, Param};

const AMSGRAD: Param = Param::flag("amsgrad", false, "use the running max of v (AMSGrad)").tip(
    "never let the memory of the gradient's size shrink: divide by the largest average seen so far",
);

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "adam",
    title: "Adam",
    reference: "torch.optim.Adam",
    params: &[
        params::lr(1e-3),
        params::betas(0.9, 0.999),
        params::eps(1e-8),
        params::weight_decay(0.0).tip(params::EITHER_TIP),
        AMSGRAD,
        Param::flag("decoupled_weight_decay", false, "decay the weights directly, as AdamW")
        .tip("shrink the weights directly by lr · weight_decay of themselves, apart from the gradient (AdamW), instead of adding the decay to the gradient"),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(Adam::new(h, h.flag("decoupled_weight_decay")))),
};

pub static INFO_W: OptimizerInfo = OptimizerInfo {
    name: "adamw",
    title: "AdamW",
    reference: "torch.optim.AdamW",
    params: &[
        params::lr(1e-3),
        params::betas(0.9, 0.999),
        params::eps(1e-8),
        params::weight_decay(1e-2).key().tip(params::DECOUPLED_TIP),
        AMSGRAD,
    ],
    state: STATE,
    pieces: PIECES_W,
    needs_hessian: false,
    build: |h| Ok(Box::new(Adam::new(h, true))),
};

#[derive(Clone, Debug)]
pub struct Adam {
    pub lr: f64,
    pub betas: [f64; 2],
    pub eps: f64,
    pub weight_decay: f64,
    pub amsgrad: bool,
    pub decoupled_weight_decay: bool,
}

impl Adam {
    pub fn new(h: &Hyper, decoupled_weight_decay: bool) -> Adam {
        Adam {
            lr: h.num("lr"),
            betas: h.pair("betas"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
            amsgrad: h.flag("amsgrad"),
            decoupled_weight_decay,
        }
    }
}

#[derive(Clone, Debug)]
pub struct AdamState {
    pub step: u64,
    pub exp_avg: Vec<f64>,
    pub exp_avg_sq: Vec<f64>,
    pub max_exp_avg_sq: Vec<f64>,
}

/// The Adam family's memories, as their inspectors name them.
pub(super) const M: Quantity = Quantity {
    name: "m",
    tip: "memory of the gradient's direction: the running average of gradients (β1)",
};
pub(super) const V: Quantity = Quantity {
    name: "v",
    tip: "memory of its size: the running average of squared gradients (β2)",
};

const STATE: &[Quantity] = &[
    STEP,
    M,
    V,
    Quantity {
        name: "m_hat",
        tip: "m corrected for starting at zero: m / (1 − β1^step)",
    },
    Quantity {
        name: "v_hat",
        tip: "v corrected for starting at zero: v / (1 − β2^step)",
    },
    Quantity {
        name: "max_v",
        tip: "AMSGrad: the largest v so far, which the step divides by instead",
    },
];

/// The corrected average of the gradients, downhill.
pub(super) const M_HAT: PieceInfo = PieceInfo::arrow(
    "m_hat",
    "−m̂",
    Space::Gradient,
    "memory of the gradient's direction: the running average of gradients, corrected for starting at zero",
);
/// `−m̂`: the running average of the gradients `m` after `step` steps, corrected for starting
/// at zero (`m / (1 − β1^step)`), downhill.
pub(super) fn m_hat(m: &[f64], beta1: f64, step: u64) -> Value {
    let bias_correction1 = 1.0 - powf(beta1, step as f64);
    let m_hat: Vec<f64> = m.iter().map(|m| m / bias_correction1).collect();
    downhill(M_HAT.key, &m_hat)
}
/// The step's per-coordinate divisor.
pub(super) const V_HAT: PieceInfo = PieceInfo::boxed(
    "v_hat",
    "√v̂ + ε",
    Space::Gradient,
    "memory of its size: the root of the corrected running average of squared gradients, plus ε; where −m̂ reaches the box's edge, the step is lr",
);
const MAX_V: PieceInfo = PieceInfo::boxed(
    "max_v",
    "√max v̂ + ε",
    Space::Gradient,
    "AMSGrad's memory of the size: from the largest running average of squared gradients so far, corrected, plus ε",
);

const PIECES: &[PieceInfo] = &[
    common::GRADIENT,
    common::DECOUPLED,
    common::L2,
    common::DECAYED,
    M_HAT,
    V_HAT,
    MAX_V,
    STEP_PIECE,
];
const STEP_PIECE: PieceInfo = PieceInfo::step("the step: −lr·m̂ divided by the box, coordinate by coordinate: about lr in each where gradients agree");
/// AdamW's: the same rows, its weight decay always decoupled.
const PIECES_W: &[PieceInfo] = &[
    common::GRADIENT,
    common::DECOUPLED,
    M_HAT,
    V_HAT,
    MAX_V,
    STEP_PIECE,
];

impl Optimizer for Adam {
    type State = AdamState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> AdamState {
        AdamState {
            step: 0,
            exp_avg: zeros(p),
            exp_avg_sq: zeros(p),
            max_exp_avg_sq: zeros(p),
        }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut AdamState) {
        let [beta1, beta2] = self.betas;
        s.step += 1;
        let step = s.step as f64;
        let bias_correction1 = 1.0 - powf(beta1, step);
        let bias_correction2 = 1.0 - powf(beta2, step);
        let step_size = self.lr / bias_correction1;
        let bias_correction2_sqrt = powf(bias_correction2, 0.5);
        // Two weights at a time where wasm SIMD allows (see `lanes`), with the same bits.
        crate::each_lane!(p.len(), |i, L| {
            let mut param = L::load(p, i);
            let mut g = L::load(d.grad, i);
            if self.weight_decay != 0.0 {
                if self.decoupled_weight_decay {
                    param *= L::splat(1.0 - self.lr * self.weight_decay);
                } else {
                    g = add(g, param, self.weight_decay);
                }
            }
            let m = lerp(L::load(&s.exp_avg, i), g, 1.0 - beta1);
            let mut v = addcmul(
                L::load(&s.exp_avg_sq, i) * L::splat(beta2),
                g,
                g,
                1.0 - beta2,
            );
            m.store(&mut s.exp_avg, i);
            v.store(&mut s.exp_avg_sq, i);
            if self.amsgrad {
                v = maximum(L::load(&s.max_exp_avg_sq, i), v);
                v.store(&mut s.max_exp_avg_sq, i);
            }
            let denom = v.sqrt() / L::splat(bias_correction2_sqrt) + L::splat(self.eps);
            addcdiv(param, m, denom, -step_size).store(p, i);
        });
    }

    fn inspect(&self, s: &AdamState) -> Vec<Entry> {
        let [beta1, beta2] = self.betas;
        let t = s.step as f64;
        // Before the first step 1 - beta^0 = 0: nothing to correct (m = v = 0), and 0/0 is NaN.
        let correct = |x: f64, beta: f64| {
            if s.step == 0 {
                x
            } else {
                x / (1.0 - powf(beta, t))
            }
        };
        let m_hat: Vec<f64> = s.exp_avg.iter().map(|&m| correct(m, beta1)).collect();
        let v_hat: Vec<f64> = s.exp_avg_sq.iter().map(|&v| correct(v, beta2)).collect();
        let mut out = vec![
            Entry::int("step", s.step),
            Entry::vector("m", &s.exp_avg),
            Entry::vector("v", &s.exp_avg_sq),
            Entry::vector("m_hat", &m_hat),
            Entry::vector("v_hat", &v_hat),
        ];
        if self.amsgrad {
            out.push(Entry::vector("max_v", &s.max_exp_avg_sq));
        }
        out
    }

    fn explain(
        &self,
        _before: &AdamState,
        after: &AdamState,
        p: &[f64],
        d: &Derivatives,
    ) -> Vec<Value> {
        let [beta1, beta2] = self.betas;
        let bias_correction2_sqrt = powf(1.0 - powf(beta2, after.step as f64), 0.5);
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        let (lr, decay, decoupled) = (self.lr, self.weight_decay, self.decoupled_weight_decay);
        out.extend(explain::either_decay(p, d.grad, lr, decay, decoupled));
        out.push(m_hat(&after.exp_avg, beta1, after.step));
        let (key, v) = if self.amsgrad {
            (MAX_V.key, &after.max_exp_avg_sq)
        } else {
            (V_HAT.key, &after.exp_avg_sq)
        };
        out.push(vector(
            key,
            v.iter()
                .map(|&v| v.sqrt() / bias_correction2_sqrt + self.eps)
                .collect(),
        ));
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }

    fn momentum_mut(&mut self) -> Option<&mut f64> {
        Some(&mut self.betas[0])
    }
}
