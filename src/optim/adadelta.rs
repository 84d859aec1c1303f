//! Adadelta, as `torch.optim.Adadelta`: the step is the ratio of two running RMS values, of past
//! updates and of gradients, so it carries units of the parameters; `lr` scales it.

use super::{add, addcmul, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, Param, Range};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "adadelta",
    title: "Adadelta",
    reference: "torch.optim.Adadelta",
    params: &[
        params::lr(1.0),
        Param::number(
            "rho",
            0.9,
            Range::UNIT,
            sliders::BETA,
            "decay rate of the running averages",
        ),
        params::eps(1e-6),
        params::weight_decay(0.0),
    ],
    needs_hessian: false,
    build: |h| Ok(Box::new(Adadelta::new(h))),
};

#[derive(Clone, Debug)]
pub struct Adadelta {
    pub lr: f64,
    pub rho: f64,
    pub eps: f64,
    pub weight_decay: f64,
}

impl Adadelta {
    pub fn new(h: &Hyper) -> Adadelta {
        Adadelta {
            lr: h.num("lr"),
            rho: h.num("rho"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct AdadeltaState {
    pub step: u64,
    pub square_avg: Vec<f64>,
    pub acc_delta: Vec<f64>,
}

impl Optimizer for Adadelta {
    type State = AdadeltaState;

    fn init(&self, p: &[f64]) -> AdadeltaState {
        AdadeltaState {
            step: 0,
            square_avg: zeros(p),
            acc_delta: zeros(p),
        }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut AdadeltaState) {
        s.step += 1;
        for i in 0..p.len() {
            let mut g = d.grad[i];
            if self.weight_decay != 0.0 {
                g = add(g, p[i], self.weight_decay);
            }
            s.square_avg[i] = addcmul(s.square_avg[i] * self.rho, g, g, 1.0 - self.rho);
            let std = (s.square_avg[i] + self.eps).sqrt();
            let delta = (s.acc_delta[i] + self.eps).sqrt() / std * g;
            s.acc_delta[i] = addcmul(s.acc_delta[i] * self.rho, delta, delta, 1.0 - self.rho);
            p[i] = add(p[i], delta, -self.lr);
        }
    }

    fn inspect(&self, s: &AdadeltaState) -> Vec<Entry> {
        vec![
            Entry::int("step", s.step),
            Entry::vector("square_avg", &s.square_avg),
            Entry::vector("acc_delta", &s.acc_delta),
        ]
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }
}
