//! RAdam, as `torch.optim.RAdam`: Adam whose adaptive step is switched on, and rectified, only
//! once the variance of the adaptive learning rate is tractable (rho_t > 5). Before that the
//! step is plain bias-corrected momentum, not normalized. Its eps is added to sqrt(v) without
//! bias correction.

use super::{add, addcmul, lerp, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::math::powf;
use crate::schema::{Hyper, Param};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "radam",
    title: "RAdam",
    reference: "torch.optim.RAdam",
    params: &[
        params::lr(1e-3),
        params::betas(0.9, 0.999),
        params::eps(1e-8),
        params::weight_decay(0.0),
        Param::flag(
            "decoupled_weight_decay",
            false,
            "decay the weights directly, as AdamW",
        ),
    ],
    needs_hessian: false,
    build: |h| Ok(Box::new(RAdam::new(h))),
};

#[derive(Clone, Debug)]
pub struct RAdam {
    pub lr: f64,
    pub betas: [f64; 2],
    pub eps: f64,
    pub weight_decay: f64,
    pub decoupled_weight_decay: bool,
}

impl RAdam {
    pub fn new(h: &Hyper) -> RAdam {
        RAdam {
            lr: h.num("lr"),
            betas: h.pair("betas"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
            decoupled_weight_decay: h.flag("decoupled_weight_decay"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct RAdamState {
    pub step: u64,
    pub rho_t: f64,
    pub rectified: bool,
    pub exp_avg: Vec<f64>,
    pub exp_avg_sq: Vec<f64>,
}

impl Optimizer for RAdam {
    type State = RAdamState;

    fn init(&self, p: &[f64]) -> RAdamState {
        RAdamState {
            step: 0,
            rho_t: 0.0,
            rectified: false,
            exp_avg: zeros(p),
            exp_avg_sq: zeros(p),
        }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut RAdamState) {
        let [beta1, beta2] = self.betas;
        s.step += 1;
        let step = s.step as f64;
        let bias_correction1 = 1.0 - powf(beta1, step);
        let bias_correction2 = 1.0 - powf(beta2, step);
        let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
        let rho_t = rho_inf - 2.0 * step * powf(beta2, step) / bias_correction2;
        s.rho_t = rho_t;
        s.rectified = rho_t > 5.0;
        let rect = powf(
            (rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t),
            0.5,
        );
        for i in 0..p.len() {
            let mut g = d.grad[i];
            if self.weight_decay != 0.0 {
                if self.decoupled_weight_decay {
                    p[i] *= 1.0 - self.lr * self.weight_decay;
                } else {
                    g = add(g, p[i], self.weight_decay);
                }
            }
            s.exp_avg[i] = lerp(s.exp_avg[i], g, 1.0 - beta1);
            s.exp_avg_sq[i] = addcmul(s.exp_avg_sq[i] * beta2, g, g, 1.0 - beta2);
            let m_hat = s.exp_avg[i] / bias_correction1;
            let update = if s.rectified {
                // torch's `float / tensor` is `tensor.reciprocal() * float`: two roundings.
                let adaptive_lr =
                    (1.0 / (s.exp_avg_sq[i].sqrt() + self.eps)) * powf(bias_correction2, 0.5);
                m_hat * self.lr * adaptive_lr * rect
            } else {
                m_hat * self.lr
            };
            p[i] = add(p[i], update, -1.0);
        }
    }

    fn inspect(&self, s: &RAdamState) -> Vec<Entry> {
        vec![
            Entry::int("step", s.step),
            Entry::scalar("rho_t", s.rho_t),
            Entry::flag("rectified", s.rectified),
            Entry::vector("m", &s.exp_avg),
            Entry::vector("v", &s.exp_avg_sq),
        ]
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }

    fn momentum_mut(&mut self) -> Option<&mut f64> {
        Some(&mut self.betas[0])
    }
}
