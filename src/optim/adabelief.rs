//! AdaBelief, as its authors' package `adabelief-pytorch` 0.2 (`AdaBelief` class), with the
//! package's defaults: eps 1e-16, decoupled weight decay, rectification on.
//!
//! The second moment is the variance of the gradient around its average, `s = EMA((g - m)^2)`,
//! and eps is added *into the stored s* every step. With `rectify`, the step follows RAdam but
//! tests N_sma >= 5 (RAdam: > 5), uses sqrt(s) without bias correction, and before that either
//! takes an SGD-with-momentum step (`degenerated_to_sgd`) or none.

use super::adam::{m_hat, M, M_HAT};
use super::explain::{self, common, downhill, flag, number, vector, PieceInfo, Space, Value};
use super::radam::RECT;
use super::{
    add, addcdiv, addcmul, maximum, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo,
};
use super::{Quantity, STEP};
use crate::math::powf;
use crate::schema::{Hyper, Param};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "adabelief",
    title: "AdaBelief",
    reference: "adabelief-pytorch 0.2 (AdaBelief)",
    params: &[
        params::lr(1e-3),
        params::betas(0.9, 0.999),
        params::eps(1e-16),
        params::weight_decay(0.0).tip("pulls the weights toward zero every step: with weight_decouple (the default) they shrink directly by lr · weight_decay of themselves, else it is added to the gradient"),
        Param::flag("amsgrad", false, "use the running max of s (AMSGrad)")
        .tip("never let the memory of the gradient's surprise shrink: divide by the largest average seen so far"),
        Param::flag("weight_decouple", true, "decay the weights directly, as AdamW")
        .tip("shrink the weights directly, apart from the gradient (as AdamW), instead of adding the decay to the gradient"),
        Param::flag("fixed_decay", false, "with weight_decouple: decay by weight_decay, not lr*weight_decay")
        .tip("with weight_decouple: shrink by weight_decay itself every step, whatever the learning rate"),
        Param::flag("rectify", true, "rectify the adaptive step, as RAdam")
        .tip("hold back the adaptive step while its memory of the gradient's size is still too short to trust (as RAdam)").key(),
        Param::flag("degenerated_to_sgd", true, "with rectify: take SGD steps while N_sma < 5")
        .tip("with rectify: meanwhile take plain momentum steps (off: stand still)"),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(AdaBelief::new(h))),
};

#[derive(Clone, Debug)]
pub struct AdaBelief {
    pub lr: f64,
    pub betas: [f64; 2],
    pub eps: f64,
    pub weight_decay: f64,
    pub amsgrad: bool,
    pub weight_decouple: bool,
    pub fixed_decay: bool,
    pub rectify: bool,
    pub degenerated_to_sgd: bool,
}

