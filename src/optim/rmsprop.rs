//! RMSprop, as `torch.optim.RMSprop`: steps divided by a running RMS of gradients (centered:
//! by their running standard deviation), optionally with momentum. eps is added after the root.

use super::{add, addcdiv, addcmul, lerp, params, zeros, Derivatives, Entry, Optimizer, OptimizerInfo};
use crate::schema::{sliders, Hyper, Param, Range};

pub static INFO: OptimizerInfo = OptimizerInfo {
    name: "rmsprop",
    title: "RMSprop",
    reference: "torch.optim.RMSprop",
    params: &[
        params::lr(1e-2),
        Param::number("alpha", 0.99, Range::UNIT, sliders::BETA, "smoothing constant of the squared-gradient average"),
        params::eps(1e-8),
        params::weight_decay(0.0),
        Param::number("momentum", 0.0, Range::NON_NEGATIVE, sliders::MOMENTUM, "momentum factor"),
        Param::flag("centered", false, "normalize by the estimated variance of the gradient"),
    ],
    needs_hessian: false,
    build: |h| Ok(Box::new(RMSprop::new(h))),
};

#[derive(Clone, Debug)]
pub struct RMSprop {
    pub lr: f64,
    pub alpha: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub centered: bool,
}

impl RMSprop {
    pub fn new(h: &Hyper) -> RMSprop {
        RMSprop {
            lr: h.num("lr"),
            alpha: h.num("alpha"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
            momentum: h.num("momentum"),
            centered: h.flag("centered"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct RMSpropState {
    pub step: u64,
    pub square_avg: Vec<f64>,
    pub grad_avg: Vec<f64>,
    pub momentum_buffer: Vec<f64>,
}

impl Optimizer for RMSprop {
    type State = RMSpropState;

    fn init(&self, p: &[f64]) -> RMSpropState {
        RMSpropState { step: 0, square_avg: zeros(p), grad_avg: zeros(p), momentum_buffer: zeros(p) }
    }

    fn update(&self, p: &mut [f64], d: &Derivatives, s: &mut RMSpropState) {
        s.step += 1;
        for i in 0..p.len() {
            let mut g = d.grad[i];
            if self.weight_decay != 0.0 {
                g = add(g, p[i], self.weight_decay);
            }
            s.square_avg[i] = addcmul(s.square_avg[i] * self.alpha, g, g, 1.0 - self.alpha);
            let avg = if self.centered {
                s.grad_avg[i] = lerp(s.grad_avg[i], g, 1.0 - self.alpha);
                addcmul(s.square_avg[i], s.grad_avg[i], s.grad_avg[i], -1.0).sqrt()
            } else {
                s.square_avg[i].sqrt()
            } + self.eps;
            if self.momentum > 0.0 {
                s.momentum_buffer[i] = addcdiv(s.momentum_buffer[i] * self.momentum, g, avg, 1.0);
                p[i] = add(p[i], s.momentum_buffer[i], -self.lr);
            } else {
                p[i] = addcdiv(p[i], g, avg, -self.lr);
            }
        }
    }

    fn inspect(&self, s: &RMSpropState) -> Vec<Entry> {
        let mut out = vec![Entry::int("step", s.step), Entry::vector("square_avg", &s.square_avg)];
        if self.centered {
            out.push(Entry::vector("grad_avg", &s.grad_avg));
        }
        if self.momentum > 0.0 {
            out.push(Entry::vector("momentum_buffer", &s.momentum_buffer));
        }
        out
    }
}
