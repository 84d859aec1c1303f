//! Adamax, as `torch.optim.Adamax`: Adam with the infinity norm. eps sits *inside* the max:
//! `u = max(beta2 * u, |g| + eps)`.

use super::adam::{m_hat, M, M_HAT};
use super::explain::{self, common, downhill, vector, PieceInfo, Space, Value};
use super::{
    add, addcdiv, lerp, maximum, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo,
};
use super::{Quantity, STEP};
use crate::math::powf;
use crate::schema::Hyper;

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "adamax",
    title: "Adamax",
    reference: "torch.optim.Adamax",
    params: &[
        params::lr(2e-3),
        params::betas(0.9, 0.999),
        params::eps(1e-8),
        params::weight_decay(0.0),
    ],
    state: STATE,
    pieces: PIECES,
    needs_hessian: false,
    build: |h| Ok(Box::new(Adamax::new(h))),
};

#[derive(Clone, Debug)]
pub struct Adamax {
    pub lr: f64,
    pub betas: [f64; 2],
    pub eps: f64,
    pub weight_decay: f64,
}

impl Adamax {
    pub fn new(h: &Hyper) -> Adamax {
        Adamax {
            lr: h.num("lr"),
            betas: h.pair("betas"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct AdamaxState {
    pub step: u64,
    pub exp_avg: Vec<f64>,
    pub exp_inf: Vec<f64>,
}

const STATE: &[Quantity] = &[
    STEP,
    M,
    Quantity {
        name: "u",
        tip: "memory of the gradient's size: the largest recent |g|, fading by β2 every step",
    },
];

const U: PieceInfo = PieceInfo::boxed(
    "u",
    "u",
    Space::Gradient,
    "memory of the gradient's size: the largest recent |g| plus ε, fading by β2 every step",
);

const PIECES: &[PieceInfo] = &[
    common::GRADIENT,
    common::L2,
    common::DECAYED,
    M_HAT,
    U,
    PieceInfo::step("the step: −lr·m̂ divided by the box, coordinate by coordinate"),
];

impl Optimizer for Adamax {
    type State = AdamaxState;
    const STATE: &'static [Quantity] = STATE;
    const PIECES: &'static [PieceInfo] = PIECES;

    fn init(&self, p: &[f64]) -> AdamaxState {
        AdamaxState {
            step: 0,
            exp_avg: zeros(p),
            exp_inf: zeros(p),
        }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut AdamaxState) {
        let [beta1, beta2] = self.betas;
        s.step += 1;
        let clr = self.lr / (1.0 - powf(beta1, s.step as f64));
        for i in 0..p.len() {
            let mut g = d.grad[i];
            if self.weight_decay != 0.0 {
                g = add(g, p[i], self.weight_decay);
            }
            s.exp_avg[i] = lerp(s.exp_avg[i], g, 1.0 - beta1);
            s.exp_inf[i] = maximum(s.exp_inf[i] * beta2, g.abs() + self.eps);
            p[i] = addcdiv(p[i], s.exp_avg[i], s.exp_inf[i], -clr);
        }
    }

    fn inspect(&self, s: &AdamaxState) -> Vec<Entry> {
        vec![
            Entry::int("step", s.step),
            Entry::vector("m", &s.exp_avg),
            Entry::vector("u", &s.exp_inf),
        ]
    }

    fn explain(
        &self,
        _before: &AdamaxState,
        after: &AdamaxState,
        p: &[f64],
        d: &Derivatives,
    ) -> Vec<Value> {
        let mut out = vec![downhill(common::GRADIENT.key, d.grad)];
        out.extend(explain::l2(p, d.grad, self.weight_decay));
        out.push(m_hat(&after.exp_avg, self.betas[0], after.step));
        out.push(vector(U.key, after.exp_inf.clone()));
        out
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }

    fn momentum_mut(&mut self) -> Option<&mut f64> {
        Some(&mut self.betas[0])
    }
}
