//! RAdam, as `torch.optim.RAdam`: Adam whose adaptive step is switched on, and rectified, only
//! once the variance of the adaptive learning rate is tractable (rho_t > 5). Before that the
//! step is plain bias-corrected momentum, not normalized. Its eps is added to sqrt(v) without
//! bias correction.

use super::adam::{m_hat, M, M_HAT, V};
use super::explain::{self, common, downhill, flag, number, vector, PieceInfo, Space, Value};
use super::{add, addcmul, lerp, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use super::{Quantity, STEP};
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
        params::weight_decay(0.0).tip(params::EITHER_TIP),
        Param::flag("decoupled_weight_decay", false, "decay the weights directly, as AdamW")
        .tip("shrink the weights directly by lr · weight_decay of themselves, apart from the gradient, as AdamW does"),
    ],
    state: STATE,
    pieces: PIECES,
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

const STATE: &[Quantity] = &[
    STEP,
    Quantity { name: "rho_t", tip: "how long the memory of the gradient's size is so far, in steps: the adaptive step is on once it passes 5" },
    Quantity { name: "rectified", tip: "whether the adaptive step is on (rho_t > 5); before, the step is plain momentum" },
    M,
    V,
];

const RHO: PieceInfo = PieceInfo::scalar("rho_t", "ρ_t", "how long the memory of the gradient's size is so far, in steps: the adaptive step is on once it passes 5");
const RECTIFIED: PieceInfo = PieceInfo::scalar(
    "rectified",
    "adaptive",
    "whether the adaptive step is on: before, the step is plain momentum, −lr·m̂",
);
const V_HAT: PieceInfo = PieceInfo::boxed(
    "v_hat",
    "√v̂ + ε",
    Space::Gradient,
    "memory of its size: the root of the running average of squared gradients plus ε, corrected for starting at zero",
);
pub(super) const RECT: PieceInfo = PieceInfo::scalar(
    "rect",
    "r_t",
    "the rectification: how far the adaptive step is trusted yet, growing toward 1",
);

const PIECES: &[PieceInfo] = &[
    common::GRADIENT,
    common::DECOUPLED,
    common::L2,
    common::DECAYED,
    M_HAT,
    RHO,
    RECTIFIED,
    V_HAT,
    RECT,
    PieceInfo::step("the step: −lr·m̂, once adaptive divided by the box and times r_t"),
];

impl Optimizer for RAdam {
    type State = RAdamState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

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

    fn explain(
        &self,
        _before: &RAdamState,
        after: &RAdamState,
        p: &[f64],
        d: &Derivatives,
    ) -> Vec<Value> {
        let [beta1, beta2] = self.betas;
        let bias_correction2 = 1.0 - powf(beta2, after.step as f64);
        let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
        let rho_t = after.rho_t;
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        let (lr, decay, decoupled) = (self.lr, self.weight_decay, self.decoupled_weight_decay);
        out.extend(explain::either_decay(p, d.grad, lr, decay, decoupled));
        out.push(m_hat(&after.exp_avg, beta1, after.step));
        out.push(number(RHO.key, rho_t));
        out.push(flag(RECTIFIED.key, after.rectified));
        if after.rectified {
            // The reciprocal of the update's adaptive rate, (1 / (√v + ε)) √(1 − β2^t).
            let adaptive = |v: f64| (1.0 / (v.sqrt() + self.eps)) * powf(bias_correction2, 0.5);
            out.push(vector(
                V_HAT.key,
                after
                    .exp_avg_sq
                    .iter()
                    .map(|&v| 1.0 / adaptive(v))
                    .collect(),
            ));
            let rect = powf(
                (rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                    / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t),
                0.5,
            );
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