impl AdaBelief {
    pub fn new(h: &Hyper) -> AdaBelief {
        AdaBelief {
            lr: h.num("lr"),
            betas: h.pair("betas"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
            amsgrad: h.flag("amsgrad"),
            weight_decouple: h.flag("weight_decouple"),
            fixed_decay: h.flag("fixed_decay"),
            rectify: h.flag("rectify"),
            degenerated_to_sgd: h.flag("degenerated_to_sgd"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct AdaBeliefState {
    pub step: u64,
    pub n_sma: f64,
    pub exp_avg: Vec<f64>,
    pub exp_avg_var: Vec<f64>,
    pub max_exp_avg_var: Vec<f64>,
}

const STATE: &[Quantity] = &[
    STEP,
    M,
    Quantity { name: "s", tip: "memory of the gradient's surprise: the running average of (g − m)², how far gradients stray from their average (ε added every step)" },
    Quantity { name: "max_s", tip: "AMSGrad: the largest s so far" },
    Quantity { name: "n_sma", tip: "how long the memory of the surprise is so far, in steps: the adaptive step is on once it reaches 5" },
    Quantity { name: "rectified", tip: "whether the adaptive step is on (n_sma ≥ 5)" },
];

const S_HAT: PieceInfo = PieceInfo::boxed(
    "s_hat",
    "√ŝ + ε",
    Space::Gradient,
    "memory of the gradient's surprise: the root of the running average of (g − m)², corrected for starting at zero, plus ε",
);
const MAX_S: PieceInfo = PieceInfo::boxed(
    "max_s",
    "√max ŝ + ε",
    Space::Gradient,
    "AMSGrad's memory of the surprise: from the largest average so far, corrected, plus ε",
);
const S: PieceInfo = PieceInfo::boxed(
    "s",
    "√s + ε",
    Space::Gradient,
    "memory of the gradient's surprise, rectified: the root of the running average of (g − m)², plus ε",
);
const N_SMA: PieceInfo = PieceInfo::scalar("n_sma", "ρ_t", "how long the memory of the surprise is so far, in steps: the adaptive step is on once it reaches 5");
const RECTIFIED: PieceInfo = PieceInfo::scalar(
    "rectified",
    "adaptive",
    "whether the adaptive step is on: before, the step is plain momentum, −lr·m̂ (or none)",
);
const PIECES: &[PieceInfo] = &[
    common::GRADIENT,
    common::DECOUPLED,
    common::L2,
    common::DECAYED,
    M_HAT,
    S_HAT,
    MAX_S,
    N_SMA,
    RECTIFIED,
    S,
    RECT,
    PieceInfo::step(
        "the step: −lr·m̂ divided by the box, coordinate by coordinate (rectified: times r_t)",
    ),
];

impl Optimizer for AdaBelief {
    type State = AdaBeliefState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> AdaBeliefState {
        AdaBeliefState {
            step: 0,
            n_sma: 0.0,
            exp_avg: zeros(p),
            exp_avg_var: zeros(p),
            max_exp_avg_var: zeros(p),
        }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut AdaBeliefState) {
        let [beta1, beta2] = self.betas;
        let (lr, eps) = (self.lr, self.eps);
        s.step += 1;
        let step = s.step as f64;
        let bias_correction1 = 1.0 - powf(beta1, step);
        let bias_correction2 = 1.0 - powf(beta2, step);
        // The rectified step size, computed once per step as the package does.
        let beta2_t = powf(beta2, step);
        let n_sma_max = 2.0 / (1.0 - beta2) - 1.0;
        let n_sma = n_sma_max - 2.0 * step * beta2_t / (1.0 - beta2_t);
        s.n_sma = n_sma;
        let rect_step = if n_sma >= 5.0 {
            ((1.0 - beta2_t) * (n_sma - 4.0) / (n_sma_max - 4.0) * (n_sma - 2.0) / n_sma
                * n_sma_max
                / (n_sma_max - 2.0))
                .sqrt()
                / (1.0 - powf(beta1, step))
        } else if self.degenerated_to_sgd {
            1.0 / (1.0 - powf(beta1, step))
        } else {
            -1.0
        };
        for i in 0..p.len() {
            let mut g = d.grad[i];
            if self.weight_decouple {
                if self.fixed_decay {
                    p[i] *= 1.0 - self.weight_decay;
                } else {
                    p[i] *= 1.0 - lr * self.weight_decay;
                }
            } else if self.weight_decay != 0.0 {
                g = add(g, p[i], self.weight_decay);
            }
            s.exp_avg[i] = add(s.exp_avg[i] * beta1, g, 1.0 - beta1);
            let residual = g - s.exp_avg[i];
            s.exp_avg_var[i] = addcmul(s.exp_avg_var[i] * beta2, residual, residual, 1.0 - beta2);
            s.exp_avg_var[i] += eps;
            let denom = if self.amsgrad {
                s.max_exp_avg_var[i] = maximum(s.max_exp_avg_var[i], s.exp_avg_var[i]);
                s.max_exp_avg_var[i].sqrt() / bias_correction2.sqrt() + eps
            } else {
                s.exp_avg_var[i].sqrt() / bias_correction2.sqrt() + eps
            };
            if !self.rectify {
                let step_size = lr / bias_correction1;
                p[i] = addcdiv(p[i], s.exp_avg[i], denom, -step_size);
            } else if n_sma >= 5.0 {
                let denom = s.exp_avg_var[i].sqrt() + eps;
                p[i] = addcdiv(p[i], s.exp_avg[i], denom, -rect_step * lr);
            } else if rect_step > 0.0 {
                p[i] = add(p[i], s.exp_avg[i], -rect_step * lr);
            }
        }
    }

    fn inspect(&self, s: &AdaBeliefState) -> Vec<Entry> {
        let mut out = vec![
            Entry::int("step", s.step),
            Entry::vector("m", &s.exp_avg),
            Entry::vector("s", &s.exp_avg_var),
        ];
        if self.amsgrad {
            out.push(Entry::vector("max_s", &s.max_exp_avg_var));
        }
        if self.rectify {
            out.push(Entry::scalar("n_sma", s.n_sma));
            out.push(Entry::flag("rectified", s.n_sma >= 5.0));
        }
        out
    }

    fn explain(
        &self,
        _before: &AdaBeliefState,
        after: &AdaBeliefState,
        p: &[f64],
        d: &Derivatives,
    ) -> Vec<Value> {
        let [beta1, beta2] = self.betas;
        let step = after.step as f64;
        let bias_correction2 = 1.0 - powf(beta2, step);
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        // A fixed decay is weight_decay itself, whatever the learning rate.
        let rate = if self.fixed_decay { 1.0 } else { self.lr };
        let (decay, decouple) = (self.weight_decay, self.weight_decouple);
        out.extend(explain::either_decay(p, d.grad, rate, decay, decouple));
        out.push(m_hat(&after.exp_avg, beta1, after.step));
        let corrected = |s: &[f64]| {
            s.iter()
                .map(|&s| s.sqrt() / bias_correction2.sqrt() + self.eps)
                .collect::<Vec<f64>>()
        };
        if !self.rectify {
            out.push(if self.amsgrad {
                vector(MAX_S.key, corrected(&after.max_exp_avg_var))
            } else {
                vector(S_HAT.key, corrected(&after.exp_avg_var))
            });
            return out;
        }
        let rectified = after.n_sma >= 5.0;
        out.push(number(N_SMA.key, after.n_sma));
        out.push(flag(RECTIFIED.key, rectified));
        if rectified {
            let (n_sma, beta2_t) = (after.n_sma, powf(beta2, step));
            let n_sma_max = 2.0 / (1.0 - beta2) - 1.0;
            let rect = ((1.0 - beta2_t) * (n_sma - 4.0) / (n_sma_max - 4.0) * (n_sma - 2.0)
                / n_sma
                * n_sma_max
                / (n_sma_max - 2.0))
                .sqrt();
            out.push(vector(
                S.key,
                after
                    .exp_avg_var
                    .iter()
                    .map(|&s| s.sqrt() + self.eps)
                    .collect(),
            ));
            out.push(number(RECT.key, rect));
        }
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }

    fn momentum_mut(&mut self) -> Option<&mut f64> {
        Some(&mut self.betas[0])
    }
}
