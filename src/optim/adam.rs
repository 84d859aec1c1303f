//! Adam and AdamW, as `torch.optim.Adam` / `torch.optim.AdamW` (single-tensor path).
//!
//! Traps this file keeps: eps is added *after* bias-correcting sqrt(v) (`sqrt(v)/sqrt(1-b2^t) + eps`,
//! not `sqrt(v_hat + eps)`); AMSGrad keeps the running max of the raw v, then bias-corrects it;
//! AdamW decays the weights by `1 - lr*weight_decay` before the moments are updated.

use super::lanes::Lanes;
use super::{
    add, addcdiv, addcmul, lerp, maximum, params, zeros, Derivatives, Entry, Optimizer,
    OptimizerInfo,
};
use crate::math::powf;
use crate::schema::{Hyper, Param};

const AMSGRAD: Param = Param::flag("amsgrad", false, "use the running max of v (AMSGrad)");

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "adam",
    title: "Adam",
    reference: "torch.optim.Adam",
    params: &[
        params::lr(1e-3),
        params::betas(0.9, 0.999),
        params::eps(1e-8),
        params::weight_decay(0.0),
        AMSGRAD,
        Param::flag(
            "decoupled_weight_decay",
            false,
            "decay the weights directly, as AdamW",
        ),
    ],
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
        params::weight_decay(1e-2).key(),
        AMSGRAD,
    ],
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

impl Optimizer for Adam {
    type State = AdamState;

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

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }

    fn momentum_mut(&mut self) -> Option<&mut f64> {
        Some(&mut self.betas[0])
    }
}
