//! ASGD, as `torch.optim.ASGD`: gradient descent whose step `eta` shrinks as
//! `lr / (1 + lambd lr t)^alpha`, with the weights decayed by `1 - lambd eta`, and a running
//! average `ax` of the iterates from step `t0` on. The race follows the iterate itself, not the
//! average (the inspector shows it).
//!
//! Traps this file keeps: `eta` starts at the lr of the first step, and the eta after step t
//! uses the lr of step t, so a scheduled lr arrives one step late.

use super::{add, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::math::powf;
use crate::schema::{Hyper, Param, Range, Slider, Spacing};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "asgd",
    title: "ASGD",
    reference: "torch.optim.ASGD",
    params: &[
        params::lr(1e-2),
        Param::number(
            "lambd",
            1e-4,
            Range::NON_NEGATIVE,
            Slider {
                min: 1e-8,
                max: 1.0,
                spacing: Spacing::Log,
            },
            "decay term",
        ),
        Param::number(
            "alpha",
            0.75,
            Range::NON_NEGATIVE,
            Slider {
                min: 0.0,
                max: 2.0,
                spacing: Spacing::Linear,
            },
            "power for the eta update",
        ),
        Param::number(
            "t0",
            1e6,
            Range::ANY,
            Slider {
                min: 1.0,
                max: 1e6,
                spacing: Spacing::Log,
            },
            "step at which averaging starts",
        ),
        params::weight_decay(0.0),
    ],
    needs_hessian: false,
    build: |h| Ok(Box::new(Asgd::new(h))),
};

#[derive(Clone, Debug)]
pub struct Asgd {
    pub lr: f64,
    pub lambd: f64,
    pub alpha: f64,
    pub t0: f64,
    pub weight_decay: f64,
}

impl Asgd {
    pub fn new(h: &Hyper) -> Asgd {
        Asgd {
            lr: h.num("lr"),
            lambd: h.num("lambd"),
            alpha: h.num("alpha"),
            t0: h.num("t0"),
            weight_decay: h.num("weight_decay"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct AsgdState {
    pub step: u64,
    pub eta: f64,
    pub mu: f64,
    /// The average of the iterates.
    pub ax: Vec<f64>,
}

impl Optimizer for Asgd {
    type State = AsgdState;

    fn init(&self, p: &[f64]) -> AsgdState {
        AsgdState {
            step: 0,
            eta: self.lr,
            mu: 1.0,
            ax: zeros(p),
        }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut AsgdState) {
        if s.step == 0 {
            // torch makes the state, eta = lr, at the first step.
            s.eta = self.lr;
        }
        s.step += 1;
        let eta = s.eta;
        for i in 0..p.len() {
            let mut g = d.grad[i];
            if self.weight_decay != 0.0 {
                g = add(g, p[i], self.weight_decay);
            }
            p[i] *= 1.0 - self.lambd * eta;
            p[i] = add(p[i], g, -eta);
            if s.mu != 1.0 {
                s.ax[i] += (p[i] - s.ax[i]) * s.mu;
            } else {
                s.ax[i] = p[i];
            }
        }
        let step = s.step as f64;
        s.eta = self.lr / powf(1.0 + self.lambd * self.lr * step, self.alpha);
        s.mu = 1.0 / (step - self.t0).max(1.0);
    }

    fn inspect(&self, s: &AsgdState) -> Vec<Entry> {
        vec![
            Entry::int("step", s.step),
            Entry::scalar("eta", s.eta),
            Entry::scalar("mu", s.mu),
            Entry::vector("ax", &s.ax),
        ]
    }

    fn lr_mut(&mut self) -> &mut f64 {
        &mut self.lr
    }
}
