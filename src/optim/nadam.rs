//! NAdam, as `torch.optim.NAdam`: Adam with Nesterov momentum and Dozat's momentum schedule
//! `mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))`. The running product of the mu_t is
//! kept in f64 (torch keeps it in the default dtype).

use super::adam::{M, V, V_HAT};
use super::explain::{self, common, downhill, number, vector, PieceInfo, Space, Value};
use super::{
    add, addcdiv, addcmul, lerp, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo,
};
use super::{Quantity, STEP};
use crate::math::powf;
use crate::schema::{Hyper, Param, Range, Slider, Spacing};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "nadam",
    title: "NAdam",
    reference: "torch.optim.NAdam",
    params: &[
        params::lr(2e-3),
        params::betas(0.9, 0.999),
        params::eps(1e-8),
        params::weight_decay(0.0).tip(params::EITHER_TIP),
        Param::number("momentum_decay", 4e-3, Range::NON_NEGATIVE, Slider { min: 1e-4, max: 1.0, spacing: Spacing::Log }, "momentum decay psi")
        .tip("how fast the momentum factor ramps up from β1/2 to β1 over the first steps"),
        Param::flag("decoupled_weight_decay", false, "decay the weights directly, as AdamW")
        .tip("shrink the weights directly by lr · weight_decay of themselves, apart from the gradient, as AdamW does"),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(NAdam::new(h))),
};

#[derive(Clone, Debug)]
pub struct NAdam {
    pub lr: f64,
    pub betas: [f64; 2],
    pub eps: f64,
    pub weight_decay: f64,
    pub momentum_decay: f64,
    pub decoupled_weight_decay: bool,
}

impl NAdam {
    pub fn new(h: &Hyper) -> NAdam {
        NAdam {
            lr: h.num("lr"),
            betas: h.pair("betas"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
            momentum_decay: h.num("momentum_decay"),
            decoupled_weight_decay: h.flag("decoupled_weight_decay"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct NAdamState {
    pub step: u64,
    pub mu_product: f64,
    pub mu: f64,
    pub exp_avg: Vec<f64>,
    pub exp_avg_sq: Vec<f64>,
}

const STATE: &[Quantity] = &[
    STEP,
    Quantity { name: "mu", tip: "the momentum factor of the last step, β1 (1 − 0.5 · 0.96^(step · momentum_decay)): it ramps up toward β1" },
    Quantity { name: "mu_product", tip: "the product of every momentum factor so far: it corrects the averages for starting at zero" },
    M,
    V,
];

const M_RAW: PieceInfo = PieceInfo::arrow(
    "m",
    "−m",
    Space::Gradient,
    "memory of the gradient's direction: the running average of gradients, not yet corrected",
);
const MIX: PieceInfo = PieceInfo::arrow(
    "mix",
    "−m̄",
    Space::Gradient,
    "Nesterov's look ahead: this gradient and the running average, weighted by this step's and the next step's momentum factor, corrected",
);
const MU: PieceInfo = PieceInfo::scalar(
    "mu",
    "μ_t",
    "this step's momentum factor, ramping up toward β1",
);

const PIECES: &[PieceInfo] = &[
    common::GRADIENT,
    common::DECOUPLED,
    common::L2,
    common::DECAYED,
    M_RAW,
    MU,
    MIX,
    V_HAT,
    PieceInfo::step("the step: −lr·m̄ divided by the box, coordinate by coordinate"),
];

impl Optimizer for NAdam {
    type State = NAdamState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> NAdamState {
        NAdamState {
            step: 0,
            mu_product: 1.0,
            mu: 0.0,
            exp_avg: zeros(p),
            exp_avg_sq: zeros(p),
        }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut NAdamState) {
        let [beta1, beta2] = self.betas;
        s.step += 1;
        let step = s.step as f64;
        let bias_correction2 = 1.0 - powf(beta2, step);
        let mu = beta1 * (1.0 - 0.5 * powf(0.96, step * self.momentum_decay));
        let mu_next = beta1 * (1.0 - 0.5 * powf(0.96, (step + 1.0) * self.momentum_decay));
        s.mu = mu;
        s.mu_product *= mu;
        let mu_product_next = s.mu_product * mu_next;
        let grad_coef = -self.lr * (1.0 - mu) / (1.0 - s.mu_product);
        let avg_coef = -self.lr * mu_next / (1.0 - mu_product_next);
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
            let denom = (s.exp_avg_sq[i] / bias_correction2).sqrt() + self.eps;
            p[i] = addcdiv(p[i], g, denom, grad_coef);
            p[i] = addcdiv(p[i], s.exp_avg[i], denom, avg_coef);
        }
    }

    fn inspect(&self, s: &NAdamState) -> Vec<Entry> {
        vec![
            Entry::int("step", s.step),
            Entry::scalar("mu", s.mu),
            Entry::scalar("mu_product", s.mu_product),
            Entry::vector("m", &s.exp_avg),
            Entry::vector("v", &s.exp_avg_sq),
        ]
    }

    fn explain(
        &self,
        _before: &NAdamState,
        after: &NAdamState,
        p: &[f64],
        d: &Derivatives,
    ) -> Vec<Value> {
        let [beta1, beta2] = self.betas;
        let step = after.step as f64;
        let bias_correction2 = 1.0 - powf(beta2, step);
        let mu_next = beta1 * (1.0 - 0.5 * powf(0.96, (step + 1.0) * self.momentum_decay));
        // The update's two coefficients over -lr: how much of g and of m the step takes.
        let grad_weight = (1.0 - after.mu) / (1.0 - after.mu_product);
        let avg_weight = mu_next / (1.0 - after.mu_product * mu_next);
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        let (lr, decay, decoupled) = (self.lr, self.weight_decay, self.decoupled_weight_decay);
        out.extend(explain::either_decay(p, d.grad, lr, decay, decoupled));
        let g = if self.decoupled_weight_decay {
            d.grad.to_vec()
        } else {
            explain::decayed(p, d.grad, self.weight_decay)
        };
        out.push(downhill(M_RAW.key, &after.exp_avg));
        out.push(number(MU.key, after.mu));
        out.push(downhill(
            MIX.key,
            &(0..p.len())
                .map(|i| grad_weight * g[i] + avg_weight * after.exp_avg[i])
                .collect::<Vec<f64>>(),
        ));
        out.push(vector(
            V_HAT.key,
            after
                .exp_avg_sq
                .iter()
                .map(|&v| (v / bias_correction2).sqrt() + self.eps)
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
