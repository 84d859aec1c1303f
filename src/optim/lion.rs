//! Lion, as `lion-pytorch` (`Lion` class): the step is the *sign* of an interpolation between
//! momentum and gradient, taken before the momentum itself is updated with beta2. Every
//! coordinate moves by exactly lr (or 0), so Lion wants a smaller lr than Adam.

use super::{add, sign, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, Param, Range};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "lion",
    title: "Lion",
    reference: "lion-pytorch (Lion)",
    params: &[
        Param::number("lr", 1e-4, Range::POSITIVE, sliders::LR, "learning rate"),
        Param::pair(
            "betas",
            [0.9, 0.99],
            Range::UNIT,
            sliders::BETA,
            "interpolation (beta1) and momentum decay (beta2)",
        ),
        Param::number(
            "weight_decay",
            0.0,
            Range::NON_NEGATIVE,
            sliders::WEIGHT_DECAY,
            "decoupled weight decay",
        ),
    ],
    needs_hessian: false,
    build: |h| Ok(Box::new(Lion::new(h))),
};

#[derive(Clone, Debug)]
pub struct Lion {
    pub lr: f64,
    pub betas: [f64; 2],
    pub weight_decay: f64,
}

impl Lion {
    pub fn new(h: &Hyper) -> Lion {
        Lion {
            lr: h.num("lr"),
            betas: h.pair("betas"),
            weight_decay: h.num("weight_decay"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct LionState {
    pub step: u64,
    pub exp_avg: Vec<f64>,
}

impl Optimizer for Lion {
    type State = LionState;

    fn init(&self, p: &[f64]) -> LionState {
        LionState {
            step: 0,
            exp_avg: zeros(p),
        }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut LionState) {
        let [beta1, beta2] = self.betas;
        s.step += 1;
        for i in 0..p.len() {
            let g = d.grad[i];
            p[i] *= 1.0 - self.lr * self.weight_decay;
            let update = sign(add(s.exp_avg[i] * beta1, g, 1.0 - beta1));
            p[i] = add(p[i], update, -self.lr);
            s.exp_avg[i] = add(s.exp_avg[i] * beta2, g, 1.0 - beta2);
        }
    }

    fn inspect(&self, s: &LionState) -> Vec<Entry> {
        vec![Entry::int("step", s.step), Entry::vector("m", &s.exp_avg)]
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }

    fn momentum_mut(&mut self) -> Option<&mut f64> {
        Some(&mut self.betas[0])
    }
}
